//! The public pages as HTML: one self-contained file each (CSS inline,
//! charts inline as SVG, no script, no font, no request), readable on a
//! phone as on a desktop, in the report's language.
//!
//! Responsible for wording and markup: every figure printed comes from a
//! [`Stats`], every string from data is escaped here. Not responsible for
//! choosing the figures (the parent module) or writing files.

use std::fmt::Write;

use super::{Figure, ImpactFigures, MonthFigures, NorthStarFigures, OutcomeFigures, Shown, Stats};
use crate::format;
use crate::registry::{NorthStarKpi, Unit};
use crate::report::context::Ctx;
use crate::report::context::TREND_MONTHS;
use crate::report::html::esc;
use crate::report::i18n::{self, PublicLabels};
use crate::tables::NorthStarStatus;
use crate::tz;

const CSS: &str = include_str!("public.css");

/// `public/index.html`: every product, its north star, status and active
/// users; `folders[i]` is the folder of `stats[i]`.
pub fn index(ctx: &Ctx, stats: &[Stats], folders: &[String]) -> String {
    let w = i18n::public_labels(ctx.lang);
    let t = ctx.t;
    let mut intro = w.index_intro.to_string();
    if ctx.input.min_cell > 0 {
        let k = format::count(ctx.lang, ctx.input.min_cell);
        intro = format!("{intro} {}", i18n::fill(w.index_masked, &[("k", &k)]));
    }
    let mut body = format!("<h1>{}</h1>\n{}", esc(w.index_title), period(ctx));
    let _ = writeln!(body, "<p>{}</p>", esc(&intro));
    let active = i18n::fill(w.active_13, &[("month", &format::month(ctx.lang, ctx.input.month))]);
    let heads = [t.product, t.north_star, t.status, active.as_str()];
    body.push_str("<table class=\"products\">\n<thead><tr>");
    for head in heads {
        let _ = write!(body, "<th scope=\"col\">{}</th>", esc(head));
    }
    body.push_str("</tr></thead>\n<tbody>\n");
    for (s, folder) in stats.iter().zip(folders) {
        let cells = [
            format!("<a href=\"{}/index.html\">{}</a>", esc(folder), esc(s.name)),
            north_star_cell(ctx, &s.north_star),
            badge(ctx, &s.north_star),
            trend_cell(ctx, &s.monthly),
        ];
        body.push_str("<tr>");
        for (head, cell) in heads.iter().zip(cells) {
            let _ = write!(body, "<td data-label=\"{}\">{cell}</td>", esc(head));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody>\n</table>\n");
    let _ = writeln!(body, "<p class=\"legend\">{}</p>", esc(&legend(ctx)));
    shell(ctx, w.index_title, "index.html", &body)
}

/// `public/<folder>/index.html`: one product's figures.
pub fn product(ctx: &Ctx, s: &Stats) -> String {
    let w = i18n::public_labels(ctx.lang);
    let mut body = format!("<p class=\"back\"><a href=\"../index.html\">← {}</a></p>\n", esc(w.back));
    let _ = write!(body, "<h1>{}</h1>\n{}", esc(s.name), period(ctx));
    body.push_str("<div class=\"cards\">\n");
    body.push_str(&north_star_card(ctx, &s.north_star));
    if let Some(o) = &s.outcome {
        body.push_str(&outcome_card(ctx, o));
    }
    if let Some(i) = &s.impact {
        body.push_str(&impact_card(ctx, i));
    }
    body.push_str("</div>\n");
    body.push_str(&monthly_section(ctx, &s.monthly));
    let _ = writeln!(body, "<p class=\"legend\">{}</p>", esc(&legend(ctx)));
    let id = i18n::fill(w.product_id, &[("id", s.project_id)]);
    let _ = writeln!(body, "<p class=\"note\">{} · <a href=\"stats.json\">{}</a></p>", esc(&id), esc(w.json));
    shell(ctx, &format!("{} — {}", s.name, w.page_title), "../index.html", &body)
}

/// The page around a body: head, inline CSS, the band and the footer.
fn shell(ctx: &Ctx, title: &str, home: &str, body: &str) -> String {
    let w = i18n::public_labels(ctx.lang);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body>\n\
         <header class=\"band\"><div class=\"wrap\"><p><a href=\"{home}\">{site}</a></p></div></header>\n\
         <main class=\"wrap\">\n{body}</main>\n<footer class=\"wrap foot\"><p>{footer}</p></footer>\n</body>\n</html>\n",
        lang = ctx.lang.code(),
        title = esc(title),
        site = esc(w.site),
        footer = esc(w.footer),
    )
}

/// "Month of Oct 2026 · data as of 31 Oct 2026" (+ partial month).
fn period(ctx: &Ctx) -> String {
    let input = ctx.input;
    let values = [("month", format::month(ctx.lang, input.month)), ("date", format::date(ctx.lang, input.as_of))];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut text = i18n::fill(i18n::public_labels(ctx.lang).period, &values);
    if input.as_of < tz::month_end(input.month) {
        text = format!("{text} ({})", ctx.t.partial_month);
    }
    format!("<p class=\"period\">{}</p>\n", esc(&text))
}

/// What `< k`, "masked" and `—` mean; without disclosure control (`k` =
/// 0) nothing is masked and only `—` is explained.
fn legend(ctx: &Ctx) -> String {
    let w = i18n::public_labels(ctx.lang);
    if ctx.input.min_cell == 0 {
        return w.legend_missing.to_string();
    }
    let k = format::count(ctx.lang, ctx.input.min_cell);
    let masked = i18n::fill(w.legend_masked, &[("s", &ctx.mark), ("k", &k), ("masked", format::masked(ctx.lang))]);
    format!("{masked} {}", w.legend_missing)
}

/// A figure, or what stands for a hidden one, or `—`; escaped.
fn shown<T: Copy>(s: Shown<T>, hidden: &str, fmt: impl Fn(T) -> String) -> String {
    match s.value {
        Some(v) => esc(&fmt(v)),
        None if s.suppressed => esc(hidden),
        None => "—".to_string(),
    }
}

/// A count, or `< k` when hidden.
fn count(ctx: &Ctx, s: Shown<u64>) -> String {
    shown(s, &ctx.mark, |n| format::count(ctx.lang, n))
}

/// A rate, a difference or a bound, or "masked" when hidden: `< k` beside
/// a percent would read as a percent (SPEC section 6 writes an interval
/// "masked" for the same reason).
fn figure(ctx: &Ctx, s: Shown<f64>, fmt: impl Fn(f64) -> String) -> String {
    shown(s, format::masked(ctx.lang), fmt)
}

fn real(f: Figure) -> f64 {
    match f {
        Figure::Count(n) => n as f64,
        Figure::Real(v) => v,
    }
}

/// The north star's value and target in its unit.
fn north_star_figures(ctx: &Ctx, ns: &NorthStarFigures) -> Option<(String, String)> {
    let source = ns.source?;
    let counted = matches!(&source.kpi, NorthStarKpi::Kpi(k) if matches!(k.info().unit, Unit::Users | Unit::Count));
    let hidden = if counted { ctx.mark.as_str() } else { format::masked(ctx.lang) };
    let value = shown(ns.value, hidden, |v| ctx.format_north_star(source, real(v)));
    let mut target = ns.target.map_or_else(|| "—".to_string(), |v| esc(&ctx.format_north_star(source, real(v))));
    if ns.direction == Some("lower") {
        target = format!("{target} ({})", esc(ctx.t.lower_is_better));
    }
    Some((value, target))
}

fn kpi_name(ctx: &Ctx, ns: &NorthStarFigures) -> String {
    ns.kpi.map_or_else(String::new, |kpi| esc(&crate::report::product::north_star_name(ctx, kpi)))
}

fn north_star_cell(ctx: &Ctx, ns: &NorthStarFigures) -> String {
    match north_star_figures(ctx, ns) {
        Some((value, target)) => format!(
            "{}<br><strong class=\"num\">{value}</strong> <span class=\"muted\">· {}{} {target}</span>",
            kpi_name(ctx, ns),
            esc(ctx.t.target),
            esc(ctx.colon())
        ),
        None => "<span class=\"muted\">—</span>".to_string(),
    }
}

fn badge(ctx: &Ctx, ns: &NorthStarFigures) -> String {
    let status = NorthStarStatus::ALL.into_iter().find(|s| s.code() == ns.status).unwrap_or_default();
    format!("<span class=\"badge s-{}\">{}</span>", ns.status, esc(i18n::status(ctx.lang, status)))
}

/// The sparkline of active users and the latest month's figure.
fn trend_cell(ctx: &Ctx, monthly: &[MonthFigures]) -> String {
    let Some(last) = monthly.last() else {
        return format!("<span class=\"muted\">{}</span>", esc(i18n::public_labels(ctx.lang).no_usage));
    };
    let value = count(ctx, last.active_users);
    format!("<span class=\"trend\">{}<strong class=\"num\">{value}</strong></span>", sparkline(monthly))
}

fn north_star_card(ctx: &Ctx, ns: &NorthStarFigures) -> String {
    let t = ctx.t;
    let mut card = format!("<section class=\"card\">\n<h2>{}</h2>\n", esc(t.north_star));
    match north_star_figures(ctx, ns) {
        Some((value, target)) => {
            let _ = writeln!(card, "<p class=\"what\">{}</p>", kpi_name(ctx, ns));
            let _ = writeln!(card, "<p class=\"big\">{value}</p>");
            let _ = writeln!(card, "<p>{}{} <span class=\"num\">{target}</span></p>", esc(t.target), esc(ctx.colon()));
        }
        None => {
            let _ = writeln!(card, "<p class=\"what\">{}</p>", esc(t.no_north_star));
        }
    }
    let _ = writeln!(card, "<p>{}</p>\n</section>", badge(ctx, ns));
    card
}

fn outcome_card(ctx: &Ctx, o: &OutcomeFigures) -> String {
    let w = i18n::public_labels(ctx.lang);
    let pct = |v: f64| format::percent(ctx.lang, v);
    let values = [
        ("outcome", ctx.outcome(o.outcome)),
        ("window", format::days(ctx.lang, o.window_days)),
        ("cohort", format::month(ctx.lang, o.cohort_day)),
    ];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let interval = interval(ctx, o.ci_low, o.ci_high, pct);
    let users = count(ctx, o.users);
    let mut card = format!("<section class=\"card\">\n<h2>{}</h2>\n", esc(w.outcome));
    let _ = writeln!(card, "<p class=\"what\">{}</p>", esc(&i18n::fill(w.outcome_text, &values)));
    let _ = writeln!(card, "<p class=\"big\">{}</p>", figure(ctx, o.rate, pct));
    let _ = writeln!(card, "<p>{}{} <span class=\"num\">{interval}</span></p>", esc(w.ci95), esc(ctx.colon()));
    let _ = writeln!(card, "<p>{}{} <span class=\"num\">{users}</span></p>", esc(w.cohort_users), esc(ctx.colon()));
    let _ = writeln!(
        card,
        "<p class=\"note\">{} {}{} {}</p>",
        esc(w.observed_note),
        esc(w.evidence),
        esc(ctx.colon()),
        esc(w.evidence_observed)
    );
    card.push_str("</section>\n");
    card
}

fn impact_card(ctx: &Ctx, i: &ImpactFigures) -> String {
    let w = i18n::public_labels(ctx.lang);
    let pts = |v: f64| format::points(ctx.lang, v);
    let values = [("outcome", ctx.outcome(i.outcome)), ("window", format::days(ctx.lang, i.window_days))];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut card = format!("<section class=\"card\">\n<h2>{}</h2>\n", esc(w.impact));
    let _ = writeln!(card, "<p class=\"what\">{}</p>", esc(&i18n::fill(w.impact_text, &values)));
    let _ = writeln!(card, "<p class=\"big\">{}</p>", figure(ctx, i.difference, pts));
    let interval = interval(ctx, i.seq_ci_low, i.seq_ci_high, pts);
    let _ = writeln!(card, "<p>{}{} <span class=\"num\">{interval}</span></p>", esc(w.always_valid), esc(ctx.colon()));
    let verdict = match (i.verdict, i.verdict_label) {
        (Some(code), Some(label)) => format!("<span class=\"badge v-{code}\">{}</span>", esc(label)),
        _ => esc(format::masked(ctx.lang)),
    };
    let _ = writeln!(card, "<p>{}{} {verdict}</p>", esc(ctx.t.verdict), esc(ctx.colon()));
    let _ = writeln!(card, "<p>{}{} {}</p>", esc(w.evidence), esc(ctx.colon()), esc(w.evidence_trial));
    let _ = writeln!(card, "<p class=\"note\">{}</p>\n</section>", esc(w.impact_note));
    card
}

/// `[a ; b]`, or the hidden mark, or `—`.
fn interval(ctx: &Ctx, low: Shown<f64>, high: Shown<f64>, fmt: impl Fn(f64) -> String) -> String {
    match (low.value, high.value) {
        (Some(lo), Some(hi)) => esc(&ctx.interval(fmt(lo), fmt(hi))),
        _ if low.suppressed || high.suppressed => esc(format::masked(ctx.lang)),
        _ => "—".to_string(),
    }
}

fn monthly_section(ctx: &Ctx, monthly: &[MonthFigures]) -> String {
    let w = i18n::public_labels(ctx.lang);
    let t = ctx.t;
    let mut out = format!("<section>\n<h2>{}</h2>\n", esc(w.monthly));
    if monthly.is_empty() {
        let _ = writeln!(out, "<p>{}.</p>\n</section>", esc(w.no_usage));
        return out;
    }
    let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(w.monthly_intro));
    out.push_str("<figure class=\"chart\">\n");
    out.push_str(&bars(monthly, w));
    let (slots, _) = slots(monthly);
    let last = ctx.input.month;
    let first = tz::add_months(last, 1 - i32::try_from(slots).unwrap_or(TREND_MONTHS));
    let _ = writeln!(
        out,
        "<div class=\"axis\" aria-hidden=\"true\"><span>{}</span><span>{}</span></div>",
        esc(&format::month(ctx.lang, first)),
        esc(&format::month(ctx.lang, last))
    );
    let masked = if ctx.input.min_cell > 0 { format!(" {}", w.masked_bar) } else { String::new() };
    let _ = writeln!(
        out,
        "<figcaption><span class=\"key key-active\"></span>{} · <span class=\"key key-new\"></span>{}.{}</figcaption>\n</figure>",
        esc(t.active_users),
        esc(t.new_users),
        esc(&masked)
    );
    let _ = writeln!(
        out,
        "<table class=\"monthly\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead>\n<tbody>",
        esc(t.month),
        esc(t.active_users),
        esc(t.new_users)
    );
    for m in monthly {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&format::month(ctx.lang, m.day)),
            count(ctx, m.active_users),
            count(ctx, m.new_users)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}

