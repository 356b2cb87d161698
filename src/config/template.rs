//! The commented `jauge.toml` that `jauge init` writes: every key with its
//! default and allowed values, the optional ones commented out. It is also
//! the schema's example: an error on a key quotes the template's line for
//! it, and the tests hold the template, the schema and
//! docs/configuration.md to the same keys in the same order.
//!
//! Not responsible for writing the file (`output`) or checking values
//! (`check`).

use toml::de::{DeTable, DeValue};

/// The template, as `jauge init` writes it.
pub const TEMPLATE: &str = include_str!("template.toml");

/// The template with every commented-out key and table header restored:
/// the whole schema, as one valid TOML document.
pub fn uncommented() -> String {
    let mut out = String::with_capacity(TEMPLATE.len());
    for line in TEMPLATE.lines() {
        let restored = line.strip_prefix("# ").filter(|rest| is_key_line(rest));
        out.push_str(restored.unwrap_or(line));
        out.push('\n');
    }
    out
}

/// `key = …` or a table header, as opposed to a sentence of a comment.
fn is_key_line(text: &str) -> bool {
    if let Some(header) = text.strip_prefix('[') {
        return header.starts_with(|c: char| c.is_ascii_lowercase() || c == '[');
    }
    let Some((key, _)) = text.split_once(" = ") else { return false };
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The name docs/configuration.md gives a key path: tables keyed by input
/// or by code are written with a placeholder
/// (`inputs.columns.<input>.<column>`, `labels.outcomes.<code>.fr`).
pub fn doc_key(path: &[&str]) -> String {
    let mut out: Vec<&str> = path.to_vec();
    let placeholders: &[&str] = match path {
        ["inputs", "columns", ..] => &["<input>", "<column>"],
        ["inputs", "source_timezone" | "encoding" | "postgres", ..] => &["<input>"],
        ["labels", "outcomes" | "events", ..] => &["<code>"],
        _ => &[],
    };
    for (i, placeholder) in placeholders.iter().enumerate() {
        if let Some(slot) = out.get_mut(2 + i) {
            *slot = placeholder;
        }
    }
    out.join(".")
}

/// One leaf key of a document: its path (array indices left out) and
/// where its key starts.
struct Leaf {
    path: Vec<String>,
    start: usize,
}

fn leaves(table: &DeTable<'_>, prefix: &[String], out: &mut Vec<Leaf>) {
    for (key, value) in table.iter() {
        let mut path = prefix.to_vec();
        path.push(key.get_ref().to_string());
        match value.get_ref() {
            DeValue::Table(inner) => leaves(inner, &path, out),
            DeValue::Array(items) if items.iter().any(|i| matches!(i.get_ref(), DeValue::Table(_))) => {
                for item in items.iter() {
                    if let DeValue::Table(inner) = item.get_ref() {
                        leaves(inner, &path, out);
                    }
                }
            }
            _ => out.push(Leaf { path, start: key.span().start }),
        }
    }
}

/// Whether a documented name is a table of the schema (`inputs`,
/// `project.north_star`) rather than a key holding a value.
pub fn is_table(doc_key_name: &str) -> bool {
    let table = format!("{doc_key_name}.");
    doc_keys(&uncommented()).is_ok_and(|keys| keys.iter().any(|k| k.starts_with(&table)))
}

/// The documented names of a document's keys, in the order they are
/// written, each once.
pub fn doc_keys(text: &str) -> Result<Vec<String>, toml::de::Error> {
    let doc = DeTable::parse(text)?;
    let mut found = Vec::new();
    leaves(doc.get_ref(), &[], &mut found);
    found.sort_by_key(|l| l.start);
    let mut keys: Vec<String> = Vec::new();
    for leaf in found {
        let key = doc_key(&leaf.path.iter().map(String::as_str).collect::<Vec<_>>());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// The template's line for a documented key or table (for a field of an
/// inline table, the table's line), as an example to quote.
pub fn example(doc_key_name: &str) -> Option<String> {
    let text = uncommented();
    let doc = DeTable::parse(&text).ok()?;
    let mut found = Vec::new();
    leaves(doc.get_ref(), &[], &mut found);
    found.sort_by_key(|l| l.start);
    let table = format!("{doc_key_name}.");
    let leaf = found.iter().find(|l| {
        let key = doc_key(&l.path.iter().map(String::as_str).collect::<Vec<_>>());
        key == doc_key_name || key.starts_with(&table)
    })?;
    let line_start = text[..leaf.start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?.trim();
    Some(line.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_sentence_is_not_a_key() {
        assert!(is_key_line("min_cell = 10"));
        assert!(is_key_line("[inputs.encoding]"));
        assert!(is_key_line("[[project]]"));
        assert!(!is_key_line("The funnel's steps, event codes in order"));
        assert!(!is_key_line("outcome_rate:<outcome>:<window> (one of this product's); target a finite"));
        assert!(!is_key_line("(fr, en); a code without a label"));
    }

    #[test]
    fn placeholders_stand_for_inputs_and_codes() {
        assert_eq!(doc_key(&["inputs", "columns", "usage", "user_id"]), "inputs.columns.<input>.<column>");
        assert_eq!(doc_key(&["inputs", "postgres", "usage", "url"]), "inputs.postgres.<input>.url");
        assert_eq!(doc_key(&["labels", "events", "visit", "fr"]), "labels.events.<code>.fr");
        assert_eq!(doc_key(&["project", "primary", "window"]), "project.primary.window");
    }

    #[test]
    fn the_example_of_an_inline_field_is_its_table_line() {
        assert_eq!(example("report.min_cell").as_deref(), Some("min_cell = 10"));
        assert_eq!(
            example("project.primary.window").as_deref(),
            Some("primary = { outcome = \"employment\", window = 90 }")
        );
        assert_eq!(example("nowhere.at_all"), None);
    }
}
