//! Loading and computing run on every core (`ingest::usage`, `ingest::users`,
//! the partitions of `ingest::store` and `kpi`): whatever the number of
//! threads, the codes, the events, the rejects, the figures and every output
//! byte must be those of one thread.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use jauge::config::Settings;
use jauge::ingest::{self, EventRow};
use jauge::tables::Tables;

use common::files_under;

/// What loading and computing give, compared field by field.
#[derive(Debug, PartialEq)]
struct Loaded {
    users: usize,
    event_names: Vec<String>,
    events: Vec<EventRow>,
    active_users: Vec<bool>,
    reconciliation: Vec<jauge::tables::Reconciliation>,
    rejects: Vec<jauge::tables::RejectRow>,
    tables: Tables,
}

fn load(config: &Path, memory_events: usize, threads: usize) -> Loaded {
    let bytes = std::fs::read(config).unwrap();
    let mut settings = Settings::from_bytes(config, &bytes).unwrap();
    settings.memory_events = memory_events;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| {
        let ds = ingest::load(&settings).unwrap();
        let tables = jauge::kpi::compute(&ds, &settings).unwrap();
        let mut events = Vec::new();
        ds.events.for_each_part(|rows| events.extend_from_slice(rows)).unwrap();
        Loaded {
            users: ds.users,
            event_names: ds.event_names.clone(),
            events,
            active_users: ds.active_users.clone(),
            reconciliation: ds.reconciliation.clone(),
            rejects: ds.rejects.clone(),
            tables,
        }
    })
}

fn assert_same_on_any_thread_count(config: &Path, memory_events: usize) {
    let one = load(config, memory_events, 1);
    assert!(!one.events.is_empty() && !one.tables.kpis.is_empty());
    for threads in [2, 3] {
        let many = load(config, memory_events, threads);
        assert!(one == many, "{threads} threads differ from one on {}", config.display());
    }
}

/// Every reject reason, a text user id, a duplicate, rows after the cut-off.
#[test]
fn the_tiny_fixture_loads_the_same_on_one_two_or_three_threads() {
    assert_same_on_any_thread_count(&common::tiny_config(), usize::MAX);
    assert_same_on_any_thread_count(&common::tiny_config(), 1);
}

#[test]
fn the_demo_loads_the_same_on_one_two_or_three_threads_spilled_or_not() {
    let demo = common::root().join("jauge.toml");
    assert_same_on_any_thread_count(&demo, usize::MAX);
    assert_same_on_any_thread_count(&demo, 10_000);
}

/// Every file of an output folder with its bytes, the manifest without its
/// timings.
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let read = |file: &Path| {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        if !file.ends_with("manifest.json") {
            return bytes;
        }
        let text = String::from_utf8(bytes).unwrap();
        text.split("\"timings\"").next().unwrap().as_bytes().to_vec()
    };
    files_under(dir).iter().map(|f| (f.display().to_string(), read(f))).collect()
}

#[test]
fn jauge_run_writes_the_same_bytes_on_one_thread_as_on_two() {
    let scratch = common::scratch("threads-run");
    let run = |threads: &str| {
        let out = scratch.join(format!("out-{threads}"));
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_jauge"))
            .args(["run", "--quiet", "--config", "jauge.toml", "--out"])
            .arg(&out)
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(common::root())
            .status()
            .unwrap();
        assert!(status.success());
        outputs(&out)
    };
    let (one, two) = (run("1"), run("2"));
    assert!(one.len() > 100, "{} files", one.len());
    for (name, bytes) in &one {
        assert!(two.get(name) == Some(bytes), "{name} differs between one and two threads");
    }
    assert_eq!(one.len(), two.len());
}
