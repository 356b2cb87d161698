//! The effect of a product on the assigned users who took it up: take-up
//! shares, the complier average causal effect (the Wald ratio of the
//! intention-to-treat difference to the difference in take-up) and its
//! delta-method 95% interval (SPEC section 4, "Effect on the users who took
//! it up").
//!
//! It works on per-arm sums ([`TakeUpSums`]) that the caller accumulates in
//! one pass. It does not decide what counts as taking the product up (SPEC:
//! an event inside the window) nor checks the assumption behind the ratio,
//! that assignment acts only through use; the report states it.

use super::{Interval, Z95, as_f64};

/// One arm's sums over its assigned users, with `y` the outcome and `t` the
/// 0/1 take-up: `n`, `Σy`, `Σy²`, `Σt` (the users who took it up) and
/// `Σy·t` (the outcome summed over them).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TakeUpSums {
    pub n: u64,
    pub sum_y: f64,
    pub sum_y2: f64,
    pub took_up: u64,
    pub sum_y_took_up: f64,
}

/// Plug-in moments (divisor `n`) of one arm.
struct ArmMoments {
    n: f64,
    mean_y: f64,
    takeup: f64,
    var_y: f64,
    cov_yt: f64,
}

impl TakeUpSums {
    /// `takeup_treatment` or `takeup_control`: the share of the arm that
    /// took the product up. `None` when the arm is empty or `Σt > n`.
    #[must_use]
    pub fn share(&self) -> Option<f64> {
        (self.n > 0 && self.took_up <= self.n).then(|| as_f64(self.took_up) / as_f64(self.n))
    }

    /// `var(y) = Σy²/n − ȳ²` and `cov(y, t) = Σy·t/n − ȳ·u`, written as
    /// `(Σy² − Σy·ȳ)/n` so that the 0/1 outcome of a rate, whose sums are
    /// exact integers, loses nothing. For sums of values the subtraction
    /// costs about `log10(ȳ²/var(y))` of the 16 digits, a few at most for
    /// the outcomes SPEC allows; a residue below 0 is set to 0.
    fn moments(&self) -> Option<ArmMoments> {
        let takeup = self.share()?;
        let sums_finite = self.sum_y.is_finite() && self.sum_y2.is_finite() && self.sum_y_took_up.is_finite();
        if !sums_finite {
            return None;
        }
        let n = as_f64(self.n);
        let mean_y = self.sum_y / n;
        let var_y = ((self.sum_y2 - self.sum_y * mean_y) / n).max(0.0);
        let cov_yt = (self.sum_y_took_up - self.sum_y * takeup) / n;
        Some(ArmMoments { n, mean_y, takeup, var_y, cov_yt })
    }
}

/// The complier average causal effect and its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cace {
    /// `cace = d / (u_t − u_c)`.
    pub estimate: f64,
    /// `cace ∓ z · sqrt(W)`.
    pub interval: Interval,
}

