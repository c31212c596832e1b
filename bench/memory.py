"""Peak-RSS slope (issue #12): `logline prepare`, `logline orchestrate` and
`logline run`, each in its own process under `/usr/bin/time -f "%M %e"`, at
several sizes; prints one Markdown table with the slope in KB per span.

    cargo build --release -p logline -p logline-bench
    python3 bench/memory.py [--sizes 1000,10000,30000] [--logline target/release/logline] [--tag after]

Embedding runs at ~15 spans/s on the 2-core development machine, so a cold
30k-span run would spend ~35 minutes in the model. To measure memory, not
the model, the texts repeat: a base of `--base` generated spans (default
1,000) is run once to fill the embedding cache (`--cache-dir`), and every
larger input is a full-size `gen-spans` file (its own unique ids, threads,
times, metadata, invalid lines) whose `this` / `if_ok` are replaced, line by
line and in turn, by those of the base's accepted spans. Ids, threads, the
HNSW graph, the span store and every output file are full size; only the
model's work and the embedding cache's size are those of the base. (The
embedding cache's memory is bounded in the code, see `embed/cache.rs`, so a
run with new texts does not grow it either; `--unique` runs the sizes with
their own generated texts when there is time for the model.)

One process at a time holds the embedding cache (a second one runs without
it, i.e. runs the model): run one copy of this script at a time per
`--cache-dir`. Raw numbers go to bench/out/memory-<tag>-<embeddings>.json.
"""
import argparse, json, os, shutil, subprocess

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "bench", "out", "memory")
p = argparse.ArgumentParser()
p.add_argument("--sizes", default="1000,10000,30000")
p.add_argument("--base", type=int, default=1000)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--logline", default=os.path.join(root, "target", "release", "logline"))
p.add_argument("--gen", default=os.path.join(root, "target", "release", "gen-spans"))
p.add_argument("--tag", default="run")
p.add_argument("--phases", default="prepare,orchestrate,run")
p.add_argument("--embeddings", default="sidecar", help="as bench/pipeline.py (the numbers in #12)")
p.add_argument("--cache-dir", default=os.path.join(out, "cache"), help="embedding and enzyme cache")
p.add_argument("--unique", action="store_true", help="no repeated texts (the model embeds every size)")
a = p.parse_args()
os.makedirs(out, exist_ok=True)
cache = a.cache_dir


def timed(args):
    r = subprocess.run(["/usr/bin/time", "-f", "%M %e", a.logline, "--quiet", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"logline {' '.join(args)} failed:\n{r.stderr}")
    rss_kb, wall = r.stderr.strip().splitlines()[-1].split()
    return int(rss_kb) / 1024, float(wall)


def generate(n, path):
    if not os.path.exists(path):
        subprocess.run([a.gen, "--count", str(n), "--seed", str(a.seed), "--out", path], check=True)


def base_texts():
    """(this, if_ok) of the base's accepted spans, embedded once into the cache."""
    spans = os.path.join(out, f"base-{a.base}.ndjson")
    generate(a.base, spans)
    dest = os.path.join(out, "base-run")
    done = os.path.join(dest, "pipeline-summary.json")
    if not os.path.exists(done):
        shutil.rmtree(dest, ignore_errors=True)
        timed(["run", "-i", spans, "-o", dest, "--cache-dir", cache, "--embeddings", a.embeddings])
    ok = set()
    with open(os.path.join(dest, "diamonds-enriched.ndjson")) as f:
        for line in f:
            ok.add(json.loads(line)["id"])
    texts = []
    with open(spans) as f:
        for line in f:
            try:
                s = json.loads(line)
            except ValueError:
                continue
            if isinstance(s, dict) and s.get("id") in ok:
                texts.append((s["this"], s.get("if_ok")))
    return texts


def repeated(n, texts):
    path = os.path.join(out, f"spans-{n}-repeat{a.base}.ndjson")
    if os.path.exists(path):
        return path
    src = os.path.join(out, f"gen-{n}.ndjson")
    generate(n, src)
    i = 0
    with open(src) as f, open(path + ".tmp", "w") as w:
        for line in f:
            try:
                s = json.loads(line)
            except ValueError:
                s = None
            if isinstance(s, dict) and isinstance(s.get("this"), str):
                this, if_ok = texts[i % len(texts)]
                i += 1
                s["this"] = this
                if if_ok is None:
                    s.pop("if_ok", None)
                else:
                    s["if_ok"] = if_ok
                line = json.dumps(s, ensure_ascii=False) + "\n"
            w.write(line)
    os.rename(path + ".tmp", path)
    return path


texts = None if a.unique else base_texts()
rows = []
for n in [int(x) for x in a.sizes.split(",")]:
    if a.unique:
        spans = os.path.join(out, f"gen-{n}.ndjson")
        generate(n, spans)
    else:
        spans = repeated(n, texts)
    r = {"n": n, "tag": a.tag, "input": os.path.basename(spans)}
    phases = a.phases.split(",")
    dest = os.path.join(out, f"{a.tag}-{a.embeddings}-{n}")
    if "prepare" in phases or "orchestrate" in phases:
        shutil.rmtree(dest, ignore_errors=True)
        r["prepare_mb"], r["prepare_s"] = timed(["prepare", "-i", spans, "-o", dest, "--cache-dir", cache, "--embeddings", a.embeddings])
        stats = json.load(open(os.path.join(dest, "diamonds-enriched.stats.json")))
        r["valid"] = stats["valid"]
        r["model_texts"] = stats["embeddings"]["texts"]
    if "orchestrate" in phases:
        enriched = os.path.join(dest, "diamonds-enriched.ndjson")
        r["orchestrate_mb"], r["orchestrate_s"] = timed(["orchestrate", "-i", enriched, "-o", dest, "--cache-dir", cache])
    if "run" in phases:
        rdest = dest + "-run"
        shutil.rmtree(rdest, ignore_errors=True)
        r["run_mb"], r["run_s"] = timed(["run", "-i", spans, "-o", rdest, "--cache-dir", cache, "--embeddings", a.embeddings])
        shutil.rmtree(rdest, ignore_errors=True)
    rows.append(r)
    print(json.dumps(r), flush=True)
json.dump(rows, open(os.path.join(root, "bench", "out", f"memory-{a.tag}-{a.embeddings}.json"), "w"), indent=1)


def slope(key):
    pts = [(r["n"], r[key]) for r in rows if key in r]
    if len(pts) < 2:
        return ""
    (n0, m0), (n1, m1) = pts[0], pts[-1]
    return f"{(m1 - m0) * 1024 / (n1 - n0):.2f}"


print()
print(f"| {a.tag} | spans | valid | prepare MiB | s | orchestrate MiB | s | run MiB | s |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    def f(k, fmt):
        return format(r[k], fmt) if k in r else ""
    print(f"| | {r['n']:,} | {f('valid', ',')} | {f('prepare_mb', '.0f')} | {f('prepare_s', '.1f')} | "
          f"{f('orchestrate_mb', '.0f')} | {f('orchestrate_s', '.1f')} | {f('run_mb', '.0f')} | {f('run_s', '.1f')} |")
print(f"| slope KB/span ({rows[0]['n']:,} → {rows[-1]['n']:,}) | | | {slope('prepare_mb')} | | "
      f"{slope('orchestrate_mb')} | | {slope('run_mb')} | |")
