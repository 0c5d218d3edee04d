#!/usr/bin/env bash
# The German catalogue is compiled with GNU gettext's msgfmt (Debian's package). Install it when missing.
set -euo pipefail
if command -v msgfmt >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "msgfmt is missing: run 'sudo apt-get install gettext' (translations need it)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends gettext >/dev/null
command -v msgfmt
