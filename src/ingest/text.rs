//! jauge's own readers of the text formats, CSV and NDJSON: a file is read
//! in blocks of whole records, decoded from its encoding, and split into
//! records whose fields keep the text (or, in NDJSON, the JSON kind) they
//! were written with. No type is inferred: `cells` reads each value as its
//! column's SPEC type, so a key first seen on the millionth record, or a
//! text id after a million integer ones, is read like any other.
//!
//! Not responsible for deciding whether a value is valid (`cells` does), nor
//! for parquet (`read` hands it to polars).

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::read::{Value, input_error};
use super::reject::{Failure, Reason};
use crate::error::{Error, Result};

/// Bytes of a text file read at a time: bounds the memory of one read
/// whatever the file's size.
pub const BLOCK_BYTES: usize = 64 << 20;

/// One field of a record, as offsets into its chunk's text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Null,
    /// Text at `start..end` of the block (`owned` false) or of the chunk's
    /// unescaped text (`owned` true).
    Text {
        owned: bool,
        start: u32,
        end: u32,
    },
    /// A JSON number as written, in the block.
    Number {
        start: u32,
        end: u32,
    },
    Bool(bool),
    /// A JSON object or array.
    Nested,
}

/// Where one record lies and what it is.
#[derive(Debug, Clone)]
struct Record {
    /// Its bytes in the block, for the rejects' `record`.
    start: u32,
    end: u32,
    /// The `row` of a reject: the 1-based record after the header (CSV) or
    /// the physical line (NDJSON).
    row: u64,
    /// The physical line where the record starts.
    line: u64,
    /// Why the record cannot be read at all (`bad_record`), if so.
    broken: Option<&'static str>,
}

/// A block of records, with the fields of the wanted columns only.
pub struct TextChunk {
    block: String,
    unescaped: String,
    wanted: Vec<String>,
    /// Row-major: `wanted.len()` cells per record.
    cells: Vec<Cell>,
    records: Vec<Record>,
    /// CSV: the header's names, to write a rejected record.
    header: Option<Vec<String>>,
    separator: u8,
    /// Per wanted column, whether the header or any record names it.
    present: Vec<bool>,
}

impl TextChunk {
    fn new(block: String, wanted: &[String], header: Option<Vec<String>>, separator: u8) -> TextChunk {
        TextChunk {
            block,
            unescaped: String::new(),
            wanted: wanted.to_vec(),
            cells: Vec::new(),
            records: Vec::new(),
            header,
            separator,
            present: vec![false; wanted.len()],
        }
    }

    pub fn height(&self) -> usize {
        self.records.len()
    }

    pub fn slot(&self, name: &str) -> Option<usize> {
        self.wanted.iter().position(|w| w == name)
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.slot(name).is_some_and(|s| self.present[s])
    }

    pub fn row(&self, i: usize) -> u64 {
        self.records[i].row
    }

    pub fn line(&self, i: usize) -> u64 {
        self.records[i].line
    }

    pub fn failure(&self, i: usize) -> Option<Failure> {
        self.records[i].broken.map(|why| Failure { reason: Reason::BadRecord, column: String::new(), raw: why.into() })
    }

