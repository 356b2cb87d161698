//! Finding an input's files and reading them chunk by chunk, with a typed
//! view of each cell: parquet through polars (columns keep their physical
//! types), CSV and NDJSON through jauge's own readers in `text` (every field
//! keeps the text it was written with).
//!
//! Not responsible for deciding whether a value is valid: `cells` does that
//! with the parsers of `parse`.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use polars::prelude::*;

use super::reject::Failure;
use super::text::{self, Records, TextChunk};
use crate::error::{Error, Result};

/// Rows per parquet chunk: bounds the memory of one read whatever the
/// file's size.
pub const CHUNK_ROWS: usize = 1 << 19;

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

/// How to read the files of one input.
pub struct ReadPlan<'a> {
    /// The input's name, for hints.
    pub input: &'a str,
    /// CSV only.
    pub encoding: &'static encoding_rs::Encoding,
    /// Source names of the columns the input uses.
    pub wanted: Vec<String>,
}

/// The files a path or glob names, in byte order of their paths.
pub fn discover(pattern: &Path, input: &str) -> Result<Vec<SourceFile>> {
    let text = pattern.to_string_lossy();
    let paths = if text.contains(['*', '?', '[']) {
        let mut paths = Vec::new();
        let matches =
            glob::glob(&text).map_err(|e| input_error(pattern, format!("`{text}` is not a valid glob: {e}"), None))?;
        for path in matches.filter_map(std::result::Result::ok) {
            let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
            if is_link && !path.exists() {
                return Err(input_error(
                    &path,
                    "is a link to a file that does not exist".to_owned(),
                    Some(format!("remove the link or restore its target; it matches inputs.{input} in the config")),
                ));
            }
            if path.is_file() {
                paths.push(path);
            }
        }
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
    BufReader::new(file).take(1 << 20).read_until(b'\n', &mut header).map_err(|e| Error::io(path, e))?;
    let count = |c: u8| header.iter().filter(|b| **b == c).count();
    Ok(if count(b';') > count(b',') { b';' } else { b',' })
}

pub fn input_error(path: &Path, message: String, hint: Option<String>) -> Error {
    Error::Input { file: path.display().to_string(), column: None, row: None, message, hint }
}

/// A parquet file polars cannot read: said in the analyst's words, since
/// the library's message names its internals.
fn parquet_error(path: &Path) -> Error {
    input_error(
        path,
        "cannot be read as parquet: the file is truncated or corrupt".to_owned(),
        Some("export the file again; a parquet file is only complete once its export has finished".to_owned()),
    )
}

/// A chunk of consecutive records of one file.
pub enum Chunk {
    Frame { df: DataFrame, first_row: u64 },
    Text(TextChunk),
}

impl Chunk {
    pub fn height(&self) -> usize {
        match self {
            Chunk::Frame { df, .. } => df.height(),
            Chunk::Text(t) => t.height(),
        }
    }

    /// The 1-based `row` of record `i` in its file (SPEC section 5).
    pub fn row(&self, i: usize) -> u64 {
        match self {
            Chunk::Frame { first_row, .. } => first_row + i as u64 + 1,
            Chunk::Text(t) => t.row(i),
        }
    }

    /// The physical line where record `i` starts (parquet: its row).
    pub fn line(&self, i: usize) -> u64 {
        match self {
            Chunk::Frame { .. } => self.row(i),
            Chunk::Text(t) => t.line(i),
        }
    }

    /// Why record `i` cannot be read at all, if so (`bad_record`).
    pub fn failure(&self, i: usize) -> Option<Failure> {
        match self {
            Chunk::Frame { .. } => None,
            Chunk::Text(t) => t.failure(i),
        }
    }

    pub fn has_column(&self, name: &str) -> bool {
        match self {
            Chunk::Frame { df, .. } => df.column(name).is_ok(),
            Chunk::Text(t) => t.has_column(name),
        }
    }

    /// The raw fields of record `i` as a JSON object of strings, in source
    /// column order, for the rejects table.
    pub fn record_json(&self, i: usize) -> String {
        match self {
            Chunk::Frame { df, .. } => frame_record_json(df, i),
            Chunk::Text(t) => t.record_json(i),
        }
    }

    pub fn field(&self, name: &str) -> Field<'_> {
        match self {
            Chunk::Frame { df, .. } => Field::of(df, name),
            Chunk::Text(t) => t.slot(name).map_or(Field::Absent, |slot| Field::Cells { chunk: t, slot }),
        }
    }
}

