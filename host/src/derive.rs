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

/// The text `--combined encode` embeds for a span's combined vector.
fn joined_text(this: &str, if_ok: &str) -> String {
    format!("{this}\n\n{if_ok}")
}

/// Embed query, response and combined texts for a chunk of spans; returns
/// how many texts went to the embedder.
pub fn embed_spans(embedder: &Embedder, spans: &mut [Span], combined: CombinedMode) -> anyhow::Result<usize> {
    let joined: Vec<Option<String>> = spans
        .iter()
        .map(|s| match (combined, &s.if_ok) {
            (CombinedMode::Encode, Some(r)) => Some(joined_text(&s.this, r)),
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
    let n = texts.len();
    let vectors = embedder.embed(&texts)?;
    let mut it = vectors.into_iter();
    for (s, j) in spans.iter_mut().zip(&joined) {
        let q = it.next().context("embedding count")?;
        let r = if s.if_ok.is_some() { Some(it.next().context("embedding count")?) } else { None };
        let c = if j.is_some() { Some(it.next().context("embedding count")?) } else { None };
        set_vectors(s, q, r, c);
    }
    Ok(n)
}

/// Embed a span whose text an enzyme changed from `before`'s: a field whose
/// text is `before`'s keeps `before`'s vector (a vector is a function of its
/// text), so only changed texts go through the model. Returns how many did.
pub fn embed_changed(
    embedder: &Embedder,
    span: &mut Span,
    before: &Span,
    combined: CombinedMode,
) -> anyhow::Result<usize> {
    let b = &before.enriched;
    let q = (span.this == before.this).then(|| b.query_embedding.clone()).flatten();
    let r = match &span.if_ok {
        None => None,
        Some(_) if span.if_ok == before.if_ok => b.response_embedding.clone(),
        Some(_) => None,
    };
    let joined_same = combined == CombinedMode::Encode && span.this == before.this && span.if_ok == before.if_ok;
    let c = joined_same.then(|| b.combined_embedding.clone()).flatten();
    let missing_r = span.if_ok.is_some() && r.is_none();
    let missing_c = combined == CombinedMode::Encode && span.if_ok.is_some() && c.is_none();
    if q.is_none() || missing_r || missing_c {
        // Whatever is missing goes through the model together.
        let mut texts: Vec<String> = Vec::with_capacity(3);
        if q.is_none() {
            texts.push(span.this.clone());
        }
        if missing_r {
            texts.push(span.if_ok.clone().unwrap_or_default());
        }
        if missing_c {
            texts.push(joined_text(&span.this, span.if_ok.as_deref().unwrap_or_default()));
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut it = embedder.embed(&refs)?.into_iter();
        let n = texts.len();
        let q = match q {
            Some(q) => q,
            None => it.next().context("embedding count")?,
        };
        let r = if missing_r { Some(it.next().context("embedding count")?) } else { r };
        let c = if missing_c { Some(it.next().context("embedding count")?) } else { c };
        set_vectors(span, q, r, c);
        return Ok(n);
    }
    set_vectors(span, q.expect("checked above"), r, c);
    Ok(0)
}

/// Store the three vectors; without an encoded combined vector it is the
/// normalised mean of query and response (or the query alone).
fn set_vectors(
    span: &mut Span,
    q: crate::span::Embedding,
    r: Option<crate::span::Embedding>,
    c: Option<crate::span::Embedding>,
) {
    let c = match (c, &r) {
        (Some(c), _) => c,
        (None, Some(r)) => normalized_mean(&q, r).into(),
        (None, None) => q.clone(),
    };
    span.enriched.query_embedding = Some(q);
    span.enriched.response_embedding = r;
    span.enriched.combined_embedding = Some(c);
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
