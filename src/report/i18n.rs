//! Every word the report and its charts print, in French and in English:
//! section titles, column heads, chart titles, the names of KPIs, statuses,
//! origins, phases, arms and reject reasons, and the Method section.
//!
//! Responsible for wording only; numbers and dates come from `format`.
//! Templates mark their blanks `{name}` and are filled with [`fill`]. A code
//! with no translation (an outcome, an event, an unknown phase) is shown as
//! it is.

use super::model::NorthStarStatus;
use crate::format::Lang;
use crate::ingest::reject::Reason;
use crate::registry::Kpi;

/// The report's fixed labels in one language.
#[derive(Debug)]
pub struct Labels {
    pub contents: &'static str,
    pub running_head: &'static str,
    pub month: &'static str,
    pub as_of: &'static str,
    pub config: &'static str,
    pub partial_month: &'static str,
    pub footer: &'static str,
    pub missing_legend: &'static str,
    pub suppressed_legend: &'static str,
    pub suppressed_short: &'static str,
    pub gap_note: &'static str,
    pub total: &'static str,
    pub not_given: &'static str,
    pub product: &'static str,
    pub indicator: &'static str,
    // Section titles.
    pub summary: &'static str,
    pub portfolio: &'static str,
    pub impact: &'static str,
    pub products: &'static str,
    pub quality: &'static str,
    pub method: &'static str,
    // Portfolio summary.
    pub key_figures: &'static str,
    pub users_chart: &'static str,
    pub users_chart_sub: &'static str,
    pub active_users: &'static str,
    pub new_users: &'static str,
    pub rate_chart: &'static str,
    pub rate_chart_sub: &'static str,
    pub incomplete_cohort: &'static str,
    pub ci95: &'static str,
    pub no_outcome_chart: &'static str,
    pub status: &'static str,
    pub north_star: &'static str,
    pub target: &'static str,
    // Summary.
    pub value_target: &'static str,
    pub spark_head: &'static str,
    pub verdict_head: &'static str,
    pub thresholds: &'static str,
    pub evidence_note: &'static str,
    /// `{n}`: the Maryland level, in a sentence.
    pub evidence_level_long: &'static str,
    pub lead_no_status: &'static str,
    pub lead_tracked: &'static str,
    pub lead_tracked_one: &'static str,
    pub lead_no_data: &'static str,
    pub lead_status: &'static str,
    pub lead_trials: &'static str,
    pub lead_trials_one: &'static str,
    pub lead_effect: &'static str,
    pub lead_no_effect: &'static str,
    pub lead_harm: &'static str,
    pub lead_no_harm: &'static str,
    pub lead_inconclusive: &'static str,
    pub lead_inconclusive_one: &'static str,
    pub lead_trial: &'static str,
    pub lead_srm: &'static str,
    pub lead_outage: &'static str,
    pub lead_outage_item: &'static str,
    pub lead_catalog: &'static str,
    pub lead_rollouts: &'static str,
    pub lead_rollouts_one: &'static str,
    pub lead_rollout_effect: &'static str,
    pub lead_rollout_no_effect: &'static str,
    pub lead_pretrend: &'static str,
    pub lead_rejected_files: &'static str,
    /// The alerts that do not fit in five sentences, by kind: `{list}`.
    pub lead_also: &'static str,
    /// Each kind of alert in a few words, for `lead_also`: `{list}`, or
    /// `{rows}` for the catalog.
    pub also_srm: &'static str,
    pub also_pretrend: &'static str,
    pub also_outage: &'static str,
    pub also_catalog: &'static str,
    pub also_rejected_files: &'static str,
    pub lead_orphans: &'static str,
    pub lead_no_id: &'static str,
    pub catalog_row: &'static str,
    pub catalog_rows: &'static str,
    pub usage_row: &'static str,
    pub usage_rows: &'static str,
    pub no_alert: &'static str,
    pub origin_phase: &'static str,
    pub origin: &'static str,
    pub phase: &'static str,
    pub audience: &'static str,
    pub annual_cost: &'static str,
    // Impact.
    pub impact_intro: &'static str,
    pub forest_title: &'static str,
    pub forest_sub: &'static str,
    pub forest_axis: &'static str,
    pub continued: &'static str,
    pub primary_endpoints: &'static str,
    pub exploratory: &'static str,
    pub exploratory_tag: &'static str,
    pub mean_effects: &'static str,
    pub endpoint: &'static str,
    pub n_arms: &'static str,
    pub rates_arms: &'static str,
    pub means_arms: &'static str,
    pub difference: &'static str,
    pub relative: &'static str,
    pub p: &'static str,
    pub verdict: &'static str,
    pub mde: &'static str,
    pub cost_per_outcome: &'static str,
    pub always_valid: &'static str,
    pub cuped: &'static str,
    pub effect_on_users: &'static str,
    pub q: &'static str,
    pub rate_details: &'static str,
    pub takeup: &'static str,
    pub variance_reduction: &'static str,
    pub fixed_interval: &'static str,
    pub always_valid_interval: &'static str,
    pub always_valid_short: &'static str,
    pub randomized_trial: &'static str,
    pub staggered_rollout: &'static str,
    pub primary_endpoint: &'static str,
    pub planned_heading: &'static str,
    pub planned_default: &'static str,
    pub planned_note: &'static str,
    pub positive: &'static str,
    pub negative: &'static str,
    pub not_demonstrated: &'static str,
    pub not_estimable: &'static str,
    pub srm_heading: &'static str,
    pub srm_warning: &'static str,
    pub srm_none: &'static str,
    pub no_trial: &'static str,
    // Product pages.
    pub products_intro: &'static str,
    pub appendix: &'static str,
    pub appendix_intro: &'static str,
    pub outage_warning: &'static str,
    pub no_trial_page: &'static str,
    /// `{outcome}`, `{window}`: a north star that is an outcome rate.
    pub outcome_rate_name: &'static str,
    pub no_usage: &'static str,
    pub no_usage_text: &'static str,
    pub no_north_star: &'static str,
    pub lower_is_better: &'static str,
    pub vs_previous: &'static str,
    pub vs_year_before: &'static str,
    pub vs_previous_head: &'static str,
    pub vs_year_head: &'static str,
    pub mau_chart: &'static str,
    pub mau_sub: &'static str,
    pub retention_chart: &'static str,
    pub retention_sub: &'static str,
    pub months_since: &'static str,
    pub truncated_cohort: &'static str,
    pub no_retention: &'static str,
    pub funnel_chart: &'static str,
    pub funnel_cohort: &'static str,
    pub incomplete: &'static str,
    pub funnel_detail: &'static str,
    pub funnel_detail_first: &'static str,
    pub survival_chart: &'static str,
    pub survival_sub: &'static str,
    pub survival_rounded: &'static str,
    pub survival_axis_assigned: &'static str,
    pub survival_axis_first_use: &'static str,
    pub survival_untested: &'static str,
    pub survival_treatment_better: &'static str,
    pub survival_control_better: &'static str,
    pub survival_same: &'static str,
    pub survival_median: &'static str,
    pub survival_median_masked: &'static str,
    pub survival_not_reached: &'static str,
    pub arm: &'static str,
    pub events: &'static str,
    pub median: &'static str,
    pub not_reached: &'static str,
    // Data quality.
    pub reconciliation: &'static str,
    pub reconciliation_intro: &'static str,
    pub reconciliation_masked: &'static str,
    pub input: &'static str,
    pub file: &'static str,
    pub rows_read: &'static str,
    pub accepted: &'static str,
    pub rejected: &'static str,
    pub duplicate: &'static str,
    pub after_cutoff: &'static str,
    pub reject_reasons: &'static str,
    pub reject_intro: &'static str,
    pub reason: &'static str,
    pub rows: &'static str,
    pub no_rejects: &'static str,
    pub id_coverage: &'static str,
    pub in_users: &'static str,
    pub in_outcomes: &'static str,
    pub outages: &'static str,
    pub outages_intro: &'static str,
    pub rollout_inputs: &'static str,
    pub unknown_unit: &'static str,
    pub no_rollout: &'static str,
    /// `{product}`, `{units}`, `{month}`.
    pub opened_before_panel: &'static str,
    /// `{product}`, `{units}`, `{month}`, `{k}`.
    pub small_group: &'static str,
    /// `{product}`, `{since}`, `{first}`: a `since` before the data.
    pub since_early: &'static str,
    /// `{product}`, `{since}`, `{month}`: a `since` after the report.
    pub since_late: &'static str,
    /// `{n}`: the number of units not named.
    pub more_units: &'static str,
    pub no_outages: &'static str,
    // Method.
    /// The term under which the Method section lists every KPI of the registry.
    pub method_kpis: &'static str,
    pub method_items: &'static [(&'static str, &'static str)],
    /// The Method section's last item: the disclosure rules and their cost.
    pub disclosure: &'static str,
    pub disclosure_rules: &'static str,
    /// The same item when `min_cell = 0`.
    pub disclosure_off: &'static str,
}

/// The labels of `lang`.
pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// Replaces each `{name}` in `template` by its value, in one pass: a value
/// taken from the data that holds `{month}` stays as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|name| values.iter().find(|(n, _)| *n == name)) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

