//! Estimators on binomial counts: the Wilson score interval of one rate, the
//! Newcombe interval of a difference of rates, the pooled two-proportion
//! z-test, the Katz interval of a risk ratio, the sample ratio mismatch
//! (SRM) χ² test, and the minimum detectable effect of a two-arm trial.
//!
//! Inputs are counts already computed by the KPI code (successes `x` out of
//! `n`); nothing here knows where the counts came from, whether they are
//! complete cohorts, or whether they may be published. Counts with `x > n`
//! are rejected with `None` because they can only come from a bug upstream.
//! All intervals use [`Z95`]; none applies a continuity correction, as SPEC
//! section 4 prescribes.

use super::{Interval, Z80, Z95, as_f64, chi2_1df_p_value, normal_two_sided_p};

/// Checks `0 < n` and `x <= n` and returns the counts as floats.
fn counts(x: u64, n: u64) -> Option<(f64, f64)> {
    (n > 0 && x <= n).then_some((as_f64(x), as_f64(n)))
}

/// Wilson score 95% interval for the proportion `successes / n`, without
/// continuity correction.
///
/// Source: Wilson EB (1927), "Probable inference, the law of succession, and
/// statistical inference", *J Am Stat Assoc* 22:209–212; method 3 of
/// Newcombe RG (1998), "Two-sided confidence intervals for the single
/// proportion: comparison of seven methods", *Stat Med* 17:857–872.
///
/// `None` when `n == 0` (or `successes > n`). The bounds are exactly 0 when
/// `successes == 0` and exactly 1 when `successes == n`: the closed form gives
/// them only up to rounding, and a rate of 0 with a lower bound of 1e-17
/// would print as a positive interval.
#[must_use]
pub fn wilson(successes: u64, n: u64) -> Option<Interval> {
    let (x, nf) = counts(successes, n)?;
    let z2 = Z95 * Z95;
    let denominator = nf + z2;
    let centre = (x + z2 / 2.0) / denominator;
    let half_width = Z95 / denominator * (x * (nf - x) / nf + z2 / 4.0).sqrt();
    let low = if successes == 0 { 0.0 } else { (centre - half_width).clamp(0.0, 1.0) };
    let high = if successes == n { 1.0 } else { (centre + half_width).clamp(0.0, 1.0) };
    Interval::finite(low, high)
}

