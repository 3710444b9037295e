#!/usr/bin/env bash
# Runs every Fuzz* target in the module for a short time each.
set -euo pipefail
t="${1:-5s}"
cd "$(dirname "$0")/.."
status=0
while IFS= read -r file; do
  dir=$(dirname "${file#./}")
  for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/'); do
    echo "fuzz: ./$dir $fn ($t)"
    go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$t" "./$dir" || status=1
  done
done < <(grep -rl --include='*_test.go' -E '^func Fuzz' . | sort)
exit $status
