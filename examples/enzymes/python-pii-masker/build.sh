#!/usr/bin/env bash
# Build python-pii-masker.wasm (beside this script) with componentize-py
# against the repository's wit/ (world `enzyme`). Installs the pinned
# toolchain first if needed (scripts/setup-polyglot.sh, fast when done).
# ENZYME_WIT=<dir> builds against another copy of the contract, e.g.
# ENZYME_WIT=wit/versions/0.1.0 for hosts that implement an older version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

# shellcheck source=../../../scripts/polyglot-env.sh
source "$root/scripts/polyglot-env.sh"
command -v componentize-py >/dev/null || "$root/scripts/setup-polyglot.sh" --python-only

wit=$(cd "$root" && cd "${ENZYME_WIT:-$LOGLINE_WIT}" && pwd)

cd "$here"
componentize-py -d "$wit" -w enzyme componentize app -p . -o python-pii-masker.wasm.partial
mv python-pii-masker.wasm.partial python-pii-masker.wasm
echo "built $here/python-pii-masker.wasm ($(du -h python-pii-masker.wasm | cut -f1))"
