//! `commitsim forecast` and `commitsim backtest`.

use std::path::PathBuf;

use anyhow::Result;

use super::output::{check_format, emit};
use super::plan::{
    catalog, history_options, overrides, BACKTEST_PATHS, BACKTEST_PATH_RANGE, HISTORY_FORECAST_HORIZON,
    HISTORY_FORECAST_PATHS, MAX_HORIZON,
};
use crate::analysis::backtest::{backtest_all, pool, BacktestReport};
use crate::analysis::forecast::{forecast, scenario_from_history, HistoryForecast};
use crate::cli::{BacktestArgs, ForecastArgs, HistoryArgs};
use crate::error::Error;
use crate::forecast::Method;
use crate::ingest::read_history;
use crate::report::{render, Report};
use crate::scenario::history::totals;

fn method(m: Option<&str>) -> Result<Method, Error> {
    Method::parse(m).ok_or_else(|| Error::Usage("--method: expected auto or drift".into()))
}

/// The history file and the catalog a command read, which no output may replace.
fn history_inputs(file: &std::path::Path, args: &HistoryArgs) -> Vec<PathBuf> {
    std::iter::once(file.to_path_buf()).chain(args.catalog.clone()).collect()
}

pub fn run_forecast(a: &ForecastArgs, quiet: bool) -> Result<()> {
    check_format(a.out.format, a.out.out.as_deref(), false)?;
    let (horizon, m, run) = (a.horizon, a.method.as_deref(), a.run);
    if horizon == Some(0) || horizon.is_some_and(|h| h > MAX_HORIZON) {
        return Err(Error::Usage(format!("--horizon: expected 1 to {MAX_HORIZON} months")).into());
    }
    let (sc, mut inputs) = match (&a.scenario, &a.history) {
        (Some(path), _) => {
            if m.is_some() {
                return Err(
                    Error::Usage("--method applies to --history; a scenario sets [forecast] method".into()).into()
                );
            }
            let mut sc = super::load_scenario(path, overrides(run))?;
            if let Some(h) = horizon {
                sc.horizon = h;
            }
            (sc, Vec::new())
        }
        (None, Some(file)) => {
            let opts = history_options(&a.map)?;
            let f = HistoryForecast {
                horizon: horizon.unwrap_or(HISTORY_FORECAST_HORIZON),
                paths: run.paths.unwrap_or(HISTORY_FORECAST_PATHS),
                seed: run.seed.unwrap_or(0),
                method: method(m)?,
                sampling: run.sampling.unwrap_or_default(),
            };
            // Fitting thousands of series takes seconds: a bar of its own.
            let fitting = crate::progress::bar_of(0, "fitting", "series", quiet);
            let sc = scenario_from_history(file, &opts, catalog(&a.map)?, &f, &|total, n| {
                fitting.set_length(total);
                fitting.inc(n)
            })?;
            fitting.finish_and_clear();
            (sc, history_inputs(file, &a.map))
        }
        (None, None) => return Err(Error::Usage("give a scenario file or --history FILE".into()).into()),
    };
    inputs.extend(sc.inputs.iter().cloned());
    super::warn_all(&sc.warnings, quiet);
    // The spend view is a second pass over the same paths.
    let passes = 1 + u64::from(crate::analysis::spend::priced(&sc));
    let bar = crate::progress::bar(sc.paths * passes, "forecasting", quiet);
    let report = forecast(&sc, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    emit(&render(&Report::Forecast(report), a.out.format)?, a.out.out.as_deref(), &inputs)?;
    Ok(())
}

pub fn run_backtest(a: &BacktestArgs, quiet: bool) -> Result<()> {
    check_format(a.out.format, a.out.out.as_deref(), false)?;
    let (file, args, holdout, m, run) = (a.history.as_path(), &a.map, a.holdout, a.method.as_deref(), a.run);
    if holdout == 0 {
        return Err(Error::Usage("--holdout: expected at least 1 month".into()).into());
    }
    let opts = history_options(args)?;
    let history = read_history(file, &opts, catalog(args)?.as_ref())?;
    super::warn_all(&history.warnings, quiet);
    let series: Vec<(String, String, Vec<f64>)> =
        history.series.iter().map(|s| (s.workload.clone(), s.model.clone(), totals(s))).collect();
    let method = method(m)?;
    let paths = run.paths.unwrap_or(BACKTEST_PATHS);
    if !BACKTEST_PATH_RANGE.contains(&paths) {
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
    emit(&render(&Report::Backtest(report), a.out.format)?, a.out.out.as_deref(), &history_inputs(file, args))?;
    Ok(())
}
