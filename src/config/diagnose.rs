//! Config errors in the analyst's words: the key as the file writes it, its
//! line, what is expected with an example from `jauge init`'s template, and
//! a pointer to docs/configuration.md. serde and the TOML parser speak of
//! `struct RawNorthStar` and `i64`; nothing of that reaches the user.
//!
//! Not responsible for deciding what is valid: serde's schema (`raw`) and
//! `check` do.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::check::{Problem, Seg, closest};
use super::template;
use crate::error::Error;

const DOC: &str = "docs/configuration.md";

/// A `check` problem, located in the file.
pub fn problem(path: &Path, text: &str, p: Problem) -> Error {
    let doc = DeTable::parse(text).ok();
    let line = doc.as_ref().and_then(|d| span_of(d.get_ref(), &p.at)).map(|s| line_of(text, s.start));
    let key = doc_key(&p.at);
    config_error(path, line, p.message, format!("{} (see {key} in {DOC})", p.hint))
}

/// A TOML syntax error, or a value serde could not read as its key's type.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let span = e.span().unwrap_or(0..0);
    let line = line_of(text, span.start);
    let Ok(doc) = DeTable::parse(text) else {
        return syntax_error(path, text, e.message(), span);
    };
    // An empty span is the whole file's: a missing top-level table.
    let at = if span.is_empty() { Vec::new() } else { path_at(doc.get_ref(), span.start).unwrap_or_default() };
    let written = written(text, &span);
    let (message, hint) = worded(doc.get_ref(), &at, e.message(), &written);
    config_error(path, Some(line), message, hint)
}

fn config_error(path: &Path, line: Option<usize>, message: String, hint: String) -> Error {
    Error::Config { file: path.display().to_string(), line, message, hint: Some(hint) }
}

fn syntax_error(path: &Path, text: &str, message: &str, span: Range<usize>) -> Error {
    let line = line_of(text, span.start);
    let before = text.get(..span.start).unwrap_or("");
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let what = if message == "duplicate key" {
        format!("the key {} is set twice", written(text, &span))
    } else {
        format!("this is not valid TOML at column {column}: {message}")
    };
    config_error(
        path,
        Some(line),
        what,
        format!("text is written in double quotes, lists in [ ], a key once per table (see {DOC})"),
    )
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// The value as the file writes it, cut short.
fn written(text: &str, span: &Range<usize>) -> String {
    let raw = text.get(span.clone()).unwrap_or("").trim();
    let first_line = raw.lines().next().unwrap_or("");
    if first_line.chars().count() > 60 || first_line.len() < raw.len() {
        format!("{}…", first_line.chars().take(60).collect::<String>())
    } else {
        first_line.to_owned()
    }
}

/// The message and hint for a value serde refused at `at`.
fn worded(doc: &DeTable<'_>, at: &[Seg], message: &str, written: &str) -> (String, String) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return unknown_key(doc, at, rest);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return missing_key(doc, at, rest.split('`').next().unwrap_or(""));
    }
    let (key, name) = (display(doc, at), doc_key(at));
    let hint = match template::example(&name) {
        Some(example) => format!("write it like {example} (see {name} in {DOC})"),
        None => format!("see {name} in {DOC}"),
    };
    let expected = message.rsplit_once(", expected ").map_or("", |(_, e)| e);
    let found = message.strip_prefix("invalid type: ").or_else(|| message.strip_prefix("invalid value: "));
    let message = match found {
        Some(found) => {
            let found = found.split(", expected ").next().unwrap_or(found);
            format!("{key} = {written} is {}, where {} is expected", kind_found(found), kind_expected(expected))
        }
        None if !expected.is_empty() => {
            format!("{key} = {written} cannot be read: {} is expected", kind_expected(expected))
        }
        None => format!("{key} = {written} cannot be read"),
    };
    (message, hint)
}

/// serde's "unknown field `x`, expected one of `a`, `b`", from after its
/// first backtick.
fn unknown_key(doc: &DeTable<'_>, at: &[Seg], rest: &str) -> (String, String) {
    let unknown = rest.split('`').next().unwrap_or("");
    let known: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
    let parent = &at[..at.len().saturating_sub(1)];
    let what = match value_at(doc, at) {
        Some(DeValue::Table(_)) => "table",
        _ => "key",
    };
    let (place, known_are) = match parent {
        [] => (" at the top of the file".to_owned(), "the tables are"),
        _ => (format!(" in {}", table_display(doc, parent)), "the keys there are"),
    };
    let hint = match (closest(unknown, &known), home(unknown, &doc_key(parent))) {
        (Some(close), _) => format!("did you mean {close}? {known_are} {} ({DOC})", known.join(", ")),
        (None, Some(home)) => format!("{unknown} belongs in {} (see {home} in {DOC})", home_table(&home)),
        (None, None) => format!("{known_are} {} ({DOC})", known.join(", ")),
    };
    (format!("unknown {what} {unknown}{place}"), hint)
}

fn missing_key(doc: &DeTable<'_>, at: &[Seg], missing: &str) -> (String, String) {
    let mut inner = at.to_vec();
    inner.push(Seg::Key(missing.to_owned()));
    let place = if at.is_empty() { "the file".to_owned() } else { table_display(doc, at) };
    let name = doc_key(&inner);
    if template::is_table(&name) {
        return (
            format!("{place} lacks the table [{name}], which is required"),
            format!("add it with its required keys; `jauge init` writes a complete example ({DOC})"),
        );
    }
    let example = template::example(&name).map_or_else(String::new, |e| format!("e.g. {e} "));
    (format!("{place} lacks the key {missing}, which is required"), format!("add it, {example}(see {name} in {DOC})"))
}

fn kind_found(found: &str) -> &'static str {
    match found.split([' ', '`']).next().unwrap_or("") {
        "string" => "text",
        "integer" if found.contains(" as i128") => "a whole number too large",
        "integer" => "a whole number",
        "floating" => "a number with decimals",
        "boolean" => "true or false",
        "sequence" => "a list",
        "map" => "a table",
        "datetime" | "date" => "a date",
        _ => "another kind of value",
    }
}

