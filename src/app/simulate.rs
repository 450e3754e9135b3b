//! `commitsim simulate`.

use anyhow::Result;

use super::output::check_format;
use super::plan::overrides;
use crate::analysis::simulate::simulate;
use crate::cli::SimulateArgs;
use crate::report::Report;

pub fn run(a: &SimulateArgs, quiet: bool) -> Result<()> {
    check_format(a.out.format, a.out.out.as_deref(), true)?;
    let sc = super::load_scenario(&a.scenario, overrides(a.run))?;
    super::warn_all(&sc.warnings, quiet);
    let bar = crate::progress::bar(sc.paths, "simulating", quiet);
    let report = simulate(&sc, &|n| bar.inc(n));
    bar.finish_and_clear();
    let report = report?;
    super::emit_report(Report::Simulate(report), &a.out, &sc)
}
