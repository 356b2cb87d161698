//! Large usage inputs are spilled to disk in partitions by user
//! (`ingest::store`): the figures, the reconciliation and the rejects must
//! be the very same as when every event stays in memory.

mod common;

use std::path::Path;

use jauge::config::Settings;
use jauge::ingest::{self, Dataset};
use jauge::tables::Tables;

fn load(config: &Path, memory_events: usize) -> (Dataset, Tables) {
    let bytes = std::fs::read(config).unwrap();
    let mut settings = Settings::from_bytes(config, &bytes).unwrap();
    settings.memory_events = memory_events;
    let ds = ingest::load(&settings).unwrap();
    let tables = jauge::kpi::compute(&ds, &settings).unwrap();
    (ds, tables)
}

fn assert_same(config: &Path, memory_events: usize) {
    let (kept, kept_tables) = load(config, usize::MAX);
    let (spilled, spilled_tables) = load(config, memory_events);
    assert!(!kept.events.spilled());
    assert!(spilled.events.spilled(), "a budget of {memory_events} events should spill");
    assert_eq!(kept.reconciliation, spilled.reconciliation);
    assert_eq!(kept.rejects, spilled.rejects);
    assert_eq!((kept.first_day, kept.month, kept.as_of), (spilled.first_day, spilled.month, spilled.as_of));
    assert_eq!(kept.active_users, spilled.active_users);
    assert!(!kept_tables.kpis.is_empty());
    assert_eq!(kept_tables, spilled_tables);
}

/// Every reject code, a duplicate across files, rows after the cut-off and
/// the October DST hour; a budget of one event spills at the first row.
#[test]
fn the_tiny_fixture_spilled_from_its_first_event_gives_the_same_figures() {
    assert_same(&common::tiny_config(), 1);
}

/// 546 939 events over 40 products, with funnels, trials and a segment: a
/// budget of 10 000 events spills after a few files' worth of rows.
#[test]
fn the_demo_spilled_gives_the_same_figures() {
    assert_same(&common::root().join("jauge.toml"), 10_000);
}

#[test]
fn an_unwritable_spill_folder_is_a_clear_error() {
    let config = common::tiny_config();
    let bytes = std::fs::read(&config).unwrap();
    let mut settings = Settings::from_bytes(&config, &bytes).unwrap();
    settings.memory_events = 1;
    settings.spill_dir = common::scratch("spill-missing").join("absent");
    let error = ingest::load(&settings).err().expect("the spill cannot start");
    let text = format!("{error}");
    assert!(text.contains("absent: cannot spill usage events to disk"), "{text}");
    assert!(error.hint().is_some_and(|h| h.contains("TMPDIR")));
}