/// The months a chart spans and the slot of the first of `monthly`: every
/// chart shares the axis of the last 13 months, so a young product's bars
/// start late rather than stretching.
fn slots(monthly: &[MonthFigures]) -> (usize, usize) {
    let slots = usize::try_from(TREND_MONTHS).unwrap_or(1).max(monthly.len());
    (slots, slots - monthly.len())
}

/// Geometry of the monthly bar chart, in SVG user units.
const STEP: f64 = 40.0;
const BAR: f64 = 28.0;
const PLOT: f64 = 150.0;
const TOP: f64 = 4.0;
/// The height of the dotted stub that stands for a hidden value.
const STUB: f64 = 12.0;

/// Active users as light bars, new users as dark bars over them; a hidden
/// value is a dotted stub, never a bar of height zero.
fn bars(monthly: &[MonthFigures], w: &PublicLabels) -> String {
    let max = monthly.iter().filter_map(|m| m.active_users.value.max(m.new_users.value)).max().unwrap_or(0).max(1);
    let (slots, first) = slots(monthly);
    let width = STEP * slots as f64;
    let base = TOP + PLOT;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width:.0} {:.0}\" role=\"img\" aria-label=\"{}\">\n",
        base + 1.0,
        esc(w.monthly_chart)
    );
    for (i, m) in monthly.iter().enumerate() {
        let x = (first + i) as f64 * STEP + (STEP - BAR) / 2.0;
        for (figure, fill) in [(m.active_users, "#cacafb"), (m.new_users, "#000091")] {
            match figure.value {
                Some(n) => {
                    let h = PLOT * n as f64 / max as f64;
                    let _ = writeln!(
                        svg,
                        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{BAR:.0}\" height=\"{h:.1}\" fill=\"{fill}\"/>",
                        base - h
                    );
                }
                None if figure.suppressed => {
                    let _ = writeln!(
                        svg,
                        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.0}\" height=\"{STUB:.0}\" fill=\"none\" stroke=\"#666\" stroke-dasharray=\"3 2\"/>",
                        x + 0.5,
                        base - STUB,
                        BAR - 1.0
                    );
                }
                None => {}
            }
        }
    }
    let _ = writeln!(
        svg,
        "<line x1=\"0\" y1=\"{base:.1}\" x2=\"{width:.0}\" y2=\"{base:.1}\" stroke=\"#161616\"/>\n</svg>"
    );
    svg
}

