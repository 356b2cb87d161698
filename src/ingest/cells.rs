//! Turning one typed cell into the value the engine keeps, or the reason it
//! is rejected. The rules are SPEC section 3's, "Types are read per value"
//! and "Implausible values" included; the text parsers are in `parse`, the
//! time-zone arithmetic in `tz`.

use std::borrow::Cow;

use super::parse::{self, DateValue, Stamp, UserKey};
use super::read::{Value, value_text};
use super::reject::{Failure, Reason};
use crate::tz::{MICROS_PER_DAY, TzTable, day_of_micros};

/// 1990-01-01 and 2099-12-31 as day numbers: the plausible dates. Outside
/// lie the sentinels of information systems (`0001-01-01`, `9999-12-31`).
pub const FIRST_DAY: i32 = 7_305;
pub const LAST_DAY: i32 = 47_481;

/// The largest magnitude of an accepted number: no sum of a hundred
/// million of them can overflow, nor lose its units.
pub const MAX_NUMBER: f64 = 1e15;

/// How the cells of one file are read.
pub struct CellRules<'a> {
    /// CSV only: `DD/MM/YYYY` dates.
    pub dmy: bool,
    /// Semicolon CSV: decimal comma and thousands groups.
    pub decimal_comma: bool,
    /// Zone of timestamps written without an offset.
    pub source: &'a TzTable,
    /// The report's zone, where days are cut.
    pub report: &'a TzTable,
}

pub fn fail(reason: Reason, column: &str, raw: impl Into<String>) -> Failure {
    Failure { reason, column: column.to_owned(), raw: raw.into() }
}

fn plausible_day(day: i32) -> bool {
    (FIRST_DAY..=LAST_DAY).contains(&day)
}

/// A text value, trimmed; `None` when empty. Numbers and booleans are read
/// as their text; a nested value is `bad_value`.
pub fn text<'v>(value: Value<'v>, column: &str) -> Result<Option<Cow<'v, str>>, Failure> {
    Ok(match value {
        Value::Text(s) => {
            let s = s.trim();
            (!s.is_empty()).then_some(Cow::Borrowed(s))
        }
        Value::Null => None,
        Value::Nested => return Err(fail(Reason::BadValue, column, value_text(value))),
        other => Some(Cow::Owned(value_text(other))),
    })
}

/// A required text field.
pub fn required_text<'v>(value: Value<'v>, column: &str) -> Result<Cow<'v, str>, Failure> {
    text(value, column)?.ok_or_else(|| fail(Reason::EmptyField, column, ""))
}

/// A required text id (`project_id`): a nested value is `bad_id`.
pub fn required_id<'v>(value: Value<'v>, column: &str) -> Result<Cow<'v, str>, Failure> {
    if value == Value::Nested {
        return Err(fail(Reason::BadId, column, value_text(value)));
    }
    required_text(value, column)
}

