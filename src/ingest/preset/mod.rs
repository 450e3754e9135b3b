//! Vendor presets (`--history-format openai-usage`, `anthropic-usage`):
//! a vendor's usage export, in any file kind [`Input`] reads, turned row by
//! row into the usage format's table, which the usage reader then sums
//! (the same gap, partial-month and per-minute rules as every usage file).
//!
//! A preset reads each row's period (start and end), workload, model and
//! token classes, maps the vendor's model id (a dated snapshot such as
//! `gpt-6.2-sol-2026-11-17`) to a catalog id, and counts the rows it skips
//! by reason. A period observed without use (an empty usage bucket, a
//! dashboard row of empty cells) adds no tokens but counts as observed:
//! it widens the observation window (so a month whose last days had no
//! use is not scaled as partial) and is a minute of zero load for
//! `profile`.
//!
//! Token classes. The engine prices uncached input, cached input, short-
//! and long-lived cache writes and output, and a preset keeps each class
//! apart; batch traffic is a workload share (`batch_share`): batch tokens
//! stay in their classes and a warning says how many. What each
//! month held, class by class, is kept in [`History::classes`] for
//! `validate --format json`.

mod anthropic;
mod aws;
mod azure;
mod litellm;
mod openai;

use std::collections::BTreeMap;
use std::path::Path;

use super::input::{Content, Input, Table};
use super::source::Source;
use super::timestamp::{format_day, month_of_ms, Timestamp, MS_PER_DAY};
use super::{Classes, History, HistoryOptions};
use crate::error::{closest, Error, Result};
use crate::spec::catalog::Catalog;
use crate::spec::month::Month;

/// One usage row as a preset reads it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Usage {
    /// Period start and end, ms since the epoch (UTC).
    pub start: i64,
    pub end: i64,
    pub workload: String,
    /// Catalog id (already mapped), or empty for a period without use.
    pub model: String,
    pub classes: Classes,
}

/// What a preset read from a file: rows in file order, with their places.
#[derive(Default)]
pub(crate) struct Read {
    pub rows: Vec<(Usage, String)>,
    /// Rows skipped, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Further notes (cost rows, ...).
    pub notes: Vec<String>,
    /// The rows are requests, each at an instant (a gateway's log), rather
    /// than usage buckets: `profile` bins them by minute.
    pub requests: bool,
}

impl Read {
    /// Counts a row skipped for `reason`.
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }
}

/// A header lookup over a [`Source`]: cells by column name (case-insensitive).
pub(crate) struct Fields<'s> {
    pub src: &'s Source,
}

impl Fields<'_> {
    /// The column index of `name`, if the file has it.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.src.headers().iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The current row's text in `col` (empty when absent).
    pub fn text(&self, col: Option<usize>) -> Result<&str> {
        match col {
            Some(c) => self.src.text(c),
            None => Ok(""),
        }
    }

    /// A whole token count in `col` (`12`, `12.0`); empty or absent is 0.
    pub fn count(&self, col: Option<usize>) -> Result<u64> {
        let Some(c) = col else { return Ok(0) };
        let cell = self.src.cell(c);
        if cell.is_empty() || cell.eq_ignore_ascii_case(b"null") {
            return Ok(0);
        }
        super::usage::parse_count(cell).map_err(|why| {
            self.src.error(c, format!("{why} {}; expected a whole number of tokens >= 0", self.src.shown(c)))
        })
    }

    /// A quantity in `col` (a decimal number >= 0); empty or absent is 0.
    pub fn amount(&self, col: Option<usize>, what: &str) -> Result<f64> {
        let Some(c) = col else { return Ok(0.0) };
        let t = self.src.text(c)?.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("null") {
            return Ok(0.0);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            _ => Err(self.src.error(c, format!("expected {what}, a number >= 0, found {}", self.src.shown(c)))),
        }
    }

    /// The column of `name`, or a value inside a map column: `product.product_name`
    /// is the column of that name (a JSON file's nested object), else key
    /// `product_name` of column `product` (CUR 2.0's map columns, written as
    /// JSON text in CSV and by the Parquet reader), else the flattened
    /// `product_product_name` (legacy CUR CSV).
    pub fn nested(&self, name: &str) -> Option<Nested> {
        if let Some(c) = self.col(name) {
            return Some(Nested::Column(c));
        }
        let (map, key) = name.split_once('.')?;
        if let Some(c) = self.col(map) {
            return Some(Nested::Key(c, key.to_string()));
        }
        self.col(&format!("{map}_{key}")).map(Nested::Column)
    }

    /// The current row's text of `n` (empty when absent).
    pub fn nested_text(&self, n: Option<&Nested>) -> Result<String> {
        match n {
            None => Ok(String::new()),
            Some(Nested::Column(c)) => Ok(self.text(Some(*c))?.to_string()),
            Some(Nested::Key(c, key)) => {
                let cell = self.text(Some(*c))?;
                map_value(cell, key).ok_or_else(|| {
                    self.src.error(
                        *c,
                        format!(
                            "cannot read the map {}; expected a JSON object of strings (`{{\"{key}\": \"...\"}}`) \
                             or `{{{key}=...}}`",
                            self.src.shown(*c)
                        ),
                    )
                })
            }
        }
    }

    /// A date-time in `col`: ISO 8601, or a number of seconds since 1970.
    pub fn instant(&self, c: usize) -> Result<i64> {
        super::timestamp::parse_cell(self.src.cell(c), Some(super::TsUnit::Seconds), Timestamp::EPOCH)
            .map(Timestamp::millis)
            .map_err(|why| self.src.error(c, format!("cannot read date-time {}: {why}", self.src.shown(c))))
    }
}

