//! Callaway & Sant'Anna's difference in differences for staggered roll-outs
//! (SPEC section 4, "Impact without a trial: staggered roll-outs"): the
//! group-time effects ATT(g,t) of a balanced unit × period panel, their
//! dynamic, group and simple aggregations with analytic standard errors from
//! the influence functions, and the Wald pre-test of parallel trends.
//!
//! It takes a [`Panel`] the roll-out KPI has built — each unit's group (the
//! index of its first treated period) and one outcome per unit and period —
//! and returns the rows of `rollout.parquet` with periods as indices, in that
//! table's order. It leaves out the units treated in the first period itself,
//! so that no caller can forget to. It does not turn users and dates into
//! units, periods and outcomes, map periods to months, nor apply disclosure
//! control (SPEC section 6; [`RolloutRow::covers`] tells which cells a row
//! rests on). A unit weighs 1 whatever its population: populations are only
//! summed into the counts.
//!
//! Sources: Callaway B, Sant'Anna PHC (2021), "Difference-in-differences with
//! multiple time periods", *J Econometrics* 225:200–230, without covariates,
//! as their R package `did` computes it (`att_gt(est_method = "reg", xformla
//! = ~1, bstrap = FALSE)` with its default varying base period, then `aggte`;
//! the aggregates' influence functions are its `get_agg_inf_func` and `wif`).
//! The tests reproduce its figures on `mpdta` through its Python port
//! `moderndid`.

use std::collections::BTreeSet;

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::{Interval, Z95, as_f64, normal_two_sided_p};

/// One unit of the panel: an agency, a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Index of the first period the product was open in the unit, `None`
    /// when it never was. A group past the last period counts as never
    /// treated (the product opened after the panel ends), as `did` counts
    /// it; one at period 0 is left out (it has no period before).
    pub group: Option<usize>,
    /// People in the unit, `P_u`; only summed into the counts.
    pub population: u64,
}

/// A balanced panel: every unit has an outcome in every period.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    periods: usize,
    units: Vec<Unit>,
    outcomes: Vec<f64>,
}

impl Panel {
    /// A panel of `periods` periods, with `outcomes` unit-major: the outcome
    /// of `units[u]` in period `t` is `outcomes[u * periods + t]`.
    ///
    /// `None` when `outcomes` does not hold exactly one value per unit and
    /// period, when an outcome is not finite, or when there are more periods
    /// than an `i32` event time can count.
    #[must_use]
    pub fn new(periods: usize, units: Vec<Unit>, outcomes: Vec<f64>) -> Option<Panel> {
        let balanced = units.len().checked_mul(periods) == Some(outcomes.len());
        let countable = i32::try_from(periods).is_ok();
        (balanced && countable && outcomes.iter().all(|y| y.is_finite())).then_some(Panel { periods, units, outcomes })
    }
}

/// Which units a cell compares its group with (`rollout.control`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// The never-treated units (`never`, `did`'s `nevertreated`).
    Never,
    /// Those and the units whose group is later than the cell's period
    /// (`not_yet`, `did`'s `notyettreated`).
    NotYet,
}

/// The `aggregation` column, declared in the order `rollout.parquet` sorts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Aggregation {
    AttGt,
    Dynamic,
    Group,
    Simple,
}

impl Aggregation {
    const ALL: [Aggregation; 4] = [Aggregation::AttGt, Aggregation::Dynamic, Aggregation::Group, Aggregation::Simple];

    /// Its name in `rollout.parquet`'s `aggregation` column.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Aggregation::AttGt => "att_gt",
            Aggregation::Dynamic => "dynamic",
            Aggregation::Group => "group",
            Aggregation::Simple => "simple",
        }
    }

    #[must_use]
    pub fn of_code(code: &str) -> Option<Aggregation> {
        Aggregation::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Whether a row of this aggregation, with its own group and event
    /// time, is computed from the cell of `group` at `event_time`, so that
    /// suppressing that cell suppresses the row (SPEC section 6). The simple
    /// row's `pretrend_p` reads the placebo cells, which its figure does not
    /// cover.
    #[must_use]
    pub fn rests_on<G: PartialEq>(
        self,
        own_group: Option<G>,
        own_event: Option<i32>,
        group: G,
        event_time: i32,
    ) -> bool {
        let after = event_time >= 0;
        match self {
            Aggregation::AttGt => own_group == Some(group) && own_event == Some(event_time),
            Aggregation::Dynamic => own_event.map_or(after, |e| e == event_time),
            Aggregation::Group => after && own_group.is_none_or(|g| g == group),
            Aggregation::Simple => after,
        }
    }
}

/// An effect with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub att: f64,
    pub se: f64,
    /// `att ∓ z · se`.
    pub interval: Interval,
    /// Two-sided normal p-value of `att / se`; `None` when `se = 0`.
    pub p_value: Option<f64>,
}

/// One row of `rollout.parquet`, with periods as indices.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutRow {
    pub aggregation: Aggregation,
    /// `g` on `att_gt` rows and on the `group` rows but the overall one.
    pub group: Option<usize>,
    /// `t` on `att_gt` rows.
    pub period: Option<usize>,
    /// `e = t − g` on `att_gt` rows and on the `dynamic` rows but the overall one.
    pub event_time: Option<i32>,
    /// The units of the groups of the cells the row rests on.
    pub units_treated: u64,
    /// The distinct comparison units of those cells.
    pub units_control: u64,
    pub population_treated: u64,
    pub population_control: u64,
    /// `None` when no cell it rests on has both a group and comparison units.
    pub estimate: Option<Estimate>,
    /// The pre-test of parallel trends, on the `simple` row only.
    pub pretrend_p: Option<f64>,
}

impl RolloutRow {
    fn blank(aggregation: Aggregation, group: Option<usize>, event_time: Option<i32>) -> RolloutRow {
        RolloutRow {
            aggregation,
            group,
            period: None,
            event_time,
            units_treated: 0,
            units_control: 0,
            population_treated: 0,
            population_control: 0,
            estimate: None,
            pretrend_p: None,
        }
    }

    /// Whether this row's figure is computed from ATT(`group`, `period`):
    /// see [`Aggregation::rests_on`].
    #[must_use]
    pub fn covers(&self, group: usize, period: usize) -> bool {
        self.aggregation.rests_on(self.group, self.event_time, group, event_time(group, period))
    }
}

