//! `commitsim profile`: per-minute effective-token load of a request log,
//! its summary, and optionally the minutes as a `minute,tokens` CSV.

use std::path::Path;

use anyhow::Result;

use crate::analysis::profile::summarize;
use crate::cli::{Format, HistoryArgs};
use crate::ingest::{read_minute_load, HistoryOptions};
use crate::report::{csv_out, emit, render, Report};
use crate::spec::Catalog;

/// Reads `history`, writes the minutes to `out` (`-` = standard output,
/// instead of the summary) and prints the summary in `format`.
pub fn run(
    history: &Path,
    output_weight: f64,
    out: Option<&Path>,
    format: Format,
    map: &HistoryArgs,
    quiet: bool,
) -> Result<()> {
    let opts = HistoryOptions::from_args(map)?;
    let catalog = map.catalog.as_deref().map(Catalog::load).transpose()?;
    let load = read_minute_load(history, &opts, output_weight, catalog.as_ref())?;
    super::warn_all(&load.warnings, quiet);
    let report = summarize(&load, history, output_weight)?;
    if let Some(out) = out {
        emit(&csv_out::minute_load(&load), Some(out))?;
        if out.as_os_str() == "-" {
            return Ok(());
        }
    }
    emit(&render(&Report::Profile(report), format)?, None)?;
    Ok(())
}
