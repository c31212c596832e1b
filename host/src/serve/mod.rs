//! Phase 5: `logline serve MODEL` — an HTTP endpoint that answers from the
//! trajectory matcher (axum on tokio, loopback by default).
//!
//! ```text
//! GET  /healthz                 open: the process is up
//! GET  /readyz                  open: 200 once the model is loaded, 503 before
//! GET  /metrics                 Prometheus text (open unless --metrics-auth)
//! POST /v1/predict              {query, did?, domain?, k?, mondrian?} → the prediction and its evidence
//! POST /v1/search               {query, k?, did?, domain?} → nearest trajectories
//! GET  /v1/spans/{id}           one trajectory of the model
//! POST /v1/chat/completions     OpenAI-compatible (stream: true → server-sent events);
//!                               `logline_meta` carries confidence, set, evidence and source;
//!                               under `fallback_below` the request goes to `--upstream`
//!                               (source `upstream`), or the answer abstains
//! ```
//!
//! With `--keys`, every route but the open ones needs `Authorization:
//! Bearer <key>` (keys are compared as SHA-256 digests, in constant
//! time). Bodies are capped, requests time out, and past the concurrency
//! limit requests are shed with 429 rather than queued. Errors use
//! OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`.
//! SIGINT or SIGTERM stops accepting and drains the requests in flight.

mod api;
pub mod feedback;
mod metrics;
pub mod wal;

use crate::embed::Embedder;
use crate::matcher::Model;
use anyhow::Context as _;
use sha2::{Digest as _, Sha256};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// `logline serve` settings.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub model_dir: PathBuf,
    pub addr: SocketAddr,
    /// One key per line, or `sha256:<hex>` of one; `None`: no auth.
    pub keys: Option<PathBuf>,
    /// Chat answers below this calibrated confidence abstain.
    pub fallback_below: f64,
    pub max_body_bytes: usize,
    pub timeout: Duration,
    /// Requests handled at once; more are shed with 429.
    pub concurrency: usize,
    /// `/metrics` needs a key too (when keys are set).
    pub metrics_auth: bool,
    /// An OpenAI-compatible base URL (`http://host:port/v1`) that chat
    /// requests under `fallback_below` are forwarded to.
    pub upstream: Option<String>,
    /// The environment variable holding the upstream's API key.
    pub upstream_key_env: String,
}

/// The defaults of `logline serve`, in one place.
pub mod defaults {
    pub const ADDR: &str = "127.0.0.1:8080";
    /// Without the model's `eval.json`: a calibrated probability under one
    /// half, the prediction more likely wrong than right.
    pub const FALLBACK_BELOW: f64 = 0.5;
    /// With it: the lowest threshold of its abstention curve at which the
    /// test split's answered predictions are at least this accurate …
    pub const ANSWER_ACCURACY: f64 = 0.8;
    /// … over at least this many answered predictions.
    pub const MIN_ANSWERED: f64 = 5.0;
    pub const MAX_BODY_BYTES: usize = 1 << 20;
    pub const TIMEOUT_MS: u64 = 10_000;
    pub const CONCURRENCY: usize = 64;
    pub const UPSTREAM_KEY_ENV: &str = "LOGLINE_UPSTREAM_KEY";
    /// The most queries embedded in one model call.
    pub const EMBED_BATCH: usize = 32;
    /// Model calls at once.
    pub const EMBED_WORKERS: usize = 2;
    /// Queries waiting to be embedded, at most; past it a request is refused.
    pub const EMBED_QUEUE: usize = 1024;
}

/// Queries waiting to be embedded. A worker takes either every short query
/// waiting (up to a batch) into one model call, or one long query alone:
/// batched, long texts ran slower than one at a time, and a worker that
/// took several long ones would keep the others waiting behind it
/// (BENCHMARKS.md, "Serving").
pub struct EmbedQueue {
    shared: Arc<QueueShared>,
}

type EmbedJob = (String, tokio::sync::oneshot::Sender<Result<crate::span::Embedding, String>>);

/// Texts up to this many bytes are batched together.
const BATCH_BYTES: usize = 256;

struct QueueShared {
    jobs: std::sync::Mutex<(std::collections::VecDeque<EmbedJob>, bool)>,
    ready: std::sync::Condvar,
}