const ORIGINS: &[(&str, &str, &str)] = &[
    ("intrapreneur", "Intrapreneuriat", "Intrapreneur"),
    ("business_request", "Commande métier", "Business request"),
    ("ministerial_order", "Commande ministérielle", "Ministerial order"),
];

const PHASES: &[(&str, &str, &str)] = &[
    ("investigation", "Investigation", "Investigation"),
    ("construction", "Construction", "Construction"),
    ("acceleration", "Accélération", "Acceleration"),
    ("consolidation", "Consolidation", "Consolidation"),
    ("transfer", "Transfert", "Transfer"),
    ("stopped", "Arrêt", "Stopped"),
];

const AUDIENCES: &[(&str, &str, &str)] = &[
    ("job_seekers", "Demandeurs d’emploi", "Job seekers"),
    ("employers", "Employeurs", "Employers"),
    ("advisers", "Conseillers", "Advisers"),
];

/// What a reject reason means, in a few words.
fn reason_text(lang: Lang, reason: Reason) -> &'static str {
    match reason {
        Reason::EmptyField => lang.pick("champ obligatoire vide", "required field empty"),
        Reason::BadRecord => {
            lang.pick("ligne illisible (nombre de champs, guillemet)", "unreadable record (field count, quote)")
        }
        Reason::BadTimestamp => {
            lang.pick("horodatage illisible ou invraisemblable", "unreadable or implausible timestamp")
        }
        Reason::NonexistentLocalTime => {
            lang.pick("heure locale inexistante (passage à l’heure d’été)", "local time that does not exist (DST gap)")
        }
        Reason::BadDate => {
            lang.pick("date illisible, inexistante ou invraisemblable", "unreadable, nonexistent or implausible date")
        }
        Reason::BadNumber => lang.pick("nombre illisible ou invraisemblable", "unreadable or implausible number"),
        Reason::BadValue => lang.pick("valeur hors de la liste permise", "value outside the allowed list"),
        Reason::BadId => lang.pick("identifiant illisible", "unreadable id"),
        Reason::UnknownProject => lang.pick("produit absent du catalogue", "product not in the catalog"),
        Reason::BadArm => lang.pick("bras ni treatment ni control", "arm neither treatment nor control"),
        Reason::DuplicateKey => lang.pick("clé en double", "duplicate key"),
        Reason::DoubleAssignment => lang.pick("utilisateur affecté deux fois", "user assigned twice"),
    }
}

const ARMS: &[(&str, &str, &str)] = &[
    ("treatment", "Traitement", "Treatment"),
    ("control", "Témoin", "Control"),
    ("all", "Tous les utilisateurs", "All users"),
];

fn lookup(table: &[(&str, &'static str, &'static str)], lang: Lang, code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _, _)| *c == code).map(|&(_, fr, en)| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    })
}

fn lookup_or_code(table: &[(&str, &'static str, &'static str)], lang: Lang, code: &str) -> String {
    lookup(table, lang, code).map_or_else(|| code.to_string(), str::to_string)
}

/// A KPI's display name, from the registry.
pub fn kpi_name(lang: Lang, kpi: Kpi) -> String {
    kpi.label(lang).to_owned()
}

/// Who a product's users are, in a sentence (its catalog audience).
pub fn people(lang: Lang, audience: Option<&str>) -> &'static str {
    match audience {
        Some("job_seekers") => lang.pick("demandeurs d’emploi", "job seekers"),
        Some("employers") => lang.pick("employeurs", "employers"),
        Some("advisers") => lang.pick("conseillers", "advisers"),
        _ => lang.pick("utilisateurs", "users"),
    }
}

pub fn origin(lang: Lang, code: &str) -> String {
    lookup_or_code(ORIGINS, lang, code)
}

pub fn phase(lang: Lang, code: &str) -> String {
    lookup_or_code(PHASES, lang, code)
}

pub fn audience(lang: Lang, code: &str) -> String {
    lookup_or_code(AUDIENCES, lang, code)
}

/// A reject reason: `code — description`.
pub fn reason(lang: Lang, code: &str) -> String {
    match Reason::from_code(code) {
        Some(reason) => format!("{code} — {}", reason_text(lang, reason)),
        None => code.to_string(),
    }
}

/// A reject reason in words alone, for a sentence.
pub fn reason_words(lang: Lang, code: &str) -> String {
    Reason::from_code(code).map_or_else(|| code.to_string(), |r| reason_text(lang, r).to_string())
}

pub fn arm(lang: Lang, code: &str) -> String {
    lookup_or_code(ARMS, lang, code)
}

/// The order in which the portfolio summary lists phases (unknown ones last).
pub fn phase_rank(code: &str) -> usize {
    PHASES.iter().position(|(c, _, _)| *c == code).unwrap_or(PHASES.len())
}

/// The order of origins in the portfolio summary (unknown ones last).
pub fn origin_rank(code: &str) -> usize {
    ORIGINS.iter().position(|(c, _, _)| *c == code).unwrap_or(ORIGINS.len())
}

pub fn status(lang: Lang, s: NorthStarStatus) -> &'static str {
    match (lang, s) {
        (Lang::Fr, NorthStarStatus::OnTrack) => "En bonne voie",
        (Lang::Fr, NorthStarStatus::AtRisk) => "À surveiller",
        (Lang::Fr, NorthStarStatus::OffTrack) => "En retard",
        (Lang::Fr, NorthStarStatus::NotSet) => "Non définie",
        (Lang::Fr, NorthStarStatus::NoData) => "Pas de donnée",
        (Lang::En, NorthStarStatus::OnTrack) => "On track",
        (Lang::En, NorthStarStatus::AtRisk) => "At risk",
        (Lang::En, NorthStarStatus::OffTrack) => "Off track",
        (Lang::En, NorthStarStatus::NotSet) => "Not set",
        (Lang::En, NorthStarStatus::NoData) => "No data",
    }
}

