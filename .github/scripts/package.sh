#!/usr/bin/env bash
# Packages a built hamming-runner binary as a release archive:
#   hamming-runner-<TARGET>.tar.gz with the binary, README.md, LICENSE-MIT and LICENSE-APACHE,
#   and hamming-runner-<TARGET>.tar.gz.sha256 in `sha256sum -c` form.
# Used by the release workflow and by the end-to-end test that serves a release built from
# this checkout, so both package the same way.
#
# usage: package.sh TARGET BINARY OUT_DIR
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 TARGET BINARY OUT_DIR" >&2
  exit 2
fi
target="$1"
binary="$2"
out_dir="$3"
root="$(cd "$(dirname "$0")/../.." && pwd)"

exe=hamming-runner
case "$target" in *windows*) exe=hamming-runner.exe ;; esac
staging="$(mktemp -d)"
cp "$binary" "$staging/$exe"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$staging/"
mkdir -p "$out_dir"
archive="hamming-runner-$target.tar.gz"
tar -czf "$out_dir/$archive" -C "$staging" .
rm -rf "$staging"
(
  cd "$out_dir"
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$archive" > "$archive.sha256"
  else
    shasum -a 256 "$archive" > "$archive.sha256"
  fi
)
echo "packaged $out_dir/$archive"
