//! Part 2 of the report, the impact of randomized trials: the forest plot
//! of every rate uplift (primary endpoints first), the rate and mean-value
//! tables with the interval-based verdict, and the allocation-ratio
//! warnings (`srm_p < 0.001`).
//!
//! Responsible for ordering, wording and verdicts. Not responsible for the
//! statistics themselves (they arrive in `impact` rows).

use super::context::{Ctx, chart};
use super::doc::{Block, Cell, CellKind, Row, RowKind, Section, Sign, Table};
use super::i18n;
use crate::charts::Job;
use crate::charts::forest::{Forest, ForestRow};
use crate::format;
use crate::tables::ImpactRow;

/// Rows per forest chart, so that each part fits on an A4 page.
const FOREST_ROWS: usize = 28;
/// The threshold under which the ratio check is flagged (SPEC section 4).
const SRM_ALPHA: f64 = 0.001;

pub fn section(ctx: &Ctx, number: usize, jobs: &mut Vec<Job>) -> Section {
    let t = ctx.t;
    let rates = ordered(ctx, "rate");
    let means = ordered(ctx, "mean_value");
    let mut blocks = vec![Block::Para(t.impact_intro.into())];
    if rates.is_empty() && means.is_empty() {
        blocks.push(Block::Para(t.no_trial.into()));
    }
    for (name, forest) in forest_charts(ctx, &rates) {
        blocks.push(chart(jobs, name, forest, t.forest_title));
    }
    if !rates.is_empty() {
        blocks.push(Block::Heading(t.rate_effects.into()));
        blocks.push(Block::Table(rate_table(ctx, &rates)));
    }
    if !means.is_empty() {
        blocks.push(Block::Heading(t.mean_effects.into()));
        blocks.push(Block::Table(mean_table(ctx, &means)));
    }
    if !rates.is_empty() || !means.is_empty() {
        blocks.push(Block::Heading(t.srm_heading.into()));
        blocks.extend(srm_blocks(ctx));
    }
    Section { anchor: "impact".into(), title: format!("{number}. {}", t.impact), level: 1, page_break: true, blocks }
}

/// The rows of one metric, primary endpoints first, then in table order.
fn ordered<'a>(ctx: &Ctx<'a>, metric: &str) -> Vec<&'a ImpactRow> {
    let mut rows: Vec<&ImpactRow> = ctx.input.tables.impact.iter().filter(|r| r.metric == metric).collect();
    rows.sort_by_key(|r| !r.primary);
    rows
}

/// `outcome, 90 d` and whether it is primary.
fn endpoint(ctx: &Ctx, row: &ImpactRow) -> String {
    format!("{}, {}", row.outcome, format::days(ctx.lang, row.window_days))
}

fn tagged_endpoint(ctx: &Ctx, row: &ImpactRow) -> String {
    let tag = if row.primary { ctx.t.primary_tag } else { ctx.t.exploratory_tag };
    format!("{} ({tag})", endpoint(ctx, row))
}

/// The difference with its interval, in points.
fn difference_text(ctx: &Ctx, row: &ImpactRow) -> Option<String> {
    let (d, lo, hi) = (row.difference?, row.ci_low?, row.ci_high?);
    Some(format!(
        "{} {}",
        format::points(ctx.lang, d),
        ctx.interval(format::points_bare(ctx.lang, lo), format::points_bare(ctx.lang, hi))
    ))
}

fn forest_rows(ctx: &Ctx, rates: &[&ImpactRow]) -> Vec<ForestRow> {
    rates
        .iter()
        .map(|r| {
            let estimate = if r.suppressed {
                None
            } else {
                r.difference.zip(r.ci_low).zip(r.ci_high).map(|((d, l), h)| (d, l, h))
            };
            let value_text = if r.suppressed {
                ctx.t.masked.to_string()
            } else {
                difference_text(ctx, r).unwrap_or_else(|| ctx.t.not_estimable.into())
            };
            ForestRow {
                label: format!("{} · {}", ctx.name(&r.project_id), endpoint(ctx, r)),
                primary: r.primary,
                estimate,
                value_text,
            }
        })
        .collect()
}

