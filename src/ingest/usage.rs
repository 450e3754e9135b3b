//! The usage format (SPEC 3.1): one row per month (`month`), per day
//! (`date`) or per request or interval (`timestamp`), with `workload`
//! (optional), `model` and token counts, under standard or mapped column
//! names. [`UsageRows`] parses one row at a time; [`read`] sums them into
//! monthly series.

use std::path::Path;

use super::aggregate::Aggregator;
use super::columns::Columns;
use super::source::Source;
use super::timestamp::{self, Timestamp, MS_PER_DAY};
use super::{History, HistoryOptions, MonthUsage, USAGE_COLUMNS};
use crate::error::Result;
use crate::spec::catalog::Catalog;
use crate::spec::month::Month;

/// What the caller needs from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Monthly history: any period column; a model (column or fixed).
    History,
    /// Per-minute load: a timestamp column; the model is optional.
    Profile,
}

/// The period of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// A calendar month (`month` column).
    Month(Month),
    /// A day, as days since 1970-01-01 (`date` column).
    Day(i64),
    /// An instant (`timestamp` column).
    Instant(Timestamp),
}

#[derive(Debug, Clone, Copy)]
enum PeriodCol {
    Month(usize),
    Date(usize),
    Timestamp(usize),
}

/// Column indices of the fields a row needs.
struct Layout {
    period: PeriodCol,
    workload: Option<usize>,
    model: Option<usize>,
    input: usize,
    output: usize,
    cached: Option<usize>,
}

/// One parsed row, borrowing its text from the reader.
pub(crate) struct Row<'a> {
    /// Its period.
    pub when: When,
    /// Workload name.
    pub workload: &'a str,
    /// Model id (empty when the profile reader has no model column).
    pub model: &'a str,
    /// Token counts.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// Cached input tokens.
    pub cached: u64,
}

/// A usage file read one row at a time.
pub(crate) struct UsageRows<'o> {
    src: Source,
    layout: Layout,
    opts: &'o HistoryOptions,
    origin: Timestamp,
    /// Notes about the layout (ignored columns).
    pub warnings: Vec<String>,
}

impl<'o> UsageRows<'o> {
    /// Opens `path` and finds the columns `need` requires.
    pub fn open(path: &Path, opts: &'o HistoryOptions, need: Need) -> Result<UsageRows<'o>> {
        let src = Source::open(path)?;
        let mut warnings = Vec::new();
        let layout = layout(&src, opts, need, &mut warnings)?;
        let origin = opts.timestamp_origin.unwrap_or(Timestamp::EPOCH);
        Ok(UsageRows { src, layout, opts, origin, warnings })
    }

    /// Data rows read so far.
    pub fn rows(&self) -> u64 {
        self.src.rows()
    }

    /// The notes about the layout, and about rows longer than the header:
    /// call at the end of the file.
    pub fn into_warnings(self) -> Vec<String> {
        let mut w = self.warnings;
        w.extend(self.src.long_rows_warning());
        w
    }

    /// Column index of the model column, if read from the file.
    pub fn model_col(&self) -> Option<usize> {
        self.layout.model
    }

    /// The error for the current row's model column (or, when fixed, the file).
    pub fn model_error(&self, message: String) -> crate::Error {
        match self.layout.model {
            Some(col) => self.src.error(col, message),
            None => crate::Error::invalid(self.src.path(), "model", message),
        }
    }

    /// An [`Error::Invalid`](crate::Error::Invalid) at the current row's line, naming no column.
    pub fn row_error(&self, message: String) -> crate::Error {
        crate::Error::Invalid {
            at: crate::error::Location { file: self.src.path().to_path_buf(), line: Some(self.src.line()), key: None },
            message,
        }
    }

    /// The next row, or None at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        if !self.src.next_record()? {
            return Ok(None);
        }
        let l = &self.layout;
        let src = &self.src;
        let when = match l.period {
            PeriodCol::Month(c) => When::Month(parse_month(src.cell(c)).ok_or_else(|| {
                src.error(c, format!("expected a month as YYYY-MM (or a date YYYY-MM-DD), found {}", src.shown(c)))
            })?),
            PeriodCol::Date(c) => When::Day(
                parse_day(src.cell(c))
                    .ok_or_else(|| src.error(c, format!("expected a date as YYYY-MM-DD, found {}", src.shown(c))))?,
            ),
            PeriodCol::Timestamp(c) => When::Instant(
                timestamp::parse_cell(src.cell(c), self.opts.timestamp_unit, self.origin)
                    .map_err(|why| src.error(c, format!("cannot read timestamp {}: {why}", src.shown(c))))?,
            ),
        };
        let workload = match (l.workload, &self.opts.workload) {
            (_, Some(w)) => w.as_str(),
            (Some(c), None) => nonempty(src, c, "workload")?,
            (None, None) => "all",
        };
        let model = match (l.model, &self.opts.model) {
            (_, Some(m)) => m.as_str(),
            (Some(c), None) => nonempty(src, c, "model id")?,
            (None, None) => "",
        };
        let input = count(src, l.input, false)?;
        let output = count(src, l.output, false)?;
        let cached = l.cached.map(|c| count(src, c, true)).transpose()?.unwrap_or(0);
        Ok(Some(Row { when, workload, model, input, output, cached }))
    }
}

