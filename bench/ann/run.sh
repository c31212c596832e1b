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
  rm -f "$DIR/result-$n-ivf.json" "$DIR/result-$n-ivf-graphs.json"
  if [ -x "$IVF" ]; then
    args=(--base "$DIR/base-$n.f32" --queries "$DIR/queries-$n.f32" --exact "$DIR/exact-$n.json" --dims 384 --k 10 --seed 7)
    # Phase 0's index today is one instant-distance graph: time it where it is affordable.
    single=(); [ "$n" -le 20000 ] && single=(--single-graph)
    echo "size $n: bench-ivf (default nlist)" >&2
    "$IVF" "${args[@]}" "${single[@]}" | grep '^{' | tail -n 1 > "$DIR/result-$n-ivf.json"
    # The same index with partitions of ~1,500 vectors, so every partition gets a graph.
    echo "size $n: bench-ivf (nlist $((n / 1500)), graphs)" >&2
    "$IVF" "${args[@]}" --nlist $((n / 1500)) | grep '^{' | tail -n 1 > "$DIR/result-$n-ivf-graphs.json"
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
    for name in ("ivf", "ivf-graphs"):
        path = os.path.join(d, f"result-{n}-{name}.json")
        if os.path.exists(path) and os.path.getsize(path):
            r[name] = json.load(open(path))
    i = r.get("ivf")
    for g in (r.get("ivf"), r.get("ivf-graphs")):
        if g:
            print(f"| {int(n):,} | IVF (nlist {g['nlist']}, {g['graph_partitions']} with a graph, nprobe {g['nprobe']}; "
                  f"k-means {g['kmeans_s']:.2f} s, partitions {g['hnsw_s']:.2f} s) | {g['build_s']:.2f} "
                  f"| {g['recall_at_10']:.4f} | {g['p50_us']:.0f} | {g['p99_us']:.0f} | {g['bytes_per_vector']:.0f} |")
    if i and "single_graph_build_s" in i:
        print(f"| {int(n):,} | one instant-distance graph (Phase 0's index) | {i['single_graph_build_s']:.2f} "
              f"| {i['single_graph_recall_at_10']:.4f} | – | – | – |")
    if h:
        notes.append(f"{int(n):,}: {h['call_overhead_us']:.1f} µs")
    if h and i:
        ratios.append(f"{int(n):,}: {i['build_s'] / h['build_s']:.2f}x")
print()
print("build time IVF/hnswlib: " + (", ".join(ratios) if ratios else "n/a (no bench-ivf result)"))
print("hnswlib latencies include its Python call overhead (1-vector index): " + ", ".join(notes))
EOF
