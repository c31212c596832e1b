//! `logline serve` as a real server on an ephemeral loopback port, over the
//! model of the example spans: every route, auth, errors in OpenAI's shape,
//! streaming, Prometheus text, and a graceful stop on SIGTERM.

use crate::matcher::model_dir;
use serde_json::{Value, json};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "test-key-1";

/// A running server; killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> (Server, tempfile::TempDir) {
    start_with(extra, &[])
}

fn start_with(extra: &[&str], env: &[(&str, &str)]) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    // One plain key, one given as its SHA-256.
    let hashed = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(b"test-key-2"))
    };
    std::fs::write(dir.path().join("keys.txt"), format!("{KEY}\nsha256:{hashed}\n")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_logline"))
        .arg("serve")
        .arg(&model_dir().1)
        .args(["--addr", "127.0.0.1:0", "--keys"])
        .arg(dir.path().join("keys.txt"))
        .args(extra)
        .envs(env.iter().copied())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let port: u16 = first.rsplit(':').next().unwrap().parse().unwrap_or_else(|_| panic!("no address in {first:?}"));
    // Keep draining stderr so the server never blocks on it.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    let server = Server { child, port };
    let start = Instant::now();
    while call(&server, "GET", "/readyz", None, None).0 != 200 {
        assert!(start.elapsed() < Duration::from_secs(60), "the model never loaded");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, dir)
}

