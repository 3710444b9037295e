#!/usr/bin/env bash
# Runs every Fuzz* target in the module for a short time each (on top of its
# seed corpus, which `go test` already runs as ordinary tests).
set -euo pipefail
t="${1:-5s}"
cd "$(dirname "$0")/.."
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
while IFS= read -r file; do
  dir=$(dirname "${file#./}")
  for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/'); do
    echo "fuzz: ./$dir $fn ($t)"
    if go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$t" "./$dir" >"$log" 2>&1; then
      tail -n 3 "$log"
      continue
    fi
    cat "$log"
    # The Go fuzzer can report "context deadline exceeded" when -fuzztime
    # ends (a race in the fuzz coordinator, golang/go#75804, fixed in Go 1.27);
    # that is no failure of the code under test. A real failure writes its
    # input under testdata/fuzz and says so.
    if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"; then
      echo "fuzz: $fn: the fuzz coordinator's deadline race (golang/go#75804), no failing input: not a failure"
      continue
    fi
    # Print the failing input so that a CI log alone is enough to reproduce it,
    # and run it again as an ordinary test: the targets are deterministic, so a
    # real crash or hang reproduces. One that does not came from the fuzz
    # engine itself (a worker killed at -fuzztime's end while minimizing).
    inputs=$(sed -nE 's/.*Failing input written to (testdata\/fuzz\/[^ ]+).*/\1/p' "$log")
    if [ -z "$inputs" ]; then
      status=1
      continue
    fi
    for f in $inputs; do
      echo "fuzz: $fn: failing input ./$dir/$f:"
      cat "./$dir/$f"
      if go test -count=1 -timeout 120s -run "^${fn}\$/^$(basename "$f")\$" "./$dir" >"$log" 2>&1; then
        echo "fuzz: $fn: the input passes when run alone: a fuzz-engine failure, not one of the code (input removed)"
        rm -f "./$dir/$f"
      else
        cat "$log"
        status=1
      fi
    done
  done
done < <(grep -rl --include='*_test.go' -E '^func Fuzz' . | sort)
exit $status
