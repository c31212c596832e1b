//! `complexity_score` of the response (SPEC §2.4), 0–100:
//! `min(100, chars/10)` + 20 if it holds code + 2 per newline + 5 per
//! occurrence of implement, algorithm, optimize, analyze or architecture;
//! capped at 100.
//!
//! Code markers are a ``` fence, the words `function` and `class`, and
//! `def ` / `import ` at a word start. Words are matched on word boundaries
//! (as the tags are), so "classification" is not code and "implementation"
//! does not count as "implement".

use crate::tags::split_words;

const DEPTH_WORDS: &[&str] = &["implement", "algorithm", "optimize", "analyze", "architecture"];

/// Whether `text` holds code.
pub fn has_code(text: &str) -> bool {
    if text.contains("```") {
        return true;
    }
    let lower = text.to_lowercase();
    let bytes = lower.as_bytes();
    let word_start = |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    let starts = |pat: &str| lower.match_indices(pat).any(|(i, _)| word_start(i));
    if starts("def ") || starts("import ") {
        return true;
    }
    split_words(&lower).iter().any(|w| w == "function" || w == "class")
}

/// The complexity score of a response.
pub fn complexity_score(response: &str) -> f64 {
    let chars = response.chars().count() as f64;
    let mut score = (chars / 10.0).min(100.0);
    if has_code(response) {
        score += 20.0;
    }
    score += 2.0 * response.matches('\n').count() as f64;
    score += 5.0 * split_words(response).iter().filter(|w| DEPTH_WORDS.contains(&w.as_str())).count() as f64;
    score.min(100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_term() {
        assert_eq!(complexity_score(""), 0.0);
        assert_eq!(complexity_score(&"a".repeat(250)), 25.0);
        assert_eq!(complexity_score("héllo"), 0.5, "characters, not bytes");
    }

    #[test]
    fn code_newlines_and_words() {
        // 30 chars -> 3, fence -> +20, 2 newlines -> +4
        let r = "```\nlet x = 1;\n```012345678901";
        assert_eq!(r.chars().count(), 30);
        assert_eq!(complexity_score(r), 27.0);
        // "implement the algorithm" = 23 chars -> 2.3, +5 +5
        assert!((complexity_score("implement the algorithm") - 12.3).abs() < 1e-9);
        assert!((complexity_score("Implement, implement!") - (2.1 + 10.0)).abs() < 1e-9, "each occurrence counts");
    }

    #[test]
    fn code_markers() {
        assert!(has_code("def f(x):"));
        assert!(has_code("import os"));
        assert!(has_code("a function here"));
        assert!(has_code("class Foo"));
        assert!(!has_code("classification of undefined imports"));
        assert!(!has_code("redefine the important parts"));
    }

    #[test]
    fn capped_at_100() {
        assert_eq!(complexity_score(&"line\n".repeat(200)), 100.0);
    }
}
