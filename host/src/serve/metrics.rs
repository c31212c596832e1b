//! What `/metrics` reports, in Prometheus' text format.

use prometheus::{
    Encoder as _, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    /// Requests by route and status.
    pub requests: IntCounterVec,
    /// Latency by route, seconds.
    pub latency: HistogramVec,
    /// Predictions by source: `model` or `abstained`.
    pub predictions: IntCounterVec,
    /// Calibrated confidence of predictions.
    pub confidence: Histogram,
    /// Trajectories served (the model's and those learned from feedback).
    pub index_size: IntGauge,
    /// Feedback by result: `indexed`, `recorded`, `duplicate` or `rejected`.
    pub feedback: IntCounterVec,
    /// Bytes in the feedback log.
    pub wal_bytes: IntGauge,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("logline_http_requests_total", "HTTP requests by route and status"),
            &["route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("logline_http_request_duration_seconds", "HTTP request latency by route")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0]),
            &["route"],
        )?;
        let predictions = IntCounterVec::new(
            Opts::new("logline_predictions_total", "Predictions answered, by source (model or abstained)"),
            &["source"],
        )?;
        let confidence = Histogram::with_opts(
            HistogramOpts::new("logline_prediction_confidence", "Calibrated confidence of predictions")
                .buckets((1..=10).map(|i| i as f64 / 10.0).collect()),
        )?;
        let index_size = IntGauge::new(
            "logline_index_trajectories",
            "Trajectories served (the model's and those learned from feedback)",
        )?;
        let feedback = IntCounterVec::new(
            Opts::new("logline_feedback_total", "Feedback by result (indexed, recorded, duplicate, rejected)"),
            &["result"],
        )?;
        let wal_bytes = IntGauge::new("logline_feedback_wal_bytes", "Bytes in the feedback write-ahead log")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(predictions.clone()))?;
        registry.register(Box::new(confidence.clone()))?;
        registry.register(Box::new(index_size.clone()))?;
        registry.register(Box::new(feedback.clone()))?;
        registry.register(Box::new(wal_bytes.clone()))?;
        Ok(Metrics { registry, requests, latency, predictions, confidence, index_size, feedback, wal_bytes })
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}
