//! Part 1 of the report, the summary page (SPEC section 7.1): three to five
//! generated sentences (north-star statuses, the trials' verdicts, the
//! alerts), then one row per product — its north star against target with
//! status and change, a 13-month sparkline of active users, its verdict
//! with the evidence level — sorted by what needs a decision, and the
//! status thresholds under the table.
//!
//! Responsible for that page and for the order in which products appear
//! ([`decision_order`]), which the product pages follow. Not responsible
//! for the verdicts themselves (`impact`) or markup (renderers).

use std::cmp::Ordering;
use std::path::Path;

use super::context::{Ctx, TREND_MONTHS};
use super::doc::{Block, Cell, CellKind, Row, Section, Table};
use super::i18n;
use super::impact::{self, Finding, Verdict};
use super::model::{Direction, NorthStar, NorthStarStatus, ProjectInfo};
use super::rollout;
use crate::charts::sparkline;
use crate::format;
use crate::format::Lang;
use crate::ingest::warning;
use crate::registry::Kpi;
use crate::tz;

/// How many months back an outage still counts as an alert: the reporting
/// month and the two before (older ones stay in the data-quality section).
pub const RECENT_MONTHS: i32 = 3;

pub fn section(ctx: &Ctx, number: usize) -> Section {
    let t = ctx.t;
    let mut blocks = vec![Block::Lead(sentences(ctx)), Block::Table(products_table(ctx))];
    blocks.push(Block::Note(format!("{} {}", t.thresholds, t.evidence_note)));
    Section::part("summary", format!("{number}. {}", t.summary), false, blocks)
}

/// The status of each catalog product: its north star's, or `not_set`.
pub fn status_of(ctx: &Ctx, project: &str) -> NorthStarStatus {
    ctx.north_star(project).map_or(NorthStarStatus::NotSet, |n| n.status)
}

/// Where a product stands in the summary: a harm, an effect, an
/// inconclusive trial, then the statuses from the worst.
fn decision_rank(ctx: &Ctx, project: &str) -> usize {
    if let Some(v) = impact::product_verdict(ctx, project) {
        return v.finding as usize;
    }
    let order = [
        NorthStarStatus::OffTrack,
        NorthStarStatus::AtRisk,
        NorthStarStatus::OnTrack,
        NorthStarStatus::NotSet,
        NorthStarStatus::NoData,
    ];
    let status = status_of(ctx, project);
    3 + order.iter().position(|s| *s == status).unwrap_or(order.len())
}

/// The catalog in the order a committee decides: see [`decision_rank`],
/// then by name.
pub fn decision_order<'a>(ctx: &Ctx<'a>) -> Vec<&'a ProjectInfo> {
    let mut projects: Vec<(usize, &ProjectInfo)> =
        ctx.input.projects.iter().map(|p| (decision_rank(ctx, &p.id), p)).collect();
    projects.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| by_name(ctx, a.1, b.1)));
    projects.into_iter().map(|(_, p)| p).collect()
}

fn by_name(ctx: &Ctx, a: &ProjectInfo, b: &ProjectInfo) -> Ordering {
    let key = |p: &ProjectInfo| (ctx.name(&p.id).to_lowercase(), p.id.clone());
    key(a).cmp(&key(b))
}

/// The products' outages of the last [`RECENT_MONTHS`] months.
pub fn recent_outages<'a>(ctx: &Ctx<'a>) -> Vec<(&'a str, i32)> {
    let since = tz::add_months(ctx.input.month, -(RECENT_MONTHS - 1));
    ctx.outages.iter().copied().filter(|(_, m)| *m >= since).collect()
}

/// SPEC 7.1: three to five sentences.
const MAX_SENTENCES: usize = 5;

fn sentences(ctx: &Ctx) -> Vec<String> {
    let mut out = vec![status_sentence(ctx), trial_sentence(ctx)];
    out.extend(rollout_sentence(ctx));
    let alerts = alerts(ctx);
    let room = MAX_SENTENCES - out.len();
    if alerts.is_empty() {
        out.push(ctx.t.no_alert.into());
    } else if alerts.len() <= room {
        out.extend(alerts.into_iter().map(|a| a.sentence));
    } else {
        // The first alerts keep their sentence; the others share the last
        // one, a few words each, in the same order.
        let (whole, rest) = alerts.split_at(room - 1);
        out.extend(whole.iter().map(|a| a.sentence.clone()));
        // Semicolons: the items hold commas of their own.
        let items: Vec<&str> = rest.iter().map(|a| a.short.as_str()).collect();
        let list = items.join(ctx.lang.pick("\u{A0}; ", "; "));
        out.push(i18n::fill(ctx.t.lead_also, &[("list", &list)]));
    }
    out
}

