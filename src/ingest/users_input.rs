//! Reading the users input on every core (`pieces`): each row's user id and
//! segment values are read on the piece's thread; then, in reading order,
//! the ids are coded, an id's second row is rejected and the values are
//! named, so that codes, names and rejects are those of one row at a time.
//!
//! Not responsible for resolving each user's value once every input is read
//! (`mod.rs`).

use rustc_hash::FxHashMap;

use super::cells;
use super::parse::UserKey;
use super::pieces::{self, Piece};
use super::read::{Chunk, Field};
use super::reject::Failure;
use super::validate::{FileRead, duplicate_key};
use super::{MISSING, Staging};
use crate::error::Result;

/// A row whose cells are all valid, before its id is known to be its first.
struct Checked {
    /// Its index in the chunk.
    row: usize,
    /// Per segment, its value in the piece's own dictionary.
    values: Vec<u32>,
}

pub fn read_users(f: &mut FileRead<'_>, segments: &[String], t: &mut Staging) -> Result<()> {
    let mut required = vec!["user_id"];
    required.extend(segments.iter().map(String::as_str));
    f.each_chunk(&required, &[], |f, chunk| {
        let [user] = f.fields(chunk, ["user_id"]);
        let values: Vec<Field<'_>> = segments.iter().map(|s| chunk.field(f.spec.source_column(s))).collect();
        let mut pieces = pieces::check(chunk, |piece: &mut Piece<Checked>, i| {
            let key = f.rules.user_key(user.get(i), "user_id")?;
            let mut names = Vec::with_capacity(values.len());
            for (field, name) in values.iter().zip(segments) {
                let text = cells::text(field.get(i), name)?;
                names.push(piece.names.intern(text.as_deref().unwrap_or(MISSING)));
            }
            piece.accept(Checked { row: i, values: names }, key);
            Ok(())
        });
        let codes = pieces::code_users(&mut t.users, &mut pieces);
        let key_of = |i| f.rules.user_key(user.get(i), "user_id");
        let mut codes = &codes[..];
        for piece in &mut pieces {
            let (own, rest) = codes.split_at(piece.rows.len());
            admit(t, piece, own, chunk, &key_of);
            codes = rest;
        }
        pieces::settle(f, chunk, &mut pieces, &mut FxHashMap::default());
        Ok(())
    })
}

/// In reading order, keeps each row of the piece whose id has no row yet
/// and rejects the others as `duplicate_key`: the rows that failed too,
/// since an id's second row is rejected as such before its cells are read.
fn admit(
    t: &mut Staging,
    piece: &mut Piece<Checked>,
    codes: &[u32],
    chunk: &Chunk,
    key_of: &impl Fn(usize) -> std::result::Result<UserKey, Failure>,
) {
    let mut failures = std::mem::take(piece.failures_mut()).into_iter().peekable();
    let mut settled = Vec::with_capacity(failures.len());
    // Per segment, the global code of each value of the piece's dictionary,
    // given when first met so that values are named in reading order.
    let mut named: Vec<Vec<Option<u32>>> = vec![vec![None; piece.names.values.len()]; t.segments.len()];
    for (row, &code) in std::mem::take(&mut piece.rows).into_iter().zip(codes) {
        while let Some(failure) = failures.next_if(|(i, _)| *i < row.row) {
            settled.push(second_row_or(t, failure, chunk, key_of));
        }
        if has_row(&t.user_rows, code) {
            let failure = key_of(row.row).map_or_else(|f| f, |key| duplicate_key("user_id", &key.to_string()));
            settled.push((row.row, failure));
            continue;
        }
        mark_row(&mut t.user_rows, code);
        for (s, &value) in row.values.iter().enumerate() {
            let segment = &mut t.segments[s];
            let global = *named[s][value as usize]
                .get_or_insert_with(|| segment.values.intern(&piece.names.values[value as usize]));
            segment.by_user.push((code, global));
        }
    }
    settled.extend(failures.map(|failure| second_row_or(t, failure, chunk, key_of)));
    *piece.failures_mut() = settled;
}

/// A failed row whose id already has a row is that id's second row.
fn second_row_or(
    t: &Staging,
    (i, failure): (usize, Failure),
    chunk: &Chunk,
    key_of: &impl Fn(usize) -> std::result::Result<UserKey, Failure>,
) -> (usize, Failure) {
    if chunk.failure(i).is_none()
        && let Ok(key) = key_of(i)
        && t.users.get(&key).is_some_and(|code| has_row(&t.user_rows, code))
    {
        return (i, duplicate_key("user_id", &key.to_string()));
    }
    (i, failure)
}

fn has_row(rows: &[bool], code: u32) -> bool {
    rows.get(code as usize).copied().unwrap_or(false)
}

fn mark_row(rows: &mut Vec<bool>, code: u32) {
    let code = code as usize;
    if rows.len() <= code {
        rows.resize(code + 1, false);
    }
    rows[code] = true;
}
