//! Part 2 of the report, the portfolio (SPEC section 7.2): its key
//! figures, its active and new users over the last 13 months, the rate of
//! the first default outcome by cohort month (incomplete cohorts dashed),
//! and the products by origin and phase.
//!
//! Responsible for choosing and wording that content, and for the KPI
//! table and the users trend the product pages reuse. Not responsible for
//! drawing (charts) or markup (renderers).

use std::collections::{BTreeMap, BTreeSet};

use super::context::{Ctx, FULL_WIDTH, TREND_MONTHS, chart};
use super::doc::{Block, Cell, Row, RowKind, Section, Table};
use super::i18n;
use crate::charts::frame::Mark;
use crate::charts::trend::{Trend, TrendSeries};
use crate::charts::{Job, palette};
use crate::format;
use crate::format::Lang;
use crate::registry::{Kpi, NorthStarKpi};
use crate::tables::PORTFOLIO;
use crate::tz;

const KEY_KPIS: [Kpi; 4] = [Kpi::ActiveUsers, Kpi::NewUsers, Kpi::CumulativeUsers, Kpi::Events];

pub fn section(ctx: &Ctx, number: usize, jobs: &mut Vec<Job>) -> Section {
    let t = ctx.t;
    let mut blocks =
        vec![Block::Heading(t.key_figures.to_string()), Block::Table(kpi_table(ctx, PORTFOLIO, &KEY_KPIS))];
    let users = users_trend(ctx, PORTFOLIO, t.users_chart.into(), Some(t.users_chart_sub.into()), FULL_WIDTH, 330);
    blocks.push(chart(jobs, "portfolio_users".into(), users, t.users_chart));
    match outcome_trend(ctx) {
        Some(trend) => {
            let alt = trend.title.clone();
            blocks.push(chart(jobs, "portfolio_outcome_rate".into(), trend, &alt));
        }
        None => blocks.push(Block::Note(t.no_outcome_chart.to_string())),
    }
    blocks.push(Block::Heading(t.origin_phase.to_string()));
    blocks.push(Block::Table(origin_phase_table(ctx)));
    Section::part("portfolio", format!("{number}. {}", t.portfolio), true, blocks)
}

/// The months of a KPI table: the month, the month before, a year before.
fn table_months(ctx: &Ctx) -> [i32; 3] {
    let month = ctx.input.month;
    [month, tz::add_months(month, -1), tz::add_months(month, -12)]
}

/// KPIs of one product (or the portfolio) for the month, the month before
/// and the same month a year before, with the relative changes.
pub fn kpi_table(ctx: &Ctx, project: &str, kpis: &[Kpi]) -> Table {
    let months = table_months(ctx);
    let mut head = vec![ctx.t.indicator.to_string()];
    head.extend(months.iter().map(|&m| format::month(ctx.lang, m)));
    head.extend([ctx.t.vs_previous_head.to_string(), ctx.t.vs_year_head.to_string()]);
    let rows = kpis
        .iter()
        .map(|&kpi| {
            let mut cells = vec![Cell::text(i18n::kpi_name(ctx.lang, kpi))];
            cells.extend(months.iter().map(|&m| ctx.kpi_cell(project, kpi, m)));
            cells.extend(months[1..].iter().map(|&base| change_cell(ctx, project, kpi, base)));
            Row::new(cells)
        })
        .collect();
    Table { head, rows }
}

/// The month's value against `base`: relative for counts and euros, in
/// points for shares; `—` where either is hidden or the base is 0.
fn change_cell(ctx: &Ctx, project: &str, kpi: Kpi, base: i32) -> Cell {
    let value = |m: i32| ctx.kpi(project, kpi, m).filter(|r| !r.suppressed).and_then(|r| r.value);
    match (value(ctx.input.month), value(base)) {
        (Some(now), Some(then)) if NorthStarKpi::Kpi(kpi).is_rate() => {
            Cell::number(format::points(ctx.lang, now - then))
        }
        (Some(now), Some(then)) if then != 0.0 => Cell::number(format::percent_signed(ctx.lang, now / then - 1.0)),
        _ => Cell::missing(),
    }
}

/// Monthly active and new users of `project` over the last 13 months.
pub fn users_trend(
    ctx: &Ctx,
    project: &str,
    title: String,
    subtitle: Option<String>,
    width: u32,
    height: u32,
) -> Trend {
    let months = ctx.trend_months(project, TREND_MONTHS);
    let (active, hidden_a) = ctx.kpi_series(project, Kpi::ActiveUsers, &months);
    let (new, hidden_n) = ctx.kpi_series(project, Kpi::NewUsers, &months);
    let n = months.len();
    let series = |label: &str, colour, values| TrendSeries {
        label: label.into(),
        colour,
        values,
        dashed: vec![false; n],
        band: vec![],
    };
    Trend {
        title,
        subtitle,
        lang: ctx.lang,
        series: vec![series(ctx.t.active_users, palette::BLUE, active), series(ctx.t.new_users, palette::ORANGE, new)],
        months,
        rate: false,
        extra_legend: vec![],
        footnote: (hidden_a || hidden_n).then(|| ctx.gap_note()),
        width,
        height,
    }
}

