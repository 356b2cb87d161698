//! The output tables as polars frames, and parquet bytes written with fixed
//! compression, row-group size and statistics so that the same rows give
//! the same bytes.
//!
//! Not responsible for where the bytes go: `folder` writes them.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::tables::{
    FunnelRow, ImpactRow, KpiRow, OutcomeRow, RejectRow, RetentionRow, SurvivalRow, SurvivalSummaryRow,
};

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

fn text<'a, R>(rows: &'a [R], name: &str, f: impl Fn(&'a R) -> &'a str) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}
fn count<R>(rows: &[R], name: &str, f: impl Fn(&R) -> Option<u64>) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}
fn float<R>(rows: &[R], name: &str, f: impl Fn(&R) -> Option<f64>) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}
fn int<R>(rows: &[R], name: &str, f: impl Fn(&R) -> Option<i32>) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}
fn flag<R>(rows: &[R], name: &str, f: impl Fn(&R) -> bool) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}
fn date<R>(rows: &[R], name: &str, f: impl Fn(&R) -> i32) -> Result<Column> {
    let days = Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>());
    days.cast(&DataType::Date).map_err(|e| Error::polars(format!("column {name}"), e))
}

fn frame(height: usize, columns: Vec<Column>) -> Result<DataFrame> {
    DataFrame::new(height, columns).map_err(|e| Error::polars("building an output table", e))
}

pub fn kpis(rows: &[KpiRow]) -> Result<DataFrame> {
    frame(
        rows.len(),
        vec![
            text(rows, "project_id", |r| &r.project_id),
            date(rows, "month", |r| r.month)?,
            text(rows, "segment", |r| &r.segment),
            text(rows, "kpi", |r| &r.kpi),
            float(rows, "value", |r| r.value),
            count(rows, "n", |r| r.n),
            float(rows, "ci_low", |r| r.ci_low),
            float(rows, "ci_high", |r| r.ci_high),
            flag(rows, "suppressed", |r| r.suppressed),
        ],
    )
}

pub fn retention(rows: &[RetentionRow]) -> Result<DataFrame> {
    frame(
        rows.len(),
        vec![
            text(rows, "project_id", |r| &r.project_id),
            text(rows, "segment", |r| &r.segment),
            date(rows, "cohort_month", |r| r.cohort_month)?,
            int(rows, "months_since", |r| Some(r.months_since)),
            count(rows, "cohort_size", |r| r.cohort_size),
            count(rows, "retained", |r| r.retained),
            float(rows, "retention_rate", |r| r.retention_rate),
            flag(rows, "left_truncated", |r| r.left_truncated),
            flag(rows, "suppressed", |r| r.suppressed),
        ],
    )
}

pub fn funnel(rows: &[FunnelRow]) -> Result<DataFrame> {
    frame(
        rows.len(),
        vec![
            text(rows, "project_id", |r| &r.project_id),
            date(rows, "cohort_month", |r| r.cohort_month)?,
            int(rows, "step", |r| Some(r.step)),
            text(rows, "event", |r| &r.event),
            count(rows, "users", |r| r.users),
            float(rows, "conversion_from_start", |r| r.conversion_from_start),
            float(rows, "conversion_from_previous", |r| r.conversion_from_previous),
            flag(rows, "complete", |r| r.complete),
            flag(rows, "suppressed", |r| r.suppressed),
        ],
    )
}

pub fn outcomes(rows: &[OutcomeRow]) -> Result<DataFrame> {
    frame(
        rows.len(),
        vec![
            text(rows, "project_id", |r| &r.project_id),
            text(rows, "segment", |r| &r.segment),
            date(rows, "cohort_month", |r| r.cohort_month)?,
            text(rows, "outcome", |r| &r.outcome),
            int(rows, "window_days", |r| Some(r.window_days)),
            count(rows, "users", |r| r.users),
            count(rows, "with_outcome", |r| r.with_outcome),
            float(rows, "rate", |r| r.rate),
            float(rows, "ci_low", |r| r.ci_low),
            float(rows, "ci_high", |r| r.ci_high),
            flag(rows, "complete", |r| r.complete),
            flag(rows, "left_truncated", |r| r.left_truncated),
            flag(rows, "suppressed", |r| r.suppressed),
        ],
    )
}

