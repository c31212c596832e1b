//! The real model against vectors computed once by sentence-transformers
//! (PyTorch) on the same texts (`host/tests/fixtures/embedding_reference.json`).

use crate::common::embedder;
use logline::embed::cosine;

#[derive(serde::Deserialize)]
struct Reference {
    texts: Vec<String>,
    vectors: Vec<Vec<f32>>,
    token_counts: Vec<usize>,
}

fn reference() -> Reference {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/embedding_reference.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn pooled_vectors_match_sentence_transformers() {
    let r = reference();
    assert!(r.texts.len() >= 200);
    let e = embedder(None);
    let texts: Vec<&str> = r.texts.iter().map(String::as_str).collect();
    let got = e.embed(&texts).unwrap();
    let cos: Vec<f32> = got.iter().zip(&r.vectors).map(|(a, b)| cosine(a, b)).collect();
    let mean = cos.iter().sum::<f32>() / cos.len() as f32;
    let (worst, min) = cos.iter().enumerate().fold((0, 1.0f32), |acc, (i, &c)| if c < acc.1 { (i, c) } else { acc });
    eprintln!("cosine vs sentence-transformers over {} texts: mean {mean:.6}, min {min:.6}", cos.len());
    assert!(mean >= 0.9999, "mean cosine {mean}");
    assert!(min >= 0.9999, "min cosine {min} on {:?}", r.texts[worst]);
    for v in &got {
        assert_eq!(v.len(), 384);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
    }
}

#[test]
fn tokenizer_window_is_256_without_padding() {
    let r = reference();
    let e = embedder(None);
    let texts: Vec<&str> = r.texts.iter().map(String::as_str).collect();
    let enc = e.model.tokenize(&texts).unwrap();
    for ((t, want), got) in r.texts.iter().zip(&r.token_counts).zip(&enc) {
        assert_eq!(got.ids.len(), *want, "{t:?}");
        assert!(!got.truncated || got.ids.len() == 256, "{t:?}");
    }
    let cut = enc.iter().filter(|e| e.truncated).count();
    assert!(cut > 0, "the fixture has texts over the window, and they are counted");
    assert!(enc.iter().all(|e| e.ids.len() <= 256));
}

#[test]
fn duplicates_are_embedded_once_and_the_cache_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let texts = ["How do I sort a list?", "Use sorted(xs).", "How do I sort a list?"];
    let first = embedder(Some(dir.path()));
    let a = first.embed(&texts).unwrap();
    assert_eq!(a[0], a[2]);
    let s = first.stats();
    assert_eq!((s.requested, s.unique, s.cache_hits, s.model.texts), (3, 2, 0, 2));
    drop(first);
    let second = embedder(Some(dir.path()));
    let b = second.embed(&texts).unwrap();
    let s = second.stats();
    assert_eq!((s.cache_hits, s.model.texts), (2, 0), "a rerun skips the model");
    assert_eq!(a, b);
}

#[test]
fn whitespace_only_edits_reuse_the_vector() {
    let dir = tempfile::tempdir().unwrap();
    let e = embedder(Some(dir.path()));
    let a = e.embed(&["Open the file\r\nand   read it."]).unwrap();
    let before = e.stats().model.texts;
    let b = e.embed(&["Open the file\nand read it.  "]).unwrap();
    assert_eq!(e.stats().model.texts, before, "same tokens, no model run");
    assert_eq!(a, b);
}

#[derive(serde::Deserialize)]
struct RelevancePair {
    query: String,
    answer: String,
    on_topic: bool,
    logit: f32,
    tokens: usize,
}

#[derive(serde::Deserialize)]
struct RelevanceReference {
    model_sha256: String,
    pairs: Vec<RelevancePair>,
}

fn relevance() -> (logline::embed::Relevance, RelevanceReference) {
    let files = logline::embed::locate(None, logline::embed::DEFAULT_MODEL)
        .expect("the model is missing: run ./scripts/setup-model.sh");
    let model = logline::embed::Relevance::beside(&files, 1).expect("the relevance model is missing");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/relevance_reference.json");
    let r: RelevanceReference = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    (model, r)
}

/// The host lays a pair out as `bench/relevance` trained and measured it
/// (question clipped to head and tail, answer to what fits): the logits are
/// those ONNX Runtime gave in Python for the same graph.
#[test]
fn relevance_logits_match_the_python_reference() {
    let (model, r) = relevance();
    assert_eq!(model.files.info.sha256, r.model_sha256, "the fixture was made with another model");
    assert!(r.pairs.len() >= 30);
    for p in &r.pairs {
        let (ids, _) = model.encode(&p.query, &p.answer).unwrap();
        assert_eq!(ids.len(), p.tokens, "token count of {:?}", &p.query[..p.query.len().min(40)]);
        let got = model.score(&p.query, &p.answer).unwrap();
        assert!((got - p.logit).abs() < 1e-3, "{got} vs {} for {:?}", p.logit, &p.query[..p.query.len().min(40)]);
    }
}

/// What the gate asks of the model: an answer to another question reads as
/// no answer (under the default `off_topic_relevance`), its own answer does
/// not, and of the answers a question is offered its own reads best.
#[test]
fn relevance_reads_an_answer_to_another_question_as_no_answer() {
    let (model, r) = relevance();
    let limit = logline::score::GarbageSettings::default().off_topic_relevance as f32;
    let (mut swaps, mut below) = (0, 0);
    for p in &r.pairs {
        let got = model.score(&p.query, &p.answer).unwrap();
        if p.on_topic {
            assert!(got > limit, "its own answer scores {got} for {:?}", p.query);
            let best_other = r
                .pairs
                .iter()
                .filter(|o| o.query == p.query && !o.on_topic)
                .map(|o| model.score(&o.query, &o.answer).unwrap())
                .fold(f32::MIN, f32::max);
            assert!(got > best_other, "{:?}: own answer {got}, another {best_other}", p.query);
        } else {
            swaps += 1;
            below += usize::from(got < limit);
        }
    }
    assert!(below * 10 >= swaps * 8, "{below} of {swaps} swapped answers under {limit}");
}
