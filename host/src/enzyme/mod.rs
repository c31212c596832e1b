//! The enzyme host: load sandboxed WebAssembly components and call them.
//!
//! The pieces, in the order a span meets them:
//! - [`EnzymeHost`]: one wasmtime [`Engine`] per metering mode (epoch
//!   deadlines always; fuel only for enzymes whose manifest entry asks), one
//!   [`Linker`] with WASI p2 and `logline:enzyme/host`, a compiled-component
//!   cache on disk, and an epoch ticker thread.
//! - [`LoadedEnzyme`]: a checked, compiled, pre-instantiated component
//!   (sha256 pin, WIT version, `info`, `init` with its config all verified at
//!   load).
//! - [`Instance`]: a live instance in its own [`Store`] (one per worker and
//!   enzyme), reused across spans and rebuilt after any trap.
//! - [`chain`]: one span through the manifest's enzymes, `when` routing and
//!   error policy included.

mod bindings;
pub mod builtin;
mod cache;
pub mod chain;
pub mod conformance;
mod convert;
mod failure;
mod imports;
mod sandbox;

pub use crate::lookup::{Lookups, NeighbourQuery, NoLookups, ThreadEntry, ThreadKey};
pub use cache::{CompileCache, CompileStats, default_cache_root};
pub use convert::{ChangeRecord, Outcome, snippet};
pub use failure::{EnzymeFailure, FailureKind};
pub use imports::Current;

/// The result decoding, for the fuzz targets (`fuzz/`).
#[doc(hidden)]
pub mod fuzzing {
    pub use super::bindings::wit;
    pub use super::convert::{OutputCaps, from_wit};
}

use crate::manifest::{EnzymeEntry, Limits, Source};
use crate::span::Span;
use anyhow::{Context as _, bail};
use bindings::{Enzyme, EnzymePre};
use sandbox::StoreState;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine, Store};

/// The WIT package version this host implements (`wit/*.wit`).
pub const WIT_VERSION: &str = "0.1.1";

/// The exported interface every enzyme must provide (without version).
pub const PROCESSOR_EXPORT: &str = "logline:enzyme/processor";

/// Epoch tick: deadlines are counted in these.
pub const TICK: Duration = Duration::from_millis(2);

/// Options for [`EnzymeHost::new`].
#[derive(Debug, Clone, Default)]
pub struct HostOptions {
    /// Where compiled components are cached (None: no disk cache).
    pub cache_dir: Option<std::path::PathBuf>,
}

struct EngineCtx {
    engine: Engine,
    linker: Linker<StoreState>,
}

impl EngineCtx {
    fn new(fuel: bool) -> anyhow::Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        config.consume_fuel(fuel);
        let engine = Engine::new(&config).map_err(anyhow::Error::from).context("creating the wasm engine")?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(anyhow::Error::from)?;
        Enzyme::add_to_linker::<StoreState, HasSelf<StoreState>>(&mut linker, |s| s).map_err(anyhow::Error::from)?;
        Ok(EngineCtx { engine, linker })
    }
}

/// Loads and runs enzymes. Create one per process and share it.
pub struct EnzymeHost {
    plain: EngineCtx,
    fuel: EngineCtx,
    cache: CompileCache,
    stop: Arc<AtomicBool>,
}

