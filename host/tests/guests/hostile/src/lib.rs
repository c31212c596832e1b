//! A purpose-built hostile enzyme. `config.mode` picks the misbehaviour;
//! it applies to spans whose id contains `config.target` (default "bad"),
//! every other span passes unchanged — so a test can check that one span's
//! trouble stays with that span.

// A guest only: nothing to build natively.
#![cfg(target_arch = "wasm32")]

use logline_sdk::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    mode: String,
    #[serde(default = "bad")]
    target: String,
    #[serde(default)]
    size_mb: usize,
    #[serde(default)]
    count: usize,
}

fn bad() -> String {
    "bad".into()
}

struct Hostile(Config);

#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse(n: u64, sink: &mut [u64; 64]) -> u64 {
    sink[(n % 64) as usize] = n;
    let next = recurse(n + 1, sink);
    next.wrapping_add(sink[(n % 7) as usize])
}

impl Enzyme for Hostile {
    type Config = Config;

    fn info() -> Info {
        Info::new("hostile", "0.1.0", "Misbehaves on purpose (sandbox tests)")
    }

    fn new(config: Config) -> Result<Self, Error> {
        if config.mode == "bad-init" {
            return Err(Error::invalid_config("bad-init: refusing this config"));
        }
        Ok(Hostile(config))
    }

