//! Finding an input's files and reading them into polars frames, chunk by
//! chunk, with a typed view of each cell.
//!
//! Not responsible for deciding whether a value is valid: `validate` does
//! that with the parsers of `parse`.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Result};

/// Rows per chunk: bounds the memory of one read whatever the file's size.
pub const CHUNK_ROWS: usize = 2_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv { separator: u8 },
    Parquet,
    Ndjson,
}

impl Format {
    /// CSV accepts `DD/MM/YYYY` dates; semicolon CSVs take a decimal comma.
    pub fn is_csv(self) -> bool {
        matches!(self, Format::Csv { .. })
    }

    pub fn decimal_comma(self) -> bool {
        self == Format::Csv { separator: b';' }
    }
}

/// One file of an input, as found on disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub format: Format,
}

/// The files a path or glob names, in byte order of their paths.
pub fn discover(pattern: &Path, input: &str) -> Result<Vec<SourceFile>> {
    let text = pattern.to_string_lossy();
    let paths = if text.contains(['*', '?', '[']) {
        let mut paths: Vec<PathBuf> = glob::glob(&text)
            .map_err(|e| input_error(pattern, format!("`{text}` is not a valid glob: {e}"), None))?
            .filter_map(std::result::Result::ok)
            .filter(|p| p.is_file())
            .collect();
        paths.sort_by(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
        if paths.is_empty() {
            return Err(input_error(
                pattern,
                format!("the {input} glob matches no file"),
                Some("check inputs.".to_owned() + input + " in the config"),
            ));
        }
        paths
    } else {
        if !pattern.is_file() {
            return Err(input_error(
                pattern,
                format!("the {input} file does not exist"),
                Some(format!("check inputs.{input} in the config; paths are relative to the config file")),
            ));
        }
        vec![pattern.to_path_buf()]
    };
    paths.into_iter().map(|path| Ok(SourceFile { format: detect_format(&path)?, path })).collect()
}

fn detect_format(path: &Path) -> Result<Format> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv") => Ok(Format::Csv { separator: detect_separator(path)? }),
        Some("parquet") => Ok(Format::Parquet),
        Some("ndjson" | "jsonl") => Ok(Format::Ndjson),
        _ => Err(input_error(
            path,
            "unknown file extension".to_owned(),
            Some("inputs are .csv, .parquet, .ndjson or .jsonl".to_owned()),
        )),
    }
}

/// Whichever of `,` and `;` appears more in the header line.
fn detect_separator(path: &Path) -> Result<u8> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut header = Vec::new();
    BufReader::new(file).read_until(b'\n', &mut header).map_err(|e| Error::io(path, e))?;
    let count = |c: u8| header.iter().filter(|b| **b == c).count();
    Ok(if count(b';') > count(b',') { b';' } else { b',' })
}

pub fn input_error(path: &Path, message: String, hint: Option<String>) -> Error {
    Error::Input { file: path.display().to_string(), column: None, row: None, message, hint }
}

fn read_error(path: &Path, e: PolarsError) -> Error {
    input_error(
        path,
        format!("cannot be read: {e}"),
        Some("check that the file is complete and in the format its extension says".to_owned()),
    )
}

