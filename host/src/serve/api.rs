//! The routes, the auth and metrics middleware, and the error shape.

use super::feedback::{Answered, Failure, Feedback, Subject};
use super::{AppState, Loaded};
use crate::matcher::predict::{Prediction, Query};
use axum::Router;
use axum::body::Bytes;
use axum::error_handling::HandleErrorLayer;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tower::ServiceBuilder;

/// The most neighbours a request may ask for.
const MAX_K: usize = 100;

pub fn router(state: Arc<AppState>) -> Router {
    let o = &state.opts;
    let limits = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(limit_error))
        .load_shed()
        .concurrency_limit(o.concurrency.max(1))
        .timeout(o.timeout);
    // Health checks stay outside the limits: a shedding server still says it is alive.
    let limited = Router::new()
        .route("/metrics", get(metrics))
        .route("/v1/predict", post(predict))
        .route("/v1/search", post(search))
        .route("/v1/spans/{id}", get(span))
        .route("/v1/chat/completions", post(chat))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth))
        .layer(DefaultBodyLimit::max(o.max_body_bytes))
        .layer(limits);
    // Feedback is shed under load but never timed out: a timeout would
    // answer 503 while the write goes on, and the client's retry would
    // record it twice.
    let learning = Router::new()
        .route("/v1/feedback", post(feedback))
        .layer(middleware::from_fn_with_state(state.clone(), auth))
        .layer(DefaultBodyLimit::max(o.max_body_bytes))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(limit_error))
                .load_shed()
                .concurrency_limit(o.concurrency.max(1)),
        );
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(learning)
        .merge(limited)
        .layer(middleware::from_fn_with_state(state.clone(), record))
        .with_state(state)
}

/// An error in OpenAI's shape.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    kind: &'static str,
    param: Option<String>,
    code: Option<&'static str>,
    /// More members of the error object (a feedback refusal's stage, reasons…).
    more: Option<serde_json::Map<String, Value>>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into(), kind, param: None, code: None, more: None }
    }

    fn invalid(param: &str, message: impl Into<String>) -> Self {
        ApiError {
            param: Some(param.to_string()),
            ..Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
        }
    }

    fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body =
            json!({"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}});
        if let (Some(more), Some(e)) = (self.more, body["error"].as_object_mut()) {
            e.extend(more);
        }
        let mut r = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}

/// Timeouts and load shedding, from the tower layers.
async fn limit_error(err: tower::BoxError) -> ApiError {
    if err.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            "the server is at its concurrency limit; retry",
        )
        .code("overloaded")
    } else if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "timeout", "the request took longer than the server allows")
            .code("timeout")
    } else {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", err.to_string())
    }
}

/// A bounded route label for the metrics.
fn route_label(path: &str) -> &'static str {
    match path {
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        "/v1/predict" => "/v1/predict",
        "/v1/search" => "/v1/search",
        "/v1/chat/completions" => "/v1/chat/completions",
        "/v1/feedback" => "/v1/feedback",
        p if p.starts_with("/v1/spans/") => "/v1/spans/{id}",
        _ => "other",
    }
}

async fn record(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let route = route_label(req.uri().path());
    let start = Instant::now();
    let resp = next.run(req).await;
    st.metrics.requests.with_label_values(&[route, resp.status().as_str()]).inc();
    st.metrics.latency.with_label_values(&[route]).observe(start.elapsed().as_secs_f64());
    resp
}

async fn auth(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let open = path == "/healthz" || path == "/readyz" || (path == "/metrics" && !st.opts.metrics_auth);
    if let Some(keys) = &st.keys
        && !open
    {
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            // The scheme is case-insensitive (RFC 9110 §11.1).
            .and_then(|v| v.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")))
            .map(|(_, key)| key.trim());
        if !presented.is_some_and(|k| keys.accepts(k)) {
            let msg = if presented.is_some() {
                "the API key is not valid"
            } else {
                "no API key: send `Authorization: Bearer <key>`"
            };
            return ApiError::new(StatusCode::UNAUTHORIZED, "invalid_request_error", msg)
                .code("invalid_api_key")
                .into_response();
        }
    }
    next.run(req).await
}

/// A JSON body as `T`, with errors that name the field.
fn parse<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<T, ApiError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request_error",
                format!("the body is over {limit} bytes"),
            )
        } else {
            ApiError::new(e.status(), "invalid_request_error", e.body_text())
        }
    })?;
    serde_json::from_slice(&bytes).map_err(not_a_request)
}

