//! Probability distributions a scenario can name (SPEC 3.3 "Distributions").
//!
//! `fixed`, `uniform`, `triangular`, `pert` (beta-PERT with shape 4), `normal`
//! and `lognormal` (by `median` and `p90`, or by `mu` and `sigma` of the
//! logarithm). A plain number means `fixed`. Draws go through
//! [`Dist::from_normal`], which maps a standard normal to the distribution by
//! its quantile function, so that a Gaussian copula can correlate draws.

use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use std::sync::Arc;

use statrs::distribution::{Beta, Continuous, ContinuousCDF};

pub use crate::math::normal::{phi, phi_inv, NormalQuantileTable};

/// z of the 90th percentile of the standard normal.
const Z90: f64 = 1.281_551_565_544_600_4;

/// A validated distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always `value`.
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular on `[min, max]` with peak at `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Beta-PERT on `[min, max]` with peak at `mode` and shape 4.
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
        /// The underlying beta distribution on [0, 1] (None when min == max).
        beta: Option<Beta>,
        /// Its quantile function tabulated against a standard normal.
        table: Option<Arc<NormalQuantileTable>>,
    },
    /// Normal with `mean` and standard deviation `sd`.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Lognormal: `exp(mu + sigma Z)`.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
}

impl Dist {
    /// Maps a standard normal draw `z` to a draw of this distribution
    /// (`F^-1(Phi(z))`, computed directly where a closed form exists).
    pub fn from_normal(&self, z: f64) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Normal { mean, sd } => mean + sd * z,
            Dist::LogNormal { mu, sigma } => (mu + sigma * z).exp(),
            Dist::Pert { min, max, table: Some(ref t), .. } => match t.eval(z) {
                Some(u) => min + (max - min) * u,
                None => self.quantile(phi(z)),
            },
            _ => self.quantile(phi(z)),
        }
    }

    /// The quantile function at probability `u` in (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { min, max } => min + (max - min) * u,
            Dist::Triangular { min, mode, max } => {
                if max == min {
                    return min;
                }
                let fc = (mode - min) / (max - min);
                if u < fc {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Dist::Pert { min, max, ref beta, .. } => match beta {
                Some(b) => min + (max - min) * beta_quantile(b, u, 1.0 - u),
                None => min,
            },
            Dist::Normal { mean, sd } => mean + sd * phi_inv(u),
            Dist::LogNormal { mu, sigma } => (mu + sigma * phi_inv(u)).exp(),
        }
    }

    /// The distribution function `P(X <= x)`.
    pub fn cdf(&self, x: f64) -> f64 {
        match *self {
            Dist::Fixed(v) => f64::from(u8::from(x >= v)),
            Dist::Uniform { min, max } => {
                if x < min {
                    0.0
                } else if x >= max {
                    1.0
                } else {
                    (x - min) / (max - min)
                }
            }
            Dist::Triangular { min, mode, max } => {
                if x <= min {
                    0.0
                } else if x >= max {
                    1.0
                } else if x <= mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Dist::Pert { min, max, ref beta, .. } => match beta {
                Some(b) => b.cdf(((x - min) / (max - min)).clamp(0.0, 1.0)),
                None => f64::from(u8::from(x >= min)),
            },
            Dist::Normal { mean, sd } => {
                if sd == 0.0 {
                    f64::from(u8::from(x >= mean))
                } else {
                    phi((x - mean) / sd)
                }
            }
            Dist::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else if sigma == 0.0 {
                    f64::from(u8::from(x.ln() >= mu))
                } else {
                    phi((x.ln() - mu) / sigma)
                }
            }
        }
    }

    /// The mean of the distribution.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert { min, mode, max, .. } => (min + 4.0 * mode + max) / 6.0,
            Dist::Normal { mean, .. } => mean,
            Dist::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
        }
    }

    /// The smallest value the distribution can take (may be `-inf`).
    pub fn lower_bound(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { min, .. } | Dist::Triangular { min, .. } | Dist::Pert { min, .. } => min,
            Dist::Normal { mean, sd } => {
                if sd == 0.0 {
                    mean
                } else {
                    f64::NEG_INFINITY
                }
            }
            Dist::LogNormal { .. } => 0.0,
        }
    }

    /// Builds a distribution from its TOML value, checking every parameter.
    pub fn from_toml(v: &toml::Value) -> Result<Dist, String> {
        let t = match v {
            toml::Value::Integer(i) => return fixed(*i as f64),
            toml::Value::Float(f) => return fixed(*f),
            toml::Value::Table(t) => t,
            other => {
                return Err(format!(
                    "expected a number or a distribution table such as {{ dist = \"uniform\", min = 0.1, max = 0.5 }}, found {}",
                    other.type_str()
                ))
            }
        };
        let kind = match t.get("dist") {
            Some(toml::Value::String(s)) => s.as_str(),
            Some(_) => return Err("`dist` must be a string".into()),
            None => {
                return Err(
                    "a distribution table needs `dist` (fixed, uniform, triangular, pert, normal or lognormal)".into()
                )
            }
        };
        let keys: &[&str] = match kind {
            "fixed" => &["value"],
            "uniform" => &["min", "max"],
            "triangular" | "pert" => &["min", "mode", "max"],
            "normal" => &["mean", "sd"],
            "lognormal" => &["median", "p90", "mu", "sigma"],
            other => {
                let all = ["fixed", "uniform", "triangular", "pert", "normal", "lognormal"];
                let hint =
                    crate::error::closest(other, all).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
                return Err(format!("unknown distribution `{other}`{hint} (expected one of {})", all.join(", ")));
            }
        };
        for k in t.keys() {
            if k != "dist" && !keys.contains(&k.as_str()) {
                let hint = crate::error::closest(k, keys.iter().copied())
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown key `{k}` for a {kind} distribution{hint} (expected {})",
                    keys.join(", ")
                ));
            }
        }
        let num = |k: &str| -> Result<f64, String> {
            let x = match t.get(k) {
                Some(toml::Value::Integer(i)) => *i as f64,
                Some(toml::Value::Float(f)) => *f,
                Some(_) => return Err(format!("`{k}` of a {kind} distribution must be a number")),
                None => return Err(format!("a {kind} distribution needs `{k}`")),
            };
            if x.is_finite() {
                Ok(x)
            } else {
                Err(format!("`{k}` must be a finite number, found {x}"))
            }
        };
        // A range whose width overflows makes every probability NaN.
        let span = |min: f64, max: f64| {
            if (max - min).is_finite() {
                Ok(())
            } else {
                Err(format!("the range from min = {min:e} to max = {max:e} of this {kind} distribution is too wide to compute with; use values of a plausible size"))
            }
        };
        match kind {
            "fixed" => fixed(num("value")?),
            "uniform" => {
                let (min, max) = (num("min")?, num("max")?);
                if min > max {
                    return Err(format!("uniform needs min <= max (min = {min}, max = {max})"));
                }
                span(min, max)?;
                Ok(Dist::Uniform { min, max })
            }
            "triangular" | "pert" => {
                let (min, mode, max) = (num("min")?, num("mode")?, num("max")?);
                if !(min <= mode && mode <= max) {
                    return Err(format!("{kind} needs min <= mode <= max (got {min}, {mode}, {max})"));
                }
                span(min, max)?;
                if kind == "triangular" {
                    return Ok(Dist::Triangular { min, mode, max });
                }
                let beta = if max > min {
                    let a = 1.0 + 4.0 * (mode - min) / (max - min);
                    let b = 1.0 + 4.0 * (max - mode) / (max - min);
                    Some(Beta::new(a, b).map_err(|e| format!("pert: {e}"))?)
                } else {
                    None
                };
                let table = beta
                    .as_ref()
                    .map(|b| Arc::new(NormalQuantileTable::new(|z| beta_quantile(b, phi(z), phi(-z)), |x| b.pdf(x))));
                Ok(Dist::Pert { min, mode, max, beta, table })
            }
            "normal" => {
                let (mean, sd) = (num("mean")?, num("sd")?);
                if sd < 0.0 {
                    return Err(format!("normal needs sd >= 0 (got {sd})"));
                }
                Ok(Dist::Normal { mean, sd })
            }
            _ => lognormal(t, &num),
        }
    }
}

/// The beta quantile at `u` (with `1 - u` given separately, so that the upper
/// tail keeps its precision): the upper half uses the mirrored distribution,
/// `Q_{a,b}(u) = 1 - Q_{b,a}(1 - u)`.
fn beta_quantile(b: &Beta, u: f64, one_minus_u: f64) -> f64 {
    if u <= 0.5 {
        return b.inverse_cdf(u);
    }
    match Beta::new(b.shape_b(), b.shape_a()) {
        Ok(m) => 1.0 - m.inverse_cdf(one_minus_u),
        Err(_) => b.inverse_cdf(u),
    }
}

fn fixed(x: f64) -> Result<Dist, String> {
    if x.is_finite() {
        Ok(Dist::Fixed(x))
    } else {
        Err(format!("expected a finite number, found {x}"))
    }
}

fn lognormal(t: &toml::Table, num: &dyn Fn(&str) -> Result<f64, String>) -> Result<Dist, String> {
    let by_median = t.contains_key("median") || t.contains_key("p90");
    let by_mu = t.contains_key("mu") || t.contains_key("sigma");
    if by_median && by_mu {
        return Err("lognormal takes either median and p90, or mu and sigma, not both".into());
    }
    if by_mu {
        let (mu, sigma) = (num("mu")?, num("sigma")?);
        if sigma < 0.0 {
            return Err(format!("lognormal needs sigma >= 0 (got {sigma})"));
        }
        return Ok(Dist::LogNormal { mu, sigma });
    }
    let (median, p90) = (num("median")?, num("p90")?);
    if median <= 0.0 || p90 < median {
        return Err(format!("lognormal needs 0 < median <= p90 (got median = {median}, p90 = {p90})"));
    }
    let mu = median.ln();
    Ok(Dist::LogNormal { mu, sigma: (p90.ln() - mu) / Z90 })
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        Dist::from_toml(&v).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Dist, String> {
        let t: toml::Table = toml::from_str(&format!("x = {src}")).unwrap();
        Dist::from_toml(&t["x"])
    }

    #[test]
    fn tabulated_phi_matches_erfc() {
        let mut worst = 0.0f64;
        let mut z = -10.0;
        while z < 10.0 {
            worst = worst.max((phi(z) - crate::math::normal::phi_exact(z)).abs());
            z += 0.000_731;
        }
        assert!(worst < 1e-12, "worst absolute error {worst:e}");
    }

    #[test]
    fn quantiles_invert_cdfs() {
        for src in [
            "{ dist = 'uniform', min = -0.3, max = 0.4 }",
            "{ dist = 'triangular', min = 0.0, mode = 0.5, max = 1.5 }",
            "{ dist = 'pert', min = 0.2, mode = 0.9, max = 2.5 }",
            "{ dist = 'normal', mean = 0.3, sd = 0.2 }",
            "{ dist = 'lognormal', median = 0.8, p90 = 2.0 }",
        ] {
            let d = parse(src).unwrap();
            for u in [0.01, 0.1, 0.37, 0.5, 0.9, 0.99] {
                let x = d.quantile(u);
                assert!((d.cdf(x) - u).abs() < 1e-9, "{src} at {u}: cdf(q) = {}", d.cdf(x));
            }
        }
    }

    #[test]
    fn lognormal_by_median_and_p90_hits_both() {
        let d = parse("{ dist = 'lognormal', median = 2e9, p90 = 6e9 }").unwrap();
        assert!((d.quantile(0.5) / 2e9 - 1.0).abs() < 1e-12);
        assert!((d.quantile(0.9) / 6e9 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn from_normal_matches_quantile_of_phi() {
        let d = parse("{ dist = 'pert', min = 0.2, mode = 0.9, max = 2.5 }").unwrap();
        assert!((d.from_normal(0.7) - d.quantile(phi(0.7))).abs() < 1e-12);
        let n = parse("{ dist = 'normal', mean = 1, sd = 2 }").unwrap();
        assert!((n.from_normal(0.7) - n.quantile(phi(0.7))).abs() < 1e-9);
    }

    #[test]
    fn pert_table_matches_exact_quantile() {
        for src in
            ["{ dist = 'pert', min = 0.2, mode = 0.9, max = 2.5 }", "{ dist = 'pert', min = 0, mode = 0, max = 1 }"]
        {
            let d = parse(src).unwrap();
            let mut worst = 0.0f64;
            let mut z = -7.9;
            while z < 7.9 {
                let exact = match &d {
                    Dist::Pert { min, max, beta: Some(b), .. } => min + (max - min) * beta_quantile(b, phi(z), phi(-z)),
                    _ => unreachable!(),
                };
                worst = worst.max((d.from_normal(z) - exact).abs());
                z += 0.0123;
            }
            assert!(worst < 1e-9, "{src}: {worst:e}");
        }
    }

    #[test]
    fn pert_mean_is_the_textbook_formula() {
        // Beta-PERT mean (a + 4m + b) / 6 equals the beta's own mean.
        let d = parse("{ dist = 'pert', min = 0.2, mode = 0.9, max = 2.5 }").unwrap();
        let n = 200_000;
        let m: f64 = (0..n).map(|i| d.quantile((i as f64 + 0.5) / n as f64)).sum::<f64>() / n as f64;
        assert!((m - d.mean()).abs() < 1e-4, "{m} vs {}", d.mean());
    }

    #[test]
    fn bad_parameters_are_rejected_with_reasons() {
        assert!(parse("{ dist = 'uniform', min = 1, max = 0 }").unwrap_err().contains("min <= max"));
        assert!(parse("{ dist = 'unifrom', min = 0, max = 1 }").unwrap_err().contains("did you mean `uniform`"));
        assert!(parse("{ dist = 'normal', mean = 0, sd = -1 }").unwrap_err().contains("sd >= 0"));
        assert!(parse("{ dist = 'normal', mean = 0, sdev = 1 }").unwrap_err().contains("did you mean `sd`"));
        assert!(parse("nan").unwrap_err().contains("finite"));
        assert!(parse("'x'").unwrap_err().contains("found string"));
        assert_eq!(parse("0.2").unwrap(), Dist::Fixed(0.2));
    }
}