    #[inline]
    pub fn value(&self, i: usize, slot: usize) -> Value<'_> {
        let text = |owned: bool, start: u32, end: u32| {
            let source = if owned { &self.unescaped } else { &self.block };
            &source[start as usize..end as usize]
        };
        match self.cells[i * self.wanted.len() + slot] {
            Cell::Null => Value::Null,
            Cell::Text { owned, start, end } => Value::Text(text(owned, start, end)),
            Cell::Number { start, end } => Value::Number(text(false, start, end)),
            Cell::Bool(b) => Value::Bool(b),
            Cell::Nested => Value::Nested,
        }
    }

    /// The raw fields of record `i` as a JSON object of strings, in source
    /// order, for the rejects table.
    pub fn record_json(&self, i: usize) -> String {
        let r = &self.records[i];
        // An unclosed quote can make a record of the rest of a file; the
        // rejects table keeps its start.
        let mut end = (r.end as usize).min(r.start as usize + 10_000);
        while !self.block.is_char_boundary(end) {
            end -= 1;
        }
        let raw = &self.block[r.start as usize..end];
        let mut pairs: Vec<(Cow<'_, str>, String)> = Vec::new();
        match &self.header {
            Some(header) => {
                let (fields, _) = split_csv_record(raw, self.separator);
                for (k, field) in fields.into_iter().enumerate() {
                    let name =
                        header.get(k).map_or_else(|| Cow::Owned(format!("_{}", k + 1)), |h| Cow::Borrowed(h.as_str()));
                    pairs.push((name, field.into_owned()));
                }
            }
            None => match json_members(raw) {
                Some(members) => {
                    for (key, value) in members {
                        pairs.push((key, json_text(value)));
                    }
                }
                None => pairs.push((Cow::Borrowed("_line"), raw.trim_end().to_owned())),
            },
        }
        let mut out = String::from("{");
        for (k, (name, text)) in pairs.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::Value::from(name.as_ref()).to_string());
            out.push(':');
            out.push_str(&serde_json::Value::from(text.as_str()).to_string());
        }
        out.push('}');
        out
    }
}

// ---------------------------------------------------------------------------
// Blocks and decoding

/// How a text file's records end.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Records {
    /// CSV: a newline ends a record unless it is inside quotes (RFC 4180
    /// doubles a quote inside quotes, so the parity of the quotes seen says
    /// whether a newline is inside).
    Csv,
    /// NDJSON: every newline ends a record.
    Lines,
}

/// Calls `each` with consecutive blocks of whole records of the file and
/// the 1-based line of each block's first byte; at least once, so an empty
/// file still has its columns checked. A record longer than `max_record`
/// (only an unclosed quote makes one) takes the rest of the file, of which
/// only the first `max_record` bytes are kept: memory stays bounded.
pub fn for_each_block(
    path: &Path,
    records: Records,
    block_bytes: usize,
    max_record: usize,
    each: impl FnMut(Vec<u8>, u64) -> Result<()>,
) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    for_each_block_of(file, |e| Error::io(path, e), records, block_bytes, max_record, each)
}

/// [`for_each_block`] over any stream (a query's result), its read errors
/// worded by `io`.
pub fn for_each_block_of(
    mut file: impl Read,
    io: impl Fn(std::io::Error) -> Error,
    records: Records,
    block_bytes: usize,
    max_record: usize,
    mut each: impl FnMut(Vec<u8>, u64) -> Result<()>,
) -> Result<()> {
    let io = &io;
    let mut pending: Vec<u8> = Vec::new();
    let mut ended = fill(&mut file, &mut pending, block_bytes).map_err(io)?;
    let mut line = 1;
    let mut called = false;
    loop {
        let end = if ended { Some(pending.len()) } else { record_ends(&pending, records).last() };
        match end.filter(|end| *end > 0 || (ended && !called)) {
            Some(end) => {
                let block: Vec<u8> = pending.drain(..end).collect();
                let lines = memchr::memchr_iter(b'\n', &block).count() as u64;
                each(block, line)?;
                line += lines;
                called = true;
            }
            None if pending.len() > max_record => {
                // The rest of the file is one record: keep its start, cut on
                // a character, and drain the file.
                let mut cut = max_record;
                while cut > 0 && pending[cut] & 0xC0 == 0x80 {
                    cut -= 1;
                }
                pending.truncate(cut);
                std::io::copy(&mut file, &mut std::io::sink()).map_err(io)?;
                ended = true;
                continue;
            }
            None => {}
        }
        if ended {
            return Ok(());
        }
        ended = fill(&mut file, &mut pending, block_bytes).map_err(io)?;
    }
}

