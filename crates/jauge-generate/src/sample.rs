//! Random draws for the generator, on a seeded ChaCha8 stream.
//!
//! Responsible for: deriving independent, reproducible streams from the
//! seed, and the few distributions the model needs (uniform, exponential,
//! Poisson, normal, discrete by cumulative weights), written out here so
//! that their output never changes with a dependency's version.
//!
//! Not responsible for: what the draws mean (see `model`).

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Named streams: each part of the simulation draws from its own, so that
/// changing one part leaves the others' output unchanged.
pub mod stream {
    pub const POPULATION: u64 = 1;
    pub const MESSY: u64 = 2;
    /// Which job seekers the roll-outs reach, and when.
    pub const ROLLOUT: u64 = 3;
    /// Plus the month index.
    pub const MONTH: u64 = 1 << 32;
}

/// The random source of one stream.
pub struct Rng(ChaCha8Rng);

impl Rng {
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Rng(rng)
    }

    /// Uniform in [0, 1), 53 bits.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; the bias
    /// is below 2⁻³² for the sizes used here).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform integer in [lo, hi), lo < hi.
    #[inline]
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }

    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Exponential with the given mean.
    #[inline]
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    /// Standard normal (Box–Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Poisson with mean `lambda` ≥ 0: Knuth's product of uniforms below 30,
    /// a rounded normal above (only reached by heavy users).
    pub fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda < 30.0 {
            let limit = (-lambda).exp();
            let mut k = 0;
            let mut p = self.unit();
            while p > limit {
                k += 1;
                p *= self.unit();
            }
            k
        } else {
            (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u32
        }
    }

    /// Index drawn from cumulative weights (last = total).
    #[inline]
    pub fn pick(&mut self, cumulative: &[f64]) -> usize {
        let x = self.unit() * cumulative[cumulative.len() - 1];
        cumulative.partition_point(|&c| c <= x).min(cumulative.len() - 1)
    }
}

/// Cumulative sums of `weights`.
pub fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    weights
        .into_iter()
        .scan(0.0, |acc, w| {
            *acc += w;
            Some(*acc)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<f64> = (0..4).map(|_| Rng::new(42, 1).unit()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::new(42, 1).unit(), Rng::new(42, 2).unit());
        assert_ne!(Rng::new(42, 1).unit(), Rng::new(43, 1).unit());
    }

    #[test]
    fn moments() {
        let mut rng = Rng::new(7, 0);
        let n = 200_000;
        for lambda in [0.5, 3.0, 12.0, 50.0] {
            let mean = (0..n).map(|_| f64::from(rng.poisson(lambda))).sum::<f64>() / f64::from(n);
            assert!((mean - lambda).abs() < 0.05 * lambda.max(1.0), "{lambda}: {mean}");
        }
        let mean = (0..n).map(|_| rng.exp(12.0)).sum::<f64>() / f64::from(n);
        assert!((mean - 12.0).abs() < 0.2);
        let var = (0..n).map(|_| rng.normal().powi(2)).sum::<f64>() / f64::from(n);
        assert!((var - 1.0).abs() < 0.02);
        let cdf = cumulative([1.0, 0.0, 3.0]);
        let mut counts = [0; 3];
        for _ in 0..n {
            counts[rng.pick(&cdf)] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((f64::from(counts[2]) / f64::from(n) - 0.75).abs() < 0.01);
    }
}
