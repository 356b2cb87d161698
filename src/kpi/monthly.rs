//! The monthly activity counts of one product (or the portfolio) and one
//! segment slot, from which reach and retention read their figures.

use super::calendar::Calendar;

/// Counts by month index (and day index for `dau`).
#[derive(Debug, Clone)]
pub struct Monthly {
    pub events: Vec<u64>,
    pub active: Vec<u64>,
    /// Users whose cohort is the month: the cohort sizes.
    pub new: Vec<u64>,
    pub dau: Vec<u64>,
    /// `retained[c * months + k]`: users of cohort `c` active in month `c + k`.
    pub retained: Vec<u64>,
    months: usize,
}

impl Monthly {
    pub fn new(cal: &Calendar) -> Monthly {
        Monthly {
            events: vec![0; cal.months],
            active: vec![0; cal.months],
            new: vec![0; cal.months],
            dau: vec![0; cal.days()],
            retained: vec![0; cal.months * cal.months],
            months: cal.months,
        }
    }

    /// Adds one user: its cohort, its distinct active months with their event
    /// counts, its distinct active days.
    pub fn add_user(&mut self, cohort: usize, months: &[(usize, u64)], days: &[usize]) {
        self.new[cohort] += 1;
        for &(m, events) in months {
            self.events[m] += events;
            self.active[m] += 1;
            self.retained[cohort * self.months + (m - cohort)] += 1;
        }
        for &d in days {
            self.dau[d] += 1;
        }
    }

    /// Adds the counts of other users (another group of partitions).
    pub fn merge(&mut self, other: &Monthly) {
        for (mine, theirs) in [
            (&mut self.events, &other.events),
            (&mut self.active, &other.active),
            (&mut self.new, &other.new),
            (&mut self.dau, &other.dau),
            (&mut self.retained, &other.retained),
        ] {
            mine.iter_mut().zip(theirs).for_each(|(m, t)| *m += t);
        }
    }

    pub fn retained(&self, cohort: usize, k: usize) -> u64 {
        self.retained[cohort * self.months + k]
    }
}