/// The shared x range: every interval and zero, padded a little.
fn forest_range(rows: &[ForestRow]) -> (f64, f64) {
    let (lo, hi) =
        rows.iter().filter_map(|r| r.estimate).fold((0.0f64, 0.0f64), |(lo, hi), (_, l, h)| (lo.min(l), hi.max(h)));
    let pad = ((hi - lo) * 0.08).max(0.005);
    (lo - pad, hi + pad)
}

/// The forest plot, in parts of at most `FOREST_ROWS` rows sharing one x range.
fn forest_charts(ctx: &Ctx, rates: &[&ImpactRow]) -> Vec<(String, Forest)> {
    let rows = forest_rows(ctx, rates);
    let range = forest_range(&rows);
    let parts = rows.len().div_ceil(FOREST_ROWS);
    rows.chunks(FOREST_ROWS)
        .enumerate()
        .map(|(i, chunk)| {
            let title = if i == 0 {
                ctx.t.forest_title.to_string()
            } else {
                format!("{} ({} {}/{parts})", ctx.t.forest_title, ctx.t.continued, i + 1)
            };
            let forest = Forest {
                title,
                subtitle: Some(ctx.t.forest_sub.into()),
                lang: ctx.lang,
                rows: chunk.to_vec(),
                range,
                primary_heading: ctx.t.primary_endpoints.into(),
                exploratory_heading: ctx.t.exploratory.into(),
                x_label: ctx.t.forest_axis.into(),
                width: super::summary::FULL_WIDTH,
            };
            let name = if i == 0 { "impact_forest".to_string() } else { format!("impact_forest_{}", i + 1) };
            (name, forest)
        })
        .collect()
}

/// The verdict follows the interval: it excludes zero or it does not.
fn verdict(ctx: &Ctx, row: &ImpactRow) -> Cell {
    if row.suppressed {
        return Cell::suppressed(ctx.t.masked);
    }
    let (text, sign) = match (row.ci_low, row.ci_high) {
        (Some(lo), _) if lo > 0.0 => (ctx.t.positive, Sign::Positive),
        (_, Some(hi)) if hi < 0.0 => (ctx.t.negative, Sign::Negative),
        (Some(_), Some(_)) => (ctx.t.not_demonstrated, Sign::Neutral),
        _ => (ctx.t.not_estimable, Sign::Neutral),
    };
    Cell { text: text.into(), kind: CellKind::Verdict(sign) }
}

/// Both arms' sizes; a suppressed row keeps those of `k` or more.
fn arms_cell(ctx: &Ctx, row: &ImpactRow) -> Cell {
    let arm = |n: Option<u64>| n.map_or_else(|| ctx.mark.clone(), |n| format::count(ctx.lang, n));
    match (row.n_treatment, row.n_control) {
        (Some(t), Some(c)) => Cell::number(format!("{} / {}", format::count(ctx.lang, t), format::count(ctx.lang, c))),
        (t, c) if row.suppressed => Cell::suppressed(&format!("{} / {}", arm(t), arm(c))),
        _ => Cell::missing(),
    }
}

fn cost_cell(ctx: &Ctx, row: &ImpactRow) -> Cell {
    let euros = |v| format::euros(ctx.lang, v);
    match (row.cost_per_additional_outcome, row.cost_low, row.cost_high) {
        _ if row.suppressed => Cell::suppressed(ctx.t.masked),
        (Some(c), Some(lo), Some(hi)) => Cell::number(format!("{} {}", euros(c), ctx.interval(euros(lo), euros(hi)))),
        (Some(c), _, None) => Cell::number(format!("{} ({})", euros(c), ctx.t.not_demonstrated.to_lowercase())),
        _ => Cell::missing(),
    }
}

