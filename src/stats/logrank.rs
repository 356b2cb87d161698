//! The log-rank test comparing the time to outcome of two arms (SPEC section
//! 4, "Time to outcome": `treatment` against `control`).
//!
//! It takes the same `(duration in whole days, event)` pairs as
//! [`super::survival::kaplan_meier`] and follows the same tie rule (the
//! censored of a day are at risk that day). It does not build the arms, nor
//! decide on which impact rows the result is repeated; it only tests.

use super::{as_f64, chi2_1df_p_value};

/// Result of [`logrank`], with the pieces of the statistic for display and
/// checking against other software.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogRank {
    /// `(O_a − E_a)² / V`, 1 degree of freedom.
    pub chi2: f64,
    pub p_value: f64,
    /// Events observed in group a, `O_a`.
    pub observed_a: u64,
    /// Events expected in group a under the null, `E_a = Σ d·n_a/n`.
    pub expected_a: f64,
    /// Hypergeometric variance `V` of `O_a − E_a`.
    pub variance: f64,
}

/// Mantel's log-rank test of `group_a` against `group_b`:
/// `χ² = (O_a − E_a)²/V` with `E_a = Σ d·n_a/n` and
/// `V = Σ n_a·n_b·d·(n − d)/(n²(n − 1))` over the days with at least one
/// event (a day with `n = 1` adds 0 to `V`), referred to χ² with 1 degree of
/// freedom.
///
/// Sources: Mantel N (1966), "Evaluation of survival data and two new rank
/// order statistics arising in its consideration", *Cancer Chemother Rep*
/// 50:163–170; Peto R, Peto J (1972), "Asymptotically efficient rank
/// invariant test procedures", *J R Stat Soc A* 135:185–207. It is R
/// `survdiff(rho = 0)` and lifelines `logrank_test`.
///
/// `None` when `V = 0`: an empty group, no event at all, or no day where
/// both groups are at risk with a mix of events and survivors — the test
/// has nothing to compare.
#[must_use]
pub fn logrank(group_a: &[(i32, bool)], group_b: &[(i32, bool)]) -> Option<LogRank> {
    // (day, is_a, event), sorted so that sums run in day order whatever the
    // input order.
    let mut subjects: Vec<(i32, bool, bool)> = group_a
        .iter()
        .map(|&(day, event)| (day, true, event))
        .chain(group_b.iter().map(|&(day, event)| (day, false, event)))
        .collect();
    subjects.sort_unstable();

    let mut at_risk_a = group_a.len() as u64;
    let mut at_risk_b = group_b.len() as u64;
    let mut observed_a = 0_u64;
    let mut expected_a = 0.0_f64;
    let mut variance = 0.0_f64;
    for day_group in subjects.chunk_by(|x, y| x.0 == y.0) {
        let leaving_a = day_group.iter().filter(|s| s.1).count() as u64;
        let leaving_b = day_group.len() as u64 - leaving_a;
        let events_a = day_group.iter().filter(|s| s.1 && s.2).count() as u64;
        let events = day_group.iter().filter(|s| s.2).count() as u64;
        if events > 0 {
            let (n_a, n_b) = (as_f64(at_risk_a), as_f64(at_risk_b));
            let (n, d) = (n_a + n_b, as_f64(events));
            observed_a += events_a;
            expected_a += d * n_a / n;
            if n > 1.0 {
                variance += n_a * n_b * d * (n - d) / (n * n * (n - 1.0));
            }
        }
        at_risk_a -= leaving_a;
        at_risk_b -= leaving_b;
    }
    if !(variance > 0.0 && variance.is_finite()) {
        return None;
    }
    let chi2 = (as_f64(observed_a) - expected_a).powi(2) / variance;
    let p_value = chi2_1df_p_value(chi2)?;
    Some(LogRank { chi2, p_value, observed_a, expected_a, variance })
}

#[cfg(test)]
mod tests {
    use super::super::survival::tests::freireich;
    use super::*;

    // Freireich et al. (1963) 6-MP vs placebo, R 4.2.2 survival 3.5-3
    // `survdiff(Surv(time, status) ~ group)`: Observed 9 and 21, Expected
    // 19.2505 and 10.7495, (O−E)²/V 16.7929, "Chisq= 16.8 on 1 degrees of
    // freedom, p= 4.169e-05"; printed with more digits, chisq =
    // 16.7929409892, p = 4.16880910933e-05, var = 6.25696057368.
    // lifelines 0.30.3 `logrank_test` gives 16.792940989216547 and
    // 4.168809109334511e-05. Kleinbaum & Klein (2012) chapter 2 report
    // log-rank χ² = 16.79 for these data.
    #[test]
    fn logrank_freireich_matches_r_survdiff() {
        let result = logrank(&freireich("6-MP"), &freireich("placebo")).unwrap();
        assert_eq!(result.observed_a, 9);
        assert!((result.expected_a - 19.250_500_948).abs() < 5e-9);
        assert!((result.variance - 6.256_960_573_68).abs() < 5e-11);
        assert!((result.chi2 - 16.792_940_989_2).abs() < 5e-10);
        assert!((result.chi2 - 16.79).abs() < 5e-3);
        assert!((result.p_value / 4.168_809_109_33e-5 - 1.0).abs() < 1e-10);
        // Swapping the groups leaves χ² unchanged.
        let swapped = logrank(&freireich("placebo"), &freireich("6-MP")).unwrap();
        assert!((swapped.chi2 - result.chi2).abs() < 1e-12);
        assert_eq!(swapped.observed_a, 21);
    }

    // Hand computation: a = [1, 3*], b = [2, 3]. Day 1: n_a 2, n_b 2, d 1 →
    // E_a 1/2, V = 2·2·1·3/(16·3) = 1/4. Day 2: n_a 1, n_b 2, d 1 →
    // E_a 1/3, V = 1·2·1·2/(9·2) = 2/9. Day 3: n_a 1 (censored that day, at
    // risk), n_b 1, d 1 → E_a 1/2, V = 1·1·1·1/(4·1) = 1/4.
    // O_a = 1, E_a = 4/3, V = 13/18, χ² = (1/9)·(18/13) = 2/13.
    #[test]
    fn logrank_hand_checked_with_censoring_tie() {
        let result = logrank(&[(1, true), (3, false)], &[(2, true), (3, true)]).unwrap();
        assert_eq!(result.observed_a, 1);
        assert!((result.expected_a - 4.0 / 3.0).abs() < 1e-15);
        assert!((result.variance - 13.0 / 18.0).abs() < 1e-15);
        assert!((result.chi2 - 2.0 / 13.0).abs() < 1e-15);
    }

    #[test]
    fn logrank_undefined_when_variance_is_zero() {
        let some = [(1, true), (2, false)];
        assert_eq!(logrank(&[], &some), None);
        assert_eq!(logrank(&some, &[]), None);
        // No event at all.
        assert_eq!(logrank(&[(1, false)], &[(2, false)]), None);
        // Events only when one subject is left (n = 1 adds 0 to V).
        assert_eq!(logrank(&[(5, true)], &[(1, false)]), None);
    }

    #[test]
    fn logrank_order_independent() {
        let mut a = freireich("6-MP");
        let b = freireich("placebo");
        let forward = logrank(&a, &b);
        a.reverse();
        assert_eq!(logrank(&a, &b), forward);
    }
}
