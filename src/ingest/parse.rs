//! Field parsers for the input values of SPEC section 3: timestamps, dates,
//! numbers and `user_id`s, read from the trimmed text of one field (or, for
//! ids, from an integer or float column).
//!
//! Every parser works on bytes by hand and allocates nothing on ordinary
//! input (except a text `user_id` turned into an owned [`UserKey`]; see
//! [`user_key_ref`] for the allocation-free form), since they run on every
//! row of batches of up to 100 million rows. A failure is a bare
//! [`BadValue`]: the caller knows the input, the column and the row, so it
//! picks the reason code (`bad_timestamp`, `bad_date`, `bad_number`,
//! `bad_id`) and writes the message.
//!
//! Not responsible for trimming fields or detecting empty ones (the CSV
//! reader does that, and an empty field is `empty_field`, not a bad value),
//! nor for time zones: a timestamp without an offset comes back as
//! [`Stamp::Local`] and the caller places it with `crate::tz::TzTable`, which
//! also decides `nonexistent_local_time`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use crate::tz::{MICROS_PER_DAY, day_of};

/// A value that does not parse. Carries no data on purpose: the caller
/// builds the message from the column and the raw text it already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BadValue;

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("value does not parse")
    }
}

impl std::error::Error for BadValue {}

/// A parsed timestamp, in µs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stamp {
    /// The text had an offset (`Z` or `±HH:MM`): µs since
    /// 1970-01-01T00:00Z.
    Instant(i64),
    /// The text had no offset (or was a bare date, read as 00:00): local
    /// wall time in µs since 1970-01-01T00:00, to be read in the input's
    /// source time zone with `TzTable::from_local`.
    Local(i64),
}

/// A parsed date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateValue {
    /// A calendar date, as a day number (days since 1970-01-01).
    Day(i32),
    /// A timestamp was found where a date was expected. SPEC: "it is
    /// converted to `timezone` and its date taken" — an [`Stamp::Instant`]
    /// with the report zone's `local_day`; a [`Stamp::Local`] is first placed
    /// in the input's source zone (`from_local`), which can fail on a skipped
    /// hour.
    Stamp(Stamp),
}

// ---------------------------------------------------------------------------
// Timestamps and dates

/// The parts of a date or timestamp text, before any time zone.
struct DateTimeParts {
    day: i32,
    /// µs since local midnight and the offset in seconds, when a time was
    /// written.
    time: Option<(i64, Option<i64>)>,
}

#[inline]
fn digit(b: u8) -> Option<u32> {
    let d = b.wrapping_sub(b'0');
    (d < 10).then_some(u32::from(d))
}

/// The two-digit number at `b[i..i + 2]`.
#[inline]
fn two(b: &[u8], i: usize) -> Option<u32> {
    Some(digit(*b.get(i)?)? * 10 + digit(*b.get(i + 1)?)?)
}

/// The four-digit number at `b[i..i + 4]`.
#[inline]
fn four(b: &[u8], i: usize) -> Option<u32> {
    Some(two(b, i)? * 100 + two(b, i + 2)?)
}

#[inline]
fn date(y: u32, m: u32, d: u32) -> Option<i32> {
    // y has four digits, so it fits i32.
    day_of(i32::try_from(y).ok()?, m, d)
}

/// Splits `YYYY-MM-DD[(T|t| )time]` or, when `dmy`, `DD/MM/YYYY[ time]`.
#[inline]
fn split_date_time(b: &[u8], dmy: bool) -> Option<DateTimeParts> {
    if b.len() < 10 {
        return None;
    }
    let iso = b[4] == b'-' && b[7] == b'-';
    let day = if iso {
        date(four(b, 0)?, two(b, 5)?, two(b, 8)?)?
    } else if dmy && b[2] == b'/' && b[5] == b'/' {
        date(four(b, 6)?, two(b, 3)?, two(b, 0)?)?
    } else {
        return None;
    };
    if b.len() == 10 {
        return Some(DateTimeParts { day, time: None });
    }
    // RFC 3339 allows a lower-case `t`; the day-first form is a spreadsheet
    // format and only ever has a space.
    let separator_ok = b[10] == b' ' || (iso && matches!(b[10], b'T' | b't'));
    if !separator_ok {
        return None;
    }
    let time = parse_time(&b[11..], iso)?;
    Some(DateTimeParts { day, time: Some(time) })
}

/// `HH:MM[:SS[.fraction]][Z|±HH:MM]` when `iso`, `HH:MM[:SS]` otherwise.
/// Returns µs since midnight and the offset in seconds.
#[inline]
fn parse_time(t: &[u8], iso: bool) -> Option<(i64, Option<i64>)> {
    let hour = two(t, 0)?;
    let minute = two(t, 3)?;
    if t.get(2) != Some(&b':') || hour > 23 || minute > 59 {
        return None;
    }
    let mut i = 5;
    let mut second = 0;
    let mut micros = 0;
    if t.get(i) == Some(&b':') {
        second = two(t, i + 1)?;
        // A leap second (:60) reads as :59: µs counts since the epoch
        // (POSIX time) have no room for it, and it belongs to that minute.
        if second > 60 {
            return None;
        }
        second = second.min(59);
        i += 3;
        if iso && t.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while let Some(d) = t.get(i).copied().and_then(digit) {
                // Keep the first six digits (µs); the rest are truncated.
                if i - start < 6 {
                    micros = micros * 10 + i64::from(d);
                }
                i += 1;
            }
            let n = i - start;
            if n == 0 || n > 9 {
                return None;
            }
            for _ in n..6 {
                micros *= 10;
            }
        }
    }
    let seconds = i64::from(hour * 3600 + minute * 60 + second);
    let of_day = seconds * 1_000_000 + micros;
    if i == t.len() {
        return Some((of_day, None));
    }
    if !iso {
        return None;
    }
    let offset = match t[i] {
        b'Z' | b'z' if i + 1 == t.len() => 0,
        sign @ (b'+' | b'-') => {
            let oh = two(t, i + 1)?;
            let om = two(t, i + 4)?;
            if t.get(i + 3) != Some(&b':') || i + 6 != t.len() || oh > 23 || om > 59 {
                return None;
            }
            let magnitude = i64::from(oh * 3600 + om * 60);
            if sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return None,
    };
    Some((of_day, Some(offset)))
}

