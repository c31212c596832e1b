//! Deterministic span generator (SPEC §1): realistic NDJSON training spans
//! with threads, code, duplicates, planted secrets and invalid lines.
//!
//! Same [`GenConfig`] → byte-identical output, on every platform and with any
//! dependency versions: the PRNG, the JSON writer and all formatting are ours.
//!
//! ```no_run
//! let cfg = logline_bench::spangen::GenConfig { count: 1000, seed: 7, ..Default::default() };
//! let (ndjson, stats) = logline_bench::spangen::generate_string(&cfg);
//! assert_eq!(stats.lines, 1000);
//! # let _ = ndjson;
//! ```

// `*rng.pick(&["a", "b"])` is needed for inference of `T = &str`; clippy's
// suggested removal of the `*` does not compile.
#![allow(clippy::explicit_auto_deref)]

pub mod catalog;
pub mod code;
pub mod compose;
pub mod json;
pub mod rng;
pub mod secrets;
pub mod vocab;

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

use compose::{FmtFlags, Text};
use json::{J, Style};
use rng::Rng;
use vocab::{AGENTS, FIRST_NAMES, FIRST_NAMES_UTF8, Vars};

/// The input quality threshold the stats are computed against (SPEC default).
pub const MIN_QUALITY: f64 = 80.0;

#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Number of non-blank lines (spans, valid or not).
    pub count: usize,
    pub seed: u64,
    /// Share of lines that are invalid (SPEC §1). Blank lines are added at a
    /// tenth of this rate and are not counted.
    pub invalid_share: f64,
    /// Share of lines that reuse an earlier span's `this` and/or `if_ok`.
    pub dup_share: f64,
    /// Share of lines carrying planted secrets; as many other lines carry look-alike decoys.
    pub secret_share: f64,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig { count: 1000, seed: 42, invalid_share: 0.05, dup_share: 0.1, secret_share: 0.05 }
    }
}

/// Invalid-line kinds and their weights.
pub const DEFECTS: &[(&str, u32)] = &[
    ("not_json", 14),
    ("not_object", 7),
    ("missing_field", 18),
    ("wrong_type", 14),
    ("bad_status", 9),
    ("bad_timestamp", 14),
    ("missing_if_ok", 10),
    ("duplicate_id", 9),
    ("context_null", 5),
];

/// What was generated, for checking a pipeline's counts.
#[derive(Clone, Debug, Default)]
pub struct GenStats {
    pub seed: u64,
    /// Non-blank lines written (= `count`).
    pub lines: usize,
    /// Blank or whitespace-only lines (skipped by the pipeline, not counted).
    pub blank_lines: usize,
    pub bytes: usize,
    /// Valid and `metadata.quality_score >= 80`.
    pub valid: usize,
    /// Valid but filtered: quality below 80 or missing.
    pub filtered: usize,
    pub filtered_low_quality: usize,
    pub filtered_missing_quality: usize,
    pub invalid: usize,
    pub invalid_by_kind: BTreeMap<String, usize>,
    /// `kind.detail`, e.g. `missing_field.who`, `wrong_type.this`.
    pub invalid_detail: BTreeMap<String, usize>,
    // ---- over valid (passing) spans
    pub status_valid: BTreeMap<String, usize>,
    pub actions_valid: BTreeMap<String, usize>,
    pub domains_valid: BTreeMap<String, usize>,
    pub quality_sum_valid: f64,
    pub with_if_ok_valid: usize,
    pub distinct_this_valid: usize,
    pub distinct_if_ok_valid: usize,
    pub unknown_keys_valid: usize,
    pub non_ascii_valid: usize,
    pub fmt_valid: FmtCounts,
    pub response_words_valid: BTreeMap<&'static str, usize>,
    pub query_words_valid: BTreeMap<&'static str, usize>,
    // ---- duplicates (over valid + filtered spans, and over valid)
    pub dup_this_only: usize,
    pub dup_if_ok_only: usize,
    pub dup_both: usize,
    pub dup_this_only_valid: usize,
    pub dup_if_ok_only_valid: usize,
    pub dup_both_valid: usize,
    // ---- secrets and decoys
    /// Planted secret occurrences in valid + filtered spans.
    pub secrets_total: usize,
    pub secrets_valid: usize,
    pub secret_spans_valid: usize,
    pub secrets_by_kind_valid: BTreeMap<&'static str, usize>,
    pub secrets_by_field_valid: BTreeMap<&'static str, usize>,
    pub decoys_total: usize,
    pub decoys_valid: usize,
    pub decoy_spans_valid: usize,
    pub decoys_by_kind_valid: BTreeMap<&'static str, usize>,
    // ---- threads (as generated; thread spans are never made invalid)
    pub threads: usize,
    pub thread_spans: usize,
    pub threads_with_thread_id: usize,
    pub threads_previous_spans_only: usize,
    pub spans_with_thread_id_valid: usize,
    pub spans_with_previous_spans_valid: usize,
}

#[derive(Clone, Debug, Default)]
pub struct FmtCounts {
    pub responses_with_code: usize,
    pub fenced_with_lang: usize,
    pub fenced_without_lang: usize,
    pub indented: usize,
    pub raw: usize,
    pub crlf: usize,
    pub trailing_whitespace: usize,
    pub blank_line_runs: usize,
    pub minified_json: usize,
}

impl GenStats {
    /// Number of distinct `did` values among valid spans.
    pub fn valid_spans_actions(&self) -> usize {
        self.actions_valid.len()
    }

    pub fn mean_quality_valid(&self) -> f64 {
        if self.valid == 0 { 0.0 } else { self.quality_sum_valid / self.valid as f64 }
    }

