//! The compute engine: one pass over the sorted events, partition by
//! partition and one (product, user) run at a time, feeds every KPI family.
//! Consecutive groups of partitions are passed over on every core, each
//! into accumulators of its own, merged in partition order: counts add up
//! and survival subjects keep their order, so the figures are those of a
//! single pass;
//! the portfolio is computed from a compact list of distinct (user, day)
//! pairs of each partition, and segments add to one slot per value, so no
//! row is ever copied per segment or for the portfolio. The same runs give
//! each trial assignment its first use of the product (take-up), so impact
//! needs no second look at the events.
//!
//! Not responsible for disclosure control (`privacy`) or writing (`output`).

pub mod calendar;
pub mod funnel;
pub mod impact;
pub mod lookup;
pub mod monthly;
pub mod north_star;
pub mod outcomes;
pub mod quality;
pub mod reach;
pub mod retention;
pub mod rollout;
pub mod slots;
pub mod survival;

use crate::config::Settings;
use crate::error::Result;
use crate::ingest::{Dataset, EventRow, Project};
use crate::tables::Tables;
use crate::tz::TzTable;
use calendar::Calendar;
use lookup::OutcomeIndex;
use monthly::Monthly;
use slots::Slots;

pub use crate::tables::PORTFOLIO;

/// The figures of one product (or the portfolio) while the pass runs.
struct Unit {
    first_month: Option<usize>,
    monthly: Vec<Option<Monthly>>,
    outcome_plan: outcomes::Plan,
    outcome_counts: Vec<Option<outcomes::Counts>>,
    funnel: Option<(funnel::Plan, funnel::Counts)>,
    /// Per outcome of the plan: (duration, event) of every user, arm `all`.
    subjects: Vec<Vec<(i32, bool)>>,
}

impl Unit {
    fn new(plan: outcomes::Plan, funnel: Option<funnel::Plan>, cal: &Calendar, slots: usize) -> Unit {
        Unit {
            first_month: None,
            monthly: vec![None; slots],
            subjects: vec![Vec::new(); plan.outcomes.len()],
            outcome_counts: vec![None; slots],
            funnel: funnel.map(|f| {
                let counts = funnel::Counts::new(cal, &f);
                (f, counts)
            }),
            outcome_plan: plan,
        }
    }
}

impl Unit {
    /// Adds the figures of other users (another group of partitions).
    fn merge(&mut self, other: Unit) {
        self.first_month = match (self.first_month, other.first_month) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (mine, theirs) in self.monthly.iter_mut().zip(other.monthly) {
            merge_slot(mine, theirs, Monthly::merge);
        }
        for (mine, theirs) in self.outcome_counts.iter_mut().zip(other.outcome_counts) {
            merge_slot(mine, theirs, outcomes::Counts::merge);
        }
        if let (Some((_, mine)), Some((_, theirs))) = (&mut self.funnel, &other.funnel) {
            mine.merge(theirs);
        }
        // Partition order, as one pass would push them.
        for (mine, theirs) in self.subjects.iter_mut().zip(other.subjects) {
            // Exactly: a subject per user and outcome is a large share of
            // the memory of compute.
            mine.reserve_exact(theirs.len());
            mine.extend(theirs);
        }
    }
}

fn merge_slot<T>(mine: &mut Option<T>, theirs: Option<T>, add: impl Fn(&mut T, &T)) {
    if let Some(theirs) = theirs {
        match mine {
            Some(m) => add(m, &theirs),
            None => *mine = Some(theirs),
        }
    }
}

/// What the pass over one group of partitions gathers.
struct Pass {
    units: Vec<Unit>,
    portfolio: Unit,
    /// Per assignment, the first use of its product on or after
    /// `assigned_on` (see `record_first_use`).
    first_use: Vec<Option<i32>>,
    scratch: Scratch,
    user_days: Vec<u64>,
}

impl Pass {
    fn new(ctx: &Context<'_>, settings: &Settings) -> Pass {
        let ds = ctx.ds;
        let units = ds
            .catalog
            .iter()
            .map(|p| {
                let plan = outcome_plan(ds, settings.outcomes_for(&p.id), settings.windows_for(&p.id));
                Unit::new(plan, funnel_plan(ds, settings, &p.id), &ctx.cal, ctx.slots.len())
            })
            .collect();
        let portfolio_plan = outcome_plan(ds, &settings.default_outcomes, &settings.default_windows);
        Pass {
            units,
            portfolio: Unit::new(portfolio_plan, None, &ctx.cal, ctx.slots.len()),
            first_use: vec![None; ds.assignments.len()],
            scratch: Scratch::default(),
            user_days: Vec::new(),
        }
    }

