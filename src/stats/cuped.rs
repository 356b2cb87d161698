//! Regression adjustment of a two-arm difference for a covariate measured
//! before assignment (CUPED): the pooled slope `θ`, the adjusted difference,
//! its Welch interval and p-value, and the share of variance it removed
//! (SPEC section 4, "Regression adjustment (CUPED)").
//!
//! It works on per-arm [`Moments`] of the pairs `(x, y)`, which the caller
//! accumulates in one pass, either value by value ([`Moments::push`], the
//! numerically careful way) or from plain sums ([`Moments::from_sums`]). It
//! does not define the covariate or the outcome (the impact KPI does: the
//! metric over the pre-window and over the window) and does not decide
//! which users belong to an arm.

use super::as_f64;
use super::welch::{Summary, WelchResult, welch};

/// Size, means and centred sums of squares and products of the pairs
/// `(x, y)` of one arm: `n`, `x̄`, `ȳ`, `Σ(x − x̄)²`, `Σ(y − ȳ)²` and
/// `Σ(x − x̄)(y − ȳ)`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moments {
    pub n: u64,
    pub mean_x: f64,
    pub mean_y: f64,
    pub sxx: f64,
    pub syy: f64,
    pub sxy: f64,
}

impl Moments {
    /// Adds one pair, updating means and centred sums in place.
    ///
    /// Source: Welford BP (1962), "Note on a method for calculating corrected
    /// sums of squares and products", *Technometrics* 4:419–420, in the form
    /// of Chan TF, Golub GH, LeVeque RJ (1983), "Algorithms for computing the
    /// sample variance", *Am Stat* 37:242–247. Unlike `Σx² − n·x̄²` it does not
    /// cancel when values are large and close together; pushing the same
    /// pairs in the same order always gives the same bits.
    pub fn push(&mut self, x: f64, y: f64) {
        self.n += 1;
        let n = as_f64(self.n);
        let dx = x - self.mean_x;
        let dy = y - self.mean_y;
        self.mean_x += dx / n;
        self.mean_y += dy / n;
        // The old deviation times the new one: the exact update.
        self.sxx += dx * (x - self.mean_x);
        self.syy += dy * (y - self.mean_y);
        self.sxy += dx * (y - self.mean_y);
    }

    /// Moments from the plain sums `n, Σx, Σy, Σx², Σy², Σxy`, which a
    /// query engine can compute in one pass.
    ///
    /// `Σx² − (Σx)²/n` loses about `log10(x̄²/var(x))` of the 16 significant
    /// digits to cancellation: nothing for the 0/1 covariate of a rate, a
    /// few digits for sums of values whose mean is a few standard deviations
    /// from 0, all of them when the standard deviation is below 1e-8 of the
    /// mean (use [`Moments::push`] then). So that the moments still describe
    /// some real data set, a centred sum of squares within the rounding error
    /// of the sums it came from is set to 0 (a constant covariate must give
    /// `θ = 0`, not a ratio of two rounding residues) and `Σ(x − x̄)(y − ȳ)` is
    /// kept within the Cauchy–Schwarz bound. Non-finite sums give non-finite
    /// moments, which [`cuped`] refuses.
    #[must_use]
    pub fn from_sums(n: u64, sum_x: f64, sum_y: f64, sum_xx: f64, sum_yy: f64, sum_xy: f64) -> Moments {
        if n == 0 {
            return Moments::default();
        }
        let count = as_f64(n);
        let (mean_x, mean_y) = (sum_x / count, sum_y / count);
        let raw = Moments {
            n,
            mean_x,
            mean_y,
            sxx: sum_xx - sum_x * mean_x,
            syy: sum_yy - sum_y * mean_y,
            sxy: sum_xy - sum_x * mean_y,
        };
        if !raw.is_finite() {
            return raw;
        }
        let sxx = above_rounding(raw.sxx, sum_xx, count);
        let syy = above_rounding(raw.syy, sum_yy, count);
        let bound = (sxx * syy).sqrt();
        Moments { sxx, syy, sxy: raw.sxy.clamp(-bound, bound), ..raw }
    }

