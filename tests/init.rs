//! `jauge init [DIR]` end to end: the commented config it writes is the
//! template, validates once its inputs point at real files, and is never
//! written over an existing one.

mod common;

use common::*;

#[test]
fn init_writes_a_config_that_validates_once_its_inputs_are_pointed_at_files() {
    let dir = scratch("init-fresh");
    let out = jauge(&["init", "project"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("jauge validate --config project/jauge.toml"), "{}", stdout(&out));
    let written = std::fs::read_to_string(dir.join("project/jauge.toml")).unwrap();
    for key in ["title =", "min_cell = 10", "# planned_n =", "# rollout =", "# [inputs.encoding]", "# [labels.events]"]
    {
        assert!(written.contains(key), "{key} in the template");
    }
    let tiny = root().join("datasets/fixtures/tiny");
    let pointed = written
        .replace("\"exports/projects.csv\"", &format!("{:?}", tiny.join("projects.csv")))
        .replace("\"exports/usage/*.csv\"", &format!("{:?}", tiny.join("usage/*")))
        .replace("\"exports/outcomes.csv\"", &format!("{:?}", tiny.join("outcomes.csv")));
    assert_ne!(pointed, written);
    std::fs::write(dir.join("project/jauge.toml"), pointed).unwrap();
    let out = jauge(&["validate", "--config", "project/jauge.toml"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("month   2026-10"), "{}", stdout(&out));
}

#[test]
fn init_never_replaces_a_config() {
    let dir = scratch("init-existing");
    std::fs::write(dir.join("jauge.toml"), "# mine\n").unwrap();
    let out = jauge(&["init"], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("jauge.toml already exists"), "{err}");
    assert!(err.contains("hint: jauge init never replaces a config"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("jauge.toml")).unwrap(), "# mine\n");
}

#[test]
fn init_into_an_unwritable_place_says_so_once_with_a_hint() {
    let dir = scratch("init-blocked");
    std::fs::write(dir.join("blocker"), "a file, not a folder").unwrap();
    let out = jauge(&["init", "blocker/inner"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("error: blocker/inner/jauge.toml: "), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    assert!(!err.contains("os error"), "{err}");
    assert_eq!(err.matches("a part of the path is a file").count(), 1, "the cause said once: {err}");
    assert!(err.contains("\nhint: "), "{err}");
}
