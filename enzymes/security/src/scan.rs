//! The scanner: finds secrets in one string and redacts them.
//!
//! A pass over the text with an Aho-Corasick automaton of the rules'
//! literal triggers picks the rules that can match; only those regexes run.
//! Every accepted match becomes a candidate; overlapping candidates are
//! merged so that every character of every secret is covered, and the most
//! specific rule names the redaction.

use crate::entropy::{self, Classes};
use crate::heuristics::{self, ValueCtx};
use crate::kinds::Kind;
use crate::rules::{self, Check, RuleDef};
use aho_corasick::AhoCorasick;
use regex::{CaptureLocations, Regex};

/// What the scanner is told by the configuration.
#[derive(Debug, Clone)]
pub struct Options {
    /// Kinds that are reported; others are ignored.
    pub enabled: Vec<Kind>,
    /// Shortest value a keyword rule reports.
    pub min_secret_len: usize,
    /// Bits per character a word needs for the entropy heuristic.
    pub entropy_threshold: f64,
    /// Literal strings that are never secrets.
    pub allow_literals: Vec<String>,
    /// Patterns whose matches are never secrets (searched in the candidate).
    pub allow_patterns: Vec<Regex>,
    /// The marker written for a secret, `{kind}` replaced by the kind.
    pub redact_with: String,
}

/// One secret found: a byte range of the scanned text and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: usize,
    end: usize,
    kind: Kind,
    priority: u8,
}

struct Compiled {
    def: RuleDef,
    re: Regex,
    s: Option<usize>,
    k: Option<usize>,
    v: Option<usize>,
    h: Option<usize>,
    sep: Option<usize>,
    /// No capture groups: `find_at` is enough.
    plain: bool,
}

/// A compiled set of rules. Build once, scan many strings.
pub struct Scanner {
    rules: Vec<Compiled>,
    prefilter: AhoCorasick,
    /// Rules to run for each prefilter pattern.
    pattern_rules: Vec<Vec<usize>>,
    /// Rules without triggers (always run).
    always: Vec<usize>,
    enabled: [bool; 64],
    /// Indices of the line-scoped rules, and each rule's slot among them.
    line_rules: Vec<usize>,
    line_slot: Vec<u8>,
    opts: Options,
    marker: Option<Regex>,
    allow_literals: std::collections::HashSet<String>,
}

const WINDOW: usize = 48;
/// Line-scoped rules at most (their current windows live on the stack).
const MAX_LINE_RULES: usize = 96;

