//! The generator's model in one place: who the users are, their outcome
//! hazards, the randomized trials, the staggered roll-outs, the seasonal
//! and daily rhythms, the exact intention-to-treat effects the trials plant
//! and the exact monthly employment probabilities the roll-outs' truth is
//! summed from (written to `truth.json`).
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
//! (usage starts on the adoption day; a roll-out's ratio may build up).
//! An outcome at continuous time `t` days is dated `entry + floor(t)`, so
//! "on or before `entry + W`" means `t < W + 1`. The first of the two ends
//! the registration spell (and the use of job-seeker products). `skill_certified` comes from two
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
/// seekers, employers, advisers): about 31 usage events per user with the
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

/// A staggered roll-out: a job-seeker product that opens region by region.
/// It is adviser-led: from the opening, each job seeker of the region is
/// offered it with probability `reach`, whatever their age, at the first
/// interview after `max(registration, opening)`, `floor(Exp(mean
/// ROLLOUT_DELAY_DAYS))` days later, and uses it from then on. The user's
/// employment hazard is multiplied by the product's `hr`, or, with
/// `build_up_months > 1`, by `1 + (hr − 1) · min(1, (k + 1) /
/// build_up_months)` in the k-th calendar month from the region's opening
/// month (a service that matures: a mentors' network growing). Trial
/// participants start one with an effect only after the trial's hold.
#[derive(Debug, Clone, Copy)]
pub struct RolloutDesign {
    /// Index of the template (and so of the product, when present).
    pub product: usize,
    /// `rollout.control` in the generated configuration.
    pub control: &'static str,
    pub reach: f64,
    pub build_up_months: u32,
    pub waves: &'static [Wave],
}

/// Regions that open on the same day: `day` of the month `months_before`
/// the last data month (a wave in the first data month or before is a
/// pilot, which the estimator leaves out).
#[derive(Debug, Clone, Copy)]
pub struct Wave {
    pub months_before: i32,
    pub day: u32,
    pub regions: &'static [&'static str],
}

/// Mean days from a region's opening (or a later registration) to the
/// interview where a job seeker is offered the product.
pub const ROLLOUT_DELAY_DAYS: f64 = 30.0;

/// The nine largest regions, where the roll-outs open during the period,
/// as a 3 × 3 square: each roll-out opens a row, a column or a diagonal of
/// it in a first wave, another in a second wave, and leaves the third
/// unopened (see [`ROLLOUTS`]).
const SQUARE: [[&str; 3]; 3] = [
    ["Île-de-France", "Auvergne-Rhône-Alpes", "Hauts-de-France"],
    ["Occitanie", "Provence-Alpes-Côte d'Azur", "Nouvelle-Aquitaine"],
    ["Grand Est", "Pays de la Loire", "Normandie"],
];

/// Where every roll-out opened two years before the period (so that the
/// estimator leaves them out): the other regions, among them the overseas
/// regions and Corsica, whose few people would make every comparison noisy
/// (a unit weighs 1 whatever its population).
const PILOTS: [&str; 9] = [
    "Bretagne",
    "Bourgogne-Franche-Comté",
    "Centre-Val de Loire",
    "Corse",
    "La Réunion",
    "Guadeloupe",
    "Martinique",
    "Guyane",
    "Mayotte",
];

/// The square's cells (row, column) whose `pattern` is `value`: pattern 0
/// takes the row, 1 the column, 2 and 3 the two diagonals `(row + column)`
/// and `(row + 2 · column)` mod 3. Any two patterns are orthogonal: each of
/// one's three sets meets each of the other's in exactly one region.
const fn cells(pattern: usize, value: usize) -> [&'static str; 3] {
    let mut out = [""; 3];
    let mut k = 0;
    let mut r = 0;
    while r < 3 {
        let mut c = 0;
        while c < 3 {
            let v = match pattern {
                0 => r,
                1 => c,
                2 => (r + c) % 3,
                _ => (r + 2 * c) % 3,
            };
            if v == value {
                out[k] = SQUARE[r][c];
                k += 1;
            }
            c += 1;
        }
        r += 1;
    }
    out
}

