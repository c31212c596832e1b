//! The sharded Phase 1 ([`super::shard`]): `logline orchestrate WORK
//! --shard K/N` runs the chain, score and gate on shard K's threads against
//! the shared index, and `logline report merge WORK -o OUT` folds the parts
//! into the files a single `logline run` writes.

use super::orchestrate::{self, OrchestrateOptions, PartStats, Phase1Stats};
use super::prepare;
use super::shard::{self, Shard, Step, Work};
use crate::embed::Embedder;
use crate::enzyme::EnzymeHost;
use crate::output::sink::{RejectCode, RejectCounts, RejectRecord, RejectStage, Sink};
use crate::output::{self, partial_path};
use crate::report::{Phase0Stats, Phase1Report};
use anyhow::{Context as _, bail};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
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
    let mut parts = Vec::with_capacity(job.shards as usize);
    for k in 1..=job.shards {
        let part_path = orchestrate::part_stats_path(&work.orchestrate_part(k));
        let part: PartStats = serde_json::from_slice(
            &std::fs::read(&part_path).with_context(|| format!("reading {}", part_path.display()))?,
        )
        .with_context(|| format!("{} is not a Phase 1 part file", part_path.display()))?;
        parts.push(part);
    }
    let losers = repeated_variants(&work, &parts)?;
    let mut sink = Sink::create(&plus_path, &rejects_path)?;
    let mut stats = Phase1Stats::default();
    let (mut ms, mut model_secs, mut peak) = (0.0, 0.0, None::<f64>);
    for (k, mut part) in (1..=job.shards).zip(parts) {
        let (p, rj, _, _) = orchestrate::outputs(&work.orchestrate_part(k));
        let kept = part.stats.diamonds_plus + part.stats.diamonds_original;
        let n = match losers.get(&k) {
            None => {
                let n = sink.keep_from(&p)?;
                sink.rejects_from(&rj, &part.rejects)?;
                n
            }
            Some(ids) => reject_repeats(&mut sink, &p, &rj, ids, &mut part)?,
        };
        if n != kept {
            bail!("{} holds {n} spans but its part file counts {kept}; run shard {k} again", p.display());
        }
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

/// One shard's variant that took an id: kept, or below the gate.
struct Claim {
    shard: u32,
    /// Its parent's input line (resolved for kept variants after the scan).
    line: Option<u64>,
    parent: String,
}

/// This pass's log entry of a part's line, when the line is a variant
/// made in this pass (`variant_of` in the first entry).
fn variant_entry(span: &Value) -> Option<&Value> {
    let first = span.get("transformation_log")?.get(0)?;
    first.get("variant_of").is_some().then_some(first)
}

/// Each line of a file.
fn lines_of(path: &Path) -> anyhow::Result<impl Iterator<Item = anyhow::Result<String>>> {
    use std::io::BufRead as _;
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let shown = path.display().to_string();
    Ok(std::io::BufReader::with_capacity(1 << 20, f)
        .lines()
        .map(move |l| l.with_context(|| format!("reading {shown}"))))
}

/// Whether a rejects line may be a gate reject of a variant (a cheap test
/// before parsing it).
fn maybe_gated_variant(line: &str) -> bool {
    line.contains("\"variant_of\"") && line.contains("\"stage\":\"gate\"")
}

/// Variant ids that variants of more than one shard took. A single run
/// decides them in input order: the variant whose parent comes first takes
/// the id, and every later one is rejected as `duplicate_id`. Each shard
/// decided only among its own; this finds, per shard, the ids it must give
/// up (id → its variant's parent line).
fn repeated_variants(work: &Work, parts: &[PartStats]) -> anyhow::Result<HashMap<u32, HashMap<String, u64>>> {
    // Only shards that made variants can clash, and only when two did: most
    // runs skip the scan. `parts[k - 1]` is shard k's part file.
    let makers: Vec<u32> = (1..).zip(parts).filter(|(_, p)| p.stats.variants_added > 0).map(|(k, _)| k).collect();
    if makers.len() < 2 {
        return Ok(HashMap::new());
    }
    let mut claims: HashMap<String, Vec<Claim>> = HashMap::new();
    for k in makers {
        let (p, rj, _, _) = orchestrate::outputs(&work.orchestrate_part(k));
        for line in lines_of(&p)? {
            let line = line?;
            // Only a variant's log names `variant_of`: parse just those.
            if !line.contains("\"variant_of\"") {
                continue;
            }
            let v: Value = serde_json::from_str(&line).with_context(|| format!("reading {}", p.display()))?;
            if let (Some(e), Some(id)) = (variant_entry(&v), v["id"].as_str()) {
                let parent = e["variant_of"].as_str().unwrap_or_default().to_string();
                claims.entry(id.to_string()).or_default().push(Claim { shard: k, line: None, parent });
            }
        }
        for line in lines_of(&rj)? {
            let line = line?;
            if !maybe_gated_variant(&line) {
                continue;
            }
            let r: Value = serde_json::from_str(&line).with_context(|| format!("reading {}", rj.display()))?;
            if r["stage"] == "gate"
                && let (Some(e), Some(id)) = (variant_entry(&r["span"]), r["id"].as_str())
            {
                let parent = e["variant_of"].as_str().unwrap_or_default().to_string();
                claims.entry(id.to_string()).or_default().push(Claim { shard: k, line: r["line"].as_u64(), parent });
            }
        }
    }
    claims.retain(|_, c| c.iter().any(|x| x.shard != c[0].shard));
    if claims.is_empty() {
        return Ok(HashMap::new());
    }
    // Kept variants' parents' lines, from the input every shard read.
    let wanted: std::collections::HashSet<String> =
        claims.values().flatten().filter(|c| c.line.is_none()).map(|c| c.parent.clone()).collect();
    let mut line_of: HashMap<String, u64> = HashMap::new();
    if !wanted.is_empty() {
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: String,
        }
        for (i, line) in lines_of(&enriched_input(work))?.enumerate() {
            let line = line?;
            if let Ok(s) = serde_json::from_str::<IdOnly>(&line)
                && wanted.contains(&s.id)
            {
                line_of.entry(s.id).or_insert(i as u64 + 1);
            }
        }
    }
    let mut losers: HashMap<u32, HashMap<String, u64>> = HashMap::new();
    for (id, mut cs) in claims {
        for c in &mut cs {
            c.line = c.line.or_else(|| line_of.get(&c.parent).copied());
        }
        let first = cs.iter().map(|c| (c.line.unwrap_or(u64::MAX), c.shard)).min().expect("two claims or more");
        for c in cs.iter().filter(|c| (c.line.unwrap_or(u64::MAX), c.shard) != first) {
            losers.entry(c.shard).or_default().insert(id.clone(), c.line.unwrap_or(0));
        }
    }
    Ok(losers)
}

