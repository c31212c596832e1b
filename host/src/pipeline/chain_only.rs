//! `logline enzymes run`: just the enzyme chain over a spans file, no
//! embedding, scoring or gate. Spans that go on are written with a
//! transformation log of the calls; dropped spans, enzyme errors under the
//! `reject` policy and invalid lines go to `<out>.rejects.ndjson`.

use super::prepare::reject_line;
use crate::enzyme::chain::{self, ChainOutput};
use crate::enzyme::{EnzymeFailure, EnzymeHost, Lookups};
use crate::ingest;
use crate::manifest::Manifest;
use crate::output::{self, AsideWriter};
use crate::tags::Tagger;
use crate::validate::{Mode, Validator};
use anyhow::{Context as _, bail};
use rayon::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Counts of a chain-only run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ChainRunStats {
    pub input_lines: u64,
    pub invalid: u64,
    pub spans: u64,
    pub written: u64,
    pub changed: u64,
    pub variants_added: u64,
    pub dropped: u64,
    pub rejected_by_errors: u64,
    pub enzyme_errors: u64,
    pub output_path: String,
    pub rejects_path: String,
}

/// The rejects path that goes with an output path.
pub fn rejects_path_for(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let stem = name.strip_suffix(".ndjson").unwrap_or(&name);
    out.with_file_name(format!("{stem}.rejects.ndjson"))
}

pub fn run_chain(
    host: &EnzymeHost,
    manifest: &Manifest,
    input: &Path,
    out: &Path,
    lookups: Arc<dyn Lookups>,
    workers: usize,
) -> anyhow::Result<ChainRunStats> {
    let enzymes = host.load_all(&manifest.enzymes)?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        output::ensure_dir(dir)?;
    }
    let rejects_path = rejects_path_for(out);
    let mut w = AsideWriter::create(out)?;
    let mut rw = AsideWriter::create(&rejects_path)?;
    let tagger = Tagger::new(&manifest.tags);
    let mut validator = Validator::new(Mode::Input, 0.0);
    let mut stats = ChainRunStats::default();
    let mut spans = Vec::new();
    for line in ingest::open(input, ingest::DEFAULT_MAX_LINE)? {
        let line = line.with_context(|| format!("reading {}", input.display()))?;
        stats.input_lines += 1;
        match validator.check(&line) {
            Ok(mut s) => {
                s.enriched.semantic_tags = tagger.tags(&s.this, s.if_ok.as_deref(), s.facts.domain.as_deref());
                s.enriched.complexity_score = crate::complexity::complexity_score(s.response());
                spans.push(s);
            }
            Err(r) => {
                stats.invalid += 1;
                rw.write_line(&reject_line(&r, &line))?;
            }
        }
    }
    stats.spans = spans.len() as u64;
    let workers = crate::threads_or_all(workers);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(workers).build()?;
    let make_stages = || chain::stages(&enzymes, manifest, &lookups);
    let batch = manifest.pipeline.batch_size;
    let results: Vec<Result<ChainOutput, EnzymeFailure>> = pool.install(|| {
        spans
            .into_par_iter()
            .chunks(batch)
            .flat_map_iter(|chunk| {
                let mut stages = make_stages();
                let tagger = &tagger;
                chunk.into_iter().map(move |s| chain::run(&mut stages, s, tagger)).collect::<Vec<_>>()
            })
            .collect()
    });
    for r in results {
        let r = match r {
            Ok(r) => r,
            Err(f) => bail!("aborting (on_enzyme_error = \"abort\"): {f}"),
        };
        stats.enzyme_errors += r.failures.len() as u64;
        for item in &r.items {
            let log = json!([{ "enzyme_applications": item.applications, "variant_of": item.variant_of }]);
            if item.applications.iter().any(|a| a.changed()) {
                stats.changed += 1;
            }
            if item.variant_of.is_some() {
                stats.variants_added += 1;
            }
            w.write_line(&item.span.to_json_line(false, &[("transformation_log", &log)]))?;
            stats.written += 1;
        }
        for d in &r.dropped {
            stats.dropped += 1;
            let span: serde_json::Value = serde_json::from_str(&d.item.span.to_json_line(false, &[]))?;
            rw.write_line(&json!({"id": d.item.span.id, "reason": "dropped", "enzyme": d.enzyme, "detail": d.reason, "span": span}).to_string())?;
        }
        for x in &r.rejected {
            stats.rejected_by_errors += 1;
            let span: serde_json::Value = serde_json::from_str(&x.item.span.to_json_line(false, &[]))?;
            rw.write_line(
                &json!({"id": x.item.span.id, "reason": "enzyme_error", "error_kind": x.failure.kind, "detail": x.failure.to_string(), "span": span})
                    .to_string(),
            )?;
        }
    }
    let (p, _) = w.commit()?;
    let (rp, _) = rw.commit()?;
    stats.output_path = p.display().to_string();
    stats.rejects_path = rp.display().to_string();
    Ok(stats)
}
