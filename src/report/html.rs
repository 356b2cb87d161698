//! Serialises the report document as one self-contained HTML file: CSS
//! inline, every chart inline as SVG, no script, no font, no link to any
//! network resource, and an A4 print stylesheet that starts each product on
//! its own page and repeats the month, `as_of` and the config hash in the
//! page margins. Everything printed is vector and light: hidden cells are
//! hatched by a small inline SVG (a CSS gradient would print as a
//! page-sized bitmap), sparklines are one path each.
//!
//! Responsible for markup and escaping: every string from the document is
//! escaped here. Not responsible for wording (the section builders) or for
//! drawing (the charts arrive rendered).

use std::collections::BTreeMap;

use super::doc::{Block, Cell, CellKind, Doc, NorthStarBox, RowKind, Section, Sign, Table};
use crate::charts::{Chart, sparkline};

/// The hatching behind a hidden value: diagonal lines stretched over the
/// cell, their width kept by `vector-effect`.
const HATCH: &str = "<svg class=\"hatch\" viewBox=\"0 0 40 12\" preserveAspectRatio=\"none\" aria-hidden=\"true\">\
<path d=\"M0 4L4 0M0 8L8 0M0 12L12 0M4 12L16 0M8 12L20 0M12 12L24 0M16 12L28 0M20 12L32 0M24 12L36 0M28 12L40 0M32 12L40 4M36 12L40 8\"/></svg>";

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Quotes text as a CSS string; `<` is escaped so no `</style>` can appear.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\3C "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const CSS: &str = r#"
:root { --ink: #222; --muted: #5f5f5f; --rule: #d9d9d9; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: var(--ink); background: #fff;
  max-width: 1060px; margin: 0 auto; padding: 24px 28px 48px; font-size: 14px; line-height: 1.45; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 18px 0 6px; }
