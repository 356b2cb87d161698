//! Load and validate: every input file is read once, row by row, into one
//! compact `Dataset` (dense u32 codes for ids, local day numbers), with every
//! row accounted for as accepted, rejected, duplicate or after the cut-off.
//!
//! Not responsible for any figure: `kpi` computes from the `Dataset`.

pub mod cells;
pub mod outcomes;
pub mod pages;
pub mod parse;
pub mod pieces;
pub mod postgres;
pub mod previous;
pub mod read;
pub mod reject;
pub mod store;
pub mod text;
pub mod usage;
pub mod users;
pub mod users_input;
pub mod validate;
pub mod warning;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::{InputKind, Settings};
use crate::error::{Error, Result};
use crate::tables::{Reconciliation, RejectRow, Table};
use crate::tz::{self, TzTable};
use cells::CellRules;
use reject::FileLedger;
use store::{EventStore, Events};
use users::UserCodes;
use validate::{FileRead, Interner};
pub use warning::Warning;

/// The segment value of a user without a row in `users` or with an empty
/// attribute.
pub const MISSING: &str = "(missing)";

/// One product of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub origin: Option<String>,
    pub audience: Option<String>,
    pub phase: Option<String>,
    pub launched_on: Option<i32>,
    pub annual_cost_eur: Option<f64>,
}

/// A catalog row that was rejected, by the id it carried: a `[[project]]`
/// naming it is reported as this row, not as missing from the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedProject {
    pub id: String,
    pub reject: RejectRow,
}

/// One usage event, packed in 24 bytes so that a hundred million fit in
/// memory: `key` = project << 32 | user; `tail` = event << 32 | low, where
/// `low` is the reading order while loading and the local day afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventRow {
    pub key: u64,
    /// µs since the epoch, UTC.
    pub at: i64,
    pub tail: u64,
}

