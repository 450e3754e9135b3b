//! `commitsim validate`: check files without simulating. The kind of each file
//! is recognised from its top-level keys. Contracts are checked against the
//! first checklist among the files, or else the built-in default: every value
//! must fit the test of the items that read it, and a field that no item
//! reads is a warning (usually a typo). A `.csv` file is read as a usage
//! history with the standard column names (SPEC 3.1).

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::checklist::{contract_warnings, score, Category, Checklist, Contract};
use crate::error::Error;
use crate::ingest::{read_history, HistoryOptions};
use crate::spec::{Catalog, Overrides, Scenario};

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
}

pub fn run(files: &[PathBuf], quiet: bool) -> Result<()> {
    let checklist = first_checklist(files);
    let mut failed = 0;
    for f in files {
        match check(f, &checklist) {
            Ok((kind, warnings)) => {
                super::warn_all(&warnings, quiet);
                let against = match (kind, &checklist) {
                    (FileKind::Contract, Ok(c)) => format!(", checked against {}", c.file().display()),
                    _ => String::new(),
                };
                println!("ok: {} ({}{against})", f.display(), format!("{kind:?}").to_lowercase());
            }
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(Error::Usage(format!("{failed} of {} file(s) failed validation", files.len())).into());
    }
    Ok(())
}

/// The first file that is a valid checklist, else the built-in one.
fn first_checklist(files: &[PathBuf]) -> crate::Result<Checklist> {
    let is_checklist = |f: &&PathBuf| kind(f).is_ok_and(|k| k == FileKind::Checklist);
    files.iter().filter(is_checklist).find_map(|f| Checklist::load(f).ok()).map_or_else(Checklist::builtin, Ok)
}

/// The kind of file `path` is: a history by its `.csv` extension, else from
/// its top-level keys.
fn kind(path: &Path) -> crate::Result<FileKind> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        return Ok(FileKind::History);
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

fn check(path: &Path, checklist: &crate::Result<Checklist>) -> crate::Result<(FileKind, Vec<String>)> {
    let kind = kind(path)?;
    let warnings = match kind {
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
