//! Part 4 of the report, the product pages (SPEC section 7.4): a page for
//! each product with something to decide or watch — a trial, a roll-out, a
//! recent alert, or a north star at risk or off track — never for a
//! stopped product; one appendix line for every other.
//!
//! A page holds the product's facts, its north star and verdict, its KPI
//! table, its monthly active users, the retention heatmap, the funnel and
//! the survival curves (saying which one is better), leaving out a chart
//! that cannot say anything. A page is cut to fit A4: what does not fit
//! continues on the next page under the same heading. Responsible for
//! selecting each product's rows and wording them; not for drawing or
//! markup.

use std::collections::BTreeMap;

use super::context::{Ctx, FULL_WIDTH, HALF_WIDTH, MM_PER_UNIT, TREND_MONTHS, chart};
use super::doc::{Block, Cell, NorthStarBox, Row, Section, Sign, Table};
use super::i18n;
use super::impact::{self, Evidence};
use super::model::{Direction, NorthStar, NorthStarStatus, ProjectInfo};
use super::portfolio;
use super::summary::{self, recent_outages};
use crate::charts::funnel::{Funnel, FunnelStep};
use crate::charts::retention::{HeatCell, HeatRow, Heatmap};
use crate::charts::survival::{Arm, Step, Survival};
use crate::charts::{self, AnyFigure, Figure, Job, palette};
use crate::format;
use crate::registry::{Kpi, NorthStarKpi};
use crate::tables::{FunnelRow, SurvivalRow};
use crate::tz;

const PAGE_KPIS: [Kpi; 7] = [
    Kpi::ActiveUsers,
    Kpi::NewUsers,
    Kpi::ReturningUsers,
    Kpi::Events,
    Kpi::DauMean,
    Kpi::Stickiness,
    Kpi::CostPerActiveUser,
];

/// The printed height a page's content may fill, in mm: A4's 297 less the
/// margins (12 + 11), the page's heading and a margin for error.
const PAGE_MM: f64 = 262.0;

/// The "Products" part: an introduction, one page per product that needs
/// one (in the summary's order), then the appendix of the others.
pub fn sections(ctx: &Ctx, number: usize, jobs: &mut Vec<Job>) -> Vec<Section> {
    let order = summary::decision_order(ctx);
    let (paged, others): (Vec<&ProjectInfo>, Vec<&ProjectInfo>) = order.into_iter().partition(|p| has_page(ctx, p));
    let intro = i18n::fill(
        ctx.t.products_intro,
        &[
            ("pages", &format::count(ctx.lang, paged.len() as u64)),
            ("others", &format::count(ctx.lang, others.len() as u64)),
        ],
    );
    let mut out = vec![Section::part(
        "products",
        format!("{number}. {}", ctx.t.products),
        false,
        vec![Block::Para(intro), Block::Note(legends(ctx))],
    )];
    for (i, project) in paged.iter().enumerate() {
        out.extend(page(ctx, &format!("{number}.{}", i + 1), project, jobs));
    }
    if !others.is_empty() {
        out.push(appendix(ctx, &format!("{number}.{}", paged.len() + 1), &others));
    }
    out
}

/// A product gets a page when it has something to decide or watch.
pub fn has_page(ctx: &Ctx, p: &ProjectInfo) -> bool {
    if p.phase.as_deref() == Some("stopped") {
        return false;
    }
    let watched = matches!(summary::status_of(ctx, &p.id), NorthStarStatus::AtRisk | NorthStarStatus::OffTrack);
    let alert = recent_outages(ctx).iter().any(|(id, _)| *id == p.id);
    watched || alert || impact::product_verdict(ctx, &p.id).is_some()
}

/// "`< 10`: hidden …; `—`: no value." (without disclosure control, the latter only).
pub fn legends(ctx: &Ctx) -> String {
    if ctx.input.min_cell == 0 {
        return ctx.t.missing_legend.to_string();
    }
    let k = ctx.input.min_cell.to_string();
    format!("{} {}", i18n::fill(ctx.t.suppressed_legend, &[("s", &ctx.mark), ("k", &k)]), ctx.t.missing_legend)
}

/// Sections of at most [`PAGE_MM`] of content, the later ones under the
/// same heading marked "continued".
struct Pages {
    anchor: String,
    continued_title: String,
    sections: Vec<Section>,
    used: f64,
}