    pub fn to_json(&self) -> J {
        fn map<K: AsRef<str>>(m: &BTreeMap<K, usize>) -> J {
            J::Obj(m.iter().map(|(k, v)| (k.as_ref().to_string(), J::Int(*v as i64))).collect())
        }
        fn o(fields: Vec<(&str, J)>) -> J {
            J::Obj(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        }
        let n = |x: usize| J::Int(x as i64);
        let f = &self.fmt_valid;
        o(vec![
            ("seed", J::Num(self.seed.to_string())),
            ("lines", n(self.lines)),
            ("blank_lines", n(self.blank_lines)),
            ("bytes", n(self.bytes)),
            ("valid", n(self.valid)),
            ("filtered", n(self.filtered)),
            ("filtered_low_quality", n(self.filtered_low_quality)),
            ("filtered_missing_quality", n(self.filtered_missing_quality)),
            ("invalid", n(self.invalid)),
            ("invalid_by_kind", map(&self.invalid_by_kind)),
            ("invalid_detail", map(&self.invalid_detail)),
            (
                "valid_spans",
                o(vec![
                    ("min_quality", J::Num(format!("{MIN_QUALITY:.0}"))),
                    ("mean_quality", J::Num(format!("{:.2}", self.mean_quality_valid()))),
                    ("status", map(&self.status_valid)),
                    ("unique_actions", n(self.actions_valid.len())),
                    ("actions", map(&self.actions_valid)),
                    ("unique_domains", n(self.domains_valid.len())),
                    ("domains", map(&self.domains_valid)),
                    ("with_if_ok", n(self.with_if_ok_valid)),
                    ("distinct_this", n(self.distinct_this_valid)),
                    ("distinct_if_ok", n(self.distinct_if_ok_valid)),
                    ("with_unknown_top_level_keys", n(self.unknown_keys_valid)),
                    ("with_non_ascii_text", n(self.non_ascii_valid)),
                    ("query_words", map(&self.query_words_valid)),
                    ("response_words", map(&self.response_words_valid)),
                    (
                        "formatting",
                        o(vec![
                            ("responses_with_code", n(f.responses_with_code)),
                            ("code_fenced_with_lang", n(f.fenced_with_lang)),
                            ("code_fenced_without_lang", n(f.fenced_without_lang)),
                            ("code_indented", n(f.indented)),
                            ("code_unmarked", n(f.raw)),
                            ("responses_crlf", n(f.crlf)),
                            ("responses_trailing_whitespace", n(f.trailing_whitespace)),
                            ("responses_blank_line_runs", n(f.blank_line_runs)),
                            ("responses_minified_json", n(f.minified_json)),
                        ]),
                    ),
                ]),
            ),
            (
                "duplicates",
                o(vec![
                    ("this_only", n(self.dup_this_only)),
                    ("if_ok_only", n(self.dup_if_ok_only)),
                    ("both", n(self.dup_both)),
                    ("this_only_valid", n(self.dup_this_only_valid)),
                    ("if_ok_only_valid", n(self.dup_if_ok_only_valid)),
                    ("both_valid", n(self.dup_both_valid)),
                ]),
            ),
            (
                "secrets",
                o(vec![
                    ("total", n(self.secrets_total)),
                    ("valid", n(self.secrets_valid)),
                    ("spans_valid", n(self.secret_spans_valid)),
                    ("by_kind_valid", map(&self.secrets_by_kind_valid)),
                    ("by_field_valid", map(&self.secrets_by_field_valid)),
                ]),
            ),
            (
                "decoys",
                o(vec![
                    ("total", n(self.decoys_total)),
                    ("valid", n(self.decoys_valid)),
                    ("spans_valid", n(self.decoy_spans_valid)),
                    ("by_kind_valid", map(&self.decoys_by_kind_valid)),
                ]),
            ),
            (
                "threads",
                o(vec![
                    ("threads", n(self.threads)),
                    ("spans", n(self.thread_spans)),
                    ("with_thread_id", n(self.threads_with_thread_id)),
                    ("previous_spans_only", n(self.threads_previous_spans_only)),
                    ("valid_spans_with_thread_id", n(self.spans_with_thread_id_valid)),
                    ("valid_spans_with_previous_spans", n(self.spans_with_previous_spans_valid)),
                ]),
            ),
        ])
    }

    pub fn to_json_pretty(&self) -> String {
        let mut s = String::new();
        self.to_json().write_pretty(&mut s, 0);
        s.push('\n');
        s
    }
}

// ------------------------------------------------------------------ plan

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    ThreadId,
    Both,
    PreviousOnly,
}