impl Scanner {
    /// Compile the rules that can report an enabled kind.
    pub fn new(opts: Options) -> Result<Self, String> {
        assert!(Kind::ALL.len() <= 64);
        let mut enabled = [false; 64];
        for k in &opts.enabled {
            enabled[*k as usize] = true;
        }
        let mut rules_out = Vec::new();
        let mut triggers: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for def in rules::table() {
            if !def.emits.iter().any(|k| enabled[*k as usize]) {
                continue;
            }
            let re =
                Regex::new(def.pattern).map_err(|e| format!("rule {}: {e}", def.kind.name()))?;
            let idx = |name: &str| re.capture_names().position(|n| n == Some(name));
            let c = Compiled {
                plain: re.captures_len() == 1,
                s: idx("s"),
                k: idx("k"),
                v: idx("v"),
                h: idx("h"),
                sep: idx("sep"),
                re,
                def,
            };
            let i = rules_out.len();
            rules_out.push(c);
            if def.triggers.is_empty() {
                always.push(i);
            }
            for t in def.triggers {
                match triggers.iter().position(|x| x == t) {
                    Some(p) => pattern_rules[p].push(i),
                    None => {
                        triggers.push(t.to_string());
                        pattern_rules.push(vec![i]);
                    }
                }
            }
        }
        assert!(rules_out.len() <= 128, "the active-rule set is a u128");
        // A leftmost-longest search hides a shorter trigger that starts where
        // a longer one does ("sk" under "sk_live_"): give each trigger the
        // rules of the triggers that are its prefixes.
        let own = pattern_rules.clone();
        for (t, rules) in pattern_rules.iter_mut().enumerate() {
            for (u, other) in own.iter().enumerate() {
                if u != t && triggers[t].starts_with(triggers[u].as_str()) {
                    for &r in other {
                        if !rules.contains(&r) {
                            rules.push(r);
                        }
                    }
                }
            }
        }
        let prefilter = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&triggers)
            .map_err(|e| format!("prefilter: {e}"))?;
        let marker = marker_regex(&opts.redact_with)?;
        let allow_literals = opts.allow_literals.iter().cloned().collect();
        let line_rules: Vec<usize> = (0..rules_out.len())
            .filter(|&i| rules_out[i].def.line_scoped)
            .collect();
        assert!(line_rules.len() <= MAX_LINE_RULES);
        let mut line_slot = vec![u8::MAX; rules_out.len()];
        for (slot, &i) in line_rules.iter().enumerate() {
            line_slot[i] = slot as u8;
        }
        Ok(Scanner {
            rules: rules_out,
            prefilter,
            pattern_rules,
            always,
            enabled,
            line_rules,
            line_slot,
            opts,
            marker,
            allow_literals,
        })
    }

    /// The options the scanner was built with.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The marker for `kind`.
    pub fn marker_for(&self, kind: Kind) -> String {
        self.opts.redact_with.replace("{kind}", kind.name())
    }

    /// The secrets in `text`, sorted, non-overlapping. `key` is the JSON key
    /// the string sits under (for strings nested in context / metadata),
    /// which can name the whole value a secret (`"password": "…"`).
    pub fn find(&self, text: &str, key: Option<&str>) -> Vec<Finding> {
        let mut cands: Vec<Candidate> = Vec::new();
        if let Some(key) = key
            && let Some(kind) = heuristics::classify_key(key)
            && self.enabled[kind as usize]
        {
            let v = text.trim();
            if heuristics::value_is_secret(kind, v, ValueCtx::Quoted, self.opts.min_secret_len) {
                let start = text.len() - text.trim_start().len();
                cands.push(Candidate {
                    start,
                    end: start + v.len(),
                    kind,
                    priority: rules::P_KEYWORD,
                });
            }
        }
        // Nothing shorter than this is a secret on its own (only a whole
        // value under a secret-named key, handled above).
        if text.len() < 8 {
            return self.finish(text, cands);
        }
        let mut windows = Vec::new();
        let active = self.active_rules(text, &mut windows);
        if active != 0 || !windows.is_empty() || !cands.is_empty() {
            let markers = self.markers(text);
            // One set of capture slots, grown to the largest rule seen. A
            // regex may search with more slots than it has groups (they are
            // left alone) and group `i` always sits in slots `2i, 2i + 1`
            // for a single-pattern regex, so rules can share it.
            let mut locs: Option<CaptureLocations> = None;
            for (i, rule) in self.rules.iter().enumerate() {
                if active & (1u128 << i) == 0 {
                    continue;
                }
                let locs = match &mut locs {
                    Some(l) if l.len() >= rule.re.captures_len() => l,
                    _ => locs.insert(rule.re.capture_locations()),
                };
                self.run_rule(rule, text, 0, text.len(), locs, &markers, &mut cands);
            }
            // Line-scoped rules: run each on its windows.
            for &(i, mut a, b) in &windows {
                let rule = &self.rules[i];
                let gate = rule.def.gate;
                if !gate.is_empty() && !text.as_bytes()[a..b].iter().any(|c| gate.contains(c)) {
                    continue;
                }
                let locs = match &mut locs {
                    Some(l) if l.len() >= rule.re.captures_len() => l,
                    _ => locs.insert(rule.re.capture_locations()),
                };
                while !text.is_char_boundary(a) {
                    a -= 1;
                }
                self.run_rule(rule, text, a, b, locs, &markers, &mut cands);
            }
            cands.retain(|c| !overlaps_any(c.start, c.end, &markers));
        }
        self.finish(text, cands)
    }

    /// Drop disabled kinds and allowed values, then resolve overlaps.
    fn finish(&self, text: &str, mut cands: Vec<Candidate>) -> Vec<Finding> {
        cands.retain(|c| self.enabled[c.kind as usize]);
        if !cands.is_empty() {
            // Allowed values, and anything found inside one (another rule
            // may see only part of an allowed value), are not secrets.
            let allowed: Vec<(usize, usize)> = cands
                .iter()
                .filter(|c| self.allowed(&text[c.start..c.end]))
                .map(|c| (c.start, c.end))
                .collect();
            if !allowed.is_empty() {
                cands.retain(|c| !allowed.iter().any(|&(a, b)| a <= c.start && c.end <= b));
            }
        }
        resolve(cands)
    }

    /// Redact `text`: the new text and what was found (ranges of the input),
    /// or None when nothing was found.
    pub fn redact(&self, text: &str, key: Option<&str>) -> Option<(String, Vec<Finding>)> {
        let found = self.find(text, key);
        if found.is_empty() {
            return None;
        }
        Some((apply(text, &found, |k| self.marker_for(k)), found))
    }

    /// Which rules can match (a bit per rule run over the whole text) and,
    /// for line-scoped rules, the windows to run them on (per rule, in
    /// order, windows closer than 256 bytes merged).
    fn active_rules(&self, text: &str, windows: &mut Vec<(usize, usize, usize)>) -> u128 {
        const NONE: (usize, usize) = (usize::MAX, 0);
        const GAP: usize = 256;
        let mut active: u128 = 0;
        for &i in &self.always {
            active |= 1 << i;
        }
        let mut current = [NONE; MAX_LINE_RULES];
        // Every trigger occurrence: search again one byte past each match
        // start (not past its end), so overlapping triggers are all seen.
        let mut pos = 0;
        while let Some(m) = self
            .prefilter
            .find(aho_corasick::Input::new(text).span(pos..text.len()))
        {
            pos = m.start() + 1;
            let mut win: Option<(usize, usize)> = None;
            for &i in &self.pattern_rules[m.pattern().as_usize()] {
                if !self.rules[i].def.line_scoped {
                    active |= 1 << i;
                    continue;
                }
                let (a, b) = *win.get_or_insert_with(|| line_window(text, m.start(), m.end()));
                let cur = &mut current[self.line_slot[i] as usize];
                if cur.0 != usize::MAX && a <= cur.1 + GAP {
                    cur.1 = cur.1.max(b);
                } else {
                    if cur.0 != usize::MAX {
                        windows.push((i, cur.0, cur.1));
                    }
                    *cur = (a, b);
                }
            }
        }
        for (slot, cur) in current.iter().enumerate().take(self.line_rules.len()) {
            if cur.0 != usize::MAX {
                windows.push((self.line_rules[slot], cur.0, cur.1));
            }
        }
        active
    }

    fn markers(&self, text: &str) -> Vec<(usize, usize)> {
        match &self.marker {
            Some(re) => re.find_iter(text).map(|m| (m.start(), m.end())).collect(),
            None => Vec::new(),
        }
    }

    /// A candidate is allowed when it is an allowed literal or an allow
    /// pattern matches it.
    fn allowed(&self, s: &str) -> bool {
        self.allow_literals.contains(s) || self.opts.allow_patterns.iter().any(|re| re.is_match(s))
    }

    /// Run one rule on `text[from..to]` (matches may look behind `from`).
    #[allow(clippy::too_many_arguments)]
    fn run_rule(
        &self,
        rule: &Compiled,
        full: &str,
        from: usize,
        to: usize,
        locs: &mut CaptureLocations,
        markers: &[(usize, usize)],
        out: &mut Vec<Candidate>,
    ) {
        let hay = &full[..to];
        let text = full;
        let mut pos = from;
        while pos <= hay.len() {
            // Rules without groups need only the match: skip the capture engine.
            let found = if rule.plain {
                rule.re.find_at(hay, pos).map(|m| (m.start(), m.end()))
            } else {
                rule.re
                    .captures_read_at(locs, hay, pos)
                    .map(|m| (m.start(), m.end()))
            };
            let Some((ms, me)) = found else {
                break;
            };
            let got = self.check(rule, text, locs, ms, me);
            // Keyword rules resume after the key so that a value holding
            // another assignment is still seen; others one character on.
            let keyword_resume = rule.k.and_then(|k| locs.get(k)).map(|(_, e)| e);
            match got {
                Some(c) if !overlaps_any(c.start, c.end, markers) => {
                    out.push(c);
                    pos = match keyword_resume {
                        Some(e) if e > ms => e,
                        _ => me.max(ms + 1),
                    };
                }
                _ => {
                    pos = match keyword_resume {
                        Some(e) if e > ms => e,
                        _ => ms + 1,
                    };
                }
            }
            while pos < hay.len() && !hay.is_char_boundary(pos) {
                pos += 1;
            }
            if me == ms && pos <= ms {
                pos = ms + 1;
            }
        }
    }

    /// Apply bounds and the rule's check to one match.
    fn check(
        &self,
        rule: &Compiled,
        text: &str,
        locs: &CaptureLocations,
        ms: usize,
        me: usize,
    ) -> Option<Candidate> {
        let def = &rule.def;
        let (mut s, mut e) = rule.s.and_then(|i| locs.get(i)).unwrap_or((ms, me));
        if def.left.blocks(char_before(text, ms).unwrap_or(' ')) {
            return None;
        }
        let min = self.opts.min_secret_len;
        let mut kind = def.kind;
        match def.check {
            Check::None => {}
            Check::Mixed => {
                if Classes::of(&text[s..e]).alnum_kinds() < 2 {
                    return None;
                }
            }
            Check::AwsSecret => {
                if e - s != 40 || Classes::of(&text[s..e]).alnum_kinds() < 2 {
                    return None;
                }
            }
            Check::SasSig => {
                let lo = s.saturating_sub(600);
                if !contains_ci(&text.as_bytes()[lo..s], b"sv=") {
                    return None;
                }
            }
            Check::Twilio => {
                if !contains_ci(text.as_bytes(), b"twilio") && !has_twilio_sid(text) {
                    return None;
                }
            }
            Check::Discord => {
                let first = text[s..e].split('.').next().unwrap_or("");
                let ok = entropy::base64_decode(first).is_some_and(|d| {
                    (17..=20).contains(&d.len()) && d.iter().all(u8::is_ascii_digit) && d[0] != b'0'
                });
                if !ok {
                    return None;
                }
            }
            Check::Pem => {
                let h = rule
                    .h
                    .and_then(|i| locs.get(i))
                    .map(|(a, b)| &text[a..b])
                    .unwrap_or("");
                kind = rules::pem_kind(h);
            }
            Check::UrlPassword => {
                let pw = &text[s..e];
                if heuristics::is_placeholder(pw) || pw.contains("%s") {
                    return None;
                }
            }
            Check::Bearer => {
                let tok = &text[s..e];
                if heuristics::is_placeholder(tok) || heuristics::is_identifier_like(tok) {
                    return None;
                }
                let after_auth = contains_ci(
                    &text.as_bytes()[ms.saturating_sub(40)..ms],
                    b"authorization",
                ) || contains_ci(&text.as_bytes()[ms..s], b"authorization");
                if !after_auth {
                    let c = Classes::of(tok);
                    if tok.len() < 16
                        || c.alnum_kinds() < 2
                        || entropy::class_switch_ratio(tok) < 0.2
                    {
                        return None;
                    }
                }
            }
            Check::Basic => {
                let b64 = &text[s..e];
                let ok = entropy::base64_decode(b64)
                    .and_then(|d| String::from_utf8(d).ok())
                    .is_some_and(|d| {
                        let colon = d.find(':');
                        colon.is_some_and(|c| c > 0 && c + 1 < d.len())
                            && d.chars().all(|c| !c.is_control())
                    });
                if !ok || heuristics::is_placeholder(b64) {
                    return None;
                }
            }
            Check::Assignment => {
                let (ks, ke) = locs.get(rule.k?)?;
                // `https://x-access-token:…@host` is URL userinfo: the URL rule's.
                if text[..ks].ends_with("//") {
                    return None;
                }
                let (vs, ve) = locs.get(rule.v?)?;
                kind = heuristics::classify_key(&text[ks..ke])?;
                let (a, b, quoted) = unquote(text, vs, ve);
                let value = &text[a..b];
                let ctx = if quoted {
                    ValueCtx::Quoted
                } else {
                    if text[b..].starts_with('(') || text[b..].starts_with('.') {
                        return None;
                    }
                    let sep = rule
                        .sep
                        .and_then(|i| locs.get(i))
                        .map(|(x, y)| &text[x..y])
                        .unwrap_or("=");
                    let spaced = text[ke..vs].contains([' ', '\t']);
                    if at_line_start(text, ks)
                        && (sep == ":" || !spaced || !heuristics::is_identifier_like(value))
                    {
                        ValueCtx::LineStart
                    } else {
                        ValueCtx::Inline
                    }
                };
                if !heuristics::value_is_secret(kind, value, ctx, min) {
                    return None;
                }
                (s, e) = (a, b);
            }
            Check::Flag | Check::Xml => {
                let (ks, ke) = locs.get(rule.k?)?;
                let (vs, ve) = locs.get(rule.v?)?;
                kind = heuristics::classify_key(&text[ks..ke])?;
                let (a, b, quoted) = unquote(text, vs, ve);
                let trimmed = text[a..b].trim();
                let a = a + (text[a..b].len() - text[a..b].trim_start().len());
                let b = a + trimmed.len();
                let ctx = if quoted || def.check == Check::Xml {
                    ValueCtx::Quoted
                } else {
                    ValueCtx::Flag
                };
                if !heuristics::value_is_secret(kind, trimmed, ctx, min) {
                    return None;
                }
                (s, e) = (a, b);
            }
            Check::CurlUser => {
                let line = line_of(text, ms);
                let b = line.as_bytes();
                if !(contains_ci(b, b"curl") || contains_ci(b, b"wget") || contains_ci(b, b"http"))
                {
                    return None;
                }
                if !heuristics::value_is_secret(
                    Kind::Password,
                    &text[s..e],
                    ValueCtx::Quoted,
                    min.min(4),
                ) {
                    return None;
                }
            }
            Check::CliPassword => {
                if !heuristics::value_is_secret(
                    Kind::Password,
                    &text[s..e],
                    ValueCtx::Flag,
                    min.min(4),
                ) {
                    return None;
                }
            }
            Check::Prose => {
                let (ks, ke) = locs.get(rule.k?)?;
                kind = keyword_kind(&text[ks..ke]);
                let v = text[s..e].trim_end_matches(['.', ',', ';', ':', ')', ']']);
                e = s + v.len();
                let c = Classes::of(v);
                if c.letters() == 0 || c.digit + c.other == 0 {
                    return None;
                }
                if !heuristics::value_is_secret(kind, v, ValueCtx::Prose, min) {
                    return None;
                }
            }
            Check::EntropyWindow => {
                let (a, b) = self.entropy_window(text, me)?;
                (s, e) = (a, b);
            }
        }
        if s >= e || def.right.blocks(char_at(text, e).unwrap_or(' ')) {
            return None;
        }
        if heuristics::is_masked(&text[s..e]) {
            return None;
        }
        Some(Candidate {
            start: s,
            end: e,
            kind,
            priority: def.priority,
        })
    }

    /// A random-looking word within a few words after a keyword.
    fn entropy_window(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut end = (from + WINDOW).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(nl) = text[from..end].find('\n') {
            end = from + nl;
        }
        let min_len = self.opts.min_secret_len.max(12);
        // `=` only as trailing base64 padding: `temperature=0.2` is two words.
        let is_tok = |b: u8| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-' | b'.' | b'~')
        };
        let mut i = from;
        let mut words = 0;
        // The keyword's own tail (`tokens`, `_key`) is not a candidate.
        while i < end && is_tok(bytes[i]) {
            i += 1;
        }
        while i < end && words < 5 {
            while i < end && !is_tok(bytes[i]) {
                i += 1;
            }
            let start = i;
            while i < text.len() && is_tok(bytes[i]) {
                i += 1;
            }
            while i < text.len() && bytes[i] == b'=' && i > start {
                i += 1;
            }
            if start >= i {
                break;
            }
            words += 1;
            let mut w = &text[start..i];
            w = w.trim_end_matches(['.', '-', '_', '~']);
            let prev = &text[..start];
            if w.len() < min_len
                || !entropy::looks_random(w, min_len, self.opts.entropy_threshold)
                || heuristics::is_uuid(w)
                || heuristics::is_digest_hex(w)
                || heuristics::is_placeholder(w)
                || heuristics::is_identifier_like(w)
                || heuristics::is_path(w)
                || prev.ends_with("://")
                || prev.ends_with("base64,")
                || prev.ends_with('@')
                || w.contains("//")
                || ["sha1-", "sha256-", "sha384-", "sha512-", "md5-"]
                    .iter()
                    .any(|p| w.starts_with(p))
                || ["sha1:", "sha256:", "sha512:", "md5:"]
                    .iter()
                    .any(|p| prev.ends_with(p))
            {
                continue;
            }
            {
                // Widen to the whole word, so that a secret with `*`, `=`,
                // `!`, `%`… inside is never cut; `@`, `:`, `?` and `&` end it
                // (URLs, `user:pass`, query strings).
                let extra = |c: u8| c.is_ascii_alphanumeric() || b"+/_-.~!#$%^*".contains(&c);
                let mut a = start;
                while a > from && extra(bytes[a - 1]) && bytes[a - 1] != b'.' {
                    a -= 1;
                }
                let mut e = start + w.len();
                while e < text.len() && (extra(bytes[e]) || bytes[e] == b'=') {
                    e += 1;
                }
                let word = text[a..e].trim_end_matches(['.', ',', ':', ';']);
                return Some((a, a + word.len()));
            }
        }
        None
    }
}

