//! Reading usage history (SPEC 3.1): monthly, daily or request-level CSV
//! files with standard or mapped column names, and FOCUS 1.x billing
//! exports, summed into monthly token series per (workload, model); and
//! request logs summed into per-minute load for `profile`.
//!
//! Every reader streams: one CSV record at a time is parsed and added to
//! per-(workload, model, month) sums (or per-minute sums), so a request log
//! of any length needs memory only for the months or minutes it spans.
//! The rules (gaps, partial months, FOCUS mapping) are in docs/history.md.

mod aggregate;
mod columns;
mod focus;
pub mod input;
mod parquet;
mod preset;
mod records;
mod requests;
mod source;
pub mod summary;
pub mod timestamp;
mod usage;

use std::collections::BTreeMap;
use std::path::Path;

pub use requests::{read_minute_load, MinuteLoad};
pub use timestamp::{Timestamp, TsUnit};

use crate::error::{closest, Error, Result};
use crate::spec::catalog::Catalog;
use crate::spec::file::HistorySec;
use crate::spec::kind::{or_wrong_kind, FileKind};
use crate::spec::month::Month;
use crate::spec::values::MAX_MONTHLY_TOKENS;

/// Token counts of one series in one month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthUsage {
    /// Uncached input tokens.
    pub input: f64,
    /// Output tokens.
    pub output: f64,
    /// Input tokens billed at the cached rate.
    pub cached: f64,
    /// Short-lived cache writes.
    pub cache_write: f64,
    /// Long-lived cache writes.
    pub cache_write_long: f64,
}

impl MonthUsage {
    /// Input + cached + output + cache-write tokens (a history without
    /// cache writes sums exactly as release 1's input + cached + output).
    pub fn total(&self) -> f64 {
        self.input + self.cached + self.output + self.cache_write + self.cache_write_long
    }

    /// The counts in the catalog's class order (input, output, cached,
    /// cache write, long cache write).
    pub fn classes(&self) -> [f64; 5] {
        [self.input, self.output, self.cached, self.cache_write, self.cache_write_long]
    }

    /// Multiplies every class by `f`.
    pub fn scale(&mut self, f: f64) {
        self.input *= f;
        self.output *= f;
        self.cached *= f;
        self.cache_write *= f;
        self.cache_write_long *= f;
    }
}

/// Whole tokens of one series in one month, class by class, as a vendor
/// export states them (SPEC 6.4), before any partial-month scaling.
/// `input` is uncached input without cache writes; `batch` counts the
/// tokens of every class sent through a batch API (a part of the others).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Classes {
    /// Uncached input tokens (cache writes apart).
    pub input: u64,
    /// Cached input tokens (cache reads).
    pub cached: u64,
    /// Short-lived (e.g. 5-minute) cache writes.
    pub cache_write: u64,
    /// Long-lived (e.g. 1-hour) cache writes.
    pub cache_write_long: u64,
    /// Output tokens.
    pub output: u64,
    /// Tokens of all classes sent through a batch API.
    pub batch: u64,
}

impl Classes {
    /// Adds `o`, class by class.
    pub fn add(&mut self, o: &Classes) {
        self.input += o.input;
        self.cached += o.cached;
        self.cache_write += o.cache_write;
        self.cache_write_long += o.cache_write_long;
        self.output += o.output;
        self.batch += o.batch;
    }

    /// Tokens of the five classes (batch is a part of them).
    pub fn total(&self) -> u64 {
        self.input + self.cached + self.cache_write + self.cache_write_long + self.output
    }
}

/// One (workload, model) series of consecutive months.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Workload name (`all` when the file has none).
    pub workload: String,
    /// Model id.
    pub model: String,
    /// The month of `months[0]`.
    pub first: Month,
    /// Usage in `first`, `first + 1`, ... (no gaps).
    pub months: Vec<MonthUsage>,
}

impl Series {
    /// The month of the last entry.
    pub fn last(&self) -> Month {
        self.first.plus(self.months.len() as i32 - 1)
    }
}

/// A history file read into monthly series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// The series, sorted by workload then model.
    pub series: Vec<Series>,
    /// What the reader did that a user should know (partial months scaled,
    /// rows skipped, how FOCUS rows were mapped).
    pub warnings: Vec<String>,
    /// The months scaled up as partly observed, with their factors.
    pub scaled: Vec<(Month, f64)>,
    /// Per (workload, model, month), the token classes a vendor preset read,
    /// before scaling (empty for the usage and FOCUS formats, whose classes
    /// are those of the series' months).
    pub classes: BTreeMap<(String, String, Month), Classes>,
    /// Rows read, when the reader counts them apart from the data rows.
    pub rows_read: Option<u64>,
    /// Rows skipped, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// The file counts total tokens only (a `total_tokens` column, no
    /// input or output column): each month's total is held in `input`, and
    /// the token mix must come from the scenario (`[history] shares`).
    pub total_only: bool,
}

