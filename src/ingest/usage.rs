//! The usage format (SPEC 3.1): one row per month (`month`), per day
//! (`date`) or per request or interval (`timestamp`), with `workload`
//! (optional), `model` and token counts, under standard or mapped column
//! names. [`UsageRows`] parses one row at a time; [`read`] sums them into
//! monthly series.

use std::path::Path;

use super::aggregate::{Aggregator, Counts};
use super::columns::Columns;
use super::input::Input;
use super::records::Rec;
use super::source::{shown, Source};
use super::timestamp::{self, MonthOf, Timestamp, MS_PER_DAY};
use super::{History, HistoryOptions, USAGE_COLUMNS};
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
#[derive(Debug, Clone, Copy)]
struct Layout {
    period: PeriodCol,
    workload: Option<usize>,
    model: Option<usize>,
    /// The input column, or the total column when `total`.
    input: usize,
    /// The output column (none when `total`).
    output: Option<usize>,
    cached: Option<usize>,
    /// Short- and long-lived cache-write columns.
    writes: [Option<usize>; 2],
    /// Total tokens only: the `input` column holds each row's total.
    total: bool,
}

/// One parsed row, borrowing its text from the reader.
pub(crate) struct Row<'a> {
    /// Its period.
    pub when: When,
    /// Workload name (not yet checked to be UTF-8: see [`RowReader::text`]).
    pub workload: &'a [u8],
    /// Model id (empty when the profile reader has no model column; not yet checked to be UTF-8).
    pub model: &'a [u8],
    /// Token counts.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// Cached input tokens.
    pub cached: u64,
    /// Short-lived cache writes.
    pub cache_write: u64,
    /// Long-lived cache writes.
    pub cache_write_long: u64,
}

/// What is wrong with a row, and where.
#[derive(Debug)]
pub(crate) struct Fault {
    pub at: FaultAt,
    pub message: String,
}

/// Where a [`Fault`] is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FaultAt {
    /// A cell of the row.
    Cell(usize),
    /// The row as a whole.
    Row,
    /// The fixed model given in the options, not the row.
    FixedModel,
}

/// Parses the rows of one usage file: one per thread (it remembers the last date read).
#[derive(Clone)]
pub(crate) struct RowReader<'o> {
    layout: Layout,
    opts: &'o HistoryOptions,
    /// Origin of numeric timestamps.
    origin: Timestamp,
    /// The months of the rows' instants.
    pub months: MonthOf,
}

impl<'o> RowReader<'o> {
    /// Parses record `r`. Inlined into its callers, as are the cell
    /// parsers under it: a parser returned out of line hands its result
    /// back through memory, and reading it back stalled the row parser
    /// (about a quarter of its time, measured with perf).
    #[inline(always)]
    pub fn row<'a>(&mut self, r: Rec<'a>) -> std::result::Result<Row<'a>, Fault>
    where
        'o: 'a,
    {
        let l = &self.layout;
        let when = match l.period {
            PeriodCol::Month(c) => When::Month(parse_month(r.cell(c)).ok_or_else(|| {
                bad(r, c, |v| format!("expected a month as YYYY-MM (or a date YYYY-MM-DD), found {v}"))
            })?),
            PeriodCol::Date(c) => When::Day(
                parse_day(r.cell(c))
                    .ok_or_else(|| bad(r, c, |v| format!("expected a date as YYYY-MM-DD, found {v}")))?,
            ),
            PeriodCol::Timestamp(c) => When::Instant(
                timestamp::parse_cell(r.cell(c), self.opts.timestamp_unit, self.origin)
                    .map_err(|why| bad(r, c, |v| format!("cannot read timestamp {v}: {why}")))?,
            ),
        };
        let workload = match (l.workload, &self.opts.workload) {
            (_, Some(w)) => w.as_bytes(),
            (Some(c), None) => nonempty(r, c, "workload")?,
            (None, None) => b"all",
        };
        let model = match (l.model, &self.opts.model) {
            (_, Some(m)) => m.as_bytes(),
            (Some(c), None) if self.opts.window_rows && r.cell(c).is_empty() => b"",
            (Some(c), None) => nonempty(r, c, "model id")?,
            (None, None) => b"",
        };
        let input = count(r, l.input, false)?;
        let output = match l.output {
            Some(c) => count(r, c, false)?,
            None => 0,
        };
        let cached = l.cached.map(|c| count(r, c, true)).transpose()?.unwrap_or(0);
        let [cache_write, cache_write_long] = match l.writes {
            [None, None] => [0, 0],
            [a, b] => [
                a.map(|c| count(r, c, true)).transpose()?.unwrap_or(0),
                b.map(|c| count(r, c, true)).transpose()?.unwrap_or(0),
            ],
        };
        Ok(Row { when, workload, model, input, output, cached, cache_write, cache_write_long })
    }

    /// The workload and model of `row` as text; invalid UTF-8 is a fault
    /// at its column. Rows are parsed as bytes and only new names checked.
    pub fn text<'a>(&self, row: &Row<'a>) -> std::result::Result<(&'a str, &'a str), Fault> {
        let utf8 = |b: &'a [u8], col: Option<usize>| {
            std::str::from_utf8(b).map_err(|_| Fault {
                at: col.map_or(FaultAt::Row, FaultAt::Cell),
                message: "the cell is not UTF-8 text".into(),
            })
        };
        Ok((utf8(row.workload, self.layout.workload)?, utf8(row.model, self.layout.model)?))
    }

    /// A fault about the row's model (at its column, or the fixed model).
    pub fn model_fault(&self, message: String) -> Fault {
        Fault { at: self.layout.model.map_or(FaultAt::FixedModel, FaultAt::Cell), message }
    }

    /// Column index of the model column, if read from the file.
    pub fn model_col(&self) -> Option<usize> {
        self.layout.model
    }
}

