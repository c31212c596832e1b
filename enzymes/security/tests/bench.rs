//! A quick native throughput check (not a test of behaviour):
//! `cargo test --release -p enzyme-security --test bench -- --ignored --nocapture --test-threads=1`

mod common;

use common::{Rng, generate};
use enzyme_security::walk;
use logline_sdk::json;
use logline_sdk::testing::span;
use std::time::Instant;

fn typical_span(seed: u64, with_secret: bool) -> logline_sdk::Span {
    let mut r = Rng::new(seed);
    let secret = if with_secret { generate("ghp", &mut r) } else { "${GITHUB_TOKEN}".to_string() };
    let this = "How do I call the GitHub API from Python with a token, and retry when I get a 403? \
        I tried requests.get(url, headers=headers) but the rate limit keeps hitting me. \
        My current code sets the Authorization header from an environment variable and logs the response status.";
    let if_ok = format!(
        "You can pass the token in the `Authorization` header and back off on 403/429 responses.\n\n\
```python\nimport os, time, requests\n\nTOKEN = \"{secret}\"\nHEADERS = {{\"Authorization\": f\"Bearer {{TOKEN}}\", \"Accept\": \"application/vnd.github+json\"}}\n\n\
def get(url, retries=5):\n    for attempt in range(retries):\n        resp = requests.get(url, headers=HEADERS, timeout=10)\n        if resp.status_code in (403, 429):\n            reset = int(resp.headers.get(\"X-RateLimit-Reset\", time.time() + 60))\n            time.sleep(max(1, reset - time.time()))\n            continue\n        resp.raise_for_status()\n        return resp.json()\n    raise RuntimeError(\"rate limited\")\n```\n\n\
Key points:\n1. Read the token from the environment (`os.environ[\"GITHUB_TOKEN\"]`) instead of hard-coding it.\n\
2. Respect `X-RateLimit-Remaining` and `X-RateLimit-Reset`; secondary rate limits return 403 with a `Retry-After` header.\n\
3. Use conditional requests (ETag / If-None-Match) so cached responses do not count against the limit.\n\
4. For commit {sha}, the API returns the files changed and the stats; paginate with the `Link` header.\n\
Performance: a session (`requests.Session()`) reuses the TCP connection, which cuts latency by about 30%.",
        sha = generate("gitsha", &mut r)
    );
    span("bench")
        .this(this)
        .if_ok(&if_ok)
        .context(json!({"environment": "python", "thread_id": "t-42", "previous_spans": ["a", "b"], "notes": "user is on a free plan"}))
        .metadata(json!({"quality_score": 88, "model": "gpt-4o", "llm_provider": "openai", "tokens_used": 734}))
        .build()
}

fn bench(label: &str, span: &logline_sdk::Span, iters: usize) {
    // BENCH_CONFIG: a JSON config, to measure a subset of the rules.
    let scanner = match std::env::var("BENCH_CONFIG") {
        Ok(cfg) => common::scanner_with(&cfg),
        Err(_) => common::default_scanner(),
    };
    let bytes = span.this.len() + span.response().len();
    // warm-up
    for _ in 0..100 {
        let mut s = span.clone();
        std::hint::black_box(walk::redact_span(&scanner, &mut s));
    }
    let t = Instant::now();
    let cpu0 = logline_sdk::testing::thread_cpu_seconds();
    for _ in 0..iters {
        let mut s = span.clone();
        std::hint::black_box(walk::redact_span(&scanner, &mut s));
    }
    let wall = t.elapsed().as_secs_f64() / iters as f64 * 1e6;
    let cpu = (logline_sdk::testing::thread_cpu_seconds() - cpu0) * 1e6 / iters as f64;
    // 0 where the thread's CPU time cannot be read: fall back to wall time.
    let per = if cpu > 0.0 { cpu } else { wall };
    println!(
        "{label:<28} {bytes:>5} bytes  {per:>7.1} µs/span CPU ({wall:.1} wall)  ({:.0} spans/s on one core)",
        1e6 / per
    );
}

/// One span, `N` times: `BENCH_SPAN=typical` (default), `clean` (no
/// secret) or `dense`. With two values of `N` under
/// `valgrind --tool=callgrind`, the difference gives instructions per span,
/// which the load of a shared machine does not blur.
#[test]
#[ignore]
fn typical_only() {
    let n: usize = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    match std::env::var("BENCH_SPAN").as_deref() {
        Ok("clean") => bench("typical, no secret", &typical_span(2, false), n),
        Ok("dense") => bench("dense secrets (2 KB)", &dense_span(), n),
        _ => bench("typical, one secret", &typical_span(1, true), n),
    }
}

fn dense_span() -> logline_sdk::Span {
    let text: String = (0..60).map(|i| common::instantiate(CASES[i % CASES.len()], i as u64).text + "\n").collect();
    span("dense").this(&text[..text.len().min(2000)]).build()
}

#[test]
#[ignore]
fn throughput() {
    bench("typical, one secret", &typical_span(1, true), 20_000);
    bench("typical, no secret", &typical_span(2, false), 20_000);
    // The whole corpus in one span: a dense worst case.
    bench("dense secrets (2 KB)", &dense_span(), 5_000);
    let t = Instant::now();
    let scanner = common::default_scanner();
    println!("scanner build: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    std::hint::black_box(scanner);
}

const CASES: &[&str] = &[
    "export AWS_ACCESS_KEY_ID=⟦akia:aws_access_key_id⟧",
    "DB_PASSWORD=⟦pw:password⟧",
    "curl -H \"Authorization: Bearer ⟦tok:bearer_token⟧\" https://api.example.com",
    "DATABASE_URL=postgres://app:⟦pw:url_password⟧@db:5432/app",
    "{\"api_key\": \"⟦tok:api_key⟧\", \"id\": \"⟦uuid:-⟧\"}",
    "commit ⟦gitsha:-⟧ fixed the token refresh",
    "client = OpenAI(api_key=\"⟦openaiproj:openai_api_key⟧\")",
];