/// Four roll-outs: childcare places (no effect), a mentors' network
/// (building up over six months), help with the driving licence and a
/// first-job programme (constant ratios). Roll-outs with an effect on the
/// same outcome bias each other's comparisons when one opens in the other's
/// regions at other times than in its comparison regions; here each opens
/// along its own pattern of the square, so that every wave and the
/// unopened regions of one hold each wave of every other once: their
/// effects are balanced between any roll-out's groups and its comparison.
pub const ROLLOUTS: [RolloutDesign; 4] = [
    RolloutDesign {
        product: 16,
        control: "never",
        reach: 0.4,
        build_up_months: 1,
        waves: &[
            Wave { months_before: 24, day: 1, regions: &PILOTS },
            Wave { months_before: 10, day: 1, regions: &cells(0, 0) },
            Wave { months_before: 6, day: 15, regions: &cells(0, 1) },
        ],
    },
    RolloutDesign {
        product: 31,
        control: "never",
        reach: 0.8,
        build_up_months: 6,
        waves: &[
            Wave { months_before: 24, day: 1, regions: &PILOTS },
            Wave { months_before: 11, day: 3, regions: &cells(1, 0) },
            Wave { months_before: 7, day: 1, regions: &cells(1, 1) },
        ],
    },
    RolloutDesign {
        product: 25,
        control: "not_yet",
        reach: 0.6,
        build_up_months: 1,
        waves: &[
            Wave { months_before: 24, day: 1, regions: &PILOTS },
            Wave { months_before: 12, day: 5, regions: &cells(2, 0) },
            Wave { months_before: 8, day: 2, regions: &cells(2, 1) },
        ],
    },
    RolloutDesign {
        product: 17,
        control: "never",
        reach: 0.7,
        build_up_months: 1,
        waves: &[
            Wave { months_before: 24, day: 1, regions: &PILOTS },
            Wave { months_before: 9, day: 16, regions: &cells(3, 0) },
            Wave { months_before: 5, day: 2, regions: &cells(3, 1) },
        ],
    },
];

/// The hazard ratio of a roll-out product in the `k`-th calendar month
/// from its opening month (k ≥ 0).
pub fn rollout_hazard_ratio(design: &RolloutDesign, hr: f64, k: i32) -> f64 {
    let share = (f64::from(k + 1) / f64::from(design.build_up_months.max(1))).min(1.0);
    1.0 + (hr - 1.0) * share
}

/// A change in a job seeker's employment hazard from some day on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Multiplied by this (a product's `hr` from its first use).
    Hazard(f64),
    /// Roll-out `rollout`'s ratio is now this (it builds up).
    Rollout { rollout: u8, ratio: f64 },
}

/// A job seeker's employment hazard from day `entry` on, `base` times the
/// hazard steps so far times each roll-out's current ratio, as `(from, to,
/// hazard)` day ranges cut at every step and every bound, up to the last
/// bound (`steps` sorted by day).
pub fn hazard_pieces<'s>(
    entry: i32,
    base: f64,
    steps: impl Iterator<Item = &'s (i32, Step)> + 's,
    bounds: &'s [i32],
) -> impl Iterator<Item = (i32, i32, f64)> + 's {
    let mut steps = steps.peekable();
    let mut ratios = [1.0; ROLLOUTS.len()];
    let (mut pos, mut hr) = (entry, 1.0);
    let end = bounds.last().copied().unwrap_or(entry);
    std::iter::from_fn(move || {
        if pos >= end {
            return None;
        }
        while let Some(&&(_, step)) = steps.peek().filter(|s| s.0 <= pos) {
            match step {
                Step::Hazard(f) => hr *= f,
                Step::Rollout { rollout, ratio } => ratios[rollout as usize] = ratio,
            }
            steps.next();
        }
        let next_bound = bounds.iter().copied().find(|&b| b > pos).unwrap_or(end);
        let next = steps.peek().map_or(next_bound, |s| s.0.min(next_bound));
        let piece = (pos, next, base * hr * ratios.iter().product::<f64>());
        pos = next;
        Some(piece)
    })
}

