//! Settings: command-line flags over `logline.toml` over defaults, merged
//! here once into each phase's options. Every default lives in one place:
//! [`defaults`] for the phases, the manifest schema for `[pipeline]`,
//! [`crate::manifest::Limits::DEFAULT`] for enzyme limits. The command line
//! itself (clap) stays in [`crate::cli`].

use crate::cli::{CacheArgs, ModelArgs, Phase0Args, Phase1Args};
use crate::derive::CombinedMode;
use crate::embed::{self, EmbedOptions, Embedder};
use crate::enzyme::{EnzymeHost, HostOptions, default_cache_root};
use crate::index::HnswParams;
use crate::manifest::{self, Manifest, OnError};
use crate::pipeline::orchestrate::OrchestrateOptions;
use crate::pipeline::prepare::{EmbeddingsMode, PrepareOptions};
use crate::progress;
use crate::tags::Tagger;
use anyhow::Context as _;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The phases' defaults.
pub mod defaults {
    use super::*;

    /// `--min-quality`: spans whose own score is lower (or missing) are filtered.
    pub const MIN_QUALITY: f64 = 80.0;
    pub const EMBEDDINGS: EmbeddingsMode = EmbeddingsMode::Inline;
    pub const SIDECAR_DTYPE: embed::sidecar::Dtype = embed::sidecar::Dtype::F32;
    pub const COMBINED: CombinedMode = CombinedMode::Mean;
    /// Spans per embedding chunk in Phase 0.
    pub const CHUNK: usize = 1024;
    /// `--dedupe`: mark duplicates, keep them all.
    pub const DEDUPE: crate::dedupe::DedupeMode = crate::dedupe::DedupeMode::Mark;
    /// `--dedupe-threshold`: cosine of combined embeddings (SemDeDup's range).
    pub const DEDUPE_THRESHOLD: f32 = 0.95;
}

/// Defaults from `logline.toml` (next to the input, or `--config`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub min_quality: Option<f64>,
    pub embeddings: Option<EmbeddingsMode>,
    pub sidecar_dtype: Option<embed::sidecar::Dtype>,
    pub combined: Option<CombinedMode>,
    pub max_line_bytes: Option<usize>,
    pub ef_construction: Option<usize>,
    pub ef_search: Option<usize>,
    pub model_dir: Option<PathBuf>,
    pub model: Option<String>,
    pub threads: Option<usize>,
    pub cache_dir: Option<PathBuf>,
    pub manifest: Option<PathBuf>,
    pub quality_gate: Option<f64>,
    pub on_enzyme_error: Option<OnError>,
    pub workers: Option<usize>,
    pub batch_size: Option<usize>,
    pub checkpoint_every: Option<usize>,
    pub dedupe: Option<crate::dedupe::DedupeMode>,
    pub dedupe_threshold: Option<f32>,
}

pub fn load_config(explicit: Option<&Path>, input: Option<&Path>) -> anyhow::Result<FileConfig> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => input.and_then(|i| i.parent()).map(|d| d.join("logline.toml")).filter(|p| p.is_file()),
    };
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map(|s| crate::manifest::line_col(&text, s.start)).unwrap_or((1, 1));
        anyhow::anyhow!("{}:{line}:{col}: {}", path.display(), e.message().trim())
    })
}

pub fn cache_root(c: &CacheArgs, cfg: &FileConfig) -> Option<PathBuf> {
    if c.no_cache {
        return None;
    }
    c.cache_dir.clone().or_else(|| cfg.cache_dir.clone()).or_else(default_cache_root)
}

pub fn enzyme_host(c: &CacheArgs, cfg: &FileConfig) -> anyhow::Result<EnzymeHost> {
    EnzymeHost::new(HostOptions { cache_dir: cache_root(c, cfg).map(|r| r.join("components")) })
}

pub fn embedder(m: &ModelArgs, c: &CacheArgs, cfg: &FileConfig) -> anyhow::Result<Embedder> {
    let model_dir = m.model_dir.clone().or_else(|| cfg.model_dir.clone());
    let name = m.model.clone().or_else(|| cfg.model.clone()).unwrap_or_else(|| embed::DEFAULT_MODEL.to_string());
    let files = embed::locate(model_dir.as_deref(), &name)?;
    let opts = EmbedOptions {
        threads: m.threads.or(cfg.threads).unwrap_or(0),
        cuda: m.cuda || m.device == Some(crate::cli::Device::Cuda),
        ..EmbedOptions::default()
    };
    let model = embed::Model::load(files, opts)?;
    let cache = match cache_root(c, cfg) {
        Some(root) => embed::cache::EmbedCache::open(&root.join("embeddings.redb"))?,
        None => None,
    };
    Ok(Embedder::new(model, cache))
}

pub fn load_manifest(path: Option<&Path>, select: &[String]) -> anyhow::Result<Manifest> {
    let mut m = match path {
        Some(p) => manifest::load_file(p)?,
        None => manifest::bundled(),
    };
    if !select.is_empty() {
        m.select(select).map_err(anyhow::Error::msg)?;
    }
    Ok(m)
}

