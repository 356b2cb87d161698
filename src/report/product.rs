//! Part 3 of the report, one page per product: its facts, north star and
//! status, the KPI table (month, previous month, a year before), the
//! monthly active users, the retention heatmap, the funnel and the
//! survival curves by arm.
//!
//! Responsible for selecting each product's rows and wording them. A
//! product without usage says so and shows nothing else. Not responsible
//! for drawing or markup.

use std::collections::BTreeMap;

use super::context::{Ctx, chart};
use super::doc::{Block, Cell, NorthStarBox, Row, Section, Table};
use super::i18n;
use super::model::{Direction, NorthStar, NorthStarStatus, ProjectInfo};
use super::summary::{self, FULL_WIDTH, HALF_WIDTH, TREND_MONTHS};
use crate::charts::funnel::{Funnel, FunnelStep};
use crate::charts::retention::{HeatCell, HeatRow, Heatmap};
use crate::charts::survival::{Arm, Step, Survival};
use crate::charts::{self, Job, palette};
use crate::format;
use crate::registry::{Kpi, NorthStarKpi};
use crate::tables::{FunnelRow, SurvivalRow};
use crate::tz;

const PAGE_KPIS: [Kpi; 8] = [
    Kpi::ActiveUsers,
    Kpi::NewUsers,
    Kpi::ReturningUsers,
    Kpi::CumulativeUsers,
    Kpi::Events,
    Kpi::DauMean,
    Kpi::Stickiness,
    Kpi::CostPerActiveUser,
];

/// The "Products" part: a short introduction, then one page per product.
pub fn sections(ctx: &Ctx, number: usize, jobs: &mut Vec<Job>) -> Vec<Section> {
    let projects = &ctx.input.projects;
    let without = projects.iter().filter(|p| !p.has_usage).count();
    let intro = i18n::fill(
        ctx.t.products_intro,
        &[("n", &format::count(ctx.lang, projects.len() as u64)), ("m", &format::count(ctx.lang, without as u64))],
    );
    let mut out = vec![Section {
        anchor: "products".into(),
        title: format!("{number}. {}", ctx.t.products),
        level: 1,
        page_break: false,
        blocks: vec![Block::Para(intro), Block::Note(legends(ctx))],
    }];
    for (i, project) in projects.iter().enumerate() {
        out.push(page(ctx, &format!("{number}.{}", i + 1), project, jobs));
    }
    out
}

/// "`< 10`: hidden …; `—`: no value."
pub fn legends(ctx: &Ctx) -> String {
    let k = ctx.input.min_cell.to_string();
    format!("{} {}", i18n::fill(ctx.t.suppressed_legend, &[("s", &ctx.mark), ("k", &k)]), ctx.t.missing_legend)
}

fn page(ctx: &Ctx, number: &str, p: &ProjectInfo, jobs: &mut Vec<Job>) -> Section {
    let stem = ctx.stem(&p.id);
    let mut blocks = vec![Block::Facts(facts(ctx, p))];
    let star = north_star_block(ctx, &p.id);
    if !p.has_usage {
        let text = i18n::fill(ctx.t.no_usage_text, &[("date", &format::date(ctx.lang, ctx.input.as_of))]);
        blocks.push(Block::Warning(format!("{}. {text}", ctx.t.no_usage)));
        blocks.push(star);
    } else {
        let mau = summary::users_trend(ctx, &p.id, ctx.t.mau_chart.into(), Some(ctx.t.mau_sub.into()), HALF_WIDTH);
        let mau = chart(jobs, format!("p_{stem}_mau"), mau, ctx.t.mau_chart);
        let table = summary::kpi_table(ctx, &p.id, &PAGE_KPIS);
        blocks.push(Block::Columns(vec![
            vec![star, Block::Heading(ctx.t.kpi_table.into()), Block::Table(table)],
            vec![mau],
        ]));
        blocks.push(retention_block(ctx, &p.id, &stem, jobs));
        let mut lower = Vec::new();
        if let Some(funnel) = funnel_chart(ctx, &p.id) {
            let alt = funnel.title.clone();
            lower.push(vec![chart(jobs, format!("p_{stem}_funnel"), funnel, &alt)]);
        }
        lower.extend(survival_blocks(ctx, &p.id, &stem, jobs));
        blocks.extend(pair_up(lower));
    }
    blocks.push(Block::Note(i18n::fill(ctx.t.legend_short, &[("s", &ctx.mark)])));
    Section { anchor: format!("p-{stem}"), title: format!("{number} {}", p.name), level: 2, page_break: true, blocks }
}

