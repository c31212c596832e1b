"""Check sharded outputs equal one run after a canonical sort (spans and
rejects as sorted canonical JSON, index files byte for byte).
Usage: python3 bench/ray-compare.py ONE OTHER [OTHER...]"""
import json
import sys
from pathlib import Path

SPANS = ["diamonds-enriched.ndjson", "diamonds-enriched.rejects.ndjson", "diamonds-enriched.duplicates.ndjson",
         "diamonds-plus.ndjson", "diamonds-plus.rejects.ndjson"]
BYTES = ["diamonds-enriched.hnsw.bin", "diamonds-enriched.index.bin"]


def canon(p: Path):
    return sorted(json.dumps(json.loads(line), sort_keys=True) for line in p.open())


one = Path(sys.argv[1])
bad = 0
for other in map(Path, sys.argv[2:]):
    for f in SPANS:
        if canon(one / f) != canon(other / f):
            print(f"DIFFERENT: {other / f}")
            bad += 1
    for f in BYTES:
        if (one / f).read_bytes() != (other / f).read_bytes():
            print(f"DIFFERENT: {other / f}")
            bad += 1
    print(f"{other}: {'same as' if not bad else 'NOT the same as'} {one}")
sys.exit(1 if bad else 0)
