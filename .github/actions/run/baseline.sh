#!/usr/bin/env bash
# The reusable workflow's `baseline` input: finds the JSON report of the latest successful
# run of this same workflow on the branch BRANCH, as that run uploaded it (the artifact named
# like this call's reports), downloads it into DEST and sets the output `path` to it. When
# there is none (no such run, an expired artifact, a token without `actions: read`, no gh
# CLI) it says so in a notice and sets `path` empty: the suites are then judged without a
# baseline, and the job does not fail for it.
# Environment: BRANCH, ARTIFACT (the artifact_name input, may be empty), SUITE_FILE, SUITES,
# EXTRA_ARGS, DEST, GH_TOKEN, and GitHub's GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_OUTPUT.
# Written for bash 3.2 (macOS): no mapfile, no associative arrays.
set -uo pipefail

# shellcheck source=/dev/null  # names.sh, checked on its own
. "$(dirname "${BASH_SOURCE[0]}")/names.sh"

out() { printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; }

# No baseline: a notice saying why, an empty path, and success.
none() {
  echo "::notice title=hamming-runner baseline::no baseline from branch ${BRANCH}: $1; the suites are judged without one"
  out path ""
  exit 0
}

# The first line of a failed gh call's message, for a notice.
first_line() {
  printf '%s' "$1" | head -n 1 | cut -c1-200
}

name="${ARTIFACT:-}"
if [ -z "$name" ]; then
  name="$(report_name "${SUITE_FILE:-}" "${SUITES:-}" "${EXTRA_ARGS:-}")"
fi
repository="${GITHUB_REPOSITORY:-}"
command -v gh >/dev/null 2>&1 || none "the gh CLI is not installed on this runner"

# The workflow this run belongs to (a reusable workflow runs as part of its caller's).
if ! workflow="$(gh api "repos/$repository/actions/runs/${GITHUB_RUN_ID:-0}" --jq .workflow_id 2>&1)"; then
  none "cannot read this workflow run ($(first_line "$workflow")); the calling workflow must grant \`actions: read\`"
fi
# Its successful runs on the branch, newest first.
if ! runs="$(gh api -X GET "repos/$repository/actions/workflows/$workflow/runs" -f branch="$BRANCH" -f status=success -F per_page=50 --jq '.workflow_runs[].id' 2>&1)"; then
  none "cannot list the runs of this workflow ($(first_line "$runs")); the calling workflow must grant \`actions: read\`"
fi
[ -n "$runs" ] || none "no successful run of this workflow on $BRANCH yet"
# The runs that still keep an artifact of this name.
if ! kept="$(gh api -X GET "repos/$repository/actions/artifacts" -f name="$name" -F per_page=100 --jq '.artifacts[] | select(.expired | not) | .workflow_run.id' 2>&1)"; then
  none "cannot list the artifacts named $name ($(first_line "$kept"))"
fi
found=""
for run in $runs; do
  if [ "$run" != "${GITHUB_RUN_ID:-}" ] && grep -qx "$run" <<< "$kept"; then
    found="$run"
    break
  fi
done
[ -n "$found" ] || none "no successful run on $BRANCH still keeps the artifact $name (artifacts expire after the repository's retention period)"

dest="${DEST:-${RUNNER_TEMP:-/tmp}/hamming-baseline}"
rm -rf "$dest"
if ! downloaded="$(gh run download "$found" --repo "$repository" --name "$name" --dir "$dest" 2>&1)"; then
  none "cannot download the artifact $name of run $found ($(first_line "$downloaded"))"
fi
[ -f "$dest/report.json" ] || none "the artifact $name of run $found holds no report.json"
echo "::notice title=hamming-runner baseline::comparing with the report of run $found on $BRANCH (artifact $name)"
out path "$dest/report.json"
out run_id "$found"
