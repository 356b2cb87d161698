//! Each user's outcome rows, found without a join: the outcomes are sorted
//! by user, outcome and day, and `starts` points at each user's first row.

use crate::ingest::{Dataset, OutcomeRow};

pub struct OutcomeIndex<'a> {
    rows: &'a [OutcomeRow],
    starts: Vec<u32>,
}

impl<'a> OutcomeIndex<'a> {
    pub fn new(ds: &'a Dataset) -> OutcomeIndex<'a> {
        OutcomeIndex::of_rows(&ds.outcomes, ds.users)
    }

    /// `rows` sorted by user, outcome and day; user codes below `users`.
    pub fn of_rows(rows: &'a [OutcomeRow], users: usize) -> OutcomeIndex<'a> {
        let mut starts = vec![0u32; users + 1];
        for row in rows {
            starts[row.user as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        OutcomeIndex { rows, starts }
    }

    /// The rows of one user and outcome, by day.
    pub fn rows(&self, user: u32, outcome: Option<u32>) -> &'a [OutcomeRow] {
        let Some(outcome) = outcome else { return &[] };
        let all = &self.rows[self.starts[user as usize] as usize..self.starts[user as usize + 1] as usize];
        let from = all.partition_point(|r| r.outcome < outcome);
        let to = all.partition_point(|r| r.outcome <= outcome);
        &all[from..to]
    }
}

/// The first day on or after `day`.
pub fn first_on_or_after(rows: &[OutcomeRow], day: i32) -> Option<i32> {
    rows.get(rows.partition_point(|r| r.day < day)).map(|r| r.day)
}

/// The first day strictly after `day`.
pub fn first_after(rows: &[OutcomeRow], day: i32) -> Option<i32> {
    rows.get(rows.partition_point(|r| r.day <= day)).map(|r| r.day)
}

/// Sum of `value` over `[from, to]` (null values count 0), in day order.
pub fn value_sum(rows: &[OutcomeRow], from: i32, to: i32) -> f64 {
    let start = rows.partition_point(|r| r.day < from);
    rows[start..].iter().take_while(|r| r.day <= to).filter_map(|r| r.value).sum()
}
