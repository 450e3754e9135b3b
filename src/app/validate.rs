//! `commitsim validate`: check files without simulating. The kind of each
//! TOML file is recognised from its top-level keys; a `.csv` file is read as a
//! usage history with the standard column names (SPEC 3.1).

use std::path::Path;

use anyhow::Result;

use crate::error::Error;
use crate::ingest::{read_history, HistoryOptions};
use crate::spec::{Catalog, Overrides, Scenario};

/// What a TOML file is, judged from its top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A scenario.
    Scenario,
    /// A price catalog.
    Catalog,
}

pub fn run(files: &[std::path::PathBuf], quiet: bool) -> Result<()> {
    let mut failed = 0;
    for f in files {
        let checked = if is_csv(f) { check_history(f) } else { check(f).map(|(k, w)| (kind_name(k), w)) };
        match checked {
            Ok((kind, warnings)) => {
                super::warn_all(&warnings, quiet);
                println!("ok: {} ({kind})", f.display());
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

fn kind_name(kind: FileKind) -> String {
    format!("{kind:?}").to_lowercase()
}

fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Reads a usage history with the standard columns; the warnings say what was
/// scaled or skipped.
fn check_history(path: &Path) -> crate::Result<(String, Vec<String>)> {
    let h = read_history(path, &HistoryOptions::default(), None)?;
    Ok((format!("history, {} series", h.series.len()), h.warnings))
}

fn check(path: &Path) -> crate::Result<(FileKind, Vec<String>)> {
    let text = crate::spec::doc::read_text(path, "a commitsim TOML file")?;
    let table: toml::Table = crate::spec::doc::parse(path, &text)?;
    let kind = if table.contains_key("offers") || table.contains_key("horizon_months") {
        FileKind::Scenario
    } else if table.contains_key("model") || table.contains_key("meta") {
        FileKind::Catalog
    } else {
        return Err(Error::Invalid {
            at: crate::error::Location::file(path),
            message: "not a recognised commitsim file: expected a scenario (offers, horizon_months) or a price catalog ([meta], [[model]])".into(),
        });
    };
    match kind {
        FileKind::Scenario => {
            let sc = Scenario::load(path, Overrides::default())?;
            Ok((kind, sc.warnings))
        }
        FileKind::Catalog => {
            Catalog::load(path)?;
            Ok((kind, Vec::new()))
        }
    }
}