/// The Wald estimator `cace = (ȳ_t − ȳ_c) / (u_t − u_c)` with the
/// delta-method interval `cace ∓ z·sqrt(W)`,
/// `W = (V_y − 2·cace·C + cace²·V_d) / (u_t − u_c)²`, where over both arms
/// `V_y = Σ var_a(y)/n_a`, `V_d = Σ u_a(1 − u_a)/n_a` and
/// `C = Σ cov_a(y, t)/n_a`, all plug-in moments (divisor `n`).
///
/// Source: Angrist JD, Imbens GW, Rubin DB (1996), "Identification of causal
/// effects using instrumental variables", *J Am Stat Assoc* 91:444–455
/// (the ratio as the effect on compliers); the variance is the delta
/// method on the ratio of two independent-arm differences, which equals the
/// heteroskedasticity-robust (HC0) variance of two-stage least squares of
/// `y` on `t` with assignment as the instrument (White H (1982),
/// "Instrumental variables regression with independent observations",
/// *Econometrica* 50:483–499); linearmodels `IV2SLS(...).fit(cov_type =
/// "robust")` prints the same.
///
/// `None` when an arm is empty, `Σt > n`, a sum is not finite, or
/// `u_t − u_c ≤ 0` (assignment did not raise take-up, so the ratio means
/// nothing).
#[must_use]
pub fn cace(treatment: TakeUpSums, control: TakeUpSums) -> Option<Cace> {
    let (t, c) = (treatment.moments()?, control.moments()?);
    let compliance = t.takeup - c.takeup;
    if compliance <= 0.0 {
        return None;
    }
    let estimate = (t.mean_y - c.mean_y) / compliance;
    let v_y = t.var_y / t.n + c.var_y / c.n;
    let v_d = t.takeup * (1.0 - t.takeup) / t.n + c.takeup * (1.0 - c.takeup) / c.n;
    let covariance = t.cov_yt / t.n + c.cov_yt / c.n;
    // Σ_a var_a(y − cace·t)/n_a, ≥ 0 in exact arithmetic.
    let numerator = (v_y - 2.0 * estimate * covariance + estimate * estimate * v_d).max(0.0);
    let half_width = Z95 * numerator.sqrt() / compliance;
    let interval = Interval::finite(estimate - half_width, estimate + half_width)?;
    estimate.is_finite().then_some(Cace { estimate, interval })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::check::*;

    /// Sums of one arm of 0/1 outcomes: `alive` of `n` survived, of whom
    /// `alive_took_up` among the `took_up` who took the treatment.
    fn binary_arm(n: u64, alive: u64, took_up: u64, alive_took_up: u64) -> TakeUpSums {
        let (sum_y, sum_y_took_up) = (as_f64(alive), as_f64(alive_took_up));
        TakeUpSums { n, sum_y, sum_y2: sum_y, took_up, sum_y_took_up }
    }

    // Sommer A, Zeger SL (1991), "On estimating efficacy from clinical
    // trials", Stat Med 10:45–52, the Indonesian vitamin A trial as Imbens GW,
    // Rubin DB (1997), "Bayesian inference for causal effects in randomized
    // experiments with noncompliance", Ann Stat 25:305–327, tabulate it:
    // 12 094 assigned to treatment, of whom 9 675 took it (12 died) and
    // 2 419 did not (34 died); 11 588 controls (74 died), none with access.
    // y = 1 when alive. By hand: ITT = 12 048/12 094 − 11 514/11 588 =
    // 0.0025824, compliance 9 675/12 094 = 0.79998, CACE = 0.0032280.
    //
    // The interval, numpy 1.26.4 following SPEC's formula on the 23 682
    // expanded rows (np.var(y) and np.mean((y − ȳ)(t − ū)) per arm, divisor
    // n): cace 0.0032280386285733005,
    // sqrt(W) 0.001159162928432599, interval [0.0009561210366314261,
    // 0.005499956220515175]. linearmodels 7.1 `IV2SLS(y, const, t,
    // z).fit(cov_type="robust")` (HC0) prints 0.003228038628572504 and se
    // 0.0011591629284325971, and an explicit HC0 sandwich
    // (Z'X)⁻¹Z' diag(e²) Z(X'Z)⁻¹ gives 0.00322803862857327 and
    // 0.0011591629284326056: SPEC's formula is 2SLS with HC0 errors.
    #[test]
    fn vitamin_a_imbens_rubin_1997() {
        let treatment = binary_arm(12_094, 12_094 - 12 - 34, 9_675, 9_675 - 12);
        let control = binary_arm(11_588, 11_588 - 74, 0, 0);
        let (u_t, u_c) = (treatment.share().unwrap(), control.share().unwrap());
        assert_close(u_t, 0.799_983_462_874_152_5, 1e-15);
        assert_eq!(u_c, 0.0);
        // The figures above, to their printed digits.
        assert!((u_t - u_c - 0.79998).abs() < 0.5e-5);
        let itt = treatment.sum_y / as_f64(treatment.n) - control.sum_y / as_f64(control.n);
        assert!((itt - 0.002_582_4).abs() < 0.5e-7, "{itt}");
        let result = cace(treatment, control).unwrap();
        assert!((result.estimate - 0.003_228_0).abs() < 0.5e-7, "{}", result.estimate);
        // numpy: the ITT difference cancels 2.5 digits of 0.996 − 0.994, so
        // the two programs may differ by 1e-13 relative; 1e-12 is a margin.
        assert_close(result.estimate, 0.003_228_038_628_573_300_5, 1e-12);
        assert_close(result.interval.low, 0.000_956_121_036_631_426_1, 1e-12);
        assert_close(result.interval.high, 0.005_499_956_220_515_175, 1e-12);
        // linearmodels' 2SLS solves a linear system and is 2.5e-13 away.
        let half_width = (result.interval.high - result.interval.low) / 2.0;
        assert_close(result.estimate, 0.003_228_038_628_572_504, 1e-12);
        assert_close(half_width / Z95, 0.001_159_162_928_432_597_1, 1e-12);
    }

    // Two-sided non-compliance with a continuous outcome, made up for this
    // test: treatment y = 3, 5.5, 2, 7, 4.5, 6, 1, 5 with t = 1, 1, 0, 1, 1,
    // 1, 0, 1; control y = 2.5, 4, 1.5, 6.5, 3, 2 with t = 0, 1, 0, 1, 0, 0.
    // By hand: u_t = 6/8, u_c = 2/6, d = 34/8 − 19.5/6 = 1, cace = 1/(5/12)
    // = 2.4. numpy as above: sqrt(W) 1.3705473359209452, interval
    // [−0.2862234175123719, 5.086223417512372]; linearmodels IV2SLS HC0
    // prints 2.399999999999991 and se 1.3705473359209448.
    #[test]
    fn two_sided_noncompliance() {
        let treatment = TakeUpSums { n: 8, sum_y: 34.0, sum_y2: 174.5, took_up: 6, sum_y_took_up: 31.0 };
        let control = TakeUpSums { n: 6, sum_y: 19.5, sum_y2: 79.75, took_up: 2, sum_y_took_up: 10.5 };
        let result = cace(treatment, control).unwrap();
        // Small exact sums: only the last few operations round.
        assert_close(result.estimate, 2.4, 1e-14);
        assert_close(result.interval.low, -0.286_223_417_512_371_9, 1e-12);
        assert_close(result.interval.high, 5.086_223_417_512_372, 1e-13);
        let half_width = (result.interval.high - result.interval.low) / 2.0;
        assert_close(half_width / Z95, 1.370_547_335_920_944_8, 1e-13);
    }

    #[test]
    fn undefined() {
        let arm = TakeUpSums { n: 10, sum_y: 4.0, sum_y2: 4.0, took_up: 5, sum_y_took_up: 3.0 };
        // Take-up no higher under treatment than in control.
        assert_eq!(cace(arm, arm), None);
        let lower = TakeUpSums { took_up: 2, ..arm };
        assert_eq!(cace(lower, arm), None);
        assert!(cace(arm, lower).is_some());
        // Empty arm, more take-ups than users, non-finite sums.
        assert_eq!(cace(arm, TakeUpSums::default()), None);
        assert_eq!(TakeUpSums::default().share(), None);
        let impossible = TakeUpSums { took_up: 11, ..arm };
        assert_eq!(impossible.share(), None);
        assert_eq!(cace(impossible, lower), None);
        assert_eq!(cace(TakeUpSums { sum_y2: f64::NAN, ..arm }, lower), None);
        // Everyone took it up under treatment, no one in control, and y is
        // constant: the effect is 0 and known exactly.
        let all = TakeUpSums { n: 4, sum_y: 4.0, sum_y2: 4.0, took_up: 4, sum_y_took_up: 4.0 };
        let none = TakeUpSums { n: 4, sum_y: 4.0, sum_y2: 4.0, took_up: 0, sum_y_took_up: 0.0 };
        let exact = cace(all, none).unwrap();
        assert_eq!((exact.estimate, exact.interval.low, exact.interval.high), (0.0, 0.0, 0.0));
    }
}
