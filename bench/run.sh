#!/usr/bin/env bash
# Reproduces every figure of docs/performance.md: builds the benchmarks, runs history and
# search among a million messages, the live-notes benchmarks, then every load scenario
# against Pacte, the Node.js `ws` peer and Prosody (multi-user chat over WebSocket), and
# rewrites the generated parts of docs/performance.md (between its <!-- load:… --> and
# <!-- bench:NAME:… --> markers; bench/load/report.py).
#
#   bench/run.sh            the full set (10,000 connections; about 25 minutes)
#   bench/run.sh --quick    smaller scenarios (about 5 minutes)
#
# In the load scenarios the server under test is pinned to core 0 and the generator to
# core 1 (taskset); the in-process benchmarks use both cores.
# Needs: a release build tree (cmake --preset release), Node.js 20, prosody (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=0
[[ ${1:-} == --quick ]] && quick=1

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} CCACHE_NOHASHDIR=1
[[ -d build/release ]] || cmake --preset release
cmake --build build/release -j2 --target pacte load_generator history_search_bench notes_ot_bench \
  notes_typing_bench
(cd bench/peers && npm ci --no-audit --no-fund --loglevel=error)
command -v prosody >/dev/null || { echo "bench: prosody is missing (scripts/setup.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/pacte-bench-XXXXXX)
prosody_port=$((15000 + RANDOM % 5000))
mkdir -p "$work/prosody/data"
sed -e "s|@DIR@|$work/prosody|g" -e "s|@PORT@|$prosody_port|g" bench/peers/prosody.cfg.lua.in >"$work/prosody/prosody.cfg.lua"

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release && echo "$PRETTY_NAME"), $(g++ -dumpfullversion | sed 's/^/g++ /')"

# The in-process benchmarks, each printing its own figures (progress goes to stderr).
((quick)) && messages=100000 || messages=1000000
build/release/bench/history_search_bench --messages "$messages" --db "$work/history.sqlite3" | tee "$work/history.txt"
build/release/bench/notes_ot_bench | tee "$work/notes-ot.txt"
build/release/bench/notes_typing_bench | tee "$work/notes-typing.txt"

if ((quick)); then
  seconds=5
  scenarios=(idle:1000 fanout:100:10 fanout:1000:10 fanout:1000:50 chat:100:10:1 notes:20:5)
else
  seconds=10
  scenarios=(idle:1000 idle:5000 idle:10000
    fanout:100:1 fanout:100:100 fanout:1000:1 fanout:1000:10 fanout:1000:50
    fanout:5000:1 fanout:5000:10 chat:100:10:1 chat:100:10:10 notes:20:5)
fi
args=()
for s in "${scenarios[@]}"; do args+=(--scenario "$s"); done
gen=(build/release/bench/load_generator --server-cpu 0 --client-cpu 1 --seconds "$seconds")

# Each scenario runs on the three servers in turn (Pacte, Node, Prosody), so that the ratios
# compare runs a minute apart on this shared machine. Rooms of at most 100 for Prosody: each
# join makes its multi-user chat walk (and copy a presence for) every occupant, so filling a
# room of 1,000 took minutes (docs/performance.md).
"${gen[@]}" --peers pacte,node,xmpp --pacte build/release/pacte --config config/bench/server.json \
  --node-command "node $root/bench/peers/ws_server.js --port {port}" \
  --xmpp-command "prosody -F --config $work/prosody/prosody.cfg.lua" --xmpp-port "$prosody_port" \
  --xmpp-max-members 100 "${args[@]}" | tee "$work/results.jsonl" || true

# For the explanation only, not a target: Pacte without waiting for the disk
# (store.synchronous "off"), to show what durability costs in the scenarios with posts.
variant=config/bench/.server-sync-off.json
trap 'rm -f "$variant"' EXIT
sed 's/"synchronous": "full"/"synchronous": "off"/' config/bench/server.json >"$variant"
"${gen[@]}" --peer pacte --name pacte-sync-off --pacte build/release/pacte --config "$variant" \
  --scenario fanout:1000:10 --scenario chat:100:10:1 | tee -a "$work/results.jsonl" || true

command="bench/run.sh${1:+ $1}"
/usr/bin/python3 bench/load/report.py docs/performance.md --command "$command" --machine "$machine" \
  --started "$started" --load "$load_avg" --results "$work/results.jsonl" \
  --block history="$work/history.txt" --block notes-ot="$work/notes-ot.txt" \
  --block notes-typing="$work/notes-typing.txt"
echo "bench: docs/performance.md updated; raw results in $work"
