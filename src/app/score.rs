//! `commitsim score`: contract terms against a checklist (the built-in
//! default unless `--checklist` names one). Fields that no item reads are
//! warned about on standard error; every input error exits 2.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::output::{check_format, emit};
use crate::checklist::{contract_warnings, score_all, Checklist, Contract};
use crate::cli::ScoreArgs;
use crate::report::{render, Report};

pub fn run(a: &ScoreArgs, quiet: bool) -> Result<()> {
    check_format(a.out.format, a.out.out.as_deref(), false)?;
    let checklist = load_checklist(a.checklist.as_deref())?;
    let mut loaded = Vec::with_capacity(a.contracts.len());
    for path in &a.contracts {
        let c = Contract::load(path)?;
        super::warn_all(&contract_warnings(&checklist, &c), quiet);
        loaded.push(c);
    }
    let report = score_all(&checklist, &loaded)?;
    let inputs: Vec<PathBuf> = a.contracts.iter().cloned().chain(a.checklist.clone()).collect();
    emit(&render(&Report::Score(report), a.out.format)?, a.out.out.as_deref(), &inputs)?;
    Ok(())
}

/// The checklist at `path`, or the built-in default.
pub fn load_checklist(path: Option<&Path>) -> crate::Result<Checklist> {
    match path {
        Some(p) => Checklist::load(p),
        None => Checklist::builtin(),
    }
}
