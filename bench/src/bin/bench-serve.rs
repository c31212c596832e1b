//! Load on a running `logline serve`, loopback only: a fixed number of
//! requests at each concurrency, over keep-alive connections (one per
//! client thread), with throughput and latency percentiles per route, the
//! status codes seen, and the server's RSS before and after.
//!
//!   bench-serve --port P [--key K] [--pid PID] [--requests N] [--concurrency 1,8,32]
//!
//! Queries are the `this` of the example spans, in turn (`--queries FILE`
//! for others), so the embedding cache does not answer every request.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

struct Args {
    port: u16,
    key: Option<String>,
    pid: Option<u32>,
    requests: usize,
    concurrency: Vec<usize>,
    queries: String,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        port: 0,
        key: None,
        pid: None,
        requests: 2000,
        concurrency: vec![1, 8, 32],
        queries: concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/data/diamonds.ndjson").to_string(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| anyhow::anyhow!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => a.port = value()?.parse()?,
            "--key" => a.key = Some(value()?),
            "--pid" => a.pid = Some(value()?.parse()?),
            "--requests" => a.requests = value()?.parse()?,
            "--concurrency" => a.concurrency = value()?.split(',').map(str::parse).collect::<Result<_, _>>()?,
            "--queries" => a.queries = value()?,
            _ => anyhow::bail!("unknown flag {flag}"),
        }
    }
    anyhow::ensure!(a.port != 0, "--port is required (the server must listen on loopback)");
    Ok(a)
}

/// The `this` of every parseable span in the file.
fn queries(path: &str) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)?;
    let q: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["this"].as_str().map(str::to_string))
        .filter(|s| !s.trim().is_empty())
        .collect();
    anyhow::ensure!(!q.is_empty(), "{path}: no queries");
    Ok(q)
}

/// One keep-alive connection.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(port: u16) -> anyhow::Result<Conn> {
        let s = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Conn { reader: BufReader::new(s.try_clone()?), writer: s })
    }

    /// POST `body` to `path`; the status (the body is read and dropped).
    fn post(&mut self, path: &str, key: Option<&str>, body: &str) -> anyhow::Result<u16> {
        let auth = key.map(|k| format!("Authorization: Bearer {k}\r\n")).unwrap_or_default();
        write!(
            self.writer,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line.split(' ').nth(1).ok_or_else(|| anyhow::anyhow!("no status line"))?.parse()?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse()?;
            }
        }
        let mut buf = vec![0u8; length];
        self.reader.read_exact(&mut buf)?;
        Ok(status)
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    let qs = queries(&a.queries)?;
    println!(
        "| route | concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | statuses | server RSS MiB before → after |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|---|");
    for route in ["/v1/predict", "/v1/chat/completions"] {
        for &c in &a.concurrency {
            let before = a.pid.and_then(rss_kib);
            let per = a.requests.div_ceil(c);
            let start = Instant::now();
            let results: Vec<anyhow::Result<Vec<(f64, u16)>>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..c)
                    .map(|t| {
                        let (qs, key) = (&qs, a.key.as_deref());
                        s.spawn(move || -> anyhow::Result<Vec<(f64, u16)>> {
                            let mut conn = Conn::open(a.port)?;
                            let mut out = Vec::with_capacity(per);
                            for i in 0..per {
                                let q = &qs[(t * per + i) % qs.len()];
                                let body = if route == "/v1/predict" {
                                    serde_json::json!({"query": q}).to_string()
                                } else {
                                    serde_json::json!({"model": "logline", "messages": [{"role": "user", "content": q}]})
                                        .to_string()
                                };
                                let t0 = Instant::now();
                                let status = conn.post(route, key, &body)?;
                                out.push((t0.elapsed().as_secs_f64() * 1000.0, status));
                            }
                            Ok(out)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("a client thread panicked")).collect()
            });
            let wall = start.elapsed().as_secs_f64();
            let mut lat = Vec::new();
            let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
            for r in results {
                for (ms, st) in r? {
                    lat.push(ms);
                    *statuses.entry(st).or_default() += 1;
                }
            }
            lat.sort_by(f64::total_cmp);
            let after = a.pid.and_then(rss_kib);
            let mib = |k: Option<u64>| k.map_or("–".to_string(), |k| format!("{:.0}", k as f64 / 1024.0));
            println!(
                "| {route} | {c} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {} → {} |",
                lat.len(),
                lat.len() as f64 / wall,
                percentile(&lat, 0.50),
                percentile(&lat, 0.95),
                percentile(&lat, 0.99),
                statuses.iter().map(|(k, v)| format!("{k}×{v}")).collect::<Vec<_>>().join(" "),
                mib(before),
                mib(after)
            );
        }
    }
    Ok(())
}