fn rate_table(ctx: &Ctx, rates: &[&ImpactRow]) -> Table {
    let t = ctx.t;
    let head = [
        t.product,
        t.endpoint,
        t.n_arms,
        t.treatment,
        t.control,
        t.difference,
        t.relative,
        t.p,
        t.verdict,
        t.mde,
        t.cost_per_outcome,
    ];
    let pct = |v| format::percent(ctx.lang, v);
    let bare = |v: f64| format::number(ctx.lang, v * 100.0, 1);
    let rows = rates
        .iter()
        .map(|r| {
            let hidden = r.suppressed;
            let relative = r.relative_uplift.map(|u| match (r.rel_ci_low, r.rel_ci_high) {
                (Some(lo), Some(hi)) => {
                    format!("{} {}", format::percent_signed(ctx.lang, u), ctx.interval(bare(lo), bare(hi)))
                }
                _ => format::percent_signed(ctx.lang, u),
            });
            let cells = vec![
                Cell::text(ctx.name(&r.project_id)),
                Cell::text(tagged_endpoint(ctx, r)),
                arms_cell(ctx, r),
                ctx.figure(r.treatment, hidden, pct),
                ctx.figure(r.control, hidden, pct),
                ctx.masked_figure(difference_text(ctx, r), hidden),
                ctx.masked_figure(relative, hidden),
                ctx.masked_figure(r.p_value.map(|p| format::p_value(ctx.lang, p)), hidden),
                verdict(ctx, r),
                ctx.masked_figure(
                    r.mde.map(|m| format::points(ctx.lang, m).trim_start_matches('+').to_string()),
                    hidden,
                ),
                cost_cell(ctx, r),
            ];
            Row::with_kind(cells, if r.primary { RowKind::Normal } else { RowKind::Muted })
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}

fn mean_table(ctx: &Ctx, means: &[&ImpactRow]) -> Table {
    let t = ctx.t;
    let head = [t.product, t.endpoint, t.n_arms, t.treatment, t.control, t.difference, t.p, t.verdict];
    let num = |v| format::number(ctx.lang, v, 1);
    let rows = means
        .iter()
        .map(|r| {
            let hidden = r.suppressed;
            let diff = r.difference.zip(r.ci_low).zip(r.ci_high).map(|((d, lo), hi)| {
                format!("{} {}", format::number_signed(ctx.lang, d, 1), ctx.interval(num(lo), num(hi)))
            });
            let cells = vec![
                Cell::text(ctx.name(&r.project_id)),
                Cell::text(tagged_endpoint(ctx, r)),
                arms_cell(ctx, r),
                ctx.figure(r.treatment, hidden, num),
                ctx.figure(r.control, hidden, num),
                ctx.masked_figure(diff, hidden),
                ctx.masked_figure(r.p_value.map(|p| format::p_value(ctx.lang, p)), hidden),
                verdict(ctx, r),
            ];
            Row::new(cells)
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}

/// One warning per product and window whose arm sizes fail the ratio check.
fn srm_blocks(ctx: &Ctx) -> Vec<Block> {
    let mut seen = std::collections::BTreeSet::new();
    let warnings: Vec<Block> = ctx
        .input
        .tables
        .impact
        .iter()
        .filter(|r| r.srm_p.is_some_and(|p| p < SRM_ALPHA))
        .filter(|r| seen.insert((r.project_id.as_str(), r.window_days)))
        .map(|r| {
            let count = |n: Option<u64>| n.map_or_else(|| ctx.mark.clone(), |n| format::count(ctx.lang, n));
            let p = format::p_clause(ctx.lang, r.srm_p.unwrap_or(0.0));
            let window = format::days(ctx.lang, r.window_days);
            let values = [
                ("product", ctx.name(&r.project_id)),
                ("endpoint", window.as_str()),
                ("nt", &count(r.n_treatment)),
                ("nc", &count(r.n_control)),
                ("p", &p),
            ];
            Block::Warning(i18n::fill(ctx.t.srm_warning, &values))
        })
        .collect();
    if warnings.is_empty() { vec![Block::Para(ctx.t.srm_none.into())] } else { warnings }
}
