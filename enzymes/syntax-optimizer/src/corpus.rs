//! A corpus of varied responses and the properties every output must have:
//! no non-whitespace character of code changes (fence lines aside), every
//! code block keeps its token sequence, prose is never fenced, and a second
//! run changes nothing.

use crate::config::Config;
use crate::tidy::{closes, open_fence, tidy};

/// (name, response). Names ending in `_prose` hold no code at all.
pub const CORPUS: &[(&str, &str)] = &[
    (
        "python_unfenced",
        "Here is a function that adds two numbers:\ndef add(a, b):\n    return a + b\n\nprint(add(2, 3))\nThis prints 5.",
    ),
    (
        "js_unfenced_function",
        "You can write it like this:\n\nfunction f(a, b) {\n  return a + b;\n}\n\nconsole.log(f(1, 2));\n\nThat is all.",
    ),
    (
        "rust_fenced_unlabelled",
        "Try:\n\n```\nfn main() {\n    let mut v = Vec::new();\n    v.push(1);\n    println!(\"{:?}\", v);\n}\n```\n",
    ),
    ("crlf_everywhere", "Steps:\r\n\r\n```python\r\nx = 1\r\nprint(x)\r\n```\r\nDone.\r\n"),
    ("lone_cr", "Line one\rLine two\r\rLine four"),
    ("c_with_tabs", "```c\n#include <stdio.h>\n\nint main(void) {\n\tprintf(\"hi\\n\");\n\treturn 0;\n}\n```"),
    ("go_tabs_kept", "```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tx := 1\n\tfmt.Println(x)\n}\n```"),
    ("makefile_unlabelled", "Use this Makefile:\n\n```\n.PHONY: build\nbuild: main.o\n\tcc -o app main.o   \n```"),
    (
        "json_compact_unlabelled",
        "The response looks like:\n\n```\n{\"id\":1,\"tags\":[\"a\",\"b\"],\"meta\":{\"ok\":true,\"ratio\":1.50}}\n```",
    ),
    ("json_invalid_labelled", "```json\n{\n    \"a\": 1, // comment\n}\n```"),
    ("json_already_pretty", "```json\n{\n  \"a\": [\n    1,\n    2\n  ]\n}\n```"),
    (
        "yaml_block",
        "```yaml\nname: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest   \n    steps:\n      - run: |\n          echo hi  \n```",
    ),
    ("toml_unlabelled", "```\n[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n```"),
    (
        "dockerfile_unlabelled",
        "```\nFROM node:20-alpine\nWORKDIR /app\nCOPY package.json .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n```",
    ),
    (
        "sql_unfenced",
        "Query the table:\n\nSELECT id, name\nFROM users\nWHERE active = 1\nORDER BY name;\n\nIt returns active users.",
    ),
    ("shell_session", "Check your toolchain:\n$ cargo --version\ncargo 1.95.0\n$ rustc --version\nrustc 1.95.0\nGood."),
    (
        "commands_in_list",
        "1. Install the packages:\n   npm install express\n   npm install --save-dev jest\n2. Start the server.\n",
    ),
    (
        "heading_and_list_prose",
        "# Overview\n\nThe module does three things:\n\n- it reads the config;\n- it validates it;\n- it writes a report.\n\n## Notes\n\nSee the docs for details.",
    ),
    (
        "colons_and_semicolons_prose",
        "Note: this works; it is fine.\nFor example:\nSelect the rows you want, then import the data.\nclass is a keyword in Python; def is another.\nreturn the value to the caller\nWhy? Because it is simple.",
    ),
    ("math_prose", "In math, a = b means equality.\n\n$$\nx = a + b\ny = c * d\n$$\n\nE = mc^2 is famous."),
    (
        "table_prose",
        "| name | value |\n|------|-------|\n| a    | 1     |\n| b    | 2     |\n\nThe table above lists them.",
    ),
    ("unclosed_fence", "Here you go:\n\n```python\ndef f():\n    return 1\n"),
    ("tilde_fence", "~~~\nimport os\nprint(os.getcwd())\n~~~\n"),
    ("four_backticks", "````markdown\nUse this:\n```js\nconsole.log(1)\n```\n````"),
    ("diff_block", "```diff\n@@ -1,3 +1,3 @@\n a \n-b\n+c\n \n```"),
    ("bash_heredoc", "```bash\ncat <<-EOF > out.txt\n\tindented with a tab   \nEOF\n```"),
    ("python_docstring", "```python\ndef f():\n    \"\"\"Doc line   \n\n\n\n    more\"\"\"\n    return 1\n```"),
    ("hard_breaks_prose", "First line  \nsecond line of the same paragraph   \nthird line\t\n\nNew paragraph.   "),
    ("many_blank_lines_prose", "One.\n\n\n\n\n\nTwo.\n\n\nThree.\n\n\n\n"),
    ("indented_python_fence", "```python\n    def f(x):\n        return x * 2\n\n    print(f(3))\n```"),
    ("html_unlabelled", "```\n<!DOCTYPE html>\n<html>\n  <body>\n    <p>Hello</p>\n  </body>\n</html>\n```"),
    ("css_unlabelled", "```\nbody {\n  margin: 0;\n}\n.btn:hover {\n  color: red;\n}\n```"),
    (
        "typescript_unlabelled",
        "```\ninterface User {\n  id: number;\n  name: string;\n}\n\nconst u: User = { id: 1, name: \"Ada\" };\n```",
    ),
    (
        "java_with_tabs",
        "```java\npublic class Main {\n\tpublic static void main(String[] args) {\n\t\tSystem.out.println(\"hi\");\n\t}\n}\n```",
    ),
    ("cpp_stream", "```cpp\n#include <iostream>\nint main() {\n\tstd::cout << \"a\" << std::endl;\n}\n```"),
    ("inline_triple_backticks_prose", "Wrap code in ```like this``` or use `x` inline.\nThat is the convention."),
    ("empty_prose", ""),
    ("template_literal_js", "```js\nconst s = `\n\tline one   \n\tline two\n`;\n```"),
    (
        "mixed_everything",
        "Intro text.\n\n```\nimport json\nprint(json.dumps({\"a\": 1}))\n```\n\nThen run:\n\n$ python main.py\n{\"a\": 1}\n\nAnd configure:\n\n```json\n{\"debug\":false}\n```\n\n\n\n\nThanks!   ",
    ),
    (
        "list_with_nested_fence",
        "1. Create the file:\n\n   ```\n   fn main() {\n       println!(\"hi\");\n   }\n   ```\n\n2. Run it.",
    ),
    (
        "python_class_unfenced",
        "Define the model:\n\nclass User:\n    def __init__(self, name):\n        self.name = name\n\nThen create one.",
    ),
    (
        "wrapped_prose",
        "To get started you need to\nmake sure you have Python installed and then\ngo to the settings page where you can\nfind the option you need; after that\nreturn to the main screen.",
    ),
];