/// Calls `each` with consecutive chunks of the file. The next chunk is
/// read and parsed on a thread of its own while `each` reads the current
/// one.
pub fn for_each_chunk(
    file: &SourceFile,
    plan: &ReadPlan<'_>,
    mut each: impl FnMut(&Chunk) -> Result<()>,
) -> Result<()> {
    let produce = |send: &mut dyn FnMut(Chunk) -> Result<()>| match file.format {
        Format::Parquet => for_each_parquet_chunk(&file.path, |df, first_row| send(Chunk::Frame { df, first_row })),
        Format::Csv { separator } => {
            let open = File::open(&file.path).map_err(|e| Error::io(&file.path, e))?;
            for_each_csv_chunk(open, |e| Error::io(&file.path, e), &file.path, separator, plan, send)
        }
        Format::Ndjson => {
            text::for_each_block(&file.path, Records::Lines, text::BLOCK_BYTES, text::BLOCK_BYTES, |bytes, line| {
                let block = text::decode(bytes, encoding_rs::UTF_8, &file.path, line, plan.input)?;
                send(Chunk::Text(text::ndjson_chunk(block, &plan.wanted, line)))
            })
        }
    };
    ahead(&file.path, produce, |chunk| each(&chunk))
}

/// Runs `produce` on a thread of its own, one item ahead of `each`, which
/// gets the items in order on this thread. The first error of either
/// stops both; an error of `produce` comes after the items it made before.
pub fn ahead<T: Send>(
    path: &Path,
    produce: impl FnOnce(&mut dyn FnMut(T) -> Result<()>) -> Result<()> + Send,
    mut each: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        let (send, items) = std::sync::mpsc::sync_channel::<Result<T>>(1);
        scope.spawn(move || {
            // Refused only once `each` has stopped: then nothing is read.
            let stopped = || Error::io(path, std::io::Error::other("the reading stopped"));
            let produced = produce(&mut |item| send.send(Ok(item)).map_err(|_| stopped()));
            if let Err(e) = produced {
                let _ = send.send(Err(e));
            }
        });
        for item in items {
            each(item?)?;
        }
        Ok(())
    })
}

/// Calls `each` with consecutive chunks of a CSV stream: a file, or a
/// query's result (`path` then names the input), its read errors worded by
/// `io`.
pub fn for_each_csv_chunk(
    source: impl Read,
    io: impl Fn(std::io::Error) -> Error,
    path: &Path,
    separator: u8,
    plan: &ReadPlan<'_>,
    mut each: impl FnMut(Chunk) -> Result<()>,
) -> Result<()> {
    let mut header: Option<Vec<String>> = None;
    let mut next_record = 1;
    text::for_each_block_of(source, io, Records::Csv, text::BLOCK_BYTES, text::BLOCK_BYTES, |bytes, line| {
        let mut block = text::decode(bytes, plan.encoding, path, line, plan.input)?;
        let first_line = if header.is_some() { line } else { line + 1 };
        let names = match &header {
            Some(names) => names,
            None => {
                let end = block.find('\n').map_or(block.len(), |i| i + 1);
                let first: String = block.drain(..end).collect();
                let first = first.strip_suffix('\n').unwrap_or(&first);
                let first = first.strip_suffix('\r').unwrap_or(first);
                header.insert(text::csv_header(first, separator, path)?)
            }
        };
        let chunk = text::csv_chunk(block, names, separator, &plan.wanted, (next_record, first_line));
        next_record += chunk.height() as u64;
        each(Chunk::Text(chunk))
    })
}

