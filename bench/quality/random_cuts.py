#!/usr/bin/env python3
"""Cut every answer of span files at random places: a truncation corpus whose
cut points follow no rule (make_garbage.py cuts at 5-30 % of an answer, on a
word or a sentence). Each cut keeps the span's question, action, context and
metadata, gets a new id (`<id>-cut<k>`) and `metadata.garbage_kind = "cut"`;
`metadata.split` is kept, so `bench-quality --split` still separates train
from valid. Lines that are not a JSON object with a string `if_ok` of two or
more characters are skipped and counted. Standard library only.

  python3 bench/quality/random_cuts.py -i spans.ndjson [-i more.ndjson] -o cuts.ndjson --per-span 3 --seed 5
  cargo run --release -p logline-bench --bin bench-quality -- cuts.ndjson --split train --show 40
"""

import argparse
import json
import random
import sys


def cuts(span, per_span, rng):
    """`per_span` copies of `span`, each with `if_ok` cut at a random character."""
    answer = span["if_ok"]
    meta = span.get("metadata")
    meta = dict(meta) if isinstance(meta, dict) else {}
    out = []
    for k in range(per_span):
        at = rng.randrange(1, len(answer))
        cut = dict(span)
        cut["if_ok"] = answer[:at]
        cut["id"] = f"{span.get('id', 'span')}-cut{k}"
        cut["metadata"] = dict(meta, garbage_kind="cut", cut_at=at)
        out.append(cut)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-i", "--input", action="append", required=True, help="span NDJSON (repeatable)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--per-span", type=int, default=3)
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    written = skipped = 0
    with open(a.output, "w", encoding="utf-8") as out:
        for path in a.input:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    try:
                        span = json.loads(line)
                    except json.JSONDecodeError:
                        skipped += 1
                        continue
                    if not isinstance(span, dict) or not isinstance(span.get("if_ok"), str) or len(span["if_ok"]) < 2:
                        skipped += 1
                        continue
                    for c in cuts(span, a.per_span, rng):
                        out.write(json.dumps(c, ensure_ascii=False) + "\n")
                        written += 1
    print(f"wrote {written} cuts to {a.output}; skipped {skipped} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
