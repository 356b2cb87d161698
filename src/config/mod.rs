//! The configuration: `jauge.toml` (the schema of `raw`, documented key by
//! key in docs/configuration.md and written out by `jauge init` from
//! `template`) checked and resolved once by `check`, then merged with the
//! command line into the `Settings` the engine reads. Every error names the
//! key, its line and the allowed values (`diagnose` words serde's errors).
//!
//! Not responsible for reading inputs or checking project ids against the
//! catalog: that needs the data, see `ingest`.

mod check;
mod diagnose;
mod raw;
pub mod template;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cli::SourceArgs;
use crate::error::{Error, Result};
use crate::format::Lang;
use crate::registry::NorthStarKpi;
use crate::tz;

/// The inputs, in the order they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    Projects,
    Users,
    Usage,
    Outcomes,
    Assignments,
    Rollouts,
}

impl InputKind {
    pub const ALL: [InputKind; 6] = [
        InputKind::Projects,
        InputKind::Users,
        InputKind::Usage,
        InputKind::Outcomes,
        InputKind::Assignments,
        InputKind::Rollouts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InputKind::Projects => "projects",
            InputKind::Users => "users",
            InputKind::Usage => "usage",
            InputKind::Outcomes => "outcomes",
            InputKind::Assignments => "assignments",
            InputKind::Rollouts => "rollouts",
        }
    }

    /// The canonical columns of SPEC section 3, required then optional;
    /// `users` also takes the segment and `rollout.by` columns
    /// ([`Settings::user_columns`]).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            InputKind::Projects => {
                &["project_id", "name", "origin", "audience", "phase", "launched_on", "annual_cost_eur"]
            }
            InputKind::Users => &["user_id"],
            InputKind::Usage => &["project_id", "user_id", "occurred_at", "event"],
            InputKind::Outcomes => &["user_id", "outcome", "occurred_on", "value"],
            InputKind::Assignments => &["project_id", "user_id", "arm", "assigned_on"],
            InputKind::Rollouts => &["project_id", "unit", "started_on"],
        }
    }
}

/// An input read from PostgreSQL instead of files. The URL holds no
/// password (a config error): it comes from `PGPASSWORD` or `~/.pgpass`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostgresSource {
    pub url: String,
    pub query: String,
}

/// One configured input: where to find it and how to read its columns.
#[derive(Debug, Clone, Serialize)]
pub struct InputSpec {
    pub kind: InputKind,
    /// As written in the config (relative to the config file);
    /// `postgres:<input>` for an input read from PostgreSQL.
    pub pattern: String,
    #[serde(skip)]
    pub resolved: PathBuf,
    /// canonical name → source name.
    pub renames: BTreeMap<String, String>,
    /// Zone of timestamps written without an offset.
    #[serde(serialize_with = "serialize_tz")]
    pub source_timezone: Tz,
    /// The encoding of its CSV files; none for UTF-8, the default.
    #[serde(serialize_with = "serialize_encoding")]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub postgres: Option<PostgresSource>,
}

