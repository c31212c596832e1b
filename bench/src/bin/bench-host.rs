//! Enzyme host benchmarks: compile (cold vs cached), instantiate, per-call
//! host overhead, and spans/s per enzyme and for a whole chain.
//!
//! cargo run --release -p logline-bench --bin bench-host -- [--spans N] [--index DIR] [--extra NAME=PATH.wasm ...]

use anyhow::Context as _;
use logline::enzyme::chain;
use logline::enzyme::{Current, EnzymeHost, HostOptions, LoadedEnzyme, Lookups, NoLookups};
use logline::index::SpanIndex;
use logline::manifest::{self, Origin};
use logline::span::Span;
use logline::tags::Tagger;
use logline::validate::{Mode, Validator};
use logline_bench::{GenConfig, generate_string};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn args() -> (usize, Option<PathBuf>, Vec<(String, PathBuf)>) {
    let mut spans = 2000;
    let mut index = None;
    let mut extra = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--spans" => spans = it.next().and_then(|v| v.parse().ok()).expect("--spans N"),
            "--index" => index = it.next().map(PathBuf::from),
            "--extra" => {
                let v = it.next().expect("--extra NAME=PATH");
                let (n, p) = v.split_once('=').expect("--extra NAME=PATH");
                extra.push((n.to_string(), PathBuf::from(p)));
            }
            other => panic!("unknown argument {other}"),
        }
    }
    (spans, index, extra)
}

fn spans(n: usize) -> Vec<Span> {
    let (text, _) = generate_string(&GenConfig { count: n, seed: 7, ..Default::default() });
    let mut v = Validator::new(Mode::Input, 0.0);
    let tagger = Tagger::default();
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let line = logline::ingest::Line { no: i as u64 + 1, bytes: l.as_bytes().to_vec(), truncated_from: None };
            let mut s = v.check(&line).ok()?;
            s.enriched.semantic_tags = tagger.tags(&s.this, s.if_ok.as_deref(), s.facts.domain.as_deref());
            s.enriched.complexity_score = logline::complexity::complexity_score(s.response());
            Some(s)
        })
        .collect()
}

fn prepared_spans(dir: &std::path::Path, n: usize) -> anyhow::Result<Vec<Span>> {
    let path = dir.join("diamonds-enriched.ndjson");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut v = Validator::new(Mode::Enriched, 0.0);
    Ok(text
        .lines()
        .enumerate()
        .take(n)
        .filter_map(|(i, l)| {
            v.check(&logline::ingest::Line { no: i as u64 + 1, bytes: l.as_bytes().to_vec(), truncated_from: None })
                .ok()
        })
        .collect())
}

fn entry_toml(name: &str, source: &str, config: &str) -> String {
    format!(
        "[[enzyme]]\nname = \"{name}\"\n{source}\nconfig = {config}\nlimits = {{ timeout_ms = 30000, memory_mb = 256 }}\n"
    )
}

fn load(host: &EnzymeHost, toml: &str) -> anyhow::Result<Arc<LoadedEnzyme>> {
    let m = manifest::parse(toml, Origin::File(PathBuf::from("bench.toml")))?;
    host.load(&m.enzymes[0])
}

fn current(s: &Span) -> Current {
    Current {
        id: s.id.clone(),
        tags: s.enriched.semantic_tags.clone(),
        embedding: s.enriched.combined_embedding.clone(),
        ..Default::default()
    }
}

fn per_call(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1e6 / n as f64
}

