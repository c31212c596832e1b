//! `logline enzymes run`: the Phase 1 chain without embedding, score or
//! gate, streaming a round at a time. Spans that go on are written with a
//! transformation log entry of the same shape as Phase 1's (without the
//! scores); dropped spans, enzyme errors under the `reject` policy and
//! invalid lines go to `<out>.rejects.ndjson` as the same reject records.

use super::round;
use super::translog;
use crate::enzyme::chain::{Derive, StagePool};
use crate::enzyme::{EnzymeHost, Lookups};
use crate::ingest;
use crate::manifest::Manifest;
use crate::output;
use crate::output::sink::{RejectCode, RejectCounts, RejectRecord, RejectStage, Sink};
use crate::tags::Tagger;
use crate::validate::{Mode, Validator};
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
    /// Lines written to the rejects file, by reject code (`dropped_<code>`).
    pub rejects: RejectCounts,
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
    let mut sink = Sink::create(out, &rejects_path)?;
    let tagger = Tagger::new(&manifest.tags);
    let stages = StagePool::new(enzymes, manifest, lookups);
    let workers = crate::threads_or_all(workers);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(workers).build()?;
    let batch = manifest.pipeline.batch_size;
    let timestamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    // No model here: a changed text has no vector, and look-ups for it
    // answer nothing rather than answer for the old text.
    let derive = Derive { tagger: &tagger, embed: None };
    let mut reader = ingest::open(input, ingest::DEFAULT_MAX_LINE)?;
    let mut validator = Validator::new(Mode::Input, 0.0);
    let mut stats = ChainRunStats::default();
    loop {
        let mut invalid = 0;
        let mut r = round::read(&mut reader, input, &mut validator, batch * workers, 0, None, |rec| {
            invalid += 1;
            sink.reject(&rec)
        })?;
        stats.invalid += invalid;
        stats.input_lines += r.lines_read;
        if r.lines_read == 0 {
            break;
        }
        for s in &mut r.spans {
            crate::derive::text_facts(s, &tagger);
        }
        stats.spans += r.spans.len() as u64;
        for r in round::run_chain(&pool, &stages, r.spans, batch, derive)? {
            stats.enzyme_errors += r.failures.len() as u64;
            for item in &r.items {
                let log = translog::log(&item.span, translog::entry(item, &timestamp, false, None));
                stats.changed += translog::changed(item) as u64;
                stats.variants_added += item.variant_of.is_some() as u64;
                sink.keep(&item.span.to_json_line(false, &[("transformation_log", &log)]))?;
                stats.written += 1;
            }
            for d in &r.dropped {
                stats.dropped += 1;
                let log = translog::log(&d.item.span, translog::entry(&d.item, &timestamp, false, None));
                let json = d.item.span.to_json_line(false, &[("transformation_log", &log)]);
                let rec =
                    RejectRecord::span(RejectStage::Chain, RejectCode::Dropped, &d.item.span, json, d.reason.clone());
                sink.reject(&RejectRecord { enzyme: Some(d.enzyme.clone()), ..rec })?;
            }
            for x in &r.rejected {
                stats.rejected_by_errors += 1;
                let log = translog::log(&x.item.span, translog::entry(&x.item, &timestamp, false, None));
                let json = x.item.span.to_json_line(false, &[("transformation_log", &log)]);
                let rec = RejectRecord::span(
                    RejectStage::Chain,
                    RejectCode::EnzymeError,
                    &x.item.span,
                    json,
                    x.failure.to_string(),
                );
                sink.reject(&RejectRecord {
                    enzyme: Some(x.failure.enzyme.clone()),
                    error_kind: Some(x.failure.kind),
                    ..rec
                })?;
            }
        }
    }
    stats.rejects = sink.counts.clone();
    let ((p, _), (rp, _)) = sink.commit()?;
    stats.output_path = p.display().to_string();
    stats.rejects_path = rp.display().to_string();
    Ok(stats)
}
