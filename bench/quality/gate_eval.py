#!/usr/bin/env python3
"""Evaluate the Phase 1 quality gate of a `logline run` against labels.

  gate_eval.py OUTDIR --labelled FILE [--labelled FILE2 ...] [--split train|valid]
               [--min-generator-spans N] [--bootstrap N] [--json]

OUTDIR is the output folder of `logline run` (or of Phase 1 alone):
  diamonds-plus.ndjson          kept spans; final score =
                                transformation_log[0].quality_score
  diamonds-plus.rejects.ndjson  {"id", "reason": "below_gate"|"garbage"|"dropped"|"enzyme_error"|
                                 "duplicate_id", "score", "caps"?, "span": {...}} and invalid input
                                 lines ({"stage": "input", ...}); any other reason is reported as is
  diamonds-enriched.rejects.ndjson  (optional) Phase 0 rejects {"line", "kind", "reasons", "id"?, ...}
FILE is the labelled input given to `logline run` (several files may be
given when the run input was their concatenation). Labels read from
`metadata`: judge_preference / judge_win / generator (AlpacaEval files),
grade (the fixture), garbage_kind / garbage_variant (garbage).

Prints keep rates (overall, real vs garbage, per generator, for the judge's
top-5 generators, per garbage kind -- kept garbage should be 0), span-level
Spearman of the final score vs judge_preference (and of answer length, a
baseline), generator-level Spearman (mean score vs mean judge_win), the same
against `grade` when present, and the AUC of the score separating real
answers from garbage. `--json` prints one JSON object instead.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
from collections import Counter, defaultdict

PLUS = "diamonds-plus"
ENRICHED = "diamonds-enriched"


# ---------------------------------------------------------------- statistics


def ranks(xs):
    """Average ranks (1-based), ties share their mean rank."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1
        for k in range(i, j + 1):
            r[order[k]] = avg
        i = j + 1
    return r


def pearson(x, y):
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / math.sqrt(sxx * syy)


def spearman(x, y):
    if len(x) != len(y) or len(x) < 3:
        return None
    return pearson(ranks(x), ranks(y))


def bootstrap_ci(x, y, n, seed=0, alpha=0.05):
    if n <= 0 or len(x) < 10:
        return None
    rng = random.Random(seed)
    idx = range(len(x))
    vals = []
    for _ in range(n):
        s = [rng.choice(idx) for _ in idx]
        v = spearman([x[i] for i in s], [y[i] for i in s])
        if v is not None:
            vals.append(v)
    if not vals:
        return None
    vals.sort()
    lo = vals[int(alpha / 2 * (len(vals) - 1))]
    hi = vals[int((1 - alpha / 2) * (len(vals) - 1))]
    return [round(lo, 4), round(hi, 4)]


