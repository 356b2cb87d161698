//! The Revisions section (SPEC sections 7.5 and 8): how many figures of
//! earlier months changed since the run compared with, table by table; the
//! twenty largest relative revisions of segment `all`; and the input files
//! added, removed or changed between the two runs.
//!
//! Reads `revisions.parquet`'s rows, which hold only figures both runs
//! published; never shows a hidden value.

use std::collections::BTreeMap;

use super::context::Ctx;
use super::doc::{Block, Cell, Row, Section, Table};
use super::i18n;
use crate::format;
use crate::revisions::{Change, NO_LONGER_SUPPRESSED, NOW_SUPPRESSED, REVISED, WITHDRAWN};
use crate::tables::{ALL, RevisionRow};

/// How many revisions the section lists.
const LARGEST: usize = 20;

pub fn section(ctx: &Ctx, number: usize) -> Section {
    let w = i18n::revision_labels(ctx.lang);
    let blocks = match &ctx.input.previous {
        None => vec![Block::Para(w.none.into())],
        Some(previous) => {
            let month = format::month(ctx.lang, previous.month);
            let date = format::date(ctx.lang, previous.as_of);
            let mut blocks = vec![Block::Para(i18n::fill(w.compared, &[("month", &month), ("date", &date)]))];
            if !previous.not_compared.is_empty() {
                let files: Vec<&str> = previous.not_compared.iter().map(|f| f.trim_end_matches(".parquet")).collect();
                blocks.push(Block::Para(i18n::fill(w.not_compared, &[("tables", &files.join(", "))])));
            }
            blocks.push(Block::Heading(w.counts.into()));
            blocks.push(Block::Table(counts_table(ctx)));
            blocks.push(Block::Heading(w.largest.into()));
            blocks.push(largest_block(ctx));
            blocks.push(Block::Heading(w.inputs.into()));
            blocks.push(inputs_block(ctx, previous));
            blocks
        }
    };
    // Short when nothing changed: it follows the product pages on their page.
    Section::part("revisions", format!("{number}. {}", w.title), false, blocks)
}

fn counts_table(ctx: &Ctx) -> Table {
    let w = i18n::revision_labels(ctx.lang);
    let statuses = [REVISED, NOW_SUPPRESSED, NO_LONGER_SUPPRESSED, WITHDRAWN];
    let mut counts: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
    for r in ctx.input.revisions {
        if let Some(i) = statuses.iter().position(|s| *s == r.status) {
            counts.entry(&r.table).or_default()[i] += 1;
        }
    }
    let head = [w.table, w.revised, w.now_suppressed, w.no_longer_suppressed, w.withdrawn].map(String::from).to_vec();
    let rows = counts
        .into_iter()
        .map(|(table, n)| {
            let mut cells = vec![Cell::text(table)];
            cells.extend(n.map(|v| Cell::number(format::count(ctx.lang, v))));
            Row::new(cells)
        })
        .collect();
    Table { head, rows }
}

/// Interval bounds, standard errors and p-values: revised with their
/// figure, and near zero, where a relative change says nothing.
const NOT_RANKED: [&str; 4] = ["ci_low", "ci_high", "se", "p_value"];

/// Revised figures of segment `all` (tables without segments count as
/// `all`), largest `|revision| / |previous|` first; the columns of
/// [`NOT_RANKED`] are counted above but not ranked.
fn largest_block(ctx: &Ctx) -> Block {
    let w = i18n::revision_labels(ctx.lang);
    let mut revised: Vec<(&RevisionRow, f64)> = ctx
        .input
        .revisions
        .iter()
        .filter(|r| r.status == REVISED && segment_all(&r.key) && !NOT_RANKED.contains(&r.column.as_str()))
        .filter_map(|r| Some((r, relative(r)?)))
        .collect();
    if revised.is_empty() {
        return Block::Para(w.largest_none.into());
    }
    revised.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let head = [ctx.t.product, w.table, w.figure, w.previous, w.current, w.change].map(String::from).to_vec();
    let number = |v: Option<f64>| Cell::number(v.map_or_else(|| "—".into(), |v| figure(ctx, v)));
    let rows = revised
        .iter()
        .take(LARGEST)
        .map(|(r, rel)| {
            Row::new(vec![
                Cell::text(ctx.name(&r.project_id)),
                Cell::text(&r.table),
                Cell::text(format!("{} · {}", r.key, r.column)),
                number(r.previous),
                number(r.current),
                Cell::number(format::percent_signed(ctx.lang, *rel)),
            ])
        })
        .collect();
    Block::Table(Table { head, rows })
}

/// Counts without decimals, shares and p-values with three, other
/// figures with one.
fn figure(ctx: &Ctx, v: f64) -> String {
    let decimals = if v.fract() == 0.0 {
        0
    } else if v.abs() < 1.0 {
        3
    } else {
        1
    };
    format::number(ctx.lang, v, decimals)
}

fn segment_all(key: &str) -> bool {
    key.split(';').all(|part| part.strip_prefix("segment=").is_none_or(|s| s == ALL))
}

fn relative(r: &RevisionRow) -> Option<f64> {
    let (previous, revision) = (r.previous?, r.revision?);
    (previous != 0.0).then(|| revision / previous.abs())
}

fn inputs_block(ctx: &Ctx, previous: &crate::revisions::PreviousRun) -> Block {
    let w = i18n::revision_labels(ctx.lang);
    if previous.inputs.is_empty() {
        return Block::Para(w.inputs_none.into());
    }
    let rows = previous
        .inputs
        .iter()
        .map(|c| {
            let change = match c.change {
                Change::Added => w.added,
                Change::Removed => w.removed,
                Change::Changed => w.changed,
            };
            Row::new(vec![Cell::text(&c.input), Cell::text(&c.file), Cell::text(change)])
        })
        .collect();
    Block::Table(Table { head: vec![ctx.t.input.into(), ctx.t.file.into(), String::new()], rows })
}