/// Appends up to `block_bytes` of the file to `pending`; true at its end.
fn fill(file: &mut impl Read, pending: &mut Vec<u8>, block_bytes: usize) -> std::io::Result<bool> {
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

/// Decodes a block to UTF-8 text, a UTF-8 byte-order mark at the file's
/// start dropped; an invalid byte sequence is an input error naming its
/// line.
pub fn decode(
    bytes: Vec<u8>,
    encoding: &'static encoding_rs::Encoding,
    path: &Path,
    first_line: u64,
    input: &str,
) -> Result<String> {
    let bad_at = |offset: usize, bytes: &[u8]| {
        let line = first_line + memchr::memchr_iter(b'\n', &bytes[..offset]).count() as u64;
        input_error(
            path,
            format!("line {line} is not valid {} text", encoding.name()),
            Some(format!(
                "save the file as UTF-8, or name its encoding in the config: [inputs.encoding] {input} = \"windows-1252\" (see docs/configuration.md)"
            )),
        )
    };
    let mut text = if encoding == encoding_rs::UTF_8 {
        String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            bad_at(offset, e.as_bytes())
        })?
    } else {
        let mut decoder = encoding.new_decoder_without_bom_handling();
        // The decoder writes into the room it is given, never more.
        let room = decoder.max_utf8_buffer_length_without_replacement(bytes.len());
        let mut out = String::with_capacity(room.ok_or_else(|| {
            input_error(path, "is too large to decode".to_owned(), Some("split the file into smaller ones".to_owned()))
        })?);
        let (result, read) = decoder.decode_to_string_without_replacement(&bytes, &mut out, true);
        match result {
            encoding_rs::DecoderResult::InputEmpty => {}
            encoding_rs::DecoderResult::Malformed(_, _) => return Err(bad_at(read.min(bytes.len()), &bytes)),
            encoding_rs::DecoderResult::OutputFull => {
                return Err(input_error(path, "cannot be decoded".to_owned(), None));
            }
        }
        out
    };
    if first_line == 1 && text.starts_with('\u{feff}') {
        text.replace_range(..'\u{feff}'.len_utf8(), "");
    }
    Ok(text)
}

// ---------------------------------------------------------------------------
// CSV

/// The fields of one CSV record (without its line end), unquoted, and
/// whether a quote was left open.
pub fn split_csv_record(record: &str, separator: u8) -> (Vec<Cow<'_, str>>, bool) {
    let mut fields = Vec::new();
    let mut rest = record;
    loop {
        let (field, next, open) = csv_field(rest, separator);
        fields.push(field);
        match next {
            Some(next) => rest = next,
            None => return (fields, open),
        }
    }
}

/// The first field of `s` (quotes removed), what follows its separator if
/// one ends it, and whether a quote was left open.
fn csv_field(s: &str, separator: u8) -> (Cow<'_, str>, Option<&str>, bool) {
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        return match memchr::memchr(separator, b) {
            Some(i) => (Cow::Borrowed(&s[..i]), Some(&s[i + 1..]), false),
            None => (Cow::Borrowed(s), None, false),
        };
    }
    let mut i = 1;
    let mut owned: Option<String> = None;
    let mut from = 1;
    loop {
        let Some(q) = memchr::memchr(b'"', &b[i..]).map(|q| q + i) else {
            // Unclosed: the field runs to the end.
            let text = match owned {
                Some(mut o) => {
                    o.push_str(&s[from..]);
                    Cow::Owned(o)
                }
                None => Cow::Borrowed(&s[from..]),
            };
            return (text, None, true);
        };
        if b.get(q + 1) == Some(&b'"') {
            let o = owned.get_or_insert_with(String::new);
            o.push_str(&s[from..=q]);
            i = q + 2;
            from = i;
            continue;
        }
        let inner = &s[from..q];
        let mut text = match owned {
            Some(mut o) => {
                o.push_str(inner);
                Cow::Owned(o)
            }
            None => Cow::Borrowed(inner),
        };
        // Text between the closing quote and the separator is kept, as
        // spreadsheets do.
        let after = &s[q + 1..];
        let (tail, next) = match memchr::memchr(separator, after.as_bytes()) {
            Some(j) => (&after[..j], Some(&after[j + 1..])),
            None => (after, None),
        };
        if !tail.trim().is_empty() {
            text = Cow::Owned(text.into_owned() + tail);
        }
        return (text, next, false);
    }
}

