//! Criterion benches of the batch's stages on a fixed generated dataset
//! (`jauge generate --users 20000`, the default demo size: about 550 000
//! usage events on 40 products over 14 months), made once into
//! `target/bench-data/` by the `jauge` binary:
//!
//! - `load`: `ingest::load`, reading and validating every input;
//! - `compute/…`: `kpi::compute`, the one pass behind every KPI family. The
//!   families share that pass, so each is benched by what it adds to the
//!   pass of reach and retention alone (`compute/reach+retention`): outcome
//!   rates and the Kaplan–Meier arm `all` (`+outcomes`), funnels
//!   (`+funnels`), survival by arm and impact (`+trials`); `all` has every
//!   family, `all, no segments` drops the `region=…` breakdown and
//!   `all, no roll-outs` the staggered roll-outs (their panel and estimator);
//! - `protect`: `privacy::protect` with the dataset's `min_cell = 10`.
//!
//! `cargo bench --bench kpis`; `JAUGE_BENCH_USERS=370000` for about 10
//! million events; see docs/performance.md.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use jauge::config::Settings;
use jauge::ingest::{self, Dataset};
use jauge::{kpi, privacy};

/// The generator's users (`JAUGE_BENCH_USERS`, default 20 000).
fn users() -> u64 {
    std::env::var("JAUGE_BENCH_USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000)
}

/// The dataset's folder, generated on first use (the generator is
/// deterministic, so a folder made earlier holds the same files).
fn dataset() -> PathBuf {
    let users = users();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/kpis-{users}"));
    if !dir.join("truth.json").is_file() {
        let status = Command::new(env!("CARGO_BIN_EXE_jauge"))
            .args(["generate", "--quiet", "--users", &users.to_string(), "--out"])
            .arg(&dir)
            .status()
            .expect("run jauge generate");
        assert!(status.success(), "jauge generate failed");
    }
    dir
}

fn settings(dir: &Path) -> Settings {
    let path = dir.join("jauge.toml");
    let bytes = std::fs::read(&path).expect("read the dataset's jauge.toml");
    Settings::from_bytes(&path, &bytes).expect("the generated config is valid")
}

/// Which families a `compute` bench keeps.
struct Families {
    name: &'static str,
    outcomes: bool,
    funnels: bool,
    trials: bool,
    segments: bool,
    rollouts: bool,
}

const VARIANTS: [Families; 7] = [
    Families { name: "all", outcomes: true, funnels: true, trials: true, segments: true, rollouts: true },
    Families {
        name: "reach+retention",
        outcomes: false,
        funnels: false,
        trials: false,
        segments: true,
        rollouts: false,
    },
    Families { name: "+outcomes", outcomes: true, funnels: false, trials: false, segments: true, rollouts: false },
    Families { name: "+funnels", outcomes: false, funnels: true, trials: false, segments: true, rollouts: false },
    Families { name: "+trials", outcomes: true, funnels: false, trials: true, segments: true, rollouts: false },
    Families { name: "all, no segments", outcomes: true, funnels: true, trials: true, segments: false, rollouts: true },
    Families {
        name: "all, no roll-outs",
        outcomes: true,
        funnels: true,
        trials: true,
        segments: true,
        rollouts: false,
    },
];

/// `settings` without the families `f` leaves out (the dataset is changed
/// by the caller: assignments and segments live there).
fn restricted(settings: &Settings, f: &Families) -> Settings {
    let mut s = settings.clone();
    if !f.outcomes {
        s.default_outcomes.clear();
        s.censor_outcome = None;
        for p in &mut s.projects {
            p.outcomes.clear();
            p.primary = None;
        }
    }
    if !f.funnels {
        for p in &mut s.projects {
            p.funnel = None;
        }
    }
    if !f.rollouts {
        for p in &mut s.projects {
            p.rollout = None;
        }
    }
    s
}

fn stages(c: &mut Criterion) {
    let dir = dataset();
    let settings = settings(&dir);
    let mut ds: Dataset = ingest::load(&settings).expect("load the bench dataset");

    let mut group = c.benchmark_group("stages");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("load", |b| b.iter(|| ingest::load(&settings).expect("load")));

    for f in &VARIANTS {
        let s = restricted(&settings, f);
        let assignments = if f.trials { Vec::new() } else { std::mem::take(&mut ds.assignments) };
        let segments = if f.segments { Vec::new() } else { std::mem::take(&mut ds.segments) };
        group.bench_function(format!("compute/{}", f.name), |b| b.iter(|| kpi::compute(&ds, &s).expect("compute")));
        if !f.trials {
            ds.assignments = assignments;
        }
        if !f.segments {
            ds.segments = segments;
        }
    }

    let tables = kpi::compute(&ds, &settings).expect("compute");
    let scope = privacy::Scope { min_cell: settings.min_cell, month: ds.month, segment_users: ds.segment_users() };
    group.bench_function("protect", |b| {
        b.iter_batched(|| tables.clone(), |mut t| privacy::protect(&mut t, &scope), BatchSize::LargeInput)
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! { name = benches; config = config(); targets = stages }
criterion_main!(benches);