/// Parquet in slices of `CHUNK_ROWS`, with decimal columns read by hand
/// (this build of polars has no decimal type) and any polars failure,
/// panics included, turned into one clear file error.
fn for_each_parquet_chunk(path: &Path, mut each: impl FnMut(DataFrame, u64) -> Result<()>) -> Result<()> {
    let layout = ParquetLayout::open(path)?;
    let mut offset = 0;
    while offset < layout.rows.max(1) {
        each(layout.slice(offset)?, offset as u64)?;
        offset += CHUNK_ROWS;
    }
    Ok(())
}

/// What the footer of a parquet file says, read once per file.
struct ParquetLayout<'a> {
    path: &'a Path,
    rows: usize,
    metadata: std::sync::Arc<polars::io::parquet::read::FileMetadata>,
    decimals: Vec<ArrowField>,
    others: Vec<String>,
}

impl<'a> ParquetLayout<'a> {
    fn open(path: &'a Path) -> Result<ParquetLayout<'a>> {
        let mut reader = ParquetReader::new(File::open(path).map_err(|e| Error::io(path, e))?);
        let layout = quietly(|| -> PolarsResult<_> {
            Ok((reader.num_rows()?, reader.schema()?, reader.get_metadata()?.clone()))
        });
        let (rows, schema, metadata) = layout.map_err(|_| parquet_error(path))?.map_err(|_| parquet_error(path))?;
        super::pages::check(path, &metadata).map_err(|_| parquet_error(path))?;
        let (decimals, others): (Vec<&ArrowField>, Vec<&ArrowField>) =
            schema.iter_values().partition(|f| is_decimal(f.dtype()));
        Ok(ParquetLayout {
            path,
            rows,
            metadata,
            decimals: decimals.into_iter().cloned().collect(),
            others: others.iter().map(|f| f.name.to_string()).collect(),
        })
    }

    /// Rows `offset..offset + CHUNK_ROWS`, normalised.
    fn slice(&self, offset: usize) -> Result<DataFrame> {
        let path = self.path;
        let height = self.rows.saturating_sub(offset).min(CHUNK_ROWS);
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let read = quietly(|| -> PolarsResult<DataFrame> {
            let reader = ParquetReader::new(file.try_clone()?);
            let reader = if self.decimals.is_empty() { reader } else { reader.with_columns(Some(self.others.clone())) };
            reader.with_slice(Some((offset, CHUNK_ROWS))).finish()
        });
        let mut df = read.map_err(|_| parquet_error(path))?.map_err(|_| parquet_error(path))?;
        // A footer that promises more rows than its row groups hold would
        // otherwise have the reading loop read empty slices for ever.
        if !self.others.is_empty() && df.height() != height {
            return Err(parquet_error(path));
        }
        if !self.decimals.is_empty() {
            if self.others.is_empty() {
                df = DataFrame::empty_with_height(height);
            }
            for field in &self.decimals {
                let values = decimal_texts(path, &self.metadata, field, offset, height)?;
                let column = Column::new(field.name.clone(), values);
                df.with_column(column).map_err(|_| parquet_error(path))?;
            }
        }
        normalise(df).map_err(|_| parquet_error(path))
    }
}

/// Parquet reads under way. While any is, a panic is polars' (on a damaged
/// file) and becomes one clear error: its message and backtrace would only
/// be noise on the analyst's terminal.
static QUIET_PANICS: AtomicUsize = AtomicUsize::new(0);

/// Runs `f`, a call into polars' parquet reader, catching its panics
/// without printing them.
fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET_PANICS.load(Ordering::SeqCst) == 0 {
                previous(info);
            }
        }));
    });
    QUIET_PANICS.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET_PANICS.fetch_sub(1, Ordering::SeqCst);
    result
}

fn is_decimal(dtype: &ArrowDataType) -> bool {
    matches!(
        dtype,
        ArrowDataType::Decimal(..)
            | ArrowDataType::Decimal32(..)
            | ArrowDataType::Decimal64(..)
            | ArrowDataType::Decimal256(..)
    )
}