/// The kind of history file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistoryFormat {
    /// SPEC 3.1 columns (`month`/`date`/`timestamp`, `model`, token counts), or mapped.
    #[default]
    Usage,
    /// A FOCUS 1.x billing export.
    Focus,
    /// OpenAI's Usage API JSON or dashboard CSV (`openai-usage`).
    OpenAiUsage,
    /// Anthropic's usage report JSON (`anthropic-usage`).
    AnthropicUsage,
    /// Azure Cost Management exports, CSV or Parquet (`azure-cost`).
    AzureCost,
    /// AWS CUR 2.0, Parquet or gzip CSV (`aws-cur`).
    AwsCur,
    /// LiteLLM spend logs and daily spend tables (`litellm`).
    LiteLlm,
}

impl HistoryFormat {
    /// Every format, by its `--history-format` name.
    pub const ALL: [(&'static str, HistoryFormat); 7] = [
        ("usage", HistoryFormat::Usage),
        ("focus", HistoryFormat::Focus),
        ("openai-usage", HistoryFormat::OpenAiUsage),
        ("anthropic-usage", HistoryFormat::AnthropicUsage),
        ("azure-cost", HistoryFormat::AzureCost),
        ("aws-cur", HistoryFormat::AwsCur),
        ("litellm", HistoryFormat::LiteLlm),
    ];

    /// The vendor preset that reads this format, if it is one.
    fn preset(self) -> Option<preset::Preset> {
        match self {
            HistoryFormat::OpenAiUsage => Some(preset::Preset::OpenAiUsage),
            HistoryFormat::AnthropicUsage => Some(preset::Preset::AnthropicUsage),
            HistoryFormat::AzureCost => Some(preset::Preset::AzureCost),
            HistoryFormat::AwsCur => Some(preset::Preset::AwsCur),
            HistoryFormat::LiteLlm => Some(preset::Preset::LiteLlm),
            HistoryFormat::Usage | HistoryFormat::Focus => None,
        }
    }
}

/// The standard column names of the usage format, which `columns` may map.
pub const USAGE_COLUMNS: &[&str] = &[
    "month",
    "date",
    "timestamp",
    "workload",
    "model",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "cache_write_input_tokens",
    "cache_write_long_input_tokens",
    "total_tokens",
];

/// The FOCUS columns the reader uses, which `columns` may map (plus `workload` and `model`).
pub const FOCUS_COLUMNS: &[&str] = &[
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ChargeCategory",
    "ChargeClass",
    "SkuId",
    "SkuPriceId",
    "ServiceName",
    "ChargeDescription",
    "ProviderName",
    "ServiceProviderName",
    "workload",
    "model",
];

/// How to read a history file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryOptions {
    /// Standard column name (lower case for the usage format) → the file's column name.
    pub columns: BTreeMap<String, String>,
    /// Model id for every row (the file's model column, if any, is ignored).
    pub model: Option<String>,
    /// Workload name for every row (the file's workload column, if any, is ignored).
    pub workload: Option<String>,
    /// Unit of numeric timestamps; without it a numeric timestamp is an error.
    pub timestamp_unit: Option<TsUnit>,
    /// Origin of numeric timestamps (default 1970-01-01T00:00:00 UTC).
    pub timestamp_origin: Option<Timestamp>,
    /// Usage CSV or FOCUS export.
    pub format: HistoryFormat,
    /// Count months missing inside a series as zero instead of failing.
    pub gaps_zero: bool,
    /// A row with an empty model and no tokens only marks its period as
    /// observed (set by the vendor presets for periods without use).
    pub window_rows: bool,
}

/// The mapping options as given on the command line, before validation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags<'a> {
    /// `--columns a=b,c=d`.
    pub columns: Option<&'a str>,
    /// `--model`.
    pub model: Option<&'a str>,
    /// `--workload`.
    pub workload: Option<&'a str>,
    /// `--timestamp-unit`.
    pub timestamp_unit: Option<&'a str>,
    /// `--timestamp-origin`.
    pub timestamp_origin: Option<&'a str>,
    /// `--history-format`.
    pub history_format: Option<&'a str>,
    /// `--gaps-zero`.
    pub gaps_zero: bool,
}

/// The raw option values shared by `[history]` and the command line.
struct RawOptions<'a> {
    columns: BTreeMap<String, String>,
    model: Option<&'a str>,
    workload: Option<&'a str>,
    unit: Option<&'a str>,
    origin: Option<&'a str>,
    format: Option<&'a str>,
    gaps_zero: bool,
}

