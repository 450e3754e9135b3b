//! Request logs summed into per-minute load for `profile`: effective tokens
//! `input + cached + W × output` per calendar minute, over every minute from
//! the first request's to the last's, minutes without requests counted as 0.
//!
//! Rows may come in any order. The minutes are kept in one dense vector
//! that grows at either end (by doubling, so unsorted logs stay linear), so
//! memory is 8 bytes per minute spanned, never per request.

use std::path::Path;

use super::records::Rec;
use super::timestamp::format_minute;
use super::usage::{Fault, FaultAt, Need, RowReader, UsageRows, When};
use super::{HistoryFormat, HistoryOptions};
use crate::error::{Error, Location, Result};
use crate::spec::catalog::Catalog;
use crate::spec::kind::FileKind;

/// The longest span `profile` accepts: ten years of minutes (40 MB).
const MAX_MINUTES: i64 = 10 * 366 * 1440;

/// Effective tokens per minute of a request log.
#[derive(Debug, Clone, PartialEq)]
pub struct MinuteLoad {
    /// The first minute (minutes since 1970-01-01T00:00 UTC).
    pub first_minute: i64,
    /// Effective tokens in `first_minute`, `first_minute + 1`, ...
    pub tokens: Vec<f64>,
    /// Requests (data rows) read.
    pub requests: u64,
    /// What the reader did that a user should know (columns ignored).
    pub warnings: Vec<String>,
}

impl MinuteLoad {
    /// `YYYY-MM-DDTHH:MM` of entry `i`.
    pub fn minute_label(&self, i: usize) -> String {
        format_minute(self.first_minute + i as i64)
    }
}

/// Dense per-minute sums over `[base, base + v.len())`, of which
/// `[lo, hi]` has been touched: per minute, input + cached tokens and output
/// tokens, as whole numbers, so that rows summed on several threads give
/// the same figures in any order. A sum that would pass `u64::MAX` stays
/// there (and is an error at the end).
#[derive(Default)]
struct Minutes {
    base: i64,
    v: Vec<[u64; 2]>,
    lo: i64,
    hi: i64,
}

impl Minutes {
    /// Adds `direct` (input + cached) and `output` tokens to `minute`; false
    /// when the span would exceed [`MAX_MINUTES`].
    fn add(&mut self, minute: i64, direct: u64, output: u64) -> bool {
        if self.v.is_empty() {
            (self.base, self.lo, self.hi) = (minute, minute, minute);
            self.v.push([0; 2]);
        }
        let (lo, hi) = (self.lo.min(minute), self.hi.max(minute));
        if hi - lo >= MAX_MINUTES {
            return false;
        }
        (self.lo, self.hi) = (lo, hi);
        if minute < self.base {
            let grow = (self.base - minute).max(self.v.len() as i64).min(MAX_MINUTES) as usize;
            self.v.splice(0..0, std::iter::repeat_n([0; 2], grow));
            self.base -= grow as i64;
        }
        let i = (minute - self.base) as usize;
        if i >= self.v.len() {
            self.v.resize((i + 1).max(2 * self.v.len()), [0; 2]);
        }
        let m = &mut self.v[i];
        m[0] = m[0].saturating_add(direct);
        m[1] = m[1].saturating_add(output);
        true
    }

    /// Adds everything `o` holds; false when the span would exceed [`MAX_MINUTES`].
    fn merge(&mut self, o: Minutes) -> bool {
        if o.v.is_empty() {
            return true;
        }
        for minute in [o.lo, o.hi] {
            if !self.add(minute, 0, 0) {
                return false;
            }
        }
        for (k, m) in o.v[(o.lo - o.base) as usize..=(o.hi - o.base) as usize].iter().enumerate() {
            let t = &mut self.v[(o.lo - self.base) as usize + k];
            t[0] = t[0].saturating_add(m[0]);
            t[1] = t[1].saturating_add(m[1]);
        }
        true
    }

    /// Effective tokens per minute with output weight `w`.
    fn into_load(self, path: &Path, w: f64, requests: u64, warnings: Vec<String>) -> Result<MinuteLoad> {
        let from = (self.lo - self.base) as usize;
        let to = (self.hi - self.base) as usize;
        let span = &self.v[from..=to];
        if let Some(k) = span.iter().position(|m| m.contains(&u64::MAX)) {
            return Err(Error::Invalid {
                at: Location::file(path),
                message: format!(
                    "the tokens of minute {} add up to {} (2^64 - 1) or more; check the token columns",
                    format_minute(self.lo + k as i64),
                    u64::MAX
                ),
            });
        }
        let tokens = span.iter().map(|m| m[0] as f64 + w * m[1] as f64).collect();
        Ok(MinuteLoad { first_minute: self.lo, tokens, requests, warnings })
    }
}

/// What one thread of the reader holds: its minutes and the model ids it checked.
#[derive(Default)]
struct Part {
    minutes: Minutes,
    seen: Vec<Vec<u8>>,
}

impl Part {
    /// Adds record `r`; `check` checks new model ids against a catalog.
    fn add(&mut self, rd: &mut RowReader<'_>, check: Option<&Catalog>, r: Rec<'_>) -> std::result::Result<(), Fault> {
        let row = rd.row(r)?;
        let When::Instant(t) = row.when else { unreachable!("Need::Profile reads timestamps only") };
        if let Some(c) = check {
            if !self.seen.iter().any(|s| s == row.model) {
                let (_, model) = rd.text(&row)?;
                if let Some(msg) = c.find(model).err() {
                    return Err(rd.model_fault(msg));
                }
                self.seen.push(row.model.to_vec());
            }
        }
        if !self.minutes.add(
            t.minute(),
            row.input.saturating_add(row.cached).saturating_add(row.cache_write).saturating_add(row.cache_write_long),
            row.output,
        ) {
            return Err(Fault {
                at: FaultAt::Row,
                message: format!(
                    "the timestamps span more than ten years (this row is at {t}); profile sums a request \
                     log per minute — check timestamp_unit and timestamp_origin"
                ),
            });
        }
        Ok(())
    }
}

