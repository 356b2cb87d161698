//! Pure statistical estimators behind jauge's intervals, tests and survival
//! curves (SPEC section 4, "Definitions"): Wilson and Newcombe intervals, the
//! pooled two-proportion z-test, the Katz risk-ratio interval, the sample
//! ratio mismatch check and the minimum detectable effect in [`proportions`];
//! Welch's unequal-variance t interval in [`welch`]; Kaplan–Meier with
//! Greenwood's variance, the log-log band, Nelson–Aalen and the median in
//! [`survival`]; the log-rank test in [`logrank`]; the always-valid
//! confidence sequence in [`sequential`]; Benjamini–Hochberg q-values in
//! [`multiplicity`]; CUPED regression adjustment in [`cuped`]; the complier
//! average causal effect in [`cace`]; Callaway & Sant'Anna's staggered
//! difference in differences in [`did`].
//!
//! This module only does arithmetic on counts, summaries and durations that
//! the KPI code has already computed: it reads no file, knows nothing about
//! polars, users, products or disclosure control, and never decides what is
//! published. Every function is deterministic (sums run in a fixed order) and
//! returns `None` rather than a NaN or an infinity when an estimate is
//! undefined. Distribution functions come from `statrs`; each estimator cites
//! the publication it follows and is tested against that publication's own
//! worked example.

pub mod cace;
pub mod cuped;
pub mod did;
pub mod logrank;
pub mod multiplicity;
pub mod proportions;
pub mod sequential;
pub mod survival;
pub mod welch;

pub use cace::{Cace, TakeUpSums, cace};
pub use cuped::{Cuped, CupedEstimate, Moments, cuped};
pub use did::{Aggregation, Control, Estimate, Panel, RolloutRow, Unit, callaway_santanna};
pub use multiplicity::benjamini_hochberg;
pub use sequential::{Difference, Sequential, confidence_sequence, mean_difference, rate_difference};

pub use logrank::{LogRank, logrank};
pub use proportions::{
    katz_risk_ratio, mde_mean, mde_rate, newcombe_difference, srm_p_value, two_proportion_p_value, wilson,
};
pub use survival::{DayCounts, KmMedian, KmStep, greenwood_std_errors, kaplan_meier, kaplan_meier_counts, km_median};
pub use welch::{Summary, WelchResult, pooled_sd, welch};

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// z = Φ⁻¹(0.975), the multiplier of every 95% interval except Welch's
/// (SPEC section 4). Written out rather than computed so that the figure the
/// manifest reports and the one the code uses cannot drift apart.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Φ⁻¹(0.8): the 80% power term of the minimum detectable effect.
pub const Z80: f64 = 0.841_621_233_572_914_3;

/// A two-sided confidence interval, `low <= high`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// `Some` only when both bounds are finite, so that no NaN or infinity
    /// ever leaves this module.
    fn finite(low: f64, high: f64) -> Option<Interval> {
        (low.is_finite() && high.is_finite()).then_some(Interval { low, high })
    }
}

/// Two-sided p-value of a standard normal statistic, `2·Φ(−|z|)`.
///
/// Computed from the lower tail rather than as `2·(1 − Φ(|z|))` so that small
/// p-values keep their precision instead of cancelling to 0. An infinite `z`
/// gives 0; a NaN `z` (which no caller in this module produces) gives 1, the
/// value of "no evidence", so that the result is always a probability.
#[must_use]
pub fn normal_two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return 1.0;
    }
    (2.0 * Normal::standard().cdf(-z.abs())).clamp(0.0, 1.0)
}

/// A count as a float. Exact below 2^53, far beyond any user base jauge
/// measures; above it the relative error is still below 1e-15.
const fn as_f64(count: u64) -> f64 {
    count as f64
}

/// Upper tail of the χ² distribution with 1 degree of freedom.
///
/// `None` for a negative or non-finite statistic, which would mean a bug
/// upstream rather than evidence.
fn chi2_1df_p_value(chi2: f64) -> Option<f64> {
    if !chi2.is_finite() || chi2 < 0.0 {
        return None;
    }
    let distribution = ChiSquared::new(1.0).ok()?;
    let p = distribution.sf(chi2);
    p.is_finite().then_some(p.clamp(0.0, 1.0))
}

/// What the estimators' reference tests share.
#[cfg(test)]
pub(crate) mod check {
    /// Asserts `actual` matches a value printed to `decimals` places, i.e.
    /// within half a unit of the last printed digit (plus float noise).
    #[track_caller]
    pub fn assert_printed(actual: f64, printed: f64, decimals: i32) {
        let tolerance = 0.5 * 10f64.powi(-decimals) + 1e-12;
        assert!((actual - printed).abs() <= tolerance, "{actual} is not {printed} to {decimals} decimals");
    }

    /// Asserts a relative difference below `tolerance`.
    #[track_caller]
    pub fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        let relative = (actual / expected - 1.0).abs();
        assert!(relative <= tolerance, "{actual} vs {expected}: relative difference {relative:e}");
    }

    /// Reads one group of `datasets/reference/sleep.csv` (extra,group,ID).
    pub fn sleep_group(group: &str) -> Vec<f64> {
        include_str!("../../datasets/reference/sleep.csv")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                (fields.get(1) == Some(&group)).then(|| fields[0].parse().unwrap())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z95_is_the_normal_quantile() {
        let z = Normal::standard().inverse_cdf(0.975);
        assert!((z - Z95).abs() < 1e-12, "{z}");
        let z80 = Normal::standard().inverse_cdf(0.8);
        assert!((z80 - Z80).abs() < 1e-12, "{z80}");
    }

    #[test]
    fn normal_p_value_known_points() {
        // Φ(−1.959963984540054) = 0.025 by definition of Z95; statrs' erfc
        // is accurate to about 1e-10 relative, hence the tolerance.
        assert!((normal_two_sided_p(Z95) / 0.05 - 1.0).abs() < 1e-10);
        assert!((normal_two_sided_p(-Z95) / 0.05 - 1.0).abs() < 1e-10);
        assert_eq!(normal_two_sided_p(0.0), 1.0);
        assert_eq!(normal_two_sided_p(f64::INFINITY), 0.0);
        assert_eq!(normal_two_sided_p(f64::NAN), 1.0);
        // The lower-tail form keeps precision far out: 2·Φ(−10) = 1.523971e-23
        // (Abramowitz & Stegun 1964, table 26.1: Q(10) = 7.619853e-24).
        let p = normal_two_sided_p(10.0);
        assert!((p / 1.523_970_6e-23 - 1.0).abs() < 1e-6, "{p}");
    }

    #[test]
    fn chi2_one_df_equals_squared_normal() {
        for chi2 in [0.0, 0.5, 3.841_458_820_694_124, 16.79, 40.0] {
            let p = chi2_1df_p_value(chi2).unwrap();
            let q = normal_two_sided_p(f64::sqrt(chi2));
            // Two statrs routines (incomplete gamma, erfc) agree to 1e-10.
            assert!((p - q).abs() <= 1e-15 + 1e-9 * q, "{chi2}: {p} vs {q}");
        }
        assert_eq!(chi2_1df_p_value(-1.0), None);
        assert_eq!(chi2_1df_p_value(f64::NAN), None);
        assert_eq!(chi2_1df_p_value(f64::INFINITY), None);
    }
}
