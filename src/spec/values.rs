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
/// Largest accepted weight of an output token against an input token in
/// provisioned capacity and `profile` (real deployments weigh 1 to 8).
pub const MAX_OUTPUT_WEIGHT: f64 = 100.0;
/// Largest accepted monthly token volume of one workload (a billion billion).
pub const MAX_MONTHLY_TOKENS: f64 = 1e18;

/// Token mix of a workload over the five token classes of SPEC 6.1; the
/// shares sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Shares {
    /// Uncached input share.
    pub input: f64,
    /// Output share.
    pub output: f64,
    /// Cached input (cache read) share.
    pub cached: f64,
    /// Short-lived cache write share.
    pub cache_write: f64,
    /// Long-lived (e.g. 1-hour) cache write share.
    pub cache_write_long: f64,
}

impl Shares {
    /// The shares in class order: input, output, cached, cache write, long cache write.
    pub fn classes(&self) -> [f64; 5] {
        [self.input, self.output, self.cached, self.cache_write, self.cache_write_long]
    }
}

/// How a workload's traffic is served (SPEC 6.1): shares of its tokens in
/// the priority and flex tiers (batch is `batch_share`, beside it), in
/// requests above the model's long-context threshold, and whether it runs
/// under a data-residency (regional) uplift. The default is release 1's:
/// standard tier, short context, global.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Traffic {
    /// Share of tokens sent to the priority tier.
    pub priority: f64,
    /// Share of tokens sent to the flex tier.
    pub flex: f64,
    /// Share of tokens in requests above the model's `long_context.above`.
    pub long_context: f64,
    /// Whether the workload runs in a regional (data-residency) deployment.
    pub regional: bool,
}

/// The token-mix and traffic keys of a workload or event, as written.
#[derive(Debug, Clone, Copy, Default)]
pub struct MixKeys {
    /// `input_share`.
    pub input: f64,
    /// `output_share`.
    pub output: f64,
    /// `cached_share`.
    pub cached: Option<f64>,
    /// `cache_write_share`.
    pub cache_write: Option<f64>,
    /// `cache_write_long_share`.
    pub cache_write_long: Option<f64>,
    /// `batch_share`.
    pub batch: Option<f64>,
    /// `priority_share`.
    pub priority: Option<f64>,
    /// `flex_share`.
    pub flex: Option<f64>,
    /// `long_context_share`.
    pub long_context: Option<f64>,
    /// `regional`.
    pub regional: Option<bool>,
}