/// Calls `each` with consecutive chunks of the file and the 0-based index of
/// their first row.
pub fn for_each_chunk(file: &SourceFile, mut each: impl FnMut(DataFrame, usize) -> Result<()>) -> Result<()> {
    match file.format {
        Format::Parquet => {
            let rows = {
                let f = File::open(&file.path).map_err(|e| Error::io(&file.path, e))?;
                ParquetReader::new(f).num_rows().map_err(|e| read_error(&file.path, e))?
            };
            let mut offset = 0;
            while offset < rows.max(1) {
                let f = File::open(&file.path).map_err(|e| Error::io(&file.path, e))?;
                let df = ParquetReader::new(f)
                    .with_slice(Some((offset, CHUNK_ROWS)))
                    .finish()
                    .map_err(|e| read_error(&file.path, e))?;
                each(normalise(df, &file.path)?, offset)?;
                offset += CHUNK_ROWS;
            }
            Ok(())
        }
        Format::Csv { separator } => {
            let mut offset = 0;
            for_each_block(&file.path, Records::Csv, BLOCK_BYTES, |bytes| {
                let df = normalise(read_csv(bytes, separator, &file.path)?, &file.path)?;
                let rows = df.height();
                each(df, offset)?;
                offset += rows;
                Ok(())
            })
        }
        Format::Ndjson => {
            let mut offset = 0;
            for_each_block(&file.path, Records::Lines, BLOCK_BYTES, |bytes| {
                let df = normalise(read_ndjson(bytes, &file.path)?, &file.path)?;
                let rows = df.height();
                each(df, offset)?;
                offset += rows;
                Ok(())
            })
        }
    }
}

fn read_csv(bytes: Vec<u8>, separator: u8, path: &Path) -> Result<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| o.with_separator(separator))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| read_error(path, e))
}

fn read_ndjson(bytes: Vec<u8>, path: &Path) -> Result<DataFrame> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(DataFrame::empty());
    }
    JsonReader::new(Cursor::new(bytes))
        .with_json_format(JsonFormat::JsonLines)
        .infer_schema_len(NonZeroUsize::new(100_000))
        .finish()
        .map_err(|e| read_error(path, e))
}

/// Bytes of a text file read at a time: bounds the memory of one read
/// whatever the file's size.
const BLOCK_BYTES: usize = 64 << 20;

/// How a text file's records end.
#[derive(Clone, Copy, PartialEq)]
enum Records {
    /// CSV with a header row: a newline ends a record unless it is inside
    /// quotes (RFC 4180 doubles a quote inside quotes, so the parity of the
    /// quotes seen says whether a newline is inside).
    Csv,
    /// NDJSON: every newline ends a record.
    Lines,
}

/// Calls `each` with consecutive blocks of whole records of the file, each
/// CSV block led by the header row; at least once, so an empty file still
/// has its columns checked.
fn for_each_block(
    path: &Path,
    records: Records,
    block_bytes: usize,
    mut each: impl FnMut(Vec<u8>) -> Result<()>,
) -> Result<()> {
    let io = |e| Error::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    let mut pending: Vec<u8> = Vec::new();
    let mut ended = fill(&mut file, &mut pending, block_bytes).map_err(io)?;
    let mut header = Vec::new();
    if records == Records::Csv {
        header = loop {
            let first = record_ends(&pending, records).next();
            if let Some(end) = first {
                break pending.drain(..end).collect();
            }
            if ended {
                break std::mem::take(&mut pending);
            }
            ended = fill(&mut file, &mut pending, block_bytes).map_err(io)?;
        };
    }
    let mut called = false;
    loop {
        let end = if ended { Some(pending.len()) } else { record_ends(&pending, records).last() };
        if let Some(end) = end.filter(|end| *end > 0 || !called) {
            let mut block = Vec::with_capacity(header.len() + end);
            block.extend_from_slice(&header);
            block.extend(pending.drain(..end));
            each(block)?;
            called = true;
        }
        if ended {
            return Ok(());
        }
        ended = fill(&mut file, &mut pending, block_bytes).map_err(io)?;
    }
}

/// Appends up to `block_bytes` of the file to `pending`; true at its end.
fn fill(file: &mut File, pending: &mut Vec<u8>, block_bytes: usize) -> std::io::Result<bool> {
    let read = file.by_ref().take(block_bytes as u64).read_to_end(pending)?;
    Ok(read < block_bytes)
}

