//! Summing rows into monthly series, then the history rules: no gaps inside
//! a series (or zeros, with `gaps = "zero"`), and partial edge months scaled
//! to full months.
//!
//! Partial months. Dated rows (daily, timestamped, FOCUS charge periods)
//! define the file's observation window, from the earliest start to the
//! latest end. The first and the last month of that window may be only
//! partly observed: each is scaled by `month length / observed part`, and a
//! warning says so. The window is the file's, not each series': a series
//! that begins in the middle of a fully observed month (a launch) is not
//! scaled. A window edge within [`COMPLETE_WITHIN_MS`] of the month boundary
//! counts as complete (hourly interval rows stamped at the hour end one hour
//! before midnight); an edge month observed for less than a minute is not
//! scaled and a warning says so. Monthly rows are never scaled.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::timestamp::{month_of_ms, month_start_ms, Timestamp, MS_PER_DAY};
use super::{History, MonthUsage, Series};
use crate::error::{Error, Location, Result};
use crate::spec::month::Month;

/// An edge month observed to within this much of its boundary is complete.
pub(crate) const COMPLETE_WITHIN_MS: i64 = 3_600_000;
/// Up to this many series, a row's series is found by comparing names.
const LINEAR_SCAN: usize = 16;
/// An edge month observed for less than this is not scaled.
const MIN_OBSERVED_MS: i64 = 60_000;

/// What a month of a series sums: [`MonthUsage`] (FOCUS quantities), or
/// exact [`Counts`] (whole tokens of a usage file, whose sum must not
/// depend on the order of the rows).
pub(crate) trait Tokens: Copy + Default {
    /// Adds `o`.
    fn add(&mut self, o: Self);
    /// As token counts.
    fn usage(self) -> MonthUsage;
}

impl Tokens for MonthUsage {
    fn add(&mut self, o: MonthUsage) {
        self.input += o.input;
        self.output += o.output;
        self.cached += o.cached;
        self.cache_write += o.cache_write;
        self.cache_write_long += o.cache_write_long;
    }

    fn usage(self) -> MonthUsage {
        self
    }
}

/// Whole token counts, summed exactly: a u128 cannot overflow on sums of
/// u64 cells, so rows read on several threads add up to the same figures
/// in any order. Rounded to `f64` once, in [`Tokens::usage`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Counts {
    pub input: u128,
    pub output: u128,
    pub cached: u128,
    pub cache_write: u128,
    pub cache_write_long: u128,
}

impl Tokens for Counts {
    fn add(&mut self, o: Counts) {
        self.input += o.input;
        self.output += o.output;
        self.cached += o.cached;
        self.cache_write += o.cache_write;
        self.cache_write_long += o.cache_write_long;
    }

    fn usage(self) -> MonthUsage {
        MonthUsage {
            input: self.input as f64,
            output: self.output as f64,
            cached: self.cached as f64,
            cache_write: self.cache_write as f64,
            cache_write_long: self.cache_write_long as f64,
        }
    }
}

/// Per-(workload, model, month) sums and the observation window.
pub(crate) struct Aggregator<V: Tokens = MonthUsage> {
    index: HashMap<Vec<u8>, usize>,
    key: Vec<u8>,
    series: Vec<Acc<V>>,
    /// The series of the last lookup.
    last: usize,
    /// The observation window of dated rows.
    window: Option<Window>,
}

impl<V: Tokens> Default for Aggregator<V> {
    fn default() -> Self {
        Aggregator { index: HashMap::new(), key: Vec::new(), series: Vec::new(), last: 0, window: None }
    }
}

/// Earliest start, latest start and latest end of dated rows, in ms. A row
/// belongs to the month of its start, so the latest start gives the last month.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    last_start: i64,
    end: i64,
}

struct Acc<V> {
    workload: String,
    model: String,
    months: BTreeMap<Month, V>,
    /// The month rows were last added to, summed apart from `months`: rows
    /// mostly come in time order, so most skip the map.
    hot: Option<(Month, V)>,
}

