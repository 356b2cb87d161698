//! Bad input, one fixture per family under `datasets/fixtures/bad/`: what a
//! row gets (accepted or its reject code, file and row), what stops a file
//! (exit 1, a message naming file, line or column, and a hint), and that
//! the run goes on loudly past rejected rows (SPEC sections 1 and 3).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use serde_json::Value;

/// Copies fixture `name` to a scratch folder and runs `jauge run` there.
fn run_fixture(name: &str) -> (Output, PathBuf) {
    let dir = scratch(&format!("bad-{name}"));
    copy_dir(&root().join("datasets/fixtures/bad").join(name), &dir);
    run_in(&dir)
}

fn run_in(dir: &Path) -> (Output, PathBuf) {
    let out = dir.join("out");
    let o = jauge(&["run", "--config", "jauge.toml", "--out", out.to_str().unwrap()], dir);
    (o, out)
}

/// The counts of one file in the manifest: rows_read, accepted, rejected,
/// duplicate, after_cutoff.
fn counts(out: &Path, file: &str) -> [u64; 5] {
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let input = manifest["inputs"].as_array().unwrap().iter().find(|i| i["file"] == file);
    let input = input.unwrap_or_else(|| panic!("{file} not in {manifest}"));
    let n = |k: &str| input[k].as_u64().unwrap();
    let c = [n("rows_read"), n("accepted"), n("rejected"), n("duplicate"), n("after_cutoff")];
    assert_eq!(c[0], c[1] + c[2] + c[3] + c[4], "{file}: the reconciliation holds");
    c
}

/// The rejects of one file as (row, reason, column).
fn rejects(out: &Path, file: &str) -> Vec<(u64, String, String)> {
    let df = read_parquet(&out.join("restricted/rejects.parquet"));
    let text = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let (files, reasons, columns) = (text("file"), text("reason"), text("column"));
    let rows = df.column("row").unwrap().u64().unwrap().clone();
    (0..df.height())
        .filter(|&i| files.get(i) == Some(file))
        .map(|i| (rows.get(i).unwrap(), reasons.get(i).unwrap().to_owned(), columns.get(i).unwrap().to_owned()))
        .collect()
}

fn reject(row: u64, reason: &str, column: &str) -> (u64, String, String) {
    (row, reason.to_owned(), column.to_owned())
}

fn month(o: &Output) -> String {
    let text = stderr(o) + &stdout(o);
    let at = text.find("jauge: ").unwrap_or_else(|| panic!("{text}"));
    text[at + 7..at + 14].to_owned()
}

#[test]
fn ndjson_values_are_read_one_by_one() {
    let (o, out) = run_fixture("ndjson");
    assert!(o.status.success(), "{}", stderr(&o));
    // The leap second of line 8 reads as 23:59:59 on the month's last day.
    assert_eq!(month(&o), "2026-09");
    assert_eq!(counts(&out, "usage.ndjson"), [9, 3, 6, 0, 0]);
    // Rows are physical lines: line 2 is blank.
    assert_eq!(
        rejects(&out, "usage.ndjson"),
        [
            reject(4, "bad_id", "user_id"),
            reject(5, "bad_id", "user_id"),
            reject(6, "bad_timestamp", "occurred_at"),
            reject(7, "bad_record", ""),
            reject(9, "bad_id", "user_id"),
            reject(10, "empty_field", "user_id"),
        ]
    );
    // 2^70 is a text id in user_id, bad_number in value; 1.75 after an
    // integer is a number.
    assert_eq!(counts(&out, "outcomes.ndjson"), [4, 2, 2, 0, 0]);
    assert_eq!(rejects(&out, "outcomes.ndjson"), [reject(2, "bad_number", "value"), reject(4, "bad_number", "value")]);
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("warning: usage.ndjson: 6 of 9 rows are rejected"), "{err}");
}

