//! `commitsim validate`: check files without simulating. The kind of each file
//! is recognised from its content (`spec::kind`). Contracts are checked against the
//! first checklist among the files, or else the built-in default: every value
//! must fit the test of the items that read it, and a field that no item
//! reads is a warning (usually a typo). A `.csv` file is recognised from its
//! header: a FOCUS billing export (`ChargePeriodStart`), read against the
//! first price catalog among the files; a load profile (`minute,tokens`);
//! else a usage history. CSV files are read with the mapping options of the
//! command line (`--columns`, `--model`, `--history-format`, ...) as
//! `forecast --history` reads them, and their model ids are checked against
//! `--catalog`, else the first price catalog among the files.

use std::path::Path;

use anyhow::Result;

use super::plan;
use crate::checklist::{contract_warnings, score, Checklist, Contract};
use crate::cli::{HistoryArgs, ValidateArgs};
use crate::error::Error;
use crate::ingest::{read_history, History, HistoryFormat, HistoryOptions};
use crate::scenario::Overrides;
use crate::spec::kind::{detect, FileKind};
use crate::spec::Catalog;

/// How the CSV files among those validated are read: the mapping options
/// of the command line, and whether `--history-format` was given (else each
/// file's own header decides between a usage CSV and a FOCUS export).
struct CsvReading {
    opts: HistoryOptions,
    format_given: bool,
}

pub fn run(a: &ValidateArgs, quiet: bool) -> Result<()> {
    let files = &a.files;
    let csv = CsvReading { opts: plan::history_options(&a.map)?, format_given: a.map.history_format.is_some() };
    let kinds: Vec<crate::Result<FileKind>> = files.iter().map(|f| detect(f)).collect();
    let of_kind = |want: FileKind| files.iter().zip(&kinds).filter(move |(_, k)| k.as_ref().is_ok_and(|k| *k == want));
    if mapping_given(&a.map) && of_kind(FileKind::History).chain(of_kind(FileKind::Focus)).next().is_none() {
        super::warn_all(
            &["the mapping options (--columns, --model, --history-format, ...) apply to the CSV files given, and \
               none is a usage history or FOCUS export; a scenario's [history] is read with its own keys"
                .to_string()],
            quiet,
        );
    }
    // The first valid checklist among the files, else the built-in one;
    // --catalog, else the first valid catalog among the files.
    let checklist =
        of_kind(FileKind::Checklist).find_map(|(f, _)| Checklist::load(f).ok()).map_or_else(Checklist::builtin, Ok);
    let catalog = match plan::catalog(&a.map)? {
        Some(c) => Some(c),
        None => of_kind(FileKind::Catalog).find_map(|(f, _)| Catalog::load(f).ok()),
    };
    let json = a.format == "json";
    let mut failed = 0;
    let mut read_files = Vec::new();
    for (f, kind) in files.iter().zip(kinds) {
        match kind.and_then(|k| check(f, k, &checklist, catalog.as_ref(), &csv)) {
            Ok((kind, warnings, read)) => {
                super::warn_all(&warnings, quiet);
                if json {
                    read_files.push(file_json(f, kind, read.as_ref()));
                    continue;
                }
                let detail = match (kind, &checklist, read) {
                    (FileKind::Contract, Ok(c), _) => format!(", checked against {}", c.file().display()),
                    (_, _, Some(h)) => history_summary(&h),
                    _ => String::new(),
                };
                let line = format!("ok: {} ({}{detail})", f.display(), kind.label());
                println!("{}", crate::report::escape::terminal(&line));
            }
            Err(e) => {
                eprintln!("error: {}", crate::report::escape::terminal(&e.to_string()));
                if json {
                    read_files.push(serde_json::json!({ "file": f.display().to_string(), "error": e.to_string() }));
                }
                failed += 1;
            }
        }
    }
    if json {
        let doc = serde_json::json!({ "files": read_files });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    }
    if failed > 0 {
        return Err(Error::Usage(format!("{failed} of {} file(s) failed validation", files.len())).into());
    }
    Ok(())
}

/// Whether any of the mapping options was given.
fn mapping_given(m: &HistoryArgs) -> bool {
    let HistoryArgs { columns, model, workload, timestamp_unit, timestamp_origin, history_format, catalog, gaps_zero } =
        m;
    columns.is_some()
        || model.is_some()
        || workload.is_some()
        || timestamp_unit.is_some()
        || timestamp_origin.is_some()
        || history_format.is_some()
        || catalog.is_some()
        || *gaps_zero
}

/// The JSON of one file that validated (docs/json.md, `validate`): its kind,
/// and for a usage file what was read (SPEC 6.4).
fn file_json(path: &Path, kind: FileKind, read: Option<&History>) -> serde_json::Value {
    let mut v = serde_json::json!({ "file": path.display().to_string(), "kind": kind.label() });
    if let Some(h) = read {
        v["rows_read"] = serde_json::json!(h.rows_read);
        v["rows_skipped"] = serde_json::json!(h.skipped);
        v["series"] = serde_json::json!(crate::ingest::summary::series_read(h));
    }
    v
}

/// `, N series, FIRST to LAST` of what a history file was read into.
fn history_summary(h: &History) -> String {
    let first = h.series.iter().map(|s| s.first).min();
    let last = h.series.iter().map(|s| s.last()).max();
    match (first, last) {
        (Some(first), Some(last)) => format!(", {} series, {first} to {last}", h.series.len()),
        _ => String::new(),
    }
}

/// Checks one file of `kind`: its warnings, and for a history the series read.
fn check(
    path: &Path,
    kind: FileKind,
    checklist: &crate::Result<Checklist>,
    catalog: Option<&Catalog>,
    csv: &CsvReading,
) -> crate::Result<(FileKind, Vec<String>, Option<History>)> {
    let warnings = match kind {
        FileKind::Focus | FileKind::History | FileKind::RequestLog => {
            let mut opts = csv.opts.clone();
            if !csv.format_given {
                opts.format = if kind == FileKind::Focus { HistoryFormat::Focus } else { HistoryFormat::Usage };
            }
            let kind = if opts.format == HistoryFormat::Focus { FileKind::Focus } else { FileKind::History };
            if kind == FileKind::Focus && catalog.is_none() && opts.model.is_none() {
                return Err(Error::Usage(format!(
                    "{}: a FOCUS export maps SKUs to models with a price catalog; validate it together with one, \
                     e.g. commitsim validate {} scenarios/prices.toml (or name it with --catalog)",
                    path.display(),
                    path.display()
                )));
            }
            let history = read_history(path, &opts, catalog)?;
            return Ok((kind, history.warnings.clone(), Some(history)));
        }
        FileKind::LoadProfile => {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            crate::spec::profile::load_profile(path, &name, "profile").map(|_| Vec::new())?
        }
        FileKind::Scenario => super::load_scenario(path, Overrides::default())?.warnings,
        FileKind::Catalog => Catalog::load(path).map(|_| Vec::new())?,
        FileKind::Checklist => Checklist::load(path).map(|_| Vec::new())?,
        FileKind::Contract => {
            let contract = Contract::load(path)?;
            let checklist =
                checklist.as_ref().map_err(|e| Error::Usage(format!("no checklist to check against: {e}")))?;
            score(checklist, &contract)?;
            contract_warnings(checklist, &contract)
        }
    };
    Ok((kind, warnings, None))
}
