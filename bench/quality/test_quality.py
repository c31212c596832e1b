#!/usr/bin/env python3
"""Self-tests for bench/quality (standard library only, no AlpacaEval data).

  python3 -m unittest discover -s bench/quality -p 'test_*.py'
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "fixture"))

import alpaca_labelled  # noqa: E402
import build_fixture  # noqa: E402
import gate_eval  # noqa: E402
import make_garbage  # noqa: E402
import random_cuts  # noqa: E402

FIXTURE = os.path.join(HERE, "fixture", "labelled.ndjson")
REQUIRED = ("id", "who", "did", "this", "when", "status", "if_ok")


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write(path, spans):
    with open(path, "w", encoding="utf-8") as f:
        for s in spans:
            f.write(json.dumps(s) + "\n")


def check_span(tc, s):
    for k in REQUIRED:
        tc.assertIsInstance(s.get(k), str, (k, s.get("id")))
        tc.assertTrue(s[k].strip(), (k, s.get("id")))
    tc.assertEqual(s["status"], "completed")
    tc.assertEqual(s["metadata"]["quality_score"], 90)


class AlpacaLabelled(unittest.TestCase):
    def make_results(self, root, gens, n=80):
        instr = [f"Question number {i}: what is {i} squared?" for i in range(n)]
        for gi, g in enumerate(gens):
            d = os.path.join(root, "results", g, alpaca_labelled.ANNOTATOR)
            os.makedirs(d)
            outs = [{"instruction": q, "output": f"{g} says {i * i}", "generator": g} for i, q in enumerate(instr)]
            anns = [{"instruction": q, "output_1": "ref", "output_2": o["output"], "generator_2": g,
                     "preference": 1.0 + ((gi + i) % 10) / 9} for i, (q, o) in enumerate(zip(instr, outs))]
            with open(os.path.join(root, "results", g, "model_outputs.json"), "w") as f:
                json.dump(outs, f)
            with open(os.path.join(d, "annotations.json"), "w") as f:
                json.dump(anns, f)
        return instr

    def test_filter_split_and_selection(self):
        gens = [f"gen{i}" for i in range(20)]
        with tempfile.TemporaryDirectory() as tmp:
            instr = self.make_results(tmp, gens + ["NullModel"])
            kept = {q for q in instr if hashlib.sha256(q.encode()).hexdigest()[0] in "01234567"}
            self.assertTrue(0 < len(kept) < len(instr))
            for k in (1, 4):
                out = os.path.join(tmp, f"out{k}.ndjson")
                alpaca_labelled.main(["--alpaca-eval", tmp, "-o", out, "--answers-per-question", str(k),
                                      "--generators", ",".join(gens), "--include-adversarial", "-q"])
                spans = read(out)
                self.assertEqual(len({s["id"] for s in spans}), len(spans))
                for s in spans:
                    check_span(self, s)
                    self.assertIn(s["this"], kept)  # held-out half never appears
                    self.assertIn(s["metadata"]["split"], ("train", "valid"))
                normal = [s for s in spans if "garbage_kind" not in s["metadata"]]
                per_q = {}
                for s in normal:
                    per_q.setdefault(s["this"], []).append(s["metadata"]["generator"])
                self.assertEqual(set(per_q), kept)
                for gs in per_q.values():
                    self.assertEqual(len(gs), k)
                    self.assertEqual(len(set(gs)), k)
                adv = [s for s in spans if s["metadata"].get("garbage_kind") == "judge_gaming"]
                self.assertTrue(adv and all(s["metadata"]["generator"] == "NullModel" for s in adv))
                again = os.path.join(tmp, "again.ndjson")
                alpaca_labelled.main(["--alpaca-eval", tmp, "-o", again, "--answers-per-question", str(k),
                                      "--generators", ",".join(gens), "--include-adversarial", "-q"])
                self.assertEqual(read(again), spans)

    def test_split_is_about_80_20(self):
        qs = [f"q{i}" for i in range(4000)]
        train = sum(alpaca_labelled.split_of(q) == "train" for q in qs)
        self.assertTrue(0.77 < train / len(qs) < 0.83)


class Garbage(unittest.TestCase):
    def test_all_kinds_deterministic(self):
        src = [s for s in read(FIXTURE) if "garbage_kind" not in s["metadata"] and s["metadata"]["grade"] >= 8]
        a = make_garbage.generate(src, make_garbage.KINDS, 16, seed=3)
        b = make_garbage.generate(src, make_garbage.KINDS, 16, seed=3)
        self.assertEqual(a, b)
        self.assertEqual(len({s["id"] for s in a}), len(a))
        kinds = {}
        for s in a:
            check_span(self, s)
            kinds.setdefault(s["metadata"]["garbage_kind"], set()).add(s["metadata"]["garbage_variant"])
            self.assertNotIn("grade", s["metadata"])
        self.assertEqual(set(kinds), set(make_garbage.KINDS))
        for k, vs in kinds.items():
            self.assertEqual(vs, set(make_garbage.GEN[k][1]), k)  # every variant used
        by = {}
        for s in a:
            by.setdefault((s["metadata"]["garbage_kind"], s["metadata"]["garbage_variant"]), []).append(s)
        for s in by[("truncated", "tiny")]:
            self.assertLessEqual(len(s["if_ok"]), 10)
        for s in by[("truncated", "code_fence")]:
            self.assertEqual(s["if_ok"].count("```") % 2, 1)
        for s in by[("echo", "plain")]:
            self.assertEqual(s["if_ok"], s["this"].strip())
        for s in by[("swapped", "whole")]:
            self.assertNotEqual(s["this"], next(x for x in src if x["id"] == s["metadata"]["swapped_from"])["this"])


class Fixture(unittest.TestCase):
    def test_up_to_date_and_well_formed(self):
        with redirect_stdout(io.StringIO()):
            build_fixture.main(["--check"])  # exits 1 when stale
        spans = read(FIXTURE)
        self.assertTrue(150 <= len(spans) <= 300)
        self.assertLess(os.path.getsize(FIXTURE), 500_000)
        self.assertEqual(len({s["id"] for s in spans}), len(spans))
        for s in spans:
            check_span(self, s)
            g = s["metadata"]["grade"]
            self.assertTrue(0 <= g <= 10)
            if "garbage_kind" in s["metadata"]:
                self.assertLessEqual(g, 1)


class GateEval(unittest.TestCase):
    def test_on_a_fake_run(self):
        spans = read(FIXTURE)
        with tempfile.TemporaryDirectory() as out:
            plus, rejects = [], []
            for s in spans:
                score = 60 + 3.5 * s["metadata"]["grade"]  # a perfect toy gate
                span = dict(s, transformation_log=[{"quality_score": score}])
                if score >= 85:
                    plus.append(span)
                else:
                    rejects.append({"id": s["id"], "reason": "below_gate", "score": score, "gate": 85, "span": span})
            write(os.path.join(out, "diamonds-plus.ndjson"), plus)
            write(os.path.join(out, "diamonds-plus.rejects.ndjson"), rejects)
            rep = gate_eval.evaluate(out, [FIXTURE])
            self.assertEqual(rep["garbage_kept_total"], 0)
            self.assertEqual(rep["labelled_spans"], len(spans))
            self.assertAlmostEqual(rep["span_vs_grade"]["spearman_score"], 1.0, places=6)
            self.assertGreater(rep["auc_real_vs_garbage"], 0.99)  # grade-1 real answers tie with truncations
            cli = subprocess.run([sys.executable, os.path.join(HERE, "gate_eval.py"), out, "--labelled", FIXTURE,
                                  "--json"], capture_output=True, text=True, check=True)
            self.assertEqual(json.loads(cli.stdout)["garbage_kept_total"], 0)

    def test_spearman(self):
        self.assertAlmostEqual(gate_eval.spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1.0)
        self.assertAlmostEqual(gate_eval.spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1.0)
        self.assertEqual(gate_eval.ranks([5, 1, 5, 3]), [3.5, 1.0, 3.5, 2.0])
        self.assertIsNone(gate_eval.spearman([1, 1, 1], [1, 2, 3]))


class RandomCutsTest(unittest.TestCase):
    def test_every_cut_is_a_proper_prefix_and_keeps_the_split(self):
        import random

        span = {"id": "s1", "this": "Why?", "if_ok": "Because the sky scatters blue light • mostly.", "metadata": {"split": "train"}}
        got = random_cuts.cuts(span, 5, random.Random(1))
        self.assertEqual(len(got), 5)
        for k, c in enumerate(got):
            self.assertEqual(c["id"], f"s1-cut{k}")
            self.assertTrue(span["if_ok"].startswith(c["if_ok"]))
            self.assertTrue(0 < len(c["if_ok"]) < len(span["if_ok"]))
            self.assertEqual(c["metadata"]["split"], "train")
            self.assertEqual(c["metadata"]["garbage_kind"], "cut")
        self.assertNotIn("garbage_kind", span["metadata"])

    def test_lines_without_an_answer_are_skipped(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "in.ndjson")
            with open(src, "w", encoding="utf-8") as f:
                f.write('{"id": "a", "if_ok": "Hello there."}\n[1, 2]\nnot json\n{"id": "b", "if_ok": "x"}\n')
            out = os.path.join(d, "out.ndjson")
            random_cuts.main(["-i", src, "-o", out, "--per-span", "2"])
            self.assertEqual([c["id"] for c in read(out)], ["a-cut0", "a-cut1"])


if __name__ == "__main__":
    unittest.main()