/// Callaway & Sant'Anna's ATT(g,t) for every group `g` and every period
/// `t ≥ 1`, then their aggregations, as SPEC section 4 defines them.
///
/// Rows come in `rollout.parquet`'s order: the `att_gt` cells by group and
/// period; the overall `dynamic` row, then θ(e) by event time; the overall
/// `group` row, then θ(g) by group; the `simple` row, which carries
/// `pretrend_p`. Every cell and aggregate of the grid has a row; its
/// estimate is `None` when it rests on no estimable cell. Aggregates use the
/// estimable cells only, as `did::aggte` does with the cells `att_gt`
/// returns.
#[must_use]
pub fn callaway_santanna(panel: &Panel, control: Control) -> Vec<RolloutRow> {
    let design = Design::new(panel);
    let cells = design.cells(control);
    let mut rows: Vec<RolloutRow> = cells.iter().map(|cell| design.cell_row(cell)).collect();
    rows.extend(design.dynamic_rows(&cells));
    rows.extend(design.group_rows(&cells));
    rows.push(design.simple_row(&cells));
    rows
}

/// `t − g`, exact because [`Panel::new`] caps the number of periods.
const fn event_time(group: usize, period: usize) -> i32 {
    period as i32 - group as i32
}

/// A placebo cell whose variance the others explain to all but this fraction
/// makes `Σ` singular. Rounding in a `Σ` of a few dozen rows is near 1e-15
/// relative, so an exactly singular one stays far below it, and a cell this
/// close to a combination of the others adds no evidence of its own.
const SINGULAR_PIVOT: f64 = 1e-10;

/// Below this many units per placebo cell, the χ² approximation of the
/// pre-test rejects a true null far too often (SPEC section 4).
const UNITS_PER_PLACEBO_CELL: usize = 50;

/// An estimate and its influence function ψ over the design's units.
struct Fit {
    att: f64,
    influence: Vec<f64>,
}

impl Fit {
    /// The estimate with `se = sqrt(Σ ψ²) / N`, `None` if not finite.
    fn estimate(&self) -> Option<Estimate> {
        let n = as_f64(self.influence.len() as u64);
        let se = self.influence.iter().map(|psi| psi * psi).sum::<f64>().sqrt() / n;
        if !(self.att.is_finite() && se.is_finite()) {
            return None;
        }
        let interval = Interval::finite(self.att - Z95 * se, self.att + Z95 * se)?;
        let p_value = (se > 0.0).then(|| normal_two_sided_p(self.att / se));
        Some(Estimate { att: self.att, se, interval, p_value })
    }
}

/// One ATT(g,t) with the units it compares.
struct Cell {
    group: usize,
    period: usize,
    /// Positions in the design of `g`'s units and of the comparison units.
    treated: Vec<usize>,
    comparison: Vec<usize>,
    fit: Option<Fit>,
}

impl Cell {
    fn is_placebo(&self) -> bool {
        self.period < self.group
    }
}

/// The units kept for estimation, in input order, so that every sum over
/// units runs in the same order on every run.
struct Design<'a> {
    panel: &'a Panel,
    /// Positions in `panel.units` of the kept units.
    kept: Vec<usize>,
    /// Their groups, `None` for never treated.
    groups: Vec<Option<usize>>,
    /// The distinct groups, ascending.
    cohorts: Vec<usize>,
}

