//! `jauge run`: the monthly batch. Load and validate, compute, protect,
//! render the report, then write every output into an atomic folder.

use std::path::{Path, PathBuf};

use crate::cli::RunArgs;
use crate::config::{PlannedN, Settings};
use crate::error::{Error, Result};
use crate::ingest::Dataset;
use crate::ingest::previous::Previous;
use crate::ingest::warning::Warning;
use crate::kpi::quality;
use crate::output::folder::{Marker, OutputFolder};
use crate::output::manifest::{Manifest, Written};
use crate::progress::{Stages, Verbosity};
use crate::report::{self, ProjectInfo, ReportInput};
use crate::revisions::PreviousRun;
use crate::tables::{RevisionRow, Tables};
use crate::{kpi, output, privacy, revisions, tz};

pub fn run(args: &RunArgs, v: Verbosity) -> Result<()> {
    let mut settings = Settings::load(&args.source)?;
    // Taken before the long stages when its name is known: a second run on
    // it, or a folder jauge may not replace, is refused at once.
    let named = args.out.clone().or_else(|| settings.month.map(default_out));
    let early = named.as_deref().map(|out| OutputFolder::create(out, Marker::Report)).transpose()?;
    let mut stages = Stages::new(v);
    let mut ds = super::load(&settings, &mut stages, "loading and validating the inputs")?;
    ds.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    if let Some(first) = kpi::first_month(&ds) {
        settings.resolve_rollout_since(first);
    }
    let mut tables = stages.run("compute", "computing the figures", || kpi::compute(&ds, &settings))?;
    // Removing gigabytes of spilled events keeps a core busy for a while:
    // done while the outputs are written.
    let _events = InBackground::drop(ds.events.take());
    let scope = privacy::Scope { min_cell: settings.min_cell, month: ds.month, segment_users: ds.segment_users() };
    let suppressed = stages.run("protect", "applying disclosure control", || privacy::protect(&mut tables, &scope));
    // Judged on the published figures, so that a flag bounds no hidden count.
    let outages = quality::outages(&tables.kpis);
    // Over the published rows only, hence after disclosure control.
    kpi::impact::add_q_values(&mut tables.impact);
    tables.rejects = ds.rejects.clone();
    let trials = planned_n(&settings, &ds);
    let out = named.unwrap_or_else(|| default_out(ds.month));
    let previous = stages.run("previous", "reading the earlier run", || open_previous(args, &out, ds.month))?;
    let previous_run = previous.as_ref().and_then(|p| {
        let run = PreviousRun::of(&p.manifest, &ds.reconciliation)?;
        Some(PreviousRun { not_compared: p.not_compared.iter().map(|f| f.to_string()).collect(), ..run })
    });
    let folder = match early {
        Some(folder) => folder,
        None => OutputFolder::create(&out, Marker::Report)?,
    };
    let written = std::thread::scope(|scope| -> Result<Vec<Written>> {
        // The workbook is the longest writer: it is written on the other
        // core while the revisions are computed (its last sheet waits for
        // them) and the report drawn.
        let (send, revisions_sheet) = std::sync::mpsc::channel();
        let (folder, tables) = (&folder, &tables);
        let workbook = scope.spawn(move || {
            let start = std::time::Instant::now();
            (output::write_workbook(folder, tables, &revisions_sheet, ds.as_of), start.elapsed().as_secs_f64())
        });
        // The workbook is joined before any error of these is returned,
        // so that the first error of the files is the one reported.
        let beside = (|| -> Result<_> {
            let revisions = stages.run("revisions", "comparing with the earlier run", || {
                previous.as_ref().map_or_else(Vec::new, |p| revisions::revisions(tables, &p.values()))
            });
            // Fails only when the workbook's thread has stopped, which its
            // join reports.
            let _ = send.send(revisions.clone());
            let input = report_input(&settings, &ds, tables, &revisions, outages, &trials, previous_run);
            let rendered = stages.run("report", "drawing the charts and the report", || report::render(&input));
            let public = stages.run("public", "rendering the public pages", || report::public::render(&input));
            let written = stages
                .run("write", "writing the tables", || output::write_tables(folder, tables, &revisions, &suppressed))?;
            let report =
                stages.run("write_report", "writing the report", || output::write_report(folder, &rendered))?;
            let public =
                stages.run("write_public", "writing the public pages", || output::write_public(folder, &public))?;
            Ok((written, report, public))
        })();
        let (workbook, secs) = workbook.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        stages.record("workbook", secs);
        let (mut written, report, public) = beside?;
        // The manifest lists them in this order, whichever ends first.
        written.push(workbook?);
        written.extend(report);
        written.push(public);
        Ok(written)
    })?;
    let manifest = Manifest {
        settings: &settings,
        month: ds.month,
        as_of: ds.as_of,
        reconciliation: &ds.reconciliation,
        queries: &ds.queries,
        trials: &trials,
        outputs: &written,
        previous: previous.as_ref().map(|p| &p.manifest),
        timings: &stages.timings,
    };
    folder.write("manifest.json", manifest.to_json().as_bytes())?;
    folder.commit()?;
    if !v.quiet {
        summary(&ds, &out, &written, v);
    }
    Ok(())
}

