//! Time zones and the calendar, on plain integers: instants are µs since
//! 1970-01-01T00:00Z, local wall-clock times are µs since 1970-01-01T00:00
//! local, and days are day numbers (days since 1970-01-01).
//!
//! [`TzTable`] turns instants into local times and local day numbers, and
//! local wall times back into instants, from a table of the zone's UTC offset
//! transitions built once with chrono-tz: the per-row work is one index
//! lookup and a comparison or two (a few nanoseconds), with no chrono-tz call
//! and no allocation. The calendar helpers ([`ymd`], [`day_of`], month arithmetic)
//! use Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms
//! (<https://howardhinnant.github.io/date_algorithms.html>), proleptic
//! Gregorian.
//!
//! Not responsible for parsing text (see `ingest::parse`) nor for deciding
//! which zone an input is read in (the configuration does that), nor for
//! reporting errors: a nonexistent local time is returned as [`Nonexistent`]
//! and the caller turns it into the `nonexistent_local_time` reject.

use chrono::{DateTime, Offset, TimeZone};

/// Microseconds in one day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;

const MICROS_PER_SECOND: i64 = 1_000_000;

/// First and last instants scanned for transitions (seconds since the epoch):
/// 1900-01-01T00:00Z and 2200-01-01T00:00Z. Outside this range the offset in
/// force at the nearest end applies.
const SCAN_START_S: i64 = -2_208_988_800;
const SCAN_END_S: i64 = 7_258_118_400;

/// Scan step, in seconds. A zone whose offset changes and changes back within
/// one step would be missed; for every zone of the tz database the six-hour
/// scan finds exactly what an hourly one finds (see the ignored test
/// `six_hour_scan_misses_no_transition_in_any_zone`), and a finer step would
/// only slow down `TzTable::new`.
const SCAN_STEP_S: i64 = 6 * 3600;

/// The lookup index cuts 1900–2200 into buckets of 2^39 µs (about 6.4 days),
/// shorter than the time between two transitions of almost every zone, so an
/// instant's period is the bucket's first period or one of the next few.
const BUCKET_SHIFT: u32 = 39;

/// The UTC offsets of one time zone as a sorted table of transitions, so that
/// converting an instant costs an index lookup, not a chrono-tz call.
///
/// `starts[i]` is the first instant (µs UTC) at which `offsets[i]` (µs, local
/// minus UTC) is in force; `starts[0]` is `i64::MIN`, so every instant falls
/// in exactly one period. `buckets[b]` is the period in force at
/// `SCAN_START + b·2^39 µs`: finding an instant's period starts there and
/// steps over the transitions inside its bucket (usually none), instead of a
/// binary search over the few hundred periods.
#[derive(Clone, PartialEq, Eq)]
pub struct TzTable {
    tz: chrono_tz::Tz,
    starts: Vec<i64>,
    offsets: Vec<i64>,
    buckets: Vec<u32>,
    /// Smallest and largest offset of the table (µs), bounding the periods a
    /// local time can fall into (see `from_local`).
    min_offset: i64,
    max_offset: i64,
}

impl std::fmt::Debug for TzTable {
    // The index has thousands of entries; the zone and its size say enough.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TzTable").field("tz", &self.tz).field("periods", &self.starts.len()).finish_non_exhaustive()
    }
}

/// A local wall time that the zone skips (the hour lost when clocks go
/// forward): it names no instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nonexistent;

impl std::fmt::Display for Nonexistent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("local time does not exist in this time zone (skipped by a clock change)")
    }
}

impl std::error::Error for Nonexistent {}

/// The UTC offset of `tz` at `secs` seconds since the epoch, in seconds.
fn chrono_offset_s(tz: chrono_tz::Tz, secs: i64) -> i64 {
    // SCAN_START_S..=SCAN_END_S is well inside chrono's range.
    let utc = DateTime::from_timestamp(secs, 0).map_or_else(Default::default, |d| d.naive_utc());
    i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
}

impl TzTable {
    /// The transitions of `tz` from 1900 to 2200, found with chrono-tz once:
    /// the offset is sampled every six hours and, where it changes, the
    /// change is bisected to the second (tz database transitions fall on
    /// whole seconds). Takes a few milliseconds; build one table per zone per
    /// run, not per file.
    #[must_use]
    pub fn new(tz: chrono_tz::Tz) -> TzTable {
        TzTable::scan(tz, SCAN_STEP_S)
    }

