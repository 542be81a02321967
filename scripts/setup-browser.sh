#!/usr/bin/env bash
# Install Debian's Chromium for the report test (a real headless browser) when it is
# missing and apt-get can be used; otherwise say so and let the test skip.
set -euo pipefail
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing chromium (apt-get) for the report test"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
else
  echo "setup: no chromium and no root apt-get; the browser test of the report will skip" >&2
fi