/// The earlier run to compare with, if any (SPEC section 8); a
/// `--previous` that names no run is a usage error.
fn open_previous(args: &RunArgs, out: &Path, month: i32) -> Result<Option<Previous>> {
    let previous = Previous::open(&previous_dir(args, out, month))?;
    if let (None, Some(dir)) = (&previous, &args.previous) {
        return Err(Error::usage(
            format!("--previous {} holds no jauge report (no manifest.json)", dir.display()),
            "name the folder of an earlier `jauge run`, e.g. --previous reports/2026-09",
        ));
    }
    if let Some(previous) = &previous {
        for file in &previous.not_compared {
            let path = previous.dir.join(file);
            eprintln!(
                "warning: {}: the earlier run wrote this table with other columns (another version of jauge); \
                 its figures are not compared",
                path.display()
            );
        }
    }
    Ok(previous)
}

/// `--previous`, else the previous month's folder beside `--out`
/// (`reports/2026-09/` for `reports/2026-10/`).
fn previous_dir(args: &RunArgs, out: &Path, month: i32) -> PathBuf {
    args.previous.clone().unwrap_or_else(|| out.with_file_name(tz::format_month(tz::add_months(month, -1))))
}

/// `reports/<YYYY-MM>/`, relative to the current folder.
fn default_out(month: i32) -> PathBuf {
    PathBuf::from("reports").join(tz::format_month(month))
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

/// The `planned_n` of every product with accepted assignments.
fn planned_n(settings: &Settings, ds: &Dataset) -> Vec<PlannedN> {
    let trials = ds.assignments.chunk_by(|a, b| a.project == b.project);
    trials.map(|group| settings.planned_n_for(&ds.catalog[group[0].project as usize].id)).collect()
}

/// The rejected catalog rows, as their warnings name them.
fn catalog_rejects(ds: &Dataset) -> Vec<crate::tables::CatalogReject> {
    let reject = |w: &Warning| match w {
        Warning::RejectedProject { id, reason, unknown_usage, .. } => Some(crate::tables::CatalogReject {
            project_id: id.clone(),
            reason: reason.clone(),
            unknown_usage_rows: *unknown_usage,
        }),
        _ => None,
    };
    ds.warnings.iter().filter_map(reject).collect()
}

fn report_input<'a>(
    settings: &Settings,
    ds: &Dataset,
    tables: &'a Tables,
    revisions: &'a [RevisionRow],
    outages: Vec<(String, i32)>,
    trials: &[PlannedN],
    previous: Option<PreviousRun>,
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
            public_outcome: public_outcome(settings, &p.id),
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
        revisions,
        reconciliation: ds.reconciliation.clone(),
        reject_reasons: quality::reject_reasons(&ds.rejects),
        id_coverage: privacy::coverage(&quality::id_counts(ds, settings), settings.min_cell),
        outages,
        planned_n: trials.to_vec(),
        previous,
        labels: settings.labels.clone(),
        catalog_rejects: catalog_rejects(ds),
        rollout_warnings: ds
            .warnings
            .iter()
            .filter(|w| {
                matches!(
                    w,
                    Warning::UnknownUnit { .. }
                        | Warning::NoRollout { .. }
                        | Warning::OpenedBeforePanel { .. }
                        | Warning::RolloutSince { .. }
                        | Warning::SmallGroup { .. }
                )
            })
            .cloned()
            .collect(),
    }
}

/// The outcome a product's public page shows: its trial's primary endpoint,
/// else its first outcome at its shortest window (docs/decisions.md).
fn public_outcome(settings: &Settings, project_id: &str) -> Option<(String, i32)> {
    if let Some(primary) = settings.project(project_id).and_then(|p| p.primary.clone()) {
        return Some(primary);
    }
    let outcome = settings.outcomes_for(project_id).first()?;
    Some((outcome.clone(), *settings.windows_for(project_id).iter().min()?))
}

/// Drops a value on a thread of its own, and waits for that when dropped
/// itself: what the value removes is gone when the run ends, failed or not.
struct InBackground(Option<std::thread::JoinHandle<()>>);

impl InBackground {
    fn drop<T: Send + 'static>(value: T) -> InBackground {
        InBackground(Some(std::thread::spawn(move || drop(value))))
    }
}

impl Drop for InBackground {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            let _ = thread.join();
        }
    }
}