    fn scan(tz: chrono_tz::Tz, step_s: i64) -> TzTable {
        let mut t = SCAN_START_S;
        let mut current = chrono_offset_s(tz, t);
        let mut starts = vec![i64::MIN];
        let mut offsets = vec![current * MICROS_PER_SECOND];
        while t < SCAN_END_S {
            let next = (t + step_s).min(SCAN_END_S);
            if chrono_offset_s(tz, next) == current {
                t = next;
                continue;
            }
            // Invariant: offset(lo) == current, offset(hi) != current.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if chrono_offset_s(tz, mid) == current {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            current = chrono_offset_s(tz, hi);
            starts.push(hi * MICROS_PER_SECOND);
            offsets.push(current * MICROS_PER_SECOND);
            // Rescan from the transition: a second one may follow within
            // the same step.
            t = hi;
        }
        let min_offset = offsets.iter().copied().min().unwrap_or(0);
        let max_offset = offsets.iter().copied().max().unwrap_or(0);
        let (first_us, end_us) = (SCAN_START_S * MICROS_PER_SECOND, SCAN_END_S * MICROS_PER_SECOND);
        let mut buckets = Vec::new();
        let mut period = 0_usize;
        let mut bucket_start = first_us;
        while bucket_start < end_us {
            while starts.get(period + 1).is_some_and(|&s| s <= bucket_start) {
                period += 1;
            }
            // A zone has a few hundred periods at most.
            buckets.push(u32::try_from(period).unwrap_or(u32::MAX));
            bucket_start += 1 << BUCKET_SHIFT;
        }
        TzTable { tz, starts, offsets, buckets, min_offset, max_offset }
    }

    /// The zone this table was built from.
    #[must_use]
    pub fn tz(&self) -> chrono_tz::Tz {
        self.tz
    }

    /// Number of offset periods (transitions + 1); 1 for a fixed-offset zone.
    #[must_use]
    pub fn periods(&self) -> usize {
        self.starts.len()
    }

    /// Index of the period containing the UTC instant.
    #[inline]
    fn period(&self, instant_us: i64) -> usize {
        const FIRST_US: i64 = SCAN_START_S * MICROS_PER_SECOND;
        // Transitions all lie after 1900 and at or before 2200.
        if instant_us < FIRST_US {
            return 0;
        }
        // instant_us >= FIRST_US: the wrapped difference read as u64 is the
        // true one (below 2^64); past 2200 it lands beyond the last bucket.
        let bucket = (instant_us.wrapping_sub(FIRST_US) as u64 >> BUCKET_SHIFT) as usize;
        let Some(&first) = self.buckets.get(bucket) else {
            return self.starts.len() - 1;
        };
        let mut period = first as usize;
        while self.starts.get(period + 1).is_some_and(|&s| s <= instant_us) {
            period += 1;
        }
        period
    }

    /// The UTC offset (local minus UTC) in force at the instant, in µs.
    #[inline]
    #[must_use]
    pub fn offset_at(&self, instant_us: i64) -> i64 {
        self.offsets[self.period(instant_us)]
    }

    /// Local wall-clock time of the instant, in µs since 1970-01-01T00:00
    /// local.
    #[inline]
    #[must_use]
    pub fn to_local(&self, instant_us: i64) -> i64 {
        instant_us.saturating_add(self.offset_at(instant_us))
    }

    /// Local day number (days since 1970-01-01) of the instant: an instant
    /// of `2026-10-31T23:30Z` is 2026-11-01 in Paris.
    #[inline]
    #[must_use]
    pub fn local_day(&self, instant_us: i64) -> i32 {
        day_of_micros(self.to_local(instant_us))
    }