    fn process(&self, span: &mut Span, cx: &mut Cx) -> Result<Outcome, Error> {
        if !span.id.contains(&self.0.target) {
            return Ok(Outcome::Keep);
        }
        match self.0.mode.as_str() {
            "ok" | "noop-raw" => Ok(Outcome::Keep),
            "loop" => {
                let mut x: u64 = 1;
                loop {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            }
            "slow" => {
                // Busy for a long while, but finite.
                let mut x: u64 = 1;
                for _ in 0..20_000_000_000u64 {
                    x = std::hint::black_box(x.wrapping_mul(3).wrapping_add(1));
                }
                span.this = format!("{}{x}", span.this);
                Ok(Outcome::Keep)
            }
            "membomb" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![7u8; 1 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "huge-output" => {
                span.if_ok = Some("x".repeat(self.0.size_mb << 20));
                Ok(Outcome::Keep)
            }
            "many-variants" => {
                let n = if self.0.count == 0 { 1_000_000 } else { self.0.count };
                let mut out = Vec::with_capacity(n.min(1 << 16));
                for i in 0..n {
                    let mut v = span.clone();
                    v.id = format!("{}-v{i}", span.id);
                    out.push(v);
                }
                Ok(Outcome::Variants(out))
            }
            "variants" => {
                let mut a = span.clone();
                a.id = format!("{}-v1", span.id);
                a.this = format!("Rephrased: {}", span.this);
                Ok(Outcome::Variants(vec![span.clone(), a]))
            }
            "reuse-id" => {
                let mut a = span.clone();
                a.id = "s1".into();
                Ok(Outcome::Variants(vec![span.clone(), a]))
            }
            "drop" => Ok(Outcome::Drop("dropped on purpose".into())),
            // Output that depends on how many calls came before (for the
            // conformance test: not deterministic).
            "counter" => {
                static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                span.extra.insert("calls".into(), json!(n));
                Ok(Outcome::Keep)
            }
            // Change the text (for the look-ups-on-current-text test).
            "rewrite" => {
                span.this = format!("{} Answer in French.", span.this);
                Ok(Outcome::Keep)
            }
            // Record what `host.embedding` says of the span being processed.
            "record-embedding" => {
                span.extra.insert("seen_embedding".into(), json!(cx.embedding()));
                span.extra.insert("seen_neighbours".into(), json!(cx.neighbours(3).len()));
                Ok(Outcome::Keep)
            }
            "stack" => {
                let mut sink = [0u64; 64];
                let r = recurse(0, &mut sink);
                span.this = r.to_string();
                Ok(Outcome::Keep)
            }
            "panic" => panic!("hostile enzyme panics on span {}", span.id),
            "change-id" => {
                span.id = format!("{}-renamed", span.id);
                Ok(Outcome::Keep)
            }
            "reserved-key" => {
                span.extra.insert("semantic_tags".into(), json!(["forged"]));
                Ok(Outcome::Keep)
            }
            "file" => match std::fs::read_to_string("/etc/passwd")
                .or_else(|_| std::fs::File::create("escape.txt").map(|_| String::new()))
            {
                Ok(_) => {
                    span.this = "ESCAPED: file".into();
                    Ok(Outcome::Keep)
                }
                Err(e) => Err(Error::internal(format!("file access denied: {e}"))),
            },
            "env" => {
                let n = std::env::vars().count();
                if n > 0 || std::env::var("HOME").is_ok() || std::env::var("PATH").is_ok() {
                    span.this = format!("ESCAPED: {n} env vars");
                    Ok(Outcome::Keep)
                } else {
                    Err(Error::internal("environment is empty"))
                }
            }
            "socket" => match std::net::TcpStream::connect("127.0.0.1:9") {
                Ok(_) => {
                    span.this = "ESCAPED: socket".into();
                    Ok(Outcome::Keep)
                }
                Err(e) => Err(Error::internal(format!("network denied: {e}"))),
            },
            "print" => {
                for i in 0..10_000 {
                    println!("line {i} of chatter from the hostile enzyme");
                    eprintln!("stderr line {i}");
                }
                cx.log(Level::Info, "printed a lot");
                Ok(Outcome::Keep)
            }
            "error" => Err(Error::unsupported("this span is not for me")),
            other => Err(Error::invalid_config(format!("unknown mode `{other}`"))),
        }
    }
}

// The glue is written out by hand (instead of `export_enzyme!`) so the
// raw modes can hand the host what the SDK would never produce.
use logline_sdk::bindings::exports::logline::enzyme::processor::Guest;
use logline_sdk::bindings::logline::enzyme::types as wit;
use std::cell::RefCell;

thread_local! {
    static STATE: RefCell<Option<Hostile>> = const { RefCell::new(None) };
}

struct Glue;

impl Guest for Glue {
    fn info() -> wit::EnzymeInfo {
        logline_sdk::rt::info::<Hostile>()
    }
    fn init() -> Result<(), wit::EnzymeError> {
        logline_sdk::rt::init::<Hostile>(&STATE)
    }
    fn process(span: wit::Span) -> Result<wit::Processed, wit::EnzymeError> {
        let mode: Option<String> = STATE.with(|s| s.borrow().as_ref().map(|h| h.0.mode.clone()));
        let targeted = STATE.with(|s| s.borrow().as_ref().is_some_and(|h| span.id.contains(&h.0.target)));
        match (mode.as_deref(), targeted) {
            // The cheapest possible enzyme: no parsing, no copying.
            (Some("noop-raw"), _) => Ok(wit::Processed { outcome: wit::Outcome::Unchanged, changes: vec![] }),
            (Some("bad-json"), true) => {
                let mut span = span;
                span.context = Some("{not json".into());
                Ok(wit::Processed { outcome: wit::Outcome::Changed(span), changes: vec![] })
            }
            (Some("not-object"), true) => {
                let mut span = span;
                span.metadata = Some("[1, 2, 3]".into());
                Ok(wit::Processed { outcome: wit::Outcome::Changed(span), changes: vec![] })
            }
            (Some("bad-timestamp"), true) => {
                let mut span = span;
                span.when = "2024-02-30T10:00:00Z".into();
                Ok(wit::Processed { outcome: wit::Outcome::Changed(span), changes: vec![] })
            }
            _ => logline_sdk::rt::process::<Hostile>(&STATE, span),
        }
    }
}

logline_sdk::bindings::__export_world_enzyme!(Glue with_types_in logline_sdk::bindings);
