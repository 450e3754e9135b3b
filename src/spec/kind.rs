//! What kind of commitsim file a path holds, judged from its content: a CSV
//! from its header (a FOCUS billing export, a per-minute load profile, else
//! a usage history), a TOML file from its top-level keys. `validate` checks
//! each file as the kind it is; every loader, when a file fails to load,
//! asks [`wrong_kind`] whether the file is another kind of commitsim file,
//! and if so says what it is and where it goes instead of reporting the
//! first key it did not expect.

use std::io::{BufRead, Read};
use std::path::Path;

use crate::error::{Error, Location};

/// The scored sections of a contract-terms file (the checklist's
/// categories, tested to agree with `checklist::Category`).
pub const CONTRACT_SECTIONS: [&str; 8] =
    ["data_usage", "retention", "indemnity", "liability", "pricing", "service", "security", "exit"];

/// Files larger than this are not parsed as TOML to find out what they are
/// (a TOML input is a few kilobytes; a usage log may be gigabytes).
const MAX_TOML_SNIFF: u64 = 16 << 20;

/// What an input file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A scenario.
    Scenario,
    /// A price catalog.
    Catalog,
    /// A contract-terms file.
    Contract,
    /// A checklist.
    Checklist,
    /// A usage history (CSV), monthly, daily or one row per request.
    History,
    /// A FOCUS billing export (CSV).
    Focus,
    /// A per-minute load profile (CSV), as `profile --out` writes it.
    LoadProfile,
    /// A request log, one row per request (what `profile` reads): never
    /// detected, as it is a usage CSV; only wanted.
    RequestLog,
}

impl FileKind {
    /// How `validate` names the kind.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Scenario => "scenario",
            FileKind::Catalog => "catalog",
            FileKind::Contract => "contract",
            FileKind::Checklist => "checklist",
            FileKind::History => "history",
            FileKind::Focus => "FOCUS export",
            FileKind::LoadProfile => "load profile",
            FileKind::RequestLog => "request log",
        }
    }

    /// The kind with its article, for sentences.
    pub fn noun(self) -> &'static str {
        match self {
            FileKind::Scenario => "a scenario",
            FileKind::Catalog => "a price catalog",
            FileKind::Contract => "a contract-terms file",
            FileKind::Checklist => "a checklist",
            FileKind::History => "a usage CSV",
            FileKind::Focus => "a FOCUS billing export",
            FileKind::LoadProfile => "a per-minute load profile",
            FileKind::RequestLog => "a request log",
        }
    }

    /// Where a file of this kind goes, for one read as `wanted`.
    fn goes(self, wanted: FileKind) -> &'static str {
        match (self, wanted) {
            (FileKind::Focus, FileKind::History) => {
                "read it with --history-format focus and a price catalog (--catalog), or in a scenario's \
                 [history] with format = \"focus\""
            }
            (FileKind::History, FileKind::Focus) => {
                "read it without --history-format focus (in a scenario's [history], without format = \"focus\")"
            }
            (FileKind::History, FileKind::LoadProfile) => {
                "a load profile is written from a request log by profile --history FILE --out load.csv"
            }
            (FileKind::Scenario, _) => "give it to simulate, sweep, forecast or brief",
            (FileKind::Catalog, _) => {
                "a scenario names it with catalog = \"...\", and the commands that read a usage file \
                 (forecast --history, backtest, validate) take it with --catalog"
            }
            (FileKind::Contract, _) => "give it to score, or to brief with --contract",
            (FileKind::Checklist, _) => "pass it with --checklist (score, brief)",
            (FileKind::History, _) => "give it to a scenario's [history] or to forecast --history",
            (FileKind::Focus, _) => {
                "give it to forecast --history with --history-format focus and --catalog, or to a scenario's \
                 [history] with format = \"focus\""
            }
            (FileKind::LoadProfile, _) => {
                "a provisioned offer reads it with load = { profile = \"...\" } (it is what profile --out writes)"
            }
            (FileKind::RequestLog, _) => "give it to profile --history",
        }
    }

    /// Whether a file detected as `self` is of the `wanted` kind: a request
    /// log is a usage CSV.
    fn is(self, wanted: FileKind) -> bool {
        self == wanted || (self == FileKind::History && wanted == FileKind::RequestLog)
    }
}

