//! The `profile` summary (SPEC 5): per-minute effective-token load of a
//! request log — the number of minutes from the first request's to the
//! last's, the mean, the 99th percentile (type 7, as [`super::stats`]), the
//! peak, and `peak_to_mean` = p99 / mean, the figure a provisioned offer's
//! `load = { peak_to_mean = ... }` takes.

use serde::Serialize;

use super::stats::{mean, percentiles};
use crate::error::{Error, Location, Result};
use crate::ingest::MinuteLoad;

/// The `profile` report. Only the five figures are serialised (the JSON
/// interface); the rest is context for the table and Markdown.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProfileReport {
    /// Minutes from the first request's minute to the last's, inclusive.
    pub minutes: usize,
    /// Mean effective tokens per minute.
    pub mean: f64,
    /// 99th percentile of effective tokens per minute.
    pub p99: f64,
    /// Busiest minute.
    pub peak: f64,
    /// p99 / mean.
    pub peak_to_mean: f64,
    /// The request log.
    #[serde(skip)]
    pub file: String,
    /// Requests read.
    #[serde(skip)]
    pub requests: u64,
    /// First minute, `YYYY-MM-DDTHH:MM`.
    #[serde(skip)]
    pub first_minute: String,
    /// Last minute.
    #[serde(skip)]
    pub last_minute: String,
    /// Minutes without any request.
    #[serde(skip)]
    pub empty_minutes: usize,
    /// The output weight used.
    #[serde(skip)]
    pub output_weight: f64,
    /// Whether `peak_to_mean` is at most 1 (a sparse log: the 99th
    /// percentile at or below the mean), so that it cannot describe the
    /// load as `load = { peak_to_mean = ... }`, which needs a ratio above 1.
    #[serde(skip)]
    pub sparse: bool,
    /// What the reader should know (printed to standard error).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Summarises `load` (read from `file` with `output_weight`). A log without
/// any tokens has no load to describe and is an error.
pub fn summarize(load: &MinuteLoad, file: &std::path::Path, output_weight: f64) -> Result<ProfileReport> {
    let v = &load.tokens;
    let m = mean(v);
    if m.is_nan() || m <= 0.0 {
        return Err(Error::Invalid {
            at: Location::file(file),
            message: format!("all {} requests have zero effective tokens; there is no load to profile", load.requests),
        });
    }
    let p = percentiles(v, &[99.0])[0];
    let empty_minutes = v.iter().filter(|&&x| x == 0.0).count();
    let sparse = p / m <= 1.0;
    let mut warnings = Vec::new();
    if sparse {
        let why = if 2 * empty_minutes > v.len() {
            format!("the log is sparse: {empty_minutes} of {} minutes have no requests, so ", v.len())
        } else {
            String::new()
        };
        warnings.push(format!(
            "{why}the 99th percentile per minute ({p:.0}) is {} the mean ({m:.0}), and peak_to_mean = {:.2} does not \
             describe the load (a provisioned offer's load = {{ peak_to_mean = ... }} needs a ratio above 1). Use the \
             minutes themselves: write them with --out load.csv and give load = {{ profile = \"load.csv\" }}, or \
             profile a busier stretch of the log",
            if p == 0.0 { "zero, below" } else { "at or below" },
            p / m
        ));
    }
    Ok(ProfileReport {
        minutes: v.len(),
        mean: m,
        p99: p,
        peak: v.iter().copied().fold(0.0, f64::max),
        peak_to_mean: p / m,
        file: file.display().to_string(),
        requests: load.requests,
        first_minute: load.minute_label(0),
        last_minute: load.minute_label(v.len() - 1),
        empty_minutes,
        output_weight,
        sparse,
        warnings,
    })
}

/// Minutes in a week: a log that covers fewer has no weekly cycle.
pub const WEEK_MINUTES: usize = 7 * 1440;

