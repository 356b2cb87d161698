//! Reading each input row by row into the compact tables of `Dataset`: every
//! row is accepted or rejected here (with its reason); duplicates and rows
//! after the cut-off are settled later, once the cut-off is known.
//!
//! Not responsible for the order of the inputs or the cut-off: see `mod.rs`.

use polars::prelude::DataFrame;
use rustc_hash::{FxHashMap, FxHashSet};

use super::cells::{self, CellRules};
use super::parse::UserKey;
use super::read::{self, Field, SourceFile};
use super::reject::{Failure, FileLedger, Reason};
use super::{Assignment, EventRow, OutcomeRow, Project, Staging};
use crate::config::InputSpec;
use crate::error::Result;

/// One file being read: where its rows go and how its cells are read.
pub struct FileRead<'a> {
    pub spec: &'a InputSpec,
    pub file: &'a SourceFile,
    pub rules: CellRules<'a>,
    pub ledger: FileLedger,
}

impl FileRead<'_> {
    fn col<'d>(&self, df: &'d DataFrame, canonical: &str) -> Field<'d> {
        Field::of(df, self.spec.source_column(canonical))
    }

    fn check(&self, df: &DataFrame, required: &[&str]) -> Result<()> {
        let sources: Vec<&str> = required.iter().map(|c| self.spec.source_column(c)).collect();
        read::check_columns(df, &self.file.path, &sources, self.spec.kind.name())
    }

    /// Runs `row` on every row of the file, counting it read and, on a
    /// failure, rejected.
    fn each_row(
        &mut self,
        required: &[&str],
        mut row: impl FnMut(&Self, &DataFrame, usize, usize) -> std::result::Result<(), Failure>,
    ) -> Result<()> {
        let file = self.file.clone();
        read::for_each_chunk(&file, |df, offset| {
            self.check(&df, required)?;
            for i in 0..df.height() {
                self.ledger.counts.rows_read += 1;
                if let Err(failure) = row(self, &df, i, offset + i) {
                    self.ledger.reject(&df, i, offset + i, self.named(failure));
                }
            }
            Ok(())
        })
    }

    /// Failures name the column as the source file does.
    fn named(&self, mut failure: Failure) -> Failure {
        failure.column = self.spec.source_column(&failure.column).to_owned();
        failure
    }
}

fn duplicate_key(column: &str, raw: &str) -> Failure {
    Failure { reason: Reason::DuplicateKey, column: column.to_owned(), raw: raw.to_owned() }
}

pub fn read_projects(f: &mut FileRead<'_>, projects: &mut Vec<Project>) -> Result<()> {
    let mut seen: FxHashSet<String> = projects.iter().map(|p| p.id.clone()).collect();
    f.each_row(&["project_id", "name"], |f, df, i, _| {
        let id = cells::required_text(f.col(df, "project_id").get(i), "project_id")?;
        let name = cells::required_text(f.col(df, "name").get(i), "name")?;
        let optional = |c: &str| cells::text(f.col(df, c).get(i)).map(|s| s.into_owned());
        let launched_on = f.rules.date(f.col(df, "launched_on").get(i), "launched_on")?;
        let annual_cost_eur = f.rules.number(f.col(df, "annual_cost_eur").get(i), "annual_cost_eur")?;
        if !seen.insert(id.to_string()) {
            return Err(duplicate_key("project_id", &id));
        }
        projects.push(Project {
            id: id.into_owned(),
            name: name.into_owned(),
            origin: optional("origin"),
            audience: optional("audience"),
            phase: optional("phase"),
            launched_on,
            annual_cost_eur,
        });
        Ok(())
    })?;
    f.ledger.counts.accepted = f.ledger.counts.rows_read - f.ledger.counts.rejected;
    Ok(())
}

