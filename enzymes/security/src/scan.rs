//! The scanner: finds secrets in one string and redacts them.
//!
//! One pass of the literal prefilter (`prefilter.rs`) over the text finds
//! the rules' triggers; only the rules whose trigger occurs run, and only on
//! the lines around their triggers (PEM blocks and the few trigger-less
//! rules on the whole text). The keyword heuristics (prose, entropy) run in
//! code straight from the trigger positions. Every accepted match becomes a
//! candidate; overlapping candidates are merged so that every character of
//! every secret is covered, and the most specific rule names the redaction.

use crate::entropy::{self, Classes};
use crate::heuristics::{self, ValueCtx};
use crate::kinds::Kind;
use crate::literal::{self, Sep};
use crate::prefilter::Triggers;
use crate::providers;
use crate::rules::{self, Check, RuleDef};
use regex::{CaptureLocations, Regex};

/// A set of rule indices (at most `MAX_RULES`).
#[derive(Clone, Copy, Default)]
struct RuleSet([u64; MAX_RULES / 64]);

impl RuleSet {
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

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

const MAX_RULES: usize = 256;

/// A compiled set of rules. Build once, scan many strings.
pub struct Scanner {
    rules: Vec<Compiled>,
    prefilter: Triggers,
    /// Rules to run for each prefilter pattern.
    pattern_rules: Vec<Vec<usize>>,
    /// Rules without triggers (always run).
    always: Vec<usize>,
    /// By kind (`Kind as usize`).
    enabled: Vec<bool>,
    /// Indices of the line-scoped rules, and each rule's slot among them.
    line_rules: Vec<usize>,
    line_slot: Vec<u16>,
    /// Whole-value shape of each provider (`providers::PROVIDERS` order).
    provider_shapes: Vec<Regex>,
    /// `variable "NAME"`, `name: NAME`: the owner of a `default` / `value`.
    name_re: Regex,
    opts: Options,
    marker: Option<Regex>,
    /// `redact_with` with `{kind}` filled in, by kind.
    markers_by_kind: Vec<String>,
    allow_literals: std::collections::HashSet<String>,
}

const WINDOW: usize = 48;
/// The shortest match of any rule without triggers (`AC` + 32 hex).
const ALWAYS_MIN_LEN: usize = 34;
/// Line-scoped rules at most (their current windows live on the stack).
const MAX_LINE_RULES: usize = 192;

impl Scanner {
    /// Compile the rules that can report an enabled kind.
    pub fn new(opts: Options) -> Result<Self, String> {
        let mut enabled = vec![false; Kind::ALL.len()];
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
            let pattern = def.pattern.replace("@PROVIDERS@", &providers::name_alternation());
            let re = Regex::new(&pattern).map_err(|e| format!("rule {}: {e}", def.kind.name()))?;
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
            // `@providers@` stands for the provider names (`providers.rs`).
            let trig: Vec<String> = def
                .triggers
                .iter()
                .flat_map(|t| if *t == "@providers@" { providers::triggers() } else { vec![t.to_string()] })
                .collect();
            for t in trig {
                match triggers.iter().position(|x| *x == t) {
                    Some(p) => {
                        if !pattern_rules[p].contains(&i) {
                            pattern_rules[p].push(i)
                        }
                    }
                    None => {
                        triggers.push(t);
                        pattern_rules.push(vec![i]);
                    }
                }
            }
        }
        assert!(rules_out.len() <= MAX_RULES, "the active-rule set holds {MAX_RULES} rules");
        let prefilter = Triggers::new(&triggers)?;
        let marker = marker_regex(&opts.redact_with)?;
        let markers_by_kind = Kind::ALL.iter().map(|k| opts.redact_with.replace("{kind}", k.name())).collect();
        let allow_literals = opts.allow_literals.iter().cloned().collect();
        let line_rules: Vec<usize> = (0..rules_out.len()).filter(|&i| rules_out[i].def.line_scoped).collect();
        assert!(line_rules.len() <= MAX_LINE_RULES);
        let mut line_slot = vec![u16::MAX; rules_out.len()];
        for (slot, &i) in line_rules.iter().enumerate() {
            line_slot[i] = slot as u16;
        }
        let provider_shapes = providers::shape_patterns()
            .iter()
            .map(|p| Regex::new(p).map_err(|e| format!("provider shape {p}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Scanner {
            rules: rules_out,
            prefilter,
            pattern_rules,
            always,
            enabled,
            line_rules,
            line_slot,
            provider_shapes,
            name_re: Regex::new(
                r#"(?i-u)(?:\bvariable[ \t]+"|\bname["']?[ \t]*[:=][ \t]*["']?)([A-Za-z_][A-Za-z0-9_.\-]*)"#,
            )
            .map_err(|e| format!("name regex: {e}"))?,
            opts,
            marker,
            markers_by_kind,
            allow_literals,
        })
    }

