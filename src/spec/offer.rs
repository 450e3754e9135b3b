//! Offers as validated, ready-to-bill values (SPEC 4.3), and their
//! construction from `[[offers]]` tables.

use std::sync::Arc;

pub use crate::math::served::ServedTable;

/// z of the 99th percentile of the standard normal.
pub const Z99: f64 = 2.326_347_874_040_840_8;

/// Which segments (workload × model) an offer covers; all filters that are
/// given must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Providers covered (None: any).
    pub providers: Option<Vec<String>>,
    /// Model ids covered (None: any).
    pub models: Option<Vec<String>>,
    /// Workload names covered (None: any).
    pub workloads: Option<Vec<String>>,
}

impl Scope {
    /// Whether tokens of `workload` running on `model` of `provider` are covered.
    pub fn covers(&self, provider: &str, model: &str, workload: &str) -> bool {
        let ok = |f: &Option<Vec<String>>, v: &str| f.as_ref().is_none_or(|l| l.iter().any(|x| x == v));
        ok(&self.providers, provider) && ok(&self.models, model) && ok(&self.workloads, workload)
    }

    /// Whether the scope covers everything.
    pub fn is_all(&self) -> bool {
        self.providers.is_none() && self.models.is_none() && self.workloads.is_none()
    }
}

/// An offer: a name, what it covers, for how long, and how it bills.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The offer's name, unique in the scenario.
    pub name: String,
    /// What it covers; the rest is billed at list price.
    pub scope: Scope,
    /// Months from the scenario start during which the offer applies; later
    /// months are billed at list price.
    pub term_months: usize,
    /// The billing rule.
    pub kind: OfferKind,
}

/// The kinds of offer. Prepaid credits (`kind = "credits"`) are a
/// [`Commit`] with [`Commit::credits`] set: they share its level, discount,
/// commitment figures, sweep, levers and walk-away point (SPEC 6.10).
#[derive(Debug, Clone)]
pub enum OfferKind {
    /// Pay as you go with a flat discount or marginal volume tiers.
    Payg(Payg),
    /// Committed spend or volume per period.
    Commit(Commit),
    /// Provisioned throughput.
    Provisioned(Provisioned),
}

impl OfferKind {
    /// The `kind` string of the JSON output.
    pub fn name(&self) -> &'static str {
        match self {
            OfferKind::Payg(_) => "payg",
            OfferKind::Commit(c) if c.credits.is_some() => "credits",
            OfferKind::Commit(_) => "commit",
            OfferKind::Provisioned(_) => "provisioned",
        }
    }
}

/// `kind = "payg"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Payg {
    /// Flat discount on list (used when `tiers` is empty).
    pub discount: f64,
    /// `(from, discount)` marginal tiers on each period's in-scope list spend, sorted by `from`.
    pub tiers: Vec<(f64, f64)>,
    /// Months per tier period (1 or 12).
    pub tier_months: usize,
}

/// How a commit's discount is set.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscountRule {
    /// The same discount whatever the amount.
    Flat(f64),
    /// `(min_commit, discount)`: the entry with the largest `min_commit` not
    /// above the period's amount applies (0 when none does).
    Tiers(Vec<(f64, f64)>),
}

impl DiscountRule {
    /// The discount for a period whose committed amount is `amount`.
    pub fn at(&self, amount: f64) -> f64 {
        match self {
            DiscountRule::Flat(d) => *d,
            DiscountRule::Tiers(t) => t.iter().rev().find(|(min, _)| *min <= amount).map_or(0.0, |(_, d)| *d),
        }
    }

    /// Every discount raised by `delta` (capped below 1).
    pub fn plus(&self, delta: f64) -> DiscountRule {
        let up = |d: f64| (d + delta).min(0.999_999);
        match self {
            DiscountRule::Flat(d) => DiscountRule::Flat(up(*d)),
            DiscountRule::Tiers(t) => DiscountRule::Tiers(t.iter().map(|(m, d)| (*m, up(*d))).collect()),
        }
    }
}

