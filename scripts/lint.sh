#!/usr/bin/env bash
# Static analysis of Pacte's own C++ (server/, plugins/, tests/fuzz/): clang-tidy with the
# checks of .clang-tidy, and cppcheck. Exits non-zero on any finding.
#   ./scripts/lint.sh           cppcheck and clang-tidy on every file: what CI runs
#                               (scripts/test.sh) and developers run before a merge; its
#                               cost is in docs/security.md, "CI time"
#   ./scripts/lint.sh FILE...   clang-tidy on these files only
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${LINT_JOBS:-2}
if [[ ${1:-} == -* ]]; then
  echo "usage: $0 [FILE...]  (no options; --ci is gone: CI lints every file)" >&2
  exit 2
fi

# compile_commands.json without precompiled headers or sanitizers; configuring is enough.
CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1 cmake --preset lint >/dev/null

status=0
if (($# == 0)); then
  echo "lint: cppcheck"
  # Warnings, performance and portability; style is left to clang-format and review.
  if ! cppcheck --enable=warning,performance,portability --std=c++20 --language=c++ -j"$jobs" --quiet \
      --error-exitcode=1 --inline-suppr --suppressions-list=.cppcheck-suppressions \
      -I server/include -I server/src -I plugins server plugins tests/fuzz; then
    status=1
  fi
fi

if (($#)); then
  files=("$@")
else
  # Including the network layer (server/src/net, application.cpp, main.cpp) and the fuzz
  # targets that drive it, which parse Beast and Asio: slower, but worth it.
  mapfile -t files < <(git ls-files 'server/*.cpp' 'plugins/*.cpp' 'tests/fuzz/*.cpp')
fi
echo "lint: clang-tidy on ${#files[@]} files"
# run-clang-tidy takes regular expressions: anchor each path.
patterns=()
for f in "${files[@]}"; do patterns+=("$PWD/${f//./\\.}\$"); done
out=$(mktemp)
# Its exit status is what counts (WarningsAsErrors in .clang-tidy); the output is filtered
# down to the findings.
if ! run-clang-tidy -p build/lint -j"$jobs" -quiet "${patterns[@]}" >"$out" 2>&1; then status=1; fi
grep -v -e '^[0-9]* warnings\? generated' -e '^Suppressed [0-9]* warnings' -e 'Use -header-filter' \
  -e '^clang-tidy-14 ' -e '^clang-tidy ' -e '^Enabled checks' -e '^$' "$out" || true
rm -f "$out"
((status == 0)) && echo "lint: clean"
exit $status
