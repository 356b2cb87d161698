//! The roll-outs of the Impact section (SPEC section 7.3): for each product
//! that opened unit by unit, its event study (θ(e) with intervals, the
//! months before opening in grey), its overall effect with its interval,
//! the pre-trend test and its evidence level (3: a comparison of changes).
//!
//! Reads `rollout.parquet`'s protected rows; a hidden figure is not drawn.

use super::context::{Ctx, HALF_WIDTH, chart};
use super::doc::Block;
use super::i18n;
use super::impact::{Evidence, Finding, Fmt, Verdict, with_interval};
use crate::charts::Job;
use crate::charts::event_study::{EventStudy, EventTime};
use crate::format;
use crate::tables::RolloutRow;

/// The pre-trend p-value below which the report warns.
const PRETREND_ALPHA: f64 = 0.05;

/// The blocks of every roll-out, after the trials, two products abreast;
/// none without roll-outs.
pub fn blocks(ctx: &Ctx, jobs: &mut Vec<Job>) -> Vec<Block> {
    let rows = &ctx.input.tables.rollout;
    let w = i18n::rollout_labels(ctx.lang);
    let mut columns = Vec::new();
    for product in rows.chunk_by(|a, b| a.project_id == b.project_id) {
        let id = &product[0].project_id;
        let rate = read_rows(ctx, id);
        let Some(outcome) = rate.first().map(|r| r.outcome.as_str()) else { continue };
        let heading = format!("{} — {}", ctx.name(id), ctx.quoted(&ctx.outcome(outcome)));
        let mut column = vec![Block::Heading(heading)];
        let study = event_study(ctx, &rate, w.title.into());
        if study.points.iter().any(|p| p.estimate.is_some()) {
            column.push(chart(jobs, format!("rollout_{}", ctx.stem(id)), study, w.chart_alt));
        }
        column.push(Block::Para(overall(ctx, &rate)));
        column.extend(pretrend(ctx, &rate));
        columns.push(column);
    }
    if columns.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Block::Heading(w.heading.into()), Block::Para(w.intro.into())];
    let mut columns = columns.into_iter();
    while let Some(left) = columns.next() {
        out.push(Block::Columns([Some(left), columns.next()].into_iter().flatten().collect()));
    }
    out
}

/// The rows a product's roll-out is read by: the first outcome's rate.
fn read_rows<'a>(ctx: &Ctx<'a>, project: &str) -> Vec<&'a RolloutRow> {
    let rows = ctx.input.tables.rollout.iter().filter(|r| r.project_id == project && r.metric == "rate");
    let Some(outcome) = rows.clone().next().map(|r| r.outcome.as_str()) else { return Vec::new() };
    rows.filter(|r| r.outcome == outcome).collect()
}

/// A roll-out's verdict: its overall (`simple`) effect on the first
/// outcome's rate, demonstrated when the 95 % interval leaves zero out;
/// `None` for a product without a roll-out.
pub fn verdict(ctx: &Ctx, project: &str) -> Option<Verdict> {
    let rows = read_rows(ctx, project);
    let simple = rows.iter().find(|r| r.aggregation == "simple")?;
    let estimate = estimate(simple).filter(|_| !simple.suppressed);
    let finding = match estimate {
        Some((_, lo, _)) if lo > 0.0 => Finding::Effect,
        Some((_, _, hi)) if hi < 0.0 => Finding::Harm,
        _ => Finding::Inconclusive,
    };
    Some(Verdict {
        evidence: Evidence::Rollout,
        finding,
        masked: simple.suppressed,
        endpoint: ctx.outcome(&simple.outcome),
        primary: true,
        effect: estimate.is_some().then(|| effect_text(ctx, simple)),
        q: None,
    })
}

/// The roll-outs whose placebo months reject parallel trends (p < 0.05),
/// on the rows their verdict reads, so that the alert and the effect it
/// qualifies speak of the same figure.
pub fn pretrend_failures<'a>(ctx: &Ctx<'a>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = ctx.input.tables.rollout.iter().map(|r| r.project_id.as_str()).collect();
    ids.dedup();
    ids.retain(|p| {
        read_rows(ctx, p).iter().any(|r| r.aggregation == "simple" && r.pretrend_p.is_some_and(|x| x < PRETREND_ALPHA))
    });
    ids
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
        width: HALF_WIDTH,
    }
}

fn estimate(r: &RolloutRow) -> Option<(f64, f64, f64)> {
    Some((r.att?, r.ci_low?, r.ci_high?))
}

/// "Overall effect: +2.1 pp [0.4; 3.8] (evidence level 3)."
fn overall(ctx: &Ctx, rows: &[&RolloutRow]) -> String {
    let w = i18n::rollout_labels(ctx.lang);
    let simple = rows.iter().find(|r| r.aggregation == "simple");
    let effect = match simple.filter(|r| estimate(r).is_some()) {
        Some(r) => effect_text(ctx, r),
        None if simple.is_some_and(|r| r.suppressed) => format::masked(ctx.lang).to_owned(),
        None => "—".into(),
    };
    i18n::fill(w.overall, &[("effect", &effect)])
}

fn pretrend(ctx: &Ctx, rows: &[&RolloutRow]) -> Vec<Block> {
    let (sentence, fails) = pretrend_reading(ctx, rows);
    vec![if fails { Block::Warning(sentence) } else { Block::Note(sentence) }]
}

/// What the pre-trend test says of a roll-out, and whether it fails: the
/// sentence that stands beside its effect (SPEC section 4, level 3).
fn pretrend_reading(ctx: &Ctx, rows: &[&RolloutRow]) -> (String, bool) {
    let w = i18n::rollout_labels(ctx.lang);
    match rows.iter().find(|r| r.aggregation == "simple").and_then(|r| r.pretrend_p) {
        Some(p) if p < PRETREND_ALPHA => (i18n::fill(w.pretrend_fails, &[("p", &format::p_clause(ctx.lang, p))]), true),
        Some(p) => (i18n::fill(w.pretrend_holds, &[("p", &format::p_clause(ctx.lang, p))]), false),
        // SPEC 4: null without placebo cells, and when the test cannot be
        // trusted or computed (few units, a singular or hidden cell).
        None if !rows.iter().any(|r| r.aggregation == "dynamic" && r.event_time.is_some_and(|e| e < 0)) => {
            (w.pretrend_no_placebo.into(), false)
        }
        None => (w.pretrend_none.into(), false),
    }
}

/// The pre-trend sentence of `project`'s roll-out, for its product page.
pub fn pretrend_sentence(ctx: &Ctx, project: &str) -> String {
    pretrend_reading(ctx, &read_rows(ctx, project)).0
}

/// "+0.8 pp [0.4, 1.2]" (a row with an estimate).
fn effect_text(ctx: &Ctx, r: &RolloutRow) -> String {
    with_interval(ctx, r.att, r.ci_low, r.ci_high, Fmt::Points).unwrap_or_else(|| "—".into())
}
