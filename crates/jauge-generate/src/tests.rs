//! Tests of the whole generator: determinism, sizes, planted defects, and
//! the planted effects against the simulation itself.

use std::collections::BTreeMap;
use std::convert::Infallible;

use super::*;
use crate::raw::{self, Column};

/// The column of `table` called `name`.
fn column<'t>(table: &'t RawTable, name: &str) -> Option<&'t Column> {
    table.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
}

/// Keeps every file in memory; tables are written as CSV or NDJSON, and
/// parquet as CSV (so that bytes can be compared).
#[derive(Default)]
struct MemorySink {
    files: BTreeMap<String, Vec<u8>>,
    tables: BTreeMap<String, RawTable>,
    keep_tables: bool,
}

impl Sink for MemorySink {
    type Error = Infallible;
    fn table(&mut self, path: &str, format: Format, table: RawTable) -> Result<(), Infallible> {
        let mut bytes = Vec::new();
        match format {
            Format::Csv { separator, decimal_comma } => raw::write_csv(&table, separator, decimal_comma, &mut bytes),
            Format::Ndjson => raw::write_ndjson(&table, &mut bytes),
            Format::Parquet => raw::write_csv(&table, b',', false, &mut bytes),
        }
        .expect("in memory");
        self.files.insert(path.to_owned(), bytes);
        if self.keep_tables {
            self.tables.insert(path.to_owned(), table);
        }
        Ok(())
    }
    fn text(&mut self, path: &str, contents: String) -> Result<(), Infallible> {
        self.files.insert(path.to_owned(), contents.into_bytes());
        Ok(())
    }
}

fn small(seed: u64) -> GenerateOptions {
    GenerateOptions { users: 3000, seed, ..GenerateOptions::default() }
}

fn run(options: &GenerateOptions, keep_tables: bool) -> (Summary, MemorySink) {
    let mut sink = MemorySink { keep_tables, ..MemorySink::default() };
    let summary = match generate(options, &mut sink) {
        Ok(s) => s,
        Err(never) => match never {},
    };
    (summary, sink)
}

fn truth_of(sink: &MemorySink) -> serde_json::Value {
    serde_json::from_slice(&sink.files["truth.json"]).expect("truth.json parses")
}

#[test]
fn same_options_same_bytes_other_seed_other_bytes() {
    let (a, sink_a) = run(&small(42), false);
    let (b, sink_b) = run(&small(42), false);
    assert_eq!(a, b);
    assert_eq!(sink_a.files, sink_b.files);
    let (_, sink_c) = run(&small(43), false);
    assert_eq!(sink_a.files.keys().collect::<Vec<_>>(), sink_c.files.keys().collect::<Vec<_>>());
    for (path, bytes) in &sink_a.files {
        if path.starts_with("usage/") || path.starts_with("outcomes/") || path == "users.csv" {
            assert_ne!(bytes, &sink_c.files[path], "{path} ignores the seed");
        }
    }
}

#[test]
fn file_list_and_sizes() {
    let options = small(42);
    let (summary, sink) = run(&options, true);
    let mut expected: Vec<String> = [
        "README.md",
        "assignments.csv",
        "jauge.toml",
        "outcomes/export.parquet",
        "outcomes/late.ndjson",
        "projects.csv",
        "rollouts.csv",
        "truth.json",
        "usage/late-corrections.csv",
        "users.csv",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for m in 0..14 {
        expected.push(format!("usage/{}.parquet", calendar::month_label(calendar::month_index(2025, 9) + m)));
    }
    expected.sort();
    assert_eq!(sink.files.keys().cloned().collect::<Vec<_>>(), expected);
    assert_eq!(summary.files as usize, expected.len());
    assert_eq!(summary.months, 14);

    // About 33 events per user, every month has data, every product too.
    let per_user = summary.events as f64 / options.users as f64;
    assert!((15.0..60.0).contains(&per_user), "{per_user} events per user");
    let mut seen = vec![false; 40];
    for (path, table) in &sink.tables {
        if !path.starts_with("usage/") {
            continue;
        }
        assert!(table.len() > 1000, "{path}: {} rows", table.len());
        let names: Vec<&str> = table.columns.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["project_id", "user_id", "occurred_at", "event"]);
        let Some(Column::Dict { codes, .. }) = column(table, "project_id") else {
            panic!("project_id is a dictionary")
        };
        for c in codes.iter().flatten() {
            seen[*c as usize] = true;
        }
        // Sorted by instant, all within the month.
        let Some(Column::TimestampUtc(ts)) = column(table, "occurred_at") else { panic!("occurred_at is a timestamp") };
        assert!(ts.windows(2).all(|w| w[0] <= w[1]));
    }
    assert!(seen.iter().all(|s| *s), "a product without events: {seen:?}");

    let users = &sink.tables["users.csv"];
    let listed = users.len() as f64 / options.users as f64;
    assert!((0.95..1.0).contains(&listed), "{listed}");
}

