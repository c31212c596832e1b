//! gen-spans: deterministic NDJSON span generator (see `logline_bench::spangen`).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use logline_bench::spangen::{GenConfig, generate};

const USAGE: &str = "\
gen-spans: write deterministic LogLine spans (NDJSON, SPEC §1)

USAGE:
    gen-spans --count N --seed S [OPTIONS]

OPTIONS:
    --count N             number of non-blank lines to write (default 1000)
    --seed S              PRNG seed, any u64 (default 42)
    --invalid-share F     share of invalid lines, 0..1 (default 0.05);
                          blank lines are added at a tenth of this rate
    --dup-share F         share of spans reusing an earlier this/if_ok (default 0.1)
    --secret-share F      share of spans with planted fake secrets (default 0.05);
                          as many other spans get look-alike decoys
    --out FILE            write to FILE instead of stdout
    --stats               print what was generated (JSON) to stderr
    -h, --help            this help

Same arguments -> byte-identical output.

EXAMPLE:
    gen-spans --count 100000 --seed 7 --out spans.ndjson --stats
";

fn parse() -> Result<(GenConfig, Option<String>, bool), String> {
    let mut cfg = GenConfig::default();
    let mut out = None;
    let mut stats = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"))
        };
        let share = |name: &str, v: String| -> Result<f64, String> {
            let x: f64 = v.parse().map_err(|_| format!("{name}: not a number: {v}"))?;
            if (0.0..=1.0).contains(&x) { Ok(x) } else { Err(format!("{name} must be between 0 and 1, got {v}")) }
        };
        match flag.as_str() {
            "--count" | "-n" => cfg.count = value("--count")?.parse().map_err(|e| format!("--count: {e}"))?,
            "--seed" | "-s" => cfg.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--invalid-share" => cfg.invalid_share = share("--invalid-share", value("--invalid-share")?)?,
            "--dup-share" => cfg.dup_share = share("--dup-share", value("--dup-share")?)?,
            "--secret-share" => cfg.secret_share = share("--secret-share", value("--secret-share")?)?,
            "--out" | "-o" => out = Some(value("--out")?),
            "--stats" => stats = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok((cfg, out, stats))
}

fn main() -> ExitCode {
    let (cfg, out, want_stats) = match parse() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("gen-spans: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match &out {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut w = BufWriter::new(f);
            let s = generate(&cfg, &mut w)?;
            w.flush()?;
            Ok(s)
        }),
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            generate(&cfg, &mut w).and_then(|s| w.flush().map(|_| s))
        }
    };
    match result {
        Ok(stats) => {
            if want_stats {
                eprint!("{}", stats.to_json_pretty());
            }
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-spans: {}: {e}", out.as_deref().unwrap_or("stdout"));
            ExitCode::from(1)
        }
    }
}
