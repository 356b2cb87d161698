//! Part 7 of the report, the method: each definition in a few lines (the
//! always-valid interval of the monthly reading, q-values, CUPED, the
//! effect on users, the evidence levels and which survival curve is better
//! among them), the disclosure rules with this run's `k` and what they cost,
//! the limits (observed rates are not causal, the assumption behind the
//! effect on users, parallel trends, unprotected cumulative differences,
//! revisions), which products get a page, and what identifies the run.
//!
//! Responsible for that text; the wording itself lives in `i18n`.

use super::context::Ctx;
use super::doc::{Block, Section};
use super::i18n;
use crate::format;
use crate::registry::Kpi;

pub fn section(ctx: &Ctx, number: usize) -> Section {
    let k = ctx.input.min_cell;
    let k1 = k.saturating_sub(1).to_string();
    let values = [("k", k.to_string()), ("k1", k1), ("s", ctx.mark.clone())];
    let values: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let kpis = Kpi::ALL.map(|k| k.explain(ctx.lang)).join(" ");
    let mut items: Vec<(String, String)> =
        ctx.t.method_items.iter().map(|(term, text)| (term.to_string(), i18n::fill(text, &values))).collect();
    let rules = if k == 0 { ctx.t.disclosure_off } else { ctx.t.disclosure_rules };
    items.push((ctx.t.disclosure.to_string(), i18n::fill(rules, &values)));
    // Right after the scope: what each figure counts, from the registry.
    items.insert(1.min(items.len()), (ctx.t.method_kpis.to_string(), kpis));
    let run = vec![
        (ctx.t.month.to_string(), format::month(ctx.lang, ctx.input.month)),
        (ctx.t.as_of.to_string(), format::date(ctx.lang, ctx.input.as_of)),
        (ctx.t.config.to_string(), format!("sha256 {}", ctx.input.config_sha256)),
        ("min_cell".to_string(), k.to_string()),
    ];
    Section::part(
        "method",
        format!("{number}. {}", ctx.t.method),
        // After the data-quality section on the same page: the reader
        // looks up a definition, the print saves a page.
        false,
        vec![Block::Definitions(items), Block::Facts(run)],
    )
}
