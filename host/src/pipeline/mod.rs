//! The phases: Phase 0 (`prepare`), Phase 1 (`orchestrate`, in modules in
//! data-flow order), the chain alone (`chain_only`), and what they share:
//! reading in rounds and running the chain (`round`), the transformation
//! log (`translog`). A run split over machines ([`shard`]): shards of
//! Phase 0, the index built from their parts (`gather`), shards of Phase 1
//! and their fold (`merge`).

pub mod chain_only;
pub mod gather;
pub mod merge;
pub mod orchestrate;
pub mod prepare;
pub mod round;
pub mod shard;
pub mod translog;

use crate::output;
use crate::report::{Phase0Stats, Phase1Report};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// `pipeline-summary.json`.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub timestamp: String,
    pub duration_ms: f64,
    pub config: SummaryConfig,
    pub results: SummaryResults,
}

#[derive(Debug, Serialize)]
pub struct SummaryConfig {
    pub input: String,
    pub output: String,
    pub manifest: String,
    pub phases: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct SummaryResults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase0: Option<Phase0Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase1: Option<Phase1Summary>,
}

#[derive(Debug, Serialize)]
pub struct Phase0Summary {
    #[serde(flatten)]
    pub stats: Phase0Stats,
    pub spans: u64,
}

#[derive(Debug, Serialize)]
pub struct Phase1Summary {
    #[serde(flatten)]
    pub report: Phase1Report,
}

/// Whether Phase 0 finished for this exact input and these settings
/// ([`prepare::PrepareOptions::settings`]), for `run --resume`.
pub fn phase0_done(out_dir: &Path, input: &Path, settings: &str) -> Option<Phase0Stats> {
    let (out, rejects, stats, _) = prepare::outputs(out_dir);
    if !out.exists() || !rejects.exists() {
        return None;
    }
    let s: Phase0Stats = serde_json::from_slice(&std::fs::read(stats).ok()?).ok()?;
    let fp = output::fingerprint(input).ok()?;
    let same = s.input == input.display().to_string()
        && s.input_fingerprint.as_ref() == Some(&fp)
        && s.settings.as_deref() == Some(settings);
    same.then_some(s)
}

/// Write `pipeline-summary.json`.
pub fn write_summary(out_dir: &Path, summary: &Summary) -> anyhow::Result<PathBuf> {
    let path = out_dir.join("pipeline-summary.json");
    output::write_file(&path, serde_json::to_string_pretty(summary)?.as_bytes())?;
    Ok(path)
}