/// Replace each finding by its marker.
pub fn apply(text: &str, found: &[Finding], marker: impl Fn(Kind) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in found {
        out.push_str(&text[last..f.start]);
        out.push_str(&marker(f.kind));
        last = f.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Merge overlapping candidates: each cluster becomes one redaction covering
/// all of it, named by its highest-priority (then longest) member.
fn resolve(mut cands: Vec<Candidate>) -> Vec<Finding> {
    cands.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Finding> = Vec::new();
    let mut best: Option<Candidate> = None;
    let mut cluster: Option<(usize, usize)> = None;
    for c in cands {
        match cluster {
            Some((cs, ce)) if c.start < ce => {
                cluster = Some((cs, ce.max(c.end)));
                let b = best.as_mut().expect("cluster has a best");
                if (c.priority, c.end - c.start) > (b.priority, b.end - b.start) {
                    *b = c;
                }
            }
            _ => {
                if let (Some((cs, ce)), Some(b)) = (cluster, best) {
                    out.push(Finding {
                        start: cs,
                        end: ce,
                        kind: b.kind,
                    });
                }
                cluster = Some((c.start, c.end));
                best = Some(c);
            }
        }
    }
    if let (Some((cs, ce)), Some(b)) = (cluster, best) {
        out.push(Finding {
            start: cs,
            end: ce,
            kind: b.kind,
        });
    }
    out
}

/// A regex matching the markers this configuration writes, so that a
/// second run leaves them alone.
fn marker_regex(fmt: &str) -> Result<Option<Regex>, String> {
    if fmt.is_empty() {
        return Ok(None);
    }
    let parts: Vec<String> = fmt.split("{kind}").map(regex::escape).collect();
    Regex::new(&parts.join("[a-z0-9_]+"))
        .map(Some)
        .map_err(|e| format!("redact_with: {e}"))
}

fn overlaps_any(s: usize, e: usize, ranges: &[(usize, usize)]) -> bool {
    ranges.iter().any(|&(a, b)| s < b && a < e)
}

/// Strip the quotes (and a Python string prefix) around a value.
fn unquote(text: &str, vs: usize, ve: usize) -> (usize, usize, bool) {
    let v = &text[vs..ve];
    if v.len() >= 4 && v.starts_with("\\\"") && v.ends_with("\\\"") {
        return (vs + 2, ve - 2, true);
    }
    let prefix = v
        .find(['"', '\'', '`'])
        .filter(|&p| p <= 2 && v[..p].bytes().all(|b| b.is_ascii_alphabetic()));
    match prefix {
        Some(p) if ve - vs >= p + 2 && v.as_bytes()[ve - vs - 1] == v.as_bytes()[p] => {
            (vs + p + 1, ve - 1, true)
        }
        _ => (vs, ve, false),
    }
}

/// Only indentation, a list dash, `export`, `set`, a comment mark or a
/// quote between the start of the line and `pos`.
fn at_line_start(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let mut p = text[line_start..pos].trim();
    for pre in ["export ", "set ", "- ", "# ", "#", "// ", "; "] {
        if let Some(r) = p.strip_prefix(pre) {
            p = r.trim_start();
        }
    }
    let p = p.trim_matches(['"', '\'']);
    p.is_empty() || p.eq_ignore_ascii_case("export") || p == "$" || p == "@" || p == "-"
}

/// The line around a trigger at `[s, e)`, at most 256 bytes before it and
/// 4 KiB after it (minified JSON has very long lines).
fn line_window(text: &str, s: usize, e: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let lo = s.saturating_sub(256);
    let start = b[lo..s]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(lo, |p| lo + p + 1);
    let hi = (e + 4096).min(b.len());
    let mut end = b[e..hi]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(hi, |p| e + p);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (start, end)
}

fn line_of(text: &str, pos: usize) -> &str {
    let a = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let b = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    &text[a..b]
}

fn keyword_kind(k: &str) -> Kind {
    let k = k.to_ascii_lowercase();
    if k.starts_with("pass") || k.starts_with("pwd") {
        Kind::Password
    } else if k.starts_with("secret") {
        Kind::Secret
    } else if k.starts_with("token") {
        Kind::Token
    } else {
        Kind::ApiKey
    }
}

fn char_before(text: &str, pos: usize) -> Option<char> {
    text[..pos].chars().next_back()
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text[pos..].chars().next()
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn has_twilio_sid(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(34).any(|w| {
        w[0] == b'A'
            && w[1] == b'C'
            && w[2..]
                .iter()
                .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    })
}