/// `n` and its noun, singular for 0 and 1 in French, for 1 in English.
pub fn counted(lang: Lang, n: usize, one: &str, many: &str) -> String {
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En => n == 1,
    };
    format!("{}\u{A0}{}", format::count(lang, n as u64), if singular { one } else { many })
}

/// "In October 2026, 30 of 40 products have a north star: 20 on track, …".
fn status_sentence(ctx: &Ctx) -> String {
    let t = ctx.t;
    let projects = &ctx.input.projects;
    let count = |s: NorthStarStatus| projects.iter().filter(|p| status_of(ctx, &p.id) == s).count();
    let tracked = projects.len() - count(NorthStarStatus::NotSet);
    let month = format::month_long(ctx.lang, ctx.input.month);
    if tracked == 0 {
        return i18n::fill(t.lead_no_status, &[("month", &month)]);
    }
    let n = |s| format::count(ctx.lang, count(s) as u64);
    let tracked_text = i18n::fill(
        if tracked == 1 { t.lead_tracked_one } else { t.lead_tracked },
        &[("n", &format::count(ctx.lang, tracked as u64)), ("total", &format::count(ctx.lang, projects.len() as u64))],
    );
    let no_data = count(NorthStarStatus::NoData);
    let no_data =
        if no_data == 0 { String::new() } else { i18n::fill(t.lead_no_data, &[("n", &n(NorthStarStatus::NoData))]) };
    let values = [
        ("month", month),
        ("tracked", tracked_text),
        ("on", n(NorthStarStatus::OnTrack)),
        ("at", n(NorthStarStatus::AtRisk)),
        ("off", n(NorthStarStatus::OffTrack)),
        ("no_data", no_data),
    ];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    i18n::fill(t.lead_status, &values)
}

/// "Product (Return to work, 90 d: +11.9 pp, …)", joined by commas and "and".
fn named_verdicts(ctx: &Ctx, verdicts: &[(&str, &Verdict)]) -> String {
    let items: Vec<String> = verdicts
        .iter()
        .map(|(p, v)| match &v.effect {
            Some(effect) => format!("{} ({}{} {effect})", ctx.name(p), v.endpoint, ctx.colon()),
            None => ctx.name(p).to_string(),
        })
        .collect();
    join_and(ctx.lang, &items)
}

/// `a, b and c` / `a, b et c`.
pub fn join_and(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), lang.pick("et", "and")),
    }
}

/// What the trials show after correction, harms first.
fn trial_sentence(ctx: &Ctx) -> String {
    let verdicts: Vec<(&str, Verdict)> =
        ctx.input.projects.iter().filter_map(|p| impact::verdict(ctx, &p.id).map(|v| (p.id.as_str(), v))).collect();
    if verdicts.is_empty() {
        return ctx.t.no_trial.into();
    }
    let t = ctx.t;
    verdict_sentence(ctx, &verdicts, [t.lead_trials_one, t.lead_trials, t.lead_effect, t.lead_no_effect])
}

/// What the roll-outs show, as for the trials; none without a roll-out.
fn rollout_sentence(ctx: &Ctx) -> Option<String> {
    let verdicts: Vec<(&str, Verdict)> =
        ctx.input.projects.iter().filter_map(|p| rollout::verdict(ctx, &p.id).map(|v| (p.id.as_str(), v))).collect();
    let t = ctx.t;
    let words = [t.lead_rollouts_one, t.lead_rollouts, t.lead_rollout_effect, t.lead_rollout_no_effect];
    (!verdicts.is_empty()).then(|| verdict_sentence(ctx, &verdicts, words))
}

/// "4 randomized trials are read this month: harm …; effect …; 2 remain
/// inconclusive." `words`: the opening for one and for several, the effect
/// clause and the clause without an effect.
fn verdict_sentence(ctx: &Ctx, verdicts: &[(&str, Verdict)], words: [&str; 4]) -> String {
    let t = ctx.t;
    let with = |f: Finding| -> Vec<(&str, &Verdict)> {
        verdicts.iter().filter(|(_, v)| v.finding == f).map(|(p, v)| (*p, v)).collect()
    };
    let (harms, effects) = (with(Finding::Harm), with(Finding::Effect));
    let inconclusive = with(Finding::Inconclusive).len();
    let opening = i18n::fill(
        if verdicts.len() == 1 { words[0] } else { words[1] },
        &[("n", &format::count(ctx.lang, verdicts.len() as u64))],
    );
    let effect_part = if effects.is_empty() {
        words[3].to_string()
    } else {
        i18n::fill(words[2], &[("list", &named_verdicts(ctx, &effects))])
    };
    let harm_part = if harms.is_empty() {
        t.lead_no_harm.to_string()
    } else {
        i18n::fill(t.lead_harm, &[("list", &named_verdicts(ctx, &harms))])
    };
    let (first, second) = if harms.is_empty() { (effect_part, harm_part) } else { (harm_part, effect_part) };
    let rest = match inconclusive {
        0 => String::new(),
        1 => t.lead_inconclusive_one.to_string(),
        n => i18n::fill(t.lead_inconclusive, &[("n", &format::count(ctx.lang, n as u64))]),
    };
    let values = [("trials", opening.as_str()), ("first", &first), ("second", &second), ("rest", &rest)];
    i18n::fill(t.lead_trial, &values)
}

