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
//! Token classes. The engine prices uncached input, cached input and
//! output; batch traffic is a workload share (`batch_share`). Until cache
//! writes are a class of their own, a preset bills them as input, as the
//! FOCUS reader does, and says in a warning how many there were; batch
//! tokens stay in their classes and a warning says how many. What each
//! month held, class by class, is kept in [`History::classes`] for
//! `validate --format json`.

mod anthropic;
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

    /// A date-time in `col`: ISO 8601, or a number of seconds since 1970.
    pub fn instant(&self, c: usize) -> Result<i64> {
        super::timestamp::parse_cell(self.src.cell(c), Some(super::TsUnit::Seconds), Timestamp::EPOCH)
            .map(Timestamp::millis)
            .map_err(|why| self.src.error(c, format!("cannot read date-time {}: {why}", self.src.shown(c))))
    }
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

    /// A note of the ids that were mapped to another id.
    pub fn note(&self) -> Option<String> {
        let mapped: Vec<String> = self
            .seen
            .iter()
            .filter(|(raw, (id, _))| raw != &id)
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
}

impl Preset {
    /// The name of `--history-format`.
    pub fn name(self) -> &'static str {
        match self {
            Preset::OpenAiUsage => "openai-usage",
            Preset::AnthropicUsage => "anthropic-usage",
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
        // Cache writes are billed as input until the catalog prices them apart.
        let input = (c.input + c.cache_write + c.cache_write_long).to_string();
        let (output, cached) = (c.output.to_string(), c.cached.to_string());
        table.push(&[&when, &u.workload, &u.model, &input, &output, &cached], place.clone());
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
    if total.cache_write + total.cache_write_long > 0 {
        warnings.push(format!(
            "{} tokens were cache writes ({} short-lived, {} long-lived); they are billed at the input \
             price, counted in input_tokens, until the catalog prices cache writes apart",
            total.cache_write + total.cache_write_long,
            total.cache_write,
            total.cache_write_long
        ));
    }
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
}