#[test]
fn every_reject_reason_and_bucket_is_planted() {
    let (_, sink) = run(&small(42), false);
    let truth = truth_of(&sink);
    let totals = &truth["validation"]["totals"];
    let mut reasons = std::collections::BTreeSet::new();
    for (_, t) in totals.as_object().unwrap() {
        for (reason, n) in t["rejects"].as_object().unwrap() {
            assert!(n.as_u64().unwrap() > 0);
            reasons.insert(reason.clone());
        }
    }
    // Every reason the engine knows is planted: checked against the
    // engine's `Reason::ALL` in its tests/generate.rs.
    assert!(reasons.len() >= 12, "{reasons:?}");
    for input in ["usage", "outcomes"] {
        assert!(totals[input]["duplicate"].as_u64().unwrap() > 0, "{input}");
        assert!(totals[input]["after_cutoff"].as_u64().unwrap() > 0, "{input}");
    }
    assert!(totals["assignments"]["after_cutoff"].as_u64().unwrap() > 0);
    for file in truth["validation"]["files"].as_array().unwrap() {
        let n = |k: &str| file[k].as_u64().unwrap();
        assert_eq!(n("rows_read"), n("accepted") + n("rejected") + n("duplicate") + n("after_cutoff"), "{file}");
    }
    // Rows read agree with the files written.
    let files = truth["validation"]["files"].as_array().unwrap();
    for file in files {
        let path = file["file"].as_str().unwrap();
        let text = String::from_utf8(sink.files[path].clone()).unwrap();
        let lines = text.lines().count() as u64;
        let header = u64::from(!path.ends_with(".ndjson"));
        assert_eq!(file["rows_read"].as_u64().unwrap(), lines - header, "{path}");
    }

    let late = String::from_utf8(sink.files["usage/late-corrections.csv"].clone()).unwrap();
    assert!(late.starts_with("\u{feff}project_id;user_id;occurred_at;event\n"));
    assert!(late.contains("2026-03-29 02:30:00"), "skipped hour");
    assert!(late.contains("2026-10-25 02:30:00"), "repeated hour");
    assert!(late.contains("2026-11-01 09:30:00"), "after the cut-off");
}

#[test]
fn truth_has_a_zero_effect_and_the_config_names_real_things() {
    let (_, sink) = run(&small(42), false);
    let truth = truth_of(&sink);
    let trials = truth["randomized"].as_array().unwrap();
    assert_eq!(trials.len(), 4);
    let zero: Vec<&serde_json::Value> = trials.iter().filter(|t| t["zero_effect"] == true).collect();
    assert_eq!(zero.len(), 1);
    for o in zero[0]["outcomes"].as_array().unwrap() {
        for w in o["windows"].as_array().unwrap() {
            assert_eq!(w["difference"].as_f64().unwrap(), 0.0);
        }
    }
    let differences: Vec<f64> =
        trials.iter().map(|t| t["outcomes"][0]["windows"][1]["difference"].as_f64().unwrap()).collect();
    let mut distinct = differences.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{differences:?}");

    let config = String::from_utf8(sink.files["jauge.toml"].clone()).unwrap();
    let projects = String::from_utf8(sink.files["projects.csv"].clone()).unwrap();
    for line in config.lines().filter(|l| l.starts_with("id = ")) {
        let id = line.trim_start_matches("id = ").trim_matches('"');
        assert!(projects.contains(&format!("\n{id};")), "{id}");
    }
    for t in trials {
        let id = t["project_id"].as_str().unwrap();
        assert!(
            config.contains(&format!("id = \"{id}\"\nprimary")) || config.contains(&format!("id = \"{id}\"\nfunnel")),
            "{id}"
        );
    }
    assert!(config.contains("timezone = \"Europe/Paris\""));
}

