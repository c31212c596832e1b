//! The shard contract: one run split over N tasks that share a work folder,
//! for any scheduler (Ray, a Slurm array, a shell loop). Parallel map →
//! one global step → parallel map → a fold, each step writing its files
//! aside and then a done marker:
//!
//! ```text
//! WORK/job.json                       N, the input and Phase 0's settings: fixed by the first task
//! WORK/prepare/part-K.ndjson          shard K's valid spans with inline vectors, in input order
//! WORK/prepare/part-K.lines           their input line numbers, one per line
//! WORK/prepare/part-K.rejects.ndjson  shard K's invalid and filtered lines
//! WORK/prepare/part-K.stats.json      shard K's Phase 0 counts
//! WORK/index/                         what `logline prepare` writes (spans, rejects, stats, index)
//! WORK/orchestrate/job.json           N and Phase 1's settings: fixed by the first task
//! WORK/orchestrate/part-K/            what `logline orchestrate` writes, for shard K's threads
//! WORK/_done/prepare/K, WORK/_done/index, WORK/_done/orchestrate/K
//! ```
//!
//! The rules (K counts from 1):
//! - **prepare:** the input's lines are numbered from 1 as they are read
//!   (blank lines count; gzip input is numbered after decompression). With
//!   T the number of the last non-blank line, shard K takes lines
//!   `⌊(K−1)·T/N⌋ + 1 ..= ⌊K·T/N⌋`: contiguous blocks, so (shard, line)
//!   order is input order and the index built from the parts is the one a
//!   single machine builds. A shard also validates the lines before its
//!   block, only to know their ids: a repeated id is rejected where a
//!   single run rejects it.
//! - **orchestrate:** a span belongs to shard `1 + (u64 of the first 8
//!   bytes, little-endian, of SHA-256(thread key)) mod N`, the thread key
//!   being `context.thread_id`, or the span's own id when it has none, so a
//!   thread's spans stay together. A line that is not a valid span (none
//!   are, after `index build`) goes to shard `1 + (line − 1) mod N`.

use crate::dedupe::DedupeParams;
use crate::derive::CombinedMode;
use crate::embed::sidecar::Dtype;
use crate::index::HnswParams;
use crate::output::{self, Fingerprint};
use crate::pipeline::prepare::EmbeddingsMode;
use crate::span::Span;
use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Shard K of N (1 ≤ K ≤ N), as `--shard K/N` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("expected K/N with 1 <= K <= N (e.g. 2/8), got {s:?}");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u32, u32) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Shard {
    /// The input lines this shard prepares, of `last` (the number of the
    /// last non-blank line): `first..=end`, empty when `first > end`.
    pub fn lines(&self, last: u64) -> (u64, u64) {
        let at = |k: u32| (u128::from(k) * u128::from(last) / u128::from(self.n)) as u64;
        (at(self.k - 1) + 1, at(self.k))
    }

    /// Whether this shard orchestrates `span`.
    pub fn owns(&self, span: &Span) -> bool {
        thread_shard(span.facts.thread_id.as_deref().unwrap_or(&span.id), self.n) == self.k
    }

    /// Whether this shard answers for an input line that is not a valid span.
    pub fn owns_line(&self, line: u64) -> bool {
        (line.saturating_sub(1) % u64::from(self.n)) as u32 + 1 == self.k
    }
}

/// The shard (1..=n) a thread key belongs to.
pub fn thread_shard(key: &str, n: u32) -> u32 {
    let h = Sha256::digest(key.as_bytes());
    let x = u64::from_le_bytes(h[..8].try_into().expect("8 bytes"));
    (x % u64::from(n)) as u32 + 1
}

/// The larger of two peak memories, either unknown.
pub fn max_mb(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The number of the last non-blank line of an input (plain or gzip).
pub fn last_line(input: &Path) -> anyhow::Result<u64> {
    let mut last = 0;
    for line in crate::ingest::open(input, 1)? {
        last = line.with_context(|| format!("reading {}", input.display()))?.no;
    }
    Ok(last)
}

/// The steps that leave a done marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Prepare,
    Index,
    Orchestrate,
}

/// A work folder's paths.
#[derive(Debug, Clone)]
pub struct Work {
    pub dir: PathBuf,
}