impl Drop for EnzymeHost {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl EnzymeHost {
    pub fn new(opts: HostOptions) -> anyhow::Result<Self> {
        let plain = EngineCtx::new(false)?;
        let fuel = EngineCtx::new(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let engines = [plain.engine.clone(), fuel.engine.clone()];
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("logline-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    for e in &engines {
                        e.increment_epoch();
                    }
                }
            })
            .context("starting the epoch ticker")?;
        Ok(EnzymeHost { plain, fuel, cache: CompileCache::new(opts.cache_dir), stop })
    }

    pub fn cache(&self) -> &CompileCache {
        &self.cache
    }

    /// Load, check and pre-instantiate one manifest entry.
    pub fn load(&self, entry: &EnzymeEntry) -> anyhow::Result<Arc<LoadedEnzyme>> {
        self.load_inner(entry)
            .with_context(|| format!("loading enzyme `{}` (manifest line {})", entry.name, entry.line))
    }

    /// Load every entry of a manifest, in order.
    pub fn load_all(&self, entries: &[EnzymeEntry]) -> anyhow::Result<Vec<Arc<LoadedEnzyme>>> {
        entries.iter().map(|e| self.load(e)).collect()
    }

    fn load_inner(&self, entry: &EnzymeEntry) -> anyhow::Result<Arc<LoadedEnzyme>> {
        let (bytes, origin) = match &entry.source {
            Source::Path(p) => {
                let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
                (bytes, p.display().to_string())
            }
            Source::Builtin(name) => {
                let bytes = builtin::bytes(name).with_context(|| format!("no built-in enzyme `{name}`"))?;
                (bytes.to_vec(), format!("builtin:{name}"))
            }
        };
        let sha256 = hex::encode(Sha256::digest(&bytes));
        if let Some(pin) = &entry.sha256
            && *pin != sha256
        {
            bail!("{origin}: sha256 mismatch: the manifest pins {pin}, the file has {sha256}; refusing to load it");
        }
        let fuel = entry.limits.fuel.is_some();
        let ctx = if fuel { &self.fuel } else { &self.plain };
        let (component, compile) = self
            .cache
            .load_or_compile(&ctx.engine, &bytes, &sha256)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("{origin}: not a valid WebAssembly component"))?;
        let wit_version = check_world(&component, &ctx.engine).with_context(|| origin.clone())?;
        let start = Instant::now();
        let pre = ctx.linker.instantiate_pre(&component).map_err(anyhow::Error::from).with_context(|| {
            format!("{origin}: the component needs imports this host does not provide (enzymes get logline:enzyme/host and WASI p2 only)")
        })?;
        let pre = EnzymePre::new(pre)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("{origin}: not an enzyme world"))?;
        let mut loaded = LoadedEnzyme {
            name: entry.name.clone(),
            info: EnzymeInfo::default(),
            wit_version,
            sha256,
            size: bytes.len(),
            limits: entry.limits,
            config: entry.config_json.as_str().into(),
            pre,
            compile,
            instantiate_ms: 0.0,
        };
        // A probe instance: `info` must answer and `init` must accept the config.
        let mut probe =
            loaded.new_live(Arc::new(NoLookups), true).map_err(|f| anyhow::anyhow!("{}: {}", f.kind, f.message))?;
        loaded.instantiate_ms = start.elapsed().as_secs_f64() * 1000.0;
        let info = probe
            .bindings
            .logline_enzyme_processor()
            .call_info(&mut probe.store)
            .map_err(anyhow::Error::from)
            .context("calling `info`")?;
        loaded.info = EnzymeInfo { name: info.name, version: info.version, description: info.description };
        Ok(Arc::new(loaded))
    }
}

/// What an enzyme says about itself.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EnzymeInfo {
    pub name: String,
    pub version: String,
    pub description: String,
}

/// A checked, compiled, pre-instantiated enzyme.
pub struct LoadedEnzyme {
    /// The manifest's name for it.
    pub name: String,
    pub info: EnzymeInfo,
    /// The `logline:enzyme` version it was built against.
    pub wit_version: String,
    pub sha256: String,
    /// Component size in bytes.
    pub size: usize,
    pub limits: Limits,
    config: Arc<str>,
    pre: EnzymePre<StoreState>,
    pub compile: CompileStats,
    /// Time to create, `info` and `init` the probe instance.
    pub instantiate_ms: f64,
}

impl std::fmt::Debug for LoadedEnzyme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedEnzyme")
            .field("name", &self.name)
            .field("info", &self.info)
            .field("wit_version", &self.wit_version)
            .field("sha256", &self.sha256)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

struct Live {
    store: Store<StoreState>,
    bindings: Enzyme,
}

impl LoadedEnzyme {
    /// A fresh instance for one worker.
    pub fn instance(self: &Arc<Self>, lookups: Arc<dyn Lookups>) -> Instance {
        Instance { enzyme: self.clone(), lookups, live: None }
    }

    fn failure(&self, kind: FailureKind, span_id: &str, message: String, stderr: Option<String>) -> EnzymeFailure {
        EnzymeFailure {
            enzyme: self.name.clone(),
            version: self.info.version.clone(),
            kind,
            span_id: span_id.to_string(),
            message,
            stderr,
        }
    }

    fn timeout_ms(&self) -> u64 {
        self.limits.timeout_ms()
    }

