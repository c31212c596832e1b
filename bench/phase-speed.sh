#!/bin/bash
# Phase 0 and Phase 1 speed of two logline builds, warm embedding cache (the
# model does no work), three alternating runs each; prints wall seconds and
# peak RSS per run, then the counts each build wrote.
#
#   bench/phase-speed.sh BEFORE_BINARY AFTER_BINARY ENRICHED.ndjson [WORK_DIR]
#
# ENRICHED.ndjson is a Phase 0 output (its index beside it), e.g. the
# AlpacaEval answers of bench/quality run through `logline prepare`.
# LOGLINE_MODEL_DIR must name the models folder when a binary was built in
# another checkout.
set -euo pipefail
before=$(realpath "$1"); after=$(realpath "$2"); enriched=$(realpath "$3")
root=$(cd "$(dirname "$0")/.." && pwd)
work=${4:-$root/bench/out/phase-speed}
mkdir -p "$work/cache" && cd "$work"
[ -f spans.ndjson ] || "$root/target/release/gen-spans" --count 2000 --seed 7 --out spans.ndjson
# Warm the cache (both builds embed the same texts with the same model).
"$after" --quiet prepare -i spans.ndjson -o warm0 --cache-dir cache
for b in "$after" "$before"; do
  rm -rf warm1; "$b" --quiet orchestrate -i "$enriched" -o warm1 --cache-dir cache --workers 2
done
rm -f times.txt
for i in 1 2 3; do
  for v in before after; do
    bin=$before; [ $v = after ] && bin=$after
    rm -rf p0-$v p1-$v
    /usr/bin/time -f "$v prepare %e s %M KB" "$bin" --quiet prepare -i spans.ndjson -o p0-$v --cache-dir cache 2>>times.txt
    /usr/bin/time -f "$v orchestrate %e s %M KB" "$bin" --quiet orchestrate -i "$enriched" -o p1-$v --cache-dir cache --workers 2 2>>times.txt
  done
done
cat times.txt
python3 - <<'PY'
import json
for v in ("before", "after"):
    s = json.load(open(f"p0-{v}/diamonds-enriched.stats.json"))
    r = json.load(open(f"p1-{v}/diamonds-plus.report.json"))
    print(v, "phase0 valid", s["valid"], "model_secs", s["model_secs"],
          "| phase1 passed", r["diamonds_plus"] + r["diamonds_original"], "model_secs", r["model_secs"])
PY
