//! Phase 2's production index (IVF with an HNSW per partition) on a vector
//! set `bench/ann/make_vectors.py` wrote: build time (k-means, HNSW),
//! `nprobe` chosen on the first half of the queries for recall@10 ≥ 0.95,
//! then recall@10 and one-thread query latency (p50, p99) on the other
//! half, and bytes per vector. With `--single-graph`, also one
//! instant-distance graph over all vectors (Phase 0's index today).
//! Prints one JSON object.
//!
//! cargo run --release -p logline-bench --bin bench-ivf -- --base B.f32 --queries Q.f32 --exact E.json [--dims 384] [--seed 7] [--nlist N] [--single-graph]

use logline::index::Point;
use logline::matcher::ivf::{Ivf, IvfParams, choose_nprobe};
use logline::matcher::store::{bincode_config, read_f32};
use std::time::Instant;

fn arg(name: &str) -> Option<String> {
    let a: Vec<String> = std::env::args().collect();
    a.iter().position(|x| x == name).and_then(|i| a.get(i + 1)).cloned()
}

fn main() -> anyhow::Result<()> {
    let base = read_f32(arg("--base").expect("--base FILE").as_ref())?;
    let queries = read_f32(arg("--queries").expect("--queries FILE").as_ref())?;
    let exact: Vec<Vec<u32>> = serde_json::from_str(&std::fs::read_to_string(arg("--exact").expect("--exact FILE"))?)?;
    let dims: usize = arg("--dims").map_or(384, |v| v.parse().unwrap());
    let seed: u64 = arg("--seed").map_or(7, |v| v.parse().unwrap());
    let nlist: usize = arg("--nlist").map_or(0, |v| v.parse().unwrap());
    let threads = std::thread::available_parallelism()?.get();
    let n = base.len() / dims;
    let q: Vec<&[f32]> = queries.chunks_exact(dims).collect();
    let half = q.len() / 2;

    let p = IvfParams { nlist, seed, ..Default::default() };
    let t = Instant::now();
    let (mut ivf, times) = Ivf::build(&base, dims, &p, threads);
    // As `logline train` stores it: each partition's rows contiguous.
    let mut table = base.clone();
    let old_of_new = ivf.group_rows(&mut [&mut table]);
    let build = t.elapsed().as_secs_f64();

    // nprobe from the first half of the queries; measured on the second.
    // Each query its own group: the bench's queries are independent draws.
    let groups: Vec<usize> = (0..half).collect();
    let (nprobe, chosen_recall) = choose_nprobe(&ivf, &table, &q[..half], &groups, 10, 0.95);
    let mut found = 0;
    let mut lat = Vec::with_capacity(q.len() - half);
    for (qi, v) in q.iter().enumerate().skip(half) {
        let t = Instant::now();
        let got = ivf.search(&table, v, 10, nprobe, None);
        lat.push(t.elapsed().as_secs_f64() * 1e6);
        found += got.iter().filter(|(r, _)| exact[qi].contains(&old_of_new[*r as usize])).count();
    }
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    // As `logline train` writes the partition files.
    let graphs: usize =
        ivf.partitions.iter().map(|g| bincode::serde::encode_to_vec(g, bincode_config()).map_or(0, |b| b.len())).sum();
    let mut sizes: Vec<usize> = ivf.members.iter().map(Vec::len).collect();
    sizes.sort_unstable();
    let mut out = serde_json::json!({
        "partition_size_p50": sizes[sizes.len() / 2],
        "partition_size_max": sizes[sizes.len() - 1],
        "graph_partitions": ivf.partitions.iter().filter(|p| p.is_graph()).count(),
        "vectors": n,
        "threads": threads,
        "build_s": build,
        "kmeans_s": (times.kmeans + times.assign).as_secs_f64(),
        "hnsw_s": times.hnsw.as_secs_f64(),
        "nlist": ivf.nlist(),
        "nprobe": nprobe,
        "recall_at_10_choosing": chosen_recall,
        "recall_at_10": found as f64 / (10 * (q.len() - half)) as f64,
        "p50_us": pct(0.5),
        "p99_us": pct(0.99),
        // The vector table (scanned partitions read it), the partitions, the centroids.
        "bytes_per_vector": (base.len() * 4 + graphs + ivf.centroids.len() * 4) as f64 / n as f64,
    });
    if std::env::args().any(|a| a == "--single-graph") {
        let t = Instant::now();
        let points: Vec<Point> = base.chunks_exact(dims).map(|v| Point(v.into())).collect();
        let map = instant_distance::Builder::default().seed(seed).build(points, (0..n as u32).collect::<Vec<u32>>());
        out["single_graph_build_s"] = serde_json::json!(t.elapsed().as_secs_f64());
        let mut found = 0;
        for (qi, v) in q.iter().enumerate().skip(half) {
            let mut s = instant_distance::Search::default();
            let got: Vec<u32> = map.search(&Point((*v).into()), &mut s).take(10).map(|i| *i.value).collect();
            found += got.iter().filter(|r| exact[qi].contains(r)).count();
        }
        out["single_graph_recall_at_10"] = serde_json::json!(found as f64 / (10 * (q.len() - half)) as f64);
    }
    println!("{out}");
    Ok(())
}
