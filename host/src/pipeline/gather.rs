//! `logline index build WORK`: Phase 0's global step over the shards'
//! parts ([`super::shard`]). Reads every part in (shard, line) order, which
//! is input order, and writes what a single `logline prepare` writes into
//! `WORK/index/`: the enriched spans (in the run's embeddings mode), the
//! rejects, the stats, the index and the duplicate groups. Streaming: one
//! part line at a time, plus the index.

use super::orchestrate::PHASE1_MAX_LINE;
use super::prepare::{self, EmbeddingsMode, Phase0Writer, STEM, Tally};
use super::shard::{self, Step, Work};
use crate::dedupe::DedupeMode;
use crate::embed::EmbedStats;
use crate::index::IndexWriter;
use crate::ingest;
use crate::output;
use crate::report::Phase0Stats;
use crate::validate::{Mode, Validator};
use anyhow::{Context as _, bail};
use std::io::BufRead as _;
use std::path::Path;
use std::time::Instant;

/// Spans handed to the writer at a time.
const BATCH: usize = 1024;

/// What `index build` did.
pub enum Built {
    /// It ran.
    Ran(Box<Phase0Stats>),
    /// Its marker was there: nothing ran.
    AlreadyDone(Box<Phase0Stats>),
}

/// Build the index from the parts. `reproducible` builds the graph on one
/// thread, so the same parts give byte-identical files.
pub fn build(work_dir: &Path, reproducible: bool) -> anyhow::Result<Built> {
    let start = Instant::now();
    let work = Work::new(work_dir);
    let job = shard::read_job(&work)?;
    work.require(Step::Prepare, job.shards)?;
    let dir = work.index_dir();
    let (out_path, rejects_path, stats_path, sidecar_path) = prepare::outputs(&dir);
    if work.done(Step::Index, 0)
        && let Some(stats) = std::fs::read(&stats_path).ok().and_then(|b| serde_json::from_slice(&b).ok())
    {
        return Ok(Built::AlreadyDone(Box::new(stats)));
    }
    output::ensure_dir(&dir)?;
    output::clear(&prepare::old_outputs(&dir))?;
    let mut hnsw = job.hnsw;
    if reproducible {
        hnsw.threads = 1;
    }
    let mut index = IndexWriter::create(&dir, STEM, &job.model, job.dims)?;
    let mut dups = match job.dedupe.mode {
        DedupeMode::Off => None,
        _ => Some(crate::dedupe::Tracker::create(&dir, STEM, job.dims)?),
    };
    let sidecar = (job.embeddings == EmbeddingsMode::Sidecar).then_some(sidecar_path.as_path());
    let mut writer =
        Phase0Writer::create(&out_path, &rejects_path, sidecar.map(|p| (p, job.sidecar_dtype, job.dims)), None)?;
    let mut stats = Phase0Stats {
        input: job.input.clone(),
        input_fingerprint: Some(job.input_fingerprint.clone()),
        settings: Some(job.settings.clone()),
        embedding_mode: format!("{:?}", job.embeddings).to_lowercase(),
        combined_mode: format!("{:?}", job.combined).to_lowercase(),
        output_path: out_path.display().to_string(),
        rejects_path: rejects_path.display().to_string(),
        ..Default::default()
    };
    let mut tally = Tally::default();
    let mut embedded = EmbedStats::default();
    let mut parts_ms = 0.0;
    let mut peak: Option<f64> = None;

    for k in 1..=job.shards {
        let files = work.prepare_part(k);
        let part: Phase0Stats = serde_json::from_slice(
            &std::fs::read(&files.stats).with_context(|| format!("reading {}", files.stats.display()))?,
        )
        .with_context(|| format!("{} is not a Phase 0 stats file", files.stats.display()))?;
        stats.total += part.total;
        stats.invalid += part.invalid;
        stats.filtered += part.filtered;
        for (code, n) in &part.reasons {
            *stats.reasons.entry(code.clone()).or_default() += n;
        }
        if let Some(e) = part.embeddings {
            embedded += e;
        }
        parts_ms += part.duration_ms;
        peak = shard::max_mb(peak, part.peak_rss_mb);
        writer.rejects_from(&files.rejects, &part.rejected)?;

        // A part's spans, read back as Phase 1 reads enriched spans, with
        // the input line each came from.
        let mut lines = std::io::BufReader::new(
            std::fs::File::open(&files.lines).with_context(|| format!("opening {}", files.lines.display()))?,
        )
        .lines();
        let mut validator = Validator::new(Mode::Enriched, 0.0).max_line(PHASE1_MAX_LINE);
        let mut batch = Vec::with_capacity(BATCH);
        let mut n = 0u64;
        for line in ingest::open(&files.spans, PHASE1_MAX_LINE)? {
            let line = line.with_context(|| format!("reading {}", files.spans.display()))?;
            let mut span = validator.check(&line).map_err(|r| {
                anyhow::anyhow!(
                    "{}:{}: a part's line does not read back as an enriched span ({}); prepare shard {k} again",
                    files.spans.display(),
                    line.no,
                    r.reasons.iter().map(|x| x.code).collect::<Vec<_>>().join(", ")
                )
            })?;
            let no = lines.next().transpose()?.with_context(|| {
                format!("{} is shorter than {}; prepare shard {k} again", files.lines.display(), files.spans.display())
            })?;
            span.line = no.trim().parse().with_context(|| format!("{}: not a line number", files.lines.display()))?;
            n += 1;
            tally.add(&mut stats, &span);
            index.add(&span)?;
            if let Some(d) = &mut dups {
                d.add(&span)?;
            }
            batch.push(span);
            if batch.len() == BATCH {
                writer.spans(std::mem::take(&mut batch))?;
            }
        }
        writer.spans(batch)?;
        if n != part.valid || lines.next().is_some() {
            bail!(
                "shard {k}'s part does not match its stats ({n} spans read, {} in {}); prepare shard {k} again",
                part.valid,
                files.stats.display()
            );
        }
    }
    let (_, rejected, side) = writer.finish()?;
    stats.rejected = rejected;
    stats.sidecar_path = side.map(|p| p.display().to_string());
    tally.finish(&mut stats);
    prepare::finish(&dir, hnsw, job.dedupe, index, dups, &mut stats)?;
    stats.model_secs = embedded.model.model_secs;
    stats.embeddings = Some(embedded);
    // The parts' time and this step's, as one run's Phase 0 would count.
    stats.duration_ms = parts_ms + start.elapsed().as_secs_f64() * 1000.0;
    stats.peak_rss_mb = shard::max_mb(peak, crate::report::peak_rss_mb());
    output::write_file(&stats_path, serde_json::to_string_pretty(&stats)?.as_bytes())?;
    work.mark(Step::Index, 0)?;
    Ok(Built::Ran(Box::new(stats)))
}
