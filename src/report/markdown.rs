//! Serialises the report document as Markdown (CommonMark with GitHub
//! tables): the same sections, tables and notes as the HTML, each chart
//! linked as `charts/<name>.png`.
//!
//! Responsible for Markdown syntax and escaping: every string is escaped so
//! that data cannot open a link, a tag or a table cell. Not responsible for
//! wording or drawing.

use super::doc::{Block, Doc, NorthStarBox, Section, Table};

/// Escapes Markdown punctuation in text. `<` is escaped only where it could
/// open a tag or an autolink, so a suppressed value still reads `< 10`.
pub fn esc(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '&' | '~' | '>' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' if chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric() || matches!(n, '/' | '!' | '?')) => {
                out.push_str("\\<");
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The complete Markdown document.
pub fn render(doc: &Doc) -> String {
    let colon = if doc.lang == "fr" { "\u{A0}:" } else { ":" };
    let mut out = format!("# {}\n\n{}\n\n", esc(&doc.title), esc(&doc.running_head));
    out.push_str(&toc(doc));
    for s in &doc.sections {
        section(s, colon, &mut out);
    }
    out.push_str(&format!("---\n\n{}\n", esc(&doc.footer)));
    out
}

fn toc(doc: &Doc) -> String {
    let mut out = format!("## {}\n\n", esc(&doc.contents_title));
    for s in doc.sections.iter().filter(|s| !s.continued) {
        let indent = if s.level == 2 { "    " } else { "" };
        out.push_str(&format!("{indent}- [{}](#{})\n", esc(&s.title), s.anchor));
    }
    out.push('\n');
    out
}

fn section(s: &Section, colon: &str, out: &mut String) {
    // An explicit anchor: renderers disagree on how they derive heading ids.
    out.push_str(&format!("<a id=\"{}\"></a>\n\n## {}\n\n", s.anchor, esc(&s.title)));
    for b in &s.blocks {
        block(b, colon, out);
    }
}

fn block(b: &Block, colon: &str, out: &mut String) {
    match b {
        Block::Heading(h) => out.push_str(&format!("### {}\n\n", esc(h))),
        Block::Para(p) => out.push_str(&format!("{}\n\n", esc(p))),
        Block::Note(n) => out.push_str(&format!("*{}*\n\n", esc(n))),
        Block::Warning(w) => out.push_str(&format!("> **{}**\n\n", esc(w))),
        Block::Facts(facts) => {
            let items: Vec<String> = facts.iter().map(|(k, v)| format!("{}{colon} **{}**", esc(k), esc(v))).collect();
            out.push_str(&format!("{}\n\n", items.join(" · ")));
        }
        Block::Definitions(defs) => {
            for (term, text) in defs {
                out.push_str(&format!("**{}** — {}\n\n", esc(term), esc(text)));
            }
        }
        Block::NorthStar(ns) => north_star(ns, colon, out),
        Block::Table(t) => table(t, out),
        Block::Chart { name, alt } => out.push_str(&format!("![{}](charts/{name}.png)\n\n", esc(alt))),
        Block::Columns(columns) => {
            for b in columns.iter().flatten() {
                block(b, colon, out);
            }
        }
        Block::Lead(sentences) => {
            for p in sentences {
                out.push_str(&format!("{}\n\n", esc(p)));
            }
        }
        Block::Verdict { title, text, .. } => out.push_str(&format!("**{}** {}\n\n", esc(title), esc(text))),
    }
}

fn north_star(ns: &NorthStarBox, colon: &str, out: &mut String) {
    out.push_str(&format!("**{}**{colon} **{}** — {}\n\n", esc(&ns.kpi), esc(&ns.value.text), esc(&ns.status_label)));
    out.push_str(&format!("- {}\n", esc(&ns.target)));
    for (label, change) in &ns.changes {
        out.push_str(&format!("- {}{colon} {}\n", esc(label), esc(change)));
    }
    for remark in &ns.remarks {
        out.push_str(&format!("- {}\n", esc(remark)));
    }
    out.push('\n');
}

fn table(t: &Table, out: &mut String) {
    let numeric = t.numeric_columns();
    let head: Vec<String> = t.head.iter().map(|h| esc(h)).collect();
    out.push_str(&format!("| {} |\n", head.join(" | ")));
    let rule: Vec<&str> = numeric.iter().map(|&n| if n { "---:" } else { "---" }).collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in &t.rows {
        let cells: Vec<String> = row.cells.iter().map(|c| esc(&c.text)).collect();
        let line = cells.join(" | ");
        match row.kind {
            super::doc::RowKind::Total => out.push_str(&format!("| {} |\n", bold_cells(&cells))),
            _ => out.push_str(&format!("| {line} |\n")),
        }
    }
    out.push('\n');
}

fn bold_cells(cells: &[String]) -> String {
    cells.iter().map(|c| if c.is_empty() { String::new() } else { format!("**{c}**") }).collect::<Vec<_>>().join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_but_keeps_suppressed_marks() {
        assert_eq!(esc("< 10"), "< 10");
        assert_eq!(esc("<script>"), "\\<script\\>");
        assert_eq!(esc("a|b [x](y) *z* skill_x"), "a\\|b \\[x\\](y) \\*z\\* skill\\_x");
        assert_eq!(esc("two\nlines"), "two lines");
    }
}