    fn new_live(&self, lookups: Arc<dyn Lookups>, probe: bool) -> Result<Live, EnzymeFailure> {
        let memory = self.limits.memory_bytes();
        let state = StoreState::new(self.name.as_str().into(), self.config.clone(), lookups, memory);
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|s| &mut s.limiter);
        store.epoch_deadline_trap();
        // Setting up (instantiation and `init`, which may compile patterns)
        // gets ten times the per-call budget.
        let init_ms = (self.timeout_ms() * 10).max(5_000);
        store.set_epoch_deadline(ticks(init_ms));
        if let Some(f) = self.limits.fuel {
            store.set_fuel(f.saturating_mul(10)).expect("fuel is enabled on this engine");
        }
        let fail = |store: &Store<StoreState>, kind, msg: String| {
            let (err, _) = store.data().stderr.take();
            let stage = if probe { "at load" } else { "creating an instance" };
            self.failure(kind, "-", format!("{stage}: {msg}"), (!err.is_empty()).then_some(err))
        };
        let bindings = match self.pre.instantiate(&mut store) {
            Ok(b) => b,
            Err(e) => {
                let (_, msg) = failure::classify(&e);
                return Err(fail(&store, FailureKind::Instantiation, msg));
            }
        };
        match bindings.logline_enzyme_processor().call_init(&mut store) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                return Err(fail(&store, FailureKind::EnzymeError, format!("init: {:?}: {}", e.kind, e.message)));
            }
            Err(e) => {
                let (kind, msg) = failure::classify(&e);
                return Err(fail(&store, FailureKind::Instantiation, format!("init trapped ({kind}): {msg}")));
            }
        }
        Ok(Live { store, bindings })
    }
}

fn ticks(ms: u64) -> u64 {
    ms.div_ceil(TICK.as_millis() as u64) + 1
}

/// Find the `logline:enzyme/processor@X.Y.Z` export and check its version.
fn check_world(component: &wasmtime::component::Component, engine: &Engine) -> anyhow::Result<String> {
    let ty = component.component_type();
    let exports: Vec<String> = ty.exports(engine).map(|(n, _)| n.to_string()).collect();
    let found = exports.iter().find_map(|n| n.strip_prefix(PROCESSOR_EXPORT)?.strip_prefix('@').map(str::to_string));
    let Some(version) = found else {
        bail!(
            "not a LogLine enzyme: it exports [{}], expected `{PROCESSOR_EXPORT}@{WIT_VERSION}` (build it against wit/ from this host)",
            exports.join(", ")
        );
    };
    if !wit_compatible(WIT_VERSION, &version) {
        bail!(
            "built for logline:enzyme@{version}, but this host implements logline:enzyme@{WIT_VERSION}; \
             {}",
            compat_rule()
        );
    }
    Ok(version)
}

/// The compatibility rule, for messages and docs.
pub fn compat_rule() -> String {
    format!(
        "an enzyme loads when its WIT version is on the same semver track as the host's \
         (same major; for 0.x the same minor) and not newer than {WIT_VERSION}"
    )
}

fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.split(['-', '+']).next()?;
    let mut it = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

/// Whether an enzyme built for `guest` can run on a host implementing `host`.
pub fn wit_compatible(host: &str, guest: &str) -> bool {
    let (Some(h), Some(g)) = (parse_version(host), parse_version(guest)) else {
        return false;
    };
    let same_track = h.0 == g.0 && (h.0 > 0 || h.1 == g.1);
    same_track && g <= h
}

/// Timing of one call.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallStats {
    pub micros: f64,
}

/// A live enzyme instance owned by one worker.
pub struct Instance {
    enzyme: Arc<LoadedEnzyme>,
    lookups: Arc<dyn Lookups>,
    live: Option<Live>,
}

impl Instance {
    pub fn enzyme(&self) -> &Arc<LoadedEnzyme> {
        &self.enzyme
    }

    /// Create the live instance now (instantiate and `init`), instead of at
    /// the first call. Returns how long that took.
    pub fn warm(&mut self) -> Result<std::time::Duration, EnzymeFailure> {
        let start = Instant::now();
        if self.live.is_none() {
            self.live = Some(self.enzyme.new_live(self.lookups.clone(), false)?);
        }
        Ok(start.elapsed())
    }

    /// Benchmark support: call `process` on `span` `n` times the bare way —
    /// the span converted once, one deadline for all calls, no checks on
    /// the result — to measure what the host adds around a call.
    #[doc(hidden)]
    pub fn bare_calls(&mut self, span: &Span, n: u32) -> anyhow::Result<std::time::Duration> {
        self.warm().map_err(|f| anyhow::anyhow!("{f}"))?;
        let live = self.live.as_mut().expect("warmed");
        let wit_span = convert::to_wit(span);
        live.store.set_epoch_deadline(u64::MAX / 2);
        let start = Instant::now();
        for _ in 0..n {
            let r = live
                .bindings
                .logline_enzyme_processor()
                .call_process(&mut live.store, &wit_span)
                .map_err(anyhow::Error::from)?;
            std::hint::black_box(r.is_ok());
        }
        Ok(start.elapsed())
    }

