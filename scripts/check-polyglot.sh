#!/usr/bin/env bash
# Enzymes in other languages, end to end: build the Python and JavaScript
# example enzymes and a freshly generated project per language (`logline
# new`), run each through `logline` on example spans, and check their effect
# on the output. Needs scripts/setup-polyglot.sh and a built logline
# (target/debug/logline, or $LOGLINE).
#
# Without the toolchains it says so and exits 0, unless
# LOGLINE_REQUIRE_POLYGLOT=1 (CI), where that is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
LOGLINE=${LOGLINE:-$root/target/debug/logline}
source scripts/polyglot-env.sh

if ! command -v componentize-py >/dev/null || ! command -v jco >/dev/null; then
  if [ "${LOGLINE_REQUIRE_POLYGLOT:-0}" = 1 ]; then
    echo "check-polyglot: componentize-py or jco missing (run ./scripts/setup-polyglot.sh)" >&2
    exit 1
  fi
  echo "check-polyglot: toolchains not installed; skipped (./scripts/setup.sh --polyglot installs them)"
  exit 0
fi
[ -x "$LOGLINE" ] || { echo "check-polyglot: $LOGLINE not built (cargo build)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cache="$work/cache"
passed=0
failed=0
check() { # name, command...
  local name=$1; shift
  if "$@" >"$work/log" 2>&1; then
    echo "ok     $name"; passed=$((passed + 1))
  else
    echo "FAILED $name"; sed 's/^/       /' "$work/log" | tail -25; failed=$((failed + 1))
  fi
}
jq_count() { # file, python expression over a list `spans` -> prints a number
  python3 -c "import json,sys; spans=[json.loads(l) for l in open(sys.argv[1])]; print($2)" "$1"
}

# --- the example enzymes --------------------------------------------------------
check "python-pii-masker unit tests" sh -c "cd examples/enzymes/python-pii-masker && python3 -m unittest discover -s tests -q"
check "js-question-variants unit tests" sh -c "cd examples/enzymes/js-question-variants && node --test"
check "python-pii-masker builds" examples/enzymes/python-pii-masker/build.sh
check "js-question-variants builds" examples/enzymes/js-question-variants/build.sh
check "polyglot manifest loads" "$LOGLINE" enzymes check examples/polyglot.toml --cache-dir "$cache"

input="$work/input.ndjson"
cat examples/data/diamonds.ndjson examples/enzymes/python-pii-masker/testdata/pii.ndjson > "$input"
poly_run() {
  "$LOGLINE" --quiet enzymes run examples/polyglot.toml -i "$input" -o "$work/poly.ndjson" --cache-dir "$cache" || return 1
  local leaks variants
  leaks=$(python3 - "$work/poly.ndjson" <<'PY'
import json, re, sys
email = re.compile(r"[A-Za-z0-9._%+-]+@(?!example\.(com|org|net)\b)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
n = 0
for line in open(sys.argv[1]):
    s = json.loads(line)
    for f in ("this", "if_ok"):
        t = s.get(f) or ""
        # a masked file says [EMAIL]; what is left is allowed or not an address
        n += len([m for m in email.finditer(t) if "git@" not in t[max(0, m.start()-4):m.end()]])
print(n)
PY
)
  masked=$(grep -c '\[EMAIL\]\|\[PHONE\]' "$work/poly.ndjson")
  variants=$(jq_count "$work/poly.ndjson" 'sum(1 for s in spans if s.get("variant_of") or (s.get("transformation_log") or [{}])[0].get("variant_of"))')
  echo "masked lines: $masked, addresses left: $leaks, variants: $variants"
  [ "$masked" -gt 0 ] && [ "$variants" -gt 0 ]
}
check "polyglot chain masks PII and adds variants" poly_run
# The conformance every enzyme must pass (succeeds on valid spans, ids kept,
# host-owned keys untouched, deterministic, idempotent), in every language.
check "python and js examples conform" "$LOGLINE" --quiet enzymes check examples/polyglot.toml \
  --enzymes python-pii-masker,js-question-variants --conformance "$input" --cache-dir "$cache"

# --- a fresh project per language ----------------------------------------------
for lang in rust python js; do
  name="fresh-$lang"
  dir="$work/new"
  check "logline new --lang $lang" "$LOGLINE" new "$name" --lang "$lang" --dir "$dir"
  proj="$dir/$name"
  case $lang in
    rust) check "$name unit tests" sh -c "cd '$proj' && CARGO_TARGET_DIR='$work/target-new' cargo test --quiet" ;;
    python) check "$name unit tests" sh -c "cd '$proj' && python3 -m unittest -q" ;;
    js) check "$name unit tests" sh -c "cd '$proj' && node --test" ;;
  esac
  if [ $lang = rust ]; then
    check "$name builds" env CARGO_TARGET_DIR="$work/target-new" "$proj/build.sh"
  else
    check "$name builds" "$proj/build.sh"
  fi
  key=${name//-/_}
  fresh_run() {
    (cd "$proj" && "$LOGLINE" --quiet enzymes run manifest.toml -i spans.ndjson -o out.ndjson --cache-dir "$cache") || return 1
    local n total
    total=$(wc -l < "$proj/out.ndjson")
    n=$(jq_count "$proj/out.ndjson" "sum(1 for s in spans if isinstance(s.get('$key'), dict) and 'query_words' in s['$key'])")
    echo "$n of $total spans carry $key"
    [ "$total" -gt 0 ] && [ "$n" = "$total" ]
  }
  check "$name runs through logline" fresh_run
done

echo
echo "polyglot: $passed passed, $failed failed"
[ "$failed" = 0 ]
