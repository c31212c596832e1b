#!/usr/bin/env python3
"""Per-`did` score distributions of one or more `logline run` output folders.

    python3 bench/quality/score_table.py before=OUT_OLD after=OUT_NEW [--markdown]

For every folder: each span's final Phase 1 score (kept spans: their
transformation log; rejected ones: the reject line's score), grouped by
`did`: spans, kept share, mean, p10 / p50 / p90. For kept spans it also
reports the enzymes' effect: the mean change from the score the span had
before the first enzyme to its final score, and how many spans an enzyme
raised or lowered. Standard library only.
"""

import argparse
import json
import os
import sys
from collections import defaultdict


def quantile(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    i = q * (len(xs) - 1)
    lo, hi = int(i), min(int(i) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo)


def read_run(folder):
    """{did: [(score, kept, before or None)]}"""
    out = defaultdict(list)
    plus = os.path.join(folder, "diamonds-plus.ndjson")
    rejects = os.path.join(folder, "diamonds-plus.rejects.ndjson")
    for line in open(plus, encoding="utf-8"):
        s = json.loads(line)
        t = s["transformation_log"][0]
        apps = t.get("enzyme_applications") or []
        before = apps[0].get("quality_before") if apps else t["quality_score"]
        out[s["did"]].append((t["quality_score"], True, before))
    if os.path.exists(rejects):
        for line in open(rejects, encoding="utf-8"):
            r = json.loads(line)
            span = r.get("span") or {}
            score = r.get("score", r.get("quality_score"))
            if score is None or "did" not in span:
                continue  # invalid input lines carry no score
            out[span["did"]].append((score, False, None))
    return out


def table(runs, markdown):
    dids = sorted({d for _, r in runs for d in r})
    head = ["did"]
    for name, _ in runs:
        head += [f"{name} n", f"{name} kept", f"{name} mean", f"{name} p10/p50/p90", f"{name} enzymes Δ (+/−)"]
    rows = []
    for d in dids:
        row = [d]
        for _, r in runs:
            xs = r.get(d, [])
            scores = [x[0] for x in xs]
            kept = [x for x in xs if x[1]]
            deltas = [x[0] - x[2] for x in kept if x[2] is not None]
            if not xs:
                row += ["0", "", "", "", ""]
                continue
            row += [
                str(len(xs)),
                f"{100 * len(kept) / len(xs):.0f} %",
                f"{sum(scores) / len(scores):.1f}",
                "/".join(f"{quantile(scores, q):.0f}" for q in (0.1, 0.5, 0.9)),
                (f"{sum(deltas) / len(deltas):+.2f} ({sum(1 for x in deltas if x > 0)}/{sum(1 for x in deltas if x < 0)})"
                 if deltas else ""),
            ]
        rows.append(row)
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        w = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
        for r in [head] + rows:
            print("  ".join(str(x).ljust(n) for x, n in zip(r, w)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", metavar="NAME=FOLDER")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args(argv)
    runs = []
    for spec in a.runs:
        name, _, folder = spec.rpartition("=")
        if not os.path.isdir(folder):
            sys.exit(f"error: {folder} is not a folder")
        runs.append((name or os.path.basename(folder.rstrip("/")), read_run(folder)))
    table(runs, a.markdown)


if __name__ == "__main__":
    main()