impl<V: Tokens> Acc<V> {
    fn flush(&mut self) {
        if let Some((m, v)) = self.hot.take() {
            self.months.entry(m).or_default().add(v);
        }
    }
}

impl<V: Tokens> Aggregator<V> {
    /// The index of series (workload, model), and whether it is new.
    pub fn series(&mut self, workload: &str, model: &str) -> (usize, bool) {
        match self.find(workload.as_bytes(), model.as_bytes()) {
            Some(i) => (i, false),
            None => (self.insert(workload, model), true),
        }
    }

    /// The index of series (workload, model), if it has one.
    pub fn find(&mut self, workload: &[u8], model: &[u8]) -> Option<usize> {
        let is = |s: &Acc<V>| s.workload.as_bytes() == workload && s.model.as_bytes() == model;
        if self.series.get(self.last).is_some_and(is) {
            return Some(self.last);
        }
        // Most files hold a handful of series: comparing names beats hashing them.
        let found = if self.series.len() <= LINEAR_SCAN {
            self.series.iter().position(is)
        } else {
            self.key.clear();
            self.key.extend_from_slice(workload);
            self.key.push(0x1f);
            self.key.extend_from_slice(model);
            self.index.get(&self.key).copied()
        };
        self.last = found.unwrap_or(self.last);
        found
    }

    /// Adds series (workload, model), which [`Aggregator::find`] did not find; returns its index.
    pub fn insert(&mut self, workload: &str, model: &str) -> usize {
        let i = self.series.len();
        self.index.insert([workload.as_bytes(), &[0x1f], model.as_bytes()].concat(), i);
        self.series.push(Acc { workload: workload.into(), model: model.into(), months: BTreeMap::new(), hot: None });
        self.last = i;
        i
    }

    /// Adds `u` to series `i` in `month`.
    pub fn add(&mut self, i: usize, month: Month, u: V) {
        let s = &mut self.series[i];
        match &mut s.hot {
            Some((m, v)) if *m == month => v.add(u),
            _ => {
                s.flush();
                s.hot = Some((month, u));
            }
        }
    }

    /// Adds everything `other` holds.
    pub fn merge(&mut self, other: Aggregator<V>) {
        for mut acc in other.series {
            acc.flush();
            let i = match self.find(acc.workload.as_bytes(), acc.model.as_bytes()) {
                Some(i) => i,
                None => self.insert(&acc.workload, &acc.model),
            };
            for (m, v) in acc.months {
                self.series[i].flush();
                self.series[i].months.entry(m).or_default().add(v);
            }
        }
        if let Some(w) = other.window {
            self.cover(w.start, w.end);
            self.cover(w.last_start, w.last_start);
        }
    }

    /// Widens the observation window to hold a row covering `[start, end]`
    /// (ms; `end == start` for an instant).
    pub fn cover(&mut self, start: i64, end: i64) {
        self.window = Some(match self.window {
            None => Window { start, last_start: start, end },
            Some(w) => Window { start: w.start.min(start), last_start: w.last_start.max(start), end: w.end.max(end) },
        });
    }

    /// Applies the gap and partial-month rules and returns the series sorted
    /// by workload then model.
    pub fn finish(self, path: &Path, gaps_zero: bool) -> Result<History> {
        let mut warnings = Vec::new();
        let mut accs: Vec<Acc<MonthUsage>> = self
            .series
            .into_iter()
            .map(|mut s| {
                s.flush();
                let months = s.months.into_iter().map(|(m, v)| (m, v.usage())).collect();
                Acc { workload: s.workload, model: s.model, months, hot: None }
            })
            .collect();
        let file_last = accs.iter().filter_map(|s| s.months.keys().next_back()).max().copied();
        accs.sort_by(|a, b| (&a.workload, &a.model).cmp(&(&b.workload, &b.model)));
        let mut series = Vec::with_capacity(accs.len());
        let mut early = Vec::new();
        for acc in accs {
            series.push(consecutive(path, acc, file_last, gaps_zero, &mut early)?);
        }
        if let Some(f) = file_last {
            warnings.extend(early_end_warnings(&early, f, gaps_zero));
        }
        let scaled = match self.window {
            Some(window) => scale_edges(&mut series, window, &mut warnings),
            None => Vec::new(),
        };
        Ok(History { series, warnings, scaled, ..History::default() })
    }
}