    /// A partition holds every event of its users, so each user's figures,
    /// the portfolio's included, are complete within it.
    fn observe_part(&mut self, ctx: &Context<'_>, rows: &[EventRow]) {
        self.user_days.clear();
        for run in rows.chunk_by(|a, b| a.key == b.key) {
            let unit = &mut self.units[run[0].project() as usize];
            observe(ctx, unit, run, &mut self.scratch);
            record_first_use(ctx, run[0].project(), run[0].user(), &self.scratch.days, &mut self.first_use);
            let user = u64::from(run[0].user()) << 32;
            self.user_days.extend(self.scratch.days.iter().map(|d| user | *d as u64));
        }
        observe_portfolio(ctx, &mut self.portfolio, &mut self.user_days, &mut self.scratch);
    }

    /// Adds the pass over the next group of partitions.
    fn merge(&mut self, other: Pass) {
        for (mine, theirs) in self.units.iter_mut().zip(other.units) {
            mine.merge(theirs);
        }
        self.portfolio.merge(other.portfolio);
        // A user's events are all in one partition: one pass at most found
        // each assignment's first use.
        for (mine, theirs) in self.first_use.iter_mut().zip(other.first_use) {
            *mine = mine.or(theirs);
        }
    }
}

/// What every user's run needs to read.
struct Context<'a> {
    ds: &'a Dataset,
    cal: Calendar,
    tz: TzTable,
    slots: Slots,
    index: OutcomeIndex<'a>,
    censor: Option<u32>,
    /// The outcome codes some row gives a value to (mean-value figures).
    valued: rustc_hash::FxHashSet<u32>,
}

/// Scratch buffers reused across runs, so a run allocates nothing.
#[derive(Default)]
struct Scratch {
    days: Vec<usize>,
    months: Vec<(usize, u64)>,
    slots: Vec<usize>,
    hits: Vec<bool>,
}

/// Every figure of SPEC section 4, before disclosure control. Fails only
/// when spilled events cannot be read back.
pub fn compute(ds: &Dataset, settings: &Settings) -> Result<Tables> {
    let Some(first_day) = ds.first_day else {
        return Ok(Tables::default());
    };
    let ctx = Context {
        ds,
        cal: Calendar::new(first_day, ds.month, ds.as_of),
        tz: TzTable::new(settings.timezone),
        slots: Slots::new(&ds.segments),
        index: OutcomeIndex::new(ds),
        censor: settings.censor_outcome.as_deref().and_then(|o| ds.outcome_code(o)),
        valued: ds.outcomes.iter().filter(|o| o.value.is_some()).map(|o| o.outcome).collect(),
    };
    let passes = ds.events.fold_parts(|| Pass::new(&ctx, settings), |pass, rows| pass.observe_part(&ctx, rows))?;
    let mut passes = passes.into_iter();
    let Some(mut pass) = passes.next() else {
        return Ok(Tables::default());
    };
    passes.for_each(|other| pass.merge(other));
    let Pass { units, mut portfolio, first_use, .. } = pass;
    add_product_events(&mut portfolio, &units);
    let mut tables = Tables::default();
    let truncated = truncated_first_months(&ds.catalog, &units, &ctx.cal);
    for (p, unit) in ds.catalog.iter().zip(&units) {
        let first = truncated.iter().find(|t| t.0 == p.id.as_str()).map(|t| t.1);
        unit_rows(&ctx, &p.id, unit, &|c| first == Some(c), &mut tables);
        if let (Some(cost), Some(m)) = (p.annual_cost_eur, unit.monthly[0].as_ref()) {
            tables.kpis.extend(reach::cost_rows(&p.id, cost, m, &ctx.cal, unit.first_month.unwrap_or(0)));
        }
    }
    unit_rows(&ctx, PORTFOLIO, &portfolio, &|c| truncated.iter().any(|t| t.1 == c), &mut tables);
    // Both read the outcome index at length, for other users: side by side.
    let ((), rollout) = rayon::join(
        || randomized_rows(&ctx, settings, &units, &first_use, &mut tables),
        || rollout_rows(&ctx, settings),
    );
    tables.rollout = rollout;
    tables.sort();
    Ok(tables)
}

