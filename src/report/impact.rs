//! Part 3 of the report, the impact of randomized trials: each trial's
//! planned size, the forest plot of every rate uplift (primary endpoints
//! first) with its fixed and its always-valid interval, the primary
//! endpoints' table apart from the exploratory one (verdict from the
//! always-valid interval and q-value, cost only where demonstrated), the
//! CUPED estimate and the effect on users in the detail table, the
//! mean-value table, and the allocation-ratio warnings (`srm_p < 0.001`).
//!
//! Responsible for ordering, wording and verdicts, and for the verdict of
//! each product that the summary and the product pages repeat
//! ([`verdict`]). Not responsible for the statistics themselves (they
//! arrive in `impact` rows).

use super::context::{Ctx, FULL_WIDTH, chart};
use super::doc::{Block, Cell, CellKind, Row, RowKind, Section, Sign, Table};
use super::i18n;
use crate::charts::Job;
use crate::charts::forest::{Forest, ForestRow};
use crate::format;
use crate::format::Lang;
use crate::tables::ImpactRow;

/// Rows per forest chart, so that each part fits on an A4 page.
const FOREST_ROWS: usize = 28;
/// The threshold under which the ratio check is flagged (SPEC section 4).
const SRM_ALPHA: f64 = 0.001;
/// The false-discovery rate under which an effect is demonstrated.
const Q_ALPHA: f64 = 0.05;

pub fn section(ctx: &Ctx, number: usize, jobs: &mut Vec<Job>) -> Section {
    let t = ctx.t;
    let rates = ordered(ctx, "rate");
    let means = ordered(ctx, "mean_value");
    let mut blocks = vec![Block::Para(t.impact_intro.into())];
    if rates.is_empty() && means.is_empty() {
        blocks.push(Block::Para(t.no_trial.into()));
    }
    blocks.extend(planned_blocks(ctx));
    for (name, forest) in forest_charts(ctx, &rates) {
        blocks.push(chart(jobs, name, forest, t.forest_title));
    }
    let (primary, exploratory): (Vec<&ImpactRow>, Vec<&ImpactRow>) = rates.iter().partition(|r| r.primary);
    if !primary.is_empty() {
        blocks.push(Block::Heading(t.primary_endpoints.into()));
        blocks.push(Block::Table(rate_table(ctx, &primary)));
    }
    if !exploratory.is_empty() {
        blocks.push(Block::Heading(t.exploratory.into()));
        blocks.push(Block::Table(rate_table(ctx, &exploratory)));
    }
    if !rates.is_empty() {
        blocks.push(Block::Heading(t.rate_details.into()));
        blocks.push(Block::Table(detail_table(ctx, &rates)));
    }
    if !means.is_empty() {
        blocks.push(Block::Heading(t.mean_effects.into()));
        blocks.push(Block::Table(mean_table(ctx, &means)));
    }
    if !rates.is_empty() || !means.is_empty() {
        blocks.push(Block::Heading(t.srm_heading.into()));
        blocks.extend(srm_blocks(ctx));
    }
    blocks.extend(super::rollout::blocks(ctx, jobs));
    // Under the portfolio when it leaves room: the demo prints on 20 pages.
    Section::part("impact", format!("{number}. {}", t.impact), false, blocks)
}

/// How an impact figure was obtained, on the Maryland Scientific Methods
/// Scale (Sherman et al. 1997).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// A randomized trial: level 5.
    Randomized,
    /// A staggered roll-out (a comparison of changes): level 3.
    Rollout,
}

impl Evidence {
    pub fn level(self) -> u8 {
        match self {
            Evidence::Randomized => 5,
            Evidence::Rollout => 3,
        }
    }
}

/// What a verdict finds, in the order the summary lists products: a harm
/// first, then an effect, then a result that shows neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Finding {
    Harm,
    Effect,
    Inconclusive,
}

