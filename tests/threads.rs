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

/// An id's second row is a `duplicate_key` whatever else is wrong with it,
/// but a row that failed does not make the next row of its id a second
/// one; on any number of threads, with the rows spread over every piece.
#[test]
fn a_users_row_is_a_second_row_only_after_an_accepted_one() {
    let dir = common::scratch("threads-users");
    common::copy_dir(common::tiny_config().parent().unwrap(), &dir);
    std::fs::remove_file(dir.join("users.csv")).unwrap();
    let rows = [
        r#"{"user_id": 1, "region": "Bretagne"}"#,
        r#"{"user_id": 7, "region": {"nested": 1}}"#,
        r#"{"user_id": 2, "region": "Normandie"}"#,
        r#"{"user_id": 1, "region": "Corse"}"#,
        r#"{"user_id": 7, "region": "Corse"}"#,
        r#"{"user_id": 2, "region": {"nested": 2}}"#,
        r#"{"user_id": 7, "region": "Bretagne"}"#,
        r#"{"user_id": "u-8", "region": "Occitanie"}"#,
    ];
    std::fs::write(dir.join("users.ndjson"), rows.join("\n") + "\n").unwrap();
    common::edit(&dir.join("jauge.toml"), r#"users = "users.csv""#, r#"users = "users.ndjson""#);
    for threads in [1, 2, 3] {
        let bytes = std::fs::read(dir.join("jauge.toml")).unwrap();
        let settings = Settings::from_bytes(&dir.join("jauge.toml"), &bytes).unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let ds = pool.install(|| ingest::load(&settings).unwrap());
        let rejects: Vec<(u64, &str, &str)> = ds
            .rejects
            .iter()
            .filter(|r| r.file == "users.ndjson")
            .map(|r| (r.row, r.reason.as_str(), r.column.as_str()))
            .collect();
        let expected = [
            (2, "bad_value", "region"),
            (4, "duplicate_key", "user_id"),
            (6, "duplicate_key", "user_id"),
            (7, "duplicate_key", "user_id"),
        ];
        assert_eq!(rejects, expected, "{threads} threads");
        // The users input is read first: codes in the order of the accepted
        // ids, 1, 2, 7 (its row 5, its first accepted one), u-8.
        let region = &ds.segments[0];
        let values: Vec<&str> = (0..4).map(|code| region.values[region.by_user[code] as usize].as_str()).collect();
        assert_eq!(values, ["Bretagne", "Normandie", "Corse", "Occitanie"], "{threads} threads");
        let counted = ds.user_rows.iter().filter(|r| **r).count();
        assert_eq!(counted, 4, "{threads} threads");
    }
}
