//! What the run goes on past but must say out loud (SPEC section 1, "Loud,
//! not silent"): a rejected catalog row and the usage it orphaned, a file
//! with more than 1 % of its rows rejected, and a configured outcome, funnel
//! event or segment that no accepted row carries.
//!
//! Not responsible for printing: the commands print `Dataset::warnings`,
//! and the report may show them.

use std::fmt;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Dataset, MISSING, RejectedProject};
use crate::config::Settings;

#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// A `projects` row was rejected; `id` is none when it had no readable
    /// id.
    RejectedProject {
        file: String,
        row: u64,
        reason: String,
        column: String,
        id: Option<String>,
        /// An earlier row of the same id is in the catalog.
        repeated: bool,
        unknown_usage: u64,
    },
    /// More than 1 % of a file's rows were rejected.
    RejectedShare {
        file: String,
        rejected: u64,
        rows_read: u64,
    },
    UnusedOutcome {
        outcome: String,
    },
    UnusedFunnelEvent {
        project: String,
        event: String,
    },
    EmptySegment {
        segment: String,
    },
    /// A `rollouts` unit that no `users` row carries: its population is 0.
    UnknownUnit {
        project: String,
        unit: String,
        column: String,
    },
    /// A product with `rollout` but no accepted `rollouts` row.
    NoRollout {
        project: String,
    },
    /// Units a roll-out leaves out because they opened in its first period
    /// (`since`, a month's 1st day) or before: no month before to compare.
    OpenedBeforePanel {
        project: String,
        units: Vec<String>,
        since: i32,
    },
    /// A `rollout.since` (a month's 1st day) outside the data: before its
    /// first month, whose months before hold no row and so read as a
    /// change, or after the reporting month, which leaves no period.
    RolloutSince {
        project: String,
        since: i32,
        first_month: i32,
        month: i32,
    },
    /// The units of a roll-out's group (opened in the month of `group`)
    /// that hold fewer than `min_cell` people in all: left out.
    SmallGroup {
        project: String,
        units: Vec<String>,
        group: i32,
        min_cell: u64,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::RejectedProject { file, row, reason, column, id, repeated, unknown_usage } => {
                let at = if column.is_empty() { String::new() } else { format!(", column `{column}`") };
                match id {
                    Some(id) if *repeated => {
                        write!(
                            f,
                            "{file}, row {row}{at}: a second catalog row of product \"{id}\" is rejected ({reason}); the first is kept"
                        )
                    }
                    Some(id) if *unknown_usage == 0 => write!(
                        f,
                        "{file}, row {row}{at}: the catalog row of product \"{id}\" is rejected ({reason}); no usage row names it"
                    ),
                    Some(id) => write!(
                        f,
                        "{file}, row {row}{at}: the catalog row of product \"{id}\" is rejected ({reason}), \
                         so {unknown_usage} usage rows of \"{id}\" are rejected as unknown_project"
                    ),
                    None => {
                        write!(f, "{file}, row {row}{at}: a catalog row without a readable id is rejected ({reason})")
                    }
                }
            }
            Warning::RejectedShare { file, rejected, rows_read } => {
                let share = 100.0 * *rejected as f64 / *rows_read as f64;
                write!(
                    f,
                    "{file}: {rejected} of {rows_read} rows are rejected ({share:.1} %); `jauge validate` lists them"
                )
            }
            Warning::UnusedOutcome { outcome } => {
                write!(f, "outcome \"{outcome}\" is configured, but no accepted outcome row carries it")
            }
            Warning::UnusedFunnelEvent { project, event } => write!(
                f,
                "funnel event \"{event}\" of [[project]] id = \"{project}\" is configured, but no accepted usage row carries it"
            ),
            Warning::UnknownUnit { project, unit, column } => write!(
                f,
                "rollouts: unit \"{unit}\" of product \"{project}\" is in no users row's `{column}`; it has no population and is left out"
            ),
            Warning::NoRollout { project } => write!(
                f,
                "[[project]] id = \"{project}\" has a rollout but no accepted rollouts row: it gets no roll-out figure"
            ),
            Warning::OpenedBeforePanel { project, units, since } => write!(
                f,
                "[[project]] id = \"{project}\": {} opened in {} (the roll-out's first month) or before; \
                 with no month before to compare, they are left out of its estimate (to keep them, set \
                 `rollout.since` earlier, to a month the usage and outcomes already cover)",
                quoted(units),
                crate::tz::format_month(*since)
            ),
            Warning::SmallGroup { project, units, group, min_cell } => write!(
                f,
                "[[project]] id = \"{project}\": the units opened in {} ({}) hold fewer than {min_cell} people \
                 in all, so the roll-out's estimate leaves them out (no figure may rest on fewer than min_cell \
                 people); a coarser `rollout.by` column would keep them",
                crate::tz::format_month(*group),
                quoted(units)
            ),
            Warning::RolloutSince { project, since, first_month, month } if since < first_month => write!(
                f,
                "[[project]] id = \"{project}\": rollout.since = \"{}\" is before the data's first month ({}): \
                 the months before it hold no row, which reads as a change; set it to \"{}\" or later",
                crate::tz::format_month(*since),
                crate::tz::format_month(*first_month),
                crate::tz::format_month(*first_month)
            ),
            Warning::RolloutSince { project, since, month, .. } => write!(
                f,
                "[[project]] id = \"{project}\": rollout.since = \"{}\" is after the reporting month ({}): \
                 the roll-out has no month to estimate; set it to \"{}\" or earlier",
                crate::tz::format_month(*since),
                crate::tz::format_month(*month),
                crate::tz::format_month(*month)
            ),
            Warning::EmptySegment { segment } => {
                write!(f, "segment \"{segment}\" is configured, but no accepted users row gives it a value")
            }
        }
    }
}

