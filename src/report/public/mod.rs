//! The public statistics pages (SPEC section 9): `public/index.html`, and
//! per product `public/<folder>/index.html` and `stats.json`, where each
//! product of the beta.gouv.fr model publishes its `/stats`.
//!
//! Responsible for choosing the figures a page may show — segment `all`
//! only, taken from the protected tables, never a segment, a survival row,
//! a reject or an id — as one [`Stats`] per product, which `stats.json`
//! serialises and [`html`] words, so the page and the JSON say the same.
//! Not responsible for computing or protecting figures, nor for writing
//! files: the input arrives suppressed, and `output/` writes the [`Site`].

pub mod html;

use serde::Serialize;

use super::context::Ctx;
use super::context::TREND_MONTHS;
use super::impact::verdict_of;
use super::model::{NorthStar, NorthStarStatus, ProjectInfo, ReportInput};
use crate::registry::{Kpi, NorthStarKpi, Unit};
use crate::tables::{Direction, ImpactRow, KpiRow, OutcomeRow};
use crate::tz;

/// The Maryland Scientific Methods Scale level of a randomized trial (SPEC
/// section 4, "Evidence level").
pub const LEVEL_TRIAL: u8 = 5;
/// The level of observed outcome rates: descriptive, not an effect.
pub const LEVEL_OBSERVED: u8 = 1;

/// Every file of `public/`, as bytes to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub index: String,
    pub products: Vec<Page>,
}

/// One product's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The folder's name: the project id made file-safe and unique.
    pub folder: String,
    pub html: String,
    pub json: String,
}

/// A figure as the protected tables publish it. `stats.json` writes its
/// value, or null; the page tells a hidden value (`< k`) from none (`—`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shown<T> {
    pub value: Option<T>,
    pub suppressed: bool,
}

impl<T: Serialize> Serialize for Shown<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T> Shown<T> {
    /// A cell of a row whose `suppressed` flag says whether a null was hidden.
    fn cell(value: Option<T>, row_suppressed: bool) -> Shown<T> {
        let suppressed = value.is_none() && row_suppressed;
        Shown { value, suppressed }
    }
}

/// A count written as an integer, anything else as a float.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    Count(u64),
    Real(f64),
}

/// What `stats.json` holds, in its key order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats<'a> {
    pub project_id: &'a str,
    pub name: &'a str,
    /// `2026-10`.
    pub month: String,
    /// `2026-10-31`.
    pub as_of: String,
    pub north_star: NorthStarFigures<'a>,
    pub monthly: Vec<MonthFigures>,
    pub outcome: Option<OutcomeFigures<'a>>,
    pub impact: Option<ImpactFigures<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NorthStarFigures<'a> {
    /// The `north_star.kpi` of the config; null when none is set.
    pub kpi: Option<&'a NorthStarKpi>,
    pub value: Shown<Figure>,
    pub target: Option<Figure>,
    /// `higher` or `lower`: which side of the target is on track.
    pub direction: Option<&'static str>,
    /// `on_track`, `at_risk`, `off_track`, `not_set` or `no_data`.
    pub status: &'static str,
    #[serde(skip)]
    pub source: Option<&'a NorthStar>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthFigures {
    /// `2026-10`.
    pub month: String,
    pub active_users: Shown<u64>,
    pub new_users: Shown<u64>,
    #[serde(skip)]
    pub day: i32,
}

/// The latest complete cohort's rate of the product's public outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeFigures<'a> {
    pub outcome: &'a str,
    pub window_days: i32,
    /// `2026-07`.
    pub cohort_month: String,
    /// The cohort's size.
    pub users: Shown<u64>,
    pub rate: Shown<f64>,
    pub ci_low: Shown<f64>,
    pub ci_high: Shown<f64>,
    pub evidence_level: u8,
    #[serde(skip)]
    pub cohort_day: i32,
}

/// A trial's primary row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactFigures<'a> {
    pub outcome: &'a str,
    pub window_days: i32,
    /// Treatment − control, as a share (0.021 = 2.1 points).
    pub difference: Shown<f64>,
    pub seq_ci_low: Shown<f64>,
    pub seq_ci_high: Shown<f64>,
    /// `positive`, `negative`, `not_demonstrated` or `not_estimable`; null
    /// when the row is suppressed.
    pub verdict: Option<&'static str>,
    pub evidence_level: u8,
    #[serde(skip)]
    pub verdict_label: Option<&'static str>,
}

/// Renders every public file.
pub fn render(input: &ReportInput) -> Site {
    let ctx = Ctx::new(input);
    let stats: Vec<Stats> = input.projects.iter().map(|p| stats(&ctx, p)).collect();
    let folders: Vec<String> = stats.iter().map(|s| ctx.stem(s.project_id)).collect();
    let products = stats
        .iter()
        .zip(&folders)
        .map(|(s, folder)| Page { folder: folder.clone(), html: html::product(&ctx, s), json: to_json(s) })
        .collect();
    Site { index: html::index(&ctx, &stats, &folders), products }
}