/// `kind = "commit"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    /// Amounts are tokens rather than dollars.
    pub tokens: bool,
    /// Months per commitment period.
    pub period_months: usize,
    /// The amount of each period, `amounts[k]` for period k (a ramp or a flat amount
    /// repeated); the last entry repeats if the term has more periods.
    pub amounts: Vec<f64>,
    /// The discount rule.
    pub discount: DiscountRule,
    /// Overage billed at list (true) or at the discounted price (false).
    pub overage_list: bool,
    /// Discounted prices locked at the start month's list prices.
    pub locked: bool,
    /// Share of unused commitment carried into the next period.
    pub rollover_fraction: f64,
    /// Carried amount at most this share of the next period's amount; 0 = no cap.
    pub rollover_cap: f64,
    /// Share of in-scope spend that draws the commitment down (SPEC 6.3); the
    /// rest is billed at list. 1 for release-1 offers.
    pub eligible_share: f64,
    /// Other spend that draws the same commitment down (SPEC 6.3).
    pub base: Option<BaseSpend>,
    /// Prepaid credit lots (`kind = "credits"`); `amounts[k]` is lot `k`'s amount.
    pub credits: Option<Credits>,
}

/// `base_spend` of a commit: a drift path of its own (SPEC 6.3, 6.10).
#[derive(Debug, Clone, PartialEq)]
pub struct BaseSpend {
    /// Spend of the month before the start, in the catalog's currency.
    pub monthly: f64,
    /// Annual growth (a number or a distribution).
    pub growth: crate::spec::dist::Dist,
    /// Monthly log volatility.
    pub sigma: f64,
    /// Correlation of its monthly normal with the common one.
    pub correlation: f64,
}

/// Prepaid credits: lots bought in given months, each usable for
/// `expires_months` months from its purchase month (SPEC 6.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Credits {
    /// Purchase month of each lot, as a month index from the start, ascending.
    pub months: Vec<usize>,
    /// Months each lot can be drawn (its purchase month included).
    pub expires_months: usize,
}

impl Credits {
    /// The committed total: the sum of the lots' amounts.
    pub fn committed(&self, c: &Commit) -> f64 {
        (0..self.months.len()).map(|k| c.amount(k)).sum()
    }
}

impl Commit {
    /// The amount committed for period `k` (credits: of lot `k`).
    pub fn amount(&self, k: usize) -> f64 {
        self.amounts.get(k).or(self.amounts.last()).copied().unwrap_or(0.0)
    }

    /// Whether the offer is a release-1 commit: no credits, no base spend,
    /// all in-scope spend eligible. Only those take the fast paths that
    /// sum periods across paths (sweep, walk-away).
    pub fn is_plain(&self) -> bool {
        self.credits.is_none() && self.base.is_none() && self.eligible_share == 1.0
    }
}

/// A portfolio (SPEC 6.6): offers billed layer by layer on the same paths,
/// each serving the in-scope traffic the layers before it did not.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// Its name, unique among offers and portfolios.
    pub name: String,
    /// Indices into the scenario's offers, in the order traffic meets them.
    pub layers: Vec<usize>,
}

/// Per-minute load shape of a provisioned offer.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Lognormal per-minute load with this log-sd `s`, from `peak_to_mean`.
    LogNormal {
        /// The peak-to-mean ratio it came from.
        peak_to_mean: f64,
        /// Log standard deviation.
        s: f64,
        /// The served share tabulated against `ln(C / lambda)`.
        table: Arc<ServedTable>,
    },
    /// A measured per-minute profile, normalised to mean 1.
    Profile(Arc<Profile>),
}

/// A per-minute load profile, normalised to mean 1 and sorted, with prefix sums
/// so that the served share at any capacity costs one binary search.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The file it came from.
    pub file: String,
    /// Normalised values, ascending.
    pub sorted: Vec<f64>,
    /// `prefix[i]` = sum of the first `i` sorted values.
    pub prefix: Vec<f64>,
}

