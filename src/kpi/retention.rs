//! Cohort retention (SPEC section 4): of the users whose first month is `c`,
//! the share with an event in calendar month `c + k` ("returned in month k",
//! not "on or after"), for every `k` up to the reporting month.
//!
//! Not responsible for counting: `Monthly` holds the counts.

use super::calendar::Calendar;
use super::monthly::Monthly;
use super::reach::ratio;
use crate::tables::RetentionRow;

/// Rows for every cohort with at least one user.
pub fn rows(
    project_id: &str,
    segment: &str,
    m: &Monthly,
    cal: &Calendar,
    left_truncated: &dyn Fn(usize) -> bool,
) -> Vec<RetentionRow> {
    let mut rows = Vec::new();
    for c in (0..cal.months).filter(|c| m.new[*c] > 0) {
        let size = m.new[c];
        for k in 0..cal.months - c {
            let retained = m.retained(c, k);
            rows.push(RetentionRow {
                project_id: project_id.to_owned(),
                segment: segment.to_owned(),
                cohort_month: cal.month_start(c),
                months_since: k as i32,
                cohort_size: Some(size),
                retained: Some(retained),
                retention_rate: ratio(retained as f64, size),
                left_truncated: left_truncated(c),
                suppressed: false,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tz::day_of;

    /// Hand-computed: three months Aug–Oct. Cohort Aug: A active Aug, Oct
    /// (not Sept); B active Aug only. Cohort Oct: C. Retention of Aug:
    /// k=0 2/2, k=1 0/2, k=2 1/2 (calendar months, not "on or after").
    #[test]
    fn retention_by_hand() {
        let aug = day_of(2026, 8, 1).unwrap();
        let oct = day_of(2026, 10, 1).unwrap();
        let cal = Calendar::new(aug, oct, day_of(2026, 10, 31).unwrap());
        let mut m = Monthly::new(&cal);
        m.add_user(0, &[(0, 1), (2, 1)], &[]);
        m.add_user(0, &[(0, 4)], &[]);
        m.add_user(2, &[(2, 1)], &[]);
        let rows = rows("p", "all", &m, &cal, &|c| c == 0);
        let rates: Vec<_> = rows.iter().map(|r| (r.cohort_month, r.months_since, r.retention_rate)).collect();
        assert_eq!(rates, vec![(aug, 0, Some(1.0)), (aug, 1, Some(0.0)), (aug, 2, Some(0.5)), (oct, 0, Some(1.0))]);
        assert!(rows[0].left_truncated);
        assert!(!rows[3].left_truncated);
        assert_eq!(rows.len(), 4, "no row for the empty September cohort");
    }
}
