#!/usr/bin/env bash
# Hamming's v2 CI scripts, test-case case, then the step v2 cannot take: the same cases
# with scenario-fact and persona overrides, from a suite file (v2-overrides.yaml).
#
#   v2:  TEST_CASE_IDS=... python scripts/hamming_run_test.py
#        python scripts/hamming_wait_test_run.py "$TEST_RUN_ID" | python scripts/hamming_check_results.py
#
# Run as is, it starts the simulator on a free port and runs against it (no key, no calls).
# Set HAMMING_API_BASE_URL and HAMMING_API_KEY to run against Hamming instead.
set -euo pipefail

HR=${HR:-hamming-runner}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source=examples/simulator.sh
source "$here/simulator.sh"

export AGENT_ID="${AGENT_ID:-cmagentfrontdesk000000001}"
export PHONE_NUMBERS="${PHONE_NUMBERS:-+15551234567,+15559876543}"
export TEST_CASE_IDS="${TEST_CASE_IDS:-cmc220l4i00zsgn0gvqkvpvxh}"
# The v2 README's min_score_threshold example.
export MIN_TEST_PASS_RATE="${MIN_TEST_PASS_RATE:-0.8}"

# 1. Exactly as v2: everything from the environment.
TEST_RUN_ID=$("$HR" create)
echo "test run: $TEST_RUN_ID" >&2
"$HR" wait "$TEST_RUN_ID" --output - | "$HR" check -

# 2. The same case with overrides: the suite file reads AGENT_ID from the
#    environment, and the thresholds live in the file.
TEST_RUN_ID=$("$HR" create "$here/v2-overrides.yaml")
echo "test run with overrides: $TEST_RUN_ID" >&2
"$HR" wait "$TEST_RUN_ID" --output - |
  "$HR" check - --suite-file "$here/v2-overrides.yaml"