/// A product's verdict: its trial's primary endpoint, or its roll-out's
/// overall effect ([`Evidence::Rollout`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub evidence: Evidence,
    pub finding: Finding,
    /// Hidden by disclosure control: read as inconclusive.
    pub masked: bool,
    /// "Return to work, 90 d".
    pub endpoint: String,
    /// The trial's declared primary endpoint (else its first rate row).
    pub primary: bool,
    /// The estimate and its always-valid interval, when published.
    pub effect: Option<String>,
    /// The q-value, when published.
    pub q: Option<f64>,
}

impl Verdict {
    pub fn sign(&self) -> Sign {
        match self.finding {
            Finding::Effect => Sign::Positive,
            Finding::Harm => Sign::Negative,
            Finding::Inconclusive => Sign::Neutral,
        }
    }

    /// "Effect demonstrated", "Not demonstrated", …
    pub fn word(&self, ctx: &Ctx) -> String {
        if self.masked {
            return format::masked(ctx.lang).to_string();
        }
        finding_word(ctx, self.finding).to_string()
    }

    /// "Effect demonstrated (5)", under a head that names the level.
    pub fn with_level(&self, ctx: &Ctx) -> String {
        format!("{} ({})", self.word(ctx), self.evidence.level())
    }
}

fn finding_word(ctx: &Ctx, finding: Finding) -> &'static str {
    match finding {
        Finding::Effect => ctx.t.positive,
        Finding::Harm => ctx.t.negative,
        Finding::Inconclusive => ctx.t.not_demonstrated,
    }
}

/// What the summary and the product page say of a product's impact: its
/// trial's verdict, else its roll-out's; `None` with neither.
pub fn product_verdict(ctx: &Ctx, project: &str) -> Option<Verdict> {
    verdict(ctx, project).or_else(|| super::rollout::verdict(ctx, project))
}

/// The verdict on `project`'s trial: its primary rate endpoint, else its
/// first rate row; `None` without a trial.
pub fn verdict(ctx: &Ctx, project: &str) -> Option<Verdict> {
    let rows = ctx.impact.get(project)?;
    let rates = || rows.iter().filter(|r| r.metric == "rate");
    let row = rates().find(|r| r.primary).or_else(|| rates().next())?;
    let finding = match verdict_sign(row) {
        Some(Sign::Positive) if !row.suppressed => Finding::Effect,
        Some(Sign::Negative) if !row.suppressed => Finding::Harm,
        _ => Finding::Inconclusive,
    };
    let effect = (!row.suppressed).then(|| effect_text(ctx, row)).flatten();
    Some(Verdict {
        evidence: Evidence::Randomized,
        finding,
        masked: row.suppressed,
        endpoint: endpoint(ctx, row),
        primary: row.primary,
        effect,
        q: row.q_value.filter(|_| !row.suppressed),
    })
}

/// "+11.9 pp, always-valid 95% CI [0.0, 23.7]".
fn effect_text(ctx: &Ctx, row: &ImpactRow) -> Option<String> {
    let d = format::points(ctx.lang, row.difference?);
    match sequential_text(ctx, row, Fmt::Points) {
        Some(interval) => Some(format!("{d}, {} {interval}", ctx.t.always_valid_short)),
        None => Some(d),
    }
}

/// The rows of one metric, primary endpoints first, then in table order.
fn ordered<'a>(ctx: &Ctx<'a>, metric: &str) -> Vec<&'a ImpactRow> {
    let mut rows: Vec<&ImpactRow> = ctx.input.tables.impact.iter().filter(|r| r.metric == metric).collect();
    rows.sort_by_key(|r| !r.primary);
    rows
}

/// `Return to work, 90 d`.
fn endpoint(ctx: &Ctx, row: &ImpactRow) -> String {
    format!("{}, {}", ctx.outcome(&row.outcome), format::days(ctx.lang, row.window_days))
}

