//! A source's monthly log-growth as a function of its standard normal draw
//! `z`: `ln(1 + G) / 12` with `G = F⁻¹(Φ(z))` clamped (annual growth), or
//! `mu + se T(z)` (fitted). Exact, each path costs the normal CDF, a quantile
//! function and a logarithm in a chain of dependent operations (the fitted
//! form, a Student-t quantile by root finding). So the whole function of `z`
//! is tabulated once per plan, on the grid of [`NormalQuantileTable`]
//! (|z| <= 8, step 1/128, cubic Hermite), and computed exactly outside it.
//! The unit tests bound the table's error against the exact function.

use crate::spec::dist::{Dist, NormalQuantileTable};
use crate::spec::values::Growth;

/// The table is used on |z| <= 7.5 only: in its last cells the exact
/// function may itself switch method (the PERT quantile's own table ends at
/// 8), which a cubic across the switch would blur. Draws beyond 7.5 happen
/// once in 10^13.
const TABLE_USED: f64 = 7.5;

/// The monthly log-growth of one source, ready for the hot loop.
#[derive(Debug, Clone)]
pub enum GrowthRate {
    /// The same on every path (a fixed annual growth).
    Const(f64),
    /// Tabulated in `z`; `exact` outside the table.
    Table {
        /// `z -> rate(z)` on |z| <= 8.
        table: NormalQuantileTable,
        /// Lowest `z` where the table is used.
        lo: f64,
        /// Highest `z` where the table is used.
        hi: f64,
        /// The growth itself.
        exact: Growth,
    },
}

impl GrowthRate {
    /// The rate function of `g`.
    pub fn new(g: &Growth) -> GrowthRate {
        match g {
            Growth::Annual(Dist::Fixed(_)) => GrowthRate::Const(g.monthly_rate(0.0)),
            _ => {
                let (lo, hi) = smooth_range(g);
                GrowthRate::Table { table: NormalQuantileTable::of_fn(|z| g.monthly_rate(z)), lo, hi, exact: g.clone() }
            }
        }
    }

    /// The monthly log-growth at standard normal `z`.
    #[inline]
    pub fn at(&self, z: f64) -> f64 {
        match self {
            GrowthRate::Const(r) => *r,
            GrowthRate::Table { table, lo, hi, .. } if *lo <= z && z <= *hi => table.eval(z).unwrap_or(f64::NAN),
            GrowthRate::Table { exact: g, .. } => g.monthly_rate(z),
        }
    }
}

/// The interval of `z` around 0, within |z| <= 7.5, on which the rate is
/// smooth enough for the table: annual growth at least -50% and at most
/// +5,000% (towards the clamp at -99% the logarithm bends ever faster, and
/// the clamps kink it). Draws outside it are computed exactly; for
/// sane growth distributions they are vanishingly rare.
fn smooth_range(g: &Growth) -> (f64, f64) {
    let ok = |z: f64| {
        let r = g.monthly_rate(z);
        let annual = (12.0 * r).exp() - 1.0;
        r.is_finite() && (-0.5..=50.0).contains(&annual)
    };
    let step = 1.0 / 128.0;
    let edge = |dir: f64| {
        let mut z = 0.0;
        while (z + dir * step).abs() <= TABLE_USED && ok(z + dir * step) {
            z += dir * step;
        }
        // One cell in from the last good node: the cubic's cell lies inside.
        z - dir * step
    };
    if ok(0.0) {
        (edge(-1.0), edge(1.0))
    } else {
        (1.0, -1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annual(src: &str) -> Growth {
        let t: toml::Table = toml::from_str(&format!("x = {src}")).unwrap();
        Growth::Annual(Dist::from_toml(&t["x"]).unwrap())
    }

    /// Largest absolute difference between the table and the exact rate on
    /// a fine grid of `z` (not aligned with the table's), tails included.
    fn worst(g: &Growth) -> f64 {
        let r = GrowthRate::new(g);
        (0..=18_000)
            .map(|i| -9.0 + i as f64 * 0.001_000_3)
            .map(|z| (r.at(z) - g.monthly_rate(z)).abs())
            .fold(0.0, f64::max)
    }

    #[test]
    fn tabulated_rates_match_the_exact_function() {
        for (src, tol) in [
            ("{ dist = 'uniform', min = 0.1, max = 0.6 }", 1e-10),
            ("{ dist = 'pert', min = 0.2, mode = 0.9, max = 2.5 }", 1e-10),
            ("{ dist = 'normal', mean = 0.3, sd = 0.2 }", 1e-10),
            ("{ dist = 'lognormal', median = 0.3, p90 = 0.8 }", 1e-10),
            ("{ dist = 'uniform', min = -0.5, max = 3 }", 1e-10),
        ] {
            let w = worst(&annual(src));
            assert!(w < tol, "{src}: worst {w:e}");
        }
        // Growth that can reach the -99% clamp: the table stops before the bend.
        let steep = annual("{ dist = 'normal', mean = 0.3, sd = 0.4 }");
        assert!(worst(&steep) < 1e-10, "steep: {:e}", worst(&steep));
        let t = Growth::LogT { mu: 0.02, se: 0.01, df: 7.0 };
        assert!(worst(&t) < 1e-10, "log-t: {:e}", worst(&t));
    }

    /// The triangular quantile has a kink at the mode, where the table's
    /// cubic is least accurate: still far below any Monte Carlo error
    /// (a growth rate of a few percent a month, known to 1e-8).
    #[test]
    fn the_triangular_kink_costs_little() {
        let w = worst(&annual("{ dist = 'triangular', min = 0.0, mode = 0.5, max = 1.5 }"));
        assert!(w < 2e-8, "worst {w:e}");
    }

    #[test]
    fn fixed_growth_is_a_constant_and_tails_are_exact() {
        let g = annual("0.2");
        assert!(matches!(GrowthRate::new(&g), GrowthRate::Const(r) if r == g.monthly_rate(0.0)));
        assert!((g.monthly_rate(0.0) - 1.2f64.ln() / 12.0).abs() < 1e-16);
        let g = annual("{ dist = 'normal', mean = 0.3, sd = 0.2 }");
        let r = GrowthRate::new(&g);
        for z in [-12.0, -8.5, -7.6, 7.51, 8.0, 9.5] {
            assert_eq!(r.at(z), g.monthly_rate(z), "z = {z}");
        }
    }
}