    /// The options the scanner was built with.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The marker for `kind`.
    pub fn marker_for(&self, kind: Kind) -> &str {
        &self.markers_by_kind[kind as usize]
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
            let secret = if kind == Kind::BasicAuth {
                decodes_to_user_pass(v)
            } else {
                heuristics::value_is_secret(kind, v, ValueCtx::Quoted, self.opts.min_secret_len)
            };
            if secret {
                let start = text.len() - text.trim_start().len();
                cands.push(Candidate { start, end: start + v.len(), kind, priority: rules::P_KEYWORD });
            }
        }
        // Nothing shorter than this is a secret on its own (only a whole
        // value under a secret-named key, handled above).
        if text.len() < 8 {
            return self.finish(text, cands);
        }
        let mut windows = Vec::new();
        let mut keyword_hits = Vec::new();
        let active = self.active_rules(text, &mut windows, &mut keyword_hits);
        if !active.is_empty() || !windows.is_empty() || !keyword_hits.is_empty() || !cands.is_empty() {
            let markers = self.markers(text);
            // Prose and the entropy heuristic, from the keyword triggers.
            for &hit in &keyword_hits {
                let Some(kw) = keyword_at(text, hit) else {
                    continue;
                };
                // `$ORIG_PWD`, `%API_TOKEN%`, `${SECRET}`: a variable read,
                // not a keyword that announces a value.
                let word_start = text[..kw.start]
                    .bytes()
                    .rposition(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
                    .map_or(0, |p| p + 1);
                if word_start > 0 && matches!(text.as_bytes()[word_start - 1], b'$' | b'%' | b'{') {
                    continue;
                }
                // A keyword inside a longer name (`price_per_token`,
                // `SECRET_KEY_FALLBACKS`, `the-secret-number`) announces a
                // value only when the whole name is a secret's.
                let in_name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
                let word_end = text[kw.start..].bytes().position(|c| !in_name(c)).map_or(text.len(), |p| kw.start + p);
                let word_end = kw
                    .end
                    .max(word_end - (text[..word_end].len() - text[..word_end].trim_end_matches(['.', '-']).len()));
                let name_start = text[..kw.start].bytes().rposition(|c| !in_name(c)).map_or(0, |p| p + 1);
                if (name_start < kw.start || word_end > kw.end)
                    && heuristics::classify_key(&text[name_start..word_end]).is_none()
                {
                    continue;
                }
                // `arn:aws:secretsmanager:…:secret:prod/db`, `/v1/token/…`: a
                // segment of a path or a name.
                if name_start > 0 && matches!(text.as_bytes()[name_start - 1], b':' | b'/') {
                    continue;
                }
                if overlaps_any(kw.start.saturating_sub(1), kw.end, &markers) {
                    continue;
                }
                if kw.prose
                    && let Some(c) = self.prose_candidate(text, &kw)
                    && !overlaps_any(c.start, c.end, &markers)
                {
                    cands.push(c);
                }
                if self.enabled[Kind::HighEntropySecret as usize]
                    && let Some((a, b)) = self.entropy_window(text, kw.end, &markers)
                    && !heuristics::is_masked(&text[a..b])
                    && !overlaps_any(a, b, &markers)
                {
                    cands.push(Candidate {
                        start: a,
                        end: b,
                        kind: Kind::HighEntropySecret,
                        priority: rules::P_ENTROPY,
                    });
                }
            }
            // One set of capture slots, grown to the largest rule seen. A
            // regex may search with more slots than it has groups (they are
            // left alone) and group `i` always sits in slots `2i, 2i + 1`
            // for a single-pattern regex, so rules can share it.
            let mut locs: Option<CaptureLocations> = None;
            for (i, rule) in self.rules.iter().enumerate() {
                if !active.contains(i) {
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
                if !gate.is_empty() && !gate.iter().any(|g| text.as_bytes()[a..b].contains(g)) {
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
            // Nothing in or touching an earlier marker: next to a marker the
            // context of a match is not what it was before redaction (a
            // value cut short, a bound that held), so a second run must not
            // report what the first did not (idempotence).
            cands.retain(|c| !overlaps_any(c.start.saturating_sub(1), c.end + 1, &markers));
        }
        self.finish(text, cands)
    }

    /// Drop disabled kinds and allowed values, then resolve overlaps.
    fn finish(&self, text: &str, mut cands: Vec<Candidate>) -> Vec<Finding> {
        cands.retain(|c| self.enabled[c.kind as usize]);
        if !cands.is_empty() {
            // Allowed values, and anything found inside one (another rule
            // may see only part of an allowed value), are not secrets.
            let allowed: Vec<(usize, usize)> =
                cands.iter().filter(|c| self.allowed(&text[c.start..c.end])).map(|c| (c.start, c.end)).collect();
            if !allowed.is_empty() {
                cands.retain(|c| !allowed.iter().any(|&(a, b)| a <= c.start && c.end <= b));
            }
        }
        resolve(cands)
    }

    /// Redact `text`: the new text and what was found (ranges of the input),
    /// or None when nothing was found.
    ///
    /// The redacted text is looked at again until nothing new turns up: a
    /// marker changes the context of what is next to it (a value now cut
    /// short, another parse of a line), and running the enzyme a second time
    /// must find nothing (idempotence). Later rounds never touch a marker,
    /// so their findings map straight back to the input.
    pub fn redact(&self, text: &str, key: Option<&str>) -> Option<(String, Vec<Finding>)> {
        let mut found = self.find(text, key);
        if found.is_empty() {
            return None;
        }
        let mut out = apply(text, &found, |k| self.marker_for(k));
        for _ in 0..4 {
            // Offsets of `out` to offsets of `text`: the text between two
            // markers is the input's, shifted. (out start, out end, shift)
            let mut segs: Vec<(usize, usize, isize)> = Vec::with_capacity(found.len() + 1);
            let (mut pos_out, mut pos_in) = (0usize, 0usize);
            for f in &found {
                let len = f.start - pos_in;
                segs.push((pos_out, pos_out + len, pos_in as isize - pos_out as isize));
                pos_out += len + self.marker_for(f.kind).len();
                pos_in = f.end;
            }
            let len = text.len() - pos_in;
            segs.push((pos_out, pos_out + len, pos_in as isize - pos_out as isize));
            // Only the lines around markers can change: look at those.
            let mut more = Vec::new();
            let mut k = 0;
            while k + 1 < segs.len() {
                let (a, _) = whole_lines(&out, segs[k].1, segs[k + 1].0);
                let mut b = whole_lines(&out, segs[k].1, segs[k + 1].0).1;
                k += 1;
                while k + 1 < segs.len() && segs[k].1 <= b {
                    b = b.max(whole_lines(&out, segs[k].1, segs[k + 1].0).1);
                    k += 1;
                }
                more.extend(self.find(&out[a..b], None).into_iter().map(|f| Finding {
                    start: f.start + a,
                    end: f.end + a,
                    kind: f.kind,
                }));
            }
            let before = found.len();
            for m in more {
                let seg = segs.partition_point(|&(o, _, _)| o <= m.start).saturating_sub(1);
                let (a, b, d) = segs[seg];
                if a <= m.start && m.end <= b {
                    found.push(Finding {
                        start: (m.start as isize + d) as usize,
                        end: (m.end as isize + d) as usize,
                        kind: m.kind,
                    });
                }
            }
            if found.len() == before {
                break;
            }
            found.sort_by_key(|f| f.start);
            out = apply(text, &found, |k| self.marker_for(k));
        }
        Some((out, found))
    }

    /// Which rules can match (a bit per rule run over the whole text) and,
    /// for line-scoped rules, the windows to run them on (per rule, in
    /// order, windows closer than 256 bytes merged).
    fn active_rules(
        &self,
        text: &str,
        windows: &mut Vec<(usize, usize, usize)>,
        keyword_hits: &mut Vec<usize>,
    ) -> RuleSet {
        const NONE: (usize, usize) = (usize::MAX, 0);
        const GAP: usize = 256;
        let mut active = RuleSet::default();
        // The trigger-less rules (Twilio SIDs, Discord tokens) never match
        // fewer than ALWAYS_MIN_LEN bytes.
        if text.len() >= ALWAYS_MIN_LEN {
            for &i in &self.always {
                active.insert(i);
            }
        }
        let mut current = [NONE; MAX_LINE_RULES];
        self.prefilter.for_each(text.as_bytes(), |pattern, ms, me| {
            let mut win: Option<(usize, usize)> = None;
            for &i in &self.pattern_rules[pattern] {
                if matches!(self.rules[i].def.check, Check::EntropyWindow | Check::Prose) {
                    // Run in code from the trigger itself, no regex.
                    if keyword_hits.last() != Some(&ms) {
                        keyword_hits.push(ms);
                    }
                    continue;
                }
                if !self.rules[i].def.line_scoped {
                    active.insert(i);
                    continue;
                }
                let cur = &mut current[self.line_slot[i] as usize];
                // Already inside this rule's window, which ends at a line end.
                if cur.0 != usize::MAX && me <= cur.1 && text.as_bytes().get(cur.1).is_none_or(|&c| c == b'\n') {
                    continue;
                }
                let (a, b) = *win.get_or_insert_with(|| line_window(text, ms, me));
                if cur.0 != usize::MAX && a <= cur.1 + GAP {
                    cur.1 = cur.1.max(b);
                } else {
                    if cur.0 != usize::MAX {
                        windows.push((i, cur.0, cur.1));
                    }
                    *cur = (a, b);
                }
            }
        });
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
                rule.re.captures_read_at(locs, hay, pos).map(|m| (m.start(), m.end()))
            };
            let Some((ms, me)) = found else {
                break;
            };
            // A match that runs into the end of a window cut short inside a
            // line (a line longer than the window) may be a piece of a
            // longer secret: never report a piece.
            if me == to && to < full.len() && !full[to..].starts_with(['\n', '\r']) {
                break;
            }
            if rule.def.check == Check::K8sSecret {
                let mut found = Vec::new();
                self.k8s_candidates(text, ms, &mut found);
                out.extend(found.into_iter().filter(|c| !overlaps_any(c.start, c.end, markers)));
                pos = me.max(ms + 1);
                while pos < hay.len() && !hay.is_char_boundary(pos) {
                    pos += 1;
                }
                continue;
            }
            let got = self.check(rule, text, locs, ms, me, markers);
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
        markers: &[(usize, usize)],
    ) -> Option<Candidate> {
        let def = &rule.def;
        // A key or keyword inside an earlier marker (`[REDACTED:api_key]`)
        // names nothing: a second run must not find new secrets after it.
        if let Some((ks, ke)) = rule.k.and_then(|k| locs.get(k))
            && overlaps_any(ks.saturating_sub(1), ke, markers)
        {
            return None;
        }
        let (mut s, mut e) = rule.s.and_then(|i| locs.get(i)).unwrap_or((ms, me));
        if def.left.blocks(char_before(text, ms).unwrap_or(' ')) {
            return None;
        }
        let min = self.opts.min_secret_len;
        let mut kind = def.kind;
        let mut priority = def.priority;
        match def.check {
            Check::None => {}
            Check::Mixed => {
                // `hf_requiredCharacteristicTypesForDisplayMetadata`: words.
                if Classes::of(&text[s..e]).alnum_kinds() < 2 || entropy::word_coverage(&text[s..e]) >= 0.75 {
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
                let ok = entropy::base64_decode(first)
                    .is_some_and(|d| (17..=20).contains(&d.len()) && d.iter().all(u8::is_ascii_digit) && d[0] != b'0');
                if !ok {
                    return None;
                }
            }
            Check::Pem => {
                let h = rule.h.and_then(|i| locs.get(i)).map(|(a, b)| &text[a..b]).unwrap_or("");
                kind = rules::pem_kind(h);
                if !key_block_ok(&text[s..e], 64) {
                    return None;
                }
            }
            Check::Putty => {
                let block = &text[s..e];
                let private = block.find("Private-Lines:")?;
                if !key_block_ok(block, 32) || !key_block_ok(&block[private..], 16) {
                    return None;
                }
            }
            Check::UrlPassword => {
                if !url_password_is_secret(text, ms, s, e) {
                    return None;
                }
            }
            Check::Bearer => {
                let tok = &text[s..e];
                if heuristics::is_placeholder(tok) || heuristics::is_identifier_like(tok) {
                    return None;
                }
                let after_auth = contains_ci(&text.as_bytes()[ms.saturating_sub(40)..ms], b"authorization")
                    || contains_ci(&text.as_bytes()[ms..s], b"authorization");
                if !after_auth {
                    let c = Classes::of(tok);
                    if tok.len() < 16 || c.alnum_kinds() < 2 || entropy::class_switch_ratio(tok) < 0.2 {
                        return None;
                    }
                }
            }
            Check::AuthHeader => {
                let tok = &text[s..e];
                if heuristics::is_placeholder(tok)
                    || literal::is_identifier_shaped(tok) && !literal::looks_generated(tok)
                    || !entropy::looks_random(tok.trim_end_matches('='), 16, self.opts.entropy_threshold)
                {
                    return None;
                }
            }
            Check::Basic => {
                if !decodes_to_user_pass(&text[s..e]) || heuristics::is_placeholder(&text[s..e]) {
                    return None;
                }
            }
            Check::JwtBase64 => {
                let d = entropy::base64_decode(&text[s..e]).and_then(|d| String::from_utf8(d).ok())?;
                if !(d.starts_with("eyJ") && d.contains(".eyJ")) {
                    return None;
                }
            }
            Check::Assignment => {
                let (ks, ke) = locs.get(rule.k?)?;
                // `https://x-access-token:…@host` is URL userinfo: the URL rule's.
                if text[..ks].ends_with("//") {
                    return None;
                }
                let (ss, se) = locs.get(rule.sep?)?;
                let (vs, ve) = locs.get(rule.v?)?;
                let sep = Sep { text: &text[ss..se], start: ss, end: se };
                let (a, b, ctx) = literal::assigned_value(text, ks, ke, sep, vs, ve)?;
                (kind, priority) = self.keyed(text, ks, ke, a, b, ctx)?;
                (s, e) = (a, b);
            }
            Check::Flag | Check::Xml => {
                let (ks, ke) = locs.get(rule.k?)?;
                let (vs, ve) = locs.get(rule.v?)?;
                let (a, b, quoted) = literal::unquote(text, vs, ve);
                let trimmed = text[a..b].trim();
                let a = a + (text[a..b].len() - text[a..b].trim_start().len());
                let b = a + trimmed.len();
                let ctx = if quoted || def.check == Check::Xml { ValueCtx::Quoted } else { ValueCtx::Flag };
                (kind, priority) = self.keyed(text, ks, ke, a, b, ctx)?;
                if kind == Kind::BasicAuth {
                    return None;
                }
                (s, e) = (a, b);
            }
            Check::CurlUser => {
                // The command may start lines above (`curl … \` continuations).
                let mut cmd_start = text[..ms].rfind('\n').map_or(0, |i| i + 1);
                for _ in 0..6 {
                    let prev = text[..cmd_start.saturating_sub(1)].trim_end_matches('\r');
                    if cmd_start == 0 || !prev.ends_with('\\') {
                        break;
                    }
                    cmd_start = prev.rfind('\n').map_or(0, |i| i + 1);
                }
                let b = &text.as_bytes()[cmd_start..e];
                if !(contains_ci(b, b"curl") || contains_ci(b, b"wget") || contains_ci(b, b"http")) {
                    return None;
                }
                let pair = text[..s].rfind(|c: char| c.is_whitespace() || c == '"' || c == '\'').map_or(ms, |i| i + 1);
                if heuristics::is_placeholder(&text[pair..e])
                    || !heuristics::value_is_secret(Kind::Password, &text[s..e], ValueCtx::Quoted, min.min(4))
                {
                    return None;
                }
            }
            Check::CliPassword => {
                if !heuristics::value_is_secret(Kind::Password, &text[s..e], ValueCtx::Flag, min.min(4)) {
                    return None;
                }
            }
            // Run in code (`k8s_candidates`, and from the trigger positions in
            // `find`); the regexes of Prose and EntropyWindow in rules.rs are
            // the specification the unit tests hold the code to.
            Check::K8sSecret | Check::Prose | Check::EntropyWindow => return None,
        }
        if s >= e || def.right.blocks(char_at(text, e).unwrap_or(' ')) {
            return None;
        }
        let secret = &text[s..e];
        if heuristics::is_masked(secret) {
            return None;
        }
        // A known format with a documentation body (`ghp_xxxx…`,
        // `AKIA…EXAMPLE`, `sk_live_your_key_here`) or no variety at all.
        if def.priority >= rules::P_PREFIX && !matches!(def.check, Check::Pem | Check::Putty) && is_dummy(secret) {
            return None;
        }
        Some(Candidate { start: s, end: e, kind, priority })
    }

    /// The kind of the literal `text[a..b]` assigned to the key `text[ks..ke]`
    /// (written as `ctx`) and the priority of the finding: a provider's kind
    /// when the key names it and the value has its shape, else a keyword
    /// kind when the key names a secret and the value is one. A Terraform
    /// `default` or a Kubernetes `value` takes the name of its variable.
    fn keyed(&self, text: &str, ks: usize, ke: usize, a: usize, b: usize, ctx: ValueCtx) -> Option<(Kind, u8)> {
        let mut key = &text[ks..ke];
        if key.eq_ignore_ascii_case("default") || key.eq_ignore_ascii_case("value") {
            key = self.enclosing_name(text, ks)?;
        }
        let value = &text[a..b];
        if let Some(k) = self.provider_kind(key, value) {
            return Some((k, rules::P_STRUCT));
        }
        let kind = heuristics::classify_key(key)?;
        let ok = if kind == Kind::BasicAuth {
            decodes_to_user_pass(value)
        } else {
            heuristics::value_is_secret(kind, value, ctx, self.opts.min_secret_len)
        };
        ok.then_some((kind, rules::P_KEYWORD))
    }

    /// The variable a `default = …` / `value: …` belongs to, from the three
    /// lines before: `variable "db_password" {`, `- name: DB_PASSWORD`,
    /// `{"name": "DB_PASSWORD", "value": …`.
    fn enclosing_name<'t>(&self, text: &'t str, ks: usize) -> Option<&'t str> {
        let mut lo = ks;
        for _ in 0..4 {
            match text[..lo].rfind('\n') {
                Some(i) => lo = i,
                None => {
                    lo = 0;
                    break;
                }
            }
        }
        let lo = lo.max(ks.saturating_sub(400));
        let mut lo = lo;
        while !text.is_char_boundary(lo) {
            lo += 1;
        }
        let c = self.name_re.captures_iter(&text[lo..ks]).last()?;
        c.get(1).map(|m| &text[lo + m.start()..lo + m.end()])
    }

    /// The provider kind of `value` assigned to `key`, when the key names a
    /// provider and the value has one of its shapes.
    fn provider_kind(&self, key: &str, value: &str) -> Option<Kind> {
        if !self.enabled.iter().any(|e| *e) || heuristics::is_placeholder(value) || is_dummy(value) {
            return None;
        }
        providers::providers_for_key(key)
            .find(|(i, p)| self.enabled[p.kind as usize] && self.provider_shapes[*i].is_match(value))
            .map(|(_, p)| p.kind)
    }

    /// The values of a Kubernetes `kind: Secret` manifest: every
    /// `name: value` under its `data:` (base64) and `stringData:` maps.
    fn k8s_candidates(&self, text: &str, kind_line: usize, out: &mut Vec<Candidate>) {
        if !self.enabled[Kind::KubernetesSecret as usize] {
            return;
        }
        // The YAML document holding the `kind: Secret` line.
        let doc_start = text[..kind_line].rfind("\n---").map_or(0, |i| i + 4);
        let doc_end = text[kind_line..].find("\n---").map_or(text.len(), |i| kind_line + i);
        let doc = &text[doc_start..doc_end];
        let mut section: Option<(usize, bool)> = None; // (indent of `data:`, base64?)
        let mut pos = doc_start;
        for line in doc.split('\n') {
            let start = pos;
            pos += line.len() + 1;
            let l = line.trim_end_matches('\r');
            let body = l.trim_start();
            let indent = l.len() - body.len();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            if let Some((ind, base64)) = section {
                if indent > ind {
                    let Some((name, v)) = body.split_once(':') else {
                        continue;
                    };
                    let v = v.trim();
                    if name.contains(' ') || v.is_empty() || v.starts_with(['|', '>', '{', '&', '*', '!']) {
                        continue;
                    }
                    // A user name, an address, an account name: identifiers
                    // (unless the key also names a secret: `password_in`).
                    let comps = heuristics::components(name);
                    let secretish = comps.iter().any(|c| {
                        ["pass", "pwd", "secret", "token", "key", "cred", "cert"].iter().any(|k| c.contains(k))
                    });
                    let identifier = comps.iter().any(|c| {
                        [
                            "name",
                            "user",
                            "address",
                            "url",
                            "uri",
                            "host",
                            "endpoint",
                            "id",
                            "email",
                            "account",
                            "port",
                            "namespace",
                            "region",
                        ]
                        .iter()
                        .any(|s| c.ends_with(s))
                    });
                    if identifier && !secretish {
                        continue;
                    }
                    let vs = start
                        + indent
                        + name.len()
                        + 1
                        + (body[name.len() + 1..].len() - body[name.len() + 1..].trim_start().len());
                    let (a, b, _) = literal::unquote(text, vs, vs + v.len());
                    let value = &text[a..b];
                    let ok = if base64 {
                        value.len() >= 8
                            && value.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
                            && heuristics::decoded_text(value).is_none_or(|d| {
                                !heuristics::is_placeholder(&d)
                                    && !heuristics::is_identifier_like(&d)
                                    && !heuristics::words_only(&d)
                                    && !d.contains("://")
                            })
                    } else {
                        heuristics::value_is_secret(Kind::Secret, value, ValueCtx::Quoted, self.opts.min_secret_len)
                    };
                    if ok {
                        out.push(Candidate {
                            start: a,
                            end: b,
                            kind: Kind::KubernetesSecret,
                            priority: rules::P_ENTROPY,
                        });
                    }
                    continue;
                }
                section = None;
            }
            if body == "data:" || body == "stringData:" {
                section = Some((indent, body == "data:"));
            }
        }
    }

    /// "the password is X": X, when it looks like a secret.
    fn prose_candidate(&self, text: &str, kw: &Keyword) -> Option<Candidate> {
        let (s, e) = prose_value(text, kw)?;
        let kind = keyword_kind(&text[kw.start..kw.word_end]);
        let v = text[s..e].trim_end_matches(['.', ',', ';', ':', ')', ']']);
        let c = Classes::of(v);
        if v.is_empty() || c.letters() == 0 || c.digit + c.other == 0 {
            return None;
        }
        // Code, not prose: a call, an index, a path, a reference, a macro.
        if v.contains(['(', ')', '[', ']', '{', '}', '<', '>', ';', ',', '$'])
            || v.contains("::")
            || v.contains("->")
            || v.starts_with(['&', '*', '@', '%', ':', '!', '=', '.'])
            || v.ends_with('!')
        {
            return None;
        }
        let after = &text[s + v.len()..];
        if after.starts_with(['(', '[', '{', '!'])
            || after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            return None;
        }
        let link = text[kw.end..s].trim_matches(|c: char| c.is_whitespace() || "\"'“‘`".contains(c));
        let symbolic = matches!(link, ":" | "=" | "->" | "→");
        let quoted = text[..s].ends_with(['"', '\'', '`', '“', '‘']);
        if symbolic && !quoted && literal::code_nearby(text, s) {
            // `token = abc123` among code is a variable, `x = a-b` an expression.
            return None;
        }
        if literal::is_identifier_shaped(v)
            && !literal::looks_generated(v)
            && (symbolic || literal::code_nearby(text, s))
        {
            return None;
        }
        if !heuristics::value_is_secret(kind, v, ValueCtx::Prose, self.opts.min_secret_len) || heuristics::is_masked(v)
        {
            return None;
        }
        Some(Candidate { start: s, end: s + v.len(), kind, priority: rules::P_KEYWORD })
    }

