//! `jauge validate`: load and validate only; print the month, `as_of`, the
//! latest date of each input, the reconciliation table and, per reject
//! reason, its count and first three examples; `--rejects` writes every
//! rejected row as a CSV for a spreadsheet.

use std::collections::BTreeMap;

use crate::cli::ValidateArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::ingest::Dataset;
use crate::ingest::reject::Reason;
use crate::output::folder;
use crate::output::manifest::totals;
use crate::output::rejects_csv;
use crate::progress::{Stages, Verbosity};
use crate::tables::{Reconciliation, RejectRow};
use crate::tz;

/// Examples printed per reject reason.
const EXAMPLES: usize = 3;

pub fn validate(args: &ValidateArgs, v: Verbosity) -> Result<()> {
    let settings = Settings::load(&args.source)?;
    let ds = super::load(&settings, &mut Stages::new(v), "validating the inputs")?;
    ds.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    print!("{}", summary(&ds));
    if let Some(path) = &args.rejects {
        folder::replace_file(path, &rejects_csv::render(&ds.rejects, |r| source_line(&ds, r)), true)?;
        println!(
            "\n{} rejected rows written to {} (personal data: keep it to yourself)",
            ds.rejects.len(),
            path.display()
        );
    }
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
    out.push_str(&reasons(ds));
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

/// Per reject reason, in the order of SPEC section 3, its count and the
/// first rows in reading order.
fn reasons(ds: &Dataset) -> String {
    let rejects = &ds.rejects;
    if rejects.is_empty() {
        return "\nno row was rejected\n".to_owned();
    }
    let order = |code: &str| Reason::ALL.iter().position(|r| r.code() == code).unwrap_or(Reason::ALL.len());
    let mut by_reason: BTreeMap<(usize, &str), Vec<&RejectRow>> = BTreeMap::new();
    for r in rejects {
        by_reason.entry((order(&r.reason), &r.reason)).or_default().push(r);
    }
    let mut out = String::from("\nrejected rows by reason (the first examples; all of them: --rejects FILE.csv)\n");
    for ((_, reason), rows) in by_reason {
        out.push_str(&format!("  {reason:<24} {:>10}\n", rows.len()));
        for r in rows.iter().take(EXAMPLES) {
            let place = source_line(ds, r).map_or_else(|| format!("row {}", r.row), |line| format!("line {line}"));
            out.push_str(&format!("    {}, {place}, column {}: {}\n", r.file, r.column, r.message));
        }
    }
    out
}

/// The line where a rejected row starts in its source file, as the readers
/// counted it (a CSV's header and quoted newlines included), so that an
/// analyst finds it at that line in a spreadsheet or an editor; none for
/// parquet or a database, which have no lines.
fn source_line(ds: &Dataset, r: &RejectRow) -> Option<u64> {
    has_lines(&r.file).then(|| ds.reject_line(r))
}

fn has_lines(file: &str) -> bool {
    let extension = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(extension.as_deref(), Some("csv" | "ndjson" | "jsonl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_files_have_lines_parquet_and_databases_do_not() {
        assert!(has_lines("usage/a.CSV") && has_lines("usage/b.jsonl") && has_lines("usage/c.ndjson"));
        assert!(!has_lines("usage/c.parquet") && !has_lines("postgres:usage"));
    }
}
