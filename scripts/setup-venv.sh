#!/usr/bin/env bash
# Create .venv (Python >= 3.12) if it is missing and install warp with its FE stack.
# Reinstalls when pyproject.toml changes. Set PYTHON=/path/to/python3.x to choose.
set -euo pipefail
cd "$(dirname "$0")/.."

usable() {  # prints the interpreter if it runs and is >= 3.12
  local py="$1"
  [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 || return 1
  "$py" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null \
    && command -v "$py"
}

find_python() {
  local cand root
  for cand in "${PYTHON:-}" python3.13 python3.12 python3; do
    usable "$cand" && return 0
  done
  root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
  for cand in "$root"/versions/3.13*/bin/python3.13 "$root"/versions/3.12*/bin/python3.12 \
              /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    usable "$cand" && return 0
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  if ! py="$(find_python)"; then
    echo "setup: no Python >= 3.12 found (tried \$PYTHON, python3.13, python3.12, python3," >&2
    echo "       pyenv versions and /usr/bin). Install one, or set PYTHON=/path/to/python3.12." >&2
    exit 1
  fi
  echo "setup: creating .venv with $py ($("$py" --version))"
  "$py" -m venv .venv
fi

stamp=.venv/.warp-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x .venv/bin/warp ]; then
  echo "setup: installing warp and its dependencies into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[fem,test]"
  echo "$want" > "$stamp"
fi