impl CellRules<'_> {
    /// A required `user_id`. In a semicolon CSV a decimal comma reads like a
    /// point (`5008,0` is `5008`); a thousands separator never does (`5 008`
    /// stays text).
    pub fn user_key(&self, value: Value<'_>, column: &str) -> Result<UserKey, Failure> {
        let bad = |v: Value<'_>| fail(Reason::BadId, column, value_text(v));
        match value {
            Value::Int(v) => parse::user_key_from_i64(v).map_err(|_| bad(value)),
            Value::Float(v) => parse::user_key_from_f64(v).map_err(|_| bad(value)),
            // A JSON number too large for 64 bits is read from its digits.
            Value::Number(s) => parse::user_key_from_text(s).map_err(|_| bad(value)),
            Value::Text(_) | Value::Null => {
                let s = required_text(value, column)?;
                if self.decimal_comma && s.contains(',') {
                    let pointed = s.replacen(',', ".", 1);
                    if parse::is_number(&pointed) {
                        return parse::user_key_from_text(&pointed).map_err(|_| bad(value));
                    }
                }
                parse::user_key_from_text(&s).map_err(|_| bad(value))
            }
            _ => Err(bad(value)),
        }
    }

    /// The instant of a parsed stamp, checked plausible; `raw` gives the
    /// text for a reject, and is only called then (it may allocate).
    fn resolve(&self, stamp: Stamp, column: &str, raw: impl Fn() -> String) -> Result<i64, Failure> {
        let us = match stamp {
            Stamp::Instant(us) => us,
            Stamp::Local(us) => {
                // Far outside the plausible range the zone is not even asked.
                if !(FIRST_DAY - 1..=LAST_DAY + 1).contains(&day_of_micros(us)) {
                    return Err(fail(Reason::BadTimestamp, column, raw()));
                }
                self.source.from_local(us).map_err(|_| fail(Reason::NonexistentLocalTime, column, raw()))?
            }
        };
        // Offsets are under a day: only a day next to the bounds needs the
        // report zone's local date.
        let day = day_of_micros(us);
        let plausible = (FIRST_DAY + 1..LAST_DAY).contains(&day)
            || ((FIRST_DAY - 1..=LAST_DAY + 1).contains(&day) && plausible_day(self.report.local_day(us)));
        if plausible { Ok(us) } else { Err(fail(Reason::BadTimestamp, column, raw())) }
    }

    /// A required timestamp, as µs since the epoch (UTC).
    pub fn instant(&self, value: Value<'_>, column: &str) -> Result<i64, Failure> {
        let raw = || value_text(value);
        match value {
            Value::Instant(us) => self.resolve(Stamp::Instant(us), column, raw),
            Value::Local(us) => self.resolve(Stamp::Local(us), column, raw),
            Value::Day(d) if plausible_day(d) => self.resolve(Stamp::Local(i64::from(d) * MICROS_PER_DAY), column, raw),
            Value::Text(_) | Value::Null => {
                let s = required_text(value, column)?;
                let stamp =
                    parse::parse_timestamp(&s, self.dmy).map_err(|_| fail(Reason::BadTimestamp, column, s.as_ref()))?;
                self.resolve(stamp, column, || s.to_string())
            }
            _ => Err(fail(Reason::BadTimestamp, column, raw())),
        }
    }

    /// A date as a local day number of the report's zone; `None` when empty.
    pub fn date(&self, value: Value<'_>, column: &str) -> Result<Option<i32>, Failure> {
        let bad = || fail(Reason::BadDate, column, value_text(value));
        let day = match value {
            Value::Null => return Ok(None),
            Value::Day(d) => d,
            Value::Instant(_) | Value::Local(_) => {
                let us = self.instant(value, column).map_err(|f| Failure { reason: date_reason(f.reason), ..f })?;
                self.report.local_day(us)
            }
            Value::Text(_) => {
                let Some(s) = text(value, column)? else { return Ok(None) };
                let bad_text = || fail(Reason::BadDate, column, s.as_ref());
                match parse::parse_date(&s, self.dmy).map_err(|_| bad_text())? {
                    DateValue::Day(d) => d,
                    DateValue::Stamp(stamp) => {
                        let us = self
                            .resolve(stamp, column, || s.to_string())
                            .map_err(|f| Failure { reason: date_reason(f.reason), ..f })?;
                        self.report.local_day(us)
                    }
                }
            }
            _ => return Err(bad()),
        };
        if plausible_day(day) { Ok(Some(day)) } else { Err(bad()) }
    }

    pub fn required_date(&self, value: Value<'_>, column: &str) -> Result<i32, Failure> {
        self.date(value, column)?.ok_or_else(|| fail(Reason::EmptyField, column, ""))
    }

    /// An optional number; `None` when empty. Not finite or of magnitude
    /// above [`MAX_NUMBER`] is `bad_number`.
    pub fn number(&self, value: Value<'_>, column: &str) -> Result<Option<f64>, Failure> {
        let bad = || fail(Reason::BadNumber, column, value_text(value));
        let v = match value {
            Value::Null => return Ok(None),
            Value::Int(v) => v as f64,
            Value::Float(v) => v,
            Value::Number(s) => parse::parse_number(s, false).map_err(|_| bad())?,
            Value::Text(_) => {
                let Some(s) = text(value, column)? else { return Ok(None) };
                parse::parse_number(&s, self.decimal_comma).map_err(|_| fail(Reason::BadNumber, column, s.as_ref()))?
            }
            _ => return Err(bad()),
        };
        if v.is_finite() && v.abs() <= MAX_NUMBER { Ok(Some(v)) } else { Err(bad()) }
    }
}