/// The field `columns.workload` names (a column, or `map.key` of a map
/// column), if any; an error when the file has no such field.
pub(crate) fn workload_field(f: &Fields, opts: &HistoryOptions) -> Result<Option<Nested>> {
    let Some(w) = opts.columns.get("workload") else { return Ok(None) };
    match f.nested(w) {
        Some(n) => Ok(Some(n)),
        None => Err(crate::Error::invalid(
            f.src.path(),
            "columns.workload",
            format!(
                "the file has no field `{w}` (a column, or `map.key` of a map column such as `resource_tags.user_team`)"
            ),
        )),
    }
}

/// The workload of the current row: the fixed one, the field's value, or `all`.
pub(crate) fn workload_of(f: &Fields, opts: &HistoryOptions, field: Option<&Nested>) -> Result<String> {
    if let Some(w) = &opts.workload {
        return Ok(w.clone());
    }
    let v = f.nested_text(field)?;
    Ok(if v.is_empty() { "all".to_string() } else { v })
}

/// A day in `col`: ISO 8601 (`2026-11-01`, `2026-11-01T00:00:00Z`) or
/// US `MM/DD/YYYY` (as Azure's cost exports write it); ms at 00:00 UTC.
pub(crate) fn day_ms(f: &Fields, c: usize) -> Result<i64> {
    let cell = f.src.text(c)?.trim();
    let us = || {
        let mut it = cell.split(' ').next()?.split('/');
        let (m, d, y) =
            (it.next()?.parse::<u32>().ok()?, it.next()?.parse::<u32>().ok()?, it.next()?.parse::<i32>().ok()?);
        let month = Month::new(y, m).filter(|_| it.next().is_none() && y >= 1000)?;
        (d >= 1 && d <= month.days()).then(|| super::timestamp::days_from_civil(y, m, d) * MS_PER_DAY)
    };
    if let Some(ms) = us() {
        return Ok(ms);
    }
    super::timestamp::parse_cell(cell.as_bytes(), None, Timestamp::EPOCH)
        .map(|t| t.day() * MS_PER_DAY)
        .map_err(|why| f.src.error(c, format!("cannot read the date {}: {why}, or MM/DD/YYYY", f.src.shown(c))))
}

/// Where a field is: a column, or a key of a map column.
#[derive(Debug, Clone)]
pub(crate) enum Nested {
    Column(usize),
    Key(usize, String),
}

/// Value `key` of a map written as text: a JSON object (`{"a":"x"}`), or
/// Athena/Hive's `{a=x, b=y}`; an empty cell is an empty map. None when the
/// text is neither.
pub(crate) fn map_value(text: &str, key: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("null") || t == "{}" {
        return Some(String::new());
    }
    if let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(t) {
        return Some(match o.get(key) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        });
    }
    let inner = t.strip_prefix('{')?.strip_suffix('}')?;
    for pair in inner.split(", ") {
        let (k, v) = pair.split_once('=')?;
        if k.trim() == key {
            return Some(v.trim().to_string());
        }
    }
    Some(String::new())
}

