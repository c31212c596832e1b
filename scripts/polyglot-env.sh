# Source me (bash): puts the repository's Python and JavaScript enzyme
# toolchains, installed by scripts/setup-polyglot.sh, first on PATH
# (.logline/polyglot-bin: componentize-py, jco, componentize-js, nothing else).
#
#   source scripts/polyglot-env.sh
#   componentize-py --version; jco --version
#
# Sets LOGLINE_ROOT (the repository) and LOGLINE_WIT (its wit/ folder) too.
# Changes nothing else; sourcing it twice is harmless.
LOGLINE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOGLINE_WIT="$LOGLINE_ROOT/wit"
case ":$PATH:" in
  *":$LOGLINE_ROOT/.logline/polyglot-bin:"*) ;;
  *) PATH="$LOGLINE_ROOT/.logline/polyglot-bin:$PATH" ;;
esac
export PATH LOGLINE_ROOT LOGLINE_WIT
