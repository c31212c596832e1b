//! Apply [`crate::tidy`] to a span's response and log one change per kind
//! of edit.

use crate::config::Config;
use crate::tidy::{Report, tidy};
use logline_sdk::{ChangeKind, Cx, Span};

/// Where the edits happen.
pub const LOCATION: &str = "if_ok";

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Tidy `span.if_ok` in place; the span is untouched when nothing applies.
pub fn process(cfg: &Config, span: &mut Span, cx: &mut Cx<'_>) {
    let Some(text) = span.if_ok.as_deref() else {
        return;
    };
    let (new, report) = tidy(text, cfg);
    if new == text {
        return;
    }
    record(cfg, &report, cx);
    span.if_ok = Some(new);
}

fn with_sample(cx: &mut Cx<'_>, kind: ChangeKind, description: &str, sample: &Option<(String, String)>) {
    let change = cx.record(kind, LOCATION, description);
    if let Some((before, after)) = sample {
        change.before(before).after(after);
    }
}

/// One change record per kind of edit, in a fixed order.
pub fn record(cfg: &Config, r: &Report, cx: &mut Cx<'_>) {
    if let Some((_, before, after)) = r.fenced.first() {
        let langs: Vec<&str> = r.fenced.iter().map(|(l, _, _)| l.unwrap_or("unlabelled")).collect();
        let d = format!(
            "fenced {} ({})",
            plural(r.fenced.len(), "unfenced code block", "unfenced code blocks"),
            langs.join(", ")
        );
        cx.record(ChangeKind::Restructuring, LOCATION, &d).before(before).after(after);
    }
    if r.closed > 0 {
        let d = format!("closed {} left open at the end", plural(r.closed, "code fence", "code fences"));
        with_sample(cx, ChangeKind::Restructuring, &d, &r.closed_sample);
    }
    if let Some(first) = r.labelled.first() {
        let d =
            format!("labelled {}: {}", plural(r.labelled.len(), "code fence", "code fences"), r.labelled.join(", "));
        cx.record(ChangeKind::Modification, LOCATION, &d).before("```").after(&format!("```{first}"));
    }
    if r.line_endings > 0 {
        let d = format!("normalised {} to LF", plural(r.line_endings, "CR/CRLF line ending", "CR/CRLF line endings"));
        with_sample(cx, ChangeKind::Optimization, &d, &r.line_ending_sample);
    }
    let trailing = r.code.trailing_lines;
    if trailing > 0 {
        let d = format!("trimmed trailing whitespace on {}", plural(trailing, "line", "lines"));
        with_sample(cx, ChangeKind::Optimization, &d, &r.code.trailing_sample);
    }
    let blanks = r.code.blank_lines_removed;
    if blanks > 0 {
        let d = format!("removed {}", plural(blanks, "surplus blank line", "surplus blank lines"));
        cx.record(ChangeKind::Optimization, LOCATION, &d);
    }
    if r.code.tab_lines > 0 {
        let d = format!(
            "expanded leading tabs to {}-column spaces on {}",
            cfg.tab_width,
            plural(r.code.tab_lines, "line", "lines")
        );
        with_sample(cx, ChangeKind::Optimization, &d, &r.code.tab_sample);
    }
    if r.code.dedented_blocks > 0 {
        let d = format!(
            "removed the indentation shared by all lines of {}",
            plural(r.code.dedented_blocks, "code block", "code blocks")
        );
        with_sample(cx, ChangeKind::Optimization, &d, &r.code.dedent_sample);
    }
    if r.code.json_blocks > 0 {
        let d = format!("pretty-printed {}", plural(r.code.json_blocks, "JSON block", "JSON blocks"));
        with_sample(cx, ChangeKind::Optimization, &d, &r.code.json_sample);
    }
}

#[cfg(test)]
mod tests {
    use crate::SyntaxOptimizer;
    use crate::corpus::CORPUS;
    use logline_sdk::testing::{MockHost, build, run, span};
    use logline_sdk::{ChangeKind, Cx, Enzyme, ErrorKind, Outcome, Span};

