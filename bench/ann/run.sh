#!/usr/bin/env bash
# IVF + per-partition HNSW (target/release/bench-ivf) against hnswlib (M 16, ef_construction
# 100) on real MiniLM span embeddings, 384-d. Makes the vector sets into bench/out/ann/ if
# missing, runs both indexes per size, prints a markdown table and the IVF/hnswlib build ratio.
#
#   bench/ann/run.sh [SIZES]            # default 10000,100000
#   FROM='a.ndjson b.ndjson' bench/ann/run.sh 10000
#
# Needs bench/.venv (bench/ann/requirements.txt) and `cargo build --release -p bench`
# for the IVF side; without the binary only hnswlib runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${1:-10000,100000}
DIR=bench/out/ann
PY=${PY:-bench/.venv/bin/python}
FROM=${FROM:-/tmp/quality/*/diamonds-enriched.ndjson}
IVF=target/release/bench-ivf
mkdir -p "$DIR"

missing=0
for n in ${SIZES//,/ }; do
  for f in base-$n.f32 queries-$n.f32 exact-$n.json; do [ -e "$DIR/$f" ] || missing=1; done
done
if [ "$missing" = 1 ]; then
  # shellcheck disable=SC2086  # FROM is a glob / list of files
  "$PY" bench/ann/make_vectors.py --from $FROM --out "$DIR" --sizes "$SIZES" --seed 7 >&2
fi

[ -x "$IVF" ] || echo "NOTE: $IVF not found (cargo build --release -p bench); running hnswlib only." >&2
for n in ${SIZES//,/ }; do
  echo "size $n: hnswlib" >&2
  "$PY" bench/ann/hnswlib_bench.py --dir "$DIR" --size "$n" --threads 2 > "$DIR/result-$n-hnswlib.json"
  rm -f "$DIR/result-$n-ivf.json"
  if [ -x "$IVF" ]; then
    echo "size $n: bench-ivf" >&2
    "$IVF" --base "$DIR/base-$n.f32" --queries "$DIR/queries-$n.f32" --exact "$DIR/exact-$n.json" \
      --dims 384 --k 10 --seed 7 | grep '^{' | tail -n 1 > "$DIR/result-$n-ivf.json"
  fi
done

"$PY" - "$DIR" "$SIZES" <<'EOF'
import json, os, sys
d, sizes = sys.argv[1], sys.argv[2].split(",")
print("| size | index | build s | recall@10 | p50 µs | p99 µs | bytes/vector |")
print("|---|---|---|---|---|---|---|")
ratios, notes = [], []
for n in sizes:
    r = {}
    for name in ("hnswlib", "ivf"):
        path = os.path.join(d, f"result-{n}-{name}.json")
        if os.path.exists(path) and os.path.getsize(path):
            r[name] = json.load(open(path))
    h = r.get("hnswlib")
    if h:
        print(f"| {int(n):,} | hnswlib (M {h['M']}, ef_c {h['ef_construction']}, ef {h['ef_search']}) | {h['build_s']:.2f} "
              f"| {h['recall_at_10']:.4f} | {h['p50_us']:.0f} | {h['p99_us']:.0f} | {h['bytes_per_vector']:.0f} |")
    i = r.get("ivf")
    if i:
        print(f"| {int(n):,} | IVF-HNSW (nlist {i['nlist']}, nprobe {i['nprobe']}; k-means {i['kmeans_s']:.2f} s, "
              f"HNSW {i['hnsw_s']:.2f} s) | {i['build_s']:.2f} | {i['recall_at_10']:.4f} | {i['p50_us']:.0f} "
              f"| {i['p99_us']:.0f} | {i['bytes_per_vector']:.0f} |")
    if h:
        notes.append(f"{int(n):,}: {h['call_overhead_us']:.1f} µs")
    if h and i:
        ratios.append(f"{int(n):,}: {i['build_s'] / h['build_s']:.2f}x")
print()
print("build time IVF/hnswlib: " + (", ".join(ratios) if ratios else "n/a (no bench-ivf result)"))
print("hnswlib latencies include its Python call overhead (1-vector index): " + ", ".join(notes))
EOF