/// The ends (after the newline) of the whole records of `bytes`.
fn record_ends(bytes: &[u8], records: Records) -> impl Iterator<Item = usize> + '_ {
    let mut quoted = false;
    memchr::memchr2_iter(b'"', b'\n', bytes).filter_map(move |i| {
        if bytes[i] == b'"' {
            quoted = records == Records::Csv && !quoted;
            None
        } else {
            (!quoted).then_some(i + 1)
        }
    })
}

/// Header names trimmed (and a byte-order mark dropped), single chunks, and
/// only the value types `Field` knows.
fn normalise(mut df: DataFrame, path: &Path) -> Result<DataFrame> {
    let names: Vec<PlSmallStr> = df.get_column_names_owned();
    for name in names {
        let clean = name.trim_start_matches('\u{feff}').trim();
        if clean != name.as_str() {
            df.rename(&name, clean.into()).map_err(|e| read_error(path, e))?;
        }
    }
    let columns = df
        .columns()
        .iter()
        .map(|c| {
            let target = match c.dtype() {
                DataType::String | DataType::Int64 | DataType::Float64 | DataType::Date => None,
                DataType::Datetime(_, _) => None,
                DataType::Int8 | DataType::Int16 | DataType::Int32 => Some(DataType::Int64),
                DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => Some(DataType::Int64),
                DataType::Float32 => Some(DataType::Float64),
                _ => Some(DataType::String),
            };
            match target {
                Some(t) => c.cast(&t),
                None => Ok(c.clone()),
            }
        })
        .collect::<PolarsResult<Vec<_>>>()
        .map_err(|e| read_error(path, e))?;
    let mut df = DataFrame::new(df.height(), columns).map_err(|e| read_error(path, e))?;
    df.rechunk_mut();
    Ok(df)
}

/// One cell, typed as its column is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(&'a str),
    Int(i64),
    Float(f64),
    /// µs since the epoch, UTC.
    Instant(i64),
    /// µs of local wall time, zone unknown to the file.
    Local(i64),
    /// Days since 1970-01-01.
    Day(i32),
}