static FR: Labels = Labels {
    contents: "Sommaire",
    running_head: "Mois de {month} · données au {date} · configuration {hash}",
    month: "Mois",
    as_of: "Données au",
    config: "Configuration",
    partial_month: "mois partiel",
    footer: "Rapport produit par jauge à partir des exports du mois\u{A0}; les chiffres sont reproductibles avec la même configuration.",
    missing_legend: "«\u{A0}—\u{A0}»\u{A0}: pas de valeur (mois sans donnée ou dénominateur nul).",
    suppressed_legend: "«\u{A0}{s}\u{A0}»\u{A0}: valeur masquée par le contrôle de divulgation (moins de {k}\u{A0}utilisateurs, ou masquée pour qu’elle ne se déduise pas d’un total).",
    suppressed_short: "masqué ({s})",
    gap_note: "Un trou dans une courbe est une valeur masquée ({s}).",
    total: "Total",
    not_given: "(non renseigné)",
    product: "Produit",
    indicator: "Indicateur",
    summary: "Synthèse",
    portfolio: "Portefeuille",
    impact: "Impact des essais randomisés",
    products: "Produits",
    quality: "Qualité des données",
    method: "Méthode et limites",
    key_figures: "Chiffres clés",
    users_chart: "Utilisateurs du portefeuille par mois",
    users_chart_sub: "13 derniers mois\u{A0}; un utilisateur de plusieurs produits compte une fois",
    active_users: "Utilisateurs actifs",
    new_users: "Nouveaux utilisateurs",
    rate_chart: "Taux «\u{A0}{outcome}\u{A0}» à {window}, par cohorte d’arrivée",
    rate_chart_sub: "Part de la cohorte qui a l’issue dans la fenêtre\u{A0}; taux observés, non causaux",
    incomplete_cohort: "cohorte incomplète",
    ci95: "IC 95\u{202F}%",
    no_outcome_chart: "Pas de taux d’issue du portefeuille à montrer (aucune issue par défaut ou aucune cohorte).",
    status: "Statut",
    north_star: "Indicateur phare",
    target: "Cible",
    value_target: "Valeur / cible",
    spark_head: "Actifs, 13\u{A0}mois",
    verdict_head: "Verdict (niveau de preuve)",
    thresholds: "Statut\u{A0}: «\u{A0}En bonne voie\u{A0}» à partir de la cible, «\u{A0}À surveiller\u{A0}» à partir de 80\u{202F}% de la cible, «\u{A0}En retard\u{A0}» en dessous\u{A0}; pour un coût (à ne pas dépasser), en bonne voie jusqu’à la cible, à surveiller jusqu’à 125\u{202F}%\u{A0}; «\u{A0}Pas de donnée\u{A0}»\u{A0}: valeur du mois masquée ou absente.",
    evidence_note: "Niveau de preuve (échelle de Maryland)\u{A0}: 5, essai randomisé\u{A0}; 3, déploiement échelonné. Le verdict suit l’intervalle toujours valide et la q-valeur (partie 3).",
    evidence_level_long: "niveau de preuve {n}",
    lead_no_status: "En {month}, aucun produit n’a d’indicateur phare défini\u{A0}: le tableau ne donne que l’usage et les essais.",
    lead_tracked: "{n}\u{A0}produits sur {total} ont",
    lead_tracked_one: "{n}\u{A0}produit sur {total} a",
    lead_no_data: ", {n} sans donnée ce mois-ci",
    lead_status: "En {month}, {tracked} un indicateur phare\u{A0}: {on} en bonne voie, {at} à surveiller, {off} en retard{no_data}.",
    lead_trials: "{n}\u{A0}essais randomisés sont lus ce mois-ci",
    lead_trials_one: "{n}\u{A0}essai randomisé est lu ce mois-ci",
    lead_effect: "effet démontré après correction pour {list}",
    lead_no_effect: "aucun effet n’est démontré après correction",
    lead_harm: "effet négatif démontré pour {list}",
    lead_no_harm: "aucun effet négatif n’est démontré",
    lead_inconclusive: "\u{A0}; {n} restent non concluants",
    lead_inconclusive_one: "\u{A0}; 1 reste non concluant",
    lead_trial: "{trials}\u{A0}: {first}\u{A0}; {second}{rest}.",
    lead_srm: "Répartition des bras à vérifier avant de lire l’effet (écart à l’allocation prévue, p\u{A0}<\u{A0}0,001)\u{A0}: {list}.",
    lead_outage: "Panne de suivi possible (événements sous la moitié de la médiane des trois mois précédents)\u{A0}: {list}.",
    lead_outage_item: "{product} en {month}",
    lead_catalog: "Catalogue des produits\u{A0}: {rows}, à corriger dans le fichier projects — {list}.",
    lead_rollouts: "{n}\u{A0}déploiements échelonnés sont lus",
    lead_rollouts_one: "{n}\u{A0}déploiement échelonné est lu",
    lead_rollout_effect: "effet démontré (niveau de preuve 3) pour {list}",
    lead_rollout_no_effect: "aucun effet n’est démontré",
    lead_pretrend: "Avant l’ouverture, les territoires n’évoluaient pas en parallèle (p\u{A0}<\u{A0}0,05)\u{A0}; l’effet est à lire avec prudence\u{A0}: {list}.",
    lead_rejected_files: "Fichiers dont plus de 1\u{202F}% des lignes sont rejetées (détail dans la qualité des données)\u{A0}: {list}.",
    lead_also: "À vérifier aussi (détail dans les parties suivantes)\u{A0}: {list}.",
    also_srm: "la répartition des bras pour {list}",
    also_pretrend: "des évolutions non parallèles avant l’ouverture pour {list}",
    also_outage: "une panne de suivi possible pour {list}",
    also_catalog: "{rows} au catalogue des produits, à corriger dans le fichier projects — {list}",
    also_rejected_files: "plus de 1\u{202F}% de lignes rejetées dans {list}",
    lead_orphans: ", {rows}",
    lead_no_id: "ligne sans identifiant",
    catalog_row: "ligne rejetée",
    catalog_rows: "lignes rejetées",
    usage_row: "ligne d’usage écartée",
    usage_rows: "lignes d’usage écartées",
    no_alert: "Aucune alerte\u{A0}: les bras des essais sont équilibrés, aucune panne de suivi récente, aucune ligne du catalogue ni plus de 1\u{202F}% d’un fichier rejetées.",
    origin_phase: "Produits par origine et phase",
    origin: "Origine",
    phase: "Phase",
    audience: "Public",
    annual_cost: "Coût annuel",
    impact_intro: "Essais randomisés lus en intention de traiter\u{A0}: toute affectation acceptée dont la fenêtre est close compte, que la personne ait utilisé le produit ou non. Le comité relit les mêmes essais chaque mois\u{A0}: le verdict suit donc l’intervalle à 95\u{202F}% toujours valide, qui le reste quel que soit le nombre de lectures, et la q-valeur, corrigée pour tous les résultats lus ensemble. Un effet est démontré quand cet intervalle exclut zéro et que q\u{A0}<\u{A0}0,05.",
    forest_title: "Effet sur le taux d’issue (traitement − témoin)",
    forest_sub: "Différence en points de pourcentage\u{A0}: trait fin, l’intervalle à 95\u{202F}% fixe (Newcombe)\u{A0}; bande épaisse, l’intervalle à 95\u{202F}% toujours valide",
    forest_axis: "différence de taux (points de pourcentage)",
    continued: "suite",
    primary_endpoints: "Critères principaux",
    exploratory: "Analyses exploratoires",
    exploratory_tag: "exploratoire",
    mean_effects: "Effets sur les valeurs moyennes",
    endpoint: "Produit · critère",
    n_arms: "n (T / C)",
    rates_arms: "Taux T / C",
    means_arms: "Moyenne T / C",
    difference: "Différence [IC 95\u{202F}%]",
    relative: "Relatif [IC 95\u{202F}%]",
    p: "p",
    verdict: "Verdict",
    mde: "Effet détectable",
    cost_per_outcome: "Coût par issue en plus",
    always_valid: "IC 95\u{202F}% toujours valide",
    cuped: "Ajusté CUPED [IC 95\u{202F}%]",
    effect_on_users: "Effet sur les utilisateurs [IC 95\u{202F}%]",
    q: "q",
    rate_details: "Ajustements et détail des effets sur les taux",
    takeup: "Recours (T / C)",
    variance_reduction: "Variance retirée (CUPED)",
    fixed_interval: "IC 95\u{202F}% fixe",
    always_valid_interval: "IC 95\u{202F}% toujours valide",
    always_valid_short: "IC toujours valide",
    randomized_trial: "essai randomisé",
    staggered_rollout: "déploiement échelonné",
    primary_endpoint: "critère principal",
    planned_heading: "Taille prévue des essais",
    planned_default: "non déclaré\u{A0}: valeur par défaut",
    planned_note: "Quand un essai ne déclare pas planned_n, l’intervalle toujours valide est réglé pour 5\u{202F}000\u{A0}affectations\u{A0}; déclarer la taille prévue de l’essai dans jauge.toml le resserre autour de cette taille.",
    positive: "Effet démontré",
    negative: "Effet négatif démontré",
    not_demonstrated: "Non démontré",
    not_estimable: "Non estimable",
    srm_heading: "Équilibre des bras",
    srm_warning: "{product} — {endpoint}\u{A0}: {nt} en traitement, {nc} en témoin ({p}). La répartition s’écarte de l’allocation prévue\u{A0}: vérifier l’affectation avant de lire l’effet.",
    srm_none: "Aucun déséquilibre entre bras (p\u{A0}≥\u{A0}0,001 pour chaque essai).",
    no_trial: "Aucun essai randomisé n’a de fenêtre close à cette date.",
    products_intro: "Pages produits ({pages})\u{A0}: celles qui ont un essai, un déploiement échelonné, une alerte récente, ou un indicateur phare à surveiller ou en retard, dans l’ordre de la synthèse. Les autres produits ({others}) tiennent chacun en une ligne, en fin de partie.",
    appendix: "Autres produits",
    appendix_intro: "Produits sans essai ni alerte récente dont l’indicateur phare est en bonne voie, non défini ou sans donnée, et produits arrêtés\u{A0}: leur usage en {month}.",
    outage_warning: "Panne de suivi possible en {month}\u{A0}: les événements passent sous la moitié de la médiane des trois mois précédents. Vérifier le suivi avant de lire les chiffres de ce mois.",
    no_trial_page: "Pas d’essai ni de déploiement mesuré\u{A0}: les chiffres de cette page décrivent l’usage et les issues observées des utilisateurs (niveau de preuve 1), pas l’effet du produit.",
    outcome_rate_name: "Taux «\u{A0}{outcome}\u{A0}» à {window} (dernière cohorte complète)",
    no_usage: "Pas de données d’usage",
    no_usage_text: "Ce produit n’a aucun événement d’usage jusqu’au {date}\u{A0}: aucun indicateur n’est calculé.",
    no_north_star: "Aucun indicateur phare n’est défini pour ce produit.",
    lower_is_better: "à ne pas dépasser",
    vs_previous: "sur un mois",
    vs_year_before: "sur un an",
    vs_previous_head: "Sur un mois",
    vs_year_head: "Sur un an",
    mau_chart: "Utilisateurs actifs par mois",
    mau_sub: "Utilisateurs ayant au moins un événement dans le mois civil",
    retention_chart: "Rétention par cohorte",
    retention_sub: "Part de la cohorte de nouveau active le k-ième mois après son arrivée\u{A0}; échelle fixe de 0 à 100\u{202F}%",
    months_since: "mois depuis l’arrivée",
    truncated_cohort: "cohorte tronquée à gauche",
    no_retention: "Pas encore de cohorte à montrer.",
    funnel_chart: "Entonnoir",
    funnel_cohort: "cohorte {month}",
    incomplete: "incomplète",
    funnel_detail: "{start} du départ · {previous} de l’étape précédente",
    funnel_detail_first: "point de départ",
    survival_chart: "Délai jusqu’à «\u{A0}{outcome}\u{A0}»",
    survival_rounded: "Effectifs arrondis au multiple de {k} inférieur (voir la méthode).",
    survival_sub: "Part encore sans l’issue (Kaplan–Meier)",
    survival_axis_assigned: "jours depuis l’affectation",
    survival_axis_first_use: "jours depuis le premier usage",
    survival_untested: "Pas de test du log-rank publié entre les bras\u{A0}: les courbes se lisent sans verdict.",
    survival_treatment_better: "La courbe du traitement descend plus vite\u{A0}: avec le produit, plus de {people} atteignent «\u{A0}{outcome}\u{A0}» plus tôt ({test}).",
    survival_control_better: "La courbe du témoin descend plus vite\u{A0}: sans le produit, plus de {people} atteignent «\u{A0}{outcome}\u{A0}» plus tôt ({test}).",
    survival_same: "Les deux courbes ne se distinguent pas ({test})\u{A0}: aucune n’est meilleure à ce jour.",
    survival_median: "La moitié des {people} atteignent «\u{A0}{outcome}\u{A0}» en {median} après leur premier usage (taux observés, non causaux).",
    survival_median_masked: "Délai médian jusqu’à «\u{A0}{outcome}\u{A0}»\u{A0}: {median}.",
    survival_not_reached: "Moins de la moitié des {people} ont atteint «\u{A0}{outcome}\u{A0}» à ce jour\u{A0}: la médiane n’est pas atteinte.",
    arm: "Bras",
    events: "Issues observées",
    median: "Médiane [IC 95\u{202F}%]",
    not_reached: "non atteinte",
    reconciliation: "Réconciliation des lignes lues",
    reconciliation_intro: "Pour chaque fichier, lues = acceptées + rejetées + doublons + après l’arrêt\u{A0}: aucune ligne n’est écartée sans être comptée.",
    reconciliation_masked: "Les lignes lues et acceptées des affectations sont masquées\u{A0}: elles font la somme des bras des essais, et un bras de moins de {k}\u{A0}personnes n’est pas publié.",
    input: "Entrée",
    file: "Fichier",
    rows_read: "Lues",
    accepted: "Acceptées",
    rejected: "Rejetées",
    duplicate: "Doublons",
    after_cutoff: "Après l’arrêt",
    reject_reasons: "Principaux motifs de rejet",
    reject_intro: "Le détail des lignes rejetées contient des données personnelles\u{A0}: il n’est pas reproduit dans ce rapport.",
    reason: "Motif",
    rows: "Lignes",
    no_rejects: "Aucune ligne rejetée.",
    id_coverage: "Correspondance des identifiants",
    in_users: "Trouvés dans users",
    in_outcomes: "Trouvés dans outcomes",
    outages: "Baisses suspectes (panne de suivi possible)",
    outages_intro: "Mois dont les événements passent sous la moitié de la médiane des trois mois précédents.",
    rollout_inputs: "Déploiements échelonnés",
    unknown_unit: "{product}\u{A0}: le territoire «\u{A0}{unit}\u{A0}» du fichier rollouts n’est la valeur «\u{A0}{column}\u{A0}» d’aucune ligne de users\u{A0}; sans population, il est laissé de côté.",
    no_rollout: "{product}\u{A0}: un déploiement est configuré, mais le fichier rollouts n’en donne aucune ouverture acceptée\u{A0}; pas de chiffre de déploiement.",
    opened_before_panel: "{product}\u{A0}: {units}, ouverture en {month}, premier mois étudié, ou avant\u{A0}; sans mois antérieur pour comparer, hors de l’estimation.",
    small_group: "{product}\u{A0}: {units}, ouverture en {month}, moins de {k}\u{A0}personnes en tout\u{A0}; hors de l’estimation, pour qu’aucun chiffre ne repose sur moins de {k}\u{A0}personnes.",
    more_units: "et {n}\u{A0}autres",
    since_early: "{product}\u{A0}: le déploiement est étudié depuis {since}, avant le premier mois des données ({first})\u{A0}; ces mois sans aucune ligne se lisent comme un changement.",
    since_late: "{product}\u{A0}: le déploiement est étudié depuis {since}, après le mois du rapport ({month})\u{A0}; aucun mois à estimer.",
    no_outages: "Aucune baisse suspecte.",
    method_kpis: "Indicateurs",
    disclosure: "Contrôle de divulgation",
    disclosure_rules: "Un effectif entre 1 et {k1} est masqué, ainsi que tout taux ou moyenne qui en dépend et toute valeur calculée sur moins de {k}\u{A0}utilisateurs\u{A0}; une modalité de segment de moins de {k}\u{A0}personnes ne montre rien, zéros compris. Une deuxième valeur est masquée quand un total publié permettrait de retrouver la première (modalités d’un segment, nouveaux et revenus dans les actifs, produits dans le portefeuille, cohortes dans les revenus d’un mois), et un même effectif est masqué dans tous les tableaux qui le publient\u{A0}: ces masques coûtent des valeurs qui seraient publiables seules. Les courbes de survie sont calculées sur des effectifs cumulés arrondis au multiple de {k} inférieur (méthode d’OpenSAFELY)\u{A0}: elles sont le plus souvent un peu au-dessus des vraies (moins d’issues comptées), parfois un peu en dessous (des issues comptées en retard), et leurs médianes un peu plus tardives\u{A0}; un bras de moins de {k}\u{A0}personnes n’est pas montré\u{A0}; le log-rank porte sur les données exactes. Un résultat d’essai dont un bras compte moins de {k}\u{A0}personnes, ou dont un effectif d’issues est entre 1 et {k1}, est entièrement masqué. Un déploiement échelonné laisse de côté un groupe dont les territoires comptent moins de {k}\u{A0}personnes en tout, et masque une estimation dont les territoires de comparaison en comptent moins de {k}, avec tout agrégat qui l’utilise\u{A0}; la qualité des données nomme ce qui a été laissé de côté\u{A0}; la population des territoires, que l’opérateur publie déjà, reste. La qualité des données ne donne que des parts. Un effectif ou un taux masqué s’affiche «\u{A0}{s}\u{A0}», une médiane, un intervalle ou un test «\u{A0}masqué\u{A0}», hachurés, jamais comme un zéro ou un blanc\u{A0}; dans une courbe, c’est un trou. Limite\u{A0}: les différences d’utilisateurs cumulés d’un mois à l’autre ne sont pas protégées.",
    disclosure_off: "Désactivé (min_cell = 0)\u{A0}: toutes les valeurs sont publiées telles quelles, même les plus petits effectifs.",
    method_items: &[
        (
            "Périmètre",
            "Chaque produit est mesuré sur ses événements d’usage acceptés jusqu’à la date d’arrêt\u{A0}; les mois et les jours sont coupés dans le fuseau configuré. La cohorte d’un utilisateur est le mois de son premier usage du produit. Le portefeuille compte chaque personne une fois, quel que soit le nombre de produits utilisés.",
        ),
        (
            "Rétention",
            "Part des utilisateurs d’une cohorte actifs à nouveau le k-ième mois calendaire après leur arrivée (de retour «\u{A0}ce mois-là\u{A0}», pas «\u{A0}à partir de\u{A0}»). Le premier mois d’un export est tronqué à gauche quand le produit existait avant\u{A0}: ses utilisateurs anciens y paraissent nouveaux, d’où le gris.",
        ),
        (
            "Entonnoir",
            "Un utilisateur entre à la première étape\u{A0}; chaque étape suivante doit arriver après la précédente et dans la fenêtre de l’entonnoir. La conversion se lit depuis le départ et depuis l’étape précédente.",
        ),
        (
            "Issues",
            "Part d’une cohorte qui connaît l’issue dans la fenêtre qui suit le premier usage, avec un intervalle de Wilson à 95\u{202F}%. Ces taux sont observés\u{A0}: ils ne disent pas ce que le produit a causé, car les utilisateurs d’un produit ne ressemblent pas aux autres.",
        ),
        (
            "Délais",
            "Courbes de Kaplan–Meier avec variance de Greenwood et intervalle log-log\u{A0}; médiane et son intervalle à la Brookmeyer–Crowley. Le log-rank compare traitement et témoin sur les bras entiers. Les issues suivies sont celles qu’un produit recherche (un emploi, une embauche, une certification)\u{A0}: la courbe qui descend le plus vite est la meilleure, et le rapport ne le dit que si le log-rank distingue les bras (p\u{A0}<\u{A0}0,05). Avec le contrôle de divulgation, une courbe est recalculée sur des effectifs cumulés arrondis à un multiple de k\u{A0}: elle passe le plus souvent un peu au-dessus de la vraie, parfois un peu en dessous (des issues comptées en retard)\u{A0}; une médiane cachée s’écrit «\u{A0}masqué\u{A0}», ce n’est pas un effectif.",
        ),
        (
            "Niveaux de preuve",
            "Chaque chiffre d’impact dit comment il a été obtenu, sur l’échelle de Maryland (Sherman et al., 1997)\u{A0}: 5 pour un essai randomisé\u{A0}; 3 pour un déploiement échelonné (une comparaison d’évolutions qui suppose des tendances parallèles)\u{A0}; 1 pour les taux d’issue observés des utilisateurs, qui décrivent sans mesurer d’effet.",
        ),
        (
            "Pages produits",
            "Une page pour un produit qui a un essai, un déploiement, une alerte récente (une panne de suivi possible dans les trois derniers mois) ou un indicateur phare à surveiller ou en retard, jamais pour un produit arrêté\u{A0}; les autres tiennent en une ligne. Un graphique qui ne peut rien dire est omis\u{A0}: une courbe d’un seul point, une rétention dont toutes les cellules sont masquées, des délais avec moins de k\u{A0}issues observées. La rétention se lit à partir du premier mois après l’arrivée, sur une échelle fixe de 0 à 100\u{202F}% pour tous les produits.",
        ),
        (
            "Révisions",
            "Un chiffre déjà publié peut changer le mois suivant\u{A0}: exports tardifs, corrections, fenêtre d’une cohorte qui se referme. La partie Révisions compte et liste ces changements.",
        ),
        (
            "Impact",
            "Seuls les essais randomisés donnent un effet causal. Lecture en intention de traiter depuis la date d’affectation. Différence de taux avec l’intervalle hybride de Newcombe, effet relatif avec l’intervalle du rapport de risques (Katz), p du test z bilatéral\u{A0}; pour les valeurs, différence de moyennes avec l’intervalle de Welch. L’effet détectable est celui qu’on verrait avec 80\u{202F}% de puissance à 5\u{202F}%.",
        ),
        (
            "Lecture chaque mois",
            "Un intervalle fixe relu douze fois exclut à tort un effet nul bien plus d’une fois sur vingt. Chaque résultat porte aussi un intervalle à 95\u{202F}% toujours valide et sa p-valeur (séquence de confiance asymptotique de Waudby-Smith et al., 2024), valables quel que soit le nombre de lectures\u{A0}; il est le plus étroit quand l’essai atteint sa taille prévue planned_n. L’intervalle fixe reste à côté\u{A0}: c’est le chiffre à citer une fois cette taille atteinte.",
        ),
        (
            "Verdict et q-valeurs",
            "Le verdict suit l’intervalle toujours valide et la q-valeur de Benjamini–Hochberg, calculée sur toutes les p-valeurs publiées du tableau d’impact (les deux métriques)\u{A0}: un effet est démontré quand l’intervalle exclut zéro et que q\u{A0}<\u{A0}0,05, ce qui garde sous 5\u{202F}% la part attendue de fausses découvertes. Près du seuil, la p-valeur peut dire autre chose que l’intervalle. Seuls les critères principaux déclarés à l’avance font foi, les autres sont exploratoires.",
        ),
        (
            "Ajustement CUPED",
            "Les parcours avant l’affectation expliquent une part des issues\u{A0}: le même indicateur mesuré sur la période de même durée juste avant l’affectation sert de covariable (Deng et al., 2013). La différence ajustée garde la même cible mais un intervalle plus étroit d’autant que la variance retirée\u{A0}; sans historique (covariable constante), elle égale la différence.",
        ),
        (
            "Effet sur les utilisateurs",
            "Toutes les personnes affectées n’utilisent pas le produit. Le recours est un usage du produit dans la fenêtre\u{A0}; l’effet sur ceux qui y ont recours (effet moyen sur les compliers, Angrist, Imbens et Rubin, 1996) est la différence divisée par l’écart de recours entre bras, avec un intervalle par la méthode delta. Il suppose que l’affectation n’agit que par l’usage du produit.",
        ),
        (
            "Équilibre des bras",
            "Un test du χ² compare les effectifs des bras à l’allocation prévue\u{A0}; p\u{A0}<\u{A0}0,001 signale une affectation à vérifier.",
        ),
        (
            "Coût par issue en plus",
            "Coût annuel divisé par l’effet multiplié par les nouveaux utilisateurs des douze derniers mois\u{A0}; la borne haute n’est pas démontrée quand l’intervalle de l’effet touche zéro.",
        ),
    ],
};

