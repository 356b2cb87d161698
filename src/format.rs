//! The report's language and how it writes numbers, percents, euros,
//! p-values, months and dates (SPEC section 7): one leaf module that the
//! config, the charts and both renderers read, so that a figure looks the
//! same wherever it is drawn.
//!
//! Responsible for turning values into display strings. Not responsible for
//! deciding what to show (suppression, missing rows): callers pass what they
//! have. Calendar arithmetic lives in `tz`.

use crate::tz::ymd as civil_from_days;

/// The language of every label, month name and number in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The BCP 47 code written in `<html lang>` and read from `[report] lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The word of this language among a French and an English one.
    pub fn pick<T>(self, fr: T, en: T) -> T {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// U+202F NARROW NO-BREAK SPACE: French digit grouping and the space before `%`.
pub const NNBSP: char = '\u{202F}';
/// U+00A0 NO-BREAK SPACE: French space before `€` (CLDR), and the space
/// that keeps `<` with its number and a guillemet with its word.
pub const NBSP: char = '\u{00A0}';
/// U+2212 MINUS SIGN: negative numbers (SPEC section 7), the width of `+`
/// in most fonts, where a hyphen would read as a dash.
pub const MINUS: char = '\u{2212}';

const MONTHS_FR: [&str; 12] =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_FR_LONG: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn group_digits(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `v` with `decimals` decimals, grouped: `1 234,5` (fr, U+202F) or `1,234.5` (en);
/// negative with U+2212 (`−1,2`). A value that rounds to zero has no sign;
/// a non-finite value is `—`.
pub fn number(lang: Lang, v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let raw = format!("{:.*}", decimals, v.abs());
    let negative = v < 0.0 && raw.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let (int_part, frac_part) = match raw.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (raw.as_str(), None),
    };
    let (group, point) = match lang {
        Lang::Fr => (NNBSP, ','),
        Lang::En => (',', '.'),
    };
    let mut out = String::new();
    if negative {
        out.push(MINUS);
    }
    out.push_str(&group_digits(int_part, group));
    if let Some(f) = frac_part {
        out.push(point);
        out.push_str(f);
    }
    out
}

/// A count, grouped: `1 234` / `1,234`.
pub fn count(lang: Lang, v: u64) -> String {
    let sep = match lang {
        Lang::Fr => NNBSP,
        Lang::En => ',',
    };
    group_digits(&v.to_string(), sep)
}

/// `v` with a leading `+` when positive (after rounding).
fn signed(lang: Lang, v: f64, decimals: usize) -> String {
    let s = number(lang, v, decimals);
    if v > 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) { format!("+{s}") } else { s }
}

fn with_percent(lang: Lang, digits: String) -> String {
    if digits == "—" {
        return digits;
    }
    match lang {
        Lang::Fr => format!("{digits}{NNBSP}%"),
        Lang::En => format!("{digits}%"),
    }
}

/// A rate in [0, 1] in percent with one decimal: `12,3 %` / `12.3%`.
pub fn percent(lang: Lang, rate: f64) -> String {
    with_percent(lang, number(lang, rate * 100.0, 1))
}

/// A percent with `decimals` decimals (axis ticks use 0).
pub fn percent_with(lang: Lang, rate: f64, decimals: usize) -> String {
    with_percent(lang, number(lang, rate * 100.0, decimals))
}

/// A relative change, signed: `+5,0 %` / `+5.0%`.
pub fn percent_signed(lang: Lang, rate: f64) -> String {
    with_percent(lang, signed(lang, rate * 100.0, 1))
}

/// A difference of rates in percentage points, signed: `+1,2 pt` / `+1.2 pp`.
pub fn points(lang: Lang, diff: f64) -> String {
    points_with(lang, diff, 1)
}

/// Percentage points with `decimals` decimals (axis ticks).
pub fn points_with(lang: Lang, diff: f64, decimals: usize) -> String {
    let unit = match lang {
        Lang::Fr => "pt",
        Lang::En => "pp",
    };
    format!("{}{NBSP}{unit}", signed(lang, diff * 100.0, decimals))
}

