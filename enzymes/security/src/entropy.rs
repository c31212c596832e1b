//! Cheap statistics that tell random-looking strings from words and
//! identifiers.

/// Shannon entropy of `s` in bits per character (over its bytes).
pub fn shannon(s: &str) -> f64 {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    // Count, remembering which bytes occur: short strings visit only their
    // own distinct bytes, not all 256.
    let mut counts = [0u32; 256];
    let mut seen = [0u8; 256];
    let mut distinct = 0;
    for &b in bytes {
        if counts[b as usize] == 0 {
            seen[distinct] = b;
            distinct += 1;
        }
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    seen[..distinct]
        .iter()
        .map(|&b| {
            let p = counts[b as usize] as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Character classes present in a string.
#[derive(Debug, Default, Clone, Copy)]
pub struct Classes {
    pub lower: usize,
    pub upper: usize,
    pub digit: usize,
    pub other: usize,
}

impl Classes {
    pub fn of(s: &str) -> Self {
        let mut c = Classes::default();
        for b in s.bytes() {
            match b {
                b'a'..=b'z' => c.lower += 1,
                b'A'..=b'Z' => c.upper += 1,
                b'0'..=b'9' => c.digit += 1,
                _ => c.other += 1,
            }
        }
        c
    }

    pub fn letters(&self) -> usize {
        self.lower + self.upper
    }

    /// How many of lower / upper / digit occur.
    pub fn alnum_kinds(&self) -> usize {
        (self.lower > 0) as usize + (self.upper > 0) as usize + (self.digit > 0) as usize
    }
}

fn class(b: u8) -> u8 {
    match b {
        b'a'..=b'z' => 0,
        b'A'..=b'Z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    }
}

/// The share of adjacent byte pairs whose character class changes
/// (lower/upper/digit/other). Random base62 strings score about 0.6,
/// random hex about 0.45; camelCase identifiers and words about 0.1–0.2.
pub fn class_switch_ratio(s: &str) -> f64 {
    let b = s.as_bytes();
    if b.len() < 2 {
        return 0.0;
    }
    let switches = b.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    switches as f64 / (b.len() - 1) as f64
}

/// Looks like a random token: long enough, high entropy, mixed classes and
/// frequent class switches (which words and camelCase identifiers lack).
pub fn looks_random(s: &str, min_len: usize, min_entropy: f64) -> bool {
    if s.len() < min_len {
        return false;
    }
    let c = Classes::of(s);
    if c.alnum_kinds() < 2 || c.digit == 0 && c.upper.min(c.lower) < 3 {
        return false;
    }
    class_switch_ratio(s) >= 0.25 && word_coverage(s) < 0.75 && shannon(s) >= min_entropy
}

/// The share of `s` covered by word-like runs: camel-case or plain letter
/// runs of three or more letters with a vowel ratio typical of words.
/// Identifiers (`OAuth2AccessTokenProvider`) score near 1, random tokens low.
pub fn word_coverage(s: &str) -> f64 {
    let b = s.as_bytes();
    if b.is_empty() {
        return 0.0;
    }
    let mut covered = 0usize;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        // A run: an optional capital followed by lower-case letters, or a
        // run of capitals (an acronym or UPPER_CASE word).
        let start = i;
        if b[i].is_ascii_uppercase() {
            i += 1;
            if i < b.len() && b[i].is_ascii_lowercase() {
                while i < b.len() && b[i].is_ascii_lowercase() {
                    i += 1;
                }
            } else {
                while i < b.len() && b[i].is_ascii_uppercase() && !(i + 1 < b.len() && b[i + 1].is_ascii_lowercase()) {
                    i += 1;
                }
            }
        } else {
            while i < b.len() && b[i].is_ascii_lowercase() {
                i += 1;
            }
        }
        let run = &b[start..i];
        let vowels =
            run.iter().filter(|c| matches!(c.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u' | b'y')).count();
        let ratio = vowels as f64 / run.len() as f64;
        if run.len() >= 3 && (0.2..=0.7).contains(&ratio) {
            covered += run.len();
        }
    }
    covered as f64 / b.len() as f64
}

/// Decode standard or URL-safe base64 (padding optional). None when `s` is
/// not base64.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_basics() {
        assert_eq!(shannon(""), 0.0);
        assert_eq!(shannon("aaaa"), 0.0);
        assert!((shannon("abcd") - 2.0).abs() < 1e-9);
        assert!(shannon("q8Zr2LmX0pKd7Vn4Tb9Wc1") > 4.0);
    }

    #[test]
    fn random_vs_identifiers() {
        assert!(looks_random("q8Zr2LmX0pKd7Vn4Tb9Wc1", 12, 3.0));
        assert!(looks_random("9f8e7d6c5b4a39281706f5e4", 12, 3.0));
        assert!(!looks_random("OAuth2AccessTokenProvider", 12, 3.0));
        assert!(!looks_random("getAccessTokenFromRefresh", 12, 3.0));
        assert!(!looks_random("password_reset_link", 12, 3.0));
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(base64_decode("dXNlcjpwYXNzd29yZA==").unwrap(), b"user:password");
        assert!(base64_decode("not base64!").is_none());
    }
}
