#!/usr/bin/env bash
# Runs the suites and records the exit code as a step output, so later steps (artifact
# upload, PR comment) still run and the job fails only at the end.
set -uo pipefail

# --report-dir writes report.json, junit.xml and summary.md there, and keeps state.json there
# too, so a re-run of the job re-attaches to its runs instead of placing the calls again.
args=(run "$SUITE_FILE" --jobs "${JOBS:-1}" --report-dir "$REPORT_DIR")

if [ -n "${SUITES:-}" ]; then
  IFS=',' read -ra names <<< "$SUITES"
  for name in "${names[@]}"; do
    name="${name// /}"
    [ -n "$name" ] && args+=(--suite "$name")
  done
fi
if [ "${SIMULATE:-false}" = "true" ]; then
  args+=(--simulate)
fi
if [ -n "${EXTRA_ARGS:-}" ]; then
  read -ra extra <<< "$EXTRA_ARGS"
  args+=("${extra[@]}")
fi

mkdir -p "$REPORT_DIR"
status=0
hamming-runner "${args[@]}" || status=$?
echo "exit_code=$status" >> "$GITHUB_OUTPUT"
exit "$status"
