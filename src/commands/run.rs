//! `jauge run`: the monthly batch. Load and validate, compute, protect,
//! then write every output into an atomic folder.

use std::path::PathBuf;

use crate::cli::RunArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::output::folder::{Marker, OutputFolder};
use crate::output::manifest::Manifest;
use crate::progress::{Stages, Verbosity};
use crate::{ingest, kpi, output, privacy, tz};

pub fn run(args: &RunArgs, v: Verbosity) -> Result<()> {
    let settings = Settings::load(&args.source)?;
    let mut stages = Stages::new(v);
    let ds = stages.run("load", "loading and validating the inputs", || ingest::load(&settings))?;
    let mut tables = stages.run("compute", "computing the figures", || kpi::compute(&ds, &settings));
    let suppressed =
        stages.run("protect", "applying disclosure control", || privacy::protect(&mut tables, settings.min_cell));
    tables.rejects = ds.rejects.clone();
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("reports").join(tz::format_month(ds.month)));
    let folder = OutputFolder::create(&out, Marker::Report)?;
    let written = stages.run("write", "writing the tables", || output::write_tables(&folder, &tables, &suppressed))?;
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
        println!(
            "jauge: {} (as of {}) written to {}",
            tz::format_month(ds.month),
            tz::format_day(ds.as_of),
            out.display()
        );
        if v.verbose > 0 {
            print!("{}", super::validate::summary(&ds));
        }
    }
    Ok(())
}
