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

#[test]
fn each_reject_reason_shows_its_count_and_first_three_examples() {
    let out = jauge(&["validate", "--config", tiny_config().to_str().unwrap()], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let section = text.split("rejected rows by reason").nth(1).expect("a section per reason");
    let lines: Vec<&str> = section.lines().collect();
    let at = |reason: &str| lines.iter().position(|l| l.split_whitespace().next() == Some(reason)).unwrap();
    // Counted by hand from the fixture: three empty fields (outcomes.csv,
    // projects.csv, usage/a.csv), one in each of three files.
    assert_eq!(lines[at("empty_field")].split_whitespace().nth(1), Some("3"));
    // The unparseable timestamp is record 7 of usage/a.csv: line 8, after
    // the header.
    assert_eq!(
        lines[at("bad_timestamp") + 1].trim(),
        "usage/a.csv, line 8, column occurred_at: occurred_at \"not a time\" is not a timestamp between \
         1990-01-01 and 2099-12-31 (expected ISO 8601, e.g. 2026-10-01T14:05:00+02:00)"
    );
    for reason in ["empty_field", "bad_date", "unknown_project", "double_assignment"] {
        let examples = lines[at(reason) + 1..].iter().take_while(|l| l.starts_with("    ")).count();
        assert!((1..=3).contains(&examples), "{reason}: {examples} examples");
    }
}

#[test]
fn rejects_csv_holds_every_rejected_row_for_a_spreadsheet() {
    let dir = scratch("validate-rejects-csv");
    let csv = dir.join("rejects.csv");
    let out =
        jauge(&["validate", "--config", tiny_config().to_str().unwrap(), "--rejects", csv.to_str().unwrap()], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("16 rejected rows written to"), "{}", stdout(&out));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with("\u{feff}input;file;row;line;reason;column;message;record\r\n".as_bytes()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&csv).unwrap().permissions().mode() & 0o777, 0o600, "personal data");
    }
    // Read back with polars' CSV reader, as a spreadsheet would split it.
    use polars::prelude::*;
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| o.with_separator(b';'))
        .into_reader_with_file_handle(std::io::Cursor::new(bytes[3..].to_vec()))
        .finish()
        .unwrap();
    assert_eq!(df.height(), 16, "one line per rejected row");
    let column = |name: &str| df.column(name).unwrap().str().unwrap().clone();
    let (files, rows, lines, records) = (column("file"), column("row"), column("line"), column("record"));
    let i = (0..df.height()).find(|&i| column("reason").get(i) == Some("nonexistent_local_time")).unwrap();
    assert_eq!((files.get(i), rows.get(i), lines.get(i)), (Some("usage/a.csv"), Some("6"), Some("7")));
    assert_eq!(
        records.get(i),
        Some(r#"{"project_id":"alpha","user_id":"3","occurred_at":"2026-03-29T02:30:00","event":"visit"}"#)
    );
}

#[test]
fn a_month_after_the_usage_data_is_a_usage_error_naming_its_last_date() {
    let config = tiny_config();
    // The latest accepted usage timestamp is 2 November 2026 (after the
    // default cut-off): November may be asked for, December not.
    let out = jauge(&["validate", "--config", config.to_str().unwrap(), "--month", "2026-12"], &root());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error: the month 2026-12 is after the usage data"), "{err}");
    assert!(err.contains("hint: the latest accepted usage timestamp is on 2026-11-02"), "{err}");
    let out = jauge(&["validate", "--config", config.to_str().unwrap(), "--as-of", "2027-01-15"], &root());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = jauge(&["validate", "--config", config.to_str().unwrap(), "--month", "2026-11"], &root());
    assert!(out.status.success(), "{}", stderr(&out));
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

/// The limit is the segments': a roll-out's units may be as many as a
/// product has agencies (SPEC section 2 limits `report.segments` only).
#[test]
fn a_rollout_by_more_than_1000_units_is_read() {
    let dir = scratch("validate-rollout-units");
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    let mut users = "user_id,region,agency\n".to_owned();
    for i in 0..1001 {
        users.push_str(&format!("u{i},r{},a{i}\n", i % 3));
    }
    std::fs::write(dir.join("users.csv"), users).unwrap();
    std::fs::write(dir.join("rollouts.csv"), "project_id,unit,started_on\nalpha,a1,2026-09-01\n").unwrap();
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    let config = config.replace("users = \"users.csv\"", "users = \"users.csv\"\nrollouts = \"rollouts.csv\"").replace(
        "north_star = { kpi = \"active_users\", target = 2 }",
        "north_star = { kpi = \"active_users\", target = 2 }\nrollout = { by = \"agency\" }",
    );
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let out = jauge(&["validate", "--config", "jauge.toml"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A quoted field that holds a newline moves every later record down one
/// line: the examples and `--rejects` give the line an editor shows.
#[test]
fn a_line_counts_the_newlines_inside_quoted_fields() {
    let dir = scratch("validate-embedded-newline");
    let fixture = dir.join("fixture");
    copy_dir(&root().join("datasets/fixtures/tiny"), &fixture);
    let text = "project_id;user_id;occurred_at;event;note\n\
                alpha;2;2026-10-06T09:00:00+02:00;visit;\"written on\ntwo lines\"\n\
                alpha;2;never a time;visit;\n";
    std::fs::write(fixture.join("usage/c.csv"), text).unwrap();
    // Counted in the file itself: the line where the bad record starts.
    let line = 1 + text.lines().position(|l| l.contains("never a time")).unwrap();
    assert_eq!(line, 4, "header, a record on two lines, then the bad one");
    let csv = dir.join("rejects.csv");
    let config = fixture.join("jauge.toml");
    let out = jauge(&["validate", "--config", config.to_str().unwrap(), "--rejects", csv.to_str().unwrap()], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    let example = format!("usage/c.csv, line {line}, column occurred_at: occurred_at \"never a time\"");
    assert!(stdout(&out).contains(&example), "{}", stdout(&out));
    let rejects = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    let row = rejects.lines().find(|l| l.contains("usage/c.csv")).expect("the bad record in --rejects");
    assert!(row.starts_with(&format!("usage;usage/c.csv;2;{line};bad_timestamp;")), "{row}");
}
