"""Benchmark vector sets for the ANN comparison (IVF + HNSW vs hnswlib), made from
real all-MiniLM-L6-v2 span embeddings (384-d, normalised).

    bench/.venv/bin/python bench/ann/make_vectors.py --from A.ndjson [B.ndjson ...] \
        --out bench/out/ann [--sizes 10000,100000] [--seed 7]

Reads `.embeddings.combined_embedding` (or top-level `combined_embedding`) of every line,
drops identical vectors, and writes for each size N:
  base-N.f32     N x 384 little-endian float32, row-major
  queries-N.f32  1000 x 384, perturbed real vectors (never identical to a base vector)
  exact-N.json   per query, indices of its exact top-10 by cosine in base-N
  vectors.json   the summary printed at the end
If N <= the real count, base-N is a random sample of the real vectors. Otherwise it is all
of them plus children: child = normalise(parent + sigma * g), g ~ N(0, I), sigma set so
that cos(child, parent) equals a target drawn from the real 1-NN cosine distribution
(cos ~= 1 / sqrt(1 + sigma^2 * d)). Queries are made the same way from real parents.
"""
import argparse, json, os
import numpy as np

DIMS, K, QUERIES, BLOCK = 384, 10, 1000, 256


def load(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            for line in f:
                if not line.strip():
                    continue
                d = json.loads(line)
                e = (d.get("embeddings") or {}).get("combined_embedding") or d.get("combined_embedding")
                if e is not None and len(e) == DIMS:
                    rows.append(e)
    x = np.asarray(rows, dtype="<f4")
    # Identical vectors dropped; sorted by bytes so the result does not depend on input order.
    x = np.unique(x.view(f"V{DIMS * 4}").ravel()).view("<f4").reshape(-1, DIMS)
    return normalise(x.astype(np.float64)), len(rows)


def normalise(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def topk(q, base, k, skip=None):
    """Indices (best first) and cosines of the k nearest base rows of each query row
    (skip[i]: a base index that query row i must not match, e.g. itself)."""
    idx = np.empty((len(q), k), dtype=np.int64)
    sim = np.empty((len(q), k))
    for i in range(0, len(q), BLOCK):
        s = q[i : i + BLOCK] @ base.T
        if skip is not None:
            s[np.arange(len(s)), skip[i : i + BLOCK]] = -np.inf
        part = np.argpartition(-s, k - 1, axis=1)[:, :k]
        ps = np.take_along_axis(s, part, 1)
        order = np.argsort(-ps, axis=1, kind="stable")
        idx[i : i + BLOCK] = np.take_along_axis(part, order, 1)
        sim[i : i + BLOCK] = np.take_along_axis(ps, order, 1)
    return idx, sim


def perturb(rng, real, nn_cos, n):
    """n children of random real parents; returns (children, cos(child, parent))."""
    parents = real[rng.integers(0, len(real), n)]
    target = np.minimum(rng.choice(nn_cos, n), 0.9999)  # never an exact copy
    sigma = np.sqrt((1 / target**2 - 1) / DIMS)
    child = normalise(parents + sigma[:, None] * rng.standard_normal((n, DIMS)))
    return child, np.sum(child * parents, axis=1)


def med(a):
    return round(float(np.median(a)), 4)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--from", dest="sources", nargs="+", action="extend", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)

    real, lines = load(a.sources)
    nn_cos = topk(real, real, 1, skip=np.arange(len(real)))[1][:, 0]
    summary = {
        "sources": a.sources, "lines_with_embedding": lines, "real_vectors": len(real),
        "seed": a.seed, "real_1nn_cos_percentiles": dict(zip(
            ["p1", "p5", "p25", "p50", "p75", "p95", "p99"],
            np.percentile(nn_cos, [1, 5, 25, 50, 75, 95, 99]).round(4).tolist())),
        "sizes": {},
    }
    print(f"real vectors: {len(real)} unique of {lines} lines; median real 1-NN cosine {med(nn_cos)}")

    for n in [int(s) for s in a.sizes.split(",")]:
        rng = np.random.default_rng([a.seed, n])
        if n <= len(real):
            base, child_cos = real[rng.choice(len(real), n, replace=False)], np.array([])
        else:
            children, child_cos = perturb(rng, real, nn_cos, n - len(real))
            base = np.concatenate([real, children])[rng.permutation(n)]
        queries, query_cos = perturb(rng, real, nn_cos, QUERIES)
        base32, queries32 = base.astype("<f4"), queries.astype("<f4")
        base, queries = base32.astype(np.float64), queries32.astype(np.float64)  # what is written
        exact, exact_sim = topk(queries, base, K)
        assert exact_sim[:, 0].max() < 1 - 1e-6, "a query is identical to a base vector"
        sample = rng.choice(n, min(n, 5000), replace=False)  # 1-NN of a sample: N x N is too slow
        base_nn = topk(base[sample], base, 1, skip=sample)[1][:, 0]

        base32.tofile(os.path.join(a.out, f"base-{n}.f32"))
        queries32.tofile(os.path.join(a.out, f"queries-{n}.f32"))
        with open(os.path.join(a.out, f"exact-{n}.json"), "w") as f:
            json.dump(exact.tolist(), f, separators=(",", ":"))
        s = summary["sizes"][str(n)] = {
            "real_in_base": int(min(n, len(real))), "generated": int(max(0, n - len(real))),
            "median_child_parent_cos": med(child_cos) if len(child_cos) else None,
            "median_query_parent_cos": med(query_cos),
            "median_base_1nn_cos": med(base_nn), "base_1nn_sample": len(sample),
            "median_query_top1_cos": med(exact_sim[:, 0]),
            "median_query_top10_cos": med(exact_sim[:, -1]),
            "max_query_base_cos": round(float(exact_sim[:, 0].max()), 6),
        }
        print(f"N={n}: {s['real_in_base']} real + {s['generated']} generated; median cos: "
              f"child-parent {s['median_child_parent_cos']}, query-parent {s['median_query_parent_cos']}, "
              f"base 1-NN {s['median_base_1nn_cos']} ({len(sample)} sampled), "
              f"query top-1 {s['median_query_top1_cos']}, query 10th {s['median_query_top10_cos']}")

    with open(os.path.join(a.out, "vectors.json"), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
