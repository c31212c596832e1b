//! Hostile input files: no crash, no hang, a clear reason for every line,
//! and every line accounted for (outputs + rejects = non-blank lines).

use crate::common::{example_spans, logline, shared_embedder};
use crate::pipeline::{lines, prepare_opts};
use logline::pipeline::prepare;
use serde_json::Value;
use std::io::Write;
use std::process::Command;

const GOOD: &str = r#"{"id":"ID","who":"u","did":"ask_question","this":"How do I list files in Python?","when":"2024-05-01T10:00:00Z","status":"completed","if_ok":"Use os.listdir or pathlib.Path.iterdir.","metadata":{"quality_score":90}}"#;

fn good(id: &str) -> String {
    GOOD.replace("\"ID\"", &format!("\"{id}\""))
}

/// Prepare `bytes` as an input file; return (output spans, rejects).
fn run(name: &str, bytes: &[u8]) -> (Vec<Value>, Vec<Value>) {
    let (o, r, _) = run_raw(name, bytes);
    (o, r)
}

/// Like [`run`], plus the output file's text.
fn run_raw(name: &str, bytes: &[u8]) -> (Vec<Value>, Vec<Value>, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).unwrap();
    let out = dir.path().join("out");
    let stats =
        prepare::prepare(&prepare_opts(&input, &out), shared_embedder()).unwrap_or_else(|e| panic!("{name}: {e:#}"));
    let (o, r, _, _) = prepare::outputs(&out);
    let raw = std::fs::read_to_string(&o).unwrap();
    let (o, r) = (lines(&o), lines(&r));
    assert_eq!(o.len() as u64 + r.len() as u64, stats.total, "{name}: every line accounted for");
    for rej in &r {
        let reasons = rej["reasons"].as_array().unwrap();
        assert!(
            !reasons.is_empty() && reasons.iter().all(|x| x["code"].is_string() && x["detail"].is_string()),
            "{name}: {rej}"
        );
        assert!(rej["line"].as_u64().unwrap() >= 1);
    }
    (o, r, raw)
}

fn codes(r: &Value) -> Vec<&str> {
    r["reasons"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect()
}

#[test]
fn truncated_json_and_non_ndjson() {
    let text = format!("{}\n{}\n", &good("a")[..60], good("b"));
    let (o, r) = run("truncated.ndjson", text.as_bytes());
    assert_eq!((o.len(), codes(&r[0])), (1, vec!["invalid_json"]));
    let (o, r) = run("array.json", format!("[{},{}]\n", good("a"), good("b")).as_bytes());
    assert_eq!((o.len(), codes(&r[0])), (0, vec!["not_an_object"]));
    let (o, r) = run("spans.csv", b"id,who,did,this\n1,u,ask_question,hello\n");
    assert_eq!(o.len(), 0);
    assert!(r.iter().all(|x| codes(x) == ["invalid_json"]));
    // A pretty-printed object spread over lines: each line is its own (broken) record.
    let pretty = serde_json::to_string_pretty(&serde_json::from_str::<Value>(&good("p")).unwrap()).unwrap();
    let (o, r) = run("pretty.json", pretty.as_bytes());
    assert_eq!((o.len(), r.len()), (0, pretty.lines().count()));
}

#[test]
fn invalid_utf8_bom_and_crlf() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(good("a").as_bytes());
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(&good("b").as_bytes()[..40]);
    bytes.extend_from_slice(b"\xff\xfe\r\n");
    bytes.extend_from_slice(good("c").as_bytes());
    bytes.extend_from_slice(b"\r\n");
    let (o, r) = run("bom-crlf.ndjson", &bytes);
    let ids: Vec<&str> = o.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(codes(&r[0]), ["invalid_utf8"]);
    assert!(r[0]["raw_base64"].is_string(), "non-UTF-8 lines are kept losslessly");
    assert_eq!(r[0]["line"], 2);
}

