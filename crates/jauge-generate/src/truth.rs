//! `truth.json`: what the generator planted, for tests to check estimates
//! against.
//!
//! Responsible for: the true intention-to-treat effect of each randomized
//! product on each outcome and window (from `model::itt`), the hazard
//! ratios of the other products, and the expected reconciliation of every
//! file (rows read, accepted, rejected by reason, duplicate, after the
//! cut-off) when the default month is used.
//!
//! Not responsible for: drawing anything or writing files.

use std::collections::BTreeMap;

use serde::Serialize;

use super::calendar::month_label;
use super::model;
use super::world::World;
use crate::raw::format_date;

/// Windows the truth is given for (those of the generated `jauge.toml`).
pub const WINDOWS: [i32; 3] = [30, 90, 180];

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

/// Builds the truth from the world, the trial assignments and the file
/// reconciliations.
pub fn build(world: &World, assigned: &[(u64, u64)], usage_events: u64, files: Vec<FileCounts>) -> Truth {
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
        .filter(|p| p.hr != 1.0)
        .map(|p| Observational {
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
        },
        randomized,
        observational,
        validation: Validation { month: month_label(world.last_month), as_of: format_date(world.as_of), files, totals },
    }
}

#[cfg(test)]
mod tests {
    use super::WINDOWS;
    use crate::model::TRIAL_HOLD_DAYS;

    #[test]
    fn windows_are_within_the_exact_horizon() {
        assert!(WINDOWS.iter().all(|&w| w < TRIAL_HOLD_DAYS));
    }
}
