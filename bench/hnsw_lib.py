"""hnswlib on the vectors bench-hnsw wrote (bench/out/): build time,
recall@10 against the same exact answers, query latency.

    bench/.venv/bin/python bench/hnsw_lib.py [--threads 2] [--M 16] [--ef-construction 100] [--ef-search 100]
"""
import argparse, json, os, time
import numpy as np
import hnswlib

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--M", type=int, default=16)
p.add_argument("--ef-construction", type=int, default=100)
p.add_argument("--ef-search", type=int, default=100)
a = p.parse_args()
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
v = np.fromfile(os.path.join(out, "vectors.f32"), dtype="<f4").reshape(-1, 384)
queries = json.load(open(os.path.join(out, "queries.json")))
exact = json.load(open(os.path.join(out, "exact.json")))
idx = hnswlib.Index(space="cosine", dim=v.shape[1])
t = time.perf_counter()
idx.init_index(max_elements=len(v), M=a.M, ef_construction=a.ef_construction, random_seed=1)
idx.set_num_threads(a.threads)
idx.add_items(v, np.arange(len(v)))
build = time.perf_counter() - t
idx.set_ef(a.ef_search)
found = 0
t = time.perf_counter()
for qi, q in enumerate(queries):
    labels, _ = idx.knn_query(v[q : q + 1], k=11)
    got = [int(x) for x in labels[0] if int(x) != q][:10]
    found += len(set(got) & set(exact[qi]))
query_us = (time.perf_counter() - t) * 1e6 / len(queries)
print(f"| hnswlib {hnswlib.__version__ if hasattr(hnswlib, '__version__') else ''} (M {a.M}, ef_construction {a.ef_construction}, ef_search {a.ef_search}, {a.threads} threads) | {build:.2f} | {found / (len(queries) * 10):.4f} | {query_us:.0f} |")