/// Geometry of the index's sparkline.
const SPARK_W: f64 = 120.0;
const SPARK_H: f64 = 32.0;
const SPARK_PAD: f64 = 3.0;

/// Active users as a line, broken where a month is hidden; the last
/// published month is a dot.
fn sparkline(monthly: &[MonthFigures]) -> String {
    let max = monthly.iter().filter_map(|m| m.active_users.value).max().unwrap_or(0).max(1);
    let (slots, first) = slots(monthly);
    let point = |i: usize, n: u64| {
        let x = SPARK_PAD + (SPARK_W - 2.0 * SPARK_PAD) * (first + i) as f64 / (slots - 1).max(1) as f64;
        let y = SPARK_H - SPARK_PAD - (SPARK_H - 2.0 * SPARK_PAD) * n as f64 / max as f64;
        (x, y)
    };
    let mut svg = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {SPARK_W:.0} {SPARK_H:.0}\" aria-hidden=\"true\" focusable=\"false\">"
    );
    let published: Vec<Option<(f64, f64)>> =
        monthly.iter().enumerate().map(|(i, m)| m.active_users.value.map(|n| point(i, n))).collect();
    for run in published.split(|p| p.is_none()).filter(|run| !run.is_empty()) {
        let points: Vec<String> = run.iter().flatten().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        match points.as_slice() {
            [alone] => {
                let (x, y) = alone.split_once(',').unwrap_or_default();
                let _ = write!(svg, "<circle cx=\"{x}\" cy=\"{y}\" r=\"1.5\" fill=\"#000091\"/>");
            }
            _ => {
                let _ = write!(
                    svg,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"#000091\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
                    points.join(" ")
                );
            }
        }
    }
    if let Some((x, y)) = published.iter().rev().flatten().next() {
        let _ = write!(svg, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#000091\"/>");
    }
    svg.push_str("</svg>");
    svg
}
