#!/usr/bin/env python3
"""Build the relevance model's ONNX graph (a cross-encoder: question and answer read
together, one logit) from all-MiniLM-L6-v2's safetensors and the trained delta in
assets/relevance-minilm-l6/delta.safetensors, with onnx, numpy, safetensors and (to
quantise) onnxruntime: no torch.

The delta (bench/relevance/train.py) holds what fine-tuning changed: low-rank adapters on
every linear map of the six layers (W' = W + alpha/r · B A), every bias and LayerNorm,
the pooler and the one-logit head. Everything else (the embeddings, the full weight
matrices) is the base's. The graph is build_minilm.py's fused graph on the merged weights,
then the pooler (tanh of a dense map of the [CLS] state) and the head:

  inputs  input_ids, attention_mask, token_type_ids : int64 [batch, seq] (right padding)
  output  logits                                    : float32 [batch, 1]

The adapters are merged in float64, one rank at a time, each step an IEEE-rounded
elementwise operation in a fixed order, then rounded to float32 (no BLAS in the sum). The
graph is then quantised as the host runs it: int8 weights per channel, activations
quantised dynamically (ONNX Runtime's `quantize_dynamic`; 23 MB, about twice as fast as
float32 on one thread). The same files give the same bytes, so setup pins the sha256.

  python build_relevance.py BASE.safetensors DELTA.safetensors OUT.onnx [--fp32]
"""
import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors import safe_open
from safetensors.numpy import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_minilm import HIDDEN, build_fused  # noqa: E402

LINEARS = ("attention.self.query", "attention.self.key", "attention.self.value",
           "attention.output.dense", "intermediate.dense", "output.dense")


def merge(base, delta, rank, alpha):
    """The base's weights with the delta applied: adapters merged, the rest replaced."""
    w = dict(base)
    scale = np.float64(alpha) / np.float64(rank)
    used = set()
    for name in sorted(delta):
        if name.endswith((".lora_a", ".lora_b")):
            continue
        if name.startswith("classifier.") or name in w:
            w[name] = np.asarray(delta[name], dtype=np.float32)
            used.add(name)
        else:
            sys.exit(f"build_relevance: the delta's {name} is not in the base model")
    for layer in range(6):
        for lin in LINEARS:
            p = f"encoder.layer.{layer}.{lin}"
            a, b = delta[p + ".lora_a"].astype(np.float64), delta[p + ".lora_b"].astype(np.float64)
            if a.shape[0] != rank or b.shape[1] != rank:
                sys.exit(f"build_relevance: {p} adapters are not of rank {rank}")
            acc = w[p + ".weight"].astype(np.float64)
            for k in range(rank):
                acc = acc + np.multiply.outer(b[:, k] * scale, a[k, :])
            w[p + ".weight"] = acc.astype(np.float32)
            used.update((p + ".lora_a", p + ".lora_b"))
    left = sorted(set(delta) - used)
    if left:
        sys.exit(f"build_relevance: delta tensors not used: {left}")
    return w


def build(w):
    m = build_fused(w)
    g = m.graph
    inits = [
        numpy_helper.from_array(np.array([0], dtype=np.int64), "cls_index"),
        numpy_helper.from_array(np.ascontiguousarray(w["pooler.dense.weight"].T), "pooler_w"),
        numpy_helper.from_array(w["pooler.dense.bias"], "pooler_b"),
        numpy_helper.from_array(np.ascontiguousarray(w["classifier.weight"].T), "classifier_w"),
        numpy_helper.from_array(w["classifier.bias"], "classifier_b"),
    ]
    g.initializer.extend(inits)
    nodes = [
        # the [CLS] state: [batch, 1, 384] -> [batch, 384]
        helper.make_node("Gather", ["last_hidden_state", "cls_index"], ["cls_1"], name="Gather_cls", axis=1),
        helper.make_node("Squeeze", ["cls_1", "cls_index_axes"], ["cls"], name="Squeeze_cls"),
        helper.make_node("MatMul", ["cls", "pooler_w"], ["pooler_mm"], name="MatMul_pooler"),
        helper.make_node("Add", ["pooler_mm", "pooler_b"], ["pooler_add"], name="Add_pooler"),
        helper.make_node("Tanh", ["pooler_add"], ["pooled"], name="Tanh_pooler"),
        helper.make_node("MatMul", ["pooled", "classifier_w"], ["classifier_mm"], name="MatMul_classifier"),
        helper.make_node("Add", ["classifier_mm", "classifier_b"], ["logits"], name="Add_classifier"),
    ]
    g.initializer.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "cls_index_axes"))
    g.node.extend(nodes)
    del g.output[:]
    g.output.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1]))
    g.name = "relevance-minilm-l6"
    m.doc_string = ("relevance-minilm-l6: all-MiniLM-L6-v2 + the delta of bench/relevance/train.py, "
                    "fused (com.microsoft contrib ops); logits [batch, 1], above 0 the answer answers "
                    "the question; right padding only")
    m.producer_name = "logline-build_relevance"
    return m


def main(argv=None):
    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's advice to pre-process
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base", help="all-MiniLM-L6-v2 model.safetensors")
    ap.add_argument("delta", help="assets/relevance-minilm-l6/delta.safetensors")
    ap.add_argument("out")
    ap.add_argument("--fp32", action="store_true", help="leave the weights float32 (no quantisation)")
    args = ap.parse_args(argv)
    with safe_open(args.delta, "np") as f:
        meta = f.metadata() or {}
    rank, alpha = int(meta.get("rank", 0)), float(meta.get("alpha", 0))
    if rank <= 0 or alpha <= 0:
        sys.exit(f"build_relevance: {args.delta} names no adapter rank and alpha in its metadata")
    w = merge(load_file(args.base), load_file(args.delta), rank, alpha)
    if w["pooler.dense.weight"].shape != (HIDDEN, HIDDEN) or w["classifier.weight"].shape != (1, HIDDEN):
        sys.exit("build_relevance: the delta's pooler or head has the wrong shape")
    model = build(w)
    onnx.checker.check_model(model)
    if args.fp32:
        onnx.save_model(model, args.out)
    else:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with tempfile.TemporaryDirectory() as tmp:
            fp32 = os.path.join(tmp, "fp32.onnx")
            onnx.save_model(model, fp32)
            # The fused graph's contrib ops give shape inference no types: say they are float.
            quantize_dynamic(fp32, args.out, weight_type=QuantType.QInt8, per_channel=True,
                             extra_options={"DefaultTensorType": TensorProto.FLOAT})
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
