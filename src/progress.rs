//! Progress on a terminal: one spinner per long stage, silent when stderr is
//! not a terminal or with `--quiet`, so logs and CI stay clean.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How much the commands print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verbosity {
    pub quiet: bool,
    pub verbose: u8,
}

/// Stage timings for the manifest, and a spinner while a stage runs.
pub struct Stages {
    show: bool,
    verbose: bool,
    pub timings: Vec<(&'static str, f64)>,
}

impl Stages {
    pub fn new(v: Verbosity) -> Stages {
        Stages {
            show: !v.quiet && std::io::stderr().is_terminal(),
            verbose: !v.quiet && v.verbose > 0,
            timings: Vec::new(),
        }
    }

    /// Runs one stage under a spinner and records its wall time.
    pub fn run<T>(&mut self, name: &'static str, label: &str, stage: impl FnOnce() -> T) -> T {
        let bar = self.show.then(|| {
            let bar = ProgressBar::new_spinner().with_message(label.to_owned());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let start = Instant::now();
        let out = stage();
        let secs = start.elapsed().as_secs_f64();
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if self.verbose {
            eprintln!("{label}: {secs:.2} s");
        }
        self.timings.push((name, (secs * 1000.0).round() / 1000.0));
        out
    }
}
