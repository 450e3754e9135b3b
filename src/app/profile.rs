//! `commitsim profile`: per-minute effective-token load of a request log,
//! its summary, and optionally the minutes as a `minute,tokens` CSV.

use std::path::PathBuf;

use anyhow::Result;

use super::output::{check_format, emit};
use super::plan::{catalog, history_options};
use crate::analysis::profile::{short_log_warning, summarize};
use crate::cli::ProfileArgs;
use crate::ingest::read_minute_load;
use crate::report::{csv_out, render, Report};
use crate::spec::values::MAX_OUTPUT_WEIGHT;

/// Reads the log, writes the minutes to `--out` (`-` = standard output,
/// instead of the summary) and prints the summary in `--format`.
pub fn run(a: &ProfileArgs, quiet: bool) -> Result<()> {
    check_format(a.format, None, false)?;
    let w = a.output_weight;
    if !(w.is_finite() && (0.0..=MAX_OUTPUT_WEIGHT).contains(&w)) {
        let msg = format!("--output-weight must be a number >= 0 and at most {MAX_OUTPUT_WEIGHT}, found {w}");
        return Err(crate::Error::Usage(msg).into());
    }
    let opts = history_options(&a.map)?;
    let catalog = catalog(&a.map)?;
    let load = read_minute_load(&a.history, &opts, a.output_weight, catalog.as_ref())?;
    super::warn_all(&load.warnings, quiet);
    let report = summarize(&load, &a.history, a.output_weight)?;
    super::warn_all(&short_log_warning(&report).into_iter().collect::<Vec<_>>(), quiet);
    super::warn_all(&report.warnings, quiet);
    let inputs: Vec<PathBuf> = std::iter::once(a.history.clone()).chain(a.map.catalog.clone()).collect();
    if let Some(out) = &a.out {
        emit(&csv_out::minute_load(&load), Some(out), &inputs)?;
        if out.as_os_str() == "-" {
            return Ok(());
        }
    }
    emit(&render(&Report::Profile(report), a.format)?, None, &inputs)?;
    Ok(())
}
