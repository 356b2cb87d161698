//! The ledger of secondary suppression: every count cell published by any
//! table, once (the same count in two tables is one cell), whether it is
//! hidden and by which rule, and the groups of cells whose sum is also
//! published (SPEC section 6, "Secondary").
//!
//! Not responsible for which cells and groups exist: `counts` builds them
//! from the tables.

use std::collections::BTreeMap;

use super::audit;

/// Why a cell or a row is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// A small count itself, or a figure of a small segment value.
    Primary,
    /// Hidden so that a group's sum does not give another one back.
    Secondary,
    /// Nulled because another figure of its row or group was.
    Derived,
}

/// A group: its members sum to its total, a cell, or (`total` `None`) to
/// a count published only rounded down, known to lie in `range`.
pub struct Group {
    pub members: Vec<usize>,
    pub total: Option<usize>,
    pub range: (f64, f64),
}

/// Cells keyed by `K`, with their values and state.
pub struct Book<K> {
    index: BTreeMap<K, usize>,
    values: Vec<f64>,
    /// False for a cell that is not a whole number (`dau_mean`).
    whole: Vec<bool>,
    hidden: Vec<Option<Rule>>,
    groups: Vec<Group>,
}

impl<K: Ord> Book<K> {
    pub fn new() -> Book<K> {
        Book { index: BTreeMap::new(), values: Vec::new(), whole: Vec::new(), hidden: Vec::new(), groups: Vec::new() }
    }

    /// The cell of `key`, created with `value` on first sight; `primary`
    /// hides it, whichever table says so.
    pub fn cell(&mut self, key: K, value: f64, primary: bool) -> usize {
        let next = self.values.len();
        let cell = *self.index.entry(key).or_insert(next);
        if cell == next {
            self.values.push(value);
            self.whole.push(true);
            self.hidden.push(None);
        }
        if primary {
            self.hidden[cell] = Some(Rule::Primary);
        }
        cell
    }

    /// Marks a cell whose value is not a whole number.
    pub fn real(&mut self, cell: usize) {
        self.whole[cell] = false;
    }

    /// Every cell with its key, in key order.
    pub fn keys(&self) -> impl Iterator<Item = (&K, usize)> {
        self.index.iter().map(|(k, c)| (k, *c))
    }

    pub fn get(&self, key: &K) -> Option<usize> {
        self.index.get(key).copied()
    }

    pub fn group(&mut self, members: Vec<usize>, total: usize) {
        self.groups.push(Group { members, total: Some(total), range: (0.0, 0.0) });
    }

    /// A group whose sum `S` is published rounded down to a multiple of
    /// `k` (a survival curve's events): a reader knows `S` within
    /// `[k·⌊S/k⌋, k·⌊S/k⌋ + k − 1]`. One hidden cell is safe; hidden zeros
    /// are not, since the bound can be 0: the audit sees to them.
    pub fn bounded_group(&mut self, members: Vec<usize>, k: u64) {
        let sum: f64 = members.iter().map(|c| self.values[*c]).sum();
        let k = k as f64;
        let low = (sum / k).floor() * k;
        self.groups.push(Group { members, total: None, range: (low, low + k - 1.0) });
    }

