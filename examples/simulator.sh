#!/usr/bin/env bash
# Sourced by the v2 example scripts: when HAMMING_API_BASE_URL is unset, starts the
# simulator on a free port with the example workspace, points the v2 variables at it, and
# stops it when the script exits. With HAMMING_API_BASE_URL set, does nothing, so the same
# scripts run against Hamming.

HR=${HR:-hamming-runner}
examples_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ -z "${HAMMING_API_BASE_URL:-}" ]]; then
  log=$(mktemp)
  "$HR" sim --workspace "$examples_dir/simulator/workspace.yaml" --port 0 >"$log" &
  sim_pid=$!
  trap 'kill "$sim_pid" 2>/dev/null || true; rm -f "$log"' EXIT
  for _ in $(seq 100); do
    grep -q 'listening on' "$log" && break
    sleep 0.05
  done
  HAMMING_API_BASE_URL=$(sed -n 's/.*listening on //p' "$log")
  export HAMMING_API_BASE_URL
  export HAMMING_API_KEY=sk-0123456789abcdef0123456789abcdef
  export POLL_INTERVAL_SECONDS=0.1
fi