impl HistoryOptions {
    /// The options of a scenario's `[history]` table; errors name `scenario`
    /// and the key (`history.gaps`, ...).
    pub fn from_sec(scenario: &Path, sec: &HistorySec) -> Result<HistoryOptions> {
        let gaps_zero = match sec.gaps.as_deref() {
            None | Some("error") => false,
            Some("zero") => true,
            Some(other) => {
                return Err(Error::invalid(
                    scenario,
                    "history.gaps",
                    format!("expected \"error\" or \"zero\", found \"{other}\""),
                ))
            }
        };
        let raw = RawOptions {
            columns: sec.columns.clone(),
            model: sec.model.as_deref(),
            workload: sec.workload.as_deref(),
            unit: sec.timestamp_unit.as_deref(),
            origin: sec.timestamp_origin.as_deref(),
            format: sec.format.as_deref(),
            gaps_zero,
        };
        raw.validate().map_err(|(key, msg)| Error::invalid(scenario, format!("history.{key}"), msg))
    }

    /// The options given on the command line (`--columns a=b,c=d`, ...);
    /// errors name the flag.
    pub fn from_flags(args: Flags) -> Result<HistoryOptions> {
        let columns = match args.columns {
            Some(s) => parse_column_map(s).map_err(Error::Usage)?,
            None => BTreeMap::new(),
        };
        let raw = RawOptions {
            columns,
            model: args.model,
            workload: args.workload,
            unit: args.timestamp_unit,
            origin: args.timestamp_origin,
            format: args.history_format,
            gaps_zero: args.gaps_zero,
        };
        raw.validate().map_err(|(key, msg)| Error::Usage(format!("--{}: {msg}", key.replace('_', "-"))))
    }
}

impl RawOptions<'_> {
    /// Checks every value; an error is (the option's key, the message).
    fn validate(self) -> std::result::Result<HistoryOptions, (&'static str, String)> {
        let format = match self.format {
            None => HistoryFormat::Usage,
            Some(f) => match HistoryFormat::ALL.iter().find(|(name, _)| *name == f) {
                Some((_, format)) => *format,
                None => {
                    let names: Vec<&str> = HistoryFormat::ALL.iter().map(|(n, _)| *n).collect();
                    let hint = closest(f, names.iter().copied())
                        .map(|c| format!("; did you mean \"{c}\"?"))
                        .unwrap_or_default();
                    let list = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
                    return Err(("format", format!("expected one of {list}, found \"{f}\"{hint}")));
                }
            },
        };
        let timestamp_unit = match self.unit {
            None => None,
            Some(u) => {
                Some(TsUnit::parse(u).ok_or(("timestamp_unit", format!("expected \"s\" or \"ms\", found \"{u}\"")))?)
            }
        };
        let timestamp_origin = match self.origin {
            None => None,
            Some(o) => Some(Timestamp::parse_iso(o).ok_or((
                "timestamp_origin",
                format!("expected an ISO 8601 date-time such as 2024-05-12T00:00:00, found \"{o}\""),
            ))?),
        };
        let valid: Vec<&str> = USAGE_COLUMNS.iter().chain(FOCUS_COLUMNS).copied().collect();
        for key in self.columns.keys() {
            if !valid.iter().any(|v| v.eq_ignore_ascii_case(key)) {
                let hint =
                    closest(key, valid.iter().copied()).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
                return Err((
                    "columns",
                    format!("`{key}` is not a standard column{hint} (mappable: {})", valid.join(", ")),
                ));
            }
        }
        for (key, value) in [("model", self.model), ("workload", self.workload)] {
            if value.is_some_and(|v| v.trim().is_empty()) {
                return Err((key, "expected a non-empty name".into()));
            }
        }
        Ok(HistoryOptions {
            columns: self.columns,
            model: self.model.map(|s| s.trim().to_string()),
            workload: self.workload.map(|s| s.trim().to_string()),
            timestamp_unit,
            timestamp_origin,
            format,
            gaps_zero: self.gaps_zero,
            window_rows: false,
        })
    }
}

/// Parses `a=b,c=d` into a map (standard name → file column).
fn parse_column_map(s: &str) -> std::result::Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for pair in s.split(',').filter(|p| !p.trim().is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .ok_or_else(|| format!("--columns: expected STANDARD=COLUMN pairs separated by commas, found `{pair}`"))?;
        if map.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("--columns: `{k}` is mapped twice"));
        }
    }
    Ok(map)
}