fn serialize_tz<S: serde::Serializer>(tz: &Tz, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

fn serialize_encoding<S: serde::Serializer>(
    encoding: &Option<&'static encoding_rs::Encoding>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(encoding.map_or("UTF-8", |e| e.name()))
}

impl InputSpec {
    /// The source column that holds `canonical`.
    pub fn source_column<'a>(&'a self, canonical: &'a str) -> &'a str {
        self.renames.get(canonical).map_or(canonical, String::as_str)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NorthStarSetting {
    pub kpi: NorthStarKpi,
    pub target: f64,
    /// True when lower is better (costs).
    pub lower_is_better: bool,
}

/// Which units a staggered roll-out compares with (SPEC section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RolloutControl {
    /// The units never treated.
    Never,
    /// Those and the units not yet treated.
    NotYet,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RolloutSettings {
    /// The `users` column whose values are the units.
    pub by: String,
    pub control: RolloutControl,
    /// The first period (day number of a month's 1st); none for the first
    /// month of the events.
    #[serde(serialize_with = "serialize_month")]
    pub since: Option<i32>,
}

fn serialize_month<S: serde::Serializer>(month: &Option<i32>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match month {
        Some(m) => s.serialize_str(&tz::format_month(*m)),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectSettings {
    pub id: String,
    pub funnel: Option<Vec<String>>,
    pub funnel_window_days: i32,
    pub outcomes: Vec<String>,
    pub windows: Vec<i32>,
    pub primary: Option<(String, i32)>,
    pub allocation: f64,
    pub north_star: Option<NorthStarSetting>,
    /// The trial's planned number of assignments, when declared.
    pub planned_n: Option<u64>,
    pub rollout: Option<RolloutSettings>,
}

/// The words of a code in each language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Label {
    pub fr: Option<String>,
    pub en: Option<String>,
}

/// `[labels]`: the words shown for outcome and event codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Labels {
    pub outcomes: BTreeMap<String, Label>,
    pub events: BTreeMap<String, Label>,
}

impl Labels {
    /// An outcome's words in `lang`, its code where none is given.
    pub fn outcome<'a>(&'a self, lang: Lang, code: &'a str) -> &'a str {
        word(&self.outcomes, lang, code)
    }

    pub fn event<'a>(&'a self, lang: Lang, code: &'a str) -> &'a str {
        word(&self.events, lang, code)
    }
}

fn word<'a>(labels: &'a BTreeMap<String, Label>, lang: Lang, code: &'a str) -> &'a str {
    let label = labels.get(code);
    let words = label.and_then(|l| match lang {
        Lang::Fr => l.fr.as_deref(),
        Lang::En => l.en.as_deref(),
    });
    words.unwrap_or(code)
}

/// `planned_n` where a trial does not declare it (SPEC section 4).
pub const DEFAULT_PLANNED_N: u64 = 5000;

/// One trial's `planned_n` as the run used it, for the manifest and the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedN {
    pub project_id: String,
    pub planned_n: u64,
    /// False when the default was used: the report says so.
    pub declared: bool,
}

/// Everything the engine reads, resolved once.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    #[serde(skip)]
    pub config_path: PathBuf,
    #[serde(skip)]
    pub config_dir: PathBuf,
    #[serde(skip)]
    pub config_sha256: String,
    pub title: String,
    pub lang: Lang,
    #[serde(serialize_with = "serialize_tz")]
    pub timezone: Tz,
    pub min_cell: u64,
    pub segments: Vec<String>,
    pub inputs: Vec<InputSpec>,
    pub default_outcomes: Vec<String>,
    pub default_windows: Vec<i32>,
    pub censor_outcome: Option<String>,
    /// Per-product settings, sorted by id.
    pub projects: Vec<ProjectSettings>,
    pub labels: Labels,
    /// The reporting month asked for on the command line (day number of the 1st).
    #[serde(skip)]
    pub month: Option<i32>,
    /// The cut-off asked for on the command line (day number).
    #[serde(skip)]
    pub as_of: Option<i32>,
    /// Usage events held in memory before they are spilled to disk
    /// (`ingest::store`); not in the TOML: the default suits any machine,
    /// and tests lower it to exercise the spill.
    #[serde(skip)]
    pub memory_events: usize,
    /// Where they are spilled: the system's temporary folder (`TMPDIR`).
    #[serde(skip)]
    pub spill_dir: PathBuf,
}

/// Usage events held in memory before spilling: 8 Mi events, 192 MiB of
/// the store's 24-byte rows.
pub const DEFAULT_MEMORY_EVENTS: usize = 8 << 20;

impl Settings {
    /// Reads the config file and merges the command line into it.
    pub fn load(args: &SourceArgs) -> Result<Settings> {
        let bytes = std::fs::read(&args.config).map_err(|e| Error::Config {
            file: args.config.display().to_string(),
            line: None,
            message: format!("cannot read the config file: {}", crate::error::describe_io(&e)),
            hint: Some(
                "run jauge from the folder that holds jauge.toml, pass --config FILE, \
                 or write a commented one with `jauge init`"
                    .to_owned(),
            ),
        })?;
        let mut settings = Settings::from_bytes(&args.config, &bytes)?;
        settings.apply_command_line(args)?;
        Ok(settings)
    }

    /// Parses and resolves a config; `path` names it in errors and anchors
    /// its relative paths.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Settings> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            Error::Config {
                file: path.display().to_string(),
                line: Some(line),
                message: "the config file is not UTF-8".to_owned(),
                hint: Some("save jauge.toml as UTF-8 (see docs/configuration.md)".to_owned()),
            }
        })?;
        let raw: raw::RawConfig = toml::from_str(text).map_err(|e| diagnose::toml_error(path, text, &e))?;
        let config_dir = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        check::resolve(raw, &config_dir)
            .map(|mut settings| {
                settings.config_path = path.to_path_buf();
                settings.config_sha256 = sha256_hex(bytes);
                settings
            })
            .map_err(|problem| diagnose::problem(path, text, problem))
    }

    fn apply_command_line(&mut self, args: &SourceArgs) -> Result<()> {
        if let Some(month) = &args.month {
            self.month = Some(parse_month_arg(month)?);
        }
        if let Some(as_of) = &args.as_of {
            let day = parse_day_arg(as_of)?;
            self.as_of = Some(day);
            if self.month.is_none() {
                self.month = Some(tz::month_start(day));
            }
        }
        if let (Some(month), Some(as_of)) = (self.month, self.as_of)
            && tz::month_start(as_of) != month
        {
            return Err(Error::usage(
                format!("--as-of {} is not in the month {}", tz::format_day(as_of), tz::format_month(month)),
                "the cut-off must fall within the reporting month",
            ));
        }
        Ok(())
    }

    pub fn input(&self, kind: InputKind) -> Option<&InputSpec> {
        self.inputs.iter().find(|i| i.kind == kind)
    }

    pub fn project(&self, id: &str) -> Option<&ProjectSettings> {
        self.projects.iter().find(|p| p.id == id)
    }

    /// A trial's `planned_n`, declared or the default.
    pub fn planned_n_for(&self, project_id: &str) -> PlannedN {
        let declared = self.project(project_id).and_then(|p| p.planned_n);
        PlannedN {
            project_id: project_id.to_owned(),
            planned_n: declared.unwrap_or(DEFAULT_PLANNED_N),
            declared: declared.is_some(),
        }
    }

    /// Gives every `rollout` without `since` its default, the first month
    /// of the events, once that is known: the manifest then records the
    /// periods the run used.
    pub fn resolve_rollout_since(&mut self, first_month: i32) {
        for rollout in self.projects.iter_mut().filter_map(|p| p.rollout.as_mut()) {
            rollout.since.get_or_insert(first_month);
        }
    }

    /// The outcomes measured for a product: its own list or the defaults.
    pub fn outcomes_for(&self, project_id: &str) -> &[String] {
        self.project(project_id).map_or(&self.default_outcomes, |p| &p.outcomes)
    }

    pub fn windows_for(&self, project_id: &str) -> &[i32] {
        self.project(project_id).map_or(&self.default_windows, |p| &p.windows)
    }

    /// The columns the `users` input must hold besides `user_id`: the
    /// segments, then each roll-out's `by` column, once each.
    pub fn user_columns(&self) -> Vec<&str> {
        let mut columns: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        for by in self.projects.iter().filter_map(|p| p.rollout.as_ref()).map(|r| r.by.as_str()) {
            if !columns.contains(&by) {
                columns.push(by);
            }
        }
        columns
    }

    /// A path as the config wrote it, relative to the config file's folder.
    pub fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.config_dir).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::format::hex(&Sha256::digest(bytes))
}

/// `YYYY-MM` as the day number of the month's 1st.
pub fn parse_month(s: &str) -> Option<i32> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    tz::day_of(y.parse().ok()?, m.parse().ok()?, 1)
}

fn parse_month_arg(s: &str) -> Result<i32> {
    parse_month(s).ok_or_else(|| Error::usage(format!("--month {s} is not a month"), "write it YYYY-MM, e.g. 2026-10"))
}

fn parse_day_arg(s: &str) -> Result<i32> {
    let bad = || Error::usage(format!("--as-of {s} is not a date"), "write it YYYY-MM-DD, e.g. 2026-10-31");
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    tz::day_of(y, m, d).ok_or_else(bad)
}

#[cfg(test)]
mod tests;