/// Polars guessed NDJSON types from the first 100 000 records of a block:
/// a key that first appeared later was dropped, and a text id after
/// integer ones refused the file.
#[test]
fn a_key_or_a_type_first_seen_late_in_ndjson_counts() {
    let dir = scratch("bad-ndjson-late");
    copy_dir(&root().join("datasets/fixtures/bad/ndjson"), &dir);
    let mut usage = String::new();
    let mut outcomes = String::new();
    for i in 0..100_050 {
        let user = if i < 100_020 { format!("{i}") } else { format!("\"u-{i}\"") };
        usage.push_str(&format!(
            "{{\"project_id\":\"alpha\",\"user_id\":{user},\"occurred_at\":\"2026-09-30T10:00:00Z\",\"event\":\"visit\"}}\n"
        ));
        let value = if i < 100_040 { String::new() } else { ",\"value\":1.75".to_owned() };
        outcomes.push_str(&format!(
            "{{\"user_id\":{user},\"outcome\":\"employment\",\"occurred_on\":\"2026-09-30\"{value}}}\n"
        ));
    }
    outcomes
        .push_str("{\"user_id\":1,\"outcome\":\"employment\",\"occurred_on\":\"2026-09-30\",\"value\":\"a lot\"}\n");
    std::fs::write(dir.join("usage.ndjson"), usage).unwrap();
    std::fs::write(dir.join("outcomes.ndjson"), outcomes).unwrap();
    let (o, out) = run_in(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(counts(&out, "usage.ndjson"), [100_050, 100_050, 0, 0, 0]);
    // The late `value` key is read: its last, unreadable value is rejected.
    assert_eq!(counts(&out, "outcomes.ndjson"), [100_051, 100_050, 1, 0, 0]);
    assert_eq!(rejects(&out, "outcomes.ndjson"), [reject(100_051, "bad_number", "value")]);
}

#[test]
fn sentinel_dates_and_huge_numbers_reject_their_row_and_the_run_stays_small() {
    let (o, out) = run_fixture("sentinels");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(month(&o), "2026-09");
    assert_eq!(
        rejects(&out, "usage.csv"),
        [
            reject(3, "bad_timestamp", "occurred_at"),
            reject(4, "bad_timestamp", "occurred_at"),
            reject(5, "bad_timestamp", "occurred_at")
        ]
    );
    assert_eq!(
        rejects(&out, "outcomes.csv"),
        [
            reject(1, "bad_number", "value"),
            reject(2, "bad_number", "value"),
            reject(3, "bad_date", "occurred_on"),
            reject(5, "bad_number", "value"),
        ]
    );
    // No month before the data's own: the kpi table starts in 2026.
    let kpis = read_parquet(&out.join("kpis.parquet"));
    let months = kpis.column("month").unwrap().date().unwrap().physical().clone();
    // 2026-01-01 is day 20 454.
    let first = months.iter().flatten().min().unwrap();
    assert!(first >= 20_454, "{first}");
}

#[test]
fn csv_records_of_the_wrong_width_are_bad_records() {
    let (o, out) = run_fixture("csv-records");
    assert!(o.status.success(), "{}", stderr(&o));
    // Record 3 has a field too many, 4 one too few, the blank line is no
    // record, and the quote of record 5 takes the rest of the file.
    assert_eq!(counts(&out, "usage.csv"), [5, 2, 3, 0, 0]);
    assert_eq!(
        rejects(&out, "usage.csv"),
        [reject(3, "bad_record", ""), reject(4, "bad_record", ""), reject(5, "bad_record", "")]
    );
}

#[test]
fn a_header_naming_a_column_twice_stops_the_file() {
    let (o, _) = run_fixture("csv-duplicate-header");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("usage.csv") && err.contains("`user_id` twice"), "{err}");
    assert!(err.contains("hint: rename or remove one of the two columns"), "{err}");
}

#[test]
fn a_truncated_parquet_file_is_a_clear_file_error() {
    let (o, _) = run_fixture("truncated");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("usage.parquet: cannot be read as parquet: the file is truncated or corrupt"), "{err}");
    assert!(err.contains("hint: export the file again"), "{err}");
    assert!(!err.contains("PAR1") && !err.contains("panicked"), "{err}");
}

#[test]
fn parquet_decimals_are_numbers_and_boolean_or_nested_ids_are_bad_ids() {
    let (o, out) = run_fixture("parquet");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(month(&o), "2026-09");
    // 5008.0 and 5009.0 are ids; 12.5 is not; the last id is empty.
    assert_eq!(rejects(&out, "usage.parquet"), [reject(3, "bad_id", "user_id"), reject(4, "empty_field", "user_id")]);
    assert_eq!(counts(&out, "outcomes.parquet"), [3, 3, 0, 0, 0]);
    for file in ["users_bool.parquet", "users_struct.parquet"] {
        assert_eq!(rejects(&out, file), [reject(1, "bad_id", "user_id"), reject(2, "bad_id", "user_id")], "{file}");
    }
}

