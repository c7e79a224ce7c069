#!/usr/bin/env bash
# Checks every workflow and the composite action against GitHub's schemas, and every shell
# script in them with shellcheck, `run:` blocks included.
set -euo pipefail
cd "$(dirname "$0")/.."

workflows=(.github/workflows/*.yml examples/workflows/*.yml)
check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
check-jsonschema --builtin-schema vendor.github-actions .github/actions/run/action.yml
shellcheck .github/actions/run/*.sh .ci/run .ci/*.sh
shellcheck -x examples/*.sh
python3 .ci/shellcheck-workflows.py "${workflows[@]}" .github/actions/run/action.yml
echo "workflows, action and scripts: ok"
