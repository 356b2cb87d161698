//! Month and day indexing for the figures: index 0 is the first month of the
//! accepted events, the last index is the reporting month.

use crate::tz;

#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    /// Day number of the 1st of the first month of `E`.
    pub first_month: i32,
    /// Months from the first one to the reporting month, inclusive.
    pub months: usize,
    /// Day number of the 1st of the reporting month.
    pub month: i32,
    pub as_of: i32,
}

impl Calendar {
    pub fn new(first_day: i32, month: i32, as_of: i32) -> Calendar {
        let first_month = tz::month_start(first_day).min(month);
        Calendar { first_month, months: tz::months_between(first_month, month) as usize + 1, month, as_of }
    }

    pub fn month_index(&self, day: i32) -> usize {
        tz::months_between(self.first_month, tz::month_start(day)) as usize
    }

    /// Day number of the 1st of month `index`.
    pub fn month_start(&self, index: usize) -> i32 {
        tz::add_months(self.first_month, index as i32)
    }

    /// Index of a day from the 1st of the first month.
    pub fn day_index(&self, day: i32) -> usize {
        (day - self.first_month) as usize
    }

    /// Days from the 1st of the first month to `as_of`, inclusive.
    pub fn days(&self) -> usize {
        self.day_index(self.as_of) + 1
    }

    /// The days of month `index` that count for daily means: from its 1st to
    /// min(its last day, `as_of`), as day indexes.
    pub fn counted_days(&self, index: usize) -> std::ops::Range<usize> {
        let start = self.month_start(index);
        let end = tz::month_end(start).min(self.as_of);
        self.day_index(start)..self.day_index(end) + 1
    }
}