    /// While a group has exactly one hidden cell, also hide its smallest
    /// other non-zero member (ties: the first in sort order), else its
    /// total, else (the total being the hidden cell, over zeros) a zero
    /// member; groups share cells across tables, so this runs until no
    /// group changes (SPEC section 6, "Secondary"). That rule misses what a
    /// reader gets from non-negative counts and from several groups at
    /// once (hidden zeros beside a published total are each 0; a chain of
    /// groups pins a cell no single group exposes), so an audit then
    /// narrows every hidden cell's possible values through all the groups
    /// at once; a cell it pins down gets one more hidden cell in one of its
    /// groups, and all of it runs again until the audit pins nothing.
    pub fn settle(&mut self) {
        let groups_of = audit::groups_of(&self.groups, self.values.len());
        loop {
            self.settle_groups();
            let hidden: Vec<bool> = self.hidden.iter().map(Option::is_some).collect();
            let pinned = audit::pinned(&self.values, &self.whole, &hidden, &self.groups, &groups_of);
            let mut changed = false;
            for cell in pinned {
                let pick = groups_of[cell].iter().find_map(|g| self.pick(&self.groups[*g]));
                if let Some(pick) = pick {
                    self.hidden[pick] = Some(Rule::Secondary);
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    fn settle_groups(&mut self) {
        loop {
            let mut changed = false;
            for g in &self.groups {
                if !self.exposed(g) {
                    continue;
                }
                if let Some(cell) = self.pick(g) {
                    self.hidden[cell] = Some(Rule::Secondary);
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// Exactly one hidden cell beside a published sum: subtraction gives
    /// it back. A rounded sum (no total) leaves a single cell `k` wide.
    fn exposed(&self, g: &Group) -> bool {
        let Some(total) = g.total else { return false };
        let members = g.members.iter().filter(|c| self.hidden[**c].is_some()).count();
        members + usize::from(self.hidden[total].is_some()) == 1
    }

    fn pick(&self, g: &Group) -> Option<usize> {
        let published: Vec<usize> = g.members.iter().filter(|c| self.hidden[**c].is_none()).copied().collect();
        let smallest = |keep: &dyn Fn(f64) -> bool| {
            published
                .iter()
                .filter(|c| keep(self.values[**c]))
                .min_by(|a, b| self.values[**a].total_cmp(&self.values[**b]))
                .copied()
        };
        let total = g.total.filter(|t| self.hidden[*t].is_none());
        // A hidden total whose published members are all 0 is 0: only
        // hiding one of those zeros leaves it unknown.
        let zero = || if g.total.is_some() { smallest(&|_| true) } else { None };
        smallest(&|v| v > 0.0).or(total).or_else(zero)
    }

    /// Each cell's rule, `None` where published.
    pub fn into_states(self) -> Vec<Option<Rule>> {
        self.hidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(values: &[f64], primary: &[usize]) -> Book<usize> {
        let mut b = Book::new();
        for (i, v) in values.iter().enumerate() {
            b.cell(i, *v, primary.contains(&i));
        }
        b
    }

    #[test]
    fn one_hidden_member_hides_the_smallest_other_non_zero() {
        // 2 + 0 + 7 + 5 = 14: hiding 2 alone gives it back as 14 − 12.
        let mut b = book(&[2.0, 0.0, 7.0, 5.0, 14.0], &[0]);
        b.group(vec![0, 1, 2, 3], 4);
        b.settle();
        assert_eq!(b.into_states(), vec![Some(Rule::Primary), None, None, Some(Rule::Secondary), None]);
    }

    #[test]
    fn ties_take_the_first_and_an_empty_group_hides_its_total() {
        let mut b = book(&[1.0, 5.0, 5.0, 11.0], &[0]);
        b.group(vec![0, 1, 2], 3);
        b.settle();
        assert_eq!(b.into_states(), vec![Some(Rule::Primary), Some(Rule::Secondary), None, None]);
        // Nothing else non-zero: the total goes.
        let mut b = book(&[2.0, 0.0, 2.0], &[0]);
        b.group(vec![0, 1], 2);
        b.settle();
        assert_eq!(b.into_states(), vec![Some(Rule::Primary), None, Some(Rule::Secondary)]);
    }

    #[test]
    fn a_hidden_total_over_zeros_hides_a_zero() {
        // 0 + 0 = 0: the hidden total is the sum of its published members.
        let mut b = book(&[0.0, 0.0, 0.0], &[2]);
        b.group(vec![0, 1], 2);
        b.settle();
        assert_eq!(b.into_states(), vec![Some(Rule::Secondary), None, Some(Rule::Primary)]);
    }

    #[test]
    fn hidden_zeros_beside_a_published_total_are_not_enough() {
        // Two hidden zeros (a small segment's) under 9 = 0 + 0 + 4 + 5.
        let mut b = book(&[0.0, 0.0, 4.0, 5.0, 9.0], &[0, 1]);
        b.group(vec![0, 1, 2, 3], 4);
        b.settle();
        assert_eq!(b.into_states()[2], Some(Rule::Secondary));
    }

    #[test]
    fn groups_settle_together_across_shared_cells() {
        // Cell 1 is in both groups: hiding it for the first group leaves
        // the second with one hidden cell, so its smallest other goes too.
        let mut b = book(&[1.0, 3.0, 4.0, 3.0, 6.0, 9.0], &[0]);
        b.group(vec![0, 1], 2);
        b.group(vec![1, 3, 4], 5);
        b.settle();
        let states = b.into_states();
        assert_eq!(states[1], Some(Rule::Secondary));
        assert_eq!(states[3], Some(Rule::Secondary));
        assert_eq!(states[4], None);
    }

    #[test]
    fn a_rounded_total_tolerates_one_hidden_cell_but_not_a_pinned_zero() {
        // 2 + 3 + 4 = 9, published as [9, 11]: the hidden 2 lies in [2, 4].
        let mut b = book(&[2.0, 3.0, 4.0], &[0]);
        b.bounded_group(vec![0, 1, 2], 3);
        b.settle();
        assert_eq!(b.into_states(), vec![Some(Rule::Primary), None, None]);
        // 0 + 3 + 4 = 7 in [6, 8]: the hidden 0 lies in [0, 1], safe.
        let mut b = book(&[0.0, 3.0, 4.0], &[0]);
        b.bounded_group(vec![0, 1, 2], 3);
        b.settle();
        assert_eq!(b.into_states(), vec![Some(Rule::Primary), None, None]);
        // 0 + 3 + 5 = 8 in [6, 8]: the hidden 0 lies in [−2, 0], pinned.
        let mut b = book(&[0.0, 3.0, 5.0], &[0]);
        b.bounded_group(vec![0, 1, 2], 3);
        b.settle();
        assert_eq!(b.into_states(), vec![Some(Rule::Primary), Some(Rule::Secondary), None]);
    }

    #[test]
    fn the_same_key_is_one_cell() {
        let mut b: Book<&str> = Book::new();
        let a = b.cell("cohort", 4.0, false);
        let again = b.cell("cohort", 4.0, true);
        assert_eq!(a, again);
        assert_eq!(b.into_states(), vec![Some(Rule::Primary)]);
    }
}
