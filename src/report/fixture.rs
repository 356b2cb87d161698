//! A realistic report input for the tests: a handful of products over 14
//! months (one without usage, one young with small counts that disclosure
//! control hides), a portfolio, funnels, a randomized trial with primary and
//! exploratory rows, survival curves and data-quality figures. Values come
//! from closed formulas, so the fixture is the same on every run.
//!
//! Test-only: `build_tables(n)` scales to `n` products for timing.

use super::model::{Direction, IdCoverage, NorthStar, NorthStarStatus, PlannedN, ProjectInfo, ReportInput};
use crate::format::Lang;
use crate::registry::{Kpi, NorthStarKpi};
use crate::tables::{
    FunnelRow, ImpactRow, KpiRow, OutcomeRow, Reconciliation, RetentionRow, Share, SurvivalRow, SurvivalSummaryRow,
    Tables,
};
use crate::tz::{add_months, days_from_civil, month_end};

pub const MIN_CELL: u64 = 10;
const HISTORY: i32 = 14;

pub fn month() -> i32 {
    days_from_civil(2026, 10, 1)
}

/// One product of the fixture.
struct Spec {
    id: String,
    name: String,
    origin: Option<&'static str>,
    audience: Option<&'static str>,
    phase: Option<&'static str>,
    cost: Option<f64>,
    /// Months of history up to the reporting month (0: no usage).
    months: i32,
    base: f64,
    growth: f64,
    funnel: bool,
    trial: bool,
}

fn specs(n: usize) -> Vec<Spec> {
    let base = [
        (
            "atelier-cv",
            "Atelier CV",
            Some("business_request"),
            Some("job_seekers"),
            Some("transfer"),
            Some(90_000.0),
            HISTORY,
            900.0,
            0.01,
            false,
            false,
        ),
        (
            "competences-validees",
            "Compétences validées",
            Some("intrapreneur"),
            Some("job_seekers"),
            Some("acceleration"),
            Some(180_000.0),
            HISTORY,
            2400.0,
            0.04,
            true,
            true,
        ),
        (
            "diagoriente",
            "Diagoriente",
            Some("intrapreneur"),
            Some("advisers"),
            Some("investigation"),
            None,
            0,
            0.0,
            0.0,
            false,
            false,
        ),
        (
            "la-bonne-boite",
            "La Bonne Boîte",
            Some("business_request"),
            Some("employers"),
            Some("consolidation"),
            Some(250_000.0),
            HISTORY,
            5200.0,
            0.02,
            true,
            true,
        ),
        (
            "mes-aides",
            "Mes aides <&> \"test\"",
            Some("ministerial_order"),
            None,
            Some("construction"),
            None,
            4,
            14.0,
            0.3,
            false,
            false,
        ),
    ];
    (0..n)
        .map(|i| {
            let b = base[i % base.len()];
            let suffix = if i < base.len() { String::new() } else { format!("-{}", i / base.len() + 1) };
            Spec {
                id: format!("{}{suffix}", b.0),
                name: format!("{}{}", b.1, suffix.replace('-', " ")),
                origin: b.2,
                audience: b.3,
                phase: b.4,
                cost: b.5,
                months: b.6,
                base: b.7 * (1.0 + 0.07 * (i / base.len()) as f64),
                growth: b.8,
                funnel: b.9,
                trial: b.10,
            }
        })
        .collect()
}

/// Active users of a product in its `i`-th data month.
fn active(s: &Spec, i: i32) -> f64 {
    (s.base * (1.0 + s.growth).powi(i) * (1.0 + 0.08 * f64::from(i).sin())).round()
}

fn kpi(project: &str, month: i32, kpi: Kpi, value: Option<f64>, n: Option<u64>) -> KpiRow {
    let hidden = n.is_some_and(|n| n > 0 && n < MIN_CELL);
    KpiRow {
        project_id: project.into(),
        month,
        segment: "all".into(),
        kpi,
        value: if hidden { None } else { value },
        n: if hidden { None } else { n },
        ci_low: None,
        ci_high: None,
        suppressed: hidden,
    }
}

