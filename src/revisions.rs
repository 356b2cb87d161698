//! Revisions (SPEC section 8): every figure that an earlier run published
//! under the same key and that this run publishes with another value, hides,
//! shows again, or no longer has. Late exports, corrections and cohorts
//! whose windows complete all revise last month's figures; this says which.
//!
//! Works on column values of both runs' protected tables, table by table
//! as `tables.rs` declares them (key columns, compared figures). Not
//! responsible for reading the earlier run (`ingest::previous`) nor for
//! writing anything.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::tables::{Reconciliation, RevisionRow, Table, Tables, Values, Visitor};
use crate::tz;

/// Two values differ when they are further apart than this, relative to
/// the larger: float noise of a recomputation is not a revision.
const RELATIVE: f64 = 1e-12;

pub const REVISED: &str = "revised";
pub const NOW_SUPPRESSED: &str = "now_suppressed";
pub const NO_LONGER_SUPPRESSED: &str = "no_longer_suppressed";
pub const WITHDRAWN: &str = "withdrawn";

/// The revisions of every compared table, in `revisions.parquet` order.
/// `previous` holds the earlier run's columns by file.
pub fn revisions(current: &Tables, previous: &BTreeMap<&str, Vec<Values<'_>>>) -> Vec<RevisionRow> {
    let mut compare = Compare { previous, rows: Vec::new() };
    current.visit(&mut compare);
    RevisionRow::sort(&mut compare.rows);
    compare.rows
}

struct Compare<'p, 'v> {
    previous: &'p BTreeMap<&'p str, Vec<Values<'v>>>,
    rows: Vec<RevisionRow>,
}

impl Visitor for Compare<'_, '_> {
    fn table<T: Table>(&mut self, rows: &[T]) {
        if let Some(previous) = self.previous.get(T::FILE).filter(|_| !T::REVISED.is_empty()) {
            self.rows.extend(compare::<T>(previous, &T::values(rows)));
        }
    }
}

/// Where each declared column sits, found once per table.
struct Layout {
    table: &'static str,
    project: usize,
    keys: Vec<(&'static str, usize)>,
    figures: Vec<(&'static str, usize)>,
    suppressed: usize,
}

impl Layout {
    fn of<T: Table>() -> Layout {
        let at = |name: &str| T::COLUMNS.iter().position(|c| c.name == name).expect("declared column");
        Layout {
            table: T::FILE.trim_end_matches(".parquet"),
            project: at("project_id"),
            keys: T::SORT_KEY.iter().filter(|k| **k != "project_id").map(|k| (*k, at(k))).collect(),
            figures: T::REVISED.iter().map(|f| (*f, at(f))).collect(),
            suppressed: at("suppressed"),
        }
    }

    /// (project_id, `name=value;…`) of row `i`.
    fn key(&self, values: &[Values<'_>], i: usize) -> (String, String) {
        let key: Vec<String> = self.keys.iter().map(|(name, c)| format!("{name}={}", text(&values[*c], i))).collect();
        (text(&values[self.project], i), key.join(";"))
    }

    /// Every row's key cells, typed, one row after another: rows are
    /// matched on these, and only a revised row's key is written out.
    fn parts<'a>(&self, values: &[Values<'a>]) -> Vec<Part<'a>> {
        let rows = values.first().map_or(0, len);
        let columns: Vec<usize> = std::iter::once(self.project).chain(self.keys.iter().map(|k| k.1)).collect();
        (0..rows).flat_map(|i| columns.iter().map(move |c| part(&values[*c], i))).collect()
    }
}

