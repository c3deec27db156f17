#!/usr/bin/env bash
# Runs the whole test suite ROUNDS times while BUSY busy loops hold cores, to shake out tests that depend on timing
# (a test that passes on a quiet machine and fails on a loaded CI runner). Usage:
#   bash scripts/stress-tests.sh [ROUNDS=2] [BUSY=1] [extra dotnet test arguments...]
# Prints one line per test assembly and round, and the failures; exits 1 when any round failed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
rounds="${1:-2}"
busy="${2:-1}"
shift $(( $# > 2 ? 2 : $# ))
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || ! [[ "$busy" =~ ^[0-9]+$ ]]; then
  echo "stress-tests: ROUNDS must be an integer >= 1 and BUSY an integer >= 0, but were '$rounds' and '$busy'" >&2
  exit 2
fi
log="$(mktemp -d)/stress"
burners=()
cleanup() { for p in "${burners[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for _ in $(seq 1 "$busy"); do
  sh -c 'while :; do :; done' &
  burners+=("$!")
done
failed=0
for r in $(seq 1 "$rounds"); do
  if bash scripts/test.sh "$@" > "$log-$r.txt" 2>&1; then status=passed; else status=FAILED; failed=1; fi
  echo "== round $r of $rounds ($busy busy loop(s)): $status; log $log-$r.txt"
  grep -E "^(Passed|Failed)!|\[FAIL\]|Error Message" -A1 "$log-$r.txt" | grep -v '^--$' || true
done
exit "$failed"
