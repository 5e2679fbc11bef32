#!/usr/bin/env bash
# Command 2 of the README (and what .ci/run calls): builds everything and runs every test,
# C++ (unit and integration), web client (Vitest, type check, build) and the browser
# end-to-end suite against a real server. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

step "setup"
./scripts/setup.sh

step "C++ build"
cmake --preset release >/dev/null
cmake --build --preset release

step "C++ tests"
ctest --preset release -j2

step "C++ tests under AddressSanitizer and UndefinedBehaviorSanitizer"
# The same suite, built separately (build/asan) with -fsanitize=address,undefined: any
# memory error, leak or undefined behaviour fails the run.
cmake --preset asan >/dev/null
cmake --build --preset asan --target pacte_unit_tests pacte_integration_tests  # not the benchmarks
ctest --preset asan -j2

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
