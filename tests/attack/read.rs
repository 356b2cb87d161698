//! What the attacker reads of a run: every parquet table as rows, the
//! report's Markdown tables and the text of every chart SVG, exactly as
//! they were written to the output folder.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;

/// One parquet table: its columns by name, each cell as text-free values.
pub struct Frame {
    df: DataFrame,
}

impl Frame {
    pub fn open(path: &Path) -> Frame {
        let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Frame { df: ParquetReader::new(file).finish().unwrap() }
    }

    pub fn len(&self) -> usize {
        self.df.height()
    }

    fn column(&self, name: &str) -> &Column {
        self.df.column(name).unwrap_or_else(|e| panic!("column {name}: {e}"))
    }

    pub fn text(&self, name: &str) -> Vec<String> {
        let ca = self.column(name).str().unwrap();
        (0..ca.len()).map(|i| ca.get(i).unwrap_or_default().to_owned()).collect()
    }

    pub fn date(&self, name: &str) -> Vec<i32> {
        let ca = self.column(name).date().unwrap().physical();
        (0..ca.len()).map(|i| ca.get(i).unwrap()).collect()
    }

    pub fn int(&self, name: &str) -> Vec<Option<i32>> {
        let ca = self.column(name).i32().unwrap();
        (0..ca.len()).map(|i| ca.get(i)).collect()
    }

    pub fn count(&self, name: &str) -> Vec<Option<u64>> {
        let ca = self.column(name).u64().unwrap();
        (0..ca.len()).map(|i| ca.get(i)).collect()
    }

    pub fn float(&self, name: &str) -> Vec<Option<f64>> {
        let ca = self.column(name).f64().unwrap();
        (0..ca.len()).map(|i| ca.get(i)).collect()
    }

    pub fn flag(&self, name: &str) -> Vec<bool> {
        let ca = self.column(name).bool().unwrap();
        (0..ca.len()).map(|i| ca.get(i).unwrap_or(false)).collect()
    }

    /// Every column of a kind: (name, values).
    pub fn counts(&self) -> Vec<(String, Vec<Option<u64>>)> {
        self.df
            .columns()
            .iter()
            .filter(|c| c.dtype() == &DataType::UInt64)
            .map(|c| (c.name().to_string(), self.count(c.name())))
            .collect()
    }

    pub fn floats(&self) -> Vec<(String, Vec<Option<f64>>)> {
        self.df
            .columns()
            .iter()
            .filter(|c| c.dtype() == &DataType::Float64)
            .map(|c| (c.name().to_string(), self.float(c.name())))
            .collect()
    }
}

/// Everything a run published.
pub struct Run {
    pub kpis: Frame,
    pub retention: Frame,
    pub funnel: Frame,
    pub outcomes: Frame,
    pub survival: Frame,
    pub survival_summary: Frame,
    pub impact: Frame,
    pub report: String,
    /// Chart name → the text of its `<text>` elements, in order.
    pub charts: BTreeMap<String, Vec<String>>,
}

impl Run {
    pub fn open(out: &Path) -> Run {
        let table = |name: &str| Frame::open(&out.join(name));
        let mut charts = BTreeMap::new();
        for entry in std::fs::read_dir(out.join("charts")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "svg") {
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                charts.insert(name, svg_texts(&std::fs::read_to_string(&path).unwrap()));
            }
        }
        Run {
            kpis: table("kpis.parquet"),
            retention: table("retention.parquet"),
            funnel: table("funnel.parquet"),
            outcomes: table("outcomes.parquet"),
            survival: table("survival.parquet"),
            survival_summary: table("survival_summary.parquet"),
            impact: table("impact.parquet"),
            // No-break spaces keep `< 10` and `12 / 30` together in print; the
            // attacker reads them as plain spaces.
            report: std::fs::read_to_string(out.join("report.md")).unwrap().replace('\u{A0}', " "),
            charts,
        }
    }
}

/// The content of each `<text>` element (plotters writes it on its own
/// line between the tags), entities decoded.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let after = &rest[start..];
        let open = after.find('>').unwrap() + 1;
        let close = after.find("</text>").unwrap();
        let text = after[open..close].trim();
        let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", "\"");
        out.push(text.replace('\u{A0}', " "));
        rest = &after[close..];
    }
    out
}

/// A Markdown table of the report: the heading above it, its header and
/// its rows, cells unescaped and without bold marks.
#[derive(Debug, Clone)]
pub struct MdTable {
    pub heading: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn md_tables(report: &str) -> Vec<MdTable> {
    let mut tables = Vec::new();
    let mut heading = String::new();
    let mut lines = report.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_owned();
        }
        if !line.starts_with('|') {
            continue;
        }
        let head = cells(line);
        lines.next(); // the |---| line
        let mut rows = Vec::new();
        while let Some(row) = lines.next_if(|l| l.starts_with('|')) {
            rows.push(cells(row));
        }
        tables.push(MdTable { heading: heading.clone(), head, rows });
    }
    tables
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split(" | ").map(|c| c.trim().replace("**", "").replace('\\', "")).collect()
}

/// An English count as the report writes it (`1,234`), `None` for
/// anything else.
pub fn parse_count(text: &str) -> Option<u64> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return None;
    }
    t.replace(',', "").parse().ok()
}

/// An English percentage as the report writes it (`12.3%`).
pub fn parse_percent(text: &str) -> Option<f64> {
    let t = text.trim().strip_suffix('%')?;
    t.replace(',', "").parse::<f64>().ok().map(|v| v / 100.0)
}

/// Every `n = 1,234` in a text.
pub fn n_equals(text: &str) -> Vec<u64> {
    text.match_indices("n = ")
        .filter_map(|(i, m)| {
            let digits: String = text[i + m.len()..].chars().take_while(|c| c.is_ascii_digit() || *c == ',').collect();
            parse_count(digits.trim_end_matches(','))
        })
        .collect()
}
