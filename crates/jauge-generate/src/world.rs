//! The fixed frame of one generation: the period, the products, the trials
//! and roll-outs that run in it, and lookup tables for days and hours.
//!
//! Responsible for: turning [`GenerateOptions`] into the dates and
//! precomputed tables that the simulation reads in its hot loops (local
//! midnight of each day in UTC, each day's activity weight per audience,
//! hour-of-day distributions).
//!
//! Not responsible for: any random draw.

use super::GenerateOptions;
use super::calendar::{self, DAY, is_holiday, month_index, month_start, paris_to_utc, weekday};
use super::catalog::{self, Audience, Product, Vocabulary};
use super::model::{self, RolloutDesign, TrialDesign};
use super::sample::cumulative;

/// A trial whose product is in the portfolio and whose enrollment window
/// is not empty.
#[derive(Debug, Clone)]
pub struct Trial {
    pub design: TrialDesign,
    pub product: usize,
    /// Enrollment days, `[from, to)`.
    pub from: i32,
    pub to: i32,
    /// Eligible region indices, or `None` for all.
    pub regions: Option<Vec<u8>>,
}

impl Trial {
    pub fn eligible(&self, entry: i32, region: u8) -> bool {
        (self.from..self.to).contains(&entry) && self.regions.as_ref().is_none_or(|r| r.contains(&region))
    }
}

/// A roll-out whose product is in the portfolio.
#[derive(Debug, Clone)]
pub struct Rollout {
    pub design: RolloutDesign,
    pub product: usize,
    /// Opening day per region index; `None` where it never opens.
    pub opening: Vec<Option<i32>>,
}

impl Rollout {
    /// Openings in the order of the design's waves: (region index, day).
    pub fn openings(&self) -> Vec<(u8, i32)> {
        let mut out: Vec<(u8, i32)> =
            self.opening.iter().enumerate().filter_map(|(r, d)| d.map(|d| (r as u8, d))).collect();
        out.sort_by_key(|&(r, d)| (d, r));
        out
    }
}

pub struct World {
    pub options: GenerateOptions,
    pub products: Vec<Product>,
    pub vocabulary: Vocabulary,
    /// Month indices of the first and last data months.
    pub first_month: i32,
    pub last_month: i32,
    /// Day numbers: the 1st of the first month; the 1st of the month after
    /// the last (exclusive end of the usage parts); the data cut-off (last
    /// day of the last month); the export day (exclusive end of the
    /// outcome and assignment exports: two days of the next month are in).
    pub start_day: i32,
    pub end_day: i32,
    pub as_of: i32,
    pub export_day: i32,
    /// Products by audience.
    pub by_audience: [Vec<u16>; 3],
    pub trials: Vec<Trial>,
    pub rollouts: Vec<Rollout>,
    /// Per product: the index of its roll-out in `rollouts`, if it has one
    /// (such a product is only adopted where and when it has opened).
    pub rollout_of: Vec<Option<u8>>,
    /// Per day from `start_day` to `export_day + 1`: UTC second of local
    /// midnight, whether the UTC offset changes that day, and the activity
    /// weight of each audience divided by its maximum.
    midnight: Vec<i64>,
    dst_day: Vec<bool>,
    day_weight: [Vec<f64>; 3],
    pub hour_cdf: [Vec<f64>; 3],
    pub audience_cdf: Vec<f64>,
    pub region_cdf: Vec<f64>,
    pub age_cdf: Vec<f64>,
}

impl World {
    pub fn new(options: &GenerateOptions) -> Self {
        let last_month = month_index(options.end_year, options.end_month);
        let first_month = last_month - options.months as i32 + 1;
        let start_day = month_start(first_month);
        let end_day = month_start(last_month + 1);
        let export_day = end_day + 2;
        let (mut products, vocabulary) = catalog::build(options.products, last_month);

        let mut by_audience: [Vec<u16>; 3] = Default::default();
        for (i, p) in products.iter().enumerate() {
            by_audience[p.audience as usize].push(i as u16);
        }

        let trials = model::TRIALS
            .iter()
            .filter(|d| d.product < products.len())
            .filter_map(|d| {
                let from = month_start(last_month - d.from).max(start_day);
                let to = if d.to < 0 { export_day } else { month_start(last_month - d.to) };
                let regions = d.regions.map(|names| {
                    model::REGIONS
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| names.contains(&r.0))
                        .map(|(i, _)| i as u8)
                        .collect()
                });
                (from < to).then_some(Trial { design: *d, product: d.product, from, to, regions })
            })
            .collect();

