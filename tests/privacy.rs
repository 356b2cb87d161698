//! Disclosure control under attack (SPEC section 6): small random
//! incubators (a few products with 1 to 30 users, segment values with one
//! user, trials with a handful of assignments) go through the whole
//! `jauge run`, once with `min_cell = 3` and once with `min_cell = 0` for
//! the truth; the attacker of `attack/` reads what the first run published
//! and must recover no hidden count and find no count between 1 and 2.
//!
//! `PROPTEST_CASES` sets the number of cases (64 in CI, fixed seed). By
//! hand (`-- --ignored --nocapture`): `attack_census` tallies the kinds of
//! leak over many cases, `attack_kept` replays a folder the property test
//! kept, `attack_demo` attacks the shipped demo. A second test checks the
//! counts the report and the charts print.

mod attack;
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use attack::{Finding, Oracle, Setting, read::Run};
use jauge::cli::{RunArgs, SourceArgs};
use jauge::progress::Verbosity;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestRunner};

const K: u64 = 3;
const MONTHS: [&str; 4] = ["2026-07", "2026-08", "2026-09", "2026-10"];
const WINDOWS: [i32; 2] = [30, 90];

/// Where a user stands in the `users` input.
#[derive(Debug, Clone, Copy)]
enum Region {
    Value(u8),
    Empty,
    NoRow,
}

/// One person: events (product, month, day, signup?), outcomes
/// (employment?, month, day) and a region.
#[derive(Debug, Clone)]
struct Person {
    region: Region,
    events: Vec<(u8, u8, u8, bool)>,
    outcomes: Vec<(bool, u8, u8)>,
}

#[derive(Debug, Clone)]
struct Incubator {
    products: u8,
    people: Vec<Person>,
    /// (person, treatment, month, day) in product p0.
    trial: Vec<(usize, bool, u8, u8)>,
}

fn region() -> impl Strategy<Value = Region> {
    // Four values, the last one rare, so that values with one user are common.
    prop_oneof![
        6 => (0u8..3).prop_map(Region::Value),
        1 => Just(Region::Value(3)),
        1 => Just(Region::Empty),
        2 => Just(Region::NoRow),
    ]
}

fn person(products: u8) -> impl Strategy<Value = Person> {
    let event = (0..products, 0u8..4, 1u8..29, proptest::bool::weighted(0.4));
    (
        region(),
        proptest::collection::vec(event, 0..6),
        proptest::collection::vec((proptest::bool::weighted(0.7), 0u8..4, 1u8..29), 0..3),
    )
        .prop_map(|(region, events, outcomes)| Person { region, events, outcomes })
}

fn incubator() -> impl Strategy<Value = Incubator> {
    (2u8..4).prop_flat_map(|products| {
        proptest::collection::vec(person(products), 2..40).prop_flat_map(move |people| {
            let n = people.len();
            let assignment = (0..n, proptest::bool::ANY, 0u8..4, 1u8..29);
            proptest::collection::vec(assignment, 0..12).prop_map(move |trial| Incubator {
                products,
                people: people.clone(),
                trial,
            })
        })
    })
}

fn day(month: u8, day: u8) -> String {
    format!("{}-{day:02}", MONTHS[month as usize])
}

