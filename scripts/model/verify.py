#!/usr/bin/env python3
"""Verify the built all-MiniLM-L6-v2 ONNX graphs in ONNX Runtime (no torch).

Checks, on every text of the reference fixture (host/tests/fixtures/embedding_reference.json):
  1. token counts from tokenizer.json (padding off, truncation 256) == the fixture's;
  2. fused vs plain graph: cosine >= 0.9999 on every text;
  3. fused (and plain) vs the stored sentence-transformers vectors: cosine >= 0.9999;
  4. batching: a padded batch gives the same vectors as one text at a time;
  5. optionally (--int8 DIR) the int8 fallback vs the reference: min cosine >= 0.995;
  6. optionally (--ort-lib SO) the shared library the Rust host loads: dlopen, version, OrtApi 31.
Exit status 1 on any failed check.

The embedding helpers here (`load_tokenizer`, `Embedder`) are also used by
bench/reference/make_reference.py, so both sides pool the same way.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

MAX_TOKENS = 256  # sentence-transformers max_seq_length for all-MiniLM-L6-v2
COS_MIN = 0.9999
INT8_COS_MIN = 0.995


def load_tokenizer(path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    # tokenizer.json ships with fixed padding to 128 and truncation at 128; neither matches
    # sentence-transformers (no padding, truncate at 256).
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    return tok


class Embedder:
    """ORT session + mean pooling over the mask + L2 normalisation, right padding."""

    def __init__(self, onnx_path, tokenizer, threads=2, spinning=True):
        import onnxruntime as ort

        so = ort.SessionOptions()
        if not spinning:  # polite on a busy machine (setup runs beside builds); ~3% slower idle
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.sess = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
        self.tok = tokenizer
        self.input_names = {i.name for i in self.sess.get_inputs()}

    def encode(self, texts):
        return [self.tok.encode(t) for t in texts]

    def run_batch(self, encs):
        n, seq = len(encs), max(len(e.ids) for e in encs)
        ids = np.zeros((n, seq), np.int64)  # [PAD] = 0, right padding
        mask = np.zeros((n, seq), np.int64)
        types = np.zeros((n, seq), np.int64)
        for i, e in enumerate(encs):
            k = len(e.ids)
            ids[i, :k], mask[i, :k], types[i, :k] = e.ids, e.attention_mask, e.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        feed = {k: v for k, v in feed.items() if k in self.input_names}
        hidden = self.sess.run(["last_hidden_state"], feed)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed(self, texts, batch=8, sort=True):
        """Vectors in input order. sort=True batches by token length (little padding)."""
        encs = self.encode(texts)
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids)) if sort else list(range(len(encs)))
        out = np.zeros((len(texts), 384), np.float32)
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            out[idx] = self.run_batch([encs[i] for i in idx])
        return out


def check_ort_lib(path, api_version=31):
    """dlopen the shared library the Rust host loads; return its version string, or raise.
    ort 2.0.0-rc.15 with feature api-31 asks for OrtApi version 31 (ORT 1.31)."""
    import ctypes

    class ApiBase(ctypes.Structure):
        _fields_ = [("GetApi", ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_uint32)),
                    ("GetVersionString", ctypes.CFUNCTYPE(ctypes.c_char_p))]

    lib = ctypes.CDLL(str(path))
    lib.OrtGetApiBase.restype = ctypes.POINTER(ApiBase)
    base = lib.OrtGetApiBase().contents
    if not base.GetApi(api_version):
        raise RuntimeError(f"{path} does not provide OrtApi version {api_version}")
    return base.GetVersionString().decode()


def cos_rows(a, b):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model-dir", required=True, help="dir with model.onnx, model-plain.onnx, tokenizer.json")
    ap.add_argument("--fixture", required=True, help="embedding_reference.json")
    ap.add_argument("--int8", metavar="DIR", help="also check DIR/model.onnx (int8 fallback)")
    ap.add_argument("--ort-lib", metavar="SO", help="also dlopen this libonnxruntime.so (the host's)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    d = Path(args.model_dir)
    ref = json.loads(Path(args.fixture).read_text(encoding="utf-8"))
    texts, ref_vecs = ref["texts"], np.array(ref["vectors"], dtype=np.float64)
    tok = load_tokenizer(d / "tokenizer.json")
    failures = []

    def check(ok, msg):
        print(("  ok    " if ok else "  FAIL  ") + msg)
        if not ok:
            failures.append(msg)

    if args.ort_lib:
        import onnxruntime

        try:
            v = check_ort_lib(args.ort_lib)
            check(v == onnxruntime.__version__, f"{args.ort_lib} loads: version {v}, OrtApi 31"
                  f" (python onnxruntime {onnxruntime.__version__})")
        except (OSError, AttributeError, RuntimeError) as e:
            check(False, f"{args.ort_lib} does not load: {e}")

    counts = [len(e.ids) for e in tok.encode_batch(texts)]
    bad = [i for i, (a, b) in enumerate(zip(counts, ref["token_counts"])) if a != b]
    check(not bad, f"token counts match the fixture on {len(texts)} texts"
          f" ({sum(counts)} tokens, {sum(c == MAX_TOKENS for c in counts)} at the {MAX_TOKENS}-token limit)"
          + (f"; mismatches at {bad[:10]}" if bad else ""))

    t0 = time.perf_counter()
    fused = Embedder(d / "model.onnx", tok, args.threads, spinning=False)
    vf = fused.embed(texts)
    tf = time.perf_counter() - t0
    t0 = time.perf_counter()
    vp = Embedder(d / "model-plain.onnx", tok, args.threads, spinning=False).embed(texts)
    tp = time.perf_counter() - t0

    c = cos_rows(vf, vp)
    check(c.min() >= COS_MIN, f"fused vs plain:      cosine mean {c.mean():.7f} min {c.min():.7f} (>= {COS_MIN})")
    for name, v in (("fused", vf), ("plain", vp)):
        c = cos_rows(v, ref_vecs)
        check(c.min() >= COS_MIN, f"{name} vs reference:{' ' * (6 - len(name))} cosine mean {c.mean():.7f}"
              f" min {c.min():.7f} (>= {COS_MIN}; worst text #{int(c.argmin())})")

    # Batching with right padding must not change a vector (fused graph: mask_index path).
    probe = sorted(range(len(texts)), key=lambda i: -counts[i])[:2] + [0, 1, 2, 3, 4, 5]
    single = np.stack([fused.run_batch(fused.encode([texts[i]]))[0] for i in probe])
    batched = fused.run_batch(fused.encode([texts[i] for i in probe]))
    c = cos_rows(single, batched)
    check(c.min() >= 0.99999, f"fused, padded batch vs one at a time: min cosine {c.min():.7f}")

    if args.int8:
        v8 = Embedder(Path(args.int8) / "model.onnx", tok, args.threads, spinning=False).embed(texts)
        c = cos_rows(v8, ref_vecs)
        check(c.min() >= INT8_COS_MIN, f"int8 vs reference:   cosine mean {c.mean():.7f} min {c.min():.7f}"
              f" (>= {INT8_COS_MIN})")

    print(f"  time  fused {tf:.1f} s, plain {tp:.1f} s ({sum(counts)} tokens, {args.threads} threads, incl. load)")
    if failures:
        print(f"verify: {len(failures)} check(s) FAILED", file=sys.stderr)
        return 1
    print("verify: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