/// Newcombe's hybrid score 95% interval for the difference `p1 − p2` of two
/// independent proportions `x1/n1` and `x2/n2` (method 10, the Wilson bounds
/// of each arm combined by "square and add", no continuity correction).
///
/// Source: Newcombe RG (1998), "Interval estimation for the difference
/// between independent proportions: comparison of eleven methods",
/// *Stat Med* 17:873–890, method 10. It is statsmodels'
/// `confint_proportions_2indep(method="newcomb")`.
///
/// `None` when `n1` or `n2` is 0 (or a count exceeds its `n`).
#[must_use]
pub fn newcombe_difference(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<Interval> {
    let (a, an) = counts(x1, n1)?;
    let (b, bn) = counts(x2, n2)?;
    let (p1, p2) = (a / an, b / bn);
    let w1 = wilson(x1, n1)?;
    let w2 = wilson(x2, n2)?;
    let difference = p1 - p2;
    let low = difference - (p1 - w1.low).hypot(w2.high - p2);
    let high = difference + (w1.high - p1).hypot(p2 - w2.low);
    Interval::finite(low.clamp(-1.0, 1.0), high.clamp(-1.0, 1.0))
}

/// Two-sided p-value of the pooled two-proportion z-test of `x1/n1` against
/// `x2/n2`: `z = (p1 − p2) / sqrt(p(1 − p)(1/n1 + 1/n2))` with `p` the pooled
/// proportion.
///
/// Source: Fleiss JL, Levin B, Paik MC (2003), *Statistical Methods for
/// Rates and Proportions*, 3rd ed., Wiley, chapter 3 (the fourfold table),
/// without the continuity correction. Its square is Pearson's χ² of the 2×2
/// table, so it agrees with R `prop.test(correct = FALSE)`.
///
/// `None` when an `n` is 0 or the pooled proportion is 0 or 1, where the
/// standard error vanishes and the test says nothing.
#[must_use]
pub fn two_proportion_p_value(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<f64> {
    let (a, an) = counts(x1, n1)?;
    let (b, bn) = counts(x2, n2)?;
    let pooled = (a + b) / (an + bn);
    if pooled <= 0.0 || pooled >= 1.0 {
        return None;
    }
    let se = (pooled * (1.0 - pooled) * (1.0 / an + 1.0 / bn)).sqrt();
    let z = (a / an - b / bn) / se;
    z.is_finite().then(|| normal_two_sided_p(z))
}

/// 95% interval for the risk ratio `p1 / p2`, computed on the log scale:
/// `exp(ln RR ± z·sqrt(1/x1 − 1/n1 + 1/x2 − 1/n2))`.
///
/// Source: Katz D, Baptista J, Azen SP, Pike MC (1978), "Obtaining confidence
/// intervals for the risk ratio in cohort studies", *Biometrics* 34:469–474
/// (the "log" method of statsmodels
/// `confint_proportions_2indep(compare="ratio", method="log")`).
///
/// The interval is on the ratio scale; the impact table subtracts 1 to show
/// it as a relative uplift. `None` when `x1` or `x2` is 0 (the log ratio or
/// its variance is infinite) or an `n` is 0.
#[must_use]
pub fn katz_risk_ratio(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<Interval> {
    let (a, an) = counts(x1, n1)?;
    let (b, bn) = counts(x2, n2)?;
    if x1 == 0 || x2 == 0 {
        return None;
    }
    let log_ratio = (a / an).ln() - (b / bn).ln();
    // Each term 1/x − 1/n is ≥ 0 in exact arithmetic; max() keeps a rounding
    // residue of −1e-17 from reaching sqrt when x == n.
    let variance = (1.0 / a - 1.0 / an).max(0.0) + (1.0 / b - 1.0 / bn).max(0.0);
    let half_width = Z95 * variance.sqrt();
    Interval::finite((log_ratio - half_width).exp(), (log_ratio + half_width).exp())
}

/// Sample ratio mismatch check: p-value of Pearson's χ² goodness-of-fit test
/// (1 degree of freedom, no continuity correction) of the observed arm sizes
/// against the planned treatment share `allocation`.
///
/// Source: Pearson K (1900), *Phil Mag* 50:157–175; its use as a trial
/// diagnostic follows Fabijan A et al. (2019), "Diagnosing sample ratio
/// mismatch in online controlled experiments", *KDD '19*. It equals R
/// `chisq.test(c(n_t, n_c), p = c(a, 1 − a))`.
///
/// `None` when there is nobody (`n_treatment + n_control == 0`) or when
/// `allocation` is not strictly between 0 and 1 (an expected count of 0).
#[must_use]
pub fn srm_p_value(n_treatment: u64, n_control: u64, allocation: f64) -> Option<f64> {
    if !(allocation > 0.0 && allocation < 1.0) {
        return None;
    }
    let total = n_treatment.checked_add(n_control)?;
    let (t, n) = counts(n_treatment, total)?;
    let c = n - t;
    let expected_t = n * allocation;
    let expected_c = n * (1.0 - allocation);
    let chi2 = (t - expected_t).powi(2) / expected_t + (c - expected_c).powi(2) / expected_c;
    chi2_1df_p_value(chi2)
}

/// Minimum detectable difference of two rates with 80% power at a 5%
/// two-sided level: `(Φ⁻¹(0.975) + Φ⁻¹(0.8)) · sqrt(p(1 − p)(1/n_t + 1/n_c))`,
/// with `p` the control rate (SPEC section 4, "Trial diagnostics").
///
/// Source: the normal-approximation sample-size formula, e.g. Chow SC, Shao
/// J, Wang H (2008), *Sample Size Calculations in Clinical Research*, 2nd ed.,
/// section 4.2, solved for the difference.
///
/// `None` when an `n` is 0 or `p_control` is not a proportion.
#[must_use]
pub fn mde_rate(p_control: f64, n_treatment: u64, n_control: u64) -> Option<f64> {
    if !(0.0..=1.0).contains(&p_control) {
        return None;
    }
    mde_mean((p_control * (1.0 - p_control)).sqrt(), n_treatment, n_control)
}

/// Minimum detectable difference of two means with 80% power at a 5%
/// two-sided level: `(Φ⁻¹(0.975) + Φ⁻¹(0.8)) · sd · sqrt(1/n_t + 1/n_c)`,
/// with `sd` the pooled standard deviation (see [`super::welch::pooled_sd`]).
///
/// Source: as [`mde_rate`], Chow, Shao & Wang (2008) section 3.2.
///
/// `None` when an `n` is 0 or `pooled_sd` is negative or not finite.
#[must_use]
pub fn mde_mean(pooled_sd: f64, n_treatment: u64, n_control: u64) -> Option<f64> {
    if !(pooled_sd.is_finite() && pooled_sd >= 0.0) {
        return None;
    }
    let (_, nt) = counts(0, n_treatment)?;
    let (_, nc) = counts(0, n_control)?;
    let mde = (Z95 + Z80) * pooled_sd * (1.0 / nt + 1.0 / nc).sqrt();
    mde.is_finite().then_some(mde)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::check::*;

    #[track_caller]
    fn assert_interval(actual: Option<Interval>, low: f64, high: f64, decimals: i32) {
        let Some(interval) = actual else {
            panic!("expected [{low}, {high}], got None");
        };
        assert_printed(interval.low, low, decimals);
        assert_printed(interval.high, high, decimals);
    }

    // Newcombe RG (1998), "Two-sided confidence intervals for the single
    // proportion: comparison of seven methods", Stat Med 17:857–872, Table I,
    // method 3 ("score method without continuity correction"), 4 decimals.
    #[test]
    fn wilson_newcombe_1998_table_i() {
        assert_interval(wilson(81, 263), 0.2553, 0.3662, 4);
        assert_interval(wilson(15, 148), 0.0624, 0.1605, 4);
        assert_interval(wilson(0, 20), 0.0000, 0.1611, 4);
        assert_interval(wilson(1, 29), 0.0061, 0.1718, 4);
    }

    // statsmodels 0.15.0 `proportion_confint(count, nobs, method="wilson")`,
    // printed to 10 decimals (it uses the same z = Φ⁻¹(0.975)).
    #[test]
    fn wilson_statsmodels() {
        assert_interval(wilson(5, 10), 0.236_593_090_5, 0.763_406_909_5, 10);
        assert_interval(wilson(8, 10), 0.490_162_471_5, 0.943_317_848_5, 10);
        assert_interval(wilson(200, 1000), 0.176_377_090_4, 0.225_918_964_6, 10);
        assert_interval(wilson(81, 263), 0.255_288_519_9, 0.366_209_577_0, 10);
        assert_interval(wilson(1, 29), 0.006_113_214_3, 0.171_755_218_8, 10);
    }

    #[test]
    fn wilson_edges() {
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
        // 0/n and n/n: the bound at the observed edge is exact, the other is
        // z²/(n + z²) from 0 (or 1), e.g. 0/10 → 0.2775 (Newcombe 1998,
        // Stat Med 17:873, Table II, the Wilson limits of example (e)).
        let zero = wilson(0, 10).unwrap();
        assert_eq!(zero.low, 0.0);
        assert_printed(zero.high, 0.2775, 4);
        let z2 = Z95 * Z95;
        assert!((zero.high - z2 / (10.0 + z2)).abs() < 1e-15);
        let all = wilson(10, 10).unwrap();
        assert_eq!(all.high, 1.0);
        assert_printed(all.low, 0.7225, 4);
        assert!((all.low - 10.0 / (10.0 + z2)).abs() < 1e-15);
        // n = 1 still gives a proper interval.
        let one = wilson(1, 1).unwrap();
        assert_eq!(one.high, 1.0);
        assert!(one.low > 0.0 && one.low < 1.0);
    }

    // Newcombe RG (1998), "Interval estimation for the difference between
    // independent proportions: comparison of eleven methods", Stat Med
    // 17:873–890, Table II, method 10 ("score, no CC"), examples (a)–(h),
    // 4 decimals. Example (a) is also the one SPEC section 4 cites.
    // statsmodels 0.15.0 `confint_proportions_2indep(method="newcomb")`
    // prints the same to 4 decimals, e.g. (c) 0.0582279275, 0.8062496375
    // and (d) −0.0381371479, 0.1925600139.
    #[test]
    fn newcombe_1998_table_ii_method_10() {
        let table = [
            ((56, 70, 48, 80), (0.0524, 0.3339)), // (a)
            ((9, 10, 3, 10), (0.1705, 0.8090)),   // (b)
            ((6, 7, 2, 7), (0.0582, 0.8062)),     // (c)
            ((5, 56, 0, 29), (-0.0381, 0.1926)),  // (d)
            ((0, 10, 0, 20), (-0.1611, 0.2775)),  // (e)
            ((0, 10, 0, 10), (-0.2775, 0.2775)),  // (f)
            ((10, 10, 0, 20), (0.6791, 1.0000)),  // (g)
            ((10, 10, 0, 10), (0.6075, 1.0000)),  // (h)
        ];
        for ((x1, n1, x2, n2), (low, high)) in table {
            assert_interval(newcombe_difference(x1, n1, x2, n2), low, high, 4);
        }
        assert_interval(newcombe_difference(56, 70, 48, 80), 0.052_431_472_4, 0.333_872_654_0, 10);
        assert_interval(newcombe_difference(6, 7, 2, 7), 0.058_227_927_5, 0.806_249_637_5, 10);
        assert_interval(newcombe_difference(5, 56, 0, 29), -0.038_137_147_9, 0.192_560_013_9, 10);
    }

    #[test]
    fn newcombe_edges() {
        assert_eq!(newcombe_difference(0, 0, 1, 2), None);
        assert_eq!(newcombe_difference(1, 2, 0, 0), None);
        // Swapping the arms mirrors the interval.
        let ab = newcombe_difference(56, 70, 48, 80).unwrap();
        let ba = newcombe_difference(48, 80, 56, 70).unwrap();
        assert!((ab.low + ba.high).abs() < 1e-15 && (ab.high + ba.low).abs() < 1e-15);
    }

    // Pooled z-test on Newcombe's example (a), 56/70 vs 48/80. By hand:
    // pooled p = 104/150, z² = 0.2² / (104/150 · 46/150 · (1/70 + 1/80))
    // = 0.04 · 150 · 5600 / (104 · 46) = 33600/4784 = 7.0234114.
    // R 4.2.2 `prop.test(c(56, 48), c(70, 80), correct = FALSE)` prints
    // X-squared = 7.0234114, df = 1, p-value = 0.008045081.
    #[test]
    fn two_proportion_z_test_hand_checked() {
        let chi2: f64 = 33600.0 / 4784.0;
        assert_printed(chi2, 7.023_411_4, 7);
        let p = two_proportion_p_value(56, 70, 48, 80).unwrap();
        assert!((p - normal_two_sided_p(chi2.sqrt())).abs() < 1e-15);
        assert!((p / 0.008_045_081 - 1.0).abs() < 1e-7, "{p}");
        // Symmetric in the arms.
        assert_eq!(p, two_proportion_p_value(48, 80, 56, 70).unwrap());
        // Equal rates give p = 1.
        assert!((two_proportion_p_value(5, 10, 10, 20).unwrap() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn two_proportion_z_test_undefined() {
        assert_eq!(two_proportion_p_value(0, 10, 0, 20), None);
        assert_eq!(two_proportion_p_value(10, 10, 20, 20), None);
        assert_eq!(two_proportion_p_value(0, 0, 1, 2), None);
        assert_eq!(two_proportion_p_value(1, 2, 0, 0), None);
    }

    // Katz's log interval on Newcombe's example (a). By hand:
    // RR = (56/70)/(48/80) = 4/3, var(ln RR) = 1/56 − 1/70 + 1/48 − 1/80
    // = 1/280 + 1/120 = 1/84, so the interval is
    // exp(0.2876821 ± 1.959964/sqrt(84)) = exp(0.2876821 ± 0.2138500).
    // statsmodels 0.15.0 `confint_proportions_2indep(56, 70, 48, 80,
    // compare="ratio", method="log")` prints (1.0766264227631928,
    // 1.6512485112663873).
    #[test]
    fn katz_risk_ratio_hand_checked() {
        let interval = katz_risk_ratio(56, 70, 48, 80).unwrap();
        let half: f64 = Z95 / 84f64.sqrt();
        let ln_rr = (4.0f64 / 3.0).ln();
        assert!((interval.low - (ln_rr - half).exp()).abs() < 1e-14);
        assert!((interval.high - (ln_rr + half).exp()).abs() < 1e-14);
        assert_printed(interval.low, 1.076_626_422_763_192_8, 14);
        assert_printed(interval.high, 1.651_248_511_266_387_3, 14);
    }

    #[test]
    fn katz_risk_ratio_undefined_and_degenerate() {
        assert_eq!(katz_risk_ratio(0, 10, 3, 10), None);
        assert_eq!(katz_risk_ratio(3, 10, 0, 10), None);
        assert_eq!(katz_risk_ratio(1, 0, 3, 10), None);
        // Everyone has the outcome in both arms: a zero-width interval at 1.
        let all = katz_risk_ratio(10, 10, 20, 20).unwrap();
        assert_eq!((all.low, all.high), (1.0, 1.0));
    }

    // By hand: 5 100 vs 4 900 users planned 50/50. Expected 5 000 each,
    // χ² = 100²/5000 + 100²/5000 = 4, p = P(χ²₁ > 4) = 2·Φ(−2) = 0.0455003
    // (Φ(−2) = 0.02275013, Abramowitz & Stegun 1964, table 26.1).
    // Allocation 30/70 with 320 vs 680: expected 300 and 700,
    // χ² = 400/300 + 400/700 = 1.9047619. R 4.2.2
    // `chisq.test(c(5100, 4900), p = c(.5, .5))$p.value` prints 0.0455002639
    // and `chisq.test(c(320, 680), p = c(.3, .7))$p.value` 0.1675462775.
    #[test]
    fn srm_hand_checked() {
        let p = srm_p_value(5100, 4900, 0.5).unwrap();
        assert_printed(p, 0.045_500_263_9, 10);
        let p = srm_p_value(320, 680, 0.3).unwrap();
        let chi2: f64 = 400.0 / 300.0 + 400.0 / 700.0;
        assert!((p - normal_two_sided_p(chi2.sqrt())).abs() < 1e-10);
        assert_printed(p, 0.167_546_277_5, 10);
        // A perfect split gives p = 1.
        assert!((srm_p_value(500, 500, 0.5).unwrap() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn srm_undefined() {
        assert_eq!(srm_p_value(0, 0, 0.5), None);
        assert_eq!(srm_p_value(10, 10, 0.0), None);
        assert_eq!(srm_p_value(10, 10, 1.0), None);
        assert_eq!(srm_p_value(10, 10, f64::NAN), None);
        // One empty arm is a mismatch, not an error.
        assert!(srm_p_value(100, 0, 0.5).unwrap() < 1e-20);
    }

    // By hand: p_c = 0.2, 1 000 users per arm:
    // (1.959964 + 0.841621) · sqrt(0.16 · 0.002) = 2.8015852 · 0.0178885438
    // = 0.0501163.
    #[test]
    fn mde_hand_checked() {
        let mde = mde_rate(0.2, 1000, 1000).unwrap();
        assert_printed(mde, 0.050_116_3, 7);
        assert!((mde - 2.801_585_218_113 * (0.16f64 * 0.002).sqrt()).abs() < 1e-12);
        // Means: sd 10, 50 and 200 users → 2.8015852 · 10 · sqrt(0.025)
        // = 4.4296952.
        assert_printed(mde_mean(10.0, 50, 200).unwrap(), 4.429_695_2, 7);
        // p(1 − p) is what the rate version feeds the mean version.
        assert_eq!(mde_rate(0.3, 40, 60), mde_mean((0.3f64 * 0.7).sqrt(), 40, 60));
    }

    #[test]
    fn mde_undefined() {
        assert_eq!(mde_rate(0.2, 0, 10), None);
        assert_eq!(mde_rate(0.2, 10, 0), None);
        assert_eq!(mde_rate(1.2, 10, 10), None);
        assert_eq!(mde_rate(f64::NAN, 10, 10), None);
        assert_eq!(mde_mean(-1.0, 10, 10), None);
        assert_eq!(mde_mean(f64::INFINITY, 10, 10), None);
        assert_eq!(mde_rate(0.0, 10, 10), Some(0.0));
    }
}
