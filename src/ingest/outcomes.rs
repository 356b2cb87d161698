//! Reading the outcomes input on every core (`pieces`): each row's user id,
//! outcome, day and value are checked on the piece's thread, then the rows
//! are kept in reading order with the codes one row at a time would give.
//!
//! Not responsible for duplicates or the cut-off, settled once every file is
//! read (`mod.rs`).

use super::cells;
use super::pieces::{self, Piece};
use super::validate::FileRead;
use super::{OutcomeRow, Staging};
use crate::error::Result;

/// An accepted row before its user and outcome get their codes.
struct Checked {
    /// In the piece's own dictionary.
    outcome: u32,
    day: i32,
    value: Option<f64>,
}

pub fn read_outcomes(f: &mut FileRead<'_>, t: &mut Staging) -> Result<()> {
    f.each_chunk(&["user_id", "outcome", "occurred_on"], &["value"], |f, chunk| {
        let [user, outcome, day, value] = f.fields(chunk, ["user_id", "outcome", "occurred_on", "value"]);
        let mut pieces = pieces::check(chunk, |piece: &mut Piece<Checked>, i| {
            let user = f.rules.user_key(user.get(i), "user_id")?;
            let outcome = cells::required_text(outcome.get(i), "outcome")?;
            let day = f.rules.required_date(day.get(i), "occurred_on")?;
            let value = f.rules.number(value.get(i), "value")?;
            // Named once every cell is valid, so that the names keep the
            // order of the accepted rows.
            let outcome = piece.names.intern(&outcome);
            piece.accept(Checked { outcome, day, value }, user);
            Ok(())
        });
        let users = pieces::code_users(&mut t.users, &mut pieces);
        let names = pieces::code_names(&mut t.outcome_names, &pieces);
        let mut users = users.into_iter();
        for (piece, names) in pieces.iter().zip(names) {
            for (row, user) in piece.rows.iter().zip(&mut users) {
                let seq = t.outcomes.len() as u32;
                let outcome = names[row.outcome as usize];
                t.outcomes.push(OutcomeRow { user, outcome, day: row.day, seq, value: row.value });
            }
        }
        pieces::settle(f, chunk, &mut pieces, &mut t.unknown_projects);
        Ok(())
    })
}
