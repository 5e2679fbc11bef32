#!/usr/bin/env bash
# Command 1 of the README: builds what is needed and starts Pacte on
# http://127.0.0.1:8080 with an embedded SQLite database (data/) holding the demo pact.
# Extra arguments go to `pacte serve` (e.g. --listen 127.0.0.1:9090, --data /tmp/pacte).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target pacte
if [[ ! -f web-client/dist/index.html ]] || [[ -n "$(find web-client/src web-client/index.html plugins -newer web-client/dist/index.html -print -quit 2>/dev/null)" ]]; then
  (cd web-client && npm run build --silent)
fi
args=(serve --config config/server.json)
# A known password for every demo account, if you prefer it to the printed ones.
[[ -n "${PACTE_DEMO_PASSWORD:-}" ]] && args+=(--demo-password "$PACTE_DEMO_PASSWORD")
exec ./build/release/pacte "${args[@]}" "$@"
