//! Time to outcome for one arm: the Kaplan–Meier survival curve with
//! Greenwood's variance and its log-log 95% band, the Nelson–Aalen cumulative
//! hazard, and the median time with its Brookmeyer–Crowley interval (SPEC
//! section 4, "Time to outcome").
//!
//! Input is one `(duration in whole days, event)` pair per subject, already
//! measured from the index date and censored by the KPI code; this module
//! does not choose index dates, censoring rules or arms, does not compare
//! arms (see [`super::logrank`]) and does not suppress small risk sets
//! (SPEC section 6 does that after compute). Ties follow the SPEC: a subject
//! censored on day `t` is still at risk on day `t`.

use super::{Z95, as_f64};

/// Tolerance of the "`≤ 0.5`" comparisons of the median and its interval
/// (SPEC section 4), so that a curve landing on 0.5 up to rounding (e.g.
/// 1/2 computed as a product of ratios) counts as having reached it.
const MEDIAN_TOLERANCE: f64 = 1e-12;

/// One row of the Kaplan–Meier table: a day with at least one event or one
/// censoring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmStep {
    pub day: i32,
    /// Subjects whose duration is at least `day` (the censored of that day
    /// included).
    pub at_risk: u64,
    pub events: u64,
    pub censored: u64,
    /// Kaplan–Meier `S(day)`, right-continuous: after this day's events.
    pub survival: f64,
    /// Log-log 95% band around `survival`; `[S, S]` where it is undefined.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Nelson–Aalen `H(day) = Σ d/n`.
    pub cumulative_hazard: f64,
}

/// Kaplan–Meier estimate with Greenwood's variance, the log-log 95% interval
/// and the Nelson–Aalen cumulative hazard, one step per day with an event or
/// a censoring, in ascending day order. Subjects may come in any order.
///
/// Sources: Kaplan EL, Meier P (1958), "Nonparametric estimation from
/// incomplete observations", *J Am Stat Assoc* 53:457–481; Greenwood M
/// (1926), "The natural duration of cancer", *Reports on Public Health and
/// Medical Subjects* 33, HMSO; the log-log ("exponential Greenwood")
/// interval `S^exp(±z·σ/ln S)` with `σ² = Σ d/(n(n − d))` as in Kalbfleisch
/// JD, Prentice RL (2002), *The Statistical Analysis of Failure Time Data*,
/// 2nd ed., Wiley, and Borgan Ø, Liestøl K (1990), *Scand J Stat* 17:35–41
/// (R `survfit(conf.type = "log-log")`, lifelines' `KaplanMeierFitter`
/// default); Nelson W (1972), *Technometrics* 14:945–966 and Aalen O (1978),
/// *Ann Stat* 6:701–726 for `H = Σ d/n`.
///
/// The band is `[S, S]` where the log-log transform is undefined: before
/// the first event (`S = 1`) and once the curve reaches 0. The curve reaches
/// 0 exactly when every subject still at risk has the event that day
/// (`n = d`); Greenwood's term `d/(n(n − d))` is then infinite, so the step
/// gets `[0, 0]` as the SPEC says for `S = 0`, where R prints `NA`. Such a
/// step is always the last: nobody is left at risk after it.
///
/// Durations are expected to be ≥ 0 (SPEC); a negative one is not rejected
/// here but simply sorts first, since the arithmetic does not depend on the
/// sign of a day.
#[must_use]
pub fn kaplan_meier(subjects: &[(i32, bool)]) -> Vec<KmStep> {
    let mut sorted = subjects.to_vec();
    // Sorting makes the float sums below run in day order whatever the input
    // order, so shuffled input gives bit-identical output.
    sorted.sort_unstable();
    let days: Vec<DayCounts> = sorted
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| {
            let events = group.iter().filter(|(_, event)| *event).count() as u64;
            DayCounts { day: group[0].0, events, censored: group.len() as u64 - events }
        })
        .collect();
    kaplan_meier_counts(sorted.len() as u64, &days)
}

/// The events and censorings of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCounts {
    pub day: i32,
    pub events: u64,
    pub censored: u64,
}