/// A signed number with `decimals` decimals: `+1 234` / `-12.5`.
pub fn number_signed(lang: Lang, v: f64, decimals: usize) -> String {
    signed(lang, v, decimals)
}

/// Euros without decimals: `1 234 €` / `€1,234`; `−1 234 €` / `−€1,234`.
pub fn euros(lang: Lang, v: f64) -> String {
    let digits = number(lang, v.abs(), 0);
    let sign = if v < 0.0 && digits != "0" { MINUS.to_string() } else { String::new() };
    match lang {
        Lang::Fr => format!("{sign}{digits}{NBSP}€"),
        Lang::En => format!("{sign}€{digits}"),
    }
}

/// A p-value: three decimals, or `< 0,001` / `< 0.001`.
pub fn p_value(lang: Lang, p: f64) -> String {
    if p < 0.001 { format!("<{NBSP}{}", number(lang, 0.001, 3)) } else { number(lang, p, 3) }
}

/// A p-value in a sentence: `p = 0,032` or `p < 0,001`.
pub fn p_clause(lang: Lang, p: f64) -> String {
    if p < 0.001 { format!("p\u{A0}{}", p_value(lang, p)) } else { format!("p\u{A0}=\u{A0}{}", p_value(lang, p)) }
}

/// An interval bound in percentage points, without unit or `+`: `−1,2`.
pub fn points_bare(lang: Lang, diff: f64) -> String {
    number(lang, diff * 100.0, 1)
}

/// A count hidden by disclosure control: `< 10`, a no-break space keeping
/// `<` with its number (`k = 0`: a dash).
pub fn suppressed(lang: Lang, min_cell: u64) -> String {
    if min_cell == 0 { "—".to_string() } else { format!("<{NBSP}{}", count(lang, min_cell)) }
}

/// A hidden median or interval (SPEC section 6): not a count, so never `< k`.
pub fn masked(lang: Lang) -> &'static str {
    lang.pick("masqué", "masked")
}

/// A digest in lower-case hexadecimal, as `sha256sum` writes it.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A number of days: `90 j` / `90 d`.
pub fn days(lang: Lang, n: i32) -> String {
    let unit = match lang {
        Lang::Fr => "j",
        Lang::En => "d",
    };
    format!("{}{NBSP}{unit}", number(lang, f64::from(n), 0))
}

/// The abbreviated month name of a day: `oct.` / `Oct`.
pub fn month_abbrev(lang: Lang, day: i32) -> &'static str {
    let (_, m, _) = civil_from_days(day);
    let names = match lang {
        Lang::Fr => &MONTHS_FR,
        Lang::En => &MONTHS_EN,
    };
    names[(m - 1) as usize]
}

/// The month of a day with its year: `oct. 2026` / `Oct 2026`.
pub fn month(lang: Lang, day: i32) -> String {
    let (y, _, _) = civil_from_days(day);
    format!("{} {y}", month_abbrev(lang, day))
}

/// The month in a sentence: `octobre 2026` / `October 2026`.
pub fn month_long(lang: Lang, day: i32) -> String {
    let (y, m, _) = civil_from_days(day);
    let names = lang.pick(&MONTHS_FR_LONG, &MONTHS_EN_LONG);
    format!("{} {y}", names[(m - 1) as usize])
}

/// A date: `31 oct. 2026` / `31 Oct 2026`.
pub fn date(lang: Lang, day: i32) -> String {
    let (y, _, d) = civil_from_days(day);
    format!("{d} {} {y}", month_abbrev(lang, day))
}

