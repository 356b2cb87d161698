//! The roll-outs of the Impact section (SPEC section 7.3): for each product
//! that opened unit by unit, its event study (θ(e) with intervals, the
//! months before opening in grey), its overall effect with its interval,
//! the pre-trend test and its evidence level (3: a comparison of changes).
//!
//! Reads `rollout.parquet`'s protected rows; a hidden figure is not drawn.

use super::context::{Ctx, chart};
use super::doc::Block;
use super::i18n;
use crate::charts::Job;
use crate::charts::event_study::{EventStudy, EventTime};
use crate::format;
use crate::tables::RolloutRow;

/// The pre-trend p-value below which the report warns.
const PRETREND_ALPHA: f64 = 0.05;

/// The blocks of every roll-out, after the trials; none without roll-outs.
pub fn blocks(ctx: &Ctx, jobs: &mut Vec<Job>) -> Vec<Block> {
    let rows = &ctx.input.tables.rollout;
    let w = i18n::rollout_labels(ctx.lang);
    let mut out = Vec::new();
    for product in rows.chunk_by(|a, b| a.project_id == b.project_id) {
        // The first outcome's rate: the figure a committee reads.
        let Some(outcome) = product.iter().find(|r| r.metric == "rate").map(|r| r.outcome.as_str()) else { continue };
        let rate: Vec<&RolloutRow> = product.iter().filter(|r| r.metric == "rate" && r.outcome == outcome).collect();
        if out.is_empty() {
            out.push(Block::Heading(w.heading.into()));
            out.push(Block::Para(w.intro.into()));
        }
        let id = &product[0].project_id;
        let title = i18n::fill(w.title, &[("product", ctx.name(id)), ("outcome", outcome)]);
        out.push(Block::Heading(title.clone()));
        let study = event_study(ctx, &rate, title);
        if study.points.iter().any(|p| p.estimate.is_some()) {
            out.push(chart(jobs, format!("rollout_{}", ctx.stem(id)), study, w.chart_alt));
        }
        out.push(Block::Para(overall(ctx, &rate)));
        out.extend(pretrend(ctx, &rate));
    }
    out
}

fn event_study(ctx: &Ctx, rows: &[&RolloutRow], title: String) -> EventStudy {
    let w = i18n::rollout_labels(ctx.lang);
    let points = rows
        .iter()
        .filter(|r| r.aggregation == "dynamic")
        .filter_map(|r| Some(EventTime { e: r.event_time?, estimate: estimate(r) }))
        .collect();
    EventStudy {
        title,
        subtitle: Some(w.evidence.into()),
        lang: ctx.lang,
        points,
        rate: true,
        placebo_legend: w.placebo.into(),
        effect_legend: w.effect.into(),
        x_label: w.months_since.into(),
        width: 1000,
    }
}

fn estimate(r: &RolloutRow) -> Option<(f64, f64, f64)> {
    Some((r.att?, r.ci_low?, r.ci_high?))
}

/// "Overall effect: +2.1 pp [0.4; 3.8] (evidence level 3)."
fn overall(ctx: &Ctx, rows: &[&RolloutRow]) -> String {
    let w = i18n::rollout_labels(ctx.lang);
    let simple = rows.iter().find(|r| r.aggregation == "simple");
    let effect = match simple.and_then(|r| estimate(r)) {
        Some((att, lo, hi)) => {
            let interval = ctx.interval(format::points_bare(ctx.lang, lo), format::points_bare(ctx.lang, hi));
            format!("{} {interval}", format::points(ctx.lang, att))
        }
        None if simple.is_some_and(|r| r.suppressed) => format::masked(ctx.lang).to_owned(),
        None => "—".into(),
    };
    i18n::fill(w.overall, &[("effect", &effect)])
}

fn pretrend(ctx: &Ctx, rows: &[&RolloutRow]) -> Vec<Block> {
    let w = i18n::rollout_labels(ctx.lang);
    match rows.iter().find(|r| r.aggregation == "simple").and_then(|r| r.pretrend_p) {
        Some(p) if p < PRETREND_ALPHA => {
            vec![Block::Warning(i18n::fill(w.pretrend_fails, &[("p", &format::p_clause(ctx.lang, p))]))]
        }
        Some(p) => vec![Block::Note(i18n::fill(w.pretrend_holds, &[("p", &format::p_clause(ctx.lang, p))]))],
        None => vec![Block::Note(w.pretrend_none.into())],
    }
}
