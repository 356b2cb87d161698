//! From the raw TOML to `Settings`: defaults applied, every value checked
//! against the range SPEC section 2 gives it, and the cross-references
//! (a primary endpoint among the project's outcomes and windows, a segment
//! with a users input, a rename of a real column) resolved. A failure is a
//! `Problem` at a key path, which `diagnose` turns into an error with the
//! key's line.
//!
//! Not responsible for the TOML's syntax or types (serde's, worded by
//! `diagnose`), nor for anything that needs the data (`ingest`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use super::raw::{RawConfig, RawDefaults, RawInputs, RawLabel, RawNorthStar, RawPrimary, RawProject, RawRollout};
use super::{
    DEFAULT_MEMORY_EVENTS, InputKind, InputSpec, Label, Labels, NorthStarSetting, PostgresSource, ProjectSettings,
    RolloutControl, RolloutSettings, Settings,
};
use crate::format::Lang;
use crate::registry::NorthStarKpi;

pub const DEFAULT_TITLE: &str = "jauge";
pub const DEFAULT_MIN_CELL: u64 = 10;
pub const MAX_MIN_CELL: u64 = 1000;
pub const DEFAULT_OUTCOMES: [&str; 1] = ["employment"];
pub const DEFAULT_WINDOWS: [i32; 3] = [30, 90, 180];
pub const DEFAULT_FUNNEL_WINDOW: i32 = 30;
/// Ten years of days: the longest window, so that day arithmetic stays
/// within the calendar's bounds.
pub const MAX_WINDOW: i32 = 3660;
pub const DEFAULT_ALLOCATION: f64 = 0.5;

/// One step of a key path as the TOML writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    /// An element of an array (`[[project]]` tables, list items).
    Index(usize),
}

/// A value the config may not hold: where, what is wrong, how to fix it.
#[derive(Debug)]
pub struct Problem {
    pub at: Vec<Seg>,
    pub message: String,
    pub hint: String,
}

fn keys(path: &[&str]) -> Vec<Seg> {
    path.iter().map(|k| Seg::Key((*k).to_owned())).collect()
}

fn problem(at: Vec<Seg>, message: impl Into<String>, hint: impl Into<String>) -> Problem {
    Problem { at, message: message.into(), hint: hint.into() }
}

type Checked<T> = Result<T, Problem>;

pub fn resolve(raw: RawConfig, dir: &Path) -> Checked<Settings> {
    let report = raw.report;
    let timezone = match &report.timezone {
        Some(name) => parse_tz(keys(&["report", "timezone"]), "report.timezone", name)?,
        None => chrono_tz::Europe::Paris,
    };
    let segments = report.segments.unwrap_or_default();
    check_segments(&segments, &raw.inputs)?;
    let rollouts = raw.project.iter().filter_map(|p| p.rollout.as_ref());
    let user_columns: Vec<&str> = segments.iter().map(String::as_str).chain(rollouts.map(|r| r.by.as_str())).collect();
    let inputs = resolve_inputs(&raw.inputs, dir, timezone, &user_columns)?;
    let defaults = resolve_defaults(&raw.defaults)?;
    Ok(Settings {
        config_path: PathBuf::new(),
        config_dir: dir.to_path_buf(),
        config_sha256: String::new(),
        title: report.title.unwrap_or_else(|| DEFAULT_TITLE.to_owned()),
        lang: lang(report.lang.as_deref())?,
        timezone,
        min_cell: min_cell(report.min_cell)?,
        segments,
        projects: resolve_projects(raw.project, &defaults, &raw.inputs)?,
        inputs,
        default_outcomes: defaults.outcomes,
        default_windows: defaults.windows,
        censor_outcome: defaults.censor_outcome,
        labels: resolve_labels(raw.labels.outcomes, raw.labels.events),
        month: None,
        as_of: None,
        memory_events: DEFAULT_MEMORY_EVENTS,
        spill_dir: std::env::temp_dir(),
    })
}