/// A usage file, read with [`UsageRows::fold`].
pub(crate) struct UsageRows<'o> {
    src: Source,
    need: Need,
    /// Parses the rows.
    pub reader: RowReader<'o>,
    /// Notes about the layout (ignored columns).
    pub warnings: Vec<String>,
}

impl<'o> UsageRows<'o> {
    /// Opens `path` and finds the columns `need` requires.
    pub fn open(path: &Path, opts: &'o HistoryOptions, need: Need) -> Result<UsageRows<'o>> {
        UsageRows::from_input(Input::open(path)?, opts, need)
    }

    /// Finds the columns `need` requires in `input` (a file, or a table a
    /// preset made).
    pub fn from_input(input: Input, opts: &'o HistoryOptions, need: Need) -> Result<UsageRows<'o>> {
        let src = Source::from_input(input)?;
        let mut warnings = Vec::new();
        let layout = layout(&src, opts, need, &mut warnings)?;
        let origin = opts.timestamp_origin.unwrap_or(Timestamp::EPOCH);
        Ok(UsageRows { src, need, reader: RowReader { layout, opts, origin, months: MonthOf::default() }, warnings })
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

    /// The error for `f` at the current row.
    pub fn error(&self, f: Fault) -> crate::Error {
        match f.at {
            FaultAt::Cell(col) => self.src.error(col, f.message),
            FaultAt::Row => crate::Error::Invalid { at: self.src.location(None), message: f.message },
            FaultAt::FixedModel => crate::Error::invalid(self.src.path(), "model", f.message),
        }
    }

    /// Reads every row into one state. On rayon's threads, each thread
    /// folds the rows it is given into its own `init()` with `add` (see
    /// [`Source::fold_par`]), and `combine` joins the threads' states. When
    /// `add` meets a fault, or `combine` refuses (None), the file is read
    /// again, row by row in file order, into one state, and the fault at the
    /// first faulty row is the error, with its line.
    pub fn fold<S: Send>(
        &mut self,
        init: impl Fn() -> S + Sync,
        add: impl Fn(&mut S, &mut RowReader<'o>, Rec<'_>) -> std::result::Result<(), Fault> + Sync,
        combine: impl FnOnce(Vec<S>) -> Option<S>,
    ) -> Result<S> {
        let reader = &self.reader;
        let parts = self.src.fold_par(
            rayon::current_num_threads(),
            || (reader.clone(), init()),
            |(rd, state), r| add(state, rd, r).is_ok(),
        )?;
        if let Some(state) = parts.and_then(|v| combine(v.into_iter().map(|(_, s)| s).collect())) {
            return Ok(state);
        }
        *self = UsageRows::from_input(self.src.input().clone(), self.reader.opts, self.need)?;
        let mut state = init();
        while self.src.next_record()? {
            if let Err(f) = add(&mut state, &mut self.reader, self.src.record()) {
                return Err(self.error(f));
            }
        }
        Ok(state)
    }
}

/// Finds the columns; notes columns that a fixed `model`/`workload` overrides.
fn layout(src: &Source, opts: &HistoryOptions, need: Need, warnings: &mut Vec<String>) -> Result<Layout> {
    let cols = Columns::new(src.path(), src.headers(), &opts.columns, USAGE_COLUMNS, "usage")?;
    // Every column is looked up before any is reported missing, so that one
    // error names them all (Columns::finish).
    let period = match need {
        Need::Profile => match cols.find("timestamp")? {
            Some(c) => Some(PeriodCol::Timestamp(c)),
            None => {
                cols.missing("timestamp", "one row per request, with its date-time; profile needs it");
                None
            }
        },
        Need::History => match (cols.find("timestamp")?, cols.find("date")?, cols.find("month")?) {
            (Some(c), _, _) => Some(PeriodCol::Timestamp(c)),
            (None, Some(c), _) => Some(PeriodCol::Date(c)),
            (None, None, Some(c)) => Some(PeriodCol::Month(c)),
            _ => {
                // A mapped period column that is absent is the problem, not a missing `month`.
                if !cols.has_problem(&["timestamp", "date", "month"]) {
                    cols.missing("month", "the period: `month` YYYY-MM, `date` YYYY-MM-DD or `timestamp`");
                }
                None
            }
        },
    };
    if let Some(PeriodCol::Date(c) | PeriodCol::Month(c)) = period {
        let given: Vec<&str> =
            [("timestamp_unit", opts.timestamp_unit.is_some()), ("timestamp_origin", opts.timestamp_origin.is_some())]
                .iter()
                .filter_map(|&(name, on)| on.then_some(name))
                .collect();
        if !given.is_empty() {
            warnings.push(format!(
                "{}: {} {} ignored: the file has no timestamp column (its rows are dated by column `{}`)",
                src.path().display(),
                given.join(" and "),
                if given.len() == 1 { "is" } else { "are" },
                src.headers()[c]
            ));
        }
    }
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
        cols.missing("model", "the model id of each row; or give a fixed model = \"...\" / --model");
    }
    // A history of total tokens only (vendor dashboards): a `total_tokens`
    // column and neither an input nor an output column.
    let total = match need {
        Need::History => cols.find("total_tokens")?,
        Need::Profile => None,
    };
    if let Some(t) = total {
        if cols.find("input_tokens")?.is_none() && cols.find("output_tokens")?.is_none() {
            for class in ["cached_input_tokens", "cache_write_input_tokens", "cache_write_long_input_tokens"] {
                if let Some(c) = cols.find(class)? {
                    return Err(src.error(
                        c,
                        format!(
                            "a file of total tokens cannot also split out {class}; give input_tokens and \
                             output_tokens too, or drop {class}"
                        ),
                    ));
                }
            }
            return cols.finish(|| {
                Some(Layout {
                    period: period?,
                    workload,
                    model,
                    input: t,
                    output: None,
                    cached: None,
                    writes: [None, None],
                    total: true,
                })
            });
        }
    }
    let input = cols.require("input_tokens", "uncached input tokens")?;
    let output = cols.require("output_tokens", "output tokens")?;
    let cached = cols.find("cached_input_tokens")?;
    let writes = [cols.find("cache_write_input_tokens")?, cols.find("cache_write_long_input_tokens")?];
    cols.finish(|| {
        Some(Layout {
            period: period?,
            workload,
            model,
            input: input?,
            output: Some(output?),
            cached,
            writes,
            total: false,
        })
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

/// A fault at cell `col`, its message made from the cell as shown in
/// messages. Out of line: the row parser's fast path stays small.
#[cold]
#[inline(never)]
fn bad(r: Rec<'_>, col: usize, message: impl FnOnce(String) -> String) -> Fault {
    Fault { at: FaultAt::Cell(col), message: message(shown(r.cell(col))) }
}

#[inline(always)]
fn nonempty<'a>(r: Rec<'a>, col: usize, what: &'static str) -> std::result::Result<&'a [u8], Fault> {
    let s = r.cell(col);
    if s.is_empty() {
        return Err(empty(col, what));
    }
    Ok(s)
}

#[cold]
#[inline(never)]
fn empty(col: usize, what: &str) -> Fault {
    Fault { at: FaultAt::Cell(col), message: format!("empty cell; expected a {what}") }
}

/// A token-count cell; an empty optional cell counts as 0.
#[inline(always)]
fn count(r: Rec<'_>, col: usize, optional: bool) -> std::result::Result<u64, Fault> {
    let cell = r.cell(col);
    match plain_digits(cell) {
        Some(n) => Ok(n),
        None => count_slow(cell, col, optional),
    }
}

/// A cell of 1 to 19 digits (which cannot overflow a u64).
#[inline(always)]
fn plain_digits(cell: &[u8]) -> Option<u64> {
    if cell.is_empty() || cell.len() > 19 {
        return None;
    }
    let mut n = 0u64;
    for &b in cell {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + u64::from(d);
    }
    Some(n)
}

/// [`count`] of any other cell: a number such as `12.0`, or a fault.
#[cold]
#[inline(never)]
fn count_slow(cell: &[u8], col: usize, optional: bool) -> std::result::Result<u64, Fault> {
    if cell.is_empty() && optional {
        return Ok(0);
    }
    parse_count(cell).map_err(|problem| {
        let value = if cell.is_empty() { String::new() } else { format!(" {}", shown(cell)) };
        Fault { at: FaultAt::Cell(col), message: format!("{problem}{value}; expected a whole number of tokens >= 0") }
    })
}

/// A non-negative whole number: digits, or a number such as `12.0` or
/// `1.2e9` whose value is whole. The error says what is wrong.
pub(crate) fn parse_count(cell: &[u8]) -> std::result::Result<u64, &'static str> {
    if let Some(n) = plain_digits(cell) {
        return Ok(n);
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

/// Reads a usage file into monthly series: on all threads, each summing
/// the rows it is given (exactly, so the result does not depend on the
/// thread count); when a row is faulty, again in file order for the error
/// at the first faulty row.
pub(crate) fn read(path: &Path, opts: &HistoryOptions, catalog: Option<&Catalog>) -> Result<History> {
    read_input(Input::open(path)?, opts, catalog)
}

/// [`read`] of an input already opened (a file, or a preset's table).
pub(crate) fn read_input(input: Input, opts: &HistoryOptions, catalog: Option<&Catalog>) -> Result<History> {
    let path = input.path().to_path_buf();
    let path = path.as_path();
    let mut rows = UsageRows::from_input(input, opts, Need::History)?;
    let agg = rows.fold(
        Aggregator::default,
        |agg: &mut Aggregator<Counts>, rd, r| add_row(agg, rd, catalog, r),
        |parts| {
            parts.into_iter().reduce(|mut a, b| {
                a.merge(b);
                a
            })
        },
    )?;
    let mut h = agg.finish(path, opts.gaps_zero)?;
    h.total_only = rows.reader.layout.total;
    if h.total_only {
        h.warnings.push(format!(
            "{}: the file counts total tokens only (no input or output column); forecasts use the totals, and a \
             scenario prices them at the mix given in [history] shares",
            path.display()
        ));
    }
    h.rows_read = Some(rows.rows());
    h.warnings.splice(0..0, rows.into_warnings());
    Ok(h)
}

/// Adds record `r` to its series and month.
fn add_row(
    agg: &mut Aggregator<Counts>,
    rd: &mut RowReader<'_>,
    catalog: Option<&Catalog>,
    r: Rec<'_>,
) -> std::result::Result<(), Fault> {
    let row = rd.row(r)?;
    if row.model.is_empty() {
        // A period observed without use (rows the presets write): the window only.
        match row.when {
            When::Day(d) => agg.cover(d * MS_PER_DAY, (d + 1) * MS_PER_DAY),
            When::Instant(t) => agg.cover(t.millis(), t.millis()),
            When::Month(_) => {}
        }
        return Ok(());
    }
    let i = match agg.find(row.workload, row.model) {
        Some(i) => i,
        None => {
            let (workload, model) = rd.text(&row)?;
            if let Some(msg) = catalog.and_then(|c| c.find(model).err()) {
                return Err(rd.model_fault(msg));
            }
            agg.insert(workload, model)
        }
    };
    let counts = Counts {
        input: row.input.into(),
        output: row.output.into(),
        cached: row.cached.into(),
        cache_write: row.cache_write.into(),
        cache_write_long: row.cache_write_long.into(),
    };
    let month = match row.when {
        When::Month(m) => m,
        When::Day(d) => {
            agg.cover(d * MS_PER_DAY, (d + 1) * MS_PER_DAY);
            timestamp::month_of_day(d)
        }
        When::Instant(t) => {
            agg.cover(t.millis(), t.millis());
            rd.months.of(t)
        }
    };
    agg.add(i, month, counts);
    Ok(())
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