/// The warning for a log that covers less than a week: it has no weekly
/// (under a day, no daily) cycle, so its `peak_to_mean` describes those
/// minutes, not the months of a provisioned term; and with at most 101
/// minutes the type-7 p99, at rank 0.99 (n - 1), lies between the two
/// busiest minutes (it is the peak itself for a single minute).
pub fn short_log_warning(r: &ProfileReport) -> Option<String> {
    let n = r.minutes;
    if n >= WEEK_MINUTES {
        return None;
    }
    let span = if n < 120 {
        format!("{n} minute{}", if n == 1 { "" } else { "s" })
    } else if n < 2 * 1440 {
        format!("{:.1} hours", n as f64 / 60.0)
    } else {
        format!("{:.1} days", n as f64 / 1440.0)
    };
    let cycles = if n < 1440 { "no daily or weekly cycle" } else { "no weekly cycle" };
    let p99 = match n {
        1 => " With one minute, p99 is that minute.".to_string(),
        2..=101 => format!(" With {n} minutes, p99 lies between the two busiest minutes."),
        _ => String::new(),
    };
    Some(format!(
        "{} covers {span} ({} to {}), less than a week: it has {cycles}, so its peak_to_mean describes \
         these minutes, not the months a provisioned offer runs.{p99} Profile a week or more of requests.",
        r.file, r.first_minute, r.last_minute
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(tokens: Vec<f64>) -> MinuteLoad {
        MinuteLoad { first_minute: 0, tokens, requests: 3, warnings: vec![] }
    }

    #[test]
    fn a_sparse_log_warns_instead_of_recommending_its_ratio() {
        // Three busy minutes in a day: p99 = 0, ratio 0.
        let mut t = vec![0.0; 1440];
        t[10] = 500.0;
        t[700] = 800.0;
        t[1439] = 100.0;
        let r = summarize(&load(t), std::path::Path::new("log.csv"), 1.0).unwrap();
        assert_eq!(r.p99, 0.0);
        assert!(r.sparse);
        assert_eq!(r.warnings.len(), 1);
        let w = &r.warnings[0];
        assert!(w.contains("1437 of 1440 minutes have no requests") && w.contains("profile = \"load.csv\""), "{w}");
        // A flat load: p99 = mean, no use as a ratio either, but not called sparse.
        let r = summarize(&load(vec![7.0; 100]), std::path::Path::new("log.csv"), 1.0).unwrap();
        assert!(r.sparse && !r.warnings[0].contains("sparse"), "{:?}", r.warnings);
        // A busy log: no warning.
        let r = summarize(&load((1..=100).map(f64::from).collect()), std::path::Path::new("log.csv"), 1.0).unwrap();
        assert!(!r.sparse && r.warnings.is_empty());
    }

    #[test]
    fn hand_computed_profile() {
        // Minutes 0..=9 with load 0,10,20,...,90: mean 45; p99 at position
        // 0.99 * 9 = 8.91 → 80 + 0.91 * 10 = 89.1; peak 90.
        let tokens = (0..10).map(|i| 10.0 * f64::from(i)).collect();
        let load = MinuteLoad { first_minute: 0, tokens, requests: 9, warnings: Vec::new() };
        let r = summarize(&load, std::path::Path::new("r.csv"), 1.0).unwrap();
        assert_eq!(r.minutes, 10);
        assert!((r.mean - 45.0).abs() < 1e-12);
        assert!((r.p99 - 89.1).abs() < 1e-9);
        assert_eq!(r.peak, 90.0);
        assert!((r.peak_to_mean - 89.1 / 45.0).abs() < 1e-12);
        assert_eq!((r.empty_minutes, r.last_minute.as_str()), (1, "1970-01-01T00:09"));
        let json = serde_json::to_value(&r).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
    }

    #[test]
    fn a_log_shorter_than_a_week_is_warned_about() {
        let report = |n: usize| {
            let load = MinuteLoad { first_minute: 0, tokens: vec![1.0; n], requests: n as u64, warnings: Vec::new() };
            summarize(&load, std::path::Path::new("r.csv"), 1.0).unwrap()
        };
        let w = short_log_warning(&report(58)).unwrap();
        assert!(
            w.starts_with("r.csv covers 58 minutes (1970-01-01T00:00 to 1970-01-01T00:57), less than a week"),
            "{w}"
        );
        assert!(w.contains("no daily or weekly cycle") && w.contains("between the two busiest minutes"), "{w}");
        assert!(short_log_warning(&report(1)).unwrap().contains("1 minute ("));
        // 101 minutes: rank 0.99 * 100 = 99, the second busiest; 102: rank 100.99, below it.
        assert!(short_log_warning(&report(101)).unwrap().contains("two busiest"));
        assert!(!short_log_warning(&report(102)).unwrap().contains("two busiest"));
        let w = short_log_warning(&report(3 * 1440)).unwrap();
        assert!(w.contains("covers 3.0 days") && w.contains("no weekly cycle") && !w.contains("daily"), "{w}");
        assert!(short_log_warning(&report(WEEK_MINUTES - 1)).is_some());
        assert_eq!(short_log_warning(&report(WEEK_MINUTES)), None);
    }

    #[test]
    fn a_log_without_tokens_is_an_error() {
        let load = MinuteLoad { first_minute: 0, tokens: vec![0.0; 3], requests: 2, warnings: Vec::new() };
        let e = summarize(&load, std::path::Path::new("r.csv"), 1.0).unwrap_err().to_string();
        assert!(e.contains("zero effective tokens"), "{e}");
    }
}