struct ThreadPlan {
    key: String,
    marker: Marker,
    prev_all: bool,
    who: String,
    tech: usize,
    /// Instant (ms) of the next turn.
    clock_ms: i64,
    ids: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Standalone,
    Thread { thread: usize, turn: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dup {
    ThisOnly,
    IfOkOnly,
    Both,
}

struct PoolEntry {
    line: usize,
    this: Text,
    if_ok: Option<Text>,
    did: &'static str,
    domain: &'static str,
}

const P_THREAD_START: f64 = 0.085;
const POOL_MAX: usize = 8192;

/// The stream a line's topic is drawn from (so duplicates can regenerate it).
fn topic_rng(seed: u64, line: usize) -> Rng {
    Rng::derive(seed, (2 << 32) + line as u64)
}

fn shuffle<T>(rng: &mut Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
}

/// Variants dealt so that the first `n` draws cover all `n` variants (in a
/// shuffled order), then uniformly at random.
struct Deck {
    order: Vec<usize>,
    next: usize,
}

impl Deck {
    fn new(rng: &mut Rng, n: usize) -> Deck {
        let mut order: Vec<usize> = (0..n).collect();
        shuffle(rng, &mut order);
        Deck { order, next: 0 }
    }

    fn draw(&mut self, rng: &mut Rng) -> usize {
        if self.next < self.order.len() {
            self.next += 1;
            self.order[self.next - 1]
        } else {
            rng.below(self.order.len())
        }
    }
}

/// Chooses `n` distinct items of `from` (partial Fisher–Yates).
fn choose(rng: &mut Rng, from: &[usize], n: usize) -> Vec<usize> {
    let mut v = from.to_vec();
    let n = n.min(v.len());
    for i in 0..n {
        let j = i + rng.below(v.len() - i);
        v.swap(i, j);
    }
    v.truncate(n);
    v.sort_unstable();
    v
}

fn share(count: usize, s: f64) -> usize {
    ((count as f64) * s.clamp(0.0, 1.0)).round() as usize
}

// ------------------------------------------------------------- timestamps

/// Days since 1970-01-01 → (year, month, day). (H. Hinnant's algorithm.)
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// RFC 3339 text for an instant, in a random but valid style.
fn format_when(rng: &mut Rng, ms: i64) -> String {
    let offset_min: i64 = match rng.below(20) {
        0..=11 => 0,
        12 => 0, // +00:00
        13 => -180,
        14 => 120,
        15 => 330,
        16 => -420,
        17 => 540,
        18 => 60,
        _ => -300,
    };
    let z_style = rng.below(20);
    let local = ms + offset_min * 60_000;
    let secs = local.div_euclid(1000);
    let milli = local.rem_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    let (h, mi, s) = (sod / 3600, (sod % 3600) / 60, sod % 60);
    let frac = match rng.below(10) {
        0..=5 => String::new(),
        6..=8 => format!(".{milli:03}"),
        _ => format!(".{milli:03}{:03}", rng.below(1000)),
    };
    let zone = if offset_min == 0 {
        if z_style == 12 { "+00:00".to_string() } else { "Z".to_string() }
    } else {
        let sign = if offset_min < 0 { '-' } else { '+' };
        let a = offset_min.abs();
        format!("{sign}{:02}:{:02}", a / 60, a % 60)
    };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{zone}")
}

/// (bad `when` value, label used in `invalid_detail`).
const BAD_TIMESTAMPS: &[(&str, &str)] = &[
    ("2024-13-45T99:00:00Z", "month_13"),
    ("yesterday", "words"),
    ("2024-02-30T10:00:00Z", "feb_30"),
    ("2023-02-29T12:00:00Z", "feb_29_non_leap"),
    ("2024-06-31T08:15:00Z", "jun_31"),
    ("2024-05-01 25:61:00", "hour_25"),
    ("12/03/2024 10:00", "not_iso"),
    ("", "empty"),
    ("2024-04-10T10:00:00+25:00", "offset_25h"),
    ("last tuesday around 3pm", "words"),
];

// -------------------------------------------------------------- metadata

const MODELS: &[(&str, &str)] = &[
    ("gpt-4o", "openai"),
    ("gpt-4o-mini", "openai"),
    ("gpt-4-turbo", "openai"),
    ("o3-mini", "openai"),
    ("claude-3-5-sonnet-20241022", "anthropic"),
    ("claude-3-5-haiku-20241022", "anthropic"),
    ("claude-3-opus-20240229", "anthropic"),
    ("llama-3.1-70b-instruct", "meta"),
    ("gemini-1.5-pro", "google"),
    ("mistral-large-2407", "mistral"),
    ("qwen2.5-coder-32b-instruct", "alibaba"),
    ("deepseek-coder-v2", "deepseek"),
];

const IF_NOT_FAILED: &[&str] = &[
    "Model returned an empty response",
    "Upstream timeout after 60s",
    "Rate limited by provider (429); retry scheduled",
    "Generated code failed to compile: error[E0308]: mismatched types",
    "Tests failed: 3 of 12 assertions",
    "Content filter triggered on the response",
    "User cancelled the request",
    "Context length exceeded (max 8192 tokens)",
];

const IF_NOT_OTHER: &[&str] = &[
    "If this does not fix it, enable debug logging and share the full stack trace.",
    "Escalate to the on-call channel if not confirmed within 24h.",
    "Fall back to the previous release if the error rate does not drop.",
    "If the answer is rejected, route the question to a human reviewer.",
];

/// A quality score: `None` = missing; scores are integers or one-decimal numbers.
fn quality(rng: &mut Rng, penalty: u32, force_pass: bool) -> Option<(f64, String)> {
    if !force_pass && rng.chance(0.015) {
        return None;
    }
    let buckets: &[((u32, u32), u32)] =
        &[((95, 100), 20), ((90, 94), 25), ((85, 89), 22), ((80, 84), 16), ((75, 79), 9), ((70, 74), 5), ((50, 69), 3)];
    let (lo, hi) = *rng.pick_weighted(buckets);
    let mut q = rng.range(lo as usize, hi as usize) as u32;
    q = q.saturating_sub(penalty);
    if force_pass && (q as f64) < MIN_QUALITY {
        q = rng.range(80, 97) as u32;
    }
    if q < 100 && rng.chance(0.2) {
        let tenth = rng.range(1, 9);
        let v = q as f64 + tenth as f64 / 10.0;
        Some((v, format!("{q}.{tenth}")))
    } else {
        Some((q as f64, q.to_string()))
    }
}

fn words_bucket(w: usize) -> &'static str {
    match w {
        0..=19 => "0-19",
        20..=39 => "20-39",
        40..=79 => "40-79",
        80..=149 => "80-149",
        150..=249 => "150-249",
        250..=399 => "250-399",
        400..=599 => "400-599",
        600..=999 => "600-999",
        1000..=1999 => "1000-1999",
        _ => "2000+",
    }
}

fn who(rng: &mut Rng) -> String {
    if rng.chance(0.12) {
        rng.pick(AGENTS).to_string()
    } else if rng.chance(0.03) {
        format!("user:{}", rng.pick(FIRST_NAMES_UTF8))
    } else if rng.chance(0.2) {
        format!("user:{}.{}", rng.pick(FIRST_NAMES), rng.pick(&["dev", "ops", "data", "qa", "ml"]))
    } else {
        format!("user:{}", rng.pick(FIRST_NAMES))
    }
}

// ------------------------------------------------------------- generator

/// One line's classification and the facts needed for stats.
struct LineFacts {
    class: Class,
    this: Option<Text>,
    if_ok: Option<Text>,
    ctx_secrets: Vec<&'static str>,
    ctx_decoys: Vec<&'static str>,
    did: &'static str,
    domain: &'static str,
    status: &'static str,
    quality: Option<f64>,
    dup: Option<Dup>,
    unknown_keys: bool,
    has_thread_id: bool,
    has_previous: bool,
    /// Hashes of `this` and `if_ok` (the texts themselves were moved into the line).
    hashes: (u64, Option<u64>),
    non_ascii: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Valid,
    FilteredLow,
    FilteredMissing,
    Invalid(&'static str),
}

/// Generates `cfg.count` lines into `out` and returns what was generated.
pub fn generate<W: Write>(cfg: &GenConfig, out: &mut W) -> io::Result<GenStats> {
    let mut g = Generator::new(cfg);
    let mut buf = String::with_capacity(1 << 16);
    for i in 0..cfg.count {
        g.line(i, &mut buf);
        if buf.len() > (1 << 20) {
            out.write_all(buf.as_bytes())?;
            g.stats.bytes += buf.len();
            buf.clear();
        }
    }
    out.write_all(buf.as_bytes())?;
    g.stats.bytes += buf.len();
    g.finish();
    Ok(g.stats)
}

/// Generates into memory.
pub fn generate_string(cfg: &GenConfig) -> (String, GenStats) {
    let mut v = Vec::new();
    let stats = generate(cfg, &mut v).expect("writing to a Vec cannot fail");
    (String::from_utf8(v).expect("generator writes UTF-8"), stats)
}

struct Generator {
    cfg: GenConfig,
    slots: Vec<Slot>,
    threads: Vec<ThreadPlan>,
    defects: Vec<Option<&'static str>>,
    dups: Vec<bool>,
    secret: Vec<bool>,
    decoy: Vec<bool>,
    blank_rng: Rng,
    /// Secret blocks, decoy blocks, context secrets.
    decks: [Deck; 3],
    clock_ms: i64,
    pool: Vec<PoolEntry>,
    valid_ids: Vec<String>,
    seen_this: HashSet<u64>,
    seen_if_ok: HashSet<u64>,
    stats: GenStats,
}

impl Generator {
    fn new(cfg: &GenConfig) -> Generator {
        let n = cfg.count;
        let mut srng = Rng::derive(cfg.seed, 1);
        // Threads: a span may start a thread whose later turns are interleaved
        // with other spans a few lines apart.
        let mut slots: Vec<Option<Slot>> = vec![None; n];
        let mut threads = Vec::new();
        let base_ms: i64 = (1_704_067_200 + srng.below(300) as i64 * 86_400) * 1000;
        for i in 0..n {
            if slots[i].is_some() {
                continue;
            }
            if srng.chance(P_THREAD_START) {
                let len = srng.range(2, 8);
                let mut pos = vec![i];
                let mut p = i;
                while pos.len() < len {
                    p += 1 + srng.below(4);
                    while p < n && slots[p].is_some() {
                        p += 1;
                    }
                    if p >= n {
                        break;
                    }
                    pos.push(p);
                }
                if pos.len() >= 2 {
                    let t = threads.len();
                    for (turn, &p) in pos.iter().enumerate() {
                        slots[p] = Some(Slot::Thread { thread: t, turn });
                    }
                    let marker =
                        *srng.pick_weighted(&[(Marker::ThreadId, 50), (Marker::Both, 30), (Marker::PreviousOnly, 20)]);
                    let key = if srng.chance(0.6) {
                        format!("thread-{:05}", t + 1)
                    } else {
                        format!("conv_{}", srng.string(rng::HEX, 12))
                    };
                    threads.push(ThreadPlan {
                        key,
                        marker,
                        prev_all: srng.chance(0.7),
                        who: who(&mut srng),
                        tech: srng.below(catalog::TECHS.len()),
                        clock_ms: 0,
                        ids: Vec::new(),
                    });
                    continue;
                }
            }
            slots[i] = Some(Slot::Standalone);
        }
        let slots: Vec<Slot> = slots.into_iter().map(|s| s.unwrap()).collect();
        let standalone: Vec<usize> = (0..n).filter(|&i| slots[i] == Slot::Standalone).collect();

        let mut defects = vec![None; n];
        // The first invalid lines cycle through every defect kind (so even a
        // small file shows each one), later ones follow the weights.
        let invalid_at = choose(&mut srng, &standalone, share(n, cfg.invalid_share));
        let mut first_kinds: Vec<&'static str> = DEFECTS.iter().map(|(k, _)| *k).collect();
        shuffle(&mut srng, &mut first_kinds);
        // a duplicate id needs earlier valid spans: keep it off the very first invalid line
        if first_kinds[0] == "duplicate_id" && first_kinds.len() > 1 {
            first_kinds.swap(0, 1);
        }
        for (k, &i) in invalid_at.iter().enumerate() {
            defects[i] = Some(if k < first_kinds.len() { first_kinds[k] } else { *srng.pick_weighted(DEFECTS) });
        }
        // duplicates: standalone, non-invalid lines
        let dup_ok: Vec<usize> = standalone.iter().copied().filter(|&i| defects[i].is_none() && i > 0).collect();
        let mut dups = vec![false; n];
        for i in choose(&mut srng, &dup_ok, share(n, cfg.dup_share)) {
            dups[i] = true;
        }
        let plain: Vec<usize> = (0..n).filter(|&i| defects[i].is_none()).collect();
        let mut secret = vec![false; n];
        for i in choose(&mut srng, &plain, share(n, cfg.secret_share)) {
            secret[i] = true;
        }
        let mut decoy = vec![false; n];
        for i in choose(&mut srng, &plain, share(n, cfg.secret_share)) {
            decoy[i] = true;
        }
        let stats = GenStats {
            seed: cfg.seed,
            threads: threads.len(),
            thread_spans: slots.iter().filter(|s| matches!(s, Slot::Thread { .. })).count(),
            threads_with_thread_id: threads.iter().filter(|t| t.marker != Marker::PreviousOnly).count(),
            threads_previous_spans_only: threads.iter().filter(|t| t.marker == Marker::PreviousOnly).count(),
            ..Default::default()
        };
        Generator {
            cfg: cfg.clone(),
            slots,
            threads,
            defects,
            dups,
            secret,
            decoy,
            blank_rng: Rng::derive(cfg.seed, 2),
            decks: [
                Deck::new(&mut srng, secrets::SECRET_BLOCK_VARIANTS),
                Deck::new(&mut srng, secrets::DECOY_BLOCK_VARIANTS),
                Deck::new(&mut srng, secrets::CONTEXT_SECRET_VARIANTS),
            ],
            clock_ms: base_ms,
            pool: Vec::new(),
            valid_ids: Vec::new(),
            seen_this: HashSet::new(),
            seen_if_ok: HashSet::new(),
            stats,
        }
    }

