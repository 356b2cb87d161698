//! What the unit tests share: one seeded random generator, so that every
//! randomized test draws the same cases on every machine.

use rand::SeedableRng;

/// A ChaCha8 stream from a fixed seed.
pub fn rng(seed: u64) -> rand_chacha::ChaCha8Rng {
    rand_chacha::ChaCha8Rng::seed_from_u64(seed)
}