/// The staggered roll-out figures of every product with `rollout`, from
/// the units' populations and the outcomes (no pass over the events).
fn rollout_rows(ctx: &Context<'_>, settings: &Settings) -> Vec<crate::tables::RolloutRow> {
    let mut out = Vec::new();
    for r in rollouts(ctx.ds, settings, ctx.cal.first_month) {
        for outcome in settings.outcomes_for(r.project_id) {
            let code = ctx.ds.outcome_code(outcome);
            let has_values = code.is_some_and(|c| ctx.valued.contains(&c));
            let q = r.question(outcome, code, has_values);
            out.extend(rollout::rows(&q, &r.units(), &ctx.index));
        }
    }
    out
}

/// What the roll-outs leave out before estimating (SPEC section 6: the
/// report names it), as warnings: it does not depend on the outcome; and a
/// `since` outside the data.
pub fn rollout_left_out(ds: &Dataset, settings: &Settings) -> Vec<crate::ingest::Warning> {
    let Some(first_month) = first_month(ds) else { return Vec::new() };
    let mut out: Vec<crate::ingest::Warning> = settings
        .projects
        .iter()
        .filter_map(|p| Some((p, p.rollout.as_ref()?.since?)))
        .filter(|(_, since)| *since < first_month || *since > ds.month)
        .map(|(p, since)| crate::ingest::Warning::RolloutSince {
            project: p.id.clone(),
            since,
            first_month,
            month: ds.month,
        })
        .collect();
    for r in rollouts(ds, settings, first_month) {
        out.extend(rollout::left_out(&r.question("", None, false), &r.units()));
    }
    out
}

/// The first month of the figures (`rollout.since`'s default); none
/// without events.
pub fn first_month(ds: &Dataset) -> Option<i32> {
    ds.first_day.map(|day| Calendar::new(day, ds.month, ds.as_of).first_month)
}

/// One product's roll-out, ready to be asked about each outcome.
struct Rollout<'a> {
    project_id: &'a str,
    control: crate::stats::Control,
    since: i32,
    periods: usize,
    started_on: Vec<Option<i32>>,
    of_user: Vec<Option<u32>>,
    names: &'a [String],
    min_cell: u64,
}

impl<'a> Rollout<'a> {
    fn question<'q>(&'q self, outcome: &'q str, code: Option<u32>, has_values: bool) -> rollout::Question<'q> {
        rollout::Question {
            project_id: self.project_id,
            outcome,
            code,
            has_values,
            control: self.control,
            since: self.since,
            periods: self.periods,
            started_on: &self.started_on,
            min_cell: self.min_cell,
        }
    }

    fn units(&self) -> rollout::Units<'_> {
        rollout::Units { of_user: &self.of_user, names: self.names }
    }
}

/// The products with `rollout`, a `users` column and at least one opening.
fn rollouts<'a>(ds: &'a Dataset, settings: &'a Settings, first_month: i32) -> Vec<Rollout<'a>> {
    let mut out = Vec::new();
    for p in &settings.projects {
        let (Some(rollout), Some(project)) = (&p.rollout, ds.project_code(&p.id)) else { continue };
        let Some(column) = ds.units.iter().find(|u| u.name == rollout.by) else { continue };
        let starts: Vec<_> = ds.rollouts.iter().filter(|r| r.project == project).collect();
        if starts.is_empty() {
            continue;
        }
        let started_on =
            column.values.iter().map(|unit| starts.iter().find(|s| &s.unit == unit).map(|s| s.day)).collect();
        let missing = column.values.iter().position(|v| v == crate::ingest::MISSING);
        let of_user = column
            .by_user
            .iter()
            .enumerate()
            .map(|(user, &value)| {
                let has_row = ds.user_rows[user];
                (has_row && Some(value as usize) != missing).then_some(value)
            })
            .collect();
        let since = rollout.since.unwrap_or(first_month);
        out.push(Rollout {
            project_id: &p.id,
            control: match rollout.control {
                crate::config::RolloutControl::Never => crate::stats::Control::Never,
                crate::config::RolloutControl::NotYet => crate::stats::Control::NotYet,
            },
            since,
            periods: rollout::periods(since, ds.as_of),
            started_on,
            of_user,
            names: &column.values,
            min_cell: settings.min_cell,
        });
    }
    out
}

fn outcome_plan(ds: &Dataset, outcomes: &[String], windows: &[i32]) -> outcomes::Plan {
    outcomes::Plan {
        outcomes: outcomes.iter().map(|o| (o.clone(), ds.outcome_code(o))).collect(),
        windows: windows.to_vec(),
    }
}

fn funnel_plan(ds: &Dataset, settings: &Settings, project_id: &str) -> Option<funnel::Plan> {
    let p = settings.project(project_id)?;
    let steps = p.funnel.as_ref()?;
    let code = |s: &String| ds.event_names.iter().position(|e| e == s).map(|i| i as u32);
    Some(funnel::Plan {
        steps: steps.iter().map(|s| (s.clone(), code(s))).collect(),
        window_days: p.funnel_window_days,
    })
}