/// Lower-case words of a name: split at every character that is not a
/// letter or a digit, between letters and digits, and where a capital
/// follows a small letter: `Claude4.6Sonnet` is `claude 4 6 sonnet`,
/// `gpt-4o-0806` is `gpt 4 o 0806`, `NovaLite` is `nova lite`.
pub(crate) fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let split = (p.is_ascii_digit() != c.is_ascii_digit()) || (p.is_lowercase() && c.is_uppercase());
            if split && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
        prev = Some(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that name a seller or a packaging rather than a model.
const VENDOR_WORDS: &[&str] = &["amazon", "aws", "bedrock", "edition", "anthropic", "azure", "openai", "microsoft"];

/// A model name as a sorted list of words, without vendor words and
/// without a date (`0806`, `20261002`, `2026 11 17`): two names with the
/// same key name the same model (`Claude5.5Sonnet`, `Claude Sonnet 5.5
/// (Amazon Bedrock Edition)` and `bedrock-claude-sonnet-5-5`).
pub(crate) fn model_key(name: &str) -> Vec<String> {
    let w = words(name);
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let x = &w[i];
        let digits = x.chars().all(|c| c.is_ascii_digit());
        if digits
            && x.len() == 4
            && i + 2 < w.len()
            && [&w[i + 1], &w[i + 2]].iter().all(|y| y.len() == 2 && y.chars().all(|c| c.is_ascii_digit()))
        {
            i += 3;
            continue;
        }
        let date = digits && x.len() >= 4;
        if !date && !VENDOR_WORDS.contains(&x.as_str()) {
            out.push(x.clone());
        }
        i += 1;
    }
    out.sort();
    out
}

/// Maps a vendor's model ids to catalog ids, remembering each.
pub(crate) struct Models<'c> {
    catalog: Option<&'c Catalog>,
    fixed: Option<String>,
    /// Vendor id → (catalog id, rows).
    seen: BTreeMap<String, (String, u64)>,
}

impl<'c> Models<'c> {
    pub fn new(catalog: Option<&'c Catalog>, opts: &HistoryOptions) -> Models<'c> {
        Models { catalog, fixed: opts.model.clone(), seen: BTreeMap::new() }
    }

    /// The catalog id of vendor id `raw` (or the fixed model); the error
    /// names the id and the closest catalog id.
    pub fn map(&mut self, raw: &str) -> std::result::Result<String, String> {
        if let Some(m) = &self.fixed {
            return Ok(m.clone());
        }
        if let Some((id, n)) = self.seen.get_mut(raw) {
            *n += 1;
            return Ok(id.clone());
        }
        let id = self.find(raw)?;
        self.seen.insert(raw.to_string(), (id.clone(), 1));
        Ok(id)
    }

    fn find(&self, raw: &str) -> std::result::Result<String, String> {
        let base = undated(raw);
        let Some(c) = self.catalog else { return Ok(base.to_string()) };
        for name in [raw, base] {
            let hit = c
                .models
                .iter()
                .find(|m| m.id.eq_ignore_ascii_case(name) || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)));
            if let Some(m) = hit {
                return Ok(m.id.clone());
            }
        }
        let hint = closest(base, c.models.iter().map(|m| m.id.as_str()))
            .map(|h| format!("; the closest catalog id is `{h}`"))
            .unwrap_or_default();
        let read = if base == raw { String::new() } else { format!(" (read as `{base}` without its date)") };
        Err(format!(
            "model `{raw}`{read} is not in catalog {}{hint}; add it, or the vendor's id to a model's `aliases`",
            c.file.display()
        ))
    }

    /// The catalog id of `raw`, a model named by a cloud seller (a meter's
    /// model part, a Bedrock usage type or product name, a gateway's model
    /// id): an id or alias as written or without its date, else the
    /// catalog model whose name has the same words ([`model_key`]); among
    /// several, the one whose provider's words best match `seller` (a
    /// model sold by Azure is `azure-gpt-4.1` rather than `gpt-4.1`). `what`
    /// says where the id was read, for the error.
    pub fn map_sold(&mut self, raw: &str, seller: &[&str], what: &str) -> std::result::Result<String, String> {
        if let Some(m) = &self.fixed {
            return Ok(m.clone());
        }
        let memo = format!("{raw}\u{1f}{}", seller.join(","));
        if let Some((id, n)) = self.seen.get_mut(&memo) {
            *n += 1;
            return Ok(id.clone());
        }
        let id = self.find_sold(raw, seller, what)?;
        self.seen.insert(memo, (id.clone(), 1));
        Ok(id)
    }

    fn find_sold(&self, raw: &str, seller: &[&str], what: &str) -> std::result::Result<String, String> {
        let base = undated(raw);
        let Some(c) = self.catalog else { return Ok(base.to_string()) };
        let score = |provider: &str| {
            if seller.is_empty() {
                return 0;
            }
            let p = words(provider);
            let hit = p.iter().filter(|w| seller.contains(&w.as_str())).count() as i64;
            hit - (p.len() as i64 - hit)
        };
        let key = model_key(raw);
        let mut best: Option<(i64, i64, &str)> = None;
        for m in &c.models {
            let names = std::iter::once(&m.id).chain(&m.aliases);
            let exact = names.clone().any(|n| n.eq_ignore_ascii_case(raw) || n.eq_ignore_ascii_case(base));
            let same = !key.is_empty() && names.clone().any(|n| model_key(n) == key);
            if exact || same {
                let rank = (score(&m.provider), i64::from(exact));
                if best.is_none_or(|(s, e, _)| rank > (s, e)) {
                    best = Some((rank.0, rank.1, m.id.as_str()));
                }
            }
        }
        if let Some((_, _, id)) = best {
            return Ok(id.to_string());
        }
        let hint = closest(base, c.models.iter().map(|m| m.id.as_str()))
            .map(|h| format!("; the closest catalog id is `{h}`"))
            .unwrap_or_default();
        Err(format!(
            "model `{raw}` ({what}) is not in catalog {}{hint}; add it, or `{raw}` to a model's `aliases`",
            c.file.display()
        ))
    }

    /// A note of the ids that were mapped to another id.
    pub fn note(&self) -> Option<String> {
        let mapped: Vec<String> = self
            .seen
            .iter()
            .map(|(raw, v)| (raw.split('\u{1f}').next().unwrap_or(raw), v))
            .filter(|(raw, (id, _))| raw != id)
            .map(|(raw, (id, n))| format!("`{raw}` → `{id}` ({n} rows)"))
            .collect();
        (!mapped.is_empty()).then(|| format!("model ids mapped to catalog ids: {}", mapped.join(", ")))
    }
}

