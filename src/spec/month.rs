//! Calendar months (`YYYY-MM`), the time unit of every forecast and bill.

use std::fmt;

/// A calendar month, stored as `year * 12 + (month - 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// The last month a report can name: 9999-12 (`YYYY-MM` has four digits
    /// of year). A scenario, a forecast or a history reaching past it is an error.
    pub const LAST: Month = Month(9999 * 12 + 11);

    /// The month of `year` and `month` (1..=12).
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then(|| Month(year * 12 + month as i32 - 1))
    }

    /// Parses `YYYY-MM` strictly.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month of the year, 1..=12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Months from `other` to `self` (`self - other`).
    pub fn since(self, other: Month) -> i32 {
        self.0 - other.0
    }

    /// Number of days in the month (Gregorian calendar).
    pub fn days(self) -> u32 {
        match self.month() {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ => {
                let y = self.year();
                if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                    29
                } else {
                    28
                }
            }
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_formats_and_counts() {
        let m = Month::parse("2027-01").unwrap();
        assert_eq!(m.to_string(), "2027-01");
        assert_eq!(m.plus(13).to_string(), "2028-02");
        assert_eq!(m.plus(13).days(), 29);
        assert_eq!(m.plus(-1).to_string(), "2026-12");
        assert_eq!(Month::parse("2100-02").unwrap().days(), 28);
        assert_eq!(Month::parse("2000-02").unwrap().days(), 29);
        assert_eq!(m.plus(5).since(m), 5);
        for bad in ["2027-13", "2027-1", "27-01", "2027/01", "2027-00", ""] {
            assert!(Month::parse(bad).is_none(), "{bad}");
        }
    }
}