/// The months of one series as a gap-free run.
fn consecutive(
    path: &Path,
    acc: Acc<MonthUsage>,
    file_last: Option<Month>,
    gaps_zero: bool,
    early: &mut Vec<(String, Month)>,
) -> Result<Series> {
    // A series exists only once a row was added to it.
    let (&first, _) = acc.months.iter().next().expect("a series has at least one month");
    let (&last, _) = acc.months.iter().next_back().expect("a series has at least one month");
    let name = format!("`{}` / `{}`", acc.workload, acc.model);
    let missing: Vec<Month> =
        (0..=last.since(first)).map(|k| first.plus(k)).filter(|m| !acc.months.contains_key(m)).collect();
    if !missing.is_empty() && !gaps_zero {
        let list: Vec<String> = missing.iter().take(6).map(Month::to_string).collect();
        let more = if missing.len() > 6 { format!(" and {} more", missing.len() - 6) } else { String::new() };
        return Err(Error::Invalid {
            at: Location::file(path),
            message: format!(
                "series {name} (workload / model) has no rows for {}{more}, inside its history {first} to {last}; \
                 add the missing months, or set gaps = \"zero\" in [history] (--gaps-zero) to count them as zero",
                list.join(", ")
            ),
        });
    }
    let end = match file_last {
        Some(f) if f > last => {
            early.push((name, last));
            if gaps_zero {
                f
            } else {
                last
            }
        }
        _ => last,
    };
    let months = (0..=end.since(first)).map(|k| acc.months.get(&first.plus(k)).copied().unwrap_or_default()).collect();
    Ok(Series { workload: acc.workload, model: acc.model, first, months })
}

/// Series named one by one in a warning; with more, one line counts them.
const NAMED_SERIES: usize = 3;

/// The warnings for series that end before the file's last month `f`: one
/// line per series for up to [`NAMED_SERIES`] of them, otherwise one line
/// that counts them and names the first few.
fn early_end_warnings(early: &[(String, Month)], f: Month, gaps_zero: bool) -> Vec<String> {
    if early.len() <= NAMED_SERIES {
        return early
            .iter()
            .map(|(name, last)| {
                if gaps_zero {
                    format!("series {name} has no rows after {last}; months to {f} are counted as zero")
                } else {
                    format!(
                        "series {name} has no rows after {last} although the file runs to {f}; \
                         its history ends at {last} (gaps = \"zero\" would count the later months as zero)"
                    )
                }
            })
            .collect();
    }
    let examples: Vec<String> = early.iter().take(NAMED_SERIES).map(|(n, l)| format!("{n} (last {l})")).collect();
    let rest = early.len() - NAMED_SERIES;
    let what = if gaps_zero {
        format!("their months to {f} are counted as zero")
    } else {
        "each history ends at its own last month (gaps = \"zero\" would count the later months as zero)".to_string()
    };
    vec![format!(
        "{} series have no rows in the file's last months (the file runs to {f}), for example {} and {rest} more; {what}",
        early.len(),
        examples.join(", ")
    )]
}

