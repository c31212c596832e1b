//! Loading enzymes: pins, the compile cache, config checks, policies.

use crate::common::{host, hostile, manifest_for, run_chain};
use logline::enzyme::{EnzymeHost, FailureKind, HostOptions};
use logline::manifest::OnError;

#[test]
fn a_sha256_pin_mismatch_refuses_to_load() {
    let wasm = logline_test_guests::hostile();
    let m = manifest_for(wasm, &format!("sha256 = \"{}\"\nconfig = {{ mode = \"ok\" }}", "0".repeat(64)));
    let err = format!("{:#}", host().load(&m.enzymes[0]).unwrap_err());
    assert!(err.contains("loading enzyme `e`"), "{err}");
    assert!(err.contains("sha256 mismatch"), "{err}");
    assert!(err.contains(&"0".repeat(64)), "{err}");
}

#[test]
fn a_matching_pin_loads() {
    let wasm = logline_test_guests::hostile();
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(wasm).unwrap()))
    };
    let m = manifest_for(wasm, &format!("sha256 = \"{digest}\"\nconfig = {{ mode = \"ok\" }}"));
    let e = host().load(&m.enzymes[0]).unwrap();
    assert_eq!(e.sha256, digest);
    assert_eq!(e.info.name, "hostile");
    assert_eq!(e.wit_version, logline::enzyme::WIT_VERSION);
}

#[test]
fn the_compile_cache_is_used_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let h = EnzymeHost::new(HostOptions { cache_dir: Some(dir.path().to_path_buf()) }).unwrap();
    let m = manifest_for(logline_test_guests::length_filter(), "");
    let first = h.load(&m.enzymes[0]).unwrap();
    let second = h.load(&m.enzymes[0]).unwrap();
    assert!(!first.compile.from_cache);
    assert!(second.compile.from_cache);
    // A corrupt artefact is recompiled, not trusted. (Overwritten in place
    // only once nothing maps it: the cache itself never writes in place.)
    drop((first, second));
    for f in std::fs::read_dir(dir.path()).unwrap() {
        std::fs::write(f.unwrap().path(), b"garbage").unwrap();
    }
    let third = h.load(&m.enzymes[0]).unwrap();
    assert!(!third.compile.from_cache);
}

