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
    /// Per stage its wall seconds and, as `<stage>_cpu`, the CPU seconds of
    /// every thread (user and system), where the system tells them: their
    /// ratio says how many cores the stage kept busy.
    pub timings: Vec<(String, f64)>,
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
        let (start, cpu_start) = (Instant::now(), cpu_seconds());
        let out = stage();
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if self.verbose {
            eprintln!("{label}: {secs:.2} s");
        }
        self.timings.push((name.to_owned(), (secs * 1000.0).round() / 1000.0));
        if let Some(cpu) = cpu {
            self.timings.push((format!("{name}_cpu"), (cpu * 100.0).round() / 100.0));
        }
        out
    }

    /// The wall time of a stage that ran beside the others, on a thread of
    /// its own: the process's CPU time cannot be told apart, so none.
    pub fn record(&mut self, name: &'static str, secs: f64) {
        if self.verbose {
            eprintln!("{name}: {secs:.2} s (beside the others)");
        }
        self.timings.push((name.to_owned(), (secs * 1000.0).round() / 1000.0));
    }
}

/// CPU seconds used so far by every thread of this process, from Linux's
/// `/proc/self/stat` (in its fixed unit of 1/100 s); none elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name, in parentheses, may hold spaces: fields are counted
    // after it; utime and stime are the 14th and 15th of the line.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}
