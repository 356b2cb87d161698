//! `truth.json`: what the generator planted, for tests to check estimates
//! against.
//!
//! Responsible for: the true intention-to-treat effect of each randomized
//! product on each outcome and window (from `model::itt`), the true
//! effects of each staggered roll-out on its regions (from the
//! simulation's exact expectations, aggregated as SPEC section 4's
//! estimator aggregates its cells), the hazard ratios of the other
//! products, and the expected reconciliation of every file (rows read,
//! accepted, rejected by reason, duplicate, after the cut-off) when the
//! default month is used.
//!
//! Not responsible for: drawing anything or writing files.

use std::collections::BTreeMap;

use serde::Serialize;

use super::calendar::{month_label, month_of_day};
use super::model;
use super::population::Population;
use super::world::World;
use crate::raw::format_date;

/// Windows the truth is given for (those of the generated `jauge.toml`).
pub const WINDOWS: [i32; 3] = [30, 90, 180];

/// The generated configuration's `min_cell`: a roll-out group whose units
/// hold fewer people is left out, a cell whose comparison units do is
/// suppressed (SPEC section 6).
pub const MIN_CELL: u64 = 10;

/// Which bucket of SPEC section 3 a row falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Accepted,
    Rejected(&'static str),
    Duplicate,
    AfterCutoff,
}

/// Expected reconciliation of one input file.
#[derive(Debug, Clone, Serialize)]
pub struct FileCounts {
    pub input: &'static str,
    /// Relative to the output folder (where `jauge.toml` is).
    pub file: String,
    pub rows_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub duplicate: u64,
    pub after_cutoff: u64,
    /// Rejected rows by reason code.
    pub rejects: BTreeMap<&'static str, u64>,
}

