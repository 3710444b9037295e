#!/usr/bin/env bash
# Validates the GitHub Action: action.yml against the action schema
# (@action-validator/cli) and the self-test workflow, which uses the action
# with `uses: ./`, with actionlint (which also checks the action's inputs and
# outputs as the workflow uses them). Then runs the Go tests that execute the
# composite steps as the runner would. Tools come from .ci/setup.sh; without
# them the checks are skipped with a message, unless CI is set.
set -euo pipefail
cd "$(dirname "$0")/.."

validator=.cache/node/node_modules/.bin/action-validator
actionlint=.cache/bin/actionlint
missing=0
for tool in "$validator" "$actionlint"; do
  if [ ! -x "$tool" ]; then
    echo "action-test: $tool is missing (run .ci/setup.sh)" >&2
    missing=1
  fi
done
if [ "$missing" = 1 ] && [ -n "${CI:-}" ]; then exit 1; fi

if [ -x "$validator" ]; then
  "$validator" action.yml
  echo "action-test: action.yml is valid"
fi
if [ -x "$actionlint" ]; then
  "$actionlint" .github/workflows/*.yml
  echo "action-test: workflows pass actionlint"
fi
go test ./internal/ghaction/ ./internal/github/ -run 'Composite|Validators|Webhook|Sticky|CheckRun|SARIF'
