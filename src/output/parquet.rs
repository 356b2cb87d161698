//! The output tables as polars frames, and parquet bytes written with fixed
//! compression, row-group size and statistics so that the same rows give
//! the same bytes.
//!
//! Not responsible for where the bytes go: `folder` writes them.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::tables::{Table, Values};

const ROW_GROUP_ROWS: usize = 65_536;

/// Parquet bytes of a frame.
pub fn to_bytes(df: &mut DataFrame, name: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Snappy)
        .with_statistics(StatisticsOptions::default())
        .with_row_group_size(Some(ROW_GROUP_ROWS))
        .set_parallel(false)
        .finish(df)
        .map_err(|e| Error::polars(format!("writing {name}"), e))?;
    Ok(bytes)
}

fn frame(height: usize, columns: Vec<Column>) -> Result<DataFrame> {
    DataFrame::new(height, columns).map_err(|e| Error::polars("building an output table", e))
}

/// An output table as a frame, column by column as [`Table::COLUMNS`]
/// declares them.
pub fn table<T: Table>(rows: &[T]) -> Result<DataFrame> {
    let columns = T::COLUMNS.iter().zip(T::values(rows)).map(|(def, values)| column(def.name, values));
    frame(rows.len(), columns.collect::<Result<_>>()?)
}

fn column(name: &str, values: Values<'_>) -> Result<Column> {
    let name: PlSmallStr = name.into();
    Ok(match values {
        Values::Text(v) => Column::new(name, v),
        Values::Date(v) => {
            let days = Column::new(name.clone(), v);
            days.cast(&DataType::Date).map_err(|e| Error::polars(format!("column {name}"), e))?
        }
        Values::Int(v) => Column::new(name, v),
        Values::UInt(v) => Column::new(name, v),
        Values::Float(v) => Column::new(name, v),
        Values::Flag(v) => Column::new(name, v),
    })
}

/// A generated table as a frame: dictionary text is materialised, UTC
/// timestamps become `Datetime(µs, UTC)`, days become `Date`.
pub fn raw_frame(table: &jauge_generate::raw::RawTable) -> Result<DataFrame> {
    use jauge_generate::raw::Column as Raw;
    let mut columns = Vec::with_capacity(table.columns.len());
    let mut height = 0;
    for (name, column) in &table.columns {
        let name: PlSmallStr = name.as_str().into();
        let c = match column {
            Raw::Text(v) => Column::new(name, v),
            Raw::Dict { values, codes } => {
                let texts: Vec<Option<&str>> = codes.iter().map(|c| c.map(|c| values[c as usize].as_str())).collect();
                Column::new(name, texts)
            }
            Raw::Int(v) => Column::new(name, v),
            Raw::Float(v) => Column::new(name, v),
            Raw::TimestampUtc(v) => {
                Int64Chunked::new(name, v).into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)).into_column()
            }
            Raw::Date(v) => Int32Chunked::new(name, v).into_date().into_column(),
        };
        height = c.len();
        columns.push(c);
    }
    frame(height, columns)
}