pub fn prepare_options(
    input: &Path,
    out: &Path,
    a: &Phase0Args,
    cfg: &FileConfig,
    progress: progress::Mode,
    reproducible: bool,
) -> anyhow::Result<PrepareOptions> {
    let tags = match &a.tags_from {
        Some(p) => manifest::load_file(p)?.tags,
        None => Default::default(),
    };
    let defaults = HnswParams::default();
    Ok(PrepareOptions {
        input: input.to_path_buf(),
        out_dir: out.to_path_buf(),
        min_quality: a.min_quality.or(cfg.min_quality).unwrap_or(defaults::MIN_QUALITY),
        embeddings: a.embeddings.or(cfg.embeddings).unwrap_or(defaults::EMBEDDINGS),
        sidecar_dtype: a.sidecar_dtype.or(cfg.sidecar_dtype).unwrap_or(defaults::SIDECAR_DTYPE),
        combined: a.combined.or(cfg.combined).unwrap_or(defaults::COMBINED),
        max_line: a.max_line_bytes.or(cfg.max_line_bytes).unwrap_or(crate::ingest::DEFAULT_MAX_LINE),
        hnsw: HnswParams {
            ef_construction: a.ef_construction.or(cfg.ef_construction).unwrap_or(defaults.ef_construction),
            ef_search: a.ef_search.or(cfg.ef_search).unwrap_or(defaults.ef_search),
            threads: if reproducible { 1 } else { 0 },
            ..defaults
        },
        tagger: Tagger::new(&tags),
        dedupe: {
            let d = crate::dedupe::DedupeParams {
                mode: a.dedupe.or(cfg.dedupe).unwrap_or(defaults::DEDUPE),
                threshold: a.dedupe_threshold.or(cfg.dedupe_threshold).unwrap_or(defaults::DEDUPE_THRESHOLD),
            };
            d.check().map_err(|e| anyhow::anyhow!("--dedupe-threshold (or logline.toml dedupe_threshold): {e}"))?;
            d
        },
        chunk: defaults::CHUNK,
        progress,
    })
}

pub fn orchestrate_options(
    input: &Path,
    out: &Path,
    a: &Phase1Args,
    cfg: &FileConfig,
    progress: progress::Mode,
) -> anyhow::Result<OrchestrateOptions> {
    let manifest_path = a.manifest.clone().or_else(|| cfg.manifest.clone());
    let mut m = load_manifest(manifest_path.as_deref(), &a.enzymes)?;
    if let Some(g) = a.quality_gate.or(cfg.quality_gate) {
        m.pipeline.quality_gate = manifest::check_gate(g)
            .map_err(|e| anyhow::anyhow!("--quality-gate (or logline.toml quality_gate) {e}"))?;
    }
    if let Some(p) = a.on_enzyme_error.map(OnError::from).or(cfg.on_enzyme_error) {
        m.pipeline.on_enzyme_error = p;
        m.enzymes.iter_mut().for_each(|e| e.on_error = None);
    }
    if let Some(b) = a.batch_size.or(cfg.batch_size) {
        m.pipeline.batch_size = b.max(1);
    }
    if let Some(c) = a.checkpoint_every.or(cfg.checkpoint_every) {
        m.pipeline.checkpoint_every = c.max(1);
    }
    let scorer_path = a.scorer.clone().or_else(|| m.quality.model.as_ref().map(PathBuf::from));
    let scorer = scorer_path.map(|p| crate::score::model::TrainedScorer::load(&p)).transpose()?;
    Ok(OrchestrateOptions {
        input: input.to_path_buf(),
        out_dir: out.to_path_buf(),
        workers: a.workers.or(cfg.workers).unwrap_or(m.pipeline.workers),
        scorer,
        manifest: m,
        resume: a.resume,
        reproducible: a.reproducible,
        progress,
        shard: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let (i, o) = (Path::new("in.ndjson"), Path::new("out"));
        let quiet = progress::Mode::Quiet;
        let none = Phase0Args::default();
        let p = prepare_options(i, o, &none, &FileConfig::default(), quiet, false).unwrap();
        assert_eq!(
            (p.min_quality, p.embeddings, p.chunk),
            (defaults::MIN_QUALITY, defaults::EMBEDDINGS, defaults::CHUNK)
        );
        let file =
            FileConfig { min_quality: Some(70.0), embeddings: Some(EmbeddingsMode::Sidecar), ..Default::default() };
        let p = prepare_options(i, o, &none, &file, quiet, false).unwrap();
        assert_eq!((p.min_quality, p.embeddings), (70.0, EmbeddingsMode::Sidecar));
        let flags = Phase0Args { min_quality: Some(60.0), ..Default::default() };
        let p = prepare_options(i, o, &flags, &file, quiet, false).unwrap();
        assert_eq!((p.min_quality, p.embeddings), (60.0, EmbeddingsMode::Sidecar));
    }

    #[test]
    fn a_gate_out_of_range_is_refused_wherever_it_comes_from() {
        let (i, o) = (Path::new("in.ndjson"), Path::new("out"));
        let file = FileConfig { quality_gate: Some(120.0), ..Default::default() };
        let err = orchestrate_options(i, o, &Phase1Args::default(), &file, progress::Mode::Quiet).err().unwrap();
        assert!(err.to_string().contains("must be within 0..=100, got 120"), "{err}");
        let flags = Phase1Args { quality_gate: Some(-1.0), ..Default::default() };
        let err = orchestrate_options(i, o, &flags, &FileConfig::default(), progress::Mode::Quiet).err().unwrap();
        assert!(err.to_string().contains("got -1"), "{err}");
    }
}