fn non_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text without its fence lines (open and close).
fn without_fences(text: &str) -> String {
    let mut out = Vec::new();
    let mut open: Option<String> = None;
    for line in text.split('\n') {
        match &open {
            Some(fence) if closes(line, fence) => open = None,
            Some(_) => out.push(line),
            None => match open_fence(line) {
                Some((_, fence, _)) => open = Some(fence.to_string()),
                None => out.push(line),
            },
        }
    }
    out.join("\n")
}

/// The code blocks of a text, as their content lines.
pub fn blocks(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut open: Option<(String, Vec<String>)> = None;
    for line in text.split('\n') {
        match open.as_mut() {
            Some((fence, body)) => {
                if closes(line, fence) {
                    out.push(std::mem::take(body));
                    open = None;
                } else {
                    body.push(line.to_string());
                }
            }
            None => {
                if let Some((_, fence, _)) = open_fence(line) {
                    open = Some((fence.to_string(), Vec::new()));
                }
            }
        }
    }
    if let Some((_, body)) = open {
        out.push(body);
    }
    out
}

fn tokens(lines: &[String]) -> Vec<&str> {
    lines.iter().flat_map(|l| l.split_whitespace()).collect()
}

fn normalize_eol(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

#[test]
fn corpus_is_big_and_varied() {
    assert!(CORPUS.len() >= 30, "{}", CORPUS.len());
    let mut names: Vec<&str> = CORPUS.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CORPUS.len(), "names are unique");
}

#[test]
fn no_non_whitespace_character_changes() {
    let cfg = Config::default();
    for (name, text) in CORPUS {
        let (out, _) = tidy(text, &cfg);
        assert_eq!(non_ws(&without_fences(&out)), non_ws(&without_fences(&normalize_eol(text))), "{name}:\n{out}");
    }
}

