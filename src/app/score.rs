//! `commitsim score`: contract terms against a checklist (the built-in
//! default unless `--checklist` names one). Fields that no item reads are
//! warned about on standard error; every input error exits 2.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::checklist::{contract_warnings, score_all, Checklist, Contract};
use crate::cli::OutArgs;
use crate::report::{emit, render, Report};

pub fn run(contracts: &[PathBuf], checklist: Option<&Path>, out: &OutArgs, quiet: bool) -> Result<()> {
    let checklist = load_checklist(checklist)?;
    let mut loaded = Vec::with_capacity(contracts.len());
    for path in contracts {
        let c = Contract::load(path)?;
        super::warn_all(&contract_warnings(&checklist, &c), quiet);
        loaded.push(c);
    }
    let report = score_all(&checklist, &loaded)?;
    emit(&render(&Report::Score(report), out.format)?, out.out.as_deref())?;
    Ok(())
}

/// The checklist at `path`, or the built-in default.
pub fn load_checklist(path: Option<&Path>) -> crate::Result<Checklist> {
    match path {
        Some(p) => Checklist::load(p),
        None => Checklist::builtin(),
    }
}
