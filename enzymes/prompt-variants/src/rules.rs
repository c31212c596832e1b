//! The rewording rules: a pattern over one question sentence (openers such
//! as "quick question:" dropped) and templates over its captures. The
//! first rule that fits is used; the question is the last sentence of the
//! first paragraph that a rule fits.

use regex::{Captures, Regex};
use std::sync::OnceLock;

/// One rule: a name, a pattern, and its templates (`{x}`, `{y}` are the
/// captures of the same name).
pub struct Rule {
    pub name: &'static str,
    pattern: &'static str,
    pub templates: &'static [&'static str],
}

/// The rules, in the order they are tried.
pub const RULES: &[Rule] = &[
    Rule {
        name: "how-do-i",
        pattern: r"(?i)^how (?:do|can|should) i (?P<x>.+?)\?$",
        templates: &["What is the best way to {x}?", "What's the recommended way to {x}?"],
    },
    Rule {
        name: "best-way",
        pattern: r"(?i)^what(?:'s| is) the (?:best|right|recommended) way to (?P<x>.+?)\?$",
        templates: &["How do I {x}?", "How should I {x}?"],
    },
    Rule {
        name: "show-me-how",
        pattern: r"(?i)^(?:can|could) you show me how to (?P<x>.+?)\?$",
        templates: &["How do I {x}?", "What is the best way to {x}?"],
    },
    Rule {
        name: "is-there-a-way",
        pattern: r"(?i)^is there (?:a|any) way to (?P<x>.+?)\?$",
        templates: &["How can I {x}?", "What is the best way to {x}?"],
    },
    Rule {
        name: "explain-in-detail",
        pattern: r"(?i)^(?:can|could|would) you explain (?P<x>.+?) in (?:a bit |a little |some )?more detail\?$",
        templates: &["Explain {x} in more depth.", "Can you go deeper into {x}?"],
    },
    Rule {
        name: "can-you-explain",
        pattern: r"(?i)^(?:can|could|would) you (?:please )?explain (?P<x>.+?)\?$",
        templates: &["Explain {x}.", "What should I know about {x}?"],
    },
    Rule {
        name: "difference-between",
        pattern: r"(?i)^what(?:'s| is) the difference between (?P<x>.+?)\?$",
        templates: &["How do {x} differ?", "Explain the difference between {x}."],
    },
    Rule {
        name: "relationship-between",
        pattern: r"(?i)^what(?:'s| is) the relationship between (?P<x>.+?)\?$",
        templates: &["How do {x} relate to each other?", "Explain the relationship between {x}."],
    },
    Rule {
        name: "when-should-i-use",
        pattern: r"(?i)^when should i use (?P<x>.+?)\?$",
        templates: &["In which situations should I use {x}?", "When is it worth using {x}?"],
    },
    Rule {
        name: "how-does-x-work",
        pattern: r"(?i)^how (?:does|do) (?P<x>.+?) work\?$",
        templates: &["Explain how {x} works.", "What happens under the hood with {x}?"],
    },
    Rule {
        name: "why-does-it-matter",
        pattern: r"(?i)^why (?:does|do) (?P<x>.+?) matter\?$",
        templates: &["Why is {x} important?", "What makes {x} important?"],
    },
    Rule {
        name: "explain-like",
        pattern: r"(?i)^explain (?P<x>.+?) like i'?m (?:a |an )?(?P<who>[^.!?]+?)[.!]?$",
        templates: &["Can you explain {x} in simple terms?", "How would you explain {x} to {a} {who}?"],
    },
    Rule {
        name: "explain",
        pattern: r"(?i)^explain (?P<x>[^?]+?)[.!]?$",
        templates: &["Can you explain {x}?", "What should I know about {x}?"],
    },
    Rule {
        name: "what-is",
        pattern: r"(?i)^what(?:'s| is| are) (?P<x>.+?)\?$",
        templates: &["Explain {x}.", "Can you explain what {x} is?"],
    },
];

/// "what is" questions that ask about a situation, not for a definition.
const NOT_DEFINITIONS: &[&str] = &[
    "wrong",
    "happening",
    "going",
    "causing",
    "this",
    "that",
    "it",
    "my",
    "your",
    "the problem",
    "the issue",
    "the error",
    "the cause",
    "the output",
    "the result",
];

/// Discourse openers dropped from the question's own sentence.
const FILLER: &str = r"(?i)^(?:(?:quick question|one more question|another question|question|so|and|also|ok(?:ay)?|hmm|btw)\s*[:,]?\s+)+";

fn compiled() -> &'static (Vec<Regex>, Regex) {
    static R: OnceLock<(Vec<Regex>, Regex)> = OnceLock::new();
    R.get_or_init(|| {
        let rules = RULES.iter().map(|r| Regex::new(r.pattern).expect("rule patterns are valid (tested)")).collect();
        (rules, Regex::new(FILLER).expect("valid"))
    })
}

fn fill(template: &str, c: &Captures<'_>) -> String {
    let x = c.name("x").map_or("", |m| m.as_str());
    let who = c.name("who").map_or("", |m| m.as_str());
    let a = if who.starts_with(|ch: char| "aeiouAEIOU".contains(ch)) { "an" } else { "a" };
    let mut out = template.replace("{x}", x).replace("{who}", who).replace("{a}", a);
    if let Some(first) = out.get(..1) {
        out = first.to_uppercase() + &out[1..];
    }
    out
}

