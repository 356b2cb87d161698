//! The synthetic-data generator behind `jauge generate`: a deterministic
//! incubator dataset in jauge's input format (SPEC section 3), at any
//! scale. A product of its own, apart from the engine: it shares nothing
//! with it but the [`raw`] tables and their CSV/NDJSON writers, and depends
//! on neither polars nor the `jauge` crate.
//!
//! Responsible for: simulating about forty products and their users (job
//! seekers, employers, advisers) month by month, with outcomes,
//! randomized trials and staggered regional roll-outs whose true effects
//! are known, and deliberately messy rows; handing every file to a [`Sink`] as a [`RawTable`] (with its
//! intended [`Format`]) or as text. The output depends only on
//! [`GenerateOptions`]: one seeded ChaCha8 stream per part of the
//! simulation, no clock, no hash-map iteration.
//!
//! Not responsible for: writing files (the sink does; the engine's sink writes
//! parquet with polars and everything else with [`raw`]), parsing the
//! command line, or reading anything.
//!
//! Memory stays bounded at any scale: phase 1 keeps 32 bytes per adoption
//! and 4 bytes per user; phase 2 holds one month of events (16 bytes each,
//! then the month's table) plus the few events carried into the next
//! month. Usage volume is proportional to `--users` (about
//! [`events_per_user`] events each, ~31 with the default portfolio and
//! period); [`users_for_events`] inverts it.
//!
//! Layout: `model` holds every number of the model and the analytic
//! truth; `catalog` the products; `world` the period and lookup tables;
//! `population` (phase 1) the users' lives; `usage` (phase 2) the events;
//! `tables` and `messy` the files; `truth` and `files` the companions;
//! `calendar` the dates and Europe/Paris time.

pub mod raw;

mod calendar;
mod catalog;
mod files;
mod messy;
mod model;
mod population;
mod sample;
mod tables;
mod truth;
mod usage;
mod world;

use std::fmt;

use crate::raw::{Format, RawTable};

/// Default `--users`: a demo of a few MB.
pub const DEFAULT_USERS: u64 = 20_000;
/// Default `--products`: the forty hand-written templates.
pub const DEFAULT_PRODUCTS: u32 = 40;
/// Default `--end` (fixed, never today's date): October 2026.
pub const DEFAULT_END: (i32, u32) = (2026, 10);
/// Default `--months`.
pub const DEFAULT_MONTHS: u32 = 14;
/// Default `--seed`.
pub const DEFAULT_SEED: u64 = 42;

/// Bounds of the options, checked by [`GenerateOptions::validate`].
pub const MAX_USERS: u64 = 50_000_000;
pub const MAX_PRODUCTS: u32 = 1000;
pub const MAX_MONTHS: u32 = 120;

/// The arguments of `jauge generate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    pub users: u64,
    pub products: u32,
    pub end_year: i32,
    pub end_month: u32,
    pub months: u32,
    pub seed: u64,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            users: DEFAULT_USERS,
            products: DEFAULT_PRODUCTS,
            end_year: DEFAULT_END.0,
            end_month: DEFAULT_END.1,
            months: DEFAULT_MONTHS,
            seed: DEFAULT_SEED,
        }
    }
}

/// Options out of bounds; the message names the option and its range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidOptions(pub String);

impl fmt::Display for InvalidOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidOptions {}

