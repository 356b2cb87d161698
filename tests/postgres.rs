//! Inputs read from PostgreSQL (SPEC section 3, "Reading from PostgreSQL"),
//! against a real server started by the tests (`pg`): the same rows read
//! from the database and from a file give the same outputs, byte for byte
//! apart from where the rows came from; every failure names the input, the
//! host and the server's message; the password reaches no output.

mod common;
mod pg;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{copy_dir, root, scratch};
use pg::{ANALYST, ANALYST_PASSWORD, Cluster};
use polars::prelude::*;

const QUERY: &str = "SELECT project_id, user_id, occurred_at, event FROM events ORDER BY line";

/// Runs jauge with a clean PostgreSQL environment: no password but the ones
/// given, and a home of its own (no ~/.pgpass, no root certificate).
fn jauge(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let home = cwd.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jauge"));
    command.args(args).current_dir(cwd).env("HOME", &home);
    for var in ["PGPASSWORD", "PGPASSFILE", "PGSSLROOTCERT", "PGHOST", "PGPORT", "PGUSER"] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("the jauge binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn with_password() -> [(&'static str, &'static str); 1] {
    [("PGPASSWORD", ANALYST_PASSWORD)]
}

/// A config that reads usage from `url` with `query`, from the config at
/// `files` whose usage line is `usage_line`.
fn database_config(files: &str, usage_line: &str, url: &str, query: &str) -> String {
    assert!(files.contains(usage_line), "{usage_line}");
    let entry = format!("\n[inputs.postgres]\nusage = {{ url = {url:?}, query = {query:?} }}\n");
    files.replace(usage_line, "") + &entry
}

/// The tiny fixture's usage as one comma CSV, in reading order: its CSV
/// part, then its NDJSON part (fields as written, ids as text).
fn tiny_usage_csv() -> String {
    let dir = root().join("datasets/fixtures/tiny/usage");
    let csv = std::fs::read_to_string(dir.join("a.csv")).unwrap();
    let mut out = csv.trim_start_matches('\u{feff}').replace(';', ",");
    for line in std::fs::read_to_string(dir.join("b.ndjson")).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let field = |k: &str| match &record[k] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.push_str(&format!(
            "{},{},{},{}\n",
            field("project_id"),
            field("user_id"),
            field("occurred_at"),
            field("event")
        ));
    }
    out
}

/// Loads `csv` (with a header) into the table `events` of `db`.
fn load(client: &mut postgres::Client, csv: &str) {
    let mut writer = client
        .copy_in("COPY events (project_id, user_id, occurred_at, event) FROM STDIN WITH (FORMAT csv, HEADER)")
        .unwrap();
    std::io::Write::write_all(&mut writer, csv.as_bytes()).unwrap();
    writer.finish().unwrap();
}

