//! Phase 0's duplicate detection: exact and semantic duplicates, one span
//! kept per group (#15).
//!
//! ```text
//! exact     the same `this` and `if_ok` once case and runs of whitespace
//!           are folded (a SHA-256 of the folded texts)
//! semantic  combined embeddings at cosine ≥ threshold (0.95 by default),
//!           the pairs found through the HNSW graph (SemDeDup's criterion,
//!           on the same model's vectors), whose response embeddings are
//!           at ≥ threshold too: two different answers to one question
//!           share the question's half of the combined vector (on real chat
//!           data, 55 % of the answers had a combined twin at 0.95)
//! kept      visited best first — the owner's quality label, then completed
//!           over failed, then the earliest line — a span is kept unless it
//!           is an exact copy of, or at least `threshold` similar to, a span
//!           already kept; then it joins that span's group (the most similar
//!           one). No chains: every member is itself near its kept span.
//! ```
//!
//! `mark` (the default) writes `duplicate_group` (the kept span's id) on
//! every member and `duplicate_of` on the others; `drop` sends the others to
//! the rejects file (reason `duplicate`, with the kept id) and out of the
//! index's searches. Both list the groups in `<stem>.duplicates.ndjson`.
//! Scores never look at other spans, so a kept member is judged like any
//! span: duplicates are this stage's decision, not a quality penalty.

use crate::index::{NearPair, SpanIndex};
use crate::output::sink::{RejectCode, RejectRecord, RejectStage};
use crate::output::{self, AsideWriter};
use crate::span::{Span, Status};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `--dedupe` does with the members of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DedupeMode {
    /// Mark every member; keep them all.
    Mark,
    /// Keep one member of each group; reject the others.
    Drop,
    /// No duplicate detection.
    Off,
}

/// Duplicate detection settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DedupeParams {
    pub mode: DedupeMode,
    /// Cosine of combined embeddings at or above which two spans are duplicates.
    pub threshold: f32,
}

impl DedupeParams {
    pub fn check(&self) -> Result<(), String> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(format!("the threshold must be within (0, 1], got {}", self.threshold));
        }
        Ok(())
    }
}

/// How a member matched its kept span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    Exact,
    Semantic,
}

/// What the stage keeps of each span while Phase 0 streams: a key, a few
/// numbers and the id in memory, the response vector in a scratch file
/// (memory-mapped when the groups are made), so memory stays flat.
#[derive(Debug)]
pub struct Tracker {
    nodes: Vec<NodeFacts>,
    responses: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
    dims: usize,
}

#[derive(Debug)]
struct NodeFacts {
    key: [u8; 16],
    /// The owner's quality label (NaN when absent).
    quality: f64,
    completed: bool,
    /// Whether it has a response embedding (its row in the scratch file is
    /// zeros when not).
    has_response: bool,
    line: u64,
    id: String,
}

impl Drop for Tracker {
    fn drop(&mut self) {
        if let Some((path, _)) = self.responses.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The exact-duplicate key: `this` and `if_ok` with case and whitespace runs folded.
pub fn exact_key(this: &str, if_ok: Option<&str>) -> [u8; 16] {
    fn fold(h: &mut Sha256, text: &str) {
        for word in text.split_whitespace() {
            h.update(word.to_lowercase().as_bytes());
            h.update(b" ");
        }
    }
    let mut h = Sha256::new();
    fold(&mut h, this);
    h.update([0x1f]);
    if let Some(a) = if_ok {
        fold(&mut h, a);
    }
    let d = h.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&d[..16]);
    key
}

impl Tracker {
    /// A tracker whose response vectors (of `dims`) go to a scratch file in `dir`.
    pub fn create(dir: &Path, stem: &str, dims: usize) -> anyhow::Result<Self> {
        let path = dir.join(format!("{stem}.responses.tmp"));
        let file = output::scratch_file(&path)?;
        Ok(Tracker { nodes: Vec::new(), responses: Some((path, std::io::BufWriter::new(file))), dims })
    }

    /// Note a span, in the order the index receives them (node order).
    pub fn add(&mut self, s: &Span) -> anyhow::Result<()> {
        let response = s.enriched.response_embedding.as_deref().filter(|v| v.len() == self.dims);
        if let Some((path, w)) = &mut self.responses {
            let written = match response {
                Some(v) => v.iter().try_for_each(|x| w.write_all(&x.to_le_bytes())),
                None => (0..self.dims).try_for_each(|_| w.write_all(&0f32.to_le_bytes())),
            };
            written.with_context(|| format!("writing {}", path.display()))?;
        }
        self.nodes.push(NodeFacts {
            key: exact_key(&s.this, s.if_ok.as_deref()),
            quality: s.facts.input_quality.unwrap_or(f64::NAN),
            completed: s.status == Status::Completed,
            has_response: response.is_some(),
            line: s.line,
            id: s.id.clone(),
        });
        Ok(())
    }

