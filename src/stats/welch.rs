//! Difference of two means under unequal variances: per-arm summaries, Welch's
//! t interval and p-value with Welch–Satterthwaite degrees of freedom, and the
//! pooled standard deviation that the minimum detectable effect uses.
//!
//! It works on [`Summary`] values (n, mean, sample variance), so the KPI code
//! can summarise each arm however it likes; [`Summary::from_values`] is the
//! reference way, summing in slice order for byte-identical reruns. It does
//! not decide which users belong to an arm nor how a missing value counts
//! (SPEC: 0); that is the impact KPI's job.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::{Interval, Z95, as_f64, normal_two_sided_p};

/// Size, mean and sample variance (divisor `n − 1`) of one arm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: u64,
    pub mean: f64,
    pub variance: f64,
}

impl Summary {
    /// Summarises `values`, summing in slice order so that the same slice
    /// always gives the same bits (SPEC section 5, determinism).
    ///
    /// The variance is computed in two passes (the sum of squared deviations
    /// from the mean) rather than from `Σx² − n·x̄²`, which cancels
    /// catastrophically when values are large and close together. With
    /// fewer than two values the sample variance is undefined; it is then
    /// reported as 0 (and the mean as 0 for an empty slice) so that the
    /// struct never holds a NaN — [`welch`] and [`pooled_sd`] refuse such
    /// arms through `n`, not through the variance. Values are expected to be
    /// finite; a NaN or infinite value makes the summary non-finite, which
    /// [`welch`] and [`pooled_sd`] also turn into `None`.
    #[must_use]
    pub fn from_values(values: &[f64]) -> Summary {
        let n = values.len() as u64;
        if values.is_empty() {
            return Summary { n, mean: 0.0, variance: 0.0 };
        }
        let count = as_f64(n);
        let mean = values.iter().sum::<f64>() / count;
        let variance =
            if values.len() < 2 { 0.0 } else { values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (count - 1.0) };
        Summary { n, mean, variance }
    }

    fn is_finite(&self) -> bool {
        self.mean.is_finite() && self.variance.is_finite() && self.variance >= 0.0
    }

    const fn n_f64(&self) -> f64 {
        as_f64(self.n)
    }
}

/// Welch's test of `treatment.mean − control.mean`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WelchResult {
    /// `treatment.mean − control.mean`.
    pub difference: f64,
    /// 95% interval, `difference ± t(0.975, df) · se`.
    pub interval: Interval,
    /// Two-sided p-value of `difference / se` against Student's t with `df`.
    pub p_value: f64,
    /// Welch–Satterthwaite degrees of freedom (not an integer).
    pub df: f64,
}

/// Welch's unequal-variance t test and 95% interval for the difference of
/// means, with `se² = s_t²/n_t + s_c²/n_c` and the Welch–Satterthwaite
/// degrees of freedom `df = se⁴ / Σ (s²/n)²/(n − 1)`.
///
/// Sources: Welch BL (1947), "The generalization of 'Student's' problem when
/// several different population variances are involved", *Biometrika*
/// 34:28–35; Satterthwaite FE (1946), "An approximate distribution of
/// estimates of variance components", *Biometrics Bulletin* 2:110–114. It is
/// R `t.test(x, y, var.equal = FALSE)`.
///
/// `None` when an arm has `n < 2`, the standard error is 0 (both arms
/// constant), or a summary is not finite.
#[must_use]
pub fn welch(treatment: Summary, control: Summary) -> Option<WelchResult> {
    if treatment.n < 2 || control.n < 2 || !treatment.is_finite() || !control.is_finite() {
        return None;
    }
    let (nt, nc) = (treatment.n_f64(), control.n_f64());
    let vt = treatment.variance / nt;
    let vc = control.variance / nc;
    let se2 = vt + vc;
    if se2 <= 0.0 || !se2.is_finite() {
        return None;
    }
    let se = se2.sqrt();
    let df = se2 * se2 / (vt * vt / (nt - 1.0) + vc * vc / (nc - 1.0));
    if !(df.is_finite() && df > 0.0) {
        return None;
    }
    let quantile = t_quantile_975(df)?;
    let difference = treatment.mean - control.mean;
    let p_value = t_two_sided_p(difference / se, df)?;
    let interval = Interval::finite(difference - quantile * se, difference + quantile * se)?;
    (difference.is_finite() && p_value.is_finite()).then_some(WelchResult { difference, interval, p_value, df })
}