#[test]
fn a_100_mb_line_is_rejected_without_holding_it() {
    let mut bytes = good("a").into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(br#"{"id":"big","this":""#);
    bytes.extend(std::iter::repeat_n(b'x', 100 << 20));
    bytes.extend_from_slice(b"\"}\n");
    bytes.extend_from_slice(good("b").as_bytes());
    let (o, r) = run("huge.ndjson", &bytes);
    assert_eq!(o.len(), 2);
    assert_eq!(codes(&r[0]), ["line_too_long"]);
    assert_eq!(r[0]["raw_truncated"], true);
    assert!(r[0]["raw_bytes"].as_u64().unwrap() > 100 << 20);
    assert!(r[0]["raw"].as_str().unwrap().len() <= logline::ingest::LONG_LINE_PREFIX);
    // The message names the limit that applied, not the prefix kept.
    let detail = r[0]["reasons"][0]["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("over the {} byte limit", logline::ingest::DEFAULT_MAX_LINE)), "{detail}");
}

#[test]
fn nulls_for_optional_fields_are_absent() {
    // What pandas' to_json and Python's json write for missing values.
    let lines = [
        good("ctx").replace(r#""metadata""#, r#""context":null,"metadata""#),
        good("ifnot").replace(r#""metadata""#, r#""if_not":null,"confirmed_by":null,"metadata""#),
        good("env").replace(r#""metadata""#, r#""context":{"environment":null,"thread_id":null},"metadata""#),
        good("meta").replace(r#""metadata":{"quality_score":90}"#, r#""metadata":null"#),
        good("score").replace(r#""quality_score":90"#, r#""quality_score":null"#),
    ];
    let (o, r, raw) = run_raw("nulls.ndjson", lines.join("\n").as_bytes());
    let ids: Vec<&str> = o.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ctx", "ifnot", "env"]);
    // An absent field is not written back as null (a context object keeps
    // what it holds, as written).
    for line in raw.lines().take(2) {
        assert!(!line.contains("null"), "{}", &line[..200.min(line.len())]);
    }
    // No score at all: filtered as missing (the default threshold is 80), not invalid.
    for rej in &r {
        assert_eq!((rej["reason"].as_str(), codes(rej)), (Some("filtered"), vec!["missing_quality"]), "{rej}");
    }
    assert_eq!(r.len(), 2);
    // A required field set to null is missing.
    let (o, r) = run("null-id.ndjson", good("x").replace(r#""who":"u""#, r#""who":null"#).as_bytes());
    assert_eq!((o.len(), codes(&r[0])), (0, vec!["missing_field"]));
}

#[test]
fn a_duplicate_key_inside_an_object_is_invalid() {
    // serde_json keeps the last value, other readers the first: what LogLine
    // validated and what another tool sees would differ.
    let lines = [
        good("m").replace(r#""quality_score":90"#, r#""quality_score":95,"quality_score":12"#),
        good("c").replace(r#""metadata""#, r#""context":{"thread_id":"a","thread_id":"b"},"metadata""#),
        good("deep").replace(r#""metadata""#, r#""extra":{"list":[{"k":1,"k":2}]},"metadata""#),
        good("ok").replace(r#""metadata""#, r#""extra":{"list":[{"k":1},{"k":2}]},"metadata""#),
    ];
    let (o, r) = run("dup-nested.ndjson", lines.join("\n").as_bytes());
    assert_eq!(o.len(), 1, "the same key in two objects of a list is fine");
    let fields: Vec<&str> = r.iter().map(|x| x["reasons"][0]["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["metadata.quality_score", "context.thread_id", "extra.list[].k"]);
    assert!(r.iter().all(|x| codes(x) == ["duplicate_key"] && x["id"].is_string()), "{r:?}");
}

#[test]
fn a_when_without_a_zone_is_invalid() {
    let (o, r) = run("zone.ndjson", good("z").replace("2024-05-01T10:00:00Z", "2024-05-01T10:00:00").as_bytes());
    assert_eq!((o.len(), codes(&r[0])), (0, vec!["bad_timestamp"]));
    assert!(r[0]["reasons"][0]["detail"].as_str().unwrap().contains("no time zone"), "{}", r[0]);
}

#[test]
fn deep_nesting_big_numbers_and_duplicate_keys() {
    let deep = good("deep")
        .replace(r#""metadata""#, &format!(r#""x":{}1{},"metadata""#, "[".repeat(100_000), "]".repeat(100_000)));
    let big = good("big").replace("90}", "1e400}");
    let huge_int = good("int").replace(r#""metadata""#, r#""n":123456789012345678901234567890,"metadata""#);
    let dup_key = good("dup").replace(r#""who":"u""#, r#""who":"u","who":"v""#);
    let text = [deep, big, huge_int, dup_key].join("\n");
    let (o, r, raw) = run_raw("weird.ndjson", text.as_bytes());
    assert_eq!(o.len(), 1, "the big integer in an unknown key is kept as written");
    assert!(raw.contains(r#""n":123456789012345678901234567890"#), "{raw}");
    let by_line: Vec<Vec<&str>> = r.iter().map(codes).collect();
    assert_eq!(by_line, [vec!["too_deep"], vec!["invalid_json"], vec!["duplicate_key"]]);
}

#[test]
fn wrong_types_for_every_field() {
    let base: Value = serde_json::from_str(&good("x")).unwrap();
    let mut text = String::new();
    let fields =
        ["id", "who", "did", "this", "when", "status", "if_ok", "if_not", "confirmed_by", "context", "metadata"];
    for (i, f) in fields.iter().enumerate() {
        let mut v = base.clone();
        v["id"] = format!("t{i}").into();
        v[*f] = if *f == "context" || *f == "metadata" { Value::from("not an object") } else { Value::from(42) };
        text.push_str(&v.to_string());
        text.push('\n');
    }
    let (o, r) = run("types.ndjson", text.as_bytes());
    assert_eq!(o.len(), 0);
    assert_eq!(r.len(), fields.len());
    for (rej, f) in r.iter().zip(fields) {
        let fields_named: Vec<&str> =
            rej["reasons"].as_array().unwrap().iter().filter_map(|x| x["field"].as_str()).collect();
        assert!(fields_named.contains(&f), "{f}: {rej}");
    }
}

#[test]
fn timestamps_that_look_valid_but_are_not() {
    let bad = [
        "2024-02-30T10:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-04-31T10:00:00Z",
        "2024-05-01T24:00:01Z",
        "2024-05-01T10:60:00Z",
        "2024-05-01",
        "1714557600",
        "yesterday",
    ];
    let text: Vec<String> =
        bad.iter().enumerate().map(|(i, w)| good(&format!("w{i}")).replace("2024-05-01T10:00:00Z", w)).collect();
    let (o, r) = run("when.ndjson", text.join("\n").as_bytes());
    assert_eq!(o.len(), 0);
    assert!(r.iter().all(|x| codes(x) == ["bad_timestamp"]), "{r:?}");
}

#[test]
fn duplicate_ids_empty_and_blank_files() {
    let text = format!("{}\n{}\n{}\n", good("a"), good("a"), good("b"));
    let (o, r) = run("dups.ndjson", text.as_bytes());
    assert_eq!((o.len(), codes(&r[0])), (2, vec!["duplicate_id"]));
    assert_eq!(run("empty.ndjson", b""), (vec![], vec![]));
    assert_eq!(run("blank.ndjson", b"\n\n   \n\t\r\n"), (vec![], vec![]));
}

#[test]
fn gzip_input_is_read() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(format!("{}\n{}\n", good("a"), &good("b")[..30]).as_bytes()).unwrap();
    let (o, r) = run("spans.ndjson.gz", &enc.finish().unwrap());
    assert_eq!((o.len(), r.len()), (1, 1));
}

#[test]
fn a_missing_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = logline(&["prepare", "-i", "/nonexistent/spans.ndjson", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/nonexistent/spans.ndjson") && err.contains("does not exist"), "{err}");
    let o = logline(&["prepare", "--bogus"]);
    assert_eq!(o.status.code(), Some(2), "bad usage");
}

#[test]
fn an_unwritable_output_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let mut perm = std::fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o555);
    std::fs::set_permissions(&ro, perm).unwrap();
    // Root ignores permission bits; a regular file in the way of the folder does not.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, b"x").unwrap();
    for out in [ro.join("out"), blocked.join("out")] {
        if out.starts_with(&ro) && nix_is_root() {
            continue;
        }
        let o = logline(&["prepare", "-i", example_spans().to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("output folder") || err.contains("cannot create"), "{err}");
    }
}

fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

#[test]
fn a_full_disk_fails_cleanly() {
    // Simulated with a file-size limit: writes past it fail with EFBIG.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let cache = dir.path().join("cache");
    let script = format!(
        "trap '' XFSZ; ulimit -f 512; exec {} prepare -i {} -o {} --cache-dir {}",
        env!("CARGO_BIN_EXE_logline"),
        example_spans().display(),
        out.display(),
        cache.display()
    );
    let o = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("File too large") || err.contains("No space"), "{err}");
    // Nothing looks finished.
    let (enriched, rejects, stats, _) = prepare::outputs(&out);
    for p in [enriched, rejects, stats] {
        assert!(!p.exists(), "{} exists after a failed run", p.display());
    }
}
