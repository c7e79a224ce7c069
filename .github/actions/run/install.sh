#!/usr/bin/env bash
# Installs hamming-runner into ~/.hamming-runner/bin: the prebuilt release binary when one
# exists for this platform, else a build from source with `cargo install --locked`.
set -euo pipefail

repo="hamming-runner/hamming-runner"
bin_dir="$HOME/.hamming-runner/bin"
mkdir -p "$bin_dir"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target="x86_64-unknown-linux-musl" ;;
  Linux-aarch64) target="aarch64-unknown-linux-musl" ;;
  Darwin-arm64) target="aarch64-apple-darwin" ;;
  Darwin-x86_64) target="x86_64-apple-darwin" ;;
  MINGW*|MSYS*|CYGWIN*) target="x86_64-pc-windows-msvc" ;;
  *) target="" ;;
esac

tag_args=()
if [ "${VERSION:-latest}" != "latest" ]; then
  tag_args=("$VERSION")
fi

if [ -n "$target" ] && command -v gh >/dev/null 2>&1; then
  tmp="$(mktemp -d)"
  if gh release download "${tag_args[@]}" --repo "$repo" --dir "$tmp" \
      --pattern "hamming-runner-${target}.tar.gz" --pattern "hamming-runner-${target}.tar.gz.sha256" 2>/dev/null; then
    if command -v sha256sum >/dev/null 2>&1; then
      (cd "$tmp" && sha256sum -c "hamming-runner-${target}.tar.gz.sha256")
    else
      (cd "$tmp" && shasum -a 256 -c "hamming-runner-${target}.tar.gz.sha256")
    fi
    tar -xzf "$tmp/hamming-runner-${target}.tar.gz" -C "$bin_dir"
    echo "installed the prebuilt hamming-runner (${target})"
  fi
fi

if [ ! -x "$bin_dir/hamming-runner" ] && [ ! -x "$bin_dir/hamming-runner.exe" ]; then
  echo "no prebuilt binary for this platform and version; building from source"
  version_args=()
  if [ "${VERSION:-latest}" != "latest" ]; then
    version_args=(--tag "$VERSION")
  fi
  cargo install --locked --root "$HOME/.hamming-runner" --git "https://github.com/${repo}" "${version_args[@]}" hamming-runner
fi

echo "$bin_dir" >> "$GITHUB_PATH"
