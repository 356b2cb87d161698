//! Config errors end to end (through `jauge validate` on a copy of the tiny
//! fixture): each bad value of SPEC section 2 stops with exit 1, names the
//! key, its line and the allowed values, points to docs/configuration.md,
//! and shows no internal type name.

mod common;

use common::*;

/// Runs `jauge validate` on the tiny fixture with `from` replaced by `to`
/// in its config; returns the exit code and stderr.
fn validate_with(name: &str, from: &str, to: &str) -> (Option<i32>, String) {
    validate_edited(name, &[(from, to)])
}

fn validate_edited(name: &str, edits: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = scratch(&format!("config-{name}"));
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    let mut config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    for (from, to) in edits {
        assert!(config.contains(from), "{from} is in the tiny config");
        config = config.replacen(from, to, 1);
    }
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let out = jauge(&["validate", "--config", "jauge.toml"], &dir);
    (out.status.code(), stderr(&out))
}

/// Exit 1, every `wanted` piece in the message, a hint to the doc, and no
/// word of serde's or Rust's.
fn assert_config_error(name: &str, from: &str, to: &str, wanted: &[&str]) {
    let (code, err) = validate_with(name, from, to);
    assert_eq!(code, Some(1), "{err}");
    for piece in wanted {
        assert!(err.contains(piece), "{piece:?} missing from:\n{err}");
    }
    assert!(err.contains("\nhint: ") && err.contains("docs/configuration.md"), "{err}");
    for internal in ["Raw", "struct", "i64", "u64", "f64", "i128", "sequence", "SPEC"] {
        assert!(!err.contains(internal), "{internal:?} in:\n{err}");
    }
}

const MIN_CELL: &str = "min_cell = 0";
const WINDOWS: &str = "windows = [30, 90]";
const PRIMARY: &str = "primary = { outcome = \"employment\", window = 30 }";
const NORTH_STAR: &str = "north_star = { kpi = \"active_users\", target = 2 }";
const USERS: &str = "users = \"users.csv\"";
const PROJECT_KEY: &str = "funnel_window_days = 60";

#[test]
fn min_cell_is_0_to_1000() {
    assert_config_error("min-cell", MIN_CELL, "min_cell = 1001", &["line 8", "report.min_cell = 1001", "0 to 1000"]);
    assert_config_error("min-cell-negative", MIN_CELL, "min_cell = -1", &["report.min_cell = -1", "0 to 1000"]);
}

#[test]
fn a_window_is_1_to_3660_days() {
    assert_config_error(
        "windows-huge",
        WINDOWS,
        "windows = [2147483647]",
        &["line 20", "defaults.windows", "1 to 3660"],
    );
    assert_config_error("windows-zero", WINDOWS, "windows = [0, 30]", &["defaults.windows", "1 to 3660"]);
    assert_config_error("windows-wider-than-i64", WINDOWS, "windows = [99999999999999999999]", &["defaults.windows"]);
    assert_config_error(
        "funnel-window",
        "funnel_window_days = 60",
        "funnel_window_days = 0",
        &["[[project]] \"alpha\" funnel_window_days", "1 to 3660"],
    );
}

#[test]
fn lists_repeat_no_value() {
    assert_config_error("windows-twice", WINDOWS, "windows = [30, 30]", &["defaults.windows lists 30 twice"]);
    assert_config_error(
        "segments-twice",
        "segments = [\"region\"]",
        "segments = [\"region\", \"region\"]",
        &["report.segments names \"region\" twice"],
    );
    assert_config_error(
        "outcomes-twice",
        "outcomes = [\"employment\"]",
        "outcomes = [\"employment\", \"employment\"]",
        &["defaults.outcomes names \"employment\" twice"],
    );
}

#[test]
fn allocation_is_strictly_between_0_and_1() {
    for (name, value) in [("allocation-one", "1"), ("allocation-zero", "0.0"), ("allocation-nan", "nan")] {
        assert_config_error(
            name,
            PROJECT_KEY,
            &format!("{PROJECT_KEY}\nallocation = {value}"),
            &["[[project]] \"alpha\" allocation", "strictly between 0 and 1"],
        );
    }
}

#[test]
fn planned_n_is_at_least_2() {
    assert_config_error(
        "planned-n",
        PROJECT_KEY,
        &format!("{PROJECT_KEY}\nplanned_n = 1"),
        &["[[project]] \"alpha\" planned_n = 1", "at least 2"],
    );
}

#[test]
fn primary_names_an_outcome_and_a_window_of_the_project() {
    let window = PRIMARY.replace("window = 30", "window = 60");
    assert_config_error("primary-window", PRIMARY, &window, &["line 26", "window 60", "(30, 90)"]);
    let outcome = PRIMARY.replace("\"employment\"", "\"emploi\"");
    assert_config_error("primary-outcome", PRIMARY, &outcome, &["outcome \"emploi\"", "(employment)"]);
}