    fn optimize(config: &str, if_ok: &str) -> (Option<Span>, Vec<logline_sdk::Change>) {
        let host = MockHost::default().with_config(config);
        let enzyme: SyntaxOptimizer = build(&host).unwrap();
        let out = run(&enzyme, span("s1").did("write_code").this("q  \r\n").if_ok(if_ok).build(), &host).unwrap();
        assert_eq!(out.outcome, Outcome::Keep);
        (out.changed, out.changes)
    }

    fn response(config: &str, if_ok: &str) -> String {
        optimize(config, if_ok).0.and_then(|s| s.if_ok).unwrap_or_else(|| if_ok.to_string())
    }

    /// The prototype rewrote `function f(` into `const f = (`, which broke
    /// hoisting, `this` and `arguments`. Code tokens are never rewritten.
    #[test]
    fn r_prototype_rewrote_function_declarations_to_const_arrows() {
        let cases = [
            "function f(a, b) {\n  return a + b;\n}",
            "Here:\n\nfunction f(a, b) {\n  return a + b;\n}\n\nf(1, 2);",
            "```js\nfunction f(a, b) {\n\treturn a + b;\n}\n```",
            "```\nasync function load(url) {\n  const r = await fetch(url);\n  return r.json();\n}\n```",
            "```javascript\nexport function f() { return this.x; }\nvar g = function (x) { return x; };\n```",
        ];
        for text in cases {
            let out = response("{}", text);
            assert!(!out.contains("const f = ("), "{out}");
            assert!(!out.contains("=>") || text.contains("=>"), "{out}");
            let keep: Vec<&str> = text.split_whitespace().filter(|t| !t.starts_with("```")).collect();
            let got: Vec<&str> = out.split_whitespace().filter(|t| !t.starts_with("```")).collect();
            assert_eq!(got, keep, "tokens changed:\n{out}");
            for word in ["function f(", "function load(", "function (x)"] {
                assert_eq!(out.contains(word), text.contains(word), "{out}");
            }
        }
    }

    /// Python is fenced whole, blank lines and trailing spaces included:
    /// its bytes are never edited.
    #[test]
    fn unfenced_python_after_many_blank_lines_is_fenced_whole() {
        let text = "Use this:\n\ndef total(xs):\n    return sum(xs)   \n\n\n\n\nprint(total([1, 2]))\n";
        let out = response("{}", text);
        assert_eq!(
            out,
            "Use this:\n\n```python\ndef total(xs):\n    return sum(xs)   \n\n\n\n\nprint(total([1, 2]))\n```\n"
        );
        assert_eq!(response("{}", &out), out);
    }

    #[test]
    fn one_change_per_kind_of_edit() {
        let text = "Try this:\r\n\r\n#include <stdio.h>\r\nint add(int a, int b) {\r\n    return a + b;   \r\n}\r\n\r\n\
            Done with that part.\r\n\r\n```\r\n{\"a\":1}\r\n```\r\n```\r\nint main() {\r\n\tprintf(\"x\");\r\n\r\n\r\n\r\n\r\n\treturn 0;\r\n}\r\n```\r\n\
            ```javascript\r\n    let x = 1;\r\n    let y = 2;\r\n";
        let (changed, changes) = optimize("{}", text);
        assert!(changed.is_some());
        let summary: Vec<(ChangeKind, &str)> = changes.iter().map(|c| (c.kind, c.description.as_str())).collect();
        let endings = format!("normalised {} CR/CRLF line endings to LF", text.matches("\r\n").count());
        assert_eq!(
            summary,
            [
                (ChangeKind::Restructuring, "fenced 1 unfenced code block (c)"),
                (ChangeKind::Restructuring, "closed 1 code fence left open at the end"),
                (ChangeKind::Modification, "labelled 2 code fences: json, c"),
                (ChangeKind::Optimization, endings.as_str()),
                (ChangeKind::Optimization, "trimmed trailing whitespace on 1 line"),
                (ChangeKind::Optimization, "removed 2 surplus blank lines"),
                (ChangeKind::Optimization, "expanded leading tabs to 4-column spaces on 2 lines"),
                (ChangeKind::Optimization, "removed the indentation shared by all lines of 1 code block"),
                (ChangeKind::Optimization, "pretty-printed 1 JSON block"),
            ]
        );
        assert!(changes.iter().all(|c| c.location == "if_ok"));
        let fenced = &changes[0];
        assert_eq!(
            fenced.before.as_deref(),
            Some("#include <stdio.h>\nint add(int a, int b) {\n    return a + b;   \n}")
        );
        assert_eq!(
            fenced.after.as_deref(),
            Some("```c\n#include <stdio.h>\nint add(int a, int b) {\n    return a + b;\n}\n```")
        );
        assert_eq!(changes[2].after.as_deref(), Some("```json"));
        assert_eq!(changes[6].before.as_deref(), Some("\"\\tprintf(\\\"x\\\");\""));
    }