fn write_inputs(dir: &Path, inc: &Incubator) {
    let mut projects = "project_id,name,annual_cost_eur\n".to_owned();
    for p in 0..inc.products {
        let cost = if p == 0 { "12000" } else { "" };
        writeln!(projects, "p{p},p{p},{cost}").unwrap();
    }
    let (mut users, mut usage, mut outcomes) = (
        "user_id,region\n".to_owned(),
        "project_id,user_id,occurred_at,event\n".to_owned(),
        "user_id,outcome,occurred_on\n".to_owned(),
    );
    // Someone uses p0 in the reporting month, so that it is the default.
    writeln!(usage, "p0,0,2026-10-20T12:00:00Z,visit").unwrap();
    for (i, person) in inc.people.iter().enumerate() {
        match person.region {
            Region::Value(r) => writeln!(users, "{i},r{r}").unwrap(),
            Region::Empty => writeln!(users, "{i},").unwrap(),
            Region::NoRow => {}
        }
        for (p, m, d, signup) in &person.events {
            let event = if *signup { "signup" } else { "visit" };
            writeln!(usage, "p{p},{i},{}T12:00:00Z,{event}", day(*m, *d)).unwrap();
        }
        for (employment, m, d) in &person.outcomes {
            let outcome = if *employment { "employment" } else { "deregistered" };
            writeln!(outcomes, "{i},{outcome},{}", day(*m, *d)).unwrap();
        }
    }
    let mut assignments = "project_id,user_id,arm,assigned_on\n".to_owned();
    let mut assigned = BTreeSet::new();
    for (i, treatment, m, d) in &inc.trial {
        if assigned.insert(*i) {
            let arm = if *treatment { "treatment" } else { "control" };
            writeln!(assignments, "p0,{i},{arm},{}", day(*m, *d)).unwrap();
        }
    }
    for (name, text) in [
        ("projects", projects),
        ("users", users),
        ("usage", usage),
        ("outcomes", outcomes),
        ("assignments", assignments),
    ] {
        std::fs::write(dir.join(format!("{name}.csv")), text).unwrap();
    }
}

fn config(k: u64) -> String {
    format!(
        r#"
[report]
lang = "en"
min_cell = {k}
segments = ["region"]
[inputs]
projects = "projects.csv"
usage = "usage.csv"
outcomes = "outcomes.csv"
assignments = "assignments.csv"
users = "users.csv"
[defaults]
outcomes = ["employment"]
windows = [30, 90]
censor_outcome = "deregistered"
[[project]]
id = "p0"
funnel = ["visit", "signup"]
primary = {{ outcome = "employment", window = 30 }}
north_star = {{ kpi = "active_users", target = 10 }}
"#
    )
}

/// Runs `jauge run` on the inputs in `dir` with threshold `k`.
fn run(dir: &Path, k: u64) -> PathBuf {
    let path = dir.join(format!("jauge-{k}.toml"));
    std::fs::write(&path, config(k)).unwrap();
    let out = dir.join(format!("out-{k}"));
    let args = RunArgs {
        source: SourceArgs { config: path, month: Some("2026-10".into()), as_of: None },
        out: Some(out.clone()),
        previous: None,
    };
    jauge::commands::run::run(&args, Verbosity { quiet: true, verbose: 0 }).unwrap();
    out
}

/// The segment values with fewer than k users, from the input files: in
/// the `users` input, and for `(missing)` among the users of E.
fn oracle(dir: &Path) -> Oracle {
    let lines = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap().lines().skip(1).map(str::to_owned).collect::<Vec<_>>()
    };
    let mut region: BTreeMap<String, String> = BTreeMap::new();
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    for line in lines("users.csv") {
        let (id, value) = line.split_once(',').unwrap();
        region.insert(id.to_owned(), value.to_owned());
        if !value.is_empty() {
            *sizes.entry(format!("region={value}")).or_default() += 1;
        }
    }
    let active: BTreeSet<String> = lines("usage.csv").iter().map(|l| l.split(',').nth(1).unwrap().to_owned()).collect();
    let missing = active.iter().filter(|u| region.get(*u).is_none_or(String::is_empty)).count() as u64;
    sizes.insert("region=(missing)".into(), missing);
    Oracle { small_segments: sizes.into_iter().filter(|(_, n)| *n < K).map(|(s, _)| s).collect() }
}

/// The attacker on a folder of inputs, both runs done.
fn attack_folder(dir: &Path) -> Vec<Finding> {
    let (published, truth) = (Run::open(&dir.join(format!("out-{K}"))), Run::open(&dir.join("out-0")));
    let month = jauge::tz::day_of(2026, 10, 1).unwrap();
    let setting = Setting { k: K, month, as_of: jauge::tz::day_of(2026, 10, 31).unwrap(), windows: WINDOWS.to_vec() };
    attack::attack(&published, &truth, &setting, &oracle(dir))
}