fn compare<T: Table>(previous: &[Values<'_>], current: &[Values<'_>]) -> Vec<RevisionRow> {
    let layout = Layout::of::<T>();
    let stride = layout.keys.len() + 1;
    let now_parts = layout.parts(current);
    let now: FxHashMap<&[Part<'_>], usize> = now_parts.chunks(stride).enumerate().map(|(i, k)| (k, i)).collect();
    let mut out = Vec::new();
    for (p, parts) in layout.parts(previous).chunks(stride).enumerate() {
        let c = now.get(parts).copied();
        let hidden = |values: &[Values<'_>], i| flag(&values[layout.suppressed], i);
        let mut found = Vec::new();
        for (name, col) in &layout.figures {
            let before = number(&previous[*col], p);
            let Some(c) = c else {
                found.push((*name, before, None, WITHDRAWN));
                continue;
            };
            match (before, number(&current[*col], c)) {
                (Some(a), Some(b)) if differ(a, b) => found.push((*name, Some(a), Some(b), REVISED)),
                (Some(_), None) if hidden(current, c) => found.push((*name, None, None, NOW_SUPPRESSED)),
                (None, Some(_)) if hidden(previous, p) => found.push((*name, None, None, NO_LONGER_SUPPRESSED)),
                _ => {}
            }
        }
        if found.is_empty() {
            continue;
        }
        let (project_id, key) = layout.key(previous, p);
        out.extend(found.into_iter().map(|(column, previous, current, status)| RevisionRow {
            table: layout.table.to_owned(),
            project_id: project_id.clone(),
            key: key.clone(),
            column: column.to_owned(),
            previous,
            current,
            revision: previous.zip(current).map(|(p, c)| c - p),
            status: status.to_owned(),
        }));
    }
    out
}

/// A key cell as compared: two cells match when their text would, so a
/// count read back as signed still meets its unsigned self.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Part<'a> {
    Null,
    Text(&'a str),
    Day(i32),
    Int(i128),
    Float(u64),
    Flag(bool),
}

fn part<'a>(values: &Values<'a>, i: usize) -> Part<'a> {
    match values {
        Values::Text(v) => Part::Text(v[i]),
        Values::Date(v) => v[i].map_or(Part::Null, Part::Day),
        Values::Int(v) => v[i].map_or(Part::Null, |x| Part::Int(x.into())),
        Values::UInt(v) => v[i].map_or(Part::Null, |x| Part::Int(x.into())),
        Values::Float(v) => v[i].map_or(Part::Null, |x| Part::Float(x.to_bits())),
        Values::Flag(v) => Part::Flag(v[i]),
    }
}

/// How an input file differs from the earlier run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// An input file added, removed or changed (by sha256) since the earlier run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputChange {
    pub input: String,
    pub file: String,
    pub change: Change,
}

/// The earlier run as the report names it.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousRun {
    /// Day number of the 1st of its month.
    pub month: i32,
    pub as_of: i32,
    pub inputs: Vec<InputChange>,
    /// Its tables written with other columns (an older version): not
    /// compared (`kpis.parquet`…).
    pub not_compared: Vec<String>,
}

impl PreviousRun {
    /// From the earlier run's manifest and this run's reconciliation;
    /// `None` when the manifest lacks its month or cut-off.
    pub fn of(manifest: &serde_json::Value, current: &[Reconciliation]) -> Option<PreviousRun> {
        let text = |key: &str| manifest.get(key).and_then(serde_json::Value::as_str);
        let month = parse_day(&format!("{}-01", text("month")?))?;
        let as_of = parse_day(text("as_of")?)?;
        let files = manifest.get("inputs").and_then(serde_json::Value::as_array);
        let before: BTreeMap<(String, String), String> = files
            .into_iter()
            .flatten()
            .filter_map(|f| {
                let field = |k: &str| f.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
                Some(((field("input")?, field("file")?), field("sha256")?))
            })
            .collect();
        let now: BTreeMap<(String, String), String> =
            current.iter().map(|r| ((r.input.clone(), r.file.clone()), r.sha256.clone())).collect();
        let mut inputs: Vec<InputChange> = Vec::new();
        let change =
            |(input, file): &(String, String), change| InputChange { input: input.clone(), file: file.clone(), change };
        for (key, sha) in &now {
            match before.get(key) {
                None => inputs.push(change(key, Change::Added)),
                Some(old) if old != sha => inputs.push(change(key, Change::Changed)),
                Some(_) => {}
            }
        }
        inputs.extend(before.keys().filter(|k| !now.contains_key(*k)).map(|k| change(k, Change::Removed)));
        inputs.sort();
        Some(PreviousRun { month, as_of, inputs, not_compared: Vec::new() })
    }
}

/// `YYYY-MM-DD` as a day number.
fn parse_day(text: &str) -> Option<i32> {
    let mut parts = text.splitn(3, '-').map(str::parse::<u32>);
    let (y, m, d) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    tz::day_of(i32::try_from(y).ok()?, m, d)
}

fn differ(a: f64, b: f64) -> bool {
    (a - b).abs() > RELATIVE * a.abs().max(b.abs())
}

fn len(values: &Values<'_>) -> usize {
    match values {
        Values::Text(v) => v.len(),
        Values::Date(v) | Values::Int(v) => v.len(),
        Values::UInt(v) => v.len(),
        Values::Float(v) => v.len(),
        Values::Flag(v) => v.len(),
    }
}

/// A key cell as text: dates as `YYYY-MM-DD`, a null as nothing.
fn text(values: &Values<'_>, i: usize) -> String {
    let or_empty = |v: Option<String>| v.unwrap_or_default();
    match values {
        Values::Text(v) => v[i].to_owned(),
        Values::Date(v) => or_empty(v[i].map(tz::format_day)),
        Values::Int(v) => or_empty(v[i].map(|x| x.to_string())),
        Values::UInt(v) => or_empty(v[i].map(|x| x.to_string())),
        Values::Float(v) => or_empty(v[i].map(|x| x.to_string())),
        Values::Flag(v) => v[i].to_string(),
    }
}

