#!/usr/bin/env bash
# Before/after load on two `logline` binaries serving the same model, one
# after the other, loopback only (BENCHMARKS.md, "Serving").
#   bench/serve-ab.sh OLD_BIN NEW_BIN MODEL [REQUESTS]
# Runs target/release/bench-serve at concurrency 1, 8, 32 with the example
# spans' `this` (long, with code) and with their first 12 words (short).
set -euo pipefail
old=$1 new=$2 model=$3 requests=${4:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo bench-key > "$work/keys.txt"
python3 - "$root/examples/data/diamonds.ndjson" "$work/short.ndjson" <<'PY'
import json, sys
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        try:
            span = json.loads(line)
        except ValueError:
            continue
        words = span.get("this", "").split()[:12] if isinstance(span, dict) and isinstance(span.get("this"), str) else []
        if len(words) >= 3:
            out.write(json.dumps({"this": " ".join(words)}) + "\n")
PY
for queries in long short; do
  extra=()
  [ "$queries" = short ] && extra=(--queries "$work/short.ndjson")
  for bin in "$old" "$new"; do
    "$bin" serve "$model" --addr 127.0.0.1:0 --keys "$work/keys.txt" --no-cache --no-feedback --fallback-below 0.5 2> "$work/server.err" &
    pid=$!
    until grep -q "ready" "$work/server.err"; do sleep 0.5; kill -0 $pid; done
    port=$(grep -o "127.0.0.1:[0-9]*" "$work/server.err" | head -1 | cut -d: -f2)
    echo "== $queries queries, $bin"
    "$root/target/release/bench-serve" --port "$port" --key bench-key --pid $pid --requests "$requests" --concurrency 1,8,32 "${extra[@]}"
    kill $pid; wait $pid || true
  done
done