impl EventRow {
    pub fn project(&self) -> u32 {
        (self.key >> 32) as u32
    }
    pub fn user(&self) -> u32 {
        self.key as u32
    }
    pub fn event(&self) -> u32 {
        (self.tail >> 32) as u32
    }
    /// Local day number (after loading).
    pub fn day(&self) -> i32 {
        self.tail as u32 as i32
    }
    fn low(&self) -> u32 {
        self.tail as u32
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeRow {
    pub user: u32,
    pub outcome: u32,
    pub day: i32,
    /// Reading order while loading.
    pub seq: u32,
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub project: u32,
    pub user: u32,
    pub treatment: bool,
    pub day: i32,
    seq: u32,
    file: usize,
    row: u64,
    line: u64,
    record: String,
}

impl Assignment {
    /// An accepted assignment as the tests of the impact family build them.
    #[cfg(test)]
    pub fn accepted(project: u32, user: u32, treatment: bool, day: i32) -> Assignment {
        Assignment { project, user, treatment, day, seq: 0, file: 0, row: 0, line: 0, record: String::new() }
    }
}

/// One segment variable: its values and each user's value code.
#[derive(Default)]
pub struct SegmentStage {
    pub values: Interner,
    /// (user code, value code), a pair per accepted row.
    pub by_user: Vec<(u32, u32)>,
}

/// A segment variable, resolved for every user code.
#[derive(Debug, Clone)]
pub struct Segment {
    pub name: String,
    pub values: Vec<String>,
    /// Value code per user code.
    pub by_user: Vec<u32>,
}

/// The working state while the inputs are read.
pub struct Staging {
    pub catalog_index: FxHashMap<String, u32>,
    pub users: UserCodes,
    /// Per user code, whether the users input has a row for it; shorter
    /// than the codes until `finish`.
    pub user_rows: Vec<bool>,
    pub segments: Vec<SegmentStage>,
    pub event_names: Interner,
    pub outcome_names: Interner,
    pub events: EventStore,
    pub outcomes: Vec<OutcomeRow>,
    pub assignments: Vec<Assignment>,
    pub latest_usage: Option<i64>,
    pub files_read: usize,
    /// Usage rows rejected as `unknown_project`, per project id.
    pub unknown_projects: FxHashMap<String, u64>,
    pub rollouts: Vec<RolloutStart>,
    /// (project, unit) already read in `rollouts`, for its duplicate keys.
    pub rollout_keys: FxHashSet<(u32, String)>,
    pub usage_pending: Option<usage::Pending>,
}

/// The day a product opened in a unit (a row of the `rollouts` input).
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutStart {
    pub project: u32,
    pub unit: String,
    pub day: i32,
    /// The file it was read from, for the cut-off's accounting.
    file: usize,
}

/// Everything validated, ready for compute.
pub struct Dataset {
    /// Sorted by id (UTF-8 bytes); a project's code is its index.
    pub catalog: Vec<Project>,
    /// Distinct users: their codes are `0..users`.
    pub users: usize,
    pub event_names: Vec<String>,
    pub outcome_names: Vec<String>,
    /// Accepted events up to `as_of`, in partitions by user, each sorted by
    /// project, user, instant, event.
    pub events: Events,
    /// The earliest local day of `events`, none when there is no event.
    pub first_day: Option<i32>,
    /// Per user code, whether the user has an event in `events`.
    pub active_users: Vec<bool>,
    /// Accepted outcomes up to `as_of`, sorted by user, outcome, day.
    pub outcomes: Vec<OutcomeRow>,
    /// Accepted assignments up to `as_of`, sorted by project, user.
    pub assignments: Vec<Assignment>,
    pub segments: Vec<Segment>,
    /// The `users` columns that products roll out by (`rollout.by`).
    pub units: Vec<Segment>,
    /// Accepted `rollouts` rows up to `as_of`.
    pub rollouts: Vec<RolloutStart>,
    /// Per user code, whether the users input has a row for it.
    pub user_rows: Vec<bool>,
    /// Day number of the 1st of the reporting month.
    pub month: i32,
    pub as_of: i32,
    pub reconciliation: Vec<Reconciliation>,
    pub rejects: Vec<RejectRow>,
    /// The physical line where a rejected row starts, by file and row, where
    /// it is not the row (CSV: the header and quoted newlines).
    pub reject_lines: FxHashMap<(String, u64), u64>,
    /// The rejected catalog rows that carried a readable id.
    pub rejected_projects: Vec<RejectedProject>,
    /// Latest date of each input's accepted rows (before the cut-off).
    pub latest: Vec<(InputKind, Option<i32>)>,
    /// What the run goes on past but must say (SPEC section 1, "Loud, not
    /// silent").
    pub warnings: Vec<Warning>,
    /// The inputs read from PostgreSQL: their query and server.
    pub queries: Vec<postgres::QueryRead>,
}

impl Dataset {
    /// Each segment label with its number of users, as disclosure control
    /// judges a value's size (SPEC section 6): users of the `users` input
    /// with that value; for `(missing)`, users of `E` without a value.
    pub fn segment_users(&self) -> std::collections::BTreeMap<String, u64> {
        let mut sizes = std::collections::BTreeMap::new();
        for s in &self.segments {
            let mut counts = vec![0u64; s.values.len()];
            let missing = s.values.iter().position(|v| v == MISSING);
            for (user, value) in s.by_user.iter().enumerate() {
                let counted = if Some(*value as usize) == missing { self.active_users[user] } else { true };
                counts[*value as usize] += u64::from(counted);
            }
            for (value, n) in s.values.iter().zip(counts) {
                sizes.insert(crate::tables::segment_label(&s.name, value), n);
            }
        }
        sizes
    }

    pub fn project_code(&self, id: &str) -> Option<u32> {
        self.catalog.iter().position(|p| p.id == id).map(|i| i as u32)
    }
    /// The physical line where a rejected row starts in its file.
    pub fn reject_line(&self, reject: &RejectRow) -> u64 {
        self.reject_lines.get(&(reject.file.clone(), reject.row)).copied().unwrap_or(reject.row)
    }

    pub fn outcome_code(&self, name: &str) -> Option<u32> {
        self.outcome_names.iter().position(|o| o == name).map(|i| i as u32)
    }
}

/// Per input file, the range of reading-order numbers it gave.
#[derive(Clone)]
struct Spans {
    starts: Vec<(u64, usize)>,
}

impl Spans {
    fn ledger_of(&self, seq: u64) -> usize {
        let i = self.starts.partition_point(|(start, _)| *start <= seq);
        self.starts[i - 1].1
    }
}

/// Reads and validates every input of `settings`.
pub fn load(settings: &Settings) -> Result<Dataset> {
    let report_tz = TzTable::new(settings.timezone);
    let user_columns: Vec<String> = settings.user_columns().into_iter().map(str::to_owned).collect();
    let mut stage = Staging {
        catalog_index: FxHashMap::default(),
        users: UserCodes::default(),
        user_rows: Vec::new(),
        segments: settings.user_columns().iter().map(|_| SegmentStage::default()).collect(),
        event_names: Interner::default(),
        outcome_names: Interner::default(),
        events: EventStore::new(settings.memory_events, settings.spill_dir.clone()),
        outcomes: Vec::new(),
        assignments: Vec::new(),
        latest_usage: None,
        files_read: 0,
        rollouts: Vec::new(),
        rollout_keys: FxHashSet::default(),
        unknown_projects: FxHashMap::default(),
        usage_pending: None,
    };
    let mut rejected_projects = Vec::new();
    let mut ledgers: Vec<FileLedger> = Vec::new();
    let mut catalog = Vec::new();
    let mut spans: FxHashMap<InputKind, Spans> = FxHashMap::default();
    let mut queries = Vec::new();
    for spec in &settings.inputs {
        let files = match &spec.postgres {
            Some(_) => vec![postgres::source_file(spec)],
            None => read::discover(&spec.resolved, spec.kind.name())?,
        };
        let source_tz = TzTable::new(spec.source_timezone);
        for file in &files {
            let ledger = FileLedger::new(spec.kind.name(), settings.relative(&file.path), String::new());
            let start = match spec.kind {
                InputKind::Usage => usage::events_read(&stage),
                InputKind::Outcomes => stage.outcomes.len() as u64,
                _ => 0,
            };
            spans.entry(spec.kind).or_insert(Spans { starts: Vec::new() }).starts.push((start, ledgers.len()));
            let mut f = FileRead {
                spec,
                file,
                rules: CellRules {
                    dmy: file.format.is_csv(),
                    decimal_comma: file.format.decimal_comma(),
                    source: &source_tz,
                    report: &report_tz,
                },
                ledger,
                query: None,
            };
            // The file is hashed on a thread of its own while it is read; a
            // query's rows are hashed as they arrive.
            let (sha256, read) = std::thread::scope(|scope| {
                let sha256 = scope.spawn(|| match spec.postgres {
                    Some(_) => Ok(String::new()),
                    None => file_sha256(&file.path),
                });
                let read = match spec.kind {
                    InputKind::Projects => validate::read_projects(&mut f, &mut catalog, &mut rejected_projects),
                    InputKind::Users => users_input::read_users(&mut f, &user_columns, &mut stage),
                    InputKind::Usage => usage::read_usage(&mut f, &mut stage),
                    InputKind::Outcomes => outcomes::read_outcomes(&mut f, &mut stage),
                    InputKind::Assignments => validate::read_assignments(&mut f, &mut stage),
                    InputKind::Rollouts => validate::read_rollouts(&mut f, &mut stage),
                };
                (sha256.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), read)
            });
            f.ledger.counts.sha256 = sha256?;
            read?;
            if spec.kind == InputKind::Projects {
                catalog.sort_by(|a: &Project, b| a.id.cmp(&b.id));
                stage.catalog_index = catalog.iter().enumerate().map(|(i, p)| (p.id.clone(), i as u32)).collect();
            }
            if let Some(query) = f.query.take() {
                f.ledger.counts.sha256.clone_from(&query.rows_sha256);
                queries.push(query);
            }
            ledgers.push(f.ledger);
            stage.files_read += 1;
        }
        usage::flush(&mut stage)?;
    }
    check_project_settings(settings, &catalog, &rejected_projects)?;
    check_segments(settings, &stage)?;
    let (month, as_of) = cut_off(settings, &stage, &report_tz)?;
    let unknown = std::mem::take(&mut stage.unknown_projects);
    let mut ds = finish(settings, stage, catalog, ledgers, &spans, &report_tz, month, as_of)?;
    ds.warnings = warning::collect(settings, &ds, &rejected_projects, &unknown);
    ds.rejected_projects = rejected_projects;
    ds.queries = queries;
    Ok(ds)
}

/// Streamed, so a large export is never held in memory for its hash.
fn file_sha256(path: &std::path::Path) -> Result<String> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(crate::format::hex(&hasher.finalize()))
}

