//! `commitsim simulate`.

use anyhow::Result;

use super::output::emit;
use super::plan::overrides;
use crate::analysis::simulate::simulate;
use crate::cli::SimulateArgs;
use crate::report::{render, Report};
use crate::scenario::Scenario;

pub fn run(a: &SimulateArgs, quiet: bool) -> Result<()> {
    let sc = Scenario::load(&a.scenario, overrides(a.run))?;
    super::warn_all(&sc.warnings, quiet);
    let bar = crate::progress::bar(sc.paths, "simulating", quiet);
    let report = simulate(&sc, &|n| bar.inc(n));
    bar.finish_and_clear();
    let report = report?;
    emit(&render(&Report::Simulate(report), a.out.format)?, a.out.out.as_deref(), &sc.inputs)?;
    Ok(())
}
