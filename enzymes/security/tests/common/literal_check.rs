//! An independent check that a redaction landed on a literal value, never on
//! code: the replaced text is a string's content (the quotes around it), a
//! value after `=` / `:` on a config line or in a `key=value` pair, URL
//! userinfo, a key block, the argument of `Bearer` / `Basic` / a password
//! flag, or a token in a known format (no blanks, quotes or brackets).
//! Used on the generated corpus and on the real-corpus spans that hold code.

use enzyme_security::Kind;
use enzyme_security::scan::Finding;
use regex::Regex;
use std::sync::OnceLock;

/// Kinds named after a keyword or a heuristic: their redactions must sit in
/// a literal position. Every other kind is a format of its own.
const CONTEXTUAL: &[Kind] = &[
    Kind::Password,
    Kind::Secret,
    Kind::Token,
    Kind::ApiKey,
    Kind::HighEntropySecret,
    Kind::KubernetesSecret,
    Kind::BasicAuth,
    Kind::BearerToken,
];

const BLOCKS: &[Kind] = &[
    Kind::RsaPrivateKey,
    Kind::EcPrivateKey,
    Kind::OpensshPrivateKey,
    Kind::PgpPrivateKey,
    Kind::PemPrivateKey,
    Kind::PuttyPrivateKey,
    Kind::GcpServiceAccount,
];

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).unwrap())
}

/// Where the redaction `f` of `text` sits, or why it is not a literal.
pub fn on_literal(text: &str, f: &Finding) -> Result<&'static str, String> {
    static CONFIG: OnceLock<Regex> = OnceLock::new();
    static PAIR: OnceLock<Regex> = OnceLock::new();
    static FLAG: OnceLock<Regex> = OnceLock::new();
    static USERINFO: OnceLock<Regex> = OnceLock::new();
    let secret = &text[f.start..f.end];
    let before = &text[..f.start];
    let after = &text[f.end..];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    let line_end = after.find('\n').map_or(after.len(), |i| i);
    let rest = after[..line_end].trim_end_matches('\r');
    if BLOCKS.contains(&f.kind) {
        let s = secret.trim_start_matches(['"', '\'']);
        return if s.starts_with("-----BEGIN") || s.starts_with("PuTTY-User-Key-File-") {
            Ok("key block")
        } else {
            Err(format!("{} does not start a key block", f.kind.name()))
        };
    }
    if re(&USERINFO, r"://[^\s:/@]*:$|://$").is_match(before) && after.starts_with('@') {
        return Ok("URL userinfo");
    }
    for q in ["\\\"", "\"", "'", "`"] {
        if before.ends_with(q) && after.starts_with(q) {
            return Ok("quoted string");
        }
    }
    if !secret.contains(['"', '\'', '`', '\n']) && inside_string(prefix) {
        return Ok("inside a string");
    }
    let end_ok = rest.is_empty() || rest.starts_with([' ', '\t']) && rest.trim_start().starts_with('#');
    if re(&CONFIG, r#"^[+\- ]?\s*(?:export\s+|set\s+|ENV\s+|- )?["']?[A-Za-z0-9_.\-/:]+["']?\s*(?::|=|\?=)\s*$"#)
        .is_match(prefix)
        && end_ok
    {
        return Ok("config value");
    }
    if re(&PAIR, r"[A-Za-z0-9_.\-]+=$").is_match(prefix)
        && (rest.is_empty() || rest.starts_with([' ', '\t', '&', ';', '"', '\'']))
    {
        return Ok("key=value pair");
    }
    if re(
        &FLAG,
        r"(?:\s-[pa]\s*|\s--?[A-Za-z\-]*(?:pass|password|token|key|secret)[= ]|\s-u\s+\S+:|--user\s+\S+:|password\s+)$",
    )
    .is_match(prefix)
    {
        return Ok("command-line argument");
    }
    if ["Bearer ", "bearer ", "Basic ", "Token ", "token ", "Authorization: "].iter().any(|p| prefix.ends_with(p)) {
        return Ok("after an auth scheme");
    }
    if prefix.ends_with('>') && after.starts_with("</") {
        return Ok("XML element text");
    }
    if !CONTEXTUAL.contains(&f.kind) && !secret.contains(|c: char| c.is_whitespace() || "\"'`()[]{};,<>".contains(c)) {
        return Ok("known token format");
    }
    Err(format!("{} is not in a literal position: {prefix}⟪{secret}⟫{rest}", f.kind.name()))
}

/// An odd number of `"` or `'` before the end of `prefix` (apostrophes in
/// words not counted).
fn inside_string(prefix: &str) -> bool {
    let b = prefix.as_bytes();
    let (mut dq, mut sq) = (false, false);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'"' if !sq => dq = !dq,
            b'\'' if !dq => {
                let word = i > 0 && b[i - 1].is_ascii_alphabetic() && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
                if !word {
                    sq = !sq;
                }
            }
            _ => {}
        }
        i += 1;
    }
    dq || sq
}