/// Pretty JSON with a final newline; struct order fixes the key order.
fn to_json(stats: &Stats) -> String {
    let mut text = serde_json::to_string_pretty(stats).unwrap_or_default();
    text.push('\n');
    text
}

/// One product's figures.
pub fn stats<'a>(ctx: &Ctx<'a>, p: &'a ProjectInfo) -> Stats<'a> {
    let input = ctx.input;
    let months = if p.has_usage { ctx.trend_months(&p.id, TREND_MONTHS) } else { Vec::new() };
    Stats {
        project_id: &p.id,
        name: if p.name.is_empty() { &p.id } else { &p.name },
        month: tz::format_month(input.month),
        as_of: tz::format_day(input.as_of),
        north_star: north_star(ctx.north_star(&p.id)),
        monthly: months.iter().map(|&m| month(ctx, &p.id, m)).collect(),
        outcome: p.public_outcome.as_ref().and_then(|(o, w)| outcome(ctx.outcomes.get(p.id.as_str())?, o, *w)),
        impact: ctx.impact.get(p.id.as_str()).and_then(|rows| rows.iter().find(|r| r.primary)).map(|r| impact(ctx, r)),
    }
}

fn north_star(ns: Option<&NorthStar>) -> NorthStarFigures<'_> {
    let Some(ns) = ns.filter(|n| n.status != NorthStarStatus::NotSet) else {
        let value = Shown { value: None, suppressed: false };
        let status = NorthStarStatus::NotSet.code();
        return NorthStarFigures { kpi: None, value, target: None, direction: None, status, source: None };
    };
    let figure = |v: f64| figure(&ns.kpi, v);
    NorthStarFigures {
        kpi: Some(&ns.kpi),
        value: Shown { value: ns.value.map(figure), suppressed: ns.suppressed },
        target: Some(figure(ns.target)),
        direction: Some(match ns.direction {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }),
        status: ns.status.code(),
        source: Some(ns),
    }
}

/// A count KPI's value as an integer (the tables hold it as a float).
fn figure(kpi: &NorthStarKpi, v: f64) -> Figure {
    let counted = matches!(kpi, NorthStarKpi::Kpi(k) if matches!(k.info().unit, Unit::Users | Unit::Count));
    match as_count(v) {
        Some(n) if counted => Figure::Count(n),
        _ => Figure::Real(v),
    }
}

fn as_count(v: f64) -> Option<u64> {
    // Exact below 2^53, where every count of people lies.
    (v >= 0.0 && v.fract() == 0.0 && v < 9.007_199_254_740_992e15).then_some(v as u64)
}

fn month(ctx: &Ctx, project: &str, day: i32) -> MonthFigures {
    let count = |kpi: Kpi| {
        let row: Option<&KpiRow> = ctx.kpi(project, kpi, day);
        Shown { value: row.and_then(|r| r.value).and_then(as_count), suppressed: row.is_some_and(|r| r.suppressed) }
    };
    MonthFigures {
        month: tz::format_month(day),
        active_users: count(Kpi::ActiveUsers),
        new_users: count(Kpi::NewUsers),
        day,
    }
}

/// The latest complete cohort of `outcome` at `window`, segment `all`
/// (`rows` are already one product's `all` rows), as the north star reads
/// an outcome rate: a hidden rate stays hidden rather than falling back to
/// an older cohort.
fn outcome<'a>(rows: &[&'a OutcomeRow], outcome: &str, window: i32) -> Option<OutcomeFigures<'a>> {
    let row = rows
        .iter()
        .filter(|r| r.outcome == outcome && r.window_days == window && r.complete)
        .max_by_key(|r| r.cohort_month)?;
    Some(OutcomeFigures {
        outcome: &row.outcome,
        window_days: row.window_days,
        cohort_month: tz::format_month(row.cohort_month),
        users: Shown::cell(row.users, row.suppressed),
        rate: Shown::cell(row.rate, row.suppressed),
        ci_low: Shown::cell(row.ci_low, row.suppressed),
        ci_high: Shown::cell(row.ci_high, row.suppressed),
        evidence_level: LEVEL_OBSERVED,
        cohort_day: row.cohort_month,
    })
}