static CASE: AtomicUsize = AtomicUsize::new(0);

/// The attacker's findings on one incubator.
fn findings(inc: &Incubator) -> Vec<Finding> {
    let dir = common::scratch(&format!("privacy-{}-{}", std::process::id(), CASE.fetch_add(1, Ordering::Relaxed)));
    write_inputs(&dir, inc);
    run(&dir, K);
    run(&dir, 0);
    let found = attack_folder(&dir);
    if found.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        // Kept to read: the inputs and both runs (see `attack_kept`).
        eprintln!("leaks in {}", dir.display());
    }
    found
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
}

proptest! {
    // A fixed seed keeps CI reproducible; change it to explore other cases.
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 64,
        rng_seed: RngSeed::Fixed(2026),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_attacker_recovers_nothing(inc in incubator()) {
        let found = findings(&inc);
        prop_assert!(found.is_empty(), "{} leaks, first: {:#?}", found.len(), &found[..found.len().min(8)]);
    }
}

/// Tallies the kinds of leak over `PROPTEST_CASES` incubators (the same
/// seed as the property test), never failing: to see what each rule stops.
#[test]
#[ignore = "a census, run by hand: cargo test --release --test privacy -- --ignored --nocapture"]
fn attack_census() {
    let mut runner = TestRunner::new(Config { rng_seed: RngSeed::Fixed(2026), ..Config::default() });
    let mut tally: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut leaky = 0;
    let n = cases();
    for _ in 0..n {
        let inc = incubator().new_tree(&mut runner).unwrap().current();
        let found = findings(&inc);
        leaky += usize::from(!found.is_empty());
        for f in found {
            let entry = tally.entry(f.kind).or_insert((0, f.detail));
            entry.0 += 1;
        }
    }
    println!("{leaky} of {n} incubators leak");
    for (kind, (count, example)) in tally {
        println!("{count:>6}  {kind:<44} e.g. {example}");
    }
}

/// Reruns both runs and the attacker on a kept folder, printing every
/// finding: `ATTACK_DIR=target/test-scratch/privacy-… cargo test
/// --release --test privacy attack_kept -- --ignored --nocapture`.
#[test]
#[ignore = "reads ATTACK_DIR"]
fn attack_kept() {
    let dir = PathBuf::from(std::env::var("ATTACK_DIR").expect("ATTACK_DIR"));
    run(&dir, K);
    run(&dir, 0);
    for f in attack_folder(&dir) {
        println!("{}: {}", f.kind, f.detail);
    }
}

/// The shipped demo run in English (so that the attacker reads its report)
/// with `min_cell = k`, into `dir/out-<k>`.
fn run_demo(dir: &Path, k: u64) -> PathBuf {
    let demo = std::fs::read_to_string(common::root().join("jauge.toml")).unwrap();
    let absolute = format!("\"{}/datasets/demo/", common::root().display());
    let text = demo
        .replace("\"datasets/demo/", &absolute)
        .replace("lang = \"fr\"", "lang = \"en\"")
        .replace("min_cell = 10", &format!("min_cell = {k}"));
    let path = dir.join(format!("jauge-{k}.toml"));
    std::fs::write(&path, text).unwrap();
    let out = dir.join(format!("out-{k}"));
    let args = RunArgs {
        source: SourceArgs { config: path, month: None, as_of: None },
        out: Some(out.clone()),
        previous: None,
    };
    jauge::commands::run::run(&args, Verbosity { quiet: true, verbose: 0 }).unwrap();
    out
}