impl<'a> Design<'a> {
    fn new(panel: &'a Panel) -> Design<'a> {
        let (kept, groups): (Vec<usize>, Vec<Option<usize>>) = panel
            .units
            .iter()
            .enumerate()
            .filter(|(_, unit)| unit.group != Some(0))
            .map(|(position, unit)| (position, unit.group.filter(|&g| g < panel.periods)))
            .unzip();
        let cohorts: BTreeSet<usize> = groups.iter().flatten().copied().collect();
        Design { panel, kept, groups, cohorts: cohorts.into_iter().collect() }
    }

    fn n(&self) -> usize {
        self.kept.len()
    }

    fn outcome(&self, unit: usize, period: usize) -> f64 {
        self.panel.outcomes[self.kept[unit] * self.panel.periods + period]
    }

    fn population(&self, unit: usize) -> u64 {
        self.panel.units[self.kept[unit]].population
    }

    /// `p_g = n_g / N`, the share of the units in group `g`.
    fn share(&self, group: usize) -> f64 {
        let size = self.groups.iter().filter(|&&g| g == Some(group)).count();
        as_f64(size as u64) / as_f64(self.n() as u64)
    }

    fn cells(&self, control: Control) -> Vec<Cell> {
        let mut cells = Vec::new();
        for &group in &self.cohorts {
            for period in 1..self.panel.periods {
                cells.push(self.cell(control, group, period));
            }
        }
        cells
    }

    /// ATT(g,t) against base period `g − 1`, or `t − 1` for a placebo cell.
    /// Not-yet-treated comparison units must still be untreated at
    /// `max(t, b)`, which is `t` since the base is always earlier.
    fn cell(&self, control: Control, group: usize, period: usize) -> Cell {
        let base = if period >= group { group - 1 } else { period - 1 };
        let in_comparison = |g: Option<usize>| match g {
            None => true,
            Some(g) => control == Control::NotYet && g != group && g > period,
        };
        let treated: Vec<usize> = (0..self.n()).filter(|&u| self.groups[u] == Some(group)).collect();
        let comparison: Vec<usize> = (0..self.n()).filter(|&u| in_comparison(self.groups[u])).collect();
        let fit = self.fit_cell(&treated, &comparison, period, base);
        Cell { group, period, treated, comparison, fit }
    }

    /// `ATT = mean_g Δ − mean_C Δ` with `ψ_u = (Δ_u − mean_g Δ)·N/n_g` on the
    /// group and `−(Δ_u − mean_C Δ)·N/n_C` on the comparison units: the
    /// influence function of `did`'s outcome regression without covariates.
    fn fit_cell(&self, treated: &[usize], comparison: &[usize], period: usize, base: usize) -> Option<Fit> {
        if treated.is_empty() || comparison.is_empty() {
            return None;
        }
        let change = |u: usize| self.outcome(u, period) - self.outcome(u, base);
        let treated_change: Vec<f64> = treated.iter().map(|&u| change(u)).collect();
        let comparison_change: Vec<f64> = comparison.iter().map(|&u| change(u)).collect();
        let (treated_mean, comparison_mean) = (mean(&treated_change), mean(&comparison_change));
        let n = as_f64(self.n() as u64);
        let mut influence = vec![0.0; self.n()];
        let treated_scale = n / as_f64(treated.len() as u64);
        for (&u, delta) in treated.iter().zip(&treated_change) {
            influence[u] = (delta - treated_mean) * treated_scale;
        }
        let comparison_scale = n / as_f64(comparison.len() as u64);
        for (&u, delta) in comparison.iter().zip(&comparison_change) {
            influence[u] = -(delta - comparison_mean) * comparison_scale;
        }
        Some(Fit { att: treated_mean - comparison_mean, influence })
    }

    /// The mean of `parts` weighted by their group shares, `w_k = p_k / Σ_j
    /// p_j`. Because the shares are estimated, the influence function adds
    /// `did`'s `wif`, `Σ_k ATT_k·[(1{G_u = g_k} − p_k)/S − p_k·Σ_j (1{G_u =
    /// g_j} − p_j)/S²]` with `S = Σ_j p_j`, computed in its equal form
    /// `Σ_k (ATT_k − θ)·(1{G_u = g_k} − p_k)/S` (as `Σ_k p_k ATT_k = S θ`).
    fn share_weighted(&self, parts: &[(usize, &Fit)]) -> Option<Fit> {
        if parts.is_empty() {
            return None;
        }
        let shares: Vec<f64> = parts.iter().map(|&(group, _)| self.share(group)).collect();
        let total: f64 = shares.iter().sum();
        let weighted: Vec<(f64, &Fit)> =
            shares.iter().zip(parts).map(|(share, &(_, fit))| (share / total, fit)).collect();
        let mut fit = combine(&weighted);
        for (u, psi) in fit.influence.iter_mut().enumerate() {
            let estimation: f64 = parts
                .iter()
                .zip(&shares)
                .map(|(&(group, part), share)| {
                    let member = if self.groups[u] == Some(group) { 1.0 } else { 0.0 };
                    (part.att - fit.att) * (member - share)
                })
                .sum();
            *psi += estimation / total;
        }
        Some(fit)
    }

    /// Counts of the units behind `cells`, each unit once.
    fn counted(&self, mut row: RolloutRow, cells: &[&Cell]) -> RolloutRow {
        let mut treated = vec![false; self.n()];
        let mut control = vec![false; self.n()];
        for cell in cells {
            cell.treated.iter().for_each(|&u| treated[u] = true);
            cell.comparison.iter().for_each(|&u| control[u] = true);
        }
        let tally = |members: &[bool]| {
            let units = (0..self.n()).filter(|&u| members[u]);
            (units.clone().count() as u64, units.map(|u| self.population(u)).sum::<u64>())
        };
        (row.units_treated, row.population_treated) = tally(&treated);
        (row.units_control, row.population_control) = tally(&control);
        row
    }

    fn cell_row(&self, cell: &Cell) -> RolloutRow {
        let mut row =
            RolloutRow::blank(Aggregation::AttGt, Some(cell.group), Some(event_time(cell.group, cell.period)));
        row.period = Some(cell.period);
        row.estimate = cell.fit.as_ref().and_then(Fit::estimate);
        self.counted(row, &[cell])
    }

    /// `row` with its counts and estimate, and the fit of that estimate for
    /// the overall rows built on top of it.
    fn aggregate_row(
        &self,
        mut row: RolloutRow,
        cells: &[Cell],
        fit: impl FnOnce(&[&Cell]) -> Option<Fit>,
    ) -> (RolloutRow, Option<Fit>) {
        let used: Vec<&Cell> = cells.iter().filter(|c| c.fit.is_some() && row.covers(c.group, c.period)).collect();
        let fit = fit(&used);
        row.estimate = fit.as_ref().and_then(Fit::estimate);
        (self.counted(row, &used), fit)
    }

    /// θ(e), the group-share weighted mean of the ATT(g, g + e); overall, the
    /// plain mean of the θ(e) with `e ≥ 0`.
    fn dynamic_rows(&self, cells: &[Cell]) -> Vec<RolloutRow> {
        let event_times: BTreeSet<i32> = cells.iter().map(|c| event_time(c.group, c.period)).collect();
        let (rows, fits): (Vec<RolloutRow>, Vec<Option<Fit>>) = event_times
            .iter()
            .map(|&e| {
                let row = RolloutRow::blank(Aggregation::Dynamic, None, Some(e));
                self.aggregate_row(row, cells, |used| self.share_weighted(&group_parts(used)))
            })
            .unzip();
        let after: Vec<&Fit> =
            event_times.iter().zip(&fits).filter(|&(&e, _)| e >= 0).filter_map(|(_, fit)| fit.as_ref()).collect();
        let overall = RolloutRow::blank(Aggregation::Dynamic, None, None);
        let (overall, _) = self.aggregate_row(overall, cells, |_| plain_mean(&after));
        std::iter::once(overall).chain(rows).collect()
    }

    /// θ(g), the plain mean of `g`'s cells with `t ≥ g`; overall, the
    /// group-share weighted mean of the θ(g).
    fn group_rows(&self, cells: &[Cell]) -> Vec<RolloutRow> {
        let (rows, fits): (Vec<RolloutRow>, Vec<Option<Fit>>) = self
            .cohorts
            .iter()
            .map(|&g| {
                let row = RolloutRow::blank(Aggregation::Group, Some(g), None);
                self.aggregate_row(row, cells, |used| plain_mean(&fits_of(used)))
            })
            .unzip();
        let parts: Vec<(usize, &Fit)> =
            self.cohorts.iter().zip(&fits).filter_map(|(&g, fit)| Some((g, fit.as_ref()?))).collect();
        let overall = RolloutRow::blank(Aggregation::Group, None, None);
        let (overall, _) = self.aggregate_row(overall, cells, |_| self.share_weighted(&parts));
        std::iter::once(overall).chain(rows).collect()
    }

    /// The group-share weighted mean of every cell with `t ≥ g`, and the
    /// pre-test.
    fn simple_row(&self, cells: &[Cell]) -> RolloutRow {
        let row = RolloutRow::blank(Aggregation::Simple, None, None);
        let (mut row, _) = self.aggregate_row(row, cells, |used| self.share_weighted(&group_parts(used)));
        row.pretrend_p = self.pretrend_p(cells);
        row
    }

    /// The Wald test that every estimable placebo cell is 0, `χ² = θ' Σ⁻¹ θ`
    /// with `Σ = Ψ Ψ' / N²`, against χ² with as many degrees of freedom as
    /// cells (`did`'s `W` and `Wpval`, unrounded).
    fn pretrend_p(&self, cells: &[Cell]) -> Option<f64> {
        let placebo = fits_of(&cells.iter().filter(|c| c.is_placebo()).collect::<Vec<_>>());
        let q = placebo.len();
        if q == 0 || self.n() < UNITS_PER_PLACEBO_CELL * q {
            return None;
        }
        let n2 = as_f64(self.n() as u64).powi(2);
        let mut sigma = vec![0.0; q * q];
        for (i, a) in placebo.iter().enumerate() {
            for (j, b) in placebo.iter().enumerate() {
                sigma[i * q + j] = a.influence.iter().zip(&b.influence).map(|(x, y)| x * y).sum::<f64>() / n2;
            }
        }
        let theta: Vec<f64> = placebo.iter().map(|fit| fit.att).collect();
        let chi2 = quadratic_form_inverse(&sigma, &theta)?;
        let p = ChiSquared::new(as_f64(q as u64)).ok()?.sf(chi2);
        p.is_finite().then_some(p.clamp(0.0, 1.0))
    }
}

/// Mean of `values` (not empty), taken around the first so that equal values
/// give that value back exactly: their deviations are then exactly 0 and a
/// constant arm has a standard error of 0, not of rounding.
fn mean(values: &[f64]) -> f64 {
    let origin = values[0];
    origin + values.iter().map(|v| v - origin).sum::<f64>() / as_f64(values.len() as u64)
}

/// `Σ_k w_k ATT_k` with influence function `Σ_k w_k ψ_k`.
fn combine(parts: &[(f64, &Fit)]) -> Fit {
    let n = parts.first().map_or(0, |(_, fit)| fit.influence.len());
    let att = parts.iter().map(|(w, fit)| w * fit.att).sum();
    let influence = (0..n).map(|u| parts.iter().map(|(w, fit)| w * fit.influence[u]).sum()).collect();
    Fit { att, influence }
}

/// The equally weighted mean: its weights are fixed, so no `wif` term.
fn plain_mean(fits: &[&Fit]) -> Option<Fit> {
    if fits.is_empty() {
        return None;
    }
    let weight = 1.0 / as_f64(fits.len() as u64);
    Some(combine(&fits.iter().map(|&fit| (weight, fit)).collect::<Vec<_>>()))
}

fn fits_of<'c>(cells: &[&'c Cell]) -> Vec<&'c Fit> {
    cells.iter().filter_map(|c| c.fit.as_ref()).collect()
}