def auc(pos, neg):
    """P(score of a random positive > score of a random negative), ties 1/2."""
    if not pos or not neg:
        return None
    r = ranks(list(pos) + list(neg))
    rp = sum(r[: len(pos)])
    return (rp - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def quantiles(xs, qs=(0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)):
    if not xs:
        return None
    s = sorted(xs)
    return {f"p{int(q * 100)}": round(s[min(len(s) - 1, int(round(q * (len(s) - 1))))], 2) for q in qs}


def rnd(v, d=4):
    return None if v is None else round(v, d)


# ---------------------------------------------------------------- reading


def read_ndjson(path):
    if not os.path.isfile(path):
        return None
    out = []
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                print(f"warning: {path}:{no}: {e}", file=sys.stderr)
    return out


def log_score(span):
    log = span.get("transformation_log")
    if isinstance(log, list) and log and isinstance(log[0], dict):
        q = log[0].get("quality_score")
        if isinstance(q, (int, float)):
            return float(q), log[0].get("variant_of")
    return None, None


def read_outcomes(outdir):
    """{id: (outcome, score, caps)} and {original id: [(variant id, score) kept]}.

    outcome is "kept" or the reject's `reason` (below_gate, garbage, dropped,
    enzyme_error, ...); caps is the reject's `caps` list when present."""
    plus = read_ndjson(os.path.join(outdir, f"{PLUS}.ndjson"))
    rejects = read_ndjson(os.path.join(outdir, f"{PLUS}.rejects.ndjson"))
    p0 = read_ndjson(os.path.join(outdir, f"{ENRICHED}.rejects.ndjson")) or []
    if plus is None and rejects is None:
        sys.exit(f"error: {outdir} has neither {PLUS}.ndjson nor {PLUS}.rejects.ndjson")
    outcome = {}
    variants = defaultdict(list)
    for s in plus or []:
        score, parent = log_score(s)
        if parent:
            variants[parent].append((s.get("id"), score))
            continue
        outcome[s.get("id")] = ("kept", score, [])
    for r in rejects or []:
        rid = r.get("id")
        if r.get("stage") == "input" or "reasons" in r:
            outcome.setdefault(rid, ("phase1_invalid_input", None, []))
            continue
        score = r.get("score")
        span = r.get("span") or {}
        s_score, parent = log_score(span)
        if score is None:
            score = s_score
        if parent and r.get("reason") in ("below_gate", "duplicate_id"):
            continue  # a rejected variant, not the labelled span
        caps = [str(c) for c in r.get("caps") or []]
        outcome.setdefault(rid, (r.get("reason") or "rejected", float(score) if score is not None else None, caps))
    for r in p0:
        rid = r.get("id")
        if rid is not None:
            outcome.setdefault(rid, (f"phase0_{r.get('kind', 'reject')}", None, []))
    return outcome, variants


def read_labelled(paths):
    spans = {}
    for p in paths:
        for s in read_ndjson(p) or []:
            if isinstance(s, dict) and isinstance(s.get("id"), str) and s["id"] not in spans:
                spans[s["id"]] = s
    return spans


# ---------------------------------------------------------------- report


def evaluate(outdir, labelled_paths, split=None, min_gen=5, boot=0):
    labelled = read_labelled(labelled_paths)
    outcome, variants = read_outcomes(outdir)
    rows = []
    for sid, s in labelled.items():
        md = s.get("metadata") or {}
        if split and md.get("split") != split:
            continue
        oc, score, caps = outcome.get(sid, ("missing", None, []))
        rows.append({
            "id": sid,
            "outcome": oc,
            "caps": caps,
            "kept": oc == "kept",
            "score": score,
            "len": len(s.get("if_ok") or ""),
            "generator": md.get("generator"),
            "judge_preference": md.get("judge_preference"),
            "judge_win": md.get("judge_win"),
            "is_reference": bool(md.get("judge_is_reference")),
            "grade": md.get("grade"),
            "garbage_kind": md.get("garbage_kind"),
            "garbage_variant": md.get("garbage_variant"),
            "split": md.get("split"),
            "variants_kept": len(variants.get(sid, [])),
        })
    if not rows:
        sys.exit("error: no labelled spans (check --labelled and --split)")

    def keep_stats(rs):
        n = len(rs)
        k = sum(r["kept"] for r in rs)
        sc = [r["score"] for r in rs if r["score"] is not None]
        return {"n": n, "kept": k, "keep_rate": rnd(k / n if n else None),
                "mean_score": rnd(sum(sc) / len(sc) if sc else None, 2)}

    real = [r for r in rows if not r["garbage_kind"]]
    garbage = [r for r in rows if r["garbage_kind"]]
    rep = {
        "outdir": outdir,
        "labelled": labelled_paths,
        "split": split or "all",
        "labelled_spans": len(rows),
        "outcomes": dict(Counter(r["outcome"] for r in rows).most_common()),
        "outcomes_real": dict(Counter(r["outcome"] for r in real).most_common()),
        "caps_on_real": dict(Counter(c for r in real for c in r["caps"]).most_common()),
        "keep": {"overall": keep_stats(rows), "real": keep_stats(real), "garbage": keep_stats(garbage)},
        "variants_kept": {"from_real": sum(r["variants_kept"] for r in real),
                          "from_garbage": sum(r["variants_kept"] for r in garbage)},
        "score_quantiles": {"real": quantiles([r["score"] for r in real if r["score"] is not None]),
                            "garbage": quantiles([r["score"] for r in garbage if r["score"] is not None])},
        "auc_real_vs_garbage": rnd(auc([r["score"] for r in real if r["score"] is not None],
                                       [r["score"] for r in garbage if r["score"] is not None])),
    }

    # per garbage kind
    gk = defaultdict(list)
    for r in garbage:
        gk[r["garbage_kind"]].append(r)
    rep["garbage_kinds"] = {}
    for k in sorted(gk):
        rs = gk[k]
        st = keep_stats(rs)
        sc = [r["score"] for r in rs if r["score"] is not None]
        st["max_score"] = rnd(max(sc) if sc else None, 2)
        st["variants_kept"] = sum(r["variants_kept"] for r in rs)
        kept_by_variant = Counter(r["garbage_variant"] for r in rs if r["kept"])
        st["kept_by_variant"] = dict(kept_by_variant)
        st["kept_ids"] = [r["id"] for r in rs if r["kept"]][:10]
        st["outcomes"] = dict(Counter(r["outcome"] for r in rs).most_common())
        st["caps"] = dict(Counter(c for r in rs for c in r["caps"]).most_common())
        rep["garbage_kinds"][k] = st
    rep["garbage_kept_total"] = sum(v["kept"] for v in rep["garbage_kinds"].values())

    # per generator (real spans only)
    gens = defaultdict(list)
    for r in real:
        if r["generator"]:
            gens[r["generator"]].append(r)
    per_gen = {}
    for g, rs in gens.items():
        st = keep_stats(rs)
        wins = [r["judge_win"] for r in rs if isinstance(r["judge_win"], (int, float))]
        st["mean_judge_win"] = rnd(sum(wins) / len(wins) if wins else None)
        st["mean_len"] = round(sum(r["len"] for r in rs) / len(rs))
        per_gen[g] = st
    rep["per_generator"] = dict(sorted(per_gen.items(), key=lambda kv: (kv[1]["mean_judge_win"] or 0, kv[0])))
    ranked = [g for g, v in sorted(per_gen.items(), key=lambda kv: -(kv[1]["mean_judge_win"] or 0))
              if v["mean_judge_win"] is not None]
    top5 = ranked[:5]
    bottom5 = ranked[-5:] if len(ranked) >= 10 else []
    if top5:
        rep["judge_top5"] = {"generators": top5, **keep_stats([r for g in top5 for r in gens[g]])}
    if bottom5:
        rep["judge_bottom5"] = {"generators": bottom5, **keep_stats([r for g in bottom5 for r in gens[g]])}

    # span-level correlations with the judge
    def corr_block(rs, label):
        pts = [r for r in rs if r["score"] is not None and isinstance(r[label], (int, float))]
        if len(pts) < 3:
            return None
        y = [float(r[label]) for r in pts]
        s = [r["score"] for r in pts]
        ln = [float(r["len"]) for r in pts]
        out = {"n": len(pts), "spearman_score": rnd(spearman(s, y)), "spearman_length_baseline": rnd(spearman(ln, y))}
        if boot:
            out["spearman_score_ci95"] = bootstrap_ci(s, y, boot)
            out["spearman_length_ci95"] = bootstrap_ci(ln, y, boot)
        return out

    if any(isinstance(r["judge_preference"], (int, float)) for r in real):
        rep["span_vs_judge_preference"] = corr_block(real, "judge_preference")
        rep["span_vs_judge_preference_no_reference"] = corr_block([r for r in real if not r["is_reference"]], "judge_preference")
        by_split = {}
        for sp in sorted({r["split"] for r in real if r["split"]}):
            by_split[sp] = corr_block([r for r in real if r["split"] == sp], "judge_preference")
        if len(by_split) > 1:
            rep["span_vs_judge_preference_by_split"] = by_split
        # generator level
        gpts = [(v["mean_score"], v["mean_judge_win"], g) for g, v in per_gen.items()
                if v["n"] >= min_gen and v["mean_score"] is not None and v["mean_judge_win"] is not None]
        if len(gpts) >= 3:
            rep["generator_level"] = {
                "generators": len(gpts),
                "min_spans": min_gen,
                "spearman_mean_score_vs_mean_judge_win": rnd(spearman([a for a, _, _ in gpts], [b for _, b, _ in gpts])),
                "spearman_mean_length_vs_mean_judge_win": rnd(spearman(
                    [per_gen[g]["mean_len"] for _, _, g in gpts], [b for _, b, _ in gpts])),
                "spearman_keep_rate_vs_mean_judge_win": rnd(spearman(
                    [per_gen[g]["keep_rate"] for _, _, g in gpts], [b for _, b, _ in gpts])),
            }
    if any(isinstance(r["grade"], (int, float)) for r in rows):
        rep["span_vs_grade"] = corr_block(rows, "grade")
        rep["span_vs_grade_real_only"] = corr_block(real, "grade")
        by_grade = defaultdict(list)
        for r in rows:
            if isinstance(r["grade"], (int, float)):
                by_grade[int(r["grade"])].append(r)
        rep["per_grade"] = {str(g): keep_stats(by_grade[g]) for g in sorted(by_grade)}
    return rep


def fmt(v):
    return "-" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def print_text(rep):
    p = print
    p(f"gate evaluation of {rep['outdir']} (split: {rep['split']}, {rep['labelled_spans']} labelled spans)")
    p(f"outcomes: {rep['outcomes']}")
    p(f"outcomes of real spans: {rep['outcomes_real']}" + (f"; caps on real spans: {rep['caps_on_real']}" if rep["caps_on_real"] else ""))
    for k in ("overall", "real", "garbage"):
        v = rep["keep"][k]
        p(f"keep rate {k:8s}: {fmt(v['keep_rate'])}  ({v['kept']}/{v['n']}, mean score {fmt(v['mean_score'])})")
    p(f"variants kept: {rep['variants_kept']}")
    p(f"AUC score real vs garbage: {fmt(rep['auc_real_vs_garbage'])}")
    p(f"score quantiles real:    {rep['score_quantiles']['real']}")
    p(f"score quantiles garbage: {rep['score_quantiles']['garbage']}")
    if rep["garbage_kinds"]:
        p(f"\ngarbage kept (must be 0): {rep['garbage_kept_total']}")
        p(f"  {'kind':14s} {'n':>5s} {'kept':>5s} {'mean':>7s} {'max':>7s}  kept by variant")
        for k, v in rep["garbage_kinds"].items():
            p(f"  {k:14s} {v['n']:5d} {v['kept']:5d} {fmt(v['mean_score']):>7s} {fmt(v['max_score']):>7s}  "
              f"{v['kept_by_variant'] or ''}{'  e.g. ' + ', '.join(v['kept_ids'][:3]) if v['kept_ids'] else ''}")
            p(f"  {'':14s} outcomes {v['outcomes']}" + (f" caps {v['caps']}" if v["caps"] else ""))
    if rep["per_generator"]:
        p(f"\n  {'generator':34s} {'n':>5s} {'keep':>6s} {'score':>7s} {'judge_win':>9s} {'len':>6s}")
        for g, v in rep["per_generator"].items():
            p(f"  {g:34s} {v['n']:5d} {fmt(v['keep_rate']):>6s} {fmt(v['mean_score']):>7s} "
              f"{fmt(v['mean_judge_win']):>9s} {v['mean_len']:6d}")
    for key in ("judge_top5", "judge_bottom5"):
        if key in rep:
            v = rep[key]
            p(f"{key}: keep rate {fmt(v['keep_rate'])} ({v['kept']}/{v['n']}) over {', '.join(v['generators'])}")
    for key in ("span_vs_judge_preference", "span_vs_judge_preference_no_reference", "span_vs_grade",
                "span_vs_grade_real_only"):
        v = rep.get(key)
        if v:
            ci = f" CI95 {v['spearman_score_ci95']}" if v.get("spearman_score_ci95") else ""
            p(f"{key}: n={v['n']} spearman(score)={fmt(v['spearman_score'])}{ci} "
              f"spearman(length, baseline)={fmt(v['spearman_length_baseline'])}")
    for sp, v in (rep.get("span_vs_judge_preference_by_split") or {}).items():
        if v:
            p(f"  split {sp}: n={v['n']} spearman(score)={fmt(v['spearman_score'])} "
              f"spearman(length)={fmt(v['spearman_length_baseline'])}")
    g = rep.get("generator_level")
    if g:
        p(f"generator level ({g['generators']} generators with >= {g['min_spans']} spans): "
          f"spearman(mean score, mean judge_win)={fmt(g['spearman_mean_score_vs_mean_judge_win'])} "
          f"keep rate={fmt(g['spearman_keep_rate_vs_mean_judge_win'])} "
          f"length baseline={fmt(g['spearman_mean_length_vs_mean_judge_win'])}")
    if rep.get("per_grade"):
        p("per grade: " + "  ".join(f"{k}: keep {fmt(v['keep_rate'])} score {fmt(v['mean_score'])} (n={v['n']})"
                                    for k, v in rep["per_grade"].items()))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", help="output folder of `logline run`")
    ap.add_argument("--labelled", action="append", required=True, help="labelled input NDJSON (repeatable)")
    ap.add_argument("--split", choices=("train", "valid"), help="only spans with this metadata.split")
    ap.add_argument("--min-generator-spans", type=int, default=5)
    ap.add_argument("--bootstrap", type=int, default=0, help="bootstrap resamples for Spearman CIs (0: none)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    rep = evaluate(args.outdir, args.labelled, args.split, args.min_generator_spans, args.bootstrap)
    if args.json:
        print(json.dumps(rep, indent=2, ensure_ascii=False))
    else:
        print_text(rep)


if __name__ == "__main__":
    main()
