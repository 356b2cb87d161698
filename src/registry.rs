//! The KPI registry: every figure jauge publishes, declared once — its
//! name, one-line definition, grain, unit, the figure its `n` comes from,
//! its French and English labels and the family that computes it. This is
//! the file to open first to learn what a KPI is: `jauge kpis`, the
//! report's labels, number formats and Method section, disclosure control
//! and the north-star check all read [`Kpi::info`], so no KPI name is
//! written anywhere else.
//!
//! Not responsible for computing anything: the family named by
//! [`Info::family`] does that, in `kpi/<family>.rs`, next to its tests.

use std::fmt;

use crate::format::{self, Lang};

/// What a figure measures, which says how it is written and protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Distinct people: suppressed by its own value (SPEC section 6).
    Users,
    /// A count that is not of people (events).
    Count,
    /// A mean count (users per day), written with one decimal.
    Mean,
    /// A ratio of counts that is not a share (DAU/MAU).
    Ratio,
    /// A share in [0, 1], shown in percent.
    Rate,
    /// Euros, shown without decimals.
    Euros,
    /// Days.
    Days,
    /// A difference of rates or means (impact).
    Difference,
}

impl Unit {
    /// A value of this unit as the report writes it.
    pub fn write(self, lang: Lang, value: f64) -> String {
        match self {
            Unit::Users | Unit::Count => format::number(lang, value, 0),
            Unit::Mean => format::number(lang, value, 1),
            Unit::Ratio | Unit::Rate => format::percent(lang, value),
            Unit::Euros => format::euros(lang, value),
            Unit::Days => format::days(lang, value.round() as i32),
            Unit::Difference => format::points(lang, value),
        }
    }
}

/// The module of `kpi/` that computes a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Reach,
    Retention,
    Funnel,
    Outcomes,
    Survival,
    Impact,
}

impl Family {
    pub fn module(self) -> &'static str {
        match self {
            Family::Reach => "kpi/reach.rs",
            Family::Retention => "kpi/retention.rs",
            Family::Funnel => "kpi/funnel.rs",
            Family::Outcomes => "kpi/outcomes.rs",
            Family::Survival => "kpi/survival.rs",
            Family::Impact => "kpi/impact.rs",
        }
    }
}

/// Everything about one KPI.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    /// The code written in the `kpi` column and accepted in `north_star.kpi`.
    pub name: &'static str,
    pub definition: &'static str,
    /// The output table that holds it (without `.parquet`).
    pub table: &'static str,
    /// One row per …
    pub grain: &'static str,
    pub unit: Unit,
    /// The figure whose count is the row's `n` and judges it for disclosure
    /// control: itself for a user count, `active_users` for the figures of
    /// the month's active users; `None` outside `kpis.parquet`.
    pub n: Option<Kpi>,
    pub label_fr: &'static str,
    pub label_en: &'static str,
    /// What it counts, in a clause of each language, for the report's
    /// Method section.
    pub explain_fr: &'static str,
    pub explain_en: &'static str,
    pub family: Family,
    /// Whether it can be a north star (a `kpis.parquet` figure, segment `all`).
    pub north_star: bool,
}

const MONTHLY: &str = "product (and _portfolio), month, segment";

/// Every published figure, in the order `jauge kpis` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kpi {
    Events,
    ActiveUsers,
    NewUsers,
    ReturningUsers,
    CumulativeUsers,
    DauMean,
    Stickiness,
    CostPerActiveUser,
    RetentionRate,
    FunnelConversion,
    OutcomeRate,
    Survival,
    MedianTimeToOutcome,
    Impact,
    CostPerAdditionalOutcome,
}

impl Kpi {
    pub const ALL: [Kpi; 15] = [
        Kpi::Events,
        Kpi::ActiveUsers,
        Kpi::NewUsers,
        Kpi::ReturningUsers,
        Kpi::CumulativeUsers,
        Kpi::DauMean,
        Kpi::Stickiness,
        Kpi::CostPerActiveUser,
        Kpi::RetentionRate,
        Kpi::FunnelConversion,
        Kpi::OutcomeRate,
        Kpi::Survival,
        Kpi::MedianTimeToOutcome,
        Kpi::Impact,
        Kpi::CostPerAdditionalOutcome,
    ];