static EN: Labels = Labels {
    contents: "Contents",
    running_head: "{month} · data as of {date} · config {hash}",
    month: "Month",
    as_of: "Data as of",
    config: "Config",
    partial_month: "partial month",
    footer: "Report produced by jauge from the month’s exports; the same configuration gives the same figures.",
    missing_legend: "“—”: no value (a month without data or a zero denominator).",
    suppressed_legend: "“{s}”: hidden by disclosure control (fewer than {k} users, or hidden so that it cannot be worked out from a total).",
    suppressed_short: "hidden ({s})",
    gap_note: "A gap in a line is a hidden value ({s}).",
    total: "Total",
    not_given: "(not given)",
    product: "Product",
    indicator: "Indicator",
    summary: "Summary",
    portfolio: "Portfolio",
    impact: "Impact of randomized trials",
    products: "Products",
    quality: "Data quality",
    method: "Method and limits",
    key_figures: "Key figures",
    users_chart: "Portfolio users per month",
    users_chart_sub: "Last 13 months; a person using several products counts once",
    active_users: "Active users",
    new_users: "New users",
    rate_chart: "“{outcome}” rate within {window}, by arrival cohort",
    rate_chart_sub: "Share of the cohort with the outcome in the window; observed rates, not causal",
    incomplete_cohort: "incomplete cohort",
    ci95: "95% CI",
    no_outcome_chart: "No portfolio outcome rate to show (no default outcome, or no cohort).",
    status: "Status",
    north_star: "North star",
    target: "Target",
    value_target: "Value / target",
    spark_head: "Active, 13 months",
    verdict_head: "Verdict (evidence level)",
    thresholds: "Status: “On track” from the target up, “At risk” from 80% of the target, “Off track” below; for a cost (not to exceed), on track up to the target, at risk up to 125% of it; “No data”: the month’s value is hidden or missing.",
    evidence_note: "Evidence level (Maryland scale): 5, randomized trial; 3, staggered roll-out. The verdict follows the always-valid interval and the q-value (part 3).",
    evidence_level_long: "evidence level {n}",
    lead_no_status: "In {month}, no product has a north star set: the table shows usage and trials only.",
    lead_tracked: "{n} of {total} products have",
    lead_tracked_one: "{n} of {total} products has",
    lead_no_data: ", {n} without data this month",
    lead_status: "In {month}, {tracked} a north star: {on} on track, {at} at risk, {off} off track{no_data}.",
    lead_trials: "{n} randomized trials are read this month",
    lead_trials_one: "{n} randomized trial is read this month",
    lead_effect: "an effect is demonstrated after correction for {list}",
    lead_no_effect: "no effect is demonstrated after correction",
    lead_harm: "harm is demonstrated for {list}",
    lead_no_harm: "no harm is demonstrated",
    lead_inconclusive: "; {n} remain inconclusive",
    lead_inconclusive_one: "; 1 remains inconclusive",
    lead_trial: "{trials}: {first}; {second}{rest}.",
    lead_srm: "Arm sizes to check before reading the effect (they depart from the planned allocation, p < 0.001): {list}.",
    lead_outage: "Possible tracking outage (events below half the median of the three months before): {list}.",
    lead_outage_item: "{product} in {month}",
    lead_catalog: "Product catalog: {rows}, to fix in the projects file — {list}.",
    lead_rollouts: "{n} staggered roll-outs are read",
    lead_rollouts_one: "{n} staggered roll-out is read",
    lead_rollout_effect: "an effect is demonstrated (evidence level 3) for {list}",
    lead_rollout_no_effect: "no effect is demonstrated",
    lead_pretrend: "Before opening, the units did not move in parallel (p < 0.05); read the effect with care: {list}.",
    lead_rejected_files: "Files with more than 1% of their rows rejected (details under data quality): {list}.",
    lead_also: "Also to check (details in the parts below): {list}.",
    also_srm: "the arm sizes for {list}",
    also_pretrend: "pre-trends not parallel for {list}",
    also_outage: "a possible tracking outage for {list}",
    also_catalog: "{rows} in the product catalog, to fix in the projects file — {list}",
    also_rejected_files: "more than 1% of rows rejected in {list}",
    lead_orphans: ", {rows}",
    lead_no_id: "a row without id",
    catalog_row: "rejected row",
    catalog_rows: "rejected rows",
    usage_row: "usage row set aside",
    usage_rows: "usage rows set aside",
    no_alert: "No alert: the trials’ arms are balanced, no recent tracking outage, no catalog row nor more than 1% of a file rejected.",
    origin_phase: "Products by origin and phase",
    origin: "Origin",
    phase: "Phase",
    audience: "Audience",
    annual_cost: "Annual cost",
    impact_intro: "Randomized trials read by intention to treat: every accepted assignment whose window has closed counts, whether or not the person used the product. The committee reads the same trials every month, so the verdict follows the always-valid 95% interval, which stays valid however often it is read, and the q-value, adjusted for every result read at once. An effect is demonstrated when that interval excludes zero and q < 0.05.",
    forest_title: "Effect on the outcome rate (treatment − control)",
    forest_sub: "Difference in percentage points: thin line, the fixed 95% interval (Newcombe); thick band, the always-valid 95% interval",
    forest_axis: "difference in rate (percentage points)",
    continued: "continued",
    primary_endpoints: "Primary endpoints",
    exploratory: "Exploratory analyses",
    exploratory_tag: "exploratory",
    mean_effects: "Effects on mean values",
    endpoint: "Product · endpoint",
    n_arms: "n (T / C)",
    rates_arms: "Rate T / C",
    means_arms: "Mean T / C",
    difference: "Difference [95% CI]",
    relative: "Relative [95% CI]",
    p: "p",
    verdict: "Verdict",
    mde: "Detectable effect",
    cost_per_outcome: "Cost per additional outcome",
    always_valid: "Always-valid 95% CI",
    cuped: "CUPED-adjusted [95% CI]",
    effect_on_users: "Effect on users [95% CI]",
    q: "q",
    rate_details: "Adjustments and details of the effects on rates",
    takeup: "Take-up (T / C)",
    variance_reduction: "Variance removed (CUPED)",
    fixed_interval: "fixed 95% CI",
    always_valid_interval: "always-valid 95% CI",
    always_valid_short: "always-valid CI",
    randomized_trial: "randomized trial",
    staggered_rollout: "staggered roll-out",
    primary_endpoint: "primary endpoint",
    planned_heading: "Planned size of the trials",
    planned_default: "not declared: the default",
    planned_note: "Where a trial does not declare planned_n, the always-valid interval is tuned for 5,000 assignments; declaring the trial’s planned size in jauge.toml narrows it around that size.",
    positive: "Effect demonstrated",
    negative: "Harm demonstrated",
    not_demonstrated: "Not demonstrated",
    not_estimable: "Not estimable",
    srm_heading: "Balance of the arms",
    srm_warning: "{product} — {endpoint}: {nt} in treatment, {nc} in control ({p}). The split departs from the planned allocation: check the assignment before reading the effect.",
    srm_none: "No imbalance between arms (p ≥ 0.001 for every trial).",
    no_trial: "No randomized trial has a closed window at this date.",
    products_intro: "Product pages ({pages}): those with a trial, a staggered roll-out, a recent alert, or a north star at risk or off track, in the summary’s order. The other products ({others}) take one line each, at the end of this part.",
    appendix: "Other products",
    appendix_intro: "Products without a trial or a recent alert whose north star is on track, not set or without data, and stopped products: their usage in {month}.",
    outage_warning: "Possible tracking outage in {month}: events fall below half the median of the three months before. Check the tracking before reading that month’s figures.",
    no_trial_page: "No trial or measured roll-out: the figures on this page describe usage and the users’ observed outcomes (evidence level 1), not the product’s effect.",
    outcome_rate_name: "“{outcome}” rate within {window} (latest complete cohort)",
    no_usage: "No usage data",
    no_usage_text: "This product has no usage event up to {date}: no indicator is computed.",
    no_north_star: "No north star is set for this product.",
    lower_is_better: "not to exceed",
    vs_previous: "over a month",
    vs_year_before: "over a year",
    vs_previous_head: "Over a month",
    vs_year_head: "Over a year",
    mau_chart: "Monthly active users",
    mau_sub: "Users with at least one event in the calendar month",
    retention_chart: "Retention by cohort",
    retention_sub: "Share of the cohort active again in the k-th month after arrival; one fixed scale from 0 to 100%",
    months_since: "months since arrival",
    truncated_cohort: "left-truncated cohort",
    no_retention: "No cohort to show yet.",
    funnel_chart: "Funnel",
    funnel_cohort: "{month} cohort",
    incomplete: "incomplete",
    funnel_detail: "{start} of start · {previous} of previous step",
    funnel_detail_first: "starting point",
    survival_chart: "Time to “{outcome}”",
    survival_rounded: "Counts rounded down to multiples of {k} (see the method).",
    survival_sub: "Share still without the outcome (Kaplan–Meier)",
    survival_axis_assigned: "days since assignment",
    survival_axis_first_use: "days since first use",
    survival_untested: "No published log-rank test between the arms: read the curves without a verdict.",
    survival_treatment_better: "The treatment curve falls faster: with the product, more {people} reach “{outcome}” sooner ({test}).",
    survival_control_better: "The control curve falls faster: without the product, more {people} reach “{outcome}” sooner ({test}).",
    survival_same: "The two curves cannot be told apart ({test}): neither is better so far.",
    survival_median: "Half of the {people} reach “{outcome}” within {median} of their first use (observed, not causal).",
    survival_median_masked: "Median time to “{outcome}”: {median}.",
    survival_not_reached: "Fewer than half of the {people} have reached “{outcome}” so far: the median is not reached.",
    arm: "Arm",
    events: "Outcomes observed",
    median: "Median [95% CI]",
    not_reached: "not reached",
    reconciliation: "Reconciliation of the rows read",
    reconciliation_intro: "For each file, read = accepted + rejected + duplicates + after the cut-off: no row is set aside without being counted.",
    reconciliation_masked: "The assignments’ rows read and accepted are masked: they add up the trials’ arms, and an arm of fewer than {k} people is not published.",
    input: "Input",
    file: "File",
    rows_read: "Read",
    accepted: "Accepted",
    rejected: "Rejected",
    duplicate: "Duplicates",
    after_cutoff: "After cut-off",
    reject_reasons: "Top rejection reasons",
    reject_intro: "The rejected rows themselves hold personal data: they are not reproduced in this report.",
    reason: "Reason",
    rows: "Rows",
    no_rejects: "No row rejected.",
    id_coverage: "User id matching",
    in_users: "Found in users",
    in_outcomes: "Found in outcomes",
    outages: "Suspicious drops (possible tracking outage)",
    outages_intro: "Months whose events fall below half the median of the three months before.",
    rollout_inputs: "Staggered roll-outs",
    unknown_unit: "{product}: unit “{unit}” of the rollouts file is the “{column}” of no users row; without a population it is left out.",
    no_rollout: "{product}: a roll-out is configured, but the rollouts file gives no accepted opening for it; no roll-out figure.",
    opened_before_panel: "{product}: {units}, opened in {month}, the first month studied, or before; with no month before to compare, left out of the estimate.",
    small_group: "{product}: {units}, opened in {month}, fewer than {k} people in all; left out of the estimate, so that no figure rests on fewer than {k} people.",
    more_units: "and {n} others",
    since_early: "{product}: the roll-out is studied from {since}, before the data's first month ({first}); those months without any row read as a change.",
    since_late: "{product}: the roll-out is studied from {since}, after the report's month ({month}); no month to estimate.",
    no_outages: "No suspicious drop.",
    method_kpis: "Indicators",
    disclosure: "Disclosure control",
    disclosure_rules: "A count between 1 and {k1} is hidden, and so is any rate or mean that depends on one and any figure computed on fewer than {k} users; a segment value of fewer than {k} people shows nothing, zeros included. A second value is hidden when a published total would give the first one away (the values of a segment, new and returning within active users, products within the portfolio, cohorts within a month’s returning users), and the same count is hidden in every table that publishes it: these cost figures that could be published on their own. Survival curves are computed from cumulative counts rounded down to multiples of {k} (OpenSAFELY’s approach): each lies mostly a little above the true curve (fewer outcomes counted), at times a little below (outcomes counted late), and its median comes a little later; an arm of fewer than {k} people is not shown; the log-rank test uses the exact data. A trial result with an arm of fewer than {k} people, or a count of outcomes between 1 and {k1}, is hidden whole. A staggered roll-out leaves out a group whose units hold fewer than {k} people in all, and hides an estimate whose comparison units hold fewer than {k}, with every aggregate that uses it; the data-quality section names what was left out; unit populations, which the service publishes anyway, stay. The data-quality section gives shares only. A hidden count or rate shows as “{s}”, a hidden median, interval or test as “masked”, hatched, never as zero or blank; in a line chart it is a gap. Limit: differences of cumulative users from one month to the next are not protected.",
    disclosure_off: "Off (min_cell = 0): every figure is published as computed, the smallest counts included.",
    method_items: &[
        (
            "Scope",
            "Each product is measured on its accepted usage events up to the cut-off date; months and days are cut in the configured time zone. A user’s cohort is the month of their first use of the product. The portfolio counts each person once, however many products they use.",
        ),
        (
            "Retention",
            "Share of a cohort active again in the k-th calendar month after arrival (returned “in that month”, not “on or after”). The first month of an export is left-truncated when the product existed before: its long-standing users look new there, hence the grey.",
        ),
        (
            "Funnel",
            "A user enters at the first step; each next step must come after the previous one and within the funnel window. Conversion reads from the start and from the previous step.",
        ),
        (
            "Outcomes",
            "Share of a cohort with the outcome in the window after first use, with a 95% Wilson interval. These rates are observed: they do not say what the product caused, because a product’s users differ from everyone else.",
        ),
        (
            "Time to outcome",
            "Kaplan–Meier curves with Greenwood variance and the log-log interval; the median and its interval as Brookmeyer–Crowley. The log-rank test compares treatment and control over the full arms. The outcomes followed are what a product seeks (a job, a hire, a certification): the curve that falls faster is the better one, and the report says so only when the log-rank test tells the arms apart (p < 0.05). Under disclosure control a curve is recomputed from cumulative counts rounded down to a multiple of k: it mostly lies a little above the true one, at times a little below (outcomes counted late); a hidden median reads “masked”, it is not a count.",
        ),
        (
            "Evidence levels",
            "Every impact figure says how it was obtained, on the Maryland Scientific Methods Scale (Sherman et al., 1997): 5 for a randomized trial; 3 for a staggered roll-out (a comparison of changes that assumes parallel trends); 1 for the users’ observed outcome rates, which describe without measuring an effect.",
        ),
        (
            "Product pages",
            "A page for a product with a trial, a roll-out, a recent alert (a possible tracking outage in the last three months) or a north star at risk or off track, never for a stopped product; the others take one line. A chart that cannot say anything is left out: a line of one point, a retention heatmap whose every cell is hidden, times to an outcome with fewer than k outcomes observed. Retention reads from the first month after arrival, on one fixed scale from 0 to 100% for every product.",
        ),
        (
            "Revisions",
            "A figure already published can change the next month: late exports, corrections, a cohort’s window that closes. The Revisions part counts and lists these changes.",
        ),
        (
            "Impact",
            "Only randomized trials give a causal effect. Intention to treat from the assignment date. Difference in rates with Newcombe’s hybrid score interval, relative effect with the risk-ratio interval (Katz), p from the two-sided z-test; for values, the difference in means with Welch’s interval. The detectable effect is the one seen with 80% power at 5%.",
        ),
        (
            "Reading every month",
            "A fixed interval read twelve times wrongly excludes a zero effect far more often than one time in twenty. Every result also carries an always-valid 95% interval and p-value (the asymptotic confidence sequence of Waudby-Smith et al., 2024), valid however often it is read; it is narrowest when the trial reaches its planned size planned_n. The fixed interval stays beside it, as the figure to quote once that size is reached.",
        ),
        (
            "Verdict and q-values",
            "The verdict follows the always-valid interval and the Benjamini–Hochberg q-value, computed over every published p-value of the impact table (both metrics): an effect is demonstrated when the interval excludes zero and q < 0.05, which keeps the expected share of false discoveries under 5%. Near the threshold the p-value can say otherwise than the interval. Only the primary endpoints declared in advance count, the others are exploratory.",
        ),
        (
            "CUPED adjustment",
            "Histories before assignment explain part of the outcomes: the same metric over the period of the same length just before assignment is the covariate (Deng et al., 2013). The adjusted difference has the same target with an interval narrower by the variance removed; without history (a constant covariate) it equals the difference.",
        ),
        (
            "Effect on users",
            "Not everyone assigned uses the product. Take-up is a use of the product within the window; the effect on those who took it up (the complier average causal effect, Angrist, Imbens & Rubin, 1996) is the difference divided by the difference in take-up between arms, with a delta-method interval. It assumes that assignment acts only through use of the product.",
        ),
        (
            "Balance of the arms",
            "A χ² test compares the arms’ sizes with the planned allocation; p < 0.001 flags an assignment to check.",
        ),
        (
            "Cost per additional outcome",
            "Annual cost divided by the effect times the new users of the last twelve months; its upper bound is not demonstrated when the effect’s interval reaches zero.",
        ),
    ],
};

