//! Judgement calls on candidate values: placeholders, identifiers, key names.
//!
//! These functions decide whether what follows a `password =` (or sits in a
//! connection URL, or follows `Bearer`) is a real secret or a template,
//! a variable, a type, a path or prose.

use crate::kinds::Kind;

/// Exact values (lower-cased) that are never secrets.
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "key",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "example",
    "sample",
    "dummy",
    "test",
    "testing",
    "placeholder",
    "redacted",
    "hidden",
    "masked",
    "none",
    "null",
    "nil",
    "undefined",
    "empty",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "required",
    "optional",
    "string",
    "str",
    "bytes",
    "secretstr",
    "text",
    "any",
    "object",
    "varchar",
    "todo",
    "tbd",
    "fixme",
    "foo",
    "bar",
    "foobar",
    "baz",
    "mypassword",
    "my_password",
    "mysecret",
    "my_secret",
    "mytoken",
    "my_token",
    "secretkey",
    "secret_key",
    "access_token",
    "auth_token",
    "client_secret",
    "private_key",
    "notasecret",
    "not-a-secret",
    "default",
    "unknown",
    "n/a",
];

/// Substrings (matched ASCII case-insensitively) that mark a documentation
/// or template value.
const PLACEHOLDER_PARTS: &[&str] = &[
    "example",
    "placeholder",
    "dummy",
    "changeme",
    "change_me",
    "redacted",
    "xxxxx",
    "*****",
    "•••",
    "fake",
    "_here",
    "-here",
    "replace_me",
    "replace-me",
    "replaceme",
    "insert_",
    "insert-",
    "not_a_real",
    "not-a-real",
    "notreal",
    "your_",
    "your-",
    // template and interpolation syntaxes, elisions
    "${",
    "{{",
    "}}",
    "%(",
    "<%",
    "#{",
    "$(",
    "{%",
    "…",
    "...",
];

/// Prefixes (lower-cased) of references to a secret stored elsewhere.
const REFERENCE_PREFIXES: &[&str] = &[
    "env:",
    "env(",
    "env[",
    "env.",
    "process.env",
    "os.environ",
    "os.getenv",
    "getenv",
    "system.getenv",
    "vault:",
    "vault(",
    "secretsmanager",
    "arn:aws:secretsmanager",
    "arn:aws:ssm",
    "ssm:",
    "sm://",
    "op://",
    "keyvault:",
    "@microsoft.keyvault",
    "ref+",
    "secret(",
    "secrets.",
    "config.",
    "settings.",
    "self.",
    "this.",
    "params.",
    "args.",
    "options.",
    "opts.",
    "request.",
    "req.",
    "input(",
    "getpass",
    "prompt(",
    "read(",
];

fn placeholder_parts() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(PLACEHOLDER_PARTS)
            .expect("literal patterns")
    })
}

/// True when `v` is obviously not a real secret: a template, a reference to
/// an environment variable or a secret store, a masked value, a
/// documentation placeholder, a keyword or a type name.
pub fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    if v.is_empty() {
        return true;
    }
    if v.len() <= 16 && PLACEHOLDER_WORDS.iter().any(|w| w.eq_ignore_ascii_case(v)) {
        return true;
    }
    let first = v.as_bytes()[0];
    let last = *v.as_bytes().last().unwrap();
    match (first, last) {
        (b'<', b'>') | (b'{', b'}') | (b'[', b']') | (b'%', b'%') => return true,
        _ => {}
    }
    // $VAR, $env:VAR, *alias, &anchor, !tag (but not "$up3rS3cret!")
    if matches!(first, b'$' | b'*' | b'&' | b'!') && v.len() > 1 {
        let rest = &v[1..];
        if rest.starts_with('{') || rest.starts_with('(') || rest.to_ascii_lowercase().starts_with("env:") {
            return true;
        }
        if rest.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') {
            return true;
        }
    }
    let starts = |p: &str| v.len() >= p.len() && v.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if REFERENCE_PREFIXES.iter().any(|p| starts(p)) || starts("your") {
        return true;
    }
    if placeholder_parts().is_match(v) {
        return true;
    }
    // Masks: "xxxx", "****", "....", "----", "0000", "xxxx-xxxx".
    if v.bytes().all(|b| matches!(b, b'x' | b'X' | b'*' | b'.' | b'-' | b'_' | b'#' | b'0')) {
        return true;
    }
    if is_masked(v) {
        return true;
    }
    // A single character repeated.
    let mut chars = v.chars();
    let c0 = chars.next().unwrap();
    if v.chars().count() >= 3 && chars.all(|c| c == c0) {
        return true;
    }
    false
}

