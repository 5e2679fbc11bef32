#!/usr/bin/env bash
# Command 2 of the README (and what .ci/run calls): builds everything and runs every test,
# C++ (unit and integration; again under ASan+UBSan, and the concurrency tests under TSan),
# the fuzz targets (60 s each), static analysis, the web client (Vitest, type check, build)
# and the browser end-to-end suite against a real server. Exits non-zero on any failure.
# Each stage prints the elapsed time; the budget is 45 minutes on 2 cores (docs/security.md).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

step "setup"
./scripts/setup.sh

step "C++ build (release)"
cmake --preset release >/dev/null
cmake --build --preset release

step "C++ tests (release)"
ctest --preset release -j2

step "C++ build under ASan+UBSan (clang): the test suites and the fuzz targets"
# One folder (build/asan) serves both: everything is compiled with -fsanitize=address,undefined
# and libFuzzer's coverage (fuzzer-no-link); only the fuzz targets link libFuzzer.
cmake --preset asan >/dev/null
cmake --build --preset asan

step "C++ tests under ASan+UBSan, and every committed fuzz input once"
# Any memory error, leak or undefined behaviour fails the run. Tests labelled release-only
# (the soak, the load-generator smoke test) are left to the release stage.
ctest --preset asan -j2

step "fuzzing: each target 60 s, two at a time"
tests/fuzz/run.sh 60

step "C++ build under ThreadSanitizer (clang)"
cmake --preset tsan >/dev/null
cmake --build --preset tsan

step "the concurrency tests under ThreadSanitizer"
# The subset is the test preset's filter (CMakePresets.json); why those: docs/security.md.
ctest --preset tsan -j2

step "static analysis: cppcheck, clang-tidy (every file)"
./scripts/lint.sh

step "web client: unit tests and build"
(cd web-client && npm test --silent && npm run build --silent)

step "browser end-to-end tests"
# A free port: the README's demo may be running on 8080 meanwhile.
port=18080
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
data=$(mktemp -d)
log="$data/server.log"
password="e2e-$(date +%s)-$RANDOM"
./build/release/pacte serve --config config/server.json --listen "127.0.0.1:$port" --data "$data" \
  --demo-password "$password" --password-cost test >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; echo "the server did not start" >&2; exit 1; }
  sleep 0.1
done
if ! PACTE_URL="http://127.0.0.1:$port" PACTE_DEMO_PASSWORD="$password" node tests/e2e/run.mjs; then
  echo "--- server log" >&2
  tail -50 "$log" >&2
  exit 1
fi

step "all tests passed"