/// [`kaplan_meier`] from the counts of each day instead of the subjects:
/// `n` subjects at risk before the first day, `days` in ascending order.
/// The risk set of a day is `n` minus everyone who left on earlier days;
/// subjects still at risk after the last day are censored beyond it.
/// Disclosure control feeds it rounded counts (SPEC section 6, "Survival").
#[must_use]
pub fn kaplan_meier_counts(n: u64, days: &[DayCounts]) -> Vec<KmStep> {
    let mut steps = Vec::with_capacity(days.len());
    let mut at_risk = n;
    let mut survival = 1.0_f64;
    let mut greenwood = 0.0_f64;
    let mut cumulative_hazard = 0.0_f64;
    for &DayCounts { day, events, censored } in days {
        if events > 0 {
            let (n, d) = (as_f64(at_risk), as_f64(events));
            survival *= (n - d) / n;
            cumulative_hazard += d / n;
            greenwood = if events < at_risk { greenwood + d / (n * (n - d)) } else { f64::INFINITY };
        }
        let (ci_low, ci_high) = log_log_interval(survival, greenwood);
        steps.push(KmStep { day, at_risk, events, censored, survival, ci_low, ci_high, cumulative_hazard });
        at_risk = at_risk.saturating_sub(events + censored);
    }
    steps
}

/// `S^exp(−z·σ/ln S)` and `S^exp(z·σ/ln S)` with `σ² = greenwood`; `[S, S]`
/// where `ln S` is 0 or −∞ or the variance is infinite.
fn log_log_interval(survival: f64, greenwood: f64) -> (f64, f64) {
    if survival >= 1.0 || survival <= 0.0 || !greenwood.is_finite() {
        return (survival, survival);
    }
    let log_s = survival.ln();
    let w = Z95 * greenwood.sqrt() / log_s;
    let low = survival.powf((-w).exp());
    let high = survival.powf(w.exp());
    // Both bounds lie in [0, 1] for any finite w (a power of a number in
    // (0, 1)); the guard only stops an unforeseen NaN from leaking out.
    if low.is_finite() && high.is_finite() { (low, high) } else { (survival, survival) }
}

/// Greenwood standard error of `S(day)` on the survival scale,
/// `S·sqrt(Σ d/(n(n − d)))`, for each step: the `std.err` column of R
/// `summary(survfit(...))`. `None` once the curve has reached 0, where the
/// variance is infinite (R prints `NaN`).
///
/// Source: Greenwood (1926), as [`kaplan_meier`].
#[must_use]
pub fn greenwood_std_errors(steps: &[KmStep]) -> Vec<Option<f64>> {
    let mut sum = 0.0_f64;
    steps
        .iter()
        .map(|step| {
            if step.events > 0 {
                sum = if step.events < step.at_risk {
                    let (n, d) = (as_f64(step.at_risk), as_f64(step.events));
                    sum + d / (n * (n - d))
                } else {
                    f64::INFINITY
                };
            }
            let se = step.survival * sum.sqrt();
            se.is_finite().then_some(se)
        })
        .collect()
}

/// Median time to outcome and its 95% interval, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KmMedian {
    pub median: Option<i32>,
    pub ci_low: Option<i32>,
    pub ci_high: Option<i32>,
}