/// Half-page blocks two by two.
fn pair_up(columns: Vec<Vec<Block>>) -> Vec<Block> {
    columns.chunks(2).map(|pair| Block::Columns(pair.to_vec())).collect()
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
        _ if v < 0.0 => format!("-{text}"),
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
        kpi: i18n::north_star_name(ctx.lang, &ns.kpi),
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

fn retention_block(ctx: &Ctx, project: &str, stem: &str, jobs: &mut Vec<Job>) -> Block {
    let first = tz::add_months(ctx.input.month, -(TREND_MONTHS - 1));
    let mut cohorts: BTreeMap<i32, (Option<u64>, bool, bool, Vec<HeatCell>)> = BTreeMap::new();
    for r in ctx.retention.get(project).into_iter().flatten().filter(|r| r.cohort_month >= first) {
        let entry = cohorts.entry(r.cohort_month).or_insert((None, false, r.left_truncated, Vec::new()));
        if r.months_since == 0 {
            (entry.0, entry.1) = (r.cohort_size, r.cohort_size.is_none() && r.suppressed);
        }
        let k = usize::try_from(r.months_since).unwrap_or(0);
        if entry.3.len() <= k {
            entry.3.resize(k + 1, HeatCell::Empty);
        }
        entry.3[k] = match (r.suppressed, r.retention_rate) {
            (true, _) => HeatCell::Suppressed,
            (false, Some(v)) => HeatCell::Value(v),
            (false, None) => HeatCell::Empty,
        };
    }
    if cohorts.is_empty() {
        return Block::Note(ctx.t.no_retention.into());
    }
    let rows = cohorts
        .into_iter()
        .map(|(month, (size, hidden, truncated, cells))| {
            let size = match size {
                Some(n) => format!("n = {}", format::count(ctx.lang, n)),
                None if hidden => format!("n {}", ctx.mark),
                None => "n = —".to_string(),
            };
            HeatRow { label: format!("{} · {size}", format::month(ctx.lang, month)), truncated, cells }
        })
        .collect();
    let heatmap = Heatmap {
        title: ctx.t.retention_chart.into(),
        subtitle: Some(ctx.t.retention_sub.into()),
        lang: ctx.lang,
        rows,
        x_label: ctx.t.months_since.into(),
        suppressed_text: ctx.mark.clone(),
        suppressed_legend: i18n::fill(ctx.t.suppressed_short, &[("s", &ctx.mark)]),
        truncated_legend: ctx.t.truncated_cohort.into(),
        width: FULL_WIDTH,
    };
    chart(jobs, format!("p_{stem}_retention"), heatmap, ctx.t.retention_chart)
}

/// The cohort a funnel shows: the latest complete one whose first step is
/// published, else the latest complete one, else the latest.
fn funnel_cohort(rows: &[&FunnelRow]) -> Option<(i32, bool)> {
    let first_steps = || rows.iter().filter(|r| r.step == 1).rev();
    let published = first_steps().find(|r| r.complete && r.users.is_some());
    let chosen = published.or_else(|| first_steps().find(|r| r.complete)).or_else(|| first_steps().next())?;
    Some((chosen.cohort_month, chosen.complete))
}

fn funnel_chart(ctx: &Ctx, project: &str) -> Option<Funnel> {
    let rows = ctx.funnel.get(project)?;
    let (cohort, complete) = funnel_cohort(rows)?;
    let hidden = i18n::fill(ctx.t.suppressed_short, &[("s", &ctx.mark)]);
    let pct = |v: Option<f64>, suppressed: bool| match v {
        Some(v) if !suppressed => format::percent(ctx.lang, v),
        _ if suppressed => hidden.clone(),
        _ => "—".to_string(),
    };
    let steps = rows
        .iter()
        .filter(|r| r.cohort_month == cohort)
        .map(|r| FunnelStep {
            label: format!("{}. {}", r.step, r.event),
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

/// One column per outcome: the curves by arm, the medians, the log-rank.
fn survival_blocks(ctx: &Ctx, project: &str, stem: &str, jobs: &mut Vec<Job>) -> Vec<Vec<Block>> {
    let Some(rows) = ctx.survival.get(project) else { return Vec::new() };
    let mut by_outcome: BTreeMap<&str, BTreeMap<&str, Vec<&SurvivalRow>>> = BTreeMap::new();
    for r in rows {
        by_outcome.entry(&r.outcome).or_default().entry(&r.arm).or_default().push(r);
    }
    by_outcome
        .into_iter()
        .map(|(outcome, arms)| {
            let randomized = arms.contains_key("treatment") || arms.contains_key("control");
            let shown: Vec<&str> = if randomized { vec!["treatment", "control"] } else { vec!["all"] };
            let curves = shown
                .iter()
                .filter_map(|&a| arms.get(a).map(|rows| arm_curve(ctx, project, outcome, a, rows)))
                .collect();
            let survival = Survival {
                title: i18n::fill(ctx.t.survival_chart, &[("outcome", outcome)]),
                subtitle: Some(ctx.t.survival_sub.into()),
                lang: ctx.lang,
                arms: curves,
                x_label: ctx.t.survival_axis.into(),
                band_legend: ctx.t.ci95.into(),
                footnote: (ctx.input.min_cell > 0).then(|| {
                    i18n::fill(ctx.t.survival_rounded, &[("k", &format::count(ctx.lang, ctx.input.min_cell))])
                }),
                width: HALF_WIDTH,
                height: 400,
            };
            let name = format!("p_{stem}_survival_{}", charts::file_stem(outcome));
            let alt = survival.title.clone();
            let mut column = vec![chart(jobs, name, survival, &alt)];
            column.push(Block::Table(median_table(ctx, project, outcome)));
            column.extend(logrank_note(ctx, project, outcome));
            column
        })
        .collect()
}

fn arm_curve(ctx: &Ctx, project: &str, outcome: &str, arm: &str, rows: &[&SurvivalRow]) -> Arm {
    let colour = match arm {
        "treatment" => palette::BLUE,
        "control" => palette::ORANGE,
        _ => palette::GREEN,
    };
    let n = ctx
        .survival_summary
        .get(project)
        .into_iter()
        .flatten()
        .find(|s| s.outcome == outcome && s.arm == arm)
        .and_then(|s| s.n);
    let label = match n {
        Some(n) => format!("{} (n = {})", i18n::arm(ctx.lang, arm), format::count(ctx.lang, n)),
        None => i18n::arm(ctx.lang, arm),
    };
    Arm { label, colour, steps: published_steps(rows) }
}

fn median_table(ctx: &Ctx, project: &str, outcome: &str) -> Table {
    let t = ctx.t;
    let head = vec![t.arm.to_string(), "n".to_string(), t.events.to_string(), t.median.to_string()];
    let days = |d: Option<i32>| d.map_or_else(|| "—".to_string(), |d| format::days(ctx.lang, d));
    let rows = ctx
        .survival_summary
        .get(project)
        .into_iter()
        .flatten()
        .filter(|s| s.outcome == outcome)
        .map(|s| {
            let median = match s.median {
                Some(m) => Some(format!(
                    "{} {}",
                    format::days(ctx.lang, m),
                    ctx.interval(days(s.median_ci_low), days(s.median_ci_high))
                )),
                None if s.n.is_some() => Some(ctx.t.not_reached.to_string()),
                None => None,
            };
            Row::new(vec![
                Cell::text(i18n::arm(ctx.lang, &s.arm)),
                ctx.count_cell(s.n, s.suppressed),
                ctx.count_cell(s.events, s.suppressed),
                ctx.masked_figure(median, s.suppressed),
            ])
        })
        .collect();
    Table { head, rows }
}

fn logrank_note(ctx: &Ctx, project: &str, outcome: &str) -> Option<Block> {
    let rows = ctx.impact.get(project)?;
    let row = rows.iter().find(|r| r.outcome == outcome && !r.suppressed && r.logrank_chi2.is_some())?;
    let chi2 = format::number(ctx.lang, row.logrank_chi2?, 2);
    let p = row.logrank_p.map_or_else(|| "p = —".to_string(), |p| format::p_clause(ctx.lang, p));
    Some(Block::Note(i18n::fill(ctx.t.logrank, &[("chi2", &chi2), ("p", &p)])))
}
