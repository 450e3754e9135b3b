//! Request logs summed into per-minute load for `profile`: effective tokens
//! `input + cached + W × output` per calendar minute, over every minute from
//! the first request's to the last's, minutes without requests counted as 0.
//!
//! Rows may come in any order. The minutes are kept in one dense vector
//! that grows at either end (by doubling, so unsorted logs stay linear), so
//! memory is 8 bytes per minute spanned, never per request.

use std::path::Path;

use super::timestamp::format_minute;
use super::usage::{Need, UsageRows, When};
use super::{HistoryFormat, HistoryOptions};
use crate::error::{Error, Result};
use crate::spec::catalog::Catalog;

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
/// `[lo, hi]` has been touched.
#[derive(Default)]
struct Minutes {
    base: i64,
    v: Vec<f64>,
    lo: i64,
    hi: i64,
}

impl Minutes {
    /// Adds `x` to `minute`; false when the span would exceed [`MAX_MINUTES`].
    fn add(&mut self, minute: i64, x: f64) -> bool {
        if self.v.is_empty() {
            (self.base, self.lo, self.hi) = (minute, minute, minute);
            self.v.push(0.0);
        }
        let (lo, hi) = (self.lo.min(minute), self.hi.max(minute));
        if hi - lo >= MAX_MINUTES {
            return false;
        }
        (self.lo, self.hi) = (lo, hi);
        if minute < self.base {
            let grow = (self.base - minute).max(self.v.len() as i64).min(MAX_MINUTES) as usize;
            self.v.splice(0..0, std::iter::repeat_n(0.0, grow));
            self.base -= grow as i64;
        }
        let i = (minute - self.base) as usize;
        if i >= self.v.len() {
            self.v.resize((i + 1).max(2 * self.v.len()), 0.0);
        }
        self.v[i] += x;
        true
    }

    fn into_load(self, requests: u64, warnings: Vec<String>) -> MinuteLoad {
        let from = (self.lo - self.base) as usize;
        let to = (self.hi - self.base) as usize;
        MinuteLoad { first_minute: self.lo, tokens: self.v[from..=to].to_vec(), requests, warnings }
    }
}

/// Reads a request log into per-minute effective tokens with output weight
/// `output_weight`. With a `catalog`, model ids in a model column are checked.
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
    let mut rows = UsageRows::open(path, opts, Need::Profile)?;
    let check = catalog.filter(|_| rows.model_col().is_some());
    let mut seen: Vec<String> = Vec::new();
    let mut minutes = Minutes::default();
    while let Some(r) = rows.next_row()? {
        let When::Instant(t) = r.when else { unreachable!("Need::Profile reads timestamps only") };
        let unknown = match check {
            Some(c) if !seen.iter().any(|s| s == r.model) => {
                seen.push(r.model.to_string());
                c.find(r.model).err()
            }
            _ => None,
        };
        let effective = (r.input + r.cached) as f64 + output_weight * r.output as f64;
        if let Some(msg) = unknown {
            return Err(rows.model_error(msg));
        }
        if !minutes.add(t.minute(), effective) {
            return Err(rows.row_error(format!(
                "the timestamps span more than ten years (this row is at {t}); profile sums a request \
                 log per minute — check timestamp_unit and timestamp_origin"
            )));
        }
    }
    let requests = rows.rows();
    Ok(minutes.into_load(requests, rows.into_warnings()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_grow_both_ways_and_keep_empty_minutes() {
        let mut m = Minutes::default();
        for (minute, x) in [(100, 1.0), (103, 2.0), (98, 4.0), (100, 8.0), (40, 0.5), (41, 0.0)] {
            assert!(m.add(minute, x));
        }
        let load = m.into_load(6, Vec::new());
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
    fn a_span_beyond_ten_years_is_refused() {
        let mut m = Minutes::default();
        assert!(m.add(0, 1.0));
        assert!(!m.add(MAX_MINUTES, 1.0));
        assert!(m.add(MAX_MINUTES - 1, 1.0));
        assert!(!m.add(-1, 1.0));
    }
}
