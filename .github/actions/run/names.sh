#!/usr/bin/env bash
# Sourced by prepare.sh and baseline.sh: the name of a call's reports, so that the run that
# uploads them and a later run that looks for them as its baseline agree on it.
# Written for bash 3.2 (macOS).

sha() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -c1-64; else shasum -a 256 | cut -c1-64; fi
}

slug() {
  printf '%s' "$1" | LC_ALL=C tr '[:upper:]' '[:lower:]' | LC_ALL=C tr -c 'a-z0-9' '-' | sed -e 's/--*/-/g' -e 's/^-//' -e 's/-$//' | cut -c1-60
}

# report_name SUITE_FILE SUITES EXTRA_ARGS: named for the suite file and the suites, plus a
# short hash of `args` when given (a matrix over shards calls one file with different args).
# Predictable, so a later workflow can find the artifact; calls that differ only in `env` set
# a name themselves.
report_name() {
  local file_part name
  file_part="$(slug "${1:-v2-inputs}")"
  [ -n "$file_part" ] || file_part="suite"
  name="hamming-reports-$file_part"
  if [ -n "${2:-}" ]; then name="$name-$(slug "$2")"; fi
  if [ -n "${3:-}" ]; then name="$name-$(printf '%s' "$3" | sha | cut -c1-8)"; fi
  printf '%s\n' "$name"
}
