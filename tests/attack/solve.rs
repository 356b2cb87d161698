//! The attacker's reasoning: every count it can name is an unknown with an
//! interval of possible values (a published cell is a point, a hidden one
//! starts at `[0, ∞)`); linear equalities (a group's members sum to its
//! total, two tables publish the same count) and published ratios
//! (`rate × denominator = numerator`) narrow the intervals until nothing
//! changes. A hidden count whose interval shrinks to one value is
//! recovered.

use std::collections::BTreeMap;

pub type Key = String;

/// `Σ coefficient × unknown = 0`.
pub type Equation = Vec<(Key, f64)>;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub lo: f64,
    pub hi: f64,
}

impl Bounds {
    pub const ANY: Bounds = Bounds { lo: 0.0, hi: f64::INFINITY };

    pub fn point(v: f64) -> Bounds {
        Bounds { lo: v, hi: v }
    }

    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }
}

/// What the attacker knows before reasoning.
#[derive(Default)]
pub struct Knowledge {
    /// Every publication of a key: its value, or `None` where the output
    /// shows it hidden.
    pub published: BTreeMap<Key, Vec<Option<f64>>>,
    /// Bounds known otherwise (a rounded curve bounds the true count).
    pub bounded: BTreeMap<Key, Bounds>,
    pub equations: Vec<Equation>,
    /// `x = r × y` with a published `r`: (x, r, y).
    pub ratios: Vec<(Key, f64, Key)>,
    /// Keys that are not whole numbers (a cost).
    pub real: Vec<Key>,
}

impl Knowledge {
    pub fn publish(&mut self, key: Key, value: Option<f64>) {
        self.published.entry(key).or_default().push(value);
    }

    pub fn bound(&mut self, key: Key, b: Bounds) {
        self.bounded.insert(key, b);
    }

    /// `Σ members = total`.
    pub fn sum(&mut self, members: Vec<Key>, total: Key) {
        let mut eq: Equation = members.into_iter().map(|k| (k, 1.0)).collect();
        eq.push((total, -1.0));
        self.equations.push(eq);
    }

    pub fn ratio(&mut self, x: Key, r: Option<f64>, y: Key) {
        if let Some(r) = r.filter(|r| r.is_finite()) {
            self.ratios.push((x, r, y));
        }
    }

    /// Keys published nowhere with a value, but shown hidden somewhere.
    pub fn hidden(&self) -> Vec<&Key> {
        self.published.iter().filter(|(_, v)| v.iter().all(Option::is_none)).map(|(k, _)| k).collect()
    }

    /// Narrows every interval to a fixpoint.
    pub fn solve(&self) -> BTreeMap<Key, Bounds> {
        let mut b: BTreeMap<Key, Bounds> = BTreeMap::new();
        for (key, values) in &self.published {
            let v = values.iter().flatten().next().copied();
            b.insert(key.clone(), v.map_or(Bounds::ANY, Bounds::point));
        }
        for (key, bounds) in &self.bounded {
            let entry = b.entry(key.clone()).or_insert(Bounds::ANY);
            entry.lo = entry.lo.max(bounds.lo);
            entry.hi = entry.hi.min(bounds.hi);
        }
        for eq in &self.equations {
            for (k, _) in eq {
                b.entry(k.clone()).or_insert(Bounds::ANY);
            }
        }
        for (x, _, y) in &self.ratios {
            b.entry(x.clone()).or_insert(Bounds::ANY);
            b.entry(y.clone()).or_insert(Bounds::ANY);
        }
        for _ in 0..10_000 {
            let mut changed = false;
            for eq in &self.equations {
                changed |= narrow(eq, &mut b, &self.real);
            }
            for (x, r, y) in &self.ratios {
                changed |= ratio(x, *r, y, &mut b, &self.real);
            }
            if !changed {
                break;
            }
        }
        b
    }
}

/// Integral bounds for whole-number keys, with room for float error.
fn tighten(key: &Key, mut new: Bounds, real: &[Key]) -> Bounds {
    if !real.contains(key) {
        new.lo = (new.lo - 1e-6).ceil();
        new.hi = (new.hi + 1e-6).floor();
    }
    new
}

fn update(key: &Key, new: Bounds, b: &mut BTreeMap<Key, Bounds>, real: &[Key]) -> bool {
    let new = tighten(key, new, real);
    let old = b[key];
    let merged = Bounds { lo: old.lo.max(new.lo), hi: old.hi.min(new.hi) };
    // A tiny float step is no news: only whole steps count for counts.
    let moved = merged.lo > old.lo + 1e-9 || merged.hi < old.hi - 1e-9;
    if moved {
        b.insert(key.clone(), merged);
    }
    moved
}

fn narrow(eq: &Equation, b: &mut BTreeMap<Key, Bounds>, real: &[Key]) -> bool {
    let mut changed = false;
    for (j, (key, cj)) in eq.iter().enumerate() {
        // cj·x_j = −Σ_{i≠j} c_i·x_i
        let (mut lo, mut hi) = (0.0, 0.0);
        for (i, (k, c)) in eq.iter().enumerate() {
            if i == j {
                continue;
            }
            let bi = b[k];
            let (a, z) = if *c > 0.0 { (c * bi.lo, c * bi.hi) } else { (c * bi.hi, c * bi.lo) };
            lo += a;
            hi += z;
        }
        let (x1, x2) = (-hi / cj, -lo / cj);
        let new = Bounds { lo: x1.min(x2), hi: x1.max(x2) };
        if new.lo.is_nan() || new.hi.is_nan() {
            continue;
        }
        changed |= update(key, new, b, real);
    }
    changed
}

fn ratio(x: &Key, r: f64, y: &Key, b: &mut BTreeMap<Key, Bounds>, real: &[Key]) -> bool {
    let (bx, by) = (b[x], b[y]);
    let mut changed = update(x, Bounds { lo: r * by.lo, hi: r * by.hi }, b, real);
    if r > 0.0 {
        changed |= update(y, Bounds { lo: bx.lo / r, hi: bx.hi / r }, b, real);
    }
    changed
}