fn main() -> anyhow::Result<()> {
    let (n_spans, index_dir, extra) = args();
    let lookups: Arc<dyn Lookups> = match &index_dir {
        Some(d) => Arc::new(SpanIndex::load(d, "diamonds-enriched").context("loading --index")?),
        None => Arc::new(NoLookups),
    };
    // With --index, the spans are that folder's own prepared spans, so the
    // look-ups (neighbours, thread) answer as they do in a real Phase 1.
    let spans = match &index_dir {
        Some(d) => prepared_spans(d, n_spans)?,
        None => spans(n_spans),
    };
    let typical = spans.iter().min_by_key(|s| (s.text_len() as i64 - 1500).abs()).unwrap().clone();
    println!(
        "machine: {} cores; {} generated spans; typical span {} bytes",
        std::thread::available_parallelism()?.get(),
        spans.len(),
        typical.text_len()
    );

    let hostile = logline_test_guests::hostile().display().to_string();
    let mut components: Vec<(String, String)> =
        vec![("noop (raw)".into(), entry_toml("noop", &format!("path = {hostile:?}"), "{ mode = \"noop-raw\" }"))];
    for b in logline::enzyme::builtin::names() {
        components.push((b.to_string(), entry_toml(b, &format!("builtin = \"{b}\""), "{}")));
    }
    for (n, p) in &extra {
        components.push((n.clone(), entry_toml(n, &format!("path = {:?}", p.display().to_string()), "{}")));
    }

    // Compile: cold (empty cache) vs cached; instantiate + init from the cache.
    println!(
        "\n## Load\n\n| component | size KiB | compile cold ms | load cached ms | instantiate+init ms (mean of 20) |\n|---|---|---|---|---|"
    );
    let mut loaded = Vec::new();
    for (name, toml) in &components {
        let dir = tempfile_dir()?;
        let cold_host = EnzymeHost::new(HostOptions { cache_dir: Some(dir.clone()) })?;
        let cold = load(&cold_host, toml)?;
        let warm_host = EnzymeHost::new(HostOptions { cache_dir: Some(dir.clone()) })?;
        let t = Instant::now();
        let cached = load(&warm_host, toml)?;
        let cached_ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(cached.compile.from_cache);
        let mut inst_total = Duration::ZERO;
        for _ in 0..20 {
            let mut i = cached.instance(lookups.clone());
            inst_total += i.warm().map_err(|f| anyhow::anyhow!("{f}"))?;
        }
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.3} |",
            cached.size / 1024,
            cold.compile.millis,
            cached_ms,
            inst_total.as_secs_f64() * 1000.0 / 20.0
        );
        loaded.push((name.clone(), cached, warm_host));
        let _ = std::fs::remove_dir_all(dir);
    }

    // Host overhead per call: the no-op enzyme through `Instance::call`
    // vs the bare wasmtime call on a pre-converted span.
    let (_, noop, _) = &loaded[0];
    let calls = 20_000;
    let mut inst = noop.instance(lookups.clone());
    inst.bare_calls(&typical, 1000)?;
    let bare = inst.bare_calls(&typical, calls as u32)?;
    let t = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(inst.call(&typical, current(&typical)).map_err(|f| anyhow::anyhow!("{f}"))?);
    }
    let full = t.elapsed();
    println!(
        "\n## Host overhead (no-op enzyme, typical span)\n\nbare wasmtime call {:.2} µs, through the host {:.2} µs, overhead {:.2} µs per call",
        per_call(bare, calls),
        per_call(full, calls),
        per_call(full, calls) - per_call(bare, calls)
    );

    // Spans/s per enzyme, one thread.
    println!(
        "\n## Throughput per enzyme (1 thread, {} spans)\n\n| enzyme | spans/s | µs/span | changed |\n|---|---|---|---|",
        spans.len()
    );
    for (name, e, _) in loaded.iter().skip(1) {
        let mut inst = e.instance(lookups.clone());
        inst.warm().map_err(|f| anyhow::anyhow!("{f}"))?;
        let t = Instant::now();
        let mut changed = 0;
        for s in &spans {
            if let Ok((logline::enzyme::Outcome::Changed(_) | logline::enzyme::Outcome::Variants(_), _, _)) =
                inst.call(s, current(s))
            {
                changed += 1;
            }
        }
        let d = t.elapsed();
        println!(
            "| {name} | {:.0} | {:.1} | {changed} |",
            spans.len() as f64 / d.as_secs_f64(),
            per_call(d, spans.len())
        );
    }

    // The default chain, all cores, each worker with its own instances.
    let m = manifest::bundled();
    let host = &loaded[1].2;
    let enzymes = host.load_all(&m.enzymes)?;
    let tagger = Tagger::default();
    let threads = std::thread::available_parallelism()?.get();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let chunk = spans.len().div_ceil(threads * 4);
    // Workers take stages from a pool and give them back, as Phase 1 does:
    // instances live for the run, not per batch.
    let pool_of_stages = chain::StagePool::new(enzymes, &m, lookups.clone());
    let run = |spans: &[Span]| {
        pool.install(|| {
            spans.par_chunks(chunk).for_each(|c| {
                let mut stages = pool_of_stages.take();
                for s in c {
                    let _ = chain::run(&mut stages, s.clone(), &tagger);
                }
                pool_of_stages.give_back(stages);
            })
        })
    };
    // Warm: one pass creates and initialises every worker's instances.
    run(&spans);
    let t = Instant::now();
    run(&spans);
    let d = t.elapsed();
    println!(
        "\n## The default chain (security, syntax-optimizer, semantic-enricher, context-preserver), {threads} threads\n\n{:.0} spans/s ({} spans in {:.2} s, instances warm)",
        spans.len() as f64 / d.as_secs_f64(),
        spans.len(),
        d.as_secs_f64()
    );
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    Ok(tempfile::tempdir()?.keep())
}
