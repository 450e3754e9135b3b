//! Random streams: one Xoshiro256++ generator per (seed, chunk, stream).
//!
//! A chunk is a fixed block of [`CHUNK`] paths; a stream is one independent
//! source of randomness inside the model (the common factor, the price index,
//! each workload, each event, each routing move). Keys are mixed with the
//! SplitMix64 finaliser, then expanded by `seed_from_u64` (SplitMix64 again),
//! so that nearby seeds, chunks and streams give unrelated generators. Because
//! neither the chunk size nor the key depends on the thread count, the same
//! seed gives the same paths on any machine and any number of threads.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Paths per chunk: the unit of parallel work and of random-stream seeding.
/// Changing it changes every result; it is part of what a seed means.
pub const CHUNK: usize = 1024;

/// The generator used everywhere in the engine.
pub type Rng = Xoshiro256PlusPlus;

/// Stream id of the common factor (shared growth and monthly shocks).
pub const STREAM_COMMON: u64 = 0;
/// Stream id of the list-price index and step cuts.
pub const STREAM_PRICES: u64 = 1;
/// First stream id of the per-source streams (workloads, then events).
pub const STREAM_SOURCES: u64 = 16;
/// First stream id of routing moves.
pub const STREAM_ROUTING: u64 = 1 << 40;

/// SplitMix64's output function: a bijective 64-bit mixer.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of `stream` in `chunk` for `seed`.
pub fn stream_rng(seed: u64, chunk: u64, stream: u64) -> Rng {
    let key = mix(mix(seed) ^ mix(chunk.wrapping_mul(0xD6E8_FEB8_6659_FD93)) ^ mix(stream).rotate_left(17));
    Rng::seed_from_u64(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng as _;

    #[test]
    fn streams_differ_and_repeat() {
        let a: u64 = stream_rng(7, 0, 0).random();
        let b: u64 = stream_rng(7, 0, 1).random();
        let c: u64 = stream_rng(7, 1, 0).random();
        let d: u64 = stream_rng(8, 0, 0).random();
        assert!(a != b && a != c && a != d && b != c);
        assert_eq!(a, stream_rng(7, 0, 0).random::<u64>());
    }

    #[test]
    fn generator_is_the_named_portable_one() {
        // Xoshiro256++ seeded through SplitMix64 is fully specified; this value
        // pins it so that a dependency change that alters streams is caught.
        let x: u64 = Rng::seed_from_u64(0).random();
        assert_eq!(x, 5987356902031041503);
    }
}
