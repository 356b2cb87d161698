//! The files with planted defects, as real exports have them: the project
//! catalog, the user file, the assignments, the roll-outs, a late usage
//! file and a late outcome file.
//!
//! Responsible for: one row of every reject reason of SPEC section 3,
//! duplicates, rows after the cut-off, timestamps in every accepted format
//! and on the DST changes, and the exact bucket each planted row must land
//! in (the expected reconciliation in `truth.json`).
//!
//! Not responsible for: the clean exports (`tables`) or the simulation.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::calendar::{self, DAY, Local, civil_from_days, paris_day, paris_local, paris_offset};
use super::catalog::{self, Audience};
use super::model;
use super::population::{DEREGISTERED, EMPLOYMENT, NO_AGE, Population};
use super::sample::Rng;
use super::tables::user_id;
use super::truth::{Class, FileCounts};
use super::usage::Event;
use super::world::World;
use crate::raw::{Column, RawTable, format_date, format_timestamp};

/// Not a product of the catalog.
const UNKNOWN_PROJECT: &str = "projet-inconnu";

fn text(values: Vec<String>) -> Column {
    Column::Text(values.into_iter().map(Some).collect())
}

/// `projects.csv` (semicolon, decimal comma): every product, plus a second
/// row for one id (`duplicate_key`), and four extra projects whose row is
/// rejected (`bad_date`, `bad_number`, `empty_field`, an origin outside its
/// list: `bad_value`). Launch dates mix
/// `YYYY-MM-DD` and `DD/MM/YYYY`; one product has none, the investigation
/// teams no cost yet.
pub fn projects(world: &World) -> (RawTable, FileCounts) {
    let mut counts = FileCounts::new("projects", "projects.csv");
    let mut rows: Vec<[String; 8]> = Vec::new();
    for (i, p) in world.products.iter().enumerate() {
        let launched =
            if p.id == "messagerie-securisee" { String::new() } else { catalog::launch_text(p.launch_day, i % 3 == 2) };
        rows.push([
            p.id.clone(),
            p.name.clone(),
            p.origin.code().to_owned(),
            p.audience.code().to_owned(),
            p.phase.code().to_owned(),
            launched,
            p.annual_cost_eur.map_or(String::new(), decimal_comma),
            p.sponsor.to_owned(),
        ]);
        counts.add(Class::Accepted);
    }
    let twin = &world.products[1.min(world.products.len() - 1)];
    let extra = |id: &str, name: &str, launched: &str, cost: &str| {
        [
            id.to_owned(),
            name.to_owned(),
            "business_request".to_owned(),
            "job_seekers".to_owned(),
            "investigation".to_owned(),
            launched.to_owned(),
            cost.to_owned(),
            "Direction de la stratégie".to_owned(),
        ]
    };
    let year = world.options.end_year;
    rows.push(extra(&twin.id, &format!("{} (doublon)", twin.name), &format!("{}-01-15", year - 1), "100000"));
    counts.add(Class::Rejected("duplicate_key"));
    rows.push(extra("projet-archive", "Projet archivé", &format!("{}-02-30", year - 2), ""));
    counts.add(Class::Rejected("bad_date"));
    rows.push(extra("projet-pilote-ia", "Pilote IA", &format!("{}-03-01", year), "12 k€"));
    counts.add(Class::Rejected("bad_number"));
    rows.push(extra("projet-sans-nom", "", &format!("{}-04-01", year), ""));
    counts.add(Class::Rejected("empty_field"));
    let mut outside = extra("projet-hors-liste", "Hors liste", &format!("{}-05-01", year), "");
    outside[2] = "startup".to_owned();
    rows.push(outside);
    counts.add(Class::Rejected("bad_value"));

    let names = ["project_id", "name", "origin", "audience", "phase", "launched_on", "annual_cost_eur", "sponsor"];
    let columns = names
        .iter()
        .enumerate()
        .map(|(j, name)| ((*name).to_owned(), text(rows.iter().map(|r| r[j].clone()).collect())))
        .collect();
    (RawTable::new(columns), counts)
}

