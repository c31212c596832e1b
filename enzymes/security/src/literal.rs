//! Where a value sits, and whether it is a literal.
//!
//! The keyword rules redact only literal values (README, "Only literals"):
//!
//! * the content of a quoted string (`"…"`, `'…'`, a backtick string without
//!   interpolation), quotes kept;
//! * an unquoted value on a config line: `.env` / shell `KEY=value`, YAML
//!   and properties `key: value`, INI / TOML / Makefile `key = value`, where
//!   the value is the rest of the line;
//! * an unquoted `key=value` pair inside a string, a URL query, a log line
//!   or a command line (`-e KEY=v`, `?token=v&`, `user=bob password=v`).
//!
//! Never an identifier, call, path or expression: an unquoted value in code
//! (`password = str(password)`, `let tokens = quote! {…}`,
//! `Token::Struct`, `secret_key=settings.SECRET_KEY`) is left alone, and
//! so is an identifier-shaped value on a line that looks like config but
//! sits among lines of code.

use crate::entropy;
use crate::heuristics::{self, ValueCtx};

/// The byte range of the line holding `pos` (without its line break).
pub fn line_bounds(text: &str, pos: usize) -> (usize, usize) {
    let a = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let b = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let b = if b > a && text.as_bytes()[b - 1] == b'\r' { b - 1 } else { b };
    (a, b.max(pos.min(b)))
}

/// Only indentation, a diff marker, a list dash, `export`, `set`, `ENV`,
/// `ARG`, a comment mark or the opening quote of the key between the start
/// of the line and `pos`.
pub fn at_line_start(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let mut p = &text[line_start..pos];
    // A unified-diff marker is the first byte of the line.
    if let Some(r) = p.strip_prefix(['+', '-']) {
        p = r;
    }
    let mut p = p.trim_start();
    loop {
        let before = p;
        for pre in ["export ", "set ", "ENV ", "ARG ", "- ", "# ", "#", "// ", "; ", "$env:", "$"] {
            if let Some(r) = p.strip_prefix(pre) {
                p = r.trim_start();
            }
        }
        if p == before {
            break;
        }
    }
    let p = p.trim().trim_matches(['"', '\'']);
    p.is_empty() || ["export", "set", "ENV", "ARG", "@", "-"].iter().any(|w| p.eq_ignore_ascii_case(w))
}

/// An identifier or a dotted / `::` path: `user_pass2`, `settings.SECRET_KEY`,
/// `std::env::var`, `quote!`, `$TOKEN`. The shape of code, not of a secret.
pub fn is_identifier_shaped(v: &str) -> bool {
    let v = v.strip_suffix(['!', '?']).unwrap_or(v);
    let v = v.strip_prefix(['$', '@', ':']).unwrap_or(v);
    if v.is_empty() {
        return false;
    }
    v.split('.').flat_map(|p| p.split("::")).all(|part| {
        let b = part.as_bytes();
        !b.is_empty()
            && (b[0].is_ascii_alphabetic() || b[0] == b'_' || b[0] == b'$')
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
    })
}

/// A dotted or `::` path of identifiers (`config.password`, `a::b`).
pub fn is_path_expression(v: &str) -> bool {
    (v.contains('.') || v.contains("::")) && is_identifier_shaped(v)
}

/// Random enough that nobody would have named a variable so: a generated
/// token rather than a word with a number on it.
pub fn looks_generated(v: &str) -> bool {
    if v.len() < 8 {
        return false;
    }
    if is_word_compound(v) {
        return false;
    }
    if entropy::looks_random(v, 8, 2.5) {
        return true;
    }
    // Letters and digits interleaved at least twice (`h4ck3rpw`), not a
    // word followed by a number (`hunter22`, `user_pass2`).
    let b = v.as_bytes();
    let switches = b.windows(2).filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit()).count();
    switches >= 3 && b.iter().any(u8::is_ascii_digit) && b.iter().any(u8::is_ascii_alphabetic)
}