#[test]
fn shards_started_together_compile_a_component_once() {
    // Two hosts (as two processes would be) load one component at once
    // into an empty cache: one compiles, the other waits for its artefact.
    let dir = tempfile::tempdir().unwrap();
    let m = manifest_for(logline_test_guests::length_filter(), "");
    let loads: Vec<bool> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (dir, m) = (dir.path().to_path_buf(), &m);
                s.spawn(move || {
                    let h = EnzymeHost::new(HostOptions { cache_dir: Some(dir) }).unwrap();
                    h.load(&m.enzymes[0]).unwrap().compile.from_cache
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(loads.iter().filter(|c| !**c).count(), 1, "exactly one compiled: {loads:?}");
}

#[test]
fn config_errors_surface_at_load() {
    let err = format!("{:#}", hostile("bad-init", "").unwrap_err());
    assert!(err.contains("bad-init: refusing this config"), "{err}");
    let m = manifest_for(logline_test_guests::length_filter(), "config = { min_word = 3 }");
    let err = format!("{:#}", host().load(&m.enzymes[0]).unwrap_err());
    assert!(err.contains("min_word"), "{err}");
}

#[test]
fn garbage_and_missing_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.wasm");
    std::fs::write(&junk, b"\0asm\x0d\0\x01\0garbage").unwrap();
    let err = format!("{:#}", host().load(&manifest_for(&junk, "").enzymes[0]).unwrap_err());
    assert!(err.contains("not a valid WebAssembly component"), "{err}");
    let truncated = dir.path().join("truncated.wasm");
    let bytes = std::fs::read(logline_test_guests::length_filter()).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let err = format!("{:#}", host().load(&manifest_for(&truncated, "").enzymes[0]).unwrap_err());
    assert!(err.contains("not a valid WebAssembly component"), "{err}");
    let err = format!("{:#}", host().load(&manifest_for(&dir.path().join("nope.wasm"), "").enzymes[0]).unwrap_err());
    assert!(err.contains("nope.wasm"), "{err}");
}

#[test]
fn policies_skip_reject_abort() {
    let e = hostile("panic", "").unwrap();
    let skip = run_chain(&e, OnError::Skip, &["bad-1"]);
    let o = skip[0].as_ref().unwrap();
    assert_eq!((o.items.len(), o.rejected.len()), (1, 0));
    let reject = run_chain(&e, OnError::Reject, &["bad-1", "s1"]);
    let o = reject[0].as_ref().unwrap();
    assert_eq!((o.items.len(), o.rejected.len()), (0, 1));
    assert_eq!(o.rejected[0].failure.kind, FailureKind::Trap);
    assert_eq!(reject[1].as_ref().unwrap().items.len(), 1);
    let abort = run_chain(&e, OnError::Abort, &["s1", "bad-1"]);
    assert!(abort[0].is_ok());
    let f = abort[1].as_ref().unwrap_err();
    assert_eq!((f.kind, f.span_id.as_str()), (FailureKind::Trap, "bad-1"));
}

#[test]
fn drops_and_variants_are_accounted() {
    let e = hostile("drop", "").unwrap();
    let out = run_chain(&e, OnError::Skip, &["bad-1", "s1"]);
    let o = out[0].as_ref().unwrap();
    assert_eq!((o.items.len(), o.dropped.len()), (0, 1));
    assert_eq!(o.dropped[0].reason, "dropped on purpose");
    let e = hostile("variants", "").unwrap();
    let out = run_chain(&e, OnError::Skip, &["bad-1"]);
    let o = out[0].as_ref().unwrap();
    let ids: Vec<_> = o.items.iter().map(|i| (i.span.id.as_str(), i.variant_of.as_deref())).collect();
    assert_eq!(ids, [("bad-1", None), ("bad-1-v1", Some("bad-1"))]);
    // The report counts a variant under the enzyme that emitted it (was always 0).
    assert_eq!(o.items[1].variant_by.as_deref(), Some(e.name.as_str()));
    assert_eq!(o.items[0].variant_by, None);
    assert!(o.items[1].span.this.starts_with("Rephrased: "));
}

#[test]
fn an_enzyme_built_for_an_older_compatible_contract_loads() {
    let m = manifest_for(logline_test_guests::wit_010(), "");
    let e = host().load(&m.enzymes[0]).unwrap();
    assert_eq!(e.wit_version, "0.1.0");
    assert_eq!(logline::enzyme::WIT_VERSION, "0.1.1");
    let out = run_chain(&e, OnError::Skip, &["s1"]);
    let item = &out[0].as_ref().unwrap().items[0];
    let line = item.span.to_json_line(false, &[]);
    assert!(line.contains(r#""built_for":"0.1.0""#), "{line}");
}

#[test]
fn an_incompatible_contract_is_refused_naming_both_versions() {
    let m = manifest_for(logline_test_guests::wit_020(), "");
    let err = format!("{:#}", host().load(&m.enzymes[0]).unwrap_err());
    assert!(err.contains("logline:enzyme@0.2.0") && err.contains("logline:enzyme@0.1.1"), "{err}");
}

#[test]
fn an_import_the_host_does_not_grant_is_refused_at_load() {
    let m = manifest_for(logline_test_guests::greedy(), "");
    let err = format!("{:#}", host().load(&m.enzymes[0]).unwrap_err());
    assert!(err.contains("imports this host does not provide"), "{err}");
    assert!(err.contains("wasi:keyvalue/store"), "the message names the import: {err}");
}

#[test]
fn a_component_for_another_world_is_refused() {
    let m = manifest_for(logline_test_guests::otherworld(), "");
    let err = format!("{:#}", host().load(&m.enzymes[0]).unwrap_err());
    assert!(err.contains("not a LogLine enzyme") && err.contains("run"), "{err}");
}

/// `wit/host.wit`: `embedding` is "of its current text". An enzyme after one
/// that changed the text saw the vector of the text before the change (the
/// old vector was carried over); privacy-wise, semantic-enricher's `related`
/// was computed from unredacted text.
#[test]
fn lookups_answer_from_the_current_text() {
    use logline::derive::CombinedMode;
    use logline::enzyme::NoLookups;
    use logline::enzyme::chain::{self, Derive, Stage};
    use std::sync::Arc;
    let rewrite = hostile("rewrite", "").unwrap();
    let record = hostile("record-embedding", "").unwrap();
    let stages = || {
        [&rewrite, &record]
            .into_iter()
            .map(|e| Stage {
                instance: e.instance(Arc::new(NoLookups)),
                when: Default::default(),
                policy: OnError::Abort,
            })
            .collect::<Vec<_>>()
    };
    let emb = crate::common::shared_embedder();
    let embed = |s: &mut logline::span::Span, before: &logline::span::Span| {
        logline::derive::embed_changed(emb, s, before, CombinedMode::Mean).map(|_| ())
    };
    let mut input = crate::common::span("bad-1");
    logline::derive::embed_spans(emb, std::slice::from_mut(&mut input), CombinedMode::Mean).unwrap();
    let old = input.enriched.combined_embedding.clone().unwrap();
    let tagger = logline::tags::Tagger::default();

    let out = chain::run_with(&mut stages(), input.clone(), Derive { tagger: &tagger, embed: Some(&embed) }).unwrap();
    let span = &out.items[0].span;
    assert!(span.this.ends_with("Answer in French."));
    let seen: Vec<f32> =
        serde_json::from_str(span.extra.iter().find(|(k, _)| k == "seen_embedding").map(|(_, v)| v.get()).unwrap())
            .unwrap();
    let mut expected = span.clone();
    logline::derive::embed_spans(emb, std::slice::from_mut(&mut expected), CombinedMode::Mean).unwrap();
    let expected = expected.enriched.combined_embedding.unwrap();
    assert_eq!(seen.as_slice(), &expected[..], "the later enzyme saw the vector of the current text");
    assert_ne!(&old[..], &expected[..]);
    // The output carries the vectors of its own text.
    assert_eq!(span.enriched.combined_embedding.as_deref(), Some(&expected[..]));

    // Only the changed text went through the model: the answer kept its
    // vector (a vector is a function of its text).
    let mut again = span.clone();
    assert_eq!(logline::derive::embed_changed(emb, &mut again, &input, CombinedMode::Mean).unwrap(), 1);
    assert_eq!(again.enriched.response_embedding, input.enriched.response_embedding);
    assert_eq!(again.enriched.combined_embedding.as_deref(), Some(&expected[..]));
    assert_eq!(logline::derive::embed_changed(emb, &mut again, &input.clone(), CombinedMode::Encode).unwrap(), 2);

    // Without a model (`enzymes run`), a changed span has no vector to
    // offer: `embedding` is absent, not the old text's.
    let out = chain::run(&mut stages(), input, &tagger).unwrap();
    let seen = out.items[0].span.extra.iter().find(|(k, _)| k == "seen_embedding").map(|(_, v)| v.get().to_string());
    assert_eq!(seen.as_deref(), Some("null"));
}

/// `enzymes run` rejects had no line number and their own shapes; it also
/// read its whole input into memory first.
#[test]
fn enzymes_run_rejects_carry_their_line_in_the_one_shape() {
    use logline::pipeline::chain_only;
    let dir = tempfile::tempdir().unwrap();
    let m = manifest_for(logline_test_guests::length_filter(), "config = { min_words = 3 }\n");
    let long = crate::common::span("x").to_json_line(false, &[]);
    let short = long.replace("Use `reversed(xs)` or `xs[::-1]`.", "Reversed.");
    let mut lines = Vec::new();
    // More than one round (workers × batch_size), so rounds carry over.
    for i in 0..700 {
        let l = if i % 7 == 3 { &short } else { &long };
        lines.push(l.replace(r#""id":"x""#, &format!(r#""id":"s{i}""#)));
    }
    lines.insert(100, "{not json".into());
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out.ndjson");
    let stats =
        chain_only::run_chain(host(), &m, &input, &out, std::sync::Arc::new(logline::enzyme::NoLookups), 2).unwrap();
    assert_eq!((stats.input_lines, stats.invalid, stats.spans), (701, 1, 700));
    assert_eq!((stats.written, stats.dropped), (600, 100));
    let kept: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(kept.len(), 600);
    assert_eq!(kept[0]["transformation_log"][0]["intent"], "implement");
    let rejects: Vec<serde_json::Value> = std::fs::read_to_string(chain_only::rejects_path_for(&out))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rejects.len(), 101);
    let bad = rejects.iter().find(|r| r["reason"] == "invalid").unwrap();
    assert_eq!(
        (bad["line"].as_u64(), bad["stage"].as_str(), bad["raw"].as_str()),
        (Some(101), Some("input"), Some("{not json"))
    );
    for r in rejects.iter().filter(|r| r["reason"] == "dropped") {
        let id = r["id"].as_str().unwrap();
        let i: u64 = id[1..].parse().unwrap();
        // Line numbers count the invalid line at 101.
        assert_eq!(r["line"].as_u64().unwrap(), if i < 100 { i + 1 } else { i + 2 }, "{r}");
        assert_eq!((r["stage"].as_str(), r["enzyme"].as_str()), (Some("chain"), Some("e")));
        assert_eq!(r["span"]["id"], r["id"]);
        assert!(r["detail"].as_str().unwrap().contains("fewer than 3"), "{r}");
    }
    assert_eq!(stats.rejects.get(logline::output::sink::RejectCode::Dropped), 100);
}