impl FileCounts {
    pub fn new(input: &'static str, file: &str) -> Self {
        FileCounts {
            input,
            file: file.to_owned(),
            rows_read: 0,
            accepted: 0,
            rejected: 0,
            duplicate: 0,
            after_cutoff: 0,
            rejects: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, class: Class) {
        self.add_n(class, 1);
    }

    pub fn add_n(&mut self, class: Class, n: u64) {
        self.rows_read += n;
        match class {
            Class::Accepted => self.accepted += n,
            Class::Duplicate => self.duplicate += n,
            Class::AfterCutoff => self.after_cutoff += n,
            Class::Rejected(reason) => {
                self.rejected += n;
                *self.rejects.entry(reason).or_default() += n;
            }
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Truth {
    pub generator: Generator,
    pub period: Period,
    pub model: ModelSummary,
    pub randomized: Vec<TrialTruth>,
    pub observational: Vec<Observational>,
    pub rollouts: Vec<RolloutTruth>,
    pub validation: Validation,
}

#[derive(Debug, Serialize)]
pub struct Generator {
    pub users: u64,
    pub products: u32,
    pub end: String,
    pub months: u32,
    pub seed: u64,
    pub usage_events: u64,
}

#[derive(Debug, Serialize)]
pub struct Period {
    pub first_month: String,
    pub last_month: String,
    /// The default month's cut-off.
    pub as_of: String,
    /// Usage parts stop at the end of the last month; the messy usage file,
    /// outcomes and assignments run to the day before this.
    pub exported_on: String,
    pub timezone: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ModelSummary {
    pub description: &'static str,
    pub employment_hazard_per_day: f64,
    pub deregistration_hazard_per_day: f64,
    pub other_certification_hazard_per_day: f64,
    pub validation_mean_days: f64,
    pub mean_monthly_wage: f64,
    pub hire_rate_per_day: f64,
    pub rollout_description: &'static str,
    pub rollout_delay_mean_days: f64,
}

#[derive(Debug, Serialize)]
pub struct TrialTruth {
    pub project_id: String,
    pub allocation: f64,
    pub compliance: f64,
    pub enrollment_from: String,
    /// Inclusive.
    pub enrollment_to: String,
    /// Regional pilot, or `null` for all regions.
    pub regions: Option<Vec<&'static str>>,
    /// Rows of the trial in `assignments.csv` (corrections excluded; those
    /// after the cut-off included).
    pub assigned: u64,
    pub assigned_treatment: u64,
    /// True when the product has no effect on any outcome.
    pub zero_effect: bool,
    /// The planted effect: the hazard ratio of employment from first use,
    /// for users of the product (compliers); 1 = none. It changes
    /// deregistration too (a competing risk).
    pub employment_hazard_ratio_if_used: f64,
    /// For the skills product: the probability that a user's funnel ends in
    /// `skill_validated` (recorded as `skill_certified`); 0 otherwise.
    pub certification_probability_if_used: f64,
    pub outcomes: Vec<OutcomeTruth>,
}

#[derive(Debug, Serialize)]
pub struct OutcomeTruth {
    pub outcome: &'static str,
    pub windows: Vec<WindowTruth>,
}

#[derive(Debug, Serialize)]
pub struct WindowTruth {
    pub window_days: i32,
    /// P(outcome in [assigned_on, assigned_on + window]) by arm, ITT.
    pub p_control: f64,
    pub p_treatment: f64,
    pub difference: f64,
    pub relative_uplift: Option<f64>,
    /// True difference of the mean `value` summed in the window
    /// (`mean_value` rows); only for outcomes with a value.
    pub mean_value_difference: Option<f64>,
    /// The effect on the users who took the product up (CACE): control
    /// users never use it and treatment users do with probability
    /// `compliance`, so the intention-to-treat difference is `compliance`
    /// times the effect on them.
    pub cace: f64,
    pub mean_value_cace: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Observational {
    pub project_id: String,
    pub outcome: &'static str,
    /// Hazard ratio from first use, for users not in a trial.
    pub hazard_ratio: f64,
}

/// A staggered roll-out: its design, its units, and its true effects.
#[derive(Debug, Serialize)]
pub struct RolloutTruth {
    pub project_id: String,
    /// `rollout.by`.
    pub by: &'static str,
    /// `rollout.control`.
    pub control: &'static str,
    /// True when the product changes nothing: every `att` below is 0.
    pub zero_effect: bool,
    /// Share of a region's job seekers offered the product after it opens.
    pub reach: f64,
    /// The hazard ratio of employment of its users, once built up.
    pub employment_hazard_ratio_if_used: f64,
    /// Months over which that ratio builds up linearly from the opening
    /// month (1: at once).
    pub build_up_months: u32,
    /// The panel's periods (`rollout.since` unset: the first data month).
    pub first_period: String,
    pub last_period: String,
    /// Every unit with people in `users.csv`, by name.
    pub units: Vec<UnitTruth>,
    /// `employment` with metrics `rate` and `mean_value`.
    pub outcomes: Vec<RolloutOutcomeTruth>,
}

#[derive(Debug, Serialize)]
pub struct UnitTruth {
    pub unit: &'static str,
    /// Accepted `users.csv` rows with this value (P_u).
    pub population: u64,
    /// The opening in `rollouts.csv` (accepted rows), if any.
    pub started_on: Option<String>,
    /// The month of `started_on`, `YYYY-MM`.
    pub group: Option<String>,
    /// `treated` (its group is in the panel), `never_treated`, or
    /// `left_out` (opened in the first period or before, or a group of
    /// fewer than `MIN_CELL` people).
    pub role: &'static str,
}

/// One figure of a roll-out: the true effect on the treated units, and
/// what the estimator gives on average over the outcome times on this
/// very population (`att` plus the comparison's departure from parallel
/// trends). Both null when suppressed or when there is no cell behind.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Figure {
    pub att: Option<f64>,
    pub expected: Option<f64>,
}

/// True effects for one metric.
#[derive(Debug, Serialize)]
pub struct RolloutOutcomeTruth {
    pub outcome: &'static str,
    pub metric: &'static str,
    /// Mean of every cell with period ≥ group, weighted by the group's units.
    pub simple: Figure,
    /// θ(e) for e ≥ 0.
    pub dynamic: Vec<EventTimeTruth>,
    /// Plain mean of θ(e), e ≥ 0.
    pub dynamic_overall: Figure,
    /// θ(g): plain mean of the group's cells with period ≥ group.
    pub group: Vec<GroupTruth>,
    /// Mean of θ(g) weighted by the groups' units.
    pub group_overall: Figure,
    /// Every ATT(g,t), the placebo cells (period before group, `att` 0)
    /// included.
    pub att_gt: Vec<CellTruth>,
}

#[derive(Debug, Serialize)]
pub struct EventTimeTruth {
    pub event_time: i32,
    #[serde(flatten)]
    pub figure: Figure,
}

#[derive(Debug, Serialize)]
pub struct GroupTruth {
    pub group: String,
    pub units: u64,
    #[serde(flatten)]
    pub figure: Figure,
}

#[derive(Debug, Serialize)]
pub struct CellTruth {
    pub group: String,
    pub period: String,
    pub event_time: i32,
    #[serde(flatten)]
    pub figure: Figure,
}

#[derive(Debug, Serialize)]
pub struct Validation {
    pub month: String,
    pub as_of: String,
    pub files: Vec<FileCounts>,
    pub totals: BTreeMap<&'static str, FileCounts>,
}

const DESCRIPTION: &str = "Job seekers: from registration, employment and deregistration are \
competing exponential risks (employment hazard x age band x region, x the hazard ratio of each \
product used, from its first use); an outcome at continuous time t days is dated entry + floor(t). \
Trials enroll new job seekers at registration (assigned_on = registration day); treatment users \
use the product from that day with probability `compliance`, control users never; trial \
participants start no other product with an effect within 181 days of assignment. skill_certified: from other bodies at a constant \
hazard, and from the skills product when its funnel completes (probability = product of its \
conversions), floor(Exp(validation_mean_days)) days after first use. Differences are intention to \
treat, exact for the simulated model.";

const ROLLOUT_DESCRIPTION: &str = "A roll-out product opens region by region on its `started_on` \
days (rollouts.csv). From the opening, each job seeker of an opened region is offered it with \
probability `reach` at an interview floor(Exp(rollout_delay_mean_days)) days after the opening or \
their registration, whichever is later (after the trial hold for trial participants), and uses it \
from that day: their employment hazard is multiplied by `employment_hazard_ratio_if_used`, or, with \
build_up_months > 1, by 1 + (hr - 1) * min(1, (k + 1) / build_up_months) in the k-th calendar month \
from the region's opening month. A constant ratio does not give a constant rise of the monthly rate: \
users find jobs sooner, so fewer are left to find one later, and theta(e) peaks a few months after \
the opening. The unit effect in month t is the sum over the unit's users.csv rows (P_u) of the change \
the product makes to P(an employment row dated in t) (metric rate) or to the expected wage dated in \
t (metric mean_value), divided by |P_u|: computed exactly for each simulated job seeker who was \
offered it, given everything drawn but the employment and deregistration times (registration, age \
band, region, the other products and their days, the offer day, the wage), from the \
piecewise-constant competing-risk model with and without the product. `att` of ATT(g,t) is the mean \
of the unit effects of group g's units in period t (0 before the opening); the aggregates are SPEC \
section 4's (did::aggte): dynamic theta(e) weights groups by their units, simple weights every cell \
with t >= g by its group's units, group is the plain mean of a group's cells. `expected` is the same \
estimator applied to each unit's expected outcome (the same exact sums over P_u, without the \
product's removal): what the estimate averages to over the outcome times on this population. It \
differs from `att` where trends are not parallel: through who registered when in each region, and \
through the other roll-outs, which the design balances (each opens the nine largest regions along its \
own row, column or diagonal of a 3 x 3 square, so that every wave of one meets every wave of another \
once) without cancelling them exactly. Every roll-out opened the other nine regions two years before \
the period (pilots, left out).";

/// The true effects of every roll-out of `world` on the population that
/// `pop` simulated.
pub fn rollouts(world: &World, pop: &Population) -> Vec<RolloutTruth> {
    let months = world.options.months as usize;
    let label = |p: usize| month_label(world.first_month + p as i32);
    world
        .rollouts
        .iter()
        .enumerate()
        .map(|(k, rollout)| {
            let product = &world.products[rollout.product];
            let panel = Panel::new(world, rollout, &pop.unit_population);
            let units = panel
                .units
                .iter()
                .map(|u| UnitTruth {
                    unit: model::REGIONS[u.region].0,
                    population: u.population,
                    started_on: rollout.opening[u.region].map(format_date),
                    group: rollout.opening[u.region].map(|d| month_label(month_of_day(d))),
                    role: match u.role {
                        Role::Treated(_) => "treated",
                        Role::Never => "never_treated",
                        Role::LeftOut => "left_out",
                    },
                })
                .collect();
            let effects = &pop.rollout_effects;
            let outcomes = [("rate", 0), ("mean_value", 1)]
                .into_iter()
                .map(|(metric, m)| {
                    let pick = |pair: (f64, f64)| if m == 0 { pair.0 } else { pair.1 };
                    let effect = |region: usize, period: usize| pick(effects.get(k, region, period));
                    let expected = |region: usize, period: usize| pick(effects.expected(region, period));
                    panel.aggregate(months, &effect, &expected, &label, metric)
                })
                .collect();
            RolloutTruth {
                project_id: product.id.clone(),
                by: "region",
                control: rollout.design.control,
                zero_effect: product.hr == 1.0,
                reach: rollout.design.reach,
                employment_hazard_ratio_if_used: product.hr,
                build_up_months: rollout.design.build_up_months,
                first_period: label(0),
                last_period: label(months - 1),
                units,
                outcomes,
            }
        })
        .collect()
}

/// What a unit is in a roll-out's panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// In the group of this period index.
    Treated(usize),
    Never,
    LeftOut,
}

struct PanelUnit {
    region: usize,
    population: u64,
    role: Role,
}

/// One ATT(g,t) cell: its group's units (the weight of the aggregates),
/// and its figure.
struct Cell {
    group: usize,
    period: usize,
    units: f64,
    figure: Figure,
}

/// A roll-out's units as SPEC section 4's estimator sees them.
struct Panel {
    units: Vec<PanelUnit>,
    control: &'static str,
}

impl Panel {
    fn new(world: &World, rollout: &super::world::Rollout, population: &[u64]) -> Self {
        let months = world.options.months as usize;
        let mut units: Vec<PanelUnit> = (0..model::REGIONS.len())
            .filter(|&r| population[r] > 0)
            .map(|region| {
                let group = rollout.opening[region].map(|d| month_of_day(d) - world.first_month);
                let role = match group {
                    None => Role::Never,
                    Some(g) if g >= months as i32 => Role::Never,
                    Some(g) if g <= 0 => Role::LeftOut,
                    Some(g) => Role::Treated(g as usize),
                };
                PanelUnit { region, population: population[region], role }
            })
            .collect();
        // A group of fewer than `MIN_CELL` people is left out.
        for g in 1..months {
            let people: u64 = units.iter().filter(|u| u.role == Role::Treated(g)).map(|u| u.population).sum();
            if people < MIN_CELL {
                units.iter_mut().filter(|u| u.role == Role::Treated(g)).for_each(|u| u.role = Role::LeftOut);
            }
        }
        Panel { units, control: rollout.design.control }
    }

    fn group(&self, g: usize) -> Vec<&PanelUnit> {
        self.units.iter().filter(|u| u.role == Role::Treated(g)).collect()
    }

    /// The comparison units of group `g` in period `t`: the never-treated,
    /// and with `not_yet` the groups later than `t` (other than `g`).
    fn comparison(&self, g: usize, t: usize) -> Vec<&PanelUnit> {
        let compared = |u: &&PanelUnit| match u.role {
            Role::Never => true,
            Role::Treated(h) => self.control == "not_yet" && h > t && h != g,
            Role::LeftOut => false,
        };
        self.units.iter().filter(compared).collect()
    }

    /// Every cell and its aggregates, from the units' summed effects
    /// `effect(region, period)` and summed expected outcomes
    /// `expected(region, period)`.
    fn aggregate(
        &self,
        months: usize,
        effect: &dyn Fn(usize, usize) -> f64,
        expected: &dyn Fn(usize, usize) -> f64,
        label: &dyn Fn(usize) -> String,
        metric: &'static str,
    ) -> RolloutOutcomeTruth {
        let mean = |units: &[&PanelUnit], f: &dyn Fn(&PanelUnit) -> f64| {
            units.iter().map(|u| f(u)).sum::<f64>() / units.len() as f64
        };
        let mut cells: Vec<Cell> = Vec::new();
        for g in 1..months {
            let treated = self.group(g);
            if treated.is_empty() {
                continue;
            }
            for t in 1..months {
                let base = if t >= g { g - 1 } else { t - 1 };
                let compared = self.comparison(g, t);
                if compared.is_empty() {
                    continue;
                }
                let change = |u: &PanelUnit| (expected(u.region, t) - expected(u.region, base)) / u.population as f64;
                let att = if t >= g { mean(&treated, &|u| effect(u.region, t) / u.population as f64) } else { 0.0 };
                let published = compared.iter().map(|u| u.population).sum::<u64>() >= MIN_CELL;
                let figure = Figure {
                    att: published.then_some(att),
                    expected: published.then(|| mean(&treated, &change) - mean(&compared, &change)),
                };
                cells.push(Cell { group: g, period: t, units: treated.len() as f64, figure });
            }
        }
        let post: Vec<&Cell> = cells.iter().filter(|c| c.period >= c.group).collect();
        let simple = weighted(post.iter().copied());
        let mut event_times: Vec<usize> = post.iter().map(|c| c.period - c.group).collect();
        event_times.sort_unstable();
        event_times.dedup();
        let dynamic: Vec<EventTimeTruth> = event_times
            .into_iter()
            .map(|e| EventTimeTruth {
                event_time: e as i32,
                figure: weighted(post.iter().copied().filter(|c| c.period - c.group == e)),
            })
            .collect();
        let dynamic_overall = plain_mean(dynamic.iter().map(|d| d.figure));
        let mut groups: Vec<usize> = post.iter().map(|c| c.group).collect();
        groups.dedup();
        let group: Vec<GroupTruth> = groups
            .iter()
            .map(|&g| GroupTruth {
                group: label(g),
                units: self.group(g).len() as u64,
                figure: plain_mean(post.iter().filter(|c| c.group == g).map(|c| c.figure)),
            })
            .collect();
        let group_overall = weighted_by(group.iter().map(|g| (g.units as f64, g.figure)));
        let att_gt = cells
            .iter()
            .map(|c| CellTruth {
                group: label(c.group),
                period: label(c.period),
                event_time: c.period as i32 - c.group as i32,
                figure: c.figure,
            })
            .collect();
        RolloutOutcomeTruth {
            outcome: "employment",
            metric,
            simple,
            dynamic,
            dynamic_overall,
            group,
            group_overall,
            att_gt,
        }
    }
}

/// The mean of the cells' figures weighted by their groups' units.
fn weighted<'c>(cells: impl Iterator<Item = &'c Cell>) -> Figure {
    weighted_by(cells.map(|c| (c.units, c.figure)))
}

/// The weighted mean of figures; null when there is none or when one is
/// null (an aggregate over a suppressed cell is suppressed).
fn weighted_by(items: impl Iterator<Item = (f64, Figure)>) -> Figure {
    let items: Vec<(f64, Figure)> = items.collect();
    let total: f64 = items.iter().map(|i| i.0).sum();
    let mean = |pick: fn(&Figure) -> Option<f64>| {
        let sum: Option<f64> = items.iter().map(|(w, f)| pick(f).map(|x| w * x)).sum();
        sum.filter(|_| !items.is_empty()).map(|s| s / total)
    };
    Figure { att: mean(|f| f.att), expected: mean(|f| f.expected) }
}

fn plain_mean(figures: impl Iterator<Item = Figure>) -> Figure {
    weighted_by(figures.map(|f| (1.0, f)))
}

/// Builds the truth from the world, the trial assignments and the file
/// reconciliations.
pub fn build(
    world: &World,
    assigned: &[(u64, u64)],
    rollouts: Vec<RolloutTruth>,
    usage_events: u64,
    files: Vec<FileCounts>,
) -> Truth {
    let opts = &world.options;
    let randomized = world
        .trials
        .iter()
        .zip(assigned)
        .map(|(trial, &(n, treated))| {
            let product = &world.products[trial.product];
            let outcomes = model::TRIAL_OUTCOMES
                .iter()
                .map(|&outcome| OutcomeTruth {
                    outcome,
                    windows: WINDOWS
                        .iter()
                        .map(|&w| {
                            let p = model::itt(&trial.design, product, outcome, w);
                            let difference = p.treatment - p.control;
                            let mean_value_difference =
                                (outcome == "employment").then(|| difference * model::mean_wage());
                            let compliance = trial.design.compliance;
                            WindowTruth {
                                window_days: w,
                                p_control: p.control,
                                p_treatment: p.treatment,
                                difference,
                                relative_uplift: (p.control > 0.0).then(|| difference / p.control),
                                mean_value_difference,
                                cace: difference / compliance,
                                mean_value_cace: mean_value_difference.map(|d| d / compliance),
                            }
                        })
                        .collect(),
                })
                .collect();
            TrialTruth {
                project_id: product.id.clone(),
                allocation: trial.design.allocation,
                compliance: trial.design.compliance,
                enrollment_from: format_date(trial.from),
                enrollment_to: format_date(trial.to - 1),
                regions: trial.design.regions.map(|r| r.to_vec()),
                assigned: n,
                assigned_treatment: treated,
                zero_effect: !product.has_effect(),
                employment_hazard_ratio_if_used: product.hr,
                certification_probability_if_used: if product.certifies {
                    model::funnel_completion(product)
                } else {
                    0.0
                },
                outcomes,
            }
        })
        .collect();
    let observational = world
        .products
        .iter()
        .enumerate()
        .filter(|(i, p)| p.hr != 1.0 && world.rollout_of[*i].is_none())
        .map(|(_, p)| Observational {
            project_id: p.id.clone(),
            outcome: if p.audience == super::catalog::Audience::Employers { "hire" } else { "employment" },
            hazard_ratio: p.hr,
        })
        .collect();
    let mut totals: BTreeMap<&'static str, FileCounts> = BTreeMap::new();
    for f in &files {
        let t = totals.entry(f.input).or_insert_with(|| FileCounts::new(f.input, "*"));
        t.rows_read += f.rows_read;
        t.accepted += f.accepted;
        t.rejected += f.rejected;
        t.duplicate += f.duplicate;
        t.after_cutoff += f.after_cutoff;
        for (reason, n) in &f.rejects {
            *t.rejects.entry(reason).or_default() += n;
        }
    }
    Truth {
        generator: Generator {
            users: opts.users,
            products: opts.products,
            end: month_label(world.last_month),
            months: opts.months,
            seed: opts.seed,
            usage_events,
        },
        period: Period {
            first_month: month_label(world.first_month),
            last_month: month_label(world.last_month),
            as_of: format_date(world.as_of),
            exported_on: format_date(world.export_day),
            timezone: "Europe/Paris",
        },
        model: ModelSummary {
            description: DESCRIPTION,
            employment_hazard_per_day: model::EMPLOYMENT_HAZARD,
            deregistration_hazard_per_day: model::DEREGISTRATION_HAZARD,
            other_certification_hazard_per_day: model::OTHER_CERTIFICATION_HAZARD,
            validation_mean_days: model::VALIDATION_MEAN_DAYS,
            mean_monthly_wage: model::mean_wage(),
            hire_rate_per_day: model::HIRE_RATE,
            rollout_description: ROLLOUT_DESCRIPTION,
            rollout_delay_mean_days: model::ROLLOUT_DELAY_DAYS,
        },
        randomized,
        observational,
        rollouts,
        validation: Validation { month: month_label(world.last_month), as_of: format_date(world.as_of), files, totals },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TRIAL_HOLD_DAYS;

    #[test]
    fn windows_are_within_the_exact_horizon() {
        assert!(WINDOWS.iter().all(|&w| w < TRIAL_HOLD_DAYS));
    }

    /// Four periods; units 0 and 1 open in period 1, unit 2 in period 2,
    /// unit 3 never; ten people each. A unit's effect is `0.01 · (e + 1)`
    /// at event time e; its expected outcome `slope · t`.
    fn panel(control: &'static str, never_population: u64) -> (Panel, RolloutOutcomeTruth) {
        let unit = |region, role, population| PanelUnit { region, population, role };
        let panel = Panel {
            units: vec![
                unit(0, Role::Treated(1), 10),
                unit(1, Role::Treated(1), 10),
                unit(2, Role::Treated(2), 10),
                unit(3, Role::Never, never_population),
            ],
            control,
        };
        let group = [1, 1, 2, 0];
        let slope = [0.004, 0.002, 0.003, 0.001];
        let people = |r: usize| if r == 3 { never_population as f64 } else { 10.0 };
        let effect = |r: usize, t: usize| {
            if r < 3 && t >= group[r] { 0.01 * (t - group[r] + 1) as f64 * people(r) } else { 0.0 }
        };
        let expected = |r: usize, t: usize| slope[r] * t as f64 * people(r);
        let figures = panel.aggregate(4, &effect, &expected, &|p| format!("p{p}"), "rate");
        (panel, figures)
    }

    fn close(figure: Figure, att: f64, expected: f64) -> bool {
        (figure.att.unwrap() - att).abs() < 1e-12 && (figure.expected.unwrap() - expected).abs() < 1e-12
    }

    /// The aggregates of SPEC section 4, worked by hand on `panel`.
    #[test]
    fn aggregates_weigh_groups_as_the_estimator_does() {
        let (_, o) = panel("never", 10);
        // simple: (2 · (0.01 + 0.02 + 0.03) + 1 · (0.01 + 0.02)) / 8; the
        // expected change of cell (g, t) is (mean slope of g − 0.001)·(t − g + 1).
        let expected_simple = (2.0 * 0.002 * (1.0 + 2.0 + 3.0) + 0.002 * (1.0 + 2.0)) / 8.0;
        assert!(close(o.simple, 0.15 / 8.0, expected_simple), "{:?}", o.simple);
        let dynamic: Vec<f64> = o.dynamic.iter().map(|d| d.figure.att.unwrap()).collect();
        assert_eq!(o.dynamic.iter().map(|d| d.event_time).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(dynamic.iter().zip([0.01, 0.02, 0.03]).all(|(a, b)| (a - b).abs() < 1e-12), "{dynamic:?}");
        assert!((o.dynamic_overall.att.unwrap() - 0.02).abs() < 1e-12);
        assert!((o.group[0].figure.att.unwrap() - 0.02).abs() < 1e-12);
        assert!((o.group[1].figure.att.unwrap() - 0.015).abs() < 1e-12);
        assert!((o.group_overall.att.unwrap() - 0.055 / 3.0).abs() < 1e-12);
        // Placebo cells: att 0; (g = 2, t = 1) compares the change from
        // period 0 of unit 2 (0.003) with unit 3's (0.001).
        let placebo: Vec<&CellTruth> = o.att_gt.iter().filter(|c| c.event_time < 0).collect();
        assert_eq!(placebo.len(), 1);
        assert!(close(placebo[0].figure, 0.0, 0.002), "{:?}", placebo[0].figure);
    }

    /// With `not_yet`, group 2 compares with group 1 before opening; a
    /// comparison of fewer than `MIN_CELL` people suppresses its cells and
    /// every aggregate over them.
    #[test]
    fn comparisons_and_suppression() {
        let (panel_not_yet, o) = panel("not_yet", 10);
        assert_eq!(panel_not_yet.comparison(1, 1).len(), 2);
        assert_eq!(panel_not_yet.comparison(1, 2).len(), 1);
        let cell = o.att_gt.iter().find(|c| c.group == "p1" && c.period == "p1").unwrap();
        // Units 0 and 1 change by 0.003 on average, units 2 and 3 by 0.002.
        assert!(close(cell.figure, 0.01, 0.001), "{:?}", cell.figure);
        let (_, suppressed) = panel("never", 5);
        assert!(suppressed.att_gt.iter().all(|c| c.figure.att.is_none() && c.figure.expected.is_none()));
        assert!(suppressed.simple.att.is_none() && suppressed.dynamic_overall.expected.is_none());
    }
}
