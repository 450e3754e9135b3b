//! The scenario file as written (SPEC 3.3): serde structures that accept
//! exactly the documented keys. Validation and defaults live in
//! [`crate::scenario`] and [`super::offer`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::dist::Dist;

/// The whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: String,
    pub start: String,
    pub horizon_months: i64,
    pub catalog: String,
    #[serde(default)]
    pub simulation: SimulationSec,
    pub history: Option<HistorySec>,
    #[serde(default)]
    pub workloads: Vec<WorkloadSec>,
    #[serde(default)]
    pub forecast: ForecastSec,
    #[serde(default)]
    pub prices: PricesSec,
    #[serde(default)]
    pub risk: RiskSec,
    #[serde(default)]
    pub offers: Vec<OfferSec>,
    #[serde(default)]
    pub portfolios: Vec<PortfolioSec>,
}

/// `[[portfolios]]` (SPEC 6.6).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioSec {
    pub name: String,
    pub layers: Vec<String>,
}

/// `[simulation]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSec {
    pub paths: Option<i64>,
    pub seed: Option<u64>,
    pub sampling: Option<String>,
    /// The first month of the buyer's fiscal year (1 to 12) for the spend view.
    pub fiscal_year_start: Option<i64>,
}

/// `[history]`: a usage file and how to read it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistorySec {
    pub file: String,
    pub gaps: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    pub model: Option<String>,
    pub workload: Option<String>,
    pub timestamp_unit: Option<String>,
    pub timestamp_origin: Option<String>,
    /// Shares of a workload's tokens sent through the batch API, by workload name.
    #[serde(default)]
    pub batch_share: BTreeMap<String, f64>,
    /// The token mix of a file of total tokens only, for every series.
    pub shares: Option<SharesSec>,
    /// The token mix of a file of total tokens only, by workload name (over `shares`).
    #[serde(default)]
    pub workload_shares: BTreeMap<String, SharesSec>,
}

/// A token mix: `[history] shares`, and each of `[history] workload_shares`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharesSec {
    pub input_share: f64,
    pub output_share: f64,
    pub cached_share: Option<f64>,
    pub cache_write_share: Option<f64>,
    pub cache_write_long_share: Option<f64>,
}

/// The mix keys of a workload or event, for [`crate::spec::values::check_mix`].
macro_rules! mix_keys {
    ($s:expr) => {
        crate::spec::values::MixKeys {
            input: $s.input_share,
            output: $s.output_share,
            cached: $s.cached_share,
            cache_write: $s.cache_write_share,
            cache_write_long: $s.cache_write_long_share,
            batch: $s.batch_share,
            priority: $s.priority_share,
            flex: $s.flex_share,
            long_context: $s.long_context_share,
            regional: $s.regional,
        }
    };
}

impl WorkloadSec {
    /// Its token-mix and traffic keys.
    pub fn mix(&self) -> crate::spec::values::MixKeys {
        mix_keys!(self)
    }
}

impl EventSec {
    /// Its token-mix and traffic keys.
    pub fn mix(&self) -> crate::spec::values::MixKeys {
        mix_keys!(self)
    }
}

/// `[[workloads]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSec {
    pub name: String,
    pub model: String,
    pub monthly_tokens: f64,
    pub input_share: f64,
    pub output_share: f64,
    pub cached_share: Option<f64>,
    pub cache_write_share: Option<f64>,
    pub cache_write_long_share: Option<f64>,
    pub batch_share: Option<f64>,
    pub priority_share: Option<f64>,
    pub flex_share: Option<f64>,
    pub long_context_share: Option<f64>,
    pub regional: Option<bool>,
    pub growth_annual: Option<Dist>,
    pub volatility_monthly: Option<f64>,
}

/// `[forecast]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastSec {
    pub correlation: Option<f64>,
    pub damping: Option<f64>,
    pub method: Option<String>,
    pub growth_annual: Option<Dist>,
    pub volatility_monthly: Option<f64>,
    /// Widen fitted bands by the miscoverage the back-test measures on the history.
    pub calibrate: Option<bool>,
    #[serde(default)]
    pub events: Vec<EventSec>,
    #[serde(default)]
    pub routing: Vec<RoutingSec>,
}

