//! Funnels (SPEC section 4): a user enters at its first event of step 1,
//! time `t1`; each next step is the first event of that step at or after
//! the previous step's time (equal times count) and no later than the same
//! local clock time `W` calendar days after `t1`; each step uses a distinct
//! event row, and a user who misses a step reaches no later one. Counted by
//! the cohort month of `t1`.
//!
//! Not responsible for reading the steps from the config: `mod.rs` does.

use super::calendar::Calendar;
use super::reach::ratio;
use crate::ingest::EventRow;
use crate::tables::FunnelRow;
use crate::tz::{self, MICROS_PER_DAY, TzTable};

#[derive(Debug, Clone)]
pub struct Plan {
    /// Event name and code (None when the event never occurs).
    pub steps: Vec<(String, Option<u32>)>,
    pub window_days: i32,
}

/// `reached[c * steps + i]`: users of cohort `c` reaching step `i`.
#[derive(Debug, Clone)]
pub struct Counts {
    reached: Vec<u64>,
}

impl Counts {
    pub fn new(cal: &Calendar, plan: &Plan) -> Counts {
        Counts { reached: vec![0; cal.months * plan.steps.len()] }
    }

    /// Adds the counts of other users (another group of partitions).
    pub fn merge(&mut self, other: &Counts) {
        self.reached.iter_mut().zip(&other.reached).for_each(|(m, t)| *m += t);
    }

    /// Adds one user's events (sorted by instant) of this product.
    pub fn observe(&mut self, plan: &Plan, events: &[EventRow], tz: &TzTable, cal: &Calendar) {
        if let Some((day, reached)) = steps_reached(plan, events, tz) {
            let base = cal.month_index(day) * plan.steps.len();
            for i in 0..reached {
                self.reached[base + i] += 1;
            }
        }
    }
}

/// The local day of `t1` and the number of steps reached, or None when the
/// user never does step 1.
pub fn steps_reached(plan: &Plan, events: &[EventRow], tz: &TzTable) -> Option<(i32, usize)> {
    let start_code = plan.steps.first()?.1?;
    let first = events.iter().position(|e| e.event() == start_code)?;
    let deadline = tz.to_local(events[first].at) + i64::from(plan.window_days) * MICROS_PER_DAY;
    let mut used = vec![first];
    let mut previous = events[first].at;
    for (_, code) in &plan.steps[1..] {
        let Some(code) = code else { break };
        let from = events.partition_point(|e| e.at < previous);
        let next = (from..events.len())
            .take_while(|&j| tz.to_local(events[j].at) <= deadline)
            .find(|j| events[*j].event() == *code && !used.contains(j));
        let Some(j) = next else { break };
        used.push(j);
        previous = events[j].at;
    }
    Some((tz.local_day(events[first].at), used.len()))
}

pub fn rows(project_id: &str, counts: &Counts, plan: &Plan, cal: &Calendar) -> Vec<FunnelRow> {
    let n = plan.steps.len();
    let mut rows = Vec::new();
    for c in (0..cal.months).filter(|c| counts.reached[c * n] > 0) {
        let reached = &counts.reached[c * n..(c + 1) * n];
        let complete = tz::month_end(cal.month_start(c)) + plan.window_days <= cal.as_of;
        for (i, (event, _)) in plan.steps.iter().enumerate() {
            rows.push(FunnelRow {
                project_id: project_id.to_owned(),
                cohort_month: cal.month_start(c),
                step: i as i32 + 1,
                event: event.clone(),
                users: Some(reached[i]),
                conversion_from_start: ratio(reached[i] as f64, reached[0]),
                conversion_from_previous: ratio(reached[i] as f64, reached[i.saturating_sub(1)]),
                complete,
                suppressed: false,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000_000;

    fn event(at: i64, code: u32) -> EventRow {
        EventRow { key: 0, at, tail: u64::from(code) << 32 }
    }

    fn plan(window_days: i32) -> Plan {
        let steps = ["visit", "signup", "submit"].iter().enumerate();
        Plan { steps: steps.map(|(i, s)| (s.to_string(), Some(i as u32))).collect(), window_days }
    }

    fn reached(events: &[EventRow], window_days: i32) -> Option<usize> {
        let tz = TzTable::new(chrono_tz::UTC);
        steps_reached(&plan(window_days), events, &tz).map(|(_, n)| n)
    }

    #[test]
    fn in_order_within_the_window() {
        assert_eq!(reached(&[event(0, 0), event(H, 1), event(2 * H, 2)], 30), Some(3));
    }

    #[test]
    fn equal_times_count_but_each_step_takes_its_own_row() {
        assert_eq!(reached(&[event(0, 0), event(0, 1), event(0, 2)], 30), Some(3));
        // One signup row cannot serve two steps.
        let plan = Plan {
            steps: vec![("visit".into(), Some(0)), ("signup".into(), Some(1)), ("signup".into(), Some(1))],
            window_days: 30,
        };
        let tz = TzTable::new(chrono_tz::UTC);
        assert_eq!(steps_reached(&plan, &[event(0, 0), event(H, 1)], &tz).map(|r| r.1), Some(2));
    }

    #[test]
    fn a_step_before_the_previous_one_does_not_count() {
        // signup before the visit: the user stops at step 1.
        assert_eq!(reached(&[event(0, 1), event(H, 0), event(2 * H, 2)], 30), Some(1));
    }

    #[test]
    fn a_step_outside_the_window_does_not_count() {
        let day = 24 * H;
        assert_eq!(reached(&[event(0, 0), event(2 * day, 1)], 1), Some(1));
        // Exactly t1 + W is inside.
        assert_eq!(reached(&[event(0, 0), event(day, 1)], 1), Some(2));
    }

    #[test]
    fn no_first_step_no_entry() {
        assert_eq!(reached(&[event(0, 1), event(H, 2)], 30), None);
    }

    #[test]
    fn conversions_by_hand() {
        let cal = Calendar::new(0, 0, 30);
        let plan = plan(30);
        let mut counts = Counts::new(&cal, &plan);
        let tz = TzTable::new(chrono_tz::UTC);
        counts.observe(&plan, &[event(0, 0), event(H, 1), event(2 * H, 2)], &tz, &cal);
        counts.observe(&plan, &[event(0, 0), event(H, 1)], &tz, &cal);
        counts.observe(&plan, &[event(0, 0)], &tz, &cal);
        counts.observe(&plan, &[event(0, 0)], &tz, &cal);
        let rows = rows("p", &counts, &plan, &cal);
        let users: Vec<_> = rows.iter().map(|r| r.users).collect();
        assert_eq!(users, vec![Some(4), Some(2), Some(1)]);
        assert_eq!(rows[1].conversion_from_start, Some(0.5));
        assert_eq!(rows[2].conversion_from_previous, Some(0.5));
        assert_eq!(rows[0].conversion_from_previous, Some(1.0));
        assert!(!rows[0].complete, "January + 30 days ends after as_of");
    }
}
