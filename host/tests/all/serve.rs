//! `logline serve` as a real server on an ephemeral loopback port, over the
//! model of the example spans: every route, auth, errors in OpenAI's shape,
//! streaming, Prometheus text, and a graceful stop on SIGTERM.

use crate::matcher::model_dir;
use serde_json::{Value, json};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const KEY: &str = "test-key-1";

/// A running server; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    /// Everything it wrote to stderr so far.
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(extra: &[&str]) -> (Server, tempfile::TempDir) {
    start_with(extra, &[])
}

fn start_with(extra: &[&str], env: &[(&str, &str)]) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    // The feedback log stays out of the shared model folder.
    let log = dir.path().join("feedback.wal.ndjson");
    let server = launch(&model_dir().1, dir.path(), extra, env, Some(&log));
    (server, dir)
}

/// Start `logline serve MODEL` with the keys of `dir` (written here) and
/// wait until it is ready.
fn launch(model: &Path, dir: &Path, extra: &[&str], env: &[(&str, &str)], log: Option<&Path>) -> Server {
    // One plain key, one given as its SHA-256.
    let hashed = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(b"test-key-2"))
    };
    std::fs::write(dir.join("keys.txt"), format!("{KEY}\nsha256:{hashed}\n")).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_logline"));
    cmd.arg("serve").arg(model).args(["--addr", "127.0.0.1:0", "--keys"]).arg(dir.join("keys.txt"));
    if let Some(log) = log.filter(|_| !extra.contains(&"--no-feedback")) {
        cmd.arg("--feedback-log").arg(log);
    }
    let mut child =
        cmd.args(extra).envs(env.iter().copied()).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (mut first, mut before) = (String::new(), String::new());
    for line in lines.by_ref() {
        first = line.unwrap();
        before += &first;
        before.push('\n');
        if first.contains("listening on") {
            break;
        }
    }
    let port: u16 = first.rsplit(':').next().unwrap().parse().unwrap_or_else(|_| panic!("no address in {before}"));
    // Keep draining stderr so the server never blocks on it.
    let log = std::sync::Arc::new(std::sync::Mutex::new(before));
    let kept = log.clone();
    std::thread::spawn(move || {
        for l in lines.map_while(Result::ok) {
            let mut k = kept.lock().unwrap();
            k.push_str(&l);
            k.push('\n');
        }
    });
    let server = Server { child, port, log };
    let start = Instant::now();
    while call(&server, "GET", "/readyz", None, None).0 != 200 {
        assert!(start.elapsed() < Duration::from_secs(60), "the model never loaded");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
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

/// A span as a client sends it for feedback.
fn feedback_span(id: &str, question: &str, answer: &str) -> Value {
    json!({"id": id, "who": "support-bot", "did": "answer", "this": question, "when": "2026-12-04T10:00:00Z",
           "status": "completed", "if_ok": answer})
}

fn feedback(s: &Server, body: &Value) -> (u16, Value) {
    let (status, _, text) = call(s, "POST", "/v1/feedback", Some(KEY), Some(&body.to_string()));
    (status, json_of(&text))
}

fn trajectories(s: &Server) -> u64 {
    json_of(&call(s, "GET", "/readyz", None, None).2)["trajectories"].as_u64().unwrap()
}

const ROTATE_Q: &str = "How do I rotate the signing key of the billing service?";
const ROTATE_A: &str = "Run `billing keys rotate --service billing`, then store the new key in the vault and restart the billing workers so they load it.";

/// Rated answers are learned at once: searchable, predicted from and
/// looked up; a secret in one is redacted first; a repeat is not learned
/// twice; bad feedback is refused with the rejects file's reasons.
#[test]
fn rated_feedback_is_learned_at_once_redacted_and_refused_with_reasons() {
    let (s, dir) = start(&["--fallback-below", "0"]);
    let before = trajectories(&s);
    let (status, ok) = feedback(&s, &json!({"span": feedback_span("fb-rotate", ROTATE_Q, ROTATE_A), "rating": 5}));
    assert_eq!(status, 200, "{ok}");
    assert_eq!((ok["indexed"].as_bool(), ok["duplicate"].as_bool()), (Some(true), Some(false)), "{ok}");
    assert_eq!(ok["ids"], json!(["fb-rotate"]));
    assert_eq!(trajectories(&s), before + 1);
    // Searchable and predicted from, with no wait.
    let hits = json_of(&call(&s, "POST", "/v1/search", Some(KEY), Some(&json!({"query": ROTATE_Q}).to_string())).2);
    assert_eq!(hits["data"][0]["id"], "fb-rotate", "{hits}");
    let p = json_of(&call(&s, "POST", "/v1/predict", Some(KEY), Some(&json!({"query": ROTATE_Q}).to_string())).2);
    assert_eq!(p["outcome_id"], "fb-rotate", "{p}");
    assert_eq!(json_of(&call(&s, "GET", "/v1/spans/fb-rotate", Some(KEY), None).2)["outcome"], ROTATE_A);
    // The same feedback again (a client retrying) is not learned twice.
    let (status, again) = feedback(&s, &json!({"span": feedback_span("fb-rotate", ROTATE_Q, ROTATE_A), "rating": 5}));
    assert_eq!((status, again["duplicate"].as_bool()), (200, Some(true)), "{again}");
    assert_eq!(trajectories(&s), before + 1);
    // The same id with other text is a conflict.
    let e = openai_error(409, call(&s, "POST", "/v1/feedback", Some(KEY), Some(&json!({"span": feedback_span("fb-rotate", ROTATE_Q, "Rotate it from the admin console, then restart the billing workers so they pick up the new signing key."), "rating": 4}).to_string())));
    assert_eq!(e["error"]["code"], "duplicate_id");
    // A secret is redacted before it is learned (and served back).
    let key = ["AKIA", "Z3X9Q2W8E7R6T5Y4"].concat();
    let leaky =
        format!("Set AWS_ACCESS_KEY_ID={key} in the environment of the deploy job, then run the upload step again.");
    let (status, ok) = feedback(
        &s,
        &json!({"span": feedback_span("fb-leak", "Why does the deploy job fail to upload artifacts?", &leaky), "rating": 5}),
    );
    assert_eq!(status, 200, "{ok}");
    let served = call(&s, "GET", "/v1/spans/fb-leak", Some(KEY), None).2;
    assert!(
        !served.contains(&key) && json_of(&served)["outcome"].as_str().unwrap().contains("AWS_ACCESS_KEY_ID"),
        "{served}"
    );
    let wal = std::fs::read_to_string(dir.path().join("feedback.wal.ndjson")).unwrap();
    assert!(!wal.contains(&key), "the log holds the secret");
    // An answer this server gave, rated by its completion id.
    let chat = json!({"messages": [{"role": "user", "content": "What does pipelining mean in Redis?"}]}).to_string();
    let c = json_of(&call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&chat)).2);
    let id = c["id"].as_str().unwrap();
    let (status, low) = feedback(&s, &json!({"id": id, "rating": 2, "comment": "too vague"}));
    assert_eq!((status, low["indexed"].as_bool()), (200, Some(false)), "{low}");
    let (status, high) = feedback(&s, &json!({"id": id, "rating": 5}));
    assert_eq!((status, high["indexed"].as_bool()), (200, Some(true)), "{high}");
    let learned_id = high["ids"][0].as_str().unwrap();
    assert!(learned_id.starts_with("feedback-"), "{high}");
    let learned = json_of(&call(&s, "GET", &format!("/v1/spans/{learned_id}"), Some(KEY), None).2);
    assert_eq!(learned["query"], "What does pipelining mean in Redis?");
    // Refused, with the reasons a rejects file gives.
    let mut no_who = feedback_span("fb-bad", ROTATE_Q, ROTATE_A);
    no_who.as_object_mut().unwrap().remove("who");
    let e = openai_error(
        422,
        call(&s, "POST", "/v1/feedback", Some(KEY), Some(&json!({"span": no_who, "rating": 5}).to_string())),
    );
    assert_eq!((e["error"]["stage"].as_str(), e["error"]["code"].as_str()), (Some("input"), Some("invalid")), "{e}");
    assert_eq!(e["error"]["param"], "span.who");
    assert!(e["error"]["reasons"][0]["code"].is_string(), "{e}");
    let e = openai_error(
        422,
        call(
            &s,
            "POST",
            "/v1/feedback",
            Some(KEY),
            Some(&json!({"span": feedback_span("fb-na", ROTATE_Q, "N/A"), "rating": 5}).to_string()),
        ),
    );
    assert_eq!((e["error"]["stage"].as_str(), e["error"]["code"].as_str()), (Some("gate"), Some("garbage")), "{e}");
    assert!(!e["error"]["caps"].as_array().unwrap().is_empty(), "{e}");
    assert_eq!(
        openai_error(400, call(&s, "POST", "/v1/feedback", Some(KEY), Some(r#"{"id": "x", "rating": 9}"#)))["error"]["param"],
        "rating"
    );
    assert_eq!(
        openai_error(
            400,
            call(&s, "POST", "/v1/feedback", Some(KEY), Some(&json!({"id": "x", "span": {}, "rating": 5}).to_string()))
        )["error"]["param"],
        "id"
    );
    assert_eq!(
        openai_error(404, call(&s, "POST", "/v1/feedback", Some(KEY), Some(r#"{"id": "chatcmpl-none", "rating": 5}"#)))
            ["error"]["code"],
        "not_found"
    );
    openai_error(401, call(&s, "POST", "/v1/feedback", None, Some(r#"{"id": "x", "rating": 5}"#)));
    // Counted.
    let m = call(&s, "GET", "/metrics", None, None).2;
    let samples = parse_prometheus(&m);
    let value = |name: &str, label: Option<(&str, &str)>| {
        samples
            .iter()
            .find(|x| x.0 == name && label.is_none_or(|(k, v)| x.1.iter().any(|(a, b)| a == k && b == v)))
            .map(|x| x.2)
            .unwrap_or_else(|| panic!("no {name} {label:?} in\n{m}"))
    };
    assert_eq!(value("logline_feedback_total", Some(("result", "indexed"))), 3.0);
    assert_eq!(value("logline_feedback_total", Some(("result", "duplicate"))), 1.0);
    assert_eq!(value("logline_feedback_total", Some(("result", "recorded"))), 1.0);
    assert!(value("logline_feedback_total", Some(("result", "rejected"))) >= 3.0);
    assert_eq!(value("logline_feedback_wal_bytes", None), wal_len(&dir.path().join("feedback.wal.ndjson")));
    assert_eq!(value("logline_index_trajectories", None), (before + 3) as f64);
}

fn wal_len(p: &Path) -> f64 {
    std::fs::metadata(p).unwrap().len() as f64
}

/// kill -9 in the middle of concurrent feedback: every acknowledged
/// feedback is there after the restart, none twice, a torn last record is
/// cut; `train --add LOG` folds the log into the model, and a server on the
/// grown model does not learn those spans again.
#[test]
fn acknowledged_feedback_survives_kill_9_and_is_never_applied_twice() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("feedback.wal.ndjson");
    let model = model_dir().1.clone();
    let s = launch(&model, dir.path(), &[], &[], Some(&log));
    let before = trajectories(&s);
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let port = s.port;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let acked = acked.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let id = format!("fb-{w}-{i}");
                    let q = format!("Worker {w} question {i}: how is the cache of region {i} warmed after a deploy?");
                    let a = format!("Region {i}'s cache is warmed by replaying the top {} keys from the access log of worker {w} before traffic moves.", 100 + i);
                    let body = json!({"span": feedback_span(&id, &q, &a), "rating": 5}).to_string();
                    let mut c = match TcpStream::connect(("127.0.0.1", port)) {
                        Ok(c) => c,
                        Err(_) => return,
                    };
                    let req = format!("POST /v1/feedback HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
                    if c.write_all(req.as_bytes()).is_err() {
                        return;
                    }
                    let mut raw = String::new();
                    if c.read_to_string(&mut raw).is_err() || !raw.starts_with("HTTP/1.1 200") {
                        return;
                    }
                    acked.lock().unwrap().push(id);
                }
            })
        })
        .collect();
    let t = Instant::now();
    while acked.lock().unwrap().len() < 12 {
        assert!(t.elapsed() < Duration::from_secs(120), "feedback is not being acknowledged");
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut s = s;
    s.child.kill().unwrap(); // SIGKILL
    s.child.wait().unwrap();
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    // A crash in the middle of an append leaves a torn line.
    std::fs::OpenOptions::new().append(true).open(&log).unwrap().write_all(br#"{"seq":999,"received":"2026"#).unwrap();
    let lines_before = std::fs::read_to_string(&log).unwrap().lines().count() - 1;
    assert!(lines_before >= acked.len());
    let s = launch(&model, dir.path(), &[], &[], Some(&log));
    assert_eq!(trajectories(&s), before + lines_before as u64, "each logged record learned once");
    for id in &acked {
        assert_eq!(
            call(&s, "GET", &format!("/v1/spans/{id}"), Some(KEY), None).0,
            200,
            "{id} was acknowledged and lost"
        );
    }
    assert!(std::fs::read(&log).unwrap().ends_with(b"\n"), "the torn record is cut");
    assert!(s.log.lock().unwrap().contains(&format!("{lines_before} spans learned again")));
    drop(s);
    // Fold the log into a copy of the model; a server on it holds each span once.
    let grown = dir.path().join("grown");
    logline::output::copy_dir(&model, &grown).unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_logline")).args(["train", "--add"]).arg(&log).arg(&grown).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = launch(&grown, dir.path(), &[], &[], Some(&log));
    assert_eq!(trajectories(&s), before + lines_before as u64);
    assert!(
        s.log.lock().unwrap().contains(&format!("0 spans learned again, {lines_before} already in the model")),
        "{}",
        s.log.lock().unwrap()
    );
}

/// With keys, an upstream key and debug logging, neither the API keys
/// (right or wrong) nor the upstream's key reach the logs.
#[test]
fn logs_carry_no_secrets() {
    let debug = [("LOGLINE_LOG", "debug")];
    let (up, _d1) = start_with(&["--fallback-below", "0"], &debug);
    let base = format!("http://127.0.0.1:{}/v1", up.port);
    let (s, _d2) = start_with(
        &["--upstream", &base, "--upstream-key-env", "TEST_UPSTREAM_KEY", "--fallback-below", "1"],
        &[("TEST_UPSTREAM_KEY", KEY), debug[0]],
    );
    let chat = json!({"messages": [{"role": "user", "content": "Write a haiku about autumn leaves"}]}).to_string();
    assert_eq!(call(&s, "POST", "/v1/chat/completions", Some(KEY), Some(&chat)).0, 200);
    assert_eq!(call(&s, "POST", "/v1/chat/completions", Some("test-key-2"), Some(&chat)).0, 200);
    assert_eq!(call(&s, "POST", "/v1/predict", Some("wrong-secret-key-7"), Some(r#"{"query": "x"}"#)).0, 401);
    let (status, _) = feedback(&s, &json!({"span": feedback_span("fb-log", ROTATE_Q, ROTATE_A), "rating": 5}));
    assert_eq!(status, 200);
    for server in [&s, &up] {
        sigterm(server);
    }
    std::thread::sleep(Duration::from_millis(500));
    let hashed = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(KEY.as_bytes()))
    };
    for server in [&s, &up] {
        let log = server.log.lock().unwrap().clone();
        assert!(log.contains("listening on"), "{log}");
        for secret in [KEY, "test-key-2", "wrong-secret-key-7", &hashed] {
            assert!(!log.contains(secret), "the log shows {secret}:\n{log}");
        }
    }
}

fn sigterm(s: &Server) {
    let _ = Command::new("kill").args(["-TERM", &s.child.id().to_string()]).status();
}

/// `logline distill` writes a student that `predict`, `eval` and `serve`
/// load as they load a model: the same request gets the same answer from
/// the CLI and the server, the evaluation puts it beside the ensemble, and
/// a second distillation with the seed is the same file.
#[test]
fn a_distilled_student_round_trips_through_predict_eval_and_serve() {
    let dir = tempfile::tempdir().unwrap();
    let (ens, student) = (dir.path().join("ens"), dir.path().join("student"));
    let logline = |args: &[&std::ffi::OsStr]| {
        let o = Command::new(env!("CARGO_BIN_EXE_logline")).args(args).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    logline(&[&os("ensemble"), model_dir().1.as_os_str(), &os("-o"), ens.as_os_str(), &os("--min-domain"), &os("10")]);
    let printed = logline(&[&os("distill"), ens.as_os_str(), &os("-o"), student.as_os_str(), &os("--json")]);
    let eval: Value = serde_json::from_slice(&printed).unwrap();
    assert_eq!(
        eval,
        serde_json::from_str::<Value>(&std::fs::read_to_string(student.join("eval.json")).unwrap()).unwrap()
    );
    let test = eval["ensemble"]["test"].as_u64().unwrap();
    assert_eq!(eval["student"]["n"].as_u64(), Some(test));
    assert!((0.0..=1.0).contains(&eval["student"]["accuracy"].as_f64().unwrap()));
    assert!(eval["verdict"].as_str().unwrap().contains("latency"));
    let per: u64 = eval["per_domain"].as_array().unwrap().iter().map(|d| d["test_spans"].as_u64().unwrap()).sum();
    assert_eq!(per, test);
    let written = std::fs::read(student.join("student.json")).unwrap();
    let s: Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(s["features"].as_array().unwrap().len(), 8);
    assert!(s["rows"].as_u64().unwrap() > s["requests"].as_u64().unwrap(), "requests have several groups");

    // The same seed, the same student.
    let again = dir.path().join("again");
    logline(&[&os("distill"), ens.as_os_str(), &os("-o"), again.as_os_str()]);
    assert_eq!(written, std::fs::read(again.join("student.json")).unwrap());

    // predict: an answer from the model's trajectories, with the student's confidence.
    let q = "What does pipelining mean in Redis?";
    let p: Value =
        serde_json::from_slice(&logline(&[&os("predict"), student.as_os_str(), &os(q), &os("--json")])).unwrap();
    let m: Value =
        serde_json::from_slice(&logline(&[&os("predict"), model_dir().1.as_os_str(), &os(q), &os("--json")])).unwrap();
    let evidence: Vec<&str> = m["evidence"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(evidence.contains(&p["outcome_id"].as_str().unwrap()), "{p}");
    assert_eq!(p["evidence"], m["evidence"], "one search, the matcher's");
    let c = p["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&c));

    // eval: the folder is recognised, and judged again the same way.
    let re: Value = serde_json::from_slice(&logline(&[&os("eval"), student.as_os_str(), &os("--json")])).unwrap();
    assert_eq!(re["student"]["accuracy"], eval["student"]["accuracy"]);
    assert_eq!(re["ensemble"]["predictors"][3]["accuracy"], eval["ensemble"]["predictors"][3]["accuracy"]);

    // serve: the same answer over HTTP.
    let s = launch(&student, dir.path(), &["--no-feedback"], &[], None);
    let (status, _, body) = call(&s, "POST", "/v1/predict", Some(KEY), Some(&json!({"query": q}).to_string()));
    assert_eq!(status, 200, "{body}");
    let served = json_of(&body);
    assert_eq!(served["outcome_id"], p["outcome_id"]);
    assert_eq!(served["confidence"], p["confidence"]);
    let (status, _, body) = call(
        &s,
        "POST",
        "/v1/chat/completions",
        Some(KEY),
        Some(&json!({"messages": [{"role": "user", "content": q}]}).to_string()),
    );
    assert_eq!(status, 200, "{body}");
    drop(s);

    // A student over a copy of the model; the copy changes: the student is refused.
    let copy = dir.path().join("model-copy");
    assert!(Command::new("cp").arg("-r").arg(&model_dir().1).arg(&copy).status().unwrap().success());
    let moved = dir.path().join("moved");
    logline(&[&os("distill"), ens.as_os_str(), &os("-o"), moved.as_os_str(), &os("--model"), copy.as_os_str()]);
    let manifest = copy.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen('{', "{\"note\": \"edited\", ", 1)).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_logline")).arg("predict").arg(&moved).arg(q).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("changed since"), "{err}");
    // An ensemble is not distilled over another model than its own.
    let o = Command::new(env!("CARGO_BIN_EXE_logline"))
        .arg("distill")
        .arg(&ens)
        .arg("-o")
        .arg(dir.path().join("other"))
        .arg("--model")
        .arg(&copy)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("another model"), "{err}");
}
