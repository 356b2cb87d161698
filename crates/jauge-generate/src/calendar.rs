//! Calendar arithmetic for the generator: day numbers, months, weekdays,
//! French public holidays, and local Europe/Paris time to UTC.
//!
//! Responsible for: the few date computations the generator runs millions
//! of times, on day numbers (days since 1970-01-01) and seconds, with no
//! allocation and no time zone database lookups in the hot loop; dates
//! convert to and from day numbers through chrono's [`NaiveDate`]. The
//! Paris rule is the EU one in force since 1996 (summer time from 01:00 UTC
//! on the last Sunday of March to 01:00 UTC on the last Sunday of October);
//! a test checks it against chrono-tz.
//!
//! Not responsible for: parsing, or any time zone other than Europe/Paris
//! (the zone the generated data is written for).

use chrono::{Datelike, NaiveDate};

/// Day number of a valid date.
///
/// # Panics
/// When `y-m-d` is not a date. The generator only builds dates from valid
/// parts, a few centuries at most from its period.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date").to_epoch_days()
}

/// `(year, month 1–12, day 1–31)` of a day number.
///
/// # Panics
/// Beyond chrono's range (about ±262 000 years), which no generated day
/// comes near.
pub fn civil_from_days(day: i32) -> (i32, u32, u32) {
    let date = NaiveDate::from_epoch_days(day).expect("a day within chrono's range");
    (date.year(), date.month(), date.day())
}

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// 0 = Monday … 6 = Sunday.
pub fn weekday(day: i32) -> u32 {
    // 1970-01-01 was a Thursday (3).
    (day + 3).rem_euclid(7) as u32
}

/// A calendar month as a sequential index (`year * 12 + month - 1`).
pub fn month_index(y: i32, m: u32) -> i32 {
    y * 12 + m as i32 - 1
}

/// (year, month) of a month index.
pub fn month_of_index(i: i32) -> (i32, u32) {
    (i.div_euclid(12), i.rem_euclid(12) as u32 + 1)
}

/// Day number of the 1st of a month index.
pub fn month_start(i: i32) -> i32 {
    let (y, m) = month_of_index(i);
    days_from_civil(y, m, 1)
}

/// Month index of a day number.
pub fn month_of_day(day: i32) -> i32 {
    let (y, m, _) = civil_from_days(day);
    month_index(y, m)
}

/// `YYYY-MM` of a month index.
pub fn month_label(i: i32) -> String {
    let (y, m) = month_of_index(i);
    format!("{y:04}-{m:02}")
}

/// Day number of the last Sunday of a month.
pub fn last_sunday(y: i32, m: u32) -> i32 {
    let last = month_start(month_index(y, m) + 1) - 1;
    last - ((weekday(last) + 1) % 7) as i32
}

/// The UTC instants (seconds) where Paris summer time starts and ends in
/// year `y`: 01:00 UTC on the last Sundays of March and October.
pub fn paris_transitions(y: i32) -> (i64, i64) {
    (i64::from(last_sunday(y, 3)) * DAY + 3600, i64::from(last_sunday(y, 10)) * DAY + 3600)
}

/// Paris UTC offset in seconds at a UTC instant.
pub fn paris_offset(utc: i64) -> i64 {
    let (y, _, _) = civil_from_days(utc.div_euclid(DAY) as i32);
    let (start, end) = paris_transitions(y);
    if (start..end).contains(&utc) { 7200 } else { 3600 }
}

/// How a local Paris wall-clock time maps to UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    /// One instant.
    Unique(i64),
    /// The repeated October hour: the earlier instant (summer time) first.
    Ambiguous(i64, i64),
    /// The skipped March hour.
    Nonexistent,
}

/// The UTC instant(s) of local Paris time `secs` seconds after midnight of
/// day number `day`.
pub fn paris_local(day: i32, secs: i64) -> Local {
    let local = i64::from(day) * DAY + secs;
    let summer = local - 7200;
    let winter = local - 3600;
    match (paris_offset(summer) == 7200, paris_offset(winter) == 3600) {
        (true, true) => Local::Ambiguous(summer, winter),
        (true, false) => Local::Unique(summer),
        (false, true) => Local::Unique(winter),
        (false, false) => Local::Nonexistent,
    }
}