/// A date as ISO 8601, for machine-facing places (`2026-10-31`).
pub fn iso_date(day: i32) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::tz::{add_months, days_from_civil};

    fn day(y: i32, m: u32, d: u32) -> i32 {
        days_from_civil(y, m, d)
    }

    #[test]
    fn french_numbers() {
        let fr = Lang::Fr;
        assert_eq!(number(fr, 1234.5, 1), "1\u{202F}234,5");
        assert_eq!(number(fr, 1_234_567.0, 0), "1\u{202F}234\u{202F}567");
        assert_eq!(number(fr, 999.0, 0), "999");
        assert_eq!(number(fr, -0.04, 1), "0,0");
        assert_eq!(number(fr, -1234.56, 1), "\u{2212}1\u{202F}234,6");
        assert_eq!(count(fr, 1234), "1\u{202F}234");
        assert_eq!(percent(fr, 0.123), "12,3\u{202F}%");
        assert_eq!(percent(fr, 1.0), "100,0\u{202F}%");
        assert_eq!(percent_signed(fr, 0.05), "+5,0\u{202F}%");
        assert_eq!(points(fr, -0.0123), "\u{2212}1,2\u{A0}pt");
        assert_eq!(points_bare(fr, -0.011), "\u{2212}1,1");
        assert_eq!(euros(fr, -1234.0), "\u{2212}1\u{202F}234\u{A0}€");
        assert_eq!(euros(fr, 123_456.7), "123\u{202F}457\u{A0}€");
        assert_eq!(p_value(fr, 0.0321), "0,032");
        assert_eq!(p_value(fr, 0.0002), "<\u{A0}0,001");
        assert_eq!(suppressed(fr, 10), "<\u{A0}10");
        assert_eq!(masked(fr), "masqué");
        assert_eq!(days(fr, 90), "90\u{A0}j");
        assert_eq!(p_clause(fr, 0.0002), "p\u{A0}<\u{A0}0,001");
        assert_eq!(p_clause(fr, 0.5), "p\u{A0}=\u{A0}0,500");
        assert_eq!(points_bare(fr, 0.011), "1,1");
    }

    #[test]
    fn english_numbers() {
        let en = Lang::En;
        assert_eq!(number(en, 1234.5, 1), "1,234.5");
        assert_eq!(count(en, 1_234_567), "1,234,567");
        assert_eq!(percent(en, 0.123), "12.3%");
        assert_eq!(percent_signed(en, -0.05), "\u{2212}5.0%");
        assert_eq!(number_signed(en, -12.5, 1), "\u{2212}12.5");
        assert_eq!(euros(en, -1234.0), "\u{2212}€1,234");
        assert_eq!(points(en, 0.0123), "+1.2\u{A0}pp");
        assert_eq!(euros(en, 1234.4), "€1,234");
        assert_eq!(p_value(en, 0.5), "0.500");
        assert_eq!(suppressed(en, 10), "<\u{A0}10");
        assert_eq!(suppressed(en, 0), "—");
        assert_eq!(masked(en), "masked");
        assert_eq!(number(en, f64::NAN, 1), "—");
        assert_eq!(percent(en, f64::INFINITY), "—");
    }

    #[test]
    fn months_in_both_languages() {
        let oct = day(2026, 10, 1);
        assert_eq!(month(Lang::Fr, oct), "oct. 2026");
        assert_eq!(month(Lang::En, oct), "Oct 2026");
        let names: Vec<&str> = (0..12).map(|i| month_abbrev(Lang::Fr, add_months(day(2026, 1, 1), i))).collect();
        assert_eq!(names.join(" "), "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.");
        assert_eq!(month_long(Lang::Fr, oct), "octobre 2026");
        assert_eq!(month_long(Lang::En, oct), "October 2026");
        assert_eq!(month_long(Lang::Fr, day(2026, 2, 1)), "février 2026");
        assert_eq!(date(Lang::Fr, day(2026, 10, 31)), "31 oct. 2026");
        assert_eq!(date(Lang::En, day(2026, 10, 31)), "31 Oct 2026");
        assert_eq!(iso_date(day(2026, 3, 5)), "2026-03-05");
    }
}
