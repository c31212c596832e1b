//! Test support: fake-secret generators and a small template language.
//!
//! Secrets are generated here (deterministic PRNG, right shapes, random
//! bodies) rather than written into the sources, so no literal in the repo
//! looks like a live credential.
//!
//! Template syntax: `⟦gen:kind⟧` inserts a value from generator `gen` and
//! expects it to be redacted as `kind` (`-` = not a secret, must stay);
//! `⟦gen@name:kind⟧` also remembers it as `name`, `⟦@name⟧` repeats it.

#![allow(dead_code)]

pub mod contexts;
pub mod corpus;
pub mod formats;
pub mod literal_check;
pub mod traps;

use enzyme_security::{Config, Kind, Scanner};

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        (0..n).map(|_| a[self.below(a.len())] as char).collect()
    }
}

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &str = "0123456789";
pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const HEX: &str = "0123456789abcdef";
pub const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Alphanumeric with at least two digits, an upper and a lower case letter.
fn mixed(r: &mut Rng, alphabet: &str, n: usize) -> String {
    loop {
        let s = r.pick(alphabet, n);
        let d = s.bytes().filter(u8::is_ascii_digit).count();
        if d >= 2 && s.bytes().any(|b| b.is_ascii_uppercase()) && s.bytes().any(|b| b.is_ascii_lowercase()) {
            return s;
        }
    }
}

/// Letters only, with both cases.
fn letters(r: &mut Rng, n: usize) -> String {
    loop {
        let s = r.pick(&format!("{UPPER}{LOWER}"), n);
        if s.bytes().any(|b| b.is_ascii_uppercase()) && s.bytes().any(|b| b.is_ascii_lowercase()) {
            return s;
        }
    }
}

pub fn b64_encode(data: &[u8], url: bool) -> String {
    let a = if url { B64URL } else { B64 }.as_bytes();
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let v =
            (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..=n {
            out.push(a[(v >> (18 - 6 * i) & 63) as usize] as char);
        }
        if !url {
            for _ in n..3 {
                out.push('=');
            }
        }
    }
    out
}

fn pem(r: &mut Rng, label: &str, lines: usize, newline: &str, indent: &str) -> String {
    let mut s = format!("-----BEGIN {label}-----");
    for i in 0..lines {
        let len = if i + 1 == lines { 20 + r.below(40) } else { 64 };
        s.push_str(newline);
        s.push_str(indent);
        s.push_str(&r.pick(B64, len));
    }
    s.push_str(newline);
    s.push_str(indent);
    s.push_str(&format!("-----END {label}-----"));
    s
}

fn password(r: &mut Rng) -> String {
    loop {
        let n = 10 + r.below(7);
        let first = r.pick(ALNUM, 1);
        let rest = r.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!%^*_+=-", n - 1);
        let s = first + &rest;
        let c = s.bytes().filter(u8::is_ascii_digit).count();
        if c >= 1 && s.bytes().any(|b| b.is_ascii_alphabetic()) && !s.contains("xxx") {
            return s;
        }
    }
}