impl GenerateOptions {
    /// Checks every option's range; [`generate`] panics on options that do
    /// not pass, so the command calls this first (a usage error, exit 2).
    pub fn validate(&self) -> Result<(), InvalidOptions> {
        let fail = |msg: String| Err(InvalidOptions(msg));
        if !(1..=MAX_USERS).contains(&self.users) {
            return fail(format!("--users must be between 1 and {MAX_USERS}"));
        }
        if !(1..=MAX_PRODUCTS).contains(&self.products) {
            return fail(format!("--products must be between 1 and {MAX_PRODUCTS}"));
        }
        if !(1..=MAX_MONTHS).contains(&self.months) {
            return fail(format!("--months must be between 1 and {MAX_MONTHS}"));
        }
        if !(1..=12).contains(&self.end_month) {
            return fail("--end must be YYYY-MM with a month from 01 to 12".into());
        }
        // The EU summer-time rule the generator writes local times with
        // holds from 1996; keep the whole period (and its lead) after it.
        if !(2005..=2100).contains(&self.end_year) {
            return fail("--end must be between 2005-01 and 2100-12".into());
        }
        if i64::from(self.end_year) * 12 - i64::from(self.months) < 2000 * 12 {
            return fail("--months reaches before 2000; use a later --end or fewer months".into());
        }
        Ok(())
    }
}

/// Where the generated files go. Paths are relative to the output folder,
/// with `/` separators, e.g. `usage/2026-03.parquet`.
pub trait Sink {
    type Error;
    /// A table to write in `format`.
    fn table(&mut self, path: &str, format: Format, table: RawTable) -> Result<(), Self::Error>;
    /// A text file written as is (UTF-8).
    fn text(&mut self, path: &str, contents: String) -> Result<(), Self::Error>;
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Rows of the monthly usage parts (double fires included).
    pub events: u64,
    /// The population (`--users`); a share of them have no usage.
    pub users: u64,
    /// Files handed to the sink.
    pub files: u32,
    /// Usage parts (one per month).
    pub months: u32,
    pub outcome_rows: u64,
    pub assignments: u64,
}

/// Generates the whole dataset into `sink`: `projects.csv`, `users.csv`,
/// `outcomes/export.parquet`, `outcomes/late.ndjson`, `assignments.csv`,
/// `rollouts.csv`, `usage/YYYY-MM.parquet` (one per month, in order),
/// `usage/late-corrections.csv`, then `jauge.toml`, `truth.json` and
/// `README.md`.
///
/// # Panics
/// When `options` do not pass [`GenerateOptions::validate`].
pub fn generate<S: Sink>(options: &GenerateOptions, sink: &mut S) -> Result<Summary, S::Error> {
    if let Err(e) = options.validate() {
        panic!("invalid generate options: {e}");
    }
    let world = world::World::new(options);
    let mut messy_rng = sample::Rng::new(options.seed, sample::stream::MESSY);
    let mut summary = Summary { users: options.users, ..Summary::default() };
    let mut files = Vec::new();
    let mut send = |sink: &mut S, path: &str, format: Format, table: RawTable| {
        summary.files += 1;
        sink.table(path, format, table)
    };
    let semicolon = Format::Csv { separator: b';', decimal_comma: true };
    let comma = Format::Csv { separator: b',', decimal_comma: false };

    let (table, counts) = messy::projects(&world);
    send(sink, "projects.csv", semicolon, table)?;
    files.push(counts);

    // Drawn first, as `users.csv` was always the messy stream's first use.
    let listing = messy::listing(options.users, &mut messy_rng);
    let mut pop = population::simulate(&world, &listing);
    let (table, counts) = messy::users(&pop, &listing);
    drop(listing);
    send(sink, "users.csv", comma, table)?;
    let users_counts = counts;
    let rollouts = truth::rollouts(&world, &pop);

    let (table, counts) = tables::outcomes(&world, &pop, "outcomes/export.parquet");
    summary.outcome_rows = table.len() as u64;
    send(sink, "outcomes/export.parquet", Format::Parquet, table)?;
    let mut outcome_counts = vec![counts];
    let (text, counts) = messy::late_outcomes(&world, &pop);
    sink.text("outcomes/late.ndjson", text)?;
    outcome_counts.push(counts);

    let (table, counts) = messy::assignments(&world, &pop);
    summary.assignments = pop.assignments.len() as u64;
    send(sink, "assignments.csv", comma, table)?;
    let assignment_counts = counts;
    let (table, rollout_counts) = messy::rollouts(&world);
    send(sink, "rollouts.csv", comma, table)?;
    let assigned: Vec<(u64, u64)> = (0..world.trials.len())
        .map(|k| {
            let rows = pop.assignments.iter().filter(|a| usize::from(a.trial) == k);
            let treated = rows.clone().filter(|a| a.treatment).count() as u64;
            (rows.count() as u64, treated)
        })
        .collect();
    // Phase 2 needs only the adoptions (and audiences, for the late file).
    pop.outcomes = Vec::new();
    pop.assignments = Vec::new();
    pop.region = Vec::new();
    pop.age = Vec::new();

    let mut usage = usage::UsageSimulator::new(&world, &pop.adoptions);
    let mut samples = Vec::new();
    let mut last = files::LastMonth::default();
    for r in 0..options.months as i32 {
        let (events, stats) = usage.month(r);
        summary.events += events.len() as u64;
        summary.months += 1;
        if let Some(e) = events.get(events.len() * 7 / 13) {
            samples.push(*e);
        }
        if r == options.months as i32 - 1 {
            last = last_month(&world, &events, stats);
        }
        let path = format!("usage/{}.parquet", calendar::month_label(world.first_month + r));
        let (table, counts) = tables::usage_month(&world, &events, &path);
        drop(events);
        send(sink, &path, Format::Parquet, table)?;
        files.push(counts);
    }
    let (text, counts) = messy::late_usage(&world, &pop, &samples, &mut messy_rng);
    sink.text("usage/late-corrections.csv", text)?;
    files.push(counts);
    files.extend(outcome_counts);
    files.push(assignment_counts);
    files.push(users_counts);
    files.push(rollout_counts);

    sink.text("jauge.toml", files::config(&world, &last, &assigned))?;
    let truth = truth::build(&world, &assigned, rollouts, summary.events, files);
    let json = serde_json::to_string_pretty(&truth).expect("the truth serializes") + "\n";
    sink.text("truth.json", json)?;
    sink.text("README.md", files::readme(&world, summary.events))?;
    summary.files += 5;
    Ok(summary)
}

