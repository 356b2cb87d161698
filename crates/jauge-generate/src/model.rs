//! The generator's model in one place: who the users are, their outcome
//! hazards, the randomized trials, the seasonal and daily rhythms, and the
//! exact intention-to-treat effects the trials plant (written to
//! `truth.json`).
//!
//! Responsible for: every tunable number of the simulation and the
//! analytic formulas derived from them. The simulation (`population`,
//! `usage`) reads these constants; the formulas here must stay in step with
//! how it draws.
//!
//! Not responsible for: drawing anything (see `population` and `usage`).
//!
//! Outcome model for job seekers: from registration (the *entry* day, at
//! 00:00), employment and deregistration are competing exponential risks,
//! with daily hazards `λe · age · region · HR(t)` and `λd`, where `HR(t)` is
//! the product of the hazard ratios of the products used before `t`
//! (usage starts on the adoption day). An outcome at continuous time `t`
//! days is dated `entry + floor(t)`, so "on or before `entry + W`" means
//! `t < W + 1`. The first of the two ends the registration spell (and the
//! use of job-seeker products). `skill_certified` comes from two
//! independent sources: other certification bodies (exponential hazard
//! `λs` from entry) and the skills product, whose funnel reaches
//! `skill_validated` with probability `p_f`, `floor(Exp(mean μD))` days after
//! first use. Trial participants' outcomes depend on their arm only for
//! [`TRIAL_HOLD_DAYS`] after assignment (other products with an effect
//! start later), so the ITT differences of windows below it are exact.

use super::catalog::Product;

/// Daily hazard of employment for the reference job seeker (26–49,
/// metropolitan France): a median registration of six months if nothing
/// else happened.
pub const EMPLOYMENT_HAZARD: f64 = std::f64::consts::LN_2 / 180.0;
/// Daily hazard of deregistration without a job (median one year).
pub const DEREGISTRATION_HAZARD: f64 = std::f64::consts::LN_2 / 365.0;
/// Daily hazard of a skills certificate obtained elsewhere (median 5 years).
pub const OTHER_CERTIFICATION_HAZARD: f64 = std::f64::consts::LN_2 / 1825.0;
/// Mean days from first use of the skills product to `skill_validated`.
pub const VALIDATION_MEAN_DAYS: f64 = 12.0;
/// Monthly wage written as the `value` of `employment`: log-normal with
/// this median and log-sd, rounded to the cent.
pub const WAGE_MEDIAN: f64 = 1850.0;
pub const WAGE_LOG_SD: f64 = 0.3;
/// Daily rate of hires of an employer without any product (one in five
/// months).
pub const HIRE_RATE: f64 = 0.2 / 30.44;

/// Shares of the three audiences among users.
pub const AUDIENCE_SHARES: [f64; 3] = [0.85, 0.12, 0.03];

/// Job seekers' age bands: label, share, employment hazard multiplier,
/// propensity to try digital products. Young people use more products and
/// find jobs faster, so observed outcome rates of users overstate effects.
pub const AGE_BANDS: [(&str, f64, f64, f64); 3] =
    [("16-25", 0.22, 1.25, 1.3), ("26-49", 0.56, 1.0, 1.0), ("50+", 0.22, 0.6, 0.6)];

/// French regions: name, weight (per mille of job seekers, roughly), and
/// whether overseas (lower employment hazard).
pub const REGIONS: [(&str, u32, bool); 18] = [
    ("Île-de-France", 190, false),
    ("Auvergne-Rhône-Alpes", 110, false),
    ("Hauts-de-France", 100, false),
    ("Occitanie", 100, false),
    ("Provence-Alpes-Côte d'Azur", 90, false),
    ("Nouvelle-Aquitaine", 90, false),
    ("Grand Est", 80, false),
    ("Pays de la Loire", 50, false),
    ("Normandie", 50, false),
    ("Bretagne", 45, false),
    ("Bourgogne-Franche-Comté", 40, false),
    ("Centre-Val de Loire", 40, false),
    ("Corse", 5, false),
    ("La Réunion", 20, true),
    ("Guadeloupe", 7, true),
    ("Martinique", 6, true),
    ("Guyane", 5, true),
    ("Mayotte", 4, true),
];
/// Employment hazard multiplier overseas.
pub const OVERSEAS_HAZARD: f64 = 0.65;

/// Calibration of the templates' reach and sessions per audience (job
/// seekers, employers, advisers): about 27 usage events per user with the
/// default portfolio and period.
pub const REACH_SCALE: [f64; 3] = [1.8, 1.6, 1.0];
pub const SESSION_SCALE: [f64; 3] = [2.2, 2.2, 1.3];

/// Share of users absent from `users.csv`, and of rows with an empty region.
pub const USERS_MISSING: f64 = 0.03;
pub const REGION_EMPTY: f64 = 0.02;

