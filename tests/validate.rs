//! `jauge validate` end to end on the tiny fixture: every row of every file
//! is accounted for, and unusable inputs or configs stop with exit 1 and a
//! message that names the file, the column and the fix.

mod common;

use common::*;

/// The reconciliation lines as (file, rows_read, accepted, rejected,
/// duplicate, after_cutoff), counted by hand from the fixture files.
#[test]
fn every_row_is_accounted_for() {
    let out = jauge(&["validate", "--config", tiny_config().to_str().unwrap()], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("month   2026-10"), "{text}");
    assert!(text.contains("as_of   2026-10-31"), "{text}");
    let expected = [
        ("projects.csv", [6, 2, 4, 0, 0]),
        ("users.csv", [4, 3, 1, 0, 0]),
        ("usage/a.csv", [12, 5, 5, 1, 1]),
        ("usage/b.ndjson", [3, 1, 0, 1, 1]),
        ("outcomes.csv", [8, 2, 3, 1, 2]),
        ("assignments.csv", [6, 2, 3, 0, 1]),
    ];
    for (file, counts) in expected {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(file))
            .unwrap_or_else(|| panic!("{file} in {text}"));
        let numbers: Vec<u64> = line.split_whitespace().skip(2).map(|n| n.parse().unwrap()).collect();
        assert_eq!(numbers, counts, "{file}");
    }
}

#[test]
fn a_missing_required_column_names_the_file_and_column() {
    let dir = scratch("validate-missing-column");
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    std::fs::write(dir.join("outcomes.csv"), "user_id,result,occurred_on\n1,employment,2026-09-20\n").unwrap();
    let out = jauge(&["validate", "--config", "jauge.toml"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("outcomes.csv") && err.contains("`outcome`"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn a_missing_file_is_an_input_error() {
    let dir = scratch("validate-missing-file");
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    std::fs::remove_file(dir.join("assignments.csv")).unwrap();
    let out = jauge(&["validate", "--config", "jauge.toml"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("assignments.csv"), "{}", stderr(&out));
}

#[test]
fn a_glob_that_matches_nothing_is_an_input_error() {
    let dir = scratch("validate-empty-glob");
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap().replace("usage/*", "usage/*.parquet");
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let out = jauge(&["validate", "--config", "jauge.toml"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("matches no file"), "{}", stderr(&out));
}

#[test]
fn an_unknown_config_key_is_named() {
    let dir = scratch("validate-typo");
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap().replace("min_cell", "min_cel");
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let out = jauge(&["validate", "--config", "jauge.toml"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("min_cel"), "{}", stderr(&out));
}

#[test]
fn a_project_setting_outside_the_catalog_is_a_config_error() {
    let dir = scratch("validate-unknown-project");
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap().replace("id = \"alpha\"", "id = \"alfa\"");
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let out = jauge(&["validate", "--config", "jauge.toml"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("alfa"), "{}", stderr(&out));
}

#[test]
fn as_of_outside_the_month_is_a_usage_error() {
    let config = tiny_config();
    let out = jauge(
        &["validate", "--config", config.to_str().unwrap(), "--month", "2026-10", "--as-of", "2026-09-30"],
        &root(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = jauge(&["validate", "--config", config.to_str().unwrap(), "--month", "2026-13"], &root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn as_of_alone_sets_the_month() {
    let config = tiny_config();
    let out = jauge(&["validate", "--config", config.to_str().unwrap(), "--as-of", "2026-10-15"], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("as_of   2026-10-15"));
    assert!(stdout(&out).contains("month   2026-10"));
}

/// SPEC section 2: a segment groups users, it does not name them. 1000
/// distinct values pass; 1001 stop the run at load, naming the column.
#[test]
fn a_segment_of_more_than_1000_values_is_an_input_error() {
    for (values, fails) in [(1000, false), (1001, true)] {
        let dir = scratch(&format!("validate-segment-{values}"));
        copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
        let mut users = "user_id,region\n".to_owned();
        for i in 0..values {
            users.push_str(&format!("u{i},r{i}\n"));
        }
        std::fs::write(dir.join("users.csv"), users).unwrap();
        let out = jauge(&["validate", "--config", "jauge.toml"], &dir);
        assert_eq!(out.status.code(), Some(if fails { 1 } else { 0 }), "{}", stderr(&out));
        if fails {
            let err = stderr(&out);
            assert!(err.contains("users.csv") && err.contains("`region`") && err.contains("1001"), "{err}");
            assert!(err.contains("hint:"), "{err}");
        }
    }
}