/// Parses a timestamp field (already trimmed).
///
/// Accepted:
/// - `YYYY-MM-DD(T|t| )HH:MM[:SS[.fraction]][Z|z|±HH:MM]`: RFC 3339 and the
///   same without offset or seconds. The fraction has 1 to 9 digits and is
///   truncated (not rounded) to µs; it needs the seconds.
/// - a bare `YYYY-MM-DD`, meaning 00:00 local;
/// - when `dmy` (CSV only): `DD/MM/YYYY HH:MM[:SS]` and `DD/MM/YYYY`, two
///   digits for day and month, a space before the time, no fraction, no
///   offset.
///
/// Everything else is a [`BadValue`] (`bad_timestamp`): a day that does not
/// exist (2026-02-30, month 13), hour 24, minute 60, second 61 (a leap
/// second `:60` reads as `:59`), an offset not written `±HH:MM` (`+0200`, `+02`), one-digit
/// fields, surrounding text. With an offset the result is a
/// [`Stamp::Instant`], without one a [`Stamp::Local`].
///
/// # Errors
/// [`BadValue`] (`bad_timestamp`) for any text not in the forms above.
#[inline]
pub fn parse_timestamp(s: &str, dmy: bool) -> Result<Stamp, BadValue> {
    let parts = split_date_time(s.as_bytes(), dmy).ok_or(BadValue)?;
    let midnight = i64::from(parts.day) * MICROS_PER_DAY;
    Ok(match parts.time {
        None => Stamp::Local(midnight),
        Some((of_day, None)) => Stamp::Local(midnight + of_day),
        Some((of_day, Some(offset_s))) => Stamp::Instant(midnight + of_day - offset_s * 1_000_000),
    })
}

/// Parses a date field (already trimmed): `YYYY-MM-DD`, and `DD/MM/YYYY`
/// when `dmy`, give [`DateValue::Day`]; a day that does not exist is a
/// [`BadValue`] (`bad_date`). A timestamp in any form [`parse_timestamp`]
/// accepts gives [`DateValue::Stamp`] for the caller to convert (see there);
/// note that a bare date is always a `Day`, never a midnight stamp, so a
/// date column is not shifted by time zones.
///
/// # Errors
/// [`BadValue`] (`bad_date`) for a day that does not exist or a text that is
/// neither a date nor a timestamp.
#[inline]
pub fn parse_date(s: &str, dmy: bool) -> Result<DateValue, BadValue> {
    let parts = split_date_time(s.as_bytes(), dmy).ok_or(BadValue)?;
    let midnight = i64::from(parts.day) * MICROS_PER_DAY;
    Ok(match parts.time {
        None => DateValue::Day(parts.day),
        Some((of_day, None)) => DateValue::Stamp(Stamp::Local(midnight + of_day)),
        Some((of_day, Some(offset_s))) => DateValue::Stamp(Stamp::Instant(midnight + of_day - offset_s * 1_000_000)),
    })
}

// ---------------------------------------------------------------------------
// Numbers

/// The pieces of a decimal number text `[+-]digits[.digits][(e|E)[+-]digits]`.
struct NumberParts<'a> {
    negative: bool,
    int: &'a [u8],
    frac: &'a [u8],
    /// Index of the decimal separator, if any.
    separator: Option<usize>,
    /// The exponent, clamped to ±10¹⁵ (far beyond any f64 or u64), if any.
    exponent: Option<i64>,
}

const EXPONENT_CLAMP: i64 = 1_000_000_000_000_000;

/// Scans a decimal number; `,` is accepted as the separator when `comma`.
/// At least one digit before or after the separator; an exponent needs a
/// digit; nothing may follow.
#[inline]
fn scan_number(b: &[u8], comma: bool) -> Option<NumberParts<'_>> {
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int = &b[int_start..i];
    let mut frac: &[u8] = &[];
    let mut separator = None;
    if let Some(&c) = b.get(i)
        && (c == b'.' || (comma && c == b','))
    {
        separator = Some(i);
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        frac = &b[frac_start..i];
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exponent = None;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = b.get(i) == Some(&b'-');
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        let mut e: i64 = 0;
        while let Some(d) = b.get(i).copied().and_then(digit) {
            e = (e * 10 + i64::from(d)).min(EXPONENT_CLAMP);
            i += 1;
        }
        if i == exp_start {
            return None;
        }
        exponent = Some(if exp_negative { -e } else { e });
    }
    if i != b.len() {
        return None;
    }
    Some(NumberParts { negative, int, frac, separator, exponent })
}

/// Parses a number field (already trimmed): an optional sign, digits, an
/// optional fraction, an optional exponent (`1e3`, `2.5E-2`); `.5` and `5.`
/// are accepted. When `decimal_comma` (semicolon-separated CSV), the single
/// separator may be `,` (`1234,5`) as well as `.`, and the integer part
/// may be written in groups of three digits separated by a space, U+00A0 or
/// U+202F (`45 000,00`), as French spreadsheets write it; otherwise `,` is
/// a [`BadValue`] and no thousands separator of any kind is read (`1 234`,
/// `1.234,5`, `1,234.5` are rejected). No `NaN`/`inf`, no hexadecimal; a value beyond
/// the f64 range (`1e400`) is rejected, one below it (`1e-400`) reads as 0.
/// `-0` reads as `0.0` so that it prints and sums like 0.
///
/// # Errors
/// [`BadValue`] (`bad_number`) for any text outside that grammar, or beyond
/// the f64 range.
#[inline]
pub fn parse_number(s: &str, decimal_comma: bool) -> Result<f64, BadValue> {
    if decimal_comma && s.contains(is_group_separator) {
        return parse_number(&ungrouped(s).ok_or(BadValue)?, true);
    }
    let b = s.as_bytes();
    let parts = scan_number(b, decimal_comma).ok_or(BadValue)?;
    // The scan admits only what Rust's float parser reads the same way (it
    // would also read "inf", "NaN" and "infinity", which the scan refuses),
    // so the correctly rounded std parser does the arithmetic when the fast
    // path cannot.
    let value = match (fast_path(&parts), parts.separator) {
        (Some(v), _) => Some(v),
        (None, Some(at)) if b[at] == b',' => parse_with_point(b, at),
        (None, _) => s.parse::<f64>().ok(),
    }
    .ok_or(BadValue)?;
    if !value.is_finite() {
        return Err(BadValue);
    }
    Ok(if value == 0.0 { 0.0 } else { value })
}

fn is_group_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// `s` without its thousands separators, when its integer part is written
/// in groups of three digits (the first of one to three) separated by one
/// of them; `None` otherwise.
fn ungrouped(s: &str) -> Option<String> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let sign = &s[..s.len() - body.len()];
    let int_end = body.find(|c: char| !c.is_ascii_digit() && !is_group_separator(c)).unwrap_or(body.len());
    let (int, rest) = body.split_at(int_end);
    if rest.contains(is_group_separator) {
        return None;
    }
    let mut groups = int.split(is_group_separator);
    let first = groups.next()?;
    if !(1..=3).contains(&first.len()) || !groups.all(|g| g.len() == 3) {
        return None;
    }
    Some(format!("{sign}{}{rest}", int.replace(is_group_separator, "")))
}

