#!/usr/bin/env bash
# Checks a release tag before anything is built, and says which moving tag it advances:
#   - the tag is vX.Y.Z (or vX.Y.Z-pre) and equals Cargo.toml's version;
#   - the reusable workflow's fallback ref (used where GitHub gives no job.workflow_sha)
#     names this release line.
# Prints `major=<moving tag>` and `prerelease=<true|false>`; appends them to $GITHUB_OUTPUT
# when set. The moving tag is `v<MAJOR>` from 1.0 on; before 1.0, where a minor release may
# break, it is `v0.<MINOR>`.
#
# usage: release-check.sh TAG
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: $0 TAG" >&2
  exit 2
fi
tag="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$root/Cargo.toml" | head -n 1)"

if ! grep -Eq '^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$' <<< "$tag"; then
  echo "error: tag '$tag' is not a release tag (vX.Y.Z or vX.Y.Z-pre)" >&2
  exit 1
fi
if [ "$tag" != "v$version" ]; then
  echo "error: tag '$tag' does not match Cargo.toml's version $version; bump Cargo.toml (and Cargo.lock) or tag v$version" >&2
  exit 1
fi

core="${version%%-*}"
major="${core%%.*}"
minor="${core#*.}"
minor="${minor%%.*}"
if [ "$major" = 0 ]; then moving="v0.$minor"; else moving="v$major"; fi
prerelease=false
case "$version" in *-*) prerelease=true ;; esac

workflow="$root/.github/workflows/hamming_run_test.yml"
if ! grep -q "ref: \${{ job.workflow_sha || '$moving' }}" "$workflow"; then
  echo "error: $workflow falls back to another release line than $moving; set its checkout's ref to \${{ job.workflow_sha || '$moving' }}" >&2
  exit 1
fi

printf 'major=%s\nprerelease=%s\n' "$moving" "$prerelease"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  printf 'major=%s\nprerelease=%s\n' "$moving" "$prerelease" >> "$GITHUB_OUTPUT"
fi