    fn line(&mut self, i: usize, buf: &mut String) {
        // blank lines, skipped by the pipeline and not counted
        if self.cfg.invalid_share > 0.0 && self.blank_rng.chance(self.cfg.invalid_share * 0.1) {
            buf.push_str(if self.blank_rng.chance(0.8) { "\n" } else { "   \n" });
            self.stats.blank_lines += 1;
        }
        let mut rng = Rng::derive(self.cfg.seed, (1 << 32) + i as u64);
        self.clock_ms += rng.range(20_000, 900_000) as i64 + rng.below(1000) as i64;
        let id = format!("span-{:06}", i + 1);
        let (line, facts) = self.span(i, &id, &mut rng);
        buf.push_str(&line);
        buf.push('\n');
        self.count(i, id, facts);
    }

    fn span(&mut self, i: usize, id: &str, rng: &mut Rng) -> (String, LineFacts) {
        let slot = self.slots[i];
        let defect = self.defects[i];

        // ---- topic, who, when
        let (topic, followup, who_s, when_ms) = match slot {
            Slot::Thread { thread, turn } if turn > 0 => {
                let th = &mut self.threads[thread];
                let did = *rng.pick_weighted(&[
                    ("ask_question", 3),
                    ("write_code", 3),
                    ("debug_code", 3),
                    ("write_tests", 1),
                    ("optimize_code", 1),
                    ("explain_concept", 2),
                ]);
                let topic = compose::topic_for(rng, did, Some(compose::tech_by_index(th.tech)));
                th.clock_ms += rng.range(30_000, 1_500_000) as i64 + rng.below(1000) as i64;
                (topic, true, th.who.clone(), th.clock_ms)
            }
            Slot::Thread { thread, .. } => {
                let topic = compose::topic(&mut topic_rng(self.cfg.seed, i));
                let th = &mut self.threads[thread];
                th.tech = compose::index_of(topic.tech);
                th.clock_ms = self.clock_ms;
                (topic, false, th.who.clone(), th.clock_ms)
            }
            Slot::Standalone => {
                let topic = compose::topic(&mut topic_rng(self.cfg.seed, i));
                let w = who(rng);
                (topic, false, w, self.clock_ms)
            }
        };
        let status: &'static str = if defect == Some("missing_if_ok") {
            "completed"
        } else {
            *rng.pick_weighted(&[("completed", 88), ("failed", 6), ("pending", 6)])
        };