/// Whether `s` is a decimal number `[+-]digits[.digits][(e|E)[+-]digits]`.
pub fn is_number(s: &str) -> bool {
    scan_number(s.as_bytes(), false).is_some()
}

/// Clinger's fast path (Clinger 1990, "How to read floating point numbers
/// accurately"): when the digits make an integer of at most 2^53 and the
/// power of ten is at most 22 either way, both are exact f64 and one
/// multiplication or division gives the correctly rounded result. Covers
/// nearly every number of an export, without the std parser's generality.
#[inline]
fn fast_path(parts: &NumberParts<'_>) -> Option<f64> {
    const POWERS: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    if parts.int.len() + parts.frac.len() > 19 {
        return None;
    }
    let mut mantissa: u64 = 0;
    for &c in parts.int.iter().chain(parts.frac) {
        mantissa = mantissa * 10 + u64::from(c - b'0');
    }
    if mantissa > 1 << 53 {
        return None;
    }
    // At most 19 fraction digits; the exponent is clamped to ±10^15.
    let power = parts.exponent.unwrap_or(0) - parts.frac.len() as i64;
    // mantissa <= 2^53: exact.
    let m = mantissa as f64;
    let value = match usize::try_from(power.unsigned_abs()).ok().and_then(|p| POWERS.get(p)) {
        Some(&p) if power >= 0 => m * p,
        Some(&p) => m / p,
        None => return None,
    };
    Some(if parts.negative { -value } else { value })
}

/// Parses `b` with its byte `at` (a `,`) read as `.`, on the stack for
/// ordinary lengths.
fn parse_with_point(b: &[u8], at: usize) -> Option<f64> {
    let mut buf = [0_u8; 64];
    if b.len() <= buf.len() {
        let buf = &mut buf[..b.len()];
        buf.copy_from_slice(b);
        buf[at] = b'.';
        // The scan let through ASCII only.
        std::str::from_utf8(buf).ok()?.parse().ok()
    } else {
        let mut owned = b.to_vec();
        owned[at] = b'.';
        String::from_utf8(owned).ok()?.parse().ok()
    }
}

// ---------------------------------------------------------------------------
// User ids

/// A `user_id` as compared across inputs. Build it with the
/// `user_key_from_*` functions, never by hand: they keep the invariant that
/// `Text` never holds a canonical integer that fits u64 (that is `Int`), so
/// the derived equality and hash compare the canonical text.
///
/// Ordering is the byte order of the canonical text ([`fmt::Display`]),
/// like every text sort of the SPEC: `Int(10) < Int(9)`,
/// `Text("00123") < Int(123) < Text("123a")`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserKey {
    /// A canonical non-negative decimal integer: `123` from the text "123",
    /// the integer 123, the float 123.0 or the text "123.0".
    Int(u64),
    /// Any other id, as written (leading zeros included), or a negative
    /// integer in canonical form ("-5").
    Text(String),
}

/// Borrowed form of [`UserKey`], from [`user_key_ref`]: lets a caller look a
/// text id up in its dictionary (say a `HashMap<String, u32>`) without
/// allocating per row. `Text` borrows the input except for the rare
/// negative integral float text ("-5.0" → "-5").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserKeyRef<'a> {
    Int(u64),
    Text(Cow<'a, str>),
}

impl UserKeyRef<'_> {
    #[must_use]
    pub fn into_owned(self) -> UserKey {
        match self {
            UserKeyRef::Int(n) => UserKey::Int(n),
            UserKeyRef::Text(t) => UserKey::Text(t.into_owned()),
        }
    }
}

impl From<UserKeyRef<'_>> for UserKey {
    fn from(key: UserKeyRef<'_>) -> UserKey {
        key.into_owned()
    }
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserKey::Int(n) => write!(f, "{n}"),
            UserKey::Text(t) => f.write_str(t),
        }
    }
}

/// Writes `n` in decimal at the end of `buf` and returns the digits.
fn decimal(n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        // n % 10 < 10.
        let d = (n % 10) as u8;
        buf[i] = b'0' + d;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

impl Ord for UserKey {
    fn cmp(&self, other: &Self) -> Ordering {
        let (mut a, mut b) = ([0_u8; 20], [0_u8; 20]);
        let left = match self {
            UserKey::Int(n) => decimal(*n, &mut a),
            UserKey::Text(t) => t.as_bytes(),
        };
        let right = match other {
            UserKey::Int(n) => decimal(*n, &mut b),
            UserKey::Text(t) => t.as_bytes(),
        };
        left.cmp(right)
    }
}

impl PartialOrd for UserKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The integer value of a number text, computed exactly (no f64 on the
/// way, so 20-digit ids survive).
enum Exact {
    /// Magnitude; the sign is the caller's.
    Integral(u64),
    NonIntegral,
    /// Integral but beyond u64.
    TooBig,
}

fn exact_integer(parts: &NumberParts<'_>) -> Exact {
    let (int, frac) = (parts.int, parts.frac);
    let total = int.len() + frac.len();
    let digit_at = |i: usize| {
        if i < int.len() { int[i] } else { frac[i - int.len()] }
    };
    let Some(first) = (0..total).find(|&i| digit_at(i) != b'0') else {
        return Exact::Integral(0);
    };
    let last = (first..total).rev().find(|&i| digit_at(i) != b'0').unwrap_or(first);
    // value = digits[first..=last] × 10^scale. Lengths are far below 2^62;
    // the exponent is clamped to ±10^15.
    let trailing_zeros = i64::try_from(total - 1 - last).unwrap_or(i64::MAX / 4);
    let frac_len = i64::try_from(frac.len()).unwrap_or(i64::MAX / 4);
    let scale = parts.exponent.unwrap_or(0) + trailing_zeros - frac_len;
    if scale < 0 {
        return Exact::NonIntegral;
    }
    let significant = i64::try_from(last - first + 1).unwrap_or(i64::MAX / 4);
    if significant + scale > 20 {
        return Exact::TooBig;
    }
    let mut n: u64 = 0;
    for i in first..=last {
        let d = u64::from(digit_at(i) - b'0');
        match n.checked_mul(10).and_then(|n| n.checked_add(d)) {
            Some(m) => n = m,
            None => return Exact::TooBig,
        }
    }
    for _ in 0..scale {
        match n.checked_mul(10) {
            Some(m) => n = m,
            None => return Exact::TooBig,
        }
    }
    Exact::Integral(n)
}

/// Whether the text is a float NaN or infinity as exports write them.
fn is_nan_or_infinity(b: &[u8]) -> bool {
    let b = match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    };
    [&b"nan"[..], b"inf", b"infinity"].iter().any(|w| b.eq_ignore_ascii_case(w))
}

/// Classifies a text `user_id` (already trimmed, non-empty) without
/// allocating; see [`user_key_from_text`] for the rules.
///
/// # Errors
/// [`BadValue`] (`bad_id`) as [`user_key_from_text`].
#[inline]
pub fn user_key_ref(s: &str) -> Result<UserKeyRef<'_>, BadValue> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(BadValue);
    }
    if b.iter().all(u8::is_ascii_digit) {
        let canonical = b.len() == 1 || b[0] != b'0';
        if canonical
            && let Exact::Integral(n) =
                exact_integer(&NumberParts { negative: false, int: b, frac: &[], separator: None, exponent: None })
        {
            return Ok(UserKeyRef::Int(n));
        }
        // Leading zeros, or beyond u64: a text id, kept as written.
        return Ok(UserKeyRef::Text(Cow::Borrowed(s)));
    }
    let Some(parts) = scan_number(b, false) else {
        if is_nan_or_infinity(b) {
            return Err(BadValue);
        }
        return Ok(UserKeyRef::Text(Cow::Borrowed(s)));
    };
    if parts.separator.is_none() && parts.exponent.is_none() {
        // A signed integer such as "-5" or "+5": text, as written.
        return Ok(UserKeyRef::Text(Cow::Borrowed(s)));
    }
    match exact_integer(&parts) {
        Exact::NonIntegral => Err(BadValue),
        Exact::TooBig => Ok(UserKeyRef::Text(Cow::Borrowed(s))),
        Exact::Integral(n) if parts.negative && n != 0 => Ok(UserKeyRef::Text(Cow::Owned(format!("-{n}")))),
        Exact::Integral(n) => Ok(UserKeyRef::Int(n)),
    }
}