impl QueueShared {
    /// The next model call's jobs; `None` once the queue is closed. Jobs
    /// whose request is gone (timed out, disconnected) are dropped unembedded.
    fn take(&self, max_batch: usize) -> Option<Vec<EmbedJob>> {
        let mut g = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let (queue, closed) = &mut *g;
            queue.retain(|(_, reply)| !reply.is_closed());
            if let Some(front) = queue.front() {
                if front.0.len() > BATCH_BYTES {
                    return queue.pop_front().map(|j| vec![j]);
                }
                let mut batch = Vec::new();
                let mut i = 0;
                while i < queue.len() && batch.len() < max_batch.max(1) {
                    if queue[i].0.len() <= BATCH_BYTES {
                        batch.extend(queue.remove(i));
                    } else {
                        i += 1;
                    }
                }
                return Some(batch);
            }
            if *closed {
                return None;
            }
            g = self.ready.wait(g).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl EmbedQueue {
    /// Start `workers` threads that embed; they end when the queue is dropped.
    pub fn start(embedder: Arc<Embedder>, workers: usize, max_batch: usize) -> anyhow::Result<Self> {
        let shared = Arc::new(QueueShared {
            jobs: std::sync::Mutex::new((std::collections::VecDeque::new(), false)),
            ready: std::sync::Condvar::new(),
        });
        for w in 0..workers.max(1) {
            let (shared, embedder) = (shared.clone(), embedder.clone());
            std::thread::Builder::new().name(format!("logline-embed-{w}")).spawn(move || {
                while let Some(jobs) = shared.take(max_batch) {
                    embed_jobs(&embedder, jobs);
                }
            })?;
        }
        Ok(EmbedQueue { shared })
    }

    /// The vector of `text`, embedded with whatever else is waiting.
    pub async fn embed(&self, text: String) -> Result<crate::span::Embedding, String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        {
            let mut g = self.shared.jobs.lock().unwrap_or_else(|p| p.into_inner());
            if g.0.len() >= defaults::EMBED_QUEUE {
                return Err(format!("{} queries are waiting to be embedded; retry", g.0.len()));
            }
            g.0.push_back((text, reply));
        }
        self.shared.ready.notify_one();
        answer.await.map_err(|_| "the embedding thread has stopped".to_string())?
    }
}

impl Drop for EmbedQueue {
    fn drop(&mut self) {
        self.shared.jobs.lock().unwrap_or_else(|p| p.into_inner()).1 = true;
        self.shared.ready.notify_all();
    }
}

/// One model call for `jobs`; each gets its vector or the error (a panic
/// in the model is an error too: the worker goes on).
fn embed_jobs(embedder: &Embedder, jobs: Vec<EmbedJob>) {
    if jobs.is_empty() {
        return;
    }
    let texts: Vec<&str> = jobs.iter().map(|(t, _)| t.as_str()).collect();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| embedder.embed(&texts)))
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the embedding model panicked")));
    match result {
        Ok(vectors) => {
            for ((_, reply), v) in jobs.into_iter().zip(vectors) {
                let _ = reply.send(Ok(v));
            }
        }
        Err(e) => {
            let why = format!("{e:#}");
            for (_, reply) in jobs {
                let _ = reply.send(Err(why.clone()));
            }
        }
    }
}

/// The default `fallback_below` of a model folder, and why: from its
/// `eval.json` abstention curve when there is one (see
/// [`defaults::ANSWER_ACCURACY`]); 1 (every chat answer abstains or goes
/// upstream) when no threshold reaches it.
pub fn fallback_below_of(model_dir: &Path) -> anyhow::Result<(f64, String)> {
    let path = model_dir.join(crate::matcher::train::files::EVAL);
    if !path.is_file() {
        return Ok((
            defaults::FALLBACK_BELOW,
            format!(
                "{} has no eval.json (run `logline eval`): the default {}",
                model_dir.display(),
                defaults::FALLBACK_BELOW
            ),
        ));
    }
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path)?).with_context(|| format!("reading {}", path.display()))?;
    let test = v["test"].as_f64().unwrap_or(0.0);
    let curve = v["abstention"].as_array().with_context(|| format!("{}: no `abstention` curve", path.display()))?;
    let points: Vec<(f64, f64, f64)> = curve
        .iter()
        .filter_map(|a| Some((a["below"].as_f64()?, a["answered"].as_f64()? * test, a["accuracy"].as_f64()?)))
        .collect();
    Ok(choose_fallback(&points).map_or_else(
        || {
            (
                1.0,
                format!(
                    "{}: no confidence threshold reaches accuracy {} on {} or more answered test predictions: every chat answer abstains or goes upstream",
                    path.display(),
                    defaults::ANSWER_ACCURACY,
                    defaults::MIN_ANSWERED
                ),
            )
        },
        |(t, n, acc)| {
            (t, format!("{}: answered test predictions at confidence ≥ {t} are {acc:.2} accurate ({n:.0} of {test:.0})", path.display()))
        },
    ))
}

