//! The configuration: the TOML schema of SPEC section 2 (unknown keys are
//! errors that name the key) merged once with the command line into the
//! `Settings` the engine reads.
//!
//! Not responsible for reading inputs or checking project ids against the
//! catalog: that needs the data, see `ingest`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cli::SourceArgs;
use crate::error::{Error, Result};
use crate::format::Lang;
use crate::registry::NorthStarKpi;
use crate::tz;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    report: RawReport,
    inputs: RawInputs,
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default)]
    project: Vec<RawProject>,
    #[serde(default)]
    labels: RawLabels,
}

/// `[labels.outcomes]` and `[labels.events]`: words for codes in the report.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabels {
    #[serde(default)]
    outcomes: BTreeMap<String, RawLabel>,
    #[serde(default)]
    events: BTreeMap<String, RawLabel>,
}

/// `code = { fr = "…", en = "…" }`; a missing language falls back to the code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabel {
    fr: Option<String>,
    en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    #[serde(default = "default_title")]
    title: String,
    #[serde(default = "default_lang")]
    lang: String,
    #[serde(default = "default_timezone")]
    timezone: String,
    #[serde(default = "default_min_cell")]
    min_cell: u64,
    #[serde(default)]
    segments: Vec<String>,
}

impl Default for RawReport {
    fn default() -> Self {
        RawReport {
            title: default_title(),
            lang: default_lang(),
            timezone: default_timezone(),
            min_cell: default_min_cell(),
            segments: Vec::new(),
        }
    }
}

