//! Reject reasons (SPEC section 3) and the per-file accounting that keeps
//! `rows_read = accepted + rejected + duplicate + after_cutoff` true.
//!
//! Not responsible for deciding that a row is bad: `validate` does.

use super::read::Chunk;
use super::{cells, validate};
use crate::tables::{Reconciliation, RejectRow};
use crate::tz;

/// Why a row was rejected; `code()` is what `rejects.parquet` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    EmptyField,
    BadRecord,
    BadTimestamp,
    NonexistentLocalTime,
    BadDate,
    BadNumber,
    BadValue,
    BadId,
    UnknownProject,
    BadArm,
    DuplicateKey,
    DoubleAssignment,
}

impl Reason {
    /// Every reason, in the order the report lists them.
    pub const ALL: [Reason; 12] = [
        Reason::EmptyField,
        Reason::BadRecord,
        Reason::BadTimestamp,
        Reason::NonexistentLocalTime,
        Reason::BadDate,
        Reason::BadNumber,
        Reason::BadValue,
        Reason::BadId,
        Reason::UnknownProject,
        Reason::BadArm,
        Reason::DuplicateKey,
        Reason::DoubleAssignment,
    ];

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Reason::EmptyField => "empty_field",
            Reason::BadRecord => "bad_record",
            Reason::BadTimestamp => "bad_timestamp",
            Reason::NonexistentLocalTime => "nonexistent_local_time",
            Reason::BadDate => "bad_date",
            Reason::BadNumber => "bad_number",
            Reason::BadValue => "bad_value",
            Reason::BadId => "bad_id",
            Reason::UnknownProject => "unknown_project",
            Reason::BadArm => "bad_arm",
            Reason::DuplicateKey => "duplicate_key",
            Reason::DoubleAssignment => "double_assignment",
        }
    }

    /// The sentence a reader sees in the `message` column; for a double
    /// assignment, `raw` is the date of the assignment kept, for a bad
    /// record what is wrong with it.
    pub fn explain(self, column: &str, raw: &str) -> String {
        match self {
            Reason::EmptyField => format!("{column} is empty"),
            Reason::BadRecord => format!("the record cannot be read: {raw}"),
            Reason::BadTimestamp => {
                format!(
                    "{column} \"{raw}\" is not a timestamp between 1990-01-01 and 2099-12-31 (expected ISO 8601, e.g. 2026-10-01T14:05:00+02:00)"
                )
            }
            Reason::NonexistentLocalTime => {
                format!("{column} \"{raw}\" does not exist in the source time zone (skipped hour of a DST change)")
            }
            Reason::BadDate => format!(
                "{column} \"{raw}\" is not a date between {} and {} (expected YYYY-MM-DD)",
                tz::format_day(cells::FIRST_DAY),
                tz::format_day(cells::LAST_DAY)
            ),
            Reason::BadNumber => {
                format!("{column} \"{raw}\" is not a number of magnitude at most {:e}", cells::MAX_NUMBER)
            }
            Reason::BadValue => match column {
                "origin" => format!("{column} \"{raw}\" is not one of {}", validate::ORIGINS.join(", ")),
                "audience" => format!("{column} \"{raw}\" is not one of {}", validate::AUDIENCES.join(", ")),
                "phase" => format!("{column} \"{raw}\" is not one of {}", validate::PHASES.join(", ")),
                "annual_cost_eur" => format!("{column} \"{raw}\" is negative; a cost is 0 or more"),
                _ => format!("{column} holds a nested value where a text is expected"),
            },
            Reason::BadId => format!("{column} \"{raw}\" is not an id: an id is a text or a whole number"),
            Reason::UnknownProject => format!("{column} \"{raw}\" is not in the projects catalog"),
            Reason::BadArm => format!("{column} \"{raw}\" is neither treatment nor control"),
            Reason::DuplicateKey => format!("{column} \"{raw}\" repeats an earlier row's key; the first row is kept"),
            Reason::DoubleAssignment => {
                format!("the user is assigned again to this project; the assignment of {raw} is kept")
            }
        }
    }
}

/// A cell that failed: which column, why, and its raw text.
#[derive(Debug, Clone)]
pub struct Failure {
    pub reason: Reason,
    pub column: String,
    pub raw: String,
}

/// The accounting of one file while it is read.
pub struct FileLedger {
    pub counts: Reconciliation,
    pub rejects: Vec<RejectRow>,
    /// The physical line of each reject, where it is not its `row`.
    pub lines: Vec<(u64, u64)>,
}

impl FileLedger {
    pub fn new(input: &str, file: String, sha256: String) -> FileLedger {
        FileLedger {
            counts: Reconciliation { input: input.to_owned(), file, sha256, ..Reconciliation::default() },
            rejects: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Records that the row `row` starts on line `line`.
    pub fn line(&mut self, row: u64, line: u64) {
        if line != row {
            self.lines.push((row, line));
        }
    }

    /// Records the rejection of record `i` of a chunk.
    pub fn reject(&mut self, chunk: &Chunk, i: usize, failure: Failure) {
        self.counts.rejected += 1;
        self.line(chunk.row(i), chunk.line(i));
        self.rejects.push(RejectRow {
            input: self.counts.input.clone(),
            file: self.counts.file.clone(),
            row: chunk.row(i),
            reason: failure.reason.code().to_owned(),
            message: failure.reason.explain(&failure.column, &failure.raw),
            column: failure.column,
            record: chunk.record_json(i),
        });
    }
}
