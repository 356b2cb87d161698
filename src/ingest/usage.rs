//! Reading the usage input, the largest by far, on every core: each chunk
//! is cut into as many pieces as there are threads, each piece's rows are
//! checked on its own thread (event names in a dictionary of its own), the
//! chunk's user ids are coded in one batch (`users`), and the pieces are
//! then joined in reading order: the codes, the reading-order numbers, the
//! rejects and their order are those of one row at a time.
//!
//! Not responsible for duplicates or the cut-off, settled once every file is
//! read (`mod.rs`).

use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::cells;
use super::parse::UserKey;
use super::read::{Chunk, Field, Views};
use super::reject::{Failure, Reason};
use super::store;
use super::users::Batch;
use super::validate::{FileRead, Interner, check_row, project_code};
use super::{EventRow, Staging};
use crate::error::{Error, Result};

/// An accepted row before its user and event get their codes.
struct Checked {
    at: i64,
    /// The integer id, or a placeholder for a text id (see `Piece::texts`).
    user: u64,
    project: u32,
    /// In the piece's own dictionary.
    event: u32,
}

/// What checking a piece of a chunk found, in reading order.
#[derive(Default)]
struct Piece {
    rows: Vec<Checked>,
    /// Text user ids, by index in `rows`.
    texts: Vec<(usize, String)>,
    /// Rejected rows, by index in the chunk.
    failures: Vec<(usize, Failure)>,
    events: Interner,
    latest: Option<i64>,
}

impl Piece {
    fn accept(&mut self, project: u32, user: UserKey, at: i64, event: u32) {
        let user = match user {
            UserKey::Int(v) => v,
            UserKey::Text(t) => {
                self.texts.push((self.rows.len(), t));
                0
            }
        };
        self.rows.push(Checked { at, user, project, event });
        self.latest = self.latest.max(Some(at));
    }
}

pub fn read_usage(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    let names = ["project_id", "user_id", "occurred_at", "event"];
    f.each_chunk(&names, &[], |f, chunk| {
        if !t.events.has_room(chunk.height()) {
            return Err(too_many_events(&f.file.path));
        }
        let fields = f.fields(chunk, names);
        let pieces: Vec<Piece> = pieces(chunk.height())
            .into_par_iter()
            .map(|rows| check_piece(f, &t.catalog_index, chunk, &fields, rows))
            .collect();
        join(f, t, chunk, pieces);
        t.events.check()
    })
}

/// As many consecutive ranges of rows as there are threads.
fn pieces(height: usize) -> Vec<Range<usize>> {
    let n = rayon::current_num_threads().clamp(1, height.max(1));
    (0..n).map(|k| k * height / n..(k + 1) * height / n).collect()
}

fn check_piece(
    f: &FileRead<'_>,
    catalog: &FxHashMap<String, u32>,
    chunk: &Chunk,
    fields: &[Field<'_>; 4],
    rows: Range<usize>,
) -> Piece {
    let [project, user, at, event] = fields;
    let mut piece = Piece::default();
    // Products and events are a few dozen values over a million rows: in
    // parquet, each distinct cell (view) is read once.
    let (project_views, event_views) = (project.views(), event.views());
    let mut projects = FxHashMap::default();
    let mut events = FxHashMap::default();
    for i in rows {
        let result = check_row(chunk, i, || {
            let project = by_view(&project_views, &mut projects, i, || project_code(catalog, project.get(i)))?;
            let user = f.rules.user_key(user.get(i), "user_id")?;
            let at = f.rules.instant(at.get(i), "occurred_at")?;
            let event = by_view(&event_views, &mut events, i, || {
                cells::required_text(event.get(i), "event").map(|e| piece.events.intern(&e))
            })?;
            piece.accept(project, user, at, event);
            Ok(())
        });
        if let Err(failure) = result {
            piece.failures.push((i, failure));
        }
    }
    piece
}

/// What `read` gives for row `i`, kept by the row's view when there is one.
fn by_view<T: Clone>(
    views: &Option<Views<'_>>,
    memo: &mut FxHashMap<u128, T>,
    i: usize,
    read: impl FnOnce() -> T,
) -> T {
    match views.as_ref().and_then(|v| v.key(i)) {
        Some(key) => memo.entry(key).or_insert_with(read).clone(),
        None => read(),
    }
}

/// The pieces of a chunk, in order, into the staging tables and the file's
/// ledger.
fn join(f: &mut FileRead<'_>, t: &mut Staging, chunk: &Chunk, mut pieces: Vec<Piece>) {
    let mut batch = Batch::default();
    for piece in &mut pieces {
        let base = batch.ints.len();
        batch.ints.extend(piece.rows.iter().map(|r| r.user));
        batch.texts.extend(piece.texts.drain(..).map(|(i, text)| (base + i, text)));
    }
    let users = t.users.code_batch(batch);
    let mut jobs = Vec::with_capacity(pieces.len());
    let (mut users, mut seq) = (&users[..], t.events.pushed());
    for piece in &mut pieces {
        let events: Vec<u64> = piece.events.values.iter().map(|e| u64::from(t.event_names.intern(e))).collect();
        let (own, rest) = users.split_at(piece.rows.len());
        jobs.push((std::mem::take(&mut piece.rows), own, events, seq));
        (users, seq) = (rest, seq + own.len() as u64);
    }
    let parts: Vec<Vec<Vec<EventRow>>> =
        jobs.into_par_iter().map(|(rows, users, events, seq)| partition(rows, users, &events, seq)).collect();
    parts.into_iter().for_each(|p| t.events.append(p));
    f.ledger.counts.rows_read += chunk.height() as u64;
    for piece in pieces {
        t.latest_usage = t.latest_usage.max(piece.latest);
        for (i, mut failure) in piece.failures {
            if failure.reason == Reason::UnknownProject {
                *t.unknown_projects.entry(failure.raw.clone()).or_default() += 1;
            }
            // Failures name the column as the source file does.
            failure.column = f.spec.source_column(&failure.column).to_owned();
            f.ledger.reject(chunk, i, failure);
        }
    }
}

/// A piece's rows packed, with their codes and reading-order numbers from
/// `seq` on, split by partition of the event store. Each partition is given
/// its exact size: a chunk's rows are a large share of the memory of a run.
fn partition(rows: Vec<Checked>, users: &[u32], events: &[u64], mut seq: u64) -> Vec<Vec<EventRow>> {
    let mut sizes = vec![0usize; store::PARTS];
    users.iter().for_each(|u| sizes[store::part_of_user(*u)] += 1);
    let mut parts: Vec<Vec<EventRow>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (row, user) in rows.into_iter().zip(users) {
        let event = EventRow {
            key: (u64::from(row.project) << 32) | u64::from(*user),
            at: row.at,
            tail: (events[row.event as usize] << 32) | seq,
        };
        parts[store::part_of(&event)].push(event);
        seq += 1;
    }
    parts
}

/// The reading order of an event is kept in 32 bits of its packed row.
fn too_many_events(path: &std::path::Path) -> Error {
    Error::Input {
        file: path.display().to_string(),
        column: None,
        row: None,
        message: format!(
            "with this file the usage inputs pass {} events, the most one run can read",
            store::MAX_EVENTS
        ),
        hint: Some("run jauge on fewer usage files at a time, for example one run per year of exports".to_owned()),
    }
}