/// The kind of the file at `path`: a CSV by its `.csv` extension or a
/// header-like first line, else a TOML file judged from its top-level keys.
/// An error when the file cannot be read or parsed or is no kind we know.
pub fn detect(path: &Path) -> crate::Result<FileKind> {
    if let Some(report) = std::fs::metadata(path).is_ok_and(|m| m.is_file()).then(|| report_kind(path)).flatten() {
        let message = format!(
            "this is {report} that commitsim wrote, not an input: validate checks scenarios, catalogs, \
             contracts, checklists and usage CSVs"
        );
        return Err(Error::Invalid { at: Location::file(path), message });
    }
    if let Some(kind) = export_file_kind(path).or_else(|| csv_file_kind(path)) {
        return Ok(kind);
    }
    let text = super::doc::read_text(path, "a commitsim TOML file")?;
    let table: toml::Table = super::doc::parse(path, &text)?;
    toml_kind(&table).ok_or_else(|| Error::Invalid {
        at: Location::file(path),
        message: "not a recognised commitsim file: expected a scenario (offers, horizon_months), a price catalog \
                  ([meta], [[model]]), a contract ([vendor], [data_usage], ...) or a checklist ([[item]])"
            .into(),
    })
}

/// The kind of a TOML document, from its top-level keys.
fn toml_kind(table: &toml::Table) -> Option<FileKind> {
    let has = |k: &str| table.contains_key(k);
    if has("item") {
        Some(FileKind::Checklist)
    } else if has("offers") || has("horizon_months") {
        Some(FileKind::Scenario)
    } else if has("vendor") || CONTRACT_SECTIONS.into_iter().any(has) {
        Some(FileKind::Contract)
    } else if has("model") || has("meta") {
        Some(FileKind::Catalog)
    } else {
        None
    }
}

/// The kind of a CSV file, from the column names of its first line.
fn csv_kind(first: &str) -> FileKind {
    let names: Vec<String> = first.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
    let has = |n: &str| names.iter().any(|c| c == n);
    if has("chargeperiodstart") {
        FileKind::Focus
    } else if has("minute") && has("tokens") && !has("input_tokens") {
        FileKind::LoadProfile
    } else {
        FileKind::History
    }
}

/// The kind of the file at `path` when it is a CSV file: named `.csv`, or
/// with a first line that reads as a CSV header.
fn csv_file_kind(path: &Path) -> Option<FileKind> {
    let csv_extension = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let first = first_line(path);
    (csv_extension || first.as_deref().is_some_and(looks_like_csv_header))
        .then(|| csv_kind(first.as_deref().unwrap_or("")))
}

/// The kind of a regular file holding a gzip stream, JSON or Parquet (told
/// from its first bytes, SPEC 6.4): a FOCUS export when a FOCUS column name
/// (`ChargePeriodStart`) is among its first 64 KiB (decompressed; for
/// Parquet, the last 64 KiB, which hold the schema), else a usage history. None for any other file.
fn export_file_kind(path: &Path) -> Option<FileKind> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut head = Vec::new();
    std::fs::File::open(path).ok()?.take(64 << 10).read_to_end(&mut head).ok()?;
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    // `{`, or `[` then `{` or `]`: JSON rows, not a TOML table header.
    let mut chars = text.iter().copied().filter(|b| !b.is_ascii_whitespace());
    let json = match chars.next() {
        Some(b'{') => true,
        Some(b'[') => matches!(chars.next(), Some(b'{' | b']')),
        _ => false,
    };
    let body = if head.starts_with(&[0x1f, 0x8b]) {
        let mut inner = Vec::new();
        // A stream cut short still gives its first bytes.
        let _ = flate2::read::MultiGzDecoder::new(&head[..]).take(64 << 10).read_to_end(&mut inner);
        inner
    } else if head.starts_with(b"PAR1") {
        // The schema is in the footer: the last 64 KiB hold its column names.
        use std::io::{Seek, SeekFrom};
        let mut f = std::fs::File::open(path).ok()?;
        let len = f.metadata().ok()?.len();
        f.seek(SeekFrom::Start(len.saturating_sub(64 << 10))).ok()?;
        let mut tail = Vec::new();
        f.take(64 << 10).read_to_end(&mut tail).ok()?;
        tail
    } else if json {
        head
    } else {
        return None;
    };
    let focus = body.windows(17).any(|w| w.eq_ignore_ascii_case(b"chargeperiodstart"));
    Some(if focus { FileKind::Focus } else { FileKind::History })
}

