//! The clean exports as [`RawTable`]s: one month of usage, and the
//! outcome export.
//!
//! Responsible for: column names, types and order of these two files
//! (SPEC section 3), and counting what a validator will find in them.
//!
//! Not responsible for: the deliberately messy files (`messy`).

use super::population::{FIRST_USER_ID, OUTCOMES, Population};
use super::truth::{Class, FileCounts};
use super::usage::Event;
use super::world::World;
use crate::raw::{Column, RawTable};

/// One month's usage part: `project_id` (dictionary of every product id),
/// `user_id` (integer), `occurred_at` (UTC µs), `event` (dictionary).
/// `events` must be sorted, so that the tracker's double fires (exact
/// duplicates) sit next to each other and are counted.
pub fn usage_month(world: &World, events: &[Event], file: &str) -> (RawTable, FileCounts) {
    let mut counts = FileCounts::new("usage", file);
    let duplicates = events.windows(2).filter(|w| w[0] == w[1]).count() as u64;
    counts.add_n(Class::Accepted, events.len() as u64 - duplicates);
    counts.add_n(Class::Duplicate, duplicates);
    let table = RawTable::new(vec![
        (
            "project_id".into(),
            Column::Dict {
                values: world.products.iter().map(|p| p.id.clone()).collect(),
                codes: events.iter().map(|e| Some(u32::from(e.product))).collect(),
            },
        ),
        ("user_id".into(), Column::Int(events.iter().map(|e| Some(user_id(e.user))).collect())),
        ("occurred_at".into(), Column::TimestampUtc(events.iter().map(|e| Some(e.us)).collect())),
        (
            "event".into(),
            Column::Dict {
                values: world.vocabulary.names.clone(),
                codes: events.iter().map(|e| Some(u32::from(e.event))).collect(),
            },
        ),
    ]);
    (table, counts)
}

/// The outcome export: `user_id` as text (the information system writes
/// it so), `outcome`, `occurred_on` (date), `value` (wage of an
/// employment, number of hires that day; null otherwise). Rows dated after
/// the cut-off (the export runs two days into the next month) are counted
/// as such.
pub fn outcomes(world: &World, pop: &Population, file: &str) -> (RawTable, FileCounts) {
    let mut counts = FileCounts::new("outcomes", file);
    for o in &pop.outcomes {
        counts.add(if o.day > world.as_of { Class::AfterCutoff } else { Class::Accepted });
    }
    let rows = &pop.outcomes;
    let table = RawTable::new(vec![
        ("user_id".into(), Column::Text(rows.iter().map(|o| Some(user_id(o.user).to_string())).collect())),
        (
            "outcome".into(),
            Column::Dict {
                values: OUTCOMES.iter().map(|s| (*s).to_owned()).collect(),
                codes: rows.iter().map(|o| Some(u32::from(o.kind))).collect(),
            },
        ),
        ("occurred_on".into(), Column::Date(rows.iter().map(|o| Some(o.day)).collect())),
        ("value".into(), Column::Float(rows.iter().map(|o| (!o.value.is_nan()).then_some(o.value)).collect())),
    ]);
    (table, counts)
}

/// The integer id of user index `user`.
pub fn user_id(user: u32) -> i64 {
    FIRST_USER_ID + i64::from(user)
}