/// The tiny fixture in `dir`, its usage in `usage.csv` and in database
/// `tiny` (text columns, so that every malformed value goes through as it is
/// written). Returns the file config's text.
fn tiny(cluster: &Cluster, dir: &Path) -> String {
    copy_dir(&root().join("datasets/fixtures/tiny"), dir);
    std::fs::remove_dir_all(dir.join("usage")).unwrap();
    let csv = tiny_usage_csv();
    std::fs::write(dir.join("usage.csv"), &csv).unwrap();
    let mut client = cluster.database(
        "tiny",
        "CREATE TABLE events (line serial PRIMARY KEY, project_id text, user_id text, occurred_at text, event text)",
    );
    load(&mut client, &csv);
    let files = std::fs::read_to_string(dir.join("jauge.toml"))
        .unwrap()
        .replace("usage = \"usage/*\"", "usage = \"usage.csv\"");
    std::fs::write(dir.join("files.toml"), &files).unwrap();
    files
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The manifest without the provenance of the usage rows (its file entry,
/// the config's hash and the usage setting) and the timings.
fn manifest_without_provenance(dir: &Path) -> serde_json::Value {
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let m_obj = m.as_object_mut().unwrap();
    for key in ["timings", "config_sha256"] {
        m_obj.remove(key);
    }
    for input in m["inputs"].as_array_mut().unwrap() {
        if input["input"] == "usage" {
            for key in ["file", "sha256", "query", "server_version"] {
                input.as_object_mut().unwrap().remove(key);
            }
        }
    }
    for input in m["settings"]["inputs"].as_array_mut().unwrap() {
        if input["kind"] == "usage" {
            for key in ["pattern", "postgres"] {
                input.as_object_mut().unwrap().remove(key);
            }
        }
    }
    m
}

/// The hash of the config a run's manifest records.
fn config_sha(dir: &Path) -> String {
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    m["config_sha256"].as_str().unwrap().to_owned()
}

/// `text` with the provenance of a run put as `b`'s: the usage's file name
/// and the config's hash (whole, and its 12-digit short form).
fn as_b(text: &str, (label, sha): (&str, &str), b_sha: &str) -> String {
    text.replace(label, "postgres:usage").replace(sha, b_sha).replace(&sha[..12], &b_sha[..12])
}

/// The outputs of the run from files (`a`, whose usage file is `label`) and
/// of the run from the database (`b`) are the same: byte for byte, but for
/// the provenance: the usage's file name, `postgres:usage` in `b`, and the
/// config's hash.
fn assert_same_outputs(a: &Path, b: &Path, label: &str) {
    let (a_sha, b_sha) = (config_sha(a), config_sha(b));
    let files = files_under(a);
    assert_eq!(files, files_under(b), "the same files are written");
    assert!(files.len() > 20, "{files:?}");
    for file in &files {
        let (x, y) = (std::fs::read(a.join(file)).unwrap(), std::fs::read(b.join(file)).unwrap());
        let name = file.to_string_lossy();
        if name == "manifest.json" {
            assert_eq!(manifest_without_provenance(a), manifest_without_provenance(b));
        } else if name.ends_with("rejects.parquet") {
            let frame = |dir: &Path, from: &str| {
                let df = common::read_parquet(&dir.join(file));
                let renamed = df
                    .column("file")
                    .unwrap()
                    .str()
                    .unwrap()
                    .apply(|f| f.map(|f| f.replace(from, "postgres:usage").into()));
                let mut df = df.clone();
                df.with_column(renamed.into_series().into()).unwrap();
                df
            };
            assert!(frame(a, label).equals_missing(&frame(b, "postgres:usage")), "{name} differs");
        } else if x != y {
            let (x, y) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
            let x = as_b(&x, (label, &a_sha), &b_sha);
            let first = x.lines().zip(y.lines()).find(|(l, r)| l != r);
            assert!(x == y, "{name} differs beyond the provenance, first at: {first:?}");
        }
    }
}

/// No output, no line of stderr, holds the password.
fn assert_no_password(out: &Path, o: &Output) {
    assert!(!stderr(o).contains(ANALYST_PASSWORD) && !String::from_utf8_lossy(&o.stdout).contains(ANALYST_PASSWORD));
    if out.is_dir() {
        for file in files_under(out) {
            let bytes = std::fs::read(out.join(&file)).unwrap();
            let found = bytes.windows(ANALYST_PASSWORD.len()).any(|w| w == ANALYST_PASSWORD.as_bytes());
            assert!(!found, "{} holds the password", file.display());
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_tiny_fixture_from_the_database_gives_the_outputs_of_its_file() {
    let Some(cluster) = pg::cluster() else { return };
    let dir = scratch("pg-tiny");
    let files = tiny(cluster, &dir);
    let url = cluster.url(ANALYST, "tiny", "");
    std::fs::write(dir.join("db.toml"), database_config(&files, "usage = \"usage.csv\"", &url, QUERY)).unwrap();

    let from_files = jauge(&["run", "--config", "files.toml", "--out", "out-files"], &dir, &[]);
    assert!(from_files.status.success(), "{}", stderr(&from_files));
    let from_db = jauge(&["run", "--config", "db.toml", "--out", "out-db"], &dir, &with_password());
    assert!(from_db.status.success(), "{}", stderr(&from_db));
    assert_same_outputs(&dir.join("out-files"), &dir.join("out-db"), "usage.csv");
    assert_no_password(&dir.join("out-db"), &from_db);

    // The manifest records the query, the server and the hash of the rows as
    // read: with text columns the result is the table's own CSV, hashed here
    // by the test's own client.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out-db/manifest.json")).unwrap()).unwrap();
    let usage = manifest["inputs"].as_array().unwrap().iter().find(|i| i["input"] == "usage").unwrap();
    assert_eq!(usage["file"], "postgres:usage");
    assert_eq!(usage["query"], QUERY);
    assert_eq!(usage["server_version"], cluster.version.as_str());
    let mut client = cluster.admin("tiny");
    let mut rows = Vec::new();
    let copy = format!("COPY ({QUERY}) TO STDOUT WITH (FORMAT csv, HEADER)");
    std::io::Read::read_to_end(&mut client.copy_out(copy.as_str()).unwrap(), &mut rows).unwrap();
    assert_eq!(usage["sha256"], sha256_hex(&rows));
    // 12 + 3 rows: rows_read = accepted + rejected + duplicate + after_cutoff.
    let counts = |k: &str| usage[k].as_u64().unwrap();
    assert_eq!(counts("rows_read"), 15);
    assert_eq!(counts("accepted") + counts("rejected") + counts("duplicate") + counts("after_cutoff"), 15);

    // `jauge validate` reads the same way.
    let validate_files = jauge(&["validate", "--config", "files.toml"], &dir, &[]);
    let validate_db = jauge(&["validate", "--config", "db.toml"], &dir, &with_password());
    assert!(validate_db.status.success(), "{}", stderr(&validate_db));
    let text = |o: &Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text(&validate_db).contains("postgres:usage"), "{}", text(&validate_db));
    // The file name is a column of its own width: compare without spaces.
    // A CSV's reject is shown at its line (its row + the header); a
    // query's at its row.
    let squeeze = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut expected = squeeze(text(&validate_files).replace("usage.csv", "postgres:usage"));
    for row in 1..=15 {
        expected =
            expected.replace(&format!("postgres:usage, line {}, ", row + 1), &format!("postgres:usage, row {row}, "));
    }
    assert_eq!(expected, squeeze(text(&validate_db)));
    assert!(expected.contains("postgres:usage, row 9, column user_id: user_id is empty"), "{expected}");
    assert_no_password(&dir, &validate_db);
}
