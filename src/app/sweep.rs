//! `commitsim sweep`.

use std::path::Path;

use anyhow::Result;

use crate::analysis::sweep::{sweep, Levels};
use crate::cli::{Format, OutArgs};
use crate::report::{emit, render, Report};
use crate::spec::{Overrides, Scenario};

/// The raw level options of the command line.
pub struct LevelArgs {
    pub levels: Option<Vec<f64>>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub steps: Option<usize>,
}

impl LevelArgs {
    fn resolve(&self) -> Result<Levels, crate::Error> {
        match (&self.levels, self.from, self.to) {
            (Some(l), _, _) => Ok(Levels::List(l.clone())),
            (None, Some(from), Some(to)) => Ok(Levels::Grid { from, to, steps: self.steps.unwrap_or(25) }),
            (None, None, None) if self.steps.is_none() => Ok(Levels::Default),
            _ => Err(crate::Error::Usage(
                "give --levels a,b,c, or --from X --to Y [--steps N], or neither for the default grid".into(),
            )),
        }
    }
}

pub fn run(path: &Path, offer: &str, levels: &LevelArgs, ov: Overrides, out: &OutArgs, quiet: bool) -> Result<()> {
    let levels = levels.resolve()?;
    let sc = Scenario::load(path, ov)?;
    super::warn_all(&sc.warnings, quiet);
    let bar = crate::progress::bar(2 * sc.paths, "sweeping", quiet);
    let report = sweep(&sc, offer, &levels, &|n| bar.inc(n));
    bar.finish_and_clear();
    let report = report?;
    // The table and Markdown show the analysis notes; JSON and CSV readers see them on standard error too.
    if matches!(out.format, Format::Json | Format::Csv) {
        super::warn_all(&report.warnings, quiet);
    }
    emit(&render(&Report::Sweep(report), out.format)?, out.out.as_deref())?;
    Ok(())
}
