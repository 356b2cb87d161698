//! Phase 1 of the simulation: every user's life, drawn once.
//!
//! Responsible for: each user's audience, region and age band; job
//! seekers' registration, trial enrollment, product adoptions (the
//! roll-out products' only where and once they have opened), employment
//! or deregistration and certifications; employers' adoptions and hires;
//! advisers' adoptions. It yields the outcome and assignment rows, one
//! compact [`Adoption`] per (user, product) that can produce usage in the
//! period, which phase 2 (`usage`) turns into events month by month, and
//! the exact expected effect of each roll-out on each region's `users.csv`
//! population month by month ([`RolloutEffects`]).
//!
//! Not responsible for: usage events, or writing files. Memory: a few bytes
//! per user plus 32 bytes per adoption; no per-user heap allocation.

use super::calendar::{DAY, civil_from_days, month_of_day, month_start, paris_to_utc};
use super::catalog::Audience;
use super::messy::Listing;
use super::model::{self, Step};
use super::sample::{Rng, stream};
use super::world::World;

/// User ids are integers from here on, as an information system numbers
/// its records; user `i` (0-based) has id `FIRST_USER_ID + i`.
pub const FIRST_USER_ID: i64 = 1_000_001;

/// The outcome codes, in the dictionary order of the outcome table.
pub const OUTCOMES: [&str; 4] = ["employment", "deregistered", "skill_certified", "hire"];
pub const EMPLOYMENT: u8 = 0;
pub const DEREGISTERED: u8 = 1;
pub const SKILL_CERTIFIED: u8 = 2;
pub const HIRE: u8 = 3;

/// Sentinel for "no age band" (employers, advisers).
pub const NO_AGE: u8 = u8::MAX;