/// One shard's Phase 0 files.
pub struct PrepareParts {
    pub spans: PathBuf,
    pub lines: PathBuf,
    pub rejects: PathBuf,
    pub stats: PathBuf,
}

impl Work {
    pub fn new(dir: &Path) -> Self {
        Work { dir: dir.to_path_buf() }
    }

    pub fn job_path(&self) -> PathBuf {
        self.dir.join("job.json")
    }

    pub fn prepare_part(&self, k: u32) -> PrepareParts {
        let d = self.dir.join("prepare");
        PrepareParts {
            spans: d.join(format!("part-{k}.ndjson")),
            lines: d.join(format!("part-{k}.lines")),
            rejects: d.join(format!("part-{k}.rejects.ndjson")),
            stats: d.join(format!("part-{k}.stats.json")),
        }
    }

    /// Where `index build` writes Phase 0's outputs, as `logline prepare` does.
    pub fn index_dir(&self) -> PathBuf {
        self.dir.join("index")
    }

    /// Where shard K's Phase 1 outputs go; their parent holds Phase 1's
    /// job file ([`orchestrate_job_path`]).
    pub fn orchestrate_part(&self, k: u32) -> PathBuf {
        self.dir.join("orchestrate").join(format!("part-{k}"))
    }

    /// The done marker of a step (of shard `k` for the sharded steps).
    pub fn marker(&self, step: Step, k: u32) -> PathBuf {
        let d = self.dir.join("_done");
        match step {
            Step::Prepare => d.join("prepare").join(k.to_string()),
            Step::Index => d.join("index"),
            Step::Orchestrate => d.join("orchestrate").join(k.to_string()),
        }
    }

    pub fn done(&self, step: Step, k: u32) -> bool {
        self.marker(step, k).is_file()
    }

    /// Mark a step done: the last file it writes.
    pub fn mark(&self, step: Step, k: u32) -> anyhow::Result<()> {
        let m = self.marker(step, k);
        std::fs::create_dir_all(m.parent().expect("a marker has a parent"))?;
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        output::write_file(&m, format!("{at}\n").as_bytes())
    }

    /// The shards (of `n`) whose `step` has no marker yet.
    pub fn missing(&self, step: Step, n: u32) -> Vec<u32> {
        (1..=n).filter(|&k| !self.done(step, k)).collect()
    }

    /// Every shard of `step` done, or an error naming the ones left and how
    /// to run them.
    pub fn require(&self, step: Step, n: u32) -> anyhow::Result<()> {
        let missing = self.missing(step, n);
        if missing.is_empty() {
            return Ok(());
        }
        let (name, how) = match step {
            Step::Prepare => ("prepare", format!("logline prepare -i INPUT -o {} --shard K/{n}", self.dir.display())),
            _ => ("orchestrate", format!("logline orchestrate {} --shard K/{n}", self.dir.display())),
        };
        bail!(
            "{}: {name} has not finished for shard(s) {} of {n}; run `{how}` for them first",
            self.dir.display(),
            missing.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
        )
    }
}

/// What every task of a work folder must agree on, fixed by the first one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub shards: u32,
    pub input: String,
    pub input_fingerprint: Fingerprint,
    /// The number of the input's last non-blank line.
    pub input_last_line: u64,
    /// Phase 0's settings ([`crate::pipeline::prepare::PrepareOptions::settings`]).
    pub settings: String,
    pub model: String,
    pub dims: usize,
    pub embeddings: EmbeddingsMode,
    pub sidecar_dtype: Dtype,
    pub combined: CombinedMode,
    pub hnsw: HnswParams,
    pub dedupe: DedupeParams,
}

/// Phase 1's settings, fixed by the first orchestrate task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrchestrateJob {
    pub shards: u32,
    /// A hash of what changes Phase 1's outputs: the manifest's settings,
    /// each enzyme's bytes, the scorer.
    pub settings: String,
    pub quality_gate: f64,
    pub reproducible: bool,
}

