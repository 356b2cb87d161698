//! Inputs read from PostgreSQL (SPEC section 3, "Reading from PostgreSQL"),
//! against a real server started by the tests (`pg`): the same rows read
//! from the database and from a file give the same outputs, byte for byte
//! apart from where the rows came from; every failure names the input, the
//! host and the server's message; the password reaches no output.

mod common;
mod pg;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{copy_dir, files_under, root, scratch, stderr};
use pg::{ANALYST, ANALYST_PASSWORD, Cluster, TLS_ONLY};
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
fn tiny(cluster: &Cluster, dir: &Path, db: &str) -> String {
    copy_dir(&root().join("datasets/fixtures/tiny"), dir);
    std::fs::remove_dir_all(dir.join("usage")).unwrap();
    let csv = tiny_usage_csv();
    std::fs::write(dir.join("usage.csv"), &csv).unwrap();
    let mut client = cluster.database(
        db,
        "CREATE TABLE events (line serial PRIMARY KEY, project_id text, user_id text, occurred_at text, event text)",
    );
    load(&mut client, &csv);
    let files = std::fs::read_to_string(dir.join("jauge.toml"))
        .unwrap()
        .replace("usage = \"usage/*\"", "usage = \"usage.csv\"");
    std::fs::write(dir.join("files.toml"), &files).unwrap();
    files
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
    let files = tiny(cluster, &dir, "tiny");
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

/// The tiny fixture read from database `db` with `url`'s parameters and
/// `query`, by `jauge validate`.
fn validate_tiny(cluster: &Cluster, name: &str, user: &str, params: &str, query: &str, env: &[(&str, &str)]) -> Output {
    let dir = scratch(name);
    let files = tiny(cluster, &dir, name.replace('-', "_").as_str());
    let url = cluster.url(user, &name.replace('-', "_"), params);
    std::fs::write(dir.join("db.toml"), database_config(&files, "usage = \"usage.csv\"", &url, query)).unwrap();
    let o = jauge(&["validate", "--config", "db.toml"], &dir, env);
    assert_no_password(&dir.join("home"), &o);
    o
}

/// A run stopped with exit 1 by an error naming the input, the host and
/// `said`, with a hint.
fn assert_stopped(o: &Output, host: &str, said: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: postgres:usage"), "{err}");
    assert!(err.contains(host), "the host {host}: {err}");
    for s in said {
        assert!(err.contains(s), "{s:?} in {err}");
    }
    assert!(err.contains("\nhint: "), "{err}");
}

#[test]
fn each_failure_names_the_input_the_host_and_the_server_message() {
    let Some(cluster) = pg::cluster() else { return };
    let host = format!("127.0.0.1:{}", cluster.port);
    let pw = with_password();

    let wrong = [("PGPASSWORD", "not-the-password-4417")];
    let o = validate_tiny(cluster, "pg-refused", ANALYST, "", QUERY, &wrong);
    assert_stopped(&o, &host, &["the server refused the login", "password authentication failed for user \"analyst\""]);
    assert!(stderr(&o).contains("PGPASSWORD") && !stderr(&o).contains("not-the-password-4417"), "{}", stderr(&o));

    let o = validate_tiny(cluster, "pg-no-password", ANALYST, "", QUERY, &[]);
    assert_stopped(&o, &host, &["the server asks for a password", "~/.pgpass"]);

    let o = validate_tiny(cluster, "pg-no-table", ANALYST, "", "SELECT * FROM nowhere", &pw);
    assert_stopped(&o, &host, &["the query names a table that does not exist", "relation \"nowhere\" does not exist"]);

    let o = validate_tiny(cluster, "pg-syntax", ANALYST, "", "SELECT project_id FROM events WHERE", &pw);
    assert_stopped(&o, &host, &["the query is not valid", "syntax error at end of input"]);

    // A failure on a row, while the result streams.
    let failing = "SELECT project_id, user_id, occurred_at, (1 / (line - 3))::text AS event FROM events ORDER BY line";
    let o = validate_tiny(cluster, "pg-division", ANALYST, "", failing, &pw);
    assert_stopped(&o, &host, &["the query stopped while its rows were read", "division by zero"]);

    let o = validate_tiny(cluster, "pg-no-column", ANALYST, "", "SELECT project_id, user_id, event FROM events", &pw);
    assert_stopped(&o, &host, &["column `occurred_at`", "the required column `occurred_at` is missing"]);
    assert!(stderr(&o).contains("inputs.postgres.usage.query"), "{}", stderr(&o));

    // No server at all on that port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = scratch("pg-unreachable");
    let files = tiny(cluster, &dir, "pg_unreachable");
    let url = format!("postgresql://{ANALYST}@127.0.0.1:{closed}/tiny");
    std::fs::write(dir.join("db.toml"), database_config(&files, "usage = \"usage.csv\"", &url, QUERY)).unwrap();
    let o = jauge(&["run", "--config", "db.toml", "--out", "out"], &dir, &pw);
    assert_stopped(&o, &format!("127.0.0.1:{closed}"), &["cannot reach the server", "Connection refused"]);
    assert!(!dir.join("out").exists(), "a stopped run writes nothing");
    assert_no_password(&dir, &o);
}

#[test]
fn the_password_file_is_read_as_psql_reads_it() {
    let Some(cluster) = pg::cluster() else { return };
    let dir = scratch("pg-pgpass");
    let files = tiny(cluster, &dir, "pgpass");
    let url = cluster.url(ANALYST, "pgpass", "");
    std::fs::write(dir.join("db.toml"), database_config(&files, "usage = \"usage.csv\"", &url, QUERY)).unwrap();
    let pgpass = dir.join("home/.pgpass");
    std::fs::create_dir_all(dir.join("home")).unwrap();
    // A line for another database first; then a wildcard line, whose
    // password's colon is escaped as libpq's documentation says.
    let port = cluster.port;
    std::fs::write(
        &pgpass,
        format!("127.0.0.1:{port}:other:{ANALYST}:wrong\n127.0.0.1:*:pgpass:{ANALYST}:{ANALYST_PASSWORD}\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = jauge(&["run", "--config", "db.toml", "--out", "out"], &dir, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_no_password(&dir.join("out"), &o);

    // A password file others may read is not read, and the hint says why.
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = jauge(&["validate", "--config", "db.toml"], &dir, &[]);
    assert_stopped(
        &o,
        &format!("127.0.0.1:{port}"),
        &["the server asks for a password", "may be read by others", "chmod 600"],
    );
    assert_no_password(&dir.join("out"), &o);
}

#[test]
fn sslmode_require_encrypts_and_checks_a_root_certificate_when_given() {
    let Some(cluster) = pg::cluster() else { return };
    let pw = with_password();
    // The TLS-only role is refused on a connection without TLS.
    let o = validate_tiny(cluster, "pg-tls-off", TLS_ONLY, "?sslmode=disable", QUERY, &pw);
    let host = format!("127.0.0.1:{}", cluster.port);
    assert_stopped(&o, &host, &["no encryption"]);

    let o = validate_tiny(cluster, "pg-tls", TLS_ONLY, "?sslmode=require", QUERY, &pw);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("postgres:usage"));

    // With a root certificate, the server's must chain to it.
    let ca = cluster.ca_pem.to_str().unwrap();
    let env = [pw[0], ("PGSSLROOTCERT", ca)];
    let o = validate_tiny(cluster, "pg-tls-ca", TLS_ONLY, "?sslmode=require", QUERY, &env);
    assert!(o.status.success(), "{}", stderr(&o));
    let stranger = cluster.stranger_pem.to_str().unwrap();
    let env = [pw[0], ("PGSSLROOTCERT", stranger)];
    let o = validate_tiny(cluster, "pg-tls-stranger", TLS_ONLY, "?sslmode=require", QUERY, &env);
    assert_stopped(&o, &host, &["the encrypted connection failed", "PGSSLROOTCERT"]);
}

/// The demo's usage, its monthly parquet parts, as one comma CSV in reading
/// order, instants in RFC 3339 (UTC, µs).
fn demo_usage_csv() -> String {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(root().join("datasets/demo/usage"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    parts.sort();
    let mut out = String::from("project_id,user_id,occurred_at,event\n");
    for part in parts {
        let df = common::read_parquet(&part);
        let project = df.column("project_id").unwrap().str().unwrap().clone();
        let user = df.column("user_id").unwrap().cast(&DataType::Int64).unwrap();
        let user = user.i64().unwrap().clone();
        let at = df.column("occurred_at").unwrap().datetime().unwrap().physical().clone();
        let event = df.column("event").unwrap().cast(&DataType::String).unwrap();
        let event = event.str().unwrap().clone();
        for i in 0..df.height() {
            let us = at.get(i).unwrap();
            let stamp = chrono::DateTime::from_timestamp_micros(us).unwrap().format("%Y-%m-%dT%H:%M:%S%.6fZ");
            out.push_str(&format!(
                "{},{},{stamp},{}\n",
                project.get(i).unwrap(),
                user.get(i).unwrap(),
                event.get(i).unwrap()
            ));
        }
    }
    out
}

#[test]
fn the_demo_from_typed_columns_gives_the_outputs_of_its_file() {
    let Some(cluster) = pg::cluster() else { return };
    let dir = scratch("pg-demo");
    copy_dir(&root().join("datasets/demo"), &dir);
    std::fs::remove_dir_all(dir.join("usage")).unwrap();
    let csv = demo_usage_csv();
    std::fs::write(dir.join("usage.csv"), &csv).unwrap();
    // The types a product's database has: an integer id, an instant.
    let mut client = cluster.database(
        "demo",
        "CREATE TABLE events (line bigserial PRIMARY KEY, project_id text NOT NULL, user_id bigint NOT NULL, \
         occurred_at timestamptz NOT NULL, event text NOT NULL)",
    );
    load(&mut client, &csv);
    let files = std::fs::read_to_string(dir.join("jauge.toml"))
        .unwrap()
        .replace("usage = \"usage/*\"", "usage = \"usage.csv\"");
    std::fs::write(dir.join("files.toml"), &files).unwrap();
    let url = cluster.url(ANALYST, "demo", "");
    std::fs::write(dir.join("db.toml"), database_config(&files, "usage = \"usage.csv\"", &url, QUERY)).unwrap();

    let from_files = jauge(&["run", "--config", "files.toml", "--out", "out-files"], &dir, &[]);
    assert!(from_files.status.success(), "{}", stderr(&from_files));
    let from_db = jauge(&["run", "--config", "db.toml", "--out", "out-db"], &dir, &with_password());
    assert!(from_db.status.success(), "{}", stderr(&from_db));
    assert_same_outputs(&dir.join("out-files"), &dir.join("out-db"), "usage.csv");
    assert_no_password(&dir.join("out-db"), &from_db);
    let rows = csv.lines().count() as u64 - 1;
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out-db/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["totals"]["usage"]["rows_read"].as_u64(), Some(rows));
}
