//! The output tables of SPEC section 5, each declared once: its row type,
//! its columns in order with their kinds, its file and its sort key. The
//! parquet writer, disclosure control and the tests iterate these
//! declarations ([`Table`], [`Tables::visit`]), so adding a column is one
//! line here.
//!
//! Not responsible for computing or writing anything. Dates are local day
//! numbers (days since 1970-01-01); months are the day number of their 1st.

use crate::registry::{Kpi, NorthStarKpi};

/// The `project_id` of the whole incubator.
pub const PORTFOLIO: &str = "_portfolio";

/// The `segment` label of the total over every segment value.
pub const ALL: &str = "all";

/// The `segment` label of one value of a segment variable: `region=Bretagne`.
pub fn segment_label(variable: &str, value: &str) -> String {
    format!("{variable}={value}")
}

/// How a column is stored, and whether disclosure control judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text, sorted by bytes.
    Text,
    /// A local date (day number), written as `date`.
    Date,
    /// An `i32` (windows, steps, days, months since).
    Int,
    /// A count of people or events (`u64`, null where suppressed): no value
    /// between 1 and `k − 1` may be published.
    Count,
    /// A `u64` that counts no one (a row number).
    Number,
    /// An `f64` figure, null where undefined or suppressed.
    Float,
    Flag,
}

/// One column of a table's declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    pub name: &'static str,
    pub kind: Kind,
}

/// A column's values, borrowed from the rows, as the writers take them.
#[derive(Debug, Clone, PartialEq)]
pub enum Values<'a> {
    Text(Vec<&'a str>),
    Date(Vec<Option<i32>>),
    Int(Vec<Option<i32>>),
    UInt(Vec<Option<u64>>),
    Float(Vec<Option<f64>>),
    Flag(Vec<bool>),
}

/// An output table: what the macro below declares for each row type.
pub trait Table: Sized {
    /// Its path in the output folder.
    const FILE: &'static str;
    const COLUMNS: &'static [ColumnDef];
    const SORT_KEY: &'static [&'static str];
    /// The figures `revisions.parquet` compares with an earlier run (SPEC
    /// section 8); empty for a table that is not compared.
    const REVISED: &'static [&'static str];
    /// One entry per column of [`Table::COLUMNS`], in order.
    fn values(rows: &[Self]) -> Vec<Values<'_>>;
    /// The SPEC section 5 order (text by UTF-8 bytes, nulls first).
    fn sort(rows: &mut [Self]);
    /// Every `Count` cell of the row, by column name.
    fn counts_mut(&mut self) -> Vec<(&'static str, &mut Option<u64>)>;
    /// Nulls every `Float` figure of the row.
    fn clear_figures(&mut self);
}

/// The conversions from a field to a cell of its column's kind.
pub mod cell {
    use crate::registry::Kpi;

    pub trait Text {
        fn text(&self) -> &str;
    }
    impl Text for String {
        fn text(&self) -> &str {
            self
        }
    }
    impl Text for Kpi {
        fn text(&self) -> &str {
            self.name()
        }
    }

    pub trait Int {
        fn int(&self) -> Option<i32>;
    }
    impl Int for i32 {
        fn int(&self) -> Option<i32> {
            Some(*self)
        }
    }
    impl Int for Option<i32> {
        fn int(&self) -> Option<i32> {
            *self
        }
    }

    pub trait UInt {
        fn uint(&self) -> Option<u64>;
    }
    impl UInt for u64 {
        fn uint(&self) -> Option<u64> {
            Some(*self)
        }
    }
    impl UInt for Option<u64> {
        fn uint(&self) -> Option<u64> {
            *self
        }
    }
}

macro_rules! values {
    (Text, $rows:ident, $f:ident) => {
        Values::Text($rows.iter().map(|r| cell::Text::text(&r.$f)).collect())
    };
    (Date, $rows:ident, $f:ident) => {
        Values::Date($rows.iter().map(|r| cell::Int::int(&r.$f)).collect())
    };
    (Int, $rows:ident, $f:ident) => {
        Values::Int($rows.iter().map(|r| cell::Int::int(&r.$f)).collect())
    };
    (Count, $rows:ident, $f:ident) => {
        Values::UInt($rows.iter().map(|r| r.$f).collect())
    };
    (Number, $rows:ident, $f:ident) => {
        Values::UInt($rows.iter().map(|r| cell::UInt::uint(&r.$f)).collect())
    };
    (Float, $rows:ident, $f:ident) => {
        Values::Float($rows.iter().map(|r| r.$f).collect())
    };
    (Flag, $rows:ident, $f:ident) => {
        Values::Flag($rows.iter().map(|r| r.$f).collect())
    };
}