    /// The instant of a local wall time. An ambiguous time (the hour repeated
    /// when clocks go back) gives the earlier instant, as the SPEC asks; a
    /// skipped time (the hour lost when clocks go forward) is
    /// [`Nonexistent`].
    ///
    /// # Errors
    /// [`Nonexistent`] when the zone skips this wall time.
    #[inline]
    pub fn from_local(&self, local_us: i64) -> Result<i64, Nonexistent> {
        // Period i holds the local time L when starts[i] <= L - offsets[i] <
        // starts[i + 1]. Since every offset lies in [min_offset, max_offset],
        // only periods from the one containing L - max_offset up to the last
        // one starting at or before L - min_offset can hold it; periods are in
        // instant order, so the first that does gives the earlier instant.
        let first = self.period(local_us.saturating_sub(self.max_offset));
        let last_start = local_us.saturating_sub(self.min_offset);
        for i in first..self.starts.len() {
            if i > first && self.starts[i] > last_start {
                break;
            }
            let instant = local_us.saturating_sub(self.offsets[i]);
            let ends_after = self.starts.get(i + 1).is_none_or(|&next| instant < next);
            if instant >= self.starts[i] && ends_after {
                return Ok(instant);
            }
        }
        Err(Nonexistent)
    }
}

/// Day number of a µs count since 1970-01-01T00:00 (local or UTC), rounding
/// down so that times before 1970 fall on the right day.
#[inline]
#[must_use]
pub fn day_of_micros(micros: i64) -> i32 {
    // |i64::MAX / MICROS_PER_DAY| ≈ 106 751 991 days, well inside i32.
    micros.div_euclid(MICROS_PER_DAY) as i32
}

/// Whether `y` is a leap year in the proleptic Gregorian calendar.
#[inline]
#[must_use]
pub fn is_leap_year(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Number of days of month `m` (1–12) of year `y`; 0 for a month outside
/// 1–12.
#[inline]
#[must_use]
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Years and days of 6 million Gregorian cycles of 400 years. Shifting by
/// them makes every i32 year or day positive, so the calendar arithmetic
/// runs on unsigned integers, whose division by a constant is a cheap
/// multiplication (the signed `div_euclid` is not).
const SHIFT_YEARS: i64 = 400 * 6_000_000;
const SHIFT_DAYS: i64 = 146_097 * 6_000_000;

/// Day number of a date its caller knows to be valid (built from valid
/// parts); use [`day_of`] for dates read from data.
#[inline]
#[must_use]
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    civil_days(i64::from(y), m, d) as i32
}

