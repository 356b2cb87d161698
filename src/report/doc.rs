//! The report as a document: sections of headings, paragraphs, tables and
//! chart references, already worded and formatted in the report's language.
//!
//! Responsible for being the one content both renderers serialise, so the
//! HTML and the Markdown say the same thing. Not responsible for markup or
//! escaping (each renderer escapes every string it writes).

use super::model::NorthStarStatus;

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// `fr` or `en`.
    pub lang: &'static str,
    pub title: String,
    /// Month, `as_of` and config hash, repeated on every page.
    pub running_head: String,
    pub contents_title: String,
    pub sections: Vec<Section>,
    pub footer: String,
}

/// A section: a top-level part of the report or one product's page.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The anchor the table of contents links to (ASCII, unique).
    pub anchor: String,
    pub title: String,
    /// 1 for a part of the report, 2 for a page inside "Products".
    pub level: u8,
    /// Starts a new printed page.
    pub page_break: bool,
    /// A product's page (printed on one A4 page at most).
    pub product: bool,
    /// The rest of the section before it, under the same heading: left
    /// out of the table of contents.
    pub continued: bool,
    pub blocks: Vec<Block>,
}

impl Section {
    /// A part of the report: level 1, no product.
    pub fn part(anchor: &str, title: String, page_break: bool, blocks: Vec<Block>) -> Section {
        Section { anchor: anchor.into(), title, level: 1, page_break, product: false, continued: false, blocks }
    }
}

/// One piece of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Para(String),
    /// A grey note (legends, caveats).
    Note(String),
    /// A highlighted warning (allocation check, no usage data).
    Warning(String),
    /// Small key facts on one line: `label: value` pairs.
    Facts(Vec<(String, String)>),
    /// Terms and their definitions (the Method section).
    Definitions(Vec<(String, String)>),
    /// A north star box.
    NorthStar(NorthStarBox),
    Table(Table),
    /// A chart by file stem; `alt` describes it for screen readers.
    Chart {
        name: String,
        alt: String,
    },
    /// Blocks side by side on a page (stacked in Markdown).
    Columns(Vec<Vec<Block>>),
    /// The generated sentences that open the report.
    Lead(Vec<String>),
    /// A verdict on an impact, coloured by its sign: a bold title, then text.
    Verdict {
        sign: Sign,
        title: String,
        text: String,
    },
}

/// What a product's north star box shows.
#[derive(Debug, Clone, PartialEq)]
pub struct NorthStarBox {
    pub kpi: String,
    pub value: Cell,
    pub target: String,
    pub status: NorthStarStatus,
    pub status_label: String,
    /// `(label, change)` lines, e.g. ("over a month", "+120 (+5.0%)").
    pub changes: Vec<(String, String)>,
    /// Partial month, lower-is-better and similar remarks.
    pub remarks: Vec<String>,
}

/// A table; the first column is text, the others usually numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Row>,
}

/// One table row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub kind: RowKind,
}

/// How a row stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowKind {
    #[default]
    Normal,
    /// A total or subtotal.
    Total,
    /// A greyed row (left-truncated, exploratory).
    Muted,
}

/// One table cell with what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// What the cell reads; for a sparkline, its text form (Markdown).
    pub text: String,
    pub kind: CellKind,
}

/// What a cell holds, which decides its alignment and style.
#[derive(Debug, Clone, PartialEq)]
pub enum CellKind {
    Text,
    Number,
    /// Hidden by disclosure control: hatched, reads `< k`.
    Suppressed,
    /// No value: reads `—`.
    Missing,
    Status(NorthStarStatus),
    /// A verdict: positive, negative or neutral.
    Verdict(Sign),
    /// A tiny line chart of monthly values (`None`: a gap), oldest first.
    Sparkline(Vec<Option<f64>>),
}

/// The direction of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Positive,
    Negative,
    Neutral,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell { text: s.into(), kind: CellKind::Text }
    }

    pub fn number(s: impl Into<String>) -> Cell {
        Cell { text: s.into(), kind: CellKind::Number }
    }

    pub fn missing() -> Cell {
        Cell { text: "—".to_string(), kind: CellKind::Missing }
    }

    pub fn suppressed(mark: &str) -> Cell {
        Cell { text: mark.to_string(), kind: CellKind::Suppressed }
    }
}

impl Table {
    /// Columns whose body cells are all figures (numbers, `< k`, `—`):
    /// right-aligned by both renderers.
    pub fn numeric_columns(&self) -> Vec<bool> {
        (0..self.head.len())
            .map(|i| {
                let mut cells = self.rows.iter().filter_map(|r| r.cells.get(i)).peekable();
                cells.peek().is_some()
                    && cells.all(|c| matches!(c.kind, CellKind::Number | CellKind::Suppressed | CellKind::Missing))
            })
            .collect()
    }
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row { cells, kind: RowKind::Normal }
    }

    pub fn with_kind(cells: Vec<Cell>, kind: RowKind) -> Row {
        Row { cells, kind }
    }
}
