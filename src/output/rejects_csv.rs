//! The rejected rows as a CSV for a spreadsheet (`jauge validate
//! --rejects`): UTF-8 with a byte-order mark and `;` between fields, so
//! that a French Excel opens it as columns, with the columns of
//! `rejects.parquet` plus `line`, the row's line in its source file.
//!
//! Not responsible for writing the file (`folder::replace_file`) or for
//! knowing a row's line (the caller says).

use crate::tables::RejectRow;

const COLUMNS: [&str; 8] = ["input", "file", "row", "line", "reason", "column", "message", "record"];

/// The bytes of the CSV; `line` gives a row's line in its source file.
pub fn render(rejects: &[RejectRow], line: impl Fn(&RejectRow) -> Option<u64>) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    push_record(&mut out, COLUMNS.iter().map(|c| (*c).to_owned()));
    for r in rejects {
        let cells = [
            text(&r.input),
            text(&r.file),
            r.row.to_string(),
            line(r).map_or_else(String::new, |l| l.to_string()),
            text(&r.reason),
            text(&r.column),
            text(&r.message),
            text(&r.record),
        ];
        push_record(&mut out, cells.into_iter());
    }
    out.into_bytes()
}

fn push_record(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(';');
        }
        if cell.contains([';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a
/// formula; a leading apostrophe keeps a file's text as text.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(message: &str, record: &str) -> RejectRow {
        RejectRow {
            input: "usage".into(),
            file: "usage/a.csv".into(),
            row: 4,
            reason: "bad_timestamp".into(),
            column: "occurred_at".into(),
            message: message.into(),
            record: record.into(),
        }
    }

    #[test]
    fn quotes_semicolons_and_newlines_stay_in_their_cell() {
        let bytes = render(&[row("a \"b\"; c", "{\"x\":\"1\n2\"}")], |r| Some(r.row + 1));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("\u{feff}input;file;row;line;reason;column;message;record\r\n"));
        assert!(text.ends_with(
            "usage;usage/a.csv;4;5;bad_timestamp;occurred_at;\"a \"\"b\"\"; c\";\"{\"\"x\"\":\"\"1\n2\"\"}\"\r\n"
        ));
    }

    #[test]
    fn a_formula_is_kept_as_text() {
        let text = String::from_utf8(render(&[row("=HYPERLINK(1)", "{}")], |_| None)).unwrap();
        assert!(text.contains(";4;;bad_timestamp;occurred_at;'=HYPERLINK(1);{}"), "{text}");
    }
}