impl Pages {
    fn new(ctx: &Ctx, anchor: String, title: String) -> Pages {
        let continued_title = format!("{title} ({})", ctx.t.continued);
        let first = product_section(anchor.clone(), title, false);
        Pages { anchor, continued_title, sections: vec![first], used: 0.0 }
    }

    fn push(&mut self, block: Block, height: f64) {
        if self.used + height > PAGE_MM && self.used > 0.0 {
            let n = self.sections.len() + 1;
            let section = product_section(format!("{}-{n}", self.anchor), self.continued_title.clone(), true);
            self.sections.push(section);
            self.used = 0.0;
        }
        self.used += height;
        if let Some(s) = self.sections.last_mut() {
            s.blocks.push(block);
        }
    }

    fn finish(self) -> Vec<Section> {
        self.sections
    }
}

fn product_section(anchor: String, title: String, continued: bool) -> Section {
    Section { anchor, title, level: 2, page_break: true, product: true, continued, blocks: Vec::new() }
}

/// The printed height of a block, in mm (an estimate the browser test checks).
fn height(block: &Block, full: bool, charts: &BTreeMap<String, f64>) -> f64 {
    let lines = |text: &str| (text.chars().count() as f64 / if full { 130.0 } else { 62.0 }).ceil().max(1.0);
    match block {
        Block::Heading(_) => 6.0,
        Block::Para(t) | Block::Note(t) | Block::Warning(t) => 2.0 + 3.7 * lines(t),
        Block::Facts(_) => 4.5,
        Block::NorthStar(_) => 21.0,
        Block::Verdict { title, text, .. } => 4.0 + 3.7 * lines(&format!("{title} {text}")),
        Block::Table(t) => 2.0 + 3.9 * (t.rows.len() + 1) as f64,
        Block::Chart { name, .. } => charts.get(name).copied().unwrap_or(60.0) + 1.0,
        Block::Columns(columns) => {
            columns.iter().map(|c| c.iter().map(|b| height(b, false, charts)).sum::<f64>()).fold(0.0, f64::max)
        }
        Block::Definitions(d) => 8.0 * d.len() as f64,
        Block::Lead(s) => s.iter().map(|t| 2.0 + 4.2 * lines(t)).sum(),
    }
}

/// Queues a chart and remembers its printed height.
fn queue(
    jobs: &mut Vec<Job>,
    heights: &mut BTreeMap<String, f64>,
    name: String,
    figure: impl Into<AnyFigure>,
    alt: &str,
) -> Block {
    let figure = figure.into();
    heights.insert(name.clone(), f64::from(figure.size().1) * MM_PER_UNIT);
    chart(jobs, name, figure, alt)
}

fn page(ctx: &Ctx, number: &str, p: &ProjectInfo, jobs: &mut Vec<Job>) -> Vec<Section> {
    let stem = ctx.stem(&p.id);
    let mut heights = BTreeMap::new();
    let mut pages = Pages::new(ctx, format!("p-{stem}"), format!("{number} {}", ctx.name(&p.id)));
    let push = |pages: &mut Pages, heights: &BTreeMap<String, f64>, b: Block| {
        let h = height(&b, true, heights);
        pages.push(b, h);
    };
    push(&mut pages, &heights, Block::Facts(facts(ctx, p)));
    for (_, month) in recent_outages(ctx).into_iter().filter(|(id, _)| *id == p.id) {
        let text = i18n::fill(ctx.t.outage_warning, &[("month", &format::month_long(ctx.lang, month))]);
        push(&mut pages, &heights, Block::Warning(text));
    }
    let star = north_star_block(ctx, &p.id);
    let verdict = verdict_block(ctx, &p.id);
    if !p.has_usage {
        let text = i18n::fill(ctx.t.no_usage_text, &[("date", &format::date(ctx.lang, ctx.input.as_of))]);
        push(&mut pages, &heights, Block::Warning(format!("{}. {text}", ctx.t.no_usage)));
        push(&mut pages, &heights, Block::Columns(vec![vec![star], vec![verdict]]));
        return pages.finish();
    }
    let mut top = vec![vec![star, verdict]];
    if let Some(mau) = mau_chart(ctx, &p.id) {
        top.push(vec![queue(jobs, &mut heights, format!("p_{stem}_mau"), mau, ctx.t.mau_chart)]);
    }
    push(&mut pages, &heights, Block::Columns(top));
    push(&mut pages, &heights, Block::Table(kpi_table(ctx, &p.id)));
    let retention = match heatmap(ctx, &p.id) {
        Some(h) => queue(jobs, &mut heights, format!("p_{stem}_retention"), h, ctx.t.retention_chart),
        None => Block::Note(ctx.t.no_retention.into()),
    };
    push(&mut pages, &heights, retention);
    let mut lower = Vec::new();
    if let Some(funnel) = funnel_chart(ctx, &p.id) {
        let alt = funnel.title.clone();
        lower.push(vec![queue(jobs, &mut heights, format!("p_{stem}_funnel"), funnel, &alt)]);
    }
    lower.extend(survival_blocks(ctx, &p.id, &stem, jobs, &mut heights));
    for pair in lower.chunks(2) {
        push(&mut pages, &heights, Block::Columns(pair.to_vec()));
    }
    pages.finish()
}