fn lang(raw: Option<&str>) -> Checked<Lang> {
    match raw.unwrap_or("fr") {
        "fr" => Ok(Lang::Fr),
        "en" => Ok(Lang::En),
        other => Err(problem(
            keys(&["report", "lang"]),
            format!("report.lang = \"{other}\" is not a language of the report"),
            "use \"fr\" or \"en\"",
        )),
    }
}

fn min_cell(raw: Option<i64>) -> Checked<u64> {
    let Some(k) = raw else { return Ok(DEFAULT_MIN_CELL) };
    u64::try_from(k).ok().filter(|k| *k <= MAX_MIN_CELL).ok_or_else(|| {
        problem(
            keys(&["report", "min_cell"]),
            format!("report.min_cell = {k} is out of range: it is a count from 0 to {MAX_MIN_CELL}"),
            format!("{DEFAULT_MIN_CELL} is the usual threshold; 0 disables disclosure control"),
        )
    })
}

/// The `[[project]]` tables, sorted by id.
fn resolve_projects(raw: Vec<RawProject>, defaults: &Defaults, inputs: &RawInputs) -> Checked<Vec<ProjectSettings>> {
    let mut projects: Vec<ProjectSettings> = Vec::with_capacity(raw.len());
    for (i, p) in raw.into_iter().enumerate() {
        if projects.iter().any(|q| q.id == p.id) {
            return Err(problem(
                vec![Seg::Key("project".into()), Seg::Index(i), Seg::Key("id".into())],
                format!("[[project]] id = \"{}\" appears twice", p.id),
                "merge the two [[project]] tables",
            ));
        }
        projects.push(resolve_project(p, i, defaults, inputs)?);
    }
    projects.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(projects)
}

fn check_segments(segments: &[String], inputs: &RawInputs) -> Checked<()> {
    let at = keys(&["report", "segments"]);
    if let Some(repeated) = first_repeat(segments) {
        return Err(problem(at, format!("report.segments names \"{repeated}\" twice"), "list each segment once"));
    }
    if segments.iter().any(|s| s == "user_id") {
        return Err(problem(
            at,
            "report.segments names user_id: a segment groups users, it does not name them",
            "list user attributes such as \"region\"",
        ));
    }
    if segments.iter().any(|s| s.trim().is_empty()) {
        return Err(problem(at, "report.segments holds an empty name", "write each segment as its users column"));
    }
    if !segments.is_empty() && inputs.users.is_none() && inputs.postgres.users.is_none() {
        return Err(problem(
            at,
            format!("report.segments = {segments:?} needs inputs.users"),
            "add `users = \"path/to/users.csv\"` under [inputs], or remove the segments",
        ));
    }
    Ok(())
}

fn first_repeat<T: PartialEq>(values: &[T]) -> Option<&T> {
    values.iter().enumerate().find(|(i, v)| values[..*i].contains(v)).map(|(_, v)| v)
}

fn resolve_inputs(raw: &RawInputs, dir: &Path, zone: Tz, user_columns: &[&str]) -> Checked<Vec<InputSpec>> {
    let mut inputs = Vec::new();
    for kind in InputKind::ALL {
        let name = kind.name();
        let Some((pattern, resolved, postgres)) = source(raw, kind, dir)? else {
            check_unconfigured(raw, kind)?;
            continue;
        };
        let mut canonical: Vec<&str> = kind.columns().to_vec();
        if kind == InputKind::Users {
            canonical.extend(user_columns);
        }
        let renames = raw.columns.get(kind).cloned().unwrap_or_default();
        check_renames(kind, &renames, &canonical)?;
        let source_timezone = match raw.source_timezone.get(kind) {
            Some(tz) => {
                parse_tz(keys(&["inputs", "source_timezone", name]), &format!("inputs.source_timezone.{name}"), tz)?
            }
            None => zone,
        };
        let encoding = raw.encoding.get(kind).map(|label| parse_encoding(kind, label)).transpose()?;
        let encoding = encoding.filter(|e| *e != encoding_rs::UTF_8);
        inputs.push(InputSpec { kind, pattern, resolved, renames, source_timezone, encoding, postgres });
    }
    Ok(inputs)
}

