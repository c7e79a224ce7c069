#!/usr/bin/env bash
# Checks every workflow and action: actionlint (expressions, contexts, action inputs, runner
# labels, deprecated action runtimes, and shellcheck on `run:` blocks), GitHub's schemas, and
# and every shell script through shellcheck, `run:` blocks of the actions included.
set -euo pipefail
cd "$(dirname "$0")/.."

workflows=(.github/workflows/*.yml examples/workflows/*.yml tests/workflows/caller/.github/workflows/*.yml)
actions=(.github/actions/run/action.yml tests/workflows/standins/*/action.yml tests/workflows/standins/*/*/action.yml)
actionlint "${workflows[@]}"
check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
check-jsonschema --builtin-schema vendor.github-actions "${actions[@]}"
shellcheck .github/actions/run/*.sh .github/scripts/*.sh .ci/run .ci/*.sh
shellcheck -x examples/*.sh
python3 .ci/shellcheck-workflows.py "${workflows[@]}" "${actions[@]}"
echo "workflows, actions and scripts: ok"