fn month_kpis(project: &str, month: i32, active: f64, new: f64, cumulative: f64, cost: Option<f64>) -> Vec<KpiRow> {
    let (a, nw) = (active as u64, new as u64);
    let dau = (active * 0.11 * 10.0).round() / 10.0;
    let mut rows = vec![
        kpi(project, month, Kpi::ActiveUsers, Some(active), Some(a)),
        kpi(project, month, Kpi::CumulativeUsers, Some(cumulative), Some(cumulative as u64)),
        kpi(project, month, Kpi::DauMean, Some(dau), Some(a)),
        kpi(project, month, Kpi::Events, Some((active * 6.3).round()), Some(a)),
        kpi(project, month, Kpi::NewUsers, Some(new), Some(nw)),
        kpi(project, month, Kpi::ReturningUsers, Some(active - new), Some(a - nw)),
        kpi(project, month, Kpi::Stickiness, (active > 0.0).then(|| dau / active), Some(a)),
    ];
    if let Some(c) = cost {
        rows.push(kpi(project, month, Kpi::CostPerActiveUser, (active > 0.0).then(|| c / 12.0 / active), Some(a)));
    }
    rows
}

fn product_kpis(s: &Spec) -> Vec<KpiRow> {
    let mut cumulative = 0.0;
    (0..s.months)
        .flat_map(|i| {
            let m = add_months(month(), i - s.months + 1);
            let a = active(s, i);
            let new = if i == 0 { a } else { (a * 0.35).round() };
            cumulative += new;
            let mut rows = month_kpis(&s.id, m, a, new, cumulative, s.cost);
            if s.id.starts_with("atelier-cv") && i == s.months - 5 {
                rows.iter_mut().filter(|r| r.kpi == Kpi::Events).for_each(|r| r.value = Some(410.0));
            }
            rows
        })
        .collect()
}

fn portfolio_kpis(specs: &[Spec]) -> Vec<KpiRow> {
    let mut cumulative = 0.0;
    (0..HISTORY)
        .flat_map(|i| {
            let m = add_months(month(), i - HISTORY + 1);
            let total = |f: &dyn Fn(&Spec, i32) -> f64| -> f64 {
                specs.iter().filter(|s| s.months > HISTORY - 1 - i).map(|s| f(s, i - (HISTORY - s.months))).sum::<f64>()
            };
            let a = (total(&|s, j| active(s, j)) * 0.9).round();
            let new = if i == 0 { a } else { (a * 0.33).round() };
            cumulative += new;
            month_kpis("_portfolio", m, a, new, cumulative, None)
        })
        .collect()
}

fn hide(count: u64) -> bool {
    count > 0 && count < MIN_CELL
}

fn retention(s: &Spec) -> Vec<RetentionRow> {
    let mut rows = Vec::new();
    for c in 0..s.months {
        let cohort = add_months(month(), c - s.months + 1);
        let size = if c == 0 { active(s, 0) } else { (active(s, c) * 0.35).round() } as u64;
        for k in 0..(s.months - c) {
            let rate = if k == 0 { 1.0 } else { 0.42 * 0.82f64.powi(k - 1) * (1.0 + 0.05 * f64::from(c).cos()) };
            let retained = (size as f64 * rate).round() as u64;
            let hidden = hide(size) || hide(retained);
            rows.push(RetentionRow {
                project_id: s.id.clone(),
                segment: "all".into(),
                cohort_month: cohort,
                months_since: k,
                cohort_size: (!hide(size)).then_some(size),
                retained: (!hidden).then_some(retained),
                retention_rate: (!hidden && size > 0).then(|| retained as f64 / size as f64),
                left_truncated: c == 0,
                suppressed: hidden,
            });
        }
    }
    rows
}