pub fn read_users(f: &mut FileRead<'_>, segments: &[String], t: &mut Staging) -> Result<()> {
    let mut required = vec!["user_id"];
    required.extend(segments.iter().map(String::as_str));
    f.each_row(&required, |f, df, i, _| {
        let key = cells::user_key(f.col(df, "user_id").get(i), "user_id")?;
        if t.users.get(&key).is_some_and(|code| t.user_rows.contains(&code)) {
            return Err(duplicate_key("user_id", &key.to_string()));
        }
        let code = t.users.code(key);
        t.user_rows.insert(code);
        for (s, segment) in segments.iter().enumerate() {
            let value = cells::text(f.col(df, segment).get(i));
            let value = t.segments[s].values.intern(value.as_deref().unwrap_or(super::MISSING));
            t.segments[s].by_user.insert(code, value);
        }
        Ok(())
    })?;
    f.ledger.counts.accepted = f.ledger.counts.rows_read - f.ledger.counts.rejected;
    Ok(())
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

/// User ids compared as text: one dense code per distinct id.
#[derive(Default)]
pub struct UserCodes {
    pub keys: Vec<UserKey>,
    index: FxHashMap<UserKey, u32>,
}

impl UserCodes {
    pub fn code(&mut self, key: UserKey) -> u32 {
        if let Some(code) = self.index.get(&key) {
            return *code;
        }
        let code = self.keys.len() as u32;
        self.index.insert(key.clone(), code);
        self.keys.push(key);
        code
    }

    pub fn get(&self, key: &UserKey) -> Option<u32> {
        self.index.get(key).copied()
    }
}

fn project_code(catalog: &FxHashMap<String, u32>, value: read::Value<'_>) -> std::result::Result<u32, Failure> {
    let id = cells::required_text(value, "project_id")?;
    catalog.get(id.as_ref()).copied().ok_or_else(|| Failure {
        reason: Reason::UnknownProject,
        column: "project_id".to_owned(),
        raw: id.into_owned(),
    })
}

pub fn read_usage(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    f.each_row(&["project_id", "user_id", "occurred_at", "event"], |f, df, i, _| {
        let project = project_code(&t.catalog_index, f.col(df, "project_id").get(i))?;
        let user = cells::user_key(f.col(df, "user_id").get(i), "user_id")?;
        let at = f.rules.instant(f.col(df, "occurred_at").get(i), "occurred_at")?;
        let event = cells::required_text(f.col(df, "event").get(i), "event")?;
        let seq = t.events.len() as u64;
        let user = t.users.code(user);
        let event = u64::from(t.event_names.intern(&event));
        t.events.push(EventRow { key: (u64::from(project) << 32) | u64::from(user), at, tail: (event << 32) | seq });
        t.latest_usage = t.latest_usage.max(Some(at));
        Ok(())
    })
}

pub fn read_outcomes(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    f.each_row(&["user_id", "outcome", "occurred_on"], |f, df, i, _| {
        let user = cells::user_key(f.col(df, "user_id").get(i), "user_id")?;
        let outcome = cells::required_text(f.col(df, "outcome").get(i), "outcome")?;
        let day = f.rules.required_date(f.col(df, "occurred_on").get(i), "occurred_on")?;
        let value = f.rules.number(f.col(df, "value").get(i), "value")?;
        let seq = t.outcomes.len() as u32;
        t.outcomes.push(OutcomeRow {
            user: t.users.code(user),
            outcome: t.outcome_names.intern(&outcome),
            day,
            seq,
            value,
        });
        Ok(())
    })
}

pub fn read_assignments(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    f.each_row(&["project_id", "user_id", "arm", "assigned_on"], |f, df, i, row| {
        let project = project_code(&t.catalog_index, f.col(df, "project_id").get(i))?;
        let user = cells::user_key(f.col(df, "user_id").get(i), "user_id")?;
        let arm = cells::required_text(f.col(df, "arm").get(i), "arm")?;
        let treatment = match arm.as_ref() {
            "treatment" => true,
            "control" => false,
            _ => {
                return Err(Failure { reason: Reason::BadArm, column: "arm".to_owned(), raw: arm.into_owned() });
            }
        };
        let day = f.rules.required_date(f.col(df, "assigned_on").get(i), "assigned_on")?;
        t.assignments.push(Assignment {
            project,
            user: t.users.code(user),
            treatment,
            day,
            seq: t.assignments.len() as u32,
            file: t.files_read,
            row: row as u64,
            record: read::record_json(df, i),
        });
        Ok(())
    })
}