macro_rules! count_cell {
    (Count, $row:ident, $f:ident) => {
        Some((stringify!($f), &mut $row.$f))
    };
    ($other:ident, $row:ident, $f:ident) => {
        None
    };
}

macro_rules! clear_figure {
    (Float, $row:ident, $f:ident) => {
        $row.$f = None
    };
    ($other:ident, $row:ident, $f:ident) => {};
}

/// Declares a row type and its [`Table`] implementation: `field: Type =
/// Kind` per column, in column order, then optionally `not published { field:
/// Type, }`: what disclosure control must judge but no output writes.
macro_rules! table {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $file:literal, sorted by ($($key:ident),+) $(, revised ($($revised:ident),+))? {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $kind:ident, )+
        }
        $( not published {
            $( $(#[$hmeta:meta])* $hidden:ident : $hty:ty, )+
        } )?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )+
            $( $( $(#[$hmeta])* pub $hidden: $hty, )+ )?
        }

        impl Table for $name {
            const FILE: &'static str = $file;
            const COLUMNS: &'static [ColumnDef] = &[ $( ColumnDef { name: stringify!($field), kind: Kind::$kind }, )+ ];
            const SORT_KEY: &'static [&'static str] = &[ $( stringify!($key), )+ ];
            const REVISED: &'static [&'static str] = &[ $($( stringify!($revised), )+)? ];

            fn values(rows: &[Self]) -> Vec<Values<'_>> {
                vec![ $( values!($kind, rows, $field), )+ ]
            }

            fn sort(rows: &mut [Self]) {
                rows.sort_by(|a, b| std::cmp::Ordering::Equal $( .then_with(|| a.$key.cmp(&b.$key)) )+ );
            }

            fn counts_mut(&mut self) -> Vec<(&'static str, &mut Option<u64>)> {
                let cells: [Option<(&'static str, &mut Option<u64>)>; Self::COLUMNS.len()] =
                    [ $( count_cell!($kind, self, $field), )+ ];
                cells.into_iter().flatten().collect()
            }

            fn clear_figures(&mut self) {
                $( clear_figure!($kind, self, $field); )+
            }
        }
    };
}

table! {
    /// One figure of `kpis.parquet` (long format).
    pub struct KpiRow in "kpis.parquet", sorted by (project_id, month, segment, kpi), revised (value) {
        project_id: String = Text,
        /// Day number of the 1st of the month.
        month: i32 = Date,
        segment: String = Text,
        kpi: Kpi = Text,
        value: Option<f64> = Float,
        /// Not a `Count` column: it repeats a count published on another row
        /// (the figure's own, or `active_users`), and is judged there.
        n: Option<u64> = Number,
        ci_low: Option<f64> = Float,
        ci_high: Option<f64> = Float,
        suppressed: bool = Flag,
    }
}

table! {
    pub struct RetentionRow in "retention.parquet", sorted by (project_id, segment, cohort_month, months_since),
        revised (retained, retention_rate) {
        project_id: String = Text,
        segment: String = Text,
        cohort_month: i32 = Date,
        months_since: i32 = Int,
        cohort_size: Option<u64> = Count,
        retained: Option<u64> = Count,
        retention_rate: Option<f64> = Float,
        left_truncated: bool = Flag,
        suppressed: bool = Flag,
    }
}

table! {
    pub struct FunnelRow in "funnel.parquet", sorted by (project_id, cohort_month, step), revised (users) {
        project_id: String = Text,
        cohort_month: i32 = Date,
        /// From 1.
        step: i32 = Int,
        event: String = Text,
        users: Option<u64> = Count,
        conversion_from_start: Option<f64> = Float,
        conversion_from_previous: Option<f64> = Float,
        complete: bool = Flag,
        suppressed: bool = Flag,
    }
}

table! {
    pub struct OutcomeRow in "outcomes.parquet", sorted by (project_id, segment, cohort_month, outcome, window_days),
        revised (with_outcome, rate) {
        project_id: String = Text,
        segment: String = Text,
        cohort_month: i32 = Date,
        outcome: String = Text,
        window_days: i32 = Int,
        users: Option<u64> = Count,
        with_outcome: Option<u64> = Count,
        rate: Option<f64> = Float,
        ci_low: Option<f64> = Float,
        ci_high: Option<f64> = Float,
        complete: bool = Flag,
        left_truncated: bool = Flag,
        suppressed: bool = Flag,
    }
}

