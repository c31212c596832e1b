#!/usr/bin/env python3
"""Print a seeded sample of spans per metadata.garbage_kind, for reading by eye.

  peek.py FILE [-n 10] [--kind K] [--seed N] [--width 300]
"""

import argparse
import json
import random
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("-n", type=int, default=10)
    ap.add_argument("--kind", help="only this garbage_kind ('none' for real spans)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--width", type=int, default=300)
    args = ap.parse_args()
    by = defaultdict(list)
    with open(args.file, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                s = json.loads(line)
                by[(s.get("metadata") or {}).get("garbage_kind") or "none"].append(s)
    for kind in sorted(by):
        if args.kind and kind != args.kind:
            continue
        spans = by[kind]
        sample = random.Random(f"{args.seed}:{kind}").sample(spans, min(args.n, len(spans)))
        print(f"===== {kind} ({len(spans)} spans, showing {len(sample)})")
        for s in sample:
            md = s.get("metadata") or {}
            a = s.get("if_ok") or ""
            tail = f" ... {a[-80:]!r}" if len(a) > args.width else ""
            label = md.get("garbage_variant") or md.get("generator") or ""
            grade = f" grade={md['grade']}" if "grade" in md else ""
            print(f"-- {s['id']} [{label}]{grade} len={len(a)}")
            print(f"   Q: {s.get('this', '')[:120]!r}")
            print(f"   A: {a[:args.width]!r}{tail}")


if __name__ == "__main__":
    main()