/// `SECRET_KEY_V2`, `user_password_2`, `max-retry-count`: words joined by
/// separators, each a word, a short tag or a small number.
pub fn is_word_compound(v: &str) -> bool {
    if !v.contains(['_', '-', '.']) {
        return false;
    }
    let mut n = 0;
    let all = v.split(['_', '-', '.']).filter(|p| !p.is_empty()).all(|p| {
        n += 1;
        wordish(p)
    });
    all && n >= 2
}

/// A word (letters with vowels, up to 12), a short tag (`v2`, `id`) or a
/// small number.
fn wordish(p: &str) -> bool {
    let b = p.as_bytes();
    if b.len() <= 3 {
        return true;
    }
    if b.iter().all(u8::is_ascii_digit) {
        return b.len() <= 4;
    }
    let vowels = b.iter().filter(|c| matches!(c.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u' | b'y')).count();
    // `Secret`, `SECRET`, `secret`: a word; `oGUHBeyhzMtx`: not.
    let case_ok = b[1..].iter().all(u8::is_ascii_lowercase) || b.iter().all(u8::is_ascii_uppercase);
    b.len() <= 12 && b.iter().all(u8::is_ascii_alphabetic) && vowels * 5 >= b.len() && case_ok
}

/// Lines of code around `pos`: the line holding it and up to three lines on
/// each side (a few hundred bytes) show statement syntax.
pub fn code_nearby(text: &str, pos: usize) -> bool {
    let (a, b) = line_bounds(text, pos);
    if line_is_code(&text[a..b]) {
        return true;
    }
    let mut lo = a;
    for _ in 0..3 {
        if lo == 0 {
            break;
        }
        let (pa, pb) = line_bounds(text, lo - 1);
        if line_is_code(&text[pa..pb]) {
            return true;
        }
        lo = pa;
        if a - lo > 600 {
            break;
        }
    }
    let mut hi = b;
    for _ in 0..3 {
        let next = match text[hi..].find('\n') {
            Some(i) => hi + i + 1,
            None => break,
        };
        if next >= text.len() {
            break;
        }
        let (na, nb) = line_bounds(text, next);
        if line_is_code(&text[na..nb]) {
            return true;
        }
        hi = nb;
        if hi - b > 600 {
            break;
        }
    }
    false
}

const CODE_STARTS: &[&str] = &[
    "def ",
    "fn ",
    "func ",
    "function ",
    "class ",
    "import ",
    "from ",
    "return ",
    "let ",
    "const ",
    "var ",
    "val ",
    "pub ",
    "if ",
    "if(",
    "for ",
    "while ",
    "#include",
    "package ",
    "use ",
    "struct ",
    "impl ",
    "public ",
    "private ",
    "protected ",
    "static ",
    "async ",
    "await ",
    "elif ",
    "else",
    "try:",
    "except",
    "raise ",
    "throw ",
    "new ",
    "module.exports",
    "require(",
    "print(",
    "console.",
    "self.",
    "this.",
];

/// Statement syntax on one line: `;` `{` `}` `(` `)` `,` at its end, a
/// keyword of a programming language at its start, `=>`, `->`, `::`, `()`.
pub fn line_is_code(line: &str) -> bool {
    let mut l = line.trim_end();
    if let Some(r) = l.strip_prefix(['+', '-']) {
        l = r;
    }
    let l = l.trim_start();
    if l.is_empty() || l.starts_with('#') && !l.starts_with("#include") {
        return false;
    }
    if l.ends_with([';', '{', '}', '(', ')', ',']) || l.ends_with("):") || l.ends_with("=>") {
        return true;
    }
    if CODE_STARTS.iter().any(|s| l.starts_with(s)) {
        return true;
    }
    l.contains("=>")
        || l.contains("->")
        || l.contains("::")
        || l.contains("()")
        || l.contains("self.")
        || l.contains("this.")
}

/// Inside a string that opened before `pos` on the same line: an odd number
/// of unescaped `"` (or `'`) since the start of the line.
pub fn inside_string(text: &str, pos: usize) -> bool {
    let (a, _) = line_bounds(text, pos);
    let b = &text.as_bytes()[a..pos];
    let mut dq = false;
    let mut sq = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'"' if !sq => dq = !dq,
            b'\'' if !dq => {
                // An apostrophe inside a word ("don't") does not open a string.
                let word_before = i > 0 && b[i - 1].is_ascii_alphabetic();
                let word_after = b.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
                if !(word_before && word_after) {
                    sq = !sq;
                }
            }
            _ => {}
        }
        i += 1;
    }
    dq || sq
}