/// The attacker on the shipped demo (k = 10), in English so that it reads
/// the report: `cargo test --release --test privacy attack_demo --
/// --ignored --nocapture`.
#[test]
#[ignore = "runs the demo twice"]
fn attack_demo() {
    let dir = common::scratch("privacy-demo");
    let (published, truth) = (Run::open(&run_demo(&dir, 10)), Run::open(&run_demo(&dir, 0)));
    let month = jauge::tz::day_of(2026, 10, 1).unwrap();
    let as_of = jauge::tz::day_of(2026, 10, 31).unwrap();
    let setting = Setting { k: 10, month, as_of, windows: vec![30, 90, 180] };
    let found = attack::attack(&published, &truth, &setting, &Oracle { small_segments: BTreeSet::new() });
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &found {
        *tally.entry(&f.kind).or_default() += 1;
    }
    println!("{} findings on the demo: {tally:#?}", found.len());
    for f in found.iter().take(20) {
        println!("  {}", f.detail);
    }
}

/// SPEC 6 "everything else the report prints": every count the report and
/// the charts print (the KPI tables, survival and impact arm sizes, the
/// north star, every `n = …` and the funnel's bars) is a count the
/// protected tables publish, and none is between 1 and k − 1; the data
/// quality section prints shares, not counts of ids. The HTML is the same
/// document as the Markdown (`report::doc`), with the same SVG charts.
/// Fixed incubators of the property test's seed, kept when they have a
/// trial, a funnel step and hidden cells, so that no check is vacuous.
#[test]
fn the_report_prints_only_published_counts() {
    let mut runner = TestRunner::new(Config { rng_seed: RngSeed::Fixed(7), ..Config::default() });
    let mut checked = 0;
    let mut places: BTreeSet<String> = BTreeSet::new();
    while checked < 8 {
        let inc = incubator().new_tree(&mut runner).unwrap().current();
        if inc.trial.len() < 4 {
            continue;
        }
        let dir = common::scratch(&format!("privacy-report-{checked}"));
        write_inputs(&dir, &inc);
        let published = Run::open(&run(&dir, K));
        let tokens = attack::report_count_tokens(&published);
        let published_counts = attack::published_counts(&published);
        for (place, v) in &tokens {
            assert!(!(1..K).contains(v), "{place} prints {v} in {}", dir.display());
            assert!(published_counts.contains(v), "{place} prints {v}, which no table publishes ({})", dir.display());
            places.insert(place.split(" “").next().unwrap_or(place).to_owned());
        }
        let quality = attack::read::md_tables(&published.report).into_iter().find(|t| t.heading == "User id matching");
        let quality = quality.expect("a data-quality table");
        assert_eq!(quality.head, ["Input", "Found in users", "Found in outcomes"]);
        for row in &quality.rows {
            assert!(row[1..].iter().all(|c| c.ends_with('%') || c == "—" || c == "< 3"), "{row:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
        checked += 1;
    }
    // The count contexts were all met (these small products' retention and
    // survival charts say nothing and are left out: the demo's are checked
    // below).
    for place in ["report table", "north star"] {
        assert!(places.contains(place), "{place} in {places:?}");
    }
    assert!(places.iter().any(|p| p.ends_with("_funnel")), "a funnel in {places:?}");
}

/// The demo's own `min_cell`.
const DEMO_K: u64 = 10;

/// The same on the shipped demo (k = 10, in English), whose products have
/// the retention heatmaps and survival curves the small incubators lack.
#[test]
fn the_demo_report_prints_only_published_counts() {
    let published = Run::open(&run_demo(&common::scratch("privacy-demo-report"), DEMO_K));
    let published_counts = attack::published_counts(&published);
    let mut places: BTreeSet<String> = BTreeSet::new();
    for (place, v) in attack::report_count_tokens(&published) {
        assert!(!(1..DEMO_K).contains(&v), "{place} prints {v}");
        assert!(published_counts.contains(&v), "{place} prints {v}, which no table publishes");
        places.insert(place.split(" “").next().unwrap_or(&place).to_owned());
    }
    for place in ["report table", "north star"] {
        assert!(places.contains(place), "{place} in {places:?}");
    }
    for chart in ["_funnel", "_retention", "_survival_employment"] {
        assert!(places.iter().any(|p| p.ends_with(chart)), "{chart} in {places:?}");
    }
}