/// The values of a decimal column for rows `offset..offset + height`,
/// written exactly (`45000.00`), for `cells` to read as numbers or ids.
fn decimal_texts(
    path: &Path,
    metadata: &polars::io::parquet::read::FileMetadata,
    field: &ArrowField,
    offset: usize,
    height: usize,
) -> Result<Vec<Option<String>>> {
    use polars_arrow::array::PrimitiveArray;
    use polars_arrow::types::i256;
    let scale = match field.dtype() {
        ArrowDataType::Decimal(_, s)
        | ArrowDataType::Decimal32(_, s)
        | ArrowDataType::Decimal64(_, s)
        | ArrowDataType::Decimal256(_, s) => *s,
        _ => 0,
    };
    // 76 digits is the most of any decimal type: a larger scale is damage.
    if scale > 76 {
        return Err(parquet_error(path));
    }
    let mut out = Vec::with_capacity(height);
    let mut start = 0;
    for group in &metadata.row_groups {
        let (from, to) = (start, start + group.num_rows());
        start = to;
        if to <= offset || from >= offset + height {
            continue;
        }
        let metas: Vec<_> = group.columns_under_root_iter(&field.name).ok_or_else(|| parquet_error(path))?.collect();
        let mut columns = Vec::new();
        for meta in metas {
            columns.push((meta, read_range(path, meta.byte_range())?.into()));
        }
        let decoded = quietly(|| polars::io::parquet::read::_internal::to_deserializer(columns, field.clone(), None));
        let arrays = decoded.map_err(|_| parquet_error(path))?.map_err(|_| parquet_error(path))?.0;
        let mut values: Vec<Option<String>> = Vec::with_capacity(group.num_rows());
        for array in &arrays {
            let any = array.as_any();
            if let Some(a) = any.downcast_ref::<PrimitiveArray<i128>>() {
                values.extend(a.iter().map(|v| v.map(|v| decimal_text(&v.to_string(), scale))));
            } else if let Some(a) = any.downcast_ref::<PrimitiveArray<i64>>() {
                values.extend(a.iter().map(|v| v.map(|v| decimal_text(&v.to_string(), scale))));
            } else if let Some(a) = any.downcast_ref::<PrimitiveArray<i32>>() {
                values.extend(a.iter().map(|v| v.map(|v| decimal_text(&v.to_string(), scale))));
            } else if let Some(a) = any.downcast_ref::<PrimitiveArray<i256>>() {
                values.extend(a.iter().map(|v| v.map(|v| decimal_text(&v.to_string(), scale))));
            } else {
                return Err(parquet_error(path));
            }
        }
        let skip = offset.saturating_sub(from);
        let take = (offset + height).min(to) - from.max(offset);
        out.extend(values.into_iter().skip(skip).take(take));
    }
    if out.len() != height {
        return Err(parquet_error(path));
    }
    Ok(out)
}

/// The bytes `range` of a file.
fn read_range(path: &Path, range: std::ops::Range<u64>) -> Result<Vec<u8>> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = usize::try_from(range.end.saturating_sub(range.start)).map_err(|_| parquet_error(path))?;
    file.seek(SeekFrom::Start(range.start)).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(len as u64).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() != len {
        return Err(parquet_error(path));
    }
    Ok(bytes)
}

/// `digits` (an integer, maybe negative) divided by 10^`scale`, written
/// exactly.
fn decimal_text(digits: &str, scale: usize) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Header names trimmed (and a byte-order mark dropped), single chunks, and
/// only the value types `Field` knows.
fn normalise(mut df: DataFrame) -> PolarsResult<DataFrame> {
    let names: Vec<PlSmallStr> = df.get_column_names_owned();
    for name in names {
        let clean = name.trim_start_matches('\u{feff}').trim();
        if clean != name.as_str() {
            df.rename(&name, clean.into())?;
        }
    }
    let columns = df
        .columns()
        .iter()
        .map(|c| {
            let target = match c.dtype() {
                DataType::String | DataType::Int64 | DataType::Float64 | DataType::Date | DataType::Boolean => None,
                DataType::Datetime(_, _) | DataType::List(_) | DataType::Struct(_) | DataType::Binary => None,
                DataType::Int8 | DataType::Int16 | DataType::Int32 => Some(DataType::Int64),
                DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => Some(DataType::Int64),
                DataType::Float32 => Some(DataType::Float64),
                _ => Some(DataType::String),
            };
            match target {
                // A column that cannot be cast (binary that is not text,
                // say) stays as it is: `Field` reads it as nested.
                Some(t) => c.cast(&t).unwrap_or_else(|_| c.clone()),
                None => c.clone(),
            }
        })
        .collect::<Vec<_>>();
    let mut df = DataFrame::new(df.height(), columns)?;
    df.rechunk_mut();
    Ok(df)
}