/// The words of the roll-outs in the Impact section.
pub struct RolloutLabels {
    pub heading: &'static str,
    pub intro: &'static str,
    pub title: &'static str,
    pub evidence: &'static str,
    pub chart_alt: &'static str,
    pub placebo: &'static str,
    pub effect: &'static str,
    pub months_since: &'static str,
    /// `{effect}`.
    pub overall: &'static str,
    /// `{p}`.
    pub pretrend_fails: &'static str,
    pub pretrend_holds: &'static str,
    pub pretrend_none: &'static str,
    /// No month before any opening: nothing to test.
    pub pretrend_no_placebo: &'static str,
}

const ROLLOUT_FR: RolloutLabels = RolloutLabels {
    heading: "Déploiements progressifs",
    intro: "Produits ouverts territoire par territoire : l’effet compare l’évolution des territoires ouverts à celle des territoires pas encore ouverts (différence de différences de Callaway et Sant’Anna). C’est un niveau de preuve 3 : il suppose que, sans le produit, les territoires auraient évolué en parallèle.",
    title: "Effet par mois depuis l’ouverture",
    evidence: "Niveau de preuve 3 (comparaison d’évolutions) · IC à 95\u{202F}%",
    chart_alt: "Effet du déploiement mois par mois depuis l’ouverture",
    placebo: "Mois avant l’ouverture (placebo)",
    effect: "Mois depuis l’ouverture",
    months_since: "Mois depuis l’ouverture du territoire",
    overall: "Effet moyen depuis l’ouverture : {effect} (niveau de preuve 3).",
    pretrend_fails: "Attention : avant l’ouverture, les territoires n’évoluaient pas en parallèle ({p}) ; l’effet est à lire avec prudence.",
    pretrend_holds: "Avant l’ouverture, les territoires évoluaient en parallèle ({p}).",
    pretrend_none: "L’évolution parallèle avant l’ouverture n’est pas testée (trop peu de territoires, ou des mois placebo masqués ou colinéaires) : lire les mois placebo du graphique.",
    pretrend_no_placebo: "Aucun mois avant l’ouverture n’est observé : l’évolution parallèle ne peut pas être vérifiée.",
};

