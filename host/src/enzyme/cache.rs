//! Compiled components cached on disk.
//!
//! Key: the component's sha256 plus a hash of the engine's compatibility
//! hash (wasmtime version, compiler settings, CPU features), so a changed
//! engine never loads a stale artefact. Files are written aside and renamed
//! into place. Only artefacts this host wrote are ever deserialised — never
//! `.cwasm` files from enzyme authors.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;
use wasmtime::component::Component;
use wasmtime::{Engine, Precompiled};

/// How a component was obtained.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CompileStats {
    pub from_cache: bool,
    pub millis: f64,
}

/// The cache directory (None disables caching).
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: Option<PathBuf>,
}

impl CompileCache {
    pub fn new(dir: Option<PathBuf>) -> Self {
        CompileCache { dir }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn path_for(&self, engine: &Engine, sha256: &str) -> Option<PathBuf> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut h);
        Some(self.dir.as_ref()?.join(format!("{sha256}-{:016x}.cwasm", h.finish())))
    }

    /// A cached artefact, when there is a usable one.
    fn load(engine: &Engine, path: &Path) -> Option<Component> {
        // Map the artefact rather than reading it: a 37 MB JS component loads
        // in a few ms instead of ~85. Artefacts are written to a temporary
        // file and renamed into place, so a rewrite never changes a mapped
        // file; only truncating a cache file in place under a running
        // process could fault it (the cache folder is the user's own).
        let Ok(Some(Precompiled::Component)) = Engine::detect_precompiled_file(path) else { return None };
        // SAFETY: the artefact is one this host wrote for this engine
        // configuration (its name carries both digests) and is never
        // modified in place (see above); a corrupt or foreign one fails
        // deserialisation's header checks and is recompiled.
        match unsafe { Component::deserialize_file(engine, path) } {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!("compiled cache {} unusable, recompiling: {e}", path.display());
                None
            }
        }
    }

    /// The compiled component for `bytes`, from the cache when possible.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        bytes: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<(Component, CompileStats)> {
        let start = Instant::now();
        let path = self.path_for(engine, sha256);
        // Map the artefact rather than reading it: a 37 MB JS component loads
        // in a few ms instead of ~85. Artefacts are written to a temporary
        // file and renamed into place, so a rewrite never changes a mapped
        // file; only truncating a cache file in place under a running
        // process could fault it (the cache folder is the user's own).
        if let Some(c) = path.as_deref().and_then(|p| Self::load(engine, p)) {
            return Ok((c, CompileStats { from_cache: true, millis: ms(start) }));
        }
        // One compile per component across processes: shards of a run
        // started together on one machine would otherwise each compile the
        // same components at once. The first takes the lock and compiles;
        // the others wait, then load its artefact.
        let _lock = path.as_deref().and_then(|p| {
            let f = std::fs::File::create(p.with_extension("lock")).ok()?;
            f.lock().ok()?;
            Some(f)
        });
        if let Some(c) = path.as_deref().and_then(|p| Self::load(engine, p)) {
            return Ok((c, CompileStats { from_cache: true, millis: ms(start) }));
        }
        let component = Component::new(engine, bytes)?;
        if let Some(path) = &path
            && let Err(e) = write_atomic(path, &component.serialize()?)
        {
            tracing::warn!("could not write compiled cache {}: {e}", path.display());
        }
        Ok((component, CompileStats { from_cache: false, millis: ms(start) }))
    }
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Unique per write, not just per process: two threads compiling the same
    // component must never write into the same file, which another thread
    // may already have mapped after the first rename.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let aside = path.with_extension(format!("tmp{}-{seq}", std::process::id()));
    crate::output::write_file_via(path, &aside, |w| Ok(std::io::Write::write_all(w, bytes)?))
}

/// The default cache root: `$LOGLINE_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/logline`, else `~/.cache/logline`.
pub fn default_cache_root() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("LOGLINE_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("logline"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("logline"))
}