/// A `user_id` from a text field (already trimmed).
///
/// SPEC: ids are compared as text, integers written in decimal without sign
/// or leading zeros, `100234.0` as `100234`; a non-integral numeric id is
/// `bad_id`; text ids are kept as they are. Precisely:
/// - ASCII digits only: `Int` when canonical (`0`, or no leading zero) and
///   within u64; otherwise (`00123`, a 25-digit number) `Text` as written.
/// - A *numeric* text — one matching `[+-]digits[.digits][(e|E)[+-]digits]`
///   (digits on at least one side of the `.`) **with a `.` or an exponent**,
///   as float columns print (`100234.0`, `1.00234e5`, `1.00234E+05`, `5.`) —
///   is read exactly, without rounding through f64: integral and within u64
///   → `Int` (`100234.0` → 100234, `-0.0` → 0); integral and negative →
///   `Text` of the canonical negative integer (`-5.0` → "-5", matching
///   [`user_key_from_i64`]); not integral (`12.5`, `1e-3`) → [`BadValue`]
///   (`bad_id`); integral but beyond u64 (`1e30`) → `Text` as written,
///   because hexadecimal hash ids made of digits and one `e` look like that
///   and must not be rejected.
/// - `NaN`, `inf`, `infinity` (any case, optional sign) → [`BadValue`]: a
///   float column's missing or broken value, not an id.
/// - Anything else is `Text` as written: `A12`, `abc-12`, `1.2.3`, `12,5`
///   (a comma is never read as a decimal point in an id), and signed
///   integers without `.` or exponent (`-5`, `+5`).
/// - An empty text is a [`BadValue`]; callers report it as `empty_field`
///   before calling.
///
/// # Errors
/// [`BadValue`] (`bad_id`) for a non-integral numeric text, a NaN or infinity,
/// or an empty text.
pub fn user_key_from_text(s: &str) -> Result<UserKey, BadValue> {
    user_key_ref(s).map(UserKeyRef::into_owned)
}

/// A `user_id` from an integer column. Negative values are kept as the text
/// "-5": no sign is dropped, so they meet the same text written elsewhere
/// (and "-5.0" from a float column), and never meet `5`. Never fails; the
/// `Result` keeps the three constructors alike.
///
/// # Errors
/// None; see above.
pub fn user_key_from_i64(v: i64) -> Result<UserKey, BadValue> {
    Ok(match u64::try_from(v) {
        Ok(n) => UserKey::Int(n),
        Err(_) => UserKey::Text(v.to_string()),
    })
}