#[test]
fn every_code_block_keeps_its_token_sequence() {
    let cfg = Config::default();
    for (name, text) in CORPUS {
        let (out, _) = tidy(text, &cfg);
        let before = blocks(&normalize_eol(text));
        let after = blocks(&out);
        // Each input block is found, in order, among the output blocks (which
        // also hold the blocks fenced by this pass), with the same tokens —
        // or, for re-indented JSON, the same non-whitespace characters.
        let mut j = 0;
        for b in &before {
            let found = after[j..]
                .iter()
                .position(|a| tokens(a) == tokens(b) || non_ws(&a.join("\n")) == non_ws(&b.join("\n")));
            let Some(k) = found else { panic!("{name}: block {b:?} lost its tokens in\n{out}") };
            j += k + 1;
        }
        assert!(after.len() >= before.len(), "{name}");
    }
}

#[test]
fn idempotent() {
    let cfg = Config::default();
    for (name, text) in CORPUS {
        let (once, _) = tidy(text, &cfg);
        let (twice, report) = tidy(&once, &cfg);
        assert_eq!(twice, once, "{name}: second run changed the text ({report:?})");
    }
}

#[test]
fn prose_is_never_fenced() {
    let cfg = Config { min_code_lines: 1, ..Config::default() };
    for (name, text) in CORPUS.iter().filter(|(n, _)| n.ends_with("_prose")) {
        for cfg in [&Config::default(), &cfg] {
            let (out, report) = tidy(text, cfg);
            assert!(report.fenced.is_empty(), "{name} got fenced:\n{out}");
            assert_eq!(blocks(&out).len(), blocks(text).len(), "{name}");
        }
    }
}

fn out(name: &str) -> String {
    let text = CORPUS.iter().find(|(n, _)| *n == name).expect("in corpus").1;
    tidy(text, &Config::default()).0
}

#[test]
fn expected_outputs() {
    assert_eq!(
        out("python_unfenced"),
        "Here is a function that adds two numbers:\n```python\ndef add(a, b):\n    return a + b\n\nprint(add(2, 3))\n```\nThis prints 5."
    );
    assert_eq!(out("crlf_everywhere"), "Steps:\n\n```python\nx = 1\nprint(x)\n```\nDone.\n");
    assert_eq!(out("lone_cr"), "Line one\nLine two\n\nLine four");
    assert!(out("c_with_tabs").contains("\n    printf(\"hi\\n\");\n    return 0;\n"));
    assert_eq!(out("go_tabs_kept"), CORPUS.iter().find(|(n, _)| *n == "go_tabs_kept").unwrap().1);
    assert_eq!(
        out("makefile_unlabelled"),
        "Use this Makefile:\n\n```makefile\n.PHONY: build\nbuild: main.o\n\tcc -o app main.o   \n```"
    );
    assert_eq!(
        out("json_compact_unlabelled"),
        "The response looks like:\n\n```json\n{\n  \"id\": 1,\n  \"tags\": [\n    \"a\",\n    \"b\"\n  ],\n  \"meta\": {\n    \"ok\": true,\n    \"ratio\": 1.50\n  }\n}\n```"
    );
    assert!(out("json_invalid_labelled").contains("// comment"));
    assert!(out("rust_fenced_unlabelled").starts_with("Try:\n\n```rust\nfn main() {"));
    assert!(out("toml_unlabelled").starts_with("```toml\n"));
    assert!(out("dockerfile_unlabelled").starts_with("```dockerfile\n"));
    assert!(out("html_unlabelled").starts_with("```html\n"));
    assert!(out("css_unlabelled").starts_with("```css\n"));
    assert!(out("typescript_unlabelled").starts_with("```typescript\n"));
    assert!(out("tilde_fence").starts_with("~~~python\n"));
    assert_eq!(
        out("sql_unfenced"),
        "Query the table:\n\n```sql\nSELECT id, name\nFROM users\nWHERE active = 1\nORDER BY name;\n```\n\nIt returns active users."
    );
    assert_eq!(
        out("shell_session"),
        "Check your toolchain:\n```bash\n$ cargo --version\ncargo 1.95.0\n$ rustc --version\nrustc 1.95.0\n```\nGood."
    );
    assert_eq!(
        out("commands_in_list"),
        "1. Install the packages:\n   ```bash\n   npm install express\n   npm install --save-dev jest\n   ```\n2. Start the server.\n"
    );
    assert_eq!(out("unclosed_fence"), "Here you go:\n\n```python\ndef f():\n    return 1\n```");
    assert_eq!(out("diff_block"), CORPUS.iter().find(|(n, _)| *n == "diff_block").unwrap().1);
    assert_eq!(out("bash_heredoc"), CORPUS.iter().find(|(n, _)| *n == "bash_heredoc").unwrap().1);
    assert_eq!(out("python_docstring"), CORPUS.iter().find(|(n, _)| *n == "python_docstring").unwrap().1);
    assert_eq!(out("template_literal_js"), CORPUS.iter().find(|(n, _)| *n == "template_literal_js").unwrap().1);
    assert_eq!(
        out("hard_breaks_prose"),
        "First line  \nsecond line of the same paragraph  \nthird line\n\nNew paragraph."
    );
    assert_eq!(out("many_blank_lines_prose"), "One.\n\nTwo.\n\n\nThree.\n");
    assert_eq!(out("indented_python_fence"), "```python\ndef f(x):\n    return x * 2\n\nprint(f(3))\n```");
    assert!(out("java_with_tabs").contains("\n    public static void main(String[] args) {\n        System.out"));
    assert!(out("cpp_stream").contains("\n    std::cout << \"a\" << std::endl;\n"));
    assert_eq!(
        out("list_with_nested_fence"),
        "1. Create the file:\n\n   ```rust\n   fn main() {\n       println!(\"hi\");\n   }\n   ```\n\n2. Run it."
    );
    assert_eq!(
        out("python_class_unfenced"),
        "Define the model:\n\n```python\nclass User:\n    def __init__(self, name):\n        self.name = name\n```\n\nThen create one."
    );
    let mixed = out("mixed_everything");
    assert!(mixed.contains("```python\nimport json"), "{mixed}");
    assert!(mixed.contains("```bash\n$ python main.py\n{\"a\": 1}\n```"), "{mixed}");
    assert!(mixed.contains("```json\n{\n  \"debug\": false\n}\n```\n\nThanks!"), "{mixed}");
}

