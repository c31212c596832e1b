//! The `config` table of the manifest, checked once in `Enzyme::new`.

use logline_sdk::Error;
use serde::Deserialize;

/// `[[enzyme]] config = { … }` for `syntax-optimizer`. See the README for
/// what each edit does and when it is skipped.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Wrap runs of code-looking lines found in prose in a fence.
    pub fence_unfenced: bool,
    /// Fewest non-blank lines a run needs to be fenced (1..=50).
    pub min_code_lines: usize,
    /// Add the detected language to fences that have none.
    pub label_fences: bool,
    /// Re-indent JSON blocks that parse (2 spaces, key order kept).
    pub pretty_json: bool,
    /// Close a fence left open at the end of the response.
    pub close_fences: bool,
    /// CRLF and lone CR become LF.
    pub normalize_line_endings: bool,
    /// Remove trailing spaces and tabs (Markdown hard breaks are kept).
    pub trim_trailing_whitespace: bool,
    /// Prose: a run of more blank lines than this becomes one blank line.
    /// Code: a longer run is cut to this many (1..=10).
    pub max_blank_lines: usize,
    /// Leading tabs in code become this many columns of spaces where that
    /// cannot change the code's meaning (0 keeps tabs; at most 16).
    pub tab_width: usize,
    /// Remove indentation shared by every line of a code block.
    pub dedent: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fence_unfenced: true,
            min_code_lines: 2,
            label_fences: true,
            pretty_json: true,
            close_fences: true,
            normalize_line_endings: true,
            trim_trailing_whitespace: true,
            max_blank_lines: 2,
            tab_width: 4,
            dedent: true,
        }
    }
}

impl Config {
    /// Reject values the enzyme cannot honour.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::invalid_config(format!("syntax-optimizer: {m}")));
        if !(1..=10).contains(&self.max_blank_lines) {
            return bad(format!("`max_blank_lines` must be 1..=10, got {}", self.max_blank_lines));
        }
        if self.tab_width > 16 {
            return bad(format!("`tab_width` must be 0..=16, got {}", self.tab_width));
        }
        if !(1..=50).contains(&self.min_code_lines) {
            return bad(format!("`min_code_lines` must be 1..=50, got {}", self.min_code_lines));
        }
        Ok(())
    }
}
