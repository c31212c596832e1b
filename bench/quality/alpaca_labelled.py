#!/usr/bin/env python3
"""Build a judge-labelled span file from a LOCAL copy of AlpacaEval results.

LICENCE NOTE: the AlpacaEval data (instructions, model outputs, judge
annotations) is licensed CC BY-NC 4.0 (tatsu-lab/alpaca_eval, DATA_LICENSE;
the code there is Apache-2.0). This script only READS a local copy and writes
to a path you choose. Never commit its output, or any AlpacaEval data, to this
repository; keep outputs under /tmp or another ignored location.

Held-out half: only instructions whose sha256 hex digest (UTF-8 text) starts
with 0-7 are used. Every record of the other half is dropped right after its
JSON is parsed, before anything (counts, statistics, generator choice,
tuning) looks at it; that half is reserved for someone else's evaluation.

Usage:
  alpaca_labelled.py --alpaca-eval DIR -o OUT.ndjson
                     [--answers-per-question 1|4] [--seed N]
                     [--include-adversarial] [--generators a,b,c]

DIR is either a checkout / export holding `results/` (or the `results/`
folder itself), or a bare git directory of tatsu-lab/alpaca_eval (files are
then read with `git cat-file` from HEAD; blobs missing from the snapshot are
skipped with a warning).

Inputs per generator:
  results/<g>/model_outputs.json                              [{instruction, output, generator, ...}]
  results/<g>/weighted_alpaca_eval_gpt4_turbo/annotations.json [{instruction, output_1 (reference),
                                                               output_2 (model), generator_2, preference 1..2}]
preference 2 means the generator's answer beats the reference
(gpt4_1106_preview). For gpt4_1106_preview itself the judge was not called
and preference is always 1.5 (a tie with itself): its spans carry
metadata.judge_is_reference = true.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict

KEEP_PREFIXES = frozenset("01234567")
ANNOTATOR = "weighted_alpaca_eval_gpt4_turbo"
REFERENCE_GENERATOR = "gpt4_1106_preview"
WHEN = "2024-05-01T10:00:00Z"
TRAIN_FRACTION = 0.8

# Normal generators, chosen by name to span the quality range, from the ones
# whose weighted_alpaca_eval_gpt4_turbo annotations are present in the stored
# snapshot (files >= 4 MiB are absent from it; a full clone has more). Rough
# judge win rate vs the reference on the KEPT half, for orientation only:
#   ~0.02-0.04  alpaca-7b, falcon-7b-instruct, pythia-12b-mix-sft, text_davinci_003,
#               gemma-2b-it, phi-2, oasst-sft-pythia-12b, vicuna-7b, chatglm2-6b
#   ~0.04-0.08  baize-v2-13b, nous-hermes-13b, wizardlm-13b, vicuna-13b-v1.5,
#               gemma-7b-it, Qwen-14B-Chat, gpt-3.5-turbo-1106
#   ~0.09-0.16  gpt-3.5-turbo-0301, OpenHermes-2.5-Mistral-7B, claude-2.1,
#               claude-instant-1.2, claude-2
#   ~0.3-0.73   FuseChat-Llama-3.2-1B/3B, FuseChat-Llama-3.1-8B,
#               FuseChat-Qwen-2.5-7B, FuseChat-Gemma-2-9B; gpt4_1106_preview = 0.5 (reference)
# Prompt variants (`*_concise`, `*_verbose`) are left out: same model.
DEFAULT_GENERATORS = [
    "alpaca-7b",
    "falcon-7b-instruct",
    "pythia-12b-mix-sft",
    "text_davinci_003",
    "gemma-2b-it",
    "phi-2",
    "oasst-sft-pythia-12b",
    "vicuna-7b",
    "chatglm2-6b",
    "baize-v2-13b",
    "nous-hermes-13b",
    "wizardlm-13b",
    "vicuna-13b-v1.5",
    "gemma-7b-it",
    "Qwen-14B-Chat",
    "gpt-3.5-turbo-1106",
    "gpt-3.5-turbo-0301",
    "OpenHermes-2.5-Mistral-7B",
    "claude-2.1",
    "claude-instant-1.2",
    "claude-2",
    "FuseChat-Llama-3.2-1B-Instruct",
    "FuseChat-Llama-3.2-3B-Instruct",
    "FuseChat-Llama-3.1-8B-Instruct",
    "FuseChat-Qwen-2.5-7B-Instruct",
    "FuseChat-Gemma-2-9B-Instruct",
    "gpt4_1106_preview",
]

# Constant / adversarial submissions: never in the normal set. Emitted only
# with --include-adversarial, as garbage (metadata.garbage_kind).
ADVERSARIAL = {
    # One constant string built to fool the judge (high "win rate").
    "NullModel": "constant_adversarial_string",
    # GPT-4 answers cut to their first 10 characters (games length control).
    "gpt4_gamed": "gpt4_output_cut_to_10_chars",
}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def kept(instruction) -> bool:
    """True for the half of the instructions this project may use."""
    return isinstance(instruction, str) and sha(instruction)[0] in KEEP_PREFIXES


def split_of(instruction: str) -> str:
    """train (80 %) / valid (20 %), from a second hash independent of the first."""
    h = int(hashlib.sha256(("logline-split-v1:" + instruction).encode("utf-8")).hexdigest()[:8], 16)
    return "train" if h / 2**32 < TRAIN_FRACTION else "valid"


class Source:
    """Reads results/<g>/... from a folder or from a bare git directory."""

    def __init__(self, path: str):
        self.path = path
        self.git = None
        if os.path.isdir(os.path.join(path, "objects")) and os.path.isfile(os.path.join(path, "HEAD")):
            self.git = path
            self.prefix = "results"
        elif os.path.isdir(os.path.join(path, "results")):
            self.prefix = os.path.join(path, "results")
        elif os.path.basename(os.path.normpath(path)) == "results" and os.path.isdir(path):
            self.prefix = path
        else:
            sys.exit(f"error: {path} holds no results/ folder and is not a bare git directory")

    def read(self, rel: str):
        """Parsed JSON of results/<rel>, or None when absent."""
        if self.git:
            spec = f"HEAD:{self.prefix}/{rel}"
            p = subprocess.run(["git", "--git-dir", self.git, "cat-file", "blob", spec], capture_output=True)
            if p.returncode != 0:
                return None
            return json.loads(p.stdout.decode("utf-8"))
        full = os.path.join(self.prefix, rel)
        if not os.path.isfile(full):
            return None
        with open(full, encoding="utf-8") as f:
            return json.load(f)

    def read_kept(self, rel: str):
        """Like read(), with the held-out half dropped at once."""
        data = self.read(rel)
        if data is None:
            return None
        if not isinstance(data, list):
            sys.exit(f"error: {rel}: expected a JSON list")
        out = [r for r in data if isinstance(r, dict) and kept(r.get("instruction"))]
        del data
        return out


def load_generator(src: Source, g: str, warn):
    """{instruction: (output, preference)} over the kept half, or None."""
    outputs = src.read_kept(f"{g}/model_outputs.json")
    annotations = src.read_kept(f"{g}/{ANNOTATOR}/annotations.json")
    if outputs is None or annotations is None:
        missing = [n for n, v in (("model_outputs.json", outputs), ("annotations.json", annotations)) if v is None]
        warn(f"{g}: {', '.join(missing)} missing; skipped")
        return None
    by_instr = {}
    for r in outputs:
        by_instr.setdefault(r["instruction"], r.get("output"))
    skipped = Counter()
    res = {}
    for a in annotations:
        ins = a["instruction"]
        if ins in res:
            skipped["duplicate_annotation"] += 1
            continue
        out = by_instr.get(ins)
        pref = a.get("preference")
        if out is None:
            skipped["no_output"] += 1
        elif not isinstance(out, str) or not out.strip():
            skipped["empty_output"] += 1
        elif a.get("output_2") != out:
            skipped["annotation_output_mismatch"] += 1
        elif not isinstance(pref, (int, float)) or not 1.0 <= float(pref) <= 2.0:
            skipped["no_preference"] += 1
        else:
            res[ins] = (out, float(pref))
    if skipped:
        warn(f"{g}: skipped {dict(skipped)}")
    return res


def judge_win(pref: float) -> float:
    return 1.0 if pref > 1.5 else 0.0 if pref < 1.5 else 0.5


def make_span(g: str, ins: str, out: str, pref: float | None, garbage: str | None = None) -> dict:
    h = sha(ins)
    md = {
        "quality_score": 90,
        "generator": g,
        "split": split_of(ins),
        "dataset": "alpaca_eval",
        "instruction_sha256_prefix": h[:12],
    }
    if pref is not None:
        md["judge_preference"] = round(pref, 6)
        md["judge_win"] = judge_win(pref)
    if g == REFERENCE_GENERATOR:
        md["judge_is_reference"] = True
    if garbage:
        md["garbage_kind"] = "judge_gaming"
        md["garbage_variant"] = garbage
    return {
        "id": f"ae-{g}-{h[:12]}",
        "who": f"model:{g}",
        "did": "ask_question",
        "this": ins,
        "when": WHEN,
        "status": "completed",
        "if_ok": out,
        "context": {"environment": "chat", "thread_id": f"ae-{h[:12]}"},
        "metadata": md,
    }


def assign(instructions, avail, k, rng):
    """For each instruction (in order) k distinct generators, drawn from a
    reshuffled deck so every generator is used about equally often."""
    gens = sorted({g for gs in avail.values() for g in gs})
    deck: list[str] = []
    out = {}
    for ins in instructions:
        ok = avail[ins]
        take: list[str] = []
        want = min(k, len(ok))
        tries = 0
        while len(take) < want:
            if not deck:
                deck = gens[:]
                rng.shuffle(deck)
            # First card in the deck that fits; put the rest back in order.
            for i, g in enumerate(deck):
                if g in ok and g not in take:
                    take.append(deck.pop(i))
                    break
            else:
                tries += 1
                deck = []  # nothing usable left in this deck: new deck
                if tries > 3:
                    break
        out[ins] = take
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--alpaca-eval", required=True, metavar="DIR", help="local copy of tatsu-lab/alpaca_eval (folder or bare git dir)")
    ap.add_argument("-o", "--output", required=True, help="output NDJSON (never inside the repository)")
    ap.add_argument("--answers-per-question", choices=("1", "4", "all"), default="1",
                    help="answers drawn per instruction; 'all' = every generator's answer (for training a scorer)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--generators", help="comma-separated generator list instead of the built-in one")
    ap.add_argument("--min-generators", type=int, default=20)
    ap.add_argument("--include-adversarial", action="store_true", help="also emit NullModel / gpt4_gamed spans as garbage_kind=judge_gaming")
    ap.add_argument("--adversarial-per-generator", type=int, default=50, help="adversarial spans per adversarial generator (0 = one per kept instruction)")
    ap.add_argument("--stats-json", help="also write the counts printed on stderr as JSON here")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)

    def warn(msg):
        print(f"warning: {msg}", file=sys.stderr)

    def info(msg):
        if not args.quiet:
            print(msg, file=sys.stderr)

    gens = [g.strip() for g in args.generators.split(",")] if args.generators else list(DEFAULT_GENERATORS)
    bad = [g for g in gens if g in ADVERSARIAL]
    if bad:
        sys.exit(f"error: {bad} are adversarial; use --include-adversarial instead")
    src = Source(args.alpaca_eval)

    data = {}
    for g in gens:
        d = load_generator(src, g, warn)
        if d:
            data[g] = d
    if len(data) < args.min_generators:
        sys.exit(f"error: only {len(data)} usable generators (< --min-generators {args.min_generators})")

    avail = defaultdict(set)
    for g, d in data.items():
        for ins in d:
            avail[ins].add(g)
    # Deterministic order, then a seeded shuffle so the deck is not aligned with sha order.
    instructions = sorted(avail, key=sha)
    rng = random.Random(f"alpaca_labelled:{args.seed}:{args.answers_per_question}")
    rng.shuffle(instructions)
    if args.answers_per_question == "all":
        chosen = {ins: sorted(avail[ins]) for ins in instructions}
    else:
        chosen = assign(instructions, avail, int(args.answers_per_question), rng)

    spans = []
    for ins in sorted(instructions, key=sha):
        for g in sorted(chosen[ins]):
            out, pref = data[g][ins]
            spans.append(make_span(g, ins, out, pref))

    adv_counts = {}
    if args.include_adversarial:
        for g, variant in ADVERSARIAL.items():
            d = load_generator(src, g, warn)
            if not d:
                continue
            pool = sorted(d, key=sha)
            if args.adversarial_per_generator and args.adversarial_per_generator < len(pool):
                pool = sorted(random.Random(f"adv:{args.seed}:{g}").sample(pool, args.adversarial_per_generator), key=sha)
            for ins in pool:
                out, pref = d[ins]
                spans.append(make_span(g, ins, out, pref, garbage=variant))
            adv_counts[g] = len(pool)

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        for s in spans:
            f.write(json.dumps(s, ensure_ascii=False) + "\n")

    normal = [s for s in spans if "garbage_kind" not in s["metadata"]]
    per_gen = defaultdict(list)
    for s in normal:
        per_gen[s["metadata"]["generator"]].append(s["metadata"]["judge_win"])
    split_instr = Counter(split_of(i) for i in instructions)
    used_instr = {s["this"] for s in normal}
    stats = {
        "output": args.output,
        "answers_per_question": args.answers_per_question,
        "seed": args.seed,
        "spans": len(spans),
        "normal_spans": len(normal),
        "adversarial_spans": adv_counts,
        "generators_requested": len(gens),
        "generators_used": len(per_gen),
        "instructions_kept": len(instructions),
        "instructions_used": len(used_instr),
        "instructions_train": split_instr["train"],
        "instructions_valid": split_instr["valid"],
        "spans_train": sum(s["metadata"]["split"] == "train" for s in normal),
        "spans_valid": sum(s["metadata"]["split"] == "valid" for s in normal),
        "per_generator": {
            g: {"spans": len(v), "mean_judge_win": round(sum(v) / len(v), 4)}
            for g, v in sorted(per_gen.items(), key=lambda kv: sum(kv[1]) / len(kv[1]))
        },
    }
    info(
        f"wrote {stats['spans']} spans ({stats['normal_spans']} normal, adversarial {adv_counts or 0}) to {args.output}\n"
        f"generators used: {stats['generators_used']}; instructions kept (sha256 0-7): {stats['instructions_kept']} "
        f"(train {stats['instructions_train']}, valid {stats['instructions_valid']}); "
        f"spans train/valid: {stats['spans_train']}/{stats['spans_valid']}"
    )
    for g, v in stats["per_generator"].items():
        info(f"  {g:34s} spans={v['spans']:4d} mean_judge_win={v['mean_judge_win']:.3f}")
    if args.stats_json:
        with open(args.stats_json, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=2)


if __name__ == "__main__":
    main()