/// A compared figure as a number (counts included).
fn number(values: &Values<'_>, i: usize) -> Option<f64> {
    match values {
        Values::Float(v) => v[i],
        // Counts stay below 2^53, where an f64 is exact.
        Values::UInt(v) => v[i].map(|x| x as f64),
        Values::Int(v) | Values::Date(v) => v[i].map(f64::from),
        Values::Text(_) | Values::Flag(_) => None,
    }
}

fn flag(values: &Values<'_>, i: usize) -> bool {
    matches!(values, Values::Flag(v) if v[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Kpi;
    use crate::tables::{ALL, KpiRow};

    fn kpi(month: i32, kpi: Kpi, value: Option<f64>, suppressed: bool) -> KpiRow {
        KpiRow {
            project_id: "p".into(),
            month,
            segment: ALL.into(),
            kpi,
            value,
            n: None,
            ci_low: None,
            ci_high: None,
            suppressed,
        }
    }

    fn revisions_between(previous: &[KpiRow], current: &[KpiRow]) -> Vec<RevisionRow> {
        let tables = Tables { kpis: current.to_vec(), ..Tables::default() };
        let previous = BTreeMap::from([(KpiRow::FILE, KpiRow::values(previous))]);
        revisions(&tables, &previous)
    }

    /// By hand: active users of September revised from 40 to 42, events
    /// hidden this month, new users shown again, August's row gone, a
    /// difference of float noise ignored, October new (not listed).
    #[test]
    fn every_status() {
        let (aug, sept, oct) = (20_666, 20_697, 20_727);
        let previous = [
            kpi(aug, Kpi::ActiveUsers, Some(12.0), false),
            kpi(sept, Kpi::ActiveUsers, Some(40.0), false),
            kpi(sept, Kpi::Events, Some(400.0), false),
            kpi(sept, Kpi::NewUsers, None, true),
            kpi(sept, Kpi::Stickiness, Some(0.1), false),
        ];
        let current = [
            kpi(sept, Kpi::ActiveUsers, Some(42.0), false),
            kpi(sept, Kpi::Events, None, true),
            kpi(sept, Kpi::NewUsers, Some(15.0), false),
            kpi(sept, Kpi::Stickiness, Some(0.1 + 1e-15), false),
            kpi(oct, Kpi::ActiveUsers, Some(50.0), false),
        ];
        let rows = revisions_between(&previous, &current);
        type Seen<'a> = (&'a str, &'a str, Option<f64>, Option<f64>, Option<f64>);
        let seen: Vec<Seen> =
            rows.iter().map(|r| (r.key.as_str(), r.status.as_str(), r.previous, r.current, r.revision)).collect();
        assert_eq!(
            seen,
            vec![
                ("month=2026-08-01;segment=all;kpi=active_users", WITHDRAWN, Some(12.0), None, None),
                ("month=2026-09-01;segment=all;kpi=active_users", REVISED, Some(40.0), Some(42.0), Some(2.0)),
                ("month=2026-09-01;segment=all;kpi=events", NOW_SUPPRESSED, None, None, None),
                ("month=2026-09-01;segment=all;kpi=new_users", NO_LONGER_SUPPRESSED, None, None, None),
            ]
        );
        assert!(rows.iter().all(|r| r.table == "kpis" && r.project_id == "p" && r.column == "value"));
    }

    #[test]
    fn input_files_added_removed_changed() {
        let manifest = serde_json::json!({
            "month": "2026-09", "as_of": "2026-09-30",
            "inputs": [
                {"input": "usage", "file": "usage/a.csv", "sha256": "1"},
                {"input": "usage", "file": "usage/b.csv", "sha256": "2"},
                {"input": "outcomes", "file": "outcomes.csv", "sha256": "3"},
            ],
        });
        let file = |input: &str, file: &str, sha: &str| Reconciliation {
            input: input.into(),
            file: file.into(),
            sha256: sha.into(),
            ..Reconciliation::default()
        };
        let now =
            [file("usage", "usage/a.csv", "1"), file("usage", "usage/b.csv", "9"), file("usage", "usage/c.csv", "4")];
        let run = PreviousRun::of(&manifest, &now).unwrap();
        assert_eq!((run.month, run.as_of), (20_697, 20_726));
        let seen: Vec<(&str, Change)> = run.inputs.iter().map(|c| (c.file.as_str(), c.change)).collect();
        assert_eq!(
            seen,
            vec![("outcomes.csv", Change::Removed), ("usage/b.csv", Change::Changed), ("usage/c.csv", Change::Added)]
        );
    }

    #[test]
    fn a_table_the_earlier_run_lacks_is_not_compared() {
        let tables = Tables { kpis: vec![kpi(20_697, Kpi::ActiveUsers, Some(1.0), false)], ..Tables::default() };
        assert!(revisions(&tables, &BTreeMap::new()).is_empty());
    }
}
