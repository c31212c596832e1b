//! Tests of the span generator against an independent validator written from SPEC §1.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::Command;

use logline_bench::spangen::{GenConfig, GenStats, MIN_QUALITY, generate_string, secrets};
use serde_json::Value;

fn cfg(count: usize, seed: u64) -> GenConfig {
    GenConfig { count, seed, invalid_share: 0.08, dup_share: 0.1, secret_share: 0.1 }
}

// ---------------------------------------------------------------- validator

/// RFC 3339 timestamp → epoch milliseconds, or None when invalid.
fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) { t.parse().ok() } else { None }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let dim = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&mo) || d < 1 || d > dim[(mo - 1) as usize] || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0;
    if b[i] == b'.' {
        let start = i + 1;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let frac = &s[start..i.min(start + 3)];
        ms = format!("{frac:0<3}").parse::<i64>().ok()?;
    }
    let offset_min = match &s[i..] {
        "Z" | "z" => 0,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) && &z[3..4] == ":" => {
            let oh: i64 = z[1..3].parse().ok()?;
            let om: i64 = z[4..6].parse().ok()?;
            if oh > 23 || om > 59 {
                return None;
            }
            let v = oh * 60 + om;
            if z.starts_with('-') { -v } else { v }
        }
        _ => return None,
    };
    // days from civil (H. Hinnant)
    let (yy, mm) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * mm + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + mi * 60 + se) - offset_min * 60) * 1000 + ms)
}

#[derive(Debug, Default)]
struct Checked {
    valid: usize,
    filtered_low: usize,
    filtered_missing: usize,
    invalid: BTreeMap<&'static str, usize>,
    blank: usize,
    valid_spans: Vec<Value>,
    /// id -> how many object lines carry it
    id_counts: HashMap<String, usize>,
}

fn classify(v: &Value, seen: &mut HashSet<String>) -> Result<(), &'static str> {
    let Some(o) = v.as_object() else {
        return Err("not_object");
    };
    for f in ["id", "who", "did", "this", "when", "status"] {
        match o.get(f) {
            None => return Err("missing_field"),
            Some(x) if !x.is_string() => return Err("wrong_type"),
            _ => {}
        }
    }
    let status = o["status"].as_str().unwrap();
    if !matches!(status, "pending" | "completed" | "failed") {
        return Err("bad_status");
    }
    if parse_rfc3339(o["when"].as_str().unwrap()).is_none() {
        return Err("bad_timestamp");
    }
    if status == "completed" && !o.get("if_ok").is_some_and(Value::is_string) {
        return Err("missing_if_ok");
    }
    match o.get("context") {
        Some(Value::Null) => return Err("context_null"),
        Some(c) if !c.is_object() => return Err("wrong_type"),
        _ => {}
    }
    if !seen.insert(o["id"].as_str().unwrap().to_string()) {
        return Err("duplicate_id");
    }
    Ok(())
}

fn check(ndjson: &str) -> Checked {
    let mut c = Checked::default();
    let mut seen = HashSet::new();
    for line in ndjson.split('\n') {
        if line.trim().is_empty() {
            c.blank += 1;
            continue;
        }
        let v: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) => {
                *c.invalid.entry("not_json").or_default() += 1;
                continue;
            }
        };
        if let Some(id) = v.get("id").and_then(Value::as_str) {
            *c.id_counts.entry(id.to_string()).or_default() += 1;
        }
        match classify(&v, &mut seen) {
            Err(kind) => *c.invalid.entry(kind).or_default() += 1,
            Ok(()) => match v.pointer("/metadata/quality_score").and_then(Value::as_f64) {
                None => c.filtered_missing += 1,
                Some(q) if q < MIN_QUALITY => c.filtered_low += 1,
                Some(_) => {
                    c.valid += 1;
                    c.valid_spans.push(v);
                }
            },
        }
    }
    c.blank -= 1; // the final newline leaves one empty piece
    c
}