/// The first line of the file (without a byte-order mark), if it can be read.
fn first_line(path: &Path) -> Option<String> {
    let f = std::fs::File::open(path).ok()?;
    let mut line = Vec::new();
    // At most 64 KiB: a header is short, and a file without line ends is no CSV.
    std::io::BufReader::new(f).take(64 << 10).read_until(b'\n', &mut line).ok()?;
    let line = String::from_utf8(line).ok()?;
    Some(line.trim_start_matches('\u{feff}').trim_end().to_string())
}

/// Whether a line reads as a CSV header rather than a line of TOML: two or
/// more cells, and none of TOML's `=`, `[` or a leading `#`.
fn looks_like_csv_header(line: &str) -> bool {
    line.contains(',') && !line.contains('=') && !line.starts_with('[') && !line.starts_with('#')
}

/// When the file at `path`, which failed to load as `wanted`, is
/// recognisably another kind of commitsim file: the error saying what it
/// is and where it goes. None when it is of the wanted kind, or of no kind
/// (then the loader's own error stands).
pub fn wrong_kind(path: &Path, wanted: FileKind) -> Option<Error> {
    let meta = std::fs::metadata(path).ok()?;
    if let Some(report) = meta.is_file().then(|| report_kind(path)).flatten() {
        return Some(Error::Invalid { at: Location::file(path), message: report_message(path, report, wanted) });
    }
    let found = if let Some(kind) = export_file_kind(path).or_else(|| csv_file_kind(path)) {
        kind
    } else if meta.is_file() && meta.len() <= MAX_TOML_SNIFF {
        // Only a regular file: a pipe or a device (`/dev/zero`) reports no
        // size and may never end.
        let text = std::fs::read_to_string(path).ok()?;
        toml_kind(&toml::from_str(text.trim_start_matches('\u{feff}')).ok()?)?
    } else {
        return None;
    };
    (!found.is(wanted)).then(|| Error::Invalid {
        at: Location::file(path),
        message: format!("this is {}, not {}: {}", found.noun(), wanted.noun(), found.goes(wanted)),
    })
}

/// What a file commitsim writes is, when the file at `path` is one: a
/// JSON, Markdown, CSV or HTML report or an Excel workbook, judged from its
/// first line (a CSV report by the figures it has as columns), or an
/// `.xlsx` name.
fn report_kind(path: &Path) -> Option<&'static str> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if ext == "xlsx" {
        return Some("an Excel workbook");
    }
    let first = first_line(path)?;
    let lower = first.to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        Some("an HTML brief")
    } else if first.starts_with('{') && names_commitsim(path) {
        Some("a JSON report")
    } else if (ext == "md" || ext == "markdown") && first.starts_with('#') {
        Some("a Markdown report")
    } else if looks_like_csv_header(&first) && is_report_header(&lower) {
        Some("a CSV report")
    } else {
        None
    }
}

/// Whether a JSON file's first 4 KiB name commitsim as the tool that wrote
/// it (`"tool": "commitsim"`, the first field of every JSON report): vendor
/// exports are JSON objects too.
fn names_commitsim(path: &Path) -> bool {
    let Ok(f) = std::fs::File::open(path) else { return false };
    let mut head = Vec::new();
    if f.take(4 << 10).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("\"tool\":\"commitsim\"")
}

/// Whether a CSV header is that of a report: it has a column only reports
/// have (a cost, a quantile of a forecast, a score).
fn is_report_header(lower: &str) -> bool {
    let names: Vec<&str> = lower.split(',').map(|c| c.trim().trim_matches('"')).collect();
    let has = |n: &str| names.contains(&n);
    ["cost_mean", "peak_to_mean", "coverage_50", "break_even_discount", "break_even_unit_price", "blocked"]
        .into_iter()
        .any(has)
        || (has("p5") && has("p95") && has("mean"))
}