/// Reads a request log into per-minute effective tokens with output weight
/// `output_weight`. With a `catalog`, model ids in a model column are checked.
///
/// The rows are summed on all threads, exactly (integer sums per minute);
/// a faulty row, or minutes that together span too long, make the file be
/// read again in order, for the error at the first faulty row.
pub fn read_minute_load(
    path: &Path,
    opts: &HistoryOptions,
    output_weight: f64,
    catalog: Option<&Catalog>,
) -> Result<MinuteLoad> {
    if opts.format == HistoryFormat::Focus {
        return Err(Error::Usage(
            "profile reads request logs (one row per request with a timestamp), not FOCUS billing exports".into(),
        ));
    }
    if !(output_weight.is_finite() && output_weight >= 0.0) {
        return Err(Error::Usage(format!("--output-weight must be a number >= 0, found {output_weight}")));
    }
    let preset_opts;
    let mut preset_warnings = Vec::new();
    let (mut rows, check) = match opts.format.preset() {
        Some(p) => {
            let made = super::preset::make(path, p, opts, catalog)?;
            if made.width != Some(60_000) && !made.requests {
                return Err(one_minute_needed(path, made.width));
            }
            preset_opts = made.opts.clone();
            preset_warnings = made.warnings;
            // The preset mapped the models to catalog ids already.
            (UsageRows::from_input(made.input.clone(), &preset_opts, Need::Profile)?, None)
        }
        None => {
            let rows = UsageRows::open(path, opts, Need::Profile)
                .map_err(|e| super::misread(e, path, opts, FileKind::RequestLog))?;
            let check = catalog.filter(|_| rows.reader.model_col().is_some());
            (rows, check)
        }
    };
    // Joining the threads' minutes fails when together they span too long:
    // the ordered re-read then names the row.
    let all = rows.fold(
        Part::default,
        |p, rd, r| p.add(rd, check, r),
        |parts| {
            let mut all = Part::default();
            parts.into_iter().all(|p| all.minutes.merge(p.minutes)).then_some(all)
        },
    )?;
    let requests = rows.rows();
    let mut warnings = rows.into_warnings();
    warnings.splice(0..0, preset_warnings);
    all.minutes.into_load(path, output_weight, requests, warnings)
}

/// The error of a usage export whose buckets are not one minute wide.
fn one_minute_needed(path: &Path, width: Option<i64>) -> Error {
    let found = match width {
        Some(w) if w % 3_600_000 == 0 => format!("buckets of {} h", w / 3_600_000),
        Some(w) if w % 60_000 == 0 => format!("buckets of {} min", w / 60_000),
        Some(w) => format!("buckets of {w} ms"),
        None => "buckets of different widths".to_string(),
    };
    Error::Invalid {
        at: Location::file(path),
        message: format!(
            "profile needs 1-minute usage buckets, and this export has {found}; fetch it with bucket_width=1m"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_grow_both_ways_and_keep_empty_minutes() {
        let mut m = Minutes::default();
        for (minute, direct, output) in [(100, 1, 0), (103, 2, 0), (98, 4, 0), (100, 8, 0), (40, 0, 1), (41, 0, 0)] {
            assert!(m.add(minute, direct, output));
        }
        let load = m.into_load(Path::new("r.csv"), 0.5, 6, Vec::new()).unwrap();
        assert_eq!(load.first_minute, 40);
        assert_eq!(load.tokens.len(), 64);
        assert_eq!(load.tokens[0], 0.5);
        assert_eq!(load.tokens[58], 4.0);
        assert_eq!(load.tokens[60], 9.0);
        assert_eq!(load.tokens[63], 2.0);
        assert_eq!(load.tokens.iter().sum::<f64>(), 15.5);
        assert_eq!(load.minute_label(0), "1970-01-01T00:40");
    }

    #[test]
    fn merged_minutes_equal_one_pass_and_overflow_is_an_error() {
        let rows: Vec<(i64, u64, u64)> =
            (0..500).map(|k| ((k * 7919) % 613 - 300, k as u64 * 3, k as u64 % 5)).collect();
        let mut one = Minutes::default();
        let (mut a, mut b) = (Minutes::default(), Minutes::default());
        for (k, &(minute, d, o)) in rows.iter().enumerate() {
            assert!(one.add(minute, d, o));
            assert!(if k % 3 == 0 { a.add(minute, d, o) } else { b.add(minute, d, o) });
        }
        let mut merged = Minutes::default();
        assert!(merged.merge(b) && merged.merge(a) && merged.merge(Minutes::default()));
        let p = Path::new("r.csv");
        assert_eq!(merged.into_load(p, 0.7, 500, Vec::new()).unwrap(), one.into_load(p, 0.7, 500, Vec::new()).unwrap());
        let mut m = Minutes::default();
        assert!(m.add(5, u64::MAX - 1, 0) && m.add(5, 1, 0));
        let e = m.into_load(p, 1.0, 2, Vec::new()).unwrap_err().to_string();
        assert!(e.contains("minute 1970-01-01T00:05 add up to 18446744073709551615"), "{e}");
    }

    #[test]
    fn a_span_beyond_ten_years_is_refused() {
        let mut m = Minutes::default();
        assert!(m.add(0, 1, 0));
        assert!(!m.add(MAX_MINUTES, 1, 0));
        assert!(m.add(MAX_MINUTES - 1, 1, 0));
        assert!(!m.add(-1, 1, 0));
    }
}
