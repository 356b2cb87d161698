//! The KPI registry: every figure jauge publishes, declared once with its
//! name, grain, table and one-line definition. `jauge kpis`, the report's
//! Method section and the config check of north stars read this list.
//!
//! Not responsible for computing anything: each family's module does that.

/// One published figure.
#[derive(Debug, Clone, Copy)]
pub struct Kpi {
    pub name: &'static str,
    /// The output table that holds it.
    pub table: &'static str,
    /// One row per …
    pub grain: &'static str,
    pub definition: &'static str,
    /// Whether it can be a north star (a `kpis.parquet` figure, segment `all`).
    pub north_star: bool,
}

const MONTHLY: &str = "product (and _portfolio), month, segment";

/// Every KPI, in the order `jauge kpis` prints them.
pub const KPIS: &[Kpi] = &[
    Kpi {
        name: "events",
        table: "kpis",
        grain: MONTHLY,
        definition: "number of accepted usage events in the month",
        north_star: true,
    },
    Kpi {
        name: "active_users",
        table: "kpis",
        grain: MONTHLY,
        definition: "distinct users with at least one event in the month",
        north_star: true,
    },
    Kpi {
        name: "new_users",
        table: "kpis",
        grain: MONTHLY,
        definition: "users whose first event in the product (cohort) falls in the month",
        north_star: true,
    },
    Kpi {
        name: "returning_users",
        table: "kpis",
        grain: MONTHLY,
        definition: "active_users − new_users",
        north_star: true,
    },
    Kpi {
        name: "cumulative_users",
        table: "kpis",
        grain: MONTHLY,
        definition: "distinct users whose first event is on or before the end of the month",
        north_star: true,
    },
    Kpi {
        name: "dau_mean",
        table: "kpis",
        grain: MONTHLY,
        definition: "mean over the month's days up to as_of of the distinct users that day (0 on days without events)",
        north_star: true,
    },
    Kpi {
        name: "stickiness",
        table: "kpis",
        grain: MONTHLY,
        definition: "dau_mean / active_users (DAU/MAU)",
        north_star: true,
    },
    Kpi {
        name: "cost_per_active_user",
        table: "kpis",
        grain: "product with annual_cost_eur, month, segment all",
        definition: "annual_cost_eur / 12 / active_users",
        north_star: true,
    },
    Kpi {
        name: "retention_rate",
        table: "retention",
        grain: "product (and _portfolio), segment, cohort month, months since",
        definition: "users of the cohort with an event in calendar month cohort + k, over the cohort size",
        north_star: false,
    },
    Kpi {
        name: "funnel_conversion",
        table: "funnel",
        grain: "product with a funnel, cohort month of the first step, step",
        definition: "users reaching the step in order within the window, from the start and from the previous step",
        north_star: false,
    },
    Kpi {
        name: "outcome_rate",
        table: "outcomes",
        grain: "product (and _portfolio), segment, cohort month, outcome, window",
        definition: "users of the cohort with the outcome within [first_seen, first_seen + W] days, Wilson 95% interval",
        north_star: false,
    },
    Kpi {
        name: "survival",
        table: "survival",
        grain: "product, outcome, arm, day",
        definition: "Kaplan–Meier share without the outcome, Greenwood log-log 95% band, Nelson–Aalen hazard",
        north_star: false,
    },
    Kpi {
        name: "median_time_to_outcome",
        table: "survival_summary",
        grain: "product, outcome, arm",
        definition: "first day where survival ≤ 0.5, Brookmeyer–Crowley interval",
        north_star: false,
    },
    Kpi {
        name: "impact",
        table: "impact",
        grain: "randomized product, outcome, window, metric",
        definition: "treatment − control (intention to treat): Newcombe interval for rates, Welch for mean values",
        north_star: false,
    },
    Kpi {
        name: "cost_per_additional_outcome",
        table: "impact",
        grain: "randomized product with annual_cost_eur, outcome, window",
        definition: "annual_cost_eur / (difference × new users of the last 12 months), where the difference is positive",
        north_star: false,
    },
];

/// True for a name a north star may use: a `kpis.parquet` figure or
/// `outcome_rate:<outcome>:<window>`.
pub fn is_north_star_kpi(name: &str) -> bool {
    if let Some(rest) = name.strip_prefix("outcome_rate:") {
        return rest
            .rsplit_once(':')
            .is_some_and(|(outcome, window)| !outcome.is_empty() && window.parse::<u32>().is_ok());
    }
    KPIS.iter().any(|k| k.north_star && k.name == name)
}

pub fn lookup(name: &str) -> Option<&'static Kpi> {
    KPIS.iter().find(|k| k.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = KPIS.iter().map(|k| k.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KPIS.len());
    }

    #[test]
    fn north_star_names() {
        assert!(is_north_star_kpi("active_users"));
        assert!(is_north_star_kpi("outcome_rate:employment:90"));
        assert!(!is_north_star_kpi("outcome_rate:employment"));
        assert!(!is_north_star_kpi("retention_rate"));
        assert!(!is_north_star_kpi("actve_users"));
    }
}
