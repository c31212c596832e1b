#!/usr/bin/env bash
# Install the toolchains for Python and JavaScript enzymes, pinned, inside the
# repository (nothing global, nothing exported). Safe to rerun: fast when done.
#
#   componentize-py                  PyPI -> .logline/polyglot-venv  (python3 -m venv)
#   @bytecodealliance/jco            npm  -> .logline/node           (npm install --prefix)
#   @bytecodealliance/componentize-js npm -> .logline/node
# and links the three commands into .logline/polyglot-bin/.
#
# Needs python3 (>= 3.10) and node (>= 18) with npm. Use the tools with
#   source scripts/polyglot-env.sh     # puts them first on PATH in this shell
# which is what examples/enzymes/{python,js}-*/build.sh do.
#
# Options: --python-only, --js-only, --force (reinstall), -h.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The pins. Change them here only; polyglot-env.sh and the build scripts read
# nothing else.
COMPONENTIZE_PY_VERSION=0.25.1
JCO_VERSION=1.34.0
# componentize-js is the one jco 1.34.0 depends on (^0.22.0), so that npm
# keeps a single copy and `jco componentize` runs exactly this version.
COMPONENTIZE_JS_VERSION=0.22.0

venv="$root/.logline/polyglot-venv"
node_prefix="$root/.logline/node"

want_py=1 want_js=1 force=0
for a in "$@"; do
  case "$a" in
    --python-only) want_js=0 ;;
    --js-only) want_py=0 ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "setup-polyglot.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

die() { echo "setup-polyglot.sh: $*" >&2; exit 1; }

if [ "$want_py" = 1 ]; then
  py=${PYTHON:-python3}
  command -v "$py" >/dev/null || die "python3 not found (needed for componentize-py)"
  stamp="$venv/.componentize-py-$COMPONENTIZE_PY_VERSION"
  if [ "$force" = 1 ] || [ ! -e "$stamp" ] || [ ! -x "$venv/bin/componentize-py" ]; then
    echo "==> componentize-py $COMPONENTIZE_PY_VERSION into .logline/polyglot-venv"
    [ "$force" = 1 ] && rm -rf "$venv"
    [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      "componentize-py==$COMPONENTIZE_PY_VERSION"
    rm -f "$venv"/.componentize-py-*
    touch "$stamp"
  fi
  echo "componentize-py $("$venv/bin/componentize-py" --version 2>/dev/null | awk '{print $NF}'): $venv/bin/componentize-py"
fi

if [ "$want_js" = 1 ]; then
  command -v node >/dev/null || die "node not found (needed for jco)"
  command -v npm >/dev/null || die "npm not found (needed for jco)"
  stamp="$node_prefix/.jco-$JCO_VERSION-cjs-$COMPONENTIZE_JS_VERSION"
  bin="$node_prefix/node_modules/.bin"
  if [ "$force" = 1 ] || [ ! -e "$stamp" ] || [ ! -x "$bin/jco" ]; then
    echo "==> jco $JCO_VERSION + componentize-js $COMPONENTIZE_JS_VERSION into .logline/node"
    [ "$force" = 1 ] && rm -rf "$node_prefix"
    mkdir -p "$node_prefix"
    # A package.json of its own, so npm never walks up into another project.
    [ -e "$node_prefix/package.json" ] || \
      echo '{ "name": "logline-polyglot-tools", "private": true }' > "$node_prefix/package.json"
    npm install --prefix "$node_prefix" --no-audit --no-fund --loglevel=error --save-exact \
      "@bytecodealliance/jco@$JCO_VERSION" \
      "@bytecodealliance/componentize-js@$COMPONENTIZE_JS_VERSION" >/dev/null
    rm -f "$node_prefix"/.jco-*
    touch "$stamp"
  fi
  echo "jco $("$bin/jco" --version 2>/dev/null): $bin/jco (componentize-js $COMPONENTIZE_JS_VERSION)"
fi

# One folder with just these tools, for PATH (polyglot-env.sh): the venv's
# and node_modules' own bin folders hold much more (python, pip, tsc, …).
bindir="$root/.logline/polyglot-bin"
mkdir -p "$bindir"
[ -x "$venv/bin/componentize-py" ] && ln -sfn "$venv/bin/componentize-py" "$bindir/componentize-py"
for t in jco componentize-js; do
  [ -x "$node_prefix/node_modules/.bin/$t" ] && ln -sfn "$node_prefix/node_modules/.bin/$t" "$bindir/$t"
done
echo "use them with: source scripts/polyglot-env.sh   (puts .logline/polyglot-bin first on PATH)"
