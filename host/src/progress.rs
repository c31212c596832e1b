//! Progress: a live bar (count, rate, ETA) on a terminal; plain
//! `Progress: n/N (p%)` lines otherwise; nothing with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Bar,
    Lines,
    Quiet,
}

impl Mode {
    /// A bar when stderr is a terminal, else lines.
    pub fn detect(quiet: bool) -> Mode {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

/// One phase's progress.
pub struct Progress {
    bar: Option<ProgressBar>,
    lines: Option<Mutex<LineState>>,
    total: u64,
    label: String,
}

struct LineState {
    done: u64,
    last_print: Instant,
    last_pct: u64,
}

impl Progress {
    pub fn new(mode: Mode, label: &str, total: u64) -> Self {
        match mode {
            Mode::Bar => {
                let bar = ProgressBar::with_draw_target(Some(total.max(1)), ProgressDrawTarget::stderr_with_hz(8));
                let style = ProgressStyle::with_template(
                    "{prefix:>12} [{bar:32}] {pos}/{len} ({percent}%) {per_sec} ETA {eta} {msg}",
                )
                .expect("valid template")
                .progress_chars("=> ");
                bar.set_style(style);
                bar.set_prefix(label.to_string());
                if total == 0 {
                    bar.set_style(
                        ProgressStyle::with_template("{prefix:>12} {spinner} {pos} {per_sec} {msg}")
                            .expect("valid template"),
                    );
                }
                Progress { bar: Some(bar), lines: None, total, label: label.into() }
            }
            Mode::Lines => Progress {
                bar: None,
                lines: Some(Mutex::new(LineState { done: 0, last_print: Instant::now(), last_pct: 0 })),
                total,
                label: label.into(),
            },
            Mode::Quiet => Progress { bar: None, lines: None, total, label: label.into() },
        }
    }

    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
        if let Some(l) = &self.lines {
            let mut s = l.lock().unwrap_or_else(|p| p.into_inner());
            s.done += n;
            let pct = (s.done * 100).checked_div(self.total).unwrap_or(0);
            if pct >= s.last_pct + 10 || s.last_print.elapsed() > Duration::from_secs(10) {
                s.last_pct = pct - pct % 10;
                s.last_print = Instant::now();
                if self.total > 0 {
                    eprintln!(
                        "{}: Progress: {}/{} ({:.1}%)",
                        self.label,
                        s.done,
                        self.total,
                        s.done as f64 * 100.0 / self.total as f64
                    );
                } else {
                    eprintln!("{}: Progress: {}", self.label, s.done);
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        if let Some(l) = &self.lines {
            let s = l.lock().unwrap_or_else(|p| p.into_inner());
            if self.total > 0 {
                eprintln!("{}: Progress: {}/{} (100.0%)", self.label, s.done, self.total.max(s.done));
            }
        }
    }
}