    /// The response vectors, memory-mapped (the scratch file is unlinked
    /// at once; the map keeps its pages).
    fn responses(&mut self) -> anyhow::Result<Option<memmap2::Mmap>> {
        let Some((path, w)) = self.responses.take() else { return Ok(None) };
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_data()?;
        let map = unsafe { memmap2::Mmap::map(&file) }.with_context(|| format!("mapping {}", path.display()))?;
        let _ = std::fs::remove_file(&path);
        Ok(Some(map))
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Nodes best first: labelled quality (high first, none last), completed
    /// before failed, then input order.
    fn priority(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.nodes.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&self.nodes[a as usize], &self.nodes[b as usize]);
            let q = |n: &NodeFacts| if n.quality.is_nan() { f64::NEG_INFINITY } else { n.quality };
            q(y).total_cmp(&q(x)).then(y.completed.cmp(&x.completed)).then(a.cmp(&b))
        });
        order
    }
}

/// A member of a group other than its kept span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    #[serde(skip)]
    pub node: u32,
    pub id: String,
    pub line: u64,
    pub kind: MatchKind,
    /// Cosine of its combined embedding with the kept span's.
    #[serde(serialize_with = "four_places")]
    pub similarity: f32,
}

fn four_places<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((*x as f64 * 1e4).round() / 1e4)
}

/// A kept span and its duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub kept: u32,
    pub members: Vec<Member>,
}

/// Group the tracked spans, given the near pairs (`similarity(a, b)`
/// measures any two nodes, for exact copies).
pub fn group(tracker: &Tracker, pairs: &[NearPair], similarity: &dyn Fn(u32, u32) -> f32) -> Vec<Group> {
    let n = tracker.nodes.len();
    let mut near: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
    for p in pairs {
        near[p.a as usize].push((p.b, p.similarity));
        near[p.b as usize].push((p.a, p.similarity));
    }
    // The group a node is in, by its kept node; u32::MAX: not yet seen.
    let mut kept_of = vec![u32::MAX; n];
    let mut kept_by_key: HashMap<[u8; 16], u32> = HashMap::new();
    let mut groups: BTreeMap<u32, Vec<Member>> = BTreeMap::new();
    for v in tracker.priority() {
        let facts = &tracker.nodes[v as usize];
        let found = match kept_by_key.get(&facts.key) {
            Some(&k) => Some((k, MatchKind::Exact, similarity(k, v))),
            None => near[v as usize]
                .iter()
                .filter(|&&(u, _)| kept_of[u as usize] == u)
                .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)))
                .map(|&(u, s)| (u, MatchKind::Semantic, s)),
        };
        match found {
            Some((k, kind, sim)) => {
                kept_of[v as usize] = k;
                groups.entry(k).or_default().push(Member {
                    node: v,
                    id: facts.id.clone(),
                    line: facts.line,
                    kind,
                    similarity: sim,
                });
            }
            None => {
                kept_of[v as usize] = v;
                kept_by_key.insert(facts.key, v);
            }
        }
    }
    groups
        .into_iter()
        .map(|(kept, mut members)| {
            members.sort_by_key(|m| m.node);
            Group { kept, members }
        })
        .collect()
}

/// The stage's numbers, in Phase 0's stats.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DedupeStats {
    pub mode: String,
    pub threshold: f32,
    /// Groups of two or more spans.
    pub groups: u64,
    /// Spans that duplicate a kept one (group members less their kept span).
    pub duplicates: u64,
    pub exact: u64,
    pub semantic: u64,
    /// Duplicates sent to the rejects file (`drop`).
    pub dropped: u64,
    pub largest_group: u64,
    /// Groups by size: "2", "3", "4-9", "10+".
    pub sizes: BTreeMap<String, u64>,
    /// Pairs at or above the threshold in the combined vector, found through the graph …
    pub near_pairs: u64,
    /// … of which the answers are as near too (semantic duplicates).
    pub answer_pairs: u64,
    pub duration_ms: f64,
}

fn size_bucket(size: usize) -> &'static str {
    match size {
        0..=2 => "2",
        3 => "3",
        4..=9 => "4-9",
        _ => "10+",
    }
}

/// `<stem>.duplicates.ndjson` in `dir`.
pub fn groups_path(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!("{stem}.duplicates.ndjson"))
}