    fn is_finite(&self) -> bool {
        [self.mean_x, self.mean_y, self.sxx, self.syy, self.sxy].iter().all(|v| v.is_finite())
    }

    /// The moments of both arms together, about the pooled means.
    ///
    /// Source: Chan TF, Golub GH, LeVeque RJ (1979), "Updating formulae and a
    /// pairwise algorithm for computing sample variances", Stanford report
    /// STAN-CS-79-773: the between-arm term of each centred sum is
    /// `δ_x δ_y n_a n_b / n`.
    fn pooled(&self, other: &Moments) -> Moments {
        let (na, nb) = (as_f64(self.n), as_f64(other.n));
        let n = na + nb;
        let dx = other.mean_x - self.mean_x;
        let dy = other.mean_y - self.mean_y;
        let weight = na * nb / n;
        Moments {
            n: self.n.saturating_add(other.n),
            mean_x: self.mean_x + dx * nb / n,
            mean_y: self.mean_y + dy * nb / n,
            sxx: self.sxx + other.sxx + dx * dx * weight,
            syy: self.syy + other.syy + dy * dy * weight,
            sxy: self.sxy + other.sxy + dx * dy * weight,
        }
    }

    /// Adjusted mean `ȳ − θx̄` and the sample variance of `y − θx`,
    /// `var(y) + θ² var(x) − 2θ cov(x, y)` (divisor `n − 1`), as a
    /// [`Summary`] for [`welch`].
    fn adjusted(&self, theta: f64) -> Summary {
        let sum_of_squares = self.syy + theta * theta * self.sxx - 2.0 * theta * self.sxy;
        // ≥ 0 in exact arithmetic (a sum of squares); rounding can leave −1e-17.
        let variance = sum_of_squares.max(0.0) / (as_f64(self.n) - 1.0);
        Summary { n: self.n, mean: self.mean_y - theta * self.mean_x, variance }
    }

    /// The unadjusted outcome's [`Summary`].
    fn outcome(&self) -> Summary {
        Summary { n: self.n, mean: self.mean_y, variance: self.syy / (as_f64(self.n) - 1.0) }
    }
}

/// `centred` (a centred sum of squares computed as `Σx² − Σx·x̄`), or 0 when
/// it is no larger than `n·ε·Σx²`, the worst-case rounding error of a sum of
/// `n` squares (Higham NJ (2002), *Accuracy and Stability of Numerical
/// Algorithms*, 2nd ed., SIAM, section 4.2), and so cannot be told from 0.
fn above_rounding(centred: f64, sum_of_squares: f64, n: f64) -> f64 {
    if centred > n * f64::EPSILON * sum_of_squares { centred } else { 0.0 }
}

/// The CUPED columns of one impact row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cuped {
    /// `cuped_theta`: `cov(x, y) / var(x)` over both arms, 0 when `var(x) = 0`.
    pub theta: f64,
    /// Everything else; `None` when the adjusted standard error is 0.
    pub estimate: Option<CupedEstimate>,
}

/// The adjusted difference and what is known about it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CupedEstimate {
    /// `cuped_difference`, `cuped_ci_low`, `cuped_ci_high`, `cuped_p_value`
    /// and the Welch–Satterthwaite degrees of freedom of `(V_t, n_t, V_c, n_c)`.
    pub welch: WelchResult,
    /// `sqrt(V_t/n_t + V_c/n_c)`.
    pub se: f64,
    /// `1 − se² / (var_t(y)/n_t + var_c(y)/n_c)`; `None` when `y` is constant
    /// in each arm, where the unadjusted variance is 0 but `se` need not be.
    pub variance_reduction: Option<f64>,
}

