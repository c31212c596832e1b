#!/usr/bin/env bash
# Build js-question-variants.wasm (beside this script) with jco +
# componentize-js against the repository's wit/ (world `enzyme`). Installs
# the pinned toolchain first if needed (scripts/setup-polyglot.sh, fast when
# done). ENZYME_WIT=<dir> builds against another copy of the contract, e.g.
# ENZYME_WIT=wit/versions/0.1.0 for hosts that implement an older version.
#   --bundle   enzyme.js imports ./rewrite.js: bundle them into one module
#              (bundle.config.js versions the host import from the WIT and
#              keeps it external)
#   -d all     no WASI features (no stdio, clocks, random, http): the
#              component imports only logline:enzyme/host, and the host gives
#              enzymes nothing more anyway
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

# shellcheck source=../../../scripts/polyglot-env.sh
source "$root/scripts/polyglot-env.sh"
command -v jco >/dev/null || "$root/scripts/setup-polyglot.sh" --js-only

wit=$(cd "$root" && cd "${ENZYME_WIT:-$LOGLINE_WIT}" && pwd)

cd "$here"
LOGLINE_WIT="$wit" jco componentize enzyme.js -w "$wit" -n enzyme --bundle --bundle-config bundle.config.js \
  -d all -o js-question-variants.wasm.partial
mv js-question-variants.wasm.partial js-question-variants.wasm
echo "built $here/js-question-variants.wasm ($(du -h js-question-variants.wasm | cut -f1))"