/// Record `job` in `path`, or check it against the one there: a work
/// folder has one N and one set of settings. Two tasks starting at once
/// cannot both win: the file appears by a hard link, which fails when it
/// exists.
pub fn fix<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(
    path: &Path,
    job: &T,
    differ: impl Fn(&T, &T) -> String,
) -> anyhow::Result<()> {
    let read = |p: &Path| -> anyhow::Result<T> {
        serde_json::from_slice(&std::fs::read(p).with_context(|| format!("reading {}", p.display()))?)
            .with_context(|| format!("{} is not a LogLine work folder's job file", p.display()))
    };
    if !path.exists() {
        std::fs::create_dir_all(path.parent().expect("a job file has a parent"))?;
        let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
        output::write_file(&tmp, serde_json::to_string_pretty(job)?.as_bytes())?;
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("creating {}", path.display())),
        }
    }
    let there = read(path)?;
    if &there != job {
        bail!("{}: {}", path.display(), differ(&there, job));
    }
    Ok(())
}

/// Why two jobs differ, in words.
pub fn job_difference(there: &Job, this: &Job) -> String {
    if there.shards != this.shards {
        return format!(
            "this work folder was set up for {} shards and this task says {}; N is fixed per work folder (use a new one to change it)",
            there.shards, this.shards
        );
    }
    if there.input != this.input || there.input_fingerprint != this.input_fingerprint {
        return format!(
            "this work folder is for the input {} as it was then; this task reads {} (or the file changed since)",
            there.input, this.input
        );
    }
    format!(
        "this work folder was prepared with other Phase 0 settings ({}); this task has {}",
        there.settings, this.settings
    )
}

/// Why two Phase 1 jobs differ, in words.
pub fn orchestrate_job_difference(there: &OrchestrateJob, this: &OrchestrateJob) -> String {
    if there.shards != this.shards {
        return format!(
            "Phase 1 of this work folder runs in {} shards and this task says {}; N is fixed per work folder",
            there.shards, this.shards
        );
    }
    format!(
        "Phase 1 of this work folder runs with other settings (settings hash {}, gate {}, reproducible {}); this task has {}, gate {}, reproducible {}: every shard needs the same manifest, enzymes, scorer and flags",
        there.settings, there.quality_gate, there.reproducible, this.settings, this.quality_gate, this.reproducible
    )
}

/// Phase 1's job file, beside the shards' output folders.
pub fn orchestrate_job_path(part_dir: &Path) -> PathBuf {
    part_dir.parent().unwrap_or(Path::new(".")).join("job.json")
}

/// The work folder's job, for the steps after prepare.
pub fn read_job(work: &Work) -> anyhow::Result<Job> {
    let p = work.job_path();
    let bytes = std::fs::read(&p)
        .with_context(|| format!("{} has no job.json: run `logline prepare --shard K/N` first", work.dir.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not a LogLine job file", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_blocks_cover_every_line_once_in_order() {
        for last in [0u64, 1, 2, 7, 100, 1001] {
            for n in 1..=9u32 {
                let mut next = 1;
                for k in 1..=n {
                    let (first, end) = Shard { k, n }.lines(last);
                    assert_eq!(first, next, "last {last} n {n} k {k}");
                    assert!(end + 1 >= first);
                    next = end + 1;
                }
                assert_eq!(next, last + 1);
            }
        }
    }

    #[test]
    fn shard_parses_only_k_of_n() {
        assert_eq!("2/8".parse::<Shard>().unwrap(), Shard { k: 2, n: 8 });
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn thread_shard_is_fixed_and_spreads() {
        // A fixed rule: these values are part of the contract.
        assert_eq!(thread_shard("t-1", 1), 1);
        let mut seen = [0u32; 4];
        for i in 0..400 {
            seen[thread_shard(&format!("thread-{i}"), 4) as usize - 1] += 1;
        }
        assert!(seen.iter().all(|&c| c > 60), "{seen:?}");
        assert_eq!(thread_shard("thread-7", 4), thread_shard("thread-7", 4));
    }

    #[test]
    fn a_second_job_with_another_n_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("orchestrate/job.json");
        let job = |n| OrchestrateJob { shards: n, settings: "s".into(), quality_gate: 70.0, reproducible: false };
        fix(&p, &job(3), orchestrate_job_difference).unwrap();
        fix(&p, &job(3), orchestrate_job_difference).unwrap();
        let e = fix(&p, &job(4), orchestrate_job_difference).unwrap_err().to_string();
        assert!(e.contains("3 shards") && e.contains("says 4"), "{e}");
    }
}