/// Texts assembled at random from fragments that stress the parser: fences
/// of every kind, code and prose lines, tabs, CRs, trailing spaces, blank
/// runs, non-ASCII right after keywords.
fn generated(seed: u64, n: usize) -> Vec<String> {
    const FRAGMENTS: &[&str] = &[
        "```",
        "```python",
        "~~~",
        "````",
        "```json",
        "  ```",
        "\t",
        "    ",
        "  ",
        " ",
        "\r",
        "\r\n",
        "\n",
        "\n\n\n\n",
        "def f(x):",
        "return x;",
        "class é:",
        "classé",
        "import ö",
        "from ß import y",
        "x = 1",
        "$ npm install",
        ">>> 1",
        "SELECT * FROM t;",
        "FROM node:20",
        "}",
        "{",
        "{\"a\":[1,2]}",
        "[1, 2]",
        "\"\"\"",
        "`",
        "'",
        "<<-EOF",
        "- item",
        "1. step",
        "# Title",
        "| a |",
        "Prose sentence here.",
        "Ünïcödé wörds 日本語 🦀",
        "if x:",
        "else:",
        "fn main() {",
        "println!(\"hi\");",
        "  return 0;",
        "@decorator",
        "package main",
        "cd dir",
        "make install",
        "--- a/x",
        "@@ -1 +1 @@",
        "+new",
        "-old",
        "$$",
        "key: value",
        "[section]",
        "name = \"x\"",
        "é",
        "…",
        "\u{a0}",
        "\u{2028}",
        "#include <stdio.h>",
        "<div>",
        "</div>",
        "function f(a) {",
        "const f = (a) => a;",
    ];
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    (0..n)
        .map(|_| {
            let len = next() % 40;
            let mut s = String::new();
            for _ in 0..len {
                s.push_str(FRAGMENTS[next() % FRAGMENTS.len()]);
                if next() % 3 == 0 {
                    s.push('\n');
                }
            }
            s
        })
        .collect()
}

#[test]
fn generated_texts_keep_every_property() {
    let cfgs = [Config::default(), Config { min_code_lines: 1, max_blank_lines: 1, tab_width: 2, ..Config::default() }];
    // FUZZ_SEED / FUZZ_N explore further (e.g. FUZZ_N=100000).
    let seed = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    let n = std::env::var("FUZZ_N").ok().and_then(|s| s.parse().ok()).unwrap_or(1500);
    for (i, text) in generated(seed, n).iter().enumerate() {
        for cfg in &cfgs {
            let (once, _) = tidy(text, cfg);
            assert_eq!(
                non_ws(&without_fences(&once)),
                non_ws(&without_fences(&normalize_eol(text))),
                "#{i}: {text:?}\n→ {once:?}"
            );
            let (twice, _) = tidy(&once, cfg);
            assert_eq!(twice, once, "#{i} not idempotent: {text:?}\n→ {once:?}");
        }
    }
}