    /// A random-looking word within a few words after a keyword.
    /// Stops at an already-redacted marker: the keyword's secret is gone,
    /// and a second run must not pick the next word instead.
    fn entropy_window(&self, text: &str, from: usize, markers: &[(usize, usize)]) -> Option<(usize, usize)> {
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
        let is_tok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-' | b'.' | b'~');
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
            if overlaps_any(start, i, markers) {
                return None;
            }
            let mut w = &text[start..i];
            w = w.trim_end_matches(['.', '-', '_', '~']);
            let prev = &text[..start];
            let next = &text[start + w.len()..];
            if w.len() < min_len || !entropy::looks_random(w, min_len, self.opts.entropy_threshold) {
                continue;
            }
            // In code, only a quoted literal; never a call, an index, an
            // attribute, a variable, a path of words or a version.
            let quoted = prev.ends_with(['"', '\'', '`']) && next.starts_with(&prev[prev.len() - 1..]);
            if next.starts_with(['(', '[', '{', '$'])
                || next.starts_with("::")
                || prev.ends_with(['.', '$', '%', '{', '/'])
                || prev.ends_with("::")
                || prev.ends_with("->")
                || w.contains('$')
                || next.starts_with("...")
                || next.starts_with('…')
                || is_domain(w)
                // (`w` looks random already: only a compound of words is
                // still an identifier.)
                || literal::is_identifier_shaped(w) && literal::is_word_compound(w)
                || heuristics::decoded_text(w).is_some_and(|d| {
                    heuristics::is_identifier_like(&d) || heuristics::words_only(&d) || heuristics::is_placeholder(&d)
                })
                || w.contains('/') && w.split('/').all(|p| !literal::looks_generated(p))
                || w.contains('.') && w.split(['.', '-']).any(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
                    && !literal::looks_generated(w)
                || !quoted && literal::line_is_code(line_of(text, start))
            {
                continue;
            }
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
                || ["sha1-", "sha256-", "sha384-", "sha512-", "md5-"].iter().any(|p| w.starts_with(p))
                || ["sha1:", "sha256:", "sha512:", "md5:"].iter().any(|p| prev.ends_with(p))
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
pub fn apply<'m>(text: &str, found: &[Finding], marker: impl Fn(Kind) -> &'m str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in found {
        out.push_str(&text[last..f.start]);
        out.push_str(marker(f.kind));
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
                    out.push(Finding { start: cs, end: ce, kind: b.kind });
                }
                cluster = Some((c.start, c.end));
                best = Some(c);
            }
        }
    }
    if let (Some((cs, ce)), Some(b)) = (cluster, best) {
        out.push(Finding { start: cs, end: ce, kind: b.kind });
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
    Regex::new(&parts.join("[a-z0-9_]+")).map(Some).map_err(|e| format!("redact_with: {e}"))
}

fn overlaps_any(s: usize, e: usize, ranges: &[(usize, usize)]) -> bool {
    ranges.iter().any(|&(a, b)| s < b && a < e)
}

/// A secret keyword found at a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Keyword {
    pub start: usize,
    /// End of the word, without a plural `s`.
    pub word_end: usize,
    /// End with the plural `s`.
    pub end: usize,
    /// One of the keywords of "the password is …" prose (not `access key`
    /// or `credential`).
    pub prose: bool,
}

