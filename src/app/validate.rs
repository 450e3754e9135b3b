//! `commitsim validate`: check files without simulating. The kind of each file
//! is recognised from its top-level keys. Contracts are checked against the
//! first checklist among the files, or else the built-in default: every value
//! must fit the test of the items that read it, and a field that no item
//! reads is a warning (usually a typo). A `.csv` file is recognised from its
//! header: a FOCUS billing export (`ChargePeriodStart`), read against the
//! first price catalog among the files; a load profile (`minute,tokens`);
//! else a usage history with the standard column names (SPEC 3.1).

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::checklist::{contract_warnings, score, Category, Checklist, Contract};
use crate::error::Error;
use crate::ingest::{read_history, HistoryFormat, HistoryOptions};
use crate::scenario::{Overrides, Scenario};
use crate::spec::Catalog;

/// What an input file is: a history CSV, or a TOML file judged from its top-level keys.
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
    /// A usage history (CSV).
    History,
    /// A FOCUS billing export (CSV).
    Focus,
    /// A per-minute load profile (CSV), as `profile --out` writes it.
    LoadProfile,
}

impl FileKind {
    /// How `validate` names the kind.
    fn label(self) -> &'static str {
        match self {
            FileKind::Scenario => "scenario",
            FileKind::Catalog => "catalog",
            FileKind::Contract => "contract",
            FileKind::Checklist => "checklist",
            FileKind::History => "history",
            FileKind::Focus => "FOCUS export",
            FileKind::LoadProfile => "load profile",
        }
    }
}

pub fn run(files: &[PathBuf], quiet: bool) -> Result<()> {
    let kinds: Vec<crate::Result<FileKind>> = files.iter().map(|f| kind(f)).collect();
    let of_kind = |want: FileKind| files.iter().zip(&kinds).filter(move |(_, k)| k.as_ref().is_ok_and(|k| *k == want));
    // The first valid checklist among the files, else the built-in one; the first valid catalog.
    let checklist =
        of_kind(FileKind::Checklist).find_map(|(f, _)| Checklist::load(f).ok()).map_or_else(Checklist::builtin, Ok);
    let catalog = of_kind(FileKind::Catalog).find_map(|(f, _)| Catalog::load(f).ok());
    let mut failed = 0;
    for (f, kind) in files.iter().zip(kinds) {
        match kind.and_then(|k| check(f, k, &checklist, catalog.as_ref())) {
            Ok((kind, warnings)) => {
                super::warn_all(&warnings, quiet);
                let against = match (kind, &checklist) {
                    (FileKind::Contract, Ok(c)) => format!(", checked against {}", c.file().display()),
                    _ => String::new(),
                };
                let line = format!("ok: {} ({}{against})", f.display(), kind.label());
                println!("{}", crate::report::escape::terminal(&line));
            }
            Err(e) => {
                eprintln!("error: {}", crate::report::escape::terminal(&e.to_string()));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(Error::Usage(format!("{failed} of {} file(s) failed validation", files.len())).into());
    }
    Ok(())
}

/// The kind of file `path` is: a history by its `.csv` extension, else from
/// its top-level keys.
fn kind(path: &Path) -> crate::Result<FileKind> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        return Ok(csv_kind(path));
    }
    let text = crate::spec::doc::read_text(path, "a commitsim TOML file")?;
    let table: toml::Table = crate::spec::doc::parse(path, &text)?;
    let has = |k: &str| table.contains_key(k);
    if has("item") {
        Ok(FileKind::Checklist)
    } else if has("offers") || has("horizon_months") {
        Ok(FileKind::Scenario)
    } else if has("vendor") || Category::names().any(has) {
        Ok(FileKind::Contract)
    } else if has("model") || has("meta") {
        Ok(FileKind::Catalog)
    } else {
        Err(Error::Invalid {
            at: crate::error::Location::file(path),
            message: "not a recognised commitsim file: expected a scenario (offers, horizon_months), a price catalog \
                      ([meta], [[model]]), a contract ([vendor], [data_usage], ...) or a checklist ([[item]])"
                .into(),
        })
    }
}

/// The kind of a CSV file, from the column names of its first line.
fn csv_kind(path: &Path) -> FileKind {
    use std::io::BufRead;
    let mut first = String::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = std::io::BufReader::new(f).read_line(&mut first);
    }
    let names: Vec<String> = first
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let has = |n: &str| names.iter().any(|c| c == n);
    if has("chargeperiodstart") {
        FileKind::Focus
    } else if has("minute") && has("tokens") && !has("input_tokens") {
        FileKind::LoadProfile
    } else {
        FileKind::History
    }
}

fn check(
    path: &Path,
    kind: FileKind,
    checklist: &crate::Result<Checklist>,
    catalog: Option<&Catalog>,
) -> crate::Result<(FileKind, Vec<String>)> {
    let warnings = match kind {
        FileKind::Focus => {
            let catalog = catalog.ok_or_else(|| {
                Error::Usage(format!(
                    "{}: a FOCUS export maps SKUs to models with a price catalog; validate it together with one, \
                     e.g. commitsim validate {} scenarios/prices.toml",
                    path.display(),
                    path.display()
                ))
            })?;
            let opts = HistoryOptions { format: HistoryFormat::Focus, ..HistoryOptions::default() };
            read_history(path, &opts, Some(catalog))?.warnings
        }
        FileKind::LoadProfile => {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            crate::spec::profile::load_profile(path, &name, "profile").map(|_| Vec::new())?
        }
        FileKind::Scenario => Scenario::load(path, Overrides::default())?.warnings,
        FileKind::Catalog => Catalog::load(path).map(|_| Vec::new())?,
        FileKind::Checklist => Checklist::load(path).map(|_| Vec::new())?,
        FileKind::History => read_history(path, &HistoryOptions::default(), None)?.warnings,
        FileKind::Contract => {
            let contract = Contract::load(path)?;
            let checklist =
                checklist.as_ref().map_err(|e| Error::Usage(format!("no checklist to check against: {e}")))?;
            score(checklist, &contract)?;
            contract_warnings(checklist, &contract)
        }
    };
    Ok((kind, warnings))
}
