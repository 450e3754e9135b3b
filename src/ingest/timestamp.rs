//! Instants and calendar days: parsing ISO 8601 date-times and numeric
//! timestamps, and mapping instants to days, minutes and months.
//!
//! An instant is a whole number of milliseconds since 1970-01-01T00:00:00
//! UTC. Date-times with an offset (`Z`, `+02:00`, `-0500`) are converted to
//! UTC; naive date-times (no offset, like the Azure trace's
//! `2023-11-16 18:17:03.9799600`) are taken as UTC wall-clock time, with no
//! time-zone conversion. Fractions of a second beyond the millisecond are
//! truncated, which cannot move an instant across a minute, day or month.
//!
//! Calendar arithmetic is the proleptic Gregorian calendar, by Howard
//! Hinnant's `days_from_civil` / `civil_from_days` algorithms
//! (<https://howardhinnant.github.io/date_algorithms.html>).

use std::fmt;

use crate::spec::month::Month;

/// Milliseconds in a day.
pub(crate) const MS_PER_DAY: i64 = 86_400_000;
const MS_PER_MINUTE: i64 = 60_000;

/// Unit of numeric timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsUnit {
    /// Seconds (`s`).
    Seconds,
    /// Milliseconds (`ms`).
    Millis,
}

impl TsUnit {
    /// Parses `s` or `ms`.
    pub fn parse(s: &str) -> Option<TsUnit> {
        match s.trim() {
            "s" => Some(TsUnit::Seconds),
            "ms" => Some(TsUnit::Millis),
            _ => None,
        }
    }

    fn millis(self) -> f64 {
        match self {
            TsUnit::Seconds => 1000.0,
            TsUnit::Millis => 1.0,
        }
    }
}

/// An instant: whole milliseconds since 1970-01-01T00:00:00 UTC, within the
/// years 0001 to 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// What a timestamp or date cell should look like, for error messages.
pub const TIMESTAMP_FORMS: &str = "an ISO 8601 date-time such as `2023-11-16 18:17:03.98`, \
     `2023-11-16T18:17:03Z` or `2023-11-16T20:17:03+02:00`, or a number with a timestamp unit (s or ms)";

