//! Criterion benches of the estimators in `jauge::stats` on fixed
//! pseudo-random inputs: the Wilson and Newcombe intervals over a thousand
//! cells, Welch's test on two arms of a few thousand values, and
//! Kaplan–Meier, its median and the log-rank test on a few thousand subjects.
//!
//! `cargo bench --bench stats`; see docs/performance.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use jauge::stats::{Summary, kaplan_meier, km_median, logrank, newcombe_difference, welch, wilson};

/// A fixed stream of numbers, so every run benches the same data.
type Stream = ChaCha8Rng;

/// `count` cells `(successes, n)` with n between 1 and 5 000.
fn cells(stream: &mut Stream, count: usize) -> Vec<(u64, u64)> {
    (0..count)
        .map(|_| {
            let n = 1 + stream.random_range(0..5_000);
            (stream.random_range(0..n + 1), n)
        })
        .collect()
}

/// `count` subjects `(duration in days, event)`: an exponential time to the
/// outcome (median `median` days) censored at a uniform follow-up of up to
/// 400 days, as the time-to-outcome KPI builds them.
fn subjects(stream: &mut Stream, count: usize, median: f64) -> Vec<(i32, bool)> {
    (0..count)
        .map(|_| {
            let time = -median / std::f64::consts::LN_2 * (1.0 - stream.random::<f64>()).ln();
            let follow_up = stream.random_range(0..401) as f64;
            if time <= follow_up { (time as i32, true) } else { (follow_up as i32, false) }
        })
        .collect()
}

fn proportions(c: &mut Criterion) {
    let mut stream = Stream::seed_from_u64(42);
    let a = cells(&mut stream, 1_000);
    let b = cells(&mut stream, 1_000);
    let mut group = c.benchmark_group("proportions");
    group.bench_function("wilson/1000 cells", |bench| {
        bench.iter(|| a.iter().map(|&(x, n)| wilson(black_box(x), black_box(n))).collect::<Vec<_>>())
    });
    group.bench_function("newcombe/1000 pairs", |bench| {
        bench.iter(|| {
            a.iter()
                .zip(&b)
                .map(|(&(x1, n1), &(x2, n2))| newcombe_difference(black_box(x1), n1, black_box(x2), n2))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

fn means(c: &mut Criterion) {
    let mut stream = Stream::seed_from_u64(7);
    // Monthly wages within the window, 0 for most users (SPEC: 0 when none).
    let mut arm = |n: usize, share: f64| -> Vec<f64> {
        (0..n)
            .map(|_| if stream.random::<f64>() < share { 1_200.0 + 2_000.0 * stream.random::<f64>() } else { 0.0 })
            .collect()
    };
    let treatment = arm(2_500, 0.30);
    let control = arm(2_500, 0.25);
    let mut group = c.benchmark_group("means");
    group.bench_function("summary+welch/2x2500", |bench| {
        bench.iter(|| {
            let t = Summary::from_values(black_box(&treatment));
            let c = Summary::from_values(black_box(&control));
            welch(t, c)
        })
    });
    group.finish();
}

fn survival(c: &mut Criterion) {
    let mut stream = Stream::seed_from_u64(1958);
    let all = subjects(&mut stream, 5_000, 180.0);
    let treatment = subjects(&mut stream, 2_500, 150.0);
    let control = subjects(&mut stream, 2_500, 180.0);
    let steps = kaplan_meier(&all);
    let mut group = c.benchmark_group("survival");
    group.bench_function("kaplan_meier/5000", |bench| bench.iter(|| kaplan_meier(black_box(&all))));
    group.bench_function("km_median/5000", |bench| bench.iter(|| km_median(black_box(&steps))));
    group.bench_function("logrank/2x2500", |bench| bench.iter(|| logrank(black_box(&treatment), black_box(&control))));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

criterion_group! { name = benches; config = config(); targets = proportions, means, survival }
criterion_main!(benches);
