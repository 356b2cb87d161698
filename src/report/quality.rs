//! Part 6 of the report, data quality: the reconciliation of every input
//! file (read = accepted + rejected + duplicate + after cut-off), the top
//! rejection reasons, the share of each input's user ids found in `users`
//! and `outcomes` (shares only, as disclosure control left them), and the
//! months that look like a tracking outage.
//!
//! Responsible for these tables. Never shows a rejected row itself: those
//! hold personal data and stay in the restricted output.

use std::collections::BTreeMap;

use super::context::Ctx;
use super::doc::{Block, Cell, Row, RowKind, Section, Table};
use super::i18n;
use crate::format;
use crate::ingest::warning::Warning;
use crate::registry::Kpi;
use crate::tables::{Reconciliation, Share};

/// How many rejection reasons the report lists.
const TOP_REASONS: usize = 10;

pub fn section(ctx: &Ctx, number: usize) -> Section {
    let t = ctx.t;
    let mut blocks = vec![Block::Heading(t.reconciliation.into()), Block::Para(t.reconciliation_intro.into())];
    let arm_hidden = an_arm_is_hidden(ctx);
    blocks.push(Block::Table(reconciliation_table(ctx, arm_hidden)));
    if arm_hidden {
        let k = format::count(ctx.lang, ctx.input.min_cell);
        blocks.push(Block::Note(i18n::fill(t.reconciliation_masked, &[("k", &k)])));
    }
    blocks.push(Block::Heading(t.reject_reasons.into()));
    blocks.push(Block::Note(t.reject_intro.into()));
    blocks.push(reasons_block(ctx));
    if !ctx.input.id_coverage.is_empty() {
        blocks.push(Block::Heading(t.id_coverage.into()));
        blocks.push(Block::Table(coverage_table(ctx)));
    }
    blocks.extend(rollout_blocks(ctx));
    blocks.push(Block::Heading(t.outages.into()));
    blocks.push(Block::Para(t.outages_intro.into()));
    blocks.push(outages_block(ctx));
    // Reference matter: it follows the revisions without a page of its own.
    Section::part("quality", format!("{number}. {}", t.quality), false, blocks)
}

/// Whether a trial's arm is left unpublished (fewer than `k` people, or
/// hidden): the accepted assignment rows are the sum of every trial's arms,
/// so with the other arms published they would give it back (SPEC 6).
fn an_arm_is_hidden(ctx: &Ctx) -> bool {
    let published = |project: &str, arm: &str| {
        let rows = ctx.survival_summary.get(project).into_iter().flatten();
        rows.filter(|s| s.arm == arm).any(|s| s.n.is_some())
    };
    ctx.input.min_cell > 0
        && ctx
            .input
            .planned_n
            .iter()
            .any(|t| !(published(&t.project_id, "treatment") && published(&t.project_id, "control")))
}

/// `masked`: the row's read and accepted rows are hidden; read = accepted
/// + the rest, so both go, or the one left gives the other.
fn counts_row(ctx: &Ctx, input: String, file: Option<String>, r: &Reconciliation, kind: RowKind, masked: bool) -> Row {
    let n = |v: u64| Cell::number(format::count(ctx.lang, v));
    let sum = |v: u64| if masked { Cell::suppressed(format::masked(ctx.lang)) } else { n(v) };
    let file = file.map_or_else(Cell::missing, Cell::text);
    let cells = vec![
        Cell::text(input),
        file,
        sum(r.rows_read),
        sum(r.accepted),
        n(r.rejected),
        n(r.duplicate),
        n(r.after_cutoff),
    ];
    Row::with_kind(cells, kind)
}

/// One row per file, and a total per input that has several files; the
/// assignments' sums masked when `arm_hidden`.
fn reconciliation_table(ctx: &Ctx, arm_hidden: bool) -> Table {
    let t = ctx.t;
    let head =
        [t.input, t.file, t.rows_read, t.accepted, t.rejected, t.duplicate, t.after_cutoff].map(String::from).to_vec();
    let mut by_input: BTreeMap<&str, Vec<&Reconciliation>> = BTreeMap::new();
    for r in &ctx.input.reconciliation {
        by_input.entry(&r.input).or_default().push(r);
    }
    let mut rows = Vec::new();
    for (input, files) in by_input {
        let masked = arm_hidden && input == "assignments";
        for f in &files {
            rows.push(counts_row(ctx, input.to_string(), Some(f.file.clone()), f, RowKind::Normal, masked));
        }
        if files.len() > 1 {
            let total = files.iter().fold(Reconciliation::default(), |acc, f| Reconciliation {
                rows_read: acc.rows_read + f.rows_read,
                accepted: acc.accepted + f.accepted,
                rejected: acc.rejected + f.rejected,
                duplicate: acc.duplicate + f.duplicate,
                after_cutoff: acc.after_cutoff + f.after_cutoff,
                ..acc
            });
            rows.push(counts_row(ctx, format!("{} {input}", t.total), None, &total, RowKind::Total, masked));
        }
    }
    Table { head, rows }
}