/// One (user, product) that may produce usage events in the period.
#[derive(Debug, Clone, Copy)]
pub struct Adoption {
    /// First use (the funnel's `visit`), µs since the epoch.
    pub first_us: i64,
    pub user: u32,
    /// Usage ends before this local day (exit, product stop, period end).
    pub last_day: i32,
    /// Seconds from first use to the last funnel step reached.
    pub span_s: u32,
    /// How much more or less than the product's average this user uses it.
    pub intensity: f32,
    pub product: u16,
    /// Month of first use, relative to the first data month (negative
    /// when before the period: the user looks new in its first month).
    pub first_month: i16,
    /// Months (from the first-use month) during which the user may come
    /// back; churned afterwards.
    pub churn: u8,
    /// Funnel steps reached, counting `visit` (1 without a funnel).
    pub reached: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct OutcomeRow {
    pub day: i32,
    pub user: u32,
    pub kind: u8,
    /// NaN when null.
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AssignmentRow {
    pub day: i32,
    pub user: u32,
    /// Index in `World::trials`.
    pub trial: u8,
    pub treatment: bool,
}

/// Per roll-out, region and data month, sums over the region's `users.csv`
/// population of what the roll-out changed in expectation (given
/// everything drawn but the outcome times): the probability of an
/// `employment` row dated in the month, and the wage dated in it.
#[derive(Debug, Clone)]
pub struct RolloutEffects {
    months: usize,
    rate: Vec<f64>,
    value: Vec<f64>,
    /// Per region and month: the expected number of employment rows dated
    /// in the month among the region's listed users, and the expected wage
    /// sum (what the estimator's outcome is an unbiased count of).
    expected: Vec<(f64, f64)>,
}

impl RolloutEffects {
    fn new(rollouts: usize, months: usize) -> Self {
        let n = rollouts * model::REGIONS.len() * months;
        RolloutEffects {
            months,
            rate: vec![0.0; n],
            value: vec![0.0; n],
            expected: vec![(0.0, 0.0); model::REGIONS.len() * months],
        }
    }

    /// Expected (employment rows, wage sum) of `region` in `month`.
    pub fn expected(&self, region: usize, month: usize) -> (f64, f64) {
        self.expected[region * self.months + month]
    }

    fn index(&self, rollout: usize, region: usize, month: usize) -> usize {
        (rollout * model::REGIONS.len() + region) * self.months + month
    }

    /// (rate sum, value sum) of `month` (0 = the first data month).
    pub fn get(&self, rollout: usize, region: usize, month: usize) -> (f64, f64) {
        let i = self.index(rollout, region, month);
        (self.rate[i], self.value[i])
    }
}

/// Everything phase 1 produces.
pub struct Population {
    /// Sorted by user.
    pub adoptions: Vec<Adoption>,
    /// Per user: audience, region index, age band index (or [`NO_AGE`]).
    pub audience: Vec<u8>,
    pub region: Vec<u8>,
    pub age: Vec<u8>,
    /// Sorted by day, user, outcome.
    pub outcomes: Vec<OutcomeRow>,
    /// Sorted by day, user.
    pub assignments: Vec<AssignmentRow>,
    /// Job seekers in no trial, without any `skill_certified` row, who
    /// registered before the last month: safe to give an extra outcome row
    /// without touching any planted effect.
    pub plain_job_seekers: Vec<u32>,
    pub rollout_effects: RolloutEffects,
    /// Per region: users listed in `users.csv` with it (a roll-out unit's
    /// population).
    pub unit_population: Vec<u64>,
}

impl Population {
    /// Whether `user` has an adoption of `product` (any, even one without
    /// usage in the period: those are not stored and cannot collide).
    pub fn uses(&self, user: u32, product: u16) -> bool {
        let start = self.adoptions.partition_point(|a| a.user < user);
        self.adoptions[start..].iter().take_while(|a| a.user == user).any(|a| a.product == product)
    }
}

/// Draws the whole population; `listing` says how each user appears in
/// `users.csv`.
pub fn simulate(world: &World, listing: &[Listing]) -> Population {
    let n = world.options.users as usize;
    let months = world.options.months as usize;
    let mut sim = Simulator {
        world,
        listing,
        rng: Rng::new(world.options.seed, stream::POPULATION),
        rollout_rng: Rng::new(world.options.seed, stream::ROLLOUT),
        planned: Vec::with_capacity(64),
        steps: Vec::with_capacity(64),
        month_bounds: (0..=months as i32).map(|m| month_start(world.first_month + m)).collect(),
        with: vec![0.0; months],
        without: vec![0.0; months],
        pop: Population {
            adoptions: Vec::with_capacity(n + n / 2),
            audience: Vec::with_capacity(n),
            region: Vec::with_capacity(n),
            age: Vec::with_capacity(n),
            outcomes: Vec::with_capacity(n),
            assignments: Vec::new(),
            plain_job_seekers: Vec::new(),
            rollout_effects: RolloutEffects::new(world.rollouts.len(), months),
            unit_population: vec![0; model::REGIONS.len()],
        },
    };
    for user in 0..n as u32 {
        let audience = sim.rng.pick(&world.audience_cdf) as u8;
        let region = sim.rng.pick(&world.region_cdf) as u8;
        sim.pop.audience.push(audience);
        sim.pop.region.push(region);
        if listing[user as usize] == Listing::WithRegion {
            sim.pop.unit_population[region as usize] += 1;
        }
        match audience {
            0 => sim.job_seeker(user, region),
            1 => {
                sim.pop.age.push(NO_AGE);
                sim.employer(user);
            }
            _ => {
                sim.pop.age.push(NO_AGE);
                sim.adviser(user);
            }
        }
    }
    let mut pop = sim.pop;
    pop.outcomes.sort_unstable_by(|a, b| {
        (a.day, a.user, a.kind).cmp(&(b.day, b.user, b.kind)).then(a.value.total_cmp(&b.value))
    });
    pop.assignments.sort_unstable();
    pop.adoptions.shrink_to_fit();
    pop
}

struct Simulator<'w> {
    world: &'w World,
    listing: &'w [Listing],
    rng: Rng,
    /// Whether and when roll-outs reach job seekers.
    rollout_rng: Rng,
    /// Planned adoptions of the current user: (day, product).
    planned: Vec<(i32, u16)>,
    /// The current job seeker's hazard changes, by day.
    steps: Vec<(i32, Step)>,
    /// The 1st of each data month, and the 1st after the last.
    month_bounds: Vec<i32>,
    /// The current job seeker's probability of a job dated in each data
    /// month, with every product, and without one roll-out.
    with: Vec<f64>,
    without: Vec<f64>,
    pop: Population,
}

impl Simulator<'_> {
    /// Entry day, uniform from `ENTRY_LEAD_DAYS` before the period to the
    /// export day; job seekers register more in September and January.
    fn entry(&mut self, audience: usize) -> i32 {
        let lo = i64::from(self.world.start_day - model::ENTRY_LEAD_DAYS[audience]);
        let hi = i64::from(self.world.export_day);
        loop {
            let day = self.rng.range(lo, hi) as i32;
            if audience != 0 {
                return day;
            }
            let (_, m, _) = civil_from_days(day);
            if self.rng.unit() * 1.3 < model::ENTRY_SEASON[m as usize - 1] {
                return day;
            }
        }
    }

