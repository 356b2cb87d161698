//! `jauge run`: the monthly batch. Load and validate, compute, protect,
//! render the report, then write every output into an atomic folder.

use std::path::PathBuf;

use crate::cli::RunArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::ingest::Dataset;
use crate::kpi::quality;
use crate::output::folder::{Marker, OutputFolder};
use crate::output::manifest::{Manifest, Written};
use crate::progress::{Stages, Verbosity};
use crate::report::{self, ProjectInfo, ReportInput};
use crate::tables::Tables;
use crate::{ingest, kpi, output, privacy, tz};

pub fn run(args: &RunArgs, v: Verbosity) -> Result<()> {
    let settings = Settings::load(&args.source)?;
    let mut stages = Stages::new(v);
    let ds = stages.run("load", "loading and validating the inputs", || ingest::load(&settings))?;
    let mut tables = stages.run("compute", "computing the figures", || kpi::compute(&ds, &settings))?;
    let scope = privacy::Scope { min_cell: settings.min_cell, month: ds.month, segment_users: ds.segment_users() };
    let suppressed = stages.run("protect", "applying disclosure control", || privacy::protect(&mut tables, &scope));
    // Judged on the published figures, so that a flag bounds no hidden count.
    let outages = quality::outages(&tables.kpis);
    tables.rejects = ds.rejects.clone();
    let rendered = stages.run("report", "drawing the charts and the report", || {
        report::render(&report_input(&settings, &ds, &tables, outages))
    });
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("reports").join(tz::format_month(ds.month)));
    let folder = OutputFolder::create(&out, Marker::Report)?;
    let mut written =
        stages.run("write", "writing the tables", || output::write_tables(&folder, &tables, &suppressed))?;
    written.extend(output::write_report(&folder, &rendered)?);
    let manifest = Manifest {
        settings: &settings,
        month: ds.month,
        as_of: ds.as_of,
        reconciliation: &ds.reconciliation,
        outputs: &written,
        timings: &stages.timings,
    };
    folder.write("manifest.json", manifest.to_json().as_bytes())?;
    folder.commit()?;
    if !v.quiet {
        summary(&ds, &out, &written, v);
    }
    Ok(())
}

fn summary(ds: &Dataset, out: &std::path::Path, written: &[Written], v: Verbosity) {
    let (month, as_of) = (tz::format_month(ds.month), tz::format_day(ds.as_of));
    println!("jauge: {month} (as of {as_of}) written to {}", out.display());
    if v.verbose > 0 {
        for w in written {
            println!("  {:<32} {:>9} rows", w.file, w.rows);
        }
        print!("{}", super::validate::summary(ds));
    }
}

/// Everything the report shows, from the protected tables.
fn report_input<'a>(
    settings: &Settings,
    ds: &Dataset,
    tables: &'a Tables,
    outages: Vec<(String, i32)>,
) -> ReportInput<'a> {
    let with_usage: std::collections::BTreeSet<&str> = tables.kpis.iter().map(|r| r.project_id.as_str()).collect();
    let projects = ds
        .catalog
        .iter()
        .map(|p| ProjectInfo {
            id: p.id.clone(),
            name: p.name.clone(),
            origin: p.origin.clone(),
            audience: p.audience.clone(),
            phase: p.phase.clone(),
            annual_cost_eur: p.annual_cost_eur,
            has_usage: with_usage.contains(p.id.as_str()),
        })
        .collect();
    ReportInput {
        title: settings.title.clone(),
        lang: settings.lang,
        month: ds.month,
        as_of: ds.as_of,
        config_sha256: settings.config_sha256.clone(),
        min_cell: settings.min_cell,
        default_outcome: settings.default_outcomes.first().cloned(),
        shortest_window: settings.default_windows.iter().min().copied(),
        projects,
        north_stars: kpi::north_star::rows(settings, &ds.catalog, &tables.kpis, &tables.outcomes, ds.month, ds.as_of),
        tables,
        reconciliation: ds.reconciliation.clone(),
        reject_reasons: quality::reject_reasons(&ds.rejects),
        id_coverage: privacy::coverage(&quality::id_counts(ds, settings), settings.min_cell),
        outages,
    }
}