/// Run the stage on Phase 0's finished files in `dir`: find the groups
/// through the saved index, mark or move the output lines, list the groups.
pub fn apply(dir: &Path, stem: &str, tracker: &mut Tracker, params: DedupeParams) -> anyhow::Result<DedupeStats> {
    let start = Instant::now();
    let index = SpanIndex::load(dir, stem)?;
    anyhow::ensure!(index.len() == tracker.len(), "the index has {} spans, the output {}", index.len(), tracker.len());
    let found = index.near_pairs(params.threshold);
    // Near in the combined vector is not enough: two different answers to
    // one question share half of it. The answers must be as near too (or
    // neither span has one).
    let responses = tracker.responses()?;
    let dims = tracker.dims;
    let response_cosine = |a: u32, b: u32| -> f32 {
        let Some(map) = &responses else { return 1.0 };
        let row = |n: u32| {
            map[n as usize * dims * 4..(n as usize + 1) * dims * 4]
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        };
        row(a).zip(row(b)).map(|(x, y)| x * y).sum()
    };
    let pairs: Vec<NearPair> = found
        .iter()
        .filter(|p| {
            let (a, b) = (&tracker.nodes[p.a as usize], &tracker.nodes[p.b as usize]);
            match (a.has_response, b.has_response) {
                (true, true) => response_cosine(p.a, p.b) >= params.threshold,
                (false, false) => true,
                _ => false,
            }
        })
        .copied()
        .collect();
    let vectors = index.vectors_by_node();
    let similarity = |a: u32, b: u32| crate::vector::dot(vectors[a as usize], vectors[b as usize]);
    let groups = group(tracker, &pairs, &similarity);
    drop(index);

    let mut stats = DedupeStats {
        mode: format!("{:?}", params.mode).to_lowercase(),
        threshold: params.threshold,
        groups: groups.len() as u64,
        near_pairs: found.len() as u64,
        answer_pairs: pairs.len() as u64,
        ..Default::default()
    };
    // Per output row: (kept id, whether this row is the kept span).
    let mut marks: HashMap<u32, (&str, bool)> = HashMap::new();
    let mut listing = AsideWriter::create(&groups_path(dir, stem))?;
    for g in &groups {
        let kept = &tracker.nodes[g.kept as usize];
        let size = g.members.len() + 1;
        stats.duplicates += g.members.len() as u64;
        stats.largest_group = stats.largest_group.max(size as u64);
        *stats.sizes.entry(size_bucket(size).to_string()).or_default() += 1;
        marks.insert(g.kept, (&kept.id, true));
        for m in &g.members {
            match m.kind {
                MatchKind::Exact => stats.exact += 1,
                MatchKind::Semantic => stats.semantic += 1,
            }
            marks.insert(m.node, (&kept.id, false));
        }
        let line = serde_json::json!({
            "group": kept.id,
            "kept": {"id": kept.id, "line": kept.line},
            "size": size,
            "members": g.members,
        });
        listing.write_line(&line.to_string())?;
    }
    listing.commit()?;

    let (out_path, rejects_path, _, _) = crate::pipeline::prepare::outputs(dir);
    if !marks.is_empty() {
        let mut rejects = std::fs::OpenOptions::new()
            .append(true)
            .open(&rejects_path)
            .with_context(|| format!("opening {}", rejects_path.display()))?;
        let mut removed = Vec::new();
        output::rewrite_lines(&out_path, |row, line, out| {
            let Some(&(kept, is_kept)) = marks.get(&(row as u32)) else {
                return out.write_line(line);
            };
            let marked = mark_line(line, kept, is_kept)?;
            if is_kept || params.mode == DedupeMode::Mark {
                return out.write_line(&marked);
            }
            let facts = &tracker.nodes[row];
            let rec = RejectRecord::duplicate(facts.line, &facts.id, kept, marked)?;
            rejects.write_all(rec.to_line().as_bytes())?;
            rejects.write_all(b"\n")?;
            removed.push(row as u32);
            Ok(())
        })?;
        rejects.sync_data()?;
        stats.dropped = removed.len() as u64;
        if !removed.is_empty() {
            crate::index::set_removed(dir, stem, removed)?;
        }
    }
    stats.duration_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(stats)
}

/// Add `duplicate_group` (and, for a duplicate, `duplicate_of`) to a span
/// line as Phase 0 wrote it (an object; they go last, where
/// [`Span::to_json_line`] puts them).
fn mark_line(line: &str, kept: &str, is_kept: bool) -> anyhow::Result<String> {
    let body = line.trim_end().strip_suffix('}').context("an output line that is not a JSON object")?;
    let id = serde_json::to_string(kept)?;
    Ok(if is_kept {
        format!("{body},\"duplicate_group\":{id}}}")
    } else {
        format!("{body},\"duplicate_group\":{id},\"duplicate_of\":{id}}}")
    })
}

