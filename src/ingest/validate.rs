//! Reading the catalog, assignments and rollouts inputs into the compact
//! tables of `Dataset` (the other inputs have modules of their own): every
//! row is accepted or rejected here (with its reason); duplicates and rows
//! after the cut-off are settled later, once the cut-off is known.
//!
//! Not responsible for the order of the inputs or the cut-off: see `mod.rs`.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::cells::{self, CellRules};
use super::pieces::{self, Piece};
use super::read::{self, Chunk, Field, Format, ReadPlan, SourceFile};
use super::reject::{Failure, FileLedger, Reason};
use super::{Assignment, Project, RejectedProject, Staging};
use crate::config::InputSpec;
use crate::error::Result;

/// One file being read: where its rows go and how its cells are read.
pub struct FileRead<'a> {
    pub spec: &'a InputSpec,
    pub file: &'a SourceFile,
    pub rules: CellRules<'a>,
    pub ledger: FileLedger,
    /// What reading a PostgreSQL query found out; none for a file.
    pub query: Option<super::postgres::QueryRead>,
}

impl<'a> FileRead<'a> {
    /// The typed columns of a chunk, by canonical name, resolved once per
    /// chunk rather than per row.
    pub fn fields<'d, const N: usize>(&self, chunk: &'d Chunk, names: [&str; N]) -> [Field<'d>; N] {
        names.map(|name| chunk.field(self.spec.source_column(name)))
    }

    /// Runs `each` on every chunk of the file, reading the `required` and
    /// `optional` columns, and checks that every required column is there:
    /// in the header of a CSV or parquet file, in some record of an NDJSON
    /// one.
    pub fn each_chunk(
        &mut self,
        required: &[&str],
        optional: &[&str],
        mut each: impl FnMut(&mut Self, &Chunk) -> Result<()>,
    ) -> Result<()> {
        let file = self.file.clone();
        let sources =
            |names: &[&str]| -> Vec<String> { names.iter().map(|c| self.spec.source_column(c).to_owned()).collect() };
        let required_sources = sources(required);
        let mut wanted = required_sources.clone();
        wanted.extend(sources(optional));
        let plan = ReadPlan {
            input: self.spec.kind.name(),
            encoding: self.spec.encoding.unwrap_or(encoding_rs::UTF_8),
            wanted,
        };
        let names: Vec<&str> = required_sources.iter().map(String::as_str).collect();
        let input = self.spec.kind.name();
        let mut present = vec![false; names.len()];
        let mut records = 0;
        let spec = self.spec;
        let mut query = None;
        let on_chunk = |chunk: &Chunk| {
            for (seen, name) in present.iter_mut().zip(&names) {
                *seen |= chunk.has_column(name);
            }
            records += chunk.height();
            if file.format != Format::Ndjson {
                read::check_columns(&present, &names, required, &file.path, input)?;
            }
            each(self, chunk)
        };
        match &spec.postgres {
            Some(source) => query = Some(super::postgres::for_each_chunk(spec, source, &plan, on_chunk)?),
            None => read::for_each_chunk(&file, &plan, on_chunk)?,
        }
        self.query = query;
        if records > 0 {
            read::check_columns(&present, &names, required, &file.path, input)?;
        }
        Ok(())
    }

    /// Counts one row read and, when it failed, rejected.
    fn settle(&mut self, chunk: &Chunk, i: usize, result: std::result::Result<(), Failure>) {
        self.ledger.counts.rows_read += 1;
        if let Err(mut failure) = result {
            // Failures name the column as the source file does.
            failure.column = self.spec.source_column(&failure.column).to_owned();
            self.ledger.reject(chunk, i, failure);
        }
    }
}

/// The row's own failure when it cannot be read as a record at all, else
/// what `check` finds.
#[inline]
pub fn check_row(
    chunk: &Chunk,
    i: usize,
    check: impl FnOnce() -> std::result::Result<(), Failure>,
) -> std::result::Result<(), Failure> {
    match chunk.failure(i) {
        Some(failure) => Err(failure),
        None => check(),
    }
}

pub fn duplicate_key(column: &str, raw: &str) -> Failure {
    Failure { reason: Reason::DuplicateKey, column: column.to_owned(), raw: raw.to_owned() }
}

/// The values a catalog column may take (SPEC section 3).
pub const ORIGINS: [&str; 3] = ["intrapreneur", "business_request", "ministerial_order"];
pub const AUDIENCES: [&str; 3] = ["job_seekers", "employers", "advisers"];
pub const PHASES: [&str; 6] = ["investigation", "construction", "acceleration", "consolidation", "transfer", "stopped"];

/// An optional text that must be one of `allowed` (`bad_value`).
fn listed(value: read::Value<'_>, column: &str, allowed: &[&str]) -> std::result::Result<Option<String>, Failure> {
    match cells::text(value, column)? {
        Some(s) if !allowed.contains(&s.as_ref()) => Err(cells::fail(Reason::BadValue, column, s.as_ref())),
        s => Ok(s.map(|s| s.into_owned())),
    }
}