/// Strip the quotes (and a Python / C# string prefix) around a value:
/// (content start, content end, quoted).
pub fn unquote(text: &str, vs: usize, ve: usize) -> (usize, usize, bool) {
    let v = &text[vs..ve];
    if v.len() >= 4 && v.starts_with("\\\"") && v.ends_with("\\\"") {
        return (vs + 2, ve - 2, true);
    }
    let prefix = v
        .find(['"', '\'', '`'])
        .filter(|&p| p <= 2 && v[..p].bytes().all(|b| b.is_ascii_alphabetic() || b == b'@' || b == b'$'));
    match prefix {
        Some(p) if ve - vs >= p + 2 && v.as_bytes()[ve - vs - 1] == v.as_bytes()[p] => (vs + p + 1, ve - 1, true),
        _ => (vs, ve, false),
    }
}

/// The separator of an assignment, as matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sep<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

/// The literal value of `key <sep> value` (key at `ks..ke`, the value as the
/// rule matched it at `vs..ve`): its range and how it was written, or None
/// when the value is not a literal.
pub fn assigned_value(
    text: &str,
    ks: usize,
    ke: usize,
    sep: Sep<'_>,
    vs: usize,
    ve: usize,
) -> Option<(usize, usize, ValueCtx)> {
    let b = text.as_bytes();
    // `Token::Struct`, `a ::b`: a path, not `key: value`.
    if sep.text == ":" && b.get(sep.end) == Some(&b':') {
        return None;
    }
    // `${TOKEN}`, `%TOKEN%`, `{{ token }}`: a template, not a key.
    if ks > 0 && matches!(b[ks - 1], b'{' | b'%') {
        return None;
    }
    // `arn:aws:secretsmanager:…:secret:prod/db`, `/v1/token/…`: a segment of
    // a path or a name, not a key (Ruby's `:password => …` is one).
    // PowerShell's `$env:TOKEN` and npm's `//host/:_authToken` are keys.
    let colon_key = text[..ks].ends_with("$env:") || text[..ks].ends_with("/:");
    if ks > 0 && (b[ks - 1] == b'/' || b[ks - 1] == b':' && sep.text != "=>" && !colon_key) {
        return None;
    }
    let key_quoted = ks > 0 && matches!(b[ks - 1], b'"' | b'\'' | b'`') && b.get(ke) == Some(&b[ks - 1]);
    let (a, e, quoted) = unquote(text, vs, ve);
    if quoted {
        let prefix = &text[vs..a];
        let content = &text[a..e];
        // f"…{x}…", `…${x}…`, $"…{x}…": interpolation, an expression.
        if prefix.contains(['f', 'F', '$']) && content.contains('{')
            || prefix.starts_with('`') && content.contains("${")
        {
            return None;
        }
        if text[..vs].ends_with('$') && content.contains('{') {
            return None;
        }
        // `put("password", "…")`, `define('SECRET', '…')`: a quoted key
        // and a quoted value as two arguments.
        if sep.text == "," && !key_quoted {
            return None;
        }
        return Some((a, e, ValueCtx::Quoted));
    }
    // `$ORIG_PWD=…` reads a variable; a bare value after `,` is an argument.
    if sep.text == "," || ks > 0 && b[ks - 1] == b'$' {
        return None;
    }
    let v = &text[vs..ve];
    // "the stripe_key is sk_…": prose naming a variable, then its value.
    if matches!(sep.text.trim_end().to_ascii_lowercase().as_str(), "is" | "was") {
        let generated = literal_word(v) && (!is_identifier_shaped(v) || looks_generated(v));
        return (generated && !code_nearby(text, vs)).then_some((vs, ve, ValueCtx::Prose));
    }
    // A call, an index, a generic, a macro body follows: an expression.
    if matches!(b.get(ve), Some(b'(' | b'[' | b'{' | b'<')) || v.ends_with('!') {
        return None;
    }
    if v.contains("::") || v.contains("->") || v.starts_with(['&', '*', ':', '@', '!', '|', '>', '%', '^', '~']) {
        return None;
    }
    let spaced = text[ke..vs].bytes().any(|c| c == b' ' || c == b'\t');
    let (_, line_end) = line_bounds(text, vs);
    if at_line_start(text, ks) && !key_quoted_pair_in_code(text, ks) {
        match sep.text {
            // Code: Go `:=`, Ruby / PHP `=>`, JS `||=`.
            ":=" | "=>" | "||=" => return None,
            "=" if !spaced => {
                // `.env`, shell, properties: the value runs to the next blank
                // (`PGPASSWORD=x psql …`); never cut a value at `;` or `&`.
                let end = text[vs..line_end].find([' ', '\t']).map_or(line_end, |i| vs + i);
                let full = &text[vs..end];
                if full.contains(['(', ')', '{', '}', '"', '\'', '`']) || full.ends_with([',', ';']) {
                    return None;
                }
                return bare_ok(text, vs, full, true).then_some((vs, end, ValueCtx::LineStart));
            }
            _ => {
                // YAML / INI / TOML / Makefile: the rest of the line, less a
                // trailing comment, is the value.
                let mut rest = &text[vs..line_end];
                if let Some(i) = rest.find(" #").or_else(|| rest.find("\t#")) {
                    rest = &rest[..i];
                }
                let rest = rest.trim_end();
                if rest.contains([' ', '\t', '(', ')', '{', '}', '[', ']', '"', '\'', '`', '<', '>'])
                    || rest.ends_with([',', ';'])
                {
                    return None;
                }
                return bare_ok(text, vs, rest, false).then_some((vs, vs + rest.len(), ValueCtx::LineStart));
            }
        }
    }
    // Inside a string (`-H "X-Api-Key: v"`, `-d "password=v"`), or a
    // `key=value` pair (URL query, log line, `-e KEY=v`).
    let in_string = inside_string(text, ks);
    let pair = !spaced && sep.text == "=";
    if !(in_string || pair) {
        return None;
    }
    if pair && !in_string {
        // `f(password=pw)`, `connect(host, token=tok)`: a keyword argument.
        let before = text[..ks].trim_end_matches([' ', '\t']).as_bytes().last().copied();
        if matches!(before, Some(b'(' | b',')) || matches!(b.get(ve), Some(b')' | b',')) {
            return None;
        }
    }
    if is_identifier_shaped(v) && !looks_generated(v) {
        return None;
    }
    bare_ok(text, vs, v, false).then_some((vs, ve, ValueCtx::Inline))
}