/// Each trial's `planned_n` on one line, and a note when one was not declared.
fn planned_blocks(ctx: &Ctx) -> Vec<Block> {
    let trials = &ctx.input.planned_n;
    if trials.is_empty() {
        return Vec::new();
    }
    let facts = trials
        .iter()
        .map(|p| {
            let size = format::count(ctx.lang, p.planned_n);
            let size = if p.declared { size } else { format!("{size} ({})", ctx.t.planned_default) };
            (ctx.name(&p.project_id).to_string(), size)
        })
        .collect();
    let mut blocks = vec![Block::Heading(ctx.t.planned_heading.into()), Block::Facts(facts)];
    if trials.iter().any(|p| !p.declared) {
        blocks.push(Block::Note(ctx.t.planned_note.into()));
    }
    blocks
}

/// An estimate with its interval, each written by `fmt`.
pub(super) fn with_interval(
    ctx: &Ctx,
    estimate: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
    fmt: Fmt,
) -> Option<String> {
    let (d, lo, hi) = (estimate?, low?, high?);
    Some(format!("{} {}", fmt.signed(ctx.lang, d), ctx.interval(fmt.bare(ctx.lang, lo), fmt.bare(ctx.lang, hi))))
}

/// How a metric's differences are written: points for rates, the value's
/// own unit for means.
#[derive(Clone, Copy)]
pub(super) enum Fmt {
    Points,
    Number,
}

impl Fmt {
    fn signed(self, lang: Lang, v: f64) -> String {
        match self {
            Fmt::Points => format::points(lang, v),
            Fmt::Number => format::number_signed(lang, v, 1),
        }
    }

    fn bare(self, lang: Lang, v: f64) -> String {
        match self {
            Fmt::Points => format::points_bare(lang, v),
            Fmt::Number => format::number(lang, v, 1),
        }
    }
}

/// The difference with its interval, in points.
fn difference_text(ctx: &Ctx, row: &ImpactRow) -> Option<String> {
    with_interval(ctx, row.difference, row.ci_low, row.ci_high, Fmt::Points)
}

/// The always-valid interval alone (the estimate is the difference's).
fn sequential_text(ctx: &Ctx, row: &ImpactRow, fmt: Fmt) -> Option<String> {
    let (lo, hi) = (row.seq_ci_low?, row.seq_ci_high?);
    Some(ctx.interval(fmt.bare(ctx.lang, lo), fmt.bare(ctx.lang, hi)))
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
            let sequential = estimate.and(r.seq_ci_low.zip(r.seq_ci_high));
            let value_text = if r.suppressed {
                format::masked(ctx.lang).to_string()
            } else {
                difference_text(ctx, r).unwrap_or_else(|| ctx.t.not_estimable.into())
            };
            ForestRow {
                label: format!("{} · {}", ctx.name(&r.project_id), endpoint(ctx, r)),
                primary: r.primary,
                estimate,
                sequential,
                value_text,
            }
        })
        .collect()
}

/// The shared x range: every interval of both kinds and zero, padded a little.
fn forest_range(rows: &[ForestRow]) -> (f64, f64) {
    let bounds = rows.iter().flat_map(|r| r.estimate.map(|(_, l, h)| (l, h)).into_iter().chain(r.sequential));
    let (lo, hi) = bounds.fold((0.0f64, 0.0f64), |(lo, hi), (l, h)| (lo.min(l), hi.max(h)));
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
                fixed_legend: ctx.t.fixed_interval.into(),
                sequential_legend: ctx.t.always_valid_interval.into(),
                x_label: ctx.t.forest_axis.into(),
                width: FULL_WIDTH,
            };
            let name = if i == 0 { "impact_forest".to_string() } else { format!("impact_forest_{}", i + 1) };
            (name, forest)
        })
        .collect()
}