    /// Plans the user's adoptions among `audience`'s products. A trial
    /// participant never uses the trial's product unless assigned to it
    /// (added by the caller), and starts other products with an effect on
    /// outcomes only from `hold_until` on.
    fn plan(&mut self, audience: Audience, entry: i32, propensity: f64, trial: Option<(usize, i32)>) {
        self.planned.clear();
        let world = self.world;
        for &p in &world.by_audience[audience as usize] {
            let product = &world.products[p as usize];
            if world.rollout_of[p as usize].is_some() {
                continue;
            }
            if trial.is_some_and(|(t, _)| t == p as usize) || !self.rng.chance(product.reach * propensity) {
                continue;
            }
            let delay = self.rng.exp(model::ADOPTION_DELAY_DAYS[audience as usize]);
            let mut day = entry.max(product.launch_day) + delay.min(1e5) as i32;
            if let Some((_, hold_until)) = trial.filter(|_| product.has_effect()) {
                day = day.max(hold_until);
            }
            if day < world.export_day && self.rng.chance(product.adoption_level(day)) {
                self.planned.push((day, p));
            }
        }
    }

    /// Plans the adoptions of the roll-out products open in `region`: each
    /// reaches the job seeker with its `reach`, at an interview after the
    /// opening or the registration (`model::RolloutDesign`).
    fn offer_rollouts(&mut self, entry: i32, region: u8, hold_until: Option<i32>) {
        let world = self.world;
        for rollout in &world.rollouts {
            let Some(opening) = rollout.opening[region as usize] else { continue };
            if !self.rollout_rng.chance(rollout.design.reach) {
                continue;
            }
            let delay = self.rollout_rng.exp(model::ROLLOUT_DELAY_DAYS).min(1e5) as i32;
            let mut day = entry.max(opening) + delay;
            if let Some(hold) = hold_until.filter(|_| world.products[rollout.product].has_effect()) {
                day = day.max(hold);
            }
            if day < world.export_day {
                self.planned.push((day, rollout.product as u16));
            }
        }
    }