/// As a real incubator would: every product past investigation and not
/// stopped has a north star, and every outcome and funnel event has words.
#[test]
fn the_config_gives_north_stars_and_labels() {
    let (_, sink) = run(&small(42), false);
    let config = String::from_utf8(sink.files["jauge.toml"].clone()).unwrap();
    let projects = String::from_utf8(sink.files["projects.csv"].clone()).unwrap();
    let blocks: Vec<&str> = config.split("[[project]]").skip(1).collect();
    for row in projects.lines().skip(1) {
        let fields: Vec<&str> = row.split(';').collect();
        let (id, phase) = (fields[0], fields[4]);
        if matches!(phase, "investigation" | "stopped") || id.is_empty() {
            continue;
        }
        let block = blocks.iter().find(|b| b.contains(&format!("id = \"{id}\"\n")));
        assert!(block.is_some_and(|b| b.contains("north_star = ")), "{id} has no north star");
    }
    let labels = &config[config.find("[labels.outcomes]").expect("outcome labels")..];
    for code in ["employment", "hire", "skill_certified", "signup", "skill_validated", "candidate_contacted"] {
        assert!(labels.contains(&format!("\n{code} = {{ fr = ")), "{code} has no label");
    }
}

/// The simulated trials reproduce the analytic truth: for each trial, the
/// rate of employment within 90 days of assignment in each arm, over a
/// large population, is within 4.5 standard errors of `model::itt`.
#[test]
fn simulated_arms_match_the_analytic_truth() {
    let users = std::env::var("JAUGE_GENERATE_ARMS_USERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 100_000 } else { 300_000 });
    let seed = std::env::var("JAUGE_GENERATE_ARMS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SEED);
    let options = GenerateOptions { users, seed, ..GenerateOptions::default() };
    let world = world::World::new(&options);
    let listing = messy::listing(options.users, &mut sample::Rng::new(options.seed, sample::stream::MESSY));
    let pop = population::simulate(&world, &listing);
    let mut by_user: Vec<(u32, u8, i32)> = pop.outcomes.iter().map(|o| (o.user, o.kind, o.day)).collect();
    by_user.sort_unstable();
    for (k, trial) in world.trials.iter().enumerate() {
        let product = &world.products[trial.product];
        for (outcome, kind) in [
            ("employment", population::EMPLOYMENT),
            ("deregistered", population::DEREGISTERED),
            ("skill_certified", population::SKILL_CERTIFIED),
        ] {
            let window = 90;
            let truth = model::itt(&trial.design, product, outcome, window);
            let mut n = [0u64; 2];
            let mut hit = [0u64; 2];
            for a in pop.assignments.iter().filter(|a| usize::from(a.trial) == k) {
                // Complete windows only, as the impact estimate does.
                if a.day + window > world.as_of {
                    continue;
                }
                let arm = usize::from(a.treatment);
                n[arm] += 1;
                let first = by_user.partition_point(|&o| o < (a.user, kind, a.day));
                if by_user.get(first).is_some_and(|&(u, k, d)| u == a.user && k == kind && d <= a.day + window) {
                    hit[arm] += 1;
                }
            }
            for (arm, p) in [(0, truth.control), (1, truth.treatment)] {
                let observed = hit[arm] as f64 / n[arm] as f64;
                let se = (p * (1.0 - p) / n[arm] as f64).sqrt();
                eprintln!(
                    "{} {outcome} arm {arm}: {observed:.4} vs {p:.4} (n {}, z {:.2})",
                    product.id,
                    n[arm],
                    (observed - p) / se
                );
                assert!(
                    (observed - p).abs() < 4.5 * se,
                    "{} {outcome} arm {arm}: observed {observed:.4} (n {}) vs truth {p:.4}",
                    product.id,
                    n[arm]
                );
            }
        }
    }
}

/// Writes a default dataset to `$JAUGE_GENERATE_DUMP` for a look at it.
#[test]
#[ignore = "writes files; run by hand"]
fn dump() {
    let Ok(dir) = std::env::var("JAUGE_GENERATE_DUMP") else {
        return;
    };
    let (summary, sink) = run(&GenerateOptions::default(), false);
    for (path, bytes) in &sink.files {
        let target = std::path::Path::new(&dir).join(path.replace(".parquet", ".parquet.csv"));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    eprintln!("{summary:?}");
}

/// Events per second and the event count of a large run (release mode:
/// `cargo test --release -- --ignored throughput --nocapture`).
#[test]
#[ignore = "slow in debug; a benchmark"]
fn throughput() {
    let users: u64 = std::env::var("JAUGE_GENERATE_USERS").ok().and_then(|s| s.parse().ok()).unwrap_or(300_000);
    let start = std::time::Instant::now();
    let summary = match generate(&GenerateOptions { users, ..GenerateOptions::default() }, &mut NullSink) {
        Ok(s) => s,
        Err(never) => match never {},
    };
    let secs = start.elapsed().as_secs_f64();
    eprintln!("{} events in {secs:.2} s: {:.2} M events/s", summary.events, summary.events as f64 / secs / 1e6);
}

#[test]
fn tiny_and_unusual_options_work() {
    for options in [
        GenerateOptions { users: 1, products: 1, months: 1, ..GenerateOptions::default() },
        GenerateOptions { users: 7, products: 2, end_year: 2026, end_month: 1, months: 2, seed: 0 },
        GenerateOptions { users: 400, products: 85, end_year: 2031, end_month: 3, months: 30, seed: u64::MAX },
    ] {
        assert!(options.validate().is_ok());
        let (summary, sink) = run(&options, false);
        let truth = truth_of(&sink);
        assert_eq!(truth["generator"]["usage_events"].as_u64().unwrap(), summary.events);
        assert_eq!(summary.months, options.months);
        let config = String::from_utf8(sink.files["jauge.toml"].clone()).unwrap();
        assert!(config.contains("[inputs]"));
    }
    for bad in [
        GenerateOptions { users: 0, ..GenerateOptions::default() },
        GenerateOptions { products: 0, ..GenerateOptions::default() },
        GenerateOptions { months: 0, ..GenerateOptions::default() },
        GenerateOptions { end_month: 13, ..GenerateOptions::default() },
        GenerateOptions { end_year: 1990, ..GenerateOptions::default() },
    ] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }
}

#[test]
fn users_for_events_is_close() {
    let users = users_for_events(300_000, 40, 14);
    let options = GenerateOptions { users, seed: 7, ..GenerateOptions::default() };
    let summary = match generate(&options, &mut NullSink) {
        Ok(s) => s,
        Err(never) => match never {},
    };
    let ratio = summary.events as f64 / 300_000.0;
    assert!((0.93..1.07).contains(&ratio), "{ratio}");
}

/// The roll-outs of `truth` by project id.
fn rollout<'t>(truth: &'t serde_json::Value, id: &str) -> &'t serde_json::Value {
    truth["rollouts"].as_array().unwrap().iter().find(|r| r["project_id"] == id).unwrap()
}

