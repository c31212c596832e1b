#!/usr/bin/env bash
# What the shard contract and the Ray driver cost on one machine (this
# shows overhead, not speed-up): N generated spans through
#   1. `logline run` (one process, all cores),
#   2. the shard contract by a shell loop (S shards in parallel, 1 thread each),
#   3. `logline-ray run --shards S --cpus-per-task 1` on a local Ray (all cores),
# each with a fresh embedding cache; then checks 2 and 3 equal 1.
# Usage: bench/ray-overhead.sh [N=1000] [S=2]   (after scripts/setup.sh --ray)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
S=${2:-2}
B=$(pwd)/${LOGLINE:-target/debug/logline}
cargo build -q -p logline -p logline-bench --bin logline --bin gen-spans
out=$(pwd)/bench/out/ray-$N
rm -rf "$out" && mkdir -p "$out"
target/debug/gen-spans --count "$N" --seed 7 > "$out/spans.ndjson"
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }

t=$(now)
LOGLINE_CACHE_DIR=$out/cache-1 "$B" -q run -i "$out/spans.ndjson" -o "$out/single" --reproducible
single=$(secs "$t" "$(now)")

export LOGLINE_CACHE_DIR=$out/cache-2
w=$out/loop.work
t=$(now)
for k in $(seq 1 "$S"); do "$B" -q prepare -i "$out/spans.ndjson" -o "$w" --shard "$k/$S" --threads 1 & done; wait
t_prep=$(now)
"$B" -q index build "$w" --reproducible
t_index=$(now)
for k in $(seq 1 "$S"); do "$B" -q orchestrate "$w" --shard "$k/$S" --threads 1 --workers 1 --reproducible & done; wait
t_orch=$(now)
"$B" -q report merge "$w" -o "$out/loop"
loop=$(secs "$t" "$(now)")
echo "loop phases: prepare $(secs "$t" "$t_prep") s, index $(secs "$t_prep" "$t_index") s, orchestrate $(secs "$t_index" "$t_orch") s"

export LOGLINE_CACHE_DIR=$out/cache-3
t=$(now)
.logline/ray-venv/bin/logline-ray run -q -i "$out/spans.ndjson" -o "$out/ray" --shards "$S" \
  --cpus-per-task 1 --logline "$B" --reproducible --json > "$out/ray.json"
ray=$(secs "$t" "$(now)")
python3 - "$out/ray.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"ray: init {r['init_secs']:.1f} s, driver wall {r['wall_secs']:.1f} s, tasks (s): "
      + "; ".join(f"{k} " + ", ".join(f"{x:.1f}" for x in v) for k, v in r["task_secs"].items()))
PY
python3 bench/ray-compare.py "$out/single" "$out/loop" "$out/ray"
echo "N=$N S=$S: single ${single} s, shell loop ${loop} s ($(python3 -c "print(f'{$loop/$single:.2f}')")x), ray ${ray} s ($(python3 -c "print(f'{$ray/$single:.2f}')")x)"
