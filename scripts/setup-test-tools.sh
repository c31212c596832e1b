#!/usr/bin/env bash
# Install what the export and report tests read their outputs back with,
# inside the repository where it can be (safe to rerun: fast when done):
#
#   pyarrow   PyPI   -> .logline/check-venv   (python3 -m venv; the Parquet round trip)
#   chromium  Debian -> /usr/bin/chromium     (apt-get, as root; the HTML report in a real browser)
#
# Without them those tests say they are skipped, except under
# LOGLINE_REQUIRE_TOOLS=1 (CI), where a missing tool fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The pin. Change it here only.
PYARROW_VERSION=26.0.1

venv="$root/.logline/check-venv"
stamp="$venv/.pyarrow-$PYARROW_VERSION"
if [ ! -e "$stamp" ]; then
  echo "==> pyarrow $PYARROW_VERSION into .logline/check-venv"
  [ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pyarrow==$PYARROW_VERSION"
  touch "$stamp"
fi

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> chromium (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "setup-test-tools.sh: chromium not found and cannot be installed here (needs root and apt-get); the report's browser test will be skipped" >&2
  fi
fi
