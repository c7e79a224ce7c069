#!/usr/bin/env bash
# Runs the suites and records the exit code as a step output, so later steps (artifact
# upload, PR comment) still run and the job fails only at the end.
# Written for bash 3.2 (macOS): no mapfile, no associative arrays, no empty "${a[@]}".
set -uo pipefail

fail() {
  echo "::error title=hamming-runner::$1"
  echo "exit_code=2" >> "$GITHUB_OUTPUT"
  exit 2
}

# `env`: NAME=value lines for the suite file's templates, exported to the runner only.
if [ -n "${ENV_LINES:-}" ]; then
  line_no=0
  while IFS= read -r line || [ -n "$line" ]; do
    line_no=$((line_no + 1))
    line="${line%$'\r'}"
    trimmed="${line#"${line%%[![:space:]]*}"}"
    case "$trimmed" in "" | "#"*) continue ;; esac
    name="${trimmed%%=*}"
    if [ "$name" = "$trimmed" ] || ! grep -Eq '^[A-Za-z_][A-Za-z0-9_]*$' <<< "$name"; then
      fail "env, line $line_no: expected NAME=value (a name of letters, digits and _), got '${trimmed%%=*}'"
    fi
    if [ "$name" = HAMMING_API_KEY ]; then
      fail "env, line $line_no: HAMMING_API_KEY is a secret; pass it under secrets (or the step's env from secrets), never in env, where it would be logged"
    fi
    export "$name=${trimmed#*=}"
  done <<< "$ENV_LINES"
fi

mkdir -p "$REPORT_DIR"
suite_file="${SUITE_FILE:-}"
if [ -z "$suite_file" ]; then
  # Hamming's v2 inputs: the runner writes the one-suite file itself, so every value is
  # checked (TIMEOUT_SECONDS=15m is an error, not 15 ms) and quoted (a `"` stays a `"`).
  suite_file="$REPORT_DIR/suite.yaml"
  if ! hamming-runner init --from-env --force "$suite_file"; then
    echo "exit_code=2" >> "$GITHUB_OUTPUT"
    echo "::error title=hamming-runner::the v2-style inputs are invalid (see the error above); set suite_file, or agent_id, phone_numbers and one of tag_ids / test_case_ids"
    exit 2
  fi
fi
echo "suite_file=$suite_file" >> "$GITHUB_OUTPUT"

# --report-dir writes report.json, junit.xml, summary.md and report.html there, and keeps state.json there
# too, so a re-run of the job re-attaches to its runs instead of placing the calls again.
args=(run "$suite_file" --jobs "${JOBS:-1}" --report-dir "$REPORT_DIR")
if [ -n "${SUITES:-}" ]; then
  IFS=',' read -ra names <<< "$SUITES"
  for name in ${names[@]+"${names[@]}"}; do
    name="${name// /}"
    if [ -n "$name" ]; then args+=(--suite "$name"); fi
  done
fi
if [ "${SIMULATE:-false}" = "true" ]; then
  args+=(--simulate)
fi
if [ -n "${BASELINE:-}" ]; then
  args+=(--baseline "$BASELINE")
fi
# `args`: split as a shell would (quotes and backslashes honoured), but never executed.
if [ -n "${EXTRA_ARGS//[[:space:]]/}" ]; then
  split="$(mktemp)"
  if ! printf '%s' "$EXTRA_ARGS" | xargs printf '%s\0' > "$split"; then
    fail "args: cannot split '$EXTRA_ARGS' into arguments (an unmatched quote?)"
  fi
  while IFS= read -r -d '' arg; do args+=("$arg"); done < "$split"
fi

status=0
hamming-runner "${args[@]}" || status=$?
# The runner wrote test_run_ids (as `name<<delimiter`, value, delimiter); the first is the
# v2 workflow's `test_run_id`.
ids="$(sed -n '/^test_run_ids<</{n;p;}' "$GITHUB_OUTPUT" | tail -n 1)"
printf 'exit_code=%s\ntest_run_id=%s\n' "$status" "${ids%%,*}" >> "$GITHUB_OUTPUT"
exit "$status"