        // ---- texts (with duplicates)
        let mut dup = None;
        let (mut this, mut if_ok, did, domain);
        if self.dups[i] && !self.pool.is_empty() {
            let src = &self.pool[rng.below(self.pool.len())];
            let kind = if src.if_ok.is_none() {
                Dup::ThisOnly
            } else {
                *rng.pick_weighted(&[(Dup::ThisOnly, 40), (Dup::IfOkOnly, 25), (Dup::Both, 35)])
            };
            // regenerate the source's topic so a fresh text stays on topic
            let src_topic = compose::topic(&mut topic_rng(self.cfg.seed, src.line));
            did = src.did;
            domain = src.domain;
            match kind {
                Dup::ThisOnly => {
                    this = src.this.clone();
                    if_ok = (status == "completed").then(|| compose::response(rng, &src_topic, false));
                }
                Dup::IfOkOnly => {
                    this = compose::query(rng, &src_topic, false);
                    if_ok = src.if_ok.clone();
                }
                Dup::Both => {
                    this = src.this.clone();
                    if_ok = src.if_ok.clone();
                }
            }
            dup = Some(kind);
        } else {
            this = compose::query(rng, &topic, followup);
            if_ok = (status == "completed" || (status == "failed" && rng.chance(0.1)))
                .then(|| compose::response(rng, &topic, status == "failed"));
            did = topic.did;
            domain = topic.domain;
        }
        if status != "completed" && dup == Some(Dup::IfOkOnly) {
            // keep the duplicated response: the span is completed after all
        }
        let status = if if_ok.is_some() && dup.is_some() && status != "completed" { "completed" } else { status };
        if defect == Some("missing_if_ok") && if_ok.is_none() {
            if_ok = Some(Text::default());
        }