impl Timestamp {
    /// 1970-01-01T00:00:00 UTC, the default origin of numeric timestamps.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// The instant `ms` milliseconds after the epoch, if within years 0001–9999.
    pub fn from_millis(ms: i64) -> Option<Timestamp> {
        (min_ms()..max_ms()).contains(&ms).then_some(Timestamp(ms))
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Midnight (UTC) of day `days` since the epoch.
    pub fn from_day(days: i64) -> Option<Timestamp> {
        days.checked_mul(MS_PER_DAY).and_then(Timestamp::from_millis)
    }

    /// Days since the epoch of this instant's UTC date.
    pub fn day(self) -> i64 {
        self.0.div_euclid(MS_PER_DAY)
    }

    /// Minutes since the epoch (the minute this instant falls in).
    pub fn minute(self) -> i64 {
        self.0.div_euclid(MS_PER_MINUTE)
    }

    /// The calendar month (UTC) of this instant.
    pub fn month(self) -> Month {
        month_of_day(self.day())
    }

    /// Parses an ISO 8601 date or date-time (see the module docs).
    pub fn parse_iso(s: &str) -> Option<Timestamp> {
        parse_iso(s.trim().as_bytes())
    }
}

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS` (UTC), with `.mmm` when the milliseconds are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.day());
        let ms = self.0.rem_euclid(MS_PER_DAY);
        let (h, min, sec, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        write!(f, "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{sec:02}")?;
        if milli != 0 {
            write!(f, ".{milli:03}")?;
        }
        Ok(())
    }
}

/// `YYYY-MM-DDTHH:MM` of minute `minute` since the epoch (UTC).
pub fn format_minute(minute: i64) -> String {
    let t = Timestamp(minute.saturating_mul(MS_PER_MINUTE));
    let (y, m, d) = civil_from_days(t.day());
    let mins = minute.rem_euclid(1440);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}", mins / 60, mins % 60)
}

/// `YYYY-MM-DD` of day `days` since the epoch.
pub fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses a timestamp cell: an ISO 8601 date-time, or, when `unit` is given,
/// a number of `unit`s after `origin`. The error says what was expected.
pub fn parse_cell(cell: &[u8], unit: Option<TsUnit>, origin: Timestamp) -> Result<Timestamp, String> {
    let cell = cell.trim_ascii();
    if cell.is_empty() {
        return Err(format!("empty timestamp; expected {TIMESTAMP_FORMS}"));
    }
    let numeric = cell.iter().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if numeric && !is_iso_date_prefix(cell) {
        let Some(unit) = unit else {
            return Err("a numeric timestamp needs a unit: give timestamp_unit = \"s\" or \"ms\" \
                        (--timestamp-unit s|ms), and timestamp_origin if it does not count from 1970-01-01"
                .into());
        };
        return numeric_timestamp(cell, unit, origin);
    }
    parse_iso(cell).ok_or_else(|| format!("expected {TIMESTAMP_FORMS}"))
}

/// Whether `b` starts like `YYYY-MM-DD` (so `2023-11-16` is a date, not a subtraction).
fn is_iso_date_prefix(b: &[u8]) -> bool {
    b.len() >= 10 && b[4] == b'-' && b[7] == b'-'
}

fn numeric_timestamp(cell: &[u8], unit: TsUnit, origin: Timestamp) -> Result<Timestamp, String> {
    let out_of_range =
        || "the timestamp falls outside the years 0001 to 9999; check timestamp_unit and timestamp_origin";
    // Whole numbers exactly (no float rounding of large millisecond counts).
    let offset = if let Some(n) = parse_int(cell) {
        n.checked_mul(unit.millis() as i64).ok_or_else(out_of_range)?
    } else {
        let v: f64 = std::str::from_utf8(cell)
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("expected {TIMESTAMP_FORMS}"))?;
        let ms = (v * unit.millis()).floor();
        if ms.abs() > 1e15 {
            return Err(out_of_range().into());
        }
        ms as i64
    };
    origin.0.checked_add(offset).and_then(Timestamp::from_millis).ok_or_else(|| out_of_range().into())
}

/// An optionally signed decimal integer, exactly.
fn parse_int(b: &[u8]) -> Option<i64> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    Some(if neg { -n } else { n })
}

/// Parses `YYYY-MM-DD` as days since the epoch (strict: 4-2-2 digits, a real date).
pub fn parse_date(b: &[u8]) -> Option<i64> {
    let b = b.trim_ascii();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = digits(&b[0..4])? as i32;
    let m = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    let month = Month::new(y, m)?;
    (y >= 1 && d >= 1 && d <= month.days()).then(|| days_from_civil(y, m, d))
}

/// The value of two digits.
fn two_digits(b: &[u8]) -> Option<u32> {
    let (h, l) = (b[0].wrapping_sub(b'0'), b[1].wrapping_sub(b'0'));
    (h <= 9 && l <= 9).then(|| u32::from(h) * 10 + u32::from(l))
}

/// The value of an all-digit slice.
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')))
}

/// `date [sep time [frac]] [offset]`, sep one of `T`, `t`, space.
fn parse_iso(b: &[u8]) -> Option<Timestamp> {
    let days = parse_date(b.get(..10)?)?;
    iso_after_date(days, &b[10..])
}

/// The instant of a date-time whose date is day `days`, from what follows the date.
#[inline(always)]
fn iso_after_date(days: i64, rest: &[u8]) -> Option<Timestamp> {
    if rest.is_empty() {
        return Timestamp::from_day(days);
    }
    if !matches!(rest[0], b'T' | b't' | b' ') {
        return None;
    }
    let (ms_of_day, rest) = parse_time(&rest[1..])?;
    let offset_ms = parse_offset(rest)?;
    let ms = days.checked_mul(MS_PER_DAY)?.checked_add(ms_of_day)?.checked_sub(offset_ms)?;
    Timestamp::from_millis(ms)
}

/// `HH:MM[:SS[(.|,)fraction]]` → (milliseconds into the day, the rest).
#[inline(always)]
fn parse_time(b: &[u8]) -> Option<(i64, &[u8])> {
    let h = two_digits(b.get(0..2)?)?;
    let m = two_digits(b.get(3..5)?)?;
    if b[2] != b':' || h > 23 || m > 59 {
        return None;
    }
    let (s_ms, rest) = parse_seconds(&b[5..])?;
    Some((i64::from(h * 3600 + m * 60) * 1000 + s_ms, rest))
}

/// `[:SS[(.|,)fraction]]` → (its milliseconds, the rest).
#[inline(always)]
fn parse_seconds(b: &[u8]) -> Option<(i64, &[u8])> {
    let mut ms = 0;
    let mut rest = b;
    if rest.first() == Some(&b':') {
        let s = two_digits(rest.get(1..3)?)?;
        if s > 59 {
            return None;
        }
        ms += i64::from(s) * 1000;
        rest = &rest[3..];
        if matches!(rest.first(), Some(b'.' | b',')) {
            // Milliseconds from the first three digits; the rest is truncated.
            let (mut n, mut frac) = (0, 0i64);
            while let Some(d) = rest.get(1 + n).map(|b| b.wrapping_sub(b'0')).filter(|&d| d <= 9) {
                if n < 3 {
                    frac = frac * 10 + i64::from(d);
                }
                n += 1;
            }
            if n == 0 {
                return None;
            }
            for _ in n.min(3)..3 {
                frac *= 10;
            }
            ms += frac;
            rest = &rest[1 + n..];
        }
    }
    Some((ms, rest))
}

/// Milliseconds to subtract to reach UTC: empty (naive), `Z`, `UTC`, or
/// `±HH`, `±HHMM`, `±HH:MM`, optionally after one space.
#[inline]
fn parse_offset(b: &[u8]) -> Option<i64> {
    let b = b.strip_prefix(b" ").unwrap_or(b);
    match b {
        [] | [b'Z' | b'z'] | b"UTC" => return Some(0),
        _ => {}
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let b = &b[1..];
    let (h, m) = match b.len() {
        2 => (digits(b)?, 0),
        4 => (digits(&b[..2])?, digits(&b[2..])?),
        5 if b[2] == b':' => (digits(&b[..2])?, digits(&b[3..])?),
        _ => return None,
    };
    (h <= 23 && m <= 59).then(|| sign * i64::from(h * 60 + m) * MS_PER_MINUTE)
}

/// Days since 1970-01-01 of a civil date (Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of day `z` since 1970-01-01 (Hinnant's `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The month of instants, remembering the last month's bounds: the rows
/// of a log mostly fall in the month of the row before.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MonthOf {
    /// `[from, to)` in ms is `month`.
    from: i64,
    to: i64,
    month: Month,
}