/// Where an input is read from: its pattern as written, the resolved
/// path, and the query when it comes from PostgreSQL; none when the input
/// is not configured.
type Source = (String, PathBuf, Option<PostgresSource>);

fn source(raw: &RawInputs, kind: InputKind, dir: &Path) -> Checked<Option<Source>> {
    let name = kind.name();
    match (raw.path(kind), raw.postgres.get(kind)) {
        (Some(_), Some(_)) => Err(problem(
            keys(&["inputs", "postgres", name]),
            format!("the {name} input has both a path (inputs.{name}) and a query (inputs.postgres.{name})"),
            "keep one of the two: a path or glob under [inputs], or a query under [inputs.postgres]",
        )),
        (Some(path), None) => Ok(Some((path.clone(), dir.join(path), None))),
        (None, Some(pg)) => {
            let query = check_postgres(kind, &pg.url, &pg.query)?;
            Ok(Some((format!("postgres:{name}"), PathBuf::new(), Some(query))))
        }
        (None, None) if matches!(kind, InputKind::Projects | InputKind::Usage | InputKind::Outcomes) => Err(problem(
            keys(&["inputs", name]),
            format!("[inputs] has no {name}: the {name} input is required"),
            format!("add `{name} = \"path/or/glob\"` under [inputs], or an [inputs.postgres] {name} entry"),
        )),
        (None, None) => Ok(None),
    }
}

/// A rename, zone or encoding for an input that is not configured would
/// never apply: a typo or a leftover, said rather than ignored.
fn check_unconfigured(raw: &RawInputs, kind: InputKind) -> Checked<()> {
    let name = kind.name();
    let tables = [
        ("columns", raw.columns.get(kind).is_some()),
        ("source_timezone", raw.source_timezone.get(kind).is_some()),
        ("encoding", raw.encoding.get(kind).is_some()),
    ];
    match tables.iter().find(|(_, set)| *set) {
        Some((table, _)) => Err(problem(
            keys(&["inputs", table, name]),
            format!("inputs.{table}.{name} is set, but the {name} input is not configured"),
            format!("add `{name} = \"path/or/glob\"` under [inputs], or remove inputs.{table}.{name}"),
        )),
        None => Ok(()),
    }
}

fn check_renames(kind: InputKind, renames: &BTreeMap<String, String>, canonical: &[&str]) -> Checked<()> {
    let name = kind.name();
    for (key, source) in renames {
        let at = keys(&["inputs", "columns", name, key]);
        if !canonical.contains(&key.as_str()) {
            let list = canonical.join(", ");
            let hint = if canonical.contains(&source.as_str()) {
                format!("a rename is written canonical = \"source\": write {source} = \"{key}\"")
            } else if let Some(close) = closest(key, canonical) {
                format!("did you mean {close} = \"{source}\"? The columns of {name} are {list}")
            } else {
                format!("a rename is written canonical = \"source\"; the columns of {name} are {list}")
            };
            return Err(problem(
                at,
                format!("[inputs.columns.{name}] {key} = \"{source}\": {key} is not a column of the {name} input"),
                hint,
            ));
        }
        if source.trim().is_empty() {
            return Err(problem(
                at,
                format!("[inputs.columns.{name}] {key} = \"\" names no column"),
                format!("write the name the file gives the {key} column, or remove the line"),
            ));
        }
    }
    Ok(())
}

/// The name in `names` within two edits of `word`, or else the one it
/// begins (`funnel_window` for `funnel_window_days`), if one is.
pub fn closest<'a>(word: &str, names: &[&'a str]) -> Option<&'a str> {
    let near = names.iter().map(|n| (edit_distance(word, n), *n)).filter(|(d, _)| *d <= 2).min().map(|(_, n)| n);
    near.or_else(|| names.iter().copied().find(|n| word.len() >= 4 && n.starts_with(word)))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fn parse_tz(at: Vec<Seg>, key: &str, name: &str) -> Checked<Tz> {
    name.parse::<Tz>().map_err(|_| {
        problem(
            at,
            format!("{key} = \"{name}\" is not a time zone"),
            "use an IANA name such as \"Europe/Paris\" or \"UTC\"",
        )
    })
}