/// Probability that a job seeker registered on day `entry` finds a job
/// dated in each month `[bounds[i], bounds[i + 1])`, added to `out[i]`,
/// with the employment hazard of [`hazard_pieces`] and deregistration at
/// [`DEREGISTRATION_HAZARD`]. Exact for the model: on a piece of constant
/// employment hazard `c` from day `x` to `y`, the mass is `c / (c + λd) ·
/// S(x) · (1 − e^{−(c + λd)(y − x)})`.
pub fn employment_by_month<'s>(
    entry: i32,
    base: f64,
    steps: impl Iterator<Item = &'s (i32, Step)> + 's,
    bounds: &'s [i32],
    out: &mut [f64],
) {
    let ld = DEREGISTRATION_HAZARD;
    let mut survival = 1.0;
    for (from, to, c) in hazard_pieces(entry, base, steps, bounds) {
        let decay = (-(c + ld) * f64::from(to - from)).exp();
        let month = bounds.partition_point(|&b| b <= from);
        if month > 0 {
            out[month - 1] += c / (c + ld) * survival * (1.0 - decay);
        }
        survival *= decay;
    }
}

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

    /// Without steps, the monthly masses are differences of the closed-form
    /// cumulative incidence `a / (a + b) · (1 − e^{−(a + b) t})`.
    #[test]
    fn monthly_employment_without_steps_is_the_cumulative_incidence() {
        let (entry, base) = (100, 0.004);
        let bounds = [90, 120, 151, 181];
        let mut out = [0.0; 3];
        employment_by_month(entry, base, [].iter(), &bounds, &mut out);
        let at = |day: i32| cumulative_incidence(base, DEREGISTRATION_HAZARD, f64::from((day - entry).max(0)));
        for i in 0..3 {
            let expected = at(bounds[i + 1]) - at(bounds[i]);
            assert!((out[i] - expected).abs() < 1e-15, "{i}: {} vs {expected}", out[i]);
        }
    }

    /// With a product's ratio and a roll-out building up, against a
    /// midpoint-rule integral of `λe(t) · S(t)` on a fine grid.
    #[test]
    fn monthly_employment_with_steps_matches_a_numerical_integral() {
        let (entry, base) = (0, 0.003);
        let steps = [
            (10, Step::Hazard(1.5)),
            (40, Step::Rollout { rollout: 1, ratio: 1.2 }),
            (61, Step::Rollout { rollout: 1, ratio: 1.4 }),
            (75, Step::Rollout { rollout: 0, ratio: 2.0 }),
        ];
        let bounds = [0, 31, 61, 92, 122];
        let mut out = [0.0; 4];
        employment_by_month(entry, base, steps.iter(), &bounds, &mut out);
        // The same hazard written out by hand.
        let hazard = |t: f64| {
            let product = if t >= 10.0 { 1.5 } else { 1.0 };
            let building = if t >= 61.0 {
                1.4
            } else if t >= 40.0 {
                1.2
            } else {
                1.0
            };
            let other = if t >= 75.0 { 2.0 } else { 1.0 };
            base * product * building * other
        };
        // 2000 steps a day: every change of hazard falls on a step's edge.
        let n = 122 * 2000;
        let dt = 122.0 / f64::from(n);
        let (mut cumulative, mut integral) = (0.0, [0.0; 4]);
        for i in 0..n {
            let t = (f64::from(i) + 0.5) * dt;
            let h = hazard(t);
            let survival = (-(cumulative + h * dt / 2.0) - DEREGISTRATION_HAZARD * t).exp();
            integral[bounds.partition_point(|&b| f64::from(b) <= t) - 1] += h * survival * dt;
            cumulative += h * dt;
        }
        for i in 0..4 {
            assert!((out[i] - integral[i]).abs() < 1e-8, "{i}: {} vs {}", out[i], integral[i]);
        }
    }

    #[test]
    fn a_build_up_is_linear_then_flat() {
        let design = &ROLLOUTS[1];
        assert_eq!(design.build_up_months, 6);
        let ratios: Vec<f64> = (0..8).map(|k| rollout_hazard_ratio(design, 2.2, k)).collect();
        assert!((ratios[0] - 1.2).abs() < 1e-12 && (ratios[2] - 1.6).abs() < 1e-12, "{ratios:?}");
        assert!(ratios[5..].iter().all(|&r| (r - 2.2).abs() < 1e-12), "{ratios:?}");
        assert_eq!(rollout_hazard_ratio(&ROLLOUTS[2], 1.6, 0), 1.6);
    }

    /// Each roll-out names real regions, each once, and the square's
    /// patterns are orthogonal: every wave (or the unopened third) of one
    /// roll-out meets every one of another's in exactly one region.
    #[test]
    fn roll_out_designs_are_sound_and_balanced() {
        for design in &ROLLOUTS {
            let mut named: Vec<&str> = design.waves.iter().flat_map(|w| w.regions.iter().copied()).collect();
            assert!(named.iter().all(|n| REGIONS.iter().any(|r| r.0 == *n)), "{named:?}");
            let total = named.len();
            named.sort_unstable();
            named.dedup();
            assert_eq!(named.len(), total, "a region opens twice");
        }
        for a in 0..4 {
            for b in a + 1..4 {
                for va in 0..3 {
                    for vb in 0..3 {
                        let shared = cells(a, va).iter().filter(|r| cells(b, vb).contains(r)).count();
                        assert_eq!(shared, 1, "patterns {a}, {b}: values {va}, {vb}");
                    }
                }
            }
        }
        let mut all: Vec<&str> = SQUARE.iter().flatten().chain(PILOTS.iter()).copied().collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), REGIONS.len(), "the square and the pilots cover every region once");
    }

    #[test]
    fn cumulative_incidences_add_up() {
        let (a, b, t) = (0.004, 0.002, 91.0);
        let both = cumulative_incidence(a, b, t) + cumulative_incidence(b, a, t);
        assert!((both - (1.0 - (-(a + b) * t).exp())).abs() < 1e-15);
    }
}