impl Profile {
    /// Builds a profile from raw per-minute loads (at least one positive).
    pub fn new(file: String, raw: &[f64]) -> Option<Profile> {
        let mean = raw.iter().sum::<f64>() / raw.len() as f64;
        if !(mean > 0.0 && mean.is_finite()) {
            return None;
        }
        let mut sorted: Vec<f64> = raw.iter().map(|x| x / mean).collect();
        sorted.sort_by(f64::total_cmp);
        let mut prefix = Vec::with_capacity(sorted.len() + 1);
        let mut acc = 0.0;
        prefix.push(0.0);
        for x in &sorted {
            acc += x;
            prefix.push(acc);
        }
        Some(Profile { file, sorted, prefix })
    }

    /// Mean of `min(p, x)` over the profile's normalised values `p`.
    pub fn mean_min(&self, x: f64) -> f64 {
        let n = self.sorted.len();
        let below = self.sorted.partition_point(|&p| p <= x);
        (self.prefix[below] + x * (n - below) as f64) / n as f64
    }
}

/// One per-minute limit of a reservation (SPEC 6.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// Its name: a token class, or `list_usd`.
    pub name: String,
    /// Capacity per unit per minute (tokens, or list dollars).
    pub per_unit: f64,
    /// Tokens of each class that count toward it, in class order (0 or 1);
    /// all zero for a list-dollar limit.
    pub classes: [f64; 5],
    /// Whether it limits list dollars (the eligible traffic's list cost).
    pub list_usd: bool,
}

/// The tiers a reservation serves; the standard tier always. Without
/// `eligible_tiers`, batch traffic is served as in release 1 (which had no
/// tiers); with it, batch and flex never are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Eligible {
    /// Priority-tier traffic is served.
    pub priority: bool,
    /// Batch traffic is served.
    pub batch: bool,
}

impl Default for Eligible {
    fn default() -> Eligible {
        Eligible { priority: false, batch: true }
    }
}

/// `kind = "provisioned"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Provisioned {
    /// Units bought.
    pub units: f64,
    /// $ per unit per hour or per month.
    pub unit_price: f64,
    /// Price per hour (true) or per month (false).
    pub hourly: bool,
    /// Effective tokens per minute one unit serves; 1 with `limits`, whose
    /// load is then counted in units (see [`Limit`]).
    pub tokens_per_minute_per_unit: f64,
    /// One output token counts as this many effective tokens.
    pub output_weight: f64,
    /// Per-class weights of effective tokens, in class order (input,
    /// output, cached, cache write, long cache write), when `weights` is
    /// given; `None`: release 1's (1, `output_weight`, 1, 1, 1).
    pub weights: Option<[f64; 5]>,
    /// The limits of `limits_per_unit` or `list_usd_per_minute_per_unit`
    /// (SPEC 6.2); empty for capacity in effective tokens.
    pub limits: Vec<Limit>,
    /// Which tiers the capacity serves.
    pub eligible: Eligible,
    /// With `units_schedule`: units by month of the term over their mean
    /// (`units` is then that mean, the level a sweep scales), so month `t`
    /// holds `units * shape[t]` units.
    pub shape: Option<Arc<Vec<f64>>>,
    /// Smallest purchasable number of units.
    pub min_units: f64,
    /// Units are bought in multiples of this.
    pub increment: f64,
    /// Per-minute load shape.
    pub load: Load,
    /// Traffic above capacity is rejected (true) or billed pay-as-you-go (false).
    pub drop: bool,
}

impl Provisioned {
    /// The share of a month's effective tokens served at mean load `lambda`
    /// per minute with capacity `cap` per minute (SPEC 4.3).
    pub fn served_share(&self, lambda: f64, cap: f64) -> f64 {
        if lambda <= 0.0 {
            return 1.0;
        }
        if cap <= 0.0 {
            return 0.0;
        }
        self.served_at(crate::math::fastmath::ln(cap / lambda))
    }

