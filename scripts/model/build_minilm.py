#!/usr/bin/env python3
"""Build ONNX graphs of all-MiniLM-L6-v2 (BERT, 6 layers, 384 hidden, 12 heads)
straight from its safetensors file, with only onnx + numpy + safetensors.
No torch, no onnxruntime, no sympy.

Two graphs, same interface:

  inputs  input_ids, attention_mask, token_type_ids : int64 [batch, seq]
  output  last_hidden_state                         : float32 [batch, seq, 384]

* fused (default): the form ORT's transformer optimizer produces — com.microsoft
  contrib ops EmbedLayerNormalization, Attention (packed QKV), SkipLayerNormalization,
  BiasGelu; 46 nodes. Runs only on ONNX Runtime (CPU EP has all four ops).
  ASSUMES RIGHT PADDING with a hole-free mask: EmbedLayerNormalization reduces the
  mask to a per-row count ("mask_index") and positions are implicitly 0..seq-1.
* plain (--plain): standard opset-17 BERT (~220 nodes), portable, used as a
  cross-check. Its attention mask is applied per position, so any mask works.

Output is deterministic: the same safetensors give the same bytes every run.

  python build_minilm.py MODEL.safetensors OUT.onnx [--plain]
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

HIDDEN, HEADS, LAYERS, EPS = 384, 12, 6, 1e-12
HEAD = HIDDEN // HEADS
OPSET, IR_VERSION = 17, 8  # IR 8 = the opset-17 era; loads in every ORT >= 1.13


class G:
    """A tiny graph writer: named initializers and nodes, in insertion order."""

    def __init__(self):
        self.nodes, self.inits, self.n = [], [], 0

    def const(self, name, arr):
        # np.array(..., order='C') keeps 0-d scalars 0-d (np.ascontiguousarray makes them [1]).
        self.inits.append(numpy_helper.from_array(np.array(arr, order="C"), name))
        return name

    def op(self, op_type, inputs, domain="", out=None, **attrs):
        self.n += 1
        out = out or f"{op_type.lower()}_{self.n}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f"{op_type}_{self.n}",
                                           domain=domain, **attrs))
        return out

    def model(self, doc, extra_opsets=()):
        dyn = ["batch", "seq"]
        inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, dyn)
                  for n in ("input_ids", "attention_mask", "token_type_ids")]
        outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                                 dyn + [HIDDEN])]
        graph = helper.make_graph(self.nodes, "all-MiniLM-L6-v2", inputs, outputs, self.inits)
        opsets = [helper.make_opsetid("", OPSET)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
        m = helper.make_model(graph, opset_imports=opsets, producer_name="logline-build_minilm",
                              producer_version="1", doc_string=doc)
        m.ir_version = IR_VERSION
        return m


def f32(w):
    return np.asarray(w, dtype=np.float32)


def linear_t(w):
    """torch Linear weight is [out, in]; MatMul wants [in, out]."""
    return f32(w).T.copy(order="C")


def build_fused(w):
    g, ms = G(), "com.microsoft"
    ids = g.op("Cast", ["input_ids"], to=TensorProto.INT32)
    seg = g.op("Cast", ["token_type_ids"], to=TensorProto.INT32)
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)
    e = "embeddings."
    embed = helper.make_node(
        "EmbedLayerNormalization",
        [ids, seg, g.const("word_embeddings", f32(w[e + "word_embeddings.weight"])),
         g.const("position_embeddings", f32(w[e + "position_embeddings.weight"])),
         g.const("token_type_embeddings", f32(w[e + "token_type_embeddings.weight"])),
         g.const("embeddings_ln_gamma", f32(w[e + "LayerNorm.weight"])),
         g.const("embeddings_ln_beta", f32(w[e + "LayerNorm.bias"])), mask],
        ["embed_out", "mask_index"], name="EmbedLayerNormalization_0", domain=ms, epsilon=EPS)
    g.nodes.append(embed)
    x = "embed_out"
    for i in range(LAYERS):
        p, last = f"encoder.layer.{i}.", i == LAYERS - 1
        a = p + "attention."
        qkv_w = np.concatenate([linear_t(w[a + f"self.{t}.weight"]) for t in ("query", "key", "value")], axis=1)
        qkv_b = np.concatenate([f32(w[a + f"self.{t}.bias"]) for t in ("query", "key", "value")])
        att = g.op("Attention", [x, g.const(f"l{i}_qkv_w", qkv_w), g.const(f"l{i}_qkv_b", qkv_b), "mask_index"],
                   domain=ms, num_heads=HEADS)
        proj = g.op("MatMul", [att, g.const(f"l{i}_attn_out_w", linear_t(w[a + "output.dense.weight"]))])
        x1 = g.op("SkipLayerNormalization",
                  [proj, x, g.const(f"l{i}_attn_ln_gamma", f32(w[a + "output.LayerNorm.weight"])),
                   g.const(f"l{i}_attn_ln_beta", f32(w[a + "output.LayerNorm.bias"])),
                   g.const(f"l{i}_attn_out_b", f32(w[a + "output.dense.bias"]))], domain=ms, epsilon=EPS)
        h = g.op("MatMul", [x1, g.const(f"l{i}_ffn_in_w", linear_t(w[p + "intermediate.dense.weight"]))])
        h = g.op("BiasGelu", [h, g.const(f"l{i}_ffn_in_b", f32(w[p + "intermediate.dense.bias"]))], domain=ms)
        h = g.op("MatMul", [h, g.const(f"l{i}_ffn_out_w", linear_t(w[p + "output.dense.weight"]))])
        x = g.op("SkipLayerNormalization",
                 [h, x1, g.const(f"l{i}_ffn_ln_gamma", f32(w[p + "output.LayerNorm.weight"])),
                  g.const(f"l{i}_ffn_ln_beta", f32(w[p + "output.LayerNorm.bias"])),
                  g.const(f"l{i}_ffn_out_b", f32(w[p + "output.dense.bias"]))],
                 domain=ms, epsilon=EPS, out="last_hidden_state" if last else None)
    return g.model("all-MiniLM-L6-v2, fused (com.microsoft contrib ops); right padding only",
                   extra_opsets=[(ms, 1)])


def build_plain(w):
    g, e = G(), "embeddings."
    # Embeddings: word + token type + absolute position 0..seq-1, then LayerNorm.
    seq = g.op("Shape", ["input_ids"], start=1, end=2)  # 1-D [1]: no scalar Gather needed
    pos = g.op("Slice", [g.const("position_embeddings", f32(w[e + "position_embeddings.weight"])),
                         g.const("zero_1d", np.array([0], dtype=np.int64)), seq,
                         g.const("axis0_1d", np.array([0], dtype=np.int64))])
    we = g.op("Gather", [g.const("word_embeddings", f32(w[e + "word_embeddings.weight"])), "input_ids"])
    te = g.op("Gather", [g.const("token_type_embeddings", f32(w[e + "token_type_embeddings.weight"])), "token_type_ids"])
    x = g.op("Add", [g.op("Add", [we, te]), pos])
    x = g.op("LayerNormalization", [x, g.const("embeddings_ln_gamma", f32(w[e + "LayerNorm.weight"])),
                                    g.const("embeddings_ln_beta", f32(w[e + "LayerNorm.bias"]))],
             axis=-1, epsilon=EPS)
    # Additive mask, in the exact shape ORT's attention fusion matches:
    # Unsqueeze(1) -> Unsqueeze(2) -> Cast -> Sub(1, m) -> Mul(-10000).
    m = g.op("Unsqueeze", ["attention_mask", g.const("axes_1", np.array([1], dtype=np.int64))])
    m = g.op("Unsqueeze", [m, g.const("axes_2", np.array([2], dtype=np.int64))])
    m = g.op("Cast", [m], to=TensorProto.FLOAT)
    m = g.op("Sub", [g.const("one", np.array(1.0, dtype=np.float32)), m])
    mask = g.op("Mul", [m, g.const("neg_10000", np.array(-10000.0, dtype=np.float32))])
    heads_shape = g.const("heads_shape", np.array([0, 0, HEADS, HEAD], dtype=np.int64))
    merge_shape = g.const("merge_shape", np.array([0, 0, HIDDEN], dtype=np.int64))
    sqrt_head = g.const("sqrt_head", np.array(np.sqrt(HEAD), dtype=np.float32))
    sqrt2, one, half = (g.const("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32)),
                        g.const("gelu_one", np.array(1.0, dtype=np.float32)),
                        g.const("gelu_half", np.array(0.5, dtype=np.float32)))

    def dense(inp, prefix, name):
        y = g.op("MatMul", [inp, g.const(name + "_w", linear_t(w[prefix + ".weight"]))])
        return g.op("Add", [y, g.const(name + "_b", f32(w[prefix + ".bias"]))])

    def layer_norm(inp, prefix, name):
        return g.op("LayerNormalization", [inp, g.const(name + "_gamma", f32(w[prefix + ".weight"])),
                                           g.const(name + "_beta", f32(w[prefix + ".bias"]))],
                    axis=-1, epsilon=EPS)

    for i in range(LAYERS):
        p, last = f"encoder.layer.{i}.", i == LAYERS - 1
        s = p + "attention.self."
        q, k, v = (g.op("Reshape", [dense(x, s + t, f"l{i}_{t}"), heads_shape]) for t in ("query", "key", "value"))
        q = g.op("Transpose", [q], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [k], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [v], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Div", [g.op("MatMul", [q, k]), sqrt_head]), mask])
        ctx = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), merge_shape])
        attn = dense(ctx, p + "attention.output.dense", f"l{i}_attn_out")
        x1 = layer_norm(g.op("Add", [attn, x]), p + "attention.output.LayerNorm", f"l{i}_attn_ln")
        h = dense(x1, p + "intermediate.dense", f"l{i}_ffn_in")
        gelu = g.op("Mul", [g.op("Mul", [h, g.op("Add", [g.op("Erf", [g.op("Div", [h, sqrt2])]), one])]), half])
        h = dense(gelu, p + "output.dense", f"l{i}_ffn_out")
        x = g.op("LayerNormalization", [g.op("Add", [h, x1]),
                                        g.const(f"l{i}_ffn_ln_gamma", f32(w[p + "output.LayerNorm.weight"])),
                                        g.const(f"l{i}_ffn_ln_beta", f32(w[p + "output.LayerNorm.bias"]))],
                 axis=-1, epsilon=EPS, out="last_hidden_state" if last else None)
    return g.model("all-MiniLM-L6-v2, plain opset-17 BERT")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("safetensors")
    ap.add_argument("out")
    ap.add_argument("--plain", action="store_true", help="build the portable opset-17 graph")
    args = ap.parse_args(argv)
    weights = load_file(args.safetensors)
    model = build_plain(weights) if args.plain else build_fused(weights)
    onnx.checker.check_model(model)  # contrib ops are not checked, the standard ones are
    onnx.save_model(model, args.out)
    kinds = sorted({n.op_type for n in model.graph.node})
    print(f"wrote {args.out}: {len(model.graph.node)} nodes ({', '.join(kinds)})", file=sys.stderr)


if __name__ == "__main__":
    main()
