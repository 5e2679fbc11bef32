#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, run and test Pacte.
# Idempotent: does nothing when everything is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev nlohmann-json3-dev libsqlite3-dev libsodium-dev libssl-dev openssl
  libgtest-dev libgmock-dev libcurl4-openssl-dev python3-aiosmtpd
  libhowardhinnant-date-dev tzdata
  chromium fonts-noto-color-emoji curl
  libutf8proc-dev
  python3-icalendar
  # prosody: the chat server bench/run.sh compares Pacte with (issue 13).
  prosody
  # clang: the asan and tsan presets and libFuzzer (tests/fuzz); llvm: llvm-symbolizer for
  # readable sanitizer reports; clang-tidy and cppcheck: scripts/lint.sh.
  clang libclang-rt-14-dev llvm clang-tidy cppcheck
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v node >/dev/null; then
  echo "setup: Node.js 20 is required (it comes with the machine image)" >&2
  exit 1
fi

# npm packages, from the committed lock files; skipped when node_modules is current.
for dir in web-client tests/e2e; do
  if [[ -f "$dir/package-lock.json" ]]; then
    if [[ ! -f "$dir/node_modules/.package-lock.json" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
      echo "setup: npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done
