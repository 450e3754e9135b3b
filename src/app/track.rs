//! `commitsim track`: a signed commitment followed through its term.

use anyhow::Result;

use super::output::{check_target, emit};
use super::plan::{history_options, overrides};
use crate::analysis::track::{track, Request};
use crate::cli::TrackArgs;
use crate::error::Error;
use crate::ingest::read_history;
use crate::report::{render, Format, Report};
use crate::spec::month::Month;

pub fn run(a: &TrackArgs, quiet: bool) -> Result<()> {
    if a.map.catalog.is_some() {
        return Err(Error::Usage(
            "--catalog: track reads model ids against the scenario's own catalog; leave --catalog out".into(),
        )
        .into());
    }
    if let Some(p) = a.alert_probability {
        if !(0.0..=1.0).contains(&p) {
            return Err(
                Error::Usage(format!("--alert-probability: expected a probability in [0, 1], found {p}")).into()
            );
        }
    }
    let as_of = a
        .as_of
        .as_deref()
        .map(|s| {
            Month::parse(s).ok_or_else(|| Error::Usage(format!("--as-of: expected a month as YYYY-MM, found `{s}`")))
        })
        .transpose()?;
    let sc = super::load_scenario(&a.scenario, overrides(a.run))?;
    let mut inputs = sc.inputs.clone();
    inputs.push(a.actuals.clone());
    if let Some(out) = a.out.as_deref().filter(|p| p.as_os_str() != "-") {
        check_target(out, &inputs)?;
    }
    super::warn_all(&sc.warnings, quiet);
    let opts = history_options(&a.map)?;
    let actuals = read_history(&a.actuals, &opts, Some(&sc.catalog))?;
    let file_warnings: Vec<String> = actuals.warnings.iter().map(|w| format!("{}: {w}", a.actuals.display())).collect();
    super::warn_all(&file_warnings, quiet);
    let req = Request {
        scenario: &sc,
        offer: &a.offer,
        actuals: &actuals,
        actuals_file: &a.actuals,
        as_of,
        alert_probability: a.alert_probability,
    };
    let report = track(&req)?;
    super::warn_all(&report.warnings, quiet);
    let (alert, prob, level) = (report.alert, report.term_end.prob_overcommit, report.alert_probability);
    let text = match a.format.as_str() {
        "html" => crate::brief::status::render(&report),
        "json" => render(&Report::Track(report), Format::Json)?,
        "csv" => render(&Report::Track(report), Format::Csv)?,
        "markdown" | "md" => render(&Report::Track(report), Format::Markdown)?,
        _ => render(&Report::Track(report), Format::Table)?,
    };
    emit(&text, a.out.as_deref(), &inputs)?;
    if alert {
        return Err(Error::Alert(format!(
            "the probability of unused commitment above the waste tolerance at the term's end is {:.1}%, above \
             --alert-probability {}",
            prob * 100.0,
            level.unwrap_or(0.0)
        ))
        .into());
    }
    Ok(())
}