/// The lowest threshold whose (answered count, accuracy) clear the bars.
fn choose_fallback(points: &[(f64, f64, f64)]) -> Option<(f64, f64, f64)> {
    points
        .iter()
        .copied()
        .filter(|&(_, n, acc)| n.round() >= defaults::MIN_ANSWERED && acc >= defaults::ANSWER_ACCURACY)
        .min_by(|a, b| a.0.total_cmp(&b.0))
}

/// Where low-confidence chat requests go.
pub struct Upstream {
    /// `<base>/chat/completions`.
    pub url: String,
    key: Option<String>,
    agent: ureq::Agent,
}

impl Upstream {
    pub fn new(base: &str, key_env: &str, timeout: Duration) -> anyhow::Result<Self> {
        let base = base.trim_end_matches('/');
        anyhow::ensure!(
            base.starts_with("http://") || base.starts_with("https://"),
            "--upstream must be an http:// or https:// URL, got {base}"
        );
        let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build();
        Ok(Upstream {
            url: format!("{base}/chat/completions"),
            key: std::env::var(key_env).ok().filter(|k| !k.is_empty()),
            agent: ureq::Agent::new_with_config(config),
        })
    }

    /// POST a chat request and take its answer (blocking): the text of
    /// `choices[0].message.content` and the whole response, or why there is
    /// none (the call failed, a non-2xx status with the upstream's message,
    /// or no content).
    pub fn complete(&self, body: &serde_json::Value) -> Result<(String, serde_json::Value), String> {
        let (status, v) = self.chat(body).map_err(|e| format!("the upstream failed: {e:#}"))?;
        if !(200..300).contains(&status) {
            let why = v["error"]["message"].as_str().unwrap_or("no message");
            return Err(format!("the upstream answered {status}: {why}"));
        }
        match v["choices"][0]["message"]["content"].as_str() {
            Some(content) => Ok((content.to_string(), v)),
            None => Err("the upstream's answer has no choices[0].message.content".to_string()),
        }
    }

    /// POST `body`; the status and the JSON answer (blocking).
    pub fn chat(&self, body: &serde_json::Value) -> anyhow::Result<(u16, serde_json::Value)> {
        let mut req = self.agent.post(&self.url);
        if let Some(k) = &self.key {
            req = req.header("Authorization", &format!("Bearer {k}"));
        }
        let mut resp = req.send_json(body).with_context(|| format!("calling {}", self.url))?;
        let status = resp.status().as_u16();
        let v = resp.body_mut().read_json().with_context(|| format!("{} answered {status} with no JSON", self.url))?;
        Ok((status, v))
    }
}

/// What answers requests once loaded.
pub struct Loaded {
    /// The model's matcher, or a student over the model.
    pub predictor: crate::matcher::Predictor,
    pub embedder: Arc<Embedder>,
    /// Request queries, embedded in batches.
    pub queue: EmbedQueue,
    /// The trajectories learned from feedback, and every id served.
    pub live: std::sync::RwLock<feedback::Live>,
    /// `None`: the server takes no feedback.
    pub learner: Option<feedback::Learner>,
}

