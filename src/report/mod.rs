//! The steering committee report (SPEC section 7): one self-contained
//! `report.html` (charts inline as SVG, CSS inline, no network request, an
//! A4 print stylesheet with each product page on its own page) and the
//! same content as `report.md` linking the PNG charts.
//!
//! Responsible for turning a [`ReportInput`] into bytes: the section
//! builders (`summary`, `portfolio`, `impact`, `product`, `revisions`,
//! `quality`, `method`, in the report's order: decisions first, detail
//! after) word the content once as a [`doc::Doc`], which `html` and
//! `markdown` serialise.
//! Not responsible for computing figures, applying disclosure control or
//! writing files: the input arrives suppressed, and `output/` writes what
//! [`render`] returns. Output is byte-deterministic: no clock, no hash-map
//! order.

pub mod context;
pub mod doc;
pub mod html;
pub mod i18n;
pub mod impact;
pub mod markdown;
pub mod method;
pub mod model;
pub mod portfolio;
pub mod product;
pub mod public;
pub mod quality;
pub mod revisions;
pub mod rollout;
pub mod summary;

#[cfg(test)]
pub(crate) mod fixture;

pub use crate::format::Lang;
pub use model::{CatalogReject, Direction, IdCoverage, NorthStar, NorthStarStatus, ProjectInfo, ReportInput};

use crate::charts::{self, Chart, Job};
use crate::format;
use crate::tz;
use context::Ctx;
use doc::Doc;

/// The report in both formats and the charts both refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub markdown: String,
    /// Written by `output/` as `charts/<name>.svg` and `charts/<name>.png`.
    pub charts: Vec<Chart>,
}

/// Renders the report and its charts.
pub fn render(input: &ReportInput) -> Rendered {
    let mut jobs = Vec::new();
    let doc = build(input, &mut jobs);
    let charts = charts::render_all(&jobs);
    Rendered { html: html::render(&doc, &charts), markdown: markdown::render(&doc), charts }
}

/// The document, with the charts it refers to queued onto `jobs`.
pub fn build(input: &ReportInput, jobs: &mut Vec<Job>) -> Doc {
    let ctx = Ctx::new(input);
    let mut sections =
        vec![summary::section(&ctx, 1), portfolio::section(&ctx, 2, jobs), impact::section(&ctx, 3, jobs)];
    sections.extend(product::sections(&ctx, 4, jobs));
    sections.push(revisions::section(&ctx, 5));
    sections.push(quality::section(&ctx, 6));
    sections.push(method::section(&ctx, 7));
    Doc {
        lang: input.lang.code(),
        title: input.title.clone(),
        running_head: running_head(&ctx),
        contents_title: ctx.t.contents.into(),
        sections,
        footer: ctx.t.footer.into(),
    }
}

