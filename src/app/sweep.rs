//! `commitsim sweep`.

use anyhow::Result;

use super::output::check_format;
use super::plan::{overrides, SWEEP_STEPS};
use crate::analysis::sweep::{sweep, Levels};
use crate::cli::{Format, SweepArgs};
use crate::report::Report;

/// The levels the command line asks for.
fn levels(a: &SweepArgs) -> Result<Levels, crate::Error> {
    match (&a.levels, a.from, a.to) {
        (Some(l), _, _) => Ok(Levels::List(l.clone())),
        (None, Some(from), Some(to)) => Ok(Levels::Grid { from, to, steps: a.steps.unwrap_or(SWEEP_STEPS) }),
        (None, None, None) if a.steps.is_none() => Ok(Levels::Default),
        _ => Err(crate::Error::Usage(
            "give --levels a,b,c, or --from X --to Y [--steps N], or neither for the default grid".into(),
        )),
    }
}

pub fn run(a: &SweepArgs, quiet: bool) -> Result<()> {
    let levels = levels(a)?;
    check_format(a.out.format, a.out.out.as_deref(), true)?;
    let sc = super::load_scenario(&a.scenario, overrides(a.run))?;
    super::warn_all(&sc.warnings, quiet);
    let bar = crate::progress::bar(2 * sc.paths, "sweeping", quiet);
    let report = sweep(&sc, &a.offer, &levels, &|n| bar.inc(n));
    bar.finish_and_clear();
    let report = report?;
    // The table and Markdown show the analysis notes; JSON and CSV readers see them on standard error too.
    if matches!(a.out.format, Format::Json | Format::Csv | Format::Xlsx) {
        super::warn_all(&report.warnings, quiet);
    }
    super::emit_report(Report::Sweep(report), &a.out, &sc)
}