/// Finds the columns; notes columns that a fixed `model`/`workload` overrides.
fn layout(src: &Source, opts: &HistoryOptions, need: Need, warnings: &mut Vec<String>) -> Result<Layout> {
    let cols = Columns::new(src.path(), src.headers(), &opts.columns, USAGE_COLUMNS, "usage")?;
    let period = match need {
        Need::Profile => match cols.find("timestamp")? {
            Some(c) => PeriodCol::Timestamp(c),
            None => return Err(cols.missing("timestamp", "one row per request, with its date-time; profile needs it")),
        },
        Need::History => match (cols.find("timestamp")?, cols.find("date")?, cols.find("month")?) {
            (Some(c), _, _) => PeriodCol::Timestamp(c),
            (None, Some(c), _) => PeriodCol::Date(c),
            (None, None, Some(c)) => PeriodCol::Month(c),
            _ => return Err(cols.missing("month", "the period: `month` YYYY-MM, `date` YYYY-MM-DD or `timestamp`")),
        },
    };
    let mut fixed = |name: &str, value: &Option<String>| -> Result<Option<usize>> {
        let col = cols.find(name)?;
        match (col, value) {
            (Some(c), Some(v)) => {
                warnings.push(format!(
                    "{}: column `{}` is ignored; every row counts as {name} `{v}`",
                    src.path().display(),
                    src.headers()[c]
                ));
                Ok(None)
            }
            (c, _) => Ok(c),
        }
    };
    let workload = fixed("workload", &opts.workload)?;
    let model = fixed("model", &opts.model)?;
    if model.is_none() && opts.model.is_none() && need == Need::History {
        return Err(cols.missing("model", "the model id of each row; or give a fixed model = \"...\" / --model"));
    }
    Ok(Layout {
        period,
        workload,
        model,
        input: cols.require("input_tokens", "uncached input tokens")?,
        output: cols.require("output_tokens", "output tokens")?,
        cached: cols.find("cached_input_tokens")?,
    })
}

/// `YYYY-MM`, or a date `YYYY-MM-DD` (its month).
fn parse_month(cell: &[u8]) -> Option<Month> {
    let s = std::str::from_utf8(cell).ok()?;
    Month::parse(s).or_else(|| timestamp::parse_date(cell).map(timestamp::month_of_day))
}

/// `YYYY-MM-DD`, or a date-time (its UTC date).
fn parse_day(cell: &[u8]) -> Option<i64> {
    timestamp::parse_date(cell).or_else(|| Timestamp::parse_iso(std::str::from_utf8(cell).ok()?).map(Timestamp::day))
}

fn nonempty<'a>(src: &'a Source, col: usize, what: &str) -> Result<&'a str> {
    let s = src.text(col)?;
    if s.is_empty() {
        return Err(src.error(col, format!("empty cell; expected a {what}")));
    }
    Ok(s)
}