/// `rollouts.csv` holds every opening of the design (pilots included),
/// then one row of each defect, each in the bucket the truth counts it in.
#[test]
fn rollouts_file_holds_every_opening_and_one_row_of_each_defect() {
    let (_, sink) = run(&small(42), false);
    let truth = truth_of(&sink);
    let text = String::from_utf8(sink.files["rollouts.csv"].clone()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("project_id,unit,started_on"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 3), "{rows:?}");
    let openings: usize = model::ROLLOUTS.iter().map(|d| d.waves.iter().map(|w| w.regions.len()).sum::<usize>()).sum();
    let file = truth["validation"]["files"].as_array().unwrap().iter().find(|f| f["input"] == "rollouts").unwrap();
    let n = |k: &str| file[k].as_u64().unwrap();
    assert_eq!(n("accepted"), openings as u64);
    assert_eq!((n("rows_read"), n("rejected"), n("after_cutoff"), n("duplicate")), (openings as u64 + 4, 3, 1, 0));
    for reason in ["duplicate_key", "unknown_project", "bad_date"] {
        assert_eq!(file["rejects"][reason], 1, "{reason}");
    }
    let (accepted, defects) = rows.split_at(openings);
    // Every accepted row is an opening of the truth, with its date.
    for r in accepted {
        let unit = rollout(&truth, r[0])["units"].as_array().unwrap().iter().find(|u| u["unit"] == r[1]);
        let started = unit.and_then(|u| u["started_on"].as_str()).unwrap_or_else(|| panic!("{r:?}"));
        let (y, m, d) = (&started[0..4], &started[5..7], &started[8..10]);
        assert!(r[2] == started || r[2] == format!("{d}/{m}/{y}"), "{r:?} vs {started}");
    }
    assert!(accepted.iter().any(|r| r[2].contains('/')), "both date forms");
    // The defects: a key again, a day that does not exist, an opening after
    // the cut-off (both where the product never opens), an unknown project.
    let first = &accepted[0];
    assert_eq!((defects[0][0], defects[0][1]), (first[0], first[1]));
    assert_ne!(defects[0][2], first[2]);
    assert!(defects[1][2].ends_with("-02-30"), "{:?}", defects[1]);
    assert!(defects[2][2] > truth["period"]["as_of"].as_str().unwrap(), "{:?}", defects[2]);
    for defect in &defects[1..3] {
        let unit = rollout(&truth, defect[0])["units"].as_array().unwrap().iter().find(|u| u["unit"] == defect[1]);
        assert_eq!(unit.unwrap()["role"], "never_treated", "{defect:?}");
    }
    let projects = String::from_utf8(sink.files["projects.csv"].clone()).unwrap();
    assert!(!projects.contains(&format!("\n{};", defects[3][0])), "{:?}", defects[3]);
}