/// A typed view of one column of a chunk.
pub enum Field<'a> {
    Text(&'a StringChunked),
    Int(&'a Int64Chunked),
    Float(&'a Float64Chunked),
    Stamp { values: &'a Int64Chunked, micros: fn(i64) -> i64, utc: bool },
    Day(&'a Int32Chunked),
    Absent,
}

impl<'a> Field<'a> {
    pub fn of(df: &'a DataFrame, name: &str) -> Field<'a> {
        let Ok(column) = df.column(name) else {
            return Field::Absent;
        };
        let typed = match column.dtype() {
            DataType::String => column.str().map(Field::Text),
            DataType::Int64 => column.i64().map(Field::Int),
            DataType::Float64 => column.f64().map(Field::Float),
            DataType::Date => column.date().map(|d| Field::Day(d.physical())),
            DataType::Datetime(unit, zone) => column.datetime().map(|d| Field::Stamp {
                values: d.physical(),
                micros: match unit {
                    TimeUnit::Nanoseconds => |v| v.div_euclid(1000),
                    TimeUnit::Microseconds => |v| v,
                    TimeUnit::Milliseconds => |v| v * 1000,
                },
                utc: zone.is_some(),
            }),
            _ => return Field::Absent,
        };
        typed.unwrap_or(Field::Absent)
    }

    #[inline]
    pub fn get(&self, row: usize) -> Value<'a> {
        let value = match self {
            Field::Text(ca) => ca.get(row).map(Value::Text),
            Field::Int(ca) => ca.get(row).map(Value::Int),
            Field::Float(ca) => ca.get(row).map(Value::Float),
            Field::Stamp { values, micros, utc } => {
                values.get(row).map(|v| if *utc { Value::Instant(micros(v)) } else { Value::Local(micros(v)) })
            }
            Field::Day(ca) => ca.get(row).map(Value::Day),
            Field::Absent => None,
        };
        value.unwrap_or(Value::Null)
    }
}

/// The raw fields of one row as a JSON object of strings, in source column
/// order, for the rejects table. Written by hand: serde_json's map sorts
/// keys, and the source order is what lets a reader find the row.
pub fn record_json(df: &DataFrame, row: usize) -> String {
    let mut out = String::from("{");
    for (i, column) in df.columns().iter().enumerate() {
        let text = match Field::of(df, column.name()).get(row) {
            Value::Null => String::new(),
            Value::Text(s) => s.to_owned(),
            Value::Int(v) => v.to_string(),
            Value::Float(v) => v.to_string(),
            Value::Instant(us) | Value::Local(us) => crate::tz::format_micros(us),
            Value::Day(d) => crate::tz::format_day(d),
        };
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::Value::from(column.name().as_str()).to_string());
        out.push(':');
        out.push_str(&serde_json::Value::from(text).to_string());
    }
    out.push('}');
    out
}

/// The required columns missing from a frame, by their source names.
pub fn check_columns(df: &DataFrame, path: &Path, required: &[&str], input: &str) -> Result<()> {
    let names: Vec<&str> = df.get_column_names().into_iter().map(PlSmallStr::as_str).collect();
    for column in required {
        if !names.contains(column) {
            return Err(Error::Input {
                file: path.display().to_string(),
                column: Some((*column).to_owned()),
                row: None,
                message: format!("the required column `{column}` is missing (found: {})", names.join(", ")),
                hint: Some(format!(
                    "rename the column in the export, or map it in the config: [inputs.columns.{input}] {column} = \"<source name>\""
                )),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str, records: Records, block_bytes: usize) -> Vec<String> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        let mut out = Vec::new();
        for_each_block(file.path(), records, block_bytes, |b| {
            out.push(String::from_utf8(b).unwrap());
            Ok(())
        })
        .unwrap();
        out
    }

    const CSV: &str = "id,note\r\n1,\"two\nlines\"\r\n2,\"a \"\"quote\"\"\"\n3,last";

    #[test]
    fn csv_blocks_end_on_records_outside_quotes_and_repeat_the_header() {
        for block_bytes in [1, 3, 7, 16, 1 << 20] {
            let got = blocks(CSV, Records::Csv, block_bytes);
            let bodies: String =
                got.iter().map(|b| b.strip_prefix("id,note\r\n").expect("led by the header")).collect();
            assert_eq!(bodies, &CSV["id,note\r\n".len()..], "block of {block_bytes} bytes");
            let rows: usize =
                got.iter().map(|b| read_csv(b.as_bytes().to_vec(), b',', Path::new("t")).unwrap().height()).sum();
            assert_eq!(rows, 3, "block of {block_bytes} bytes");
        }
    }

    #[test]
    fn a_small_block_keeps_a_quoted_newline_in_its_cell() {
        let got = blocks(CSV, Records::Csv, 4);
        let df = read_csv(got[0].as_bytes().to_vec(), b',', Path::new("t")).unwrap();
        assert_eq!(df.column("note").unwrap().str().unwrap().get(0), Some("two\nlines"));
    }

    #[test]
    fn a_header_only_csv_is_read_once() {
        assert_eq!(blocks("id,note\n", Records::Csv, 3), vec!["id,note\n".to_owned()]);
    }

    #[test]
    fn ndjson_blocks_end_on_newlines_whatever_the_quotes() {
        let text = "{\"a\":\"x\\\"\"}\n{\"a\":\"y\"}\n{\"a\":\"z\"}\n";
        for block_bytes in [1, 5, 1 << 20] {
            let got = blocks(text, Records::Lines, block_bytes);
            assert_eq!(got.concat(), text);
            assert!(got.iter().all(|b| b.ends_with('\n')), "{got:?}");
            let rows: usize =
                got.into_iter().map(|b| read_ndjson(b.into_bytes(), Path::new("t")).unwrap().height()).sum();
            assert_eq!(rows, 3);
        }
    }
}