fn group_parts<'c>(cells: &[&'c Cell]) -> Vec<(usize, &'c Fit)> {
    cells.iter().filter_map(|c| Some((c.group, c.fit.as_ref()?))).collect()
}

/// `θ' Σ⁻¹ θ` through the Cholesky factor `Σ = L L'` (row-major, `q × q`):
/// `θ' Σ⁻¹ θ = |L⁻¹ θ|²`. `None` when `Σ` is singular, a pivot falling
/// below [`SINGULAR_PIVOT`] times its diagonal entry.
fn quadratic_form_inverse(sigma: &[f64], theta: &[f64]) -> Option<f64> {
    let q = theta.len();
    let mut lower = vec![0.0; q * q];
    for j in 0..q {
        let pivot2 = sigma[j * q + j] - (0..j).map(|k| lower[j * q + k] * lower[j * q + k]).sum::<f64>();
        if pivot2.is_nan() || pivot2 <= SINGULAR_PIVOT * sigma[j * q + j] {
            return None;
        }
        let pivot = pivot2.sqrt();
        lower[j * q + j] = pivot;
        for i in j + 1..q {
            let dot: f64 = (0..j).map(|k| lower[i * q + k] * lower[j * q + k]).sum();
            lower[i * q + j] = (sigma[i * q + j] - dot) / pivot;
        }
    }
    let mut solved: Vec<f64> = Vec::with_capacity(q);
    for (i, value) in theta.iter().enumerate() {
        let dot: f64 = solved.iter().enumerate().map(|(k, z)| lower[i * q + k] * z).sum();
        solved.push((value - dot) / lower[i * q + i]);
    }
    let chi2: f64 = solved.iter().map(|z| z * z).sum();
    chi2.is_finite().then_some(chi2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::check::*;

    /// Years of `mpdta` as period indices.
    const FIRST_YEAR: usize = 2003;

    /// `datasets/reference/mpdta.csv` (`countyreal,year,first_treat,lemp`),
    /// sorted by county then year, as a panel of 5 periods; each county's
    /// population is its id, so that population sums name their units.
    fn mpdta() -> Panel {
        let mut units = Vec::new();
        let mut outcomes = Vec::new();
        let mut county = None;
        for line in include_str!("../../datasets/reference/mpdta.csv").lines().filter(|l| !l.starts_with('#')).skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let id: u64 = fields[0].parse().unwrap();
            let year: usize = fields[1].parse().unwrap();
            let first_treat: usize = fields[2].parse().unwrap();
            if county != Some(id) {
                county = Some(id);
                units.push(Unit { group: (first_treat != 0).then(|| first_treat - FIRST_YEAR), population: id });
            }
            assert_eq!(year - FIRST_YEAR, outcomes.len() % 5, "{line}");
            outcomes.push(fields[3].parse().unwrap());
        }
        Panel::new(5, units, outcomes).unwrap()
    }

    /// A row's key and the figures moderndid prints for it, with groups and
    /// periods as years.
    struct Reference {
        aggregation: Aggregation,
        group: Option<usize>,
        period: Option<usize>,
        event_time: Option<i32>,
        att: f64,
        se: f64,
    }

    const fn cell(group: usize, period: usize, att: f64, se: f64) -> Reference {
        let event_time = Some(event_time(group, period));
        Reference { aggregation: Aggregation::AttGt, group: Some(group), period: Some(period), event_time, att, se }
    }

    const fn dynamic(event_time: Option<i32>, att: f64, se: f64) -> Reference {
        Reference { aggregation: Aggregation::Dynamic, group: None, period: None, event_time, att, se }
    }

    const fn group(group: Option<usize>, att: f64, se: f64) -> Reference {
        Reference { aggregation: Aggregation::Group, group, period: None, event_time: None, att, se }
    }

    const fn simple(att: f64, se: f64) -> Reference {
        Reference { aggregation: Aggregation::Simple, group: None, period: None, event_time: None, att, se }
    }

    // moderndid 0.2.0 (numpy 2.4.6, scipy 1.17.1), the Python port of R
    // `did` 2.x, on its own copy of `did::mpdta`:
    //
    //     d = moderndid.load_mpdta()
    //     for cg in ["nevertreated", "notyettreated"]:
    //         r = moderndid.att_gt(d, yname="lemp", tname="year", idname="countyreal",
    //                              gname="first.treat", xformla=None, est_method="reg",
    //                              control_group=cg, boot=False, cband=False)
    //         # r.groups, r.times, r.att_gt, r.se_gt; r.wald_stat with df = Σ(groups > times)
    //         for typ in ["dynamic", "group", "simple"]:
    //             a = moderndid.aggte(r, type=typ, boot=False, cband=False)
    //             # a.overall_att, a.overall_se, a.event_times, a.att_by_event, a.se_by_event
    //
    // printed with `repr(float(x))`, in rollout.parquet's row order. Its
    // standard errors are `sqrt(mean(ψ²)/n)` = `sqrt(Σψ²)/N`, SPEC's, and R
    // `did` prints the same figures to its 4 decimals (SPEC's quotes).
    #[rustfmt::skip]
    const NEVER_TREATED: [Reference; 25] = [
        cell(2004, 2004, -0.010503246220961895, 0.023251036368166035),
        cell(2004, 2005, -0.07042315810314637, 0.030984766757276332),
        cell(2004, 2006, -0.1372587388894027, 0.03643566428768616),
        cell(2004, 2007, -0.10081136308540371, 0.03435922583467295),
        cell(2006, 2004, 0.006520112424232963, 0.02332680514180471),
        cell(2006, 2005, -0.002750818750518913, 0.019558561035881588),
        cell(2006, 2006, -0.004594606952862939, 0.01775519665927632),
        cell(2006, 2007, -0.04122447154621742, 0.020229180704106838),
        cell(2007, 2004, 0.030506655583292575, 0.015033560280130044),
        cell(2007, 2005, -0.0027258928861161966, 0.01639583289553441),
        cell(2007, 2006, -0.031087119389688705, 0.01787751131334352),
        cell(2007, 2007, -0.026054410719196838, 0.01665543534925217),
        dynamic(None, -0.07723982145731488, 0.01996498906184918),
        dynamic(Some(-3), 0.030506655583292575, 0.015033560280130044),
        dynamic(Some(-2), -0.0005630846263853994, 0.013291644736549986),
        dynamic(Some(-1), -0.024458744971169455, 0.014236402210519314),
        dynamic(Some(0), -0.019931816789259378, 0.011826364058058172),
        dynamic(Some(1), -0.05095736706519374, 0.01689347626867793),
        dynamic(Some(2), -0.1372587388894027, 0.03643566428768615),
        dynamic(Some(3), -0.10081136308540371, 0.03435922583467295),
        group(None, -0.031018282228748514, 0.01244605932099789),
        group(Some(2004), -0.07974912657472867, 0.026367799435026897),
        group(Some(2006), -0.02290953924954018, 0.016703330255161925),
        group(Some(2007), -0.026054410719196838, 0.01665543534925217),
        simple(-0.03995127515517626, 0.012034012770185351),
    ];

    // Wald pre-test: W = 7.791236627200228 on 5 df, p = chi2.sf(W, 5) =
    // 0.16812249492388404 (moderndid rounds its `wald_pvalue` to 0.16812).
    const NEVER_TREATED_PRETREND_P: f64 = 0.168_122_494_923_884_04;

    #[rustfmt::skip]
    const NOT_YET_TREATED: [Reference; 25] = [
        cell(2004, 2004, -0.019372363675921545, 0.02231011288368026),
        cell(2004, 2005, -0.07831909906206022, 0.030390228543396913),
        cell(2004, 2006, -0.13627434632867746, 0.03540338496890971),
        cell(2004, 2007, -0.10081136308540371, 0.03435922583467295),
        cell(2006, 2004, -0.0025625509426109652, 0.022530235145338823),
        cell(2006, 2005, -0.0019392460957888668, 0.019042158605818874),
        cell(2006, 2006, 0.0046608763199762065, 0.016335584246823635),
        cell(2006, 2007, -0.04122447154621742, 0.020229180704106838),
        cell(2007, 2004, 0.02975936476103095, 0.014533541638651455),
        cell(2007, 2005, -0.0024106128000968424, 0.016031296375517846),
        cell(2007, 2006, -0.031087119389688705, 0.01787751131334352),
        cell(2007, 2007, -0.026054410719196838, 0.01665543534925217),
        dynamic(None, -0.07739931397058446, 0.01956017694639415),
        dynamic(Some(-3), 0.02975936476103095, 0.014533541638651455),
        dynamic(Some(-2), -0.002446153886065058, 0.013120350434270822),
        dynamic(Some(-1), -0.024268903414507454, 0.014463681675801919),
        dynamic(Some(0), -0.018922199083424966, 0.012044568689269057),
        dynamic(Some(1), -0.05358934738483169, 0.016946385539124965),
        dynamic(Some(2), -0.13627434632867746, 0.035403384968909705),
        dynamic(Some(3), -0.10081136308540371, 0.03435922583467295),
        group(None, -0.03046222811256505, 0.012575120131681777),
        group(Some(2004), -0.08369429303801573, 0.02570159976800647),
        group(Some(2006), -0.018281797613120605, 0.015922235824500065),
        group(Some(2007), -0.026054410719196838, 0.01665543534925217),
        simple(-0.03976362562304361, 0.012052424787341823),
    ];

    // W = 7.790927718827265 on 5 df, p = 0.16814065857580485.
    const NOT_YET_TREATED_PRETREND_P: f64 = 0.168_140_658_575_804_85;

    /// Both sides evaluate the same closed forms in f64 and differ only in
    /// the order of their sums, a few units in the last place (measured:
    /// 1.2e-16 absolute, 5e-14 relative on the smallest effect, 2e-14 on the
    /// p-value). 1e-10 leaves room for another numpy while any change of
    /// formula shows: the closest, dividing by `n − 1` rather than `n` with
    /// `n_g = 20`, moves a standard error by 2.5%.
    const RELATIVE_TOLERANCE: f64 = 1e-10;

    #[track_caller]
    fn assert_relative(actual: f64, expected: f64) {
        assert!((actual - expected).abs() <= RELATIVE_TOLERANCE * expected.abs(), "{actual} vs {expected}");
    }

    fn check_against_moderndid(control: Control, references: &[Reference], pretrend_p: f64) {
        let rows = callaway_santanna(&mpdta(), control);
        assert_eq!(rows.len(), references.len());
        let year = |index: Option<usize>| index.map(|i| i + FIRST_YEAR);
        for (row, reference) in rows.iter().zip(references) {
            assert_eq!(row.aggregation, reference.aggregation);
            assert_eq!((year(row.group), year(row.period)), (reference.group, reference.period));
            assert_eq!(row.event_time, reference.event_time);
            let estimate = row.estimate.unwrap();
            assert_relative(estimate.att, reference.att);
            assert_relative(estimate.se, reference.se);
            let is_simple = row.aggregation == Aggregation::Simple;
            assert_eq!(row.pretrend_p.is_some(), is_simple);
        }
        assert_relative(rows.last().unwrap().pretrend_p.unwrap(), pretrend_p);
    }

    #[test]
    fn mpdta_never_treated_matches_moderndid() {
        check_against_moderndid(Control::Never, &NEVER_TREATED, NEVER_TREATED_PRETREND_P);
    }

    #[test]
    fn mpdta_not_yet_treated_matches_moderndid() {
        check_against_moderndid(Control::NotYet, &NOT_YET_TREATED, NOT_YET_TREATED_PRETREND_P);
    }

    fn find(rows: &[RolloutRow], aggregation: Aggregation, group: Option<usize>, period: Option<usize>) -> &RolloutRow {
        rows.iter().find(|r| r.aggregation == aggregation && r.group == group && r.period == period).unwrap()
    }

    fn find_dynamic(rows: &[RolloutRow], event_time: Option<i32>) -> &RolloutRow {
        rows.iter().find(|r| r.aggregation == Aggregation::Dynamic && r.event_time == event_time).unwrap()
    }

    fn estimate(row: &RolloutRow) -> Estimate {
        row.estimate.unwrap()
    }

    // The figures SPEC section 4 quotes (R `did`, 4 decimals).
    #[test]
    fn mpdta_spec_reference_values() {
        let year = |y: usize| Some(y - FIRST_YEAR);
        let rows = callaway_santanna(&mpdta(), Control::Never);
        let cell_2004 = estimate(find(&rows, Aggregation::AttGt, year(2004), year(2004)));
        assert_printed(cell_2004.att, -0.0105, 4);
        assert_printed(cell_2004.se, 0.0233, 4);
        let placebo = estimate(find(&rows, Aggregation::AttGt, year(2006), year(2005)));
        assert_printed(placebo.att, -0.0028, 4);
        assert_printed(placebo.se, 0.0196, 4);
        let simple = find(&rows, Aggregation::Simple, None, None);
        assert_printed(estimate(simple).att, -0.0400, 4);
        assert_printed(estimate(simple).se, 0.0120, 4);
        assert_printed(simple.pretrend_p.unwrap(), 0.1681, 4);
        let dynamic = estimate(find_dynamic(&rows, None));
        assert_printed(dynamic.att, -0.0772, 4);
        assert_printed(dynamic.se, 0.0200, 4);
        let one_year_on = estimate(find_dynamic(&rows, Some(1)));
        assert_printed(one_year_on.att, -0.0510, 4);
        assert_printed(one_year_on.se, 0.0169, 4);
        let group = estimate(find(&rows, Aggregation::Group, None, None));
        assert_printed(group.att, -0.0310, 4);
        assert_printed(group.se, 0.0124, 4);
        let rows = callaway_santanna(&mpdta(), Control::NotYet);
        let not_yet = estimate(find(&rows, Aggregation::AttGt, year(2004), year(2004)));
        assert_printed(not_yet.att, -0.0194, 4);
        assert_printed(not_yet.se, 0.0223, 4);
        // The interval and p-value follow from att and se.
        assert_printed(not_yet.interval.low, not_yet.att - Z95 * not_yet.se, 15);
        assert_printed(not_yet.interval.high, not_yet.att + Z95 * not_yet.se, 15);
        assert_eq!(not_yet.p_value, Some(normal_two_sided_p(not_yet.att / not_yet.se)));
    }

    // mpdta has 309 never-treated counties and groups of 20 (2004), 40
    // (2006) and 131 (2007); a county's population here is its id, and the
    // ids of those groups sum to 10374168, 342126, 1196230 and 4192996.
    #[test]
    fn mpdta_counts() {
        let year = |y: usize| Some(y - FIRST_YEAR);
        let counts = |r: &RolloutRow| (r.units_treated, r.units_control, r.population_treated, r.population_control);
        let rows = callaway_santanna(&mpdta(), Control::Never);
        let cell = find(&rows, Aggregation::AttGt, year(2004), year(2005));
        assert_eq!(counts(cell), (20, 309, 342_126, 10_374_168));
        let simple = find(&rows, Aggregation::Simple, None, None);
        assert_eq!(counts(simple), (191, 309, 5_731_352, 10_374_168));
        assert_eq!(counts(find_dynamic(&rows, Some(-3))), (131, 309, 4_192_996, 10_374_168));
        assert_eq!(counts(find_dynamic(&rows, Some(1))), (60, 309, 1_538_356, 10_374_168));
        // Not yet treated in 2005: the never treated and the 2006 and 2007
        // groups; every cell after treatment uses some of them.
        let rows = callaway_santanna(&mpdta(), Control::NotYet);
        let cell = find(&rows, Aggregation::AttGt, year(2004), year(2005));
        assert_eq!(counts(cell), (20, 480, 342_126, 15_763_394));
        let simple = find(&rows, Aggregation::Simple, None, None);
        assert_eq!(counts(simple), (191, 480, 5_731_352, 15_763_394));
        let last = find(&rows, Aggregation::Group, year(2007), None);
        assert_eq!(counts(last), (131, 309, 4_192_996, 10_374_168));
    }

    // rollout.parquet's order: aggregation, group, period, event_time, nulls
    // first — Option's own order, where None comes before Some.
    #[test]
    fn rows_come_sorted() {
        let rows = callaway_santanna(&mpdta(), Control::NotYet);
        let key = |r: &RolloutRow| (r.aggregation, r.group, r.period, r.event_time);
        assert!(rows.windows(2).all(|pair| key(&pair[0]) < key(&pair[1])));
    }

    fn unit(group: Option<usize>, population: u64) -> Unit {
        Unit { group, population }
    }

    /// Five units over periods 0, 1, 2: A in group 1; B and C in group 2;
    /// D and E never treated. `copies` repeats the five.
    fn toy(copies: usize) -> Panel {
        let units = [unit(Some(1), 10), unit(Some(2), 20), unit(Some(2), 30), unit(None, 40), unit(None, 50)];
        let outcomes = [[0.0, 2.0, 3.0], [0.0, 0.0, 4.0], [1.0, 1.0, 3.0], [0.0, 1.0, 1.0], [0.0, 0.0, 2.0]];
        Panel::new(3, units.repeat(copies), outcomes.repeat(copies).concat()).unwrap()
    }

    #[track_caller]
    fn assert_estimate(row: &RolloutRow, att: f64, se: f64) {
        let estimate = estimate(row);
        assert_printed(estimate.att, att, 14);
        assert_printed(estimate.se, se, 14);
    }

    // By hand, N = 5, comparison D and E (Δ below is y_t − y_b):
    // ATT(1,1): Δ_A = 2, Δ_D,E = 1, 0 → 2 − 0.5 = 1.5; ψ_A = 0 (one unit),
    //   ψ_D,E = ∓0.5·5/2 = ∓1.25; se = sqrt(3.125)/5 = sqrt(1/8).
    // ATT(1,2): Δ_A = 3, Δ_D,E = 1, 2 → 1.5, ψ_D,E = ±1.25, se sqrt(1/8).
    // ATT(2,1), placebo on base 0: Δ_B,C = 0, 0 → 0 − 0.5 = −0.5, se sqrt(1/8).
    // ATT(2,2) on base 1: Δ_B,C = 4, 2, Δ_D,E = 0, 2 → 3 − 1 = 2;
    //   ψ_B,C = ±1·5/2, ψ_D,E = ±1·5/2; se = sqrt(25)/5 = 1.
    // simple: p_1 = 0.2, p_2 = 0.4 over cells (1,1), (1,2), (2,2), S = 0.8,
    //   w = 1/4, 1/4, 1/2, θ = 1.75. Σ w ψ = (0, 1.25, −1.25, 1.25, −1.25);
    //   wif = Σ_k (ATT_k − θ)(1{G = g_k} − p_k)/S = (−0.625, 0.3125, 0.3125,
    //   0, 0); Σ ψ² = 6.8359375 = 25·35/128, se = sqrt(35/128).
    // θ(0) over (1,1), (2,2): w = 1/3, 2/3, θ = 11/6; ψ = (−5/9, 35/18,
    //   −25/18, 5/4, −5/4), se = sqrt(79/216). Overall dynamic: (θ(0) +
    //   θ(1))/2 = 5/3, ψ halves the sum of theirs, se = sqrt(5/27).
    // θ(1) = 1.5 with ψ ≡ 0: the two cells' ψ_D,E cancel, se = 0. Overall
    //   group: (0.2·1.5 + 0.4·2)/0.6 = 11/6, ψ = (−5/9, 35/18, −25/18, 5/3,
    //   −5/3), se = sqrt(25/54).
    // The wif form was checked against SPEC's on A: Σ_j (1{G = g_j} − p_j) =
    // 1.2 and 1.5·(1 − 0.375)·2 + 2·(−0.5 − 0.75) = −0.625. moderndid
    // (which refuses groups this small) gives the same figures on 10 copies
    // of the panel, with every se divided by sqrt(10), θ(1)'s se as NaN.
    #[test]
    fn toy_panel_by_hand() {
        let rows = callaway_santanna(&toy(1), Control::Never);
        assert_eq!(rows.len(), 4 + 4 + 3 + 1);
        let eighth = 0.125_f64.sqrt();
        assert_estimate(find(&rows, Aggregation::AttGt, Some(1), Some(1)), 1.5, eighth);
        assert_estimate(find(&rows, Aggregation::AttGt, Some(1), Some(2)), 1.5, eighth);
        assert_estimate(find(&rows, Aggregation::AttGt, Some(2), Some(1)), -0.5, eighth);
        assert_estimate(find(&rows, Aggregation::AttGt, Some(2), Some(2)), 2.0, 1.0);
        assert_estimate(find(&rows, Aggregation::Simple, None, None), 1.75, (35.0_f64 / 128.0).sqrt());
        assert_estimate(find_dynamic(&rows, Some(-1)), -0.5, eighth);
        assert_estimate(find_dynamic(&rows, Some(0)), 11.0 / 6.0, (79.0_f64 / 216.0).sqrt());
        assert_estimate(find_dynamic(&rows, Some(1)), 1.5, eighth);
        assert_estimate(find_dynamic(&rows, None), 5.0 / 3.0, (5.0_f64 / 27.0).sqrt());
        assert_estimate(find(&rows, Aggregation::Group, None, None), 11.0 / 6.0, (25.0_f64 / 54.0).sqrt());
        assert_estimate(find(&rows, Aggregation::Group, Some(2), None), 2.0, 1.0);
        // se = 0: a degenerate interval and no p-value.
        let constant = estimate(find(&rows, Aggregation::Group, Some(1), None));
        assert_eq!((constant.att, constant.se, constant.p_value), (1.5, 0.0, None));
        assert_eq!((constant.interval.low, constant.interval.high), (1.5, 1.5));
        // N = 5 is below 50 × 1 placebo cell.
        assert!(rows.iter().all(|r| r.pretrend_p.is_none()));
        let counts = |r: &RolloutRow| (r.units_treated, r.units_control, r.population_treated, r.population_control);
        assert_eq!(counts(find(&rows, Aggregation::AttGt, Some(1), Some(1))), (1, 2, 10, 90));
        assert_eq!(counts(find(&rows, Aggregation::Simple, None, None)), (3, 2, 60, 90));
        assert_eq!(counts(find(&rows, Aggregation::Group, Some(2), None)), (2, 2, 50, 90));
    }

    // With one placebo cell the Wald test is the squared z of that cell:
    // ten copies give N = 50 (just enough), ATT(2,1) = −0.5 and se =
    // sqrt(1/8)/sqrt(10), so χ² = 0.25·80 = 20.
    #[test]
    fn pretrend_with_one_placebo_cell_is_its_z_test() {
        let rows = callaway_santanna(&toy(10), Control::Never);
        let p = find(&rows, Aggregation::Simple, None, None).pretrend_p.unwrap();
        let expected = normal_two_sided_p(20.0_f64.sqrt());
        assert!((p / expected - 1.0).abs() < 1e-9, "{p} vs {expected}");
        // One unit fewer is below 50 units per placebo cell.
        let mut panel = toy(10);
        panel.units.pop();
        panel.outcomes.truncate(panel.outcomes.len() - 3);
        let rows = callaway_santanna(&panel, Control::Never);
        assert_eq!(find(&rows, Aggregation::Simple, None, None).pretrend_p, None);
    }

    // Two placebo cells of group 3 whose changes are equal for every unit
    // (each unit's outcome grows by the same step every period) have the
    // same influence function: Σ is singular.
    #[test]
    fn pretrend_null_when_sigma_is_singular() {
        let units: Vec<Unit> = (0..120).map(|u| unit((u % 2 == 0).then_some(3), 1)).collect();
        let outcomes: Vec<f64> =
            (0..120).flat_map(|u| (0..4).map(move |t| f64::from(u % 7) * f64::from(t) + f64::from(u))).collect();
        let rows = callaway_santanna(&Panel::new(4, units, outcomes).unwrap(), Control::Never);
        assert_eq!(rows.iter().filter(|r| r.aggregation == Aggregation::AttGt && r.estimate.is_some()).count(), 3);
        assert_eq!(find(&rows, Aggregation::Simple, None, None).pretrend_p, None);
    }

    #[test]
    fn quadratic_form_by_hand() {
        // [[2, 1], [1, 2]]⁻¹ (1, 1)' = (1/3, 1/3)', so θ'Σ⁻¹θ = 2/3.
        let chi2 = quadratic_form_inverse(&[2.0, 1.0, 1.0, 2.0], &[1.0, 1.0]).unwrap();
        assert_printed(chi2, 2.0 / 3.0, 15);
        assert_printed(quadratic_form_inverse(&[4.0], &[3.0]).unwrap(), 2.25, 15);
        assert_eq!(quadratic_form_inverse(&[1.0, 1.0, 1.0, 1.0], &[1.0, 2.0]), None);
        assert_eq!(quadratic_form_inverse(&[0.0], &[0.0]), None);
    }

    #[test]
    fn no_comparison_units_give_no_estimate() {
        let units = vec![unit(Some(1), 10), unit(Some(2), 20), unit(Some(2), 30)];
        let outcomes = vec![0.0, 2.0, 3.0, 0.0, 0.0, 4.0, 1.0, 1.0, 3.0];
        let panel = Panel::new(3, units, outcomes).unwrap();
        let rows = callaway_santanna(&panel, Control::Never);
        assert!(rows.iter().all(|r| r.estimate.is_none() && r.units_control == 0 && r.pretrend_p.is_none()));
        assert_eq!(find(&rows, Aggregation::AttGt, Some(2), Some(2)).units_treated, 2);
        // Not yet treated: only ATT(1,1) has comparison units (B and C,
        // Δ = 0 both, against Δ_A = 2), so every aggregate after treatment
        // is that cell, with se = 0 since both arms are constant.
        let rows = callaway_santanna(&panel, Control::NotYet);
        let estimated: Vec<&RolloutRow> = rows.iter().filter(|r| r.estimate.is_some()).collect();
        assert_eq!(estimated.len(), 6);
        for row in estimated {
            assert_eq!((estimate(row).att, estimate(row).se, estimate(row).p_value), (2.0, 0.0, None));
            assert_eq!((row.units_treated, row.units_control, row.population_control), (1, 2, 50));
        }
        assert_eq!(find_dynamic(&rows, Some(1)).units_treated, 0);
    }

    #[test]
    fn units_treated_first_or_after_the_panel() {
        let reference = callaway_santanna(&toy(1), Control::NotYet);
        // A unit opened in period 0 is left out: N stays 5.
        let mut panel = toy(1);
        panel.units.push(unit(Some(0), 1000));
        panel.outcomes.extend([5.0, -3.0, 8.0]);
        assert_eq!(callaway_santanna(&panel, Control::NotYet), reference);
        // A group after the last period is never treated.
        let mut panel = toy(1);
        panel.units[3].group = Some(3);
        assert_eq!(callaway_santanna(&panel, Control::NotYet), reference);
    }

    #[test]
    fn covers_names_the_cells_behind_a_row() {
        let rows = callaway_santanna(&toy(1), Control::Never);
        let covered = |row: &RolloutRow| {
            let grid = [(1, 1), (1, 2), (2, 1), (2, 2)];
            grid.into_iter().filter(|&(g, t)| row.covers(g, t)).collect::<Vec<_>>()
        };
        assert_eq!(covered(find(&rows, Aggregation::AttGt, Some(2), Some(1))), [(2, 1)]);
        assert_eq!(covered(find_dynamic(&rows, Some(0))), [(1, 1), (2, 2)]);
        assert_eq!(covered(find_dynamic(&rows, None)), [(1, 1), (1, 2), (2, 2)]);
        assert_eq!(covered(find(&rows, Aggregation::Group, Some(1), None)), [(1, 1), (1, 2)]);
        assert_eq!(covered(find(&rows, Aggregation::Group, None, None)), [(1, 1), (1, 2), (2, 2)]);
        assert_eq!(covered(find(&rows, Aggregation::Simple, None, None)), [(1, 1), (1, 2), (2, 2)]);
    }

    #[test]
    fn panel_rejects_what_it_cannot_hold() {
        let units = vec![unit(None, 1), unit(Some(1), 1)];
        assert!(Panel::new(2, units.clone(), vec![0.0; 4]).is_some());
        assert_eq!(Panel::new(2, units.clone(), vec![0.0; 3]), None);
        assert_eq!(Panel::new(2, units, vec![0.0, 1.0, f64::NAN, 2.0]), None);
        let too_many = usize::try_from(i32::MAX).unwrap() + 1;
        assert_eq!(Panel::new(too_many, Vec::new(), Vec::new()), None);
    }
}