/// One kind of alert: its sentence, and the few words that stand for it
/// when the summary has no room left.
struct Alert {
    sentence: String,
    short: String,
}

impl Alert {
    fn of(sentence: &str, short: &str, values: &[(&str, &str)]) -> Alert {
        Alert { sentence: i18n::fill(sentence, values), short: i18n::fill(short, values) }
    }
}

/// One alert per kind present, in the order a committee acts on them: the
/// ratio check, pre-trends, recent tracking outages, rejected catalog rows,
/// files with many rejected rows.
fn alerts(ctx: &Ctx) -> Vec<Alert> {
    let t = ctx.t;
    let mut out = Vec::new();
    let srm: Vec<String> = impact::srm_flags(ctx)
        .iter()
        .map(|r| format!("{} ({})", ctx.name(&r.project_id), format::days(ctx.lang, r.window_days)))
        .collect();
    if !srm.is_empty() {
        out.push(Alert::of(t.lead_srm, t.also_srm, &[("list", &join_and(ctx.lang, &srm))]));
    }
    let pretrends: Vec<String> = rollout::pretrend_failures(ctx).iter().map(|p| ctx.name(p).to_owned()).collect();
    if !pretrends.is_empty() {
        out.push(Alert::of(t.lead_pretrend, t.also_pretrend, &[("list", &join_and(ctx.lang, &pretrends))]));
    }
    let outages: Vec<String> = recent_outages(ctx)
        .iter()
        .map(|(p, m)| {
            i18n::fill(t.lead_outage_item, &[("product", ctx.name(p)), ("month", &format::month_long(ctx.lang, *m))])
        })
        .collect();
    if !outages.is_empty() {
        out.push(Alert::of(t.lead_outage, t.also_outage, &[("list", &join_and(ctx.lang, &outages))]));
    }
    out.extend(catalog_alert(ctx));
    let files: Vec<String> = ctx
        .input
        .reconciliation
        .iter()
        .filter(|r| warning::rejects_too_many(r.rejected, r.rows_read))
        .map(|r| {
            let name = Path::new(&r.file).file_name().map_or(r.file.clone(), |n| n.to_string_lossy().into_owned());
            let share = format::percent(ctx.lang, r.rejected as f64 / r.rows_read as f64);
            format!("{name} ({}, {share})", r.input)
        })
        .collect();
    if !files.is_empty() {
        out.push(Alert::of(t.lead_rejected_files, t.also_rejected_files, &[("list", &join_and(ctx.lang, &files))]));
    }
    out
}

fn catalog_alert(ctx: &Ctx) -> Option<Alert> {
    let t = ctx.t;
    let rejects = &ctx.input.catalog_rejects;
    if rejects.is_empty() {
        return None;
    }
    let items: Vec<String> = rejects
        .iter()
        .map(|r| {
            let id = r.project_id.clone().unwrap_or_else(|| t.lead_no_id.into());
            let mut item = format!("{id} ({}", i18n::reason_words(ctx.lang, &r.reason));
            if r.unknown_usage_rows > 0 {
                let rows = counted(ctx.lang, r.unknown_usage_rows as usize, t.usage_row, t.usage_rows);
                item.push_str(&i18n::fill(t.lead_orphans, &[("rows", &rows)]));
            }
            item.push(')');
            item
        })
        .collect();
    let rows = counted(ctx.lang, rejects.len(), t.catalog_row, t.catalog_rows);
    Some(Alert::of(t.lead_catalog, t.also_catalog, &[("rows", &rows), ("list", &join_and(ctx.lang, &items))]))
}

/// One row per product, in decision order.
fn products_table(ctx: &Ctx) -> Table {
    let t = ctx.t;
    let head =
        [t.product, t.phase, t.north_star, t.value_target, t.status, t.vs_previous_head, t.spark_head, t.verdict_head]
            .map(String::from)
            .to_vec();
    let rows = decision_order(ctx).into_iter().map(|p| product_row(ctx, p)).collect();
    Table { head, rows }
}

