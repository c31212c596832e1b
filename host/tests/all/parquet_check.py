"""Read a `logline export --format parquet` file back with pyarrow and
compare every field of every row with the spans it came from.

usage: parquet_check.py SPANS.parquet CURATED.ndjson REJECTS.ndjson
Prints one JSON object: counts, and `problems` (empty when all is well).
"""
import json
import math
import struct
import sys
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq

path, curated_path, rejects_path = sys.argv[1:4]
problems = []

def want(cond, what):
    if not cond:
        problems.append(what)

table = pq.read_table(path)
schema = table.schema
meta = pq.ParquetFile(path).metadata
dims = schema.field("combined_embedding").type.list_size
types = {
    "id": pa.string(), "who": pa.string(), "did": pa.string(), "this": pa.string(),
    "when": pa.timestamp("us", tz="UTC"), "status": pa.string(), "if_ok": pa.string(),
    "if_not": pa.string(), "confirmed_by": pa.string(), "context": pa.string(), "metadata": pa.string(),
    "extra": pa.string(), "domain": pa.string(), "thread_id": pa.string(), "input_quality": pa.float64(),
    "complexity_score": pa.float64(), "duplicate_group": pa.string(), "duplicate_of": pa.string(),
    "score": pa.float64(), "reject_reason": pa.string(), "reject_detail": pa.string(),
}
for name, t in types.items():
    want(schema.field(name).type == t, f"{name}: {schema.field(name).type} is not {t}")
want(pa.types.is_list(schema.field("semantic_tags").type) and schema.field("semantic_tags").type.value_type == pa.string(), "semantic_tags type")
for v in ("query_embedding", "response_embedding", "combined_embedding"):
    t = schema.field(v).type
    want(pa.types.is_fixed_size_list(t) and t.value_type == pa.float32() and t.list_size == dims, f"{v}: {t}")
t = schema.field("transformation").type
want(pa.types.is_struct(t) and [f.name for f in t] == ["enzymes", "changed_by", "changes", "score_before", "caps", "variant_of"], f"transformation: {t}")

curated = [json.loads(l) for l in open(curated_path)]
rejects = [json.loads(l) for l in open(rejects_path)]
rejects = [r for r in rejects if "span" in r]
rows = table.to_pylist()
want(len(rows) == len(curated) + len(rejects), f"{len(rows)} rows for {len(curated)} curated + {len(rejects)} rejects")

KNOWN = {"id", "who", "did", "this", "when", "status", "if_ok", "if_not", "confirmed_by", "context", "metadata",
         "semantic_tags", "complexity_score", "embeddings", "embedding_row", "transformation_log",
         "duplicate_group", "duplicate_of", "query_embedding", "response_embedding", "combined_embedding"}

def instant(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(timezone.utc)

def same_vector(a, b):
    if a is None or b is None:
        return a is None and b is None
    # JSON holds each float32 in its shortest form; round it back to float32.
    f32 = lambda x: struct.unpack("<f", struct.pack("<f", x))[0]
    return len(a) == len(b) and all(x == f32(y) for x, y in zip(a, b))

checked = 0
for row, (span, reject) in zip(rows, [(s, None) for s in curated] + [(r["span"], r) for r in rejects]):
    sid = span["id"]
    for k in ("id", "who", "did", "this", "status"):
        want(row[k] == span[k], f"{sid}: {k}")
    for k in ("if_ok", "if_not", "confirmed_by", "duplicate_group", "duplicate_of"):
        want(row[k] == span.get(k), f"{sid}: {k} {row[k]!r} != {span.get(k)!r}")
    for k in ("context", "metadata"):
        want((json.loads(row[k]) if row[k] is not None else None) == span.get(k), f"{sid}: {k}")
    extra = {k: v for k, v in span.items() if k not in KNOWN}
    want((json.loads(row["extra"]) if row["extra"] else {}) == extra, f"{sid}: extra")
    want(row["when"] == instant(span["when"]), f"{sid}: when {row['when']} != {span['when']}")
    want(row["semantic_tags"] == span["semantic_tags"], f"{sid}: semantic_tags")
    want(math.isclose(row["complexity_score"], span["complexity_score"]), f"{sid}: complexity_score")
    q = span.get("metadata", {}).get("quality_score") if isinstance(span.get("metadata"), dict) else None
    want(row["input_quality"] == (float(q) if q is not None else None), f"{sid}: input_quality")
    emb = span.get("embeddings", {})
    for v in ("query_embedding", "response_embedding", "combined_embedding"):
        want(same_vector(row[v], emb.get(v)), f"{sid}: {v}")
    log = span.get("transformation_log") or []
    entry = log[0] if log else None
    want(row["score"] == (entry or {}).get("quality_score"), f"{sid}: score")
    if entry is not None:
        tr = row["transformation"]
        apps = entry["enzyme_applications"]
        want(tr["enzymes"] == [a["enzyme"] for a in apps], f"{sid}: transformation.enzymes")
        want(tr["changed_by"] == [a["enzyme"] for a in apps if a["input_hash"] != a["output_hash"]], f"{sid}: changed_by")
        want(tr["changes"] == sum(len(a["changes"]) for a in apps), f"{sid}: changes")
        want(tr["caps"] == [c["reason"] for c in entry.get("quality_dimensions", {}).get("caps", [])], f"{sid}: caps")
        want(tr["variant_of"] == entry.get("variant_of"), f"{sid}: variant_of")
    want(row["reject_reason"] == (reject or {}).get("reason"), f"{sid}: reject_reason")
    checked += 1

print(json.dumps({
    "rows": len(rows), "checked": checked, "dims": dims, "row_groups": meta.num_row_groups,
    "with_vectors": sum(r["combined_embedding"] is not None for r in rows),
    "rejects": sum(r["reject_reason"] is not None for r in rows), "problems": problems[:20],
}))
