//! Disclosure control under attack (SPEC section 6): small random
//! incubators (a few products with 1 to 30 users, segment values with one
//! user, trials with a handful of assignments) go through the whole
//! `jauge run`, once with `min_cell = 3` and once with `min_cell = 0` for
//! the truth; the attacker of `attack/` reads what the first run published
//! and must recover no hidden count and find no count between 1 and 2.
//!
//! `PROPTEST_CASES` sets the number of cases (64 in CI, fixed seed);
//! `attack_census` (ignored) tallies the kinds of leak over many cases.

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
    };
    jauge::commands::run::run(&args, Verbosity { quiet: true, verbose: 0 }).unwrap();
    out
}

/// The segment values with fewer than k users: in the `users` input, and
/// for `(missing)` among the users of E.
fn oracle(inc: &Incubator) -> Oracle {
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    let mut missing = 0;
    for (i, person) in inc.people.iter().enumerate() {
        let active = !person.events.is_empty() || i == 0;
        match person.region {
            Region::Value(r) => *sizes.entry(format!("region=r{r}")).or_default() += 1,
            Region::Empty | Region::NoRow => missing += u64::from(active),
        }
    }
    sizes.insert("region=(missing)".into(), missing);
    Oracle { small_segments: sizes.into_iter().filter(|(_, n)| *n < K).map(|(s, _)| s).collect() }
}

static CASE: AtomicUsize = AtomicUsize::new(0);

/// The attacker's findings on one incubator.
fn findings(inc: &Incubator) -> Vec<Finding> {
    let dir = common::scratch(&format!("privacy-{}-{}", std::process::id(), CASE.fetch_add(1, Ordering::Relaxed)));
    write_inputs(&dir, inc);
    let (published, truth) = (Run::open(&run(&dir, K)), Run::open(&run(&dir, 0)));
    let month = jauge::tz::day_of(2026, 10, 1).unwrap();
    let setting = Setting { k: K, month, as_of: jauge::tz::day_of(2026, 10, 31).unwrap(), windows: WINDOWS.to_vec() };
    let found = attack::attack(&published, &truth, &setting, &oracle(inc));
    let _ = std::fs::remove_dir_all(&dir);
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