fn impact<'a>(ctx: &Ctx, row: &'a ImpactRow) -> ImpactFigures<'a> {
    let verdict = (!row.suppressed).then(|| verdict_of(ctx, row));
    ImpactFigures {
        outcome: &row.outcome,
        window_days: row.window_days,
        difference: Shown::cell(row.difference, row.suppressed),
        seq_ci_low: Shown::cell(row.seq_ci_low, row.suppressed),
        seq_ci_high: Shown::cell(row.seq_ci_high, row.suppressed),
        verdict: verdict.as_ref().map(|v| v.code),
        evidence_level: LEVEL_TRIAL,
        verdict_label: verdict.map(|v| v.label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Lang;
    use crate::report::fixture;
    use crate::tables::{ALL, Tables};

    /// The fixture plus one product outcome: three `all` cohorts at 90 days
    /// (the last incomplete) and a segment row that must not show.
    fn tables() -> Tables {
        let mut t = fixture::tables();
        let cohort = |m: i32, complete, rate: Option<f64>, segment: &str| OutcomeRow {
            project_id: "competences-validees".into(),
            segment: segment.into(),
            cohort_month: tz::add_months(fixture::month(), m),
            outcome: "employment".into(),
            window_days: 90,
            users: Some(120),
            with_outcome: rate.map(|r| (r * 120.0) as u64),
            rate,
            ci_low: rate.map(|r| r - 0.05),
            ci_high: rate.map(|r| r + 0.05),
            complete,
            left_truncated: false,
            suppressed: rate.is_none(),
        };
        t.outcomes.extend([
            cohort(-4, true, Some(0.25), ALL),
            cohort(-3, true, Some(0.30), ALL),
            cohort(-3, true, Some(0.90), "region=Bretagne"),
            cohort(-2, false, Some(0.10), ALL),
        ]);
        t.sort();
        t
    }

    fn site(tables: &Tables, lang: Lang) -> Site {
        render(&fixture::report_input(tables, lang))
    }

    fn page<'a>(site: &'a Site, folder: &str) -> &'a Page {
        site.products.iter().find(|p| p.folder == folder).expect("a page per product")
    }

    fn json(site: &Site, folder: &str) -> serde_json::Value {
        serde_json::from_str(&page(site, folder).json).unwrap()
    }

    #[test]
    fn one_folder_per_product_and_the_same_bytes_twice() {
        let tables = tables();
        let site = site(&tables, Lang::Fr);
        let input = fixture::report_input(&tables, Lang::Fr);
        assert_eq!(site.products.len(), input.projects.len());
        assert_eq!(site, render(&input));
        for p in &input.projects {
            assert!(site.index.contains(&format!("href=\"{}/index.html\"", p.id)), "{} not linked", p.id);
        }
    }

    #[test]
    fn stats_json_keys_in_the_spec_order() {
        let tables = tables();
        let site = site(&tables, Lang::En);
        let text = &page(&site, "competences-validees").json;
        let keys = ["project_id", "name", "month", "as_of", "north_star", "monthly", "outcome", "impact"];
        let at: Vec<usize> = keys.iter().map(|k| text.find(&format!("\n  \"{k}\":")).expect(k)).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["month"], "2026-10");
        assert_eq!(v["as_of"], "2026-10-31");
        assert_eq!(v["north_star"]["kpi"], "active_users");
        assert!(v["north_star"]["target"].is_u64(), "a count target is an integer: {}", v["north_star"]);
        assert_eq!(v["monthly"].as_array().unwrap().len(), 13);
        assert_eq!(v["monthly"][12]["month"], "2026-10");
        assert!(v["monthly"][12]["active_users"].is_u64());
    }

    #[test]
    fn the_outcome_is_the_latest_complete_cohort_of_all() {
        let tables = tables();
        let v = json(&site(&tables, Lang::En), "competences-validees");
        let outcome = &v["outcome"];
        assert_eq!(outcome["cohort_month"], "2026-07", "the 2026-08 cohort is incomplete");
        assert_eq!(outcome["rate"], 0.30, "segment all, not Bretagne's 0.90");
        assert_eq!(outcome["window_days"], 90, "the trial's primary endpoint");
        assert_eq!(outcome["evidence_level"], 1);
        assert!(json(&site(&tables, Lang::En), "atelier-cv")["outcome"].is_null(), "no product outcome row");
    }

    #[test]
    fn a_hidden_latest_cohort_stays_hidden() {
        let mut tables = tables();
        let latest = tables.outcomes.iter_mut().find(|r| r.rate == Some(0.30)).unwrap();
        (latest.with_outcome, latest.rate, latest.ci_low, latest.ci_high, latest.suppressed) =
            (None, None, None, None, true);
        let site = site(&tables, Lang::En);
        let outcome = &json(&site, "competences-validees")["outcome"];
        assert_eq!(outcome["cohort_month"], "2026-07", "no fall back to the 0.25 cohort");
        assert!(outcome["rate"].is_null() && outcome["ci_low"].is_null());
        assert_eq!(outcome["users"], 120);
        let html = &page(&site, "competences-validees").html;
        assert!(html.contains("<p class=\"big\">masked</p>"), "a hidden rate is not written < 10");
        assert!(!html.contains("25.0%"));
    }

    #[test]
    fn the_trial_shows_its_primary_row_with_the_reports_verdict() {
        let tables = tables();
        let site = site(&tables, Lang::En);
        let impact = &json(&site, "competences-validees")["impact"];
        let primary = tables.impact.iter().find(|r| r.primary).unwrap();
        assert_eq!(impact["window_days"], 90);
        // serde_json's default parser is not correctly rounded: compare the
        // table's value parsed from its own JSON text.
        let same =
            |v: Option<f64>| serde_json::from_str::<serde_json::Value>(&serde_json::to_string(&v).unwrap()).unwrap();
        assert_eq!(impact["difference"], same(primary.difference));
        assert_eq!(impact["seq_ci_low"], same(primary.seq_ci_low));
        assert_eq!(impact["seq_ci_high"], same(primary.seq_ci_high));
        // seq_ci_low = 0.053 − 1.2 × 0.042 > 0 and q = 3 × 0.0138 < 0.05.
        assert_eq!(impact["verdict"], "positive");
        assert_eq!(impact["evidence_level"], 5);
        let html = &page(&site, "competences-validees").html;
        assert!(html.contains("<span class=\"badge v-positive\">Effect demonstrated</span>"));
        assert!(html.contains("+5.3\u{A0}pp"));
        assert!(html.contains("“Return to work”") && !html.contains("“employment”"), "outcomes read through [labels]");
        // La Bonne Boîte's rows are exploratory only: no primary, no impact.
        assert!(json(&site, "la-bonne-boite")["impact"].is_null());
    }

    #[test]
    fn hidden_counts_are_null_in_json_and_below_k_on_the_page() {
        let tables = tables();
        let site = site(&tables, Lang::Fr);
        let v = json(&site, "mes-aides");
        let monthly = v["monthly"].as_array().unwrap();
        assert_eq!(monthly.len(), 4, "a young product: no month before its first");
        assert!(monthly.iter().any(|m| m["new_users"].is_null()), "{monthly:?}");
        for m in monthly {
            for key in ["active_users", "new_users"] {
                let n = m[key].as_u64();
                assert!(n.is_none_or(|n| n == 0 || n >= fixture::MIN_CELL), "{key} {n:?}");
            }
        }
        let html = &page(&site, "mes-aides").html;
        assert!(html.contains("<td class=\"num\">&lt;\u{A0}10</td>"));
        assert!(html.contains("stroke-dasharray"), "a hidden bar is a dotted stub");
    }

    #[test]
    fn a_product_without_usage_says_so() {
        let tables = tables();
        let site = site(&tables, Lang::En);
        let v = json(&site, "diagoriente");
        assert_eq!(v["monthly"], serde_json::json!([]));
        assert!(page(&site, "diagoriente").html.contains("No usage data yet."));
        assert!(site.index.contains("No usage data yet"));
    }

    #[test]
    fn pages_are_self_contained_escaped_and_in_the_language() {
        let tables = tables();
        for lang in [Lang::Fr, Lang::En] {
            let site = site(&tables, lang);
            let pages = site.products.iter().map(|p| p.html.as_str()).chain([site.index.as_str()]);
            for html in pages {
                let lower = html.to_lowercase();
                for forbidden in ["http", "<script", "<link", "<img", "@import", "url(", "src=", "<iframe"] {
                    assert!(!lower.contains(forbidden), "a public page contains {forbidden}");
                }
                assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
                assert!(html.contains("name=\"viewport\""));
                assert!(!html.contains("<&>"), "unescaped name");
            }
            assert!(site.index.contains("Mes aides &lt;&amp;&gt; &quot;test&quot;"));
        }
        let fr = site(&tables, Lang::Fr);
        assert!(fr.index.contains("Mois de oct. 2026 · données au 31 oct. 2026"));
        assert!(!fr.index.contains("Active users"));
        let en = site(&tables, Lang::En);
        assert!(en.index.contains("Month of Oct 2026 · data as of 31 Oct 2026"));
        assert!(en.index.contains("fewer than 10\u{A0}people are masked"));
    }

    #[test]
    fn without_disclosure_control_nothing_is_said_masked() {
        let tables = tables();
        let mut input = fixture::report_input(&tables, Lang::En);
        input.min_cell = 0;
        let site = render(&input);
        for html in site.products.iter().map(|p| p.html.as_str()).chain([site.index.as_str()]) {
            assert!(!html.contains("fewer than") && !html.contains("masked"), "k = 0 masks nothing");
            assert!(html.contains("“—”: no value."));
        }
    }
}