    /// The one declaration of each KPI.
    pub const fn info(self) -> Info {
        match self {
            Kpi::Events => Info {
                name: "events",
                definition: "number of accepted usage events in the month",
                table: "kpis",
                grain: MONTHLY,
                unit: Unit::Count,
                n: Some(Kpi::ActiveUsers),
                label_fr: "Événements",
                label_en: "Events",
                explain_fr: "événements d’usage acceptés dans le mois",
                explain_en: "accepted usage events in the month",
                family: Family::Reach,
                north_star: true,
            },
            Kpi::ActiveUsers => Info {
                name: "active_users",
                definition: "distinct users with at least one event in the month",
                table: "kpis",
                grain: MONTHLY,
                unit: Unit::Users,
                n: Some(Kpi::ActiveUsers),
                label_fr: "Utilisateurs actifs",
                label_en: "Active users",
                explain_fr: "au moins un événement dans le mois",
                explain_en: "at least one event in the month",
                family: Family::Reach,
                north_star: true,
            },
            Kpi::NewUsers => Info {
                name: "new_users",
                definition: "users whose first event in the product (cohort) falls in the month",
                table: "kpis",
                grain: MONTHLY,
                unit: Unit::Users,
                n: Some(Kpi::NewUsers),
                label_fr: "Nouveaux utilisateurs",
                label_en: "New users",
                explain_fr: "dont la cohorte (le mois du premier usage) est le mois",
                explain_en: "whose cohort (the month of their first use) is the month",
                family: Family::Reach,
                north_star: true,
            },
            Kpi::ReturningUsers => Info {
                name: "returning_users",
                definition: "active_users − new_users",
                table: "kpis",
                grain: MONTHLY,
                unit: Unit::Users,
                n: Some(Kpi::ReturningUsers),
                label_fr: "Utilisateurs de retour",
                label_en: "Returning users",
                explain_fr: "actifs moins nouveaux",
                explain_en: "active minus new",
                family: Family::Reach,
                north_star: true,
            },
            Kpi::CumulativeUsers => Info {
                name: "cumulative_users",
                definition: "distinct users whose first event is on or before the end of the month",
                table: "kpis",
                grain: MONTHLY,
                unit: Unit::Users,
                n: Some(Kpi::CumulativeUsers),
                label_fr: "Utilisateurs cumulés",
                label_en: "Cumulative users",
                explain_fr: "arrivés jusqu’à la fin du mois",
                explain_en: "first seen up to the end of the month",
                family: Family::Reach,
                north_star: true,
            },
            Kpi::DauMean => Info {
                name: "dau_mean",
                definition: "mean over the month's days up to as_of of the distinct users that day (0 on days without events)",
                table: "kpis",
                grain: MONTHLY,
                unit: Unit::Mean,
                n: Some(Kpi::ActiveUsers),
                label_fr: "Actifs par jour (moyenne)",
                label_en: "Daily active users (mean)",
                explain_fr: "moyenne sur chaque jour du mois jusqu’à l’arrêt, jours sans événement compris",
                explain_en: "the mean over every day of the month up to the cut-off, days without events included",
                family: Family::Reach,
                north_star: true,
            },
            Kpi::Stickiness => Info {
                name: "stickiness",
                definition: "dau_mean / active_users (DAU/MAU)",
                table: "kpis",
                grain: MONTHLY,
                unit: Unit::Ratio,
                n: Some(Kpi::ActiveUsers),
                label_fr: "Fidélité (DAU/MAU)",
                label_en: "Stickiness (DAU/MAU)",
                explain_fr: "actifs par jour / actifs du mois",
                explain_en: "daily active users / monthly active users",
                family: Family::Reach,
                north_star: true,
            },
            Kpi::CostPerActiveUser => Info {
                name: "cost_per_active_user",
                definition: "annual_cost_eur / 12 / active_users",
                table: "kpis",
                grain: "product with annual_cost_eur, month, segment all",
                unit: Unit::Euros,
                n: Some(Kpi::ActiveUsers),
                label_fr: "Coût par utilisateur actif",
                label_en: "Cost per active user",
                explain_fr: "coût annuel / 12 / actifs du mois",
                explain_en: "annual cost / 12 / active users of the month",
                family: Family::Reach,
                north_star: true,
            },
            Kpi::RetentionRate => Info {
                name: "retention_rate",
                definition: "users of the cohort with an event in calendar month cohort + k, over the cohort size",
                table: "retention",
                grain: "product (and _portfolio), segment, cohort month, months since",
                unit: Unit::Rate,
                n: None,
                label_fr: "Rétention",
                label_en: "Retention",
                explain_fr: "part d’une cohorte active à nouveau le k-ième mois calendaire après son arrivée",
                explain_en: "share of a cohort active again in the k-th calendar month after it arrived",
                family: Family::Retention,
                north_star: false,
            },
            Kpi::FunnelConversion => Info {
                name: "funnel_conversion",
                definition: "users reaching the step in order within the window, from the start and from the previous step",
                table: "funnel",
                grain: "product with a funnel, cohort month of the first step, step",
                unit: Unit::Rate,
                n: None,
                label_fr: "Conversion du parcours",
                label_en: "Funnel conversion",
                explain_fr: "part des entrants qui atteignent chaque étape, dans l’ordre et dans la fenêtre",
                explain_en: "share of entrants reaching each step, in order and within the window",
                family: Family::Funnel,
                north_star: false,
            },
            Kpi::OutcomeRate => Info {
                name: "outcome_rate",
                definition: "users of the cohort with the outcome within [first_seen, first_seen + W] days, Wilson 95% interval",
                table: "outcomes",
                grain: "product (and _portfolio), segment, cohort month, outcome, window",
                unit: Unit::Rate,
                n: None,
                label_fr: "Taux de résultat",
                label_en: "Outcome rate",
                explain_fr: "part d’une cohorte qui connaît l’issue dans la fenêtre qui suit le premier usage",
                explain_en: "share of a cohort with the outcome within the window after first use",
                family: Family::Outcomes,
                north_star: false,
            },
            Kpi::Survival => Info {
                name: "survival",
                definition: "Kaplan–Meier share without the outcome, Greenwood log-log 95% band, Nelson–Aalen hazard",
                table: "survival",
                grain: "product, outcome, arm, day",
                unit: Unit::Rate,
                n: None,
                label_fr: "Part sans le résultat",
                label_en: "Share without the outcome",
                explain_fr: "part encore sans l’issue au fil des jours (Kaplan–Meier)",
                explain_en: "share still without the outcome day after day (Kaplan–Meier)",
                family: Family::Survival,
                north_star: false,
            },
            Kpi::MedianTimeToOutcome => Info {
                name: "median_time_to_outcome",
                definition: "first day where survival ≤ 0.5, Brookmeyer–Crowley interval",
                table: "survival_summary",
                grain: "product, outcome, arm",
                unit: Unit::Days,
                n: None,
                label_fr: "Délai médian",
                label_en: "Median time",
                explain_fr: "premier jour où la moitié a connu l’issue",
                explain_en: "first day by which half have had the outcome",
                family: Family::Survival,
                north_star: false,
            },
            Kpi::Impact => Info {
                name: "impact",
                definition: "treatment − control (intention to treat): Newcombe interval for rates, Welch for mean values",
                table: "impact",
                grain: "randomized product, outcome, window, metric",
                unit: Unit::Difference,
                n: None,
                label_fr: "Effet",
                label_en: "Effect",
                explain_fr: "différence traitement − témoin d’un essai randomisé",
                explain_en: "treatment − control difference of a randomized trial",
                family: Family::Impact,
                north_star: false,
            },
            Kpi::CostPerAdditionalOutcome => Info {
                name: "cost_per_additional_outcome",
                definition: "annual_cost_eur / (difference × new users of the last 12 months), where the difference is positive",
                table: "impact",
                grain: "randomized product with annual_cost_eur, outcome, window",
                unit: Unit::Euros,
                n: None,
                label_fr: "Coût par résultat supplémentaire",
                label_en: "Cost per additional outcome",
                explain_fr: "coût annuel / (effet × nouveaux utilisateurs des douze derniers mois)",
                explain_en: "annual cost / (effect × new users of the last twelve months)",
                family: Family::Impact,
                north_star: false,
            },
        }
    }