/// Above this many degrees of freedom, `statrs`' Student t quantile (an
/// inverse incomplete beta with `a = df/2`) loses accuracy (its 0.975
/// quantile is 1.9598 instead of 1.95997 at 10⁶ and 1.83 at 10⁷) and can fail
/// to terminate (10⁸); large arms routinely give such `df`. The expansion
/// used instead is exact to 3·10⁻¹⁶ (relative) from here on.
const T_QUANTILE_EXPANSION_DF: f64 = 1000.0;

/// Above this many degrees of freedom, `statrs`' Student t tail loses
/// accuracy (relative error 4·10⁻¹⁰ at 10⁶, wrong in the second digit at
/// 10¹²); R's `pt` switches to Fisher's normal approximation at the same
/// point.
const T_TAIL_NORMAL_DF: f64 = 4e5;

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
///
/// Up to [`T_QUANTILE_EXPANSION_DF`], `statrs`; beyond, the Cornish–Fisher
/// expansion around the normal quantile in powers of 1/df, Abramowitz M,
/// Stegun IA (1964), *Handbook of Mathematical Functions*, formula 26.7.5.
fn t_quantile_975(df: f64) -> Option<f64> {
    let quantile = if df > T_QUANTILE_EXPANSION_DF {
        let x = Z95;
        let x2 = x * x;
        let g1 = x * (x2 + 1.0) / 4.0;
        let g2 = x * ((5.0 * x2 + 16.0) * x2 + 3.0) / 96.0;
        let g3 = x * (((3.0 * x2 + 19.0) * x2 + 17.0) * x2 - 15.0) / 384.0;
        let g4 = x * ((((79.0 * x2 + 776.0) * x2 + 1482.0) * x2 - 1920.0) * x2 - 945.0) / 92160.0;
        x + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
    } else {
        StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(0.975)
    };
    quantile.is_finite().then_some(quantile)
}

/// Two-sided p-value of a Student t statistic with `df` degrees of freedom.
///
/// Up to [`T_TAIL_NORMAL_DF`], `statrs`, both tails from the upper one so a
/// small p-value is not lost to `1 − cdf`; beyond, Fisher's (1925)
/// approximation `z = t(1 − 1/(4df)) / sqrt(1 + t²/(2df))`, as R's `pt` does
/// for `df > 4·10⁵` (relative error below 10⁻¹⁰ for |t| ≤ 5 there).
fn t_two_sided_p(statistic: f64, df: f64) -> Option<f64> {
    let t = statistic.abs();
    let p = if df > T_TAIL_NORMAL_DF {
        let correction = 1.0 / (4.0 * df);
        // Divided through by t so that a huge t cannot overflow t² to
        // infinity and turn the p-value into 1; t = 0 gives z = 0.
        let z = if t > 0.0 { (1.0 - correction) / (1.0 / (t * t) + 2.0 * correction).sqrt() } else { 0.0 };
        normal_two_sided_p(z)
    } else {
        2.0 * StudentsT::new(0.0, 1.0, df).ok()?.sf(t)
    };
    p.is_finite().then_some(p.clamp(0.0, 1.0))
}

