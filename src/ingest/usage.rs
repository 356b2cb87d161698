//! Reading the usage input, the largest by far, on every core (`pieces`):
//! products and events are read once per distinct parquet cell, each chunk's
//! rows are packed and split by partition of the event store on every core,
//! with the reading-order numbers one row at a time would give.
//!
//! Not responsible for duplicates or the cut-off, settled once every file is
//! read (`mod.rs`).

use rayon::prelude::*;

use super::cells;
use super::pieces::{self, Piece, by_view};
use super::read;
use super::store;
use super::validate::{FileRead, project_code};
use super::{EventRow, Staging};
use crate::error::{Error, Result};

/// An accepted row before its user and event get their codes.
struct Checked {
    at: i64,
    project: u32,
    /// In the piece's own dictionary.
    event: u32,
}

pub fn read_usage(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    let names = ["project_id", "user_id", "occurred_at", "event"];
    f.each_chunk(&names, &[], |f, chunk| {
        if !t.events.has_room(chunk.height()) {
            return Err(too_many_events(&f.file.path));
        }
        let [project, user, at, event] = f.fields(chunk, names);
        // Products and events are a few dozen values over a million rows: in
        // parquet, each distinct cell (view) is read once.
        let (project_views, event_views) = (project.views(), event.views());
        let catalog = &t.catalog_index;
        let mut pieces = pieces::check(chunk, |piece: &mut Piece<Checked>, i| {
            let [projects, events] = &mut piece.memos;
            let project = by_view(&project_views, projects, i, || project_code(catalog, project.get(i)))?;
            let user = f.rules.user_key(user.get(i), "user_id")?;
            let at = f.rules.instant(at.get(i), "occurred_at")?;
            let names = &mut piece.names;
            let event = by_view(&event_views, events, i, || {
                cells::required_text(event.get(i), "event").map(|e| names.intern(&e))
            })?;
            piece.accept(Checked { at, project, event }, user);
            Ok(())
        });
        join(t, &mut pieces);
        pieces::settle(f, chunk, &mut pieces, &mut t.unknown_projects);
        t.events.check()
    })
}

/// The pieces' rows, in order, into the event store.
fn join(t: &mut Staging, pieces: &mut [Piece<Checked>]) {
    let users = pieces::code_users(&mut t.users, pieces);
    let events = pieces::code_names(&mut t.event_names, pieces);
    let mut jobs = Vec::with_capacity(pieces.len());
    let (mut users, mut seq) = (&users[..], t.events.pushed());
    for (piece, events) in pieces.iter_mut().zip(events) {
        let (own, rest) = users.split_at(piece.rows.len());
        jobs.push((std::mem::take(&mut piece.rows), own, events, seq));
        (users, seq) = (rest, seq + own.len() as u64);
    }
    let parts: Vec<(Vec<Vec<EventRow>>, Option<i64>)> =
        jobs.into_par_iter().map(|(rows, users, events, seq)| partition(rows, users, &events, seq)).collect();
    for (parts, latest) in parts {
        t.events.append(parts);
        t.latest_usage = t.latest_usage.max(latest);
    }
}

/// A piece's rows packed, with their codes and reading-order numbers from
/// `seq` on, split by partition of the event store, and their latest
/// instant. Each partition is given its exact size: a chunk's rows are a
/// large share of the memory of a run.
fn partition(rows: Vec<Checked>, users: &[u32], events: &[u32], mut seq: u64) -> (Vec<Vec<EventRow>>, Option<i64>) {
    let mut sizes = vec![0usize; store::PARTS];
    users.iter().for_each(|u| sizes[store::part_of_user(*u)] += 1);
    let mut parts: Vec<Vec<EventRow>> = sizes.into_iter().map(Vec::with_capacity).collect();
    let mut latest = None;
    for (row, user) in rows.into_iter().zip(users) {
        let event = EventRow {
            key: (u64::from(row.project) << 32) | u64::from(*user),
            at: row.at,
            tail: (u64::from(events[row.event as usize]) << 32) | seq,
        };
        parts[store::part_of(&event)].push(event);
        latest = latest.max(Some(row.at));
        seq += 1;
    }
    (parts, latest)
}

/// The reading order of an event is kept in 32 bits of its packed row.
fn too_many_events(path: &std::path::Path) -> Error {
    read::input_error(
        path,
        format!("with this file the usage inputs pass {} events, the most one run can read", store::MAX_EVENTS),
        Some("run jauge on fewer usage files at a time, for example one run per year of exports".to_owned()),
    )
}