/// One cell, typed as its column is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(&'a str),
    /// A number as the format wrote it (a JSON number, a parquet decimal).
    Number(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A JSON object or array, a parquet list or struct: never a scalar.
    Nested,
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
    Bool(&'a BooleanChunked),
    Stamp {
        values: &'a Int64Chunked,
        micros: fn(i64) -> i64,
        utc: bool,
    },
    Day(&'a Int32Chunked),
    /// Lists, structs and any type without a scalar reading.
    Nested(&'a Column),
    Cells {
        chunk: &'a TextChunk,
        slot: usize,
    },
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
            DataType::Boolean => column.bool().map(Field::Bool),
            DataType::Date => column.date().map(|d| Field::Day(d.physical())),
            DataType::Datetime(unit, zone) => column.datetime().map(|d| Field::Stamp {
                values: d.physical(),
                // Out-of-range values saturate, then read as implausible.
                micros: match unit {
                    TimeUnit::Nanoseconds => |v| v.div_euclid(1000),
                    TimeUnit::Microseconds => |v| v,
                    TimeUnit::Milliseconds => |v| v.saturating_mul(1000),
                },
                utc: zone.is_some(),
            }),
            _ => Ok(Field::Nested(column)),
        };
        typed.unwrap_or(Field::Absent)
    }

    #[inline]
    pub fn get(&self, row: usize) -> Value<'a> {
        let value = match self {
            Field::Text(ca) => ca.get(row).map(Value::Text),
            Field::Int(ca) => ca.get(row).map(Value::Int),
            Field::Float(ca) => ca.get(row).map(Value::Float),
            Field::Bool(ca) => ca.get(row).map(Value::Bool),
            Field::Stamp { values, micros, utc } => {
                values.get(row).map(|v| if *utc { Value::Instant(micros(v)) } else { Value::Local(micros(v)) })
            }
            Field::Day(ca) => ca.get(row).map(Value::Day),
            Field::Nested(column) => nested(column, row),
            Field::Cells { chunk, slot } => Some(chunk.value(row, *slot)),
            Field::Absent => None,
        };
        value.unwrap_or(Value::Null)
    }
}

/// The cells of a text column of a parquet chunk as arrow holds them: one
/// 16-byte view per row, inlining a short text or pointing into a buffer
/// of the chunk. Two rows with the same view hold the same text, so a
/// value's reading can be kept by view (`Field::views`).
pub struct Views<'a> {
    views: &'a [polars_arrow::array::View],
    valid: Option<&'a polars_arrow::bitmap::Bitmap>,
}

impl Views<'_> {
    /// Row `row`'s view; none when the cell is null.
    #[inline]
    pub fn key(&self, row: usize) -> Option<u128> {
        let valid = self.valid.is_none_or(|v| v.get(row).unwrap_or(false));
        valid.then(|| self.views.get(row).map(|v| v.as_u128())).flatten()
    }
}

impl<'a> Field<'a> {
    /// The views of a parquet text column, when it is one (and in one
    /// chunk, as `normalise` leaves it).
    pub fn views(&self) -> Option<Views<'a>> {
        let Field::Text(ca) = self else { return None };
        let array = (ca.chunks().len() == 1).then(|| ca.downcast_get(0)).flatten()?;
        Some(Views { views: array.views(), valid: polars_arrow::array::Array::validity(array) })
    }
}