/// The secret keyword starting at the trigger at `s` — `password`,
/// `passphrase`, `passwd`, `pwd`, `secret`, `token`, `credential`,
/// `api key`, `access key` (any case, `_`/`-`/space before `key`, an
/// optional plural `s`) — not preceded by a letter or digit. The language
/// of the entropy and prose rules' regexes in `rules.rs`, recognised in code
/// so that no regex runs per trigger.
pub(crate) fn keyword_at(text: &str, s: usize) -> Option<Keyword> {
    let b = text.as_bytes();
    let rest = &b[s..];
    let starts = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
    const WORDS: [&[u8]; 7] = [b"password", b"passphrase", b"passwd", b"pwd", b"secret", b"token", b"credential"];
    let (start, word_end, prose) = if let Some(w) = WORDS.into_iter().find(|w| starts(w)) {
        (s, s + w.len(), w != b"credential")
    } else if starts(b"key") {
        let mut p = s;
        if p > 0 && matches!(b[p - 1], b' ' | b'_' | b'-') {
            p -= 1;
        }
        let before = &b[..p];
        let q = [&b"access"[..], b"api"]
            .into_iter()
            .find(|q| before.len() >= q.len() && before[before.len() - q.len()..].eq_ignore_ascii_case(q))?;
        (p - q.len(), s + 3, q == b"api")
    } else {
        return None;
    };
    if start > 0 && b[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let end = if word_end < b.len() && b[word_end].eq_ignore_ascii_case(&b's') { word_end + 1 } else { word_end };
    Some(Keyword { start, word_end, end, prose })
}

/// "password is X", "token: X", "secret -> X": the range of X after a
/// keyword (the prose rule's regex in `rules.rs`, in code).
pub(crate) fn prose_value(text: &str, kw: &Keyword) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let skip_blank = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    let j = skip_blank(kw.end);
    let i = if j < b.len() && matches!(b[j], b':' | b'=') {
        j + 1
    } else if text[j..].starts_with("->") {
        j + 2
    } else if text[j..].starts_with('→') {
        j + '→'.len_utf8()
    } else {
        if j == kw.end {
            return None;
        }
        const LINKS: [&[u8]; 6] = [b"is", b"was", b"are", b"of", b"set to", b"changed to"];
        let w = LINKS.into_iter().find(|w| b.len() - j >= w.len() && b[j..j + w.len()].eq_ignore_ascii_case(w))?;
        j + w.len()
    };
    let mut k = skip_blank(i);
    if k == i {
        return None;
    }
    if let Some(q) = ['"', '\'', '“', '‘', '`'].into_iter().find(|q| text[k..].starts_with(*q)) {
        k += q.len_utf8();
    }
    let stop = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | '`' | '<' | '>');
    let e = text[k..].find(stop).map_or(text.len(), |p| k + p);
    (e > k).then_some((k, e))
}