        // ---- secrets and decoys (never inside duplicated texts)
        let vars = Vars::new(rng);
        let mut ctx_extra: Vec<(String, J)> = Vec::new();
        let mut ctx_secrets = Vec::new();
        let mut ctx_decoys = Vec::new();
        if self.secret[i] && dup.is_none() {
            let r = rng.below(10);
            if r < 2 {
                let (k, v, kinds) = {
                    let dv = self.decks[2].draw(rng);
                    secrets::context_secret(rng, &vars, dv)
                };
                ctx_extra.push((k.to_string(), J::s(v)));
                ctx_secrets.extend(kinds);
            } else if r < 6 || if_ok.is_none() {
                let b = {
                    let dv = self.decks[0].draw(rng);
                    secrets::secret_block(rng, &vars, dv)
                };
                compose::frame_secret_in_query(rng, &mut this, b);
            } else {
                let b = {
                    let dv = self.decks[0].draw(rng);
                    secrets::secret_block(rng, &vars, dv)
                };
                compose::frame_block_in_response(rng, if_ok.as_mut().unwrap(), b);
            }
        }
        if self.decoy[i] && dup.is_none() {
            // inline mention 15%, context value 15%, a block in the query or response 70%
            match rng.weighted(&[15, 15, 35, 35]) {
                0 => compose::inline_decoy(rng, &mut this, &vars),
                1 => {
                    if rng.chance(0.5) {
                        ctx_extra.push((
                            "trace_id".into(),
                            J::s(format!(
                                "{}-{}-4{}-a{}-{}",
                                rng.string(rng::HEX, 8),
                                rng.string(rng::HEX, 4),
                                rng.string(rng::HEX, 3),
                                rng.string(rng::HEX, 3),
                                rng.string(rng::HEX, 12)
                            )),
                        ));
                        ctx_decoys.push("uuid");
                    } else {
                        ctx_extra.push(("commit".into(), J::s(rng.string(rng::HEX, 40))));
                        ctx_decoys.push("git_sha");
                    }
                }
                2 => {
                    let b = {
                        let dv = self.decks[1].draw(rng);
                        secrets::decoy_block(rng, &vars, dv)
                    };
                    compose::frame_secret_in_query(rng, &mut this, b)
                }
                _ => match if_ok.as_mut() {
                    Some(r) if !r.s.is_empty() => {
                        let b = {
                            let dv = self.decks[1].draw(rng);
                            secrets::decoy_block(rng, &vars, dv)
                        };
                        compose::frame_block_in_response(rng, r, b)
                    }
                    _ => {
                        let b = {
                            let dv = self.decks[1].draw(rng);
                            secrets::decoy_block(rng, &vars, dv)
                        };
                        compose::frame_secret_in_query(rng, &mut this, b)
                    }
                },
            }
        }

        // ---- the object
        let penalty = match status {
            "failed" => 12,
            "pending" => 4,
            _ => 0,
        };
        let q = quality(rng, penalty, defect.is_some());
        let when = format_when(rng, when_ms);

        // remember as a duplicate source (bounded pool: fill up, then replace
        // random entries, so old and recent spans mix)
        let dup_source_ok = match slot {
            Slot::Standalone => true,
            Slot::Thread { turn, .. } => turn == 0,
        };
        if defect.is_none() && dup.is_none() && dup_source_ok && (self.pool.len() < POOL_MAX || rng.chance(0.5)) {
            let e = PoolEntry { line: i, this: this.clone(), if_ok: if_ok.clone(), did, domain };
            if self.pool.len() < POOL_MAX {
                self.pool.push(e);
            } else {
                let k = rng.below(POOL_MAX);
                self.pool[k] = e;
            }
        }
        let hashes = (vocab::hash64(&this.s), if_ok.as_ref().map(|r| vocab::hash64(&r.s)));
        let non_ascii = !this.s.is_ascii() || if_ok.as_ref().is_some_and(|r| !r.s.is_ascii());
        debug_assert_eq!(this.words, vocab::word_count(&this.s));
        debug_assert!(if_ok.as_ref().is_none_or(|r| r.words == vocab::word_count(&r.s)));

        let mut o = J::obj();
        o.set("id", J::s(id));
        o.set("who", J::s(who_s.clone()));
        o.set("did", J::s(did));
        o.set("this", J::s(std::mem::take(&mut this.s)));
        o.set("when", J::s(when));
        o.set("status", J::s(status));
        if let Some(r) = if_ok.as_mut() {
            o.set("if_ok", J::s(std::mem::take(&mut r.s)));
        }
        match status {
            "failed" => o.set("if_not", J::s(*rng.pick(IF_NOT_FAILED))),
            "pending" if rng.chance(0.2) => o.set("if_not", J::s(*rng.pick(IF_NOT_OTHER))),
            "completed" if rng.chance(0.05) => o.set("if_not", J::s(*rng.pick(IF_NOT_OTHER))),
            _ => {}
        }
        if status == "completed" && rng.chance(0.25) {
            let c = match rng.below(4) {
                0 => format!("reviewer:{}", rng.pick(FIRST_NAMES)),
                1 => "ci:tests-passed".to_string(),
                2 => "agent:code-reviewer".to_string(),
                _ => who_s.clone(),
            };
            o.set("confirmed_by", J::s(c));
        }

        // context
        let mut has_thread_id = false;
        let mut has_previous = false;
        let mut ctx = J::obj();
        let no_context = rng.chance(0.03) && !matches!(slot, Slot::Thread { .. }) && ctx_extra.is_empty();
        ctx.set("environment", J::s(domain));
        if let Slot::Thread { thread, turn } = slot {
            let th = &self.threads[thread];
            if th.marker != Marker::PreviousOnly {
                ctx.set("thread_id", J::s(th.key.clone()));
                has_thread_id = true;
            }
            if turn > 0 && th.marker != Marker::ThreadId {
                let prev: Vec<J> = if th.prev_all {
                    th.ids.iter().map(|x| J::s(x.clone())).collect()
                } else {
                    vec![J::s(th.ids.last().unwrap().clone())]
                };
                ctx.set("previous_spans", J::Arr(prev));
                has_previous = true;
            }
        }
        if rng.chance(0.85) {
            ctx.set("stakes", J::s(*rng.pick_weighted(&[("low", 50), ("medium", 35), ("high", 15)])));
        }
        if rng.chance(0.25) {
            let v = &topic.vars;
            match rng.below(6) {
                0 => ctx.set("repo", J::s(format!("acme/{}", v.svc))),
                1 => ctx.set("file", J::s(format!("src/{}/{}.{}", v.noun.many, v.verb, ext(topic.tech.lang)))),
                2 => ctx.set(
                    "runtime",
                    J::s(match topic.tech.lang {
                        code::Lang::Python => "python 3.12",
                        code::Lang::JavaScript | code::Lang::TypeScript => "node 20.11",
                        code::Lang::Rust => "rust 1.80",
                        code::Lang::Go => "go 1.22",
                        code::Lang::Kotlin => "jvm 21",
                        code::Lang::Swift => "swift 5.10",
                        _ => *rng.pick(&["node 20.11", "python 3.12", "go 1.22"]),
                    }),
                ),
                3 => ctx.set(
                    "os",
                    J::s(*rng.pick(&["ubuntu-22.04", "macOS 14.5", "windows 11", "debian-bookworm", "alpine 3.19"])),
                ),
                4 => ctx.set(
                    "ticket",
                    J::s(format!("{}-{}", rng.pick(&["ENG", "OPS", "DATA", "SEC"]), rng.range(100, 9999))),
                ),
                _ => ctx.set("tags", J::Arr(vec![J::s(topic.tech.name.to_lowercase()), J::s(did)])),
            }
        }
        for (k, v) in ctx_extra {
            ctx.set(&k, v);
        }