table! {
    /// One day with an event or a censoring on a Kaplan–Meier curve.
    pub struct SurvivalRow in "survival.parquet", sorted by (project_id, outcome, arm, day) {
        project_id: String = Text,
        outcome: String = Text,
        /// `all`, `treatment` or `control`.
        arm: String = Text,
        day: i32 = Int,
        at_risk: Option<u64> = Count,
        events: Option<u64> = Count,
        censored: Option<u64> = Count,
        survival: Option<f64> = Float,
        ci_low: Option<f64> = Float,
        ci_high: Option<f64> = Float,
        cumulative_hazard: Option<f64> = Float,
        suppressed: bool = Flag,
    }
}

table! {
    pub struct SurvivalSummaryRow in "survival_summary.parquet", sorted by (project_id, outcome, arm) {
        project_id: String = Text,
        outcome: String = Text,
        arm: String = Text,
        n: Option<u64> = Count,
        events: Option<u64> = Count,
        median: Option<i32> = Int,
        median_ci_low: Option<i32> = Int,
        median_ci_high: Option<i32> = Int,
        suppressed: bool = Flag,
    }
}

table! {
    #[derive(Default)]
    pub struct ImpactRow in "impact.parquet", sorted by (project_id, outcome, window_days, metric),
        revised (difference, ci_low, ci_high, p_value) {
        project_id: String = Text,
        outcome: String = Text,
        window_days: i32 = Int,
        /// `rate` or `mean_value`.
        metric: String = Text,
        primary: bool = Flag,
        n_treatment: Option<u64> = Count,
        n_control: Option<u64> = Count,
        with_outcome_treatment: Option<u64> = Count,
        with_outcome_control: Option<u64> = Count,
        treatment: Option<f64> = Float,
        control: Option<f64> = Float,
        difference: Option<f64> = Float,
        ci_low: Option<f64> = Float,
        ci_high: Option<f64> = Float,
        relative_uplift: Option<f64> = Float,
        rel_ci_low: Option<f64> = Float,
        rel_ci_high: Option<f64> = Float,
        p_value: Option<f64> = Float,
        srm_p: Option<f64> = Float,
        mde: Option<f64> = Float,
        logrank_chi2: Option<f64> = Float,
        logrank_p: Option<f64> = Float,
        cost_per_additional_outcome: Option<f64> = Float,
        cost_low: Option<f64> = Float,
        cost_high: Option<f64> = Float,
        seq_ci_low: Option<f64> = Float,
        seq_ci_high: Option<f64> = Float,
        seq_p_value: Option<f64> = Float,
        /// Benjamini–Hochberg over the published rows: set after disclosure control.
        q_value: Option<f64> = Float,
        cuped_theta: Option<f64> = Float,
        cuped_difference: Option<f64> = Float,
        cuped_ci_low: Option<f64> = Float,
        cuped_ci_high: Option<f64> = Float,
        cuped_p_value: Option<f64> = Float,
        variance_reduction: Option<f64> = Float,
        takeup_treatment: Option<f64> = Float,
        takeup_control: Option<f64> = Float,
        cace: Option<f64> = Float,
        cace_ci_low: Option<f64> = Float,
        cace_ci_high: Option<f64> = Float,
        suppressed: bool = Flag,
    }
    not published {
        /// Users of each arm who took the product up: SPEC section 6 judges
        /// them as counts, and the shares above would give them back.
        took_up_treatment: Option<u64>,
        took_up_control: Option<u64>,
    }
}

