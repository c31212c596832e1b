//! The English word list the truncation detector reads to tell a word cut
//! short ("… tests the knowl") from a word: SCOWL through Debian's
//! `wamerican` (`scripts/words/build.sh` rebuilds it; licence in
//! `host/data/words-en.LICENSE`), 74,585 words of ASCII letters.

use std::collections::HashSet;
use std::io::Read;
use std::sync::OnceLock;

const WORDS_GZ: &[u8] = include_bytes!("../../data/words-en.txt.gz");

struct Words {
    /// Every entry as listed: "Ann" is there, "ann" is not.
    listed: HashSet<String>,
    /// Every entry lowercased and sorted, for prefix look-ups.
    lower: Vec<String>,
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(WORDS_GZ)
            .read_to_string(&mut text)
            .expect("the bundled word list is gzipped UTF-8");
        let listed: HashSet<String> = text.lines().map(str::to_string).collect();
        let mut lower: Vec<String> = listed.iter().map(|w| w.to_lowercase()).collect();
        lower.sort_unstable();
        lower.dedup();
        Words { listed, lower }
    })
}

/// Whether `w` is a listed word as written: a lowercase word must be listed
/// in lowercase ("ann" is not a word, "Ann" is); a capitalised one may be
/// a name or the first word of a sentence.
pub fn is_word(w: &str) -> bool {
    let ws = words();
    ws.listed.contains(w) || ws.listed.contains(&w.to_lowercase())
}

/// Whether `w` (in any case) is the beginning of a longer listed word:
/// "knowl" of "knowledge".
pub fn begins_a_word(w: &str) -> bool {
    let w = w.to_lowercase();
    let lower = &words().lower;
    let next = lower.partition_point(|x| x.as_str() <= w.as_str());
    lower.get(next).is_some_and(|x| x.starts_with(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_list_knows_words_names_and_the_beginnings_of_words() {
        assert_eq!(words().listed.len(), 74_585);
        assert!(is_word("knowledge") && is_word("Knowledge") && is_word("Ann"));
        assert!(!is_word("ann") && !is_word("knowl") && !is_word("certai"));
        assert!(begins_a_word("knowl") && begins_a_word("Certai") && begins_a_word("ann"));
        // A word no longer word begins is not the beginning of itself, and
        // nonsense begins nothing.
        assert!(begins_a_word("zucchini") && !begins_a_word("zucchinis") && !begins_a_word("qxv"));
    }
}