/// A run of six or more mask characters (`xxxxxx`, `******`, `••••••`):
/// a documentation value such as `ghp_xxxxxxxxxxxxxxxxxxxx`.
pub fn is_masked(v: &str) -> bool {
    let mut run = 0;
    let mut prev = '\0';
    for c in v.chars() {
        if matches!(c, 'x' | 'X' | '*' | '•' | '#') && (c == prev || run == 0) {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = if matches!(c, 'x' | 'X' | '*' | '•' | '#') { 1 } else { 0 };
        }
        prev = c;
    }
    false
}

/// A variable, attribute path or identifier rather than a literal: only
/// letters, `_`, `$` and dots, no digits and no other symbols.
pub fn is_identifier_like(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c.is_alphabetic() || matches!(c, '_' | '.' | '$'))
}

/// Numbers, dates, times, versions, IP addresses, durations like `3600s`.
pub fn is_numberish(v: &str) -> bool {
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    digits > 0
        && v.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b':' | b'-' | b'/' | b'+' | b',' | b'T' | b'Z' | b'_'))
        || (v.len() <= 8 && digits > 0 && v.trim_start_matches(|c: char| c.is_ascii_digit()).len() <= 3)
}

/// A file system path, not a secret.
pub fn is_path(v: &str) -> bool {
    let b = v.as_bytes();
    v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || (b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
}

/// A UUID (8-4-4-4-12 hex).
pub fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// All hex digits with the length of a common digest or commit id
/// (MD5 32 is not here: many API keys are 32 hex).
pub fn is_digest_hex(v: &str) -> bool {
    matches!(v.len(), 40 | 56 | 64 | 96 | 128) && v.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Split an identifier into lower-cased components: `DB_PASSWORD` →
/// [db, password], `apiKey` → [api, key], `APIKey` → [api, key],
/// `x-api-key` → [x, api, key].
pub fn components(key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = key.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Components before `token` that make it a non-secret (pagination cursors,
/// LLM token counts, parser tokens).
const TOKEN_DENY: &[&str] = &[
    "page",
    "next",
    "continuation",
    "cursor",
    "sync",
    "pagination",
    "cancellation",
    "cancel",
    "max",
    "min",
    "num",
    "total",
    "count",
    "input",
    "output",
    "prompt",
    "completion",
    "stop",
    "eos",
    "bos",
    "pad",
    "unk",
    "sep",
    "cls",
    "mask",
    "start",
    "end",
    "special",
    "first",
    "last",
    "prev",
    "previous",
    "lexer",
    "parser",
    "current",
    "peek",
    "expect",
    "expected",
    "added",
    "new",
    "reasoning",
    "cached",
    "image",
    "audio",
    "text",
    "word",
    "sub",
    "per",
];

/// Components before `key` that make it a credential.
const KEY_API: &[&str] = &[
    "api",
    "access",
    "account",
    "storage",
    "subscription",
    "consumer",
    "app",
    "application",
    "service",
    "admin",
    "client",
    "developer",
    "license",
    "partner",
    "merchant",
    "publishable",
];
const KEY_SECRET: &[&str] = &[
    "secret",
    "private",
    "signing",
    "sign",
    "encryption",
    "encrypt",
    "decryption",
    "master",
    "hmac",
    "jwt",
    "shared",
    "crypto",
    "cipher",
    "root",
    "deploy",
    "session",
    "webhook",
    "aes",
    "ssh",
];

/// Components before `password`/`secret` that make it a non-secret.
const SECRET_DENY: &[&str] =
    &["hashed", "hash", "forgot", "reset", "show", "toggle", "min", "max", "salted", "is", "has"];

/// Which secret kind an assignment to `key` carries, if any.
///
/// The key's last component must be the keyword (`password_hash`,
/// `token_type`, `max_tokens` are not secrets), and some components
/// before it rule it out (`next_token`, `hashed_password`).
pub fn classify_key(key: &str) -> Option<Kind> {
    // Cheap rejection first: most keys hold none of the keywords.
    let b = key.as_bytes();
    let has = |w: &[u8]| b.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w));
    if !(has(b"pass") || has(b"pwd") || has(b"pword") || has(b"secret") || has(b"token") || has(b"key")) {
        return None;
    }
    let comps = components(key);
    let last = comps.last()?.as_str();
    let prev = comps.len().checked_sub(2).map(|i| comps[i].as_str());
    let denied = |list: &[&str]| prev.is_some_and(|p| list.contains(&p));
    match last {
        "password" | "passwd" | "pwd" | "pass" | "passphrase" | "passwort" | "pword" => {
            if denied(SECRET_DENY) || denied(&["by", "single", "multi", "second", "first", "one"]) {
                None
            } else {
                Some(Kind::Password)
            }
        }
        "secret" => (!denied(SECRET_DENY)).then_some(Kind::Secret),
        "token" => (!denied(TOKEN_DENY)).then_some(Kind::Token),
        "key" => match prev {
            Some(p) if KEY_API.contains(&p) => {
                if p == "publishable" {
                    None
                } else {
                    Some(Kind::ApiKey)
                }
            }
            Some(p) if KEY_SECRET.contains(&p) => Some(Kind::Secret),
            _ => None,
        },
        "apikey" | "accesskey" | "subscriptionkey" | "appkey" => Some(Kind::ApiKey),
        "secretkey" | "privatekey" | "signingkey" | "encryptionkey" | "masterkey" | "clientsecret" => {
            Some(Kind::Secret)
        }
        "authtoken" | "accesstoken" | "refreshtoken" | "apitoken" | "bearertoken" | "sessiontoken" | "idtoken"
        | "csrftoken" | "xsrftoken" | "bottoken" | "oauthtoken" => Some(Kind::Token),
        blob if comps.len() == 1 => {
            if blob.ends_with("password") || blob.ends_with("passwd") || blob.ends_with("passphrase") {
                Some(Kind::Password)
            } else if blob.ends_with("secret") && !blob.starts_with("is") && !blob.starts_with("has") {
                Some(Kind::Secret)
            } else if blob.ends_with("apikey") {
                Some(Kind::ApiKey)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Where a candidate value was found; decides how strict the checks are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueCtx {
    /// A quoted string literal: `"…"`, `'…'`, a JSON string, an XML text.
    Quoted,
    /// An unquoted value of a `KEY=value` at the start of a line (.env, ini,
    /// YAML `key: value`, shell `export`): a literal, not a variable.
    LineStart,
    /// An unquoted value elsewhere (code, logs, query strings).
    Inline,
    /// A command-line flag's argument (`--password x`).
    Flag,
    /// A word in prose after "password is".
    Prose,
}

/// Is `v` (a value assigned to a secret-bearing key) a real secret?
pub fn value_is_secret(kind: Kind, v: &str, ctx: ValueCtx, min_len: usize) -> bool {
    if v.chars().count() < min_len || is_placeholder(v) || v.contains("://") || is_path(v) {
        return false;
    }
    if v.chars().any(char::is_whitespace) {
        return false;
    }
    let password = kind == Kind::Password;
    match ctx {
        ValueCtx::Quoted | ValueCtx::LineStart => {
            if is_numberish(v) && !password {
                return false;
            }
        }
        ValueCtx::Flag => {
            if v.starts_with('-') || (is_numberish(v) && !password) {
                return false;
            }
        }
        ValueCtx::Inline | ValueCtx::Prose => {
            if is_identifier_like(v) || is_numberish(v) {
                return false;
            }
            let c = crate::entropy::Classes::of(v);
            if c.letters() == 0 && ctx == ValueCtx::Prose {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split() {
        assert_eq!(components("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(components("apiKey"), ["api", "key"]);
        assert_eq!(components("APIKey"), ["api", "key"]);
        assert_eq!(components("x-api-key"), ["x", "api", "key"]);
        assert_eq!(components("--client.secret"), ["client", "secret"]);
        assert_eq!(components("OAuth2Token"), ["o", "auth2", "token"]);
    }

    #[test]
    fn keys() {
        assert_eq!(classify_key("DB_PASSWORD"), Some(Kind::Password));
        assert_eq!(classify_key("password_hash"), None);
        assert_eq!(classify_key("hashed_password"), None);
        assert_eq!(classify_key("max_tokens"), None);
        assert_eq!(classify_key("next_token"), None);
        assert_eq!(classify_key("GITHUB_TOKEN"), Some(Kind::Token));
        assert_eq!(classify_key("apiKey"), Some(Kind::ApiKey));
        assert_eq!(classify_key("APIKEY"), Some(Kind::ApiKey));
        assert_eq!(classify_key("STRIPE_SECRET_KEY"), Some(Kind::Secret));
        assert_eq!(classify_key("monkey"), None);
        assert_eq!(classify_key("primary_key"), None);
        assert_eq!(classify_key("bypass"), None);
        assert_eq!(classify_key("dbpassword"), Some(Kind::Password));
        assert_eq!(classify_key("client_secret"), Some(Kind::Secret));
    }

    #[test]
    fn placeholders() {
        for p in [
            "${DB_PASSWORD}",
            "<your-token>",
            "xxxx",
            "xxxxxxxxxxxx",
            "****",
            "changeme",
            "$TOKEN",
            "{{ .Values.pw }}",
            "YOUR_API_KEY",
            "your-api-key-here",
            "os.environ['X']",
            "process.env.TOKEN",
            "%DB_PASS%",
            "[REDACTED]",
            "sk-xxxxxxxxxxxxxxxx",
            "...",
            "password",
            "null",
            "aaaaaaa",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for s in ["hunter22", "Tr0ub4dor&3", "q8Zr2LmX0pKd7Vn4"] {
            assert!(!is_placeholder(s), "{s}");
        }
    }
}