/// CUPED: the difference of `ȳ − θx̄` between arms, with `θ` the slope of `y`
/// on `x` over both arms pooled, and its Welch interval and p-value on the
/// per-arm variances `V_a = var_a(y) + θ² var_a(x) − 2θ cov_a(x, y)`.
///
/// Source: Deng A, Xu Y, Kohavi R, Walker T (2013), "Improving the
/// sensitivity of online controlled experiments by utilizing pre-experiment
/// data", *WSDM '13*, 123–132, with one `θ` from both arms pooled; the
/// interval is Welch's (see [`welch`]). It is GrowthBook's `gbstats`
/// `RegressionAdjustedStatistic` over `SampleMeanStatistic`s with
/// `TwoSidedTTest(difference_type = "absolute")`.
///
/// `None` when an arm has `n < 2` or non-finite moments. `estimate` is
/// `None` when the adjusted standard error is 0 (or the result would not be
/// finite).
#[must_use]
pub fn cuped(treatment: Moments, control: Moments) -> Option<Cuped> {
    let arms_valid = treatment.n >= 2 && control.n >= 2 && treatment.is_finite() && control.is_finite();
    if !arms_valid {
        return None;
    }
    let both = treatment.pooled(&control);
    let theta = if both.sxx > 0.0 { both.sxy / both.sxx } else { 0.0 };
    if !theta.is_finite() {
        return None;
    }
    Some(Cuped { theta, estimate: estimate(treatment, control, theta) })
}

