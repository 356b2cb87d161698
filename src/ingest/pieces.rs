//! Checking the rows of a chunk on every core: the chunk is cut into as many
//! consecutive pieces as there are threads, each piece's rows are checked on
//! its own thread (names in a dictionary of its own, user ids kept as read),
//! and the pieces are then joined in reading order: the user ids are coded
//! in one batch (`users`), the names in the order they were first met, and
//! the rejects go to the file's ledger in row order, so that everything is
//! as when one row is read at a time.
//!
//! Not responsible for what a row must hold: the readers of `usage`,
//! `outcomes`, `users` and `assignments` say, with the closure they give
//! [`check`].

use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::parse::UserKey;
use super::read::{Chunk, Views};
use super::reject::{Failure, Reason};
use super::users::{Batch, UserCodes};
use super::validate::{FileRead, Interner, check_row};

/// What checking a piece of a chunk found, in reading order.
pub struct Piece<R> {
    /// The accepted rows.
    pub rows: Vec<R>,
    /// Per accepted row its integer user id, or a placeholder where the id
    /// is a text (`texts`).
    users: Vec<u64>,
    /// Text user ids, by index in `rows`.
    texts: Vec<(usize, String)>,
    /// Rejected rows, by index in the chunk.
    failures: Vec<(usize, Failure)>,
    /// The piece's own dictionary of names (events, outcomes).
    pub names: Interner,
    /// Readings of text cells by view (see [`by_view`]), one per column.
    pub memos: [FxHashMap<u128, Result<u32, Failure>>; 2],
}

impl<R> Default for Piece<R> {
    fn default() -> Piece<R> {
        Piece {
            rows: Vec::new(),
            users: Vec::new(),
            texts: Vec::new(),
            failures: Vec::new(),
            names: Interner::default(),
            memos: Default::default(),
        }
    }
}

impl<R> Piece<R> {
    pub fn accept(&mut self, row: R, user: UserKey) {
        match user {
            UserKey::Int(v) => self.users.push(v),
            UserKey::Text(t) => {
                self.texts.push((self.rows.len(), t));
                self.users.push(0);
            }
        }
        self.rows.push(row);
    }

    /// The rows rejected so far, by index in the chunk, ascending.
    pub fn failures_mut(&mut self) -> &mut Vec<(usize, Failure)> {
        &mut self.failures
    }
}

/// Runs `check` on every row of the chunk, on every core; a row it fails
/// (or that cannot be read as a record) is rejected.
pub fn check<R: Send>(
    chunk: &Chunk,
    check: impl Fn(&mut Piece<R>, usize) -> Result<(), Failure> + Sync,
) -> Vec<Piece<R>> {
    ranges(chunk.height())
        .into_par_iter()
        .map(|rows| {
            let mut piece = Piece::default();
            for i in rows {
                if let Err(failure) = check_row(chunk, i, || check(&mut piece, i)) {
                    piece.failures.push((i, failure));
                }
            }
            piece
        })
        .collect()
}

/// As many consecutive ranges of rows as there are threads.
fn ranges(height: usize) -> Vec<Range<usize>> {
    let n = rayon::current_num_threads().clamp(1, height.max(1));
    (0..n).map(|k| k * height / n..(k + 1) * height / n).collect()
}

/// What `read` gives for row `i`, kept by the row's view when there is one:
/// two cells with the same view hold the same text.
pub fn by_view<T: Clone>(
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

/// The codes of the pieces' user ids, accepted row after accepted row.
pub fn code_users<R>(users: &mut UserCodes, pieces: &mut [Piece<R>]) -> Vec<u32> {
    let mut batch = Batch::default();
    for piece in pieces {
        let base = batch.ints.len();
        batch.ints.append(&mut piece.users);
        batch.texts.extend(piece.texts.drain(..).map(|(i, text)| (base + i, text)));
    }
    users.code_batch(batch)
}

/// Per piece, the global code of each name of its dictionary: the names
/// are met in reading order, piece after piece.
pub fn code_names<R>(names: &mut Interner, pieces: &[Piece<R>]) -> Vec<Vec<u32>> {
    pieces.iter().map(|p| p.names.values.iter().map(|n| names.intern(n)).collect()).collect()
}

/// Counts every row of the chunk as read and its rejects, in row order,
/// in the file's ledger; `unknown` counts the rows of each unknown product.
pub fn settle<R>(f: &mut FileRead<'_>, chunk: &Chunk, pieces: &mut [Piece<R>], unknown: &mut FxHashMap<String, u64>) {
    f.ledger.counts.rows_read += chunk.height() as u64;
    for piece in pieces {
        for (i, mut failure) in piece.failures.drain(..) {
            if failure.reason == Reason::UnknownProject {
                *unknown.entry(failure.raw.clone()).or_default() += 1;
            }
            // Failures name the column as the source file does.
            failure.column = f.spec.source_column(&failure.column).to_owned();
            f.ledger.reject(chunk, i, failure);
        }
    }
}
