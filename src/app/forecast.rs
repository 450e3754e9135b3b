//! `commitsim forecast` and `commitsim backtest`.

use std::path::Path;

use anyhow::Result;

use crate::analysis::forecast::{forecast, scenario_from_history, HistoryForecast};
use crate::cli::{HistoryArgs, OutArgs, RunArgs};
use crate::error::Error;
use crate::forecast::backtest::{backtest_all, pool, BacktestReport};
use crate::forecast::{totals, Method};
use crate::ingest::{read_history, HistoryOptions};
use crate::report::{emit, render, Report};
use crate::spec::{Catalog, Overrides, Scenario};

/// What `forecast` was asked to forecast.
pub enum Source<'a> {
    /// A scenario file.
    Scenario(&'a Path),
    /// A usage history file with its mapping options.
    History(&'a Path, &'a HistoryArgs),
}

fn method(m: Option<&str>) -> Result<Method, Error> {
    Method::parse(m).ok_or_else(|| Error::Usage("--method: expected auto or drift".into()))
}

fn catalog(args: &HistoryArgs) -> Result<Option<Catalog>, Error> {
    args.catalog.as_deref().map(Catalog::load).transpose()
}

pub fn run_forecast(
    src: Source,
    horizon: Option<usize>,
    m: Option<&str>,
    run: RunArgs,
    out: &OutArgs,
    quiet: bool,
) -> Result<()> {
    if horizon == Some(0) || horizon.is_some_and(|h| h > 600) {
        return Err(Error::Usage("--horizon: expected 1 to 600 months".into()).into());
    }
    let sc = match src {
        Source::Scenario(path) => {
            if m.is_some() {
                return Err(
                    Error::Usage("--method applies to --history; a scenario sets [forecast] method".into()).into()
                );
            }
            let mut sc = Scenario::load(path, Overrides { paths: run.paths, seed: run.seed })?;
            if let Some(h) = horizon {
                sc.horizon = h;
            }
            sc
        }
        Source::History(file, args) => {
            let opts = HistoryOptions::from_args(args)?;
            let f = HistoryForecast {
                horizon: horizon.unwrap_or(12),
                paths: run.paths.unwrap_or(20_000),
                seed: run.seed.unwrap_or(0),
                method: method(m)?,
            };
            scenario_from_history(file, &opts, catalog(args)?, &f)?
        }
    };
    super::warn_all(&sc.warnings, quiet);
    let bar = crate::progress::bar(sc.paths, "forecasting", quiet);
    let report = forecast(&sc, &|n| bar.inc(n));
    bar.finish_and_clear();
    emit(&render(&Report::Forecast(report), out.format)?, out.out.as_deref())?;
    Ok(())
}

pub fn run_backtest(
    file: &Path,
    args: &HistoryArgs,
    holdout: usize,
    m: Option<&str>,
    run: RunArgs,
    out: &OutArgs,
    quiet: bool,
) -> Result<()> {
    if holdout == 0 {
        return Err(Error::Usage("--holdout: expected at least 1 month".into()).into());
    }
    let opts = HistoryOptions::from_args(args)?;
    let history = read_history(file, &opts, catalog(args)?.as_ref())?;
    super::warn_all(&history.warnings, quiet);
    let series: Vec<(String, String, Vec<f64>)> =
        history.series.iter().map(|s| (s.workload.clone(), s.model.clone(), totals(s))).collect();
    let method = method(m)?;
    let paths = run.paths.unwrap_or(4_000);
    if !(100..=1_000_000).contains(&paths) {
        return Err(Error::Usage("--paths: expected 100 to 1,000,000 paths per series".into()).into());
    }
    let seed = run.seed.unwrap_or(0);
    let (results, skipped) = backtest_all(&series, holdout, method, paths as usize, seed);
    if results.is_empty() {
        return Err(Error::Invalid {
            at: crate::error::Location::file(file),
            message: format!("no series is long enough to hold out {holdout} months and fit 3: {}", skipped.join("; ")),
        }
        .into());
    }
    let report = BacktestReport {
        tool: "commitsim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        file: file.display().to_string(),
        holdout,
        method: if method == Method::Auto { "auto" } else { "drift" }.into(),
        paths,
        seed,
        pooled: pool(&results),
        series: results,
        skipped,
    };
    emit(&render(&Report::Backtest(report), out.format)?, out.out.as_deref())?;
    Ok(())
}