const ROLLOUT_EN: RolloutLabels = RolloutLabels {
    heading: "Staggered roll-outs",
    intro: "Products opened unit by unit: the effect compares the change in opened units with that in units not yet opened (Callaway and Sant’Anna’s difference in differences). It is evidence level 3: it assumes that without the product the units would have moved in parallel.",
    title: "Effect by month since opening",
    evidence: "Evidence level 3 (a comparison of changes) · 95% CI",
    chart_alt: "Effect of the roll-out month by month since opening",
    placebo: "Months before opening (placebo)",
    effect: "Months since opening",
    months_since: "Months since the unit opened",
    overall: "Average effect since opening: {effect} (evidence level 3).",
    pretrend_fails: "Caution: before opening, the units did not move in parallel ({p}); read the effect with care.",
    pretrend_holds: "Before opening, the units moved in parallel ({p}).",
    pretrend_none: "Parallel trends before opening are not tested (too few units, or placebo months hidden or collinear): read the placebo months of the chart.",
    pretrend_no_placebo: "No month before opening is observed: parallel trends cannot be checked.",
};

pub fn rollout_labels(lang: Lang) -> &'static RolloutLabels {
    lang.pick(&ROLLOUT_FR, &ROLLOUT_EN)
}

/// The words of the Revisions section (SPEC section 8).
pub struct RevisionLabels {
    pub title: &'static str,
    pub none: &'static str,
    /// `{month}` and `{date}`: the earlier run's month and cut-off.
    pub compared: &'static str,
    /// `{tables}`: the earlier run's tables of another layout.
    pub not_compared: &'static str,
    pub counts: &'static str,
    pub table: &'static str,
    pub revised: &'static str,
    pub now_suppressed: &'static str,
    pub no_longer_suppressed: &'static str,
    pub withdrawn: &'static str,
    pub largest: &'static str,
    pub largest_none: &'static str,
    pub figure: &'static str,
    pub previous: &'static str,
    pub current: &'static str,
    pub change: &'static str,
    pub inputs: &'static str,
    pub inputs_none: &'static str,
    pub added: &'static str,
    pub removed: &'static str,
    pub changed: &'static str,
}