/// A word of prose that can be a secret: no sentence punctuation at its end.
fn literal_word(v: &str) -> bool {
    v.len() >= 8 && !v.ends_with(['.', ',', ':', ';', '!', '?'])
}

/// A `"key": value` line inside code braces (`{"password": pw}` spread over
/// lines) is code when the key is quoted and the value is not: the caller
/// checks the value, this only keeps JSON-ish keys out of the line-start
/// path when the line ends like an argument list.
fn key_quoted_pair_in_code(text: &str, ks: usize) -> bool {
    let (_, e) = line_bounds(text, ks);
    text[ks..e].trim_end().ends_with([',', ')'])
}

/// An unquoted value on its own: not an identifier among code, not a path.
fn bare_ok(text: &str, vs: usize, v: &str, env_style: bool) -> bool {
    if v.is_empty() || heuristics::is_path(v) {
        return false;
    }
    if is_path_expression(v) && !looks_generated(v) {
        return false;
    }
    if is_identifier_shaped(v) && !looks_generated(v) {
        // `user_password_2`, `SECRET_KEY_V2`: words joined by `_`, or a
        // constant's name, are variables wherever they stand.
        if v.contains('_') || v.len() > 3 && !v.bytes().any(|c| c.is_ascii_lowercase()) && wordish(v) {
            return false;
        }
        // `password = user_pass2` among code is a variable; in a .env file
        // (`DB_PASSWORD=hunter22`) or YAML document it is a literal.
        if code_nearby(text, vs) {
            return false;
        }
        // Type names: `password: u64`, `token: Int32`.
        let l = v.to_ascii_lowercase();
        let typeish = ["u", "i", "f", "int", "uint", "float", "usize", "isize"]
            .iter()
            .any(|p| l.strip_prefix(p).is_some_and(|r| !r.is_empty() && r.bytes().all(|c| c.is_ascii_digit())));
        if typeish && !env_style {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(text: &str, key: &str, sep: &str) -> Option<String> {
        let ks = text.find(key).unwrap();
        let ke = ks + key.len();
        let ss = ke + text[ke..].find(sep).unwrap();
        let se = ss + sep.len();
        let vs = se + (text[se..].len() - text[se..].trim_start_matches([' ', '\t']).len());
        let ve = vs
            + text[vs..].find(|c: char| c.is_whitespace() || "\"'`,;&<>(){}[]".contains(c)).unwrap_or(text.len() - vs);
        let ve = if text[vs..].starts_with('"') { vs + 1 + text[vs + 1..].find('"').unwrap() + 1 } else { ve };
        assigned_value(text, ks, ke, Sep { text: sep, start: ss, end: se }, vs, ve)
            .map(|(a, b, _)| text[a..b].to_string())
    }

    #[test]
    fn literals_and_not() {
        assert_eq!(value_of("DB_PASSWORD=hunter22\n", "DB_PASSWORD", "="), Some("hunter22".into()));
        assert_eq!(value_of("password: h5M0FtUUIflBSdI7\n", "password", ":"), Some("h5M0FtUUIflBSdI7".into()));
        assert_eq!(value_of("token = \"abc\"", "token", "="), Some("abc".into()));
        assert_eq!(value_of("    password = str(password)\n", "password", "="), None);
        assert_eq!(value_of("            Token::Struct { len: 2 },", "Token", ":"), None);
        assert_eq!(value_of("secret_key=settings.SECRET_KEY\n", "secret_key", "="), None);
        assert_eq!(value_of("def f():\n    password = user_pass2\n    return password", "password", "="), None);
        assert_eq!(value_of("x = f(password=pw2)", "password", "="), None);
        assert_eq!(
            value_of("GET /cb?access_token=q8Zr2LmX0pKd7Vn4&x=1", "access_token", "="),
            Some("q8Zr2LmX0pKd7Vn4".into())
        );
        assert_eq!(
            value_of("curl -H \"X-Api-Key: q8Zr2LmX0pKd7Vn4\" x", "X-Api-Key", ":"),
            Some("q8Zr2LmX0pKd7Vn4".into())
        );
        assert_eq!(value_of("password: u64,", "password", ":"), None);
    }

    #[test]
    fn shapes() {
        assert!(is_identifier_shaped("settings.SECRET_KEY"));
        assert!(is_identifier_shaped("std::env::var"));
        assert!(is_identifier_shaped("quote!"));
        assert!(is_identifier_shaped("user_pass2"));
        assert!(!is_identifier_shaped("p@ss-w0rd"));
        assert!(!is_identifier_shaped("9f8e7d6c"));
        assert!(looks_generated("q8Zr2LmX0pKd7Vn4"));
        assert!(!looks_generated("hunter22"));
        assert!(!looks_generated("user_pass2"));
    }
}