#[test]
fn a_french_spreadsheet_export_is_read_as_written() {
    let (o, out) = run_fixture("french");
    assert!(o.status.success(), "{}", stderr(&o));
    // Windows-1252 names, `45 000,00` and `45 000,5` with a no-break space.
    assert_eq!(counts(&out, "projects.csv"), [2, 2, 0, 0, 0]);
    // `5008,0` is 5008; `5 008` a text id; `12,5` not an id.
    assert_eq!(rejects(&out, "usage.csv"), [reject(3, "bad_id", "user_id")]);
    // Groups of three digits separated by U+202F or spaces.
    assert_eq!(counts(&out, "outcomes.csv"), [2, 2, 0, 0, 0]);
    // 5008 (`5008,0` in alpha, `5008` in beta) and `5 008`: two users of
    // the portfolio, not three.
    let kpis = read_parquet(&out.join("kpis.parquet"));
    let text = |c: &str| kpis.column(c).unwrap().str().unwrap().clone();
    let (projects, names, segments) = (text("project_id"), text("kpi"), text("segment"));
    let values = kpis.column("value").unwrap().f64().unwrap().clone();
    let portfolio = (0..kpis.height()).find(|&i| {
        projects.get(i) == Some("_portfolio") && names.get(i) == Some("active_users") && segments.get(i) == Some("all")
    });
    assert_eq!(values.get(portfolio.expect("a portfolio row")), Some(2.0));
}

#[test]
fn an_encoding_error_names_the_line_and_the_encoding_key() {
    let dir = scratch("bad-encoding");
    copy_dir(&root().join("datasets/fixtures/bad/french"), &dir);
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    std::fs::write(dir.join("jauge.toml"), config.replace("projects = \"windows-1252\"", "")).unwrap();
    let (o, _) = run_in(&dir);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("projects.csv: line 2 is not valid UTF-8 text"), "{err}");
    assert!(err.contains("hint:") && err.contains("[inputs.encoding] projects = \"windows-1252\""), "{err}");
    // The record's content is personal data: never printed.
    assert!(!err.contains("Alpha"), "{err}");
}

#[test]
fn a_rejected_catalog_row_is_reported_as_that_row() {
    let (o, _) = run_fixture("catalog");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("projects.csv, row 1, column `annual_cost_eur`: the catalog row of [[project]] id = \"alpha\" is rejected (bad_number)"),
        "{err}"
    );
    assert!(!err.contains("is not in the projects catalog"), "{err}");
}

