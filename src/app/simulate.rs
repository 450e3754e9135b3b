//! `commitsim simulate`.

use std::path::Path;

use anyhow::Result;

use crate::analysis::simulate::simulate;
use crate::cli::OutArgs;
use crate::report::{emit, render, Report};
use crate::spec::{Overrides, Scenario};

pub fn run(path: &Path, ov: Overrides, out: &OutArgs, quiet: bool) -> Result<()> {
    let sc = Scenario::load(path, ov)?;
    super::warn_all(&sc.warnings, quiet);
    let bar = crate::progress::bar(sc.paths, "simulating", quiet);
    let report = simulate(&sc, &|n| bar.inc(n));
    bar.finish_and_clear();
    let report = report?;
    emit(&render(&Report::Simulate(report), out.format)?, out.out.as_deref())?;
    Ok(())
}
