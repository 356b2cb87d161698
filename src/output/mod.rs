//! Everything jauge writes goes through here: the parquet tables, the
//! manifest, the report files and generated datasets (tables that
//! `jauge_generate` makes), inside an atomic output folder.
//!
//! Not responsible for computing or rendering: callers hand it rows or bytes.

pub mod folder;
pub mod manifest;
pub mod parquet;
pub mod rejects_csv;
pub mod xlsx;

use crate::error::{Error, Result};
use crate::privacy::{self, Suppressed};
use crate::tables::{RevisionRow, Table, Tables, Visitor};
use folder::OutputFolder;
use manifest::Written;

/// Writes every parquet table, `revisions` as `revisions.parquet` (they are
/// computed beside the workbook, apart from `t`); returns what was written.
pub fn write_tables(
    folder: &OutputFolder,
    t: &Tables,
    revisions: &[RevisionRow],
    suppressed: &privacy::Report,
) -> Result<Vec<Written>> {
    let mut writer = TableWriter { folder, suppressed, revisions, written: Vec::new(), error: None };
    t.visit(&mut writer);
    match writer.error {
        Some(e) => Err(e),
        None => Ok(writer.written),
    }
}

struct TableWriter<'a> {
    folder: &'a OutputFolder,
    suppressed: &'a privacy::Report,
    revisions: &'a [RevisionRow],
    written: Vec<Written>,
    error: Option<Error>,
}

impl Visitor for TableWriter<'_> {
    fn table<T: Table>(&mut self, rows: &[T]) {
        if T::FILE == RevisionRow::FILE {
            let revisions = self.revisions;
            self.write(revisions);
        } else {
            self.write(rows);
        }
    }
}

impl TableWriter<'_> {
    fn write<T: Table>(&mut self, rows: &[T]) {
        if self.error.is_some() {
            return;
        }
        let bytes = parquet::table(rows).and_then(|mut frame| parquet::to_bytes(&mut frame, T::FILE));
        match bytes.and_then(|bytes| self.folder.write(T::FILE, &bytes)) {
            Ok(()) => self.written.push(Written {
                file: T::FILE.to_owned(),
                rows: rows.len(),
                suppressed: self.suppressed.get(T::FILE).copied().unwrap_or_default(),
            }),
            Err(e) => self.error = Some(e),
        }
    }
}

/// Writes `tables.xlsx`, every table but the rejects as a sheet; the
/// revisions sheet waits for `revisions`.
pub fn write_workbook(
    folder: &OutputFolder,
    t: &Tables,
    revisions: &std::sync::mpsc::Receiver<Vec<RevisionRow>>,
    as_of: i32,
) -> Result<Written> {
    let (bytes, rows) = xlsx::workbook(t, revisions, as_of)?;
    folder.write(xlsx::FILE, &bytes)?;
    Ok(Written { file: xlsx::FILE.to_owned(), rows, suppressed: Suppressed::default() })
}

/// Writes the report's HTML, Markdown and charts (SVG and PNG).
pub fn write_report(folder: &OutputFolder, rendered: &crate::report::Rendered) -> Result<Vec<Written>> {
    folder.write("report.html", rendered.html.as_bytes())?;
    folder.write("report.md", rendered.markdown.as_bytes())?;
    for chart in &rendered.charts {
        folder.write(&format!("charts/{}.svg", chart.name), chart.svg.as_bytes())?;
        folder.write(&format!("charts/{}.png", chart.name), &chart.png)?;
    }
    let file = |name: &str, rows: usize| Written { file: name.to_owned(), rows, suppressed: Suppressed::default() };
    Ok(vec![file("report.html", 1), file("report.md", 1), file("charts/", rendered.charts.len())])
}

/// Writes the public statistics pages into `public/`.
pub fn write_public(folder: &OutputFolder, site: &crate::report::public::Site) -> Result<Written> {
    folder.write("public/index.html", site.index.as_bytes())?;
    for page in &site.products {
        folder.write(&format!("public/{}/index.html", page.folder), page.html.as_bytes())?;
        folder.write(&format!("public/{}/stats.json", page.folder), page.json.as_bytes())?;
    }
    let files = 1 + 2 * site.products.len();
    Ok(Written { file: "public/".to_owned(), rows: files, suppressed: Suppressed::default() })
}