fn funnel(s: &Spec, as_of: i32) -> Vec<FunnelRow> {
    let steps = [("visit", 1.0), ("signup", 0.62), ("skill_submitted", 0.45), ("skill_validated", 0.71)];
    let mut rows = Vec::new();
    for c in (s.months - 6).max(0)..s.months {
        let cohort = add_months(month(), c - s.months + 1);
        let start = (active(s, c) * 0.4).round();
        let mut users = start;
        for (i, (event, conv)) in steps.iter().enumerate() {
            let previous = users;
            users = (users * conv * if s.id.starts_with("la-bonne") { 0.02 } else { 1.0 }).round();
            if i == 0 {
                users = start;
            }
            let n = users as u64;
            rows.push(FunnelRow {
                project_id: s.id.clone(),
                cohort_month: cohort,
                step: i as i32 + 1,
                event: (*event).into(),
                users: (!hide(n)).then_some(n),
                conversion_from_start: (!hide(n)).then(|| users / start),
                conversion_from_previous: (!hide(n) && previous > 0.0)
                    .then(|| if i == 0 { 1.0 } else { users / previous }),
                complete: month_end(cohort) + 30 <= as_of,
                suppressed: hide(n),
            });
        }
    }
    rows
}

fn portfolio_outcomes(as_of: i32) -> Vec<OutcomeRow> {
    (0..HISTORY)
        .map(|i| {
            let cohort = add_months(month(), i - HISTORY + 1);
            let n = 2600 + 40 * i as u64;
            let rate = 0.17 + 0.015 * f64::from(i).sin() + if i >= HISTORY - 2 { -0.05 } else { 0.0 };
            let half = 1.96 * (rate * (1.0 - rate) / n as f64).sqrt();
            let hidden = i == 3;
            OutcomeRow {
                project_id: "_portfolio".into(),
                segment: "all".into(),
                cohort_month: cohort,
                outcome: "employment".into(),
                window_days: 30,
                users: Some(n),
                with_outcome: (!hidden).then(|| (rate * n as f64).round() as u64),
                rate: (!hidden).then_some(rate),
                ci_low: (!hidden).then_some(rate - half),
                ci_high: (!hidden).then_some(rate + half),
                complete: month_end(cohort) + 30 <= as_of,
                left_truncated: i == 0,
                suppressed: hidden,
            }
        })
        .collect()
}

/// A Kaplan–Meier-like curve every 5 days with growing censoring.
fn curve(project: &str, arm: &str, n: u64, hazard: f64) -> (Vec<SurvivalRow>, SurvivalSummaryRow) {
    let (mut at_risk, mut s, mut var, mut rows, mut median, mut events_total) =
        (n, 1.0f64, 0.0f64, Vec::new(), None, 0);
    for step in 1..=60 {
        if at_risk == 0 {
            break;
        }
        let d = ((at_risk as f64 * hazard).round() as u64).min(at_risk);
        let censored = ((at_risk as f64 * 0.02 * f64::from(step) / 20.0).round() as u64).min(at_risk - d);
        s *= 1.0 - d as f64 / at_risk as f64;
        if at_risk > d {
            var += d as f64 / (at_risk as f64 * (at_risk - d) as f64);
        }
        let width = 1.96 * var.sqrt();
        let hidden = at_risk < MIN_CELL;
        if median.is_none() && s <= 0.5 {
            median = Some(step * 5);
        }
        events_total += d;
        rows.push(SurvivalRow {
            project_id: project.into(),
            outcome: "employment".into(),
            arm: arm.into(),
            day: step * 5,
            at_risk: (!hidden).then_some(at_risk),
            events: Some(d),
            censored: Some(censored),
            survival: (!hidden).then_some(s),
            ci_low: (!hidden).then(|| (s - width).max(0.0)),
            ci_high: (!hidden).then(|| (s + width).min(1.0)),
            cumulative_hazard: (!hidden).then(|| -s.ln()),
            suppressed: hidden,
        });
        at_risk -= d + censored;
    }
    let summary = SurvivalSummaryRow {
        project_id: project.into(),
        outcome: "employment".into(),
        arm: arm.into(),
        n: Some(n),
        events: Some(events_total),
        median,
        median_ci_low: median.map(|m| m - 10),
        median_ci_high: median.map(|m| m + 15),
        suppressed: false,
    };
    (rows, summary)
}