/// Per product: events, distinct users and first uses of the last month.
fn last_month(world: &world::World, events: &[usage::Event], stats: usage::MonthStats) -> files::LastMonth {
    let n = world.products.len();
    let mut out = files::LastMonth { events: vec![0; n], active: vec![0; n], new: stats.new_users };
    let mut pairs: Vec<u64> = events
        .iter()
        .map(|e| {
            out.events[e.product as usize] += 1;
            (u64::from(e.product) << 32) | u64::from(e.user)
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    for pair in pairs {
        out.active[(pair >> 32) as usize] += 1;
    }
    out
}

/// A sink that drops everything (for sizing runs and benchmarks).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl Sink for NullSink {
    type Error = std::convert::Infallible;
    fn table(&mut self, _: &str, _: Format, _: RawTable) -> Result<(), Self::Error> {
        Ok(())
    }
    fn text(&mut self, _: &str, _: String) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Users of the sizing run behind [`events_per_user`].
const PILOT_USERS: u64 = 20_000;

/// Mean usage events per user for a portfolio of `products` over `months`
/// ending at the default `--end`, measured on a 20 000-user run (about
/// 0.3 s). Events grow linearly with `--users`, roughly linearly with
/// `--products`, and with `--months`.
pub fn events_per_user(products: u32, months: u32) -> f64 {
    let options = GenerateOptions { users: PILOT_USERS, products, months, ..GenerateOptions::default() };
    let summary = match generate(&options, &mut NullSink) {
        Ok(s) => s,
        Err(never) => match never {},
    };
    summary.events as f64 / PILOT_USERS as f64
}

/// `--users` that gives about `target_events` usage events (within a few
/// per cent) with `products` products over `months` months.
pub fn users_for_events(target_events: u64, products: u32, months: u32) -> u64 {
    ((target_events as f64 / events_per_user(products, months)).ceil() as u64).clamp(1, MAX_USERS)
}

#[cfg(test)]
mod tests;
