//! What LogLine derives from a span's text: tags, complexity and the three
//! vectors. One path, used by Phase 0, by the enzyme chain after every
//! change to the text (so look-ups answer from the current text), by
//! `enzymes run` and by the do-no-harm runner.

use crate::complexity::complexity_score;
use crate::embed::{Embedder, sidecar};
use crate::span::Span;
use crate::tags::Tagger;
use crate::vector::normalized_mean;
use anyhow::Context as _;

/// How `combined_embedding` is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CombinedMode {
    /// The normalised mean of the query and response vectors (no third
    /// model pass).
    Mean,
    /// Embed `this + "\n\n" + if_ok` as its own text.
    Encode,
}

/// Tags and complexity of the span's current text.
pub fn text_facts(span: &mut Span, tagger: &Tagger) {
    span.enriched.semantic_tags = tagger.tags(&span.this, span.if_ok.as_deref(), span.facts.domain.as_deref());
    span.enriched.complexity_score = complexity_score(span.response());
}

/// Embed query, response and combined texts for a chunk of spans.
pub fn embed_spans(embedder: &Embedder, spans: &mut [Span], combined: CombinedMode) -> anyhow::Result<()> {
    let joined: Vec<Option<String>> = spans
        .iter()
        .map(|s| match (combined, &s.if_ok) {
            (CombinedMode::Encode, Some(r)) => Some(format!("{}\n\n{}", s.this, r)),
            _ => None,
        })
        .collect();
    let mut texts: Vec<&str> = Vec::with_capacity(spans.len() * 3);
    for (s, j) in spans.iter().zip(&joined) {
        texts.push(&s.this);
        if let Some(r) = &s.if_ok {
            texts.push(r);
        }
        if let Some(j) = j {
            texts.push(j);
        }
    }
    let vectors = embedder.embed(&texts)?;
    let mut it = vectors.into_iter();
    for (s, j) in spans.iter_mut().zip(&joined) {
        let q = it.next().context("embedding count")?;
        let r = if s.if_ok.is_some() { Some(it.next().context("embedding count")?) } else { None };
        let c = match (j, &r) {
            (Some(_), _) => it.next().context("embedding count")?,
            (None, Some(r)) => normalized_mean(&q, r).into(),
            (None, None) => q.clone(),
        };
        s.enriched.query_embedding = Some(q);
        s.enriched.response_embedding = r;
        s.enriched.combined_embedding = Some(c);
    }
    Ok(())
}

/// Give every span its three vectors: from the line, the sidecar, or the
/// model (for input that skipped Phase 0's embedding).
pub fn fill_embeddings(
    spans: &mut [Span],
    side: Option<&sidecar::SidecarReader>,
    embedder: &Embedder,
    mode: CombinedMode,
) -> anyhow::Result<()> {
    if let Some(side) = side {
        for s in spans.iter_mut() {
            if let Some(row) = s.enriched.embedding_row {
                let e = &mut s.enriched;
                e.query_embedding = side.get(row, 0).map(Into::into);
                e.response_embedding = side.get(row, 1).map(Into::into);
                e.combined_embedding = side.get(row, 2).map(Into::into);
            }
        }
    }
    let missing: Vec<usize> = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            let e = &s.enriched;
            e.query_embedding.is_none()
                || e.combined_embedding.is_none()
                || (s.if_ok.is_some() && e.response_embedding.is_none())
        })
        .map(|(i, _)| i)
        .collect();
    if !missing.is_empty() {
        let mut todo: Vec<Span> = missing.iter().map(|&i| spans[i].clone()).collect();
        embed_spans(embedder, &mut todo, mode)?;
        for (i, s) in missing.into_iter().zip(todo) {
            spans[i].enriched.query_embedding = s.enriched.query_embedding;
            spans[i].enriched.response_embedding = s.enriched.response_embedding;
            spans[i].enriched.combined_embedding = s.enriched.combined_embedding;
        }
    }
    Ok(())
}

/// The valid spans of a corpus file, tags and complexity derived, and how
/// many lines were not valid spans (for the checks that run on corpora).
pub fn read_corpus(path: &std::path::Path, tagger: &Tagger) -> anyhow::Result<(Vec<Span>, u64)> {
    let mut validator = crate::validate::Validator::new(crate::validate::Mode::Input, 0.0);
    let (mut spans, mut invalid) = (Vec::new(), 0);
    for line in crate::ingest::open(path, crate::ingest::DEFAULT_MAX_LINE)? {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        match validator.check(&line) {
            Ok(mut s) => {
                text_facts(&mut s, tagger);
                spans.push(s);
            }
            Err(_) => invalid += 1,
        }
    }
    Ok((spans, invalid))
}