impl Loaded {
    /// The model, its embedder and (when feedback is on) the learner with
    /// the records its log held: their spans are learned again here.
    pub fn new(
        predictor: crate::matcher::Predictor,
        embedder: Embedder,
        learner: Option<(feedback::Learner, Vec<wal::Record>, u64)>,
    ) -> anyhow::Result<Self> {
        let model = predictor.model();
        model.check_embedding_model(embedder.model_key())?;
        let mut live = feedback::Live::new(model);
        let learner = match learner {
            Some((mut learner, records, torn_bytes)) => {
                learner.load_relevance_beside(&embedder.model.files, defaults::EMBED_WORKERS)?;
                let path = learner.wal_path();
                let r = feedback::Learner::replay(model, &embedder, &mut live, &records, &path)?;
                if torn_bytes > 0 {
                    tracing::warn!(
                        "{}: cut a torn last record ({torn_bytes} bytes, never acknowledged)",
                        path.display()
                    );
                }
                eprintln!(
                    "logline serve: feedback log {}: {} records, {} spans learned again, {} already in the model",
                    path.display(),
                    r.records,
                    r.learned,
                    r.in_model
                );
                Some(learner)
            }
            None => None,
        };
        let embedder = Arc::new(embedder);
        let queue = EmbedQueue::start(embedder.clone(), defaults::EMBED_WORKERS, defaults::EMBED_BATCH)?;
        Ok(Loaded { predictor, embedder, queue, live: std::sync::RwLock::new(live), learner })
    }

    /// The model searched.
    pub fn model(&self) -> &Model {
        self.predictor.model()
    }

    /// The live trajectories (model and feedback), for reading.
    pub fn live(&self) -> std::sync::RwLockReadGuard<'_, feedback::Live> {
        self.live.read().unwrap_or_else(|p| p.into_inner())
    }
}

/// API keys, kept as SHA-256 digests.
#[derive(Debug, Clone, Default)]
pub struct Keys(Vec<[u8; 32]>);

impl Keys {
    /// Read a keys file: one key per line, or `sha256:<64 hex digits>`;
    /// blank lines and `#` comments are skipped.
    pub fn load(path: &Path) -> anyhow::Result<Keys> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut keys = Vec::new();
        for (no, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let digest = match line.strip_prefix("sha256:") {
                Some(hex_digest) => {
                    let bytes = hex::decode(hex_digest.trim())
                        .ok()
                        .filter(|b| b.len() == 32)
                        .with_context(|| format!("{}:{}: `sha256:` needs 64 hex digits", path.display(), no + 1))?;
                    let mut d = [0u8; 32];
                    d.copy_from_slice(&bytes);
                    d
                }
                None => Sha256::digest(line.as_bytes()).into(),
            };
            keys.push(digest);
        }
        anyhow::ensure!(!keys.is_empty(), "{}: no key in it", path.display());
        Ok(Keys(keys))
    }

    /// Whether `presented` is one of the keys. Every stored digest is
    /// compared in full whatever matches, so timing tells nothing.
    pub fn accepts(&self, presented: &str) -> bool {
        let d: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut any = 0u8;
        for k in &self.0 {
            let diff = k.iter().zip(d.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
            any |= (diff == 0) as u8;
        }
        any == 1
    }
}

/// Shared by every request.
pub struct AppState {
    pub loaded: OnceLock<Arc<Loaded>>,
    pub keys: Option<Keys>,
    pub metrics: metrics::Metrics,
    pub upstream: Option<Upstream>,
    pub opts: ServeOptions,
}