const REVISIONS_FR: RevisionLabels = RevisionLabels {
    title: "Révisions",
    none: "Aucune exécution antérieure à comparer\u{A0}: les révisions apparaîtront le mois prochain.",
    not_compared: "Non comparées, écrites par une autre version de jauge (autres colonnes)\u{A0}: {tables}.",
    compared: "Comparaison avec l’exécution de {month} (données au {date})\u{A0}: les chiffres d’un mois déjà publié changent quand des exports arrivent en retard, sont corrigés, ou quand la fenêtre d’une cohorte se referme.",
    counts: "Chiffres révisés par table",
    table: "Table",
    revised: "Révisés",
    now_suppressed: "Désormais masqués",
    no_longer_suppressed: "Plus masqués",
    withdrawn: "Retirés",
    largest: "Les plus fortes révisions relatives (tous les utilisateurs)",
    largest_none: "Aucun chiffre de l’ensemble des utilisateurs n’a changé.",
    figure: "Chiffre",
    previous: "Avant",
    current: "Maintenant",
    change: "Écart relatif",
    inputs: "Fichiers d’entrée",
    inputs_none: "Les fichiers d’entrée sont les mêmes qu’à l’exécution antérieure.",
    added: "ajouté",
    removed: "retiré",
    changed: "modifié",
};