/// The whole lines holding `[s, e)`.
fn whole_lines(text: &str, s: usize, e: usize) -> (usize, usize) {
    let a = text[..s].rfind('\n').map_or(0, |i| i + 1);
    let b = text[e..].find('\n').map_or(text.len(), |i| e + i);
    (a, b)
}

/// The line around a trigger at `[s, e)`, at most 256 bytes before it and
/// about 4 KiB after it (minified JSON has very long lines), never ending
/// inside a run of non-blank characters shorter than 64 KiB.
fn line_window(text: &str, s: usize, e: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let lo = s.saturating_sub(256);
    let start = b[lo..s].iter().rposition(|&c| c == b'\n').map_or(lo, |p| lo + p + 1);
    let hi = (e + 4096).min(b.len());
    let mut end = b[e..hi].iter().position(|&c| c == b'\n').map_or(hi, |p| e + p);
    if end == hi && hi < b.len() {
        // The line goes on: end at the next blank instead, so that a long
        // token (a big JWT) is never cut by the window.
        let lim = (hi + 65536).min(b.len());
        end = b[hi..lim].iter().position(|c| c.is_ascii_whitespace()).map_or(lim, |p| hi + p);
    }
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
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Base64 (standard or URL-safe) of `user:password`, nearly all printable.
fn decodes_to_user_pass(b64: &str) -> bool {
    entropy::base64_decode(b64).is_some_and(|d| {
        let colon = d.iter().position(|&c| c == b':');
        let printable = d.iter().filter(|c| (0x20..0x7f).contains(*c)).count();
        colon.is_some_and(|c| c > 0 && c + 1 < d.len()) && printable * 20 >= d.len() * 19
    })
}

/// `dev-lb1.api.example.com`: a host name, not a secret.
fn is_domain(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() >= 3
        && parts.last().is_some_and(|t| (2..=6).contains(&t.len()) && t.bytes().all(|c| c.is_ascii_lowercase()))
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'))
}

/// A documentation value in a known format: a placeholder part
/// (`example`, `xxxxx`, `your_`, `_here`, …), or too little variety for
/// anything generated (`sk_live_0000000000000000`).
fn is_dummy(s: &str) -> bool {
    // Upper-case `EXAMPLE` (AWS's documentation keys) is left to the
    // `default_allow` list, which a configuration can turn off.
    let dummy = if s.contains("EXAMPLE") {
        heuristics::has_placeholder_part(&s.replace("EXAMPLE", ""))
    } else {
        heuristics::has_placeholder_part(s)
    };
    if dummy {
        return true;
    }
    let mut seen = [false; 128];
    let mut distinct = 0;
    for b in s.bytes().filter(u8::is_ascii_alphanumeric) {
        if !seen[b as usize] {
            seen[b as usize] = true;
            distinct += 1;
        }
    }
    // A leading run of `A` is base64 of zero bytes (Twitter bearer tokens).
    s.len() >= 16 && distinct < 6 || heuristics::has_long_repeat(s.trim_start_matches('A'))
}

/// The body of a key block (PEM, PuTTY) is base64 lines and `Name: value`
/// headers only, with at least `min_b64` base64 characters: code between
/// a `BEGIN` constant and an `END` constant is not a key. Line breaks may be
/// real or escaped (`\n` in JSON); quotes, `+` and `,` of a string spread
/// over lines of code, diff markers and comment marks are ignored.
fn key_block_ok(block: &str, min_b64: usize) -> bool {
    let mut b64 = 0;
    for raw in block.split('\n').flat_map(|l| l.split("\\n")).skip(1) {
        let mut l = raw.trim().trim_start_matches("\\r").trim_end_matches("\\r");
        if let Some(r) = l.strip_prefix("//") {
            l = r;
        }
        let l = l.trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '+' | ',' | ';' | '\\' | '`' | '(' | ')' | '#' | '*')
        });
        if l.is_empty() || l.starts_with("-----END") {
            continue;
        }
        if let Some((name, _)) = l.split_once(':')
            && !name.is_empty()
            && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            && name.bytes().any(|c| c.is_ascii_lowercase())
        {
            continue;
        }
        if l.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')) {
            b64 += l.len();
            continue;
        }
        return false;
    }
    b64 >= min_b64
}