    /// The employment hazard changes of the planned adoptions: a
    /// product's `hr` from its first use; a roll-out's, building up month
    /// by month from its opening in `region`.
    fn hazard_steps(&mut self, region: u8) {
        let world = self.world;
        self.steps.clear();
        for &(day, p) in &self.planned {
            let hr = world.products[p as usize].hr;
            if hr == 1.0 {
                continue;
            }
            let Some(k) = world.rollout_of[p as usize] else {
                self.steps.push((day, Step::Hazard(hr)));
                continue;
            };
            let design = &world.rollouts[k as usize].design;
            let opened = world.rollouts[k as usize].opening[region as usize].map_or(month_of_day(day), month_of_day);
            let first = month_of_day(day) - opened;
            let ratio = |j: i32| Step::Rollout { rollout: k, ratio: model::rollout_hazard_ratio(design, hr, j) };
            self.steps.push((day, ratio(first)));
            for j in first + 1..design.build_up_months as i32 {
                self.steps.push((month_start(opened + j), ratio(j)));
            }
        }
        self.steps.sort_by_key(|s| s.0);
    }

    /// Adds to the roll-out effects the expected employment of this job
    /// seeker month by month, and what each roll-out they use changed in it
    /// (`model::employment_by_month` with and without its steps).
    fn add_rollout_effects(&mut self, entry: i32, region: u8, base: f64, wage: f64) {
        let world = self.world;
        let months = self.with.len();
        self.with.fill(0.0);
        model::employment_by_month(entry, base, self.steps.iter(), &self.month_bounds, &mut self.with);
        let effects = &mut self.pop.rollout_effects;
        for m in 0..months {
            let e = &mut effects.expected[region as usize * months + m];
            e.0 += self.with[m];
            e.1 += self.with[m] * wage;
        }
        for k in 0..world.rollouts.len() {
            let of_k = |s: &&(i32, Step)| matches!(s.1, Step::Rollout { rollout, .. } if usize::from(rollout) == k);
            if !self.steps.iter().any(|s| of_k(&s)) {
                continue;
            }
            self.without.fill(0.0);
            let others = self.steps.iter().filter(|s| !of_k(s));
            model::employment_by_month(entry, base, others, &self.month_bounds, &mut self.without);
            for m in 0..months {
                let i = effects.index(k, region as usize, m);
                let change = self.with[m] - self.without[m];
                effects.rate[i] += change;
                effects.value[i] += change * wage;
            }
        }
    }