/// Earliest entry, in days before the first data month, per audience: job
/// seekers registered up to a year before, employers and advisers long
/// before (so the first data month is left-truncated).
pub const ENTRY_LEAD_DAYS: [i32; 3] = [365, 730, 1500];
/// Mean days from entry (or launch) to trying a product, per audience.
pub const ADOPTION_DELAY_DAYS: [f64; 3] = [40.0, 150.0, 120.0];

/// Activity by calendar month (January first): summer dip, September peak.
pub const MONTH_SEASON: [f64; 12] = [1.05, 1.0, 1.05, 1.0, 0.95, 0.95, 0.8, 0.6, 1.2, 1.1, 1.05, 0.85];
/// Registrations of job seekers by calendar month.
pub const ENTRY_SEASON: [f64; 12] = [1.15, 1.0, 1.0, 0.95, 0.9, 0.95, 1.0, 0.8, 1.3, 1.1, 1.0, 0.85];
/// Activity by weekday (Monday first), per audience.
pub const WEEKDAY: [[f64; 7]; 3] = [
    [1.25, 1.15, 1.1, 1.1, 0.95, 0.4, 0.3],
    [1.2, 1.2, 1.15, 1.15, 1.0, 0.12, 0.05],
    // Agencies close on Thursday afternoons.
    [1.2, 1.25, 1.25, 0.9, 1.15, 0.02, 0.01],
];
/// Activity on a public holiday relative to a Monday, per audience.
pub const HOLIDAY: [f64; 3] = [0.4, 0.1, 0.03];
/// Session starts by local hour, per audience.
pub const HOURS: [[f64; 24]; 3] = [
    [
        0.3, 0.15, 0.1, 0.08, 0.08, 0.15, 0.5, 1.2, 2.5, 3.5, 3.8, 3.4, 2.4, 2.6, 3.2, 3.2, 2.9, 2.5, 2.2, 2.3, 2.6,
        2.4, 1.6, 0.8,
    ],
    [
        0.05, 0.03, 0.02, 0.02, 0.03, 0.1, 0.5, 1.8, 3.5, 4.0, 3.9, 3.2, 1.8, 2.5, 3.6, 3.6, 3.2, 2.4, 1.3, 0.6, 0.4,
        0.3, 0.2, 0.1,
    ],
    [
        0.0, 0.0, 0.0, 0.0, 0.0, 0.01, 0.1, 1.0, 3.5, 4.2, 4.2, 3.5, 1.2, 2.4, 4.0, 4.0, 3.4, 1.8, 0.4, 0.1, 0.05,
        0.02, 0.0, 0.0,
    ],
];
/// Share of sessions in which the tracker fires one event twice (an exact
/// duplicate row in the usage export).
pub const DOUBLE_FIRE: f64 = 1.0 / 400.0;

/// A randomized evaluation of one product among new job seekers: at
/// registration, an eligible job seeker enters it with probability `share`;
/// then treatment with probability `allocation`. Treatment users use the
/// product from that day with probability `compliance`; control users
/// cannot use it. The true effect is the product's `hr`.
#[derive(Debug, Clone, Copy)]
pub struct TrialDesign {
    /// Index of the template (and so of the product, when present).
    pub product: usize,
    pub share: f64,
    pub allocation: f64,
    pub compliance: f64,
    /// Enrollment window in months before the last data month: from the
    /// 1st of `end - from` (inclusive) to the 1st of `end - to`
    /// (exclusive); `to = -1` runs to the export day.
    pub from: i32,
    pub to: i32,
    /// Only these regions (a regional pilot), or all.
    pub regions: Option<&'static [&'static str]>,
}

/// Four trials: the skills product (moderate effect on employment, large on
/// certification), interview coaching (large), job alerts (small, regional
/// pilot, 60 % treated) and career planning (none: HR 1).
pub const TRIALS: [TrialDesign; 4] = [
    TrialDesign { product: 0, share: 0.12, allocation: 0.5, compliance: 0.7, from: 12, to: 1, regions: None },
    TrialDesign { product: 1, share: 0.1, allocation: 0.5, compliance: 0.8, from: 13, to: 4, regions: None },
    TrialDesign {
        product: 2,
        share: 0.2,
        allocation: 0.6,
        compliance: 0.9,
        from: 10,
        to: -1,
        regions: Some(&["Hauts-de-France", "Occitanie", "Grand Est"]),
    },
    TrialDesign { product: 3, share: 0.08, allocation: 0.5, compliance: 0.75, from: 9, to: 2, regions: None },
];

/// The job-seeker population a trial enrolls: (weight, employment hazard)
/// per age band and region, weights summing to 1.
pub fn trial_population(design: &TrialDesign) -> Vec<(f64, f64)> {
    let eligible = |name: &str| design.regions.is_none_or(|r| r.contains(&name));
    let region_total: f64 = REGIONS.iter().filter(|r| eligible(r.0)).map(|r| f64::from(r.1)).sum();
    let mut types = Vec::new();
    for &(_, age_share, age_hr, _) in &AGE_BANDS {
        for &(name, weight, overseas) in &REGIONS {
            if !eligible(name) {
                continue;
            }
            let region_hr = if overseas { OVERSEAS_HAZARD } else { 1.0 };
            types.push((age_share * f64::from(weight) / region_total, EMPLOYMENT_HAZARD * age_hr * region_hr));
        }
    }
    types
}