/// A JSON error as a 400 that names the field when serde does.
fn not_a_request(e: serde_json::Error) -> ApiError {
    let msg = e.to_string();
    let field = msg.split('`').nth(1).filter(|_| msg.contains("field")).unwrap_or("body").to_string();
    ApiError::invalid(&field, format!("the body is not a valid request: {msg}"))
}

fn loaded(st: &AppState) -> Result<Arc<Loaded>, ApiError> {
    st.loaded.get().cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the model is still loading; /readyz answers 200 when it is ready",
        )
    })
}

/// Embed `text` (batched with the queries waiting with it) and run `then`
/// on its vector, off the async threads.
async fn with_vector<T: Send + 'static>(
    l: Arc<Loaded>,
    text: String,
    then: impl FnOnce(&Loaded, &[f32]) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let v = l.queue.embed(text).await.map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", format!("embedding the query failed: {e}"))
    })?;
    tokio::task::spawn_blocking(move || then(&l, &v)).await.map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", format!("the request failed: {e}"))
    })
}

fn check_query(query: &str, k: Option<usize>) -> Result<(), ApiError> {
    if query.trim().is_empty() {
        return Err(ApiError::invalid("query", "`query` is empty"));
    }
    if let Some(k) = k
        && !(1..=MAX_K).contains(&k)
    {
        return Err(ApiError::invalid("k", format!("`k` must be within 1..={MAX_K}, got {k}")));
    }
    Ok(())
}

async fn healthz() -> impl IntoResponse {
    axum::Json(json!({"status": "ok"}))
}

async fn readyz(State(st): State<Arc<AppState>>) -> Response {
    match st.loaded.get() {
        Some(l) => axum::Json(json!({"status": "ready", "trajectories": l.live().size(l.model())})).into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({"status": "loading"}))).into_response(),
    }
}

async fn metrics(State(st): State<Arc<AppState>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], st.metrics.render())
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "invalid_request_error", "no such route").code("not_found")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PredictRequest {
    query: String,
    did: Option<String>,
    domain: Option<String>,
    k: Option<usize>,
    #[serde(default)]
    mondrian: bool,
}

fn no_match() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "invalid_request_error", "no trajectory matches the filters").code("no_match")
}