/// The verdict follows the always-valid interval, which stays valid
/// however often the trial is read, and the q-value, which accounts for
/// every result read at once: an effect is demonstrated when the interval
/// excludes zero and `q < 0.05`; without that interval (no variance) it is
/// not. `None`: no difference to judge.
fn verdict_sign(row: &ImpactRow) -> Option<Sign> {
    row.difference?;
    let discovered = row.q_value.is_some_and(|q| q < Q_ALPHA);
    Some(match (row.seq_ci_low, row.seq_ci_high) {
        (Some(lo), _) if discovered && lo > 0.0 => Sign::Positive,
        (_, Some(hi)) if discovered && hi < 0.0 => Sign::Negative,
        _ => Sign::Neutral,
    })
}

/// A row's verdict as the impact tables and the public pages give it.
pub struct RowVerdict {
    /// `positive`, `negative`, `not_demonstrated` or `not_estimable`.
    pub code: &'static str,
    pub label: &'static str,
    pub sign: Sign,
}

/// The verdict of a published row (a suppressed row has none to give).
pub fn verdict_of(ctx: &Ctx, row: &ImpactRow) -> RowVerdict {
    let (code, label) = match verdict_sign(row) {
        Some(Sign::Positive) => ("positive", finding_word(ctx, Finding::Effect)),
        Some(Sign::Negative) => ("negative", finding_word(ctx, Finding::Harm)),
        Some(Sign::Neutral) => ("not_demonstrated", finding_word(ctx, Finding::Inconclusive)),
        None => ("not_estimable", ctx.t.not_estimable),
    };
    RowVerdict { code, label, sign: verdict_sign(row).unwrap_or(Sign::Neutral) }
}

fn verdict_cell(ctx: &Ctx, row: &ImpactRow) -> Cell {
    if row.suppressed {
        return Cell::suppressed(format::masked(ctx.lang));
    }
    let v = verdict_of(ctx, row);
    Cell { text: v.label.into(), kind: CellKind::Verdict(v.sign) }
}

/// Both arms' sizes; a suppressed row keeps those of `k` or more.
fn arms_cell(ctx: &Ctx, row: &ImpactRow) -> Cell {
    let arm = |n: Option<u64>| n.map_or_else(|| ctx.mark.clone(), |n| format::count(ctx.lang, n));
    match (row.n_treatment, row.n_control) {
        (Some(t), Some(c)) => {
            Cell::number(format!("{}\u{A0}/\u{A0}{}", format::count(ctx.lang, t), format::count(ctx.lang, c)))
        }
        (t, c) if row.suppressed => Cell::suppressed(&format!("{}\u{A0}/\u{A0}{}", arm(t), arm(c))),
        _ => Cell::missing(),
    }
}

/// A cost per additional outcome only where the effect is demonstrated.
fn cost_cell(ctx: &Ctx, row: &ImpactRow) -> Cell {
    let euros = |v| format::euros(ctx.lang, v);
    if row.suppressed {
        return Cell::suppressed(format::masked(ctx.lang));
    }
    if verdict_sign(row) != Some(Sign::Positive) {
        return Cell::missing();
    }
    match (row.cost_per_additional_outcome, row.cost_low, row.cost_high) {
        (Some(c), Some(lo), Some(hi)) => Cell::number(format!("{} {}", euros(c), ctx.interval(euros(lo), euros(hi)))),
        (Some(c), _, _) => Cell::number(euros(c)),
        _ => Cell::missing(),
    }
}

fn q_cell(ctx: &Ctx, row: &ImpactRow) -> Cell {
    ctx.estimate(row.q_value.map(|q| format::p_value(ctx.lang, q)), row.suppressed)
}

/// "Product · Return to work, 90 d", the first cell of every impact table.
fn label_cell(ctx: &Ctx, row: &ImpactRow) -> Cell {
    Cell::text(format!("{} · {}", ctx.name(&row.project_id), endpoint(ctx, row)))
}

fn kind(row: &ImpactRow) -> RowKind {
    if row.primary { RowKind::Normal } else { RowKind::Muted }
}

/// `42.1% / 30.2%`: the arms' rates (or means) side by side.
fn arms_values(ctx: &Ctx, row: &ImpactRow, fmt: impl Fn(f64) -> String) -> Cell {
    let values = row.treatment.zip(row.control).map(|(t, c)| format!("{}\u{A0}/\u{A0}{}", fmt(t), fmt(c)));
    ctx.text_figure(values, row.suppressed)
}