/// Rows of the KPI table: a figure the product never has (a cost without
/// `annual_cost_eur`) is left out.
fn kpi_table(ctx: &Ctx, project: &str) -> Table {
    let months = [ctx.input.month, tz::add_months(ctx.input.month, -1), tz::add_months(ctx.input.month, -12)];
    let kpis: Vec<Kpi> =
        PAGE_KPIS.into_iter().filter(|&k| months.iter().any(|&m| ctx.kpi(project, k, m).is_some())).collect();
    portfolio::kpi_table(ctx, project, &kpis)
}

/// The monthly active users, unless fewer than two months are published.
fn mau_chart(ctx: &Ctx, project: &str) -> Option<charts::trend::Trend> {
    let trend =
        portfolio::users_trend(ctx, project, ctx.t.mau_chart.into(), Some(ctx.t.mau_sub.into()), HALF_WIDTH, 240);
    let published = trend.series[0].values.iter().flatten().count();
    (published >= 2).then_some(trend)
}

fn facts(ctx: &Ctx, p: &ProjectInfo) -> Vec<(String, String)> {
    let t = ctx.t;
    let given = |v: &Option<String>, f: fn(crate::format::Lang, &str) -> String| {
        v.as_deref().map_or_else(|| "—".to_string(), |c| f(ctx.lang, c))
    };
    vec![
        ("id".to_string(), p.id.clone()),
        (t.origin.into(), given(&p.origin, i18n::origin)),
        (t.audience.into(), given(&p.audience, i18n::audience)),
        (t.phase.into(), given(&p.phase, i18n::phase)),
        (t.annual_cost.into(), p.annual_cost_eur.map_or_else(|| "—".to_string(), |c| format::euros(ctx.lang, c))),
    ]
}

fn north_star_block(ctx: &Ctx, project: &str) -> Block {
    match ctx.north_star(project).filter(|n| n.status != NorthStarStatus::NotSet) {
        Some(ns) => Block::NorthStar(north_star_box(ctx, ns)),
        None => Block::Note(ctx.t.no_north_star.into()),
    }
}

/// The trial's or roll-out's verdict, as the impact section gives it;
/// without either, a reminder that nothing on the page measures an effect.
fn verdict_block(ctx: &Ctx, project: &str) -> Block {
    let Some(v) = impact::product_verdict(ctx, project) else {
        return Block::Note(ctx.t.no_trial_page.into());
    };
    let level = i18n::fill(ctx.t.evidence_level_long, &[("n", &v.evidence.level().to_string())]);
    let design = match v.evidence {
        Evidence::Randomized => ctx.t.randomized_trial,
        Evidence::Rollout => ctx.t.staggered_rollout,
    };
    let title = format!("{} · {design}, {level}", v.word(ctx));
    let mut text = match v.evidence {
        Evidence::Randomized => {
            let tag = if v.primary { ctx.t.primary_endpoint } else { ctx.t.exploratory_tag };
            format!("{} ({tag})", v.endpoint)
        }
        Evidence::Rollout => v.endpoint.clone(),
    };
    if let Some(effect) = &v.effect {
        text = format!("{text}{} {effect}", ctx.colon());
    }
    if let Some(q) = v.q {
        text = format!("{text}, q\u{A0}=\u{A0}{}", format::p_value(ctx.lang, q));
    }
    let mut text = format!("{text}.");
    if v.evidence == Evidence::Rollout {
        text = format!("{text} {}", super::rollout::pretrend_sentence(ctx, project));
    }
    Block::Verdict { sign: if v.masked { Sign::Neutral } else { v.sign() }, title, text }
}