#[test]
fn a_north_star_rate_names_a_measured_outcome_and_window_and_targets_are_finite() {
    let rate = NORTH_STAR.replace("active_users", "outcome_rate:hire:30");
    assert_config_error("north-star-outcome", NORTH_STAR, &rate, &["north_star.kpi", "\"hire\""]);
    let rate = NORTH_STAR.replace("active_users", "outcome_rate:employment:180");
    assert_config_error("north-star-window", NORTH_STAR, &rate, &["north_star.kpi", "window 180"]);
    for (name, target) in [("nan", "nan"), ("inf", "inf"), ("minus-inf", "-inf")] {
        let ns = NORTH_STAR.replace("target = 2", &format!("target = {target}"));
        assert_config_error(&format!("north-star-{name}"), NORTH_STAR, &ns, &["north_star.target", "finite"]);
    }
}

#[test]
fn a_north_star_written_as_text_is_answered_in_the_analysts_words() {
    assert_config_error(
        "north-star-text",
        NORTH_STAR,
        "north_star = \"active_users\"",
        &[
            "line 27",
            "[[project]] \"alpha\" north_star = \"active_users\" is text",
            "a table",
            "north_star = { kpi = \"active_users\", target = 5000",
        ],
    );
}

#[test]
fn a_rename_of_no_column_is_named_and_the_fix_reads_the_right_way_round() {
    let typo = format!("{USERS}\n[inputs.columns.outcomes]\nvaleu = \"montant\"");
    assert_config_error(
        "rename-typo",
        USERS,
        &typo,
        &["line 18", "valeu is not a column of the outcomes input", "did you mean value = \"montant\""],
    );
    let reversed = format!("{USERS}\n[inputs.columns.outcomes]\nmontant = \"value\"");
    assert_config_error(
        "rename-reversed",
        USERS,
        &reversed,
        &["montant is not a column", "canonical = \"source\": write value = \"montant\""],
    );
    let segment = format!("{USERS}\n[inputs.columns.users]\nregion = \"REGION\"");
    let (code, err) = validate_with("rename-segment", USERS, &segment);
    assert_eq!(code, Some(1), "a segment may be renamed; the file then lacks REGION: {err}");
    assert!(err.contains("REGION"), "{err}");
}

#[test]
fn an_unknown_key_is_named_with_the_nearest_one() {
    assert_config_error(
        "unknown-key",
        MIN_CELL,
        "min_cel = 0",
        &["unknown key min_cel in [report]", "did you mean min_cell?"],
    );
    assert_config_error(
        "unknown-project-key",
        PROJECT_KEY,
        "funnel_window = 60",
        &["unknown key funnel_window in [[project]]", "did you mean funnel_window_days?"],
    );
    assert_config_error(
        "misplaced-key",
        PROJECT_KEY,
        &format!("{PROJECT_KEY}\nmin_cell = 3"),
        &["unknown key min_cell in [[project]] \"alpha\"", "min_cell belongs in [report]"],
    );
}

#[test]
fn a_syntax_error_names_its_line() {
    assert_config_error("syntax", "title = \"Tiny\"", "title = \"Tiny", &["line 5", "not valid TOML"]);
}