/// One line per roll-out input problem; nothing when there is none.
fn rollout_blocks(ctx: &Ctx) -> Vec<Block> {
    let t = ctx.t;
    let lines: Vec<String> = ctx
        .input
        .rollout_warnings
        .iter()
        .filter_map(|w| match w {
            Warning::UnknownUnit { project, unit, column } => {
                Some(i18n::fill(t.unknown_unit, &[("product", ctx.name(project)), ("unit", unit), ("column", column)]))
            }
            Warning::NoRollout { project } => Some(i18n::fill(t.no_rollout, &[("product", ctx.name(project))])),
            Warning::OpenedBeforePanel { project, units, since } => Some(i18n::fill(
                t.opened_before_panel,
                &[
                    ("product", ctx.name(project)),
                    ("units", &unit_list(ctx, units)),
                    ("month", &format::month_long(ctx.lang, *since)),
                ],
            )),
            Warning::RolloutSince { project, since, first_month, .. } if since < first_month => Some(i18n::fill(
                t.since_early,
                &[
                    ("product", ctx.name(project)),
                    ("since", &format::month_long(ctx.lang, *since)),
                    ("first", &format::month_long(ctx.lang, *first_month)),
                ],
            )),
            Warning::RolloutSince { project, since, month, .. } => Some(i18n::fill(
                t.since_late,
                &[
                    ("product", ctx.name(project)),
                    ("since", &format::month_long(ctx.lang, *since)),
                    ("month", &format::month_long(ctx.lang, *month)),
                ],
            )),
            Warning::SmallGroup { project, units, group, min_cell } => Some(i18n::fill(
                t.small_group,
                &[
                    ("product", ctx.name(project)),
                    ("units", &unit_list(ctx, units)),
                    ("month", &format::month_long(ctx.lang, *group)),
                    ("k", &min_cell.to_string()),
                ],
            )),
            _ => None,
        })
        .collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![Block::Heading(t.rollout_inputs.into())];
    blocks.extend(lines.into_iter().map(Block::Para));
    blocks
}

/// The units by name, the first ten and how many more when there are two
/// more or over: a roll-out by agency may leave out hundreds.
fn unit_list(ctx: &Ctx, units: &[String]) -> String {
    const SHOWN: usize = 10;
    let (open, close) = ctx.lang.pick(("«\u{A0}", "\u{A0}»"), ("“", "”"));
    let shown = if units.len() > SHOWN + 1 { SHOWN } else { units.len() };
    let names: Vec<String> = units[..shown].iter().map(|u| format!("{open}{u}{close}")).collect();
    let names = names.join(", ");
    if shown == units.len() {
        return names;
    }
    format!("{names} {}", i18n::fill(ctx.t.more_units, &[("n", &(units.len() - shown).to_string())]))
}

/// The most frequent reasons first; ties by input then reason code.
fn reasons_block(ctx: &Ctx) -> Block {
    let mut reasons: Vec<&(String, String, u64)> = ctx.input.reject_reasons.iter().filter(|r| r.2 > 0).collect();
    if reasons.is_empty() {
        return Block::Para(ctx.t.no_rejects.into());
    }
    reasons.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    let rows = reasons
        .iter()
        .take(TOP_REASONS)
        .map(|(input, reason, n)| {
            Row::new(vec![
                Cell::text(input.clone()),
                Cell::text(i18n::reason(ctx.lang, reason)),
                Cell::number(format::count(ctx.lang, *n)),
            ])
        })
        .collect();
    Block::Table(Table { head: vec![ctx.t.input.into(), ctx.t.reason.into(), ctx.t.rows.into()], rows })
}

/// Shares only: a count of ids would tell how many people an input holds.
fn coverage_table(ctx: &Ctx) -> Table {
    let t = ctx.t;
    let share = |v: Share| match v {
        Share::NotApplicable => Cell::missing(),
        Share::Hidden => Cell::suppressed(&ctx.mark),
        Share::Of(s) => Cell::number(format::percent(ctx.lang, s)),
    };
    let rows = ctx
        .input
        .id_coverage
        .iter()
        .map(|c| Row::new(vec![Cell::text(c.input.clone()), share(c.in_users), share(c.in_outcomes)]))
        .collect();
    Table { head: [t.input, t.in_users, t.in_outcomes].map(String::from).to_vec(), rows }
}

fn outages_block(ctx: &Ctx) -> Block {
    if ctx.outages.is_empty() {
        return Block::Para(ctx.t.no_outages.into());
    }
    let mut outages = ctx.outages.clone();
    outages.sort();
    let rows = outages
        .iter()
        .map(|(project, month)| {
            Row::new(vec![
                Cell::text(ctx.name(project)),
                Cell::text(format::month(ctx.lang, *month)),
                ctx.kpi_cell(project, Kpi::Events, *month),
            ])
        })
        .collect();
    let events = i18n::kpi_name(ctx.lang, Kpi::Events);
    Block::Table(Table { head: vec![ctx.t.product.into(), ctx.t.month.into(), events], rows })
}