/// A cost as a French spreadsheet writes it: `480017,5`.
fn decimal_comma(x: f64) -> String {
    format!("{x}").replace('.', ",")
}

/// How a user appears in `users.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Missing,
    WithoutRegion,
    WithRegion,
}

/// Draws, before the simulation (which needs each region's listed
/// population for the roll-out truth), which users `users.csv` leaves out
/// and which it lists with an empty region.
pub fn listing(users: u64, rng: &mut Rng) -> Vec<Listing> {
    (0..users)
        .map(|_| {
            if rng.chance(model::USERS_MISSING) {
                Listing::Missing
            } else if rng.chance(model::REGION_EMPTY) {
                Listing::WithoutRegion
            } else {
                Listing::WithRegion
            }
        })
        .collect()
}

/// `users.csv` (comma): `user_id, region, age_band, user_type`, as
/// `listing` says: a share of users is missing, some regions are empty;
/// one user appears twice (`duplicate_key`, the first row wins) and one row
/// has no id (`empty_field`).
pub fn users(pop: &Population, listing: &[Listing]) -> (RawTable, FileCounts) {
    let mut counts = FileCounts::new("users", "users.csv");
    let n = pop.audience.len();
    let mut ids = Vec::with_capacity(n);
    let mut regions = Vec::with_capacity(n);
    let mut ages = Vec::with_capacity(n);
    let mut types = Vec::with_capacity(n);
    let mut push = |id: Option<i64>, region: Option<u32>, age: u8, audience: u8| {
        ids.push(id);
        regions.push(region);
        ages.push((age != NO_AGE).then_some(u32::from(age)));
        types.push(Some(u32::from(audience)));
    };
    let mut first_listed = None;
    for (u, &listed) in listing.iter().enumerate() {
        if listed == Listing::Missing {
            continue;
        }
        let region = (listed == Listing::WithRegion).then_some(u32::from(pop.region[u]));
        push(Some(user_id(u as u32)), region, pop.age[u], pop.audience[u]);
        counts.add(Class::Accepted);
        first_listed.get_or_insert(u);
        if u == n / 2 {
            push(None, Some(0), NO_AGE, 0);
            counts.add(Class::Rejected("empty_field"));
        }
    }
    if let Some(u) = first_listed {
        // The same person exported again with another region.
        let other = (u32::from(pop.region[u]) + 1) % model::REGIONS.len() as u32;
        push(Some(user_id(u as u32)), Some(other), pop.age[u], pop.audience[u]);
        counts.add(Class::Rejected("duplicate_key"));
    }
    let table = RawTable::new(vec![
        ("user_id".into(), Column::Int(ids)),
        (
            "region".into(),
            Column::Dict { values: model::REGIONS.iter().map(|r| r.0.to_owned()).collect(), codes: regions },
        ),
        (
            "age_band".into(),
            Column::Dict { values: model::AGE_BANDS.iter().map(|a| a.0.to_owned()).collect(), codes: ages },
        ),
        (
            "user_type".into(),
            Column::Dict { values: Audience::ALL.iter().map(|a| a.user_type().to_owned()).collect(), codes: types },
        ),
    ]);
    (table, counts)
}

