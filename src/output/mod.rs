//! Everything jauge writes goes through here: the parquet tables, the
//! manifest, the report files and generated datasets, inside an atomic
//! output folder.
//!
//! Not responsible for computing or rendering: callers hand it rows or bytes.

pub mod folder;
pub mod manifest;
pub mod parquet;
pub mod raw;

use polars::prelude::DataFrame;

use crate::error::Result;
use crate::privacy::{self, Suppressed};
use crate::tables::Tables;
use folder::OutputFolder;
use manifest::Written;

/// Writes every parquet table; returns what was written.
pub fn write_tables(folder: &OutputFolder, t: &Tables, suppressed: &privacy::Report) -> Result<Vec<Written>> {
    let tables: [(&'static str, Result<DataFrame>, usize); 8] = [
        ("kpis.parquet", parquet::kpis(&t.kpis), t.kpis.len()),
        ("retention.parquet", parquet::retention(&t.retention), t.retention.len()),
        ("funnel.parquet", parquet::funnel(&t.funnel), t.funnel.len()),
        ("outcomes.parquet", parquet::outcomes(&t.outcomes), t.outcomes.len()),
        ("survival.parquet", parquet::survival(&t.survival), t.survival.len()),
        ("survival_summary.parquet", parquet::survival_summary(&t.survival_summary), t.survival_summary.len()),
        ("impact.parquet", parquet::impact(&t.impact), t.impact.len()),
        ("restricted/rejects.parquet", parquet::rejects(&t.rejects), t.rejects.len()),
    ];
    let mut written = Vec::new();
    for (file, frame, rows) in tables {
        let bytes = parquet::to_bytes(&mut frame?, file)?;
        folder.write(file, &bytes)?;
        written.push(Written {
            file: file.to_owned(),
            rows,
            suppressed: suppressed.get(file).copied().unwrap_or(Suppressed::default()),
        });
    }
    Ok(written)
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
