//! Embedding benchmarks: LogLine's embedder against a bare ONNX Runtime
//! session loop over the same pre-tokenised batches; `--combined encode`
//! vs `mean`; accuracy against the stored sentence-transformers vectors.
//! Writes the texts to bench/out/embed-texts.json so `bench/embed_st.py`
//! can time sentence-transformers on exactly the same texts.
//!
//! cargo run --release -p logline-bench --bin bench-embed -- [--spans N] [--threads T] [--repeats R]

use logline::embed::{self, EmbedOptions, Embedder, Model, cosine, normalized_mean};
use logline_bench::{GenConfig, generate_string};
use ort::value::Tensor;
use std::time::Instant;

#[derive(serde::Deserialize)]
struct Reference {
    texts: Vec<String>,
    vectors: Vec<Vec<f32>>,
}

fn arg(name: &str, default: usize) -> usize {
    let a: Vec<String> = std::env::args().collect();
    a.iter().position(|x| x == name).and_then(|i| a.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    let n_spans = arg("--spans", 300);
    let threads = arg("--threads", std::thread::available_parallelism()?.get());
    let repeats = arg("--repeats", 3);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let reference: Reference =
        serde_json::from_slice(&std::fs::read(root.join("host/tests/fixtures/embedding_reference.json"))?)?;

    // Texts: the reference set plus queries and responses of generated spans.
    let (text, _) =
        generate_string(&GenConfig { count: n_spans, seed: 11, invalid_share: 0.0, dup_share: 0.0, secret_share: 0.0 });
    let spans: Vec<serde_json::Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let mut texts: Vec<String> = reference.texts.clone();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for s in &spans {
        if let (Some(q), Some(r)) = (s["this"].as_str(), s["if_ok"].as_str()) {
            texts.push(q.to_string());
            texts.push(r.to_string());
            pairs.push((q.to_string(), r.to_string()));
        }
    }
    texts.sort();
    texts.dedup();
    std::fs::create_dir_all(root.join("bench/out"))?;
    std::fs::write(root.join("bench/out/embed-texts.json"), serde_json::to_string(&texts)?)?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();

    let files = embed::locate(None, embed::DEFAULT_MODEL)?;
    let opts = EmbedOptions { threads, ..EmbedOptions::default() };
    let model = Model::load(files.clone(), opts.clone())?;
    let encoded = model.tokenize(&refs)?;
    let tokens: usize = encoded.iter().map(|e| e.ids.len()).sum();
    println!(
        "machine: {} threads for the model; {} texts, {} tokens (after truncation at 256)",
        threads,
        texts.len(),
        tokens
    );

    // The same batches LogLine forms: length-sorted, token-budgeted.
    let batches = model.batches(&encoded.iter().collect::<Vec<_>>());
    // Pre-built tensors for the bare loop.
    let prebuilt: Vec<[(Vec<i64>, [i64; 2]); 3]> = batches
        .iter()
        .map(|b| {
            let width = b.iter().map(|&i| encoded[i].ids.len()).max().unwrap();
            let mut ids = vec![0i64; b.len() * width];
            let mut mask = vec![0i64; b.len() * width];
            for (r, &i) in b.iter().enumerate() {
                let e = &encoded[i].ids;
                ids[r * width..r * width + e.len()].copy_from_slice(e);
                mask[r * width..r * width + e.len()].fill(1);
            }
            let shape = [b.len() as i64, width as i64];
            [(ids, shape), (mask, shape), (vec![0i64; b.len() * width], shape)]
        })
        .collect();
    // Configured exactly as the embedder's own session.
    let mut session = logline::embed::model::open_session(&files, threads, false)?;
    let mut bare = f64::MAX;
    let mut ours = f64::MAX;
    for rep in 0..repeats {
        // Alternate the order so neither side always runs on a warmer machine.
        for side in if rep % 2 == 0 { [0, 1] } else { [1, 0] } {
            if side == 0 {
                let t = Instant::now();
                for [ids, mask, types] in &prebuilt {
                    let inputs = ort::inputs![
                        "input_ids" => Tensor::from_array((ids.1, ids.0.clone()))?,
                        "attention_mask" => Tensor::from_array((mask.1, mask.0.clone()))?,
                        "token_type_ids" => Tensor::from_array((types.1, types.0.clone()))?,
                    ];
                    let out = session.run(inputs)?;
                    std::hint::black_box(out[0].try_extract_tensor::<f32>()?.1.len());
                }
                bare = bare.min(t.elapsed().as_secs_f64());
            } else {
                let e = Embedder::new(Model::load(files.clone(), opts.clone())?, None);
                let t = Instant::now();
                std::hint::black_box(e.embed(&refs)?);
                ours = ours.min(t.elapsed().as_secs_f64());
            }
        }
    }
    println!("\n## Throughput (best of {repeats})\n");
    println!("| | seconds | tokens/s |\n|---|---|---|");
    println!("| bare ort session loop (pre-tokenised, pre-batched) | {bare:.2} | {:.0} |", tokens as f64 / bare);
    println!("| LogLine embedder (tokenise, dedup, batch, run, pool) | {ours:.2} | {:.0} |", tokens as f64 / ours);
    println!("\nratio LogLine / bare: {:.3}", bare / ours);

    // Accuracy against sentence-transformers.
    let e = Embedder::new(Model::load(files.clone(), opts.clone())?, None);
    let rrefs: Vec<&str> = reference.texts.iter().map(String::as_str).collect();
    let got = e.embed(&rrefs)?;
    let cos: Vec<f32> = got.iter().zip(&reference.vectors).map(|(a, b)| cosine(a, b)).collect();
    println!(
        "\n## Accuracy vs sentence-transformers ({} texts, fp32 fused graph)\n\nmean cosine {:.7}, min {:.7}",
        cos.len(),
        cos.iter().sum::<f32>() / cos.len() as f32,
        cos.iter().cloned().fold(1.0, f32::min)
    );
    if let Ok(int8) = embed::locate(None, "all-MiniLM-L6-v2-int8") {
        let e8 = Embedder::new(Model::load(int8, opts.clone())?, None);
        let got = e8.embed(&rrefs)?;
        let cos: Vec<f32> = got.iter().zip(&reference.vectors).map(|(a, b)| cosine(a, b)).collect();
        println!(
            "int8 fallback: mean cosine {:.7}, min {:.7}",
            cos.iter().sum::<f32>() / cos.len() as f32,
            cos.iter().cloned().fold(1.0, f32::min)
        );
    }

    // --combined encode vs mean.
    let e = Embedder::new(Model::load(files.clone(), opts)?, None);
    let q: Vec<&str> = pairs.iter().map(|p| p.0.as_str()).collect();
    let r: Vec<&str> = pairs.iter().map(|p| p.1.as_str()).collect();
    let joined: Vec<String> = pairs.iter().map(|(a, b)| format!("{a}\n\n{b}")).collect();
    let j: Vec<&str> = joined.iter().map(String::as_str).collect();
    let t = Instant::now();
    let qv = e.embed(&q)?;
    let rv = e.embed(&r)?;
    let two = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let jv = e.embed(&j)?;
    let third = t.elapsed().as_secs_f64();
    let cos: Vec<f32> = qv.iter().zip(&rv).zip(&jv).map(|((a, b), c)| cosine(&normalized_mean(a, b), c)).collect();
    println!(
        "\n## combined_embedding on {} spans\n\nquery + response passes {two:.2} s; the joined-text pass (`--combined encode`) adds {third:.2} s ({:.0}% more model time).\ncosine(mean, encode): mean {:.4}, min {:.4}",
        pairs.len(),
        third / two * 100.0,
        cos.iter().sum::<f32>() / cos.len() as f32,
        cos.iter().cloned().fold(1.0, f32::min)
    );
    Ok(())
}