/// `assignments.csv` (comma): every trial assignment (one date written
/// `DD/MM/YYYY`), the enrollments of the export's two extra days (after
/// the cut-off), then corrections: a second assignment of one user
/// (`double_assignment`), a late enrollment (after the cut-off), an
/// unknown arm (`bad_arm`), an unknown project (`unknown_project`) and an
/// empty arm (`empty_field`).
pub fn assignments(world: &World, pop: &Population) -> (RawTable, FileCounts) {
    let mut counts = FileCounts::new("assignments", "assignments.csv");
    let mut rows: Vec<[String; 4]> = Vec::new();
    let arm = |t: bool| if t { "treatment" } else { "control" };
    for (i, a) in pop.assignments.iter().enumerate() {
        rows.push([
            world.products[world.trials[a.trial as usize].product].id.clone(),
            user_id(a.user).to_string(),
            arm(a.treatment).to_owned(),
            catalog::launch_text(a.day, i == 2),
        ]);
        counts.add(if a.day > world.as_of { Class::AfterCutoff } else { Class::Accepted });
    }
    let mid = world.as_of - 40;
    if let Some(a) = pop.assignments.iter().rev().find(|a| a.day < mid) {
        rows.push([
            world.products[world.trials[a.trial as usize].product].id.clone(),
            user_id(a.user).to_string(),
            arm(!a.treatment).to_owned(),
            catalog::launch_text(a.day + 7, false),
        ]);
        counts.add(Class::Rejected("double_assignment"));
    }
    let trial_project =
        world.trials.first().map_or(world.products[0].id.clone(), |t| world.products[t.product].id.clone());
    let someone = || {
        let u = pop.plain_job_seekers.first().copied().unwrap_or(0);
        user_id(u).to_string()
    };
    let day = catalog::launch_text(mid, false);
    // Enrolled on the export's last day: set aside whatever the trial.
    rows.push([
        trial_project.clone(),
        user_id(pop.plain_job_seekers.get(1).copied().unwrap_or(0)).to_string(),
        "control".into(),
        catalog::launch_text(world.export_day - 1, false),
    ]);
    counts.add(Class::AfterCutoff);
    rows.push([trial_project.clone(), someone(), "traitement".into(), day.clone()]);
    counts.add(Class::Rejected("bad_arm"));
    rows.push([UNKNOWN_PROJECT.into(), someone(), "control".into(), day.clone()]);
    counts.add(Class::Rejected("unknown_project"));
    rows.push([trial_project, someone(), String::new(), day]);
    counts.add(Class::Rejected("empty_field"));
    let names = ["project_id", "user_id", "arm", "assigned_on"];
    let columns = names
        .iter()
        .enumerate()
        .map(|(j, name)| ((*name).to_owned(), text(rows.iter().map(|r| r[j].clone()).collect())))
        .collect();
    (RawTable::new(columns), counts)
}

/// `rollouts.csv` (comma): `project_id, unit, started_on`, every opening
/// of every roll-out (the pilots before the period too), dates written
/// `YYYY-MM-DD` or, one in three, `DD/MM/YYYY`; then an opening sent again
/// with a later date (`duplicate_key`: the first stays), an unknown project
/// (`unknown_project`), a day that does not exist (`bad_date`) and an
/// opening planned for the next month (after the cut-off). The last two
/// name regions where the product never opens, so the roll-out truth
/// holds whatever a reader makes of them.
pub fn rollouts(world: &World) -> (RawTable, FileCounts) {
    let mut counts = FileCounts::new("rollouts", "rollouts.csv");
    let mut rows: Vec<[String; 3]> = Vec::new();
    let region = |r: u8| model::REGIONS[r as usize].0.to_owned();
    for rollout in &world.rollouts {
        let id = &world.products[rollout.product].id;
        for (r, day) in rollout.openings() {
            rows.push([id.clone(), region(r), catalog::launch_text(day, rows.len() % 3 == 2)]);
            counts.add(Class::Accepted);
        }
    }
    if let Some(first) = world.rollouts.first() {
        let id = &world.products[first.product].id;
        if let Some(&(r, day)) = first.openings().first() {
            rows.push([id.clone(), region(r), catalog::launch_text(day + 14, false)]);
            counts.add(Class::Rejected("duplicate_key"));
        }
        let never: Vec<u8> = (0..model::REGIONS.len() as u8).filter(|&r| first.opening[r as usize].is_none()).collect();
        if let Some(&r) = never.first() {
            let (y, _, _) = civil_from_days(world.as_of);
            rows.push([id.clone(), region(r), format!("{y}-02-30")]);
            counts.add(Class::Rejected("bad_date"));
        }
        if let Some(&r) = never.get(1) {
            rows.push([id.clone(), region(r), catalog::launch_text(world.end_day + 6, false)]);
            counts.add(Class::AfterCutoff);
        }
    }
    rows.push([UNKNOWN_PROJECT.into(), region(0), catalog::launch_text(world.end_day - 40, false)]);
    counts.add(Class::Rejected("unknown_project"));
    let names = ["project_id", "unit", "started_on"];
    let columns = names
        .iter()
        .enumerate()
        .map(|(j, name)| ((*name).to_owned(), text(rows.iter().map(|r| r[j].clone()).collect())))
        .collect();
    (RawTable::new(columns), counts)
}

