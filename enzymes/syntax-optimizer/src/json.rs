//! Re-indent JSON without touching a token.
//!
//! serde_json decides whether the text parses; the printer then walks the
//! text itself and copies every string and number literal byte for byte, so
//! `1.0`, `1e5`, big integers and escapes survive exactly, and the result
//! is checked to hold the same tokens as the source. An object with a
//! repeated key is left alone (which value wins depends on the parser).
//! The layout is `JSON.stringify(v, null, 2)`'s: two spaces, `"k": v`,
//! empty `{}` / `[]` kept on one line.

/// The pretty form of `src`, or `None` when it is not one complete JSON
/// value, when an object repeats a key (parsers disagree on which one
/// wins), or when the result would not hold exactly the same tokens.
pub fn pretty(src: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(src).ok()?;
    if has_duplicate_keys(src) {
        return None;
    }
    let out = layout(src);
    // By construction only whitespace outside strings differs; check it.
    (serde_json::from_str::<serde::de::IgnoredAny>(&out).is_ok() && squeeze(&out) == squeeze(src)).then_some(out)
}

/// The text without the whitespace outside strings: two JSON texts with
/// the same squeeze hold the same tokens in the same order, so they parse
/// to the same value, number spellings and escapes included.
pub fn squeeze(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                out.push_str(&src[start..i]);
            }
            _ => {
                let start = i;
                while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | b'"') {
                    i += 1;
                }
                out.push_str(&src[start..i]);
            }
        }
    }
    out
}

/// Whether some object of a JSON text (that parses) repeats a key, keys
/// compared after unescaping (`"a"` and `"\u0061"` are the same key).
fn has_duplicate_keys(src: &str) -> bool {
    use std::collections::HashSet;
    let b = src.as_bytes();
    // One frame per open container: the keys seen (objects only).
    let mut stack: Vec<Option<HashSet<String>>> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => {
                stack.push(Some(HashSet::new()));
                i += 1;
            }
            b'[' => {
                stack.push(None);
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b'"' => {
                let start = i;
                i = string_end(b, i);
                let is_key = b[i..].iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':');
                if let (true, Some(Some(keys))) = (is_key, stack.last_mut()) {
                    let Ok(key) = serde_json::from_str::<String>(&src[start..i]) else {
                        return true; // cannot compare: treat as a repeat
                    };
                    if !keys.insert(key) {
                        return true;
                    }
                }
            }
            _ => i += 1,
        }
    }
    false
}

/// Just past the closing quote of the JSON string opening at `start` (the
/// text parsed, so the string is closed).
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while b[i] != b'"' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    i + 1
}

/// Re-indent a JSON text that parses.
fn layout(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len() + src.len() / 2);
    let mut depth = 0usize;
    let mut i = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => {
                let start = i;
                i = string_end(b, i);
                out.push_str(&src[start..i]);
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                let next = b[i + 1..].iter().position(|c| !c.is_ascii_whitespace()).map(|p| b[i + 1 + p]);
                if next == Some(close) {
                    out.push(open as char);
                    out.push(close as char);
                    i = i + 1 + b[i + 1..].iter().position(|&c| c == close).expect("seen above") + 1;
                } else {
                    out.push(open as char);
                    depth += 1;
                    newline(&mut out, depth);
                    i += 1;
                }
            }
            close @ (b'}' | b']') => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(close as char);
                i += 1;
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
                i += 1;
            }
            b':' => {
                out.push_str(": ");
                i += 1;
            }
            _ => {
                // A number or true/false/null: copy up to the next delimiter.
                let start = i;
                while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']' | b':') {
                    i += 1;
                }
                out.push_str(&src[start..i]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn non_ws(s: &str) -> String {
        // Outside strings only whitespace may differ; inside strings nothing.
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn layout() {
        assert_eq!(
            pretty(r#"{"b":1,"a":[1,2,{}],"c":{"d":null,"e":[]}}"#).unwrap(),
            "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"c\": {\n    \"d\": null,\n    \"e\": []\n  }\n}"
        );
        assert_eq!(pretty("[ ]").unwrap(), "[]");
        assert_eq!(pretty(" 42 ").unwrap(), "42");
    }

    #[test]
    fn tokens_survive_verbatim() {
        let src = r#"{"n": 1.0, "e": 1E+5, "big": 123456789012345678901234567890, "s": "a \"q\" \\ \u00e9 , : { [", "k": true, "K": false}"#;
        let out = pretty(src).unwrap();
        assert!(out.contains("1.0") && out.contains("1E+5") && out.contains("123456789012345678901234567890"));
        assert!(out.contains(r#""a \"q\" \\ \u00e9 , : { [""#));
        assert_eq!(non_ws(&out.replace(' ', "")), non_ws(src).replace(' ', ""));
    }

    #[test]
    fn idempotent() {
        let once = pretty(r#"{"a":{"b":[1,{"c":"d"}]}}"#).unwrap();
        assert_eq!(pretty(&once).unwrap(), once);
    }

    #[test]
    fn duplicate_keys_are_left_alone() {
        assert!(pretty(r#"{"k": 1, "k": 2}"#).is_none());
        assert!(pretty(r#"{"a": {"k": 1, "\u006b": 2}}"#).is_none());
        assert!(pretty(r#"[{"k": 1}, {"k": 2}]"#).is_some(), "the same key in two objects is fine");
        assert!(pretty(r#"{"k": {"k": 1}}"#).is_some());
    }

    #[test]
    fn refuses_what_does_not_parse() {
        assert!(pretty("{\"a\": 1,}").is_none());
        assert!(pretty("{\"a\": 1} // comment").is_none());
        assert!(pretty("{\"a\": 1}\n{\"b\": 2}").is_none());
        assert!(pretty("").is_none());
    }
}