fn product_row(ctx: &Ctx, p: &ProjectInfo) -> Row {
    let phase = p.phase.as_deref().map_or_else(Cell::missing, |ph| Cell::text(i18n::phase(ctx.lang, ph)));
    let status = status_of(ctx, &p.id);
    let status_cell = Cell { text: i18n::status(ctx.lang, status).into(), kind: CellKind::Status(status) };
    let (name, value, change) = match ctx.north_star(&p.id) {
        Some(ns) => (Cell::text(north_star_short(ctx, ns)), value_target(ctx, ns), change_cell(ctx, ns)),
        None => (Cell::missing(), Cell::missing(), Cell::missing()),
    };
    let verdict = match impact::product_verdict(ctx, &p.id) {
        Some(v) => Cell { text: v.with_level(ctx), kind: CellKind::Verdict(v.sign()) },
        None => Cell::missing(),
    };
    Row::new(vec![Cell::text(ctx.name(&p.id)), phase, name, value, status_cell, change, spark_cell(ctx, p), verdict])
}

/// A north star's name short enough for a table cell.
fn north_star_short(ctx: &Ctx, ns: &NorthStar) -> String {
    match &ns.kpi {
        crate::registry::NorthStarKpi::Kpi(kpi) => i18n::kpi_name(ctx.lang, *kpi),
        crate::registry::NorthStarKpi::OutcomeRate { outcome, window } => {
            format!("{}, {}", ctx.outcome(outcome), format::days(ctx.lang, *window))
        }
    }
}

/// `123 / 140`; `93 € / ≤ 84 €` when lower is better.
fn value_target(ctx: &Ctx, ns: &NorthStar) -> Cell {
    let target = ctx.format_north_star(ns, ns.target);
    let target = if ns.direction == Direction::Lower { format!("≤\u{A0}{target}") } else { target };
    let value = ns.value.filter(|_| !ns.suppressed).map(|v| ctx.format_north_star(ns, v));
    // No-break spaces: a value and its target stay on one line.
    match value {
        Some(v) => Cell::number(format!("{v}\u{A0}/\u{A0}{target}")),
        None if ns.suppressed => Cell::suppressed(&format!("{}\u{A0}/\u{A0}{target}", ctx.mark)),
        None => Cell { text: format!("—\u{A0}/\u{A0}{target}"), kind: CellKind::Missing },
    }
}

/// The change on the previous month: points for rates, relative otherwise.
fn change_cell(ctx: &Ctx, ns: &NorthStar) -> Cell {
    let text = if ns.kpi.is_rate() {
        ns.change_previous.map(|c| format::points(ctx.lang, c))
    } else {
        ns.change_previous_rel.map(|r| format::percent_signed(ctx.lang, r))
    };
    text.map_or_else(Cell::missing, Cell::number)
}

/// Active users over the last 13 months, the months before a product's
/// first data month left empty so that every line spans the same months.
fn spark_cell(ctx: &Ctx, p: &ProjectInfo) -> Cell {
    let months: Vec<i32> = (0..TREND_MONTHS).rev().map(|i| tz::add_months(ctx.input.month, -i)).collect();
    let (values, _) = ctx.kpi_series(&p.id, Kpi::ActiveUsers, &months);
    if values.iter().flatten().count() < 2 {
        return Cell::missing();
    }
    Cell { text: sparkline::text(&values), kind: CellKind::Sparkline(values) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn products_are_sorted_by_what_needs_a_decision() {
        let tables = fixture::tables();
        let input = fixture::report_input(&tables, Lang::En);
        let ctx = Ctx::new(&input);
        let order: Vec<&str> = decision_order(&ctx).iter().map(|p| p.id.as_str()).collect();
        // Both trials first (their verdicts), then off track, at risk, not set, no data.
        let ranks: Vec<usize> = order.iter().map(|p| decision_rank(&ctx, p)).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{order:?} {ranks:?}");
        assert!(ranks[..2].iter().all(|&r| r <= 2), "trials lead: {order:?}");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(counted(Lang::Fr, 1, "produit", "produits"), "1\u{A0}produit");
        assert_eq!(counted(Lang::Fr, 0, "produit", "produits"), "0\u{A0}produit");
        assert_eq!(counted(Lang::En, 0, "product", "products"), "0\u{A0}products");
        assert_eq!(join_and(Lang::Fr, &["a".into(), "b".into(), "c".into()]), "a, b et c");
    }
}
