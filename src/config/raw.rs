//! The TOML schema of `jauge.toml` exactly as serde reads it: every table
//! and key of docs/configuration.md, with unknown keys refused by name.
//! Values stay as written (integers as `i64`, codes as text) so that
//! `check` can say what range a value is out of instead of serde's type
//! names.
//!
//! Not responsible for defaults, ranges or cross-references: `check` does
//! that while resolving the settings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::InputKind;

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub report: RawReport,
    pub inputs: RawInputs,
    #[serde(default)]
    pub defaults: RawDefaults,
    #[serde(default)]
    pub project: Vec<RawProject>,
    #[serde(default)]
    pub labels: RawLabels,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub title: Option<String>,
    pub lang: Option<String>,
    pub timezone: Option<String>,
    pub min_cell: Option<i64>,
    pub segments: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawInputs {
    pub projects: Option<String>,
    pub usage: Option<String>,
    pub outcomes: Option<String>,
    pub assignments: Option<String>,
    pub users: Option<String>,
    pub rollouts: Option<String>,
    #[serde(default)]
    pub columns: RawPerInput<BTreeMap<String, String>>,
    #[serde(default)]
    pub source_timezone: RawPerInput<String>,
    #[serde(default)]
    pub encoding: RawPerInput<String>,
    #[serde(default)]
    pub postgres: RawPerInput<RawPostgres>,
}

impl RawInputs {
    /// The path or glob given for an input.
    pub fn path(&self, kind: InputKind) -> Option<&String> {
        match kind {
            InputKind::Projects => self.projects.as_ref(),
            InputKind::Users => self.users.as_ref(),
            InputKind::Usage => self.usage.as_ref(),
            InputKind::Outcomes => self.outcomes.as_ref(),
            InputKind::Assignments => self.assignments.as_ref(),
            InputKind::Rollouts => self.rollouts.as_ref(),
        }
    }
}

/// A table with one optional entry per input.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerInput<T> {
    pub projects: Option<T>,
    pub users: Option<T>,
    pub usage: Option<T>,
    pub outcomes: Option<T>,
    pub assignments: Option<T>,
    pub rollouts: Option<T>,
}

impl<T> Default for RawPerInput<T> {
    fn default() -> Self {
        RawPerInput { projects: None, users: None, usage: None, outcomes: None, assignments: None, rollouts: None }
    }
}

impl<T> RawPerInput<T> {
    pub fn get(&self, kind: InputKind) -> Option<&T> {
        match kind {
            InputKind::Projects => self.projects.as_ref(),
            InputKind::Users => self.users.as_ref(),
            InputKind::Usage => self.usage.as_ref(),
            InputKind::Outcomes => self.outcomes.as_ref(),
            InputKind::Assignments => self.assignments.as_ref(),
            InputKind::Rollouts => self.rollouts.as_ref(),
        }
    }
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPostgres {
    pub url: String,
    pub query: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub outcomes: Option<Vec<String>>,
    pub windows: Option<Vec<i64>>,
    pub censor_outcome: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    pub id: String,
    pub funnel: Option<Vec<String>>,
    pub funnel_window_days: Option<i64>,
    pub outcomes: Option<Vec<String>>,
    pub windows: Option<Vec<i64>>,
    pub primary: Option<RawPrimary>,
    pub allocation: Option<f64>,
    pub north_star: Option<RawNorthStar>,
    pub planned_n: Option<i64>,
    pub rollout: Option<RawRollout>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrimary {
    pub outcome: String,
    pub window: i64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawNorthStar {
    pub kpi: String,
    pub target: f64,
    pub direction: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRollout {
    pub by: String,
    pub control: Option<String>,
    pub since: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabels {
    #[serde(default)]
    pub outcomes: BTreeMap<String, RawLabel>,
    #[serde(default)]
    pub events: BTreeMap<String, RawLabel>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabel {
    pub fr: Option<String>,
    pub en: Option<String>,
}