fn quoted(units: &[String]) -> String {
    units.iter().map(|u| format!("\"{u}\"")).collect::<Vec<_>>().join(", ")
}

/// Every warning of a loaded dataset, in a fixed order.
pub fn collect(
    settings: &Settings,
    ds: &Dataset,
    rejected: &[RejectedProject],
    unknown: &FxHashMap<String, u64>,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for reject in ds.rejects.iter().filter(|r| r.input == "projects") {
        let id = rejected.iter().find(|r| r.reject.file == reject.file && r.reject.row == reject.row).map(|r| &r.id);
        // A repeated id keeps its first row: its usage is not orphaned.
        let orphaned = id.filter(|id| ds.project_code(id).is_none());
        warnings.push(Warning::RejectedProject {
            file: reject.file.clone(),
            row: reject.row,
            reason: reject.reason.clone(),
            column: reject.column.clone(),
            id: id.cloned(),
            repeated: id.is_some() && orphaned.is_none(),
            unknown_usage: orphaned.and_then(|id| unknown.get(id)).copied().unwrap_or(0),
        });
    }
    for r in &ds.reconciliation {
        if rejects_too_many(r.rejected, r.rows_read) {
            warnings.push(Warning::RejectedShare {
                file: r.file.clone(),
                rejected: r.rejected,
                rows_read: r.rows_read,
            });
        }
    }
    let carried: FxHashSet<u32> = ds.outcomes.iter().map(|o| o.outcome).collect();
    let mut outcomes: Vec<&String> = settings.default_outcomes.iter().collect();
    outcomes.extend(settings.projects.iter().flat_map(|p| &p.outcomes));
    let mut seen = FxHashSet::default();
    for outcome in outcomes {
        if seen.insert(outcome) && ds.outcome_code(outcome).is_none_or(|code| !carried.contains(&code)) {
            warnings.push(Warning::UnusedOutcome { outcome: outcome.clone() });
        }
    }
    for p in &settings.projects {
        let mut seen = FxHashSet::default();
        for event in p.funnel.iter().flatten() {
            if seen.insert(event) && !ds.event_names.contains(event) {
                warnings.push(Warning::UnusedFunnelEvent { project: p.id.clone(), event: event.clone() });
            }
        }
    }
    warnings.extend(rollout_warnings(settings, ds));
    for segment in &ds.segments {
        if segment.values.iter().all(|v| v == MISSING) {
            warnings.push(Warning::EmptySegment { segment: segment.name.clone() });
        }
    }
    warnings
}

fn rollout_warnings(settings: &Settings, ds: &Dataset) -> Vec<Warning> {
    let mut out = Vec::new();
    for p in &settings.projects {
        let Some(rollout) = &p.rollout else { continue };
        let Some(code) = ds.project_code(&p.id) else { continue };
        let starts: Vec<_> = ds.rollouts.iter().filter(|r| r.project == code).collect();
        if starts.is_empty() {
            out.push(Warning::NoRollout { project: p.id.clone() });
        }
        let units = ds.units.iter().find(|u| u.name == rollout.by);
        for start in starts {
            // `(missing)` stands for the empty value: no unit of anyone.
            if start.unit == MISSING || units.is_none_or(|u| !u.values.contains(&start.unit)) {
                out.push(Warning::UnknownUnit {
                    project: p.id.clone(),
                    unit: start.unit.clone(),
                    column: rollout.by.clone(),
                });
            }
        }
    }
    out
}

/// More than 1 % of a file's rows rejected: a warning, and an alert of the
/// report's summary (SPEC section 1, "Loud, not silent").
pub fn rejects_too_many(rejected: u64, rows_read: u64) -> bool {
    rejected * 100 > rows_read
}