fn parse_encoding(kind: InputKind, label: &str) -> Checked<&'static encoding_rs::Encoding> {
    encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        problem(
            keys(&["inputs", "encoding", kind.name()]),
            format!("inputs.encoding.{} = \"{label}\" is not an encoding", kind.name()),
            "use a label such as \"utf-8\" (the default), \"windows-1252\" (a French Excel CSV), \
             \"iso-8859-15\" or \"utf-16le\"",
        )
    })
}

fn check_postgres(kind: InputKind, url: &str, query: &str) -> Checked<PostgresSource> {
    let name = kind.name();
    let at = |key: &str| keys(&["inputs", "postgres", name, key]);
    let Some(rest) = url.strip_prefix("postgresql://").or_else(|| url.strip_prefix("postgres://")) else {
        return Err(problem(
            at("url"),
            format!("inputs.postgres.{name}.url does not start with postgresql://"),
            "write it postgresql://user@host/database",
        ));
    };
    // The message never repeats the URL: it may hold the password.
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let user_info = authority.rsplit_once('@').map_or("", |(user, _)| user);
    let password_parameter =
        rest.split_once('?').is_some_and(|(_, q)| q.split('&').any(|p| p.starts_with("password=")));
    if user_info.contains(':') || password_parameter {
        return Err(problem(
            at("url"),
            format!("inputs.postgres.{name}.url holds a password"),
            "remove it from the URL: jauge reads it from PGPASSWORD or ~/.pgpass, as psql does",
        ));
    }
    if query.trim().is_empty() {
        return Err(problem(
            at("query"),
            format!("inputs.postgres.{name}.query is empty"),
            format!("write the SELECT whose columns are the {name} input's"),
        ));
    }
    Ok(PostgresSource { url: url.to_owned(), query: query.to_owned() })
}

/// `[defaults]`, resolved.
struct Defaults {
    outcomes: Vec<String>,
    windows: Vec<i32>,
    censor_outcome: Option<String>,
}

fn resolve_defaults(raw: &RawDefaults) -> Checked<Defaults> {
    let outcomes = match &raw.outcomes {
        Some(outcomes) => check_codes(keys(&["defaults", "outcomes"]), "defaults.outcomes", outcomes, "outcome")?,
        None => DEFAULT_OUTCOMES.map(str::to_owned).to_vec(),
    };
    let windows = match &raw.windows {
        Some(windows) => check_windows(keys(&["defaults", "windows"]), "defaults.windows", windows)?,
        None => DEFAULT_WINDOWS.to_vec(),
    };
    Ok(Defaults { outcomes, windows, censor_outcome: raw.censor_outcome.clone() })
}

fn check_codes(at: Vec<Seg>, key: &str, codes: &[String], what: &str) -> Checked<Vec<String>> {
    if let Some(repeated) = first_repeat(codes) {
        return Err(problem(at, format!("{key} names \"{repeated}\" twice"), format!("list each {what} once")));
    }
    if codes.iter().any(|c| c.trim().is_empty()) {
        return Err(problem(at, format!("{key} holds an empty {what}"), format!("write each {what} as its code")));
    }
    Ok(codes.to_vec())
}

fn check_window(at: Vec<Seg>, key: &str, w: i64) -> Checked<i32> {
    i32::try_from(w).ok().filter(|w| (1..=MAX_WINDOW).contains(w)).ok_or_else(|| {
        problem(
            at,
            format!("{key}: {w} is out of range: a window is 1 to {MAX_WINDOW} days"),
            "a window counts the days after the index date, e.g. 30, 90 or 180",
        )
    })
}

fn check_windows(at: Vec<Seg>, key: &str, windows: &[i64]) -> Checked<Vec<i32>> {
    let checked = windows.iter().map(|w| check_window(at.clone(), key, *w)).collect::<Checked<Vec<_>>>()?;
    if let Some(repeated) = first_repeat(&checked) {
        return Err(problem(at, format!("{key} lists {repeated} twice"), "list each window once"));
    }
    Ok(checked)
}

