"""hnswlib baseline for the ANN benchmark, on the sets bench/ann/make_vectors.py wrote.

    bench/.venv/bin/python bench/ann/hnswlib_bench.py --dir bench/out/ann --size 10000 \
        [--threads 2] [--M 16] [--ef-construction 100]

Builds a cosine index on base-N (random_seed=1, --threads for building) and reports the
build time; finds the smallest ef_search in EFS with recall@10 >= 0.95 against exact-N.json
and, at that ef, single-thread latency p50/p99 (one query per call; includes the Python
call overhead, reported separately as call_overhead_us) and bytes per vector (saved index
file size / N). Prints one JSON object.
"""
import argparse, json, os, tempfile, time
import numpy as np
import hnswlib

DIMS, K, TARGET = 384, 10, 0.95
EFS = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256]


def latencies_us(index, queries, k=K):
    index.set_num_threads(1)
    for q in queries[:100]:  # warm-up
        index.knn_query(q[None], k=k)
    out = np.empty(len(queries))
    for i, q in enumerate(queries):
        t = time.perf_counter_ns()
        index.knn_query(q[None], k=k)
        out[i] = (time.perf_counter_ns() - t) / 1e3
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--M", type=int, default=16)
    p.add_argument("--ef-construction", type=int, default=100)
    a = p.parse_args()
    n = a.size
    base = np.fromfile(os.path.join(a.dir, f"base-{n}.f32"), dtype="<f4").reshape(n, DIMS)
    queries = np.fromfile(os.path.join(a.dir, f"queries-{n}.f32"), dtype="<f4").reshape(-1, DIMS)
    exact = [set(row) for row in json.load(open(os.path.join(a.dir, f"exact-{n}.json")))]

    index = hnswlib.Index(space="cosine", dim=DIMS)
    t = time.perf_counter()
    index.init_index(max_elements=n, M=a.M, ef_construction=a.ef_construction, random_seed=1)
    index.set_num_threads(a.threads)
    index.add_items(base, np.arange(n))
    build_s = time.perf_counter() - t

    sweep = {}
    for ef in EFS:
        index.set_ef(ef)
        labels, _ = index.knn_query(queries, k=K)
        sweep[ef] = sum(len(exact[i] & set(row.tolist())) for i, row in enumerate(labels)) / (K * len(queries))
        if sweep[ef] >= TARGET:
            break
    ef = list(sweep)[-1]  # the first to reach the target, else the largest
    index.set_ef(ef)
    lat = latencies_us(index, queries)

    tiny = hnswlib.Index(space="cosine", dim=DIMS)  # Python + pybind11 cost of one call
    tiny.init_index(max_elements=1)
    tiny.add_items(base[:1])
    overhead = np.median(latencies_us(tiny, queries, k=1))

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "index.bin")
        index.save_index(path)
        bytes_per_vector = os.path.getsize(path) / n

    print(json.dumps({
        "index": "hnswlib", "version": "0.8.0", "size": n, "M": a.M,
        "ef_construction": a.ef_construction, "build_threads": a.threads,
        "build_s": round(build_s, 3), "ef_search": ef, "recall_at_10": round(sweep[ef], 4),
        "reached_target": sweep[ef] >= TARGET,
        "p50_us": round(float(np.percentile(lat, 50)), 1), "p99_us": round(float(np.percentile(lat, 99)), 1),
        "call_overhead_us": round(float(overhead), 1), "bytes_per_vector": round(bytes_per_vector, 1),
        "recall_sweep": {str(e): round(r, 4) for e, r in sweep.items()},
    }))


if __name__ == "__main__":
    main()