/// The header's names, trimmed; a name given twice is an input error.
pub fn csv_header(line: &str, separator: u8, path: &Path) -> Result<Vec<String>> {
    if line.contains('\r') {
        return Err(input_error(
            path,
            "its lines end with a carriage return alone (the old Mac format), so its records cannot be told apart"
                .to_owned(),
            Some("save the file again as \"CSV UTF-8\" or with Windows or Unix line ends".to_owned()),
        ));
    }
    let (names, open) = split_csv_record(line, separator);
    if open {
        return Err(input_error(
            path,
            "the header row has a quote that is not closed".to_owned(),
            Some("fix the header row (line 1) of the file".to_owned()),
        ));
    }
    let names: Vec<String> = names.into_iter().map(|n| n.trim().to_owned()).collect();
    for (k, name) in names.iter().enumerate() {
        if !name.is_empty() && names[..k].contains(name) {
            return Err(Error::Input {
                file: path.display().to_string(),
                column: Some(name.clone()),
                row: None,
                message: format!("the header names the column `{name}` twice"),
                hint: Some("rename or remove one of the two columns in the export".to_owned()),
            });
        }
    }
    Ok(names)
}

/// Reads a block of CSV records (after the header) into a chunk.
/// `first_record` and `first_line` are the 1-based number of its first
/// record and its first line; blank lines are no record.
pub fn csv_chunk(
    block: String,
    header: &[String],
    separator: u8,
    wanted: &[String],
    (first_record, first_line): (u64, u64),
) -> TextChunk {
    let slots: Vec<Option<usize>> = header.iter().map(|h| wanted.iter().position(|w| w == h)).collect();
    let mut chunk = TextChunk::new(block, wanted, Some(header.to_vec()), separator);
    for (slot, w) in wanted.iter().enumerate() {
        chunk.present[slot] = header.contains(w);
    }
    let block = std::mem::take(&mut chunk.block);
    let base = block.as_ptr() as usize;
    let offset_of = |s: &str| (s.as_ptr() as usize - base) as u32;
    let mut rest: &str = &block;
    let mut row = first_record;
    let mut next_line = first_line;
    while !rest.is_empty() {
        let (record, next) = split_record(rest);
        rest = next;
        let at_line = next_line;
        next_line += 1 + memchr::memchr_iter(b'\n', record.as_bytes()).count() as u64;
        let line = record.strip_suffix('\r').unwrap_or(record);
        if line.is_empty() {
            continue;
        }
        let start = chunk.cells.len();
        chunk.cells.extend(std::iter::repeat_n(Cell::Null, wanted.len()));
        let (fields, open) = chunk.read_csv_fields(line, start, &slots, base);
        let broken = csv_fault(open, fields, header.len());
        if broken.is_some() {
            chunk.cells[start..].fill(Cell::Null);
        }
        let (start, end) = (offset_of(line), offset_of(line) + line.len() as u32);
        chunk.records.push(Record { start, end, row, line: at_line, broken });
        row += 1;
    }
    chunk.block = block;
    chunk
}

impl TextChunk {
    /// Fills the wanted cells of the record starting at cell `start` from
    /// `line`, a slice of the block whose address is `base`; returns the
    /// number of fields and whether a quote was left open.
    fn read_csv_fields(&mut self, line: &str, start: usize, slots: &[Option<usize>], base: usize) -> (usize, bool) {
        let mut fields = 0;
        let mut open = false;
        let mut remaining = line;
        loop {
            let (field, next, o) = csv_field(remaining, self.separator);
            open |= o;
            if let Some(Some(slot)) = slots.get(fields) {
                self.cells[start + slot] = match field {
                    Cow::Borrowed(t) => {
                        let at = (t.as_ptr() as usize - base) as u32;
                        Cell::Text { owned: false, start: at, end: at + t.len() as u32 }
                    }
                    Cow::Owned(t) => {
                        let at = self.unescaped.len() as u32;
                        self.unescaped.push_str(&t);
                        Cell::Text { owned: true, start: at, end: self.unescaped.len() as u32 }
                    }
                };
            }
            fields += 1;
            match next {
                Some(n) => remaining = n,
                None => return (fields, open),
            }
        }
    }
}