#[allow(clippy::too_many_arguments)]
fn impact(
    project: &str,
    window: i32,
    metric: &str,
    primary: bool,
    n: (u64, u64),
    rates: (f64, f64),
    ci: (f64, f64),
    p: f64,
    srm: f64,
) -> ImpactRow {
    let hidden = n.0 < MIN_CELL || n.1 < MIN_CELL;
    let diff = rates.0 - rates.1;
    let some = |v: f64| (!hidden).then_some(v);
    ImpactRow {
        project_id: project.into(),
        outcome: if metric == "rate" { "employment".into() } else { "earnings".into() },
        window_days: window,
        metric: metric.into(),
        primary,
        n_treatment: Some(n.0),
        n_control: Some(n.1),
        with_outcome_treatment: some((rates.0 * n.0 as f64).round()).map(|v| v as u64).filter(|_| metric == "rate"),
        with_outcome_control: some((rates.1 * n.1 as f64).round()).map(|v| v as u64).filter(|_| metric == "rate"),
        treatment: some(rates.0),
        control: some(rates.1),
        difference: some(diff),
        ci_low: some(ci.0),
        ci_high: some(ci.1),
        relative_uplift: some(diff / rates.1),
        rel_ci_low: some(ci.0 / rates.1).filter(|_| metric == "rate"),
        rel_ci_high: some(ci.1 / rates.1).filter(|_| metric == "rate"),
        p_value: some(p),
        srm_p: Some(srm),
        mde: some(0.031),
        logrank_chi2: some(6.12),
        logrank_p: some(0.0134),
        cost_per_additional_outcome: (metric == "rate" && diff > 0.0)
            .then(|| 180_000.0 / (diff * 9_000.0))
            .filter(|_| !hidden),
        cost_low: (metric == "rate" && diff > 0.0).then(|| 180_000.0 / (ci.1 * 9_000.0)).filter(|_| !hidden),
        cost_high: (metric == "rate" && ci.0 > 0.0).then(|| 180_000.0 / (ci.0 * 9_000.0)).filter(|_| !hidden),
        // The always-valid interval a fifth wider than the fixed one, CUPED a
        // tenth narrower, three quarters of the treatment arm taking it up.
        seq_ci_low: some(diff - 1.2 * (diff - ci.0)),
        seq_ci_high: some(diff + 1.2 * (ci.1 - diff)),
        seq_p_value: some((p * 4.0).min(1.0)),
        q_value: some((p * 3.0).min(1.0)),
        cuped_theta: some(0.4),
        cuped_difference: some(diff * 0.95),
        cuped_ci_low: some(diff * 0.95 - 0.9 * (diff - ci.0)),
        cuped_ci_high: some(diff * 0.95 + 0.9 * (ci.1 - diff)),
        cuped_p_value: some(p * 0.8),
        variance_reduction: some(0.19),
        takeup_treatment: some(0.75),
        takeup_control: some(0.0),
        cace: some(diff / 0.75),
        cace_ci_low: some(ci.0 / 0.75),
        cace_ci_high: some(ci.1 / 0.75),
        suppressed: hidden,
        ..ImpactRow::default()
    }
}

fn trial_rows(s: &Spec) -> (Vec<ImpactRow>, Vec<SurvivalRow>, Vec<SurvivalSummaryRow>) {
    let id = s.id.as_str();
    let impact = if id.starts_with("competences") {
        vec![
            impact(id, 30, "rate", false, (812, 790), (0.121, 0.102), (-0.012, 0.050), 0.21, 0.55),
            impact(id, 90, "mean_value", false, (812, 790), (1530.0, 1402.5), (-35.2, 290.2), 0.124, 0.55),
            impact(id, 90, "rate", true, (812, 790), (0.284, 0.231), (0.011, 0.095), 0.0138, 0.55),
        ]
    } else {
        vec![
            impact(id, 90, "rate", false, (1204, 1011), (0.198, 0.205), (-0.041, 0.027), 0.68, 0.0002),
            impact(id, 180, "rate", false, (14, 6), (0.3, 0.2), (-0.2, 0.4), 0.5, 0.07),
        ]
    };
    let (t, ts) = curve(id, "treatment", 812, 0.045);
    let (c, cs) = curve(id, "control", 790, 0.034);
    let (a, als) = curve(id, "all", 5000, 0.03);
    (impact, [a, c, t].concat(), vec![als, cs, ts])
}

