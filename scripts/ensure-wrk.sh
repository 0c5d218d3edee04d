#!/usr/bin/env bash
# The benchmark's HTTP load generator is wrk (Debian's package): install it when missing.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "wrk is missing: run 'sudo apt-get install wrk' (make bench --http and its test need it)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends wrk >/dev/null
command -v wrk