    pub const fn name(self) -> &'static str {
        self.info().name
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let info = self.info();
        lang.pick(info.label_fr, info.label_en)
    }

    /// `Label: what it counts.`, for the Method section.
    pub fn explain(self, lang: Lang) -> String {
        let info = self.info();
        match lang {
            Lang::Fr => format!("{}\u{A0}: {}.", info.label_fr, info.explain_fr),
            Lang::En => format!("{}: {}.", info.label_en, info.explain_en),
        }
    }

    pub fn from_name(name: &str) -> Option<Kpi> {
        Kpi::ALL.into_iter().find(|k| k.name() == name)
    }

    /// True for the user counts that disclosure control judges by their own value.
    pub fn is_user_count(self) -> bool {
        self.info().unit == Unit::Users
    }
}

/// Rows sort by the code, as text (SPEC section 5), not by declaration order.
impl Ord for Kpi {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

impl PartialOrd for Kpi {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Kpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a north star follows: a `kpis.parquet` figure of segment `all`, or
/// the latest complete cohort's outcome rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NorthStarKpi {
    Kpi(Kpi),
    OutcomeRate { outcome: String, window: i32 },
}

impl NorthStarKpi {
    /// The `north_star.kpi` forms: a north-star KPI's name, or
    /// `outcome_rate:<outcome>:<window>`.
    pub fn parse(code: &str) -> Option<NorthStarKpi> {
        if let Some(rest) = code.strip_prefix("outcome_rate:") {
            let (outcome, window) = rest.rsplit_once(':')?;
            let window = window.parse::<u32>().ok().and_then(|w| i32::try_from(w).ok())?;
            return (!outcome.is_empty()).then(|| NorthStarKpi::OutcomeRate { outcome: outcome.to_owned(), window });
        }
        Kpi::from_name(code).filter(|k| k.info().north_star).map(NorthStarKpi::Kpi)
    }

