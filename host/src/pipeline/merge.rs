//! The sharded Phase 1 ([`super::shard`]): `logline orchestrate WORK
//! --shard K/N` runs the chain, score and gate on shard K's threads against
//! the shared index, and `logline report merge WORK -o OUT` folds the parts
//! into the files a single `logline run` writes.

use super::orchestrate::{self, OrchestrateOptions, PartStats, Phase1Stats};
use super::prepare;
use super::shard::{self, Shard, Step, Work};
use crate::embed::Embedder;
use crate::enzyme::EnzymeHost;
use crate::output::sink::{RejectCounts, Sink};
use crate::output::{self, partial_path};
use crate::report::{Phase0Stats, Phase1Report};
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What one `orchestrate --shard` task did.
pub enum PartOutcome {
    Done(Box<Phase1Report>),
    /// Its marker was there: nothing ran.
    AlreadyDone,
}

/// The input every Phase 1 shard reads: what `index build` wrote.
pub fn enriched_input(work: &Work) -> PathBuf {
    prepare::outputs(&work.index_dir()).0
}

/// Phase 1 of one shard. `opts` carries the manifest and flags; its input,
/// output folder and shard are set here. A task killed midway continues
/// from its checkpoint when launched again.
pub fn orchestrate_part(
    work_dir: &Path,
    shard: Shard,
    mut opts: OrchestrateOptions,
    host: &EnzymeHost,
    embedder: &Embedder,
) -> anyhow::Result<PartOutcome> {
    let work = Work::new(work_dir);
    let job = shard::read_job(&work)?;
    if job.shards != shard.n {
        bail!(
            "{}: this work folder was prepared in {} shards and this task says {}; N is fixed per work folder",
            work.dir.display(),
            job.shards,
            shard.n
        );
    }
    if !work.done(Step::Index, 0) {
        bail!(
            "{}: the index is not built yet; run `logline index build {}` first",
            work.dir.display(),
            work.dir.display()
        );
    }
    if work.done(Step::Orchestrate, shard.k) {
        return Ok(PartOutcome::AlreadyDone);
    }
    opts.input = enriched_input(&work);
    opts.out_dir = work.orchestrate_part(shard.k);
    opts.shard = Some(shard);
    opts.resume = true;
    let report = orchestrate::orchestrate(&opts, host, embedder)?;
    work.mark(Step::Orchestrate, shard.k)?;
    Ok(PartOutcome::Done(Box::new(report)))
}

/// What `report merge` wrote.
pub struct Merged {
    pub phase0: Phase0Stats,
    pub phase1: Phase1Report,
    /// Phase 1's job (its settings hash and gate).
    pub job: shard::OrchestrateJob,
    pub input: String,
}

/// Fold a finished work folder into `out`: Phase 0's files as `index
/// build` wrote them, Phase 1's parts in shard order, the report from the
/// added-up counters.
pub fn merge(work_dir: &Path, out: &Path) -> anyhow::Result<Merged> {
    let start = Instant::now();
    let work = Work::new(work_dir);
    let job = shard::read_job(&work)?;
    if !work.done(Step::Index, 0) {
        bail!("{}: the index is not built yet; run `logline index build` first", work.dir.display());
    }
    work.require(Step::Orchestrate, job.shards)?;
    let ojob_path = shard::orchestrate_job_path(&work.orchestrate_part(1));
    let ojob: shard::OrchestrateJob = serde_json::from_slice(
        &std::fs::read(&ojob_path).with_context(|| format!("reading {}", ojob_path.display()))?,
    )?;
    output::ensure_dir(out)?;
    let (plus_path, rejects_path, report_path, _) = orchestrate::outputs(out);
    output::clear(&[plus_path.clone(), rejects_path.clone(), report_path.clone(), out.join("pipeline-summary.json")])?;

    // Phase 0: copied, with the stats naming the copies.
    let index_dir = work.index_dir();
    for f in prepare::old_outputs(&index_dir) {
        if f.is_file() {
            let to = out.join(f.file_name().expect("a file name"));
            let aside = partial_path(&to);
            std::fs::copy(&f, &aside).with_context(|| format!("copying {} to {}", f.display(), aside.display()))?;
            std::fs::rename(&aside, &to)?;
        }
    }
    let (o, r, stats_path, side) = prepare::outputs(out);
    let mut phase0: Phase0Stats = serde_json::from_slice(&std::fs::read(&stats_path)?)
        .with_context(|| format!("{} is not a Phase 0 stats file", stats_path.display()))?;
    phase0.output_path = o.display().to_string();
    phase0.rejects_path = r.display().to_string();
    if phase0.sidecar_path.is_some() {
        phase0.sidecar_path = Some(side.display().to_string());
    }
    output::write_file(&stats_path, serde_json::to_string_pretty(&phase0)?.as_bytes())?;

    // Phase 1: the parts in shard order, through one sink.
    let mut sink = Sink::create(&plus_path, &rejects_path)?;
    let mut stats = Phase1Stats::default();
    let (mut ms, mut model_secs, mut peak) = (0.0, 0.0, None::<f64>);
    for k in 1..=job.shards {
        let dir = work.orchestrate_part(k);
        let (p, rj, _, _) = orchestrate::outputs(&dir);
        let part_path = orchestrate::part_stats_path(&dir);
        let part: PartStats = serde_json::from_slice(
            &std::fs::read(&part_path).with_context(|| format!("reading {}", part_path.display()))?,
        )
        .with_context(|| format!("{} is not a Phase 1 part file", part_path.display()))?;
        let n = sink.keep_from(&p)?;
        let kept = part.stats.diamonds_plus + part.stats.diamonds_original;
        if n != kept {
            bail!("{} holds {n} spans but its part file counts {kept}; run shard {k} again", p.display());
        }
        sink.rejects_from(&rj, &part.rejects)?;
        stats += &part.stats;
        ms += part.duration_ms;
        model_secs += part.model_secs;
        peak = shard::max_mb(peak, part.peak_rss_mb);
    }
    let counts: RejectCounts = sink.counts.clone();
    let mut report = stats.report(ojob.quality_gate, &counts);
    if ojob.reproducible {
        report.enzymes.values_mut().for_each(|c| c.micros_sum = 0.0);
    } else {
        report.duration_ms = ms + start.elapsed().as_secs_f64() * 1000.0;
        report.model_secs = model_secs;
        report.peak_rss_mb = peak;
    }
    let ((p, _), (r, _)) = sink.commit()?;
    report.output_path = p.display().to_string();
    report.rejects_path = r.display().to_string();
    output::write_file(&report_path, serde_json::to_string_pretty(&report)?.as_bytes())?;
    Ok(Merged { phase0, phase1: report, job: ojob, input: job.input })
}
