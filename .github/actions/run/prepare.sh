#!/usr/bin/env bash
# Decides what the later steps of the action need, before any of them runs:
#   - skipped: a pull request from a fork or from Dependabot got no HAMMING_API_KEY (GitHub
#     gives such runs no secrets), so the job skips with a notice instead of failing red;
#   - version: the hamming-runner release to use. By default the one this action belongs to
#     (the version in its own Cargo.toml, so `@v0.1` and `@<sha>` mean what they say); `latest`
#     is resolved to a tag here, so the cache key carries a real version;
#   - install: `prebuilt` when that release has a binary for this platform, else a build
#     from source (`source-local`: the action's own source; `source-git`: the release tag);
#   - cache_key / state_key: keys that carry the resolved version / this call's identity;
#   - report_name: a name for this call's reports that no other call in the run shares.
# Written for bash 3.2 (macOS): no mapfile, no associative arrays, no empty "${a[@]}".
set -euo pipefail

out() { printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; }

# shellcheck source=/dev/null  # names.sh, checked on its own
. "$(dirname "${BASH_SOURCE[0]}")/names.sh"

out report_name "$(report_name "${SUITE_FILE:-}" "${SUITES:-}" "${EXTRA_ARGS:-}")"
# The state's cache entry: per workflow run, job and call (everything that changes what runs).
call_hash="$(printf '%s\n%s\n%s\n%s\n%s' "${SUITE_FILE:-}" "${SUITES:-}" "${EXTRA_ARGS:-}" "${ENV_LINES:-}" "${REPORT_DIR:-}" | sha | cut -c1-16)"
state_prefix="hamming-state-${GITHUB_RUN_ID:-0}-${GITHUB_JOB:-job}-$call_hash-"
out state_key "$state_prefix${GITHUB_RUN_ATTEMPT:-1}"
out state_restore_prefix "$state_prefix"

# A pull request from a fork or from Dependabot runs with no secrets: skip with a notice.
key_given=false
if [ -n "${HAMMING_API_KEY:-}" ]; then key_given=true; fi
case " ${EXTRA_ARGS:-} " in *" --api-key-file"*) key_given=true ;; esac
untrusted=false
case "${EVENT_NAME:-}" in
  pull_request | pull_request_review | pull_request_review_comment)
    if [ -n "${HEAD_REPOSITORY:-}" ] && [ "${HEAD_REPOSITORY}" != "${REPOSITORY:-}" ]; then untrusted=true; fi
    if [ "${ACTOR:-}" = "dependabot[bot]" ]; then untrusted=true; fi
    ;;
esac
if [ "${SIMULATE:-false}" != "true" ] && [ "$key_given" = false ] && [ "$untrusted" = true ]; then
  message="skipped: this pull request comes from ${HEAD_REPOSITORY:-a fork} or Dependabot, and GitHub gives such runs no secrets, so HAMMING_API_KEY is empty; the suites run once the change is on a branch of ${REPOSITORY:-this repository}"
  echo "::notice title=hamming-runner skipped::$message"
  printf '## ⏭️ hamming-runner: %s\n' "$message" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
  out skipped true
  exit 0
fi
out skipped false

# The action's own checkout: the repository root three levels above this directory.
action_root="$(cd "$GITHUB_ACTION_PATH/../../.." && pwd)"
own_version="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$action_root/Cargo.toml" | head -n 1)"

# Where releases come from: the input, else the repository this action was fetched from
# (GitHub names it; the path of a fetched action says it too), so forks use their own.
repository="${RELEASE_REPOSITORY:-${ACTION_REPOSITORY:-}}"
if [ -z "$repository" ]; then
  case "$GITHUB_ACTION_PATH" in
    */_actions/*/*/*/.github/actions/*)
      rest="${GITHUB_ACTION_PATH#*/_actions/}"
      owner="${rest%%/*}"; rest="${rest#*/}"
      repository="$owner/${rest%%/*}"
      ;;
  esac
fi
out repository "$repository"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target="x86_64-unknown-linux-musl" ;;
  Linux-aarch64 | Linux-arm64) target="aarch64-unknown-linux-musl" ;;
  Darwin-arm64) target="aarch64-apple-darwin" ;;
  Darwin-x86_64) target="x86_64-apple-darwin" ;;
  MINGW* | MSYS* | CYGWIN*) target="x86_64-pc-windows-msvc" ;;
  *) target="" ;;
esac
out target "$target"

have_gh=false
if command -v gh >/dev/null 2>&1 && [ -n "$repository" ]; then have_gh=true; fi

requested="${VERSION:-}"
case "$requested" in
  "") tag="v$own_version" ;;
  latest)
    if [ "$have_gh" = false ]; then
      echo "::error title=hamming-runner::version: latest needs the gh CLI and a release repository to find the newest release; name a version (for example v$own_version) or leave version empty"
      exit 2
    fi
    tag="$(gh release view --repo "$repository" --json tagName --jq .tagName)"
    ;;
  v*) tag="$requested" ;;
  *) tag="v$requested" ;;
esac
out version "$tag"

install=""
if [ -n "$target" ] && [ "$have_gh" = true ]; then
  assets="$(gh release view "$tag" --repo "$repository" --json assets --jq '.assets[].name' 2>/dev/null || true)"
  # A here-string, not a pipe: `grep -q` may exit before the writer, which pipefail reports.
  if grep -qx "hamming-runner-$target.tar.gz" <<< "$assets"; then install=prebuilt; fi
fi
source_key=""
if [ -z "$install" ]; then
  why="release $tag of ${repository:-the action repository} has no prebuilt binary for ${target:-this platform}"
  if [ "$have_gh" = false ]; then why="the gh CLI or the release repository is missing, so no prebuilt binary can be fetched"; fi
  if [ "$tag" = "v$own_version" ]; then
    install=source-local
    # The source identifies the build: a change on a branch gives a new cache entry.
    source_key="-source-$(cd "$action_root" && find Cargo.toml Cargo.lock src -type f | LC_ALL=C sort | while IFS= read -r f; do printf "%s " "$f"; sha < "$f"; done | sha | cut -c1-16)"
    echo "::warning title=hamming-runner is built from source::$why; building this action's own source with cargo instead (several minutes on a small runner)"
  else
    install=source-git
    source_key="-source"
    echo "::warning title=hamming-runner is built from source::$why; building $tag from source with cargo instead (several minutes on a small runner)"
  fi
fi
out install "$install"
out bin_dir "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/hamming-runner/bin"
out cache_key "hamming-runner-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-$tag$source_key"