/// Pooled standard deviation `sqrt(((n_a − 1)s_a² + (n_b − 1)s_b²)/(n_a + n_b − 2))`,
/// the `sd` of the minimum detectable effect for means (SPEC section 4).
///
/// Source: the two-sample t test's pooled variance, e.g. Armitage P, Berry G,
/// Matthews JNS (2002), *Statistical Methods in Medical Research*, 4th ed.,
/// Blackwell, chapter 4.
///
/// `None` when `n_a + n_b < 3` (no degree of freedom left) or a summary is not
/// finite. An arm with a single value adds no degree of freedom but its
/// variance (0 by convention) is weighted by `n − 1 = 0`, so it is harmless.
#[must_use]
pub fn pooled_sd(a: Summary, b: Summary) -> Option<f64> {
    if !a.is_finite() || !b.is_finite() {
        return None;
    }
    let (na, nb) = (a.n_f64(), b.n_f64());
    let df = na + nb - 2.0;
    if df < 1.0 {
        return None;
    }
    let weight_a = (na - 1.0).max(0.0);
    let weight_b = (nb - 1.0).max(0.0);
    let sd = ((weight_a * a.variance + weight_b * b.variance) / df).sqrt();
    sd.is_finite().then_some(sd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::check::*;

    // Student (1908), "The probable error of a mean", Biometrika 6:1–25, the
    // Cushny & Peebles hypnotics data, as R's `sleep` data set. R's own help
    // example `t.test(extra ~ group, data = sleep)` (Welch by default)
    // prints: t = -1.8608, df = 17.776, p-value = 0.07939, 95 percent
    // confidence interval -3.3654832 0.2054832, means 0.75 and 2.33.
    // R 4.2.2 with `digits = 10`: t = -1.8608135, df = 17.776474,
    // p-value = 0.07939414, interval -3.3654832307 0.2054832307.
    #[test]
    fn welch_r_sleep_example() {
        let group_1 = Summary::from_values(&sleep_group("1"));
        let group_2 = Summary::from_values(&sleep_group("2"));
        assert_eq!((group_1.n, group_2.n), (10, 10));
        assert_printed(group_1.mean, 0.75, 12);
        assert_printed(group_2.mean, 2.33, 12);
        let result = welch(group_1, group_2).unwrap();
        assert_printed(result.difference, -1.58, 12);
        assert_printed(result.df, 17.776, 3);
        assert_printed(result.p_value, 0.07939, 5);
        assert_printed(result.interval.low, -3.3654832, 7);
        assert_printed(result.interval.high, 0.2054832, 7);
        let se = (group_1.variance / 10.0 + group_2.variance / 10.0).sqrt();
        assert_printed(result.difference / se, -1.8608, 4);
        // The 10-digit printout.
        assert_printed(result.df, 17.776_474, 6);
        assert_printed(result.p_value, 0.079_394_14, 8);
        assert_printed(result.interval.low, -3.365_483_230_7, 10);
        assert_printed(result.interval.high, 0.205_483_230_7, 10);
        assert_printed(result.difference / se, -1.860_813_5, 7);
    }

    // Hand check on a tiny sample: [1, 2, 3, 4] has mean 2.5 and variance
    // 5/3; [2, 4, 6] has mean 4 and variance 4. se² = 5/12 + 4/3 = 7/4,
    // df = (7/4)² / ((5/12)²/3 + (4/3)²/2) = 3.0625 / (0.0578704 + 0.8888889)
    // = 3.234719, t = −1.5/sqrt(1.75) = −1.133893.
    #[test]
    fn welch_hand_checked() {
        let a = Summary::from_values(&[1.0, 2.0, 3.0, 4.0]);
        let b = Summary::from_values(&[2.0, 4.0, 6.0]);
        assert_printed(a.variance, 5.0 / 3.0, 14);
        assert_printed(b.variance, 4.0, 14);
        let result = welch(a, b).unwrap();
        assert_printed(result.df, 3.234_719, 6);
        assert_printed(result.difference, -1.5, 14);
        // Symmetric interval around the difference.
        let centre = f64::midpoint(result.interval.low, result.interval.high);
        assert_printed(centre, -1.5, 12);
    }

    #[test]
    fn welch_undefined() {
        let one = Summary::from_values(&[3.0]);
        let two = Summary::from_values(&[1.0, 2.0]);
        assert_eq!(welch(one, two), None);
        assert_eq!(welch(two, one), None);
        let constant = Summary::from_values(&[5.0, 5.0, 5.0]);
        assert_eq!(welch(constant, constant), None);
        let broken = Summary { n: 3, mean: f64::NAN, variance: 1.0 };
        assert_eq!(welch(broken, two), None);
        // One constant arm still has a standard error from the other.
        assert!(welch(constant, two).is_some());
    }

    #[test]
    fn summary_edges() {
        let empty = Summary::from_values(&[]);
        assert_eq!(empty, Summary { n: 0, mean: 0.0, variance: 0.0 });
        let single = Summary::from_values(&[7.5]);
        assert_eq!((single.n, single.mean, single.variance), (1, 7.5, 0.0));
        // Two-pass variance stays exact where Σx² − n·x̄² would cancel.
        let large = Summary::from_values(&[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]);
        assert_eq!(large.variance, 1.0);
    }

    // Hand check: pooled variance of [1, 2, 3, 4] (3 · 5/3 = 5) and
    // [2, 4, 6] (2 · 4 = 8) is 13/5 = 2.6.
    #[test]
    fn pooled_sd_hand_checked() {
        let a = Summary::from_values(&[1.0, 2.0, 3.0, 4.0]);
        let b = Summary::from_values(&[2.0, 4.0, 6.0]);
        assert_printed(pooled_sd(a, b).unwrap(), 2.6f64.sqrt(), 14);
        assert_eq!(pooled_sd(b, a), pooled_sd(a, b));
        let one = Summary::from_values(&[1.0]);
        assert_eq!(pooled_sd(one, one), None);
        assert_printed(pooled_sd(one, b).unwrap(), 2.0, 14);
    }

    // R 4.2.2 `qt(0.975, df)`, `2 * pt(-2, df)`, `2 * pt(-0.3, df)` and
    // `2 * pt(-8, df)` printed with 15 significant digits, across the switch
    // to the Cornish–Fisher quantile (df > 1000) and to Fisher's tail
    // (df > 4e5).
    #[test]
    fn t_distribution_matches_r_qt_pt() {
        #[rustfmt::skip]
        let r_output: [(f64, f64, f64, f64, f64); 16] = [
            (1.0, 12.7062047361747, 0.295167235300866, 0.814452841844515, 0.0791668483211311),
            (2.5, 3.57465484200369, 0.157391495757966, 0.787342371495197, 0.00765664413104344),
            (10.0, 2.22813885198627, 0.0733880347707404, 0.770320607565799, 1.17749427896661e-5),
            (17.776474, 2.10281723741256, 0.0610174018877213, 0.767656971727455, 2.67453120911998e-7),
            (30.0, 2.04227245630124, 0.0546250449629831, 0.766246105284353, 6.26582247570077e-9),
            (120.0, 1.97993040508242, 0.0477585273403284, 0.764696211175186, 8.83342566283003e-13),
            (999.0, 1.96234146113345, 0.045770616973757, 0.764239566569812, 3.4299982577636e-15),
            (1000.0, 1.96233908082641, 0.0457703464932517, 0.764239504167244, 3.42666148239148e-15),
            (1001.0, 1.96233670528088, 0.0457700765534203, 0.76423944188934, 3.42333434423319e-15),
            (1e4, 1.96020123989063, 0.0455272606614355, 0.764183391229332, 1.38212087290653e-15),
            (1e5, 1.95998770753461, 0.0455029634575065, 0.764177779190338, 1.25739198762563e-15),
            (4e5, 1.95996991523577, 0.0455009387842412, 0.764177311514312, 1.24748008022314e-15),
            (1e6, 1.95996635681411, 0.0455005338513192, 0.764177217978994, 1.24550634332025e-15),
            (1e7, 1.9599642217672, 0.0455002908918429, 0.764177161857786, 1.24432348028067e-15),
            (1e9, 1.95996398691232, 0.0455002641663133, 0.764177155684451, 1.24419342844548e-15),
            (1e12, 1.95996398454243, 0.0455002638966284, 0.764177155622157, 1.24419211616795e-15),
        ];
        for (df, quantile, p_2, p_03, p_8) in r_output {
            let q = t_quantile_975(df).unwrap();
            assert!((q / quantile - 1.0).abs() < 1e-12, "qt {df}: {q} vs {quantile}");
            for (t, expected, tolerance) in [(2.0, p_2, 1e-9), (-0.3, p_03, 1e-9), (8.0, p_8, 1e-6)] {
                let p = t_two_sided_p(t, df).unwrap();
                assert!((p / expected - 1.0).abs() < tolerance, "pt {df} {t}: {p} vs {expected}");
            }
        }
    }

    #[test]
    fn t_tail_limits() {
        for df in [3.0, 1e6] {
            assert_eq!(t_two_sided_p(0.0, df), Some(1.0));
            assert_eq!(t_two_sided_p(f64::MAX, df), Some(0.0));
            assert_eq!(t_two_sided_p(1e200, df), Some(0.0));
        }
    }

    // Arms of millions of users: df in the millions, where statrs' own
    // quantile is wrong or does not terminate; the interval must still be
    // the normal one to 6 digits.
    #[test]
    fn welch_huge_arms() {
        let a = Summary { n: 50_000_000, mean: 1.0, variance: 4.0 };
        let b = Summary { n: 50_000_000, mean: 0.999, variance: 4.0 };
        let result = welch(a, b).unwrap();
        let se = (8.0f64 / 50_000_000.0).sqrt();
        let quantile = (result.interval.high - result.difference) / se;
        assert!((quantile / super::super::Z95 - 1.0).abs() < 1e-7, "{quantile}");
        let normal_p = super::super::normal_two_sided_p(0.001 / se);
        // t with df = 10⁸ differs from the normal by ~1e-7 relative here.
        assert!((result.p_value / normal_p - 1.0).abs() < 1e-6, "{} vs {normal_p}", result.p_value);
    }
}
