//! Reading the usage input, the largest by far, on every core (`pieces`):
//! products and events are read once per distinct parquet cell, each chunk's
//! rows are packed and split by partition of the event store on every core,
//! with the reading-order numbers one row at a time would give. A chunk is
//! stored while the next one is checked ([`Pending`]).
//!
//! Not responsible for duplicates or the cut-off, settled once every file is
//! read (`mod.rs`).

use rayon::prelude::*;

use super::cells;
use super::pieces::{self, Piece, by_view};
use super::read;
use super::store;
use super::store::EventStore;
use super::users::UserCodes;
use super::validate::{FileRead, Interner, project_code};
use super::{EventRow, Staging};
use crate::error::{Error, Result};

/// An accepted row before its user and event get their codes.
pub struct Checked {
    at: i64,
    project: u32,
    /// In the piece's own dictionary.
    event: u32,
}

pub fn read_usage(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    let names = ["project_id", "user_id", "occurred_at", "event"];
    let Staging { catalog_index, users, event_names, events, latest_usage, unknown_projects, usage_pending, .. } = t;
    let mut store = Store { users, names: event_names, events, latest: latest_usage };
    let pending = usage_pending;
    f.each_chunk(&names, &[], |f, chunk| {
        if !store.events.has_room(waiting(pending) + chunk.height()) {
            return Err(too_many_events(&f.file.path));
        }
        let [project, user, at, event] = f.fields(chunk, names);
        // Products and events are a few dozen values over a million rows: in
        // parquet, each distinct cell (view) is read once.
        let (project_views, event_views) = (project.views(), event.views());
        let check = || {
            pieces::check(chunk, |piece: &mut Piece<Checked>, i| {
                let [projects, events] = &mut piece.memos;
                let project = by_view(&project_views, projects, i, || project_code(catalog_index, project.get(i)))?;
                let user = f.rules.user_key(user.get(i), "user_id")?;
                let at = f.rules.instant(at.get(i), "occurred_at")?;
                let names = &mut piece.names;
                let event = by_view(&event_views, events, i, || {
                    cells::required_text(event.get(i), "event").map(|e| names.intern(&e))
                })?;
                piece.accept(Checked { at, project, event }, user);
                Ok(())
            })
        };
        let (mut pieces, stored) = rayon::join(check, || store.put(pending.take()));
        stored?;
        pieces::settle(f, chunk, &mut pieces, unknown_projects);
        *pending = Some(Pending(pieces));
        Ok(())
    })
}

/// The rows of the last chunk read, checked but not yet in the store: they
/// are coded and stored while the next chunk is checked (of this file or
/// the next), so that the store's work, mostly on one thread, runs beside
/// the checks rather than after them.
pub struct Pending(Vec<Piece<Checked>>);

fn waiting(pending: &Option<Pending>) -> usize {
    pending.as_ref().map_or(0, |p| p.0.iter().map(|p| p.rows.len()).sum())
}

/// How many usage events were accepted so far: the next one's reading order.
pub fn events_read(t: &Staging) -> u64 {
    t.events.pushed() + waiting(&t.usage_pending) as u64
}

/// Stores the last chunk's rows: once the usage files are read, before an
/// input of another kind codes its user ids.
pub fn flush(t: &mut Staging) -> Result<()> {
    let mut store =
        Store { users: &mut t.users, names: &mut t.event_names, events: &mut t.events, latest: &mut t.latest_usage };
    store.put(t.usage_pending.take())
}

/// Where checked rows go: the user and event dictionaries and the store.
struct Store<'a> {
    users: &'a mut UserCodes,
    names: &'a mut Interner,
    events: &'a mut EventStore,
    latest: &'a mut Option<i64>,
}

impl Store<'_> {
    /// The pieces' rows, in order, into the event store.
    fn put(&mut self, pending: Option<Pending>) -> Result<()> {
        let Some(Pending(mut pieces)) = pending else { return Ok(()) };
        let users = pieces::code_users(self.users, &mut pieces);
        let events = pieces::code_names(self.names, &pieces);
        let mut jobs = Vec::with_capacity(pieces.len());
        let (mut users, mut seq) = (&users[..], self.events.pushed());
        for (piece, events) in pieces.iter_mut().zip(events) {
            let (own, rest) = users.split_at(piece.rows.len());
            jobs.push((std::mem::take(&mut piece.rows), own, events, seq));
            (users, seq) = (rest, seq + own.len() as u64);
        }
        let parts: Vec<(Vec<Vec<EventRow>>, Option<i64>)> =
            jobs.into_par_iter().map(|(rows, users, events, seq)| partition(rows, users, &events, seq)).collect();
        for (parts, latest) in parts {
            self.events.append(parts);
            *self.latest = (*self.latest).max(latest);
        }
        self.events.check()
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