fn kind_expected(expected: &str) -> &'static str {
    match expected {
        "a string" => "text in double quotes",
        "a sequence" => "a list in square brackets",
        "a boolean" => "true or false",
        "i64" | "u64" | "i32" | "u32" => "a whole number",
        "f64" | "f32" => "a number",
        e if e.starts_with("struct ") || e == "a map" => "a table, in { } or under its own [header]",
        _ => "another kind of value",
    }
}

/// The documented key named `name` in another table than `parent`: where
/// a key written in the wrong table belongs.
fn home(name: &str, parent: &str) -> Option<String> {
    let keys = template::doc_keys(&template::uncommented()).ok()?;
    keys.into_iter().find(|k| k.rsplit_once('.').is_some_and(|(table, last)| last == name && table != parent))
}

/// `report.min_cell` → `[report]`; `project.windows` → `[[project]]`.
fn home_table(key: &str) -> String {
    let table = key.rsplit_once('.').map_or(key, |(table, _)| table);
    if table == "project" { "[[project]]".to_owned() } else { format!("[{table}]") }
}

/// A table as its header writes it: `[report]`, `[[project]] "alpha"`.
fn table_display(doc: &DeTable<'_>, at: &[Seg]) -> String {
    let name = display(doc, at);
    if name.starts_with("[[") { name } else { format!("[{name}]") }
}

fn value_at<'d>(table: &'d DeTable<'_>, at: &[Seg]) -> Option<&'d DeValue<'d>> {
    let (Seg::Key(first), rest) = at.split_first()? else { return None };
    let mut value = table.get(first.as_str())?.get_ref();
    for seg in rest {
        value = match seg {
            Seg::Key(k) => value.get(k.as_str())?.get_ref(),
            Seg::Index(i) => value.get(*i)?.get_ref(),
        };
    }
    Some(value)
}

/// The key as an analyst reads it: `report.min_cell`, or
/// `[[project]] "alpha" primary.window`.
fn display(doc: &DeTable<'_>, at: &[Seg]) -> String {
    let names = |segs: &[Seg]| -> Vec<String> {
        segs.iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.clone()),
                Seg::Index(_) => None,
            })
            .collect()
    };
    if let [Seg::Key(first), Seg::Index(i), rest @ ..] = at
        && first == "project"
    {
        let id = doc
            .get("project")
            .and_then(|p| p.get_ref().get(*i))
            .and_then(|t| t.get_ref().get("id"))
            .and_then(|id| id.get_ref().as_str().map(str::to_owned));
        let project = id.map_or_else(|| format!("[[project]] number {}", i + 1), |id| format!("[[project]] \"{id}\""));
        let rest = names(rest);
        return if rest.is_empty() { project } else { format!("{project} {}", rest.join(".")) };
    }
    names(at).join(".")
}

fn doc_key(at: &[Seg]) -> String {
    let keys: Vec<&str> = at
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    template::doc_key(&keys)
}

/// The span of the key (or array element) at the end of `at`.
fn span_of(table: &DeTable<'_>, at: &[Seg]) -> Option<Range<usize>> {
    let (Seg::Key(first), rest) = at.split_first()? else { return None };
    let (key, value) = table.get_key_value(first.as_str())?;
    span_in(value, rest).or_else(|| Some(key.span()))
}

fn span_in(value: &toml::Spanned<DeValue<'_>>, at: &[Seg]) -> Option<Range<usize>> {
    match at.split_first() {
        None => None,
        Some((Seg::Index(i), rest)) => {
            let DeValue::Array(items) = value.get_ref() else { return None };
            let item = items.get(*i)?;
            span_in(item, rest).or_else(|| Some(item.span()))
        }
        Some((Seg::Key(_), _)) => {
            let DeValue::Table(inner) = value.get_ref() else { return None };
            span_of(inner, at)
        }
    }
}

/// The key path whose key or value holds `offset`, deepest first.
fn path_at(table: &DeTable<'_>, offset: usize) -> Option<Vec<Seg>> {
    for (key, value) in table.iter() {
        let here = vec![Seg::Key(key.get_ref().to_string())];
        if let Some(inner) = path_in(value, offset) {
            return Some([here, inner].concat());
        }
        if key.span().contains(&offset) || value.span().contains(&offset) {
            return Some(here);
        }
    }
    None
}

fn path_in(value: &toml::Spanned<DeValue<'_>>, offset: usize) -> Option<Vec<Seg>> {
    match value.get_ref() {
        DeValue::Table(inner) => path_at(inner, offset),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let inner = path_in(item, offset);
            if inner.is_none() && !item.span().contains(&offset) {
                return None;
            }
            Some([vec![Seg::Index(i)], inner.unwrap_or_default()].concat())
        }),
        _ => None,
    }
}