        let rollouts: Vec<Rollout> = model::ROLLOUTS
            .iter()
            .filter(|d| d.product < products.len())
            .map(|d| {
                let mut opening = vec![None; model::REGIONS.len()];
                for wave in d.waves {
                    let day = month_start(last_month - wave.months_before) + wave.day as i32 - 1;
                    for name in wave.regions {
                        let r = model::REGIONS.iter().position(|r| r.0 == *name).expect("a region of the model");
                        opening[r] = Some(day);
                    }
                }
                Rollout { design: *d, product: d.product, opening }
            })
            .collect();
        let mut rollout_of = vec![None; products.len()];
        for (k, r) in rollouts.iter().enumerate() {
            rollout_of[r.product] = Some(k as u8);
            // The catalog's launch is the first opening.
            if let Some(first) = r.opening.iter().flatten().min() {
                products[r.product].launch_day = *first;
            }
        }

        let days = (export_day + 1 - start_day) as usize;
        let mut midnight = Vec::with_capacity(days);
        let mut dst_day = Vec::with_capacity(days);
        let mut day_weight: [Vec<f64>; 3] = Default::default();
        for day in start_day..=export_day {
            let m = paris_to_utc(day, 0);
            midnight.push(m);
            dst_day.push(paris_to_utc(day + 1, 0) - m != DAY);
            let (_, month, _) = calendar::civil_from_days(day);
            for a in Audience::ALL {
                let a = a as usize;
                let w = if is_holiday(day) { model::HOLIDAY[a] } else { model::WEEKDAY[a][weekday(day) as usize] };
                day_weight[a].push(w * model::MONTH_SEASON[month as usize - 1]);
            }
        }
        for weights in &mut day_weight {
            let max = weights.iter().copied().fold(0.0, f64::max);
            weights.iter_mut().for_each(|w| *w /= max);
        }

        World {
            options: options.clone(),
            products,
            vocabulary,
            first_month,
            last_month,
            start_day,
            end_day,
            as_of: end_day - 1,
            export_day,
            by_audience,
            trials,
            rollouts,
            rollout_of,
            midnight,
            dst_day,
            day_weight,
            hour_cdf: model::HOURS.map(cumulative),
            audience_cdf: cumulative(model::AUDIENCE_SHARES),
            region_cdf: cumulative(model::REGIONS.iter().map(|r| f64::from(r.1))),
            age_cdf: cumulative(model::AGE_BANDS.iter().map(|a| a.1)),
        }
    }

    /// UTC second of local time `secs` after midnight of `day` (the day must
    /// be within the period or its two export days).
    #[inline]
    pub fn utc(&self, day: i32, secs: i64) -> i64 {
        let i = (day - self.start_day) as usize;
        if self.dst_day[i] { paris_to_utc(day, secs) } else { self.midnight[i] + secs }
    }

    /// UTC second of the local midnight that starts `day`.
    pub fn midnight_utc(&self, day: i32) -> i64 {
        match day.checked_sub(self.start_day) {
            Some(i) if (i as usize) < self.midnight.len() => self.midnight[i as usize],
            _ => paris_to_utc(day, 0),
        }
    }

    /// Activity weight of `day` for an audience, in (0, 1].
    #[inline]
    pub fn day_weight(&self, audience: usize, day: i32) -> f64 {
        self.day_weight[audience][(day - self.start_day) as usize]
    }

    /// Seasonal factor of a month index.
    pub fn month_season(&self, month: i32) -> f64 {
        model::MONTH_SEASON[month.rem_euclid(12) as usize]
    }

    /// The DST change days of the period, or, when it holds none, the last
    /// ones before it: (spring, autumn) day numbers.
    pub fn dst_days(&self) -> (i32, i32) {
        let last = |month: u32| {
            (self.options.end_year - 1..=self.options.end_year)
                .rev()
                .map(|y| calendar::last_sunday(y, month))
                .find(|&d| d < self.end_day)
                .expect("a DST change within the last two years")
        };
        (last(3), last(10))
    }
}