    fn job_seeker(&mut self, user: u32, region: u8) {
        let world = self.world;
        let age = self.rng.pick(&world.age_cdf);
        self.pop.age.push(age as u8);
        let (_, _, age_hr, propensity) = model::AGE_BANDS[age];
        let entry = self.entry(0);

        let x = self.rng.unit();
        let mut share = 0.0;
        let trial = world.trials.iter().position(|t| {
            if t.eligible(entry, region) {
                share += t.design.share;
            }
            x < share
        });
        let (treatment, complier) = match trial {
            Some(k) => {
                let design = &world.trials[k].design;
                let treatment = self.rng.chance(design.allocation);
                (treatment, treatment && self.rng.chance(design.compliance))
            }
            None => (false, false),
        };
        // Until the longest window the truth is given for has passed, a
        // trial participant's outcomes depend on the arm only, exactly as
        // `model::itt` integrates them.
        let hold = trial.map(|k| (world.trials[k].product, entry + model::TRIAL_HOLD_DAYS));
        self.plan(Audience::JobSeekers, entry, propensity, hold);
        if let Some(k) = trial {
            self.pop.assignments.push(AssignmentRow { day: entry, user, trial: k as u8, treatment });
            if complier {
                self.planned.push((entry, world.trials[k].product as u16));
            }
        }
        self.offer_rollouts(entry, region, hold.map(|h| h.1));
        self.planned.sort_unstable();
        self.hazard_steps(region);

        // Competing risks from entry, 00:00 (see `model`).
        let region_hr = if model::REGIONS[region as usize].2 { model::OVERSEAS_HAZARD } else { 1.0 };
        let base = model::EMPLOYMENT_HAZARD * age_hr * region_hr;
        let target = self.rng.exp(1.0);
        let t_employment =
            first_passage(entry, target, model::hazard_pieces(entry, base, self.steps.iter(), &[i32::MAX]));
        let t_deregistration = self.rng.exp(1.0 / model::DEREGISTRATION_HAZARD);
        let t_certified = self.rng.exp(1.0 / model::OTHER_CERTIFICATION_HAZARD);
        let wage = (model::WAGE_MEDIAN * (model::WAGE_LOG_SD * self.rng.normal()).exp() * 100.0).round() / 100.0;
        if self.listing[user as usize] == Listing::WithRegion {
            self.add_rollout_effects(entry, region, base, wage);
        }
        let employed = t_employment < t_deregistration;
        let exit_day = entry + t_employment.min(t_deregistration).min(1e6) as i32;
        if employed {
            self.outcome(exit_day, user, EMPLOYMENT, wage);
        } else {
            self.outcome(exit_day, user, DEREGISTERED, f64::NAN);
        }

        let mut certified = [entry + t_certified.min(1e6) as i32, i32::MAX];
        for i in 0..self.planned.len() {
            let (day, p) = self.planned[i];
            // A complier's adoption is on the entry day, never after exit.
            if day > exit_day {
                continue;
            }
            let last_day = world.products[p as usize].stop_day.min(exit_day + 1);
            if let Some(validated) = self.adopt(user, p, day, last_day) {
                certified[1] = certified[1].min(validated);
            }
        }
        if certified[0] == certified[1] {
            certified[1] = i32::MAX;
        }
        let before = self.pop.outcomes.len();
        for day in certified {
            if day != i32::MAX {
                self.outcome(day, user, SKILL_CERTIFIED, f64::NAN);
            }
        }
        let has_certificate = self.pop.outcomes[before..].iter().any(|o| o.kind == SKILL_CERTIFIED);
        if trial.is_none() && !has_certificate && entry < world.as_of - 31 && self.pop.plain_job_seekers.len() < 16 {
            self.pop.plain_job_seekers.push(user);
        }
    }

    fn employer(&mut self, user: u32) {
        let world = self.world;
        let entry = self.entry(1);
        self.plan(Audience::Employers, entry, 1.0, None);
        self.planned.sort_unstable();
        for i in 0..self.planned.len() {
            let (day, p) = self.planned[i];
            self.adopt(user, p, day, world.products[p as usize].stop_day);
        }
        // Hires: a Poisson process whose rate is multiplied by each
        // product's `hr` from its adoption day; only the period's are
        // exported, one row per day with the number of hires as `value`.
        let begin = entry.max(world.start_day);
        let mut hr = 1.0;
        let mut next = 0;
        while next < self.planned.len() && self.planned[next].0 <= begin {
            hr *= world.products[self.planned[next].1 as usize].hr;
            next += 1;
        }
        let mut t = f64::from(begin);
        let (mut day, mut count) = (i32::MIN, 0.0);
        loop {
            let boundary = self.planned.get(next).map_or(world.export_day, |&(d, _)| d.min(world.export_day));
            loop {
                let dt = self.rng.exp(1.0 / (model::HIRE_RATE * hr));
                if t + dt >= f64::from(boundary) {
                    break;
                }
                t += dt;
                let d = t as i32;
                if d != day {
                    if count > 0.0 {
                        self.outcome(day, user, HIRE, count);
                    }
                    (day, count) = (d, 0.0);
                }
                count += 1.0;
            }
            t = f64::from(boundary);
            if next >= self.planned.len() || boundary >= world.export_day {
                break;
            }
            hr *= world.products[self.planned[next].1 as usize].hr;
            next += 1;
        }
        if count > 0.0 {
            self.outcome(day, user, HIRE, count);
        }
    }

    fn adviser(&mut self, user: u32) {
        let world = self.world;
        let entry = self.entry(2);
        self.plan(Audience::Advisers, entry, 1.0, None);
        self.planned.sort_unstable();
        for i in 0..self.planned.len() {
            let (day, p) = self.planned[i];
            self.adopt(user, p, day, world.products[p as usize].stop_day);
        }
    }