/// A change: points for rates, the KPI's unit otherwise, relative beside.
fn change_text(ctx: &Ctx, ns: &NorthStar, abs: Option<f64>, rel: Option<f64>) -> String {
    let abs = abs.map(|a| match &ns.kpi {
        NorthStarKpi::Kpi(kpi) if !ns.kpi.is_rate() => signed_kpi(ctx, *kpi, a),
        _ => format::points(ctx.lang, a),
    });
    match (abs, rel) {
        (Some(a), Some(r)) => format!("{a} ({})", format::percent_signed(ctx.lang, r)),
        (Some(a), None) => a,
        _ => "—".to_string(),
    }
}

fn signed_kpi(ctx: &Ctx, kpi: Kpi, v: f64) -> String {
    let text = ctx.format_kpi(kpi, v.abs());
    let zero = ctx.format_kpi(kpi, 0.0);
    match () {
        _ if text == zero => text,
        _ if v < 0.0 => format!("{}{text}", format::MINUS),
        _ => format!("+{text}"),
    }
}

fn north_star_box(ctx: &Ctx, ns: &NorthStar) -> NorthStarBox {
    let mut target = format!("{}{} {}", ctx.t.target, ctx.colon(), ctx.format_north_star(ns, ns.target));
    if ns.direction == Direction::Lower {
        target = format!("{target} ({})", ctx.t.lower_is_better);
    }
    let mut remarks = Vec::new();
    if ns.partial_month {
        remarks.push(format!("{} — {} {}", ctx.t.partial_month, ctx.t.as_of, format::date(ctx.lang, ctx.input.as_of)));
    }
    NorthStarBox {
        kpi: north_star_name(ctx, &ns.kpi),
        value: ctx.figure(ns.value, ns.suppressed, |v| ctx.format_north_star(ns, v)),
        target,
        status: ns.status,
        status_label: i18n::status(ctx.lang, ns.status).into(),
        changes: vec![
            (ctx.t.vs_previous.into(), change_text(ctx, ns, ns.change_previous, ns.change_previous_rel)),
            (ctx.t.vs_year_before.into(), change_text(ctx, ns, ns.change_year, ns.change_year_rel)),
        ],
        remarks,
    }
}

/// A north star's name, an outcome rate with its outcome's label.
pub fn north_star_name(ctx: &Ctx, kpi: &NorthStarKpi) -> String {
    match kpi {
        NorthStarKpi::Kpi(kpi) => i18n::kpi_name(ctx.lang, *kpi),
        NorthStarKpi::OutcomeRate { outcome, window } => {
            let values = [("outcome", ctx.outcome(outcome)), ("window", format::days(ctx.lang, *window))];
            let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
            i18n::fill(ctx.t.outcome_rate_name, &values)
        }
    }
}

/// The cohorts of the last 12 months from month 1 on (month 0 is 100 % by
/// construction); `None` when no cell is published.
fn heatmap(ctx: &Ctx, project: &str) -> Option<Heatmap> {
    let first = tz::add_months(ctx.input.month, -(TREND_MONTHS - 1));
    let mut cohorts: BTreeMap<i32, (Option<u64>, bool, bool, Vec<HeatCell>)> = BTreeMap::new();
    for r in ctx.retention.get(project).into_iter().flatten().filter(|r| r.cohort_month >= first) {
        let entry = cohorts.entry(r.cohort_month).or_insert((None, false, r.left_truncated, Vec::new()));
        if r.months_since == 0 {
            (entry.0, entry.1) = (r.cohort_size, r.cohort_size.is_none() && r.suppressed);
            continue;
        }
        let k = usize::try_from(r.months_since - 1).unwrap_or(0);
        if entry.3.len() <= k {
            entry.3.resize(k + 1, HeatCell::Empty);
        }
        entry.3[k] = match (r.suppressed, r.retention_rate) {
            (true, _) => HeatCell::Suppressed,
            (false, Some(v)) => HeatCell::Value(v),
            (false, None) => HeatCell::Empty,
        };
    }
    cohorts.retain(|_, c| !c.3.is_empty());
    if !cohorts.values().flat_map(|c| &c.3).any(|c| matches!(c, HeatCell::Value(_))) {
        return None;
    }
    let rows = cohorts
        .into_iter()
        .map(|(month, (size, hidden, truncated, cells))| {
            let size = match size {
                Some(n) => format!("n\u{A0}=\u{A0}{}", format::count(ctx.lang, n)),
                None if hidden => format!("n\u{A0}{}", ctx.mark),
                None => "n\u{A0}=\u{A0}—".to_string(),
            };
            HeatRow { label: format!("{} · {size}", format::month(ctx.lang, month)), truncated, cells }
        })
        .collect();
    Some(Heatmap {
        title: ctx.t.retention_chart.into(),
        subtitle: Some(ctx.t.retention_sub.into()),
        lang: ctx.lang,
        rows,
        x_label: ctx.t.months_since.into(),
        suppressed_text: ctx.mark.clone(),
        suppressed_legend: i18n::fill(ctx.t.suppressed_short, &[("s", &ctx.mark)]),
        truncated_legend: ctx.t.truncated_cohort.into(),
        width: FULL_WIDTH,
    })
}

