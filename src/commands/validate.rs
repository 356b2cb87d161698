//! `jauge validate`: load and validate only; print the month, `as_of`, the
//! latest date of each input and the reconciliation table.

use crate::cli::SourceArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::ingest::{self, Dataset};
use crate::output::manifest::totals;
use crate::progress::{Stages, Verbosity};
use crate::tables::Reconciliation;
use crate::tz;

pub fn validate(args: &SourceArgs, v: Verbosity) -> Result<()> {
    let settings = Settings::load(args)?;
    let ds = Stages::new(v).run("load", "validating the inputs", || ingest::load(&settings))?;
    ds.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    print!("{}", summary(&ds));
    Ok(())
}

/// The text `validate` prints (and `run` with -v).
pub fn summary(ds: &Dataset) -> String {
    let mut out = format!(
        "month   {}\nas_of   {}\n\nlatest date by input\n",
        tz::format_month(ds.month),
        tz::format_day(ds.as_of)
    );
    for (input, day) in &ds.latest {
        let day = day.map_or_else(|| "none".to_owned(), tz::format_day);
        out.push_str(&format!("  {:<12} {day}\n", input.name()));
    }
    out.push_str("\nreconciliation: rows_read = accepted + rejected + duplicate + after_cutoff\n");
    out.push_str(&table(&ds.reconciliation, &totals(&ds.reconciliation)));
    out
}

fn table(files: &[Reconciliation], totals: &[Reconciliation]) -> String {
    let width = files.iter().map(|r| r.file.len()).max().unwrap_or(4).max(5);
    let line = |input: &str, file: &str, r: &Reconciliation| {
        format!(
            "  {input:<12} {file:<width$} {:>12} {:>12} {:>10} {:>10} {:>12}\n",
            r.rows_read, r.accepted, r.rejected, r.duplicate, r.after_cutoff
        )
    };
    let mut out = format!(
        "  {:<12} {:<width$} {:>12} {:>12} {:>10} {:>10} {:>12}\n",
        "input", "file", "rows_read", "accepted", "rejected", "duplicate", "after_cutoff"
    );
    for r in files {
        out.push_str(&line(&r.input, &r.file, r));
    }
    for t in totals {
        out.push_str(&line(&t.input, "(total)", t));
    }
    out
}