/// Why a CSV record cannot be read, if so.
fn csv_fault(open: bool, fields: usize, width: usize) -> Option<&'static str> {
    if open {
        Some("a quote is not closed, so the rest of the file is one record")
    } else if fields > width {
        Some("the record has more fields than the header")
    } else if fields < width {
        Some("the record has fewer fields than the header")
    } else {
        None
    }
}

/// The first record of `s` (outside quotes, up to its newline, excluded)
/// and the rest.
fn split_record(s: &str) -> (&str, &str) {
    match record_ends(s.as_bytes(), Records::Csv).next() {
        Some(end) => (&s[..end - 1], &s[end..]),
        None => (s, ""),
    }
}

// ---------------------------------------------------------------------------
// NDJSON

/// Reads a block of NDJSON lines into a chunk; `first_line` is the 1-based
/// line of its first byte. A blank line is no record but counts as a line.
pub fn ndjson_chunk(block: String, wanted: &[String], first_line: u64) -> TextChunk {
    let mut chunk = TextChunk::new(block, wanted, None, b',');
    let block = std::mem::take(&mut chunk.block);
    let base = block.as_ptr() as usize;
    let offset_of = |s: &str| (s.as_ptr() as usize - base) as u32;
    for (k, line) in block.split('\n').enumerate() {
        let trimmed = line.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r'));
        if trimmed.is_empty() {
            continue;
        }
        let start = chunk.cells.len();
        chunk.cells.extend(std::iter::repeat_n(Cell::Null, wanted.len()));
        let broken = read_object(trimmed, &mut chunk, start, offset_of);
        if broken.is_some() {
            chunk.cells[start..].fill(Cell::Null);
        }
        let at = offset_of(trimmed);
        let line = first_line + k as u64;
        chunk.records.push(Record { start: at, end: at + trimmed.len() as u32, row: line, line, broken });
    }
    chunk.block = block;
    chunk
}

/// Fills the wanted cells of one record from its JSON object; the reason
/// it cannot be read, if so.
fn read_object(
    line: &str,
    chunk: &mut TextChunk,
    start: usize,
    offset_of: impl Fn(&str) -> u32,
) -> Option<&'static str> {
    if !line.starts_with('{') || serde_json::from_str::<serde::de::IgnoredAny>(line).is_err() {
        return Some("the line is not a JSON object");
    }
    let Some(members) = json_members(line) else {
        return Some("the line is not a JSON object");
    };
    let width = chunk.wanted.len();
    let mut seen = vec![false; width];
    for (key, raw) in members {
        // Keys are trimmed like CSV header names.
        let Some(slot) = chunk.wanted.iter().position(|w| w == key.trim()) else { continue };
        if std::mem::replace(&mut seen[slot], true) {
            return Some("the record names a key twice");
        }
        chunk.present[slot] = true;
        let s = offset_of(raw);
        chunk.cells[start + slot] = match raw.as_bytes()[0] {
            b'"' if !raw.contains('\\') => Cell::Text { owned: false, start: s + 1, end: s + raw.len() as u32 - 1 },
            b'"' => {
                let Ok(text) = serde_json::from_str::<String>(raw) else {
                    return Some("a text of the line is not valid JSON");
                };
                let at = chunk.unescaped.len() as u32;
                chunk.unescaped.push_str(&text);
                Cell::Text { owned: true, start: at, end: chunk.unescaped.len() as u32 }
            }
            b'{' | b'[' => Cell::Nested,
            b't' => Cell::Bool(true),
            b'f' => Cell::Bool(false),
            b'n' => Cell::Null,
            _ => Cell::Number { start: s, end: s + raw.len() as u32 },
        };
    }
    None
}

