#!/usr/bin/env bash
# What the shard contract and the Ray driver cost on one machine (this
# shows overhead, not speed-up): N generated spans through
#   1. `logline run` (one process, all cores),
#   2. the shard contract by a shell loop (S shards in parallel, 1 thread each),
#   3. `logline-ray run --shards S --cpus-per-task 1` on a local Ray (all cores),
#   4. the same on a one-node cluster started beforehand (`ray start`, loopback),
# each with a fresh embedding cache; then checks 2, 3 and 4 equal 1.
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

# 4. The same driver on a cluster that is already running (as on a real
# cluster, where `ray start` happens once): Ray's own start-up left out.
export LOGLINE_CACHE_DIR=$out/cache-4 RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0
RAYBIN=.logline/ray-venv/bin
trap '"$RAYBIN/ray" stop >/dev/null 2>&1 || true' EXIT
# (A short temp dir: Ray's socket paths must fit in 107 bytes.)
"$RAYBIN/ray" start --head --node-ip-address 127.0.0.1 --port 6399 --num-cpus "$(nproc)" \
  --include-dashboard false --disable-usage-stats --temp-dir "$(mktemp -d /tmp/ray.XXXXXX)" >"$out/ray-start.log" 2>&1
t=$(now)
"$RAYBIN/logline-ray" run -q -i "$out/spans.ndjson" -o "$out/ray-running" --shards "$S" --address 127.0.0.1:6399 \
  --cpus-per-task 1 --logline "$B" --reproducible --json > "$out/ray-running.json"
running=$(secs "$t" "$(now)")
"$RAYBIN/ray" stop >/dev/null 2>&1
python3 bench/ray-compare.py "$out/single" "$out/loop" "$out/ray" "$out/ray-running"
ratio() { python3 -c "print(f'{$1/$single:.2f}')"; }
echo "N=$N S=$S: single ${single} s, shell loop ${loop} s ($(ratio "$loop")x), ray ${ray} s ($(ratio "$ray")x)," \
  "ray on a running cluster ${running} s ($(ratio "$running")x)"
