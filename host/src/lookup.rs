//! What an enzyme may look up about other spans — neighbours, threads,
//! tags, stored vectors — as a trait of its own, so the index (which
//! answers) and the enzyme host (which asks on a guest's behalf) both depend
//! on it and not on each other.

/// An earlier span of a thread, as the look-ups return it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadEntry {
    pub id: String,
    pub who: String,
    pub did: String,
    pub this: String,
    pub if_ok: Option<String>,
    pub when: String,
}

/// How a span belongs to a thread.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThreadKey {
    pub thread_id: Option<String>,
    pub previous_spans: Vec<String>,
    /// `when` as milliseconds since the epoch (UTC when no offset is given).
    pub when_ms: i64,
    /// The span's position in its input file: entries before it are "earlier"
    /// when timestamps tie.
    pub order: u64,
}

/// A nearest-neighbour question.
pub enum NeighbourQuery<'a> {
    /// Neighbours of a span the index holds.
    Id(&'a str),
    /// Neighbours of a vector (the span being processed, whose text may have
    /// changed), excluding `exclude`.
    Vector { vector: &'a [f32], exclude: &'a str },
}

/// The read-only look-ups an enzyme may make. Phase 0's indexes implement
/// this; [`NoLookups`] answers nothing.
pub trait Lookups: Send + Sync {
    fn neighbours(&self, query: NeighbourQuery<'_>, k: usize) -> Vec<(String, f32)>;
    fn thread_key(&self, span_id: &str) -> Option<ThreadKey>;
    /// Up to `limit` spans of the thread described by `key` that come before
    /// the span `self_id`, oldest first.
    fn thread(&self, key: &ThreadKey, self_id: &str, limit: usize) -> Vec<ThreadEntry>;
    fn tags(&self, span_id: &str) -> Vec<String>;
    /// The stored combined embedding of a span.
    fn vector(&self, span_id: &str) -> Option<Vec<f32>>;
}

/// Look-ups with nothing loaded: every answer is empty.
pub struct NoLookups;

impl Lookups for NoLookups {
    fn neighbours(&self, _: NeighbourQuery<'_>, _: usize) -> Vec<(String, f32)> {
        Vec::new()
    }
    fn thread_key(&self, _: &str) -> Option<ThreadKey> {
        None
    }
    fn thread(&self, _: &ThreadKey, _: &str, _: usize) -> Vec<ThreadEntry> {
        Vec::new()
    }
    fn tags(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
    fn vector(&self, _: &str) -> Option<Vec<f32>> {
        None
    }
}
