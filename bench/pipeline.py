"""Whole-pipeline benchmark: `logline run` on generated spans at several
sizes, cold (nothing embedded yet; the enzymes' compiled cache filled once,
as after a first run on the machine) and warm (a rerun): wall time, the model's own
time, Phase 0 and Phase 1 times, tokens/s, spans/s and peak RSS.

    cargo build --release -p logline -p logline-bench
    python3 bench/pipeline.py [--sizes 1000,10000] [--embeddings sidecar]

Prints a Markdown table; raw numbers go to bench/out/pipeline-<n>.json.
"""
import argparse, json, os, shutil, subprocess, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "bench", "out")
p = argparse.ArgumentParser()
p.add_argument("--sizes", default="1000,10000")
p.add_argument("--embeddings", default="sidecar")
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
os.makedirs(out, exist_ok=True)
logline = os.path.join(root, "target", "release", "logline")
gen = os.path.join(root, "target", "release", "gen-spans")


def run(n, spans, cache, tag):
    dest = os.path.join(out, f"run-{n}-{tag}")
    shutil.rmtree(dest, ignore_errors=True)
    cmd = ["/usr/bin/time", "-f", "%M %e", logline, "--quiet", "run", "-i", spans, "-o", dest,
           "--embeddings", a.embeddings, "--cache-dir", cache]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"logline run failed:\n{r.stderr}")
    rss_kb, _ = r.stderr.strip().splitlines()[-1].split()
    s = json.load(open(os.path.join(dest, "pipeline-summary.json")))
    p0, p1 = s["results"]["phase0"], s["results"]["phase1"]
    e = p0["embeddings"]
    return {
        "n": n, "tag": tag, "wall_s": wall, "peak_rss_mb": int(rss_kb) / 1024,
        "phase0_s": p0["duration_ms"] / 1000, "phase1_s": p1["duration_ms"] / 1000,
        "model_s": e["model_secs"] + p1.get("model_secs", 0.0), "model0_s": e["model_secs"],
        "tokens": e["tokens"], "model_texts": e["texts"],
        "valid": p0["valid"], "passed": p1["diamonds_plus"] + p1["diamonds_original"],
        "reembedded": p1["reembedded_texts"], "index_build_s": p0["index"]["stats"]["build_ms"] / 1000,
    }


rows = []
for n in [int(x) for x in a.sizes.split(",")]:
    spans = os.path.join(out, f"spans-{n}.ndjson")
    subprocess.run([gen, "--count", str(n), "--seed", str(a.seed), "--out", spans], check=True)
    cache = os.path.join(out, f"cache-{n}")
    shutil.rmtree(cache, ignore_errors=True)
    # "cold" = nothing embedded yet, but the built-in enzymes compiled once
    # already (a one-time cost per machine and version, measured by
    # bench-host): compile them first so the run times the data, not that.
    subprocess.run([logline, "--quiet", "enzymes", "check", os.path.join(root, "examples", "enzymes.toml"),
                    "--cache-dir", cache], check=True, capture_output=True)
    for tag in ("cold", "warm"):
        r = run(n, spans, cache, tag)
        rows.append(r)
        json.dump(r, open(os.path.join(out, f"pipeline-{n}-{tag}.json"), "w"), indent=1)
        print(json.dumps(r), flush=True)

print()
print("| spans | run | wall s | Phase 0 s | model s | Phase 1 s | index build s | wall / model | Phase 1 / Phase 0 | tokens/s (model) | spans/s (wall) | peak RSS MiB | passed |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    ratio = r["wall_s"] / r["model_s"] if r["model_s"] > 0 else float("nan")
    tps = r["tokens"] / r["model0_s"] if r["model0_s"] > 0 else float("nan")
    print(f"| {r['n']} | {r['tag']} | {r['wall_s']:.1f} | {r['phase0_s']:.1f} | {r['model_s']:.1f} | {r['phase1_s']:.1f} | {r['index_build_s']:.1f} | {ratio:.2f} | {r['phase1_s'] / r['phase0_s']:.2f} | {tps:.0f} | {r['valid'] / r['wall_s']:.1f} | {r['peak_rss_mb']:.0f} | {r['passed']} |")