/// A model id without a snapshot date at its end: `-2026-11-17`,
/// `-20261117`, or `@20261117`.
pub(crate) fn undated(id: &str) -> &str {
    let b = id.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let n = b.len();
    if n > 11 && b[n - 11] == b'-' && b[n - 6] == b'-' && b[n - 3] == b'-' {
        let (y, m, d) = (&b[n - 10..n - 6], &b[n - 5..n - 3], &b[n - 2..]);
        if digits(y) && digits(m) && digits(d) {
            return &id[..n - 11];
        }
    }
    if n > 9 && matches!(b[n - 9], b'-' | b'@') && digits(&b[n - 8..]) && b[n - 8] == b'2' {
        return &id[..n - 9];
    }
    id
}

/// Which preset reads a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// OpenAI: the Usage API's completions buckets, or the dashboard's CSV.
    OpenAiUsage,
    /// Anthropic: the usage report's buckets (and cost report rows, counted).
    AnthropicUsage,
    /// Azure Cost Management exports: meters parsed into model, class and unit.
    AzureCost,
    /// AWS CUR 2.0: Bedrock usage types parsed into model and class.
    AwsCur,
    /// LiteLLM: spend logs (per request) and the daily spend tables.
    LiteLlm,
}

impl Preset {
    /// The name of `--history-format`.
    pub fn name(self) -> &'static str {
        match self {
            Preset::OpenAiUsage => "openai-usage",
            Preset::AnthropicUsage => "anthropic-usage",
            Preset::AzureCost => "azure-cost",
            Preset::AwsCur => "aws-cur",
            Preset::LiteLlm => "litellm",
        }
    }
}

/// What a preset made of a file: the usage table to read, and what to add
/// to the history read from it.
pub(crate) struct Made {
    pub input: Input,
    pub opts: HistoryOptions,
    pub classes: BTreeMap<(String, String, Month), Classes>,
    pub warnings: Vec<String>,
    /// The width of every bucket, in ms, when they are all the same.
    pub width: Option<i64>,
    /// The rows are requests (see [`Read::requests`]).
    pub requests: bool,
    pub rows_read: u64,
    pub skipped: BTreeMap<String, u64>,
}