async fn predict(State(st): State<Arc<AppState>>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let r: PredictRequest = parse(body, st.opts.max_body_bytes)?;
    check_query(&r.query, r.k)?;
    if r.mondrian && r.did.is_none() {
        return Err(ApiError::invalid("mondrian", "`mondrian` needs a `did`"));
    }
    let l = loaded(&st)?;
    let p = with_vector(l, r.query.clone(), move |l, v| {
        let q = Query {
            did: r.did.as_deref(),
            domain: r.domain.as_deref(),
            k: r.k,
            mondrian: r.mondrian,
            exclude_thread: None,
        };
        l.predictor.predict_in(&l.live().side, v, &q)
    })
    .await?
    .ok_or_else(no_match)?;
    st.metrics.confidence.observe(p.confidence);
    st.metrics.predictions.with_label_values(&["model"]).inc();
    Ok(axum::Json(p).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchRequest {
    query: String,
    did: Option<String>,
    domain: Option<String>,
    k: Option<usize>,
}

fn trajectory_json(l: &Loaded, side: &crate::matcher::predict::Side, row: u32) -> Value {
    let r = l.model().record(side, row);
    json!({"id": r.id, "did": r.did, "status": r.status, "domain": r.domain, "thread": r.thread, "query": r.query, "outcome": r.outcome})
}

async fn search(State(st): State<Arc<AppState>>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let r: SearchRequest = parse(body, st.opts.max_body_bytes)?;
    check_query(&r.query, r.k)?;
    let l = loaded(&st)?;
    let data = with_vector(l, r.query.clone(), move |l, v| {
        let q = Query {
            did: r.did.as_deref(),
            domain: r.domain.as_deref(),
            k: Some(r.k.unwrap_or(10)),
            ..Default::default()
        };
        let live = l.live();
        l.model()
            .neighbours_in(&live.side, v, &q)
            .into_iter()
            .map(|(row, sim)| {
                let mut t = trajectory_json(l, &live.side, row);
                t["similarity"] = json!(sim);
                t
            })
            .collect::<Vec<_>>()
    })
    .await?;
    Ok(axum::Json(json!({"object": "list", "data": data})).into_response())
}

async fn span(State(st): State<Arc<AppState>>, UrlPath(id): UrlPath<String>) -> Result<Response, ApiError> {
    let l = loaded(&st)?;
    let live = l.live();
    let row = *live.by_id.get(&id).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "invalid_request_error", format!("no trajectory `{id}` in the model"))
            .code("not_found")
    })?;
    Ok(axum::Json(trajectory_json(&l, &live.side, row)).into_response())
}

#[derive(Deserialize)]
struct ChatRequest {
    #[serde(default)]
    model: Option<String>,
    messages: Vec<ChatMessage>,
    #[serde(default)]
    stream: bool,
}

#[derive(Deserialize)]
struct ChatMessage {
    role: String,
    #[serde(default)]
    content: Value,
}

/// A message's text: a string, or the text parts of a list of parts.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter(|p| p["type"] == "text")
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

static COMPLETIONS: AtomicU64 = AtomicU64::new(0);

/// A value of this server start, so completion ids never repeat across
/// restarts (a container's pid is always 1).
fn start_nonce() -> &'static str {
    static NONCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NONCE.get_or_init(|| {
        use sha2::{Digest as _, Sha256};
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let seed = format!("{}-{}-{:p}", now.as_nanos(), std::process::id(), &COMPLETIONS);
        hex::encode(&Sha256::digest(seed.as_bytes())[..6])
    })
}

/// The answer to a chat request, and what `logline_meta` says of it.
fn answer(p: Option<&Prediction>, fallback_below: f64) -> (String, Value) {
    match p {
        Some(p) if p.confidence >= fallback_below => (
            p.outcome.clone(),
            json!({
                "source": "model", "confidence": p.confidence, "fallback_below": fallback_below,
                "status": p.status, "status_confidence": p.status_confidence, "outcome_id": p.outcome_id,
                "set": p.set, "alpha": p.alpha, "evidence": p.evidence, "calibrated_for_query": p.calibrated_for_query,
            }),
        ),
        Some(p) => (
            format!(
                "I have no confident answer to this: the nearest trajectories give confidence {:.2}, under the {:.2} this server answers at.",
                p.confidence, fallback_below
            ),
            json!({
                "source": "abstained", "confidence": p.confidence, "fallback_below": fallback_below,
                "status": p.status, "outcome_id": p.outcome_id, "set": p.set, "alpha": p.alpha, "evidence": p.evidence,
            }),
        ),
        None => (
            "I have no answer to this: no trajectory in the model matches.".to_string(),
            json!({"source": "abstained", "confidence": null, "fallback_below": fallback_below, "set": [], "evidence": []}),
        ),
    }
}