// -------------------------------------------------------------------- tests

#[test]
fn same_seed_same_bytes_and_other_seed_differs() {
    let (a, sa) = generate_string(&cfg(1500, 7));
    let (b, sb) = generate_string(&cfg(1500, 7));
    assert_eq!(a, b, "same config must give byte-identical output");
    assert_eq!(sa.to_json_pretty(), sb.to_json_pretty());
    let (c, _) = generate_string(&cfg(1500, 8));
    assert_ne!(a, c);
    // a prefix of a longer run is not required to match, but the count is exact
    assert_eq!(a.lines().filter(|l| !l.trim().is_empty()).count(), 1500);
}

#[test]
fn counts_match_stats() {
    for seed in [1u64, 42, 2024] {
        let (text, s) = generate_string(&cfg(4000, seed));
        let c = check(&text);
        assert_eq!(s.lines, 4000);
        assert_eq!(c.blank, s.blank_lines, "blank lines, seed {seed}");
        assert_eq!(c.valid, s.valid, "valid, seed {seed}");
        assert_eq!(c.filtered_low, s.filtered_low_quality, "filtered (low), seed {seed}");
        assert_eq!(c.filtered_missing, s.filtered_missing_quality, "filtered (missing), seed {seed}");
        let expected: BTreeMap<&str, usize> = s.invalid_by_kind.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(c.invalid, expected, "invalid kinds, seed {seed}");
        assert_eq!(s.invalid, (4000.0f64 * 0.08).round() as usize);
        assert_eq!(s.valid + s.filtered + s.invalid, s.lines);
        assert_eq!(s.bytes, text.len());
    }
}

#[test]
fn valid_spans_have_the_required_fields_and_sane_values() {
    let (text, s) = generate_string(&cfg(3000, 11));
    let c = check(&text);
    let mut distinct_this = HashSet::new();
    let mut distinct_if_ok = HashSet::new();
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for v in &c.valid_spans {
        for f in ["id", "who", "did", "this", "when", "status"] {
            assert!(v[f].as_str().is_some_and(|x| !x.is_empty()), "{f} in {v}");
        }
        assert!(v["who"].as_str().unwrap().contains(':'));
        let status = v["status"].as_str().unwrap();
        *statuses.entry(status.to_string()).or_default() += 1;
        if status == "completed" {
            assert!(v["if_ok"].as_str().is_some_and(|x| !x.is_empty()));
        }
        if let Some(ctx) = v.get("context") {
            assert!(ctx["environment"].is_string());
            if let Some(st) = ctx.get("stakes") {
                assert!(matches!(st.as_str(), Some("low" | "medium" | "high")));
            }
            if let Some(p) = ctx.get("previous_spans") {
                assert!(p.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string)));
            }
        }
        let q = v["metadata"]["quality_score"].as_f64().unwrap();
        assert!((MIN_QUALITY..=100.0).contains(&q));
        distinct_this.insert(v["this"].as_str().unwrap().to_string());
        if let Some(r) = v["if_ok"].as_str() {
            distinct_if_ok.insert(r.to_string());
        }
    }
    assert_eq!(distinct_this.len(), s.distinct_this_valid);
    assert_eq!(distinct_if_ok.len(), s.distinct_if_ok_valid);
    let expected: BTreeMap<String, usize> = s.status_valid.clone();
    assert_eq!(statuses, expected);
    // roughly 80% of well-formed spans pass the default quality threshold
    let share = s.valid as f64 / (s.valid + s.filtered) as f64;
    assert!((0.72..0.88).contains(&share), "pass share {share}");
}

#[test]
fn ids_are_unique_except_planted_duplicates() {
    let (text, s) = generate_string(&cfg(5000, 3));
    let c = check(&text);
    let extra: usize = c.id_counts.values().map(|n| n - 1).sum();
    assert_eq!(extra, s.invalid_by_kind.get("duplicate_id").copied().unwrap_or(0));
    assert!(extra > 0, "expected some planted duplicate ids");
}