/// Passwords that ship as defaults or fill examples: kept in a URL
/// (README, "Test credentials").
const DEFAULT_PASSWORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "secret",
    "admin",
    "root",
    "toor",
    "test",
    "guest",
    "postgres",
    "mysql",
    "redis",
    "rabbitmq",
    "mongo",
    "mongodb",
    "user",
    "changeme",
    "example",
    "demo",
    "dev",
    "default",
    "letmein",
    "123456",
    "12345678",
    "qwerty",
    "welcome",
    "sa",
    "oracle",
    "minio",
    "minioadmin",
    "mypass",
    "mypassword",
    "pw",
    "pwd",
    "hunter2",
    "foobar",
    "foo",
    "bar",
    "abc123",
    "password1",
    "password123",
    "admin123",
    "testpass",
    "testpassword",
];

/// Hosts that only reach this machine.
fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').split([']', ':', '/', '?', '#']).next().unwrap_or("").to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || h.is_empty() && host.starts_with("[::1]")
}

/// The URL password at `s..e` (the match starts at `ms`) is a secret: not a
/// placeholder, not the user name again, not a default password, and on a
/// loopback host only when it looks generated (a local test credential is
/// not; a random one may be a tunnel to production).
fn url_password_is_secret(text: &str, ms: usize, s: usize, e: usize) -> bool {
    let pw = &text[s..e];
    if heuristics::is_placeholder(pw) || pw.contains("%s") || pw.starts_with('$') {
        return false;
    }
    let userinfo_start = text[ms..s].find("://").map_or(ms, |i| ms + i + 3);
    let user = text[userinfo_start..s].trim_end_matches(':');
    let lower = pw.to_ascii_lowercase();
    if lower == user.to_ascii_lowercase() || DEFAULT_PASSWORDS.contains(&lower.as_str()) {
        return false;
    }
    let host = &text[(e + 1).min(text.len())..];
    if is_loopback(host) && !literal::looks_generated(pw) {
        return false;
    }
    true
}