/// The roll-out truth is what the design says: nothing moves before an
/// opening, the product without effect has every true figure 0, the others
/// are positive, the mentors' network builds up (its first month is a
/// smaller share of its peak than the constant ratios' first months), and
/// each unit's role and population follow `rollouts.csv` and `users.csv`.
#[test]
fn rollout_truth_follows_the_design() {
    let (_, sink) = run(&GenerateOptions::default(), false);
    let truth = truth_of(&sink);
    let rollouts = truth["rollouts"].as_array().unwrap();
    assert_eq!(rollouts.len(), 4);
    let att = |f: &serde_json::Value| f["att"].as_f64().unwrap();
    let mut rise = Vec::new();
    for r in rollouts {
        let id = r["project_id"].as_str().unwrap();
        for o in r["outcomes"].as_array().unwrap() {
            let cells = o["att_gt"].as_array().unwrap();
            assert!(cells.iter().filter(|c| c["event_time"].as_i64().unwrap() < 0).all(|c| att(c) == 0.0), "{id}");
            let dynamic: Vec<f64> = o["dynamic"].as_array().unwrap().iter().map(att).collect();
            let simple = att(&o["simple"]);
            if r["zero_effect"] == true {
                assert!(cells.iter().all(|c| att(c) == 0.0) && simple == 0.0, "{id}");
                assert!(dynamic.iter().all(|&d| d == 0.0), "{id}");
                continue;
            }
            assert!(simple > 0.0 && dynamic.iter().all(|&d| d > 0.0), "{id} {}: {dynamic:?}", o["metric"]);
            if o["metric"] == "rate" {
                let peak = dynamic.iter().copied().fold(0.0, f64::max);
                rise.push((r["build_up_months"].as_u64().unwrap(), dynamic[0] / peak));
                if r["build_up_months"] == 6 {
                    assert!(dynamic[0] < dynamic[1] && dynamic[1] < dynamic[2], "{id}: {dynamic:?}");
                }
            }
        }
    }
    let built_up = rise.iter().find(|r| r.0 == 6).unwrap().1;
    assert!(rise.iter().filter(|r| r.0 == 1).all(|r| r.1 > built_up + 0.1), "{rise:?}");

    // The configuration declares each roll-out with its control, and the
    // `min_cell` the truth's suppression assumes.
    let config = String::from_utf8(sink.files["jauge.toml"].clone()).unwrap();
    assert!(config.contains(&format!("min_cell = {}\n", truth::MIN_CELL)));
    assert!(config.contains("rollouts = \"rollouts.csv\"\n"));
    for r in rollouts {
        let line = format!("rollout = {{ by = \"region\", control = \"{}\" }}", r["control"].as_str().unwrap());
        let declared = format!("id = \"{}\"\n{line}\n", r["project_id"].as_str().unwrap());
        assert!(config.contains(&declared), "{declared}");
    }

    // Populations: accepted users.csv rows with a region (the first row of
    // a repeated id wins).
    let users = String::from_utf8(sink.files["users.csv"].clone()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut population: BTreeMap<&str, u64> = BTreeMap::new();
    for line in users.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if !fields[0].is_empty() && seen.insert(fields[0]) && !fields[1].is_empty() {
            *population.entry(fields[1]).or_default() += 1;
        }
    }
    let first = truth["period"]["first_month"].as_str().unwrap();
    for r in rollouts {
        for u in r["units"].as_array().unwrap() {
            let name = u["unit"].as_str().unwrap();
            assert_eq!(u["population"].as_u64(), population.get(name).copied(), "{name}");
            let role = match u["group"].as_str() {
                None => "never_treated",
                Some(g) if g <= first => "left_out",
                Some(_) => "treated",
            };
            assert_eq!(u["role"], role, "{} {name}", r["project_id"]);
        }
    }
}