pub fn survival(rows: &[SurvivalRow]) -> Result<DataFrame> {
    frame(
        rows.len(),
        vec![
            text(rows, "project_id", |r| &r.project_id),
            text(rows, "outcome", |r| &r.outcome),
            text(rows, "arm", |r| &r.arm),
            int(rows, "day", |r| Some(r.day)),
            count(rows, "at_risk", |r| r.at_risk),
            count(rows, "events", |r| r.events),
            count(rows, "censored", |r| r.censored),
            float(rows, "survival", |r| r.survival),
            float(rows, "ci_low", |r| r.ci_low),
            float(rows, "ci_high", |r| r.ci_high),
            float(rows, "cumulative_hazard", |r| r.cumulative_hazard),
            flag(rows, "suppressed", |r| r.suppressed),
        ],
    )
}

pub fn survival_summary(rows: &[SurvivalSummaryRow]) -> Result<DataFrame> {
    frame(
        rows.len(),
        vec![
            text(rows, "project_id", |r| &r.project_id),
            text(rows, "outcome", |r| &r.outcome),
            text(rows, "arm", |r| &r.arm),
            count(rows, "n", |r| r.n),
            count(rows, "events", |r| r.events),
            int(rows, "median", |r| r.median),
            int(rows, "median_ci_low", |r| r.median_ci_low),
            int(rows, "median_ci_high", |r| r.median_ci_high),
            flag(rows, "suppressed", |r| r.suppressed),
        ],
    )
}

pub fn impact(rows: &[ImpactRow]) -> Result<DataFrame> {
    frame(
        rows.len(),
        vec![
            text(rows, "project_id", |r| &r.project_id),
            text(rows, "outcome", |r| &r.outcome),
            int(rows, "window_days", |r| Some(r.window_days)),
            text(rows, "metric", |r| &r.metric),
            flag(rows, "primary", |r| r.primary),
            count(rows, "n_treatment", |r| r.n_treatment),
            count(rows, "n_control", |r| r.n_control),
            count(rows, "with_outcome_treatment", |r| r.with_outcome_treatment),
            count(rows, "with_outcome_control", |r| r.with_outcome_control),
            float(rows, "treatment", |r| r.treatment),
            float(rows, "control", |r| r.control),
            float(rows, "difference", |r| r.difference),
            float(rows, "ci_low", |r| r.ci_low),
            float(rows, "ci_high", |r| r.ci_high),
            float(rows, "relative_uplift", |r| r.relative_uplift),
            float(rows, "rel_ci_low", |r| r.rel_ci_low),
            float(rows, "rel_ci_high", |r| r.rel_ci_high),
            float(rows, "p_value", |r| r.p_value),
            float(rows, "srm_p", |r| r.srm_p),
            float(rows, "mde", |r| r.mde),
            float(rows, "logrank_chi2", |r| r.logrank_chi2),
            float(rows, "logrank_p", |r| r.logrank_p),
            float(rows, "cost_per_additional_outcome", |r| r.cost_per_additional_outcome),
            float(rows, "cost_low", |r| r.cost_low),
            float(rows, "cost_high", |r| r.cost_high),
            flag(rows, "suppressed", |r| r.suppressed),
        ],
    )
}

pub fn rejects(rows: &[RejectRow]) -> Result<DataFrame> {
    frame(
        rows.len(),
        vec![
            text(rows, "input", |r| &r.input),
            text(rows, "file", |r| &r.file),
            count(rows, "row", |r| Some(r.row)),
            text(rows, "reason", |r| &r.reason),
            text(rows, "column", |r| &r.column),
            text(rows, "message", |r| &r.message),
            text(rows, "record", |r| &r.record),
        ],
    )
}

/// A generated table as a frame: dictionary text is materialised, UTC
/// timestamps become `Datetime(µs, UTC)`, days become `Date`.
pub fn raw_frame(table: &super::raw::RawTable) -> Result<DataFrame> {
    use super::raw::Column as Raw;
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
