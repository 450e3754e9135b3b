//! `commitsim optimize`.

use anyhow::Result;

use super::output::check_format;
use super::plan::overrides;
use crate::analysis::optimize::optimize;
use crate::cli::OptimizeArgs;
use crate::report::Report;

pub fn run(a: &OptimizeArgs, quiet: bool) -> Result<()> {
    check_format(a.out.format, a.out.out.as_deref(), false)?;
    let sc = super::load_scenario(&a.scenario, overrides(a.run))?;
    super::warn_all(&sc.warnings, quiet);
    let limit = a.risk_limit.unwrap_or(sc.risk.max_overcommit_probability);
    let bar = crate::progress::bar(sc.paths, "simulating", quiet);
    let report = optimize(&sc, &a.portfolio, limit, &|n| bar.inc(n));
    bar.finish_and_clear();
    super::emit_report(Report::Optimize(report?), &a.out, &sc)
}
