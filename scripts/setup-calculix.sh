#!/usr/bin/env bash
# Install Debian's CalculiX solver (ccx) for the cross-check tests (tests/fem/test_calculix.py)
# when it is missing and apt-get can be used; otherwise say so and let the tests skip
# (WARP_REQUIRE_CALCULIX=1 turns that skip into a failure).
set -euo pipefail
if command -v ccx >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing calculix-ccx (apt-get) for the CalculiX cross-check"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends calculix-ccx >/dev/null
else
  echo "setup: no ccx and no root apt-get; the CalculiX cross-check tests will skip" >&2
fi