/// Reads a history file into monthly series per (workload, model).
///
/// With a `catalog`, every model must be one of its ids (the error names the
/// closest); a FOCUS export needs the catalog (or a fixed `model`) to map its
/// SKUs to models. See docs/history.md for the accepted forms and rules.
pub fn read_history(path: &Path, opts: &HistoryOptions, catalog: Option<&Catalog>) -> Result<History> {
    let (read, wanted) = match opts.format {
        HistoryFormat::Usage => (usage::read(path, opts, catalog), FileKind::History),
        HistoryFormat::Focus => (focus::read(path, opts, catalog), FileKind::Focus),
        f => {
            let p = f.preset().expect("the other formats are presets");
            (preset::read_history(path, p, opts, catalog), FileKind::History)
        }
    };
    let history = read.map_err(|e| {
        let e = misread(e, path, opts, wanted);
        if opts.format == HistoryFormat::Usage && opts.columns.is_empty() {
            preset::hint(e, path)
        } else {
            e
        }
    })?;
    check_plausible(path, &history)?;
    Ok(history)
}

/// `err`, or, when a file failed to read as `wanted` without a column
/// mapping and is another kind of file, the error saying what it is (a
/// FOCUS export read as the usage format is told `--history-format focus`).
/// With a mapping the user has said how to read the file, and the reader's
/// own error stands.
fn misread(err: Error, path: &Path, opts: &HistoryOptions, wanted: FileKind) -> Error {
    if opts.columns.is_empty() {
        or_wrong_kind(err, path, wanted)
    } else {
        err
    }
}

/// Refuses a history no forecast can start from: a month past
/// [`Month::LAST`], or one with more tokens than a workload may have in a
/// month ([`MAX_MONTHLY_TOKENS`]: a quantity in the wrong unit, a column
/// mapped to the wrong figure).
fn check_plausible(path: &Path, h: &History) -> Result<()> {
    for s in &h.series {
        let name = format!("series `{}` on `{}`", s.workload, s.model);
        if s.last() > Month::LAST {
            let msg = format!("{name} runs to {}, past {}, the last month a report can name", s.last(), Month::LAST);
            return Err(Error::invalid(path, "month", msg));
        }
        if let Some((i, m)) =
            s.months.iter().enumerate().find(|(_, m)| m.total().is_nan() || m.total() > MAX_MONTHLY_TOKENS)
        {
            let msg = format!(
                "{name} has {:e} tokens in {}, more than the {MAX_MONTHLY_TOKENS:e} a workload may use in a month; \
                 check the quantity's unit (a FOCUS ConsumedQuantity in tokens, not thousands or millions) or the column mapping",
                m.total(),
                s.first.plus(i as i32)
            );
            return Err(Error::invalid(path, "input_tokens", msg));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_map_parses_pairs_with_spaces() {
        let m = parse_column_map("timestamp=Timestamp, input_tokens=Request tokens,").unwrap();
        assert_eq!(m["input_tokens"], "Request tokens");
        assert_eq!(m["timestamp"], "Timestamp");
        assert!(parse_column_map("timestamp").unwrap_err().contains("STANDARD=COLUMN"));
        assert!(parse_column_map("model=a,model=b").unwrap_err().contains("mapped twice"));
    }

    #[test]
    fn options_from_args_validate_each_flag() {
        let mut a = Flags { columns: Some("input_tokens=ContextTokens"), ..Flags::default() };
        a.timestamp_unit = Some("ms");
        a.timestamp_origin = Some("2024-05-12T00:00:00Z");
        let o = HistoryOptions::from_flags(a).unwrap();
        assert_eq!(o.timestamp_unit, Some(TsUnit::Millis));
        assert_eq!(o.timestamp_origin.unwrap().to_string(), "2024-05-12T00:00:00");
        a.timestamp_origin = Some("yesterday");
        let e = HistoryOptions::from_flags(a).unwrap_err().to_string();
        assert!(e.starts_with("--timestamp-origin:"), "{e}");
        a.timestamp_origin = None;
        a.columns = Some("input=ContextTokens");
        let e = HistoryOptions::from_flags(a).unwrap_err().to_string();
        assert!(e.contains("`input` is not a standard column"), "{e}");
    }

    #[test]
    fn options_from_sec_name_the_scenario_key() {
        let sec = HistorySec { file: "u.csv".into(), gaps: Some("skip".into()), ..HistorySec::default() };
        let e = HistoryOptions::from_sec(Path::new("s.toml"), &sec).unwrap_err().to_string();
        assert!(e.contains("s.toml: history.gaps: expected \"error\" or \"zero\""), "{e}");
        let sec = HistorySec { file: "u.csv".into(), gaps: Some("zero".into()), ..HistorySec::default() };
        let o = HistoryOptions::from_sec(Path::new("s.toml"), &sec).unwrap();
        assert!(o.gaps_zero && o.format == HistoryFormat::Usage);
    }
}