pub fn read_projects(
    f: &mut FileRead<'_>,
    projects: &mut Vec<Project>,
    rejected: &mut Vec<RejectedProject>,
) -> Result<()> {
    let mut seen: FxHashSet<String> = projects.iter().map(|p| p.id.clone()).collect();
    let optional = ["origin", "audience", "phase", "launched_on", "annual_cost_eur"];
    f.each_chunk(&["project_id", "name"], &optional, |f, chunk| {
        let names = ["project_id", "name", "origin", "audience", "phase", "launched_on", "annual_cost_eur"];
        let [id, name, origin, audience, phase, launched_on, cost] = f.fields(chunk, names);
        for i in 0..chunk.height() {
            let result = check_row(chunk, i, || {
                let id = cells::required_id(id.get(i), "project_id")?;
                let name = cells::required_text(name.get(i), "name")?;
                let origin = listed(origin.get(i), "origin", &ORIGINS)?;
                let audience = listed(audience.get(i), "audience", &AUDIENCES)?;
                let phase = listed(phase.get(i), "phase", &PHASES)?;
                let launched_on = f.rules.date(launched_on.get(i), "launched_on")?;
                let annual_cost_eur = f.rules.number(cost.get(i), "annual_cost_eur")?;
                if annual_cost_eur.is_some_and(|c| c < 0.0) {
                    return Err(cells::fail(Reason::BadValue, "annual_cost_eur", read::value_text(cost.get(i))));
                }
                if !seen.insert(id.to_string()) {
                    return Err(duplicate_key("project_id", &id));
                }
                projects.push(Project {
                    id: id.into_owned(),
                    name: name.into_owned(),
                    origin,
                    audience,
                    phase,
                    launched_on,
                    annual_cost_eur,
                });
                Ok(())
            });
            let failed = result.is_err();
            f.settle(chunk, i, result);
            if let (true, Some(reject)) = (failed, f.ledger.rejects.last()) {
                // A row that is not a whole record has no cells, but its
                // record still names its product, as the file wrote it.
                let readable_id = cells::required_id(id.get(i), "project_id").ok().map(Cow::into_owned);
                let column = f.spec.source_column("project_id");
                if let Some(id) = readable_id.or_else(|| record_text(&reject.record, column)) {
                    rejected.push(RejectedProject { id, reject: reject.clone() });
                }
            }
        }
        Ok(())
    })
}

/// A field of a reject's record (its JSON), trimmed; none when empty.
fn record_text(record: &str, column: &str) -> Option<String> {
    let record: serde_json::Value = serde_json::from_str(record).ok()?;
    Some(record.get(column)?.as_str()?.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Text dictionaries shared by the inputs: ids become dense u32 codes.
#[derive(Default)]
pub struct Interner {
    pub values: Vec<String>,
    index: FxHashMap<String, u32>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> u32 {
        if let Some(code) = self.index.get(text) {
            return *code;
        }
        let code = self.values.len() as u32;
        self.values.push(text.to_owned());
        self.index.insert(text.to_owned(), code);
        code
    }

    pub fn get(&self, text: &str) -> Option<u32> {
        self.index.get(text).copied()
    }
}

pub fn project_code(catalog: &FxHashMap<String, u32>, value: read::Value<'_>) -> std::result::Result<u32, Failure> {
    let id = cells::required_id(value, "project_id")?;
    catalog.get(id.as_ref()).copied().ok_or_else(|| Failure {
        reason: Reason::UnknownProject,
        column: "project_id".to_owned(),
        raw: id.into_owned(),
    })
}

/// An accepted assignment before its user gets its code.
struct CheckedAssignment {
    project: u32,
    treatment: bool,
    day: i32,
    /// Its index in the chunk.
    row: usize,
    record: String,
}

/// Checked on every core (`pieces`), coded in reading order.
pub fn read_assignments(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    let names = ["project_id", "user_id", "arm", "assigned_on"];
    f.each_chunk(&names, &[], |f, chunk| {
        let [project, user, arm, day] = f.fields(chunk, names);
        let mut pieces = pieces::check(chunk, |piece: &mut Piece<CheckedAssignment>, i| {
            let project = project_code(&t.catalog_index, project.get(i))?;
            let user = f.rules.user_key(user.get(i), "user_id")?;
            let arm = cells::required_text(arm.get(i), "arm")?;
            let treatment = match arm.as_ref() {
                "treatment" => true,
                "control" => false,
                _ => return Err(Failure { reason: Reason::BadArm, column: "arm".to_owned(), raw: arm.into_owned() }),
            };
            let day = f.rules.required_date(day.get(i), "assigned_on")?;
            let record = chunk.record_json(i);
            piece.accept(CheckedAssignment { project, treatment, day, row: i, record }, user);
            Ok(())
        });
        let users = pieces::code_users(&mut t.users, &mut pieces);
        let rows = pieces.iter_mut().flat_map(|p| std::mem::take(&mut p.rows));
        for (a, user) in rows.zip(users) {
            let (seq, file, row, line) =
                (t.assignments.len() as u32, t.files_read, chunk.row(a.row), chunk.line(a.row));
            let CheckedAssignment { project, treatment, day, record, .. } = a;
            t.assignments.push(Assignment { project, user, treatment, day, seq, file, row, line, record });
        }
        // Only usage rows count as a product's orphaned rows.
        pieces::settle(f, chunk, &mut pieces, &mut FxHashMap::default());
        Ok(())
    })
}

pub fn read_rollouts(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    let names = ["project_id", "unit", "started_on"];
    f.each_chunk(&names, &[], |f, chunk| {
        let [project, unit, day] = f.fields(chunk, names);
        for i in 0..chunk.height() {
            let result = check_row(chunk, i, || {
                let project = project_code(&t.catalog_index, project.get(i))?;
                let unit = cells::required_text(unit.get(i), "unit")?.into_owned();
                let day = f.rules.required_date(day.get(i), "started_on")?;
                if !t.rollout_keys.insert((project, unit.clone())) {
                    return Err(duplicate_key("unit", &unit));
                }
                t.rollouts.push(super::RolloutStart { project, unit, day, file: t.files_read });
                Ok(())
            });
            f.settle(chunk, i, result);
        }
        Ok(())
    })
}