/// The cohort a funnel shows: the latest complete one whose first step is
/// published, else the latest complete one, else the latest.
fn funnel_cohort(rows: &[&FunnelRow]) -> Option<(i32, bool)> {
    let first_steps = || rows.iter().filter(|r| r.step == 1).rev();
    let published = first_steps().find(|r| r.complete && r.users.is_some());
    let chosen = published.or_else(|| first_steps().find(|r| r.complete)).or_else(|| first_steps().next())?;
    Some((chosen.cohort_month, chosen.complete))
}

/// The funnel of one cohort; `None` when its first step is not published.
fn funnel_chart(ctx: &Ctx, project: &str) -> Option<Funnel> {
    let rows = ctx.funnel.get(project)?;
    let (cohort, complete) = funnel_cohort(rows)?;
    let rows: Vec<&&FunnelRow> = rows.iter().filter(|r| r.cohort_month == cohort).collect();
    rows.first().and_then(|r| r.users)?;
    let hidden = i18n::fill(ctx.t.suppressed_short, &[("s", &ctx.mark)]);
    let pct = |v: Option<f64>, suppressed: bool| match v {
        Some(v) if !suppressed => format::percent(ctx.lang, v),
        _ if suppressed => hidden.clone(),
        _ => "—".to_string(),
    };
    let steps = rows
        .iter()
        .map(|r| FunnelStep {
            label: format!("{}. {}", r.step, ctx.event(&r.event)),
            users: r.users,
            detail: if r.step == 1 {
                ctx.t.funnel_detail_first.into()
            } else {
                let values = [
                    ("start", pct(r.conversion_from_start, r.suppressed)),
                    ("previous", pct(r.conversion_from_previous, r.suppressed)),
                ];
                i18n::fill(ctx.t.funnel_detail, &values.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
            },
        })
        .collect();
    let mut subtitle = i18n::fill(ctx.t.funnel_cohort, &[("month", &format::month(ctx.lang, cohort))]);
    if !complete {
        subtitle = format!("{subtitle} ({})", ctx.t.incomplete);
    }
    Some(Funnel {
        title: ctx.t.funnel_chart.into(),
        subtitle: Some(subtitle),
        lang: ctx.lang,
        steps,
        suppressed_text: ctx.mark.clone(),
        width: HALF_WIDTH,
    })
}

/// The steps of one arm, as disclosure control published them (from
/// rounded counts when `k > 0`).
fn published_steps(rows: &[&SurvivalRow]) -> Vec<Step> {
    rows.iter()
        .filter_map(|r| {
            let s = r.survival?;
            Some(Step { day: r.day, survival: s, ci_low: r.ci_low.unwrap_or(s), ci_high: r.ci_high.unwrap_or(s) })
        })
        .collect()
}

/// One column per outcome whose curves can say something: the curves by
/// arm, the medians and which curve is better.
fn survival_blocks(
    ctx: &Ctx,
    project: &str,
    stem: &str,
    jobs: &mut Vec<Job>,
    heights: &mut BTreeMap<String, f64>,
) -> Vec<Vec<Block>> {
    let Some(rows) = ctx.survival.get(project) else { return Vec::new() };
    let mut by_outcome: BTreeMap<&str, BTreeMap<&str, Vec<&SurvivalRow>>> = BTreeMap::new();
    for r in rows {
        by_outcome.entry(&r.outcome).or_default().entry(&r.arm).or_default().push(r);
    }
    let mut columns = Vec::new();
    for (outcome, arms) in by_outcome {
        let randomized = arms.contains_key("treatment") || arms.contains_key("control");
        let shown: Vec<&str> = if randomized { vec!["treatment", "control"] } else { vec!["all"] };
        if observed_events(ctx, project, outcome, &shown) < ctx.input.min_cell.max(1) {
            continue;
        }
        let curves: Vec<Arm> =
            shown.iter().filter_map(|&a| arms.get(a).map(|rows| arm_curve(ctx, project, outcome, a, rows))).collect();
        let label = ctx.outcome(outcome);
        let survival = Survival {
            title: i18n::fill(ctx.t.survival_chart, &[("outcome", &label)]),
            subtitle: Some(ctx.t.survival_sub.into()),
            lang: ctx.lang,
            arms: curves.clone(),
            x_label: if randomized { ctx.t.survival_axis_assigned } else { ctx.t.survival_axis_first_use }.into(),
            band_legend: ctx.t.ci95.into(),
            width: HALF_WIDTH,
            height: 320,
        };
        let name = format!("p_{stem}_survival_{}", charts::file_stem(outcome));
        let alt = survival.title.clone();
        let mut column = vec![queue(jobs, heights, name, survival, &alt)];
        column.push(Block::Table(median_table(ctx, project, outcome, &shown)));
        let mut reading = survival_reading(ctx, project, outcome, &label, &curves);
        if ctx.input.min_cell > 0 {
            let k = format::count(ctx.lang, ctx.input.min_cell);
            reading = format!("{reading} {}", i18n::fill(ctx.t.survival_rounded, &[("k", &k)]));
        }
        column.push(Block::Note(reading));
        columns.push(column);
    }
    columns
}

/// The outcomes the shown arms' published summaries count.
fn observed_events(ctx: &Ctx, project: &str, outcome: &str, arms: &[&str]) -> u64 {
    ctx.survival_summary
        .get(project)
        .into_iter()
        .flatten()
        .filter(|s| s.outcome == outcome && arms.contains(&s.arm.as_str()))
        .filter_map(|s| s.events)
        .sum()
}

fn arm_curve(ctx: &Ctx, project: &str, outcome: &str, arm: &str, rows: &[&SurvivalRow]) -> Arm {
    let colour = match arm {
        "treatment" => palette::BLUE,
        "control" => palette::ORANGE,
        _ => palette::GREEN,
    };
    let n = summary_row(ctx, project, outcome, arm).and_then(|s| s.n);
    let label = match n {
        Some(n) => format!("{} (n\u{A0}=\u{A0}{})", i18n::arm(ctx.lang, arm), format::count(ctx.lang, n)),
        None => i18n::arm(ctx.lang, arm),
    };
    Arm { label, colour, steps: published_steps(rows) }
}

fn summary_row<'a>(
    ctx: &Ctx<'a>,
    project: &str,
    outcome: &str,
    arm: &str,
) -> Option<&'a crate::tables::SurvivalSummaryRow> {
    ctx.survival_summary.get(project)?.iter().copied().find(|s| s.outcome == outcome && s.arm == arm)
}

