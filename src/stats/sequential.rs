//! The always-valid 95% interval and p-value of a difference between two
//! arms: an asymptotic confidence sequence, which keeps its 95% coverage
//! however often the committee reads the trial (SPEC section 4, "Reading a
//! trial every month").
//!
//! It takes a difference, its variance and the number of users behind them,
//! whatever the metric; [`rate_difference`] and [`mean_difference`] build
//! those from counts and from [`Summary`] values the way SPEC defines them.
//! It does not decide when a trial is read nor what `planned_n` is: the
//! caller passes the project's setting.

use super::welch::Summary;
use super::{Interval, as_f64};

/// The level of the confidence sequence, `α` in SPEC.
const ALPHA: f64 = 0.05;

/// A difference, its variance and the number of users `N = n_t + n_c`
/// behind it: what the confidence sequence needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub estimate: f64,
    pub variance: f64,
    pub n: u64,
}

/// The always-valid 95% interval and p-value of one reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sequential {
    /// `seq_ci_low`, `seq_ci_high`.
    pub interval: Interval,
    /// `seq_p_value`.
    pub p_value: f64,
}

/// `p_t − p_c` of `x_t/n_t` against `x_c/n_c` with the unpooled variance
/// `p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c` (SPEC: the rate's `V`).
///
/// `None` when an `n` is 0 or a count exceeds its `n`.
#[must_use]
pub fn rate_difference(x_t: u64, n_t: u64, x_c: u64, n_c: u64) -> Option<Difference> {
    if n_t == 0 || n_c == 0 || x_t > n_t || x_c > n_c {
        return None;
    }
    let (nt, nc) = (as_f64(n_t), as_f64(n_c));
    let (pt, pc) = (as_f64(x_t) / nt, as_f64(x_c) / nc);
    let variance = pt * (1.0 - pt) / nt + pc * (1.0 - pc) / nc;
    Some(Difference { estimate: pt - pc, variance, n: n_t.checked_add(n_c)? })
}

/// `mean_t − mean_c` with the variance `s_t²/n_t + s_c²/n_c` (SPEC: the
/// mean's `V`, sample variances with divisor `n − 1`).
///
/// `None` when an arm has `n < 2`, where the sample variance is undefined.
#[must_use]
pub fn mean_difference(treatment: Summary, control: Summary) -> Option<Difference> {
    if treatment.n < 2 || control.n < 2 {
        return None;
    }
    let variance = treatment.variance / as_f64(treatment.n) + control.variance / as_f64(control.n);
    let estimate = treatment.mean - control.mean;
    Some(Difference { estimate, variance, n: treatment.n.checked_add(control.n)? })
}