fn estimate(treatment: Moments, control: Moments, theta: f64) -> Option<CupedEstimate> {
    let (adjusted_t, adjusted_c) = (treatment.adjusted(theta), control.adjusted(theta));
    let welch = welch(adjusted_t, adjusted_c)?;
    let se2 = adjusted_t.variance / as_f64(treatment.n) + adjusted_c.variance / as_f64(control.n);
    let (outcome_t, outcome_c) = (treatment.outcome(), control.outcome());
    let unadjusted = outcome_t.variance / as_f64(treatment.n) + outcome_c.variance / as_f64(control.n);
    let reduction = 1.0 - se2 / unadjusted;
    let variance_reduction = (unadjusted > 0.0 && reduction.is_finite()).then_some(reduction);
    Some(CupedEstimate { welch, se: se2.sqrt(), variance_reduction })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::check::*;

    fn moments(pairs: &[(f64, f64)]) -> Moments {
        let mut moments = Moments::default();
        for &(x, y) in pairs {
            moments.push(x, y);
        }
        moments
    }

    /// The reference values of one data set.
    struct Reference {
        theta: f64,
        difference: f64,
        low: f64,
        high: f64,
        p_value: f64,
        df: f64,
        se: f64,
        variance_reduction: f64,
    }

    /// numpy, scipy and this code evaluate the same formulas in f64 and agree
    /// to a few 1e-15 (a few 1e-14 for the p-value's tail), except for the t
    /// quantile: statrs' inverse incomplete beta is within about 3e-13 of
    /// scipy's at these df (welch.rs holds it to 1e-12 against R), and a
    /// bound `d ∓ q·se` carries that times `q·se/|bound|`, 3 at the NSW lower
    /// bound (seen: 8e-13). Hence 1e-11 on the bounds and 1e-12 elsewhere.
    const TOLERANCE: f64 = 1e-12;
    const BOUND_TOLERANCE: f64 = 1e-11;

    /// Checks `result` against `expected`.
    #[track_caller]
    fn assert_reference(result: Cuped, expected: &Reference) {
        let estimate = result.estimate.unwrap();
        assert_close(result.theta, expected.theta, TOLERANCE);
        assert_close(estimate.welch.difference, expected.difference, TOLERANCE);
        assert_close(estimate.welch.interval.low, expected.low, BOUND_TOLERANCE);
        assert_close(estimate.welch.interval.high, expected.high, BOUND_TOLERANCE);
        assert_close(estimate.welch.p_value, expected.p_value, TOLERANCE);
        assert_close(estimate.welch.df, expected.df, TOLERANCE);
        assert_close(estimate.se, expected.se, TOLERANCE);
        assert_close(estimate.variance_reduction.unwrap(), expected.variance_reduction, TOLERANCE);
    }

    const SMALL_TREATMENT: [(f64, f64); 6] = [(2.0, 5.1), (3.5, 6.9), (1.0, 3.2), (4.0, 8.4), (2.5, 5.0), (3.0, 6.6)];
    const SMALL_CONTROL: [(f64, f64); 5] = [(1.5, 3.9), (3.0, 5.8), (2.0, 4.1), (4.5, 8.0), (0.5, 2.2)];

    // A small data set made up for this test, (x, y) per user. Reference
    // values: numpy 1.26.4 and scipy 1.17.1 following SPEC's formulas,
    //
    //   theta = np.cov(x, y)[0, 1] / np.var(x, ddof=1)   # x, y: both arms
    //   V = lambda xa, ya: np.cov(xa, ya)[1, 1] + theta**2 * np.cov(xa, ya)[0, 0] - 2 * theta * np.cov(xa, ya)[0, 1]
    //   se2 = V(xt, yt) / nt + V(xc, yc) / nc
    //   df = se2**2 / ((V(xt, yt) / nt)**2 / (nt - 1) + (V(xc, yc) / nc)**2 / (nc - 1))
    //   ci = diff ∓ scipy.stats.t.ppf(0.975, df) * sqrt(se2); p = 2 * scipy.stats.t.sf(|diff| / sqrt(se2), df)
    //   vr = 1 - se2 / (np.var(yt, ddof=1) / nt + np.var(yc, ddof=1) / nc)
    //
    // and gbstats 0.8.0:
    //
    //   stat = lambda x, y: RegressionAdjustedStatistic(n=len(x),
    //       post_statistic=SampleMeanStatistic(n=len(x), sum=y.sum(), sum_squares=(y**2).sum()),
    //       pre_statistic=SampleMeanStatistic(n=len(x), sum=x.sum(), sum_squares=(x**2).sum()),
    //       post_pre_sum_of_products=(x*y).sum(), theta=0)
    //   test = TwoSidedTTest(stat(xc, yc), stat(xt, yt), FrequentistConfig(difference_type="absolute"))
    //   r = test.compute_result(); print(test.stat_a.theta, r.expected, r.ci, r.p_value, test.dof)
    //
    // gbstats: θ 1.5483870967741935, difference 0.4989247311827971,
    // ci [0.0496830204993956, 0.9481664418661986], p 0.03336306115493093,
    // df 8.535391646958304 (it reports neither se nor the reduction). The
    // two agree to 7e-14 relative (gbstats' Σx² − (Σx)²/n cancels a little).
    const SMALL_SPEC: Reference = Reference {
        theta: 1.548_387_096_774_193_7,
        difference: 0.498_924_731_182_797_57,
        low: 0.049_683_020_499_398_88,
        high: 0.948_166_441_866_196_3,
        p_value: 0.033_363_061_154_929_94,
        df: 8.535_391_646_958_333,
        se: 0.196_943_637_016_802_73,
        variance_reduction: 0.974_383_124_278_81,
    };

    #[test]
    fn small_example_matches_numpy_and_gbstats() {
        let result = cuped(moments(&SMALL_TREATMENT), moments(&SMALL_CONTROL)).unwrap();
        assert_reference(result, &SMALL_SPEC);
        let estimate = result.estimate.unwrap();
        // gbstats itself, 7e-14 from numpy.
        assert_close(result.theta, 1.548_387_096_774_193_5, TOLERANCE);
        assert_close(estimate.welch.difference, 0.498_924_731_182_797_1, TOLERANCE);
        assert_close(estimate.welch.interval.low, 0.049_683_020_499_395_6, BOUND_TOLERANCE);
        assert_close(estimate.welch.interval.high, 0.948_166_441_866_198_6, BOUND_TOLERANCE);
        assert_close(estimate.welch.p_value, 0.033_363_061_154_930_93, TOLERANCE);
        assert_close(estimate.welch.df, 8.535_391_646_958_304, TOLERANCE);
    }

    /// Reads `datasets/reference/nsw_mixtape.csv` (treat,re75,re78) into
    /// the moments of (re75, re78) of the treated and the controls.
    fn nsw_arms(accumulate: fn(&[(f64, f64)]) -> Moments) -> (Moments, Moments) {
        let mut arms: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
        let rows = include_str!("../../datasets/reference/nsw_mixtape.csv").lines().filter(|l| !l.starts_with('#'));
        for line in rows.skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let arm = usize::from(fields[0] == "1");
            arms[arm].push((fields[1].parse().unwrap(), fields[2].parse().unwrap()));
        }
        (accumulate(&arms[1]), accumulate(&arms[0]))
    }

    fn from_sums(pairs: &[(f64, f64)]) -> Moments {
        let sum = |f: fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>();
        let n = pairs.len() as u64;
        Moments::from_sums(n, sum(|p| p.0), sum(|p| p.1), sum(|p| p.0 * p.0), sum(|p| p.1 * p.1), sum(|p| p.0 * p.1))
    }

    // LaLonde's NSW experiment (Dehejia & Wahba sample, causaldata's
    // nsw_mixtape): 185 treated, 260 controls, x = 1975 earnings, y = 1978
    // earnings. The unadjusted difference is the 1794 that Dehejia & Wahba
    // (1999) report as the experimental benchmark. Reference values from
    // numpy and gbstats on this CSV, as for the small example. gbstats 0.8.0
    // prints θ 0.17804658945661672, difference 1747.1340078323428, ci
    // [430.80203554264676, 3063.4659801220387], p 0.009451949156562334, df
    // 306.9185678948953, within 7e-15 of numpy. θ is also numpy's polyfit
    // slope of re78 on re75 over all 445 men, 0.1780465894566164.
    const NSW_SPEC: Reference = Reference {
        theta: 0.178_046_589_456_616_58,
        difference: 1_747.134_007_832_342_8,
        low: 430.802_035_542_647,
        high: 3_063.465_980_122_038_7,
        p_value: 0.009_451_949_156_562_396,
        df: 306.918_567_894_895_6,
        se: 668.961_909_403_121_7,
        variance_reduction: 0.006_055_328_343_175_237,
    };

    #[test]
    fn lalonde_nsw_matches_numpy_and_gbstats() {
        let (treatment, control) = nsw_arms(moments);
        assert_eq!((treatment.n, control.n), (185, 260));
        assert_close(treatment.mean_y - control.mean_y, 1_794.342_404_270_271, 1e-13);
        let result = cuped(treatment, control).unwrap();
        assert_reference(result, &NSW_SPEC);
        let estimate = result.estimate.unwrap();
        assert_close(estimate.welch.interval.low, 430.802_035_542_646_76, BOUND_TOLERANCE);
        assert_close(estimate.welch.p_value, 0.009_451_949_156_562_334, TOLERANCE);
        // Plain sums give the same here: earnings spread as widely as their
        // mean, so the cancellation costs about one digit.
        let (sum_t, sum_c) = nsw_arms(from_sums);
        let from_sums = cuped(sum_t, sum_c).unwrap();
        assert_close(from_sums.theta, result.theta, 1e-13);
        assert_close(from_sums.estimate.unwrap().se, estimate.se, 1e-13);
    }

    // Where plain sums fail: values 1e9 + {1, 2, 3} have a variance of 1 but
    // Σx² − (Σx)²/n cancels 18 digits away. Pushing pairs keeps it exact.
    #[test]
    fn push_does_not_cancel() {
        let pairs = [(1e9 + 1.0, 1e9 + 2.0), (1e9 + 2.0, 1e9 + 4.0), (1e9 + 3.0, 1e9 + 6.0)];
        let pushed = moments(&pairs);
        assert_eq!((pushed.sxx, pushed.syy, pushed.sxy), (2.0, 8.0, 4.0));
        let summed = from_sums(&pairs);
        assert!(summed.sxx != 2.0 || summed.syy != 8.0, "{summed:?}");
        // Whatever the sums say, the moments stay a possible data set.
        assert!(summed.sxx >= 0.0 && summed.syy >= 0.0 && summed.sxy.abs() <= (summed.sxx * summed.syy).sqrt());
    }

    // By hand: from the sums of the small example's treatment arm,
    // n = 6, Σx = 16, Σx² = 48.5 give Σ(x − x̄)² = 48.5 − 256/6 = 5.8333.
    #[test]
    fn sums_and_pushes_agree() {
        let pushed = moments(&SMALL_TREATMENT);
        let summed = from_sums(&SMALL_TREATMENT);
        assert_close(pushed.sxx, 48.5 - 256.0 / 6.0, 1e-14);
        for (a, b) in [
            (pushed.mean_x, summed.mean_x),
            (pushed.mean_y, summed.mean_y),
            (pushed.sxx, summed.sxx),
            (pushed.syy, summed.syy),
            (pushed.sxy, summed.sxy),
        ] {
            assert_close(a, b, 1e-13);
        }
        assert_eq!(Moments::from_sums(0, 0.0, 0.0, 0.0, 0.0, 0.0), Moments::default());
    }

    // x = 0.3 for everyone, summed in f64: Σx² − Σx·x̄ leaves 5.6e-17, not 0,
    // which would make θ a ratio of rounding residues. It must be 0, and
    // CUPED then Welch on y.
    #[test]
    fn constant_covariate_from_sums() {
        let treatment = from_sums(&[(0.3, 1.0), (0.3, 4.0), (0.3, 2.0)]);
        let control = from_sums(&[(0.3, 3.0), (0.3, 7.0), (0.3, 5.0)]);
        let raw = 0.3 * 0.3 + 0.3 * 0.3 + 0.3 * 0.3 - (0.3 + 0.3 + 0.3) * ((0.3 + 0.3 + 0.3) / 3.0);
        assert!(raw > 0.0, "{raw}");
        assert_eq!((treatment.sxx, treatment.sxy), (0.0, 0.0));
        let result = cuped(treatment, control).unwrap();
        assert_eq!(result.theta, 0.0);
        assert_eq!(result.estimate.unwrap().variance_reduction, Some(0.0));
        // Non-finite sums are refused, not clamped into something finite.
        let broken = Moments::from_sums(3, f64::NAN, 7.0, 0.27, 21.0, 2.1);
        assert_eq!(cuped(broken, control), None);
        let infinite = Moments::from_sums(3, 0.9, 7.0, f64::INFINITY, 21.0, 2.1);
        assert_eq!(cuped(infinite, control), None);
    }

    #[test]
    fn null_rules() {
        let two = moments(&[(1.0, 2.0), (2.0, 3.5)]);
        let one = moments(&[(1.0, 2.0)]);
        assert_eq!(cuped(one, two), None);
        assert_eq!(cuped(two, one), None);
        let broken = Moments { mean_y: f64::NAN, ..two };
        assert_eq!(cuped(broken, two), None);
        // A constant covariate: θ = 0 and CUPED is Welch on y.
        let constant_x = moments(&[(5.0, 1.0), (5.0, 4.0), (5.0, 2.0)]);
        let other = moments(&[(5.0, 3.0), (5.0, 7.0)]);
        let result = cuped(constant_x, other).unwrap();
        assert_eq!(result.theta, 0.0);
        let plain = welch(constant_x.outcome(), other.outcome()).unwrap();
        assert_eq!(result.estimate.unwrap().welch, plain);
        assert_eq!(result.estimate.unwrap().variance_reduction, Some(0.0));
        // Every user on the line y = 2x + 1: se = 0, only θ = 2 is reported.
        let line_t = moments(&[(1.0, 3.0), (2.0, 5.0), (3.0, 7.0)]);
        let line_c = moments(&[(0.0, 1.0), (1.0, 3.0), (4.0, 9.0)]);
        let exact = cuped(line_t, line_c).unwrap();
        assert_close(exact.theta, 2.0, 1e-15);
        assert_eq!(exact.estimate, None);
        // y constant in each arm but not across: the unadjusted variance is
        // 0, so the reduction is undefined, while se is not 0.
        let flat_t = moments(&[(1.0, 1.0), (2.0, 1.0), (4.0, 1.0)]);
        let flat_c = moments(&[(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]);
        let flat = cuped(flat_t, flat_c).unwrap();
        let estimate = flat.estimate.unwrap();
        assert!(estimate.se > 0.0);
        assert_eq!(estimate.variance_reduction, None);
    }
}
