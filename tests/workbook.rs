//! `tables.xlsx` of the demo read back with a real reader (calamine): one sheet per
//! published table with the parquet table's columns, every value found in
//! its cell, suppressed cells empty, dates as Excel dates; and the same
//! bytes on a second run.

mod common;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use common::*;
use polars::prelude::*;

/// Excel's serial number of 1970-01-01 (its epoch is 1899-12-30).
const EXCEL_UNIX_EPOCH: f64 = 25_569.0;

fn cell_matches(parquet: &AnyValue<'_>, cell: &Data) -> bool {
    match (parquet, cell) {
        (AnyValue::Null, Data::Empty) => true,
        (AnyValue::String(s), Data::String(c)) => s == c,
        (AnyValue::StringOwned(s), Data::String(c)) => s.as_str() == c,
        (AnyValue::Boolean(b), Data::Bool(c)) => b == c,
        (AnyValue::Date(d), Data::DateTime(c)) => (f64::from(*d) + EXCEL_UNIX_EPOCH - c.as_f64()).abs() < 1e-9,
        (AnyValue::UInt64(v), c) => c.as_f64() == Some(*v as f64),
        (AnyValue::Int32(v), c) => c.as_f64() == Some(f64::from(*v)),
        (AnyValue::Float64(v), c) => c.as_f64() == Some(*v),
        _ => false,
    }
}

#[test]
fn every_published_table_is_a_sheet_with_the_same_values() {
    let dir = scratch("workbook");
    let out = dir.join("out");
    // The demo: min_cell = 10, so suppressed cells are there to be found.
    let config = root().join("jauge.toml");
    let o = jauge(&["run", "--quiet", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let mut book: Xlsx<_> = open_workbook(out.join("tables.xlsx")).unwrap();
    let tables =
        ["kpis", "retention", "funnel", "outcomes", "survival", "survival_summary", "impact", "rollout", "revisions"];
    assert_eq!(book.sheet_names(), tables.map(String::from).to_vec(), "no sheet for restricted/");
    let mut nulls_seen = 0;
    for table in tables {
        let frame = read_parquet(&out.join(format!("{table}.parquet")));
        let range = book.worksheet_range(table).unwrap();
        let header: Vec<String> = range.rows().next().unwrap().iter().map(ToString::to_string).collect();
        let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
        assert_eq!(header, names, "{table}: the parquet columns in order");
        assert_eq!(range.height(), frame.height() + 1, "{table}: one row per parquet row");
        for (c, column) in frame.columns().iter().enumerate() {
            for r in 0..frame.height() {
                let value = column.get(r).unwrap();
                let cell = range.get((r + 1, c)).unwrap_or(&Data::Empty);
                assert!(cell_matches(&value, cell), "{table} row {r} {}: {value:?} vs {cell:?}", column.name());
                nulls_seen += usize::from(value.is_null() && *cell == Data::Empty);
            }
        }
    }
    assert!(nulls_seen > 1000, "suppressed and undefined figures are empty cells ({nulls_seen})");
}

#[test]
fn the_workbook_is_byte_identical_across_runs() {
    let dir = scratch("workbook-twice");
    let config = tiny_config();
    let run = |name: &str| {
        let out = dir.join(name);
        let o =
            jauge(&["run", "--quiet", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(out.join("tables.xlsx")).unwrap()
    };
    assert!(run("a") == run("b"));
}