/// A token-count cell; an empty optional cell counts as 0.
fn count(src: &Source, col: usize, optional: bool) -> Result<u64> {
    let cell = src.cell(col);
    if cell.is_empty() && optional {
        return Ok(0);
    }
    parse_count(cell).map_err(|problem| {
        let value = if cell.is_empty() { String::new() } else { format!(" {}", src.shown(col)) };
        src.error(col, format!("{problem}{value}; expected a whole number of tokens >= 0"))
    })
}

/// A non-negative whole number: digits, or a number such as `12.0` or
/// `1.2e9` whose value is whole. The error says what is wrong.
pub(crate) fn parse_count(cell: &[u8]) -> std::result::Result<u64, &'static str> {
    if !cell.is_empty() && cell.len() <= 19 {
        // Plain digits, the common case, in one pass (19 digits cannot overflow u64).
        let mut n = 0u64;
        let mut digits = true;
        for &b in cell {
            digits &= b.is_ascii_digit();
            n = n.wrapping_mul(10).wrapping_add(u64::from(b.wrapping_sub(b'0')));
        }
        if digits {
            return Ok(n);
        }
    }
    if cell.is_empty() {
        return Err("empty cell");
    }
    let v: f64 = std::str::from_utf8(cell)
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|v: &f64| v.is_finite())
        .ok_or("not a number:")?;
    if v < 0.0 {
        return Err("negative token count");
    }
    if v.fract() != 0.0 {
        return Err("fractional token count");
    }
    if v >= 1.8e19 {
        return Err("token count too large:");
    }
    Ok(v as u64)
}

/// Reads a usage file into monthly series.
pub(crate) fn read(path: &Path, opts: &HistoryOptions, catalog: Option<&Catalog>) -> Result<History> {
    let mut rows = UsageRows::open(path, opts, Need::History)?;
    let mut agg = Aggregator::default();
    while let Some(r) = rows.next_row()? {
        let (i, new) = agg.series(r.workload, r.model);
        let unknown = if new { catalog.and_then(|c| c.find(r.model).err()) } else { None };
        let usage = MonthUsage { input: r.input as f64, output: r.output as f64, cached: r.cached as f64 };
        let month = match r.when {
            When::Month(m) => m,
            When::Day(d) => {
                agg.cover(d * MS_PER_DAY, (d + 1) * MS_PER_DAY);
                timestamp::month_of_day(d)
            }
            When::Instant(t) => {
                agg.cover(t.millis(), t.millis());
                t.month()
            }
        };
        if let Some(msg) = unknown {
            return Err(rows.model_error(msg));
        }
        agg.add(i, month, usage);
    }
    let mut h = agg.finish(path, opts.gaps_zero)?;
    h.warnings.splice(0..0, rows.into_warnings());
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_whole_numbers_only() {
        assert_eq!(parse_count(b"0"), Ok(0));
        assert_eq!(parse_count(b"4808"), Ok(4808));
        assert_eq!(parse_count(b"12.0"), Ok(12));
        assert_eq!(parse_count(b"1.2e9"), Ok(1_200_000_000));
        assert!(parse_count(b"12.5").unwrap_err().starts_with("fractional"));
        assert!(parse_count(b"-3").unwrap_err().starts_with("negative"));
        assert!(parse_count(b"abc").unwrap_err().starts_with("not a number"));
        assert!(parse_count(b"NaN").unwrap_err().starts_with("not a number"));
        assert!(parse_count(b"").unwrap_err().starts_with("empty"));
        assert!(parse_count(b"1e30").unwrap_err().contains("too large"));
        assert_eq!(parse_count(b"9999999999999999999"), Ok(9_999_999_999_999_999_999));
    }

    #[test]
    fn months_and_days_accept_the_documented_forms() {
        assert_eq!(parse_month(b"2027-01").unwrap().to_string(), "2027-01");
        assert_eq!(parse_month(b"2027-01-01").unwrap().to_string(), "2027-01");
        assert!(parse_month(b"Jan 2027").is_none());
        assert_eq!(parse_day(b"1970-01-02"), Some(1));
        assert_eq!(parse_day(b"1970-01-02T23:00:00"), Some(1));
        assert!(parse_day(b"02/01/1970").is_none());
    }
}
