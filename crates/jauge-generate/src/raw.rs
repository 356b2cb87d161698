//! A raw input-shaped table held in memory, and its CSV and NDJSON writers:
//! what the generator hands to a [`Sink`](crate::Sink), and the one thing
//! this crate shares with the engine.
//!
//! Responsible for: the column-oriented [`RawTable`] that the generator
//! emits (one typed column per input column, nulls as `None`), and writing
//! it as CSV (any separator, optional decimal comma, RFC 4180 quoting) or
//! NDJSON, byte for byte the same on every machine.
//!
//! Not responsible for: parquet (the engine writes it with polars from the
//! same table), choosing file names, or reading anything back.

use std::io::{self, Write};

use chrono::{DateTime, Datelike, NaiveDate, Timelike};

/// One column of a [`RawTable`]; every variant holds one entry per row.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Text(Vec<Option<String>>),
    /// Low-cardinality text: `values[codes[i]]`; `None` = empty/null.
    /// `values` holds no duplicates.
    Dict {
        values: Vec<String>,
        codes: Vec<Option<u32>>,
    },
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    /// µs since the epoch, UTC (parquet `Timestamp(µs, "UTC")`).
    TimestampUtc(Vec<Option<i64>>),
    /// Days since 1970-01-01.
    Date(Vec<Option<i32>>),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Dict { codes, .. } => codes.len(),
            Column::Int(v) | Column::TimestampUtc(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Date(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A table with named, equally long columns, in output column order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawTable {
    pub columns: Vec<(String, Column)>,
}

impl RawTable {
    pub fn new(columns: Vec<(String, Column)>) -> Self {
        let table = RawTable { columns };
        debug_assert!(table.lengths_agree(), "columns of unequal length");
        table
    }

    /// Number of rows (0 for a table without columns).
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every column has the same number of rows.
    pub fn lengths_agree(&self) -> bool {
        let n = self.len();
        self.columns.iter().all(|(_, c)| c.len() == n)
    }
}

/// The on-disk format a table is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `decimal_comma` writes floats as `1234,5` (French spreadsheet style).
    Csv {
        separator: u8,
        decimal_comma: bool,
    },
    Ndjson,
    Parquet,
}

/// Writes a header line and one line per row, `\n`-terminated, UTF-8
/// without a byte-order mark. A field is quoted when it holds the
/// separator, a quote, a line break or leading/trailing spaces (readers
/// trim unquoted fields); quotes are doubled. Nulls are empty fields.
/// Timestamps are RFC 3339 in UTC with `Z` (fraction only when non-zero),
/// dates `YYYY-MM-DD`, floats in their shortest round-trip form. Non-finite
/// floats, and dates and timestamps beyond chrono's range (about ±262 000
/// years), are written empty.
pub fn write_csv(table: &RawTable, separator: u8, decimal_comma: bool, out: &mut impl Write) -> io::Result<()> {
    debug_assert!(table.lengths_agree());
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut field: Vec<u8> = Vec::with_capacity(64);
    for (j, (name, _)) in table.columns.iter().enumerate() {
        if j > 0 {
            line.push(separator);
        }
        push_csv_field(&mut line, name.as_bytes(), separator);
    }
    line.push(b'\n');
    out.write_all(&line)?;
    for i in 0..table.len() {
        line.clear();
        for (j, (_, column)) in table.columns.iter().enumerate() {
            if j > 0 {
                line.push(separator);
            }
            field.clear();
            if write_value(column, i, decimal_comma, &mut field) {
                push_csv_field(&mut line, &field, separator);
            }
        }
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

/// Writes one JSON object per row and line, keys in column order; null
/// fields are omitted. Ints are JSON integers, floats JSON numbers,
/// timestamps and dates strings as in [`write_csv`] (values it writes empty
/// are omitted).
pub fn write_ndjson(table: &RawTable, out: &mut impl Write) -> io::Result<()> {
    debug_assert!(table.lengths_agree());
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut field: Vec<u8> = Vec::with_capacity(64);
    for i in 0..table.len() {
        line.clear();
        line.push(b'{');
        let mut first = true;
        for (name, column) in &table.columns {
            field.clear();
            if !write_value(column, i, false, &mut field) {
                continue;
            }
            if !first {
                line.push(b',');
            }
            first = false;
            push_json_string(&mut line, name);
            line.push(b':');
            match column {
                Column::Int(_) | Column::Float(_) => line.extend_from_slice(&field),
                _ => push_json_string(&mut line, std::str::from_utf8(&field).expect("UTF-8")),
            }
        }
        line.extend_from_slice(b"}\n");
        out.write_all(&line)?;
    }
    Ok(())
}

/// Appends row `i` of `column` unquoted to `buf`; false (nothing written)
/// when the value is null, a non-finite float, or a date or timestamp
/// chrono cannot represent.
fn write_value(column: &Column, i: usize, decimal_comma: bool, buf: &mut Vec<u8>) -> bool {
    match column {
        Column::Text(v) => match &v[i] {
            Some(s) => buf.extend_from_slice(s.as_bytes()),
            None => return false,
        },
        Column::Dict { values, codes } => match codes[i] {
            Some(code) => buf.extend_from_slice(values[code as usize].as_bytes()),
            None => return false,
        },
        Column::Int(v) => match v[i] {
            Some(x) => {
                // `write!` into a Vec cannot fail.
                let _ = write!(buf, "{x}");
            }
            None => return false,
        },
        Column::Float(v) => match v[i] {
            Some(x) if x.is_finite() => {
                let start = buf.len();
                let _ = write!(buf, "{x}");
                if decimal_comma {
                    for b in &mut buf[start..] {
                        if *b == b'.' {
                            *b = b',';
                        }
                    }
                }
            }
            _ => return false,
        },
        Column::TimestampUtc(v) => return v[i].is_some_and(|us| push_timestamp(buf, us)),
        Column::Date(v) => return v[i].is_some_and(|d| push_date(buf, d)),
    }
    true
}

fn push_csv_field(line: &mut Vec<u8>, field: &[u8], separator: u8) {
    let needs_quotes = field.iter().any(|&b| b == separator || b == b'"' || b == b'\n' || b == b'\r')
        || field.first().is_some_and(|b| b.is_ascii_whitespace())
        || field.last().is_some_and(|b| b.is_ascii_whitespace());
    if !needs_quotes {
        line.extend_from_slice(field);
        return;
    }
    line.push(b'"');
    for &b in field {
        if b == b'"' {
            line.push(b'"');
        }
        line.push(b);
    }
    line.push(b'"');
}

fn push_json_string(line: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *line, s).expect("writing a string into a Vec cannot fail");
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01); empty beyond
/// chrono's range.
pub fn format_date(days: i32) -> String {
    let mut buf = Vec::with_capacity(10);
    push_date(&mut buf, days);
    String::from_utf8(buf).expect("ASCII")
}

/// RFC 3339 in UTC with `Z` of µs since the epoch: no fraction when whole
/// seconds, 3 digits when whole milliseconds, else 6; empty beyond chrono's
/// range.
pub fn format_timestamp(us: i64) -> String {
    let mut buf = Vec::with_capacity(27);
    push_timestamp(&mut buf, us);
    String::from_utf8(buf).expect("ASCII")
}

/// Appends `YYYY-MM-DD`; false (nothing written) beyond chrono's range.
fn push_date(buf: &mut Vec<u8>, days: i32) -> bool {
    let Some(date) = NaiveDate::from_epoch_days(days) else {
        return false;
    };
    let _ = write!(buf, "{:04}-{:02}-{:02}", date.year(), date.month(), date.day());
    true
}

/// Appends the RFC 3339 form; false (nothing written) beyond chrono's range.
fn push_timestamp(buf: &mut Vec<u8>, us: i64) -> bool {
    let Some(t) = DateTime::from_timestamp_micros(us) else {
        return false;
    };
    let _ = write!(
        buf,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let frac = t.timestamp_subsec_micros();
    if frac != 0 {
        if frac % 1000 == 0 {
            let _ = write!(buf, ".{:03}", frac / 1000);
        } else {
            let _ = write!(buf, ".{frac:06}");
        }
    }
    buf.push(b'Z');
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RawTable {
        RawTable::new(vec![
            (
                "name".into(),
                Column::Text(vec![Some("plain".into()), Some("semi;colon".into()), Some("say \"hi\"".into()), None]),
            ),
            (
                "kind".into(),
                Column::Dict { values: vec!["a".into(), "b".into()], codes: vec![Some(1), None, Some(0), Some(0)] },
            ),
            ("n".into(), Column::Int(vec![Some(-3), Some(100_234), None, Some(0)])),
            ("x".into(), Column::Float(vec![Some(1234.5), Some(f64::NAN), Some(0.1), None])),
            ("at".into(), Column::TimestampUtc(vec![Some(0), Some(1_774_747_800_250_000), Some(-1), None])),
            ("on".into(), Column::Date(vec![Some(0), Some(20_542), Some(-1), None])),
        ])
    }

    #[test]
    fn csv_quotes_and_formats() {
        let mut out = Vec::new();
        write_csv(&sample(), b';', true, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "name;kind;n;x;at;on\n\
             plain;b;-3;1234,5;1970-01-01T00:00:00Z;1970-01-01\n\
             \"semi;colon\";;100234;;2026-03-29T01:30:00.250Z;2026-03-30\n\
             \"say \"\"hi\"\"\";a;;0,1;1969-12-31T23:59:59.999999Z;1969-12-31\n\
             ;a;0;;;\n"
        );
    }

    #[test]
    fn csv_quotes_decimal_comma_under_comma_separator() {
        let table = RawTable::new(vec![("x".into(), Column::Float(vec![Some(2.5)]))]);
        let mut out = Vec::new();
        write_csv(&table, b',', true, &mut out).unwrap();
        assert_eq!(out, b"x\n\"2,5\"\n");
    }

    #[test]
    fn ndjson_omits_nulls() {
        let mut out = Vec::new();
        write_ndjson(&sample(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            r#"{"name":"plain","kind":"b","n":-3,"x":1234.5,"at":"1970-01-01T00:00:00Z","on":"1970-01-01"}"#
        );
        assert_eq!(lines[1], r#"{"name":"semi;colon","n":100234,"at":"2026-03-29T01:30:00.250Z","on":"2026-03-30"}"#);
        assert_eq!(lines[3], r#"{"kind":"a","n":0}"#);
        for line in lines {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
    }

    #[test]
    fn dates_before_the_common_era_keep_four_digits() {
        assert_eq!(format_date(-719_468), "0000-03-01");
    }

    #[test]
    fn dates_and_timestamps_beyond_chrono_are_written_empty() {
        assert_eq!(format_date(i32::MAX), "");
        assert_eq!(format_timestamp(i64::MIN), "");
        let table = RawTable::new(vec![
            ("on".into(), Column::Date(vec![Some(i32::MIN)])),
            ("at".into(), Column::TimestampUtc(vec![Some(i64::MAX)])),
        ]);
        let mut csv = Vec::new();
        write_csv(&table, b',', false, &mut csv).unwrap();
        assert_eq!(csv, b"on,at\n,\n");
        let mut ndjson = Vec::new();
        write_ndjson(&table, &mut ndjson).unwrap();
        assert_eq!(ndjson, b"{}\n");
    }
}