    /// The served share as a function of `r = ln(C / lambda)`, the log ratio
    /// of capacity to mean load (the form the engine uses: `ln lambda` is
    /// computed once per month and shared by every capacity level).
    pub fn served_at(&self, r: f64) -> f64 {
        match &self.load {
            Load::LogNormal { table, .. } => table.eval(r),
            Load::Profile(p) => p.mean_min(crate::math::fastmath::exp(r.min(700.0))),
        }
    }
}

/// The log-sd `s` with `ln q = Z99 s - s^2 / 2` (smaller root), or None when
/// `q` is not in `(1, exp(Z99^2 / 2))`.
pub fn lognormal_sigma(peak_to_mean: f64) -> Option<f64> {
    let disc = Z99 * Z99 - 2.0 * peak_to_mean.ln();
    (peak_to_mean > 1.0 && disc > 0.0).then(|| Z99 - disc.sqrt())
}

/// The largest commitment per period accepted: 1e15 dollars (beyond any
/// contract, and where sums over paths would start to lose cents), or 1e21
/// tokens (a thousand times the largest monthly volume a scenario may draw).
pub fn max_amount(tokens: bool) -> f64 {
    if tokens {
        1e21
    } else {
        1e15
    }
}

/// The most provisioned units an offer or a sweep level may have.
pub const MAX_UNITS: f64 = 1e6;

/// Whether `units` is purchasable: 0 (none), or at least `min_units` and a
/// multiple of `increment`.
pub fn check_units(units: f64, min_units: f64, increment: f64) -> std::result::Result<(), String> {
    if units == 0.0 {
        return Ok(());
    }
    if units < min_units {
        return Err(format!("{units} units is below the minimum purchase of {min_units}"));
    }
    let k = units / increment;
    // NaN-proof (a comparison NaN fails), and a positive purchase is at least one increment.
    let off = (k - k.round()).abs();
    if off.is_nan() || off > 1e-9 {
        return Err(format!("{units} units is not a multiple of the increment {increment}"));
    }
    if k.round() < 1.0 {
        return Err(format!("{units} units is less than one increment of {increment}; buy 0 or at least {increment}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigma_solves_the_p99_equation() {
        for q in [1.2, 3.0, 8.0, 14.0] {
            let s = lognormal_sigma(q).unwrap();
            assert!((Z99 * s - s * s / 2.0 - q.ln()).abs() < 1e-12);
            // The lognormal with mean 1 and log-sd s has p99 / mean = q.
            let p99 = (-s * s / 2.0 + Z99 * s).exp();
            assert!((p99 - q).abs() < 1e-9 * q);
        }
        assert!(lognormal_sigma(1.0).is_none());
        assert!(lognormal_sigma(15.0).is_none());
    }

    #[test]
    fn profile_mean_min_is_exact() {
        let p = Profile::new("x".into(), &[1.0, 3.0, 0.0, 4.0]).unwrap();
        // Normalised: 0.5, 1.5, 0, 2 (mean 1); min with 1.0: 0.5 + 1 + 0 + 1 = 2.5.
        assert!((p.mean_min(1.0) - 2.5 / 4.0).abs() < 1e-15);
        assert!((p.mean_min(10.0) - 1.0).abs() < 1e-15);
        assert_eq!(p.mean_min(0.0), 0.0);
    }

    #[test]
    fn discount_tiers_pick_the_largest_qualifying_entry() {
        let r = DiscountRule::Tiers(vec![(500.0, 0.08), (1000.0, 0.12), (2000.0, 0.16)]);
        assert_eq!(r.at(400.0), 0.0);
        assert_eq!(r.at(500.0), 0.08);
        assert_eq!(r.at(1999.0), 0.12);
        assert_eq!(r.at(5000.0), 0.16);
    }

    #[test]
    fn units_must_be_purchasable() {
        assert!(check_units(300.0, 15.0, 5.0).is_ok());
        assert!(check_units(0.0, 15.0, 5.0).is_ok());
        assert!(check_units(10.0, 15.0, 5.0).is_err());
        assert!(check_units(302.0, 15.0, 5.0).is_err());
    }
}
