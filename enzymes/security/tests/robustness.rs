//! Random texts built from the pieces the rules care about (triggers,
//! quotes, separators, non-ASCII, long runs): the scanner must not panic,
//! must be idempotent, and must only ever replace whole ranges it reports.
//! `ROBUST_SEED=<n>` draws another set of texts.

mod common;

use common::{Rng, default_scanner, generate};

const PIECES: &[&str] = &[
    "password",
    "PASSWORD=",
    "token: ",
    "api_key",
    "secret",
    "Bearer ",
    "Basic ",
    "Authorization: ",
    "://",
    "postgres://u:",
    "@host",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "\\n",
    "\n",
    "\r\n",
    " ",
    "\t",
    "\"",
    "'",
    "`",
    "=",
    ":",
    ";",
    ",",
    "&",
    "?",
    "#",
    "$",
    "${X}",
    "<",
    ">",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "é",
    "—",
    "🙏",
    "ü",
    "日本",
    "AKIA",
    "ghp_",
    "xoxb-",
    "sk-",
    "sk_live_",
    "eyJ",
    ".",
    "sig=",
    "sv=",
    "AccountKey=",
    "-u ",
    "--password ",
    "<password>",
    "</password>",
    "is ",
    "key-",
    "hf_",
    "AIza",
    "[REDACTED:password]",
    "0123456789",
    "abcdef",
    "ZZZZ",
    "xxxxxx",
];

fn random_text(r: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..r.below(60) {
        match r.below(10) {
            0 => {
                let g = ["pw", "tok", "ghp", "jwt", "hex32", "akia", "uuid", "gitsha"][r.below(8)];
                s.push_str(&generate(g, r));
            }
            1 => {
                let n = 1 + r.below(80);
                s.push_str(&r.pick(common::B64, n));
            }
            _ => s.push_str(PIECES[r.below(PIECES.len())]),
        }
    }
    s
}

#[test]
fn random_texts_never_panic_and_are_idempotent() {
    let scanner = default_scanner();
    let mut r = Rng::new(std::env::var("ROBUST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(42));
    for i in 0..10000 {
        let text = random_text(&mut r);
        let found = scanner.find(&text, if i % 3 == 0 { Some("password") } else { None });
        for w in found.windows(2) {
            assert!(w[0].end <= w[1].start, "overlapping findings in {text:?}");
        }
        for f in &found {
            assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end) && f.start < f.end);
        }
        if let Some((once, _)) = scanner.redact(&text, None) {
            let again = scanner.find(&once, None);
            let shown: Vec<(&str, &str)> = again.iter().map(|f| (f.kind.name(), &once[f.start..f.end])).collect();
            assert!(
                again.is_empty(),
                "not idempotent: second pass found {shown:?} in {once:?}\nfirst pass on {text:?}"
            );
        }
    }
}