#[test]
fn threads_are_ordered_and_reference_earlier_spans() {
    let (text, s) = generate_string(&cfg(4000, 5));
    let mut by_id: HashMap<String, (i64, String)> = HashMap::new();
    let mut threads: HashMap<String, Vec<i64>> = HashMap::new();
    let mut refs = 0;
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let (Some(id), Some(when), Some(who)) = (v["id"].as_str(), v["when"].as_str(), v["who"].as_str()) else {
            continue;
        };
        let Some(t) = parse_rfc3339(when) else {
            continue;
        };
        if let Some(prev) = v.pointer("/context/previous_spans").and_then(Value::as_array) {
            for p in prev {
                let (pt, pwho) = by_id.get(p.as_str().unwrap()).expect("previous span appears earlier");
                assert!(*pt < t, "previous span must be earlier");
                assert_eq!(pwho, who, "a thread has one actor");
                refs += 1;
            }
        }
        if let Some(th) = v.pointer("/context/thread_id").and_then(Value::as_str) {
            threads.entry(th.to_string()).or_default().push(t);
        }
        by_id.insert(id.to_string(), (t, who.to_string()));
    }
    assert!(refs > 0);
    assert_eq!(threads.len(), s.threads_with_thread_id);
    for (k, ts) in &threads {
        assert!((2..=8).contains(&ts.len()), "thread {k} has {} spans", ts.len());
        assert!(ts.windows(2).all(|w| w[0] < w[1]), "thread {k} not increasing");
    }
    let share = s.thread_spans as f64 / s.lines as f64;
    assert!((0.22..0.40).contains(&share), "thread share {share}");
}

#[test]
fn secrets_and_decoys_are_planted() {
    let (text, s) = generate_string(&cfg(8000, 9));
    for kind in secrets::SECRET_KINDS {
        assert!(s.secrets_by_kind_valid.get(kind).copied().unwrap_or(0) > 0, "no {kind} planted");
    }
    for kind in secrets::DECOY_KINDS {
        assert!(s.decoys_by_kind_valid.get(kind).copied().unwrap_or(0) > 0, "no {kind} decoy");
    }
    assert!(text.contains(secrets::AWS_EXAMPLE_ID));
    assert!(text.contains("-----BEGIN "));
    assert!(text.contains("Authorization: Bearer "));
    // fake AWS ids never collide with the documented example
    assert_eq!(
        text.matches("AKIAIOSFODNN7EXAMPLE").count(),
        text.matches("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").count()
    );
    let by_kind: usize = s.secrets_by_kind_valid.values().sum();
    assert_eq!(by_kind, s.secrets_valid);
    assert!(s.secrets_total >= s.secrets_valid);
}

#[test]
fn zero_shares_give_a_clean_file() {
    let c = GenConfig { count: 2000, seed: 4, invalid_share: 0.0, dup_share: 0.0, secret_share: 0.0 };
    let (text, s) = generate_string(&c);
    let checked = check(&text);
    assert_eq!(s.invalid, 0);
    assert_eq!(s.blank_lines, 0);
    assert!(checked.invalid.is_empty());
    assert_eq!(s.secrets_total + s.decoys_total, 0);
    assert_eq!(s.dup_this_only + s.dup_if_ok_only + s.dup_both, 0);
    assert_eq!(checked.valid, s.valid);
}