fn check_project_settings(settings: &Settings, catalog: &[Project], rejected: &[RejectedProject]) -> Result<()> {
    for p in &settings.projects {
        if catalog.iter().any(|c| c.id == p.id) {
            continue;
        }
        if let Some(r) = rejected.iter().find(|r| r.id == p.id) {
            let reject = &r.reject;
            return Err(Error::Input {
                file: reject.file.clone(),
                column: Some(reject.column.clone()).filter(|c| !c.is_empty()),
                row: Some(reject.row),
                message: format!(
                    "the catalog row of [[project]] id = \"{}\" is rejected ({}): {}",
                    p.id, reject.reason, reject.message
                ),
                hint: Some("fix that row of the projects input; `jauge validate` lists every rejected row".to_owned()),
            });
        }
        return Err(Error::config(
            &settings.config_path,
            format!("[[project]] id = \"{}\" is not in the projects catalog", p.id),
            Some("check the id against the projects input (ids are case-sensitive)"),
        ));
    }
    Ok(())
}

/// Most distinct values a segment column may have (SPEC section 2).
pub const MAX_SEGMENT_VALUES: usize = 1000;

/// A segment groups users, it does not name them: a column with more
/// distinct values than [`MAX_SEGMENT_VALUES`] is refused.
fn check_segments(settings: &Settings, stage: &Staging) -> Result<()> {
    let Some(users) = settings.input(InputKind::Users) else { return Ok(()) };
    // The segments lead the users' columns; the roll-outs' units follow,
    // and may be as many as a product has agencies.
    for (name, segment) in settings.segments.iter().zip(&stage.segments) {
        let distinct = segment.values.values.iter().filter(|v| *v != MISSING).count();
        if distinct > MAX_SEGMENT_VALUES {
            let column = users.source_column(name);
            return Err(Error::Input {
                file: users.pattern.clone(),
                column: Some(column.to_owned()),
                row: None,
                message: format!(
                    "the segment `{column}` has {distinct} distinct values, more than {MAX_SEGMENT_VALUES}"
                ),
                hint: Some(format!(
                    "a segment groups users, it does not name them: remove \"{name}\" from report.segments, \
                     or group its values in the export (docs/configuration.md)"
                )),
            });
        }
    }
    Ok(())
}

