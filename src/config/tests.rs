//! The schema, `jauge init`'s template and docs/configuration.md hold the
//! same keys in the same order; the template's values are the defaults.

use std::collections::BTreeMap;
use std::path::Path;

use super::raw::*;
use super::template::{self, TEMPLATE};
use super::{InputKind, RolloutControl, Settings};

/// Every field of the schema set, written without `..Default`, so that a
/// new key cannot compile without being listed here, and so in the
/// template and the doc.
fn every_key() -> RawConfig {
    let per_input = |value: &str| RawPerInput {
        projects: Some(value.to_owned()),
        users: Some(value.to_owned()),
        usage: Some(value.to_owned()),
        outcomes: Some(value.to_owned()),
        assignments: Some(value.to_owned()),
        rollouts: Some(value.to_owned()),
    };
    let label = || RawLabel { fr: Some("Emploi".into()), en: Some("Job".into()) };
    RawConfig {
        report: RawReport {
            title: Some("t".into()),
            lang: Some("fr".into()),
            timezone: Some("UTC".into()),
            min_cell: Some(10),
            segments: Some(vec!["region".into()]),
        },
        inputs: RawInputs {
            projects: Some("p.csv".into()),
            usage: Some("u.csv".into()),
            outcomes: Some("o.csv".into()),
            assignments: Some("a.csv".into()),
            users: Some("s.csv".into()),
            rollouts: Some("r.csv".into()),
            columns: RawPerInput {
                usage: Some(BTreeMap::from([("user_id".into(), "id".into())])),
                ..RawPerInput::default()
            },
            source_timezone: per_input("UTC"),
            encoding: per_input("utf-8"),
            postgres: RawPerInput {
                usage: Some(RawPostgres { url: "postgresql://a@b/c".into(), query: "SELECT 1".into() }),
                ..RawPerInput::default()
            },
        },
        defaults: RawDefaults {
            outcomes: Some(vec!["employment".into()]),
            windows: Some(vec![30]),
            censor_outcome: Some("deregistered".into()),
        },
        project: vec![RawProject {
            id: "a".into(),
            funnel: Some(vec!["visit".into()]),
            funnel_window_days: Some(30),
            outcomes: Some(vec!["employment".into()]),
            windows: Some(vec![30]),
            primary: Some(RawPrimary { outcome: "employment".into(), window: 30 }),
            allocation: Some(0.5),
            north_star: Some(RawNorthStar { kpi: "events".into(), target: 1.0, direction: Some("higher".into()) }),
            planned_n: Some(100),
            rollout: Some(RawRollout {
                by: "region".into(),
                control: Some("never".into()),
                since: Some("2025-01".into()),
            }),
        }],
        labels: RawLabels {
            outcomes: BTreeMap::from([("employment".into(), label())]),
            events: BTreeMap::from([("visit".into(), label())]),
        },
    }
}

/// The documented names of a TOML value's leaf keys.
fn value_keys(value: &toml::Value, path: &mut Vec<String>, out: &mut Vec<String>) {
    match value {
        toml::Value::Table(table) => {
            for (key, inner) in table {
                path.push(key.clone());
                value_keys(inner, path, out);
                path.pop();
            }
        }
        toml::Value::Array(items) if items.iter().all(toml::Value::is_table) && !items.is_empty() => {
            items.iter().for_each(|item| value_keys(item, path, out));
        }
        _ => {
            let key = template::doc_key(&path.iter().map(String::as_str).collect::<Vec<_>>());
            if !out.contains(&key) {
                out.push(key);
            }
        }
    }
}

#[test]
fn the_template_holds_every_key_of_the_schema_and_no_other() {
    let mut schema = Vec::new();
    value_keys(&toml::Value::try_from(every_key()).unwrap(), &mut Vec::new(), &mut schema);
    let mut in_template = template::doc_keys(&template::uncommented()).unwrap();
    schema.sort();
    in_template.sort();
    assert_eq!(in_template, schema);
    let parsed: Result<RawConfig, _> = toml::from_str(&template::uncommented());
    assert!(parsed.is_ok(), "every key of the template is one of the schema: {:?}", parsed.err());
}

#[test]
fn the_doc_has_an_entry_for_each_key_in_the_template_order() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md")).unwrap();
    let entries: Vec<&str> =
        doc.lines().filter_map(|l| l.strip_prefix("### `").and_then(|l| l.strip_suffix('`'))).collect();
    assert_eq!(entries, template::doc_keys(&template::uncommented()).unwrap());
    for entry in doc.split("\n### ").skip(1) {
        for part in ["- Type:", "- Default:", "- Allowed:", "- Example:"] {
            assert!(entry.contains(part), "{part} missing from the entry {}", entry.lines().next().unwrap_or(""));
        }
    }
}

fn settings(text: &str) -> Settings {
    Settings::from_bytes(Path::new("jauge.toml"), text.as_bytes()).unwrap()
}

#[test]
fn the_template_as_written_sets_the_defaults() {
    let minimal = r#"
[inputs]
projects = "exports/projects.csv"
usage = "exports/usage/*.csv"
outcomes = "exports/outcomes.csv"
"#;
    let json = |s: &Settings| serde_json::to_value(s).unwrap();
    assert_eq!(json(&settings(TEMPLATE)), json(&settings(minimal)));
}

#[test]
fn the_new_keys_reach_the_settings() {
    let text = r#"
[report]
segments = ["region"]
[inputs]
projects = "p.csv"
usage = "u.csv"
outcomes = "o.csv"
users = "users.csv"
rollouts = "rollouts.csv"
[inputs.encoding]
projects = "windows-1252"
usage = "UTF-8"
[inputs.columns.users]
agence = "code_agence"
[[project]]
id = "a"
planned_n = 2000
rollout = { by = "agence", control = "not_yet", since = "2025-01" }
[labels.outcomes]
employment = { fr = "Retour à l'emploi" }
"#;
    let s = settings(text);
    let a = s.project("a").unwrap();
    assert_eq!(a.planned_n, Some(2000));
    let rollout = a.rollout.as_ref().unwrap();
    assert_eq!((rollout.by.as_str(), rollout.control), ("agence", RolloutControl::NotYet));
    assert_eq!(rollout.since.map(crate::tz::format_month).as_deref(), Some("2025-01"));
    assert_eq!(s.input(InputKind::Projects).unwrap().encoding, Some(encoding_rs::WINDOWS_1252));
    assert_eq!(s.input(InputKind::Usage).unwrap().encoding, None, "UTF-8 is the default, not an encoding to apply");
    assert!(s.input(InputKind::Rollouts).unwrap().resolved.ends_with("rollouts.csv"));
    assert_eq!(s.user_columns(), ["region", "agence"]);
    assert_eq!(s.labels.outcome(crate::format::Lang::Fr, "employment"), "Retour à l'emploi");
    assert_eq!(s.labels.outcome(crate::format::Lang::En, "employment"), "employment");
}