/// One user's events in one product.
fn observe(ctx: &Context<'_>, unit: &mut Unit, run: &[EventRow], s: &mut Scratch) {
    let user = run[0].user();
    s.days.clear();
    s.days.extend(run.iter().map(|e| ctx.cal.day_index(e.day())));
    // Local days follow instants except where a zone falls back across
    // midnight; sorting the few days of one user keeps that case right.
    s.days.sort_unstable();
    month_counts(&ctx.cal, &s.days, &mut s.months);
    s.days.dedup();
    let first_day = ctx.cal.first_month + s.days[0] as i32;
    let cohort = ctx.cal.month_index(first_day);
    add_user(ctx, unit, user, cohort, first_day, s);
    if let Some((plan, counts)) = &mut unit.funnel {
        counts.observe(plan, run, &ctx.tz, &ctx.cal);
    }
}

/// Take-up (SPEC "Effect on the users who took it up"), read off the run
/// already in hand: for the user's assignment to this product, if any, the
/// first local day with an event on or after `assigned_on`. `first_use` is
/// indexed like `ds.assignments`; take-up within `W` days is then
/// `first_use ≤ assigned_on + W`, whatever the window.
fn record_first_use(ctx: &Context<'_>, project: u32, user: u32, days: &[usize], first_use: &mut [Option<i32>]) {
    let assignments = &ctx.ds.assignments;
    let Ok(i) = assignments.binary_search_by_key(&(project, user), |a| (a.project, a.user)) else { return };
    let day_of = |d: &usize| ctx.cal.first_month + *d as i32;
    let from = days.partition_point(|d| day_of(d) < assignments[i].day);
    first_use[i] = days.get(from).map(day_of);
}

/// The figures every unit shares: monthly counts, outcomes, survival.
fn add_user(ctx: &Context<'_>, unit: &mut Unit, user: u32, cohort: usize, first_day: i32, s: &mut Scratch) {
    unit.first_month = Some(unit.first_month.map_or(cohort, |first| first.min(cohort)));
    ctx.slots.of(&ctx.ds.segments, user, &mut s.slots);
    unit.outcome_plan.hits(&ctx.index, user, first_day, &mut s.hits);
    for &slot in &s.slots {
        let monthly = unit.monthly[slot].get_or_insert_with(|| Monthly::new(&ctx.cal));
        monthly.add_user(cohort, &s.months, &s.days);
        let counts =
            unit.outcome_counts[slot].get_or_insert_with(|| outcomes::Counts::new(&ctx.cal, &unit.outcome_plan));
        counts.add(cohort, &s.hits);
    }
    let censor = ctx.index.rows(user, ctx.censor);
    for (subjects, (_, code)) in unit.subjects.iter_mut().zip(&unit.outcome_plan.outcomes) {
        let rows = ctx.index.rows(user, *code);
        subjects.push(survival::subject(rows, censor, first_day, ctx.cal.as_of));
    }
}

/// Distinct months of sorted day indexes, each with the number of entries
/// it holds (events, when `days` has one entry per event).
fn month_counts(cal: &Calendar, days: &[usize], out: &mut Vec<(usize, u64)>) {
    out.clear();
    for &d in days {
        let m = cal.month_index(cal.first_month + d as i32);
        match out.last_mut() {
            Some((last, n)) if *last == m => *n += 1,
            _ => out.push((m, 1)),
        }
    }
}

/// `_portfolio`: a user counts once across products; its cohort is the month
/// of its first event in any product. `user_days` holds (user, day index)
/// pairs of one partition's users.
fn observe_portfolio(ctx: &Context<'_>, portfolio: &mut Unit, user_days: &mut [u64], s: &mut Scratch) {
    user_days.sort_unstable();
    for run in user_days.chunk_by(|a, b| a >> 32 == b >> 32) {
        let user = (run[0] >> 32) as u32;
        s.days.clear();
        s.days.extend(run.iter().map(|v| (*v as u32) as usize));
        s.days.dedup();
        month_counts(&ctx.cal, &s.days, &mut s.months);
        s.months.iter_mut().for_each(|m| m.1 = 0);
        let first_day = ctx.cal.first_month + s.days[0] as i32;
        add_user(ctx, portfolio, user, ctx.cal.month_index(first_day), first_day, s);
    }
}