/// The score, caps and label of a span's verdict in this pass's log entry.
fn verdict_of(entry: &Value) -> (f64, Vec<String>, bool) {
    let dims = &entry["quality_dimensions"];
    let caps = dims["caps"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["reason"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    (entry["quality_score"].as_f64().unwrap_or(0.0), caps, dims.get("label").is_some_and(|l| !l.is_null()))
}

/// The reject a single run writes for a variant whose id was taken.
fn duplicate_reject(line: u64, id: &str, span_json: String, score: f64, gate: f64) -> anyhow::Result<RejectRecord> {
    let rec = RejectRecord::span_line(
        line,
        RejectStage::Chain,
        RejectCode::DuplicateId,
        id,
        span_json,
        "an enzyme made a variant whose id is already used".into(),
    )?;
    Ok(RejectRecord { score: Some(score), gate: Some(gate), ..rec })
}

/// Copy shard part `(kept, rejects)` into the sink, turning its variants
/// whose ids another shard took first (`ids`: id → its parent's line) into
/// `duplicate_id` rejects, and its counters with them; how many kept lines
/// its file held.
fn reject_repeats(
    sink: &mut Sink,
    kept: &Path,
    rejects: &Path,
    ids: &HashMap<String, u64>,
    part: &mut PartStats,
) -> anyhow::Result<u64> {
    let gate = part.quality_gate;
    let mut n = 0;
    for line in lines_of(kept)? {
        let line = line?;
        n += 1;
        if !line.contains("\"variant_of\"") {
            sink.keep(&line)?;
            continue;
        }
        let mut v: Value = serde_json::from_str(&line).with_context(|| format!("reading {}", kept.display()))?;
        let id = v["id"].as_str().unwrap_or_default().to_string();
        let Some((entry, &parent_line)) = variant_entry(&v).cloned().zip(ids.get(&id)) else {
            sink.keep(&line)?;
            continue;
        };
        let (score, caps, labelled) = verdict_of(&entry);
        part.stats.recount_as_duplicate(score, true, &caps, labelled);
        // A reject carries the span without its vectors.
        if let Some(o) = v.as_object_mut() {
            o.shift_remove("embeddings");
        }
        sink.reject(&duplicate_reject(parent_line, &id, serde_json::to_string(&v)?, score, gate)?)?;
    }
    // The rejects as they are, but for the taken ids' gate rejects; the
    // counts move with them.
    let mut moved: BTreeMap<String, i64> = BTreeMap::new();
    for line in lines_of(rejects)? {
        let line = line?;
        let r: Option<Value> = maybe_gated_variant(&line)
            .then(|| serde_json::from_str(&line))
            .transpose()
            .with_context(|| format!("reading {}", rejects.display()))?;
        let taken = r.as_ref().and_then(|r| {
            let id = r["id"].as_str()?;
            (r["stage"] == "gate" && ids.contains_key(id)).then_some(())?;
            variant_entry(&r["span"]).map(|e| (id.to_string(), e.clone()))
        });
        let (Some(r), Some((id, entry))) = (r.as_ref(), taken) else {
            sink.reject_line(&line)?;
            continue;
        };
        let (score, caps, labelled) = verdict_of(&entry);
        part.stats.recount_as_duplicate(score, false, &caps, labelled);
        *moved.entry(r["reason"].as_str().unwrap_or_default().to_string()).or_default() -= 1;
        *moved.entry(RejectCode::DuplicateId.as_str().to_string()).or_default() += 1;
        let rec =
            duplicate_reject(r["line"].as_u64().unwrap_or(0), &id, serde_json::to_string(&r["span"])?, score, gate)?;
        sink.reject_line(&rec.to_line())?;
    }
    let mut counts = part.rejects.clone();
    for (code, d) in moved {
        let e = counts.0.entry(format!("dropped_{code}")).or_default();
        *e = e.saturating_add_signed(d);
    }
    counts.0.retain(|_, v| *v > 0);
    sink.counts += &counts;
    Ok(n)
}