fn default_title() -> String {
    "jauge".to_owned()
}
fn default_lang() -> String {
    "fr".to_owned()
}
fn default_timezone() -> String {
    "Europe/Paris".to_owned()
}
fn default_min_cell() -> u64 {
    10
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    projects: String,
    usage: String,
    outcomes: String,
    assignments: Option<String>,
    users: Option<String>,
    #[serde(default)]
    columns: RawPerInput<BTreeMap<String, String>>,
    #[serde(default)]
    source_timezone: RawPerInput<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerInput<T> {
    projects: Option<T>,
    usage: Option<T>,
    outcomes: Option<T>,
    assignments: Option<T>,
    users: Option<T>,
}

impl<T> Default for RawPerInput<T> {
    fn default() -> Self {
        RawPerInput { projects: None, usage: None, outcomes: None, assignments: None, users: None }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    #[serde(default = "default_outcomes")]
    outcomes: Vec<String>,
    #[serde(default = "default_windows")]
    windows: Vec<i32>,
    censor_outcome: Option<String>,
}

impl Default for RawDefaults {
    fn default() -> Self {
        RawDefaults { outcomes: default_outcomes(), windows: default_windows(), censor_outcome: None }
    }
}

fn default_outcomes() -> Vec<String> {
    vec!["employment".to_owned()]
}
fn default_windows() -> Vec<i32> {
    vec![30, 90, 180]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    id: String,
    funnel: Option<Vec<String>>,
    funnel_window_days: Option<i32>,
    outcomes: Option<Vec<String>>,
    windows: Option<Vec<i32>>,
    primary: Option<RawPrimary>,
    allocation: Option<f64>,
    north_star: Option<RawNorthStar>,
    planned_n: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrimary {
    outcome: String,
    window: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNorthStar {
    kpi: String,
    target: f64,
    #[serde(default = "default_direction")]
    direction: String,
}

fn default_direction() -> String {
    "higher".to_owned()
}

/// The five inputs, in the order they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    Projects,
    Users,
    Usage,
    Outcomes,
    Assignments,
}

impl InputKind {
    pub fn name(self) -> &'static str {
        match self {
            InputKind::Projects => "projects",
            InputKind::Users => "users",
            InputKind::Usage => "usage",
            InputKind::Outcomes => "outcomes",
            InputKind::Assignments => "assignments",
        }
    }
}

/// One configured input: where to find it and how to read its columns.
#[derive(Debug, Clone, Serialize)]
pub struct InputSpec {
    pub kind: InputKind,
    /// As written in the config (relative to the config file).
    pub pattern: String,
    #[serde(skip)]
    pub resolved: PathBuf,
    /// canonical name → source name.
    pub renames: BTreeMap<String, String>,
    /// Zone of timestamps written without an offset.
    #[serde(serialize_with = "serialize_tz")]
    pub source_timezone: Tz,
}

fn serialize_tz<S: serde::Serializer>(tz: &Tz, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
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
    /// The trial's planned number of assignments, `N*` of the confidence
    /// sequence; [`DEFAULT_PLANNED_N`] when the config does not declare it.
    pub planned_n: u64,
    pub planned_n_declared: bool,
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

/// The report's words for outcome and event codes, `(fr, en)` per code; a
/// language the config leaves out is the code itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Labels {
    pub outcomes: BTreeMap<String, (String, String)>,
    pub events: BTreeMap<String, (String, String)>,
}

impl Labels {
    fn resolve(raw: RawLabels) -> Labels {
        let words = |map: BTreeMap<String, RawLabel>| {
            map.into_iter()
                .map(|(code, l)| {
                    let fr = l.fr.unwrap_or_else(|| code.clone());
                    let en = l.en.unwrap_or_else(|| code.clone());
                    (code, (fr, en))
                })
                .collect()
        };
        Labels { outcomes: words(raw.outcomes), events: words(raw.events) }
    }
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
        let bytes = std::fs::read(&args.config).map_err(|e| {
            let hint = "run jauge from the folder that holds jauge.toml, or pass --config FILE";
            Error::Config {
                file: args.config.display().to_string(),
                message: format!("cannot read the config file: {e}"),
                hint: Some(hint.to_owned()),
            }
        })?;
        let mut settings = Settings::from_bytes(&args.config, &bytes)?;
        settings.apply_command_line(args)?;
        Ok(settings)
    }

    /// Parses and resolves a config; `path` names it in errors and anchors
    /// its relative paths.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Settings> {
        let text = std::str::from_utf8(bytes).map_err(|_| Error::config(path, "the config file is not UTF-8", None))?;
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            Error::config(
                path,
                e.to_string().trim_end().to_owned(),
                Some("check the key names against SPEC section 2; `jauge kpis` lists KPI names"),
            )
        })?;
        let config_dir = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        resolve(raw, path, &config_dir, sha256_hex(bytes))
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

    /// The outcomes measured for a product: its own list or the defaults.
    pub fn outcomes_for(&self, project_id: &str) -> &[String] {
        self.project(project_id).map_or(&self.default_outcomes, |p| &p.outcomes)
    }

    pub fn windows_for(&self, project_id: &str) -> &[i32] {
        self.project(project_id).map_or(&self.default_windows, |p| &p.windows)
    }

    /// A trial's `planned_n`, declared or the default.
    pub fn planned_n_for(&self, project_id: &str) -> PlannedN {
        let p = self.project(project_id);
        PlannedN {
            project_id: project_id.to_owned(),
            planned_n: p.map_or(DEFAULT_PLANNED_N, |p| p.planned_n),
            declared: p.is_some_and(|p| p.planned_n_declared),
        }
    }

    /// A path as the config wrote it, relative to the config file's folder.
    pub fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.config_dir).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn resolve(raw: RawConfig, path: &Path, dir: &Path, sha: String) -> Result<Settings> {
    let timezone = parse_tz(path, "report.timezone", &raw.report.timezone)?;
    let lang = match raw.report.lang.as_str() {
        "fr" => Lang::Fr,
        "en" => Lang::En,
        other => {
            return Err(Error::config(
                path,
                format!("report.lang = \"{other}\" is not a supported language"),
                Some("use \"fr\" or \"en\""),
            ));
        }
    };
    let inputs = resolve_inputs(&raw.inputs, path, dir, timezone)?;
    if !raw.report.segments.is_empty() && raw.inputs.users.is_none() {
        return Err(Error::config(
            path,
            format!("report.segments = {:?} needs inputs.users", raw.report.segments),
            Some("add `users = \"path/to/users.csv\"` under [inputs], or remove the segments"),
        ));
    }
    check_windows(path, "defaults.windows", &raw.defaults.windows)?;
    let mut projects =
        raw.project.into_iter().map(|p| resolve_project(p, &raw.defaults, path)).collect::<Result<Vec<_>>>()?;
    projects.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = projects.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(Error::config(
            path,
            format!("[[project]] id = \"{}\" appears twice", w[0].id),
            Some("merge the two [[project]] tables"),
        ));
    }
    Ok(Settings {
        config_path: path.to_path_buf(),
        config_dir: dir.to_path_buf(),
        config_sha256: sha,
        title: raw.report.title,
        lang,
        timezone,
        min_cell: raw.report.min_cell,
        segments: raw.report.segments,
        inputs,
        default_outcomes: raw.defaults.outcomes,
        default_windows: raw.defaults.windows,
        censor_outcome: raw.defaults.censor_outcome,
        projects,
        labels: Labels::resolve(raw.labels),
        month: None,
        as_of: None,
        memory_events: DEFAULT_MEMORY_EVENTS,
        spill_dir: std::env::temp_dir(),
    })
}

