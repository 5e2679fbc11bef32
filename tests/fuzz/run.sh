#!/usr/bin/env bash
# Runs the fuzz targets built in build/asan (the asan preset), two at a time.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     default: 60 s each, every target
# Each target starts from its committed seeds (tests/fuzz/corpus/<name>/) plus what earlier
# runs in this build folder found (build/asan/fuzz/<name>/corpus, not committed). A crash,
# leak, sanitizer report or timeout stops that target, keeps the input under
# build/asan/fuzz/<name>/ (crash-*, leak-*, timeout-*) and makes the script fail.
# To reproduce: build/asan/tests/fuzz/<name>_fuzz build/asan/fuzz/<name>/crash-…
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(dispatcher session notes documents evidence)
parallel=${FUZZ_PARALLEL:-2}

run_one() {
  local name=$1 seconds=$2
  local work=build/asan/fuzz/$name
  mkdir -p "$work/corpus"
  # -timeout: one input taking over 10 s is a finding (a hang); -rss_limit_mb: memory.
  if build/asan/tests/fuzz/${name}_fuzz "$work/corpus" "tests/fuzz/corpus/$name" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/" -dict=tests/fuzz/json.dict >"$work/log" 2>&1; then
    printf 'fuzz %-10s ok: %s runs, %s corpus inputs, %s coverage edges\n' "$name" \
      "$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')" \
      "$(ls "$work/corpus" | wc -l)" \
      "$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | grep -o '[0-9]*')"
  else
    echo "fuzz $name FAILED: see $work/log; the input is kept in $work/"
    tail -60 "$work/log"
    return 1
  fi
}
export -f run_one

printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c "run_one {} $seconds"