/// Generate a value by generator name.
pub fn generate(name: &str, r: &mut Rng) -> String {
    match name {
        "akia" => format!("AKIA{}", r.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        "asia" => format!("ASIA{}", r.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        "awssecret" => mixed(r, B64, 40),
        "aiza" => format!("AIza{}", r.pick(&format!("{ALNUM}-_"), 35)),
        "pemesc" => pem(r, "PRIVATE KEY", 6, "\\n", "") + "\\n",
        "gocspx" => format!("GOCSPX-{}", mixed(r, &format!("{ALNUM}-_"), 28)),
        "azkey" => format!("{}==", mixed(r, B64, 86)),
        "azsak" => format!("{}=", mixed(r, B64, 43)),
        "azsas" => format!("{}%3D", mixed(r, ALNUM, 40)),
        "azad" => format!("{}{}Q~{}", r.pick(ALNUM, 3), r.below(10), mixed(r, &format!("{ALNUM}_~-"), 34)),
        "ghp" => format!("ghp_{}", mixed(r, ALNUM, 36)),
        "gho" => format!("gho_{}", mixed(r, ALNUM, 36)),
        "ghu" => format!("ghu_{}", mixed(r, ALNUM, 36)),
        "ghs" => format!("ghs_{}", mixed(r, ALNUM, 36)),
        "ghr" => format!("ghr_{}", mixed(r, ALNUM, 36)),
        "ghpat" => format!("github_pat_{}_{}", mixed(r, ALNUM, 22), mixed(r, ALNUM, 59)),
        "glpat" => format!("glpat-{}", mixed(r, ALNUM, 20)),
        "glrt" => format!("glrt-{}", mixed(r, ALNUM, 20)),
        "glptt" => format!("glptt-{}", r.pick(HEX, 40)),
        "npm" => format!("npm_{}", mixed(r, ALNUM, 36)),
        "pypi" => {
            let n = 70 + r.below(60);
            format!("pypi-AgEIcHlwaS5vcmc{}", mixed(r, &format!("{ALNUM}-_"), n))
        }
        "xoxb" => format!("xoxb-{}-{}-{}", r.pick(DIGITS, 12), r.pick(DIGITS, 13), mixed(r, ALNUM, 24)),
        "xoxp" => {
            format!("xoxp-{}-{}-{}-{}", r.pick(DIGITS, 12), r.pick(DIGITS, 12), r.pick(DIGITS, 13), r.pick(HEX, 32))
        }
        "xapp" => format!(
            "xapp-1-A{}-{}-{}",
            r.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
            r.pick(DIGITS, 13),
            r.pick(HEX, 64)
        ),
        "xoxa" => format!("xoxa-2-{}-{}", r.pick(DIGITS, 11), mixed(r, ALNUM, 30)),
        "slackhook" => format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            r.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8),
            r.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
            mixed(r, ALNUM, 24)
        ),
        "sklive" => format!("sk_live_{}", mixed(r, ALNUM, 24)),
        "sktest" => format!("sk_test_{}", mixed(r, ALNUM, 99)),
        "pktest" => format!("pk_test_{}", mixed(r, ALNUM, 99)),
        "rklive" => format!("rk_live_{}", mixed(r, ALNUM, 24)),
        "whsec" => format!("whsec_{}", mixed(r, ALNUM, 32)),
        "twsid" => format!("AC{}", r.pick(HEX, 32)),
        "twsk" => format!("SK{}", r.pick(HEX, 32)),
        "sg" => format!("SG.{}.{}", mixed(r, &format!("{ALNUM}-_"), 22), mixed(r, &format!("{ALNUM}-_"), 43)),
        "mailgun" => format!("key-{}", r.pick(HEX, 32)),
        "openai" => format!("sk-{}T3BlbkFJ{}", mixed(r, ALNUM, 20), mixed(r, ALNUM, 20)),
        "openaiproj" => {
            let n = 120 + r.below(40);
            format!("sk-proj-{}", mixed(r, &format!("{ALNUM}-_"), n))
        }
        "anthropic" => format!("sk-ant-api03-{}AA", mixed(r, &format!("{ALNUM}-_"), 93)),
        "hf" => format!("hf_{}", letters(r, 34)),
        "discord" => {
            let id = format!("{}{}", 1 + r.below(9), r.pick(DIGITS, 17));
            format!("{}.{}.{}", b64_encode(id.as_bytes(), true), r.pick(B64URL, 6), mixed(r, B64URL, 38))
        }
        "discordhook" => {
            format!("https://discord.com/api/webhooks/{}/{}", r.pick("123456789", 18), mixed(r, B64URL, 68))
        }
        "telegram" => format!("{}{}:AA{}", 1 + r.below(9), r.pick(DIGITS, 9), mixed(r, B64URL, 33)),
        "shopify" => format!("shpat_{}", r.pick(HEX, 32)),
        "do" => format!("dop_v1_{}", r.pick(HEX, 64)),
        "age" => format!("AGE-SECRET-KEY-1{}", r.pick("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
        "jwt" => {
            let header = b64_encode(br#"{"alg":"HS256","typ":"JWT"}"#, true);
            let payload = format!(
                r#"{{"sub":"{}","name":"user{}","iat":{}}}"#,
                r.pick(DIGITS, 10),
                r.below(1000),
                1_700_000_000 + r.below(9_999_999)
            );
            format!("{header}.{}.{}", b64_encode(payload.as_bytes(), true), r.pick(B64URL, 43))
        }
        "pemrsa" => pem(r, "RSA PRIVATE KEY", 12, "\n", ""),
        "pemec_indent" => pem(r, "EC PRIVATE KEY", 3, "\n", "    "),
        "pemssh" => pem(r, "OPENSSH PRIVATE KEY", 7, "\n", ""),
        "pempgp" => {
            let body = pem(r, "PGP PRIVATE KEY BLOCK", 10, "\n", "");
            body.replacen("-----\n", "-----\nVersion: GnuPG v2\n\n", 1)
        }
        "pempkcs8" => pem(r, "PRIVATE KEY", 8, "\n", ""),
        "pempkcs8esc" => pem(r, "PRIVATE KEY", 8, "\\n", ""),
        "pemenc" => pem(r, "ENCRYPTED PRIVATE KEY", 9, "\n", ""),
        "pemdsa" => pem(r, "DSA PRIVATE KEY", 6, "\n", ""),
        "pemtrunc" => {
            let full = pem(r, "RSA PRIVATE KEY", 5, "\n", "");
            full[..full.rfind("\n-----END").unwrap()].to_string()
        }
        "pw" => password(r),
        "tok" => {
            let n = 32 + r.below(9);
            mixed(r, ALNUM, n)
        }
        "hex32" => r.pick(HEX, 32),
        "hex40" => r.pick(HEX, 40),
        "djangokey" => format!("django-insecure-{}", r.pick("abcdefghijklmnopqrstuvwxyz0123456789!@#^&*-_=+", 50)),
        "basic" => b64_encode(format!("deploy:{}", password(r)).as_bytes(), false),
        // not secrets
        "uuid" => {
            let h = r.pick(HEX, 32);
            format!("{}-{}-4{}-a{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..])
        }
        "gitsha" => r.pick(HEX, 40),
        "hex16" => r.pick(HEX, 16),
        "hex64" => r.pick(HEX, 64),
        "sha512" => format!("sha512-{}==", r.pick(B64, 86)),
        "b64img" => format!("iVBORw0KGgoAAAANSUhEUgAA{}", r.pick(B64, 300)),
        "pubkey" => pem(r, "PUBLIC KEY", 6, "\n", ""),
        "cert" => pem(r, "CERTIFICATE", 10, "\n", ""),
        "sshpub" => format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} dev@laptop", r.pick(B64, 43)),
        other => panic!("unknown generator {other}"),
    }
}

/// An expected secret (or non-secret filler) in an instantiated case.
#[derive(Debug, Clone)]
pub struct Expect {
    pub start: usize,
    pub end: usize,
    /// None: a non-secret that must stay.
    pub kind: Option<Kind>,
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub text: String,
    pub expect: Vec<Expect>,
}

impl Instance {
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.expect.iter().filter(|e| e.kind.is_some()).map(|e| &self.text[e.start..e.end])
    }
}

/// Expand a template with generators seeded by `seed`.
pub fn instantiate(template: &str, seed: u64) -> Instance {
    let mut r = Rng::new(seed);
    let mut text = String::new();
    let mut expect = Vec::new();
    let mut named: Vec<(String, String, Option<Kind>)> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('⟦') {
        text.push_str(&rest[..open]);
        let after = &rest[open + '⟦'.len_utf8()..];
        let close = after.find('⟧').expect("unclosed ⟦");
        let spec = &after[..close];
        rest = &after[close + '⟧'.len_utf8()..];
        let (value, kind) = if let Some(name) = spec.strip_prefix('@') {
            let (_, v, k) = named.iter().find(|(n, _, _)| n == name).expect("unknown @name");
            (v.clone(), *k)
        } else {
            let (gen_part, kind) = spec.split_once(':').expect("⟦gen:kind⟧");
            let kind =
                if kind == "-" { None } else { Some(Kind::from_name(kind).unwrap_or_else(|| panic!("kind {kind}"))) };
            let (gen_name, save) = match gen_part.split_once('@') {
                Some((g, n)) => (g, Some(n)),
                None => (gen_part, None),
            };
            let v = generate(gen_name, &mut r);
            if let Some(n) = save {
                named.push((n.to_string(), v.clone(), kind));
            }
            (v, kind)
        };
        let start = text.len();
        text.push_str(&value);
        expect.push(Expect { start, end: text.len(), kind });
    }
    text.push_str(rest);
    Instance { text, expect }
}

/// A scanner with the default configuration.
pub fn default_scanner() -> Scanner {
    Scanner::new(Config::default().into_options().unwrap()).unwrap()
}

/// A scanner from a JSON config.
pub fn scanner_with(json: &str) -> Scanner {
    let cfg: Config = serde_json::from_str(json).unwrap();
    Scanner::new(cfg.into_options().unwrap()).unwrap()
}