/// The rewordings of one sentence (`rule`, text), or none.
pub fn rewrite(sentence: &str) -> Option<(&'static str, Vec<String>)> {
    let (rules, filler) = compiled();
    let core = filler.replace(sentence.trim(), "");
    for (rule, re) in RULES.iter().zip(rules) {
        let Some(c) = re.captures(&core) else { continue };
        let x = c.name("x").map_or("", |m| m.as_str()).trim();
        // The captured topic must stay a phrase: no code, no nested question.
        if x.is_empty() || x.contains('`') || x.contains('?') || x.split_whitespace().count() > 16 {
            return None;
        }
        if rule.name == "what-is" {
            let lower = x.to_lowercase();
            if NOT_DEFINITIONS.iter().any(|w| lower == *w || lower.starts_with(&format!("{w} "))) {
                return None;
            }
        }
        return Some((rule.name, rule.templates.iter().map(|t| fill(t, &c)).collect()));
    }
    None
}

/// Sentences of a paragraph as byte ranges: a sentence ends at `.`, `?` or
/// `!` followed by whitespace or the end, never inside `backticks`.
fn sentences(par: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut in_code) = (0, false);
    let bytes = par.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'`' {
            in_code = !in_code;
        } else if !in_code && matches!(c, b'.' | b'?' | b'!') {
            let mut j = i;
            while j + 1 < bytes.len() && matches!(bytes[j + 1], b'.' | b'?' | b'!') {
                j += 1;
            }
            if j + 1 >= bytes.len() || bytes[j + 1].is_ascii_whitespace() {
                out.push((start, j + 1));
                start = j + 1;
            }
            i = j;
        }
        i += 1;
    }
    if start < par.len() {
        out.push((start, par.len()));
    }
    out.into_iter()
        .map(|(a, b)| {
            let lead = par[a..b].len() - par[a..b].trim_start().len();
            (a + lead, a + lead + par[a + lead..b].trim_end().len())
        })
        .filter(|(a, b)| a < b)
        .collect()
}

/// Up to `max` rewordings of the question in `this`, each the whole text
/// with only the question's sentence replaced; `seed` and `id` decide
/// which template comes first.
pub fn variants_of(id: &str, this: &str, seed: u64, max: usize) -> Vec<String> {
    if max == 0 {
        return Vec::new();
    }
    // The first paragraph: up to a blank line, a fence or a line break.
    let cut = ["\n\n", "```", "\n"].iter().filter_map(|m| this.find(m)).min().unwrap_or(this.len());
    let head = &this[..cut];
    for (a, b) in sentences(head).into_iter().rev() {
        let Some((_, mut texts)) = rewrite(&head[a..b]) else { continue };
        let n = texts.len();
        texts.rotate_left((fnv(id, seed) % n as u64) as usize);
        return texts
            .into_iter()
            .take(max)
            .map(|t| format!("{}{}{}", &this[..a], t, &this[b..]))
            .filter(|v| v != this)
            .collect();
    }
    Vec::new()
}

/// FNV-1a over the id and the seed: a stable choice, the same on every platform.
fn fnv(id: &str, seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes().chain(seed.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_pattern_compiles() {
        assert_eq!(compiled().0.len(), RULES.len());
    }

    #[test]
    fn only_the_question_sentence_is_reworded_and_the_rest_is_kept() {
        let this = "We run Redis 7 in production. How do I enable pipelining in the Node client?\n\n```js\nconst r = new Redis();\n```";
        let v = variants_of("s1", this, 0, 2);
        assert_eq!(v.len(), 2);
        for x in &v {
            assert!(x.starts_with("We run Redis 7 in production. "), "{x}");
            assert!(x.ends_with("\n\n```js\nconst r = new Redis();\n```"), "{x}");
            assert!(x.contains("way to enable pipelining in the Node client?"), "{x}");
        }
    }

    #[test]
    fn the_seed_picks_the_order_and_the_same_seed_the_same_variants() {
        let this = "How do I rotate the signing key?";
        let all: std::collections::BTreeSet<String> = (0..8).map(|s| variants_of("a", this, s, 1)[0].clone()).collect();
        assert_eq!(all.len(), 2, "both templates come first for some seed");
        assert_eq!(variants_of("a", this, 3, 2), variants_of("a", this, 3, 2));
    }

    #[test]
    fn a_request_for_more_detail_or_for_a_level_keeps_it() {
        let v =
            variants_of("x", "Got it. Could you explain mixed precision in a bit more detail? The data is big.", 0, 2);
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|t| t.contains("mixed precision") && !t.contains("know about")), "{v:?}");
        assert!(v.iter().any(|t| t.contains("Explain mixed precision in more depth.")), "{v:?}");
        let v = variants_of("y", "Setup: WSL2. Explain pipelining in Redis like I'm a junior developer.", 0, 2);
        assert!(
            v.contains(&"Setup: WSL2. How would you explain pipelining in Redis to a junior developer?".to_string()),
            "{v:?}"
        );
        assert!(v.iter().all(|t| !t.contains("like I'm")), "{v:?}");
        let v = variants_of("z", "Explain DNS like I'm an intern.", 0, 2);
        assert!(v.iter().any(|t| t == "How would you explain DNS to an intern?"), "{v:?}");
    }

    #[test]
    fn situations_code_and_statements_are_left_alone() {
        for this in [
            "What is wrong with my query?",
            "What is causing this error?",
            "How do I call `foo(bar?)` here?",
            "The build fails on CI.",
            "",
        ] {
            assert!(variants_of("x", this, 0, 2).is_empty(), "{this}");
        }
        assert_eq!(
            variants_of("x", "Quick question: what is a bloom filter?", 0, 2).len(),
            2,
            "an opener is dropped, the definition question reworded"
        );
    }
}