/// The output tables for `n` products (5 gives the plain fixture).
pub fn build_tables(n: usize, as_of: i32) -> Tables {
    let specs = specs(n);
    let mut t = Tables { kpis: portfolio_kpis(&specs), outcomes: portfolio_outcomes(as_of), ..Tables::default() };
    for s in specs.iter().filter(|s| s.months > 0) {
        t.kpis.extend(product_kpis(s));
        t.retention.extend(retention(s));
        if s.funnel {
            t.funnel.extend(funnel(s, as_of));
        }
        if s.trial {
            let (impact, survival, summary) = trial_rows(s);
            t.impact.extend(impact);
            t.survival.extend(survival);
            t.survival_summary.extend(summary);
        } else if s.id.starts_with("atelier") {
            let (rows, summary) = curve(&s.id, "all", 640, 0.025);
            t.survival.extend(rows);
            t.survival_summary.push(summary);
        }
    }
    t.sort();
    t
}

fn north_stars(specs: &[Spec]) -> Vec<NorthStar> {
    specs
        .iter()
        .filter_map(|s| {
            let base = NorthStar {
                project_id: s.id.clone(),
                kpi: NorthStarKpi::Kpi(Kpi::ActiveUsers),
                target: 0.0,
                direction: Direction::Higher,
                value: None,
                suppressed: false,
                previous: None,
                year_before: None,
                change_previous: None,
                change_previous_rel: None,
                change_year: None,
                change_year_rel: None,
                status: NorthStarStatus::NotSet,
                partial_month: false,
            };
            match s.id.split('-').next()? {
                "competences" => Some(NorthStar {
                    kpi: NorthStarKpi::Kpi(Kpi::ActiveUsers),
                    target: 5000.0,
                    value: Some(5386.0),
                    previous: Some(5120.0),
                    year_before: Some(3480.0),
                    change_previous: Some(266.0),
                    change_previous_rel: Some(266.0 / 5120.0),
                    change_year: Some(1906.0),
                    change_year_rel: Some(1906.0 / 3480.0),
                    status: NorthStarStatus::OnTrack,
                    ..base
                }),
                "la" => Some(NorthStar {
                    kpi: NorthStarKpi::OutcomeRate { outcome: "employment".into(), window: 90 },
                    target: 0.25,
                    value: Some(0.212),
                    previous: Some(0.219),
                    change_previous: Some(-0.007),
                    change_previous_rel: Some(-0.007 / 0.219),
                    status: NorthStarStatus::AtRisk,
                    ..base
                }),
                "mes" => Some(NorthStar {
                    kpi: NorthStarKpi::Kpi(Kpi::ActiveUsers),
                    target: 200.0,
                    suppressed: true,
                    status: NorthStarStatus::NoData,
                    ..base
                }),
                "diagoriente" => Some(NorthStar {
                    kpi: NorthStarKpi::Kpi(Kpi::CostPerActiveUser),
                    target: 12.0,
                    direction: Direction::Lower,
                    status: NorthStarStatus::NoData,
                    ..base
                }),
                _ => None,
            }
        })
        .collect()
}