        // metadata
        let mut meta = J::obj();
        let no_meta = q.is_none() && rng.chance(0.5);
        if let Some((_, qs)) = &q {
            meta.set("quality_score", J::Num(qs.clone()));
        }
        let (model, provider) = *rng.pick(MODELS);
        meta.set("model", J::s(model));
        meta.set("llm_provider", J::s(provider));
        let words = this.words + if_ok.as_ref().map_or(0, |r| r.words);
        meta.set("tokens_used", J::Int((words * 4 / 3 + 40 + rng.below(60)) as i64));
        if rng.chance(0.5) {
            meta.set("latency_ms", J::Int((300 + words * 9 + rng.below(1500)) as i64));
        }
        if rng.chance(0.15) {
            meta.set("temperature", J::Num((*rng.pick(&["0", "0.2", "0.7", "1.0"])).to_string()));
        }
        if rng.chance(0.08) {
            meta.set("prompt_version", J::s(format!("v{}", rng.range(1, 5))));
        }

        if !no_context {
            o.set("context", ctx);
        }
        if !no_meta {
            o.set("metadata", meta);
        }

        // unknown top-level keys
        let unknown = rng.chance(0.06);
        if unknown {
            match rng.below(4) {
                0 => o.set("source", J::s(*rng.pick(&["import-2024", "slack-export", "zendesk-sync", "ide-plugin"]))),
                1 => o.set(
                    "labels",
                    J::Arr(vec![
                        J::s(*rng.pick(&["gold", "silver", "needs-review"])),
                        J::s(*rng.pick(&["reviewed", "synthetic", "human"])),
                    ]),
                ),
                2 => o.set("schema_version", J::Int(2)),
                _ => o.set(
                    "annotations",
                    J::Obj(vec![("helpful".into(), J::Bool(rng.chance(0.8))), ("flagged".into(), J::Bool(false))]),
                ),
            }
        }

        // ---- defects
        let mut class = match &q {
            None => Class::FilteredMissing,
            Some((v, _)) if *v < MIN_QUALITY => Class::FilteredLow,
            _ => Class::Valid,
        };
        let mut line_override: Option<String> = None;
        if let Some(kind) = defect {
            let kind = if kind == "duplicate_id" && self.valid_ids.is_empty() { "missing_field" } else { kind };
            let detail: String = match kind {
                "not_json" => {
                    let full = o.to_string(Style::Compact);
                    if rng.chance(0.25) {
                        line_override = Some(full.replace('"', "'"));
                        "python_repr".into()
                    } else {
                        let mut cut = full.len() / 4 + rng.below(full.len() / 2);
                        while !full.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        line_override = Some(full[..cut].trim_end().to_string());
                        "truncated".into()
                    }
                }
                "not_object" => {
                    if rng.chance(0.8) {
                        line_override = Some(format!("[{}]", o.to_string(Style::Compact)));
                        "array".into()
                    } else {
                        line_override = Some(format!("\"{id} {status}\""));
                        "string".into()
                    }
                }
                "missing_field" => {
                    let f = *rng.pick(&["id", "who", "did", "this", "when", "status"]);
                    o.remove(f);
                    f.into()
                }
                "wrong_type" => {
                    let (f, v) = match rng.below(5) {
                        0 => ("this", J::Int(rng.range(1, 99_999) as i64)),
                        1 => ("context", J::s(domain)),
                        2 => ("id", J::Int((i + 1) as i64)),
                        3 => ("who", J::Arr(vec![J::s(who_s.clone())])),
                        _ => ("when", J::Int(when_ms / 1000)),
                    };
                    o.set(f, v);
                    f.into()
                }
                "bad_status" => {
                    o.set("status", J::s(*rng.pick(&["done", "COMPLETED", "success", "in_progress", "ok", ""])));
                    "status".into()
                }
                "bad_timestamp" => {
                    let (b, label) = *rng.pick(BAD_TIMESTAMPS);
                    o.set("when", J::s(b));
                    label.into()
                }
                "missing_if_ok" => {
                    o.remove("if_ok");
                    "if_ok".into()
                }
                "duplicate_id" => {
                    let other = self.valid_ids[rng.below(self.valid_ids.len())].clone();
                    o.set("id", J::s(other));
                    "id".into()
                }
                _ => {
                    o.set("context", J::Null);
                    "context".into()
                }
            };
            class = Class::Invalid(kind);
            *self.stats.invalid_detail.entry(format!("{kind}.{detail}")).or_default() += 1;
        }

        // ---- serialise (key order and separators vary like real exporters)
        let style = if rng.chance(0.25) { Style::Python } else { Style::Compact };
        if rng.chance(0.1)
            && let J::Obj(fields) = &mut o
            && let Some(p) = fields.iter().position(|(k, _)| k == "when")
        {
            let f = fields.remove(p);
            fields.insert(0, f);
        }
        let line = line_override.unwrap_or_else(|| o.to_string(style));

        // remember for duplicates / threads
        if let Slot::Thread { thread, .. } = slot {
            assert!(!matches!(class, Class::Invalid(_)), "thread spans are never made invalid");
            self.threads[thread].ids.push(id.to_string());
        }

