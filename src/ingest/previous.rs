//! The earlier run that this month's is compared with (SPEC section 8): its
//! `manifest.json` and its published tables, read back as column values of
//! the same kinds the run writes.
//!
//! Not responsible for the comparison (`revisions`) nor for choosing which
//! folder is the earlier run (`commands::run`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::read;
use crate::error::{Error, Result};
use crate::tables::{ColumnDef, Kind, Table, Tables, Values, Visitor};

/// An earlier run's folder, read.
pub struct Previous {
    pub dir: PathBuf,
    pub manifest: serde_json::Value,
    /// Each compared table's frame, by file; a table the earlier run did not
    /// write, or wrote with other columns (another version), is absent.
    frames: BTreeMap<&'static str, (DataFrame, &'static [ColumnDef])>,
    /// The tables the earlier run wrote with other columns or types (an
    /// older version): not compared, and the run says so.
    pub not_compared: Vec<&'static str>,
}

impl Previous {
    /// The run in `dir`, or `None` when `dir` holds no jauge manifest.
    pub fn open(dir: &Path) -> Result<Option<Previous>> {
        let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else { return Ok(None) };
        let manifest: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            read::input_error(
                &dir.join("manifest.json"),
                format!("the earlier run's manifest is not valid JSON ({e})"),
                Some("pass --previous with another run's folder, or remove this one".into()),
            )
        })?;
        if manifest.get("engine").and_then(|e| e.as_str()) != Some("jauge") {
            return Ok(None);
        }
        let mut reader = Reader { dir, frames: BTreeMap::new(), not_compared: Vec::new(), error: None };
        // An empty set of tables walks the one list of table types.
        Tables::default().visit(&mut reader);
        if let Some(e) = reader.error {
            return Err(e);
        }
        Ok(Some(Previous {
            dir: dir.to_path_buf(),
            manifest,
            frames: reader.frames,
            not_compared: reader.not_compared,
        }))
    }

    /// Each table's columns, in its declaration's order.
    pub fn values(&self) -> BTreeMap<&'static str, Vec<Values<'_>>> {
        self.frames.iter().filter_map(|(file, (frame, columns))| Some((*file, frame_values(frame, columns)?))).collect()
    }
}

struct Reader<'a> {
    dir: &'a Path,
    frames: BTreeMap<&'static str, (DataFrame, &'static [ColumnDef])>,
    not_compared: Vec<&'static str>,
    error: Option<Error>,
}

impl Visitor for Reader<'_> {
    fn table<T: Table>(&mut self, _: &[T]) {
        let path = self.dir.join(T::FILE);
        if T::REVISED.is_empty() || !path.is_file() || self.error.is_some() {
            return;
        }
        match read(&path) {
            Ok(frame) if frame_values(&frame, T::COLUMNS).is_some() => {
                self.frames.insert(T::FILE, (frame, T::COLUMNS));
            }
            Ok(_) => self.not_compared.push(T::FILE),
            Err(e) => self.error = Some(e),
        }
    }
}

fn read(path: &Path) -> Result<DataFrame> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    ParquetReader::new(file).finish().map_err(|_| {
        read::input_error(
            path,
            "the earlier run's table cannot be read as parquet".into(),
            Some("pass --previous with another run's folder; jauge compares with its own outputs only".into()),
        )
    })
}

/// The frame's columns as `columns` declares them, or `None` when one is
/// missing or of another type.
fn frame_values<'a>(frame: &'a DataFrame, columns: &[ColumnDef]) -> Option<Vec<Values<'a>>> {
    columns.iter().map(|c| column_values(frame.column(c.name).ok()?.as_materialized_series(), c.kind)).collect()
}

fn column_values(s: &Series, kind: Kind) -> Option<Values<'_>> {
    let n = s.len();
    Some(match kind {
        Kind::Text => {
            let ca = s.str().ok()?;
            Values::Text((0..n).map(|i| ca.get(i).unwrap_or("")).collect())
        }
        Kind::Date => {
            let ca = s.date().ok()?.physical();
            Values::Date((0..n).map(|i| ca.get(i)).collect())
        }
        Kind::Int => {
            let ca = s.i32().ok()?;
            Values::Int((0..n).map(|i| ca.get(i)).collect())
        }
        Kind::Count | Kind::Number => {
            let ca = s.u64().ok()?;
            Values::UInt((0..n).map(|i| ca.get(i)).collect())
        }
        Kind::Float => {
            let ca = s.f64().ok()?;
            Values::Float((0..n).map(|i| ca.get(i)).collect())
        }
        Kind::Flag => {
            let ca = s.bool().ok()?;
            Values::Flag((0..n).map(|i| ca.get(i).unwrap_or(false)).collect())
        }
    })
}