fn resolve_inputs(raw: &RawInputs, path: &Path, dir: &Path, tz: Tz) -> Result<Vec<InputSpec>> {
    let entries = [
        (InputKind::Projects, Some(&raw.projects), &raw.columns.projects, &raw.source_timezone.projects),
        (InputKind::Users, raw.users.as_ref(), &raw.columns.users, &raw.source_timezone.users),
        (InputKind::Usage, Some(&raw.usage), &raw.columns.usage, &raw.source_timezone.usage),
        (InputKind::Outcomes, Some(&raw.outcomes), &raw.columns.outcomes, &raw.source_timezone.outcomes),
        (InputKind::Assignments, raw.assignments.as_ref(), &raw.columns.assignments, &raw.source_timezone.assignments),
    ];
    let mut inputs = Vec::new();
    for (kind, pattern, renames, zone) in entries {
        let Some(pattern) = pattern else { continue };
        let source_timezone = match zone {
            Some(name) => parse_tz(path, &format!("inputs.source_timezone.{}", kind.name()), name)?,
            None => tz,
        };
        inputs.push(InputSpec {
            kind,
            pattern: pattern.clone(),
            resolved: dir.join(pattern),
            renames: renames.clone().unwrap_or_default(),
            source_timezone,
        });
    }
    Ok(inputs)
}

fn resolve_project(raw: RawProject, defaults: &RawDefaults, path: &Path) -> Result<ProjectSettings> {
    let key = |field: &str| format!("[[project]] id = \"{}\": {field}", raw.id);
    let windows = raw.windows.unwrap_or_else(|| defaults.windows.clone());
    check_windows(path, &key("windows"), &windows)?;
    let funnel_window_days = raw.funnel_window_days.unwrap_or(30);
    if funnel_window_days < 0 {
        return Err(Error::config(path, key("funnel_window_days must be 0 or more"), None));
    }
    if raw.funnel.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::config(path, key("funnel has no step"), Some("list at least one event")));
    }
    let allocation = raw.allocation.unwrap_or(0.5);
    if !(allocation > 0.0 && allocation < 1.0) {
        return Err(Error::config(
            path,
            key(&format!("allocation = {allocation} is not a share")),
            Some("the planned share of treatment is strictly between 0 and 1, e.g. 0.5"),
        ));
    }
    if let Some(n) = raw.planned_n.filter(|n| *n < 2) {
        return Err(Error::config(
            path,
            key(&format!("planned_n = {n} is below 2")),
            Some("planned_n is the trial's planned number of assignments, 2 or more, e.g. 2000"),
        ));
    }
    let north_star = raw.north_star.map(|ns| resolve_north_star(ns, path, &key)).transpose()?;
    Ok(ProjectSettings {
        funnel: raw.funnel,
        funnel_window_days,
        outcomes: raw.outcomes.unwrap_or_else(|| defaults.outcomes.clone()),
        windows,
        primary: raw.primary.map(|p| (p.outcome, p.window)),
        allocation,
        north_star,
        planned_n: raw.planned_n.unwrap_or(DEFAULT_PLANNED_N),
        planned_n_declared: raw.planned_n.is_some(),
        id: raw.id,
    })
}