/// How a timestamp is written in the late usage file.
enum Stamp {
    /// Local Paris wall-clock time, `YYYY-MM-DD HH:MM:SS`.
    Local(i32, i64),
    /// Local, `YYYY-MM-DDTHH:MM:SS`.
    LocalT(i32, i64),
    /// Local, `DD/MM/YYYY HH:MM`.
    French(i32, i64),
    /// Local, `DD/MM/YYYY HH:MM:SS`.
    FrenchSeconds(i32, i64),
    /// A bare date: local midnight.
    Date(i32),
    /// An instant (µs) written with this UTC offset (seconds).
    Offset(i64, i64),
    /// An instant (µs) written in UTC with `Z`.
    Utc(i64),
    /// Not a timestamp.
    Garbage(String),
    Empty,
}

impl Stamp {
    fn text(&self) -> String {
        let ymd = |day: i32| {
            let (y, m, d) = civil_from_days(day);
            (y, m, d)
        };
        let hms = |secs: i64| (secs / 3600, secs / 60 % 60, secs % 60);
        match *self {
            Stamp::Local(day, secs) | Stamp::LocalT(day, secs) => {
                let (y, m, d) = ymd(day);
                let (h, mi, s) = hms(secs);
                let sep = if matches!(self, Stamp::LocalT(..)) { 'T' } else { ' ' };
                format!("{y:04}-{m:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}")
            }
            Stamp::French(day, secs) => {
                let (y, m, d) = ymd(day);
                let (h, mi, _) = hms(secs);
                format!("{d:02}/{m:02}/{y:04} {h:02}:{mi:02}")
            }
            Stamp::FrenchSeconds(day, secs) => {
                let (y, m, d) = ymd(day);
                let (h, mi, s) = hms(secs);
                format!("{d:02}/{m:02}/{y:04} {h:02}:{mi:02}:{s:02}")
            }
            Stamp::Date(day) => {
                let (y, m, d) = ymd(day);
                format!("{y:04}-{m:02}-{d:02}")
            }
            Stamp::Offset(us, offset) => {
                let local = format_timestamp(us + offset * 1_000_000);
                let sign = if offset < 0 { '-' } else { '+' };
                let o = offset.abs();
                format!("{}{sign}{:02}:{:02}", local.trim_end_matches('Z'), o / 3600, o / 60 % 60)
            }
            Stamp::Utc(us) => format_timestamp(us),
            Stamp::Garbage(ref s) => s.clone(),
            Stamp::Empty => String::new(),
        }
    }

    /// The instant a reader gets (SPEC section 3), or the reject reason.
    fn instant(&self) -> Result<i64, &'static str> {
        let local = |day: i32, secs: i64| match paris_local(day, secs) {
            Local::Unique(u) | Local::Ambiguous(u, _) => Ok(u * 1_000_000),
            Local::Nonexistent => Err("nonexistent_local_time"),
        };
        match *self {
            Stamp::Local(day, secs) | Stamp::LocalT(day, secs) | Stamp::FrenchSeconds(day, secs) => local(day, secs),
            // Minutes only: the seconds are not written.
            Stamp::French(day, secs) => local(day, secs - secs % 60),
            Stamp::Date(day) => local(day, 0),
            Stamp::Offset(us, _) | Stamp::Utc(us) => Ok(us),
            Stamp::Garbage(_) => Err("bad_timestamp"),
            Stamp::Empty => Err("empty_field"),
        }
    }
}

/// One row of the late usage file.
struct UsageRow {
    project: String,
    user: String,
    stamp: Stamp,
    event: String,
    /// Set when the row copies a parquet row (a duplicate whatever its
    /// form) or must be rejected for a reason other than its timestamp.
    forced: Option<Class>,
    /// Surround every field with spaces (readers trim them).
    padded: bool,
}