/// A `user_id` from a float column: an integral finite value gives the same
/// key as its integer (`100234.0` → `Int(100234)`, `-5.0` → "-5",
/// `-0.0` → 0); NaN, ±inf, a fraction, or a magnitude of 2⁶⁴ or more (no
/// id survives that as a float) is a [`BadValue`] (`bad_id`).
///
/// # Errors
/// [`BadValue`] (`bad_id`) as said above.
pub fn user_key_from_f64(v: f64) -> Result<UserKey, BadValue> {
    // 2^64 exactly as f64.
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    if !v.is_finite() || v.fract() != 0.0 || v.abs() >= TWO_POW_64 {
        return Err(BadValue);
    }
    // Integral and below 2^64 in magnitude: the cast is exact.
    let magnitude = v.abs() as u64;
    Ok(if v < 0.0 { UserKey::Text(format!("-{magnitude}")) } else { UserKey::Int(magnitude) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tz::day_of;
    use chrono::NaiveDate;
    use rand::{Rng as _, RngCore as _};
    use std::fmt::Write as _;

    fn micros(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_micro_opt(h, mi, s, us).unwrap().and_utc().timestamp_micros()
    }

    const HOUR: i64 = 3_600_000_000;

    fn ts(s: &str) -> Result<Stamp, BadValue> {
        parse_timestamp(s, false)
    }

    #[test]
    fn timestamp_with_z() {
        let t = micros(2026, 10, 1, 14, 5, 0, 0);
        assert_eq!(ts("2026-10-01T14:05:00Z"), Ok(Stamp::Instant(t)));
        assert_eq!(ts("2026-10-01t14:05:00z"), Ok(Stamp::Instant(t)));
        assert_eq!(ts("2026-10-01T14:05Z"), Ok(Stamp::Instant(t)));
        assert_eq!(ts("2026-10-01 14:05:00Z"), Ok(Stamp::Instant(t)));
    }

    #[test]
    fn timestamp_with_offsets() {
        let t = micros(2026, 10, 1, 14, 5, 0, 0);
        assert_eq!(ts("2026-10-01T16:05:00+02:00"), Ok(Stamp::Instant(t)));
        assert_eq!(ts("2026-10-01T08:35:00-05:30"), Ok(Stamp::Instant(t)));
        assert_eq!(ts("2026-10-01T14:05:00+00:00"), Ok(Stamp::Instant(t)));
        assert_eq!(ts("2026-10-01T14:05:00-00:00"), Ok(Stamp::Instant(t)));
        assert_eq!(ts("2026-10-01T16:05+02:00"), Ok(Stamp::Instant(t)));
        // The offset may carry the instant into another UTC day.
        assert_eq!(ts("2026-01-01T00:30:00+01:00"), Ok(Stamp::Instant(micros(2025, 12, 31, 23, 30, 0, 0))));
        assert_eq!(ts("2026-12-31T23:30:00-05:30"), Ok(Stamp::Instant(micros(2027, 1, 1, 5, 0, 0, 0))));
        assert_eq!(ts("2026-10-01T14:05:00+23:59"), Ok(Stamp::Instant(t - 23 * HOUR - 59 * 60_000_000)));
    }

    #[test]
    fn timestamp_fractions_truncate_to_micros() {
        let t = micros(2026, 10, 1, 14, 5, 7, 0);
        assert_eq!(ts("2026-10-01T14:05:07.5Z"), Ok(Stamp::Instant(t + 500_000)));
        assert_eq!(ts("2026-10-01T14:05:07.123Z"), Ok(Stamp::Instant(t + 123_000)));
        assert_eq!(ts("2026-10-01T14:05:07.123456Z"), Ok(Stamp::Instant(t + 123_456)));
        assert_eq!(ts("2026-10-01T14:05:07.1234569Z"), Ok(Stamp::Instant(t + 123_456)));
        assert_eq!(ts("2026-10-01T14:05:07.999999999Z"), Ok(Stamp::Instant(t + 999_999)));
        assert_eq!(ts("2026-10-01T14:05:07.000001"), Ok(Stamp::Local(t + 1)));
        assert_eq!(ts("2026-10-01T14:05:07.25+02:00"), Ok(Stamp::Instant(t + 250_000 - 2 * HOUR)));
        // Ten digits, no digit, or no seconds.
        assert_eq!(ts("2026-10-01T14:05:07.1234567891Z"), Err(BadValue));
        assert_eq!(ts("2026-10-01T14:05:07.Z"), Err(BadValue));
        assert_eq!(ts("2026-10-01T14:05:07."), Err(BadValue));
        assert_eq!(ts("2026-10-01T14:05.5"), Err(BadValue));
        assert_eq!(ts("2026-10-01T14:05:07,5"), Err(BadValue));
    }

    #[test]
    fn timestamp_without_offset_is_local() {
        let t = micros(2026, 3, 29, 2, 30, 0, 0);
        assert_eq!(ts("2026-03-29T02:30:00"), Ok(Stamp::Local(t)));
        assert_eq!(ts("2026-03-29 02:30:00"), Ok(Stamp::Local(t)));
        assert_eq!(ts("2026-03-29T02:30"), Ok(Stamp::Local(t)));
        assert_eq!(ts("2026-03-29 02:30"), Ok(Stamp::Local(t)));
        assert_eq!(ts("1969-12-31T23:59:59"), Ok(Stamp::Local(-1_000_000)));
        assert_eq!(ts("1969-12-31T23:59:59Z"), Ok(Stamp::Instant(-1_000_000)));
        assert_eq!(ts("0000-01-01T00:00"), Ok(Stamp::Local(micros(0, 1, 1, 0, 0, 0, 0))));
        assert_eq!(ts("9999-12-31T23:59:59.999999Z"), Ok(Stamp::Instant(micros(9999, 12, 31, 23, 59, 59, 999_999))));
    }

    #[test]
    fn bare_date_is_local_midnight() {
        assert_eq!(ts("2026-10-01"), Ok(Stamp::Local(micros(2026, 10, 1, 0, 0, 0, 0))));
        assert_eq!(ts("2024-02-29"), Ok(Stamp::Local(micros(2024, 2, 29, 0, 0, 0, 0))));
        assert_eq!(parse_timestamp("01/10/2026", true), Ok(Stamp::Local(micros(2026, 10, 1, 0, 0, 0, 0))));
    }

    #[test]
    fn day_first_only_when_dmy() {
        let t = micros(2026, 10, 1, 14, 5, 0, 0);
        assert_eq!(parse_timestamp("01/10/2026 14:05", true), Ok(Stamp::Local(t)));
        assert_eq!(parse_timestamp("01/10/2026 14:05:09", true), Ok(Stamp::Local(t + 9_000_000)));
        assert_eq!(parse_timestamp("01/10/2026 14:05", false), Err(BadValue));
        assert_eq!(parse_timestamp("01/10/2026", false), Err(BadValue));
        // ISO still works when dmy.
        assert_eq!(parse_timestamp("2026-10-01T14:05:00Z", true), Ok(Stamp::Instant(t)));
        // Day-first takes no T, fraction or offset, and two-digit fields.
        for bad in [
            "01/10/2026T14:05",
            "01/10/2026 14:05:09.5",
            "01/10/2026 14:05Z",
            "01/10/2026 14:05+02:00",
            "1/10/2026 14:05",
            "01/1/2026",
            "01/10/26",
            "31/04/2026",
            "29/02/2026",
            "01/13/2026",
            "10/01/2026 24:00",
            "01-10-2026",
            "2026/10/01",
        ] {
            assert_eq!(parse_timestamp(bad, true), Err(BadValue), "{bad}");
        }
    }

    #[test]
    fn timestamp_rejections() {
        for bad in [
            "",
            "2026",
            "2026-10",
            "garbage",
            "not a timestamp at all",
            "2026-02-30",
            "2026-02-29T10:00",
            "2026-13-01",
            "2026-00-10",
            "2026-10-00",
            "2026-10-32",
            "2026-04-31T00:00",
            "2026-10-01T25:00",
            "2026-10-01T24:00",
            "2026-10-01T24:00:00Z",
            "2026-10-01T10:60",
            "2026-10-01T10:00:61",
            "2026-10-01T10:00:61Z",
            "2026-1-01",
            "2026-01-1",
            "26-01-01T10:00",
            "2026-01-01T1:00",
            "2026-01-01T10:0",
            "2026-01-01T10",
            "2026-01-01T",
            "2026-01-01T10:00:",
            "2026-01-01T10:00:0",
            "2026-01-01  10:00",
            "2026-01-01_10:00",
            "2026-01-01T10-00",
            "2026-01-01T10:00:00+0200",
            "2026-01-01T10:00:00+02",
            "2026-01-01T10:00:00+02:0",
            "2026-01-01T10:00:00+02:000",
            "2026-01-01T10:00:00+24:00",
            "2026-01-01T10:00:00+02:60",
            "2026-01-01T10:00:00 +02:00",
            "2026-01-01T10:00:00Z ",
            "2026-01-01T10:00:00ZZ",
            "2026-01-01T10:00:00Zjunk",
            "2026-01-01T10:00:00UTC",
            "2026-01-01 ",
            " 2026-01-01",
            "+2026-01-01",
            "2026-01-01x",
            "２０２６-01-01",
            "2026\u{2010}01\u{2010}01",
            "2026-01-01T10:00:00.\u{e9}",
            "1/3/2026",
        ] {
            assert_eq!(ts(bad), Err(BadValue), "{bad:?}");
        }
    }

    #[test]
    fn timestamps_agree_with_chrono_on_random_values() {
        let mut rng = crate::testing::rng(11);
        for _ in 0..50_000 {
            let y = 1900 + rng.random_range(0..300);
            let m = 1 + u32::try_from(rng.random_range(0..12)).unwrap();
            let d = 1 + u32::try_from(rng.random_range(0..31)).unwrap();
            let (h, mi, s) = (rng.random_range(0..24), rng.random_range(0..60), rng.random_range(0..60));
            let nanos = rng.random_range(0..1_000_000_000);
            let (oh, om) = (rng.random_range(0..15), rng.random_range(0..60));
            let negative = rng.random_range(0..2) == 0;
            let text = format!(
                "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{nanos:09}{}{oh:02}:{om:02}",
                if negative { '-' } else { '+' }
            );
            let chrono = chrono::DateTime::parse_from_rfc3339(&text);
            match (parse_timestamp(&text, false), chrono) {
                (Ok(Stamp::Instant(t)), Ok(c)) => {
                    // chrono keeps nanoseconds; we truncate to µs.
                    let c_us = c.timestamp() * 1_000_000 + i64::from(c.timestamp_subsec_micros());
                    assert_eq!(t, c_us, "{text}");
                }
                (Err(BadValue), Err(_)) => assert!(day_of(y, m, d).is_none(), "{text}"),
                (ours, c) => panic!("{text}: {ours:?} vs {c:?}"),
            }
        }
    }

    #[test]
    fn dates() {
        let day = |y, m, d| day_of(y, m, d).unwrap();
        assert_eq!(parse_date("2026-10-01", false), Ok(DateValue::Day(day(2026, 10, 1))));
        assert_eq!(parse_date("1969-12-31", false), Ok(DateValue::Day(-1)));
        assert_eq!(parse_date("2024-02-29", false), Ok(DateValue::Day(day(2024, 2, 29))));
        assert_eq!(parse_date("01/10/2026", true), Ok(DateValue::Day(day(2026, 10, 1))));
        assert_eq!(parse_date("2026-10-01", true), Ok(DateValue::Day(day(2026, 10, 1))));
        assert_eq!(parse_date("01/10/2026", false), Err(BadValue));
        for bad in [
            "2026-02-30",
            "2026-02-29",
            "2026-13-01",
            "2026-00-01",
            "31/04/2026",
            "2026-1-1",
            "",
            "soon",
            "2026-10-01 ",
            "20261001",
        ] {
            assert_eq!(parse_date(bad, true), Err(BadValue), "{bad}");
        }
        // A timestamp where a date is expected comes back for conversion.
        assert_eq!(
            parse_date("2026-10-31T23:30:00Z", false),
            Ok(DateValue::Stamp(Stamp::Instant(micros(2026, 10, 31, 23, 30, 0, 0))))
        );
        assert_eq!(
            parse_date("2026-10-31 23:30", false),
            Ok(DateValue::Stamp(Stamp::Local(micros(2026, 10, 31, 23, 30, 0, 0))))
        );
        assert_eq!(
            parse_date("31/10/2026 23:30", true),
            Ok(DateValue::Stamp(Stamp::Local(micros(2026, 10, 31, 23, 30, 0, 0))))
        );
        assert_eq!(parse_date("2026-10-31T25:30:00Z", false), Err(BadValue));
    }

    #[test]
    fn numbers() {
        let ok = |s: &str, comma: bool| parse_number(s, comma).unwrap();
        assert_eq!(ok("0", false), 0.0);
        assert_eq!(ok("42", false), 42.0);
        assert_eq!(ok("-1.5", false), -1.5);
        assert_eq!(ok("+2", false), 2.0);
        assert_eq!(ok("1e3", false), 1000.0);
        assert_eq!(ok("1E3", false), 1000.0);
        assert_eq!(ok("1e+3", false), 1000.0);
        assert_eq!(ok("2.5e-2", false), 0.025);
        assert_eq!(ok(".5", false), 0.5);
        assert_eq!(ok("5.", false), 5.0);
        assert_eq!(ok("-.5e1", false), -5.0);
        assert_eq!(ok("1234.5", false), 1234.5);
        assert_eq!(ok("0.1", false), 0.1);
        assert_eq!(ok("1e-400", false), 0.0);
        assert_eq!(ok("1.7976931348623157e308", false), f64::MAX);
        assert_eq!(ok("00012", false), 12.0);
        // -0 reads as +0.
        assert!(ok("-0", false).is_sign_positive());
        assert!(ok("-0,0", true).is_sign_positive());
    }

    #[test]
    fn numbers_with_decimal_comma() {
        let ok = |s: &str| parse_number(s, true).unwrap();
        assert_eq!(ok("1234,5"), 1234.5);
        assert_eq!(ok("-0,25"), -0.25);
        assert_eq!(ok(",5"), 0.5);
        assert_eq!(ok("1,5e3"), 1500.0);
        // A point still reads as a point in a semicolon file.
        assert_eq!(ok("1234.5"), 1234.5);
        assert_eq!(ok("12"), 12.0);
        // Beyond the stack buffer.
        let long = format!("{},5", "1".repeat(100));
        assert_eq!(ok(&long), format!("{}.5", "1".repeat(100)).parse::<f64>().unwrap());
        assert_eq!(parse_number("1234,5", false), Err(BadValue));
        for bad in ["1.234,5", "1,234.5", "1,234,5", "1,,5", ","] {
            assert_eq!(parse_number(bad, true), Err(BadValue), "{bad}");
        }
    }

    #[test]
    fn number_rejections() {
        for bad in [
            "",
            "+",
            "-",
            ".",
            "e3",
            "1e",
            "1e+",
            "1e-",
            "1e3.5",
            "--1",
            "+-1",
            "1-",
            "1+1",
            "1 234",
            "1\u{202f}234",
            "1\u{a0}234",
            "1'234",
            "1_000",
            "0x10",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "+inf",
            "Infinity",
            "infinity",
            "1e400",
            "-1e400",
            "1.2.3",
            "12abc",
            "abc",
            " 1",
            "1 ",
            "١٢",
            "１２",
            "1,5",
        ] {
            assert_eq!(parse_number(bad, false), Err(BadValue), "{bad:?}");
        }
        for bad in
            ["NaN", "inf", "1e400", "1 23", "12 3456", "1  234", " 234", "1 234 ", "1,5 0", "1e 3", "1 2,5", "1234 567"]
        {
            assert_eq!(parse_number(bad, true), Err(BadValue), "{bad:?}");
        }
    }

    #[test]
    fn a_leap_second_reads_as_the_second_before() {
        assert_eq!(
            parse_timestamp("2016-12-31T23:59:60Z", false),
            Ok(Stamp::Instant(micros(2016, 12, 31, 23, 59, 59, 0)))
        );
        assert_eq!(parse_timestamp("31/12/2016 23:59:60", true), Ok(Stamp::Local(micros(2016, 12, 31, 23, 59, 59, 0))));
    }

    #[test]
    fn french_numbers_take_groups_of_three_digits() {
        let ok = |s: &str| parse_number(s, true).unwrap();
        assert_eq!(ok("45 000,00"), 45_000.0);
        assert_eq!(ok("45\u{a0}000,00"), 45_000.0);
        assert_eq!(ok("1\u{202f}234\u{202f}567,5"), 1_234_567.5);
        assert_eq!(ok("-120 000"), -120_000.0);
        assert_eq!(ok("999"), 999.0);
        // A comma CSV reads no separator.
        assert_eq!(parse_number("45 000,00", false), Err(BadValue));
        assert_eq!(parse_number("45 000.00", false), Err(BadValue));
    }

    #[test]
    fn numbers_agree_with_std_on_random_texts() {
        let mut rng = crate::testing::rng(5);
        for _ in 0..50_000 {
            let mut s = String::new();
            // Short texts and small exponents take the fast path, long or
            // large ones the std parser.
            let (digits, exponents) = if rng.random_range(0..2) == 0 { (9, 60) } else { (25, 700) };
            if rng.random_range(0..3) == 0 {
                s.push('-');
            }
            for _ in 0..rng.random_range(0..digits) {
                s.push(char::from(b'0' + u8::try_from(rng.random_range(0..10)).unwrap()));
            }
            s.push('.');
            for _ in 0..=rng.random_range(0..digits) {
                s.push(char::from(b'0' + u8::try_from(rng.random_range(0..10)).unwrap()));
            }
            if rng.random_range(0..2) == 0 {
                let e = i64::from(rng.random_range(0..exponents)) - i64::from(exponents / 2);
                write!(s, "e{e}").unwrap();
            }
            let expected = s.parse::<f64>().unwrap();
            let expected = (expected.is_finite()).then_some(if expected == 0.0 { 0.0 } else { expected });
            assert_eq!(parse_number(&s, false).ok(), expected, "{s}");
            assert_eq!(parse_number(&s.replace('.', ","), true).ok(), expected, "{s}");
        }
    }

    fn key(s: &str) -> Result<UserKey, BadValue> {
        user_key_from_text(s)
    }
    fn text(s: &str) -> Result<UserKey, BadValue> {
        Ok(UserKey::Text(s.to_owned()))
    }

    #[test]
    fn user_keys_from_text() {
        assert_eq!(key("100234"), Ok(UserKey::Int(100_234)));
        assert_eq!(key("0"), Ok(UserKey::Int(0)));
        assert_eq!(key("18446744073709551615"), Ok(UserKey::Int(u64::MAX)));
        // Float spellings of an integer.
        assert_eq!(key("100234.0"), Ok(UserKey::Int(100_234)));
        assert_eq!(key("100234.000"), Ok(UserKey::Int(100_234)));
        assert_eq!(key("100234."), Ok(UserKey::Int(100_234)));
        assert_eq!(key("1.00234e5"), Ok(UserKey::Int(100_234)));
        assert_eq!(key("1.00234E+05"), Ok(UserKey::Int(100_234)));
        assert_eq!(key("100234e0"), Ok(UserKey::Int(100_234)));
        assert_eq!(key("1002340e-1"), Ok(UserKey::Int(100_234)));
        assert_eq!(key("1e3"), Ok(UserKey::Int(1000)));
        assert_eq!(key("1.5e19"), Ok(UserKey::Int(15_000_000_000_000_000_000)));
        assert_eq!(key("12345678901234567890.0"), Ok(UserKey::Int(12_345_678_901_234_567_890)));
        assert_eq!(key("0.0"), Ok(UserKey::Int(0)));
        assert_eq!(key("-0.0"), Ok(UserKey::Int(0)));
        assert_eq!(key("00123.0"), Ok(UserKey::Int(123)));
        assert_eq!(key("+7.0"), Ok(UserKey::Int(7)));
        // Text ids, kept as written.
        assert_eq!(key("00123"), text("00123"));
        assert_eq!(key("00"), text("00"));
        assert_eq!(key("A12"), text("A12"));
        assert_eq!(key("abc-12"), text("abc-12"));
        assert_eq!(key("1.2.3"), text("1.2.3"));
        assert_eq!(key("12,5"), text("12,5"));
        assert_eq!(key("12e"), text("12e"));
        assert_eq!(key("e12"), text("e12"));
        assert_eq!(key("0x1F"), text("0x1F"));
        assert_eq!(key("18446744073709551616"), text("18446744073709551616"));
        assert_eq!(key("123e4567-e89b-12d3-a456-426614174000"), text("123e4567-e89b-12d3-a456-426614174000"));
        // A hex hash of digits and one `e`: integral, beyond u64, kept.
        assert_eq!(key("8271649038127e4561239847562301"), text("8271649038127e4561239847562301"));
        assert_eq!(key("1e99999999999999999999"), text("1e99999999999999999999"));
        assert_eq!(key("usager été"), text("usager été"));
        // Signed integers without a point or exponent are text.
        assert_eq!(key("-5"), text("-5"));
        assert_eq!(key("+5"), text("+5"));
        // Negative integral floats are the canonical negative integer.
        assert_eq!(key("-5.0"), text("-5"));
        assert_eq!(key("-5e0"), text("-5"));
        // Non-integral numeric ids are bad_id.
        for bad in ["12.5", "0.5", ".5", "1e-3", "1.000001", "-12.5", "1.00234e2", "NaN", "nan", "-inf", "Infinity", ""]
        {
            assert_eq!(key(bad), Err(BadValue), "{bad}");
        }
    }

    #[test]
    fn user_key_ref_borrows_text() {
        assert!(matches!(user_key_ref("abc"), Ok(UserKeyRef::Text(Cow::Borrowed("abc")))));
        assert!(matches!(user_key_ref("00123"), Ok(UserKeyRef::Text(Cow::Borrowed(_)))));
        assert_eq!(user_key_ref("123.0"), Ok(UserKeyRef::Int(123)));
        assert_eq!(user_key_ref("-5.0").map(UserKey::from), text("-5"));
    }

    #[test]
    fn user_keys_from_numbers() {
        assert_eq!(user_key_from_i64(100_234), Ok(UserKey::Int(100_234)));
        assert_eq!(user_key_from_i64(0), Ok(UserKey::Int(0)));
        assert_eq!(user_key_from_i64(i64::MAX), Ok(UserKey::Int(9_223_372_036_854_775_807)));
        assert_eq!(user_key_from_i64(-5), text("-5"));
        assert_eq!(user_key_from_i64(i64::MIN), text("-9223372036854775808"));
        assert_eq!(user_key_from_f64(100_234.0), Ok(UserKey::Int(100_234)));
        assert_eq!(user_key_from_f64(0.0), Ok(UserKey::Int(0)));
        assert_eq!(user_key_from_f64(-0.0), Ok(UserKey::Int(0)));
        assert_eq!(user_key_from_f64(-5.0), text("-5"));
        assert_eq!(user_key_from_f64(9_007_199_254_740_993.0), Ok(UserKey::Int(9_007_199_254_740_992)));
        assert_eq!(user_key_from_f64(18_446_744_073_709_549_568.0), Ok(UserKey::Int(18_446_744_073_709_549_568)));
        for bad in
            [12.5, 0.1, -0.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e20, -1e20, 18_446_744_073_709_551_616.0]
        {
            assert_eq!(user_key_from_f64(bad), Err(BadValue), "{bad}");
        }
    }

    #[test]
    fn the_same_id_meets_across_inputs() {
        use std::collections::HashSet;
        let forms = [
            key("100234").unwrap(),
            key("100234.0").unwrap(),
            key("1.00234e5").unwrap(),
            user_key_from_i64(100_234).unwrap(),
            user_key_from_f64(100_234.0).unwrap(),
        ];
        assert_eq!(forms.iter().collect::<HashSet<_>>().len(), 1);
        let negatives = [
            key("-5").unwrap(),
            key("-5.0").unwrap(),
            user_key_from_i64(-5).unwrap(),
            user_key_from_f64(-5.0).unwrap(),
        ];
        assert_eq!(negatives.iter().collect::<HashSet<_>>().len(), 1);
        assert_ne!(key("00123").unwrap(), key("123").unwrap());
        assert_eq!(key("100234").unwrap().to_string(), "100234");
        assert_eq!(key("1.00234e5").unwrap().to_string(), "100234");
        assert_eq!(key("00123").unwrap().to_string(), "00123");
    }

    #[test]
    fn user_keys_sort_as_text() {
        assert!(UserKey::Int(10) < UserKey::Int(9));
        assert!(UserKey::Text("00123".into()) < UserKey::Int(123));
        assert!(UserKey::Int(123) < UserKey::Text("123a".into()));
        assert!(UserKey::Int(123) > UserKey::Text("12".into()));
        assert_eq!(UserKey::Int(0).cmp(&UserKey::Int(0)), Ordering::Equal);
        let mut rng = crate::testing::rng(9);
        let mut keys: Vec<UserKey> = (0..2_000)
            .map(|_| match rng.random_range(0..3) {
                0 => UserKey::Int(rng.next_u64() >> rng.random_range(0..64)),
                1 => UserKey::Text(format!("0{}", rng.random_range(0..10_000))),
                _ => UserKey::Text(format!("u{}", rng.random_range(0..10_000))),
            })
            .collect();
        keys.sort();
        let texts: Vec<String> = keys.iter().map(ToString::to_string).collect();
        assert!(texts.windows(2).all(|w| w[0].as_bytes() <= w[1].as_bytes()));
    }

    /// Every parser on one text: no panic, and whatever parses is in range.
    fn check_all_parsers(s: &str) {
        for dmy in [false, true] {
            if let Ok(Stamp::Instant(t) | Stamp::Local(t)) = parse_timestamp(s, dmy) {
                let range = micros(-1, 1, 1, 0, 0, 0, 0)..micros(10_001, 1, 1, 0, 0, 0, 0);
                assert!(range.contains(&t), "{s:?}");
            }
            let _ = parse_date(s, dmy);
            if let Ok(v) = parse_number(s, dmy) {
                assert!(v.is_finite(), "{s:?}");
            }
        }
        if let Ok(k) = user_key_from_text(s) {
            // Display is stable: parsing the canonical text gives the same
            // key back.
            assert_eq!(user_key_from_text(&k.to_string()), Ok(k), "{s:?}");
        }
    }

    /// Random texts over the characters the formats use, and valid texts
    /// with a few characters replaced, inserted or deleted.
    #[test]
    fn no_panic_on_texts_near_the_formats() {
        const ALPHABET: &[char] = &[
            '0',
            '1',
            '2',
            '5',
            '9',
            '-',
            '+',
            ':',
            '/',
            '.',
            ',',
            'T',
            't',
            'Z',
            'z',
            ' ',
            'e',
            'E',
            'n',
            'a',
            'N',
            'i',
            'f',
            '\u{e9}',
            '\u{202f}',
            '\u{1F600}',
            '\0',
        ];
        let seeds =
            ["2026-10-01T14:05:07.123456789+02:00", "01/10/2026 14:05:09", "1.00234e5", "1234,5e-3", "2026-02-28"];
        let mut rng = crate::testing::rng(1);
        let mut pick = |n: usize| usize::try_from(rng.random_range(0..n as u64)).unwrap();
        for round in 0..200_000 {
            let s: String = if round % 2 == 0 {
                (0..pick(40)).map(|_| ALPHABET[pick(ALPHABET.len())]).collect()
            } else {
                let mut chars: Vec<char> = seeds[pick(seeds.len())].chars().collect();
                for _ in 0..=pick(3) {
                    let at = pick(chars.len() + 1);
                    let c = ALPHABET[pick(ALPHABET.len())];
                    match pick(3) {
                        0 if at < chars.len() => chars[at] = c,
                        1 => chars.insert(at, c),
                        _ if at < chars.len() => {
                            chars.remove(at);
                        }
                        _ => {}
                    }
                }
                chars.into_iter().collect()
            };
            check_all_parsers(&s);
        }
    }

    #[test]
    fn no_panic_on_random_bytes() {
        let mut rng = crate::testing::rng(2);
        let mut bytes = [0_u8; 24];
        for _ in 0..100_000 {
            let len = usize::try_from(rng.random_range(0..25)).unwrap();
            for b in &mut bytes[..len] {
                *b = u8::try_from(rng.random_range(0..256)).unwrap();
            }
            check_all_parsers(&String::from_utf8_lossy(&bytes[..len]));
        }
        for v in [f64::MIN, f64::MAX, f64::MIN_POSITIVE, -f64::MIN_POSITIVE, 1e300, -1e-300] {
            let _ = user_key_from_f64(v);
        }
    }
}