/// A timestamp read where a date is expected fails as a date.
fn date_reason(reason: Reason) -> Reason {
    if reason == Reason::BadTimestamp { Reason::BadDate } else { reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tz::day_of;

    fn rules<'a>(zone: &'a TzTable, decimal_comma: bool) -> CellRules<'a> {
        CellRules { dmy: true, decimal_comma, source: zone, report: zone }
    }

    #[test]
    fn the_plausible_range_is_1990_to_2099() {
        assert_eq!(day_of(1990, 1, 1), Some(FIRST_DAY));
        assert_eq!(day_of(2099, 12, 31), Some(LAST_DAY));
    }

    #[test]
    fn sentinel_dates_and_timestamps_are_rejected_whatever_their_form() {
        let zone = TzTable::new(chrono_tz::Europe::Paris);
        let r = rules(&zone, false);
        let reason = |res: Result<Option<i32>, Failure>| res.map_err(|f| f.reason);
        for text in ["0001-01-01", "9999-12-31", "1989-12-31", "2100-01-01", "9999-12-31T23:59:59Z"] {
            assert_eq!(reason(r.date(Value::Text(text), "d")), Err(Reason::BadDate), "{text}");
            assert_eq!(r.instant(Value::Text(text), "t").map_err(|f| f.reason), Err(Reason::BadTimestamp), "{text}");
        }
        assert_eq!(reason(r.date(Value::Day(i32::MAX), "d")), Err(Reason::BadDate));
        assert_eq!(r.instant(Value::Day(i32::MIN), "t").map_err(|f| f.reason), Err(Reason::BadTimestamp));
        assert_eq!(r.instant(Value::Instant(i64::MAX), "t").map_err(|f| f.reason), Err(Reason::BadTimestamp));
        assert_eq!(r.instant(Value::Local(i64::MIN), "t").map_err(|f| f.reason), Err(Reason::BadTimestamp));
        assert_eq!(reason(r.date(Value::Text("1990-01-01"), "d")), Ok(Some(FIRST_DAY)));
        assert_eq!(reason(r.date(Value::Text("2099-12-31"), "d")), Ok(Some(LAST_DAY)));
        // The local date decides: 1989-12-31T23:30Z is 1990-01-01 in Paris.
        assert!(r.instant(Value::Text("1989-12-31T23:30:00Z"), "t").is_ok());
    }

    #[test]
    fn implausible_numbers_are_rejected() {
        let zone = TzTable::new(chrono_tz::UTC);
        let r = rules(&zone, false);
        for v in [
            Value::Text("1e308"),
            Value::Text("1000000000000001"),
            Value::Float(f64::NAN),
            Value::Number("1180591620717411303424"),
            Value::Int(i64::MAX),
            Value::Bool(true),
            Value::Nested,
        ] {
            assert_eq!(r.number(v, "value").map_err(|f| f.reason), Err(Reason::BadNumber), "{v:?}");
        }
        assert_eq!(r.number(Value::Text("-1e15"), "value").unwrap(), Some(-1e15));
        assert_eq!(r.number(Value::Number("1.75"), "value").unwrap(), Some(1.75));
    }

    #[test]
    fn ids_in_a_semicolon_csv_take_a_decimal_comma_but_no_thousands_separator() {
        let zone = TzTable::new(chrono_tz::UTC);
        let r = rules(&zone, true);
        assert_eq!(r.user_key(Value::Text("5008,0"), "user_id").unwrap(), UserKey::Int(5008));
        assert_eq!(r.user_key(Value::Text("5 008"), "user_id").unwrap(), UserKey::Text("5 008".into()));
        assert_eq!(r.user_key(Value::Text("12,5"), "user_id").map_err(|f| f.reason), Err(Reason::BadId));
        assert_eq!(r.user_key(Value::Text("a,b"), "user_id").unwrap(), UserKey::Text("a,b".into()));
        // In a comma CSV the same text is an id as written.
        let comma = rules(&zone, false);
        assert_eq!(comma.user_key(Value::Text("5008,0"), "user_id").unwrap(), UserKey::Text("5008,0".into()));
        // Too large for 64 bits: a text id of its digits.
        assert_eq!(
            r.user_key(Value::Number("1180591620717411303424"), "user_id").unwrap(),
            UserKey::Text("1180591620717411303424".into())
        );
        for v in [Value::Bool(true), Value::Nested, Value::Day(20_000), Value::Number("1.5")] {
            let failure = r.user_key(v, "user_id").unwrap_err();
            assert_eq!(failure.reason, Reason::BadId, "{v:?}");
            assert!(!failure.reason.explain("user_id", &failure.raw).contains("non-integral"));
        }
    }
}