fn resolve_north_star(raw: RawNorthStar, path: &Path, key: &dyn Fn(&str) -> String) -> Result<NorthStarSetting> {
    let lower_is_better = match raw.direction.as_str() {
        "higher" => false,
        "lower" => true,
        other => {
            return Err(Error::config(
                path,
                key(&format!("north_star.direction = \"{other}\"")),
                Some("use \"higher\" (the default) or \"lower\""),
            ));
        }
    };
    let Some(kpi) = NorthStarKpi::parse(&raw.kpi) else {
        return Err(Error::config(
            path,
            key(&format!("north_star.kpi = \"{}\" is not a KPI", raw.kpi)),
            Some("use a name from `jauge kpis`, or outcome_rate:<outcome>:<window>"),
        ));
    };
    Ok(NorthStarSetting { kpi, target: raw.target, lower_is_better })
}

fn check_windows(path: &Path, key: &str, windows: &[i32]) -> Result<()> {
    if let Some(w) = windows.iter().find(|w| **w < 0) {
        return Err(Error::config(path, format!("{key}: window {w} is negative"), None));
    }
    Ok(())
}

fn parse_tz(path: &Path, key: &str, name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        Error::config(
            path,
            format!("{key} = \"{name}\" is not a time zone"),
            Some("use an IANA name such as \"Europe/Paris\" or \"UTC\""),
        )
    })
}

fn parse_month_arg(s: &str) -> Result<i32> {
    let bad = || Error::usage(format!("--month {s} is not a month"), "write it YYYY-MM, e.g. 2026-10");
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if y.to_string().len() != 4 || s.len() != 7 {
        return Err(bad());
    }
    tz::day_of(y, m, 1).ok_or_else(bad)
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
mod tests {
    use super::*;

    const INPUTS: &str = "[inputs]\nprojects = \"p.csv\"\nusage = \"u.csv\"\noutcomes = \"o.csv\"\n";

    #[test]
    fn labels_give_each_code_its_words_and_fall_back_to_the_code() {
        let text = format!(
            "{INPUTS}[labels.outcomes]\nemployment = {{ fr = \"Retour à l'emploi\", en = \"Return to work\" }}\n\
             [labels.events]\nskill_validated = {{ fr = \"Compétence validée\" }}\n"
        );
        let s = Settings::from_bytes(Path::new("jauge.toml"), text.as_bytes()).unwrap();
        assert_eq!(s.labels.outcomes["employment"], ("Retour à l'emploi".to_owned(), "Return to work".to_owned()));
        assert_eq!(s.labels.events["skill_validated"].1, "skill_validated");
    }

    #[test]
    fn an_unknown_label_key_names_itself() {
        let text = format!("{INPUTS}[labels.outcomes]\nemployment = {{ fr = \"Emploi\", de = \"Arbeit\" }}\n");
        let err = Settings::from_bytes(Path::new("jauge.toml"), text.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("de"), "{err}");
        let text = format!("{INPUTS}[labels.kpis]\n");
        let err = Settings::from_bytes(Path::new("jauge.toml"), text.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("kpis"), "{err}");
    }
}