fn has_twilio_sid(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(34).any(|w| w[0] == b'A' && w[1] == b'C' && w[2..].iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: &str = "password: x; Passwords, PASSPHRASE passwd pwd secrets token_x tokens api key, api_key API-KEY apikey \
        access key accessKey credentials mykey monkey keyboard bypassword 1token xpwd secret_key hotkey key \
        my password is Tr0ub4dor&3. the token: abc123def456 secret -> s3cr3t-v4lue, passwords are 'hunter22x' \
        password  was   \"quoted9\" token set to zz9plural9 Token →  arrow123 passwordis a pwd=\t tab4tab4 api key of k3y-v4lu3";

    fn regex_matches(check: Check) -> (Regex, RuleDef) {
        let def = rules::table().into_iter().find(|d| d.check == check).unwrap();
        (Regex::new(def.pattern).unwrap(), def)
    }

    /// `keyword_at` accepts exactly what the entropy rule's regex does.
    #[test]
    fn keyword_at_matches_the_entropy_regex() {
        let (re, def) = regex_matches(Check::EntropyWindow);
        let mut from_regex = Vec::new();
        let mut pos = 0;
        while let Some(m) = re.find_at(SAMPLES, pos) {
            let before = SAMPLES[..m.start()].chars().next_back();
            if !before.is_some_and(|c| def.left.blocks(c)) {
                from_regex.push((m.start(), m.end()));
            }
            pos = m.start() + 1;
        }
        let mut from_code: Vec<(usize, usize)> =
            (0..SAMPLES.len()).filter_map(|i| keyword_at(SAMPLES, i)).map(|k| (k.start, k.end)).collect();
        from_code.dedup();
        from_regex.dedup();
        assert_eq!(from_code, from_regex);
    }

    /// `prose_value` finds the same values as the prose rule's regex.
    #[test]
    fn prose_value_matches_the_prose_regex() {
        let (re, def) = regex_matches(Check::Prose);
        let s_idx = re.capture_names().position(|n| n == Some("s")).unwrap();
        let mut from_regex = Vec::new();
        let mut pos = 0;
        while let Some(c) = re.captures_at(SAMPLES, pos) {
            let m = c.get(0).unwrap();
            let before = SAMPLES[..m.start()].chars().next_back();
            if !before.is_some_and(|ch| def.left.blocks(ch)) {
                let g = c.get(s_idx).unwrap();
                from_regex.push((g.start(), g.end()));
            }
            pos = m.start() + 1;
        }
        let mut from_code: Vec<(usize, usize)> = (0..SAMPLES.len())
            .filter_map(|i| keyword_at(SAMPLES, i))
            .filter(|k| k.prose)
            .filter_map(|k| prose_value(SAMPLES, &k))
            .collect();
        from_code.dedup();
        from_regex.dedup();
        assert!(from_regex.len() >= 8, "{from_regex:?}");
        assert_eq!(from_code, from_regex);
    }
}

#[cfg(test)]
mod always_tests {
    use super::*;

    /// Every rule without triggers needs at least ALWAYS_MIN_LEN bytes.
    #[test]
    fn always_rules_are_long() {
        for def in rules::table().iter().filter(|d| d.triggers.is_empty()) {
            let re = regex_syntax::Parser::new().parse(def.pattern).unwrap();
            let min = re.properties().minimum_len().unwrap();
            assert!(min >= ALWAYS_MIN_LEN, "{} matches {min} bytes", def.pattern);
        }
    }
}