async fn chat(State(st): State<Arc<AppState>>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let raw: Value = parse(body, st.opts.max_body_bytes)?;
    let r: ChatRequest = serde_json::from_value(raw.clone()).map_err(not_a_request)?;
    let query = r.messages.iter().rev().find(|m| m.role == "user").map(|m| text_of(&m.content)).unwrap_or_default();
    if query.trim().is_empty() {
        return Err(ApiError::invalid("messages", "no user message with text in `messages`"));
    }
    let l = loaded(&st)?;
    let prediction =
        with_vector(l.clone(), query.clone(), |l, v| l.predictor.predict_in(&l.live().side, v, &Query::default()))
            .await?;
    if let Some(p) = &prediction {
        st.metrics.confidence.observe(p.confidence);
    }
    let fallback_below = st.opts.fallback_below;
    let confident = prediction.as_ref().is_some_and(|p| p.confidence >= fallback_below);
    let (mut content, mut meta) = answer(prediction.as_ref(), fallback_below);
    let mut upstream_body = None;
    if !confident && let Some(up) = &st.upstream {
        let mut forward = raw;
        forward["stream"] = json!(false);
        let st2 = st.clone();
        let (answer, v) =
            tokio::task::spawn_blocking(move || st2.upstream.as_ref().expect("checked").complete(&forward))
                .await
                .map_err(|e| format!("the upstream failed: {e}"))
                .and_then(|r| r)
                .map_err(|why| ApiError::new(StatusCode::BAD_GATEWAY, "upstream_error", why).code("upstream"))?;
        content = answer;
        meta = json!({
            "source": "upstream", "upstream": up.url, "upstream_model": v["model"],
            "confidence": prediction.as_ref().map(|p| p.confidence), "fallback_below": fallback_below,
            "evidence": prediction.as_ref().map(|p| p.evidence.clone()).unwrap_or_default(),
        });
        upstream_body = Some(v);
    }
    let source = meta["source"].as_str().unwrap_or("model");
    st.metrics.predictions.with_label_values(&[source]).inc();
    let id = format!("chatcmpl-{}-{}", start_nonce(), COMPLETIONS.fetch_add(1, Ordering::Relaxed));
    let created = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let model = r.model.unwrap_or_else(|| "logline".to_string());
    if let Some(learner) = &l.learner {
        let created_at = chrono::DateTime::from_timestamp(created as i64, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default();
        learner.remember(
            id.clone(),
            Answered {
                query: query.clone(),
                answer: content.clone(),
                source: source.to_string(),
                model: model.clone(),
                created: created_at,
            },
        );
    }
    // Counted in words: the matcher has no generation tokenizer (an
    // upstream's own usage is passed on).
    let usage = match upstream_body.as_ref().map(|v| &v["usage"]).filter(|u| u.is_object()) {
        Some(u) => u.clone(),
        None => {
            let (p, c) = (query.split_whitespace().count(), content.split_whitespace().count());
            json!({"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c})
        }
    };
    if !r.stream {
        let body = match upstream_body {
            Some(mut v) => {
                v["logline_meta"] = meta;
                v
            }
            None => json!({
                "id": id, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "logprobs": null, "finish_reason": "stop"}],
                "usage": usage, "logline_meta": meta,
            }),
        };
        return Ok(axum::Json(body).into_response());
    }
    let chunk = |delta: Value, finish: Value| {
        json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
               "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]})
    };
    let mut events = vec![chunk(json!({"role": "assistant", "content": ""}), Value::Null)];
    for piece in pieces(&content, 8) {
        events.push(chunk(json!({"content": piece}), Value::Null));
    }
    let mut last = chunk(json!({}), json!("stop"));
    last["usage"] = usage;
    last["logline_meta"] = meta;
    events.push(last);
    let mut sse = String::new();
    for e in events {
        sse.push_str("data: ");
        sse.push_str(&e.to_string());
        sse.push_str("\n\n");
    }
    sse.push_str("data: [DONE]\n\n");
    Ok(([(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")], sse).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedbackRequest {
    /// A completion id this server answered, or a trajectory id it holds.
    id: Option<String>,
    /// A span, as an input line.
    span: Option<Box<serde_json::value::RawValue>>,
    rating: Option<Value>,
    comment: Option<String>,
}

async fn feedback(State(st): State<Arc<AppState>>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let r: FeedbackRequest = parse(body, st.opts.max_body_bytes)?;
    let rating = match r.rating.as_ref().and_then(Value::as_u64) {
        Some(n @ 1..=5) => n as u8,
        _ => return Err(ApiError::invalid("rating", "`rating` must be a whole number from 1 to 5")),
    };
    let subject = match (r.id, r.span) {
        (Some(id), None) if !id.trim().is_empty() => Subject::Id(id),
        (None, Some(span)) => Subject::Span(span),
        _ => {
            return Err(ApiError::invalid(
                "id",
                "send either `id` (a completion id or a trajectory id) or `span` (a span), not both",
            ));
        }
    };
    let l = loaded(&st)?;
    if l.learner.is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "this server takes no feedback (--no-feedback)",
        )
        .code("not_found"));
    }
    let f = Feedback { subject, rating, comment: r.comment };
    let l2 = l.clone();
    // The log's size is read here too: its lock may wait on an fsync.
    let (result, wal_bytes) = tokio::task::spawn_blocking(move || {
        let learner = l2.learner.as_ref().expect("checked");
        (learner.learn(l2.model(), &l2.embedder, &l2.live, f), learner.wal_bytes())
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", format!("feedback failed: {e}")))?;
    st.metrics.wal_bytes.set(wal_bytes as i64);
    st.metrics.index_size.set(l.live().size(l.model()) as i64);
    let result_label = match &result {
        Ok(a) if a.duplicate => "duplicate",
        Ok(a) if a.indexed => "indexed",
        Ok(_) => "recorded",
        Err(_) => "rejected",
    };
    st.metrics.feedback.with_label_values(&[result_label]).inc();
    match result {
        Ok(a) => {
            let mut v = serde_json::to_value(&a).unwrap_or_default();
            v["object"] = json!("feedback");
            v["accepted"] = json!(true);
            Ok(axum::Json(v).into_response())
        }
        Err(Failure::Refused(r)) => {
            let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let more = match serde_json::to_value(&*r) {
                Ok(Value::Object(m)) => m,
                _ => Default::default(),
            };
            Err(ApiError {
                param: r.field.clone(),
                code: Some(r.reason.as_str()),
                more: Some(more),
                ..ApiError::new(status, "invalid_request_error", format!("the feedback was refused: {}", r.detail))
            })
        }
        Err(Failure::Unknown(why)) => Err(ApiError {
            param: Some("id".into()),
            ..ApiError::new(StatusCode::NOT_FOUND, "invalid_request_error", why).code("not_found")
        }),
        Err(Failure::Internal(e)) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            format!("the feedback could not be recorded: {e:#}"),
        )),
    }
}

/// `text` in pieces of up to `words` words, whitespace kept, so the
/// pieces join back to `text` exactly.
fn pieces(text: &str, words: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut seen = 0;
    let mut in_word = false;
    for (i, ch) in text.char_indices() {
        let space = ch.is_whitespace();
        if in_word && space {
            seen += 1;
            if seen == words {
                out.push(&text[start..i]);
                start = i;
                seen = 0;
            }
        }
        in_word = !space;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_pieces_join_back_to_the_answer() {
        for text in ["", "one", "a b c d e f g h i j", "  lead\n\ncode `x`  trailing  ", "日本語 の テキスト です"]
        {
            let p = pieces(text, 3);
            assert_eq!(p.concat(), text);
            assert!(p.iter().all(|x| x.split_whitespace().count() <= 3), "{p:?}");
        }
    }

    #[test]
    fn message_text_comes_from_strings_or_text_parts() {
        assert_eq!(text_of(&json!("hi")), "hi");
        assert_eq!(
            text_of(&json!([{"type": "text", "text": "a"}, {"type": "image_url"}, {"type": "text", "text": "b"}])),
            "a\nb"
        );
        assert_eq!(text_of(&Value::Null), "");
    }
}