section.product > h2 { border-bottom-width: 1px; }
p { margin: 6px 0 10px; }
a { color: var(--accent); }
.running { color: var(--muted); font-size: 12px; margin: 0 0 8px; }
.note { color: var(--muted); font-size: 12px; }
.warning { background: #fdf1d8; border-left: 4px solid #E69F00; padding: 6px 10px; }
.lead { background: #eef5fa; border-left: 5px solid var(--accent); padding: 4px 14px; margin: 8px 0 12px; }
.lead p { margin: 6px 0; }
.verdict { border: 1px solid var(--rule); border-left: 6px solid #999; padding: 6px 12px; margin: 4px 0 8px; font-size: 13px; }
.verdict.v-pos { border-left-color: #009E73; }
.verdict.v-neg { border-left-color: #D55E00; }
.facts { font-size: 13px; color: var(--muted); }
.facts b { color: var(--ink); font-weight: normal; }
nav.toc ul { list-style: none; padding-left: 0; margin: 4px 0; }
nav.toc li { margin: 3px 0; }
nav.toc ul ul { padding-left: 22px; columns: 2; column-gap: 24px; font-size: 13px; }
nav.toc ul ul li { break-inside: avoid; margin: 0; padding: 2px 0; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 12.5px; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { border-bottom: 1.5px solid #999; font-weight: bold; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
#summary td { white-space: nowrap; }
#summary td:first-child { white-space: normal; min-width: 37mm; }
.sup { position: relative; }
span.sup { display: inline-block; }
.sup > span { position: relative; }
svg.hatch { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
svg.hatch path { stroke: #c4c4c4; stroke-width: 1; vector-effect: non-scaling-stroke; fill: none; }
svg.spark { width: 68px; height: 14px; vertical-align: middle; }
svg.spark path { fill: none; stroke: var(--accent); stroke-width: 2.2; stroke-linecap: round; stroke-linejoin: round; }
td.missing { color: var(--muted); }
tr.total td { font-weight: bold; border-top: 1.5px solid #999; }
tr.muted td { color: var(--muted); }
.badge { display: inline-block; padding: 0 8px; border-radius: 9px; border: 1px solid; font-size: 12px; white-space: nowrap; }
.s-on_track { background: #e0f3ec; color: #00553e; border-color: #009E73; }
.s-at_risk { background: #fdf1d8; color: #6b4700; border-color: #E69F00; }
.s-off_track { background: #fbe4d5; color: #8a3300; border-color: #D55E00; }
.s-not_set, .s-no_data { background: #f2f2f2; color: #444; border-color: #999; border-style: dashed; }
.v-pos { color: #00664a; font-weight: bold; }
.v-neg { color: #9c3900; font-weight: bold; }
.v-neutral { color: var(--muted); }
.verdict.v-pos, .verdict.v-neg { color: var(--ink); font-weight: normal; }
.verdict.v-pos b { color: #00664a; }
.verdict.v-neg b { color: #9c3900; }
figure.chart { margin: 8px 0 14px; }
figure.chart svg { display: block; width: 100%; height: auto; font-family: "DejaVu Sans", Verdana, Arial, sans-serif; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; align-items: start; }
.cols > div { min-width: 0; }
.ns { border: 1px solid var(--rule); border-left: 6px solid #999; padding: 6px 12px; margin: 4px 0 8px; }
.ns.ns-on_track { border-left-color: #009E73; }
.ns.ns-at_risk { border-left-color: #E69F00; }
.ns.ns-off_track { border-left-color: #D55E00; }
.ns .kpi { font-size: 13px; color: var(--muted); }
.ns .value { font-size: 22px; font-weight: bold; margin-right: 8px; }
.ns ul { display: flex; flex-wrap: wrap; gap: 0 14px; list-style: none; margin: 2px 0 0; padding: 0; font-size: 12.5px; }
dl.defs dt { font-weight: bold; margin-top: 8px; }
dl.defs dd { margin: 2px 0 0 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
@media screen and (max-width: 760px) { .cols { grid-template-columns: 1fr; } }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 8.5pt; line-height: 1.3; }
  h1 { font-size: 15pt; }
  h2 { font-size: 12.5pt; margin: 0 0 6px; }
  h3 { font-size: 9.5pt; margin: 6px 0 3px; }
  p { margin: 3px 0 5px; }
  table { font-size: 8pt; margin: 2px 0 6px; line-height: 1.15;
    font-family: "DejaVu Sans Condensed", "Liberation Sans", Arial, sans-serif; }
  th, td { padding: 0.8px 2.5px; }
  .facts, .ns .kpi, .ns ul, .badge, .note, .verdict, footer { font-size: 8pt; }
  .badge { padding: 0 4px; line-height: 1.1; }
  .lead { padding: 2px 10px; margin: 4px 0 6px; }
  .lead p { margin: 3px 0; }
  .ns, .verdict { padding: 3px 8px; margin: 2px 0 4px; }
  .ns .value { font-size: 13pt; }
  .warning { padding: 3px 8px; margin: 3px 0; }
  svg.spark { width: 14mm; height: 2.8mm; }
  nav.toc, .running { display: none; }
  section.page { break-before: page; }
  section.product { break-inside: avoid; }
  figure.chart, table, .ns, .warning, .verdict, .lead { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  figure.chart { margin: 2px 0 4px; }
  .cols { gap: 6mm; }
  dl.defs dt { margin-top: 3px; break-after: avoid; }
  dl.defs dt, dl.defs dd { font-size: 8pt; }
  a { color: inherit; text-decoration: none; }
  .badge, .ns, .warning, .lead, .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The `@page` rule: A4, the running head (month, `as_of`, config hash) at
/// the top of every page, the title and the page number at the bottom.
fn page_css(doc: &Doc) -> String {
    format!(
        "@page {{ size: A4; margin: 12mm 10mm 11mm;\n  \
         @bottom-left {{ content: {}; font: 8pt \"DejaVu Sans\", Verdana, sans-serif; color: #5f5f5f; }}\n  \
         @top-right {{ content: {}; font: 8pt \"DejaVu Sans\", Verdana, sans-serif; color: #5f5f5f; }}\n  \
         @bottom-right {{ content: counter(page) \" / \" counter(pages); font: 8pt \"DejaVu Sans\", Verdana, sans-serif; color: #5f5f5f; }}\n}}\n",
        css_string(&doc.title),
        css_string(&doc.running_head)
    )
}

/// The complete HTML document.
pub fn render(doc: &Doc, charts: &[Chart]) -> String {
    let svgs = charts.iter().map(|c| (c.name.as_str(), c.svg.as_str())).collect();
    let env = Env { svgs, colon: if doc.lang == "fr" { "\u{A0}:" } else { ":" } };
    let mut out = String::with_capacity(1 << 20);
    out.push_str(&format!("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", esc(doc.lang)));
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        esc(&doc.title),
        page_css(doc)
    ));
    out.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"running\">{}</p>\n</header>\n",
        esc(&doc.title),
        esc(&doc.running_head)
    ));
    out.push_str(&toc(doc));
    out.push_str("<main>\n");
    for s in &doc.sections {
        out.push_str(&section(doc, s, &env));
    }
    out.push_str(&format!("</main>\n<footer>{}</footer>\n</body>\n</html>\n", esc(&doc.footer)));
    out
}

/// The table of contents: parts, with the product pages nested under the
/// part that precedes them.
fn toc(doc: &Doc) -> String {
    let mut out = format!("<nav class=\"toc\">\n<h2>{}</h2>\n<ul>\n", esc(&doc.contents_title));
    let link = |s: &Section| format!("<a href=\"#{}\">{}</a>", esc(&s.anchor), esc(&s.title));
    let sections: Vec<&Section> = doc.sections.iter().filter(|s| !s.continued).collect();
    let mut i = 0;
    while i < sections.len() {
        out.push_str(&format!("<li>{}", link(sections[i])));
        let children: Vec<&Section> = sections[i + 1..].iter().copied().take_while(|s| s.level == 2).collect();
        if !children.is_empty() {
            out.push_str("\n<ul>\n");
            for child in &children {
                out.push_str(&format!("<li>{}</li>\n", link(child)));
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</li>\n");
        i += 1 + children.len();
    }
    out.push_str("</ul>\n</nav>\n");
    out
}

/// What a renderer needs besides the block at hand.
struct Env<'a> {
    svgs: BTreeMap<&'a str, &'a str>,
    /// `label: value` separator: French puts a no-break space before the colon.
    colon: &'static str,
}

fn section(doc: &Doc, s: &Section, env: &Env) -> String {
    let mut classes = vec![if s.product {
        "product"
    } else if s.level == 2 {
        "sub"
    } else {
        "part"
    }];
    if s.page_break {
        classes.push("page");
    }
    let mut out = format!("<section id=\"{}\" class=\"{}\">\n", esc(&s.anchor), classes.join(" "));
    if s.page_break {
        out.push_str(&format!("<p class=\"running\">{} · {}</p>\n", esc(&doc.title), esc(&doc.running_head)));
    }
    out.push_str(&format!("<h2>{}</h2>\n", esc(&s.title)));
    for b in &s.blocks {
        block(b, env, &mut out);
    }
    out.push_str("</section>\n");
    out
}

fn block(b: &Block, env: &Env, out: &mut String) {
    match b {
        Block::Heading(h) => out.push_str(&format!("<h3>{}</h3>\n", esc(h))),
        Block::Para(p) => out.push_str(&format!("<p>{}</p>\n", esc(p))),
        Block::Note(n) => out.push_str(&format!("<p class=\"note\">{}</p>\n", esc(n))),
        Block::Warning(w) => out.push_str(&format!("<p class=\"warning\">{}</p>\n", esc(w))),
        Block::Facts(facts) => {
            let items: Vec<String> =
                facts.iter().map(|(k, v)| format!("{}{} <b>{}</b>", esc(k), env.colon, esc(v))).collect();
            out.push_str(&format!("<p class=\"facts\">{}</p>\n", items.join(" · ")));
        }
        Block::Definitions(defs) => {
            out.push_str("<dl class=\"defs\">\n");
            for (term, text) in defs {
                out.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", esc(term), esc(text)));
            }
            out.push_str("</dl>\n");
        }
        Block::NorthStar(ns) => out.push_str(&north_star(ns, env.colon)),
        Block::Table(t) => out.push_str(&table(t)),
        Block::Chart { name, alt } => out.push_str(&chart(env.svgs.get(name.as_str()).copied(), name, alt)),
        Block::Lead(sentences) => {
            out.push_str("<div class=\"lead\">\n");
            for p in sentences {
                out.push_str(&format!("<p>{}</p>\n", esc(p)));
            }
            out.push_str("</div>\n");
        }
        Block::Verdict { sign, title, text } => out.push_str(&format!(
            "<div class=\"verdict {}\"><b>{}</b> {}</div>\n",
            sign_class(*sign),
            esc(title),
            esc(text)
        )),
        Block::Columns(columns) => {
            out.push_str("<div class=\"cols\">\n");
            for column in columns {
                out.push_str("<div>\n");
                for b in column {
                    block(b, env, out);
                }
                out.push_str("</div>\n");
            }
            out.push_str("</div>\n");
        }
    }
}

fn north_star(ns: &NorthStarBox, colon: &str) -> String {
    let code = ns.status.code();
    let mut out = format!("<div class=\"ns ns-{code}\">\n<div class=\"kpi\">{}</div>\n", esc(&ns.kpi));
    let value = match ns.value.kind {
        CellKind::Suppressed => format!("<span class=\"value sup\">{HATCH}<span>{}</span></span>", esc(&ns.value.text)),
        _ => format!("<span class=\"value\">{}</span>", esc(&ns.value.text)),
    };
    out.push_str(&format!("<div>{value} <span class=\"badge s-{code}\">{}</span></div>\n", esc(&ns.status_label)));
    out.push_str("<ul>\n");
    out.push_str(&format!("<li>{}</li>\n", esc(&ns.target)));
    for (label, change) in &ns.changes {
        out.push_str(&format!("<li>{}{colon} {}</li>\n", esc(label), esc(change)));
    }
    for remark in &ns.remarks {
        out.push_str(&format!("<li>{}</li>\n", esc(remark)));
    }
    out.push_str("</ul>\n</div>\n");
    out
}

fn sign_class(sign: Sign) -> &'static str {
    match sign {
        Sign::Positive => "v-pos",
        Sign::Negative => "v-neg",
        Sign::Neutral => "v-neutral",
    }
}

fn cell_html(c: &Cell, numeric: bool) -> String {
    let text = esc(&c.text);
    let num = if numeric { " num" } else { "" };
    match &c.kind {
        CellKind::Text => format!("<td>{text}</td>"),
        CellKind::Number => format!("<td class=\"num\">{text}</td>"),
        CellKind::Suppressed => format!("<td class=\"sup{num}\">{HATCH}<span>{text}</span></td>"),
        CellKind::Missing => format!("<td class=\"missing{num}\">{text}</td>"),
        CellKind::Status(s) => format!("<td><span class=\"badge s-{}\">{text}</span></td>", s.code()),
        CellKind::Verdict(sign) => format!("<td class=\"{}\">{text}</td>", sign_class(*sign)),
        CellKind::Sparkline(values) => format!("<td>{}</td>", sparkline::svg(values)),
    }
}

fn table(t: &Table) -> String {
    let numeric = t.numeric_columns();
    let mut out = String::from("<table>\n<thead><tr>");
    for (i, h) in t.head.iter().enumerate() {
        let class = if numeric.get(i).copied().unwrap_or(false) { " class=\"num\"" } else { "" };
        out.push_str(&format!("<th{class}>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        let class = match row.kind {
            RowKind::Normal => "",
            RowKind::Total => " class=\"total\"",
            RowKind::Muted => " class=\"muted\"",
        };
        let cells: String =
            row.cells.iter().enumerate().map(|(i, c)| cell_html(c, numeric.get(i).copied().unwrap_or(false))).collect();
        out.push_str(&format!("<tr{class}>{cells}</tr>\n"));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A chart's SVG inline, its root made responsive and labelled. The
/// `xmlns` attribute goes: HTML puts `<svg>` in the SVG namespace itself,
/// and the report then holds no URL at all.
fn chart(svg: Option<&str>, name: &str, alt: &str) -> String {
    let Some(svg) = svg else {
        return format!("<p class=\"warning\">{}</p>\n", esc(name));
    };
    let root_end = svg.find('>').map_or(0, |i| i + 1);
    let view_box =
        svg[..root_end].split("viewBox=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or("0 0 100 100");
    format!(
        "<figure class=\"chart\" id=\"chart-{}\"><svg viewBox=\"{}\" role=\"img\" aria-label=\"{}\">{}</figure>\n",
        esc(name),
        esc(view_box),
        esc(alt),
        &svg[root_end..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_css() {
        assert_eq!(esc("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(css_string("a\"b</style>\\"), "\"a\\\"b\\3C /style>\\\\\"");
    }

    #[test]
    fn inline_svg_drops_size_and_namespace() {
        let svg = "<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n";
        let html = chart(Some(svg), "x", "A \"chart\"");
        assert!(html.starts_with("<figure class=\"chart\" id=\"chart-x\"><svg viewBox=\"0 0 10 5\" role=\"img\" aria-label=\"A &quot;chart&quot;\">"));
        assert!(!html.contains("http"));
        assert!(html.contains("<rect/>"));
    }
}
