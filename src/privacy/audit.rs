//! The audit of secondary suppression: what a reader could work out from
//! every group at once. Each hidden cell starts as "any count from 0 up"
//! and each published one as its value; every group narrows its cells'
//! ranges (a member lies between the total minus the others' largest and
//! the total minus their smallest) until no range moves. A hidden cell
//! whose range is a single value is pinned: the group rule alone did not
//! protect it (hidden zeros, chains of groups).
//!
//! Not responsible for choosing what to hide next: `book` does.

use std::collections::VecDeque;

use super::book::Group;

/// A range of possible values.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Range {
    low: f64,
    high: f64,
}

/// The groups each cell belongs to.
pub fn groups_of(groups: &[Group], cells: usize) -> Vec<Vec<usize>> {
    let mut of = vec![Vec::new(); cells];
    for (g, group) in groups.iter().enumerate() {
        for c in group.members.iter().chain(group.total.as_ref()) {
            of[*c].push(g);
        }
    }
    of
}

/// The hidden cells a reader can work out exactly, in cell order.
pub fn pinned(
    values: &[f64],
    whole: &[bool],
    hidden: &[bool],
    groups: &[Group],
    groups_of: &[Vec<usize>],
) -> Vec<usize> {
    let mut ranges: Vec<Range> = values
        .iter()
        .zip(hidden)
        .map(|(v, h)| if *h { Range { low: 0.0, high: f64::INFINITY } } else { Range { low: *v, high: *v } })
        .collect();
    let mut queued = vec![true; groups.len()];
    let mut queue: VecDeque<usize> = (0..groups.len()).collect();
    while let Some(g) = queue.pop_front() {
        queued[g] = false;
        for (cell, range) in narrow(&groups[g], &ranges) {
            if tighten(&mut ranges[cell], range, whole[cell]) {
                for other in &groups_of[cell] {
                    if !queued[*other] {
                        queued[*other] = true;
                        queue.push_back(*other);
                    }
                }
            }
        }
    }
    (0..values.len()).filter(|c| hidden[*c] && ranges[*c].high - ranges[*c].low <= tolerance(values[*c])).collect()
}

/// Float sums of `dau_mean` drift by a few ulps: a move smaller than this
/// is no news.
fn tolerance(value: f64) -> f64 {
    1e-9 * value.abs().max(1.0)
}

/// Narrows `range` to `new`; true when it moved.
fn tighten(range: &mut Range, mut new: Range, whole: bool) -> bool {
    if whole {
        new.low = (new.low - 1e-6).ceil();
        new.high = (new.high + 1e-6).floor();
    }
    let low = range.low.max(new.low);
    let high = range.high.min(new.high);
    let moved = low > range.low + tolerance(low) || high < range.high - tolerance(high);
    if moved {
        *range = Range { low, high };
    }
    moved
}

/// A sum of ranges that may be unbounded above: the finite part and how
/// many terms are unbounded, so that one term can be taken out again.
#[derive(Default)]
struct Sum {
    low: f64,
    high: f64,
    unbounded: usize,
}

impl Sum {
    fn of<'a>(ranges: impl Iterator<Item = &'a Range>) -> Sum {
        let mut s = Sum::default();
        for r in ranges {
            s.low += r.low;
            if r.high.is_finite() { s.high += r.high } else { s.unbounded += 1 }
        }
        s
    }

    /// The sum without `r`: its (low, high).
    fn without(&self, r: &Range) -> (f64, f64) {
        let unbounded = self.unbounded - usize::from(!r.high.is_finite());
        let high =
            if unbounded > 0 { f64::INFINITY } else { self.high - if r.high.is_finite() { r.high } else { 0.0 } };
        (self.low - r.low, high)
    }
}

/// The new range of every cell of one group.
fn narrow(g: &Group, ranges: &[Range]) -> Vec<(usize, Range)> {
    let members = Sum::of(g.members.iter().map(|c| &ranges[*c]));
    // The members' sum lies in the total's range (or the rounded range).
    let total = g.total.map_or(Range { low: g.range.0, high: g.range.1 }, |t| ranges[t]);
    let mut out: Vec<(usize, Range)> = g
        .members
        .iter()
        .map(|c| {
            let (others_low, others_high) = members.without(&ranges[*c]);
            (*c, Range { low: total.low - others_high, high: total.high - others_low })
        })
        .collect();
    if let Some(t) = g.total {
        let high = if members.unbounded > 0 { f64::INFINITY } else { members.high };
        out.push((t, Range { low: members.low, high }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(members: Vec<usize>, total: usize) -> Group {
        Group { members, total: Some(total), range: (0.0, 0.0) }
    }

    fn audit(values: &[f64], hidden: &[usize], groups: &[Group]) -> Vec<usize> {
        let mask: Vec<bool> = (0..values.len()).map(|c| hidden.contains(&c)).collect();
        let whole = vec![true; values.len()];
        pinned(values, &whole, &mask, groups, &groups_of(groups, values.len()))
    }

    #[test]
    fn one_hidden_cell_is_pinned_two_are_not() {
        let groups = [group(vec![0, 1, 2], 3)];
        assert_eq!(audit(&[2.0, 5.0, 4.0, 11.0], &[0], &groups), vec![0]);
        assert!(audit(&[2.0, 5.0, 4.0, 11.0], &[0, 2], &groups).is_empty());
    }

    /// The case the group rule missed: returning users hidden as the total
    /// of its segments, over hidden zeros (3 = 3 + 0, the 0 hidden), and in
    /// new + returning = active (0 + 3 = 3, both hidden). The segments give
    /// returning ≥ 3, active − new gives returning ≤ 3.
    #[test]
    fn hidden_zeros_and_a_chain_of_groups_pin_a_cell() {
        // 0: returning all, 1: returning of a segment (published 3),
        // 2: returning of a small segment (hidden 0), 3: new all (hidden 0),
        // 4: active all (published 3).
        let groups = [group(vec![1, 2], 0), group(vec![3, 0], 4)];
        assert_eq!(audit(&[3.0, 3.0, 0.0, 0.0, 3.0], &[0, 2, 3], &groups), vec![0, 2, 3]);
        // With active hidden as well, nothing is pinned.
        assert!(audit(&[3.0, 3.0, 0.0, 0.0, 3.0], &[0, 2, 3, 4], &groups).is_empty());
    }

    #[test]
    fn a_rounded_sum_bounds_its_members() {
        // Members 0 (hidden) + 2 + 2 = 4, published rounded to a multiple of
        // 3: [3, 5]. The hidden member lies in [0, 1]: not pinned.
        let rounded = Group { members: vec![0, 1, 2], total: None, range: (3.0, 5.0) };
        assert!(audit(&[0.0, 2.0, 2.0], &[0], std::slice::from_ref(&rounded)).is_empty());
        // Members 0 (hidden) + 2 + 3 = 5 in [3, 5]: the hidden one is 0.
        assert_eq!(audit(&[0.0, 2.0, 3.0], &[0], &[rounded]), vec![0]);
    }
}
