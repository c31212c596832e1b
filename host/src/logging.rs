//! Log setup: `-v` levels, `RUST_LOG`/`LOGLINE_LOG` filters, `NO_COLOR`.

use std::io::IsTerminal;

/// Install the tracing subscriber (stderr).
pub fn init(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    // LOGLINE_LOG first, then the usual RUST_LOG; else the -v level.
    let filter = ["LOGLINE_LOG", "RUST_LOG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok()))
        .unwrap_or_else(|| {
            tracing_subscriber::EnvFilter::new(format!("{level},ort=warn,wasmtime=warn,cranelift=warn"))
        });
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .try_init();
}