/// The roll-out truth is summed from exact monthly employment
/// probabilities (`model::employment_by_month`); the simulation draws the
/// same model. Over a large population, the employment rows of each
/// region and month agree with those expectations: Pearson's statistic
/// over the cells stays within 5 standard deviations of its mean (a
/// χ² with as many degrees of freedom as cells, the counts being sums of
/// independent Bernoulli draws, so a little below).
#[test]
fn simulated_employment_matches_its_exact_expectation() {
    let users = if cfg!(debug_assertions) { 60_000 } else { 300_000 };
    let options = GenerateOptions { users, ..GenerateOptions::default() };
    let world = world::World::new(&options);
    let listing = messy::listing(options.users, &mut sample::Rng::new(options.seed, sample::stream::MESSY));
    let pop = population::simulate(&world, &listing);
    let months = options.months as usize;
    let mut observed = vec![0.0; model::REGIONS.len() * months];
    for o in pop.outcomes.iter().filter(|o| o.kind == population::EMPLOYMENT && o.day <= world.as_of) {
        if listing[o.user as usize] == messy::Listing::WithRegion {
            let m = (calendar::month_of_day(o.day) - world.first_month) as usize;
            observed[usize::from(pop.region[o.user as usize]) * months + m] += 1.0;
        }
    }
    let mut statistic = 0.0;
    for (i, o) in observed.iter().enumerate() {
        let expected = pop.rollout_effects.expected(i / months, i % months).0;
        assert!(expected > 1.0, "cell {i}");
        statistic += (o - expected).powi(2) / expected;
    }
    let cells = observed.len() as f64;
    eprintln!("Pearson {statistic:.1} over {cells} cells");
    assert!((statistic - cells).abs() < 5.0 * (2.0 * cells).sqrt(), "{statistic} over {cells} cells");
}
