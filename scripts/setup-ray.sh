#!/usr/bin/env bash
# Install the Ray driver (python/, `logline-ray`) and its pinned Ray into
# .logline/ray-venv (safe to rerun: fast when done):
#
#   ray          PyPI -> .logline/ray-venv   (the pin: RAY_VERSION below)
#   logline-ray  ./python, editable          (.logline/ray-venv/bin/logline-ray)
#
# Ray binds every interface and has no authentication: keep a cluster on a
# private network, or on loopback (the tests do).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The pin. Change it here and in python/pyproject.toml.
RAY_VERSION=2.60.0

venv="$root/.logline/ray-venv"
stamp="$venv/.ray-$RAY_VERSION-$(sha256sum python/pyproject.toml | cut -c1-12)"
if [ ! -e "$stamp" ]; then
  echo "==> ray $RAY_VERSION and logline-ray into .logline/ray-venv"
  [ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "ray==$RAY_VERSION"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$root/python"
  rm -f "$venv"/.ray-*
  touch "$stamp"
fi
echo "logline-ray: $venv/bin/logline-ray (ray $RAY_VERSION)"