/// Checks a workload's or event's mix keys: the five class shares are
/// shares summing to 1; batch, priority and flex are shares summing to at
/// most 1; the long-context share is a share. Returns the shares, the batch
/// share and the traffic, or the key at fault and why.
pub fn check_mix(k: &MixKeys) -> std::result::Result<(Shares, f64, Traffic), (&'static str, String)> {
    let shares = check_shares(Shares {
        input: k.input,
        output: k.output,
        cached: k.cached.unwrap_or(0.0),
        cache_write: k.cache_write.unwrap_or(0.0),
        cache_write_long: k.cache_write_long.unwrap_or(0.0),
    })?;
    let (batch, priority, flex) = (k.batch.unwrap_or(0.0), k.priority.unwrap_or(0.0), k.flex.unwrap_or(0.0));
    let long_context = k.long_context.unwrap_or(0.0);
    for (key, v) in [
        ("batch_share", batch),
        ("priority_share", priority),
        ("flex_share", flex),
        ("long_context_share", long_context),
    ] {
        if unit_interval(v).is_none() {
            return Err((key, format!("expected a share in [0, 1], found {v}")));
        }
    }
    let tiers = batch + priority + flex;
    if tiers > 1.0 + 1e-9 {
        let key = if k.flex.is_some() { "flex_share" } else { "priority_share" };
        let msg = format!(
            "batch_share + priority_share + flex_share must be at most 1 (the rest is the standard tier), found {tiers}"
        );
        return Err((key, msg));
    }
    Ok((shares, batch, Traffic { priority, flex, long_context, regional: k.regional.unwrap_or(false) }))
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

/// Checks that the five token-class shares are shares and sum to 1.
pub fn check_shares(s: Shares) -> std::result::Result<Shares, (&'static str, String)> {
    const KEYS: [&str; 5] =
        ["input_share", "output_share", "cached_share", "cache_write_share", "cache_write_long_share"];
    let v = s.classes();
    for (k, x) in KEYS.iter().zip(v) {
        if unit_interval(x).is_none() {
            return Err((k, format!("expected a share in [0, 1], found {x}")));
        }
    }
    let sum = s.input + s.output + s.cached + s.cache_write + s.cache_write_long;
    if (sum - 1.0).abs() > 1e-6 {
        let named = if s.cache_write + s.cache_write_long > 0.0 {
            KEYS.join(" + ")
        } else {
            "input_share + output_share + cached_share".to_string()
        };
        return Err(("input_share", format!("{named} must sum to 1, found {sum}")));
    }
    Ok(s)
}

/// `Some(x)` when `x` is in [0, 1].
pub fn unit_interval(x: f64) -> Option<f64> {
    (x.is_finite() && (0.0..=1.0).contains(&x)).then_some(x)
}

/// Whether probability `p` is at most [`MAX_NEGLIGIBLE`]. A probability that
/// could not be computed (NaN) is not: every plausibility check asks this,
/// never `p > MAX_NEGLIGIBLE`, which NaN would pass.
pub fn negligible(p: f64) -> bool {
    p <= MAX_NEGLIGIBLE
}

/// The message of a distribution whose probabilities came out NaN.
fn not_computable() -> String {
    "the probabilities of this distribution cannot be computed (its parameters are too extreme); use values of a \
     plausible size"
        .into()
}

/// An annual growth distribution must put negligible mass at or below -100%.
pub fn check_growth(g: &Dist) -> std::result::Result<(), String> {
    let p = if g.lower_bound() > -1.0 { 0.0 } else { g.cdf(-1.0) };
    let q = 1.0 - g.cdf(GROWTH_CEILING);
    if p.is_nan() || q.is_nan() || !g.mean().is_finite() {
        return Err(not_computable());
    }
    if !negligible(p) {
        return Err(format!(
            "this annual growth distribution draws -100% or less with probability {p:.4}, which would mean negative volume; \
             narrow it so that such draws are below {MAX_NEGLIGIBLE} (rarer draws are clamped to {GROWTH_FLOOR})"
        ));
    }
    if !negligible(q) {
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
    if lo.is_nan() || hi.is_nan() {
        return Err(not_computable());
    }
    if !(negligible(lo) && negligible(hi)) {
        return Err(format!(
            "expected a share within [0, 1]; this distribution falls outside with probability {:.4}",
            lo + hi
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Extreme and ordinary parameter values.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            prop::sample::select(vec![
                0.0,
                -0.0,
                1e-308,
                -1e-308,
                5e-324,
                1e-12,
                0.5,
                -0.5,
                -0.99,
                -1.0,
                -1.5,
                1.0,
                2.0,
                100.0,
                101.0,
                1e18,
                1e150,
                -1e150,
                1e300,
                -1e300,
                1.7e308,
                -1.7e308,
                f64::MAX,
                f64::MIN,
            ]),
            -2.0..2.0f64,
        ]
    }

    /// A distribution of every kind with parameters from [`value`], as the files write them.
    fn dist() -> impl Strategy<Value = Option<Dist>> {
        (0..7usize, value(), value(), value()).prop_map(|(k, a, b, c)| {
            let mut v = [a, b, c];
            v.sort_by(f64::total_cmp);
            let src = match k {
                0 => format!("{a:?}"),
                1 => format!("{{ dist = \"uniform\", min = {:?}, max = {:?} }}", v[0], v[2]),
                2 => format!("{{ dist = \"triangular\", min = {:?}, mode = {:?}, max = {:?} }}", v[0], v[1], v[2]),
                3 => format!("{{ dist = \"pert\", min = {:?}, mode = {:?}, max = {:?} }}", v[0], v[1], v[2]),
                4 => format!("{{ dist = \"normal\", mean = {a:?}, sd = {:?} }}", b.abs()),
                5 => format!("{{ dist = \"lognormal\", median = {:?}, p90 = {:?} }}", v[1].abs(), v[2].abs()),
                _ => format!("{{ dist = \"lognormal\", mu = {a:?}, sigma = {:?} }}", b.abs()),
            };
            let t: toml::Table = toml::from_str(&format!("x = {src}")).ok()?;
            Dist::from_toml(&t["x"]).ok()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        /// A distribution that passes a check behaves as the check says: its
        /// probabilities are numbers, the mass the check bounds is negligible,
        /// and what it feeds is not NaN. NaN can fool no check.
        #[test]
        fn no_check_passes_a_distribution_it_could_not_compute(d in dist()) {
            let Some(d) = d else { return Ok(()) };
            let zs = [-6.0, -3.0, -1.0, 0.0, 1.0, 3.0, 6.0];
            if check_growth(&d).is_ok() {
                let below = if d.lower_bound() > -1.0 { 0.0 } else { d.cdf(-1.0) };
                prop_assert!(negligible(below), "{d:?}: P(G <= -1) = {below}");
                prop_assert!(negligible(1.0 - d.cdf(GROWTH_CEILING)), "{d:?}");
                for z in zs {
                    let r = Growth::Annual(d.clone()).monthly_rate(z);
                    prop_assert!(r.is_finite(), "{d:?} at z = {z}: monthly rate {r}");
                }
            }
            if check_share_dist(&d).is_ok() {
                prop_assert!(negligible(d.cdf(-1e-12)) && negligible(1.0 - d.cdf(1.0)), "{d:?}");
                for z in zs {
                    let x = d.from_normal(z);
                    prop_assert!(!x.is_nan(), "{d:?} at z = {z}: {x}");
                }
            }
        }
    }

    #[test]
    fn extreme_triangular_and_uniform_bounds_are_refused_not_passed() {
        let parse = |src: &str| {
            let t: toml::Table = toml::from_str(&format!("x = {src}")).unwrap();
            Dist::from_toml(&t["x"])
        };
        // The range overflows: refused when read.
        let e = parse("{ dist = \"triangular\", min = -1.7e308, mode = 0.1, max = 1.7e308 }").unwrap_err();
        assert!(e.contains("too wide"), "{e}");
        // The range fits, its probabilities do not: refused by the check, which NaN used to pass.
        let d = parse("{ dist = \"triangular\", min = -1.7e308, mode = 0.1, max = 0.2 }").unwrap();
        assert!(d.cdf(-1.0).is_nan());
        assert!(check_growth(&d).unwrap_err().contains("cannot be computed"));
        assert!(check_share_dist(&d).is_err());
        assert!(!negligible(f64::NAN));
    }
}
