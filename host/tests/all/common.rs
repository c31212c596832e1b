//! Shared helpers for the integration tests.

#![allow(dead_code)]

use logline::enzyme::chain::{self, ChainOutput, Stage};
use logline::enzyme::{EnzymeHost, HostOptions, LoadedEnzyme, NoLookups};
use logline::manifest::{self, Manifest, Origin};
use logline::span::Span;
use logline::tags::Tagger;
use logline::validate::{Mode, parse_span};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// One host for the whole test binary (compiling is the slow part); its
/// compile cache lives in a temporary folder.
pub fn host() -> &'static EnzymeHost {
    static HOST: OnceLock<(EnzymeHost, tempfile::TempDir)> = OnceLock::new();
    &HOST
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let host = EnzymeHost::new(HostOptions { cache_dir: Some(dir.path().join("components")) }).unwrap();
            (host, dir)
        })
        .0
}

/// A test span whose id is `id`.
pub fn span(id: &str) -> Span {
    parse_span(
        &format!(
            r#"{{"id":"{id}","who":"tester","did":"write_code","this":"How do I reverse a list in Python?","when":"2024-05-01T10:00:00Z","status":"completed","if_ok":"Use `reversed(xs)` or `xs[::-1]`.","context":{{"environment":"python"}},"metadata":{{"quality_score":90}}}}"#
        ),
        Mode::Input,
    )
    .unwrap()
}

/// A manifest with one enzyme at `wasm`, given extra TOML for the entry.
pub fn manifest_for(wasm: &Path, entry_toml: &str) -> Manifest {
    let text = format!("[[enzyme]]\nname = \"e\"\npath = {:?}\n{entry_toml}\n", wasm.display().to_string());
    manifest::parse(&text, Origin::File(PathBuf::from("test.toml"))).unwrap()
}

/// Load the hostile enzyme in `mode` with extra TOML settings (which may
/// bring their own `config` table).
pub fn hostile(mode: &str, extra: &str) -> anyhow::Result<Arc<LoadedEnzyme>> {
    let config = if extra.contains("config =") { String::new() } else { format!("config = {{ mode = \"{mode}\" }}") };
    let m = manifest_for(logline_test_guests::hostile(), &format!("{config}\n{extra}"));
    host().load(&m.enzymes[0])
}

/// Run spans through one loaded enzyme with a policy; one result per span.
pub fn run_chain(
    e: &Arc<LoadedEnzyme>,
    policy: manifest::OnError,
    ids: &[&str],
) -> Vec<Result<ChainOutput, logline::enzyme::EnzymeFailure>> {
    let mut stages = vec![Stage { instance: e.instance(Arc::new(NoLookups)), when: Default::default(), policy }];
    let tagger = Tagger::default();
    ids.iter().map(|id| chain::run(&mut stages, span(id), &tagger)).collect()
}

/// The real model (installed by `scripts/setup-model.sh`), with an
/// embedding cache in `cache_dir` when given.
pub fn embedder(cache_dir: Option<&Path>) -> logline::embed::Embedder {
    let files = logline::embed::locate(None, logline::embed::DEFAULT_MODEL)
        .expect("the model is missing: run ./scripts/setup-model.sh");
    let model = logline::embed::Model::load(files, logline::embed::EmbedOptions::default()).unwrap();
    let cache =
        cache_dir.map(|d| logline::embed::cache::EmbedCache::open(&d.join("embeddings.redb")).unwrap().unwrap());
    logline::embed::Embedder::new(model, cache)
}

/// One embedder for the whole test binary (its cache file can only be
/// open once per process).
pub fn shared_embedder() -> &'static logline::embed::Embedder {
    static E: OnceLock<(logline::embed::Embedder, tempfile::TempDir)> = OnceLock::new();
    &E.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        (embedder(Some(dir.path())), dir)
    })
    .0
}

/// The host, for pipeline tests.
pub fn shared_host() -> &'static EnzymeHost {
    host()
}

/// The bundled example spans.
pub fn example_spans() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/diamonds.ndjson")
}

/// Run the `logline` binary with `args`.
pub fn logline(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_logline")).args(args).output().unwrap()
}

/// A tool a test reads its outputs back with (`scripts/setup-test-tools.sh`
/// installs them). `None` means skip, with a note on stderr; under
/// `LOGLINE_REQUIRE_TOOLS=1` (CI) a missing tool fails the test instead.
fn test_tool(what: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_none() {
        assert!(
            std::env::var("LOGLINE_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{what} is missing (run scripts/setup-test-tools.sh)"
        );
        eprintln!("SKIPPED: {what} is missing (run scripts/setup-test-tools.sh)");
    }
    found
}

/// The Python with pyarrow from `.logline/check-venv`.
pub fn pyarrow_python() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.logline/check-venv/bin/python");
    test_tool("pyarrow (.logline/check-venv)", p.is_file().then_some(p))
}

/// Debian's chromium.
pub fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].iter().map(PathBuf::from).find(|p| p.is_file());
    test_tool("chromium", found)
}

/// The Python with Ray and the driver from `.logline/ray-venv`
/// (`scripts/setup-ray.sh`).
pub fn ray_python() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.logline/ray-venv/bin/python");
    test_tool("Ray (.logline/ray-venv)", p.is_file().then_some(p))
}
