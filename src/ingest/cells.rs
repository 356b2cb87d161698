//! Turning one typed cell into the value the engine keeps, or the reason it
//! is rejected. The rules are SPEC section 3's; the text parsers are in
//! `parse`, the time-zone arithmetic in `tz`.

use std::borrow::Cow;

use super::parse::{self, DateValue, Stamp, UserKey};
use super::read::Value;
use super::reject::{Failure, Reason};
use crate::tz::{MICROS_PER_DAY, TzTable};

/// How the cells of one file are read.
pub struct CellRules<'a> {
    /// CSV only: `DD/MM/YYYY` dates.
    pub dmy: bool,
    pub decimal_comma: bool,
    /// Zone of timestamps written without an offset.
    pub source: &'a TzTable,
    /// The report's zone, where days are cut.
    pub report: &'a TzTable,
}

fn fail(reason: Reason, column: &str, raw: impl Into<String>) -> Failure {
    Failure { reason, column: column.to_owned(), raw: raw.into() }
}

fn raw_text(value: Value<'_>) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(s) => s.to_owned(),
        Value::Int(v) => v.to_string(),
        Value::Float(v) => v.to_string(),
        Value::Instant(us) | Value::Local(us) => crate::tz::format_micros(us),
        Value::Day(d) => crate::tz::format_day(d),
    }
}

/// A text value, trimmed; `None` when empty. Numbers are written as text.
pub fn text<'v>(value: Value<'v>) -> Option<Cow<'v, str>> {
    match value {
        Value::Text(s) => {
            let s = s.trim();
            (!s.is_empty()).then_some(Cow::Borrowed(s))
        }
        Value::Null => None,
        other => Some(Cow::Owned(raw_text(other))),
    }
}

/// A required text field.
pub fn required_text<'v>(value: Value<'v>, column: &str) -> Result<Cow<'v, str>, Failure> {
    text(value).ok_or_else(|| fail(Reason::EmptyField, column, ""))
}

pub fn user_key(value: Value<'_>, column: &str) -> Result<UserKey, Failure> {
    let bad = |v: Value<'_>| fail(Reason::BadId, column, raw_text(v));
    match value {
        Value::Int(v) => parse::user_key_from_i64(v).map_err(|_| bad(value)),
        Value::Float(v) => parse::user_key_from_f64(v).map_err(|_| bad(value)),
        Value::Text(_) | Value::Null => {
            let s = required_text(value, column)?;
            parse::user_key_from_text(&s).map_err(|_| bad(value))
        }
        _ => Err(bad(value)),
    }
}

impl CellRules<'_> {
    fn resolve(&self, stamp: Stamp, column: &str, raw: &str) -> Result<i64, Failure> {
        match stamp {
            Stamp::Instant(us) => Ok(us),
            Stamp::Local(us) => self.source.from_local(us).map_err(|_| fail(Reason::NonexistentLocalTime, column, raw)),
        }
    }

    /// A required timestamp, as µs since the epoch (UTC).
    pub fn instant(&self, value: Value<'_>, column: &str) -> Result<i64, Failure> {
        match value {
            Value::Instant(us) => Ok(us),
            Value::Local(us) => self.resolve(Stamp::Local(us), column, &raw_text(value)),
            Value::Day(d) => self.resolve(Stamp::Local(i64::from(d) * MICROS_PER_DAY), column, &raw_text(value)),
            Value::Int(_) | Value::Float(_) => Err(fail(Reason::BadTimestamp, column, raw_text(value))),
            Value::Text(_) | Value::Null => {
                let s = required_text(value, column)?;
                let stamp =
                    parse::parse_timestamp(&s, self.dmy).map_err(|_| fail(Reason::BadTimestamp, column, s.as_ref()))?;
                self.resolve(stamp, column, &s)
            }
        }
    }

    /// A date as a local day number of the report's zone; `None` when empty.
    pub fn date(&self, value: Value<'_>, column: &str) -> Result<Option<i32>, Failure> {
        match value {
            Value::Null => Ok(None),
            Value::Day(d) => Ok(Some(d)),
            Value::Instant(us) => Ok(Some(self.report.local_day(us))),
            Value::Local(_) => self.instant(value, column).map(|us| Some(self.report.local_day(us))),
            Value::Int(_) | Value::Float(_) => Err(fail(Reason::BadDate, column, raw_text(value))),
            Value::Text(_) => {
                let Some(s) = text(value) else { return Ok(None) };
                match parse::parse_date(&s, self.dmy).map_err(|_| fail(Reason::BadDate, column, s.as_ref()))? {
                    DateValue::Day(d) => Ok(Some(d)),
                    DateValue::Stamp(stamp) => {
                        self.resolve(stamp, column, &s).map(|us| Some(self.report.local_day(us)))
                    }
                }
            }
        }
    }

    pub fn required_date(&self, value: Value<'_>, column: &str) -> Result<i32, Failure> {
        self.date(value, column)?.ok_or_else(|| fail(Reason::EmptyField, column, ""))
    }

    /// An optional number; `None` when empty.
    pub fn number(&self, value: Value<'_>, column: &str) -> Result<Option<f64>, Failure> {
        match value {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(v as f64)),
            Value::Float(v) if v.is_finite() => Ok(Some(v)),
            Value::Text(_) => {
                let Some(s) = text(value) else { return Ok(None) };
                parse::parse_number(&s, self.decimal_comma)
                    .map(Some)
                    .map_err(|_| fail(Reason::BadNumber, column, s.as_ref()))
            }
            _ => Err(fail(Reason::BadNumber, column, raw_text(value))),
        }
    }
}