/// The error for a report given where an input of kind `wanted` is read:
/// what it is, and the input of the same name beside it when there is one.
fn report_message(path: &Path, report: &str, wanted: FileKind) -> String {
    let ext = match wanted {
        FileKind::Scenario | FileKind::Catalog | FileKind::Contract | FileKind::Checklist => "toml",
        _ => "csv",
    };
    let sibling = path.with_extension(ext);
    let hint = if sibling != path && sibling.is_file() {
        format!("did you mean {}?", sibling.display())
    } else {
        format!("give the .{ext} file it was made from")
    };
    format!(
        "this is {report} that commitsim wrote, not {}: commands read their inputs and write reports; {hint}",
        wanted.noun()
    )
}

/// `err`, or the [`wrong_kind`] error when the file at `path` is another
/// kind of commitsim file than `wanted`.
pub fn or_wrong_kind(err: Error, path: &Path, wanted: FileKind) -> Error {
    wrong_kind(path, wanted).unwrap_or(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_kinds_come_from_the_header() {
        assert_eq!(csv_kind("BilledCost,ChargePeriodStart,ConsumedQuantity"), FileKind::Focus);
        assert_eq!(csv_kind("minute,tokens"), FileKind::LoadProfile);
        assert_eq!(csv_kind("minute,tokens,input_tokens"), FileKind::History);
        assert_eq!(csv_kind("\"date\",model,input_tokens,output_tokens"), FileKind::History);
    }

    #[test]
    fn toml_kinds_come_from_the_top_level_keys() {
        let kind = |t: &str| toml_kind(&toml::from_str(t).unwrap());
        assert_eq!(kind("[[item]]\nid = \"a\""), Some(FileKind::Checklist));
        assert_eq!(kind("horizon_months = 12"), Some(FileKind::Scenario));
        assert_eq!(kind("[retention]\ndays = 3"), Some(FileKind::Contract));
        assert_eq!(kind("[meta]\nas_of = \"2026-01-01\""), Some(FileKind::Catalog));
        assert_eq!(kind("name = \"x\""), None);
    }

    #[test]
    fn reports_are_told_from_inputs() {
        let d = tempfile::tempdir().unwrap();
        let w = |name: &str, text: &str| {
            let p = d.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let kind = |name: &str, text: &str| report_kind(&w(name, text));
        assert_eq!(kind("r.json", "{\n  \"tool\": \"commitsim\",\n"), Some("a JSON report"));
        assert_eq!(kind("b.html", "<!DOCTYPE html>\n<html>"), Some("an HTML brief"));
        assert_eq!(kind("s.md", "## Northwind\n"), Some("a Markdown report"));
        assert_eq!(kind("r.csv", "offer,kind,cost_mean,cost_std_error\n"), Some("a CSV report"));
        assert_eq!(kind("f.csv", "workload,model,month,p5,p10,p50,p90,p95,mean\n"), Some("a CSV report"));
        assert_eq!(kind("w.xlsx", "PK"), Some("an Excel workbook"));
        // Inputs are not reports.
        assert_eq!(kind("h.csv", "month,model,input_tokens,output_tokens\n"), None);
        assert_eq!(kind("s.toml", "name = \"x\"\n"), None);
        assert_eq!(kind("notes.md", "name = \"x\"\n"), None);
        // The input of the same name beside it is suggested.
        let report = w("northwind.json", "{\n");
        w("northwind.toml", "name = \"x\"\n");
        let m = report_message(&report, "a JSON report", FileKind::Scenario);
        assert!(m.starts_with("this is a JSON report that commitsim wrote, not a scenario"), "{m}");
        assert!(m.ends_with(&format!("did you mean {}?", d.path().join("northwind.toml").display())), "{m}");
        let m = report_message(&report, "a JSON report", FileKind::History);
        assert!(m.ends_with("give the .csv file it was made from"), "{m}");
    }

    #[test]
    fn csv_headers_are_told_from_toml_lines() {
        assert!(looks_like_csv_header("month,model,input_tokens"));
        assert!(!looks_like_csv_header("name = \"a, b\""));
        assert!(!looks_like_csv_header("# a, b"));
        assert!(!looks_like_csv_header("[meta]"));
        assert!(!looks_like_csv_header("minute"));
    }
}