/// `usage/late-corrections.csv`: semicolon-separated, with a byte-order
/// mark, as a spreadsheet saves it. Events sent late, in every timestamp
/// form (offset, UTC, local without offset, `DD/MM/YYYY HH:MM[:SS]`, a bare
/// date, padded fields, an id written `123.0`), the DST changes (the
/// repeated October hour, accepted as its earlier instant; the skipped
/// March hour, rejected), one row of each usage reject reason, copies of
/// parquet rows (duplicates), and rows after the cut-off (the first days of
/// the next month, and a UTC time whose Paris date is the next day).
///
/// New rows use (user, product) pairs without any parquet event, so their
/// buckets are exact.
pub fn late_usage(world: &World, pop: &Population, samples: &[Event], rng: &mut Rng) -> (String, FileCounts) {
    let mut counts = FileCounts::new("usage", "usage/late-corrections.csv");
    let as_of = world.as_of;
    let mid = world.end_day - 19;
    let (spring, autumn) = world.dst_days();
    let next = world.end_day;
    let offset_at = |us: i64| paris_offset(us.div_euclid(1_000_000));
    let at = |day: i32, secs: i64| calendar::paris_to_utc(day, secs) * 1_000_000;
    let mut b = LateRows { world, pop, rng, rows: Vec::new() };

    let first = at(mid, 36_900);
    b.add(Stamp::Offset(first, offset_at(first)));
    b.add(Stamp::Utc(at(mid - 1, 29_702) + 250_000));
    b.add(Stamp::Local(mid - 2, 50_700));
    b.add(Stamp::French(mid - 3, 35_100));
    b.add(Stamp::FrenchSeconds(mid - 4, 58_830));
    b.add(Stamp::Date(mid - 5));
    b.edit(Stamp::LocalT(mid - 6, 39_600), None, |r| r.padded = true);
    b.edit(Stamp::Local(mid - 7, 43_200), None, |r| r.user.push_str(".0"));
    // The repeated October hour: the earlier instant (SPEC).
    b.add(Stamp::Local(autumn, 9000));
    b.add(Stamp::French(autumn, 7800));
    b.add(Stamp::Offset(at(autumn, 9000) + 3_600_000_000, 3600));
    // The skipped March hour.
    b.add(Stamp::Local(spring, 9000));
    b.add(Stamp::French(spring, 8100));
    b.add(Stamp::Offset(at(spring, 12_600), 7200));
    // Not timestamps.
    let (y, _, _) = civil_from_days(as_of);
    b.add(Stamp::Garbage("hier 14h".into()));
    b.add(Stamp::Garbage(format!("{y}-13-01T10:00")));
    b.add(Stamp::Garbage("1700000000".into()));
    b.add(Stamp::Empty);
    // Other reject reasons.
    let stamp = || Stamp::Local(mid, 37_800);
    let rejected = |reason| Some(Class::Rejected(reason));
    b.edit(stamp(), rejected("empty_field"), |r| r.user.clear());
    b.edit(stamp(), rejected("empty_field"), |r| r.event = "   ".into());
    b.edit(stamp(), rejected("unknown_project"), |r| {
        r.project = UNKNOWN_PROJECT.into();
    });
    b.edit(stamp(), rejected("bad_id"), |r| r.user = "12.5".into());
    // Rejected takes precedence over after the cut-off.
    b.edit(Stamp::Local(next, 36_000), rejected("bad_id"), |r| {
        r.user.push_str(".5");
    });
    // Copies of parquet rows, in three spellings.
    for (i, e) in pick_samples(samples, 3, b.rng).into_iter().enumerate() {
        let id = user_id(e.user).to_string();
        let (user, stamp) = match i {
            0 => (id, Stamp::Utc(e.us)),
            1 => (id, Stamp::Offset(e.us, offset_at(e.us))),
            _ => (format!("{id}.0"), Stamp::Utc(e.us)),
        };
        b.rows.push(UsageRow {
            project: world.products[e.product as usize].id.clone(),
            user,
            stamp,
            event: world.vocabulary.names[e.event as usize].clone(),
            forced: Some(Class::Duplicate),
            padded: false,
        });
    }
    // The first row sent twice.
    if let Some(r) = b.rows.first() {
        let copy = UsageRow {
            project: r.project.clone(),
            user: r.user.clone(),
            stamp: Stamp::Offset(first, offset_at(first)),
            event: r.event.clone(),
            forced: None,
            padded: false,
        };
        b.rows.push(copy);
    }
    // After the cut-off.
    b.add(Stamp::Local(next, 34_200));
    b.add(Stamp::French(next + 1, 36_000));
    b.add(Stamp::Utc((i64::from(next) * DAY - 1800) * 1_000_000));
    b.add(Stamp::Offset((i64::from(next) * DAY - 5400) * 1_000_000, 7200));
    // A field too many: a spreadsheet cell holding the separator, unquoted.
    // Last, so that the rows before draw the same pairs as before it.
    b.edit(stamp(), rejected("bad_record"), |r| r.event.push_str(";en trop"));

    // Buckets, in reading order, as a validator sees them.
    let mut seen: BTreeSet<(String, String, i64, String)> = BTreeSet::new();
    let mut out = String::from("\u{feff}project_id;user_id;occurred_at;event\n");
    for r in &b.rows {
        let class = match (r.forced, r.stamp.instant()) {
            (Some(Class::Rejected(reason)), _) | (_, Err(reason)) => Class::Rejected(reason),
            (Some(Class::Duplicate), Ok(_)) => Class::Duplicate,
            (_, Ok(us)) => {
                let canonical = r.user.trim_end_matches(".0").to_owned();
                if paris_day(us.div_euclid(1_000_000)) > as_of {
                    Class::AfterCutoff
                } else if seen.insert((r.project.clone(), canonical, us, r.event.clone())) {
                    Class::Accepted
                } else {
                    Class::Duplicate
                }
            }
        };
        counts.add(class);
        let fields = [&r.project, &r.user, &r.stamp.text(), &r.event];
        let line: Vec<String> =
            fields.iter().map(|f| if r.padded { format!("  {f} ") } else { (*f).clone() }).collect();
        let _ = writeln!(out, "{}", line.join(";"));
    }
    (out, counts)
}