/// Reads `path` with `preset` into a usage table.
pub(crate) fn make(path: &Path, preset: Preset, opts: &HistoryOptions, catalog: Option<&Catalog>) -> Result<Made> {
    let mut src = Source::open(path)?;
    let content = src.input().content();
    let mut models = Models::new(catalog, opts);
    let read = match preset {
        Preset::OpenAiUsage => openai::read(&mut src, opts, &mut models)?,
        Preset::AnthropicUsage => anthropic::read(&mut src, opts, &mut models)?,
        Preset::AzureCost => azure::read(&mut src, opts, &mut models)?,
        Preset::AwsCur => aws::read(&mut src, opts, &mut models)?,
        Preset::LiteLlm => litellm::read(&mut src, opts, &mut models)?,
    };
    let rows_read = src.rows();
    let mut warnings: Vec<String> = src.long_rows_warning().into_iter().collect();
    warnings.extend(models.note());
    warnings.extend(read.notes.iter().cloned());
    finish(path, content, preset, opts, read, rows_read, warnings)
}

fn finish(
    path: &Path,
    content: Content,
    preset: Preset,
    opts: &HistoryOptions,
    read: Read,
    rows_read: u64,
    mut warnings: Vec<String>,
) -> Result<Made> {
    if read.rows.iter().all(|(u, _)| u.model.is_empty()) {
        return Err(Error::Invalid {
            at: crate::error::Location::file(path),
            message: format!(
                "no token usage found in {rows_read} rows read as {} ({}); expected rows with a model and token \
                 counts{}",
                preset.name(),
                skipped_text(&read.skipped),
                read.notes.iter().map(|n| format!(". {n}")).collect::<String>()
            ),
        });
    }
    let widths: Vec<i64> = read.rows.iter().map(|(u, _)| u.end - u.start).collect();
    let width = widths.first().copied().filter(|w| widths.iter().all(|x| x == w));
    let daily = read.rows.iter().all(|(u, _)| u.end - u.start == MS_PER_DAY && u.start.rem_euclid(MS_PER_DAY) == 0);
    let mut table = Table::new(&[
        if daily { "date" } else { "timestamp" },
        "workload",
        "model",
        "input_tokens",
        "output_tokens",
        "cached_input_tokens",
        "cache_write_input_tokens",
        "cache_write_long_input_tokens",
    ]);
    let mut classes: BTreeMap<(String, String, Month), Classes> = BTreeMap::new();
    let mut total = Classes::default();
    for (u, place) in &read.rows {
        let when = if daily {
            format_day(u.start.div_euclid(MS_PER_DAY))
        } else {
            Timestamp::from_millis(u.start).map_or_else(String::new, |t| t.to_string())
        };
        let c = &u.classes;
        let [input, output, cached, write, write_long] =
            [c.input, c.output, c.cached, c.cache_write, c.cache_write_long].map(|n| n.to_string());
        table.push(&[&when, &u.workload, &u.model, &input, &output, &cached, &write, &write_long], place.clone());
        if !u.model.is_empty() {
            classes.entry((u.workload.clone(), u.model.clone(), month_of_ms(u.start))).or_default().add(c);
            total.add(c);
        }
    }
    let skipped: u64 = read.skipped.values().sum();
    warnings.insert(
        0,
        format!(
            "read as {} ({}): {} of {rows_read} rows are token usage{}",
            preset.name(),
            content.label(),
            read.rows.iter().filter(|(u, _)| !u.model.is_empty()).count(),
            if skipped > 0 { format!("; {skipped} skipped: {}", skipped_text(&read.skipped)) } else { String::new() }
        ),
    );
    if total.batch > 0 {
        warnings.push(format!(
            "{} tokens went through the batch API; they stay in their classes (the scenario's \
             batch_share prices batch traffic)",
            total.batch
        ));
    }
    let usage_opts = HistoryOptions { gaps_zero: opts.gaps_zero, window_rows: true, ..HistoryOptions::default() };
    Ok(Made {
        input: Input::from_table(path, content, table),
        opts: usage_opts,
        classes,
        warnings,
        width,
        requests: read.requests,
        rows_read,
        skipped: read.skipped,
    })
}

/// `reason n, reason n` of skipped rows, most first.
fn skipped_text(skipped: &BTreeMap<String, u64>) -> String {
    let mut v: Vec<(&String, &u64)> = skipped.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
}