/// `[[forecast.events]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSec {
    pub name: String,
    pub workload: Option<String>,
    pub model: String,
    pub probability: f64,
    pub start: String,
    pub monthly_tokens: Dist,
    pub ramp_months: Option<i64>,
    pub input_share: f64,
    pub output_share: f64,
    pub cached_share: Option<f64>,
    pub cache_write_share: Option<f64>,
    pub cache_write_long_share: Option<f64>,
    pub batch_share: Option<f64>,
    pub priority_share: Option<f64>,
    pub flex_share: Option<f64>,
    pub long_context_share: Option<f64>,
    pub regional: Option<bool>,
}

/// `[[forecast.routing]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingSec {
    pub from: String,
    pub to: String,
    pub share: Dist,
    pub start: String,
    pub by: String,
}

/// `[prices]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricesSec {
    pub annual_change: Option<Dist>,
    pub step_cut: Option<StepCutSec>,
}

/// `[prices] step_cut`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepCutSec {
    pub annual_probability: f64,
    pub size: Dist,
}

/// `[risk]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSec {
    pub baseline: Option<String>,
    pub waste_tolerance: Option<f64>,
    pub max_overcommit_probability: Option<f64>,
}

/// `[[offers]]`: one flat table for every kind; keys that do not apply to the
/// offer's `kind` are rejected during validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferSec {
    pub name: String,
    pub kind: String,
    pub scope: Option<ScopeSec>,
    pub term_months: Option<i64>,
    // payg
    pub discount: Option<f64>,
    pub volume_tiers: Option<Vec<VolumeTierSec>>,
    pub tier_period: Option<String>,
    // commit
    pub unit: Option<String>,
    pub period: Option<String>,
    pub amount: Option<f64>,
    pub amounts: Option<Vec<f64>>,
    pub discount_tiers: Option<Vec<DiscountTierSec>>,
    pub overage: Option<String>,
    pub rate: Option<String>,
    pub rollover_fraction: Option<f64>,
    pub rollover_cap: Option<f64>,
    pub eligible_share: Option<f64>,
    pub base_spend: Option<BaseSpendSec>,
    // credits
    pub purchases: Option<Vec<PurchaseSec>>,
    pub price: Option<f64>,
    pub expires_months: Option<i64>,
    // provisioned
    pub units: Option<f64>,
    pub unit_price: Option<f64>,
    pub price_basis: Option<String>,
    pub tokens_per_minute_per_unit: Option<f64>,
    pub output_weight: Option<f64>,
    pub weights: Option<BTreeMap<String, f64>>,
    pub limits_per_unit: Option<BTreeMap<String, f64>>,
    pub list_usd_per_minute_per_unit: Option<f64>,
    pub eligible_tiers: Option<Vec<String>>,
    pub units_schedule: Option<Vec<UnitsSec>>,
    pub min_units: Option<f64>,
    pub increment: Option<f64>,
    pub load: Option<LoadSec>,
    pub overflow: Option<String>,
}

/// `base_spend = { ... }` of a commit (SPEC 6.3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseSpendSec {
    pub monthly: f64,
    pub growth_annual: Option<Dist>,
    pub volatility_monthly: Option<f64>,
    pub correlation: Option<f64>,
}

/// One `purchases` entry of a credits offer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseSec {
    pub month: String,
    pub amount: f64,
}

/// One entry of a reservation's `units_schedule` (SPEC 6.2).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitsSec {
    pub from: String,
    pub units: f64,
}

/// `scope = { ... }`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSec {
    pub providers: Option<Vec<String>>,
    pub models: Option<Vec<String>>,
    pub workloads: Option<Vec<String>>,
}

/// One `volume_tiers` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeTierSec {
    pub from: f64,
    pub discount: f64,
}

/// One `discount_tiers` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountTierSec {
    pub min_commit: f64,
    pub discount: f64,
}

/// `load = { ... }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSec {
    pub peak_to_mean: Option<f64>,
    pub profile: Option<String>,
}
