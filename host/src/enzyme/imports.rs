//! What the host lends an enzyme (`wit/host.wit`): its config, logging and
//! read-only look-ups. Each answer is capped (k ≤ 100 neighbours, ≤ 50 thread
//! entries, 4 KiB per log line, 100 log lines per call).

use super::bindings::{host_iface, wit};
use super::sandbox::StoreState;
use crate::lookup::{NeighbourQuery, ThreadKey};
use std::sync::Arc;

pub const MAX_NEIGHBOURS: u32 = 100;
pub const MAX_THREAD: u32 = 50;
pub const MAX_LOG_BYTES: usize = 4096;
pub const MAX_LOGS_PER_CALL: u32 = 100;

/// What the host knows about the span being processed right now.
#[derive(Debug, Clone, Default)]
pub struct Current {
    pub id: String,
    pub tags: Vec<String>,
    pub embedding: Option<Arc<[f32]>>,
    /// Its text changed and there is no vector of the new text: look-ups
    /// about it answer nothing.
    pub stale: bool,
    pub thread: ThreadKey,
}

impl wit::Host for StoreState {}

impl host_iface::Host for StoreState {
    fn config(&mut self) -> String {
        self.call.config.to_string()
    }

    fn log(&mut self, level: host_iface::Level, message: String) {
        let c = &mut self.call;
        c.logs_this_call += 1;
        if c.logs_this_call > MAX_LOGS_PER_CALL {
            return;
        }
        let mut message = message;
        if message.len() > MAX_LOG_BYTES {
            let mut cut = MAX_LOG_BYTES;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        let span = c.current.as_ref().map(|s| s.id.as_str()).unwrap_or("-");
        let enzyme = &*c.enzyme;
        match level {
            host_iface::Level::Trace => {
                tracing::trace!(target: "enzyme", enzyme, span, "{message}")
            }
            host_iface::Level::Debug => {
                tracing::debug!(target: "enzyme", enzyme, span, "{message}")
            }
            host_iface::Level::Info => tracing::info!(target: "enzyme", enzyme, span, "{message}"),
            host_iface::Level::Warn => tracing::warn!(target: "enzyme", enzyme, span, "{message}"),
            host_iface::Level::Error => {
                tracing::error!(target: "enzyme", enzyme, span, "{message}")
            }
        }
    }

    fn neighbours(&mut self, span_id: String, k: u32) -> Vec<wit::Neighbour> {
        let k = k.min(MAX_NEIGHBOURS) as usize;
        if k == 0 {
            return Vec::new();
        }
        let c = &self.call;
        let query = match &c.current {
            Some(cur) if cur.id == span_id && cur.stale => return Vec::new(),
            Some(cur) if cur.id == span_id => match &cur.embedding {
                Some(v) => NeighbourQuery::Vector { vector: v, exclude: &cur.id },
                None => NeighbourQuery::Id(&span_id),
            },
            _ => NeighbourQuery::Id(&span_id),
        };
        c.lookups.neighbours(query, k).into_iter().map(|(id, similarity)| wit::Neighbour { id, similarity }).collect()
    }

    fn thread(&mut self, span_id: String, limit: u32) -> Vec<wit::ThreadEntry> {
        let limit = limit.min(MAX_THREAD) as usize;
        if limit == 0 {
            return Vec::new();
        }
        let c = &self.call;
        let key = match &c.current {
            Some(cur) if cur.id == span_id => Some(cur.thread.clone()),
            _ => c.lookups.thread_key(&span_id),
        };
        let Some(key) = key else { return Vec::new() };
        c.lookups
            .thread(&key, &span_id, limit)
            .into_iter()
            .map(|t| wit::ThreadEntry { id: t.id, who: t.who, did: t.did, this: t.this, if_ok: t.if_ok, when: t.when })
            .collect()
    }

    fn tags(&mut self, span_id: String) -> Vec<String> {
        match &self.call.current {
            Some(cur) if cur.id == span_id => cur.tags.clone(),
            _ => self.call.lookups.tags(&span_id),
        }
    }

    fn embedding(&mut self, span_id: String) -> Option<Vec<f32>> {
        match &self.call.current {
            Some(cur) if cur.id == span_id && cur.stale => None,
            Some(cur) if cur.id == span_id => cur.embedding.as_ref().map(|v| v.to_vec()),
            _ => self.call.lookups.vector(&span_id),
        }
    }
}
