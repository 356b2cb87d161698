//! The report's input: plain data that the run assembles once compute and
//! disclosure control are done, and that the charts and renderers only read.
//!
//! Responsible for the shape of that data and nothing else: no polars, no
//! computation, no formatting. Dates are local day numbers (days since
//! 1970-01-01); a month is the day number of its 1st.

pub use crate::config::{Labels, PlannedN};
use crate::format::Lang;
use crate::ingest::warning::Warning;
use crate::revisions::PreviousRun;
pub use crate::tables::{CatalogReject, Direction, IdCoverage, NorthStar, NorthStarStatus};
use crate::tables::{Reconciliation, RevisionRow, Tables};

/// One product of the catalog (an accepted row of `projects`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProjectInfo {
    pub id: String,
    pub name: String,
    /// `intrapreneur`, `business_request` or `ministerial_order`.
    pub origin: Option<String>,
    /// `job_seekers`, `employers` or `advisers`.
    pub audience: Option<String>,
    /// `investigation`, `construction`, `acceleration`, `consolidation`,
    /// `transfer` or `stopped`.
    pub phase: Option<String>,
    pub annual_cost_eur: Option<f64>,
    /// False when the product has no event in `E`: its page says "no usage data".
    pub has_usage: bool,
    /// The outcome and window its public page shows: the primary endpoint
    /// of its trial, else its first outcome at its shortest window.
    pub public_outcome: Option<(String, i32)>,
}

/// Everything the report shows, after disclosure control.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    pub title: String,
    pub lang: Lang,
    /// The reporting month (day number of its 1st).
    pub month: i32,
    /// The data cut-off, inclusive (day number).
    pub as_of: i32,
    /// Hex SHA-256 of the config, shown on every page.
    pub config_sha256: String,
    /// The disclosure threshold `k` (0: disabled); suppressed cells read `< k`.
    pub min_cell: u64,
    /// The first `[defaults].outcomes`, for the portfolio outcome rate.
    pub default_outcome: Option<String>,
    /// The shortest `[defaults].windows`, in days.
    pub shortest_window: Option<i32>,
    /// The whole catalog, sorted by id.
    pub projects: Vec<ProjectInfo>,
    /// One entry per product that declares a north star.
    pub north_stars: Vec<NorthStar>,
    pub tables: &'a Tables,
    /// The revisions against the earlier run (`revisions.parquet`'s rows),
    /// apart from `tables`: they are computed while the workbook of the
    /// other tables is being written.
    pub revisions: &'a [RevisionRow],
    /// One row per input file.
    pub reconciliation: Vec<Reconciliation>,
    /// `(input, reason code, rows)`, any order: the report sorts them.
    pub reject_reasons: Vec<(String, String, u64)>,
    pub id_coverage: Vec<IdCoverage>,
    /// `(project_id, month)`: months whose events fall below half the median
    /// of the three months before (a possible tracking outage).
    pub outages: Vec<(String, i32)>,
    /// Each trial's `planned_n`, by project id.
    pub planned_n: Vec<PlannedN>,
    /// The earlier run this one was compared with (SPEC section 8).
    pub previous: Option<PreviousRun>,
    /// Words for outcome and event codes (`[labels]`).
    pub labels: Labels,
    /// Rejected rows of the catalog: each product the report cannot show.
    pub catalog_rejects: Vec<CatalogReject>,
    /// The roll-outs' input problems the data-quality section lists: a unit
    /// that no `users` row carries, a product without a `rollouts` row.
    pub rollout_warnings: Vec<Warning>,
}
