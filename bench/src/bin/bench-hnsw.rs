//! HNSW: instant-distance as LogLine builds it, on a prepared folder's own
//! combined embeddings: build time, recall@10 against exact search, query
//! latency. Writes the vectors and queries to bench/out/ for
//! `bench/hnsw_lib.py` (hnswlib, M 16, ef_construction 100, same threads).
//!
//! cargo run --release -p logline-bench --bin bench-hnsw -- DIR [--ef-construction N] [--ef-search N] [--queries Q]

use logline::index::{HnswParams, Point, exact_top_k};
use logline::vector::dot;
use std::io::Write;
use std::time::Instant;

fn arg(name: &str, default: usize) -> usize {
    let a: Vec<String> = std::env::args().collect();
    a.iter().position(|x| x == name).and_then(|i| a.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::args().nth(1).expect("usage: bench-hnsw DIR");
    let dir = std::path::Path::new(&dir);
    let efc = arg("--ef-construction", HnswParams::default().ef_construction);
    let efs = arg("--ef-search", HnswParams::default().ef_search);
    let n_queries = arg("--queries", 500);
    let threads = std::thread::available_parallelism()?.get();

    // The run's own combined embeddings: from the sidecar, else inline.
    let side = dir.join("diamonds-enriched.embeddings.npy");
    let points: Vec<Vec<f32>> = if side.exists() {
        let r = logline::embed::sidecar::SidecarReader::open(&side)?;
        (0..r.rows()).filter_map(|i| r.get(i, 2)).collect()
    } else {
        std::fs::read_to_string(dir.join("diamonds-enriched.ndjson"))?
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["embeddings"]["combined_embedding"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap() as f32)
                    .collect()
            })
            .collect()
    };
    let n = points.len();
    let step = (n / n_queries.min(n)).max(1);
    let queries: Vec<usize> = (0..n).step_by(step).take(n_queries).collect();
    println!("{n} vectors of {} dims, {} queries, {threads} threads", points[0].len(), queries.len());

    // Vectors and queries for hnswlib.
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("out");
    std::fs::create_dir_all(&out)?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out.join("vectors.f32"))?);
    for p in &points {
        for x in p {
            f.write_all(&x.to_le_bytes())?;
        }
    }
    f.flush()?;
    std::fs::write(out.join("queries.json"), serde_json::to_string(&queries)?)?;

    let t = Instant::now();
    let exact: Vec<Vec<usize>> = queries.iter().map(|&q| exact_top_k(&points, &points[q], 10, Some(q))).collect();
    let exact_ms = t.elapsed().as_secs_f64() * 1000.0 / queries.len() as f64;
    std::fs::write(out.join("exact.json"), serde_json::to_string(&exact)?)?;

    let t = Instant::now();
    let values: Vec<u32> = (0..n as u32).collect();
    let map = instant_distance::Builder::default()
        .ef_construction(efc)
        .ef_search(efs)
        .seed(HnswParams::default().seed)
        .build(points.iter().map(|p| Point(p.as_slice().into())).collect(), values);
    let build = t.elapsed().as_secs_f64();

    let mut found = 0usize;
    let t = Instant::now();
    for (qi, &q) in queries.iter().enumerate() {
        let mut search = instant_distance::Search::default();
        let got: Vec<usize> = map
            .search(&Point(points[q].as_slice().into()), &mut search)
            .map(|i| *i.value as usize)
            .filter(|&i| i != q)
            .take(10)
            .collect();
        found += exact[qi].iter().filter(|e| got.contains(e)).count();
    }
    let query_us = t.elapsed().as_secs_f64() * 1e6 / queries.len() as f64;
    let recall = found as f64 / (queries.len() * 10) as f64;
    println!("\n| index | build s | recall@10 | query µs |\n|---|---|---|---|");
    println!(
        "| instant-distance (M 32, ef_construction {efc}, ef_search {efs}) | {build:.2} | {recall:.4} | {query_us:.0} |"
    );
    println!("| exact (brute force) | - | 1.0000 | {:.0} |", exact_ms * 1000.0);
    let _ = dot(&points[0], &points[0]);
    Ok(())
}