/// Median survival time: the first day with `S ≤ 0.5` (no midpoint rule), and
/// its interval: the first day where the lower band, respectively the upper
/// band, is `≤ 0.5`; each `None` when the curve or band never gets there.
///
/// Sources: Brookmeyer R, Crowley J (1982), "A confidence interval for the
/// median survival time", *Biometrics* 38:29–41, read off the log-log band
/// as lifelines' `median_survival_times(kmf.confidence_interval_)` does
/// (SPEC section 4). On the data tested here it agrees with R `survfit`'s
/// `0.95LCL` and `0.95UCL`.
#[must_use]
pub fn km_median(steps: &[KmStep]) -> KmMedian {
    let first_at_or_below_half = |value: fn(&KmStep) -> f64| {
        steps.iter().find(|step| value(step) <= 0.5 + MEDIAN_TOLERANCE).map(|step| step.day)
    };
    KmMedian {
        median: first_at_or_below_half(|step| step.survival),
        ci_low: first_at_or_below_half(|step| step.ci_low),
        ci_high: first_at_or_below_half(|step| step.ci_high),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Subjects of one arm of `datasets/reference/freireich_6mp.csv`
    /// (`group,weeks,relapse`), durations in weeks.
    pub(crate) fn freireich(group: &str) -> Vec<(i32, bool)> {
        include_str!("../../datasets/reference/freireich_6mp.csv")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                (fields[0] == group).then(|| (fields[1].parse().unwrap(), fields[2] == "1"))
            })
            .collect()
    }

    #[track_caller]
    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!((actual - expected).abs() <= tolerance, "{actual} is not {expected} ± {tolerance}");
    }

    fn step_at(steps: &[KmStep], day: i32) -> KmStep {
        *steps.iter().find(|step| step.day == day).unwrap()
    }

    #[test]
    fn freireich_data_as_published() {
        // Freireich et al. (1963), Gehan (1965): 21 patients per arm, 9
        // relapses on 6-MP, 21 on placebo.
        let mp = freireich("6-MP");
        let placebo = freireich("placebo");
        assert_eq!(mp.len(), 21);
        assert_eq!(placebo.len(), 21);
        assert_eq!(mp.iter().filter(|s| s.1).count(), 9);
        assert_eq!(placebo.iter().filter(|s| s.1).count(), 21);
    }

    // Kaplan–Meier of the 6-MP arm of Freireich et al. (1963), as tabulated
    // by Kleinbaum DG, Klein M (2012), Survival Analysis: A Self-Learning
    // Text, 3rd ed., Springer, chapter 2 (S = 0.857, 0.807, 0.753, 0.690,
    // 0.627, 0.538, 0.448 at weeks 6, 7, 10, 13, 16, 22, 23), and by R 4.2.2
    // survival 3.5-3 `summary(survfit(Surv(t, e) ~ 1, conf.type =
    // "log-log"), censored = TRUE)`, which prints 6 significant digits:
    // n.risk, n.event, survival, std.err, lower and upper 95% CI below.
    // lifelines 0.30.3 `KaplanMeierFitter` prints the same band.
    #[test]
    fn kaplan_meier_freireich_6mp_matches_r_survfit_log_log() {
        let steps = kaplan_meier(&freireich("6-MP"));
        let se = greenwood_std_errors(&steps);
        #[rustfmt::skip]
        let r_output: [(i32, u64, u64, f64, f64, f64, f64); 16] = [
            // time n.risk n.event survival std.err lower upper
            (6, 21, 3, 0.857143, 0.0763604, 0.619718, 0.951552),
            (7, 17, 1, 0.806723, 0.0869353, 0.563147, 0.922809),
            (9, 16, 0, 0.806723, 0.0869353, 0.563147, 0.922809),
            (10, 15, 1, 0.752941, 0.0963497, 0.503200, 0.889362),
            (11, 13, 0, 0.752941, 0.0963497, 0.503200, 0.889362),
            (13, 12, 1, 0.690196, 0.1068147, 0.431610, 0.849066),
            (16, 11, 1, 0.627451, 0.1140539, 0.367511, 0.804912),
            (17, 10, 0, 0.627451, 0.1140539, 0.367511, 0.804912),
            (19, 9, 0, 0.627451, 0.1140539, 0.367511, 0.804912),
            (20, 8, 0, 0.627451, 0.1140539, 0.367511, 0.804912),
            (22, 7, 1, 0.537815, 0.1282338, 0.267779, 0.746791),
            (23, 6, 1, 0.448179, 0.1345915, 0.188052, 0.680143),
            (25, 5, 0, 0.448179, 0.1345915, 0.188052, 0.680143),
            (32, 4, 0, 0.448179, 0.1345915, 0.188052, 0.680143),
            (34, 2, 0, 0.448179, 0.1345915, 0.188052, 0.680143),
            (35, 1, 0, 0.448179, 0.1345915, 0.188052, 0.680143),
        ];
        assert_eq!(steps.len(), r_output.len());
        for (i, (day, n_risk, n_event, survival, std_err, lower, upper)) in r_output.into_iter().enumerate() {
            let step = steps[i];
            assert_eq!((step.day, step.at_risk, step.events), (day, n_risk, n_event));
            // 6 significant digits: half a unit of the 6th digit.
            assert_close(step.survival, survival, 5e-7);
            assert_close(se[i].unwrap(), std_err, 5e-8);
            assert_close(step.ci_low, lower, 5e-7);
            assert_close(step.ci_high, upper, 5e-7);
        }
        // Kleinbaum & Klein's 3-decimal survival column.
        for (day, published) in
            [(6, 0.857), (7, 0.807), (10, 0.753), (13, 0.690), (16, 0.627), (22, 0.538), (23, 0.448)]
        {
            assert_close(step_at(&steps, day).survival, published, 5e-4);
        }
        // Censored-only days carry the censorings, and the censored of a day
        // are still counted at risk that day (week 6: 3 relapses, 1 censored,
        // 21 at risk).
        assert_eq!(step_at(&steps, 6).censored, 1);
        assert_eq!(step_at(&steps, 32).censored, 2);
    }

    // Hand computation of the first 6-MP step (SPEC formulas): S = 18/21,
    // σ² = 3/(21·18) = 1/126, σ = 0.0890871, ln S = −0.1541507,
    // w = 1.959964·σ/ln S = −1.1327065, ci_low = S^e^{1.1327065} = S^3.1040461
    // = 0.6197180, ci_high = S^e^{−1.1327065} = S^0.3221602 = 0.9515517;
    // Greenwood SE on the S scale = S·σ = 0.0763604 (R std.err above).
    #[test]
    fn greenwood_and_log_log_by_hand() {
        let step = kaplan_meier(&freireich("6-MP"))[0];
        let s: f64 = 18.0 / 21.0;
        let sigma = (1.0f64 / 126.0).sqrt();
        let w = Z95 * sigma / s.ln();
        assert_close(w, -1.132_706_5, 1e-7);
        assert_eq!(step.survival, s);
        assert_close(step.ci_low, s.powf((-w).exp()), 1e-15);
        assert_close(step.ci_high, s.powf(w.exp()), 1e-15);
        assert_close(step.ci_low, 0.619_718_0, 1e-7);
        assert_close(step.ci_high, 0.951_551_7, 1e-7);
        assert_close(s * sigma, 0.076_360_4, 1e-7);
    }

    // Placebo arm: no censoring; the last subject relapses at week 23, where
    // n = d. R survfit(conf.type = "log-log") prints (6 significant digits)
    // the values below and NA for the band at week 23; the SPEC and lifelines
    // 0.30.3 give [0, 0] there.
    #[test]
    fn kaplan_meier_freireich_placebo_to_zero() {
        let steps = kaplan_meier(&freireich("placebo"));
        #[rustfmt::skip]
        let r_output: [(i32, u64, u64, f64, f64, f64); 11] = [
            (1, 21, 2, 0.9047619, 0.67004588, 0.975294),
            (2, 19, 2, 0.8095238, 0.56890506, 0.923889),
            (3, 17, 1, 0.7619048, 0.51939142, 0.893257),
            (4, 16, 2, 0.6666667, 0.42535044, 0.825044),
            (5, 14, 2, 0.5714286, 0.33797695, 0.749241),
            (8, 12, 4, 0.3809524, 0.18306655, 0.577789),
            (11, 8, 2, 0.2857143, 0.11656133, 0.481820),
            (12, 6, 2, 0.1904762, 0.05948170, 0.377435),
            (15, 4, 1, 0.1428571, 0.03565736, 0.321162),
            (17, 3, 1, 0.0952381, 0.01625926, 0.261250),
            (22, 2, 1, 0.0476190, 0.00332446, 0.197045),
        ];
        assert_eq!(steps.len(), 12);
        for (step, (day, n_risk, n_event, survival, lower, upper)) in steps.iter().zip(r_output) {
            assert_eq!((step.day, step.at_risk, step.events), (day, n_risk, n_event));
            assert_close(step.survival, survival, 5e-8);
            assert_close(step.ci_low, lower, 5e-9 + lower * 5e-6);
            assert_close(step.ci_high, upper, 5e-7);
        }
        let last = steps[11];
        assert_eq!((last.day, last.at_risk, last.events), (23, 1, 1));
        assert_eq!((last.survival, last.ci_low, last.ci_high), (0.0, 0.0, 0.0));
        assert_eq!(greenwood_std_errors(&steps)[11], None);
        assert!(last.cumulative_hazard.is_finite());
    }

    // Nelson–Aalen H = Σ d/n, checked against lifelines 0.30.3
    // `NelsonAalenFitter(nelson_aalen_smoothing=False)` (10 decimals printed)
    // and by hand: 6-MP week 7: 3/21 + 1/17 = 0.2016806723.
    #[test]
    fn nelson_aalen_freireich() {
        let mp = kaplan_meier(&freireich("6-MP"));
        for (day, published) in [
            (6, 0.142_857_142_9),
            (7, 0.201_680_672_3),
            (10, 0.268_347_338_9),
            (13, 0.351_680_672_3),
            (16, 0.442_589_763_2),
            (22, 0.585_446_906_0),
            (23, 0.752_113_572_7),
            (35, 0.752_113_572_7),
        ] {
            assert_close(step_at(&mp, day).cumulative_hazard, published, 5e-11);
        }
        let placebo = kaplan_meier(&freireich("placebo"));
        assert_close(step_at(&placebo, 8).cumulative_hazard, 0.860_515_258_7, 5e-11);
        assert_close(step_at(&placebo, 23).cumulative_hazard, 3.527_181_925_4, 5e-11);
    }

    // Medians: Kleinbaum & Klein (2012) chapter 2 give 23 weeks (6-MP) and
    // 8 weeks (placebo). R 4.2.2 `print(survfit(..., conf.type =
    // "log-log"))` gives median 23, 0.95LCL 13, 0.95UCL NA (6-MP) and
    // 8, 4, 11 (placebo); lifelines 0.30.3 `median_survival_times(
    // kmf.confidence_interval_)` gives 13/inf and 4/11.
    #[test]
    fn median_freireich() {
        let mp = km_median(&kaplan_meier(&freireich("6-MP")));
        assert_eq!(mp, KmMedian { median: Some(23), ci_low: Some(13), ci_high: None });
        let placebo = km_median(&kaplan_meier(&freireich("placebo")));
        assert_eq!(placebo, KmMedian { median: Some(8), ci_low: Some(4), ci_high: Some(11) });
    }

    #[test]
    fn median_tolerance_and_no_midpoint() {
        // S drops to exactly 0.5 at day 2 and to 0 at day 3: the median is day
        // 2 (first S ≤ 0.5), not the midpoint 2.5 some texts use.
        let steps = kaplan_meier(&[(1, false), (2, true), (2, true), (3, true), (3, true), (1, false)]);
        assert_eq!(steps[1].survival, 0.5);
        assert_eq!(km_median(&steps).median, Some(2));
        let steps = kaplan_meier(&[(1, true), (2, true), (3, false), (4, true), (5, false), (6, false)]);
        // S(4) = 5/6 · 4/5 · 2/3 = 0.4444…, S(2) = 2/3: median 4.
        assert_eq!(km_median(&steps).median, Some(4));
        // A curve that lands on 0.5 only up to rounding still counts.
        let barely_above = KmStep { survival: 0.5 + 1e-13, ..steps[0] };
        assert_eq!(km_median(&[barely_above]).median, Some(steps[0].day));
    }

    #[test]
    fn edge_cases() {
        assert!(kaplan_meier(&[]).is_empty());
        assert_eq!(km_median(&[]), KmMedian { median: None, ci_low: None, ci_high: None });
        // Only censorings: S stays 1 with a [1, 1] band and no hazard.
        let steps = kaplan_meier(&[(3, false), (1, false), (3, false)]);
        assert_eq!(steps.len(), 2);
        for step in &steps {
            assert_eq!((step.survival, step.ci_low, step.ci_high), (1.0, 1.0, 1.0));
            assert_eq!(step.cumulative_hazard, 0.0);
        }
        assert_eq!((steps[1].at_risk, steps[1].censored), (2, 2));
        // One subject with an event on day 0.
        let steps = kaplan_meier(&[(0, true)]);
        assert_eq!(steps.len(), 1);
        assert_eq!((steps[0].survival, steps[0].ci_low, steps[0].ci_high), (0.0, 0.0, 0.0));
        assert_eq!(steps[0].cumulative_hazard, 1.0);
        assert_eq!(km_median(&steps).median, Some(0));
    }

    #[test]
    fn counts_give_the_same_curve_as_subjects() {
        let subjects = freireich("6-MP");
        let steps = kaplan_meier(&subjects);
        let days: Vec<DayCounts> =
            steps.iter().map(|s| DayCounts { day: s.day, events: s.events, censored: s.censored }).collect();
        assert_eq!(kaplan_meier_counts(21, &days), steps);
        // Subjects left at risk after the last day do not change the rows.
        let partial = kaplan_meier_counts(21, &days[..3]);
        assert_eq!(partial, steps[..3]);
    }

    #[test]
    fn input_order_does_not_matter() {
        let mut subjects = freireich("6-MP");
        let forward = kaplan_meier(&subjects);
        subjects.reverse();
        assert_eq!(kaplan_meier(&subjects), forward);
        subjects.rotate_left(7);
        assert_eq!(kaplan_meier(&subjects), forward);
    }

    #[test]
    fn outputs_stay_finite_and_ordered_on_large_risk_sets() {
        // 100 000 subjects, one event a day over 1 000 days, the rest censored
        // at the end: S close to 1 where ln S ≈ 0 must not produce NaN.
        let mut subjects: Vec<(i32, bool)> = (0..1000).map(|day| (day, true)).collect();
        subjects.extend(std::iter::repeat_n((1000, false), 99_000));
        for step in kaplan_meier(&subjects) {
            assert!(step.ci_low.is_finite() && step.ci_high.is_finite());
            assert!(step.ci_low <= step.survival && step.survival <= step.ci_high);
            assert!(step.ci_low >= 0.0 && step.ci_high <= 1.0);
        }
    }
}