    #[test]
    fn only_the_response_changes() {
        let (changed, _) = optimize("{}", "```c\nint x; \t\n```");
        let s = changed.unwrap();
        assert_eq!(s.this, "q  \r\n");
        assert_eq!(s.if_ok.as_deref(), Some("```c\nint x;\n```"));
    }

    #[test]
    fn tidy_responses_are_unchanged_and_unlogged() {
        for text in ["Plain answer.", "```python\nx = 1\n```", "", "Line\n"] {
            let (changed, changes) = optimize("{}", text);
            assert!(changed.is_none(), "{text:?}");
            assert!(changes.is_empty());
        }
        let host = MockHost::default();
        let enzyme: SyntaxOptimizer = build(&host).unwrap();
        let out = run(&enzyme, span("s").this("only a query\t").build(), &host).unwrap();
        assert!(out.changed.is_none());
    }

    #[test]
    fn idempotent_through_the_sdk() {
        let host = MockHost::default();
        let enzyme: SyntaxOptimizer = build(&host).unwrap();
        for (name, text) in CORPUS {
            let s = span("s").if_ok(text).build();
            let once = run(&enzyme, s.clone(), &host).unwrap().changed.unwrap_or(s);
            let twice = run(&enzyme, once, &host).unwrap();
            assert!(twice.changed.is_none() && twice.changes.is_empty(), "{name}: {:?}", twice.changes);
        }
    }

