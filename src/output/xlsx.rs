//! `tables.xlsx`: every published table as a sheet for the analysts who
//! live in a spreadsheet — the same columns as the parquet tables, typed
//! cells (dates as dates, counts as integers), suppressed cells empty, a
//! frozen header row.
//!
//! Responsible for the workbook's bytes, identical for identical tables:
//! its creation date is the run's `as_of`, never the clock. Not responsible
//! for which rows are published (disclosure control ran before) nor for
//! `restricted/`, which never goes into the workbook.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};
use crate::tables::{RejectRow, Table, Tables, Values, Visitor};
use crate::tz;

pub const FILE: &str = "tables.xlsx";

/// Rows of a sheet below its header: a longer table goes on to a second
/// sheet (`kpis (2)`), since Excel stops at 1 048 576 rows.
const ROWS_PER_SHEET: usize = 1_048_575;

/// The workbook of every table but the rejects, dated `as_of`, and the
/// number of data rows it holds.
pub fn workbook(tables: &Tables, as_of: i32) -> Result<(Vec<u8>, usize)> {
    let mut book = Workbook::new();
    let created = excel_date(as_of).map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    // Deflate was half of the workbook's time at the default level 6; level
    // 1 takes half as long for a file about 1.7 times larger.
    book.set_zip_compression_level(1);
    let mut sheets = Sheets { book: &mut book, rows: 0, error: None };
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
    rows: usize,
    error: Option<XlsxError>,
}

impl Visitor for Sheets<'_> {
    fn table<T: Table>(&mut self, rows: &[T]) {
        if T::FILE == RejectRow::FILE || self.error.is_some() {
            return;
        }
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
        let sheet = book.add_worksheet();
        sheet.set_name(if i == 0 { name.to_owned() } else { format!("{name} ({})", i + 1) })?;
        write_sheet::<T>(sheet, chunk)?;
    }
    Ok(())
}

fn write_sheet<T: Table>(sheet: &mut Worksheet, rows: &[T]) -> std::result::Result<(), XlsxError> {
    let header = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let integer = Format::new().set_num_format("0");
    for (c, (column, values)) in T::COLUMNS.iter().zip(T::values(rows)).enumerate() {
        let c = u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".into()))?;
        sheet.write_string_with_format(0, c, column.name, &header)?;
        for (r, cell) in cells(&values).enumerate() {
            // r < ROWS_PER_SHEET, well inside u32.
            let r = r as u32 + 1;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Date(day) => {
                    sheet.write_datetime_with_format(r, c, excel_date(day)?, &date)?;
                }
                Cell::Integer(v) => {
                    sheet.write_number_with_format(r, c, v, &integer)?;
                }
                Cell::Number(v) => {
                    sheet.write_number(r, c, v)?;
                }
                Cell::Flag(b) => {
                    sheet.write_boolean(r, c, b)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

enum Cell<'a> {
    Empty,
    Text(&'a str),
    Date(i32),
    Integer(f64),
    Number(f64),
    Flag(bool),
}

/// A column's values as cells, a null as an empty cell.
fn cells<'a>(values: &'a Values<'a>) -> Box<dyn Iterator<Item = Cell<'a>> + 'a> {
    match values {
        Values::Text(v) => Box::new(v.iter().map(|s| Cell::Text(s))),
        Values::Date(v) => Box::new(v.iter().map(|d| d.map_or(Cell::Empty, Cell::Date))),
        Values::Int(v) => Box::new(v.iter().map(|i| i.map_or(Cell::Empty, |i| Cell::Integer(f64::from(i))))),
        // Counts stay below 2^53, where an f64 is exact.
        Values::UInt(v) => Box::new(v.iter().map(|u| u.map_or(Cell::Empty, |u| Cell::Integer(u as f64)))),
        Values::Float(v) => Box::new(v.iter().map(|f| f.map_or(Cell::Empty, Cell::Number))),
        Values::Flag(v) => Box::new(v.iter().map(|b| Cell::Flag(*b))),
    }
}

fn excel_date(day: i32) -> std::result::Result<ExcelDateTime, XlsxError> {
    let (y, m, d) = tz::ymd(day);
    let year = u16::try_from(y).map_err(|_| XlsxError::ParameterError(format!("year {y} out of Excel's range")))?;
    // m in 1..=12 and d in 1..=31.
    ExcelDateTime::from_ymd(year, m as u8, d as u8)
}