/// The top-level members of a JSON object already checked to be valid:
/// each key (unescaped) with its value's text.
fn json_members(line: &str) -> Option<Vec<(Cow<'_, str>, &str)>> {
    let b = line.as_bytes();
    let mut members = Vec::new();
    let mut i = skip_ws(b, 1);
    if b.get(i) == Some(&b'}') {
        return Some(members);
    }
    loop {
        let key_end = string_end(b, i)?;
        let raw_key = &line[i..key_end];
        let key = if raw_key.contains('\\') {
            Cow::Owned(serde_json::from_str::<String>(raw_key).ok()?)
        } else {
            Cow::Borrowed(&raw_key[1..raw_key.len() - 1])
        };
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        let value_end = value_end(b, i)?;
        members.push((key, &line[i..value_end]));
        i = skip_ws(b, value_end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some(members),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// The end (after the closing quote) of the string starting at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The end of the JSON value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0_usize;
            let mut j = i;
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b.get(j).is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')) {
                j += 1;
            }
            Some(j)
        }
    }
}

/// A JSON value's text for the rejects' `record`: a string unescaped,
/// anything else as written.
fn json_text(raw: &str) -> String {
    if raw.starts_with('"') {
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned())
    } else {
        raw.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn blocks(text: &str, records: Records, block_bytes: usize) -> Vec<(String, u64)> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        let mut out = Vec::new();
        for_each_block(file.path(), records, block_bytes, 1 << 20, |b, line| {
            out.push((String::from_utf8(b).unwrap(), line));
            Ok(())
        })
        .unwrap();
        out
    }

    const CSV: &str = "id,note\r\n1,\"two\nlines\"\r\n2,\"a \"\"quote\"\"\"\n3,last";

    #[test]
    fn csv_blocks_end_on_records_outside_quotes() {
        for block_bytes in [1, 3, 7, 16, 1 << 20] {
            let got = blocks(CSV, Records::Csv, block_bytes);
            assert_eq!(got.iter().map(|(b, _)| b.as_str()).collect::<String>(), CSV, "block of {block_bytes} bytes");
            // Each block's first line follows the newlines before it.
            let mut line = 1;
            for (b, first) in &got {
                assert_eq!(*first, line);
                line += b.matches('\n').count() as u64;
            }
        }
    }

    #[test]
    fn a_quote_left_open_keeps_only_the_start_of_the_rest_of_the_file() {
        let text = format!("a\n1\n\"{}\n2\n", "é".repeat(100));
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        let mut got = Vec::new();
        for_each_block(file.path(), Records::Csv, 8, 51, |b, _| {
            got.push(String::from_utf8(b).expect("cut on a character"));
            Ok(())
        })
        .unwrap();
        // 51 bytes kept: the quote and 25 characters of two bytes.
        assert_eq!(got.concat().len(), 4 + 51);
        assert!(got.last().unwrap().starts_with("\"é"));
    }

    #[test]
    fn csv_records_keep_quoted_newlines_and_doubled_quotes() {
        let header = vec!["id".to_owned(), "note".to_owned()];
        let body = &CSV["id,note\r\n".len()..];
        let chunk = csv_chunk(body.to_owned(), &header, b',', &wanted(&["note", "id"]), (1, 2));
        assert_eq!(chunk.height(), 3);
        assert_eq!(chunk.value(0, 0), Value::Text("two\nlines"));
        assert_eq!(chunk.value(1, 0), Value::Text("a \"quote\""));
        assert_eq!(chunk.value(2, 1), Value::Text("3"));
        assert_eq!((chunk.row(0), chunk.row(2)), (1, 3));
        // Record 2 starts on line 4: record 1 spans lines 2 and 3.
        assert_eq!((chunk.line(0), chunk.line(1), chunk.line(2)), (2, 4, 5));
        assert!(chunk.failure(1).is_none());
        assert_eq!(chunk.record_json(1), r#"{"id":"2","note":"a \"quote\""}"#);
    }

    #[test]
    fn a_csv_record_of_the_wrong_width_or_an_open_quote_is_a_bad_record() {
        let header = vec!["a".to_owned(), "b".to_owned()];
        let chunk = csv_chunk("1,2,3\n\n4\n5,6\n7,\"open\n8,9\n".to_owned(), &header, b',', &wanted(&["a"]), (1, 2));
        let reasons: Vec<Option<Reason>> = (0..chunk.height()).map(|i| chunk.failure(i).map(|f| f.reason)).collect();
        // The blank line is no record; the open quote takes the rest.
        assert_eq!(reasons, [Some(Reason::BadRecord), Some(Reason::BadRecord), None, Some(Reason::BadRecord)]);
        assert_eq!(chunk.value(0, 0), Value::Null);
        assert_eq!(chunk.value(2, 0), Value::Text("5"));
    }

    #[test]
    fn a_header_naming_a_column_twice_is_refused() {
        let err = csv_header("user_id;event;user_id", b';', Path::new("u.csv")).unwrap_err();
        assert!(err.to_string().contains("`user_id` twice"), "{err}");
        assert_eq!(csv_header(" a ;\"b\";", b';', Path::new("u.csv")).unwrap(), ["a", "b", ""]);
        let err = csv_header("a;b\r1;2\r", b';', Path::new("u.csv")).unwrap_err();
        assert!(err.to_string().contains("carriage return alone"), "{err}");
    }

    #[test]
    fn ndjson_values_keep_their_json_kind() {
        let text = "{\"a\":\"x\\\"y\",\"b\":12,\"c\":true}\n\n{\"b\":1180591620717411303424,\"a\":{\"n\":[1]}}\n{\"a\":null}\nnot json\n{\"a\":1,\"a\":2}\n{\"a\":\"\\ud83d\"}\n";
        let chunk = ndjson_chunk(text.to_owned(), &wanted(&["a", "b", "c"]), 1);
        assert_eq!(chunk.height(), 6);
        assert_eq!(chunk.value(0, 0), Value::Text("x\"y"));
        assert_eq!(chunk.value(0, 1), Value::Number("12"));
        assert_eq!(chunk.value(0, 2), Value::Bool(true));
        // Line 2 is blank: the next record is line 3.
        assert_eq!(chunk.row(1), 3);
        assert_eq!(chunk.value(1, 1), Value::Number("1180591620717411303424"));
        assert_eq!(chunk.value(1, 0), Value::Nested);
        assert_eq!(chunk.value(1, 2), Value::Null);
        assert_eq!(chunk.value(2, 0), Value::Null);
        assert_eq!(chunk.failure(3).map(|f| f.reason), Some(Reason::BadRecord));
        assert_eq!(chunk.failure(4).map(|f| f.reason), Some(Reason::BadRecord));
        // A lone surrogate is no text: the record is bad, not empty.
        assert_eq!(chunk.failure(5).map(|f| f.reason), Some(Reason::BadRecord));
        assert!(chunk.has_column("a") && chunk.has_column("b") && chunk.has_column("c"));
        assert_eq!(chunk.record_json(1), r#"{"b":"1180591620717411303424","a":"{\"n\":[1]}"}"#);
    }

    #[test]
    fn invalid_text_names_its_line_and_the_encoding_key() {
        let err =
            decode(b"a\nb\n\xe9t\xe9\n".to_vec(), encoding_rs::UTF_8, Path::new("p.csv"), 10, "projects").unwrap_err();
        assert!(err.to_string().contains("line 12"), "{err}");
        assert!(err.hint().unwrap().contains("[inputs.encoding] projects"), "{err:?}");
        let text = decode(b"\xe9t\xe9;45\xa0000,00".to_vec(), encoding_rs::WINDOWS_1252, Path::new("p.csv"), 1, "p");
        assert_eq!(text.unwrap(), "été;45\u{a0}000,00");
        // Each byte 0x80 is a three-byte € in UTF-8.
        let euros = decode(vec![0x80; 1000], encoding_rs::WINDOWS_1252, Path::new("p.csv"), 1, "p");
        assert_eq!(euros.unwrap(), "€".repeat(1000));
        let bom = decode(b"\xef\xbb\xbfid\n".to_vec(), encoding_rs::UTF_8, Path::new("p.csv"), 1, "p");
        assert_eq!(bom.unwrap(), "id\n");
    }
}