    #[test]
    fn each_edit_can_be_switched_off() {
        let unfenced = "Try this:\ndef f(x):\n    return x\nprint(f(1))";
        assert_eq!(response(r#"{"fence_unfenced": false}"#, unfenced), unfenced);
        assert_eq!(response(r#"{"min_code_lines": 4}"#, unfenced), unfenced);
        assert!(response("{}", unfenced).contains("```python"));
        assert_eq!(
            response(r#"{"label_fences": false}"#, "```\nimport os\nprint(os.name)\n```"),
            "```\nimport os\nprint(os.name)\n```"
        );
        assert_eq!(
            response(r#"{"label_fences": false}"#, unfenced),
            "Try this:\n```\ndef f(x):\n    return x\nprint(f(1))\n```"
        );
        assert_eq!(response(r#"{"pretty_json": false}"#, "```json\n{\"a\":1}\n```"), "```json\n{\"a\":1}\n```");
        assert_eq!(response(r#"{"close_fences": false}"#, "```python\nx = 1"), "```python\nx = 1");
        assert_eq!(response(r#"{"tab_width": 0}"#, "```c\nf() {\n\tx();\n}\n```"), "```c\nf() {\n\tx();\n}\n```");
        assert_eq!(response(r#"{"tab_width": 2}"#, "```c\nf() {\n\tx();\n}\n```"), "```c\nf() {\n  x();\n}\n```");
        // Prose is never edited: hard breaks and blank lines stay.
        assert_eq!(response("{}", "a    \nb  \n\n\n\nc"), "a    \nb  \n\n\n\nc");
        assert_eq!(response(r#"{"dedent": false}"#, "```c\n  int x;\n  int y;\n```"), "```c\n  int x;\n  int y;\n```");
        assert_eq!(response("{}", "```c\n  int x;\n  int y;\n```"), "```c\nint x;\nint y;\n```");
        assert_eq!(response(r#"{"trim_trailing_whitespace": false}"#, "```c\nint x;  \n```"), "```c\nint x;  \n```");
        assert_eq!(
            response(r#"{"max_blank_lines": 1}"#, "a\n\n\nb\n```c\nint x = 1;\n\n\nint y = 2;\n```"),
            "a\n\n\nb\n```c\nint x = 1;\n\nint y = 2;\n```"
        );
        // With line endings left alone, a text with CR is not touched at all.
        assert_eq!(response(r#"{"normalize_line_endings": false}"#, "a  \r\nb"), "a  \r\nb");
    }

    #[test]
    fn unknown_config_key_is_an_error_naming_it() {
        let err = build::<SyntaxOptimizer>(&MockHost::default().with_config(r#"{"pretty_jsn": true}"#)).err().unwrap();
        assert_eq!(err.kind, ErrorKind::InvalidConfig);
        assert!(err.message.contains("pretty_jsn"), "{}", err.message);
    }

    #[test]
    fn bad_values_are_rejected() {
        for cfg in [
            r#"{"max_blank_lines": 0}"#,
            r#"{"tab_width": 17}"#,
            r#"{"min_code_lines": 0}"#,
            r#"{"label_fences": "yes"}"#,
        ] {
            let err = build::<SyntaxOptimizer>(&MockHost::default().with_config(cfg)).err().expect(cfg);
            assert_eq!(err.kind, ErrorKind::InvalidConfig, "{cfg}");
        }
    }

    #[test]
    fn info_is_stable() {
        let info = SyntaxOptimizer::info();
        assert_eq!((info.name.as_str(), info.version.as_str()), ("syntax-optimizer", "0.1.0"));
    }

    /// A typical 1–2 KB response: prose, an unfenced snippet, a fenced
    /// unlabelled block, a JSON block.
    pub const TYPICAL: &str = "To read the configuration, parse the file once at start-up and keep the result.\n\
        Here is a small loader:\n\n\
        import json\nfrom pathlib import Path\n\n\
        def load_config(path):\n    with open(path) as f:\n        return json.load(f)\n\n\
        Then call it from your entry point:\n\n\
        ```\nif __name__ == \"__main__\":\n    cfg = load_config(Path(\"config.json\"))\n    print(cfg[\"name\"])   \n```\n\n\
        A matching config file:\n\n\
        ```json\n{\"name\":\"demo\",\"debug\":false,\"servers\":[{\"host\":\"a\",\"port\":8080},{\"host\":\"b\",\"port\":8081}]}\n```\n\n\n\n\
        Keep secrets out of it; read them from the environment instead. If the file is missing, \
        `open` raises `FileNotFoundError`, so you may want to catch it and fall back to defaults:\n\n\
        ```python\ntry:\n    cfg = load_config(\"config.json\")\nexcept FileNotFoundError:\n    cfg = {}\n```\n\n\
        That keeps start-up simple and makes the behaviour easy to test. You can also validate the \
        fields you need (for example with a dataclass) so that a typo fails early with a clear message.\n";

    use logline_sdk::testing::thread_cpu_seconds as cpu_seconds;

    /// For instruction counts: `valgrind --tool=callgrind` this with
    /// `IR_N=100` and `IR_N=600`; the difference over 500 is per span.
    #[test]
    #[ignore]
    fn ir_probe() {
        let n: usize = std::env::var("IR_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
        let host = MockHost::default();
        let enzyme: SyntaxOptimizer = build(&host).unwrap();
        let s = span("s1").if_ok(TYPICAL).build();
        for _ in 0..n {
            let mut sp = s.clone();
            let mut cx = Cx::new(&host, "s1");
            enzyme.process(&mut sp, &mut cx).unwrap();
            std::hint::black_box(&sp);
        }
    }

    /// `cargo test --release -p enzyme-syntax-optimizer -- --ignored --nocapture speed`
    #[test]
    #[ignore]
    fn speed() {
        let host = MockHost::default();
        let enzyme: SyntaxOptimizer = build(&host).unwrap();
        let s = span("s1").did("write_code").this("How do I load a config file?").if_ok(TYPICAL).build();
        let n = 20_000;
        let t = cpu_seconds();
        for _ in 0..n {
            let mut sp = s.clone();
            let mut cx = Cx::new(&host, "s1");
            enzyme.process(&mut sp, &mut cx).unwrap();
            std::hint::black_box(&sp);
        }
        let us = (cpu_seconds() - t) * 1e6 / n as f64;
        println!("syntax-optimizer: {us:.1} µs/span (cpu), {} bytes", TYPICAL.len());
        let tidy = crate::tidy(TYPICAL, &crate::Config::default()).0;
        let (tidy_len, typical_len) = (tidy.len(), TYPICAL.len());
        println!("  (tidy text {tidy_len} bytes, typical {typical_len} bytes)");
        let t = cpu_seconds();
        for _ in 0..n {
            let mut sp = Span { if_ok: Some(tidy.clone()), ..s.clone() };
            let mut cx = Cx::new(&host, "s1");
            enzyme.process(&mut sp, &mut cx).unwrap();
            std::hint::black_box(&sp);
        }
        let us = (cpu_seconds() - t) * 1e6 / n as f64;
        println!("syntax-optimizer, already tidy: {us:.1} µs/span (cpu)");
        // Best of 5 rounds: the machine is shared.
        let time = |name: &str, f: &dyn Fn()| {
            let best = (0..5)
                .map(|_| {
                    let t = cpu_seconds();
                    for _ in 0..n / 5 {
                        f();
                    }
                    (cpu_seconds() - t) * 1e6 / (n / 5) as f64
                })
                .fold(f64::MAX, f64::min);
            println!("  {name}: {best:.2} µs");
        };
        let cfg = crate::Config::default();
        let lines: Vec<String> = tidy.split('\n').map(str::to_string).collect();
        time("whole span, first pass (Enzyme::process + change log)", &|| {
            let mut sp = s.clone();
            let mut cx = Cx::new(&host, "s1");
            enzyme.process(&mut sp, &mut cx).unwrap();
            std::hint::black_box(&sp);
        });
        time("whole span, already tidy", &|| {
            let mut sp = Span { if_ok: Some(tidy.clone()), ..s.clone() };
            let mut cx = Cx::new(&host, "s1");
            enzyme.process(&mut sp, &mut cx).unwrap();
            std::hint::black_box(&sp);
        });
        time("tidy(tidy text)", &|| drop(std::hint::black_box(crate::tidy(&tidy, &cfg))));
        time("tidy(first pass)", &|| drop(std::hint::black_box(crate::tidy(TYPICAL, &cfg))));
        let code: Vec<String> = crate::corpus::blocks(&tidy).into_iter().flatten().collect();
        println!("  ({} code lines)", code.len());
        time("lang::detect on its code lines", &|| {
            std::hint::black_box(crate::lang::detect(&code));
        });
        time("classify all lines", &|| {
            for l in &lines {
                std::hint::black_box(crate::detect::classify(l));
            }
        });
        time("lang::detect all lines", &|| {
            std::hint::black_box(crate::lang::detect(&lines));
        });
        time("lexer all lines", &|| {
            std::hint::black_box(crate::lex::lex("rust", &lines));
        });
        time("split lines", &|| drop(std::hint::black_box(tidy.split('\n').map(str::to_string).collect::<Vec<_>>())));
    }
}
