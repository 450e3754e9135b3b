//! Base spend (SPEC 6.3, 6.10): other spend that draws a commitment down,
//! a drift path of its own. `monthly` is the spend of the month before the
//! start; month `t` (from 1) carries `t` months of drift and shocks:
//!
//! ```text
//! log B[i,t] = log monthly + sum_{s=1..t} ( g[i] + sigma * (c * Z[i,s] + sqrt(1 - c^2) * Zb[i,s]) )
//! g[i] = ln(1 + G) / 12,  G drawn from growth_annual at the normal c * Zg[i] + sqrt(1 - c^2) * Zb0[i]
//! ```
//! with `Z[i,s]` the scenario's common monthly normal, `Zg[i]` its common
//! growth normal, and `Zb` the base spend's own stream, keyed by the base
//! spend's content so that it draws the same path whichever command, offer
//! or level reads it.

use rand_distr::StandardNormal;

use crate::math::rng::{stream_rng, Rng};
use crate::spec::offer::{BaseSpend, Offer, OfferKind};
use crate::spec::values::Growth;

/// First stream id of base-spend paths (above every other stream id).
pub const STREAM_BASE: u64 = 1 << 41;

/// The distinct base spends of `offers`, in order of first appearance.
pub fn of_offers(offers: &[Offer]) -> Vec<BaseSpend> {
    let mut out: Vec<BaseSpend> = Vec::new();
    for o in offers {
        if let OfferKind::Commit(c) = &o.kind {
            if let Some(b) = &c.base {
                if !out.contains(b) {
                    out.push(b.clone());
                }
            }
        }
    }
    out
}

/// A stable 64-bit key of a base spend's content (FNV-1a over its
/// description), so that its stream does not depend on offer order.
fn key(b: &BaseSpend) -> u64 {
    let text = format!("{:?}", b);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h >> 24
}

/// The streams of each base spend for `chunk`.
pub fn streams(bases: &[BaseSpend], seed: u64, chunk: u64) -> Vec<Rng> {
    bases.iter().map(|b| stream_rng(seed, chunk, STREAM_BASE + key(b))).collect()
}

/// Draws base spend `b`'s monthly path into `out` (one entry per month),
/// with the path's common growth normal and common monthly normals.
pub fn draw(b: &BaseSpend, rng: &mut Rng, common_growth: f64, common: &[f64], out: &mut [f64]) {
    use rand::Rng as _;
    let c = b.correlation;
    let own = (1.0 - c * c).max(0.0).sqrt();
    let zg: f64 = rng.sample(StandardNormal);
    let g = Growth::Annual(b.growth.clone()).monthly_rate(c * common_growth + own * zg);
    let mut log = if b.monthly > 0.0 { b.monthly.ln() } else { f64::NEG_INFINITY };
    for (x, &z) in out.iter_mut().zip(common) {
        let zb: f64 = rng.sample(StandardNormal);
        log += g + b.sigma * (c * z + own * zb);
        *x = log.exp();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::dist::Dist;

    #[test]
    fn without_volatility_the_path_is_compound_growth() {
        let b = BaseSpend { monthly: 1000.0, growth: Dist::Fixed(0.2), sigma: 0.0, correlation: 0.3 };
        let mut out = vec![0.0; 24];
        draw(&b, &mut stream_rng(1, 0, 5), 0.7, &[0.4; 24], &mut out);
        for (t, x) in out.iter().enumerate() {
            let want = 1000.0 * 1.2f64.powf((t + 1) as f64 / 12.0);
            assert!((x - want).abs() < 1e-9 * want, "month {t}: {x} vs {want}");
        }
    }

    #[test]
    fn the_key_depends_on_content_only() {
        let a = BaseSpend { monthly: 1000.0, growth: Dist::Fixed(0.2), sigma: 0.1, correlation: 0.0 };
        let b = BaseSpend { monthly: 1001.0, ..a.clone() };
        assert_eq!(key(&a), key(&a.clone()));
        assert_ne!(key(&a), key(&b));
    }
}