/// The reporting month and `as_of` (SPEC section 1).
fn cut_off(settings: &Settings, stage: &Staging, report_tz: &TzTable) -> Result<(i32, i32)> {
    let month = match settings.month {
        Some(month) => month,
        None => {
            let Some(latest) = stage.latest_usage else {
                let usage = settings.input(InputKind::Usage).map_or("", |i| i.pattern.as_str());
                return Err(Error::Input {
                    file: usage.to_owned(),
                    column: None,
                    row: None,
                    message: "no usage row was accepted, so there is no month to report".to_owned(),
                    hint: Some("check the rejects with `jauge validate`, or pass --month".to_owned()),
                });
            };
            let day = report_tz.local_day(latest);
            if day == tz::month_end(day) { tz::month_start(day) } else { tz::add_months(tz::month_start(day), -1) }
        }
    };
    Ok((month, settings.as_of.unwrap_or_else(|| tz::month_end(month))))
}

#[allow(clippy::too_many_arguments)]
fn finish(
    settings: &Settings,
    mut stage: Staging,
    catalog: Vec<Project>,
    mut ledgers: Vec<FileLedger>,
    spans: &FxHashMap<InputKind, Spans>,
    report_tz: &TzTable,
    month: i32,
    as_of: i32,
) -> Result<Dataset> {
    let mut latest = Vec::new();
    let n_users = stage.users.count();
    stage.user_rows.resize(n_users, false);
    // Owned: spilled partitions are settled again as compute reads them.
    let usage = spans.get(&InputKind::Usage).cloned();
    let (files, zone) = (ledgers.len(), report_tz.clone());
    let (events, parts) = stage.events.settle(move |rows| {
        let mut part = PartSettled::new(files);
        if let Some(spans) = &usage {
            settle_events(rows, spans, &zone, as_of, &mut part);
        }
        part
    })?;
    let mut settled = Settled { first_day: None, latest: None, active_users: vec![false; n_users] };
    for part in parts {
        settled.add(part, &mut ledgers);
    }
    if spans.contains_key(&InputKind::Usage) {
        latest.push((InputKind::Usage, settled.latest));
    }
    let mut outcomes = std::mem::take(&mut stage.outcomes);
    if let Some(spans) = spans.get(&InputKind::Outcomes) {
        latest.push((InputKind::Outcomes, settle_outcomes(&mut outcomes, spans, &mut ledgers, as_of)));
    }
    let mut assignments = std::mem::take(&mut stage.assignments);
    if settings.input(InputKind::Assignments).is_some() {
        latest.push((InputKind::Assignments, settle_assignments(&mut assignments, &mut ledgers, as_of)));
    }
    let rollouts = settle_rollouts(std::mem::take(&mut stage.rollouts), &mut ledgers, as_of);
    let mut rejects = Vec::new();
    let mut reconciliation = Vec::new();
    let mut reject_lines = FxHashMap::default();
    for mut ledger in ledgers {
        for (row, line) in ledger.lines.drain(..) {
            reject_lines.insert((ledger.counts.file.clone(), row), line);
        }
        let c = &mut ledger.counts;
        c.accepted = c.rows_read - c.rejected - c.duplicate - c.after_cutoff;
        reconciliation.push(ledger.counts);
        rejects.append(&mut ledger.rejects);
    }
    RejectRow::sort(&mut rejects);
    let mut columns: Vec<Segment> =
        settings.user_columns().iter().zip(stage.segments).map(|(name, s)| resolve_segment(name, s, n_users)).collect();
    let units = columns
        .iter()
        .filter(|c| settings.projects.iter().any(|p| p.rollout.as_ref().is_some_and(|r| r.by == c.name)))
        .cloned()
        .collect();
    columns.truncate(settings.segments.len());
    let segments = columns;

    Ok(Dataset {
        catalog,
        users: n_users,
        event_names: stage.event_names.values,
        outcome_names: stage.outcome_names.values,
        events,
        first_day: settled.first_day,
        active_users: settled.active_users,
        outcomes,
        assignments,
        segments,
        units,
        rollouts,
        user_rows: stage.user_rows,
        month,
        as_of,
        reconciliation,
        rejects,
        reject_lines,
        rejected_projects: Vec::new(),
        latest,
        warnings: Vec::new(),
        queries: Vec::new(),
    })
}

