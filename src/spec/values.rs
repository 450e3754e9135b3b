//! Validated values shared by the scenario's parts: token shares, growth
//! sources and the limits and checks every part applies to them.

use super::dist::Dist;
use crate::math::fastmath::ln;
use crate::math::normal::student_t_from_normal;

/// Largest accepted `paths`.
pub const MAX_PATHS: u64 = 10_000_000;
/// Largest accepted `paths × months × (workloads + 1)`: about a minute of work.
pub const MAX_CELLS: f64 = 1.5e10;
/// Draws of a growth rate at or below -100%/year are rejected when more likely than this.
pub const MAX_NEGLIGIBLE: f64 = 1e-3;
/// Annual growth (and price change) draws are clamped to at least this.
pub const GROWTH_FLOOR: f64 = -0.99;
/// ... and to at most this (a hundredfold a year is not a forecast).
pub const GROWTH_CEILING: f64 = 100.0;
/// Largest accepted monthly token volume of one workload (a billion billion).
pub const MAX_MONTHLY_TOKENS: f64 = 1e18;

/// Token mix of a workload; the three shares sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shares {
    /// Uncached input share.
    pub input: f64,
    /// Output share.
    pub output: f64,
    /// Cached input share.
    pub cached: f64,
}

/// Where a workload's monthly log-growth comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Growth {
    /// `ln(1 + G) / 12` with `G` drawn from an annual growth distribution.
    Annual(Dist),
    /// `mu + se * T`, `T` Student-t with `df` degrees of freedom (fitted from history).
    LogT {
        /// Mean monthly log-growth.
        mu: f64,
        /// Its standard error.
        se: f64,
        /// Degrees of freedom.
        df: f64,
    },
}

impl Growth {
    /// The monthly log-growth drawn at standard normal `z`, exactly:
    /// `ln(1 + G) / 12` with `G = F⁻¹(Φ(z))` clamped to
    /// [`GROWTH_FLOOR`, `GROWTH_CEILING`], or `mu + se T(z)`.
    pub fn monthly_rate(&self, z: f64) -> f64 {
        match self {
            Growth::Annual(d) => ln(1.0 + d.from_normal(z).clamp(GROWTH_FLOOR, GROWTH_CEILING)) / 12.0,
            Growth::LogT { mu, se, df } => mu + se * student_t_from_normal(z, *df),
        }
    }
}

/// Checks that the three token shares are shares and sum to 1.
pub fn check_shares(input: f64, output: f64, cached: f64) -> std::result::Result<Shares, (&'static str, String)> {
    for (k, v) in [("input_share", input), ("output_share", output), ("cached_share", cached)] {
        if unit_interval(v).is_none() {
            return Err((k, format!("expected a share in [0, 1], found {v}")));
        }
    }
    let sum = input + output + cached;
    if (sum - 1.0).abs() > 1e-6 {
        return Err(("input_share", format!("input_share + output_share + cached_share must sum to 1, found {sum}")));
    }
    Ok(Shares { input, output, cached })
}

/// `Some(x)` when `x` is in [0, 1].
pub fn unit_interval(x: f64) -> Option<f64> {
    (x.is_finite() && (0.0..=1.0).contains(&x)).then_some(x)
}

/// An annual growth distribution must put negligible mass at or below -100%.
pub fn check_growth(g: &Dist) -> std::result::Result<(), String> {
    let p = if g.lower_bound() > -1.0 { 0.0 } else { g.cdf(-1.0) };
    if p > MAX_NEGLIGIBLE {
        return Err(format!(
            "this annual growth distribution draws -100% or less with probability {p:.4}, which would mean negative volume; \
             narrow it so that such draws are below {MAX_NEGLIGIBLE} (rarer draws are clamped to {GROWTH_FLOOR})"
        ));
    }
    let q = 1.0 - g.cdf(GROWTH_CEILING);
    if q > MAX_NEGLIGIBLE {
        return Err(format!(
            "this annual growth distribution draws more than a hundredfold ({}%) a year with probability {q:.4}; \
             expected a growth rate such as 0.3 for +30% (rarer draws are clamped to {GROWTH_CEILING})",
            GROWTH_CEILING * 100.0
        ));
    }
    Ok(())
}

/// A monthly log-volatility must be in [0, 2].
pub fn check_volatility(v: f64) -> std::result::Result<(), String> {
    if v.is_finite() && (0.0..=2.0).contains(&v) {
        Ok(())
    } else {
        Err(format!("expected a monthly log-volatility in [0, 2], found {v}"))
    }
}

/// A distribution of a share must stay (essentially) within [0, 1].
pub fn check_share_dist(d: &Dist) -> std::result::Result<(), String> {
    let (lo, hi) = (d.cdf(0.0 - 1e-12), 1.0 - d.cdf(1.0));
    if lo > MAX_NEGLIGIBLE || hi > MAX_NEGLIGIBLE {
        return Err(format!(
            "expected a share within [0, 1]; this distribution falls outside with probability {:.4}",
            lo + hi
        ));
    }
    Ok(())
}