/// The preset whose export `path` looks like, from its column names, with
/// the export's name; None when it looks like none of them.
pub(crate) fn looks_like(path: &Path) -> Option<(Preset, &'static str)> {
    let src = Source::open(path).ok()?;
    let has = |name: &str| src.headers().iter().any(|h| h.eq_ignore_ascii_case(name));
    if has("MeterName") && has("Quantity") {
        Some((Preset::AzureCost, "an Azure cost export"))
    } else if has("line_item_usage_type") {
        Some((Preset::AwsCur, "an AWS CUR export"))
    } else if has("prompt_tokens") && has("completion_tokens") && (has("startTime") || has("date")) {
        Some((Preset::LiteLlm, "a LiteLLM spend table"))
    } else if has("start_time") && has("input_tokens") && has("input_cached_tokens") {
        Some((Preset::OpenAiUsage, "an OpenAI usage export"))
    } else if has("starting_at") && (has("uncached_input_tokens") || has("amount")) {
        Some((Preset::AnthropicUsage, "an Anthropic usage report"))
    } else {
        None
    }
}

/// `err` (a file read as the usage format without its columns), with a
/// hint naming the preset that reads it when the file looks like a
/// vendor's export.
pub(crate) fn hint(err: Error, path: &Path) -> Error {
    match err {
        Error::Invalid { at, message } if message.contains("not found") || message.contains("missing column") => {
            let message = match looks_like(path) {
                Some((p, what)) => format!(
                    "{message} This looks like {what}: read it with --history-format {} (format = \"{}\" in \
                     [history]).",
                    p.name(),
                    p.name()
                ),
                None => message,
            };
            Error::Invalid { at, message }
        }
        other => other,
    }
}

/// Reads `path` with `preset` into monthly series.
pub(crate) fn read_history(
    path: &Path,
    preset: Preset,
    opts: &HistoryOptions,
    catalog: Option<&Catalog>,
) -> Result<History> {
    let made = make(path, preset, opts, catalog)?;
    // Models are catalog ids already: the usage reader need not check them.
    let mut h = super::usage::read_input(made.input, &made.opts, None)?;
    h.warnings.splice(0..0, made.warnings);
    h.classes = made.classes;
    h.rows_read = Some(made.rows_read);
    h.skipped = made.skipped;
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_dates_come_off_model_ids() {
        assert_eq!(undated("gpt-6.2-sol-2026-11-17"), "gpt-6.2-sol");
        assert_eq!(undated("claude-sonnet-5-5-20261002"), "claude-sonnet-5-5");
        assert_eq!(undated("gemini-4-neon@20261110"), "gemini-4-neon");
        assert_eq!(undated("gpt-4.1"), "gpt-4.1");
        assert_eq!(undated("claude-sonnet-5-5"), "claude-sonnet-5-5");
        assert_eq!(undated("x-12345678"), "x-12345678");
    }

    #[test]
    fn model_names_compare_by_their_words() {
        assert_eq!(words("Claude4.6Sonnet-input"), ["claude", "4", "6", "sonnet", "input"]);
        assert_eq!(words("NovaLite"), ["nova", "lite"]);
        assert_eq!(words("gpt-4o-0806"), ["gpt", "4", "o", "0806"]);
        let k = model_key("bedrock-claude-sonnet-5-5");
        assert_eq!(k, ["5", "5", "claude", "sonnet"]);
        assert_eq!(model_key("Claude5.5Sonnet"), k);
        assert_eq!(model_key("Claude Sonnet 5.5 (Amazon Bedrock Edition)"), k);
        assert_eq!(model_key("anthropic.claude-sonnet-5-5-20261002"), k);
        assert_eq!(model_key("gpt-4o-2024-08-06"), model_key("azure-gpt-4o"));
        assert_eq!(model_key("o4-mini-0416"), model_key("o4-mini"));
        assert_ne!(model_key("gpt-4.1"), model_key("gpt-4.1-mini"));
    }

    #[test]
    fn map_values_from_json_or_hive_text() {
        let json = r#"{"product_name":"Claude Sonnet 5.5 (Amazon Bedrock Edition)","region":"us-west-2"}"#;
        assert_eq!(map_value(json, "region").as_deref(), Some("us-west-2"));
        assert_eq!(map_value(json, "absent").as_deref(), Some(""));
        assert_eq!(map_value("{user_team=search, env=prod}", "env").as_deref(), Some("prod"));
        assert_eq!(map_value("", "env").as_deref(), Some(""));
        assert_eq!(map_value("not a map", "env"), None);
    }
}
