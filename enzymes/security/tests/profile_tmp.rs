use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use std::time::Instant;
fn cpu() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
#[test]
#[ignore]
fn profile_ac() {
    let text = std::fs::read_to_string("/tmp/secws/typical.txt").unwrap();
    let mut trig: Vec<String> = Vec::new();
    for d in enzyme_security::rules::table() {
        for t in d.triggers {
            if !trig.contains(&t.to_string()) {
                trig.push(t.to_string());
            }
        }
    }
    println!("{} triggers, {} bytes", trig.len(), text.len());
    let n = 20000;
    for ci in [true, false] {
        for (name, kind, mk, pf) in [
            ("ll auto", None, MatchKind::LeftmostLongest, true),
            (
                "ll dfa",
                Some(AhoCorasickKind::DFA),
                MatchKind::LeftmostLongest,
                true,
            ),
            ("std ovl auto", None, MatchKind::Standard, true),
            (
                "std ovl dfa",
                Some(AhoCorasickKind::DFA),
                MatchKind::Standard,
                true,
            ),
            (
                "std ovl dfa nopf",
                Some(AhoCorasickKind::DFA),
                MatchKind::Standard,
                false,
            ),
        ] {
            let ac = AhoCorasick::builder()
                .ascii_case_insensitive(ci)
                .match_kind(mk)
                .kind(kind)
                .prefilter(pf)
                .build(&trig)
                .unwrap();
            let t = cpu();
            let mut c = 0;
            for _ in 0..n {
                let lowered;
                let hay: &str = if ci {
                    &text
                } else {
                    lowered = text.to_ascii_lowercase();
                    &lowered
                };
                if mk == MatchKind::Standard {
                    c += ac.find_overlapping_iter(hay).count();
                } else {
                    let mut pos = 0;
                    while let Some(m) = ac.find(Input::new(hay).span(pos..hay.len())) {
                        pos = m.start() + 1;
                        c += 1;
                    }
                }
            }
            println!(
                "ci={ci} {name:<18} {:.2} µs CPU  {} matches",
                (cpu() - t) as f64 / n as f64 / 1e3,
                c / n
            );
        }
    }
}
