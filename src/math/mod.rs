//! Numeric leaves with no other crate imports: fast `exp`/`ln`, the
//! counter-based random streams, the normal distribution's functions and
//! tables, and a deterministic sum. Every other folder may import them.

pub mod fastmath;
pub mod normal;
pub mod rng;
pub mod served;

/// Sum with four interleaved accumulators: a fixed order (so deterministic)
/// that does not wait on one addition at a time.
pub fn sum(x: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let mut chunks = x.chunks_exact(4);
    for c in &mut chunks {
        for k in 0..4 {
            acc[k] += c[k];
        }
    }
    let tail: f64 = chunks.remainder().iter().sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}