fn median_table(ctx: &Ctx, project: &str, outcome: &str, arms: &[&str]) -> Table {
    let t = ctx.t;
    let head = vec![t.arm.to_string(), "n".to_string(), t.events.to_string(), t.median.to_string()];
    let days = |d: Option<i32>| d.map_or_else(|| "—".to_string(), |d| format::days(ctx.lang, d));
    let rows = arms
        .iter()
        .filter_map(|a| summary_row(ctx, project, outcome, a))
        .map(|s| {
            let median = match s.median {
                _ if s.suppressed => Cell::suppressed(format::masked(ctx.lang)),
                Some(m) => Cell::number(format!(
                    "{} {}",
                    format::days(ctx.lang, m),
                    ctx.interval(days(s.median_ci_low), days(s.median_ci_high))
                )),
                None if s.n.is_some() => Cell::number(ctx.t.not_reached),
                None => Cell::missing(),
            };
            Row::new(vec![
                Cell::text(i18n::arm(ctx.lang, &s.arm)),
                ctx.count_cell(s.n, s.suppressed),
                ctx.count_cell(s.events, s.suppressed),
                median,
            ])
        })
        .collect();
    Table { head, rows }
}

/// Which curve is better. Outcomes are what a product seeks (a job, a
/// hire, a certification), so the curve that falls faster is the better
/// one; between arms, only when the log-rank test tells them apart.
fn survival_reading(ctx: &Ctx, project: &str, outcome: &str, label: &str, curves: &[Arm]) -> String {
    let people = ctx.people(project);
    if curves.len() < 2 {
        return all_arm_reading(ctx, project, outcome, label, people);
    }
    let test = ctx
        .impact
        .get(project)
        .and_then(|rows| rows.iter().find(|r| r.outcome == outcome && !r.suppressed && r.logrank_p.is_some()));
    let Some((p, chi2)) = test.and_then(|r| r.logrank_p.zip(r.logrank_chi2)) else {
        return ctx.t.survival_untested.into();
    };
    let clause = format!("χ²\u{A0}=\u{A0}{}, {}", format::number(ctx.lang, chi2, 2), format::p_clause(ctx.lang, p));
    let faster = faster_arm(&curves[0].steps, &curves[1].steps);
    let template = match faster {
        Some(true) if p < 0.05 => ctx.t.survival_treatment_better,
        Some(false) if p < 0.05 => ctx.t.survival_control_better,
        _ => ctx.t.survival_same,
    };
    i18n::fill(template, &[("people", people), ("outcome", label), ("test", &clause)])
}