/// The portfolio's events are the products' sums.
fn add_product_events(portfolio: &mut Unit, units: &[Unit]) {
    for unit in units {
        for (slot, monthly) in unit.monthly.iter().enumerate() {
            let (Some(m), Some(total)) = (monthly, portfolio.monthly[slot].as_mut()) else { continue };
            total.events.iter_mut().zip(&m.events).for_each(|(t, e)| *t += e);
        }
    }
    portfolio.first_month = Some(0);
}

/// Products whose first data month is left-truncated, with that month:
/// users active before the export began all look new there, unless the
/// product launched in or after it.
fn truncated_first_months<'a>(catalog: &'a [Project], units: &[Unit], cal: &Calendar) -> Vec<(&'a str, usize)> {
    catalog
        .iter()
        .zip(units)
        .filter_map(|(p, u)| {
            let first = u.first_month?;
            let launched_after = p.launched_on.is_some_and(|d| d >= cal.month_start(first));
            (!launched_after).then_some((p.id.as_str(), first))
        })
        .collect()
}

fn unit_rows(ctx: &Context<'_>, id: &str, unit: &Unit, truncated: &dyn Fn(usize) -> bool, t: &mut Tables) {
    let Some(first) = unit.first_month else { return };
    for (slot, monthly) in unit.monthly.iter().enumerate() {
        let Some(m) = monthly else { continue };
        let label = ctx.slots.label(slot);
        t.kpis.extend(reach::rows(id, label, m, &ctx.cal, first));
        t.retention.extend(retention::rows(id, label, m, &ctx.cal, truncated));
        if let Some(counts) = &unit.outcome_counts[slot] {
            let cohorts = outcomes::Cohorts { sizes: &m.new, left_truncated: truncated };
            t.outcomes.extend(outcomes::rows(id, label, counts, &cohorts, &unit.outcome_plan, &ctx.cal));
        }
    }
    if let Some((plan, counts)) = &unit.funnel {
        t.funnel.extend(funnel::rows(id, counts, plan, &ctx.cal));
    }
    for ((outcome, _), subjects) in unit.outcome_plan.outcomes.iter().zip(&unit.subjects) {
        let (rows, summary) = survival::curve(id, outcome, "all", subjects);
        t.survival.extend(rows);
        t.survival_summary.push(summary);
    }
}

/// Survival by arm and impact, for every product with assignments.
fn randomized_rows(ctx: &Context<'_>, settings: &Settings, units: &[Unit], first_use: &[Option<i32>], t: &mut Tables) {
    let ds = ctx.ds;
    let mut start = 0;
    for group in ds.assignments.chunk_by(|a, b| a.project == b.project) {
        let uses = &first_use[start..start + group.len()];
        start += group.len();
        let project = &ds.catalog[group[0].project as usize];
        let unit = &units[group[0].project as usize];
        let config = settings.project(&project.id);
        let censor = |user| ctx.index.rows(user, ctx.censor);
        for (outcome, code) in &unit.outcome_plan.outcomes {
            let arm = |treatment: bool| -> Vec<(i32, bool)> {
                group
                    .iter()
                    .filter(|a| a.treatment == treatment)
                    .map(|a| survival::subject(ctx.index.rows(a.user, *code), censor(a.user), a.day, ds.as_of))
                    .collect()
            };
            let (treated, control) = (arm(true), arm(false));
            for (name, subjects) in [("control", &control), ("treatment", &treated)] {
                let (rows, summary) = survival::curve(&project.id, outcome, name, subjects);
                t.survival.extend(rows);
                t.survival_summary.push(summary);
            }
            let has_values = code.is_some_and(|c| ctx.valued.contains(&c));
            // On the full arms, the same for every window and metric.
            let logrank = crate::stats::logrank(&treated, &control);
            for window in &unit.outcome_plan.windows {
                let question = impact::Question {
                    project_id: &project.id,
                    outcome,
                    code: *code,
                    window: *window,
                    primary: config.and_then(|c| c.primary.as_ref()) == Some(&(outcome.clone(), *window)),
                    allocation: config.map_or(0.5, |c| c.allocation),
                    has_values,
                    logrank,
                    planned_n: settings.planned_n_for(&project.id).planned_n,
                };
                let arms = impact::Arms { assignments: group, first_use: uses };
                let mut rows = impact::rows(&question, &arms, &ctx.index, ds.as_of);
                if let (Some(cost), Some(m)) = (project.annual_cost_eur, unit.monthly[0].as_ref()) {
                    let n12 = m.new[ctx.cal.months.saturating_sub(12)..].iter().sum();
                    rows.iter_mut().filter(|r| r.metric == "rate").for_each(|r| impact::add_cost(r, cost, n12));
                }
                t.impact.extend(rows);
            }
        }
    }
}
