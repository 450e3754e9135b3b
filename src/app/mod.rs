//! Turning parsed arguments into work: one file per subcommand. Errors get
//! their context here (which file was being read), and only here.

mod brief;
mod forecast;
mod init;
mod optimize;
pub mod output;
mod plan;
mod profile;
mod score;
mod sensitivity;
mod simulate;
mod sweep;
mod track;
mod validate;
mod walkaway;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// Runs the command line.
pub fn run(cli: Cli) -> Result<()> {
    if let Some(n) = cli.threads {
        let n = plan::threads(n)?;
        // Fails only if a pool was already built in this process (tests); then the existing one is used.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    let quiet = cli.quiet;
    match cli.command {
        Command::Simulate(a) => simulate::run(&a, quiet),
        Command::Sweep(a) => sweep::run(&a, quiet),
        Command::Walkaway(a) => walkaway::run(&a, quiet),
        Command::Track(a) => track::run(&a, quiet),
        Command::Sensitivity(a) => sensitivity::run(&a, quiet),
        Command::Optimize(a) => optimize::run(&a, quiet),
        Command::Score(a) => score::run(&a, quiet),
        Command::Validate(a) => validate::run(&a, quiet),
        Command::Init(a) => init::run(&a.dir),
        Command::Profile(a) => profile::run(&a, quiet),
        Command::Forecast(a) => forecast::run_forecast(&a, quiet),
        Command::Backtest(a) => forecast::run_backtest(&a, quiet),
        Command::Brief(a) => brief::run(&a, quiet),
    }
}

/// Writes `report` in the format `out` asks for: text through
/// [`output::emit`], or a workbook (checked by [`output::check_format`]
/// before the run) with an `Inputs` sheet hashing every file of `sc.inputs`.
fn emit_report(report: crate::report::Report, out: &crate::cli::OutArgs, sc: &crate::scenario::Scenario) -> Result<()> {
    use crate::report::{render, xlsx, Format};
    match (out.format, out.out.as_deref()) {
        (Format::Xlsx, Some(path)) => {
            let files = crate::brief::assumptions::reproducibility(sc, &[], None, String::new())?.files;
            let rows: Vec<xlsx::InputRow> =
                files.into_iter().map(|f| xlsx::InputRow { role: f.role, path: f.path, sha256: f.sha256 }).collect();
            let bytes = xlsx::render(&report, &rows)?;
            output::write_atomic(path, &bytes, &sc.inputs)?;
        }
        _ => output::emit(&render(&report, out.format)?, out.out.as_deref(), &sc.inputs)?,
    }
    Ok(())
}

/// Prints warnings to standard error unless quiet.
fn warn_all(warnings: &[String], quiet: bool) {
    if !quiet {
        for w in warnings {
            eprintln!("warning: {}", crate::report::escape::terminal(w));
        }
    }
}

/// Loads a scenario and, when it asks (`[forecast] calibrate = true`),
/// widens its fitted bands by the miscoverage its own history's back-test
/// measures (a warning states the factor). Every command loads through here.
fn load_scenario(
    path: &std::path::Path,
    ov: crate::scenario::Overrides,
) -> crate::error::Result<crate::scenario::Scenario> {
    let mut sc = crate::scenario::Scenario::load(path, ov)?;
    crate::analysis::backtest::calibrate(&mut sc);
    Ok(sc)
}