/// The report input over `tables` (built with the same `n`).
pub fn input(tables: &Tables, lang: Lang, n: usize, as_of: i32) -> ReportInput<'_> {
    let specs = specs(n);
    let projects = specs
        .iter()
        .map(|s| ProjectInfo {
            id: s.id.clone(),
            name: s.name.clone(),
            origin: s.origin.map(String::from),
            audience: s.audience.map(String::from),
            phase: s.phase.map(String::from),
            annual_cost_eur: s.cost,
            has_usage: s.months > 0,
            public_outcome: Some(("employment".into(), if s.trial { 90 } else { 30 })),
        })
        .collect();
    let file = |input: &str, file: &str, read, rejected, duplicate, after| Reconciliation {
        input: input.into(),
        file: file.into(),
        sha256: "0".repeat(64),
        rows_read: read,
        accepted: read - rejected - duplicate - after,
        rejected,
        duplicate,
        after_cutoff: after,
    };
    ReportInput {
        title: match lang {
            Lang::Fr => "Incubateur — comité de pilotage".into(),
            Lang::En => "Incubator — steering committee".into(),
        },
        lang,
        month: month(),
        as_of,
        config_sha256: "3f2a9c0d41be7e55aa0c9b1d2e3f4a5b6c7d8e9f00112233445566778899aabb".into(),
        min_cell: MIN_CELL,
        default_outcome: Some("employment".into()),
        shortest_window: Some(30),
        north_stars: north_stars(&specs),
        projects,
        tables,
        revisions: &tables.revisions,
        reconciliation: vec![
            file("assignments", "assignments.csv", 4_120, 3, 0, 12),
            file("outcomes", "outcomes.parquet", 98_412, 57, 211, 380),
            file("projects", "projects.csv", 41, 1, 0, 0),
            file("usage", "usage/part-01.parquet", 1_204_331, 1_022, 3_310, 0),
            file("usage", "usage/part-02.parquet", 1_187_904, 998, 2_875, 15_220),
        ],
        reject_reasons: vec![
            ("usage".into(), "bad_timestamp".into(), 1_402),
            ("usage".into(), "unknown_project".into(), 611),
            ("outcomes".into(), "bad_date".into(), 57),
            ("assignments".into(), "double_assignment".into(), 3),
            ("projects".into(), "duplicate_key".into(), 1),
            ("usage".into(), "nonexistent_local_time".into(), 7),
        ],
        id_coverage: vec![
            IdCoverage { input: "assignments".into(), in_users: Share::Of(0.991), in_outcomes: Share::Hidden },
            IdCoverage { input: "usage".into(), in_users: Share::Of(0.962), in_outcomes: Share::Of(0.655) },
        ],
        // An old outage (data quality only) and a recent one (an alert: a page).
        outages: specs
            .iter()
            .filter_map(|s| match s.id.as_str() {
                "atelier-cv" => Some((s.id.clone(), add_months(month(), -4))),
                "mes-aides" => Some((s.id.clone(), month())),
                _ => None,
            })
            .collect(),
        planned_n: specs
            .iter()
            .filter(|s| s.trial)
            .map(|s| {
                let declared = s.id.starts_with("competences");
                PlannedN { project_id: s.id.clone(), planned_n: if declared { 2000 } else { 5000 }, declared }
            })
            .collect(),
        previous: None,
        labels: crate::config::Labels {
            outcomes: [("employment".to_owned(), label("Retour à l’emploi", "Return to work"))].into(),
            events: [("signup".to_owned(), label("Inscription", "Sign-up"))].into(),
        },
        catalog_rejects: vec![crate::tables::CatalogReject {
            project_id: Some("ancien-projet".into()),
            reason: "bad_date".into(),
            unknown_usage_rows: 12,
        }],
        rollout_warnings: Vec::new(),
    }
}

/// The plain fixture: 5 products, October 2026, full month.
pub fn tables() -> Tables {
    build_tables(5, month_end(month()))
}

pub fn report_input(tables: &Tables, lang: Lang) -> ReportInput<'_> {
    input(tables, lang, 5, month_end(month()))
}

fn label(fr: &str, en: &str) -> crate::config::Label {
    crate::config::Label { fr: Some(fr.to_owned()), en: Some(en.to_owned()) }
}
