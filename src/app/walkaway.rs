//! `commitsim walkaway`.

use anyhow::Result;

use super::output::emit;
use super::plan::{overrides, SWEEP_STEPS, WALKAWAY_CONFIDENCE};
use crate::analysis::sweep::Levels;
use crate::analysis::walkaway::{walkaway, WalkawayRequest};
use crate::cli::{Format, WalkawayArgs};
use crate::report::{render, Report};

/// The levels the command line asks for.
fn levels(a: &WalkawayArgs) -> Result<Levels, crate::Error> {
    match (&a.levels, a.from, a.to) {
        (Some(l), _, _) => Ok(Levels::List(l.clone())),
        (None, Some(from), Some(to)) => Ok(Levels::Grid { from, to, steps: a.steps.unwrap_or(SWEEP_STEPS) }),
        (None, None, None) if a.steps.is_none() => Ok(Levels::Default),
        _ => Err(crate::Error::Usage(
            "give --levels a,b,c, or --from X --to Y [--steps N], or neither for the default grid".into(),
        )),
    }
}

pub fn run(a: &WalkawayArgs, quiet: bool) -> Result<()> {
    let levels = levels(a)?;
    let confidence = crate::analysis::walkaway::check_confidence(a.confidence.unwrap_or(WALKAWAY_CONFIDENCE))?;
    let sc = super::load_scenario(&a.scenario, overrides(a.run))?;
    super::warn_all(&sc.warnings, quiet);
    let bar = crate::progress::bar(sc.paths, "simulating", quiet);
    let req = WalkawayRequest { offer: &a.offer, against: a.against.as_deref(), confidence, levels };
    let report = walkaway(&sc, &req, &|n| bar.inc(n));
    bar.finish_and_clear();
    let report = report?;
    if matches!(a.out.format, Format::Json | Format::Csv) {
        super::warn_all(&report.notes, quiet);
    }
    emit(&render(&Report::Walkaway(report), a.out.format)?, a.out.out.as_deref(), &sc.inputs)?;
    Ok(())
}
