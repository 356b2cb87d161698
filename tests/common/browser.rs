//! Headless Chromium for the tests that open a page: which tools are
//! installed, one run with its log, and the log lines that say something
//! went wrong (a console message, a failed load).
//!
//! `.ci/run` installs Chromium and poppler-utils; elsewhere a test skips
//! when they are missing, and fails under CI.

use std::path::Path;
use std::process::Command;

use super::{scratch, stderr, stdout};

pub fn tool(name: &str) -> bool {
    Command::new("which").arg(name).output().is_ok_and(|o| o.status.success())
}

/// False (and says so) when `tools` are missing outside CI; panics under CI.
pub fn tools_or_skip(tools: &[&str]) -> bool {
    if tools.iter().all(|t| tool(t)) {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "CI must install {tools:?} (see .ci/run)");
    eprintln!("skipped: one of {tools:?} is not installed");
    false
}

/// Opens `page` with `args` in a fresh profile named `name`; returns what
/// it printed (the DOM with `--dump-dom`) and its log (stderr), where
/// console messages and failed loads show.
pub fn chromium(name: &str, args: &[&str], page: &Path) -> (String, String) {
    let profile = scratch(&format!("{name}-profile"));
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", stderr(&out));
    (stdout(&out), stderr(&out))
}

/// Console messages and failed loads in a browser log.
pub fn problems(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("CONSOLE") || l.contains("net::ERR") || l.contains("Failed to load")).collect()
}