impl Default for MonthOf {
    fn default() -> MonthOf {
        MonthOf { from: 0, to: 0, month: month_of_day(0) }
    }
}

impl MonthOf {
    /// The month (UTC) of `t`.
    pub fn of(&mut self, t: Timestamp) -> Month {
        let ms = t.millis();
        if !(self.from..self.to).contains(&ms) {
            let month = t.month();
            *self = MonthOf { from: month_start_ms(month), to: month_start_ms(month.plus(1)), month };
        }
        self.month
    }
}

/// The month holding day `days` since the epoch.
pub fn month_of_day(days: i64) -> Month {
    let (y, m, _) = civil_from_days(days);
    // `m` is 1..=12 by construction, and days within the i64 millisecond range keep `y` within i32.
    Month::new(y as i32, m).expect("civil_from_days returns a month in 1..=12")
}

/// The month (UTC) holding instant `ms` (milliseconds since the epoch, any value).
pub fn month_of_ms(ms: i64) -> Month {
    month_of_day(ms.div_euclid(MS_PER_DAY))
}

/// Day (since the epoch) of the first of `month`.
pub fn first_day(month: Month) -> i64 {
    days_from_civil(month.year(), month.month(), 1)
}

/// Milliseconds since the epoch at the start of `month`.
pub fn month_start_ms(month: Month) -> i64 {
    first_day(month) * MS_PER_DAY
}

const fn min_ms() -> i64 {
    // days_from_civil(1, 1, 1) (checked in a test).
    -719_162 * MS_PER_DAY
}

