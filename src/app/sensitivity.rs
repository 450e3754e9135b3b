//! `commitsim sensitivity`.

use anyhow::Result;

use super::output::check_format;
use super::plan::overrides;
use crate::analysis::sensitivity::sensitivity;
use crate::cli::SensitivityArgs;
use crate::report::Report;

pub fn run(a: &SensitivityArgs, quiet: bool) -> Result<()> {
    check_format(a.out.format, a.out.out.as_deref(), false)?;
    let sc = super::load_scenario(&a.scenario, overrides(a.run))?;
    super::warn_all(&sc.warnings, quiet);
    let bar = crate::progress::bar(sc.paths, "simulating", quiet);
    let report = sensitivity(&sc, a.offer.as_deref(), &|n| bar.inc(n));
    bar.finish_and_clear();
    super::emit_report(Report::Sensitivity(report?), &a.out, &sc)
}
