//! Correction for reading many impact results at once: the
//! Benjamini–Hochberg q-value of every p-value of a run (SPEC section 4,
//! "`q_value` (multiplicity)").
//!
//! It adjusts the p-values it is given and nothing else: choosing which rows
//! take part (published, non-suppressed, both metrics) and in which order is
//! the impact table's job, and the order it passes is the order ties keep.

use super::as_f64;

/// Benjamini–Hochberg adjusted p-values (q-values), in input order.
///
/// With the `m` present p-values sorted ascending (ties in input order),
/// `q_(i) = min over j ≥ i of min(1, m · p_(j) / j)`. A `None` stays `None`
/// and does not count in `m`; so does a value that is not a probability
/// (NaN, negative, above 1), which can only come from a bug upstream and
/// must not turn the other q-values into NaN.
///
/// Source: Benjamini Y, Hochberg Y (1995), "Controlling the false discovery
/// rate: a practical and powerful approach to multiple testing", *J R Stat
/// Soc B* 57:289–300, the step-up procedure of section 3, written as
/// adjusted p-values as in R `p.adjust(method = "BH")` and statsmodels
/// `multipletests(method = "fdr_bh")`.
#[must_use]
pub fn benjamini_hochberg(p_values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut ranked: Vec<(usize, f64)> = p_values
        .iter()
        .enumerate()
        .filter_map(|(index, p)| p.filter(|p| (0.0..=1.0).contains(p)).map(|p| (index, p)))
        .collect();
    // A stable sort keeps tied p-values in input order.
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    let m = as_f64(ranked.len() as u64);
    let mut q_values = vec![None; p_values.len()];
    let mut running_min = 1.0_f64;
    for (rank, &(index, p)) in ranked.iter().enumerate().rev() {
        running_min = running_min.min(m * p / as_f64(rank as u64 + 1));
        q_values[index] = Some(running_min);
    }
    q_values
}

#[cfg(test)]
mod tests {
    use super::*;

    // Benjamini & Hochberg (1995), section 4.2: the fifteen p-values of a
    // myocardial infarction trial; at q* = 0.05 the procedure rejects the
    // four smallest. The q-values are statsmodels 0.15.0:
    //
    //   from statsmodels.stats.multitest import multipletests
    //   rejected, q, _, _ = multipletests(p, alpha=0.05, method="fdr_bh")
    //
    // which prints 4 rejections and the q-values below (repr of each float).
    #[test]
    fn benjamini_hochberg_1995_example() {
        let p = [
            0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528,
            0.7590, 1.000,
        ];
        let statsmodels = [
            0.0015,
            0.003,
            0.0095,
            0.035_625,
            0.0603,
            0.063_857_142_857_142_86,
            0.063_857_142_857_142_86,
            0.0645,
            0.076_500_000_000_000_01,
            0.486_000_000_000_000_04,
            0.581_181_818_181_818_2,
            0.714_874_999_999_999_9,
            0.753_230_769_230_769_3,
            0.813_214_285_714_285_7,
            1.0,
        ];
        let q = benjamini_hochberg(&p.map(Some));
        for (q, expected) in q.iter().zip(statsmodels) {
            // Both compute m·p/j and a running minimum in f64; only the
            // order of the multiplication may differ, a few ulps at most.
            let q = q.unwrap();
            assert!((q / expected - 1.0).abs() < 1e-14, "{q} vs {expected}");
        }
        assert_eq!(q.iter().filter(|q| q.unwrap() < 0.05).count(), 4);
    }

    // Unsorted, with a tie: statsmodels 0.15.0 `multipletests([0.04, 0.01,
    // 0.03, 0.01, 0.5], method="fdr_bh")[1]` prints 0.05, 0.025, 0.05,
    // 0.025, 0.5 (to 16 digits). By hand: m = 5, sorted 0.01, 0.01, 0.03,
    // 0.04, 0.5 give m·p/j = 0.05, 0.025, 0.05, 0.05, 0.5, whose running
    // minimum from the top is 0.025, 0.025, 0.05, 0.05, 0.5.
    #[test]
    fn unsorted_with_ties() {
        let q = benjamini_hochberg(&[Some(0.04), Some(0.01), Some(0.03), Some(0.01), Some(0.5)]);
        let expected = [0.05, 0.025, 0.05, 0.025, 0.5];
        for (q, expected) in q.iter().zip(expected) {
            assert!((q.unwrap() - expected).abs() < 1e-15, "{q:?} vs {expected}");
        }
    }

    // A None takes no part: the present values are adjusted with m = 3, as
    // if the None rows were not there.
    #[test]
    fn none_and_invalid_take_no_part() {
        let q = benjamini_hochberg(&[None, Some(0.01), Some(f64::NAN), Some(0.04), None, Some(0.03), Some(1.5)]);
        let alone = benjamini_hochberg(&[Some(0.01), Some(0.04), Some(0.03)]);
        assert_eq!(q, vec![None, alone[0], None, alone[1], None, alone[2], None]);
        // By hand: 3·0.01/1 = 0.03, 3·0.03/2 = 0.045, 3·0.04/3 = 0.04 → the
        // running minimum gives 0.03, 0.04, 0.04.
        let expected = [0.03, 0.04, 0.04];
        for (q, expected) in alone.iter().zip(expected) {
            assert!((q.unwrap() - expected).abs() < 1e-15, "{q:?} vs {expected}");
        }
        assert_eq!(benjamini_hochberg(&[]), Vec::<Option<f64>>::new());
        assert_eq!(benjamini_hochberg(&[None, None]), vec![None, None]);
        // One p-value is its own q-value; q never exceeds 1.
        assert_eq!(benjamini_hochberg(&[Some(0.2)]), vec![Some(0.2)]);
        assert_eq!(benjamini_hochberg(&[Some(0.9), Some(0.8)]), vec![Some(0.9), Some(0.9)]);
    }
}
