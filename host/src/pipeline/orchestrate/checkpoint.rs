//! Phase 1's checkpoint: how far the input was read, how long each output
//! was, and the counters — all bounded in size, so writing it costs the
//! same at the end of a run as at the start. The one thing that grows, the
//! ids of the variants made so far, is appended to a log of its own; the
//! checkpoint records that log's length.

use super::stats::Phase1Stats;
use crate::enzyme::LoadedEnzyme;
use crate::manifest::Manifest;
use crate::output::sink::RejectCounts;
use crate::output::{self, Fingerprint};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    pub input: String,
    pub input_fingerprint: Fingerprint,
    pub settings_hash: String,
    pub consumed_line: u64,
    pub plus: (u64, u64),
    pub rejects: (u64, u64),
    /// Bytes of the variant-id log.
    pub variant_log: u64,
    pub stats: Phase1Stats,
    pub reject_counts: RejectCounts,
    pub elapsed_ms: f64,
}

/// Everything that changes what Phase 1 writes, hashed: a checkpoint of
/// other settings is not resumed.
pub fn settings_hash(m: &Manifest, enzymes: &[Arc<LoadedEnzyme>], scorer: Option<&str>) -> String {
    let mut h = Sha256::new();
    if let Some(sha) = scorer {
        h.update(format!("scorer {sha}|").as_bytes());
    }
    h.update(
        format!("{:?}|{:?}|{:?}|{:?}", m.pipeline.quality_gate, m.pipeline.on_enzyme_error, m.quality, m.tags)
            .as_bytes(),
    );
    for e in enzymes {
        h.update(
            format!(
                "{}|{}|{:?}|{:?}|",
                e.name,
                e.sha256,
                m.enzymes.iter().find(|x| x.name == e.name).map(|x| (&x.when, &x.config_json, x.on_error)),
                e.limits
            )
            .as_bytes(),
        );
    }
    hex::encode(&h.finalize()[..16])
}

/// The checkpoint at `path` if it is for this input and these settings and
/// its partial outputs are still there.
pub fn load(path: &Path, input: &Path, fp: &Fingerprint, settings: &str, partials: &[&Path]) -> Option<Checkpoint> {
    let c: Checkpoint = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    if c.input != input.display().to_string() || &c.input_fingerprint != fp || c.settings_hash != settings {
        tracing::warn!("checkpoint {} is for other input or settings; starting over", path.display());
        return None;
    }
    // A run stopped while it committed its outputs has no partial files
    // left to continue.
    if !partials.iter().all(|p| output::partial_path(p).exists()) {
        tracing::warn!("checkpoint {} has no partial outputs to continue; starting over", path.display());
        return None;
    }
    Some(c)
}

pub fn save(path: &Path, c: &Checkpoint) -> anyhow::Result<()> {
    output::write_file(path, serde_json::to_string(c)?.as_bytes())
}

/// The ids of the variants made so far: a set in memory, a log on disk.
pub struct VariantIds {
    seen: HashSet<String>,
    log: BufWriter<File>,
    path: PathBuf,
    bytes: u64,
}

impl VariantIds {
    /// A new, empty log.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        Ok(VariantIds { seen: HashSet::new(), log: BufWriter::new(f), path: path.to_path_buf(), bytes: 0 })
    }

    /// The log as a checkpoint left it: cut back to `bytes`, read in.
    pub fn resume(path: &Path, bytes: u64) -> anyhow::Result<Self> {
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .with_context(|| format!("reopening {}", path.display()))?;
        anyhow::ensure!(f.metadata()?.len() >= bytes, "{} is shorter than its checkpoint", path.display());
        f.set_len(bytes)?;
        let mut seen = HashSet::new();
        for line in BufReader::new(&f).lines() {
            seen.insert(serde_json::from_str(&line?).with_context(|| format!("reading {}", path.display()))?);
        }
        let mut log = BufWriter::new(f);
        use std::io::Seek;
        log.seek(std::io::SeekFrom::Start(bytes))?;
        Ok(VariantIds { seen, log, path: path.to_path_buf(), bytes })
    }

    /// Record `id`; false when it was already taken.
    pub fn insert(&mut self, id: &str) -> anyhow::Result<bool> {
        if !self.seen.insert(id.to_string()) {
            return Ok(false);
        }
        // One JSON string a line, so any id fits on one.
        let line = serde_json::to_string(id)?;
        writeln!(self.log, "{line}").with_context(|| format!("writing {}", self.path.display()))?;
        self.bytes += line.len() as u64 + 1;
        Ok(true)
    }

    /// Flush; the length for a checkpoint.
    pub fn sync(&mut self) -> anyhow::Result<u64> {
        self.log.flush()?;
        self.log.get_ref().sync_data()?;
        Ok(self.bytes)
    }

    /// The run is over: the log goes.
    pub fn remove(self) -> anyhow::Result<()> {
        drop(self.log);
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old checkpoint rewrote every variant id each time: O(n²) bytes.
    #[test]
    fn variant_ids_resume_from_the_logged_length() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("variants");
        let mut v = VariantIds::create(&p).unwrap();
        assert!(v.insert("a").unwrap());
        assert!(v.insert("b\nc").unwrap());
        assert!(!v.insert("a").unwrap());
        let at = v.sync().unwrap();
        assert!(v.insert("not-checkpointed").unwrap());
        v.sync().unwrap();
        drop(v);
        let mut v = VariantIds::resume(&p, at).unwrap();
        assert!(!v.insert("a").unwrap());
        assert!(v.insert("not-checkpointed").unwrap(), "cut back to the checkpoint");
    }
}