        let facts = LineFacts {
            class,
            this: Some(this),
            if_ok,
            ctx_secrets,
            ctx_decoys,
            did,
            domain,
            status,
            quality: q.map(|x| x.0),
            dup,
            unknown_keys: unknown,
            has_thread_id,
            has_previous,
            hashes,
            non_ascii,
        };
        (line, facts)
    }

    fn count(&mut self, _i: usize, id: String, f: LineFacts) {
        let s = &mut self.stats;
        s.lines += 1;
        let structurally_valid = !matches!(f.class, Class::Invalid(_));
        match f.class {
            Class::Invalid(kind) => {
                s.invalid += 1;
                *s.invalid_by_kind.entry(kind.to_string()).or_default() += 1;
                return;
            }
            Class::FilteredLow => {
                s.filtered += 1;
                s.filtered_low_quality += 1;
            }
            Class::FilteredMissing => {
                s.filtered += 1;
                s.filtered_missing_quality += 1;
            }
            Class::Valid => s.valid += 1,
        }
        let this = f.this.unwrap_or_default();
        let n_secrets = this.secrets.len() + f.if_ok.as_ref().map_or(0, |r| r.secrets.len()) + f.ctx_secrets.len();
        let n_decoys = this.decoys.len() + f.if_ok.as_ref().map_or(0, |r| r.decoys.len()) + f.ctx_decoys.len();
        if structurally_valid {
            s.secrets_total += n_secrets;
            s.decoys_total += n_decoys;
            match f.dup {
                Some(Dup::ThisOnly) => s.dup_this_only += 1,
                Some(Dup::IfOkOnly) => s.dup_if_ok_only += 1,
                Some(Dup::Both) => s.dup_both += 1,
                None => {}
            }
        }
        if f.class != Class::Valid {
            return;
        }
        self.valid_ids.push(id);
        *s.status_valid.entry(f.status.to_string()).or_default() += 1;
        *s.actions_valid.entry(f.did.to_string()).or_default() += 1;
        *s.domains_valid.entry(f.domain.to_string()).or_default() += 1;
        s.quality_sum_valid += f.quality.unwrap_or(0.0);
        match f.dup {
            Some(Dup::ThisOnly) => s.dup_this_only_valid += 1,
            Some(Dup::IfOkOnly) => s.dup_if_ok_only_valid += 1,
            Some(Dup::Both) => s.dup_both_valid += 1,
            None => {}
        }
        self.seen_this.insert(f.hashes.0);
        *s.query_words_valid.entry(words_bucket(this.words)).or_default() += 1;
        if let Some(r) = &f.if_ok {
            s.with_if_ok_valid += 1;
            self.seen_if_ok.insert(f.hashes.1.unwrap_or(0));
            *s.response_words_valid.entry(words_bucket(r.words)).or_default() += 1;
            let fm: &FmtFlags = &r.fmt;
            let fc = &mut s.fmt_valid;
            if fm.code_blocks() > 0 {
                fc.responses_with_code += 1;
            }
            fc.fenced_with_lang += fm.fenced_lang as usize;
            fc.fenced_without_lang += fm.fenced_bare as usize;
            fc.indented += fm.indented as usize;
            fc.raw += fm.raw_code as usize;
            fc.crlf += fm.crlf as usize;
            fc.trailing_whitespace += fm.trailing_ws as usize;
            fc.blank_line_runs += fm.blank_runs as usize;
            fc.minified_json += fm.minified_json as usize;
        }
        if f.non_ascii {
            s.non_ascii_valid += 1;
        }
        if f.unknown_keys {
            s.unknown_keys_valid += 1;
        }
        if f.has_thread_id {
            s.spans_with_thread_id_valid += 1;
        }
        if f.has_previous {
            s.spans_with_previous_spans_valid += 1;
        }
        s.secrets_valid += n_secrets;
        s.decoys_valid += n_decoys;
        if n_secrets > 0 {
            s.secret_spans_valid += 1;
        }
        if n_decoys > 0 {
            s.decoy_spans_valid += 1;
        }
        for (field, kinds) in [
            ("this", &this.secrets),
            ("if_ok", &f.if_ok.as_ref().map(|r| r.secrets.clone()).unwrap_or_default()),
            ("context", &f.ctx_secrets),
        ] {
            for k in kinds.iter() {
                *s.secrets_by_kind_valid.entry(k).or_default() += 1;
                *s.secrets_by_field_valid.entry(field).or_default() += 1;
            }
        }
        for k in this
            .decoys
            .iter()
            .chain(f.if_ok.as_ref().map(|r| r.decoys.as_slice()).unwrap_or(&[]))
            .chain(f.ctx_decoys.iter())
        {
            *s.decoys_by_kind_valid.entry(k).or_default() += 1;
        }
    }

    fn finish(&mut self) {
        self.stats.distinct_this_valid = self.seen_this.len();
        self.stats.distinct_if_ok_valid = self.seen_if_ok.len();
    }
}

fn ext(l: code::Lang) -> &'static str {
    use code::Lang::*;
    match l {
        Python => "py",
        Rust => "rs",
        JavaScript => "js",
        TypeScript => "ts",
        Sql => "sql",
        Bash => "sh",
        Json => "json",
        Yaml => "yaml",
        Go => "go",
        Dockerfile => "Dockerfile",
        Hcl => "tf",
        Kotlin => "kt",
        Swift => "swift",
        Env => "env",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn timestamps_are_rfc3339_shaped() {
        let mut rng = Rng::new(9);
        for k in 0..500 {
            let s = format_when(&mut rng, 1_704_067_200_000 + k * 7_777_777);
            assert!(s.len() >= 20 && &s[4..5] == "-" && &s[10..11] == "T", "{s}");
            assert!(s.ends_with('Z') || s[s.len() - 6..].starts_with(['+', '-']), "{s}");
        }
    }
}