/// Bind, print the address, load the model in the background and serve
/// until SIGINT or SIGTERM. `load` runs on a blocking thread.
pub async fn serve(
    opts: ServeOptions,
    load: impl FnOnce() -> anyhow::Result<Loaded> + Send + 'static,
) -> anyhow::Result<()> {
    let keys = opts.keys.as_deref().map(Keys::load).transpose()?;
    let upstream =
        opts.upstream.as_deref().map(|u| Upstream::new(u, &opts.upstream_key_env, opts.timeout)).transpose()?;
    let listener = tokio::net::TcpListener::bind(opts.addr).await.with_context(|| format!("binding {}", opts.addr))?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState { loaded: OnceLock::new(), keys, metrics: metrics::Metrics::new()?, upstream, opts });
    // The one line a supervisor (or a test) waits for.
    eprintln!("logline serve: listening on http://{addr}");

    let (fail_tx, mut fail_rx) = tokio::sync::mpsc::channel::<anyhow::Error>(1);
    let st = state.clone();
    tokio::spawn(async move {
        match tokio::task::spawn_blocking(load).await {
            Ok(Ok(l)) => {
                st.metrics.index_size.set(l.live().size(l.model()) as i64);
                if let Some(learner) = &l.learner {
                    st.metrics.wal_bytes.set(learner.wal_bytes() as i64);
                }
                let _ = st.loaded.set(Arc::new(l));
                eprintln!("logline serve: model loaded, ready");
            }
            Ok(Err(e)) => {
                let _ = fail_tx.send(e).await;
            }
            Err(e) => {
                let _ = fail_tx.send(anyhow::anyhow!("loading the model panicked: {e}")).await;
            }
        }
    });

    let failed = Arc::new(std::sync::Mutex::new(None::<anyhow::Error>));
    let failed_in = failed.clone();
    let shutdown = async move {
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
            Some(e) = fail_rx.recv() => {
                *failed_in.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            }
        }
        eprintln!("logline serve: shutting down, draining requests in flight");
    };
    axum::serve(listener, api::router(state)).with_graceful_shutdown(shutdown).await?;
    if let Some(e) = failed.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e.context("loading the model"));
    }
    eprintln!("logline serve: stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_short_queries_go_together_and_a_long_one_goes_alone() {
        let q = QueueShared {
            jobs: std::sync::Mutex::new((std::collections::VecDeque::new(), false)),
            ready: std::sync::Condvar::new(),
        };
        let long = "x".repeat(BATCH_BYTES + 1);
        let mut waiting = Vec::new();
        for t in ["a", long.as_str(), "gone", "b", "c", long.as_str(), "d"] {
            let (tx, rx) = tokio::sync::oneshot::channel();
            q.jobs.lock().unwrap().0.push_back((t.to_string(), tx));
            // "gone": its request timed out before it was embedded.
            if t != "gone" {
                waiting.push(rx);
            }
        }
        let texts = |jobs: Vec<EmbedJob>| jobs.into_iter().map(|j| j.0.len()).collect::<Vec<_>>();
        assert_eq!(texts(q.take(3).unwrap()), [1, 1, 1], "a, b, c past the long one, up to the batch");
        assert_eq!(texts(q.take(3).unwrap()), [BATCH_BYTES + 1], "a long one at the front goes alone");
        assert_eq!(texts(q.take(3).unwrap()), [BATCH_BYTES + 1]);
        assert_eq!(texts(q.take(3).unwrap()), [1]);
        q.jobs.lock().unwrap().1 = true;
        assert!(q.take(3).is_none(), "closed and empty: the worker ends");
    }

    #[test]
    fn the_fallback_is_the_lowest_threshold_accurate_enough_on_enough_answers() {
        // (threshold, answered, accuracy): 0.9 is perfect on too few answers.
        let curve = [(0.0, 23.0, 0.39), (0.4, 10.0, 0.7), (0.5, 6.0, 0.83), (0.6, 5.0, 1.0), (0.9, 1.0, 1.0)];
        assert_eq!(choose_fallback(&curve).map(|p| p.0), Some(0.5));
        assert_eq!(choose_fallback(&[(0.0, 100.0, 0.5), (0.9, 2.0, 1.0)]), None);
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(fallback_below_of(dir.path()).unwrap().0, defaults::FALLBACK_BELOW);
        let eval = serde_json::json!({"test": 20, "abstention": [
            {"below": 0.0, "answered": 1.0, "accuracy": 0.4}, {"below": 0.3, "answered": 0.5, "accuracy": 0.8}]});
        std::fs::write(dir.path().join("eval.json"), eval.to_string()).unwrap();
        let (t, why) = fallback_below_of(dir.path()).unwrap();
        assert_eq!(t, 0.3, "{why}");
        assert!(why.contains("10 of 20"), "{why}");
    }

    #[test]
    fn keys_match_plain_and_hashed_lines_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.txt");
        let hashed = hex::encode(Sha256::digest(b"second-key"));
        std::fs::write(&path, format!("# ops\nfirst-key\n\nsha256:{hashed}\n")).unwrap();
        let k = Keys::load(&path).unwrap();
        assert!(k.accepts("first-key") && k.accepts("second-key"));
        for wrong in ["", "first-key ", "First-key", "second", &format!("sha256:{hashed}")] {
            assert!(!k.accepts(wrong), "{wrong:?}");
        }
        std::fs::write(&path, "sha256:abc\n").unwrap();
        assert!(Keys::load(&path).unwrap_err().to_string().contains("keys.txt:1"));
        std::fs::write(&path, "# none\n").unwrap();
        assert!(Keys::load(&path).is_err());
    }
}