impl RejectRecord {
    /// A duplicate that `--dedupe drop` removed.
    fn duplicate(line: u64, id: &str, kept: &str, span_json: String) -> anyhow::Result<Self> {
        let mut r = RejectRecord::span_line(
            line,
            RejectStage::Dedupe,
            RejectCode::Duplicate,
            id,
            span_json,
            format!("a duplicate of `{kept}`, which is kept"),
        )?;
        r.duplicate_of = Some(kept.to_string());
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker(spans: &[(&str, &str, Option<f64>, bool)]) -> Tracker {
        let mut t = Tracker { nodes: Vec::new(), responses: None, dims: 0 };
        for (i, (this, answer, q, completed)) in spans.iter().enumerate() {
            t.nodes.push(NodeFacts {
                key: exact_key(this, Some(answer)),
                quality: q.unwrap_or(f64::NAN),
                completed: *completed,
                has_response: true,
                line: i as u64 + 1,
                id: format!("s{i}"),
            });
        }
        t
    }

    #[test]
    fn exact_copies_differing_in_case_and_spacing_are_one_group() {
        let t = tracker(&[
            ("What is Rust?", "A systems language.", Some(90.0), true),
            ("what is  rust?", "A systems\nlanguage.", Some(90.0), true),
            ("What is Rust?", "A systems language!", Some(90.0), true),
        ]);
        let g = group(&t, &[], &|_, _| 1.0);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].kept, 0);
        assert_eq!(g[0].members.iter().map(|m| (m.node, m.kind)).collect::<Vec<_>>(), [(1, MatchKind::Exact)]);
        // The question alone, or the answer alone, is not a duplicate.
        assert_ne!(exact_key("a b", Some("c")), exact_key("a", Some("b c")));
    }

    #[test]
    fn the_best_labelled_completed_span_is_kept_not_the_first() {
        let t = tracker(&[
            ("q", "a", Some(80.0), true),
            ("q", "a", Some(95.0), false),
            ("q", "a", Some(95.0), true),
            ("q", "a", None, true),
        ]);
        let g = group(&t, &[], &|_, _| 1.0);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].kept, 2, "highest label, then completed");
        assert_eq!(g[0].members.iter().map(|m| m.node).collect::<Vec<_>>(), [0, 1, 3]);
    }

    /// a~b and b~c above the threshold but a, c apart: c is not removed as
    /// a duplicate of a span it is not near (no chains).
    #[test]
    fn a_chain_of_near_pairs_does_not_make_distant_spans_duplicates() {
        let t = tracker(&[("a", "1", Some(90.0), true), ("b", "2", Some(85.0), true), ("c", "3", Some(80.0), true)]);
        let pairs = [NearPair { a: 0, b: 1, similarity: 0.96 }, NearPair { a: 1, b: 2, similarity: 0.96 }];
        let g = group(&t, &pairs, &|_, _| 0.9);
        assert_eq!(g.len(), 1);
        assert_eq!((g[0].kept, g[0].members.len(), g[0].members[0].node), (0, 1, 1));
        assert_eq!(g[0].members[0].kind, MatchKind::Semantic);
    }

    #[test]
    fn a_span_near_two_kept_spans_joins_the_more_similar() {
        let t = tracker(&[("a", "1", Some(90.0), true), ("b", "2", Some(90.0), true), ("c", "3", Some(50.0), true)]);
        let pairs = [NearPair { a: 0, b: 2, similarity: 0.955 }, NearPair { a: 1, b: 2, similarity: 0.97 }];
        let g = group(&t, &pairs, &|_, _| 0.5);
        assert_eq!(g.len(), 1);
        assert_eq!((g[0].kept, g[0].members[0].node, g[0].members[0].similarity), (1, 2, 0.97));
    }

    #[test]
    fn mark_line_adds_the_group_and_the_kept_id_last() {
        let line = r#"{"id":"b","this":"x"}"#;
        let v: serde_json::Value = serde_json::from_str(&mark_line(line, "a\"1", false).unwrap()).unwrap();
        assert_eq!((v["duplicate_group"].as_str(), v["duplicate_of"].as_str()), (Some("a\"1"), Some("a\"1")));
        let v: serde_json::Value = serde_json::from_str(&mark_line(line, "b", true).unwrap()).unwrap();
        assert_eq!((v["duplicate_group"].as_str(), v.get("duplicate_of")), (Some("b"), None));
        assert!(mark_line("[1]", "a", true).is_err());
    }
}