/// One `[[project]]` table: where its keys are, and how messages name them.
struct Within {
    index: usize,
    id: String,
}

impl Within {
    fn at(&self, path: &[&str]) -> Vec<Seg> {
        let mut at = vec![Seg::Key("project".into()), Seg::Index(self.index)];
        at.extend(keys(path));
        at
    }

    fn key(&self, field: &str) -> String {
        format!("[[project]] \"{}\" {field}", self.id)
    }
}

fn resolve_project(raw: RawProject, index: usize, defaults: &Defaults, inputs: &RawInputs) -> Checked<ProjectSettings> {
    let w = Within { index, id: raw.id.clone() };
    let windows = match &raw.windows {
        Some(list) => check_windows(w.at(&["windows"]), &w.key("windows"), list)?,
        None => defaults.windows.clone(),
    };
    let outcomes = match &raw.outcomes {
        Some(list) => check_codes(w.at(&["outcomes"]), &w.key("outcomes"), list, "outcome")?,
        None => defaults.outcomes.clone(),
    };
    if raw.funnel.as_ref().is_some_and(|f| f.is_empty() || f.iter().any(|e| e.trim().is_empty())) {
        return Err(problem(
            w.at(&["funnel"]),
            w.key("funnel has an empty step or no step"),
            "list the steps' event codes",
        ));
    }
    let funnel_window_days = match raw.funnel_window_days {
        Some(days) => check_window(w.at(&["funnel_window_days"]), &w.key("funnel_window_days"), days)?,
        None => DEFAULT_FUNNEL_WINDOW,
    };
    let measured = (outcomes.as_slice(), windows.as_slice());
    Ok(ProjectSettings {
        primary: raw.primary.as_ref().map(|p| resolve_primary(p, &w, measured)).transpose()?,
        allocation: allocation(raw.allocation, &w)?,
        north_star: raw.north_star.map(|ns| resolve_north_star(ns, &w, measured)).transpose()?,
        planned_n: raw.planned_n.map(|n| planned_n(n, &w)).transpose()?,
        rollout: raw.rollout.as_ref().map(|r| resolve_rollout(r, &w, inputs)).transpose()?,
        id: raw.id,
        funnel: raw.funnel,
        funnel_window_days,
        outcomes,
        windows,
    })
}

/// A project's outcomes and windows.
type Measured<'a> = (&'a [String], &'a [i32]);

fn resolve_primary(raw: &RawPrimary, w: &Within, measured: Measured<'_>) -> Checked<(String, i32)> {
    let window = check_window(w.at(&["primary", "window"]), &w.key("primary.window"), raw.window)?;
    check_measured(w.at(&["primary"]), &w.key("primary"), (&raw.outcome, window), measured)?;
    Ok((raw.outcome.clone(), window))
}

fn allocation(raw: Option<f64>, w: &Within) -> Checked<f64> {
    let share = raw.unwrap_or(DEFAULT_ALLOCATION);
    if share > 0.0 && share < 1.0 {
        return Ok(share);
    }
    Err(problem(
        w.at(&["allocation"]),
        w.key(&format!("allocation = {share} is out of range: it is a share strictly between 0 and 1")),
        "the planned share of assignments to treatment, e.g. 0.5",
    ))
}

fn planned_n(raw: i64, w: &Within) -> Checked<u64> {
    u64::try_from(raw).ok().filter(|n| *n >= 2).ok_or_else(|| {
        problem(
            w.at(&["planned_n"]),
            w.key(&format!("planned_n = {raw} is out of range: a trial plans at least 2 assignments")),
            "the number of assignments the trial plans in all, both arms, e.g. 2000",
        )
    })
}