/// Day number of a valid date, `y` within the i32 range (Hinnant's
/// `days_from_civil`).
#[inline]
fn civil_days(y: i64, m: u32, d: u32) -> i64 {
    // Non-negative for every i32 year.
    let y = (y - i64::from(m <= 2) + SHIFT_YEARS) as u64;
    let era = y / 400;
    let yoe = y % 400; // [0, 399]
    let mp = u64::from((m + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + u64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    // era < 2^24: the product fits i64.
    let days = (era * 146_097 + doe) as i64;
    days - 719_468 - SHIFT_DAYS
}

/// `(year, month 1–12, day 1–31)` of a day number (Hinnant's
/// `civil_from_days`).
#[inline]
#[must_use]
pub fn ymd(day: i32) -> (i32, u32, u32) {
    // Non-negative for every i32 day.
    let z = (i64::from(day) + 719_468 + SHIFT_DAYS) as u64;
    let era = z / 146_097;
    let doe = z % 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    // era < 2^24, so the year fits i64; shifted back, an i32 day's year
    // (±5.8 million) fits i32; m and d are small.
    let y = ((yoe + era * 400 + u64::from(m <= 2)) as i64 - SHIFT_YEARS) as i32;
    (y, m as u32, d as u32)
}

/// Day number of `y-m-d`, or `None` when that day does not exist (month
/// outside 1–12, day outside the month) or lies beyond the i32 day range.
#[inline]
#[must_use]
pub fn day_of(y: i32, m: u32, d: u32) -> Option<i32> {
    if d == 0 || d > days_in_month(y, m) {
        return None;
    }
    i32::try_from(civil_days(i64::from(y), m, d)).ok()
}

/// Day number of the 1st of the month containing `day`.
#[inline]
#[must_use]
pub fn month_start(day: i32) -> i32 {
    let (_, _, d) = ymd(day);
    // d >= 1 and small.
    let back = d as i32 - 1;
    day - back
}

/// Day number of the last day of the month containing `day`.
#[inline]
#[must_use]
pub fn month_end(day: i32) -> i32 {
    let (y, m, d) = ymd(day);
    // days_in_month >= d, both at most 31.
    let ahead = (days_in_month(y, m) - d) as i32;
    day + ahead
}

/// Day number of the 1st of the month `k` months after (before, when `k` is
/// negative) the month containing `month_start` — usually the 1st of a month.
///
/// # Panics
/// When the result lies outside the i32 day range (±5.8 million years).
#[must_use]
pub fn add_months(month_start: i32, k: i32) -> i32 {
    let (y, m, _) = ymd(month_start);
    let index = i64::from(y) * 12 + i64::from(m) - 1 + i64::from(k);
    let (y2, m2) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let y2 = i32::try_from(y2).expect("add_months: year outside the i32 range");
    // m2 in 1..=12.
    let m2 = m2 as u32;
    day_of(y2, m2, 1).expect("add_months: day outside the i32 range")
}

/// Number of calendar months from the month containing `a_month_start` to
/// the month containing `b_month_start` (negative when b's month is
/// earlier): retention's `months_since`. Days within the months are ignored.
#[must_use]
pub fn months_between(a_month_start: i32, b_month_start: i32) -> i32 {
    let (ya, ma, _) = ymd(a_month_start);
    let (yb, mb, _) = ymd(b_month_start);
    let months = (i64::from(yb) - i64::from(ya)) * 12 + i64::from(mb) - i64::from(ma);
    // Two i32 day numbers are at most ~11.7 million years apart, i.e. about
    // 141 million months: fits i32.
    months as i32
}

/// `YYYY-MM-DD`.
pub fn format_day(day: i32) -> String {
    let (y, m, d) = ymd(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM` of the month holding `day`.
pub fn format_month(day: i32) -> String {
    let (y, m, _) = ymd(day);
    format!("{y:04}-{m:02}")
}

/// `YYYY-MM-DDTHH:MM:SS[.ffffff]` of wall-clock (or UTC) microseconds, as a
/// raw record shows a typed timestamp.
pub fn format_micros(micros: i64) -> String {
    let day = day_of_micros(micros);
    let rest = micros - i64::from(day) * MICROS_PER_DAY;
    let (secs, frac) = (rest / 1_000_000, rest % 1_000_000);
    let time = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if frac == 0 { format!("{}T{time}", format_day(day)) } else { format!("{}T{time}.{frac:06}", format_day(day)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{LocalResult, NaiveDate};
    use chrono_tz::Tz;
    use rand::{Rng as _, RngCore as _};

    const HOUR: i64 = 3_600_000_000;

    /// Instant (µs) of a UTC date-time.
    fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, mi, s).unwrap().and_utc().timestamp_micros()
    }

    /// Local wall time (µs since 1970-01-01T00:00 local), same arithmetic.
    fn local(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        utc(y, m, d, h, mi, s)
    }

    fn day(y: i32, m: u32, d: u32) -> i32 {
        day_of(y, m, d).unwrap()
    }

    #[test]
    fn paris_spring_forward_2026_skips_two_to_three() {
        let paris = TzTable::new(chrono_tz::Europe::Paris);
        assert_eq!(paris.from_local(local(2026, 3, 29, 1, 59, 59)), Ok(utc(2026, 3, 29, 0, 59, 59)));
        assert_eq!(paris.from_local(local(2026, 3, 29, 2, 0, 0)), Err(Nonexistent));
        assert_eq!(paris.from_local(local(2026, 3, 29, 2, 30, 0)), Err(Nonexistent));
        assert_eq!(paris.from_local(local(2026, 3, 29, 2, 59, 59) + 999_999), Err(Nonexistent));
        assert_eq!(paris.from_local(local(2026, 3, 29, 3, 0, 0)), Ok(utc(2026, 3, 29, 1, 0, 0)));
        assert_eq!(paris.offset_at(utc(2026, 3, 29, 1, 0, 0) - 1), HOUR);
        assert_eq!(paris.offset_at(utc(2026, 3, 29, 1, 0, 0)), 2 * HOUR);
    }

    #[test]
    fn paris_fall_back_2026_takes_earlier_instant() {
        let paris = TzTable::new(chrono_tz::Europe::Paris);
        // 02:30 local happens at 00:30Z (+02:00) and at 01:30Z (+01:00).
        assert_eq!(paris.from_local(local(2026, 10, 25, 2, 30, 0)), Ok(utc(2026, 10, 25, 0, 30, 0)));
        assert_eq!(paris.from_local(local(2026, 10, 25, 2, 0, 0)), Ok(utc(2026, 10, 25, 0, 0, 0)));
        assert_eq!(paris.from_local(local(2026, 10, 25, 1, 59, 59)), Ok(utc(2026, 10, 24, 23, 59, 59)));
        assert_eq!(paris.from_local(local(2026, 10, 25, 3, 0, 0)), Ok(utc(2026, 10, 25, 2, 0, 0)));
        // Both instants read back to the same wall time.
        assert_eq!(paris.to_local(utc(2026, 10, 25, 0, 30, 0)), local(2026, 10, 25, 2, 30, 0));
        assert_eq!(paris.to_local(utc(2026, 10, 25, 1, 30, 0)), local(2026, 10, 25, 2, 30, 0));
        assert_eq!(paris.offset_at(utc(2026, 10, 25, 1, 0, 0) - 1), 2 * HOUR);
        assert_eq!(paris.offset_at(utc(2026, 10, 25, 1, 0, 0)), HOUR);
    }

    #[test]
    fn utc_late_evening_falls_into_next_local_month_in_paris() {
        let paris = TzTable::new(chrono_tz::Europe::Paris);
        let t = utc(2026, 10, 31, 23, 30, 0);
        assert_eq!(paris.local_day(t), day(2026, 11, 1));
        assert_eq!(month_start(paris.local_day(t)), day(2026, 11, 1));
        // The same instant is still October in UTC.
        assert_eq!(TzTable::new(chrono_tz::UTC).local_day(t), day(2026, 10, 31));
        // And a winter evening: 23:00Z on 31 Dec is 1 Jan local.
        assert_eq!(paris.local_day(utc(2025, 12, 31, 23, 0, 0)), day(2026, 1, 1));
        assert_eq!(paris.local_day(utc(2025, 12, 31, 22, 59, 59)), day(2025, 12, 31));
    }

    #[test]
    fn utc_zone_is_identity() {
        let z = TzTable::new(chrono_tz::UTC);
        assert_eq!(z.periods(), 1);
        for t in [i64::MIN, -1, 0, 1, utc(2026, 3, 29, 2, 30, 0), i64::MAX] {
            assert_eq!(z.offset_at(t), 0);
            assert_eq!(z.to_local(t), t);
            assert_eq!(z.from_local(t), Ok(t));
        }
        assert_eq!(z.local_day(-1), -1);
        assert_eq!(z.local_day(0), 0);
    }

    #[test]
    fn non_hour_offsets() {
        let kolkata = TzTable::new(chrono_tz::Asia::Kolkata);
        let t = utc(2026, 6, 30, 18, 30, 0);
        assert_eq!(kolkata.offset_at(t), 5 * HOUR + 30 * 60_000_000);
        assert_eq!(kolkata.local_day(t), day(2026, 7, 1));
        assert_eq!(kolkata.local_day(t - 1), day(2026, 6, 30));

        // St John's: -03:30 standard, -02:30 summer; 2026-03-08 02:00 local
        // jumps to 03:00.
        let st_johns = TzTable::new(chrono_tz::America::St_Johns);
        assert_eq!(st_johns.offset_at(utc(2026, 1, 15, 12, 0, 0)), -(3 * HOUR + 30 * 60_000_000));
        assert_eq!(st_johns.offset_at(utc(2026, 7, 15, 12, 0, 0)), -(2 * HOUR + 30 * 60_000_000));
        assert_eq!(st_johns.from_local(local(2026, 3, 8, 2, 30, 0)), Err(Nonexistent));
        assert_eq!(st_johns.from_local(local(2026, 3, 8, 1, 0, 0)), Ok(utc(2026, 3, 8, 4, 30, 0)));
    }

    #[test]
    fn round_trips() {
        let mut rng = crate::testing::rng(7);
        let lo = utc(1970, 1, 1, 0, 0, 0);
        let hi = utc(2100, 1, 1, 0, 0, 0);
        for tz in [chrono_tz::Europe::Paris, chrono_tz::America::St_Johns, chrono_tz::Australia::Lord_Howe] {
            let table = TzTable::new(tz);
            for _ in 0..20_000 {
                let t = rng.random_range(lo..hi);
                let l = table.to_local(t);
                let back = table.from_local(l).unwrap();
                // back is t or, in a repeated hour, the earlier instant with
                // the same wall time.
                assert!(back <= t, "{tz} {t}");
                assert_eq!(table.to_local(back), l, "{tz} {t}");
                // And every existing wall time reads back to itself.
                let wall = rng.random_range(lo..hi);
                if let Ok(i) = table.from_local(wall) {
                    assert_eq!(table.to_local(i), wall, "{tz} {wall}");
                }
            }
        }
    }

    fn chrono_offset_us(tz: Tz, instant_us: i64) -> i64 {
        let utc = DateTime::from_timestamp_micros(instant_us).unwrap().naive_utc();
        i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()) * MICROS_PER_SECOND
    }

    #[test]
    fn offsets_match_chrono_tz() {
        let mut rng = crate::testing::rng(42);
        let lo = utc(1970, 1, 1, 0, 0, 0);
        let hi = utc(2100, 1, 1, 0, 0, 0);
        let zones = [
            chrono_tz::Europe::Paris,
            chrono_tz::UTC,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::St_Johns,
            chrono_tz::America::New_York,
            chrono_tz::Pacific::Apia,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Indian::Reunion,
            chrono_tz::America::Cayenne,
            chrono_tz::Pacific::Noumea,
        ];
        for tz in zones {
            let table = TzTable::new(tz);
            for _ in 0..20_000 {
                let t = rng.random_range(lo..hi);
                assert_eq!(table.offset_at(t), chrono_offset_us(tz, t), "{tz} at {t}");
            }
            // Exactly at and around every transition too, and the index
            // agrees with a plain binary search everywhere.
            for &s in &table.starts[1..] {
                for t in [s - 1, s, s + 1] {
                    assert_eq!(table.offset_at(t), chrono_offset_us(tz, t), "{tz} at {t}");
                }
            }
            let (y1900, y2200) = (utc(1900, 1, 1, 0, 0, 0), utc(2200, 1, 1, 0, 0, 0));
            for i in 0..40_000 {
                let t = if i % 2 == 0 {
                    rng.random_range(y1900 - 1..y2200 + 1)
                } else {
                    i64::from_ne_bytes(rng.next_u64().to_ne_bytes()) >> rng.random_range(0..40)
                };
                let binary_search = table.starts.partition_point(|&s| s <= t) - 1;
                assert_eq!(table.period(t), binary_search, "{tz} at {t}");
            }
        }
    }

    #[test]
    fn from_local_matches_chrono_tz() {
        let mut rng = crate::testing::rng(3);
        let lo = local(1970, 1, 1, 0, 0, 0);
        let hi = local(2100, 1, 1, 0, 0, 0);
        for tz in [chrono_tz::Europe::Paris, chrono_tz::America::New_York, chrono_tz::Australia::Lord_Howe] {
            let table = TzTable::new(tz);
            let mut walls: Vec<i64> = (0..20_000).map(|_| rng.random_range(lo..hi) / 1_000_000 * 1_000_000).collect();
            // Wall times right at and around each transition, both sides.
            for i in 1..table.starts.len() {
                let s = table.starts[i];
                for w in [s + table.offsets[i - 1], s + table.offsets[i]] {
                    walls.extend([w - 1_000_000, w, w + 1_000_000]);
                }
            }
            for w in walls {
                let naive = DateTime::from_timestamp_micros(w).unwrap().naive_utc();
                let expected = match tz.from_local_datetime(&naive) {
                    LocalResult::Single(d) => Ok(d.timestamp_micros()),
                    LocalResult::Ambiguous(a, b) => Ok(a.timestamp_micros().min(b.timestamp_micros())),
                    LocalResult::None => Err(Nonexistent),
                };
                assert_eq!(table.from_local(w), expected, "{tz} wall {naive}");
            }
        }
    }

    /// Every zone of the tz database: a six-hour scan finds the same
    /// transitions as an hourly one. Slow (about a minute in release), so
    /// run on demand: `cargo test --release -- --ignored six_hour_scan`.
    #[test]
    #[ignore = "slow: scans every zone hourly over 300 years"]
    fn six_hour_scan_misses_no_transition_in_any_zone() {
        for &tz in &chrono_tz::TZ_VARIANTS {
            assert_eq!(TzTable::new(tz), TzTable::scan(tz, 3600), "{tz}");
        }
    }

    #[test]
    fn table_covers_1900_to_2200() {
        let paris = TzTable::new(chrono_tz::Europe::Paris);
        // Paris has two changes a year from 1976 on.
        let after_1976 = paris.starts.iter().filter(|&&s| s >= utc(1976, 1, 1, 0, 0, 0)).count();
        assert!(after_1976 >= 2 * 120, "{after_1976}");
        assert!(paris.starts.windows(2).all(|w| w[0] < w[1]));
        assert!(paris.offsets.windows(2).all(|w| w[0] != w[1]));
        // Before 1900 and after 2200 the nearest end's offset holds.
        assert_eq!(paris.offset_at(utc(1850, 1, 1, 0, 0, 0)), paris.offset_at(utc(1900, 1, 1, 0, 0, 0)));
        assert_eq!(paris.offset_at(i64::MIN), paris.offsets[0]);
        assert_eq!(paris.offset_at(i64::MAX), *paris.offsets.last().unwrap());
    }

    #[test]
    fn calendar_round_trip_and_chrono_agree() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for d in -800_000..800_000 {
            let (y, m, dd) = ymd(d);
            assert_eq!(day_of(y, m, dd), Some(d));
            let c = epoch + chrono::Duration::days(i64::from(d));
            assert_eq!(
                (y, m, dd),
                (chrono::Datelike::year(&c), chrono::Datelike::month(&c), chrono::Datelike::day(&c))
            );
        }
        assert_eq!(ymd(0), (1970, 1, 1));
        assert_eq!(ymd(-1), (1969, 12, 31));
        for d in [i32::MIN, i32::MIN + 1, i32::MAX - 1, i32::MAX] {
            let (y, m, dd) = ymd(d);
            assert_eq!(day_of(y, m, dd), Some(d), "{d}");
        }
    }

    #[test]
    fn day_of_rejects_days_that_do_not_exist() {
        assert_eq!(day_of(2026, 2, 29), None);
        assert_eq!(day_of(2024, 2, 29), Some(day(2024, 3, 1) - 1));
        assert_eq!(day_of(1900, 2, 29), None);
        assert_eq!(day_of(2000, 2, 29), Some(day(2000, 3, 1) - 1));
        assert_eq!(day_of(2026, 4, 31), None);
        assert_eq!(day_of(2026, 13, 1), None);
        assert_eq!(day_of(2026, 0, 1), None);
        assert_eq!(day_of(2026, 1, 0), None);
        assert_eq!(day_of(i32::MAX, 1, 1), None);
    }

    #[test]
    fn month_arithmetic() {
        let d = day(2026, 2, 14);
        assert_eq!(month_start(d), day(2026, 2, 1));
        assert_eq!(month_end(d), day(2026, 2, 28));
        assert_eq!(month_end(day(2024, 2, 1)), day(2024, 2, 29));
        assert_eq!(month_end(day(2026, 12, 31)), day(2026, 12, 31));
        assert_eq!(month_start(day(1969, 12, 31)), day(1969, 12, 1));
        assert_eq!(add_months(day(2026, 1, 1), 1), day(2026, 2, 1));
        assert_eq!(add_months(day(2026, 11, 1), 2), day(2027, 1, 1));
        assert_eq!(add_months(day(2026, 1, 1), -1), day(2025, 12, 1));
        assert_eq!(add_months(day(2026, 1, 1), -13), day(2024, 12, 1));
        assert_eq!(add_months(day(2026, 3, 31), 0), day(2026, 3, 1));
        assert_eq!(add_months(day(2026, 1, 1), 0), day(2026, 1, 1));
        assert_eq!(months_between(day(2026, 1, 1), day(2026, 1, 1)), 0);
        assert_eq!(months_between(day(2025, 11, 1), day(2026, 2, 1)), 3);
        assert_eq!(months_between(day(2026, 2, 1), day(2025, 11, 1)), -3);
        assert_eq!(months_between(day(2025, 11, 30), day(2026, 2, 1)), 3);
        for k in -30..30 {
            let m = add_months(day(2026, 5, 1), k);
            assert_eq!(months_between(day(2026, 5, 1), m), k);
        }
    }
}
