//! False-positive traps (`common/traps.rs`): at least 0.98 of them must come
//! out of the enzyme untouched.
//!
//! `cargo test -p enzyme-security --test traps -- --nocapture` prints the
//! figure per category and every trap that was touched.

mod common;

use std::collections::BTreeMap;

pub const TRAP_TARGET: f64 = 0.98;

fn run(seed: u64) -> (f64, usize, String) {
    let scanner = common::default_scanner();
    let traps = common::traps::traps(seed);
    let mut by_cat: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut touched = String::new();
    let mut intact = 0;
    for (cat, text) in &traps {
        let e = by_cat.entry(cat).or_default();
        e.1 += 1;
        match scanner.redact(text, None) {
            None => {
                intact += 1;
                e.0 += 1;
            }
            Some((out, found)) => {
                let kinds: Vec<&str> = found.iter().map(|f| f.kind.name()).collect();
                touched.push_str(&format!("  [{cat}] {kinds:?}\n    in:  {text:?}\n    out: {out:?}\n"));
            }
        }
    }
    let mut report = String::from("traps left intact, by category:\n");
    for (c, (i, n)) in &by_cat {
        report.push_str(&format!("  {c:<16} {i:>3} / {n}\n"));
    }
    report.push_str(&touched);
    let share = intact as f64 / traps.len() as f64;
    report.push_str(&format!("\ntraps {} | intact {intact} | share {share:.4} (target {TRAP_TARGET})\n", traps.len()));
    (share, traps.len(), report)
}

#[test]
fn false_positive_traps_are_left_intact() {
    let (share, n, report) = run(1);
    println!("{report}");
    assert!(n >= 250, "only {n} traps");
    assert!(share >= TRAP_TARGET, "{report}");
}

#[test]
fn traps_hold_across_seeds() {
    for seed in 2..5 {
        let (share, _, report) = run(seed);
        assert!(share >= TRAP_TARGET, "seed {seed}:\n{report}");
    }
}