/// Probability that the first of two competing exponential risks happens
/// before `t` and is the one with hazard `a` (the other has hazard `b`).
fn cumulative_incidence(a: f64, b: f64, t: f64) -> f64 {
    a / (a + b) * (1.0 - (-(a + b) * t).exp())
}

/// The true ITT probabilities of one outcome within `[assigned_on,
/// assigned_on + window]`, both ends inclusive, in each arm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArmProbabilities {
    pub control: f64,
    pub treatment: f64,
}

/// Days after assignment before a trial participant may start another
/// product with an effect on outcomes: the truth of every window up to
/// `TRIAL_HOLD_DAYS - 1` days is exact.
pub const TRIAL_HOLD_DAYS: i32 = 181;

/// Outcomes a trial's truth is computed for.
pub const TRIAL_OUTCOMES: [&str; 3] = ["employment", "deregistered", "skill_certified"];

/// True ITT probabilities for `outcome` within `window` days, for a trial
/// of `product` (its `hr`; whether it certifies) with `design`.
pub fn itt(design: &TrialDesign, product: &Product, outcome: &str, window: i32) -> ArmProbabilities {
    let t = f64::from(window) + 1.0;
    let c = design.compliance;
    let mut control = 0.0;
    let mut treatment = 0.0;
    match outcome {
        "employment" | "deregistered" => {
            for (w, le) in trial_population(design) {
                let ld = DEREGISTRATION_HAZARD;
                let (untreated, used) = if outcome == "employment" {
                    (cumulative_incidence(le, ld, t), cumulative_incidence(le * product.hr, ld, t))
                } else {
                    (cumulative_incidence(ld, le, t), cumulative_incidence(ld, le * product.hr, t))
                };
                control += w * untreated;
                treatment += w * (c * used + (1.0 - c) * untreated);
            }
        }
        "skill_certified" => {
            let elsewhere = (-OTHER_CERTIFICATION_HAZARD * t).exp();
            control = 1.0 - elsewhere;
            treatment = if product.certifies {
                let validated = funnel_completion(product) * (1.0 - (-t / VALIDATION_MEAN_DAYS).exp());
                1.0 - (1.0 - c * validated) * elsewhere
            } else {
                control
            };
        }
        _ => panic!("no truth for outcome {outcome}"),
    }
    ArmProbabilities { control, treatment }
}

/// Probability of reaching the last funnel step from `visit`.
pub fn funnel_completion(product: &Product) -> f64 {
    product.funnel.iter().map(|(_, p)| p).product()
}

/// Mean monthly wage, E[exp(N(ln median, sd²))], for the `mean_value`
/// truth (rounding to the cent moves it by far less than any interval).
pub fn mean_wage() -> f64 {
    WAGE_MEDIAN * (WAGE_LOG_SD * WAGE_LOG_SD / 2.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::month_index;
    use crate::catalog;

    #[test]
    fn shares_sum_to_one() {
        assert!((AUDIENCE_SHARES.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((AGE_BANDS.iter().map(|a| a.1).sum::<f64>() - 1.0).abs() < 1e-12);
        for design in &TRIALS {
            let total: f64 = trial_population(design).iter().map(|t| t.0).sum();
            assert!((total - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn zero_effect_trial_has_zero_difference() {
        let (products, _) = catalog::build(40, month_index(2026, 10));
        let design = &TRIALS[3];
        assert_eq!(products[design.product].hr, 1.0);
        for outcome in TRIAL_OUTCOMES {
            for w in [30, 90, 180] {
                let p = itt(design, &products[design.product], outcome, w);
                assert_eq!(p.treatment, p.control, "{outcome} {w}");
            }
        }
    }

    #[test]
    fn effects_have_the_planted_direction_and_size_order() {
        let (products, _) = catalog::build(40, month_index(2026, 10));
        let diff = |i: usize| {
            let p = itt(&TRIALS[i], &products[TRIALS[i].product], "employment", 90);
            p.treatment - p.control
        };
        assert!(diff(1) > diff(0) && diff(0) > diff(2) && diff(2) > 0.0);
        let base = itt(&TRIALS[1], &products[1], "employment", 90).control;
        assert!((0.2..0.35).contains(&base), "{base}");
        let cert = itt(&TRIALS[0], &products[0], "skill_certified", 90);
        assert!(cert.treatment - cert.control > 0.15);
        // Competing risk: more jobs, fewer deregistrations.
        let dereg = itt(&TRIALS[1], &products[1], "deregistered", 90);
        assert!(dereg.treatment < dereg.control);
    }

    #[test]
    fn cumulative_incidences_add_up() {
        let (a, b, t) = (0.004, 0.002, 91.0);
        let both = cumulative_incidence(a, b, t) + cumulative_incidence(b, a, t);
        assert!((both - (1.0 - (-(a + b) * t).exp())).abs() < 1e-15);
    }
}
