//! The library's public surface beyond the command line: what the
//! integration tests and `examples/` use. Everything else is `pub(crate)`;
//! a test that needs more adds it here, so the surface stays small and
//! deliberate.

pub use crate::analysis::levers::Predicted;
pub use crate::analysis::simulate::simulate;
pub use crate::analysis::stats::percentiles;
pub use crate::analysis::sweep::{at_level, find_offer, run_offers, Levels, SweepLayout};
pub use crate::brief::assumptions::sha256_hex;
pub use crate::checklist::DEFAULT_CHECKLIST;
pub use crate::forecast::{fit_volume, Method};
pub use crate::ingest::timestamp::days_from_civil;
pub use crate::ingest::{
    read_history, History, HistoryFormat, HistoryOptions, Timestamp, TsUnit, FOCUS_COLUMNS, USAGE_COLUMNS,
};
pub use crate::math::fastmath::exp;
pub use crate::math::rng::stream_rng;
pub use crate::report::escape::terminal;
pub use crate::scenario::{Overrides, Scenario};
pub use crate::sim::engine::{Keep, RiskRule};
pub use crate::sim::Plan;
pub use crate::spec::dist::phi_inv;
pub use crate::spec::file::ForecastSec;
pub use crate::spec::profile::load_profile;
pub use crate::spec::Catalog;
pub use crate::units::{count, money, pct};
