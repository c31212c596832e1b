//! Compile workspace packages to `wasm32-wasip2` components from a build
//! script, so the host can embed its built-in enzymes and the tests can load
//! their guest components without a separate build step.
//!
//! The nested `cargo` runs with its own target directory
//! (`<target>/wasm-components`) so it never waits on the outer build's lock,
//! and without the outer build's compiler wrappers and flags (clippy,
//! sanitizers, coverage), which are meant for host code.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Rust target enzymes are built for.
pub const TARGET: &str = "wasm32-wasip2";

/// A built component.
#[derive(Debug, Clone)]
pub struct Built {
    /// The cargo package name.
    pub package: String,
    /// Path of the `.wasm` component.
    pub path: PathBuf,
}

/// Build `packages` (cdylib crates of the workspace at `workspace_root`) in
/// release mode for [`TARGET`] and return where each component landed.
///
/// Emits `cargo:rerun-if-changed` for every directory in `watch`, so the
/// calling build script reruns when a guest's sources change.
pub fn build_components(workspace_root: &Path, packages: &[&str], watch: &[PathBuf]) -> Vec<Built> {
    for dir in watch {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root.join("target"))
        .join("wasm-components");
    // Under rustup, go through its `cargo` proxy without the caller's
    // toolchain override, so the workspace's rust-toolchain.toml (which
    // carries the wasm target) decides, even when the caller is another
    // toolchain (`cargo +nightly fuzz build`). Without rustup, the cargo
    // that runs this build script.
    let under_rustup = env::var_os("RUSTUP_TOOLCHAIN").is_some() || env::var_os("RUSTUP_HOME").is_some();
    let cargo = if under_rustup { "cargo".into() } else { env::var_os("CARGO").unwrap_or_else(|| "cargo".into()) };
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root)
        .arg("build")
        .arg("--release")
        .arg("--target")
        .arg(TARGET)
        .arg("--target-dir")
        .arg(&target_dir)
        .arg("--manifest-path")
        .arg(workspace_root.join("Cargo.toml"));
    for p in packages {
        cmd.arg("-p").arg(p);
    }
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_PROFILE_RELEASE_LTO",
        // The caller's compiler and toolchain (set for build scripts).
        "RUSTC",
        "RUSTDOC",
        "RUSTUP_TOOLCHAIN",
    ] {
        cmd.env_remove(var);
    }
    let output = cmd.output().unwrap_or_else(|e| panic!("could not run cargo to build enzymes: {e}"));
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint = if stderr.contains("may not be installed") || stderr.contains("can't find crate for `core`") {
            format!("\nhint: install the target with `rustup target add {TARGET}`")
        } else {
            String::new()
        };
        panic!("building the enzyme components {packages:?} for {TARGET} failed:\n{stderr}{hint}");
    }
    packages
        .iter()
        .map(|p| {
            let path = target_dir.join(TARGET).join("release").join(format!("{}.wasm", p.replace('-', "_")));
            assert!(path.exists(), "cargo built {p} but {} is missing", path.display());
            Built { package: p.to_string(), path }
        })
        .collect()
}

/// The workspace root, from a package's `CARGO_MANIFEST_DIR` and its depth.
pub fn workspace_root(manifest_dir: &str, depth: usize) -> PathBuf {
    let mut p = PathBuf::from(manifest_dir);
    for _ in 0..depth {
        p.pop();
    }
    p
}