table! {
    /// One rejected input row, for `restricted/rejects.parquet`.
    pub struct RejectRow in "restricted/rejects.parquet", sorted by (input, file, row) {
        input: String = Text,
        /// Relative to the config file.
        file: String = Text,
        /// 1-based record after the header (CSV), line (NDJSON) or row (parquet).
        row: u64 = Number,
        reason: String = Text,
        column: String = Text,
        message: String = Text,
        /// JSON object of the raw fields as strings, in source column order.
        record: String = Text,
    }
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

table! {
    /// One ATT(g,t) or aggregate of a staggered roll-out (SPEC section 4).
    pub struct RolloutRow in "rollout.parquet",
        sorted by (project_id, outcome, metric, aggregation, group, period, event_time), revised (att, se) {
        project_id: String = Text,
        outcome: String = Text,
        /// `rate` or `mean_value`.
        metric: String = Text,
        /// `att_gt`, `dynamic`, `group` or `simple`.
        aggregation: String = Text,
        /// The 1st of the group's opening month; null on `dynamic`,
        /// `simple` and the overall `group` row.
        group: Option<i32> = Date,
        /// The 1st of the cell's month, on `att_gt` rows.
        period: Option<i32> = Date,
        /// `t − g`, on `att_gt` and `dynamic` rows but the overall one.
        event_time: Option<i32> = Int,
        /// Units, not people: counted, not judged.
        units_treated: u64 = Number,
        units_control: u64 = Number,
        /// Registered people per unit, which the service publishes anyway.
        population_treated: u64 = Number,
        population_control: u64 = Number,
        att: Option<f64> = Float,
        se: Option<f64> = Float,
        ci_low: Option<f64> = Float,
        ci_high: Option<f64> = Float,
        p_value: Option<f64> = Float,
        pretrend_p: Option<f64> = Float,
        suppressed: bool = Flag,
    }
}

table! {
    /// A figure of an earlier run that this run publishes with another
    /// value, or hides, or no longer has (SPEC section 8).
    pub struct RevisionRow in "revisions.parquet", sorted by (table, project_id, key, column) {
        /// The table's name: `kpis`, `retention`, …
        table: String = Text,
        project_id: String = Text,
        /// The table's other key columns, `name=value` joined by `;`.
        key: String = Text,
        column: String = Text,
        previous: Option<f64> = Float,
        current: Option<f64> = Float,
        /// `current − previous`.
        revision: Option<f64> = Float,
        /// `revised`, `now_suppressed`, `no_longer_suppressed` or `withdrawn`.
        status: String = Text,
    }
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
    pub rollout: Vec<RolloutRow>,
    pub revisions: Vec<RevisionRow>,
    pub rejects: Vec<RejectRow>,
}

/// Something done to each table in turn: writing it, checking it.
pub trait Visitor {
    fn table<T: Table>(&mut self, rows: &[T]);
}

/// The same, with the rows to change.
pub trait VisitorMut {
    fn table<T: Table>(&mut self, rows: &mut [T]);
}

impl Tables {
    /// Each table, in the order the manifest lists them: the one list of
    /// the output tables.
    pub fn visit(&self, v: &mut impl Visitor) {
        v.table(&self.kpis);
        v.table(&self.retention);
        v.table(&self.funnel);
        v.table(&self.outcomes);
        v.table(&self.survival);
        v.table(&self.survival_summary);
        v.table(&self.impact);
        v.table(&self.rollout);
        v.table(&self.revisions);
        v.table(&self.rejects);
    }

    pub fn visit_mut(&mut self, v: &mut impl VisitorMut) {
        v.table(&mut self.kpis);
        v.table(&mut self.retention);
        v.table(&mut self.funnel);
        v.table(&mut self.outcomes);
        v.table(&mut self.survival);
        v.table(&mut self.survival_summary);
        v.table(&mut self.impact);
        v.table(&mut self.rollout);
        v.table(&mut self.revisions);
        v.table(&mut self.rejects);
    }

    /// Every table in its SPEC section 5 order.
    pub fn sort(&mut self) {
        struct Sort;
        impl VisitorMut for Sort {
            fn table<T: Table>(&mut self, rows: &mut [T]) {
                T::sort(rows);
            }
        }
        self.visit_mut(&mut Sort);
    }
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
#[derive(Debug, Clone, PartialEq)]
pub struct NorthStar {
    pub project_id: String,
    pub kpi: NorthStarKpi,
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
}

/// A published share of ids found elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Share {
    /// No such share (no `users` input, or the input itself).
    #[default]
    NotApplicable,
    /// Hidden by disclosure control: a count behind it is below `k`.
    Hidden,
    Of(f64),
}

/// A rejected `projects` row (SPEC section 1, "Loud, not silent").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatalogReject {
    /// The row's `project_id` as written, `None` when empty.
    pub project_id: Option<String>,
    /// The reject reason code.
    pub reason: String,
    /// Usage rows rejected as `unknown_project` because of it.
    pub unknown_usage_rows: u64,
}

/// How many of an input's distinct user ids are known elsewhere, as shares
/// only: the counts of ids stay inside disclosure control.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdCoverage {
    /// `usage`, `outcomes`, `assignments` or `users`.
    pub input: String,
    /// Share found in `users`.
    pub in_users: Share,
    /// Share found in `outcomes`.
    pub in_outcomes: Share,
}