/// The rate rows: the arms, the difference, its always-valid interval, q,
/// the verdict and, where the effect is demonstrated, its cost.
fn rate_table(ctx: &Ctx, rates: &[&ImpactRow]) -> Table {
    let t = ctx.t;
    let head = [t.endpoint, t.n_arms, t.rates_arms, t.difference, t.always_valid, t.q, t.verdict, t.cost_per_outcome];
    let pct = |v| format::percent(ctx.lang, v);
    let rows = rates
        .iter()
        .map(|r| {
            let cells = vec![
                label_cell(ctx, r),
                arms_cell(ctx, r),
                arms_values(ctx, r, pct),
                ctx.estimate(difference_text(ctx, r), r.suppressed),
                ctx.estimate(sequential_text(ctx, r, Fmt::Points), r.suppressed),
                q_cell(ctx, r),
                verdict_cell(ctx, r),
                cost_cell(ctx, r),
            ];
            Row::with_kind(cells, kind(r))
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}

/// What the rate tables leave out: the CUPED-adjusted difference and the
/// variance it removed, the effect on users and the take-up behind it, the
/// relative effect, the fixed p-value and the detectable effect.
fn detail_table(ctx: &Ctx, rates: &[&ImpactRow]) -> Table {
    let t = ctx.t;
    let head = [t.endpoint, t.cuped, t.variance_reduction, t.effect_on_users, t.takeup, t.relative, t.p, t.mde];
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
            let takeup =
                r.takeup_treatment.zip(r.takeup_control).map(|(ut, uc)| format!("{}\u{A0}/\u{A0}{}", pct(ut), pct(uc)));
            let cuped = with_interval(ctx, r.cuped_difference, r.cuped_ci_low, r.cuped_ci_high, Fmt::Points);
            let cace = with_interval(ctx, r.cace, r.cace_ci_low, r.cace_ci_high, Fmt::Points);
            let cells = vec![
                label_cell(ctx, r),
                ctx.estimate(cuped, hidden),
                ctx.estimate(r.variance_reduction.map(pct), hidden),
                ctx.estimate(cace, hidden),
                ctx.estimate(takeup, hidden),
                ctx.estimate(relative, hidden),
                ctx.estimate(r.p_value.map(|p| format::p_value(ctx.lang, p)), hidden),
                ctx.estimate(r.mde.map(|m| format::points(ctx.lang, m).trim_start_matches('+').to_string()), hidden),
            ];
            Row::with_kind(cells, kind(r))
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}

fn mean_table(ctx: &Ctx, means: &[&ImpactRow]) -> Table {
    let t = ctx.t;
    let head = [t.endpoint, t.n_arms, t.means_arms, t.difference, t.always_valid, t.p, t.q, t.verdict];
    let num = |v| format::number(ctx.lang, v, 1);
    let rows = means
        .iter()
        .map(|r| {
            let hidden = r.suppressed;
            let diff = with_interval(ctx, r.difference, r.ci_low, r.ci_high, Fmt::Number);
            let cells = vec![
                label_cell(ctx, r),
                arms_cell(ctx, r),
                arms_values(ctx, r, num),
                ctx.estimate(diff, hidden),
                ctx.estimate(sequential_text(ctx, r, Fmt::Number), hidden),
                ctx.estimate(r.p_value.map(|p| format::p_value(ctx.lang, p)), hidden),
                q_cell(ctx, r),
                verdict_cell(ctx, r),
            ];
            Row::with_kind(cells, kind(r))
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}

/// The rows whose arm sizes fail the ratio check, one per product and window.
pub fn srm_flags<'a>(ctx: &Ctx<'a>) -> Vec<&'a ImpactRow> {
    let mut seen = std::collections::BTreeSet::new();
    ctx.input
        .tables
        .impact
        .iter()
        .filter(|r| r.srm_p.is_some_and(|p| p < SRM_ALPHA))
        .filter(|r| seen.insert((r.project_id.as_str(), r.window_days)))
        .collect()
}

/// One warning per product and window whose arm sizes fail the ratio check.
fn srm_blocks(ctx: &Ctx) -> Vec<Block> {
    let warnings: Vec<Block> = srm_flags(ctx)
        .into_iter()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    fn row(fixed: (f64, f64), sequential: Option<(f64, f64)>, q: f64) -> ImpactRow {
        ImpactRow {
            difference: Some((fixed.0 + fixed.1) / 2.0),
            ci_low: Some(fixed.0),
            ci_high: Some(fixed.1),
            seq_ci_low: sequential.map(|s| s.0),
            seq_ci_high: sequential.map(|s| s.1),
            q_value: Some(q),
            ..ImpactRow::default()
        }
    }

    /// The case: a fixed interval that excludes zero is not enough.
    #[test]
    fn the_verdict_needs_the_always_valid_interval_and_q() {
        assert_eq!(verdict_sign(&row((0.029, 0.293), Some((-0.044, 0.376)), 0.01)), Some(Sign::Neutral));
        assert_eq!(verdict_sign(&row((0.03, 0.2), Some((0.01, 0.3)), 0.06)), Some(Sign::Neutral), "q ≥ 0.05");
        assert_eq!(verdict_sign(&row((0.03, 0.2), Some((0.01, 0.3)), 0.049)), Some(Sign::Positive));
        assert_eq!(verdict_sign(&row((-0.2, -0.03), Some((-0.3, -0.01)), 0.01)), Some(Sign::Negative));
        assert_eq!(verdict_sign(&row((0.03, 0.2), None, 0.01)), Some(Sign::Neutral), "no variance: not shown");
        assert_eq!(verdict_sign(&ImpactRow::default()), None);
    }

    /// SPEC section 6: a hidden interval is not a count, so it reads "masked".
    #[test]
    fn a_hidden_estimate_reads_masked_and_a_hidden_rate_less_than_k() {
        let tables = fixture::tables();
        let input = fixture::report_input(&tables, Lang::En);
        let ctx = Ctx::new(&input);
        let hidden: Vec<&ImpactRow> = tables.impact.iter().filter(|r| r.suppressed && r.metric == "rate").collect();
        assert!(!hidden.is_empty());
        let table = rate_table(&ctx, &hidden);
        let texts: Vec<&str> = table.rows[0].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts[2], "<\u{A0}10", "the arms' rates: {texts:?}");
        for (i, head) in [(3, "difference"), (4, "always-valid"), (5, "q"), (6, "verdict"), (7, "cost")] {
            assert_eq!(texts[i], "masked", "{head}: {texts:?}");
        }
    }

    #[test]
    fn cost_only_where_demonstrated_and_planned_n_noted() {
        let tables = fixture::tables();
        let input = fixture::report_input(&tables, Lang::En);
        let ctx = Ctx::new(&input);
        let mut shown = row((0.03, 0.2), Some((0.01, 0.3)), 0.01);
        shown.cost_per_additional_outcome = Some(1000.0);
        assert_eq!(cost_cell(&ctx, &shown).text, "€1,000");
        let hidden = ImpactRow { q_value: Some(0.2), ..shown };
        assert_eq!(cost_cell(&ctx, &hidden).kind, CellKind::Missing);
        let blocks = planned_blocks(&ctx);
        let Some(Block::Facts(facts)) = blocks.get(1) else { panic!("{blocks:?}") };
        let sizes: Vec<&str> = facts.iter().map(|f| f.1.as_str()).collect();
        assert!(sizes.contains(&"2,000") && sizes.contains(&"5,000 (not declared: the default)"), "{sizes:?}");
        assert!(matches!(blocks.last(), Some(Block::Note(n)) if n.contains("planned_n")));
    }
}