/// A row of a column without a scalar reading: kept out of `Field::get`,
/// which stays small enough to inline in the validation loop.
#[cold]
fn nested(column: &Column, row: usize) -> Option<Value<'static>> {
    column.get(row).ok().filter(|v| !v.is_null()).map(|_| Value::Nested)
}

/// A value's text for the rejects' `record` and messages.
pub fn value_text(value: Value<'_>) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(s) | Value::Number(s) => s.to_owned(),
        Value::Int(v) => v.to_string(),
        Value::Float(v) => v.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Nested => "(nested value)".to_owned(),
        Value::Instant(us) | Value::Local(us) => crate::tz::format_micros(us),
        Value::Day(d) => crate::tz::format_day(d),
    }
}

/// A frame's row as a JSON object of strings, in source column order.
/// Written by hand: serde_json's map sorts keys, and the source order is
/// what lets a reader find the row.
fn frame_record_json(df: &DataFrame, row: usize) -> String {
    let mut out = String::from("{");
    for (i, column) in df.columns().iter().enumerate() {
        let text = match Field::of(df, column.name()) {
            Field::Nested(c) => c.get(row).map(|v| v.to_string()).unwrap_or_default(),
            field => value_text(field.get(row)),
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

/// The first required column that no header or record of the file named:
/// an input error. `canonical` are the SPEC names of `sources`, the names
/// the file must have.
pub fn check_columns(present: &[bool], sources: &[&str], canonical: &[&str], path: &Path, input: &str) -> Result<()> {
    let Some(k) = present.iter().position(|p| !p) else {
        return Ok(());
    };
    let (source, name) = (sources[k], canonical[k]);
    let hint = if path.to_string_lossy().starts_with("postgres:") {
        format!(
            "name the column in inputs.postgres.{input}.query (`SELECT ... AS {source}`), or map it in the config: [inputs.columns.{input}] {name} = \"<name in the result>\""
        )
    } else if source == name {
        format!(
            "rename the column in the export, or map it in the config: [inputs.columns.{input}] {name} = \"<name in the file>\" (see docs/configuration.md)"
        )
    } else {
        format!(
            "the config maps {name} to `{source}` ([inputs.columns.{input}] {name} = \"{source}\"): check that name against the file's columns"
        )
    };
    Err(Error::Input {
        file: path.display().to_string(),
        column: Some(source.to_owned()),
        row: None,
        message: format!("the required column `{source}` is missing"),
        hint: Some(hint),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values of column `name` of a fixture, as `Field` reads them.
    fn fixture_values(file: &str, name: &str) -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/fixtures/bad").join(file);
        let source = SourceFile { path, format: Format::Parquet };
        let plan = ReadPlan { input: "outcomes", encoding: encoding_rs::UTF_8, wanted: vec![name.to_owned()] };
        let mut out = Vec::new();
        for_each_chunk(&source, &plan, |chunk| {
            let field = chunk.field(name);
            out.extend((0..chunk.height()).map(|i| format!("{:?}", field.get(i))));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn parquet_decimals_read_exactly_and_other_columns_keep_their_types() {
        // Written by pyarrow: decimal128(12, 2) values 45000.00, 1.25, null.
        assert_eq!(
            fixture_values("parquet/outcomes.parquet", "value"),
            ["Text(\"45000.00\")", "Text(\"1.25\")", "Null"]
        );
        assert_eq!(fixture_values("parquet/outcomes.parquet", "user_id"), ["Int(5008)", "Int(5009)", "Int(5009)"]);
        assert_eq!(fixture_values("parquet/usage.parquet", "user_id")[0], "Text(\"5008.0\")");
        assert_eq!(fixture_values("parquet/users_bool.parquet", "user_id"), ["Bool(true)", "Bool(false)"]);
        assert_eq!(fixture_values("parquet/users_struct.parquet", "user_id"), ["Nested", "Nested"]);
    }

    #[test]
    fn decimals_are_written_exactly() {
        assert_eq!(decimal_text("4500000", 2), "45000.00");
        assert_eq!(decimal_text("-125", 3), "-0.125");
        assert_eq!(decimal_text("5", 2), "0.05");
        assert_eq!(decimal_text("5008", 0), "5008");
    }
}
