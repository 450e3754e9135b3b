//! Every default and every range check of the command line, in one place:
//! the raw arguments of `cli` become the validated values the library takes.

use crate::cli::{HistoryArgs, RunArgs};
use crate::error::{Error, Result};
use crate::ingest::{Flags, HistoryOptions};
use crate::scenario::Overrides;
use crate::spec::Catalog;

/// Worker threads at most: more only add start-up time (10,000 threads take
/// half a minute to start), and results do not depend on the count.
pub const MAX_THREADS: usize = 256;
/// Monte Carlo paths of `forecast --history` (a scenario sets its own).
pub const HISTORY_FORECAST_PATHS: u64 = 20_000;
/// Months of `forecast --history` (a scenario sets its own horizon).
pub const HISTORY_FORECAST_HORIZON: usize = 12;
/// Months `forecast --horizon` accepts at most (as a scenario's horizon).
pub const MAX_HORIZON: usize = 600;
/// Paths per series of `backtest`, and the range it accepts.
pub const BACKTEST_PATHS: u64 = 4_000;
/// The range of `backtest --paths`.
pub const BACKTEST_PATH_RANGE: std::ops::RangeInclusive<u64> = 100..=1_000_000;
/// Levels of a `sweep --from --to` grid without `--steps`.
pub const SWEEP_STEPS: usize = 25;
/// `walkaway --confidence` without a value: the probability of saving of the "to be sure" figures (SPEC 6.6).
pub const WALKAWAY_CONFIDENCE: f64 = 0.9;

/// `--paths` and `--seed` as overrides of the scenario's `[simulation]`.
pub fn overrides(r: RunArgs) -> Overrides {
    Overrides { paths: r.paths, seed: r.seed, sampling: r.sampling }
}

/// The worker-thread count, checked.
pub fn threads(n: usize) -> Result<usize> {
    if (1..=MAX_THREADS).contains(&n) {
        Ok(n)
    } else {
        Err(Error::Usage(format!("--threads must be between 1 and {MAX_THREADS}, found {n}")))
    }
}

/// The mapping options of a history file given on the command line.
pub fn history_options(a: &HistoryArgs) -> Result<HistoryOptions> {
    HistoryOptions::from_flags(Flags {
        columns: a.columns.as_deref(),
        model: a.model.as_deref(),
        workload: a.workload.as_deref(),
        timestamp_unit: a.timestamp_unit.as_deref(),
        timestamp_origin: a.timestamp_origin.as_deref(),
        history_format: a.history_format.as_deref(),
        gaps_zero: a.gaps_zero,
    })
}

/// The catalog `--catalog` names, if any.
pub fn catalog(a: &HistoryArgs) -> Result<Option<Catalog>> {
    a.catalog.as_deref().map(Catalog::load).transpose()
}