const REVISIONS_EN: RevisionLabels = RevisionLabels {
    title: "Revisions",
    none: "No earlier run to compare with: revisions will show from next month.",
    not_compared: "Not compared, written by another version of jauge (other columns): {tables}.",
    compared: "Compared with the run of {month} (data as of {date}): figures of a month already published change when exports arrive late, are corrected, or when a cohort’s window closes.",
    counts: "Revised figures by table",
    table: "Table",
    revised: "Revised",
    now_suppressed: "Now masked",
    no_longer_suppressed: "No longer masked",
    withdrawn: "Withdrawn",
    largest: "Largest relative revisions (all users)",
    largest_none: "No figure of all users changed.",
    figure: "Figure",
    previous: "Before",
    current: "Now",
    change: "Relative change",
    inputs: "Input files",
    inputs_none: "The input files are the same as in the earlier run.",
    added: "added",
    removed: "removed",
    changed: "changed",
};

pub fn revision_labels(lang: Lang) -> &'static RevisionLabels {
    lang.pick(&REVISIONS_FR, &REVISIONS_EN)
}

/// The words of the public statistics pages (SPEC section 9): plain
/// language for anyone, not the committee's. Serialisable so that a test can
/// tell the digits of the wording from those of the figures.
#[derive(Debug, serde::Serialize)]
pub struct PublicLabels {
    pub site: &'static str,
    pub index_title: &'static str,
    pub index_intro: &'static str,
    /// `{k}`: the disclosure threshold (left out when it is 0).
    pub index_masked: &'static str,
    /// `{month}`, `{date}`.
    pub period: &'static str,
    /// `{month}`: the reporting month.
    pub active_13: &'static str,
    pub no_usage: &'static str,
    pub back: &'static str,
    pub page_title: &'static str,
    pub monthly: &'static str,
    pub monthly_intro: &'static str,
    pub monthly_chart: &'static str,
    pub masked_bar: &'static str,
    pub outcome: &'static str,
    /// `{outcome}`, `{window}`, `{cohort}`.
    pub outcome_text: &'static str,
    pub cohort_users: &'static str,
    pub ci95: &'static str,
    pub observed_note: &'static str,
    pub impact: &'static str,
    /// `{outcome}`, `{window}`.
    pub impact_text: &'static str,
    pub always_valid: &'static str,
    pub impact_note: &'static str,
    pub evidence: &'static str,
    pub evidence_trial: &'static str,
    pub evidence_observed: &'static str,
    /// `{s}`, `{k}`, `{masked}` (left out when `k` is 0).
    pub legend_masked: &'static str,
    pub legend_missing: &'static str,
    /// `{id}`.
    pub product_id: &'static str,
    pub json: &'static str,
    pub footer: &'static str,
}

const PUBLIC_FR: PublicLabels = PublicLabels {
    site: "Statistiques publiques de l’incubateur",
    index_title: "Statistiques publiques des produits",
    index_intro: "Chaque produit publie ici ses chiffres d’usage et, quand il a été évalué, son impact : des chiffres sur l’ensemble de ses utilisateurs.",
    index_masked: "Ceux qui concernent moins de {k}\u{A0}personnes sont masqués.",
    period: "Mois de {month} · données au {date}",
    active_13: "Utilisateurs actifs en {month} et sur 13\u{A0}mois",
    no_usage: "Pas encore de données d’usage",
    back: "Tous les produits",
    page_title: "Statistiques",
    monthly: "Utilisateurs par mois",
    monthly_intro: "Utilisateurs actifs : au moins un usage du produit dans le mois. Nouveaux utilisateurs : premier usage du produit ce mois-là.",
    monthly_chart: "Utilisateurs actifs (barre claire) et nouveaux utilisateurs (barre foncée) par mois ; les valeurs sont dans le tableau.",
    masked_bar: "Une barre en pointillés est une valeur masquée.",
    outcome: "Résultat observé",
    outcome_text: "Part des utilisateurs arrivés en {cohort} qui ont eu l’issue «\u{A0}{outcome}\u{A0}» dans les {window} suivant leur premier usage",
    cohort_users: "Utilisateurs arrivés ce mois-là",
    ci95: "Intervalle de confiance à 95\u{202F}%",
    observed_note: "Un taux observé ne dit pas ce que le produit a causé : ses utilisateurs ne ressemblent pas aux autres.",
    impact: "Impact mesuré par un essai randomisé",
    impact_text: "Écart de la part ayant l’issue «\u{A0}{outcome}\u{A0}» dans les {window} suivant l’affectation, entre les personnes tirées au sort pour accéder au produit et les autres (critère principal)",
    always_valid: "Intervalle à 95\u{202F}% toujours valide",
    impact_note: "Cet intervalle reste valide quel que soit le nombre de fois où l’essai est lu ; un effet est démontré quand il exclut zéro et qu’il résiste à la correction pour l’ensemble des essais.",
    evidence: "Niveau de preuve",
    evidence_trial: "5 sur 5 (essai randomisé, échelle de Maryland)",
    evidence_observed: "1 sur 5 (description, pas un effet)",
    legend_masked: "«\u{A0}{s}\u{A0}» ou «\u{A0}{masked}\u{A0}»\u{A0}: chiffre masqué pour protéger les personnes (il porte sur moins de {k}\u{A0}utilisateurs, ou permettrait de retrouver un tel chiffre).",
    legend_missing: "«\u{A0}—\u{A0}»\u{A0}: pas de valeur.",
    product_id: "Identifiant du produit\u{A0}: {id}",
    json: "Les mêmes chiffres en JSON",
    footer: "Chiffres produits chaque mois par jauge à partir des exports des produits ; ceux d’un mois déjà publié peuvent être révisés quand des données arrivent en retard.",
};

const PUBLIC_EN: PublicLabels = PublicLabels {
    site: "Public statistics of the incubator",
    index_title: "Public statistics of the products",
    index_intro: "Each product publishes here its usage figures and, once evaluated, its impact: figures about all of its users.",
    index_masked: "Those about fewer than {k}\u{A0}people are masked.",
    period: "Month of {month} · data as of {date}",
    active_13: "Active users in {month} and over 13\u{A0}months",
    no_usage: "No usage data yet",
    back: "All products",
    page_title: "Statistics",
    monthly: "Users by month",
    monthly_intro: "Active users: at least one use of the product in the month. New users: first use of the product that month.",
    monthly_chart: "Active users (light bar) and new users (dark bar) by month; the values are in the table.",
    masked_bar: "A dotted bar is a masked value.",
    outcome: "Observed outcome",
    outcome_text: "Share of the users who arrived in {cohort} with the outcome “{outcome}” within {window} of their first use",
    cohort_users: "Users who arrived that month",
    ci95: "95% confidence interval",
    observed_note: "An observed rate does not say what the product caused: its users are not like other people.",
    impact: "Impact measured by a randomized trial",
    impact_text: "Difference in the share with the outcome “{outcome}” within {window} of assignment, between the people drawn to access the product and the others (primary endpoint)",
    always_valid: "Always-valid 95% interval",
    impact_note: "This interval stays valid however often the trial is read; an effect is demonstrated when it excludes zero and survives the correction for every trial read at once.",
    evidence: "Level of evidence",
    evidence_trial: "5 out of 5 (randomized trial, Maryland scale)",
    evidence_observed: "1 out of 5 (a description, not an effect)",
    legend_masked: "“{s}” or “{masked}”: figure masked to protect people (it is about fewer than {k}\u{A0}users, or would give such a figure away).",
    legend_missing: "“—”: no value.",
    product_id: "Product id: {id}",
    json: "The same figures as JSON",
    footer: "Figures produced every month by jauge from the products’ exports; those of a month already published may be revised when data arrive late.",
};

pub fn public_labels(lang: Lang) -> &'static PublicLabels {
    lang.pick(&PUBLIC_FR, &PUBLIC_EN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_never_read_as_a_placeholder() {
        assert_eq!(
            fill("{units}, opened in {month}", &[("units", "«{month}»"), ("month", "May")]),
            "«{month}», opened in May"
        );
        assert_eq!(fill("{a} {unknown} {", &[("a", "x")]), "x {unknown} {");
    }

    #[test]
    fn both_languages_name_every_code() {
        for lang in [Lang::Fr, Lang::En] {
            for kpi in Kpi::ALL {
                assert!(!kpi_name(lang, kpi).is_empty());
            }
            for (code, _, _) in ORIGINS {
                assert_ne!(origin(lang, code), *code);
            }
            for (code, _, _) in AUDIENCES {
                assert_ne!(audience(lang, code), *code);
            }
            for r in Reason::ALL {
                assert!(reason(lang, r.code()).len() > r.code().len() + 3, "{}", r.code());
            }
            assert_eq!(labels(lang).method_items.len(), 15);
        }
        assert_eq!(people(Lang::Fr, Some("job_seekers")), "demandeurs d’emploi");
        assert_eq!(reason_words(Lang::En, "bad_date"), "unreadable, nonexistent or implausible date");
        assert_eq!(phase(Lang::Fr, "transfer"), "Transfert");
        assert_eq!(reason(Lang::En, "bad_arm"), "bad_arm — arm neither treatment nor control");
    }

    #[test]
    fn fill_replaces_named_blanks() {
        assert_eq!(fill("{a} et {b}, {a}", &[("a", "1"), ("b", "2")]), "1 et 2, 1");
    }
}
