//! Turning parsed arguments into work: one file per subcommand. Errors get
//! their context here (which file was being read), and only here.

mod brief;
mod forecast;
mod init;
mod profile;
mod score;
mod simulate;
mod sweep;
mod validate;

use anyhow::Result;

use crate::cli::{Cli, Command, RunArgs};
use crate::spec::Overrides;

/// Runs the command line.
pub fn run(cli: Cli) -> Result<()> {
    if let Some(n) = cli.threads {
        // Results do not depend on the count; more threads than this only
        // add start-up time (10,000 threads take half a minute to start).
        const MAX_THREADS: usize = 256;
        if !(1..=MAX_THREADS).contains(&n) {
            let why = format!("--threads must be between 1 and {MAX_THREADS}, found {n}");
            return Err(crate::Error::Usage(why).into());
        }
        // Fails only if a pool was already built in this process (tests); then the existing one is used.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    let quiet = cli.quiet;
    match cli.command {
        Command::Simulate { scenario, run, out } => simulate::run(&scenario, overrides(run), &out, quiet),
        Command::Sweep { scenario, offer, levels, from, to, steps, run, out } => {
            sweep::run(&scenario, &offer, &sweep::LevelArgs { levels, from, to, steps }, overrides(run), &out, quiet)
        }
        Command::Score { contracts, checklist, out } => score::run(&contracts, checklist.as_deref(), &out, quiet),
        Command::Validate { files } => validate::run(&files, quiet),
        Command::Init { dir } => init::run(&dir),
        Command::Profile { history, output_weight, out, format, map } => {
            profile::run(&history, output_weight, out.as_deref(), format, &map, quiet)
        }
        Command::Forecast { scenario, history, horizon, method, map, run, out } => {
            let src = match (&scenario, &history) {
                (Some(s), _) => forecast::Source::Scenario(s),
                (None, Some(h)) => forecast::Source::History(h, &map),
                (None, None) => return Err(crate::Error::Usage("give a scenario file or --history FILE".into()).into()),
            };
            forecast::run_forecast(src, horizon, method.as_deref(), run, &out, quiet)
        }
        Command::Backtest { history, holdout, method, map, run, out } => {
            forecast::run_backtest(&history, &map, holdout, method.as_deref(), run, &out, quiet)
        }
        Command::Brief { scenario, contracts, checklist, offer, format, out, run } => brief::run(
            &brief::BriefArgs {
                scenario: &scenario,
                contracts: &contracts,
                checklist: checklist.as_deref(),
                offer: offer.as_deref(),
                format: &format,
                out: &out,
                run,
            },
            quiet,
        ),
    }
}

fn overrides(r: RunArgs) -> Overrides {
    Overrides { paths: r.paths, seed: r.seed }
}

/// Prints warnings to standard error unless quiet.
fn warn_all(warnings: &[String], quiet: bool) {
    if !quiet {
        for w in warnings {
            eprintln!("warning: {w}");
        }
    }
}