/// A product's opening day in a unit after `as_of` is set aside (SPEC
/// section 1); the rest, sorted by project and unit, is kept.
fn settle_rollouts(mut rollouts: Vec<RolloutStart>, ledgers: &mut [FileLedger], as_of: i32) -> Vec<RolloutStart> {
    rollouts.retain(|r| {
        if r.day > as_of {
            ledgers[r.file].counts.after_cutoff += 1;
        }
        r.day <= as_of
    });
    rollouts.sort_by(|a, b| (a.project, &a.unit).cmp(&(b.project, &b.unit)));
    rollouts
}

fn resolve_segment(name: &str, mut stage: SegmentStage, n_users: usize) -> Segment {
    let missing = stage.values.intern(MISSING);
    let mut by_user = vec![missing; n_users];
    for (user, value) in stage.by_user {
        by_user[user as usize] = value;
    }
    Segment { name: name.to_owned(), values: stage.values.values, by_user }
}

/// What settling the events' partitions finds.
struct Settled {
    first_day: Option<i32>,
    /// The latest day seen, after the cut-off too.
    latest: Option<i32>,
    active_users: Vec<bool>,
}

/// What settling one partition finds; partitions are settled on every
/// core, then added up in partition order.
struct PartSettled {
    /// Per file, rows after the cut-off and duplicates.
    after_cutoff: Vec<u64>,
    duplicate: Vec<u64>,
    first_day: Option<i32>,
    latest: Option<i32>,
    /// The partition's users with an event kept.
    users: Vec<u32>,
}