#[test]
fn content_is_varied_and_formatted_in_many_ways() {
    let (text, s) = generate_string(&cfg(5000, 21));
    assert!(s.valid_spans_actions() >= 12);
    assert!(s.domains_valid.len() >= 12);
    assert!(s.distinct_if_ok_valid as f64 > 0.85 * s.with_if_ok_valid as f64);
    assert!(s.distinct_this_valid as f64 > 0.6 * s.valid as f64);
    let f = &s.fmt_valid;
    for (name, n) in [
        ("fenced with lang", f.fenced_with_lang),
        ("fenced without lang", f.fenced_without_lang),
        ("indented", f.indented),
        ("crlf", f.crlf),
        ("trailing ws", f.trailing_whitespace),
        ("blank runs", f.blank_line_runs),
        ("minified json", f.minified_json),
    ] {
        assert!(n > 0, "no {name}");
    }
    assert!(s.unknown_keys_valid > 0 && s.non_ascii_valid > 0);
    assert!(s.response_words_valid.contains_key("1000-1999"), "no long tail: {:?}", s.response_words_valid);
    for fence in ["```python", "```rust", "```sql", "```yaml", "```json", "```bash", "```js", "```ts"] {
        assert!(text.contains(fence), "no {fence} fence");
    }
    // Python-style exporters (", " separators, \u escapes) and compact ones
    assert!(text.contains("{\"id\": \"span-") || text.contains("{\"when\": \""));
    assert!(text.contains("{\"id\":\"span-") || text.contains("{\"when\":\""));
}

#[test]
fn cli_matches_library_and_prints_stats() {
    let dir = std::env::temp_dir().join(format!("gen-spans-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("spans.ndjson");
    let o = Command::new(env!("CARGO_BIN_EXE_gen-spans"))
        .args([
            "--count",
            "700",
            "--seed",
            "13",
            "--invalid-share",
            "0.08",
            "--dup-share",
            "0.1",
            "--secret-share",
            "0.1",
            "--stats",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = std::fs::read_to_string(&out).unwrap();
    let (lib, stats): (String, GenStats) = generate_string(&cfg(700, 13));
    assert_eq!(file, lib, "CLI and library output differ");
    let printed: Value = serde_json::from_slice(&o.stderr).expect("--stats prints JSON");
    assert_eq!(printed["valid"], stats.valid);
    assert_eq!(printed["invalid"], stats.invalid);
    assert_eq!(printed["secrets"]["valid"], stats.secrets_valid);
    // stdout mode gives the same bytes
    let o2 = Command::new(env!("CARGO_BIN_EXE_gen-spans"))
        .args(["--count=700", "--seed=13", "--invalid-share=0.08", "--secret-share=0.1"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(o2.stdout).unwrap(), lib);
    // bad usage exits 2
    let bad = Command::new(env!("CARGO_BIN_EXE_gen-spans")).args(["--count", "x"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn rfc3339_checker_agrees_with_known_cases() {
    assert!(parse_rfc3339("2024-02-29T10:00:00Z").is_some());
    assert!(parse_rfc3339("2024-05-01T07:00:00.5-03:00").is_some());
    assert_eq!(parse_rfc3339("2024-05-01T10:00:00+02:00"), parse_rfc3339("2024-05-01T08:00:00Z"));
    for bad in
        ["2024-13-45T99:00:00Z", "yesterday", "2024-02-30T10:00:00Z", "2023-02-29T12:00:00Z", "2024-05-01 25:61:00", ""]
    {
        assert!(parse_rfc3339(bad).is_none(), "{bad}");
    }
}

#[test]
fn bundled_example_matches_its_documented_command() {
    // examples/data/README.md documents this exact command.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/data/diamonds.ndjson");
    let Ok(file) = std::fs::read_to_string(path) else {
        panic!("{path} is missing");
    };
    let c = GenConfig { count: 200, seed: 562, invalid_share: 0.05, dup_share: 0.1, secret_share: 0.08 };
    let (text, s) = generate_string(&c);
    assert!(
        file == text,
        "examples/data/diamonds.ndjson is stale: regenerate it with the command in examples/data/README.md"
    );
    assert_eq!((s.valid, s.filtered, s.invalid, s.blank_lines), (153, 37, 10, 2));
    assert_eq!(s.invalid_by_kind.len(), 9);
}
