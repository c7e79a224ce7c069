#!/usr/bin/env bash
# Installs the hamming-runner that prepare.sh chose into BIN_DIR:
#   prebuilt     - the release's archive for TARGET, checked against its SHA-256;
#   source-local - `cargo install` of this action's own source (a warning was shown);
#   source-git   - `cargo install` of release tag VERSION from REPOSITORY.
# Then checks that the binary runs and reports the expected version.
# Written for bash 3.2 (macOS): no mapfile, no associative arrays, no empty "${a[@]}".
set -euo pipefail

mkdir -p "$BIN_DIR"
root="$(dirname "$BIN_DIR")"
exe=hamming-runner
case "$TARGET" in *windows*) exe=hamming-runner.exe ;; esac

from_source() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "::error title=hamming-runner::no prebuilt binary and no cargo to build one; install Rust (for example with dtolnay/rust-toolchain) before this step, or pick a version with a prebuilt binary for this platform"
    exit 1
  fi
  if [ "$1" = local ]; then
    cargo install --locked --root "$root" --path "$(cd "$GITHUB_ACTION_PATH/../../.." && pwd)"
  else
    cargo install --locked --root "$root" --git "${GITHUB_SERVER_URL:-https://github.com}/$REPOSITORY" --tag "$VERSION" hamming-runner
  fi
}

case "$INSTALL" in
  prebuilt)
    tmp="$(mktemp -d)"
    archive="hamming-runner-$TARGET.tar.gz"
    if gh release download "$VERSION" --repo "$REPOSITORY" --dir "$tmp" --pattern "$archive" --pattern "$archive.sha256"; then
      (
        cd "$tmp"
        if command -v sha256sum >/dev/null 2>&1; then sha256sum -c "$archive.sha256"; else shasum -a 256 -c "$archive.sha256"; fi
      )
      mkdir -p "$tmp/unpacked"
      tar -xzf "$tmp/$archive" -C "$tmp/unpacked"
      cp "$tmp/unpacked/$exe" "$BIN_DIR/$exe"
      chmod +x "$BIN_DIR/$exe"
      echo "installed the prebuilt hamming-runner $VERSION ($TARGET) from $REPOSITORY"
    else
      echo "::warning title=hamming-runner is built from source::downloading $archive of $VERSION from $REPOSITORY failed; building from source instead"
      from_source git
    fi
    ;;
  source-local) from_source local ;;
  source-git) from_source git ;;
  *)
    echo "::error title=hamming-runner::unknown install mode '$INSTALL'"
    exit 1
    ;;
esac

installed="$("$BIN_DIR/$exe" --version)"
echo "$installed"
case "$installed" in
  *" ${VERSION#v}") ;;
  *) echo "::warning title=hamming-runner::asked for $VERSION but the installed binary says '$installed'" ;;
esac