/// One HTTP/1.1 request over a fresh connection: (status, content type, body).
fn call(s: &Server, method: &str, path: &str, key: Option<&str>, body: Option<&str>) -> (u16, String, String) {
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(k) = key {
        req += &format!("Authorization: Bearer {k}\r\n");
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || method == "POST" {
        req += &format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len());
    }
    req += "\r\n";
    c.write_all(req.as_bytes()).unwrap();
    c.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string())
        })
    };
    let body = if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    (status, header("content-type").unwrap_or_default(), body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// An error body in OpenAI's shape; returns it.
fn openai_error(status: u16, got: (u16, String, String)) -> Value {
    assert_eq!(got.0, status, "{}", got.2);
    let v = json_of(&got.2);
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(
        v["error"]["type"].is_string() && v["error"].get("param").is_some() && v["error"].get("code").is_some(),
        "{v}"
    );
    v
}

#[test]
fn routes_answer_with_auth_and_name_what_is_wrong() {
    let (s, _dir) = start(&[]);
    let q = r#"{"query": "What does pipelining mean in Redis?"}"#;
    // Open routes, closed ones.
    assert_eq!(json_of(&call(&s, "GET", "/healthz", None, None).2)["status"], "ok");
    assert!(json_of(&call(&s, "GET", "/readyz", None, None).2)["trajectories"].as_u64().unwrap() > 10);
    let e = openai_error(401, call(&s, "POST", "/v1/predict", None, Some(q)));
    assert_eq!(e["error"]["code"], "invalid_api_key");
    openai_error(401, call(&s, "POST", "/v1/predict", Some("wrong"), Some(q)));
    // The scheme is case-insensitive; the key is not.
    let raw = |auth: &str| {
        let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        write!(c, "GET /v1/spans/none HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {auth}\r\n\r\n")
            .unwrap();
        let mut head = [0u8; 12];
        c.read_exact(&mut head).unwrap();
        String::from_utf8_lossy(&head).to_string()
    };
    assert_eq!(raw(&format!("bearer {KEY}")), "HTTP/1.1 404", "a known key, an unknown span");
    assert_eq!(raw(&format!("Bearer {}", KEY.to_uppercase())), "HTTP/1.1 401");
    assert_eq!(raw(&format!("Basic {KEY}")), "HTTP/1.1 401");

    // Predict, with either key.
    for key in [KEY, "test-key-2"] {
        let (status, ctype, body) = call(&s, "POST", "/v1/predict", Some(key), Some(q));
        assert_eq!((status, ctype.as_str()), (200, "application/json"), "{body}");
        let p = json_of(&body);
        assert!(p["outcome"].as_str().is_some_and(|o| o.contains("ipelin")), "{p}");
        assert!((0.0..=1.0).contains(&p["confidence"].as_f64().unwrap()));
        assert!(!p["evidence"].as_array().unwrap().is_empty() && !p["set"].as_array().unwrap().is_empty());
    }
    // Bad requests name the field.
    let bad = |body: &str| openai_error(400, call(&s, "POST", "/v1/predict", Some(KEY), Some(body)));
    assert_eq!(bad(r#"{"query": "x", "bogus": 1}"#)["error"]["param"], "bogus");
    assert_eq!(bad(r#"{"did": "ask_question"}"#)["error"]["param"], "query");
    assert_eq!(bad(r#"{"query": "   "}"#)["error"]["param"], "query");
    assert_eq!(bad(r#"{"query": "x", "k": 0}"#)["error"]["param"], "k");
    assert_eq!(bad(r#"{"query": "x", "mondrian": true}"#)["error"]["param"], "mondrian");
    bad("{not json");
    let big = format!(r#"{{"query": "{}"}}"#, "a".repeat(2 << 20));
    openai_error(413, call(&s, "POST", "/v1/predict", Some(KEY), Some(&big)));
    let e =
        openai_error(404, call(&s, "POST", "/v1/predict", Some(KEY), Some(r#"{"query": "x", "did": "no_such_did"}"#)));
    assert_eq!(e["error"]["code"], "no_match");

    // Search with a filter, then one span by id.
    let (status, _, body) = call(
        &s,
        "POST",
        "/v1/search",
        Some(KEY),
        Some(r#"{"query": "fix my python code", "did": "debug_code", "k": 3}"#),
    );
    assert_eq!(status, 200, "{body}");
    let hits = json_of(&body)["data"].as_array().unwrap().clone();
    assert_eq!(hits.len(), 3);
    assert!(hits.iter().all(|h| h["did"] == "debug_code"), "{hits:?}");
    assert!(hits.windows(2).all(|w| w[0]["similarity"].as_f64() >= w[1]["similarity"].as_f64()));
    let id = hits[0]["id"].as_str().unwrap();
    let (status, _, body) = call(&s, "GET", &format!("/v1/spans/{id}"), Some(KEY), None);
    assert_eq!((status, &json_of(&body)["outcome"]), (200, &hits[0]["outcome"]));
    openai_error(404, call(&s, "GET", "/v1/spans/no-such-span", Some(KEY), None));
    openai_error(404, call(&s, "GET", "/v2/nothing", Some(KEY), None));
}

#[test]
fn chat_completions_answer_openai_clients_and_stream_the_same_answer() {
    let (s, _dir) = start(&[]);
    let ask = |content: &str, stream: bool| {
        json!({"model": "logline-test", "stream": stream, "temperature": 0.2,
               "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": content}]})
        .to_string()
    };
    let (status, _, body) =
        call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&ask("What does pipelining mean in Redis?", false)));
    assert_eq!(status, 200, "{body}");
    let c = json_of(&body);
    assert_eq!((c["object"].as_str(), c["model"].as_str()), (Some("chat.completion"), Some("logline-test")));
    let choice = &c["choices"][0];
    assert_eq!(
        (choice["message"]["role"].as_str(), choice["finish_reason"].as_str()),
        (Some("assistant"), Some("stop"))
    );
    let content = choice["message"]["content"].as_str().unwrap().to_string();
    assert!(content.contains("ipelin"), "{content}");
    assert_eq!(c["logline_meta"]["source"], "model");
    assert!(c["logline_meta"]["confidence"].as_f64().unwrap() >= 0.5);
    let u = &c["usage"];
    assert_eq!(
        u["total_tokens"].as_u64(),
        Some(u["prompt_tokens"].as_u64().unwrap() + u["completion_tokens"].as_u64().unwrap())
    );

    // The same request streamed: SSE chunks that join to the same answer, then [DONE].
    let (status, ctype, body) =
        call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&ask("What does pipelining mean in Redis?", true)));
    assert_eq!((status, ctype.as_str()), (200, "text/event-stream"), "{body}");
    let events: Vec<&str> =
        body.split("\n\n").filter(|e| !e.is_empty()).map(|e| e.strip_prefix("data: ").unwrap()).collect();
    assert_eq!(events.last(), Some(&"[DONE]"));
    let chunks: Vec<Value> = events[..events.len() - 1].iter().map(|e| json_of(e)).collect();
    assert!(
        chunks.len() >= 3
            && chunks.iter().all(|c| c["object"] == "chat.completion.chunk" && c["id"] == chunks[0]["id"])
    );
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let joined: String = chunks.iter().filter_map(|c| c["choices"][0]["delta"]["content"].as_str()).collect();
    assert_eq!(joined, content);
    let last = chunks.last().unwrap();
    assert_eq!(
        (last["choices"][0]["finish_reason"].as_str(), last["logline_meta"]["source"].as_str()),
        (Some("stop"), Some("model"))
    );

    // Far from every trajectory: the answer says it abstained.
    let (_, _, body) =
        call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&ask("Write a haiku about autumn leaves", false)));
    let c = json_of(&body);
    assert_eq!(c["logline_meta"]["source"], "abstained", "{c}");
    assert!(c["choices"][0]["message"]["content"].as_str().unwrap().contains("no confident answer"));
    // No user message.
    let e = openai_error(
        400,
        call(
            &s,
            "POST",
            "/v1/chat/completions",
            Some(KEY),
            Some(r#"{"messages": [{"role": "system", "content": "x"}]}"#),
        ),
    );
    assert_eq!(e["error"]["param"], "messages");
}

/// One sample: metric name, labels, value.
type Sample = (String, Vec<(String, String)>, f64);

/// Prometheus' text format: `# HELP` / `# TYPE` lines, then samples
/// `name{label="value",…} number`, every sample of a declared metric.
fn parse_prometheus(text: &str) -> Vec<Sample> {
    let mut declared = std::collections::HashSet::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut p = rest.split(' ');
            declared.insert(p.next().unwrap().to_string());
            assert!(matches!(p.next(), Some("counter" | "gauge" | "histogram" | "summary" | "untyped")), "{line}");
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("bad sample line {line:?}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value in {line:?}"));
        let (name, labels) = match series.split_once('{') {
            Some((n, l)) => {
                let l = l.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels in {line:?}"));
                let labels = l
                    .split("\",")
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once("=\"").unwrap_or_else(|| panic!("bad label in {line:?}"));
                        (k.to_string(), v.trim_end_matches('"').to_string())
                    })
                    .collect();
                (n.to_string(), labels)
            }
            None => (series.to_string(), Vec::new()),
        };
        let base = ["_bucket", "_sum", "_count"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(&name);
        assert!(declared.contains(&name) || declared.contains(base), "sample of an undeclared metric: {line}");
        samples.push((name, labels, value));
    }
    samples
}

#[test]
fn metrics_count_requests_by_route_and_status_in_prometheus_text() {
    let (s, _dir) = start(&["--metrics-auth"]);
    let q = r#"{"query": "What does pipelining mean in Redis?"}"#;
    for _ in 0..3 {
        assert_eq!(call(&s, "POST", "/v1/predict", Some(KEY), Some(q)).0, 200);
    }
    call(&s, "POST", "/v1/predict", None, Some(q));
    openai_error(401, call(&s, "GET", "/metrics", None, None));
    let (status, ctype, text) = call(&s, "GET", "/metrics", Some(KEY), None);
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/plain"), "{ctype}");
    let samples = parse_prometheus(&text);
    let value = |name: &str, labels: &[(&str, &str)]| -> f64 {
        samples
            .iter()
            .filter(|(n, l, _)| n == name && labels.iter().all(|(k, v)| l.iter().any(|(a, b)| a == k && b == v)))
            .map(|s| s.2)
            .sum()
    };
    assert_eq!(value("logline_http_requests_total", &[("route", "/v1/predict"), ("status", "200")]), 3.0);
    assert_eq!(value("logline_http_requests_total", &[("route", "/v1/predict"), ("status", "401")]), 1.0);
    assert_eq!(value("logline_http_request_duration_seconds_count", &[("route", "/v1/predict")]), 4.0);
    assert_eq!(value("logline_predictions_total", &[("source", "model")]), 3.0);
    assert_eq!(value("logline_prediction_confidence_count", &[]), 3.0);
    assert!(value("logline_index_trajectories", &[]) > 10.0);
}

#[test]
fn sigterm_drains_and_stops_the_server_cleanly() {
    let (mut s, _dir) = start(&[]);
    assert_eq!(call(&s, "GET", "/healthz", None, None).0, 200);
    let pid = s.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let start = Instant::now();
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(TcpStream::connect(("127.0.0.1", s.port)).is_err(), "still listening");
}

#[test]
fn a_folder_that_is_no_model_is_refused_before_listening() {
    let dir = tempfile::tempdir().unwrap();
    let o = crate::common::logline(&["serve", dir.path().to_str().unwrap(), "--addr", "127.0.0.1:0"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a model folder"));
}

/// One request holds the only slot (its body never finishes arriving), so
/// the next is shed with 429 at once instead of queueing; the stalled one
/// times out with 503, and the server serves again after it.
#[test]
fn past_the_concurrency_limit_requests_are_shed_with_429() {
    let (s, _dir) = start(&["--concurrency", "1", "--timeout-ms", "3000"]);
    let mut stalled = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stalled
        .write_all(
            format!(
                "POST /v1/predict HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"query\":"
            )
            .as_bytes(),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let e = openai_error(429, call(&s, "POST", "/v1/predict", Some(KEY), Some(r#"{"query": "x"}"#)));
    assert_eq!(e["error"]["code"], "overloaded");
    assert_eq!(call(&s, "GET", "/healthz", None, None).0, 200, "health checks are not shed");
    // The stalled request runs into the time limit.
    stalled.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = [0u8; 12];
    stalled.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 503");
    assert_eq!(call(&s, "POST", "/v1/predict", Some(KEY), Some(r#"{"query": "Redis pipelining"}"#)).0, 200);
}

/// Under the fallback threshold a chat request goes to the upstream — here
/// a second `logline serve`, which speaks the same API — and comes back
/// with `source: upstream`; a dead upstream is a 502 in OpenAI's shape.
#[test]
fn low_confidence_chat_goes_to_the_upstream_server() {
    // The upstream answers everything from its model.
    let (up, _d1) = start(&["--fallback-below", "0"]);
    let base = format!("http://127.0.0.1:{}/v1", up.port);
    let (s, _d2) =
        start_with(&["--upstream", &base, "--upstream-key-env", "TEST_UPSTREAM_KEY"], &[("TEST_UPSTREAM_KEY", KEY)]);
    let ask = |stream: bool| {
        json!({"model": "m", "stream": stream, "messages": [{"role": "user", "content": "Write a haiku about autumn leaves"}]})
            .to_string()
    };
    let direct = json_of(&call(&up, "POST", "/v1/chat/completions", Some(KEY), Some(&ask(false))).2);
    assert_eq!(direct["logline_meta"]["source"], "model");
    let (status, _, body) = call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&ask(false)));
    assert_eq!(status, 200, "{body}");
    let via = json_of(&body);
    assert_eq!(via["logline_meta"]["source"], "upstream", "{via}");
    assert!(via["logline_meta"]["confidence"].as_f64().unwrap() < 0.5);
    assert_eq!(via["choices"][0]["message"]["content"], direct["choices"][0]["message"]["content"]);
    // Streamed, the forwarded answer arrives as chunks too.
    let (_, ctype, body) = call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&ask(true)));
    assert_eq!(ctype, "text/event-stream");
    let joined: String = body
        .split("\n\n")
        .filter_map(|e| e.strip_prefix("data: "))
        .filter(|e| *e != "[DONE]")
        .filter_map(|e| json_of(e)["choices"][0]["delta"]["content"].as_str().map(str::to_string))
        .collect();
    assert_eq!(joined, direct["choices"][0]["message"]["content"].as_str().unwrap());
    // A confident answer stays local.
    let local = json!({"messages": [{"role": "user", "content": "What does pipelining mean in Redis?"}]}).to_string();
    assert_eq!(
        json_of(&call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&local)).2)["logline_meta"]["source"],
        "model"
    );
    // Without the key the upstream refuses, and we say so.
    let (nokey, _d3) = start(&["--upstream", &base]);
    let e = openai_error(502, call(&nokey, "POST", "/v1/chat/completions", Some(KEY), Some(&ask(false))));
    assert!(e["error"]["message"].as_str().unwrap().contains("401"), "{e}");
    drop(up);
    let e = openai_error(502, call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&ask(false))));
    assert_eq!(e["error"]["code"], "upstream");
}