/// Builds the late usage rows on fresh (user, product) pairs.
struct LateRows<'a> {
    world: &'a World,
    pop: &'a Population,
    rng: &'a mut Rng,
    rows: Vec<UsageRow>,
}

impl LateRows<'_> {
    fn add(&mut self, stamp: Stamp) {
        self.edit(stamp, None, |_| {});
    }

    /// A row on a fresh pair, changed by `change`; skipped when the
    /// population is too small to offer one.
    fn edit(&mut self, stamp: Stamp, forced: Option<Class>, change: impl FnOnce(&mut UsageRow)) {
        if let Some((project, user, event)) = fresh_pair(self.world, self.pop, self.rng) {
            let mut row = UsageRow { project, user, stamp, event, forced, padded: false };
            change(&mut row);
            self.rows.push(row);
        }
    }
}

/// A (project, user, event) of a live product of the user's audience that
/// the user never used, so that a row about it cannot equal a parquet row.
fn fresh_pair(world: &World, pop: &Population, rng: &mut Rng) -> Option<(String, String, String)> {
    let n = pop.audience.len() as u64;
    for _ in 0..1000 {
        let user = rng.below(n) as u32;
        let candidates = &world.by_audience[pop.audience[user as usize] as usize];
        if candidates.is_empty() {
            continue;
        }
        let p = candidates[rng.below(candidates.len() as u64) as usize];
        let product = &world.products[p as usize];
        // A roll-out product is not open everywhere.
        let regional = world.rollout_of[p as usize].is_some();
        if regional || product.launch_day > world.start_day || product.stop_day <= world.end_day || pop.uses(user, p) {
            continue;
        }
        let event =
            product.vocab_cdf.first().map_or("visit".to_owned(), |v| world.vocabulary.names[v.1 as usize].clone());
        return Some((product.id.clone(), user_id(user).to_string(), event));
    }
    None
}