    /// Keeps an outcome row dated within the export.
    fn outcome(&mut self, day: i32, user: u32, kind: u8, value: f64) {
        if (self.world.start_day..self.world.export_day).contains(&day) {
            self.pop.outcomes.push(OutcomeRow { day, user, kind, value });
        }
    }

    /// Draws the habits of one adoption starting on `day` and stores it if
    /// it can produce usage in the period. Returns the day the skills
    /// product validated the user's skills, if it did.
    fn adopt(&mut self, user: u32, p: u16, day: i32, last_day: i32) -> Option<i32> {
        let world = self.world;
        let product = &world.products[p as usize];
        let audience = product.audience as usize;
        let hour = self.rng.pick(&world.hour_cdf[audience]) as i64;
        let secs = hour * 3600 + self.rng.below(3600) as i64;
        let first_s = utc(world, day, secs);
        let first_us = first_s * 1_000_000 + self.rng.below(1000) as i64 * 1000;
        let churn = 1.0 + ((1.0 - self.rng.unit()).ln() / product.keep.ln()).floor();
        let intensity = (0.6 * self.rng.normal() - 0.18).exp();

        let mut reached = 1u8;
        for &(_, conversion) in &product.funnel {
            if !self.rng.chance(conversion) {
                break;
            }
            reached += 1;
        }
        let complete = !product.funnel.is_empty() && usize::from(reached) == product.funnel.len() + 1;
        let mut validated = None;
        let span_s: i64 = if product.certifies && complete {
            // Whole days after first use (see `model::itt`), at a daytime
            // hour; on the same day, later the same evening at most.
            let days = self.rng.exp(model::VALIDATION_MEAN_DAYS).min(1e5) as i32;
            let vsecs = if days == 0 {
                secs + ((86_399 - secs) as f64 * (0.1 + 0.8 * self.rng.unit())) as i64
            } else {
                8 * 3600 + self.rng.below(12 * 3600) as i64
            };
            validated = Some(day + days);
            (utc(world, day + days, vsecs) - first_s).max(0)
        } else {
            match reached {
                1 => 0,
                2 => 60 + self.rng.below(840) as i64,
                3 if self.rng.chance(0.6) => 300 + self.rng.below(3300) as i64,
                _ => 3600 + self.rng.exp(2.5 * DAY as f64).min(60.0 * DAY as f64) as i64,
            }
        };

        let first_month = month_of_day(day) - world.first_month;
        let churn = churn.min(255.0) as i32;
        let last_day = last_day.min(world.end_day);
        let in_period = day < world.end_day && last_day > world.start_day && day < last_day && first_month + churn > 0;
        if in_period {
            self.pop.adoptions.push(Adoption {
                first_us,
                user,
                last_day,
                span_s: span_s as u32,
                intensity: intensity as f32,
                product: p,
                first_month: first_month.max(i32::from(i16::MIN)) as i16,
                churn: churn as u8,
                reached,
            });
        }
        validated
    }
}

/// Days from `entry` until the cumulative hazard of `pieces` (day ranges
/// from `entry` on, the last one open-ended) reaches `target`.
fn first_passage(entry: i32, target: f64, pieces: impl Iterator<Item = (i32, i32, f64)>) -> f64 {
    let mut spent = 0.0;
    for (from, to, hazard) in pieces {
        let segment = hazard * f64::from(to - from);
        if spent + segment >= target {
            return f64::from(from - entry) + (target - spent) / hazard;
        }
        spent += segment;
    }
    f64::INFINITY
}

/// UTC second of a local time, through the world's table when the day is
/// in it.
fn utc(world: &World, day: i32, secs: i64) -> i64 {
    if (world.start_day..=world.export_day).contains(&day) { world.utc(day, secs) } else { paris_to_utc(day, secs) }
}