/// The portfolio rate of the first default outcome at the shortest window,
/// by cohort month; incomplete cohorts dashed, with the Wilson band.
fn outcome_trend(ctx: &Ctx) -> Option<Trend> {
    let outcome = ctx.input.default_outcome.as_deref()?;
    let window = ctx.input.shortest_window?;
    let rows = ctx.outcomes.get(PORTFOLIO)?;
    let rows: Vec<_> = rows.iter().filter(|r| r.outcome == outcome && r.window_days == window).collect();
    let months = ctx.trend_months(PORTFOLIO, TREND_MONTHS);
    let by_month: BTreeMap<i32, _> = rows.iter().map(|r| (r.cohort_month, **r)).collect();
    if !months.iter().any(|m| by_month.contains_key(m)) {
        return None;
    }
    let published = |m: &i32| by_month.get(m).filter(|r| !r.suppressed);
    let values = months.iter().map(|m| published(m).and_then(|r| r.rate)).collect();
    let band = months.iter().map(|m| published(m).and_then(|r| r.ci_low.zip(r.ci_high))).collect();
    let dashed = months.iter().map(|m| by_month.get(m).is_some_and(|r| !r.complete)).collect();
    let hidden = months.iter().any(|m| by_month.get(m).is_some_and(|r| r.suppressed));
    let label = ctx.outcome(outcome);
    let title = i18n::fill(ctx.t.rate_chart, &[("outcome", &label), ("window", &format::days(ctx.lang, window))]);
    Some(Trend {
        title,
        subtitle: Some(ctx.t.rate_chart_sub.into()),
        lang: ctx.lang,
        months,
        series: vec![TrendSeries { label, colour: palette::GREEN, values, dashed, band }],
        rate: true,
        extra_legend: vec![
            (Mark::Dashed(palette::GREEN), ctx.t.incomplete_cohort.into()),
            (Mark::Band(palette::GREEN), ctx.t.ci95.into()),
        ],
        footnote: hidden.then(|| ctx.gap_note()),
        width: FULL_WIDTH,
        height: 330,
    })
}

/// A catalog code ranked in its vocabulary's order (unknown codes after,
/// alphabetically); `None`, "not given", last.
type Ranked = (usize, String);

fn ranked(code: Option<&str>, rank: fn(&str) -> usize) -> Ranked {
    code.map_or((usize::MAX, String::new()), |c| (rank(c), c.to_string()))
}

/// Origins down, phases across, with totals.
fn origin_phase_table(ctx: &Ctx) -> Table {
    let mut counts: BTreeMap<(Ranked, Ranked), u64> = BTreeMap::new();
    for p in &ctx.input.projects {
        let key = (ranked(p.origin.as_deref(), i18n::origin_rank), ranked(p.phase.as_deref(), i18n::phase_rank));
        *counts.entry(key).or_default() += 1;
    }
    let origins: BTreeSet<&Ranked> = counts.keys().map(|k| &k.0).collect();
    let phases: BTreeSet<&Ranked> = counts.keys().map(|k| &k.1).collect();
    let name = |k: &Ranked, translate: fn(Lang, &str) -> String| {
        if k.0 == usize::MAX { ctx.t.not_given.to_string() } else { translate(ctx.lang, &k.1) }
    };
    let sum =
        |keep: &dyn Fn(&(Ranked, Ranked)) -> bool| counts.iter().filter(|(k, _)| keep(k)).map(|(_, n)| n).sum::<u64>();
    let cell = |n: u64| if n == 0 { Cell::missing() } else { Cell::number(format::count(ctx.lang, n)) };
    let mut head = vec![ctx.t.origin.to_string()];
    head.extend(phases.iter().map(|p| name(p, i18n::phase)));
    head.push(ctx.t.total.into());
    let mut rows: Vec<Row> = origins
        .iter()
        .map(|&o| {
            let mut cells = vec![Cell::text(name(o, i18n::origin))];
            cells.extend(phases.iter().map(|&p| cell(sum(&|k| &k.0 == o && &k.1 == p))));
            cells.push(cell(sum(&|k| &k.0 == o)));
            Row::new(cells)
        })
        .collect();
    let mut total = vec![Cell::text(ctx.t.total)];
    total.extend(phases.iter().map(|&p| cell(sum(&|k| &k.1 == p))));
    total.push(cell(ctx.input.projects.len() as u64));
    rows.push(Row::with_kind(total, RowKind::Total));
    Table { head, rows }
}