/// Up to `n` distinct events of `samples`, drawn without replacement.
fn pick_samples<'e>(samples: &'e [Event], n: usize, rng: &mut Rng) -> Vec<&'e Event> {
    let mut picked: Vec<&Event> = Vec::new();
    let mut tries = 0;
    while picked.len() < n.min(samples.len()) && tries < 100 {
        tries += 1;
        let e = &samples[rng.below(samples.len() as u64) as usize];
        if !picked.contains(&e) {
            picked.push(e);
        }
    }
    picked
}

/// `outcomes/late.ndjson`: outcome rows sent after the export: copies of
/// exported rows (one with the id as a JSON integer: ids compare as text),
/// two new certificates (one dated by a UTC timestamp whose Paris date is
/// the next day), each outcome reject reason (`bad_date` twice: a day that
/// does not exist, and `DD/MM/YYYY`, which only CSV accepts), a missing
/// date, and a row after the cut-off.
pub fn late_outcomes(world: &World, pop: &Population) -> (String, FileCounts) {
    let mut counts = FileCounts::new("outcomes", "outcomes/late.ndjson");
    let mut out = String::new();
    let mut line = |value: serde_json::Value, class: Class| {
        counts.add(class);
        out.push_str(&value.to_string());
        out.push('\n');
    };
    let middle = pop.outcomes.len() / 2;
    let exported = |kind: u8| {
        pop.outcomes[middle..].iter().chain(&pop.outcomes[..middle]).find(|o| o.kind == kind && o.day <= world.as_of)
    };
    if let Some(o) = exported(EMPLOYMENT) {
        line(
            serde_json::json!({"user_id": user_id(o.user).to_string(), "outcome": "employment",
                "occurred_on": format_date(o.day), "value": o.value}),
            Class::Duplicate,
        );
    }
    if let Some(o) = exported(DEREGISTERED) {
        line(
            serde_json::json!({"user_id": user_id(o.user), "outcome": "deregistered",
                "occurred_on": format_date(o.day), "value": null}),
            Class::Duplicate,
        );
    }
    let plain = &pop.plain_job_seekers;
    let who = |i: usize| plain.get(i).map(|&u| user_id(u).to_string());
    let mid = world.end_day - 19;
    if let Some(u) = who(0) {
        line(
            serde_json::json!({"user_id": u, "outcome": "skill_certified", "occurred_on": format_date(mid)}),
            Class::Accepted,
        );
    }
    if let Some(u) = who(1) {
        // 23:30 UTC is already the next day in Paris: that date is taken.
        let stamp = format!("{}T23:30:00Z", format_date(mid - 5));
        line(serde_json::json!({"user_id": u, "outcome": "skill_certified", "occurred_on": stamp}), Class::Accepted);
    }
    let (y, _, _) = civil_from_days(world.as_of);
    if let Some(u) = who(2) {
        line(
            serde_json::json!({"user_id": u, "outcome": "skill_certified",
                "occurred_on": format!("{y}-02-30")}),
            Class::Rejected("bad_date"),
        );
    }
    if let Some(u) = who(3) {
        let (yy, m, d) = civil_from_days(mid);
        line(
            serde_json::json!({"user_id": u, "outcome": "skill_certified",
                "occurred_on": format!("{d:02}/{m:02}/{yy:04}")}),
            Class::Rejected("bad_date"),
        );
    }
    line(
        serde_json::json!({"user_id": 12.5, "outcome": "employment", "occurred_on": format_date(mid),
            "value": 1900.0}),
        Class::Rejected("bad_id"),
    );
    if let Some(u) = who(4) {
        line(
            serde_json::json!({"user_id": u, "outcome": "", "occurred_on": format_date(mid)}),
            Class::Rejected("empty_field"),
        );
        line(
            serde_json::json!({"user_id": u, "outcome": "employment", "occurred_on": format_date(mid),
                "value": "n/a"}),
            Class::Rejected("bad_number"),
        );
        line(serde_json::json!({"user_id": u, "outcome": "employment"}), Class::Rejected("empty_field"));
    }
    if let Some(u) = who(5) {
        line(
            serde_json::json!({"user_id": u, "outcome": "employment",
                "occurred_on": format_date(world.end_day + 1), "value": 2100.0}),
            Class::AfterCutoff,
        );
    }
    (out, counts)
}