/// An outcome and window that the project measures.
fn check_measured(at: Vec<Seg>, key: &str, (outcome, window): (&str, i32), measured: Measured<'_>) -> Checked<()> {
    let (outcomes, windows) = measured;
    if !outcomes.iter().any(|o| o == outcome) {
        return Err(problem(
            at,
            format!(
                "{key} names the outcome \"{outcome}\", which this project does not measure ({})",
                outcomes.join(", ")
            ),
            "name one of the project's outcomes, or add it to its outcomes (or defaults.outcomes)",
        ));
    }
    if !windows.contains(&window) {
        let list: Vec<String> = windows.iter().map(i32::to_string).collect();
        return Err(problem(
            at,
            format!("{key} names the window {window}, which this project does not measure ({})", list.join(", ")),
            "name one of the project's windows, or add it to its windows (or defaults.windows)",
        ));
    }
    Ok(())
}

fn resolve_north_star(raw: RawNorthStar, w: &Within, measured: Measured<'_>) -> Checked<NorthStarSetting> {
    let at = |field: &str| w.at(&["north_star", field]);
    let lower_is_better = match raw.direction.as_deref().unwrap_or("higher") {
        "higher" => false,
        "lower" => true,
        other => {
            return Err(problem(
                at("direction"),
                w.key(&format!("north_star.direction = \"{other}\" is not a direction")),
                "use \"higher\" (the default) or \"lower\" (for costs)",
            ));
        }
    };
    let Some(kpi) = NorthStarKpi::parse(&raw.kpi) else {
        return Err(problem(
            at("kpi"),
            w.key(&format!("north_star.kpi = \"{}\" is not a north-star KPI", raw.kpi)),
            "use a name from `jauge kpis`, or outcome_rate:<outcome>:<window>",
        ));
    };
    if let NorthStarKpi::OutcomeRate { outcome, window } = &kpi {
        check_measured(at("kpi"), &w.key("north_star.kpi"), (outcome, *window), measured)?;
    }
    if !raw.target.is_finite() {
        return Err(problem(
            at("target"),
            w.key(&format!("north_star.target = {} is not a finite number", raw.target)),
            "write the target the product aims at, e.g. 5000 users or 0.4 for a rate",
        ));
    }
    Ok(NorthStarSetting { kpi, target: raw.target, lower_is_better })
}

fn resolve_rollout(raw: &RawRollout, w: &Within, inputs: &RawInputs) -> Checked<RolloutSettings> {
    let at = |field: &str| w.at(&["rollout", field]);
    if raw.by.trim().is_empty() || raw.by == "user_id" {
        return Err(problem(
            at("by"),
            w.key(&format!("rollout.by = \"{}\" is not a column of units", raw.by)),
            "name the users column whose values are the roll-out's units, e.g. \"region\" or \"agency\"",
        ));
    }
    for (kind, needed) in [(InputKind::Users, "units"), (InputKind::Rollouts, "opening dates")] {
        let input = kind.name();
        if inputs.path(kind).is_none() && inputs.postgres.get(kind).is_none() {
            return Err(problem(
                at("by"),
                w.key(&format!("rollout needs inputs.{input}, which gives the {needed}")),
                format!("add `{input} = \"path/to/{input}.csv\"` under [inputs], or remove the rollout"),
            ));
        }
    }
    let control = match raw.control.as_deref().unwrap_or("never") {
        "never" => RolloutControl::Never,
        "not_yet" => RolloutControl::NotYet,
        other => {
            return Err(problem(
                at("control"),
                w.key(&format!("rollout.control = \"{other}\" is not a comparison group")),
                "use \"never\" (the units never treated, the default) or \"not_yet\" (also those not yet treated)",
            ));
        }
    };
    let since = match &raw.since {
        Some(month) => Some(super::parse_month(month).ok_or_else(|| {
            problem(
                at("since"),
                w.key(&format!("rollout.since = \"{month}\" is not a month")),
                "write it YYYY-MM, e.g. 2025-01",
            )
        })?),
        None => None,
    };
    Ok(RolloutSettings { by: raw.by.clone(), control, since })
}

fn resolve_labels(outcomes: BTreeMap<String, RawLabel>, events: BTreeMap<String, RawLabel>) -> Labels {
    let convert =
        |m: BTreeMap<String, RawLabel>| m.into_iter().map(|(k, v)| (k, Label { fr: v.fr, en: v.en })).collect();
    Labels { outcomes: convert(outcomes), events: convert(events) }
}
