//! The output tables as typed rows: what compute returns, what disclosure
//! control rewrites, what `output/` writes to parquet and what the report
//! reads. One struct per table of SPEC section 5, fields in column order.
//!
//! Not responsible for computing or writing anything. Dates are local day
//! numbers (days since 1970-01-01); months are the day number of their 1st.

/// One figure of `kpis.parquet` (long format).
#[derive(Debug, Clone, PartialEq)]
pub struct KpiRow {
    pub project_id: String,
    /// Day number of the 1st of the month.
    pub month: i32,
    pub segment: String,
    pub kpi: String,
    pub value: Option<f64>,
    pub n: Option<u64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetentionRow {
    pub project_id: String,
    pub segment: String,
    pub cohort_month: i32,
    pub months_since: i32,
    pub cohort_size: Option<u64>,
    pub retained: Option<u64>,
    pub retention_rate: Option<f64>,
    pub left_truncated: bool,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunnelRow {
    pub project_id: String,
    pub cohort_month: i32,
    /// From 1.
    pub step: i32,
    pub event: String,
    pub users: Option<u64>,
    pub conversion_from_start: Option<f64>,
    pub conversion_from_previous: Option<f64>,
    pub complete: bool,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    pub project_id: String,
    pub segment: String,
    pub cohort_month: i32,
    pub outcome: String,
    pub window_days: i32,
    pub users: Option<u64>,
    pub with_outcome: Option<u64>,
    pub rate: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub complete: bool,
    pub left_truncated: bool,
    pub suppressed: bool,
}

/// One day with an event or a censoring on a Kaplan–Meier curve.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalRow {
    pub project_id: String,
    pub outcome: String,
    /// `all`, `treatment` or `control`.
    pub arm: String,
    pub day: i32,
    pub at_risk: Option<u64>,
    pub events: Option<u64>,
    pub censored: Option<u64>,
    pub survival: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub cumulative_hazard: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalSummaryRow {
    pub project_id: String,
    pub outcome: String,
    pub arm: String,
    pub n: Option<u64>,
    pub events: Option<u64>,
    pub median: Option<i32>,
    pub median_ci_low: Option<i32>,
    pub median_ci_high: Option<i32>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImpactRow {
    pub project_id: String,
    pub outcome: String,
    pub window_days: i32,
    /// `rate` or `mean_value`.
    pub metric: String,
    pub primary: bool,
    pub n_treatment: Option<u64>,
    pub n_control: Option<u64>,
    pub with_outcome_treatment: Option<u64>,
    pub with_outcome_control: Option<u64>,
    pub treatment: Option<f64>,
    pub control: Option<f64>,
    pub difference: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub relative_uplift: Option<f64>,
    pub rel_ci_low: Option<f64>,
    pub rel_ci_high: Option<f64>,
    pub p_value: Option<f64>,
    pub srm_p: Option<f64>,
    pub mde: Option<f64>,
    pub logrank_chi2: Option<f64>,
    pub logrank_p: Option<f64>,
    pub cost_per_additional_outcome: Option<f64>,
    pub cost_low: Option<f64>,
    pub cost_high: Option<f64>,
    pub suppressed: bool,
}

/// One rejected input row, for `restricted/rejects.parquet`.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectRow {
    pub input: String,
    /// Relative to the config file.
    pub file: String,
    /// 1-based record after the header (CSV), line (NDJSON) or row (parquet).
    pub row: u64,
    pub reason: String,
    pub column: String,
    pub message: String,
    /// JSON object of the raw fields as strings, in source column order.
    pub record: String,
}

/// How the rows of one input file were accounted for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reconciliation {
    pub input: String,
    pub file: String,
    pub sha256: String,
    pub rows_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub duplicate: u64,
    pub after_cutoff: u64,
}

/// Every output table of a run, after disclosure control.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    pub kpis: Vec<KpiRow>,
    pub retention: Vec<RetentionRow>,
    pub funnel: Vec<FunnelRow>,
    pub outcomes: Vec<OutcomeRow>,
    pub survival: Vec<SurvivalRow>,
    pub survival_summary: Vec<SurvivalSummaryRow>,
    pub impact: Vec<ImpactRow>,
    pub rejects: Vec<RejectRow>,
}

/// Whether a north star target is a floor (`higher`) or a ceiling (`lower`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    Higher,
    Lower,
}

/// Where a product stands against its north star target (SPEC section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum NorthStarStatus {
    OnTrack,
    AtRisk,
    OffTrack,
    #[default]
    NotSet,
    NoData,
}

impl NorthStarStatus {
    /// Every status, in the order the portfolio summary counts them.
    pub const ALL: [NorthStarStatus; 5] = [
        NorthStarStatus::OnTrack,
        NorthStarStatus::AtRisk,
        NorthStarStatus::OffTrack,
        NorthStarStatus::NotSet,
        NorthStarStatus::NoData,
    ];

    /// The code used in outputs and as a CSS class.
    pub fn code(self) -> &'static str {
        match self {
            NorthStarStatus::OnTrack => "on_track",
            NorthStarStatus::AtRisk => "at_risk",
            NorthStarStatus::OffTrack => "off_track",
            NorthStarStatus::NotSet => "not_set",
            NorthStarStatus::NoData => "no_data",
        }
    }
}

/// One product's north star for the reporting month. A product with no
/// entry in [`ReportInput::north_stars`] is shown as `not_set`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NorthStar {
    pub project_id: String,
    /// A KPI name from `jauge kpis`, or `outcome_rate:<outcome>:<window>`.
    pub kpi: String,
    pub target: f64,
    pub direction: Direction,
    /// The month's value; `None` when null or suppressed.
    pub value: Option<f64>,
    /// True when `value` is `None` because disclosure control hid it.
    pub suppressed: bool,
    pub previous: Option<f64>,
    pub year_before: Option<f64>,
    /// `value − previous` (points for rates, as a fraction: 0.012 = 1.2 points).
    pub change_previous: Option<f64>,
    /// `(value − previous) / previous`.
    pub change_previous_rel: Option<f64>,
    pub change_year: Option<f64>,
    pub change_year_rel: Option<f64>,
    pub status: NorthStarStatus,
    /// The month was cut before its end (`as_of` before its last day).
    pub partial_month: bool,
    /// The value is a rate in [0, 1], shown in percent.
    pub is_rate: bool,
}

/// How many of an input's distinct user ids are known elsewhere.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdCoverage {
    /// `usage`, `outcomes`, `assignments` or `users`.
    pub input: String,
    /// Distinct user ids among the input's accepted rows.
    pub ids: u64,
    /// Share found in `users`; `None` when there is no `users` input.
    pub in_users: Option<f64>,
    /// Share found in `outcomes`; `None` for the outcomes input itself.
    pub in_outcomes: Option<f64>,
}
