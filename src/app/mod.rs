//! Turning parsed arguments into work: one file per subcommand. Errors get
//! their context here (which file was being read), and only here.

mod brief;
mod forecast;
mod init;
pub mod output;
mod plan;
mod profile;
mod score;
mod simulate;
mod sweep;
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
        Command::Score(a) => score::run(&a, quiet),
        Command::Validate(a) => validate::run(&a, quiet),
        Command::Init(a) => init::run(&a.dir),
        Command::Profile(a) => profile::run(&a, quiet),
        Command::Forecast(a) => forecast::run_forecast(&a, quiet),
        Command::Backtest(a) => forecast::run_backtest(&a, quiet),
        Command::Brief(a) => brief::run(&a, quiet),
    }
}

/// Prints warnings to standard error unless quiet.
fn warn_all(warnings: &[String], quiet: bool) {
    if !quiet {
        for w in warnings {
            eprintln!("warning: {}", crate::report::escape::terminal(w));
        }
    }
}