/// The asymptotic 95% confidence sequence for a difference and its
/// always-valid p-value, tuned so that the interval is narrowest when
/// `N = planned_n`.
///
/// With `ρ² = (−2 ln α + ln(1 − 2 ln α)) / N*`, the half-width is
/// `sqrt(V·N) · sqrt(2(Nρ² + 1) ln(sqrt(Nρ² + 1)/α) / (N²ρ²))` and the
/// p-value `min(1, sqrt(Nρ² + 1) · exp(−ρ² N d² / (2V(Nρ² + 1))))`.
///
/// Source: Waudby-Smith I, Arbour D, Sinha R, Kennedy EH, Ramdas A (2024),
/// "Time-uniform central limit theory and asymptotic confidence sequences",
/// *Ann Statist* 52:2613–2640, eq. 9 (the interval), with the p-value that
/// inverts it and the `ρ` that makes it narrowest at `N*` (eqs. 155 and
/// 161 of arXiv:2103.06476v7, which gbstats cites). It is GrowthBook's
/// `gbstats` `SequentialTwoSidedTTest` with `sequential_tuning_parameter =
/// N*` and `difference_type = "absolute"`.
///
/// `None` when the variance is 0 or not finite, the difference is not
/// finite, `N = 0` or `planned_n = 0`.
#[must_use]
pub fn confidence_sequence(difference: Difference, planned_n: u64) -> Option<Sequential> {
    let Difference { estimate, variance, n } = difference;
    let valid = estimate.is_finite() && variance.is_finite() && variance > 0.0 && n > 0 && planned_n > 0;
    if !valid {
        return None;
    }
    let n = as_f64(n);
    let rho2 = (-2.0 * ALPHA.ln() + (1.0 - 2.0 * ALPHA.ln()).ln()) / as_f64(planned_n);
    let growth = n * rho2 + 1.0;
    let half_width = (variance * n).sqrt() * (2.0 * growth * (growth.sqrt() / ALPHA).ln() / (n * n * rho2)).sqrt();
    let interval = Interval::finite(estimate - half_width, estimate + half_width)?;
    let p_value = (growth.sqrt() * (-rho2 * n * estimate * estimate / (2.0 * variance * growth)).exp()).min(1.0);
    p_value.is_finite().then_some(Sequential { interval, p_value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::check::*;
    use crate::stats::newcombe_difference;

    #[track_caller]
    fn assert_sequential(actual: Option<Sequential>, low: f64, high: f64, p_value: f64) {
        let actual = actual.expect("a confidence sequence");
        // gbstats evaluates the same closed form in numpy; the two differ
        // only in rounding (the largest gap seen is 3.3e-16 relative), so
        // 1e-13 leaves room for a different libm without hiding a wrong term.
        assert_close(actual.interval.low, low, 1e-13);
        assert_close(actual.interval.high, high, 1e-13);
        assert_close(actual.p_value, p_value, 1e-13);
    }

    // Newcombe (1998) example (a), 56/70 against 48/80, with gbstats 0.8.0:
    //
    //   from gbstats.models.statistics import ProportionStatistic
    //   from gbstats.frequentist.tests import SequentialTwoSidedTTest, SequentialConfig
    //   for tuning in (5000, 500):
    //       r = SequentialTwoSidedTTest(ProportionStatistic(n=80, sum=48),
    //           ProportionStatistic(n=70, sum=56), SequentialConfig(
    //           difference_type="absolute", sequential_tuning_parameter=tuning)
    //           ).compute_result()
    //       print(r.expected, r.ci, r.p_value)
    //
    // prints 0.2, [-0.21298403973361085, 0.612984039733611],
    // 0.5374917903977718 (5000) and [-0.03262381650135826,
    // 0.4326238165013584], 0.12802389724205984 (500). gbstats'
    // ProportionStatistic variance is p(1 − p), SPEC's.
    #[test]
    fn rates_match_gbstats() {
        let difference = rate_difference(56, 70, 48, 80).unwrap();
        assert_close(difference.estimate, 0.2, 1e-15);
        assert_eq!(difference.n, 150);
        let expected = [
            (5000, -0.212_984_039_733_610_85, 0.612_984_039_733_611, 0.537_491_790_397_771_8),
            (500, -0.032_623_816_501_358_26, 0.432_623_816_501_358_4, 0.128_023_897_242_059_84),
        ];
        for (planned_n, low, high, p_value) in expected {
            assert_sequential(confidence_sequence(difference, planned_n), low, high, p_value);
        }
    }

    // Student's sleep data (R `datasets::sleep`), group 2 against group 1,
    // with gbstats 0.8.0:
    //
    //   from gbstats.models.statistics import SampleMeanStatistic
    //   g1, g2 = (s.extra[s.group == g].values for g in (1, 2))  # sleep.csv
    //   stat = lambda v: SampleMeanStatistic(n=10, sum=v.sum(), sum_squares=(v**2).sum())
    //   for tuning in (5000, 500):
    //       r = SequentialTwoSidedTTest(stat(g1), stat(g2), SequentialConfig(
    //           difference_type="absolute", sequential_tuning_parameter=tuning)
    //           ).compute_result()
    //
    // prints 1.58, [-10.299590743499179, 13.459590743499179],
    // 0.9630564062440575 (5000) and [-2.750330198717187, 5.910330198717187],
    // 0.7562961305097363 (500). gbstats' SampleMeanStatistic variance has
    // divisor n − 1, SPEC's.
    #[test]
    fn means_match_gbstats() {
        let treatment = Summary::from_values(&sleep_group("2"));
        let control = Summary::from_values(&sleep_group("1"));
        let difference = mean_difference(treatment, control).unwrap();
        assert_close(difference.estimate, 1.58, 1e-14);
        let expected = [
            (5000, -10.299_590_743_499_179, 13.459_590_743_499_179, 0.963_056_406_244_057_5),
            (500, -2.750_330_198_717_187, 5.910_330_198_717_187, 0.756_296_130_509_736_3),
        ];
        for (planned_n, low, high, p_value) in expected {
            assert_sequential(confidence_sequence(difference, planned_n), low, high, p_value);
        }
    }

    #[test]
    fn undefined_and_edges() {
        let zero_variance = Difference { estimate: 0.1, variance: 0.0, n: 100 };
        assert_eq!(confidence_sequence(zero_variance, 5000), None);
        let nan = Difference { estimate: f64::NAN, variance: 1.0, n: 100 };
        assert_eq!(confidence_sequence(nan, 5000), None);
        let infinite = Difference { estimate: 0.1, variance: f64::INFINITY, n: 100 };
        assert_eq!(confidence_sequence(infinite, 5000), None);
        let nobody = Difference { estimate: 0.1, variance: 1.0, n: 0 };
        assert_eq!(confidence_sequence(nobody, 5000), None);
        assert_eq!(confidence_sequence(Difference { estimate: 0.1, variance: 1.0, n: 10 }, 0), None);
        // Both arms at 0% or 100%: V = 0.
        assert_eq!(confidence_sequence(rate_difference(0, 10, 0, 20).unwrap(), 5000), None);
        assert_eq!(rate_difference(0, 0, 1, 2), None);
        assert_eq!(rate_difference(3, 2, 1, 2), None);
        let one = Summary::from_values(&[1.0]);
        let two = Summary::from_values(&[1.0, 2.0]);
        assert_eq!(mean_difference(one, two), None);
        // One arm at 0% still has a variance from the other (gbstats gives up
        // here instead, see the module's report).
        assert!(confidence_sequence(rate_difference(0, 10, 3, 10).unwrap(), 5000).is_some());
        // No difference: p = 1; a huge one: p underflows to 0, not NaN.
        let none = confidence_sequence(Difference { estimate: 0.0, variance: 1e-4, n: 200 }, 500).unwrap();
        assert_eq!(none.p_value, 1.0);
        let huge = confidence_sequence(Difference { estimate: 1e15, variance: 1e-300, n: 200 }, 500).unwrap();
        assert_eq!(huge.p_value, 0.0);
    }

    /// SplitMix64 (Steele, Lea & Flood 2014, as in Vigna's reference code):
    /// enough randomness for a simulation without a dependency.
    struct SplitMix64(u64);

    impl SplitMix64 {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        /// Uniform on [0, 1) from the top 53 bits.
        fn uniform(&mut self) -> f64 {
            as_f64(self.next_u64() >> 11) / as_f64(1 << 53)
        }

        fn successes(&mut self, trials: u64, p: f64) -> u64 {
            (0..trials).map(|_| u64::from(self.uniform() < p)).sum()
        }
    }

    /// Whether the fixed and the sequential interval exclude 0 at some of
    /// `looks` readings of one null trial with `per_look` new users per arm
    /// between readings.
    fn null_trial(rng: &mut SplitMix64, looks: u64, per_look: u64, p: f64) -> (bool, bool) {
        let planned_n = 2 * looks * per_look;
        let (mut x_t, mut x_c, mut n) = (0, 0, 0);
        let (mut fixed, mut sequential) = (false, false);
        for _ in 0..looks {
            x_t += rng.successes(per_look, p);
            x_c += rng.successes(per_look, p);
            n += per_look;
            let excludes_zero = |interval: Interval| interval.low > 0.0 || interval.high < 0.0;
            fixed |= newcombe_difference(x_t, n, x_c, n).is_some_and(excludes_zero);
            let difference = rate_difference(x_t, n, x_c, n).unwrap();
            sequential |= confidence_sequence(difference, planned_n).is_some_and(|s| excludes_zero(s.interval));
        }
        (fixed, sequential)
    }

    // 4 000 null trials (both arms at 30%), each read at 12 monthly looks
    // with 200 new users per arm per month, planned_n = the final 4 800.
    // Armitage, McPherson & Rowe (1969), "Repeated significance tests on
    // accumulating data", J R Stat Soc A 132:235–244: ten looks at a 5%
    // normal test already reject a true null in about 19% of trials. The
    // confidence sequence must stay at 5%; with 4 000 trials a share's
    // standard error at 5% is 0.34 points, so 6% allows 3 of them. Seen with
    // this seed: fixed 21.07%, sequential 1.10%.
    #[test]
    fn monthly_looks_keep_their_level() {
        let mut rng = SplitMix64(20_240_901);
        let trials = 4000;
        let (mut fixed, mut sequential) = (0u32, 0u32);
        for _ in 0..trials {
            let (f, s) = null_trial(&mut rng, 12, 200, 0.3);
            fixed += u32::from(f);
            sequential += u32::from(s);
        }
        let fixed_share = f64::from(fixed) / f64::from(trials);
        let sequential_share = f64::from(sequential) / f64::from(trials);
        eprintln!("null trials excluding 0 at some look: fixed {fixed_share:.4}, sequential {sequential_share:.4}");
        assert!(fixed_share > 0.10, "fixed {fixed_share}");
        assert!(sequential_share <= 0.06, "sequential {sequential_share}");
    }
}
