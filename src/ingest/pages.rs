//! A parquet file's page headers, checked before polars decodes its pages:
//! polars sizes its buffers from these headers, so one corrupt count in a
//! damaged file would make it ask for exabytes and abort the run (found by
//! `tests/fuzz_readers.rs`). Reading the headers costs a seek per page, not
//! a read of the data.
//!
//! Not responsible for decoding values, nor for the footer (polars checks
//! it, and it gives the counts checked against here).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use polars::io::parquet::read::FileMetadata;
use polars_parquet_format::PageHeader;
use polars_parquet_format::thrift::protocol::TCompactInputProtocol;

/// The most bytes a page may decompress to; polars writes pages of about
/// 1 MB.
const MAX_PAGE_BYTES: i64 = 1 << 30;

/// Values in a column chunk per row, at most: an input's columns are
/// scalars, and a nested one is read only to be rejected.
const MAX_VALUES_PER_ROW: i64 = 1 << 10;

/// The most bytes of one page header (statistics included).
const MAX_HEADER_BYTES: usize = 16 << 20;

/// Why the pages of `path` cannot be decoded safely, if so.
pub fn check(path: &Path, metadata: &FileMetadata) -> Result<(), &'static str> {
    let file = File::open(path).map_err(|_| "cannot be opened")?;
    let len = file.metadata().map_err(|_| "cannot be opened")?.len();
    let mut reader = BufReader::new(file);
    for group in &metadata.row_groups {
        let rows = i64::try_from(group.num_rows()).map_err(|_| "a row group has too many rows")?;
        if rows > i64::from(u32::MAX) {
            return Err("a row group has too many rows");
        }
        for column in group.parquet_columns() {
            let values = column.num_values();
            if values < 0 || values > rows.max(1).saturating_mul(MAX_VALUES_PER_ROW) {
                return Err("a column chunk has an impossible number of values");
            }
            let range = column.byte_range();
            if range.start > range.end || range.end > len {
                return Err("a column chunk lies outside the file");
            }
            check_chunk(&mut reader, range, values)?;
        }
    }
    Ok(())
}

/// Walks the page headers of one column chunk, as polars will, checking
/// each count against the chunk's.
fn check_chunk(reader: &mut BufReader<File>, range: std::ops::Range<u64>, values: i64) -> Result<(), &'static str> {
    let mut at = range.start;
    let mut seen: i64 = 0;
    while seen < values {
        reader.seek(SeekFrom::Start(at)).map_err(|_| "a page lies outside the file")?;
        let mut counted = Counted { inner: &mut *reader, read: 0 };
        let header = {
            let mut protocol = TCompactInputProtocol::new(&mut counted, MAX_HEADER_BYTES);
            PageHeader::read_from_in_protocol(&mut protocol).map_err(|_| "a page header cannot be read")?
        };
        let size = u64::try_from(header.compressed_page_size).map_err(|_| "a page has a negative size")?;
        at = at.saturating_add(counted.read).saturating_add(size);
        if at > range.end {
            return Err("a page runs past its column chunk");
        }
        if !(0..=MAX_PAGE_BYTES).contains(&i64::from(header.uncompressed_page_size)) {
            return Err("a page has an impossible size");
        }
        seen = seen.saturating_add(page_values(&header, size)?);
        if seen > values {
            return Err("the pages of a column chunk hold more values than the chunk");
        }
    }
    Ok(())
}

/// The values a page adds to its chunk (none for a dictionary), after
/// checking its own counts.
fn page_values(header: &PageHeader, size: u64) -> Result<i64, &'static str> {
    let bad = "a page has an impossible number of values";
    if let Some(dict) = &header.dictionary_page_header {
        // Every dictionary entry takes at least a byte.
        if dict.num_values < 0 || dict.num_values > header.uncompressed_page_size {
            return Err(bad);
        }
    }
    if let Some(v1) = &header.data_page_header {
        return if v1.num_values < 0 { Err(bad) } else { Ok(i64::from(v1.num_values)) };
    }
    if let Some(v2) = &header.data_page_header_v2 {
        let levels = i64::from(v2.definition_levels_byte_length) + i64::from(v2.repetition_levels_byte_length);
        let counts_ok = v2.num_values >= 0
            && (0..=v2.num_values).contains(&v2.num_nulls)
            && (0..=v2.num_values).contains(&v2.num_rows)
            && v2.definition_levels_byte_length >= 0
            && v2.repetition_levels_byte_length >= 0
            && u64::try_from(levels).is_ok_and(|l| l <= size);
        return if counts_ok { Ok(i64::from(v2.num_values)) } else { Err(bad) };
    }
    Ok(0)
}

/// Counts the bytes the header parser takes, so the page data after the
/// header can be skipped.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(path: &Path) -> FileMetadata {
        let mut reader = polars::prelude::ParquetReader::new(File::open(path).unwrap());
        use polars::prelude::SerReader as _;
        (**reader.get_metadata().unwrap()).clone()
    }

    #[test]
    fn a_sound_file_passes_and_a_damaged_page_count_does_not() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/fixtures/bad/parquet/usage.parquet");
        let meta = metadata(&fixture);
        assert_eq!(check(&fixture, &meta), Ok(()));
        // Two bytes changed in page headers, as the fuzz target found them:
        // polars asked for 2^61 bytes.
        let mut bytes = std::fs::read(&fixture).unwrap();
        bytes[214] = 29;
        bytes[326] = 121;
        let damaged = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(damaged.path(), &bytes).unwrap();
        assert!(check(damaged.path(), &meta).is_err());
    }
}