/// The UTC instant of a local Paris time, taking the earlier instant when
/// ambiguous and the instant one hour later for a skipped local time (so a
/// generated clock time always lands on a real instant).
pub fn paris_to_utc(day: i32, secs: i64) -> i64 {
    match paris_local(day, secs) {
        Local::Unique(u) | Local::Ambiguous(u, _) => u,
        Local::Nonexistent => i64::from(day) * DAY + secs - 3600,
    }
}

/// Local Paris day number of a UTC instant (seconds).
pub fn paris_day(utc: i64) -> i32 {
    (utc + paris_offset(utc)).div_euclid(DAY) as i32
}

/// Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
fn easter(y: i32) -> i32 {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    days_from_civil(y, month as u32, day as u32)
}

/// Whether a day is a French public holiday (metropolitan list).
pub fn is_holiday(day: i32) -> bool {
    let (y, m, d) = civil_from_days(day);
    if matches!((m, d), (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)) {
        return true;
    }
    let e = easter(y);
    // Easter Monday, Ascension, Whit Monday.
    day == e + 1 || day == e + 39 || day == e + 50
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Offset, TimeZone};
    use chrono_tz::Europe::Paris;

    #[test]
    fn day_numbers_weekdays_and_months() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        assert_eq!(civil_from_days(days_from_civil(2100, 2, 28) + 1), (2100, 3, 1));
        assert_eq!(days_from_civil(2026, 3, 29), 20_541);
        assert_eq!(weekday(20_541), 6);
        assert_eq!(last_sunday(2026, 10), days_from_civil(2026, 10, 25));
        assert_eq!(month_start(month_index(2026, 13 - 1) + 1), days_from_civil(2027, 1, 1));
        assert_eq!(month_label(month_index(2025, 9)), "2025-09");
    }

    #[test]
    fn paris_rule_matches_chrono_tz() {
        // Every half hour over 2020–2031 around both transitions, and noon
        // of every day.
        for y in 2020..2032 {
            for &(m, d0) in &[(3u32, 24u32), (10, 24)] {
                let start = days_from_civil(y, m, d0);
                for day in start..start + 8 {
                    for half in 0..48 {
                        let secs = i64::from(half) * 1800;
                        let naive = NaiveDate::from_ymd_opt(y, m, 1)
                            .unwrap()
                            .checked_add_days(chrono::Days::new((day - days_from_civil(y, m, 1)) as u64))
                            .unwrap()
                            .and_hms_opt((secs / 3600) as u32, (secs / 60 % 60) as u32, 0)
                            .unwrap();
                        let expected = match Paris.from_local_datetime(&naive) {
                            chrono::LocalResult::Single(t) => Local::Unique(t.timestamp()),
                            chrono::LocalResult::Ambiguous(a, b) => Local::Ambiguous(a.timestamp(), b.timestamp()),
                            chrono::LocalResult::None => Local::Nonexistent,
                        };
                        assert_eq!(paris_local(day, secs), expected, "{naive}");
                        let utc = i64::from(day) * DAY + secs;
                        let offset = Paris
                            .offset_from_utc_datetime(&chrono::DateTime::from_timestamp(utc, 0).unwrap().naive_utc())
                            .fix()
                            .local_minus_utc();
                        assert_eq!(paris_offset(utc), i64::from(offset));
                    }
                }
            }
        }
    }

    #[test]
    fn holidays() {
        assert!(is_holiday(days_from_civil(2026, 4, 6))); // Easter Monday 2026
        assert!(is_holiday(days_from_civil(2026, 5, 14))); // Ascension 2026
        assert!(is_holiday(days_from_civil(2026, 5, 25))); // Whit Monday 2026
        assert!(is_holiday(days_from_civil(2025, 12, 25)));
        assert!(!is_holiday(days_from_civil(2026, 4, 7)));
    }
}
