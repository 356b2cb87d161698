//! `tables.xlsx`: every published table as a sheet for the analysts who
//! live in a spreadsheet — the same columns as the parquet tables, typed
//! cells (dates as dates, counts and figures as numbers), suppressed cells empty, a
//! frozen header row.
//!
//! Responsible for the workbook's bytes, identical for identical tables:
//! its creation date is the run's `as_of`, never the clock. Not responsible
//! for which rows are published (disclosure control ran before) nor for
//! `restricted/`, which never goes into the workbook.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};
use std::sync::mpsc::Receiver;

use crate::tables::{RejectRow, RevisionRow, Table, Tables, Values, Visitor};
use crate::tz;

pub const FILE: &str = "tables.xlsx";

/// Rows of a sheet below its header: a longer table goes on to a second
/// sheet (`kpis (2)`), since Excel stops at 1 048 576 rows.
const ROWS_PER_SHEET: usize = 1_048_575;

/// The workbook of every table but the rejects, dated `as_of`, and the
/// number of data rows it holds. The revisions come from `revisions`, in
/// their place among the sheets, once the other sheets before are written
/// (none when nothing is sent).
pub fn workbook(tables: &Tables, revisions: &Receiver<Vec<RevisionRow>>, as_of: i32) -> Result<(Vec<u8>, usize)> {
    let mut book = Workbook::new();
    let created = excel_date(as_of).map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    // Deflate was half of the workbook's time at the default level 6; level
    // 1 takes half as long for a file about 1.7 times larger.
    book.set_zip_compression_level(1);
    let mut sheets = Sheets { book: &mut book, revisions, rows: 0, error: None };
    tables.visit(&mut sheets);
    if let Some(e) = sheets.error {
        return Err(xlsx_error(e));
    }
    let rows = sheets.rows;
    Ok((book.save_to_buffer().map_err(xlsx_error)?, rows))
}

fn xlsx_error(e: XlsxError) -> Error {
    Error::Output { file: FILE.to_owned(), message: e.to_string() }
}

struct Sheets<'a> {
    book: &'a mut Workbook,
    revisions: &'a Receiver<Vec<RevisionRow>>,
    rows: usize,
    error: Option<XlsxError>,
}

impl Visitor for Sheets<'_> {
    fn table<T: Table>(&mut self, rows: &[T]) {
        if T::FILE == RejectRow::FILE || self.error.is_some() {
            return;
        }
        if T::FILE == RevisionRow::FILE {
            let revisions = self.revisions.recv().unwrap_or_default();
            self.add(&revisions);
        } else {
            self.add(rows);
        }
    }
}

impl Sheets<'_> {
    fn add<T: Table>(&mut self, rows: &[T]) {
        match add_table::<T>(self.book, rows) {
            Ok(()) => self.rows += rows.len(),
            Err(e) => self.error = Some(e),
        }
    }
}

/// `kpis.parquet` → `kpis`.
fn sheet_name(file: &str) -> &str {
    file.trim_end_matches(".parquet")
}

fn add_table<T: Table>(book: &mut Workbook, rows: &[T]) -> std::result::Result<(), XlsxError> {
    let name = sheet_name(T::FILE);
    let chunks: Vec<&[T]> = if rows.is_empty() { vec![rows] } else { rows.chunks(ROWS_PER_SHEET).collect() };
    for (i, chunk) in chunks.into_iter().enumerate() {
        // Row by row straight to the sheet's XML: no map of every cell to
        // build and walk again (the strings still share one table).
        let sheet = book.add_worksheet_with_low_memory()?;
        sheet.set_name(if i == 0 { name.to_owned() } else { format!("{name} ({})", i + 1) })?;
        write_sheet::<T>(sheet, chunk)?;
    }
    Ok(())
}

fn write_sheet<T: Table>(sheet: &mut Worksheet, rows: &[T]) -> std::result::Result<(), XlsxError> {
    let header = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.set_freeze_panes(1, 0)?;
    for (c, column) in T::COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, column_index(c)?, column.name, &header)?;
    }
    let columns = T::values(rows);
    for i in 0..rows.len() {
        // i < ROWS_PER_SHEET, well inside u32.
        let r = i as u32 + 1;
        for (c, values) in columns.iter().enumerate() {
            let c = column_index(c)?;
            match cell(values, i) {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Date(day) => {
                    sheet.write_datetime_with_format(r, c, excel_date(day)?, &date)?;
                }
                // Counts too: Excel's General format shows a whole number
                // as one, and a format per cell costs a lookup per cell.
                Cell::Number(v) => {
                    sheet.write_number(r, c, v)?;
                }
                Cell::Flag(b) => {
                    sheet.write_boolean(r, c, b)?;
                }
            }
        }
    }
    Ok(())
}

fn column_index(c: usize) -> std::result::Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".into()))
}

enum Cell<'a> {
    Empty,
    Text(&'a str),
    Date(i32),
    Number(f64),
    Flag(bool),
}

/// Row `i` of a column as a cell, a null as an empty cell.
fn cell<'a>(values: &Values<'a>, i: usize) -> Cell<'a> {
    match values {
        Values::Text(v) => Cell::Text(v[i]),
        Values::Date(v) => v[i].map_or(Cell::Empty, Cell::Date),
        Values::Int(v) => v[i].map_or(Cell::Empty, |i| Cell::Number(f64::from(i))),
        // Counts stay below 2^53, where an f64 is exact.
        Values::UInt(v) => v[i].map_or(Cell::Empty, |u| Cell::Number(u as f64)),
        Values::Float(v) => v[i].map_or(Cell::Empty, Cell::Number),
        Values::Flag(v) => Cell::Flag(v[i]),
    }
}

fn excel_date(day: i32) -> std::result::Result<ExcelDateTime, XlsxError> {
    let (y, m, d) = tz::ymd(day);
    let year = u16::try_from(y).map_err(|_| XlsxError::ParameterError(format!("year {y} out of Excel's range")))?;
    // m in 1..=12 and d in 1..=31.
    ExcelDateTime::from_ymd(year, m as u8, d as u8)
}