#[test]
fn an_encoding_must_be_known() {
    let bad = format!("{USERS}\n[inputs.encoding]\nusage = \"klingon\"");
    assert_config_error(
        "encoding",
        USERS,
        &bad,
        &["inputs.encoding.usage = \"klingon\" is not an encoding", "windows-1252"],
    );
    let good = format!("{USERS}\n[inputs.encoding]\nusage = \"utf-8\"");
    let (code, err) = validate_with("encoding-good", USERS, &good);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_rollout_needs_its_inputs_and_a_known_control() {
    assert_config_error(
        "rollout-inputs",
        PROJECT_KEY,
        &format!("{PROJECT_KEY}\nrollout = {{ by = \"region\" }}"),
        &["rollout needs inputs.rollouts"],
    );
    let with_input =
        |rollout: &str| format!("{USERS}\nrollouts = \"users.csv\"\n[[project]]\nid = \"beta\"\nrollout = {rollout}");
    assert_config_error(
        "rollout-control",
        USERS,
        &with_input("{ by = \"region\", control = \"sometimes\" }"),
        &["rollout.control = \"sometimes\"", "\"never\"", "\"not_yet\""],
    );
    assert_config_error(
        "rollout-since",
        USERS,
        &with_input("{ by = \"region\", since = \"2025-13\" }"),
        &["rollout.since = \"2025-13\" is not a month"],
    );
}

#[test]
fn a_postgres_input_takes_no_path_and_no_password() {
    let both =
        format!("{USERS}\n[inputs.postgres]\nusage = {{ url = \"postgresql://me@db/x\", query = \"SELECT 1\" }}");
    assert_config_error("postgres-both", USERS, &both, &["both a path (inputs.usage) and a query"]);
    let password = "[inputs.postgres]\nassignments = { url = \"postgresql://me:s3cret@db/x\", query = \"SELECT 1\" }\n\n[defaults]";
    let (code, err) =
        validate_edited("postgres-password", &[("assignments = \"assignments.csv\"", ""), ("[defaults]", password)]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("holds a password") && !err.contains("s3cret"), "{err}");
    // A valid entry is read: here from a port where no server listens.
    let valid = password.replace("me:s3cret@db", "me@127.0.0.1:1");
    let (code, err) =
        validate_edited("postgres-valid", &[("assignments = \"assignments.csv\"", ""), ("[defaults]", &valid)]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("postgres:assignments: cannot reach the server at 127.0.0.1:1"), "{err}");
    assert!(err.contains("hint: check the host and port of inputs.postgres.assignments.url"), "{err}");
}

#[test]
fn labels_are_read() {
    let labels =
        "[labels.outcomes]\nemployment = { fr = \"Retour à l'emploi\", en = \"Return to work\" }\n\n[[project]]";
    let (code, err) = validate_with("labels", "[[project]]", labels);
    assert_eq!(code, Some(0), "{err}");
    let wrong = "[labels.outcomes]\nemployment = { de = \"Arbeit\" }\n\n[[project]]";
    assert_config_error("labels-language", "[[project]]", wrong, &["unknown key de", "fr, en"]);
}

#[test]
fn a_missing_config_file_points_to_jauge_init() {
    let dir = scratch("config-missing");
    let out = jauge(&["validate"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("jauge.toml: cannot read the config file: no such file or folder"), "{err}");
    assert!(err.contains("jauge init"), "{err}");
    assert_eq!(err.matches("no such file").count(), 1, "said once: {err}");
}

/// The whole schema (every key of the template set) but the PostgreSQL
/// entry, which would stop every variant at the same check.
fn full_config() -> Vec<String> {
    jauge::config::template::uncommented().lines().filter(|l| !l.contains("postgresql://")).map(str::to_owned).collect()
}

const TRICKY: [&str; 18] = [
    "\"x\"",
    "\"\"",
    "-1",
    "0",
    "1",
    "2147483647",
    "99999999999999999999",
    "nan",
    "-inf",
    "1.5",
    "[]",
    "[1, 1]",
    "[\"a\", \"a\"]",
    "{}",
    "{ a = 1 }",
    "true",
    "\"2025-13\"",
    "\"user_id\"",
];

/// Replaces the values of some `key = value` lines by tricky ones.
fn mutated(edits: &[(usize, usize)]) -> String {
    let mut lines = full_config();
    let keys: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].contains(" = ") && !lines[i].starts_with('#')).collect();
    for (line, value) in edits {
        let i = keys[line % keys.len()];
        let key = lines[i].split(" = ").next().unwrap_or("").to_owned();
        lines[i] = format!("{key} = {}", TRICKY[value % TRICKY.len()]);
    }
    lines.join("\n")
}

fn assert_worded(result: Result<jauge::config::Settings, jauge::error::Error>) -> Result<(), String> {
    let Err(e) = result else { return Ok(()) };
    let (message, hint) = (e.to_string(), e.hint().unwrap_or("").to_owned());
    if !hint.contains("docs/configuration.md") {
        return Err(format!("no pointer to the doc: {message} / {hint}"));
    }
    for internal in ["Raw", "struct", "i64", "u64", "f64", "i128", "sequence", "SPEC"] {
        if message.contains(internal) || hint.contains(internal) {
            return Err(format!("{internal:?} in: {message} / {hint}"));
        }
    }
    Ok(())
}

use proptest::prelude::*;

proptest! {
    // A fixed seed keeps CI reproducible; change it to explore other cases.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(2026),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_bytes_give_settings_or_a_worded_error(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let result = jauge::config::Settings::from_bytes(std::path::Path::new("jauge.toml"), &bytes);
        prop_assert!(assert_worded(result).is_ok());
    }

    #[test]
    fn any_toml_like_text_gives_settings_or_a_worded_error(text in "(\\[{1,2}(report|inputs|project|defaults|labels(\\.outcomes)?)\\]{1,2}\n|[a-z_]{1,12} = |[\"'\\[\\]{}=,.#\n 0-9a-z-]){0,60}") {
        let result = jauge::config::Settings::from_bytes(std::path::Path::new("jauge.toml"), text.as_bytes());
        let verdict = assert_worded(result);
        prop_assert!(verdict.is_ok(), "{:?}\n{}", verdict, text);
    }

    #[test]
    fn any_bad_value_gives_a_worded_error(edits in proptest::collection::vec((0usize..1000, 0usize..1000), 1..4)) {
        let text = mutated(&edits);
        let result = jauge::config::Settings::from_bytes(std::path::Path::new("jauge.toml"), text.as_bytes());
        let verdict = assert_worded(result);
        prop_assert!(verdict.is_ok(), "{:?}\n{}", verdict, text);
    }
}

#[test]
fn the_full_schema_resolves() {
    let text = full_config().join("\n");
    let settings = jauge::config::Settings::from_bytes(std::path::Path::new("jauge.toml"), text.as_bytes());
    assert!(settings.is_ok(), "{:?}", settings.err().map(|e| e.to_string()));
}
