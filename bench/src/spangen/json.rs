//! A tiny JSON value and writer with two output styles.
//!
//! Our own writer (instead of serde_json's) keeps the byte output fixed forever
//! and lets us mimic two common exporters: compact (`{"a":1}`, raw UTF-8, like
//! serde_json / JSON.stringify) and Python's `json.dumps` defaults
//! (`{"a": 1}`, non-ASCII escaped as `\uXXXX`).

#[derive(Clone, Debug, PartialEq)]
pub enum J {
    Null,
    Bool(bool),
    Int(i64),
    /// A number already formatted (e.g. "92.5"), written as-is.
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Compact,
    Python,
}

impl J {
    pub fn s(v: impl Into<String>) -> J {
        J::Str(v.into())
    }

    pub fn obj() -> J {
        J::Obj(Vec::new())
    }

    /// Appends (or replaces) a key of an object.
    pub fn set(&mut self, key: &str, value: J) {
        if let J::Obj(fields) = self {
            if let Some(slot) = fields.iter_mut().find(|(k, _)| k == key) {
                slot.1 = value;
            } else {
                fields.push((key.to_string(), value));
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut J> {
        match self {
            J::Obj(fields) => fields.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<J> {
        match self {
            J::Obj(fields) => {
                let i = fields.iter().position(|(k, _)| k == key)?;
                Some(fields.remove(i).1)
            }
            _ => None,
        }
    }

    pub fn write(&self, out: &mut String, style: Style) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Int(i) => {
                use std::fmt::Write;
                let _ = write!(out, "{i}");
            }
            J::Num(n) => out.push_str(n),
            J::Str(s) => write_str(out, s, style == Style::Python),
            J::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if style == Style::Python { ", " } else { "," });
                    }
                    item.write(out, style);
                }
                out.push(']');
            }
            J::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if style == Style::Python { ", " } else { "," });
                    }
                    write_str(out, k, style == Style::Python);
                    out.push_str(if style == Style::Python { ": " } else { ":" });
                    v.write(out, style);
                }
                out.push('}');
            }
        }
    }

    pub fn to_string(&self, style: Style) -> String {
        let mut s = String::new();
        self.write(&mut s, style);
        s
    }

    /// Indented output (two spaces), used for `--stats`.
    pub fn write_pretty(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
        match self {
            J::Arr(items) if !items.is_empty() => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 2);
                    item.write_pretty(out, indent + 2);
                    if i + 1 < items.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                pad(out, indent);
                out.push(']');
            }
            J::Obj(fields) if !fields.is_empty() => {
                out.push_str("{\n");
                for (i, (k, v)) in fields.iter().enumerate() {
                    pad(out, indent + 2);
                    write_str(out, k, false);
                    out.push_str(": ");
                    v.write_pretty(out, indent + 2);
                    if i + 1 < fields.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                pad(out, indent);
                out.push('}');
            }
            other => other.write(out, Style::Compact),
        }
    }
}

pub fn write_str(out: &mut String, s: &str, ascii_only: bool) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let plain = b >= 0x20 && b != b'"' && b != b'\\' && (b < 0x7f || (!ascii_only && b >= 0x80));
        if plain {
            i += 1;
            continue;
        }
        out.push_str(&s[start..i]);
        if b >= 0x7f {
            // ascii_only: escape the whole char as UTF-16 units (DEL is kept as is)
            let c = s[i..].chars().next().unwrap();
            if c == '\u{7f}' {
                out.push(c);
            } else {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    push_u(out, *unit as u32);
                }
            }
            i += c.len_utf8();
        } else {
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                _ => push_u(out, b as u32),
            }
            i += 1;
        }
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn push_u(out: &mut String, v: u32) {
    use std::fmt::Write;
    let _ = write!(out, "\\u{v:04x}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_round_trip_through_serde_json() {
        let mut o = J::obj();
        o.set("id", J::s("span-1"));
        o.set("text", J::s("olá \"mundo\"\n\ttab 🚀 \u{1}"));
        o.set("n", J::Int(-3));
        o.set("q", J::Num("92.5".into()));
        o.set("a", J::Arr(vec![J::Null, J::Bool(true)]));
        for style in [Style::Compact, Style::Python] {
            let s = o.to_string(style);
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(v["text"], "olá \"mundo\"\n\ttab 🚀 \u{1}");
            assert_eq!(v["q"], 92.5);
        }
        assert!(o.to_string(Style::Python).is_ascii());
        assert_eq!(J::Arr(vec![J::Int(1), J::Int(2)]).to_string(Style::Compact), "[1,2]");
    }
}