impl PartSettled {
    fn new(files: usize) -> PartSettled {
        PartSettled {
            after_cutoff: vec![0; files],
            duplicate: vec![0; files],
            first_day: None,
            latest: None,
            users: Vec::new(),
        }
    }
}

impl Settled {
    fn add(&mut self, part: PartSettled, ledgers: &mut [FileLedger]) {
        for (ledger, (after, duplicate)) in ledgers.iter_mut().zip(part.after_cutoff.iter().zip(&part.duplicate)) {
            ledger.counts.after_cutoff += after;
            ledger.counts.duplicate += duplicate;
        }
        self.first_day = match (self.first_day, part.first_day) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.latest = self.latest.max(part.latest);
        for user in part.users {
            self.active_users[user as usize] = true;
        }
    }
}

/// Sets rows after `as_of` aside, drops exact duplicates (the first in
/// reading order stays) and replaces the reading order by the local day.
/// Duplicates share their instant, so a row after `as_of` counts as after
/// the cut-off whether or not it repeats another.
fn settle_events(events: &mut Vec<EventRow>, spans: &Spans, report_tz: &TzTable, as_of: i32, part: &mut PartSettled) {
    sort_events(events);
    let mut previous: Option<(u64, i64, u32)> = None;
    events.retain_mut(|e| {
        let day = report_tz.local_day(e.at);
        part.latest = part.latest.max(Some(day));
        let ledger = spans.ledger_of(u64::from(e.low()));
        if day > as_of {
            part.after_cutoff[ledger] += 1;
            return false;
        }
        let id = (e.key, e.at, e.event());
        if previous == Some(id) {
            part.duplicate[ledger] += 1;
            return false;
        }
        previous = Some(id);
        e.tail = (e.tail & !0xFFFF_FFFF) | u64::from(day as u32);
        part.first_day = Some(part.first_day.map_or(day, |d| d.min(day)));
        true
    });
    part.users = events.chunk_by(|a, b| a.key == b.key).map(|run| run[0].user()).collect();
    part.users.sort_unstable();
    part.users.dedup();
}

/// Sorts a partition by key, instant and tail: no two rows are equal (the
/// tail holds the reading order), so any sort gives this order. The most
/// costly step of loading, hence a radix sort by key, one pass per byte of
/// the key that varies in the partition (a few), then each (product, user)
/// run, a few rows mostly in time order already, by instant and tail.
fn sort_events(events: &mut Vec<EventRow>) {
    let (any, all) = events.iter().fold((0u64, !0u64), |(any, all), e| (any | e.key, all & e.key));
    let varying = any ^ all;
    let mut spare = vec![EventRow { key: 0, at: 0, tail: 0 }; events.len()];
    for shift in (0..64).step_by(8).filter(|s| (varying >> s) & 0xFF != 0) {
        let byte = |e: &EventRow| ((e.key >> shift) & 0xFF) as usize;
        let mut next = [0usize; 256];
        events.iter().for_each(|e| next[byte(e)] += 1);
        let mut start = 0;
        for slot in &mut next {
            (*slot, start) = (start, start + *slot);
        }
        for e in events.iter() {
            let b = byte(e);
            spare[next[b]] = *e;
            next[b] += 1;
        }
        std::mem::swap(events, &mut spare);
    }
    events.chunk_by_mut(|a, b| a.key == b.key).for_each(<[EventRow]>::sort_unstable);
}