    /// Run the enzyme on one span. Any trap discards the instance (the next
    /// call builds a fresh one); the error names enzyme, version and span.
    pub fn call(
        &mut self,
        span: &Span,
        current: Current,
    ) -> Result<(Outcome, Vec<ChangeRecord>, CallStats), EnzymeFailure> {
        let e = self.enzyme.clone();
        let limits = e.limits;
        let max_in = limits.max_input_bytes();
        if span.text_len() > max_in {
            let msg = format!("span is {} KiB, over the {} KiB input cap", span.text_len() >> 10, max_in >> 10);
            return Err(e.failure(FailureKind::InputTooLarge, &span.id, msg, None));
        }
        if self.live.is_none() {
            let live = e.new_live(self.lookups.clone(), false).map_err(|mut f| {
                f.span_id = span.id.clone();
                f
            })?;
            self.live = Some(live);
        }
        let live = self.live.as_mut().expect("set above");
        let wit_span = convert::to_wit(span);
        {
            let call = &mut live.store.data_mut().call;
            call.current = Some(current);
            call.logs_this_call = 0;
        }
        live.store.set_epoch_deadline(ticks(e.timeout_ms()));
        if let Some(f) = limits.fuel {
            live.store.set_fuel(f).expect("fuel is enabled on this engine");
        }
        let start = Instant::now();
        let result = live.bindings.logline_enzyme_processor().call_process(&mut live.store, &wit_span);
        let stats = CallStats { micros: start.elapsed().as_secs_f64() * 1e6 };
        let stderr = drain_output(live, &e.name, &span.id);
        match result {
            Err(err) => {
                let (kind, mut msg) = failure::classify(&err);
                match kind {
                    FailureKind::Timeout => msg = format!("did not finish within {} ms", e.timeout_ms()),
                    FailureKind::FuelExhausted => {
                        msg = format!("used up its fuel budget of {}", limits.fuel.unwrap_or(0))
                    }
                    _ => {}
                }
                self.live = None;
                Err(e.failure(kind, &span.id, msg, stderr))
            }
            Ok(Err(guest)) => {
                let msg = format!("{:?}: {}", guest.kind, guest.message);
                Err(e.failure(FailureKind::EnzymeError, &span.id, msg, stderr))
            }
            Ok(Ok(processed)) => {
                let caps =
                    convert::OutputCaps { max_bytes: limits.max_output_bytes(), max_variants: limits.max_variants() };
                convert::from_wit(span, processed, caps)
                    .map(|(o, c)| (o, c, stats))
                    .map_err(|msg| e.failure(FailureKind::InvalidOutput, &span.id, msg, stderr))
            }
        }
    }
}

/// Move what the guest printed into the log; return stderr's tail, if any.
fn drain_output(live: &mut Live, enzyme: &str, span: &str) -> Option<String> {
    let data = live.store.data();
    let (out, out_dropped) = data.stdout.take();
    let (err, err_dropped) = data.stderr.take();
    if !out.is_empty() {
        tracing::debug!(target: "enzyme", enzyme, span, dropped = out_dropped, "stdout: {}", out.trim_end());
    }
    if err.is_empty() {
        return None;
    }
    tracing::debug!(target: "enzyme", enzyme, span, dropped = err_dropped, "stderr: {}", err.trim_end());
    let tail: String = {
        let chars: Vec<char> = err.trim_end().chars().collect();
        chars[chars.len().saturating_sub(600)..].iter().collect()
    };
    Some(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wit_version_matches_the_wit_files() {
        for f in ["types.wit", "host.wit", "world.wit"] {
            let text = std::fs::read_to_string(format!("{}/../wit/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            assert!(text.contains(&format!("package logline:enzyme@{WIT_VERSION};")), "{f}");
        }
    }

    #[test]
    fn compatibility_rule() {
        assert!(wit_compatible("0.1.1", "0.1.0"));
        assert!(wit_compatible("0.1.0", "0.1.0"));
        assert!(wit_compatible("0.1.3", "0.1.0"));
        assert!(!wit_compatible("0.1.0", "0.1.1"), "newer than the host");
        assert!(!wit_compatible("0.2.0", "0.1.0"), "0.x minor is a breaking track");
        assert!(wit_compatible("1.4.0", "1.2.7"));
        assert!(!wit_compatible("2.0.0", "1.9.0"));
        assert!(!wit_compatible("0.1.0", "garbage"));
    }
}