/// Whether the first curve lies below the second at the last day both
/// publish (`None`: no common day, or equal there).
fn faster_arm(a: &[Step], b: &[Step]) -> Option<bool> {
    let last = a.last()?.day.min(b.last()?.day);
    let at = |steps: &[Step]| steps.iter().take_while(|s| s.day <= last).last().map_or(1.0, |s| s.survival);
    let (sa, sb) = (at(a), at(b));
    (sa != sb).then_some(sa < sb)
}

/// Without arms: how long half of the users take, or that half have not.
fn all_arm_reading(ctx: &Ctx, project: &str, outcome: &str, label: &str, people: &str) -> String {
    let Some(s) = summary_row(ctx, project, outcome, "all") else { return String::new() };
    let values = |median: String| [("people", people.to_string()), ("outcome", label.to_string()), ("median", median)];
    let fill = |template: &str, median: String| {
        let v = values(median);
        i18n::fill(template, &v.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
    };
    match s.median {
        _ if s.suppressed => fill(ctx.t.survival_median_masked, format::masked(ctx.lang).into()),
        Some(m) => fill(ctx.t.survival_median, format::days(ctx.lang, m)),
        None => fill(ctx.t.survival_not_reached, String::new()),
    }
}

/// One line per product without a page, by name.
fn appendix(ctx: &Ctx, number: &str, others: &[&ProjectInfo]) -> Section {
    let t = ctx.t;
    let month = ctx.input.month;
    let previous = tz::add_months(month, -1);
    let mut others = others.to_vec();
    others.sort_by_key(|p| (ctx.name(&p.id).to_lowercase(), p.id.clone()));
    let rows = others
        .iter()
        .map(|p| {
            let phase = p.phase.as_deref().map_or_else(Cell::missing, |ph| Cell::text(i18n::phase(ctx.lang, ph)));
            if !p.has_usage {
                let none = Cell::text(t.no_usage);
                return Row::new(vec![Cell::text(ctx.name(&p.id)), phase, none, Cell::missing(), Cell::missing()]);
            }
            let value = |m| ctx.kpi(&p.id, Kpi::ActiveUsers, m).filter(|r| !r.suppressed).and_then(|r| r.value);
            let change = match (value(month), value(previous)) {
                (Some(now), Some(then)) if then > 0.0 => {
                    Cell::number(format::percent_signed(ctx.lang, now / then - 1.0))
                }
                _ => Cell::missing(),
            };
            Row::new(vec![
                Cell::text(ctx.name(&p.id)),
                phase,
                ctx.kpi_cell(&p.id, Kpi::ActiveUsers, month),
                change,
                ctx.kpi_cell(&p.id, Kpi::NewUsers, month),
            ])
        })
        .collect();
    let head = [t.product, t.phase, t.active_users, t.vs_previous_head, t.new_users].map(String::from).to_vec();
    let table = Table { head, rows };
    let intro = i18n::fill(t.appendix_intro, &[("month", &format::month_long(ctx.lang, month))]);
    Section {
        anchor: "other-products".into(),
        title: format!("{number} {}", t.appendix),
        level: 2,
        page_break: true,
        product: false,
        continued: false,
        blocks: vec![Block::Para(intro), Block::Table(table)],
    }
}