fn settle_outcomes(
    outcomes: &mut Vec<OutcomeRow>,
    spans: &Spans,
    ledgers: &mut [FileLedger],
    as_of: i32,
) -> Option<i32> {
    let mut latest = None;
    outcomes.retain(|o| {
        latest = latest.max(Some(o.day));
        if o.day > as_of {
            ledgers[spans.ledger_of(u64::from(o.seq))].counts.after_cutoff += 1;
        }
        o.day <= as_of
    });
    let value_bits = |o: &OutcomeRow| o.value.map(f64::to_bits);
    outcomes.sort_unstable_by_key(|o| (o.user, o.outcome, o.day, value_bits(o), o.seq));
    let mut previous = None;
    outcomes.retain(|o| {
        let id = Some((o.user, o.outcome, o.day, value_bits(o)));
        let duplicate = previous == id;
        if duplicate {
            ledgers[spans.ledger_of(u64::from(o.seq))].counts.duplicate += 1;
        }
        previous = id;
        !duplicate
    });
    latest
}

/// A user assigned again to the same project is rejected (the earliest
/// `assigned_on` stays, ties by reading order); then the cut-off applies.
fn settle_assignments(assignments: &mut Vec<Assignment>, ledgers: &mut [FileLedger], as_of: i32) -> Option<i32> {
    assignments.sort_by_key(|a| (a.project, a.user, a.day, a.seq));
    let mut kept: Vec<Assignment> = Vec::with_capacity(assignments.len());
    for a in assignments.drain(..) {
        if kept.last().is_some_and(|k| (k.project, k.user) == (a.project, a.user)) {
            let ledger = &mut ledgers[a.file];
            ledger.counts.rejected += 1;
            ledger.line(a.row, a.line);
            let reason = reject::Reason::DoubleAssignment;
            let kept_day = tz::format_day(kept.last().map_or(a.day, |k| k.day));
            ledger.rejects.push(RejectRow {
                input: ledger.counts.input.clone(),
                file: ledger.counts.file.clone(),
                row: a.row,
                reason: reason.code().to_owned(),
                column: "user_id".to_owned(),
                message: reason.explain("user_id", &kept_day),
                record: a.record,
            });
        } else {
            kept.push(a);
        }
    }
    let latest = kept.iter().map(|a| a.day).max();
    kept.retain(|a| {
        if a.day > as_of {
            ledgers[a.file].counts.after_cutoff += 1;
        }
        a.day <= as_of
    });
    *assignments = kept;
    latest
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn the_radix_sort_of_a_partition_is_the_full_sort() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20);
        // Keys varying in a low byte, a middle one and the project's; many
        // runs of one key, instants out of order within them.
        let mut rows: Vec<EventRow> = (0..20_000u64)
            .map(|seq| EventRow {
                key: (rng.random_range(0..40u64) << 32) | (rng.random_range(0..300u64) << 8) | 7,
                at: rng.random_range(0..1_000),
                tail: (rng.random_range(0..3u64) << 32) | seq,
            })
            .collect();
        let mut expected = rows.clone();
        expected.sort_unstable();
        sort_events(&mut rows);
        assert_eq!(rows, expected);
        let mut single = vec![EventRow { key: 5, at: 2, tail: 1 }, EventRow { key: 5, at: 1, tail: 0 }];
        sort_events(&mut single);
        assert_eq!(single[0].at, 1);
    }
}