/// Scales the first and last month of the observation window when they are
/// only partly observed.
/// Returns the months scaled, with their factors.
fn scale_edges(series: &mut [Series], w: Window, warnings: &mut Vec<String>) -> Vec<(Month, f64)> {
    let mut scaled = Vec::new();
    let ts = |ms| Timestamp::from_millis(ms).map_or_else(|| ms.to_string(), |t| t.to_string());
    let (first, last) = (month_of_ms(w.start), month_of_ms(w.last_start));
    let edges: Vec<(Month, i64, i64)> = if first == last {
        vec![(first, w.start, w.end)]
    } else {
        vec![(first, w.start, month_start_ms(first.plus(1))), (last, month_start_ms(last), w.end)]
    };
    for (month, a, b) in edges {
        let (m0, m1) = (month_start_ms(month), month_start_ms(month.plus(1)));
        // A row's period may run past its month's end (a FOCUS charge period).
        let b = b.min(m1);
        let uncovered = (a - m0) + (m1 - b);
        if uncovered <= COMPLETE_WITHIN_MS {
            continue;
        }
        let observed = b - a;
        let days = |ms: i64| format!("{:.2}", ms as f64 / MS_PER_DAY as f64);
        if observed < MIN_OBSERVED_MS {
            warnings.push(format!(
                "month {month} is observed for less than a minute ({} to {}); it is not scaled to a full month",
                ts(a),
                ts(b)
            ));
            continue;
        }
        let factor = (m1 - m0) as f64 / observed as f64;
        scaled.push((month, factor));
        for s in series.iter_mut() {
            let k = month.since(s.first);
            if let Some(u) = usize::try_from(k).ok().and_then(|k| s.months.get_mut(k)) {
                u.scale(factor);
            }
        }
        warnings.push(format!(
            "month {month} is partial: the data covers {} to {} ({} of {} days); \
             its tokens are scaled by {factor:.4} to a full month",
            ts(a),
            ts(b),
            days(observed),
            days(m1 - m0)
        ));
    }
    scaled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::timestamp::days_from_civil;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn u(input: f64) -> MonthUsage {
        MonthUsage { input, output: input / 10.0, ..MonthUsage::default() }
    }

    fn day_ms(y: i32, mo: u32, d: u32) -> i64 {
        days_from_civil(y, mo, d) * MS_PER_DAY
    }

    #[test]
    fn gap_inside_a_series_is_an_error_naming_series_and_month() {
        let mut a = Aggregator::default();
        let (i, new) = a.series("w", "m");
        assert!(new);
        a.add(i, m("2027-01"), u(1.0));
        a.add(i, m("2027-04"), u(1.0));
        let e = a.finish(Path::new("h.csv"), false).unwrap_err().to_string();
        assert!(e.contains("series `w` / `m`"), "{e}");
        assert!(e.contains("no rows for 2027-02, 2027-03"), "{e}");
        assert!(e.contains("gaps = \"zero\""), "{e}");
    }

    /// Many series that end before the file's last month give one counted
    /// line, not one line each (issue 22: 170 near-identical lines for 171
    /// series); up to three are still named one by one.
    #[test]
    fn many_series_ending_early_give_one_summary_line() {
        let run = |k: usize| {
            let mut a = Aggregator::default();
            for s in 0..k {
                let (i, _) = a.series(&format!("w{s}"), "m");
                a.add(i, m("2027-01"), u(1.0));
            }
            let (i, _) = a.series("z", "m");
            a.add(i, m("2027-03"), u(1.0));
            a.finish(Path::new("h.csv"), false).unwrap()
        };
        let h = run(5);
        assert_eq!(h.warnings.len(), 1, "{:?}", h.warnings);
        let w = &h.warnings[0];
        assert!(w.starts_with("5 series have no rows in the file's last months (the file runs to 2027-03)"), "{w}");
        assert!(
            w.contains("`w0` / `m` (last 2027-01), `w1` / `m` (last 2027-01), `w2` / `m` (last 2027-01) and 2 more"),
            "{w}"
        );
        assert!(!w.contains("`w3`"), "{w}");
        assert_eq!(h.series.iter().map(|s| s.months.len()).collect::<Vec<_>>(), [1, 1, 1, 1, 1, 1]);
        let h = run(3);
        assert_eq!(h.warnings.len(), 3);
        assert!(
            h.warnings[2].starts_with("series `w2` / `m` has no rows after 2027-01 although the file runs to 2027-03")
        );
    }

    #[test]
    fn gaps_zero_fills_inner_and_trailing_months() {
        let mut a = Aggregator::default();
        let (i, _) = a.series("w", "m");
        let (j, _) = a.series("w", "n");
        assert_eq!(a.series("w", "m"), (i, false));
        a.add(i, m("2027-01"), u(1.0));
        a.add(i, m("2027-03"), u(3.0));
        a.add(i, m("2027-03"), u(3.0));
        a.add(j, m("2027-05"), u(5.0));
        let h = a.finish(Path::new("h.csv"), true).unwrap();
        let s = &h.series[0];
        assert_eq!((s.model.as_str(), s.first, s.last()), ("m", m("2027-01"), m("2027-05")));
        let inputs: Vec<f64> = s.months.iter().map(|x| x.input).collect();
        assert_eq!(inputs, [1.0, 0.0, 6.0, 0.0, 0.0]);
        assert_eq!(h.series[1].months.len(), 1);
        assert!(h.warnings[0].contains("counted as zero"), "{:?}", h.warnings);
    }

    #[test]
    fn partial_first_and_last_months_are_scaled_by_days_covered() {
        // Daily rows from 2027-01-11 to 2027-03-20: January observed 21 of 31
        // days, March 20 of 31, February complete.
        let mut a = Aggregator::default();
        let (i, _) = a.series("all", "m");
        for (mo, tokens) in [("2027-01", 2100.0), ("2027-02", 2800.0), ("2027-03", 2000.0)] {
            a.add(i, m(mo), u(tokens));
        }
        a.cover(day_ms(2027, 1, 11), day_ms(2027, 1, 12));
        a.cover(day_ms(2027, 3, 20), day_ms(2027, 3, 21));
        let h = a.finish(Path::new("h.csv"), false).unwrap();
        let inputs: Vec<f64> = h.series[0].months.iter().map(|x| x.input).collect();
        // 2100 * 31/21 = 3100; 2800 unchanged; 2000 * 31/20 = 3100.
        assert!((inputs[0] - 3100.0).abs() < 1e-9 && inputs[1] == 2800.0 && (inputs[2] - 3100.0).abs() < 1e-9);
        assert!((h.series[0].months[2].output - 310.0).abs() < 1e-9);
        assert_eq!(h.warnings.len(), 2);
        assert!(h.warnings[1].contains("month 2027-03 is partial"), "{}", h.warnings[1]);
        assert!(h.warnings[1].contains("20.00 of 31.00 days") && h.warnings[1].contains("1.5500"), "{}", h.warnings[1]);
    }

    #[test]
    fn window_inside_one_month_and_near_complete_edges() {
        // Two hours on one day of a 30-day month: scaled by 30 * 24 / 2 = 360.
        let mut a = Aggregator::default();
        let (i, _) = a.series("all", "m");
        a.add(i, m("2023-11"), u(1.0));
        let t0 = day_ms(2023, 11, 16);
        a.cover(t0, t0);
        a.cover(t0 + 7_200_000, t0 + 7_200_000);
        let h = a.finish(Path::new("h.csv"), false).unwrap();
        assert!((h.series[0].months[0].input - 360.0).abs() < 1e-9);
        // Hourly rows from 00:00 on the 1st to 23:00 on the last day: complete.
        let mut a = Aggregator::default();
        let (i, _) = a.series("all", "m");
        a.add(i, m("2023-11"), u(1.0));
        a.cover(day_ms(2023, 11, 1), day_ms(2023, 11, 30) + 23 * 3_600_000);
        let h = a.finish(Path::new("h.csv"), false).unwrap();
        assert_eq!(h.series[0].months[0].input, 1.0);
        assert!(h.warnings.is_empty());
        // The last row exactly at midnight on the 1st: that month is observed
        // for no time, so it is left as it is and a warning says so.
        let mut a = Aggregator::default();
        let (i, _) = a.series("all", "m");
        a.add(i, m("2023-11"), u(1.0));
        a.add(i, m("2023-12"), u(1.0));
        a.cover(day_ms(2023, 11, 1), day_ms(2023, 11, 1));
        a.cover(day_ms(2023, 12, 1), day_ms(2023, 12, 1));
        let h = a.finish(Path::new("h.csv"), false).unwrap();
        assert_eq!(h.series[0].months[1].input, 1.0);
        assert!(h.warnings[0].contains("month 2023-12 is observed for less than a minute"), "{:?}", h.warnings);
    }
}