#[test]
fn a_rejected_catalog_row_is_a_warning_naming_its_orphaned_usage() {
    let dir = scratch("bad-catalog-warning");
    copy_dir(&root().join("datasets/fixtures/bad/catalog"), &dir);
    edit(&dir.join("jauge.toml"), "[[project]]\nid = \"alpha\"\n", "");
    let (o, out) = run_in(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: projects.csv, row 1, column `annual_cost_eur`: the catalog row of product \"alpha\" is rejected (bad_number), so 3 usage rows"),
        "{err}"
    );
    assert!(err.contains("warning: usage.csv: 3 of 4 rows are rejected"), "{err}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("alpha (unreadable or implausible number, 3\u{a0}usage rows set aside)"),
        "the summary names the row"
    );
    // Values outside their lists, and a negative cost.
    assert_eq!(
        rejects(&out, "projects.csv"),
        [
            reject(1, "bad_number", "annual_cost_eur"),
            reject(3, "bad_value", "origin"),
            reject(4, "bad_value", "annual_cost_eur"),
            reject(5, "bad_value", "audience"),
            reject(6, "bad_value", "phase"),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_dangling_link_in_a_glob_stops_the_input() {
    let dir = scratch("bad-dangling-link");
    copy_dir(&root().join("datasets/fixtures/bad/csv-records"), &dir);
    std::fs::create_dir(dir.join("usage")).unwrap();
    std::fs::rename(dir.join("usage.csv"), dir.join("usage/a.csv")).unwrap();
    std::os::unix::fs::symlink(dir.join("gone.csv"), dir.join("usage/b.csv")).unwrap();
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    std::fs::write(dir.join("jauge.toml"), config.replace("usage = \"usage.csv\"", "usage = \"usage/*.csv\"")).unwrap();
    let (o, _) = run_in(&dir);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("usage/b.csv: is a link to a file that does not exist"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn an_unused_outcome_or_funnel_event_is_a_warning() {
    let dir = scratch("bad-unused");
    copy_dir(&root().join("datasets/fixtures/bad/csv-records"), &dir);
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    let config = config.replace("outcomes = [\"employment\"]", "outcomes = [\"employment\", \"training\"]")
        + "\n[[project]]\nid = \"alpha\"\nfunnel = [\"visit\", \"signup\"]\n";
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let (o, _) = run_in(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: outcome \"training\" is configured, but no accepted outcome row carries it"),
        "{err}"
    );
    assert!(err.contains("warning: funnel event \"signup\" of [[project]] id = \"alpha\""), "{err}");
    assert!(!err.contains("outcome \"employment\""), "{err}");
}

#[test]
fn a_renamed_column_that_is_missing_gets_the_rename_the_right_way_round() {
    let dir = scratch("bad-rename");
    copy_dir(&root().join("datasets/fixtures/bad/csv-records"), &dir);
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    let config = config.replace("[defaults]", "[inputs.columns.outcomes]\nuser_id = \"id_usager\"\n\n[defaults]");
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let (o, _) = run_in(&dir);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("outcomes.csv, column `id_usager`: the required column `id_usager` is missing"), "{err}");
    assert!(
        err.contains(
            "hint: the config maps user_id to `id_usager` ([inputs.columns.outcomes] user_id = \"id_usager\")"
        ),
        "{err}"
    );
}

#[test]
fn a_segment_of_more_than_1000_values_is_an_input_error() {
    let dir = scratch("bad-segment");
    copy_dir(&root().join("datasets/fixtures/bad/csv-records"), &dir);
    let users: String =
        std::iter::once("user_id,region\n".to_owned()).chain((0..1001).map(|i| format!("{i},r{i}\n"))).collect();
    std::fs::write(dir.join("users.csv"), users).unwrap();
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    let config = config
        .replace("min_cell = 0", "min_cell = 0\nsegments = [\"region\"]")
        .replace("outcomes = \"outcomes.csv\"", "outcomes = \"outcomes.csv\"\nusers = \"users.csv\"");
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let (o, _) = run_in(&dir);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("users.csv, column `region`: the segment `region` has 1001 distinct values, more than 1000"),
        "{err}"
    );
    assert!(err.contains("hint: a segment groups users"), "{err}");
}

/// "Loud, not silent" (SPEC section 1): a configured segment whose column
/// no users row fills is a warning, not a silent `(missing)` everywhere.
#[test]
fn a_segment_no_users_row_fills_is_a_warning() {
    let dir = scratch("bad-empty-segment");
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    let users = std::fs::read_to_string(dir.join("users.csv")).unwrap();
    let users: String = users
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { format!("{l},agency\n") } else { format!("{l},\n") })
        .collect();
    std::fs::write(dir.join("users.csv"), users).unwrap();
    edit(&dir.join("jauge.toml"), "segments = [\"region\"]", "segments = [\"region\", \"agency\"]");
    let (o, _) = run_in(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: segment \"agency\" is configured, but no accepted users row gives it a value"),
        "{err}"
    );
}

/// A catalog row with a field too many is a `bad_record`, yet its
/// `project_id` reads: the warning names the product and the usage rows
/// it orphaned, as for any other rejected catalog row.
#[test]
fn a_catalog_row_that_is_not_a_whole_record_still_names_its_product() {
    let dir = scratch("bad-catalog-record");
    copy_dir(&root().join("datasets/fixtures/bad/catalog"), &dir);
    edit(&dir.join("projects.csv"), "alpha,Alpha,,,,,\"120000,5\"", "alpha,Alpha,,,,,1000,extra");
    edit(&dir.join("jauge.toml"), "[[project]]\nid = \"alpha\"\n", "");
    let (o, out) = run_in(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    // The fixture's usage.csv holds 3 rows of alpha.
    assert!(err.contains("the catalog row of product \"alpha\" is rejected (bad_record), so 3 usage rows"), "{err}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("alpha ("), "the summary names the row's product");
}