const fn max_ms() -> i64 {
    // days_from_civil(10_000, 1, 1) (checked in a test).
    2_932_897 * MS_PER_DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> i64 {
        Timestamp::parse_iso(s).unwrap_or_else(|| panic!("{s} should parse")).millis()
    }

    #[test]
    fn civil_round_trips_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2023, 11, 16), 19_677);
        for z in [-800_000, -1, 0, 59, 60, 11_016, 19_677, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y as i32, m, d), z);
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(min_ms(), days_from_civil(1, 1, 1) * MS_PER_DAY);
        assert_eq!(max_ms(), days_from_civil(10_000, 1, 1) * MS_PER_DAY);
    }

    #[test]
    fn month_of_remembers_bounds_exactly() {
        let mut m = MonthOf::default();
        for s in [
            "2024-01-31T23:59:59.999",
            "2024-02-01T00:00:00",
            "2024-02-29T23:59:59.999",
            "2024-01-01T00:00:00",
            "1969-12-31T23:59:59.999",
            "2024-03-01T00:00:00",
        ] {
            let t = Timestamp::parse_iso(s).unwrap();
            assert_eq!(m.of(t), t.month(), "{s}");
        }
    }

    #[test]
    fn iso_fractions_offsets_and_z() {
        // 2023-11-16 is day 19,677: 19,677 * 86,400,000 = 1,700,092,800,000 ms.
        let midnight = 1_700_092_800_000;
        let t = midnight + (18 * 3600 + 17 * 60 + 3) * 1000;
        assert_eq!(iso("2023-11-16"), midnight);
        assert_eq!(iso("2023-11-16 18:17:03"), t);
        assert_eq!(iso("2023-11-16 18:17:03.9799600"), t + 979);
        assert_eq!(iso("2023-11-16T18:17:03.5"), t + 500);
        assert_eq!(iso("2023-11-16T18:17:03,25"), t + 250);
        assert_eq!(iso("2023-11-16T18:17:03Z"), t);
        assert_eq!(iso("2023-11-16t18:17:03z"), t);
        assert_eq!(iso("2023-11-16T18:17"), t - 3000);
        assert_eq!(iso("2023-11-16T20:17:03+02:00"), t);
        assert_eq!(iso("2023-11-16T13:17:03.000-0500"), t);
        assert_eq!(iso("2023-11-16T19:17:03+01"), t);
        assert_eq!(iso("2023-11-16 18:17:03 UTC"), t);
        // An offset can move the instant into the previous day and month.
        assert_eq!(Timestamp::parse_iso("2024-03-01T01:00:00+02:00").unwrap().month().to_string(), "2024-02");
    }

    #[test]
    fn iso_rejects_malformed() {
        for bad in [
            "2023-11-16T24:00",
            "2023-02-30",
            "2023-11-16T18:60",
            "2023-11-16T18:17:03.",
            "2023-11-16X18:17",
            "2023-11-16T18:17+25:00",
            "16/11/2023",
            "2023-11-16T18:17:03 junk",
            "",
        ] {
            assert!(Timestamp::parse_iso(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn numeric_seconds_and_millis_from_origin() {
        let origin = Timestamp::parse_iso("2024-01-01T00:00:00").unwrap();
        let p = |s: &str, u| parse_cell(s.as_bytes(), Some(u), origin).unwrap().millis() - origin.millis();
        assert_eq!(p("5", TsUnit::Seconds), 5000);
        assert_eq!(p("37274", TsUnit::Seconds), 37_274_000);
        assert_eq!(p("1.2345", TsUnit::Seconds), 1234);
        assert_eq!(p("3536999", TsUnit::Millis), 3_536_999);
        assert_eq!(p("-1", TsUnit::Millis), -1);
        let epoch = parse_cell(b"1700092800", Some(TsUnit::Seconds), Timestamp::EPOCH).unwrap();
        assert_eq!(epoch.to_string(), "2023-11-16T00:00:00");
        // Without a unit a number is an error that asks for one; ISO still parses.
        let e = parse_cell(b"17", None, Timestamp::EPOCH).unwrap_err();
        assert!(e.contains("timestamp_unit"), "{e}");
        assert!(parse_cell(b"2023-11-16", Some(TsUnit::Seconds), Timestamp::EPOCH).is_ok());
        assert!(parse_cell(b"1e30", Some(TsUnit::Seconds), Timestamp::EPOCH).unwrap_err().contains("0001"));
        assert!(parse_cell(b"12x", Some(TsUnit::Seconds), Timestamp::EPOCH).is_err());
    }

    #[test]
    fn minutes_days_months_and_formatting() {
        let t = Timestamp::parse_iso("2023-11-16 18:17:03.97996").unwrap();
        assert_eq!(t.to_string(), "2023-11-16T18:17:03.979");
        assert_eq!(format_minute(t.minute()), "2023-11-16T18:17");
        assert_eq!(t.month().to_string(), "2023-11");
        assert_eq!(format_day(t.day()), "2023-11-16");
        let before = Timestamp::from_millis(-1).unwrap();
        assert_eq!(before.minute(), -1);
        assert_eq!(format_minute(before.minute()), "1969-12-31T23:59");
        assert_eq!(month_start_ms(Month::parse("1970-02").unwrap()), 31 * MS_PER_DAY);
    }
}
