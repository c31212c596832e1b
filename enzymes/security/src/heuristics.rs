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
    // keyboard and counting sequences of documentation values
    "abc123",
    "123456",
    "qwerty",
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

/// `v` holds a documentation or template part (`example`, `xxxxx`,
/// `your_`, `_here`, `${`, `{{`, `...`).
pub fn has_placeholder_part(v: &str) -> bool {
    placeholder_parts().is_match(v)
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
        // <x>, {x}, [x], %x%, and Ant / Maven `$x$`, `@x@` filters
        (b'<', b'>') | (b'{', b'}') | (b'[', b']') | (b'%', b'%') | (b'$', b'$') | (b'@', b'@') if v.len() > 2 => {
            return true;
        }
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

/// Two or more parts split by `/ : - . _ @`, each a lower-case word (letters
/// with vowels) or a short tag: `foo/system:masters`, `c-krit`.
pub fn words_only(v: &str) -> bool {
    if !v.contains(['/', ':', '-', '.', '_', '@']) {
        return false;
    }
    let mut parts = v.split(['/', ':', '-', '.', '_', '@']).filter(|p| !p.is_empty()).peekable();
    let mut n = 0;
    let all = parts.by_ref().all(|p| {
        n += 1;
        word_part(p)
    });
    all && n >= 2
}

fn word_part(p: &str) -> bool {
    {
        let b = p.as_bytes();
        let vowels =
            b.iter().filter(|c| matches!(c.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u' | b'y')).count();
        b.iter().all(u8::is_ascii_alphabetic)
            && (b.len() <= 3 || vowels * 5 >= b.len() && b.len() <= 12)
            && !(b.iter().any(u8::is_ascii_uppercase) && b.iter().any(u8::is_ascii_lowercase) && b.len() > 4)
    }
}

/// A run of 12 or more characters repeating a unit of at most 4
/// (`1111…`, `abcabcabc…`, `12312312…`): typed, not generated.
pub fn has_long_repeat(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() < 12 {
        return false;
    }
    // One pass, a run counter per period 1..=4.
    let mut run = [0usize; 5];
    for i in 1..b.len() {
        for p in 1..=4 {
            if i >= p && b[i] == b[i - p] {
                run[p] += 1;
                if run[p] + p >= 12 {
                    return true;
                }
            } else {
                run[p] = 0;
            }
        }
    }
    false
}

/// The printable text a padded base64 value decodes to.
pub fn decoded_text(v: &str) -> Option<String> {
    if v.len() < 8
        || !v.len().is_multiple_of(4)
        || !v.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
    {
        return None;
    }
    let d = crate::entropy::base64_decode(v)?;
    let s = String::from_utf8(d).ok()?;
    (s.len() >= 3 && s.chars().all(|c| !c.is_control())).then_some(s)
}

/// A variable, attribute path or identifier rather than a literal: only
/// letters, `_`, `$` and dots, no digits and no other symbols.
pub fn is_identifier_like(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c.is_alphabetic() || matches!(c, '_' | '.' | '$'))
}

/// Numbers, dates, times, versions, IP addresses, durations like `3600s`.
pub fn is_numberish(v: &str) -> bool {
    if v.parse::<f64>().is_ok() {
        return true;
    }
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

/// The byte ranges of `key`'s components (as `components` splits them),
/// at most `out.len()` of them (the last ones win); how many.
fn component_ranges(key: &str, out: &mut [(usize, usize); 32]) -> usize {
    let b = key.as_bytes();
    let mut n = 0;
    let mut start: Option<usize> = None;
    let mut push = |a: usize, e: usize, n: &mut usize| {
        if *n == out.len() {
            out.copy_within(1.., 0);
            *n -= 1;
        }
        out[*n] = (a, e);
        *n += 1;
    };
    for i in 0..b.len() {
        let c = b[i];
        if !c.is_ascii_alphanumeric() {
            if let Some(a) = start.take() {
                push(a, i, &mut n);
            }
            continue;
        }
        if c.is_ascii_uppercase()
            && let Some(a) = start
        {
            let prev = b[i - 1];
            let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                push(a, i, &mut n);
                start = Some(i);
                continue;
            }
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(a) = start {
        push(a, b.len(), &mut n);
    }
    n
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
    // CSRF / form tokens are bound to a session, public tokens are public
    "csrf",
    "xsrf",
    "authenticity",
    "public",
    "verification",
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
    if !(has(b"pass")
        || has(b"pwd")
        || has(b"pword")
        || has(b"secret")
        || has(b"token")
        || has(b"key")
        || has(b"cred")
        || has(b"auth"))
    {
        return None;
    }
    // The last two components, lower-cased on the stack (no allocation:
    // this runs on every candidate key).
    let mut ranges = [(0usize, 0usize); 32];
    let n = component_ranges(key, &mut ranges);
    if n == 0 {
        return None;
    }
    let mut last_buf = [0u8; 40];
    let mut prev_buf = [0u8; 40];
    let lower = |(a, e): (usize, usize), buf: &'_ mut [u8; 40]| -> Option<usize> {
        let len = e - a;
        (len <= buf.len()).then(|| {
            for (d, s) in buf.iter_mut().zip(&b[a..e]) {
                *d = s.to_ascii_lowercase();
            }
            len
        })
    };
    let ll = lower(ranges[n - 1], &mut last_buf)?;
    let last = std::str::from_utf8(&last_buf[..ll]).ok()?;
    let prev = match n.checked_sub(2) {
        Some(i) => lower(ranges[i], &mut prev_buf).and_then(|pl| std::str::from_utf8(&prev_buf[..pl]).ok()),
        None => None,
    };
    let comps_len = n;
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
        "credential" | "credentials" | "creds" => (!denied(SECRET_DENY)).then_some(Kind::Secret),
        // A Docker / npm `auth`: base64 of user:password (checked by the caller).
        "auth" if comps_len <= 2 => Some(Kind::BasicAuth),
        "apikey" | "accesskey" | "subscriptionkey" | "appkey" => Some(Kind::ApiKey),
        "secretkey" | "privatekey" | "signingkey" | "encryptionkey" | "masterkey" | "clientsecret" => {
            Some(Kind::Secret)
        }
        "authtoken" | "accesstoken" | "refreshtoken" | "apitoken" | "bearertoken" | "sessiontoken" | "idtoken"
        | "bottoken" | "oauthtoken" => Some(Kind::Token),
        blob if comps_len == 1 => {
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
    // Words, names and identifiers (`devkey`, `SECRET_KEY`, `myPassword`,
    // `config.token`) are not credential-shaped; a random run of letters is.
    if is_identifier_like(v) && !crate::entropy::looks_random(v, 12, 3.0) {
        return false;
    }
    if has_long_repeat(v) {
        return false;
    }
    // Words joined by separators (`foo/system:masters`, `next-version`,
    // `c-krit`): a name or a phrase, not a generated secret.
    if words_only(v) {
        return false;
    }
    // Base64 of a word, a placeholder or an address (`cGFzc3dvcmQ=` is
    // "password", `dGNwOi8v…` "tcp://…"): the decoded value decides.
    if let Some(d) = decoded_text(v)
        && (is_placeholder(&d) || is_identifier_like(&d) || words_only(&d) || d.contains("://"))
    {
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
    fn component_ranges_split_like_components() {
        for key in
            ["DB_PASSWORD", "apiKey", "APIKey", "x-api-key", "--client.secret", "OAuth2Token", "a", "", "ÄpiKey_x"]
        {
            let mut r = [(0, 0); 32];
            let n = component_ranges(key, &mut r);
            let got: Vec<String> = r[..n].iter().map(|&(a, e)| key[a..e].to_ascii_lowercase()).collect();
            assert_eq!(got, components(key), "{key}");
        }
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