    /// Whether the value is a share in [0, 1], shown in percent.
    pub fn is_rate(&self) -> bool {
        match self {
            NorthStarKpi::Kpi(k) => matches!(k.info().unit, Unit::Rate | Unit::Ratio),
            NorthStarKpi::OutcomeRate { .. } => true,
        }
    }
}

impl fmt::Display for NorthStarKpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NorthStarKpi::Kpi(k) => f.write_str(k.name()),
            NorthStarKpi::OutcomeRate { outcome, window } => write!(f, "outcome_rate:{outcome}:{window}"),
        }
    }
}

impl serde::Serialize for NorthStarKpi {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_listed_once() {
        let mut names: Vec<_> = Kpi::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Kpi::ALL.len());
        for k in Kpi::ALL {
            assert_eq!(Kpi::from_name(k.name()), Some(k));
        }
    }

    #[test]
    fn n_of_each_monthly_figure() {
        for k in Kpi::ALL {
            let info = k.info();
            assert_eq!(info.n.is_some(), info.table == "kpis", "{k}");
            if info.unit == Unit::Users {
                assert_eq!(info.n, Some(k), "a user count is its own n");
            }
        }
        assert_eq!(Kpi::Stickiness.info().n, Some(Kpi::ActiveUsers));
    }

    #[test]
    fn north_star_names() {
        assert_eq!(NorthStarKpi::parse("active_users"), Some(NorthStarKpi::Kpi(Kpi::ActiveUsers)));
        let rate = NorthStarKpi::parse("outcome_rate:employment:90");
        assert_eq!(rate, Some(NorthStarKpi::OutcomeRate { outcome: "employment".into(), window: 90 }));
        assert_eq!(rate.unwrap().to_string(), "outcome_rate:employment:90");
        assert_eq!(NorthStarKpi::parse("outcome_rate:employment"), None);
        assert_eq!(NorthStarKpi::parse("outcome_rate::90"), None);
        assert_eq!(NorthStarKpi::parse("outcome_rate:employment:-3"), None);
        assert_eq!(NorthStarKpi::parse("retention_rate"), None);
        assert_eq!(NorthStarKpi::parse("actve_users"), None);
        assert!(NorthStarKpi::parse("stickiness").unwrap().is_rate());
        assert!(!NorthStarKpi::parse("events").unwrap().is_rate());
    }

    #[test]
    fn sorts_by_name() {
        let mut ks = vec![Kpi::Stickiness, Kpi::ActiveUsers, Kpi::Events, Kpi::DauMean];
        ks.sort();
        assert_eq!(ks, vec![Kpi::ActiveUsers, Kpi::DauMean, Kpi::Events, Kpi::Stickiness]);
    }
}