/// "Oct 2026 · data as of 31 Oct 2026 · config 3f2a…" (+ partial month).
fn running_head(ctx: &Ctx) -> String {
    let input = ctx.input;
    let short_hash: String = input.config_sha256.chars().take(12).collect();
    let values = [
        ("month", format::month(ctx.lang, input.month)),
        ("date", format::date(ctx.lang, input.as_of)),
        ("hash", short_hash),
    ];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut head = i18n::fill(ctx.t.running_head, &values);
    if input.as_of < tz::month_end(input.month) {
        head.push_str(&format!(" ({})", ctx.t.partial_month));
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::OnceLock;

    use crate::tables::RolloutRow;

    fn render_fixture(lang: Lang) -> Rendered {
        let tables = fixture::tables();
        render(&fixture::report_input(&tables, lang))
    }

    /// The fixture rendered once per language (PNG encoding is slow in debug builds).
    fn rendered(lang: Lang) -> &'static Rendered {
        static FR: OnceLock<Rendered> = OnceLock::new();
        static EN: OnceLock<Rendered> = OnceLock::new();
        let cell = if lang == Lang::Fr { &FR } else { &EN };
        cell.get_or_init(|| render_fixture(lang))
    }

    #[test]
    fn is_byte_deterministic() {
        assert_eq!(&render_fixture(Lang::En), rendered(Lang::En));
    }

    #[test]
    fn product_pages_only_where_there_is_something_to_say() {
        let tables = fixture::tables();
        let input = fixture::report_input(&tables, Lang::Fr);
        let out = render(&input);
        let ctx = Ctx::new(&input);
        let appendix = &out.html[out.html.find("<section id=\"other-products\"").expect("the appendix")..];
        let appendix = &appendix[..appendix.find("</section>").unwrap()];
        for p in &input.projects {
            let page = out.html.contains(&format!("<section id=\"p-{}\" class=\"product page\">", ctx.stem(&p.id)));
            assert_eq!(page, product::has_page(&ctx, p), "{}", p.id);
            assert_eq!(appendix.contains(&html::esc(&p.name)), !page, "{} is on a page or in the appendix", p.id);
        }
        // Both trials and the product with a recent outage have a page; the
        // one without usage and the one on track without a trial do not.
        assert_eq!(out.html.matches("class=\"product page\"").count(), 3);
        for anchor in ["summary", "portfolio", "impact", "products", "revisions", "quality", "method"] {
            assert!(out.html.contains(&format!("<section id=\"{anchor}\"")), "{anchor}");
        }
    }

    #[test]
    fn the_summary_comes_first_with_sentences_rows_and_thresholds() {
        let out = rendered(Lang::Fr);
        let main = &out.html[out.html.find("<main>").unwrap()..];
        assert!(main.starts_with("<main>\n<section id=\"summary\""), "no contents page before the summary");
        let summary = &main[..main.find("</section>").unwrap()];
        assert!(summary.contains("<div class=\"lead\">") && summary.contains("En octobre 2026, "));
        assert!(summary.contains("essais randomisés sont lus ce mois-ci"));
        assert!(summary.contains("1\u{A0}ligne rejetée au catalogue des produits"), "the rejected catalog row");
        assert!(summary.contains("à partir de 80\u{202F}% de la cible") && summary.contains("jusqu’à 125\u{202F}%"));
        assert_eq!(summary.matches("<tr>").count(), 1 + 5, "a head and one row per product");
        assert!(summary.contains("<svg class=\"spark\""), "a sparkline of active users");
        assert!(summary.contains("(5)</td>"), "the verdict carries its evidence level");
    }

    #[test]
    fn words_a_committee_reads() {
        for lang in [Lang::Fr, Lang::En] {
            let out = rendered(lang);
            for code in ["«\u{A0}employment\u{A0}»", "“employment”", "Étoiles du nord", "Utilisateurs revenus"] {
                assert!(!out.html.contains(code) && !out.markdown.contains(code), "{code}");
            }
            assert!(out.html.contains(lang.pick("Retour à l’emploi", "Return to work")), "the outcome's label");
            for sign in [" -", "[-", "(-"] {
                let hyphen = |t: &str| {
                    t.match_indices(sign).any(|(i, _)| t[i + sign.len()..].starts_with(|c: char| c.is_ascii_digit()))
                };
                assert!(!hyphen(&out.markdown), "{sign}: negative numbers take U+2212");
            }
        }
    }

    #[test]
    fn every_page_carries_month_as_of_and_config_hash() {
        let out = rendered(Lang::Fr);
        let head = "Mois de oct. 2026 · données au 31 oct. 2026 · configuration 3f2a9c0d41be";
        let pages =
            out.html.matches("class=\"product page\"").count() + out.html.matches("class=\"part page\"").count();
        assert!(out.html.matches(head).count() > pages, "one per page-break section, plus the cover");
        assert!(out.html.contains(&format!("@top-right {{ content: \"{head}\"")));
        assert!(out.markdown.contains(head));
    }

    #[test]
    fn a_month_cut_early_is_labelled_partial() {
        let as_of = tz::days_from_civil(2026, 10, 15);
        let tables = fixture::build_tables(5, as_of);
        let mut input = fixture::input(&tables, Lang::En, 5, as_of);
        input.projects.truncate(1);
        let mut jobs = Vec::new();
        let doc = build(&input, &mut jobs);
        assert_eq!(doc.running_head, "Oct 2026 · data as of 15 Oct 2026 · config 3f2a9c0d41be (partial month)");
    }

    #[test]
    fn html_is_self_contained() {
        let html = &rendered(Lang::En).html;
        let lower = html.to_lowercase();
        for forbidden in ["http", "<script", "<link", "<img", "@import", "url(", "src=", "restricted"] {
            assert!(!lower.contains(forbidden), "report.html contains {forbidden}");
        }
        assert!(html.contains("<svg viewBox="));
        assert!(!rendered(Lang::En).markdown.contains("restricted"));
    }

    #[test]
    fn escapes_text_from_data() {
        let out = rendered(Lang::Fr);
        assert!(out.html.contains("Mes aides &lt;&amp;&gt; &quot;test&quot;"));
        assert!(!out.html.contains("<&>"));
        assert!(out.markdown.contains("Mes aides <\\&\\> \"test\""));
    }

    #[test]
    fn suppressed_values_read_less_than_k_never_zero_or_blank() {
        let out = rendered(Lang::Fr);
        assert!(out.html.contains("<td class=\"sup num\"><svg class=\"hatch\""), "hatched by a vector drawing");
        assert!(out.html.contains("<span>&lt;\u{A0}10</span></td>"), "a no-break space keeps < with 10");
        assert!(!out.html.contains("gradient"), "a CSS gradient prints as a bitmap");
        assert!(out.markdown.contains("| <\u{A0}10 |"));
        assert!(!out.html.contains("<td></td>") && !out.html.contains("<td class=\"num\"></td>"));
    }

    #[test]
    fn a_chart_that_cannot_say_anything_is_left_out() {
        let out = rendered(Lang::En);
        // The young product's every retention cell is hidden: no heatmap, a note.
        let page = &out.html[out.html.find("<section id=\"p-mes-aides\"").unwrap()..];
        let page = &page[..page.find("</section>").unwrap()];
        assert!(!out.charts.iter().any(|c| c.name == "p_mes-aides_retention"));
        assert!(page.contains(i18n::labels(Lang::En).no_retention));
        for chart in &out.charts {
            let points = chart.svg.matches("<circle").count();
            assert!(!chart.name.ends_with("_mau") || points >= 2 * 2, "{}: a trend of one point", chart.name);
        }
    }

    /// `[labels.events]` names a funnel's steps: "Sign-up", not `signup`.
    #[test]
    fn the_funnel_names_its_steps_with_the_event_labels() {
        let out = rendered(Lang::En);
        let funnels: Vec<&Chart> = out.charts.iter().filter(|c| c.name.ends_with("_funnel")).collect();
        assert!(!funnels.is_empty(), "the fixture draws a funnel");
        for chart in funnels {
            assert!(chart.svg.contains("2. Sign-up") && !chart.svg.contains("signup"), "{}", chart.name);
        }
    }

    /// SPEC 6: a hidden median or interval is not a count: "masked", never
    /// `< k`; a suppressed impact row keeps the arm sizes it may show.
    #[test]
    fn a_hidden_median_or_interval_reads_masked() {
        use crate::tables::Table;
        let mut tables = fixture::tables();
        let trials: Vec<String> = tables.impact.iter().map(|r| r.project_id.clone()).collect();
        let arm = tables
            .survival_summary
            .iter_mut()
            .find(|s| s.median.is_some() && s.arm != "all" && trials.contains(&s.project_id));
        let arm = arm.expect("a median of a trial's product (it has a page)");
        (arm.n, arm.events, arm.median, arm.median_ci_low, arm.median_ci_high) = (None, None, None, None, None);
        arm.suppressed = true;
        let project = arm.project_id.clone();
        let row = tables.impact.iter_mut().find(|r| r.metric == "rate").expect("a rate row");
        row.clear_figures();
        (row.with_outcome_treatment, row.with_outcome_control, row.n_control) = (None, None, None);
        row.suppressed = true;
        let n_treatment = row.n_treatment.expect("an arm size");
        for (lang, masked) in [(Lang::En, "masked"), (Lang::Fr, "masqué")] {
            let md = render(&fixture::report_input(&tables, lang)).markdown.replace('\u{A0}', " ");
            let page = &md[md.find(&format!("id=\"p-{project}\"")).expect("the product page")..];
            let median_row = page.lines().find(|l| l.contains(&format!("| {masked} |"))).expect("a masked median");
            assert!(median_row.contains("< 10"), "the arm's counts read < k: {median_row}");
            assert!(!median_row.ends_with("< 10 |"), "{median_row}");
            let impact =
                md.lines().find(|l| l.contains(&format!("{} / < 10", crate::format::count(lang, n_treatment))));
            let impact = impact.expect("the suppressed impact row");
            assert!(impact.contains(&format!("| {masked} |")), "{impact}");
        }
    }

    #[test]
    fn formats_follow_the_language() {
        let fr = rendered(Lang::Fr);
        assert!(fr.html.contains("oct. 2026") && fr.html.contains("sept. 2026"));
        assert!(fr.html.contains("28,4\u{202F}%"));
        assert!(fr.html.contains("180\u{202F}000\u{A0}€"));
        let en = rendered(Lang::En);
        assert!(en.html.contains("Oct 2026") && en.html.contains("Sep 2026"));
        assert!(en.html.contains("28.4%"));
        assert!(en.html.contains("€180,000"));
        assert!(!en.html.contains("Utilisateurs actifs"));
    }

    #[test]
    fn product_without_usage_says_so_and_has_no_chart() {
        let out = rendered(Lang::En);
        let appendix = &out.html[out.html.find("<section id=\"other-products\"").unwrap()..];
        assert!(appendix.contains("<td>Diagoriente</td><td>Investigation</td><td>No usage data</td>"));
        assert!(!out.charts.iter().any(|c| c.name.starts_with("p_diagoriente")));
    }

    #[test]
    fn markdown_links_every_chart_as_png() {
        let out = rendered(Lang::Fr);
        for chart in &out.charts {
            assert!(out.markdown.contains(&format!("](charts/{}.png)", chart.name)), "{} not linked", chart.name);
            assert!(out.html.contains(&format!("id=\"chart-{}\"", chart.name)), "{} not inline", chart.name);
            assert!(chart.svg.len() > 500 && chart.png.len() > 500, "{} is empty", chart.name);
        }
        let names: std::collections::BTreeSet<&str> = out.charts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), out.charts.len(), "chart names must be unique");
        assert!(
            names.contains("impact_forest")
                && names.contains("portfolio_users")
                && names.contains("portfolio_outcome_rate")
        );
    }

    #[test]
    fn impact_leads_with_primary_and_flags_the_ratio_check() {
        let out = rendered(Lang::En);
        let impact = &out.html[out.html.find("<section id=\"impact\"").unwrap()..];
        let primary = impact.find("<h3>Primary endpoints</h3>").expect("the primary table");
        assert!(impact.find("<h3>Exploratory analyses</h3>").is_some_and(|e| e > primary));
        assert!(out.html.contains("in control (p\u{A0}&lt;\u{A0}0.001)"));
        assert!(out.html.contains("Effect demonstrated"));
    }

    #[test]
    fn a_product_page_gives_its_verdict_and_which_curve_is_better() {
        let out = rendered(Lang::En);
        let page = &out.html[out.html.find("<section id=\"p-competences-validees\"").unwrap()..];
        let page = &page[..page.find("</section>").unwrap()];
        assert!(page.contains("<div class=\"verdict"), "the trial's verdict");
        assert!(page.contains("randomized trial, evidence level 5"));
        assert!(page.contains("Return to work, 90\u{A0}d (primary endpoint)"));
        let reading = ["The treatment curve falls faster", "The control curve falls faster", "cannot be told apart"];
        assert!(reading.iter().any(|r| page.contains(r)), "the survival curves are read");
    }

    /// A roll-out row of Atelier CV's employment rate: 6 treated and 4
    /// comparison units, the effect `att` ± 0.008.
    fn rollout_row(aggregation: &str, event_time: Option<i32>, att: f64, pretrend_p: Option<f64>) -> RolloutRow {
        RolloutRow {
            project_id: "atelier-cv".into(),
            outcome: "employment".into(),
            metric: "rate".into(),
            aggregation: aggregation.into(),
            group: None,
            period: None,
            event_time,
            units_treated: 6,
            units_control: 4,
            population_treated: 6000,
            population_control: 4000,
            att: Some(att),
            se: Some(0.004),
            ci_low: Some(att - 0.008),
            ci_high: Some(att + 0.008),
            p_value: Some(0.001),
            pretrend_p,
            suppressed: false,
        }
    }

    /// A roll-out's overall effect is a verdict of evidence level 3: the
    /// summary's sentence and row, a page for its product, and an alert
    /// when its placebo months reject parallel trends.
    #[test]
    fn a_rollout_gives_its_product_a_verdict_and_a_page() {
        let mut tables = fixture::tables();
        tables.rollout =
            vec![rollout_row("dynamic", Some(-1), 0.001, None), rollout_row("dynamic", Some(0), 0.02, None)];
        tables.rollout.push(rollout_row("simple", None, 0.02, Some(0.01)));
        // A failing pre-trend on a figure no verdict reads is no alert.
        let other = RolloutRow {
            project_id: "mes-aides".into(),
            metric: "mean_value".into(),
            ..rollout_row("simple", None, 3.0, Some(0.001))
        };
        tables.rollout.push(other);
        let out = render(&fixture::report_input(&tables, Lang::En));
        let summary = &out.markdown[..out.markdown.find("## 2.").unwrap()];
        assert!(
            summary
                .contains("1 staggered roll-out is read: an effect is demonstrated (evidence level 3) for Atelier CV")
        );
        // Five sentences at most (SPEC 7.1): the alerts past the fourth
        // sentence share the fifth.
        let lead = &summary[summary.find("## 1. Summary").unwrap()..summary.find("| Product |").unwrap()];
        assert_eq!(lead.trim().lines().filter(|l| !l.is_empty()).count(), 1 + 5, "{lead}");
        assert!(
            summary.contains("Also to check (details in the parts below): pre-trends not parallel for Atelier CV; ")
        );
        assert!(
            !summary.contains("pre-trends not parallel for Atelier CV and"),
            "no alert on a figure no verdict reads"
        );
        // Folded, the catalog's rejected rows are still named.
        assert!(
            summary
                .contains("1\u{A0}rejected row in the product catalog, to fix in the projects file — ancien-projet (")
        );
        let atelier = summary.lines().find(|l| l.starts_with("| Atelier CV |")).expect("its summary row");
        assert!(atelier.ends_with("| Effect demonstrated (3) |"), "{atelier}");
        let page = &out.markdown[out.markdown.find("<a id=\"p-atelier-cv\">").expect("a page for the product")..];
        assert!(page.contains("Effect demonstrated · staggered roll-out, evidence level 3"));
        // pretrend_p = 0.01 beside the level-3 effect (SPEC section 4).
        assert!(
            page.contains("did not move in parallel (p\u{A0}=\u{A0}0.010)"),
            "the pre-trend test beside the effect"
        );
    }

    /// SPEC section 6: "the report names what was left out" of a roll-out,
    /// the units opened by its first month and a group of fewer than k
    /// people; a long list of units is cut with how many more.
    #[test]
    fn the_report_names_what_a_rollout_left_out() {
        use crate::ingest::warning::Warning;
        let tables = fixture::tables();
        let mut input = fixture::report_input(&tables, Lang::En);
        let sep = crate::tz::day_of(2025, 9, 1).unwrap();
        let agencies: Vec<String> = (1..=14).map(|i| format!("Agency {i:02}")).collect();
        input.rollout_warnings = vec![
            Warning::OpenedBeforePanel { project: "atelier-cv".into(), units: agencies, since: sep },
            Warning::SmallGroup {
                project: "atelier-cv".into(),
                units: vec!["Corse".into()],
                group: crate::tz::add_months(sep, 3),
                min_cell: 10,
            },
        ];
        let md = render(&input).markdown;
        let quality = &md[md.find("Staggered roll-outs").expect("the roll-out lines")..];
        assert!(quality.contains(
            "Atelier CV: “Agency 01”, “Agency 02”, “Agency 03”, “Agency 04”, “Agency 05”, “Agency 06”, \
             “Agency 07”, “Agency 08”, “Agency 09”, “Agency 10” and 4 others, opened in September 2025, \
             the first month studied, or before"
        ));
        assert!(quality.contains(
            "Atelier CV: “Corse”, opened in December 2025, fewer than 10 people in all; left out of the estimate"
        ));
    }

    /// SPEC 4: `pretrend_p` is null without placebo cells; the page then
    /// says that nothing before opening was observed, not "too few units".
    #[test]
    fn a_rollout_without_placebo_months_says_so() {
        let mut tables = fixture::tables();
        tables.rollout = vec![rollout_row("dynamic", Some(0), 0.01, None), rollout_row("simple", None, 0.01, None)];
        let md = render(&fixture::report_input(&tables, Lang::En)).markdown;
        assert!(md.contains("No month before opening is observed: parallel trends cannot be checked."));
        assert!(!md.contains("Parallel trends before opening are not tested"));
    }

    /// The accepted assignments are the sum of the trials' arms: with one
    /// arm unpublished they, and the rows read, are masked.
    #[test]
    fn a_hidden_arm_masks_the_assignments_reconciliation() {
        let row = |md: &str| {
            let line = md.lines().find(|l| l.starts_with("| assignments | assignments.csv |"));
            line.expect("the assignments file's row").to_owned()
        };
        let tables = fixture::tables();
        let shown = row(&render(&fixture::report_input(&tables, Lang::En)).markdown);
        assert!(shown.contains("| 4,120 |"), "{shown}");
        let mut tables = fixture::tables();
        let trial = tables.impact[0].project_id.clone();
        tables.survival_summary.retain(|s| !(s.project_id == trial && s.arm == "control"));
        let md = render(&fixture::report_input(&tables, Lang::En)).markdown;
        let hidden = row(&md);
        assert!(hidden.starts_with("| assignments | assignments.csv | masked | masked | 3 |"), "{hidden}");
        assert!(md.contains("The assignments’ rows read and accepted are masked"));
    }

    /// The largest relative revisions rank figures: a bound near zero moved
    /// a little is counted, not listed first.
    #[test]
    fn the_largest_revisions_rank_figures_not_their_bounds() {
        let mut tables = fixture::tables();
        let row = |column: &str, previous: f64, current: f64| crate::tables::RevisionRow {
            table: "impact".into(),
            project_id: "competences-validees".into(),
            key: "outcome=employment;window_days=90;metric=rate".into(),
            column: column.into(),
            previous: Some(previous),
            current: Some(current),
            revision: Some(current - previous),
            status: "revised".into(),
        };
        tables.revisions = vec![row("ci_low", 0.0001, 0.004), row("difference", 0.05, 0.06)];
        let mut input = fixture::report_input(&tables, Lang::En);
        let month = input.month;
        input.previous = Some(crate::revisions::PreviousRun {
            month,
            as_of: month + 14,
            inputs: Vec::new(),
            not_compared: Vec::new(),
        });
        let md = render(&input).markdown;
        let listed: Vec<&str> = md.lines().filter(|l| l.contains("metric=rate ·")).collect();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert!(listed[0].contains("· difference |") && listed[0].contains("+20.0%"), "{}", listed[0]);
    }
}
