//! Phase 2 of the simulation: the usage events of one month at a time.
//!
//! Responsible for: turning the adoptions of phase 1 into tracked events:
//! the first session (with its funnel steps), then sessions on weighted
//! days (weekdays, holidays, season) and hours, each a `visit` followed by
//! the product's usual events, with retention and churn from month to
//! month, and now and then a tracker firing twice. Events that spill into a
//! later month (a funnel step days later, a session past midnight) wait in
//! a small carry-over buffer, so memory holds one month of events.
//!
//! Not responsible for: the table layout (`tables`) or the
//! messy late file (`messy`).

use super::calendar::{month_start, paris_day};
use super::model;
use super::population::Adoption;
use super::sample::{Rng, stream};
use super::world::World;

/// One tracked event; the derived order (instant, user, product, event) is
/// the order of the monthly parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Event {
    pub us: i64,
    pub user: u32,
    pub product: u16,
    pub event: u16,
}

pub struct UsageSimulator<'a> {
    world: &'a World,
    adoptions: &'a [Adoption],
    visit: u16,
    /// Events already drawn for a later month.
    carried: Vec<Event>,
    range_end_us: i64,
    previous_len: usize,
}

/// What the month's generation saw besides its events.
#[derive(Debug, Default, Clone)]
pub struct MonthStats {
    /// Per product: first uses in the month (new users).
    pub new_users: Vec<u64>,
}

impl<'a> UsageSimulator<'a> {
    pub fn new(world: &'a World, adoptions: &'a [Adoption]) -> Self {
        UsageSimulator {
            world,
            adoptions,
            visit: world.vocabulary.code("visit"),
            carried: Vec::new(),
            previous_len: 0,
            range_end_us: world.midnight_utc(world.end_day) * 1_000_000,
        }
    }

    /// The events of month `r` (0 = first data month), sorted. Months must
    /// be asked in order.
    pub fn month(&mut self, r: i32) -> (Vec<Event>, MonthStats) {
        let world = self.world;
        let month = world.first_month + r;
        let first_day = month_start(month);
        let next_day = month_start(month + 1);
        let month_end_us = world.midnight_utc(next_day) * 1_000_000;
        let mut rng = Rng::new(world.options.seed, stream::MONTH + month as u64);

        let mut out = Month { events: Vec::new(), later: Vec::new(), month_end_us, range_end_us: self.range_end_us };
        for e in self.carried.drain(..) {
            out.push(e);
        }
        let mut stats = MonthStats { new_users: vec![0; world.products.len()] };
        // The previous month's size is a good guess of this one's.
        out.events.reserve(self.previous_len + self.previous_len / 4);

        let season = world.month_season(month);
        let days_in_month = f64::from(next_day - first_day);
        for a in self.adoptions {
            let k = r - i32::from(a.first_month);
            if k < 0 || k >= i32::from(a.churn) || a.last_day <= first_day {
                continue;
            }
            let product = &world.products[a.product as usize];
            let audience = product.audience as usize;
            let last = a.last_day.min(next_day);
            let base = product.sessions * season * f64::from(a.intensity) / days_in_month;
            if k == 0 {
                stats.new_users[a.product as usize] += 1;
                self.first_session(&mut rng, a, &mut out);
                let from = paris_day(a.first_us.div_euclid(1_000_000)) + 1;
                if from < last {
                    // A new user settles in: a little less than a regular.
                    let n = rng.poisson(0.8 * base * f64::from(last - from));
                    for _ in 0..n {
                        self.session(&mut rng, a, audience, from, last, &mut out);
                    }
                }
            } else {
                if !rng.chance(product.active) {
                    continue;
                }
                let n = rng.poisson(base * f64::from(last - first_day)).max(1);
                for _ in 0..n {
                    self.session(&mut rng, a, audience, first_day, last, &mut out);
                }
            }
        }
        self.carried = out.later;
        let mut events = out.events;
        events.sort_unstable();
        self.previous_len = events.len();
        (events, stats)
    }

    /// The first session: `visit` at first use, the funnel steps reached
    /// (the last one `span_s` later, those between spread in between), and
    /// a few ordinary events.
    fn first_session(&self, rng: &mut Rng, a: &Adoption, out: &mut Month) {
        let product = &self.world.products[a.product as usize];
        let first = a.first_us;
        out.push(event(a, first, self.visit));
        if a.reached >= 2 {
            let funnel = &product.funnel;
            let last = first + i64::from(a.span_s) * 1_000_000;
            let reached = usize::from(a.reached);
            if reached == 2 {
                out.push(event(a, last, funnel[0].0));
            } else {
                let second = first + (rng.range(60, 900) * 1_000_000).min((last - first) / 3);
                out.push(event(a, second, funnel[0].0));
                for step in &funnel[1..reached - 2] {
                    let at = second + ((last - second) as f64 * rng.unit()) as i64;
                    out.push(event(a, at, step.0));
                }
                out.push(event(a, last, funnel[reached - 2].0));
            }
        }
        let extra = rng.poisson(product.events - 1.0);
        self.continue_session(rng, a, first, extra, out);
    }

    /// A session on a day of `[from, to)` drawn by activity weight.
    fn session(&self, rng: &mut Rng, a: &Adoption, audience: usize, from: i32, to: i32, out: &mut Month) {
        let world = self.world;
        let mut day = from;
        for _ in 0..64 {
            day = from + rng.below((to - from) as u64) as i32;
            if rng.unit() < world.day_weight(audience, day) {
                break;
            }
        }
        let hour = rng.pick(&world.hour_cdf[audience]) as i64;
        let secs = hour * 3600 + rng.below(3600) as i64;
        let start = world.utc(day, secs) * 1_000_000 + rng.below(1000) as i64 * 1000;
        out.push(event(a, start, self.visit));
        let product = &world.products[a.product as usize];
        let extra = rng.poisson(product.events - 1.0);
        self.continue_session(rng, a, start, extra, out);
    }

    /// `extra` ordinary events after `start`, seconds to minutes apart.
    fn continue_session(&self, rng: &mut Rng, a: &Adoption, start: i64, extra: u32, out: &mut Month) {
        let product = &self.world.products[a.product as usize];
        let total = product.vocab_cdf.last().map_or(0, |v| v.0);
        let mut at = start;
        let mut code_at = self.visit;
        for _ in 0..extra {
            // Mostly short gaps, sometimes a few minutes of reading.
            let u = rng.unit();
            at += 4_000_000 + (u * u * 300_000.0) as i64 * 1000;
            let x = rng.below(u64::from(total)) as u32;
            let code = product.vocab_cdf.iter().find(|v| x < v.0).map_or(self.visit, |v| v.1);
            out.push(event(a, at, code));
            code_at = code;
        }
        if rng.chance(model::DOUBLE_FIRE) {
            // The tracker fires the session's last event twice.
            out.push(event(a, at, code_at));
        }
    }
}

fn event(a: &Adoption, us: i64, code: u16) -> Event {
    Event { us, user: a.user, product: a.product, event: code }
}

/// The month being filled, and the events drawn for later months.
struct Month {
    events: Vec<Event>,
    later: Vec<Event>,
    month_end_us: i64,
    range_end_us: i64,
}

impl Month {
    #[inline]
    fn push(&mut self, e: Event) {
        if e.us < self.month_end_us {
            self.events.push(e);
        } else if e.us < self.range_end_us {
            self.later.push(e);
        }
    }
}
