//! The synthetic portfolio: forty hand-written product templates, like a
//! real incubator's, and the per-product parameters the simulation reads.
//!
//! Responsible for: each product's identity (id, name, origin, audience,
//! phase, cost), its trajectory (launch, growth ramp, stop), its usage
//! habits (reach, sessions, events, retention), its event vocabulary and
//! funnel, and its planted effect on outcomes. Dates are anchored to the
//! last month of the data so that any `--end` and `--months` give the same
//! portfolio shape. More than forty products repeat the templates with a
//! numbered suffix.
//!
//! Not responsible for: simulating anything, or the randomized trials'
//! design (see `population`).

use super::calendar::month_start;
use super::model::{REACH_SCALE, SESSION_SCALE};

/// Who a product serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    JobSeekers = 0,
    Employers = 1,
    Advisers = 2,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::JobSeekers, Audience::Employers, Audience::Advisers];

    /// The code written in `projects.csv`.
    pub fn code(self) -> &'static str {
        match self {
            Audience::JobSeekers => "job_seekers",
            Audience::Employers => "employers",
            Audience::Advisers => "advisers",
        }
    }

    /// The code written in `users.csv` (`user_type`).
    pub fn user_type(self) -> &'static str {
        match self {
            Audience::JobSeekers => "job_seeker",
            Audience::Employers => "employer",
            Audience::Advisers => "adviser",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Intrapreneur,
    BusinessRequest,
    MinisterialOrder,
}

impl Origin {
    pub fn code(self) -> &'static str {
        match self {
            Origin::Intrapreneur => "intrapreneur",
            Origin::BusinessRequest => "business_request",
            Origin::MinisterialOrder => "ministerial_order",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Investigation,
    Construction,
    Acceleration,
    Consolidation,
    Transfer,
    Stopped,
}

impl Phase {
    pub fn code(self) -> &'static str {
        match self {
            Phase::Investigation => "investigation",
            Phase::Construction => "construction",
            Phase::Acceleration => "acceleration",
            Phase::Consolidation => "consolidation",
            Phase::Transfer => "transfer",
            Phase::Stopped => "stopped",
        }
    }
}

/// One hand-written product.
struct Template {
    id: &'static str,
    name: &'static str,
    origin: Origin,
    audience: Audience,
    phase: Phase,
    /// Launch, in months before the last data month (0 = launched in it).
    launch: i32,
    /// Stop, in months before the last data month (usage ends on the 1st of
    /// that month); `None` = still running.
    stop: Option<i32>,
    /// Months for new adoptions to reach their plateau after launch.
    ramp: i32,
    /// Probability that a user of the audience tries the product when
    /// adoption is at its plateau.
    reach: f64,
    /// Sessions in an active month (at seasonal factor 1).
    sessions: f64,
    /// Mean events per session (including the opening `visit`).
    events: f64,
    /// Probability of staying a user from one month to the next.
    keep: f64,
    /// Probability of being active in a month while still a user.
    active: f64,
    /// Hazard ratio on the audience's outcome from first use: employment
    /// for job seekers, hires for employers; 1 = no effect. A roll-out
    /// product (`model::ROLLOUTS`) takes its reach and openings from there
    /// (its `launch` is its first wave), and this is its ratio once built
    /// up.
    hr: f64,
    /// Annual cost in thousands of euros; `None` = not costed yet.
    cost_k: Option<u32>,
    /// Funnel steps after `visit`, with the conversion from the previous
    /// step.
    funnel: &'static [(&'static str, f64)],
    /// Events of an ordinary session after its `visit`, with weights.
    vocab: &'static [(&'static str, u32)],
    /// Who ordered or sponsors it (an extra column of `projects.csv`).
    sponsor: &'static str,
}

use Audience::{Advisers as ADV, Employers as EMP, JobSeekers as JS};
use Origin::{BusinessRequest as BR, Intrapreneur as INT, MinisterialOrder as MIN};
use Phase::{
    Acceleration as ACC, Consolidation as CON, Construction as BUILD, Investigation as INV, Stopped as STOP,
    Transfer as TRA,
};

/// The skills-certification product: its funnel's last step is recorded as
/// the `skill_certified` outcome.
pub const SKILLS_PRODUCT: &str = "competences-validees";

const TEMPLATES: [Template; 40] = [
    Template {
        id: SKILLS_PRODUCT,
        name: "Compétences validées",
        origin: INT,
        audience: JS,
        phase: ACC,
        launch: 26,
        stop: None,
        ramp: 24,
        reach: 0.10,
        sessions: 2.0,
        events: 4.0,
        keep: 0.65,
        active: 0.55,
        hr: 1.25,
        cost_k: Some(480),
        funnel: &[("signup", 0.6), ("skill_submitted", 0.75), ("skill_validated", 0.8)],
        vocab: &[("exercise_completed", 3), ("video_watched", 2), ("document_downloaded", 1)],
        sponsor: "Direction des compétences",
    },
    Template {
        id: "coach-entretien",
        name: "Coach entretien",
        origin: INT,
        audience: JS,
        phase: CON,
        launch: 40,
        stop: None,
        ramp: 6,
        reach: 0.08,
        sessions: 2.5,
        events: 5.0,
        keep: 0.6,
        active: 0.6,
        hr: 1.8,
        cost_k: Some(390),
        funnel: &[],
        vocab: &[("video_watched", 3), ("quiz_completed", 2), ("appointment_booked", 1)],
        sponsor: "Agence de Lille-Fives",
    },
    Template {
        id: "alerte-offres",
        name: "Alertes offres ciblées",
        origin: BR,
        audience: JS,
        phase: TRA,
        launch: 60,
        stop: None,
        ramp: 6,
        reach: 0.18,
        sessions: 3.0,
        events: 3.0,
        keep: 0.75,
        active: 0.65,
        hr: 1.1,
        cost_k: Some(620),
        funnel: &[],
        vocab: &[("offer_viewed", 5), ("alert_created", 1), ("application_sent", 1)],
        sponsor: "Direction des services aux demandeurs d'emploi",
    },
    Template {
        id: "mon-projet-pro",
        name: "Mon projet pro",
        origin: MIN,
        audience: JS,
        phase: BUILD,
        launch: 18,
        stop: None,
        ramp: 18,
        reach: 0.07,
        sessions: 1.8,
        events: 4.0,
        keep: 0.55,
        active: 0.5,
        hr: 1.0,
        cost_k: Some(350),
        funnel: &[],
        vocab: &[("training_viewed", 3), ("quiz_completed", 2), ("document_downloaded", 1)],
        sponsor: "Ministère du Travail",
    },
    Template {
        id: "recrutement-simplifie",
        name: "Recrutement simplifié",
        origin: BR,
        audience: EMP,
        phase: ACC,
        launch: 30,
        stop: None,
        ramp: 20,
        reach: 0.25,
        sessions: 3.0,
        events: 4.0,
        keep: 0.88,
        active: 0.6,
        hr: 1.3,
        cost_k: Some(710),
        funnel: &[("offer_started", 0.5), ("offer_published", 0.7), ("candidate_contacted", 0.6)],
        vocab: &[("candidate_viewed", 4), ("message_sent", 2), ("offer_updated", 1)],
        sponsor: "Direction des entreprises",
    },
    Template {
        id: "dossier-unique",
        name: "Dossier unique",
        origin: MIN,
        audience: ADV,
        phase: TRA,
        launch: 72,
        stop: None,
        ramp: 6,
        reach: 0.6,
        sessions: 5.0,
        events: 4.0,
        keep: 0.97,
        active: 0.92,
        hr: 1.0,
        cost_k: Some(1250),
        funnel: &[],
        vocab: &[("case_updated", 4), ("note_added", 3), ("case_opened", 1)],
        sponsor: "Ministère du Travail",
    },
    Template {
        id: "candidature-facile",
        name: "Candidature facile",
        origin: INT,
        audience: JS,
        phase: ACC,
        launch: 22,
        stop: None,
        ramp: 20,
        reach: 0.12,
        sessions: 2.5,
        events: 4.0,
        keep: 0.65,
        active: 0.6,
        hr: 1.15,
        cost_k: Some(420),
        funnel: &[("signup", 0.55), ("profile_completed", 0.7), ("application_sent", 0.65)],
        vocab: &[("offer_viewed", 4), ("search", 3), ("message_sent", 1)],
        sponsor: "Agence de Nantes-Est",
    },
    Template {
        id: "simulateur-droits",
        name: "Simulateur de droits",
        origin: BR,
        audience: JS,
        phase: CON,
        launch: 48,
        stop: None,
        ramp: 6,
        reach: 0.2,
        sessions: 1.3,
        events: 3.0,
        keep: 0.45,
        active: 0.4,
        hr: 1.0,
        cost_k: Some(300),
        funnel: &[],
        vocab: &[("simulation_run", 4), ("document_downloaded", 1)],
        sponsor: "Direction de l'indemnisation",
    },
    Template {
        id: "immersion-pro",
        name: "Immersion pro",
        origin: INT,
        audience: JS,
        phase: ACC,
        launch: 34,
        stop: None,
        ramp: 20,
        reach: 0.08,
        sessions: 2.0,
        events: 4.0,
        keep: 0.6,
        active: 0.55,
        hr: 1.3,
        cost_k: Some(450),
        funnel: &[],
        vocab: &[("search", 3), ("contact_requested", 2), ("form_submitted", 1)],
        sponsor: "Agence de Bordeaux-Bastide",
    },
    Template {
        id: "aides-embauche",
        name: "Aides à l'embauche",
        origin: MIN,
        audience: EMP,
        phase: CON,
        launch: 50,
        stop: None,
        ramp: 6,
        reach: 0.3,
        sessions: 1.5,
        events: 3.0,
        keep: 0.8,
        active: 0.45,
        hr: 1.0,
        cost_k: Some(280),
        funnel: &[],
        vocab: &[("simulation_run", 4), ("document_downloaded", 2)],
        sponsor: "Ministère du Travail",
    },
    Template {
        id: "agenda-conseil",
        name: "Agenda conseil",
        origin: INT,
        audience: ADV,
        phase: ACC,
        launch: 20,
        stop: None,
        ramp: 18,
        reach: 0.45,
        sessions: 4.0,
        events: 3.0,
        keep: 0.95,
        active: 0.85,
        hr: 1.0,
        cost_k: Some(360),
        funnel: &[],
        vocab: &[("appointment_booked", 3), ("message_sent", 2)],
        sponsor: "Agence de Marseille-Joliette",
    },
    Template {
        id: "mobilite-emploi",
        name: "Mobilité emploi",
        origin: BR,
        audience: JS,
        phase: CON,
        launch: 44,
        stop: None,
        ramp: 6,
        reach: 0.07,
        sessions: 1.5,
        events: 3.0,
        keep: 0.5,
        active: 0.45,
        hr: 1.05,
        cost_k: Some(260),
        funnel: &[],
        vocab: &[("map_viewed", 3), ("simulation_run", 2), ("form_submitted", 1)],
        sponsor: "Direction des services aux demandeurs d'emploi",
    },
    Template {
        id: "formation-a-cote",
        name: "Formation à côté",
        origin: INT,
        audience: JS,
        phase: ACC,
        launch: 28,
        stop: None,
        ramp: 16,
        reach: 0.12,
        sessions: 2.0,
        events: 4.0,
        keep: 0.6,
        active: 0.55,
        hr: 1.1,
        cost_k: Some(410),
        funnel: &[],
        vocab: &[("training_viewed", 4), ("search", 3), ("contact_requested", 1)],
        sponsor: "Agence de Rennes-Cleunay",
    },
    Template {
        id: "salon-virtuel",
        name: "Salon virtuel de l'emploi",
        origin: BR,
        audience: JS,
        phase: STOP,
        launch: 36,
        stop: Some(4),
        ramp: 6,
        reach: 0.1,
        sessions: 1.5,
        events: 5.0,
        keep: 0.4,
        active: 0.4,
        hr: 1.0,
        cost_k: Some(220),
        funnel: &[],
        vocab: &[("video_watched", 3), ("offer_viewed", 3), ("contact_requested", 1)],
        sponsor: "Direction de la communication",
    },
    Template {
        id: "marche-inclusion",
        name: "Marché de l'inclusion",
        origin: MIN,
        audience: EMP,
        phase: TRA,
        launch: 64,
        stop: None,
        ramp: 6,
        reach: 0.15,
        sessions: 2.5,
        events: 4.0,
        keep: 0.85,
        active: 0.55,
        hr: 1.15,
        cost_k: Some(540),
        funnel: &[],
        vocab: &[("search", 4), ("contact_requested", 2), ("form_submitted", 1)],
        sponsor: "Ministère du Travail",
    },
    Template {
        id: "diagnostic-partage",
        name: "Diagnostic partagé",
        origin: BR,
        audience: ADV,
        phase: CON,
        launch: 38,
        stop: None,
        ramp: 8,
        reach: 0.4,
        sessions: 3.0,
        events: 4.0,
        keep: 0.93,
        active: 0.75,
        hr: 1.0,
        cost_k: Some(330),
        funnel: &[],
        vocab: &[("case_updated", 3), ("form_submitted", 2), ("report_exported", 1)],
        sponsor: "Direction de l'accompagnement",
    },
    Template {
        id: "garde-enfants-emploi",
        name: "Garde d'enfants pour l'emploi",
        origin: INT,
        audience: JS,
        phase: BUILD,
        launch: 24,
        stop: None,
        ramp: 18,
        reach: 0.05,
        sessions: 1.5,
        events: 3.0,
        keep: 0.5,
        active: 0.45,
        hr: 1.0,
        cost_k: Some(240),
        funnel: &[],
        vocab: &[("search", 3), ("map_viewed", 2), ("form_submitted", 1)],
        sponsor: "Agence de Lyon-Part-Dieu",
    },
    Template {
        id: "premier-emploi",
        name: "Premier emploi",
        origin: MIN,
        audience: JS,
        phase: ACC,
        launch: 24,
        stop: None,
        ramp: 18,
        reach: 0.1,
        sessions: 2.2,
        events: 4.0,
        keep: 0.6,
        active: 0.55,
        hr: 2.0,
        cost_k: Some(520),
        funnel: &[],
        vocab: &[("offer_viewed", 4), ("video_watched", 2), ("application_sent", 1)],
        sponsor: "Ministère du Travail",
    },
    Template {
        id: "reconversion-pro",
        name: "Reconversion pro",
        origin: INT,
        audience: JS,
        phase: CON,
        launch: 42,
        stop: None,
        ramp: 6,
        reach: 0.06,
        sessions: 1.8,
        events: 4.0,
        keep: 0.6,
        active: 0.5,
        hr: 1.0,
        cost_k: Some(310),
        funnel: &[],
        vocab: &[("training_viewed", 3), ("quiz_completed", 2), ("appointment_booked", 1)],
        sponsor: "Agence de Toulouse-Mirail",
    },
    Template {
        id: "tremplin-entreprises",
        name: "Tremplin entreprises",
        origin: INT,
        audience: EMP,
        phase: BUILD,
        launch: 12,
        stop: None,
        ramp: 18,
        reach: 0.08,
        sessions: 2.0,
        events: 3.0,
        keep: 0.8,
        active: 0.5,
        hr: 1.0,
        cost_k: Some(260),
        funnel: &[],
        vocab: &[("candidate_viewed", 3), ("message_sent", 2)],
        sponsor: "Agence de Strasbourg-Meinau",
    },
    Template {
        id: "outil-orientation",
        name: "Outil d'orientation",
        origin: INT,
        audience: ADV,
        phase: STOP,
        launch: 30,
        stop: Some(6),
        ramp: 6,
        reach: 0.25,
        sessions: 2.5,
        events: 3.0,
        keep: 0.9,
        active: 0.6,
        hr: 1.0,
        cost_k: Some(200),
        funnel: &[],
        vocab: &[("quiz_completed", 2), ("note_added", 2), ("report_exported", 1)],
        sponsor: "Agence de Montpellier-Port-Marianne",
    },
    Template {
        id: "creer-mon-entreprise",
        name: "Créer mon entreprise",
        origin: BR,
        audience: JS,
        phase: CON,
        launch: 46,
        stop: None,
        ramp: 6,
        reach: 0.04,
        sessions: 2.0,
        events: 4.0,
        keep: 0.65,
        active: 0.5,
        hr: 1.0,
        cost_k: Some(280),
        funnel: &[],
        vocab: &[("simulation_run", 2), ("document_downloaded", 2), ("training_viewed", 1)],
        sponsor: "Direction des partenariats",
    },
    Template {
        id: "cap-seniors",
        name: "Cap seniors",
        origin: MIN,
        audience: JS,
        phase: BUILD,
        launch: 14,
        stop: None,
        ramp: 16,
        reach: 0.05,
        sessions: 1.8,
        events: 3.0,
        keep: 0.6,
        active: 0.5,
        hr: 1.0,
        cost_k: Some(300),
        funnel: &[],
        vocab: &[("offer_viewed", 3), ("video_watched", 2)],
        sponsor: "Ministère du Travail",
    },
    Template {
        id: "alternance-facile",
        name: "Alternance facile",
        origin: MIN,
        audience: EMP,
        phase: ACC,
        launch: 26,
        stop: None,
        ramp: 18,
        reach: 0.15,
        sessions: 2.0,
        events: 4.0,
        keep: 0.82,
        active: 0.5,
        hr: 1.2,
        cost_k: Some(450),
        funnel: &[],
        vocab: &[("candidate_viewed", 3), ("offer_updated", 2), ("simulation_run", 1)],
        sponsor: "Ministère du Travail",
    },
    Template {
        id: "messagerie-securisee",
        name: "Messagerie sécurisée",
        origin: BR,
        audience: ADV,
        phase: TRA,
        launch: 80,
        stop: None,
        ramp: 6,
        reach: 0.5,
        sessions: 4.0,
        events: 3.0,
        keep: 0.97,
        active: 0.9,
        hr: 1.0,
        cost_k: Some(610),
        funnel: &[],
        vocab: &[("message_sent", 4), ("document_downloaded", 1)],
        sponsor: "Direction des systèmes d'information",
    },
    Template {
        id: "permis-emploi",
        name: "Permis vers l'emploi",
        origin: INT,
        audience: JS,
        phase: ACC,
        launch: 24,
        stop: None,
        ramp: 18,
        reach: 0.05,
        sessions: 1.5,
        events: 3.0,
        keep: 0.6,
        active: 0.5,
        hr: 1.6,
        cost_k: Some(250),
        funnel: &[],
        vocab: &[("form_submitted", 2), ("simulation_run", 2), ("document_downloaded", 1)],
        sponsor: "Agence de Dijon-Grésilles",
    },
    Template {
        id: "handi-emploi",
        name: "Handi emploi",
        origin: INT,
        audience: JS,
        phase: CON,
        launch: 40,
        stop: None,
        ramp: 6,
        reach: 0.03,
        sessions: 2.0,
        events: 4.0,
        keep: 0.65,
        active: 0.55,
        hr: 1.0,
        cost_k: Some(270),
        funnel: &[],
        vocab: &[("search", 3), ("contact_requested", 2)],
        sponsor: "Agence de Clermont-Ferrand-Nord",
    },
    Template {
        id: "diagnostic-rh",
        name: "Diagnostic RH",
        origin: INT,
        audience: EMP,
        phase: INV,
        launch: 2,
        stop: None,
        ramp: 12,
        reach: 0.06,
        sessions: 1.5,
        events: 3.0,
        keep: 0.7,
        active: 0.45,
        hr: 1.0,
        cost_k: None,
        funnel: &[],
        vocab: &[("quiz_completed", 3), ("report_exported", 1)],
        sponsor: "Agence de Rouen-Saint-Sever",
    },
    Template {
        id: "boussole-metiers",
        name: "Boussole métiers",
        origin: INT,
        audience: JS,
        phase: ACC,
        launch: 30,
        stop: None,
        ramp: 18,
        reach: 0.1,
        sessions: 1.8,
        events: 4.0,
        keep: 0.55,
        active: 0.5,
        hr: 1.05,
        cost_k: Some(380),
        funnel: &[],
        vocab: &[("quiz_completed", 3), ("training_viewed", 2), ("offer_viewed", 2)],
        sponsor: "Agence d'Orléans-La Source",
    },
    Template {
        id: "tableau-de-bord-agence",
        name: "Tableau de bord agence",
        origin: BR,
        audience: ADV,
        phase: CON,
        launch: 44,
        stop: None,
        ramp: 6,
        reach: 0.35,
        sessions: 3.0,
        events: 3.0,
        keep: 0.95,
        active: 0.85,
        hr: 1.0,
        cost_k: Some(290),
        funnel: &[],
        vocab: &[("dashboard_viewed", 4), ("report_exported", 2)],
        sponsor: "Direction du réseau",
    },
    Template {
        id: "logement-mobilite",
        name: "Logement et mobilité",
        origin: BR,
        audience: JS,
        phase: STOP,
        launch: 32,
        stop: Some(8),
        ramp: 6,
        reach: 0.04,
        sessions: 1.5,
        events: 3.0,
        keep: 0.5,
        active: 0.45,
        hr: 1.0,
        cost_k: Some(190),
        funnel: &[],
        vocab: &[("search", 3), ("map_viewed", 2)],
        sponsor: "Direction des partenariats",
    },
    Template {
        id: "reseau-parrainage",
        name: "Réseau de parrainage",
        origin: INT,
        audience: JS,
        phase: BUILD,
        launch: 24,
        stop: None,
        ramp: 16,
        reach: 0.04,
        sessions: 2.0,
        events: 3.0,
        keep: 0.7,
        active: 0.6,
        hr: 2.4,
        cost_k: Some(230),
        funnel: &[],
        vocab: &[("message_sent", 3), ("appointment_booked", 1)],
        sponsor: "Agence de Grenoble-Villeneuve",
    },
    Template {
        id: "saisonniers-direct",
        name: "Saisonniers en direct",
        origin: INT,
        audience: EMP,
        phase: CON,
        launch: 36,
        stop: None,
        ramp: 6,
        reach: 0.1,
        sessions: 2.0,
        events: 4.0,
        keep: 0.75,
        active: 0.45,
        hr: 1.1,
        cost_k: Some(240),
        funnel: &[],
        vocab: &[("candidate_viewed", 3), ("offer_updated", 2), ("message_sent", 1)],
        sponsor: "Agence d'Annecy",
    },
    Template {
        id: "assistant-redaction",
        name: "Assistant de rédaction",
        origin: INT,
        audience: ADV,
        phase: INV,
        launch: 3,
        stop: None,
        ramp: 12,
        reach: 0.2,
        sessions: 3.0,
        events: 3.0,
        keep: 0.9,
        active: 0.7,
        hr: 1.0,
        cost_k: None,
        funnel: &[],
        vocab: &[("draft_generated", 3), ("note_added", 1)],
        sponsor: "Agence de Nancy-Laxou",
    },
    Template {
        id: "numerique-solidaire",
        name: "Numérique solidaire",
        origin: BR,
        audience: JS,
        phase: INV,
        launch: 1,
        stop: None,
        ramp: 12,
        reach: 0.04,
        sessions: 1.5,
        events: 3.0,
        keep: 0.6,
        active: 0.5,
        hr: 1.0,
        cost_k: None,
        funnel: &[],
        vocab: &[("video_watched", 2), ("exercise_completed", 2)],
        sponsor: "Direction de l'inclusion numérique",
    },
    Template {
        id: "cv-express",
        name: "CV express",
        origin: INT,
        audience: JS,
        phase: TRA,
        launch: 70,
        stop: None,
        ramp: 6,
        reach: 0.15,
        sessions: 1.5,
        events: 4.0,
        keep: 0.5,
        active: 0.45,
        hr: 1.05,
        cost_k: Some(200),
        funnel: &[],
        vocab: &[("document_downloaded", 3), ("form_submitted", 2)],
        sponsor: "Agence de Poitiers-Couronneries",
    },
    Template {
        id: "entreprises-engagees",
        name: "Entreprises engagées",
        origin: MIN,
        audience: EMP,
        phase: ACC,
        launch: 22,
        stop: None,
        ramp: 18,
        reach: 0.1,
        sessions: 1.5,
        events: 3.0,
        keep: 0.8,
        active: 0.45,
        hr: 1.0,
        cost_k: Some(330),
        funnel: &[],
        vocab: &[("form_submitted", 2), ("search", 2), ("document_downloaded", 1)],
        sponsor: "Ministère du Travail",
    },
    Template {
        id: "rdv-conseiller",
        name: "Rendez-vous conseiller",
        origin: BR,
        audience: JS,
        phase: STOP,
        launch: 50,
        stop: Some(2),
        ramp: 6,
        reach: 0.12,
        sessions: 1.3,
        events: 3.0,
        keep: 0.55,
        active: 0.45,
        hr: 1.0,
        cost_k: Some(260),
        funnel: &[],
        vocab: &[("appointment_booked", 3), ("message_sent", 1)],
        sponsor: "Direction du réseau",
    },
    Template {
        id: "annuaire-structures",
        name: "Annuaire des structures",
        origin: INT,
        audience: ADV,
        phase: BUILD,
        launch: 9,
        stop: None,
        ramp: 16,
        reach: 0.3,
        sessions: 2.0,
        events: 3.0,
        keep: 0.9,
        active: 0.6,
        hr: 1.0,
        cost_k: Some(210),
        funnel: &[],
        vocab: &[("search", 3), ("contact_requested", 1), ("map_viewed", 1)],
        sponsor: "Agence de Caen-Hérouville",
    },
    Template {
        id: "simulateur-reprise",
        name: "Simulateur reprise d'activité",
        origin: INT,
        audience: JS,
        phase: INV,
        launch: 0,
        stop: None,
        ramp: 6,
        reach: 0.05,
        sessions: 1.3,
        events: 3.0,
        keep: 0.5,
        active: 0.4,
        hr: 1.0,
        cost_k: None,
        funnel: &[],
        vocab: &[("simulation_run", 4), ("document_downloaded", 1)],
        sponsor: "Agence de Limoges-Beaubreuil",
    },
];

/// Number of hand-written templates; `--products` beyond it repeats them.
pub const TEMPLATE_COUNT: usize = TEMPLATES.len();

/// A product as the simulation uses it.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub origin: Origin,
    pub audience: Audience,
    pub phase: Phase,
    /// Day number of launch, and of stop (`i32::MAX` when running).
    pub launch_day: i32,
    pub stop_day: i32,
    pub ramp_days: f64,
    pub reach: f64,
    pub sessions: f64,
    pub events: f64,
    pub keep: f64,
    pub active: f64,
    pub hr: f64,
    pub annual_cost_eur: Option<f64>,
    pub sponsor: &'static str,
    /// Funnel steps after `visit`: event code and conversion.
    pub funnel: Vec<(u16, f64)>,
    /// Cumulative weights and event codes of ordinary session events.
    pub vocab_cdf: Vec<(u32, u16)>,
    /// Whether its funnel's last step records `skill_certified`.
    pub certifies: bool,
}

impl Product {
    /// Share of new adoptions accepted on `day` (0 before launch and from
    /// the stop day on): a linear ramp from 15 % at launch to 100 %.
    pub fn adoption_level(&self, day: i32) -> f64 {
        if day < self.launch_day || day >= self.stop_day {
            return 0.0;
        }
        let age = f64::from(day - self.launch_day);
        (0.15 + 0.85 * age / self.ramp_days).min(1.0)
    }

    /// Whether it changes its users' outcomes (trial participants only
    /// adopt products that do not, so that the planted effects stay exact).
    pub fn has_effect(&self) -> bool {
        self.hr != 1.0 || self.certifies
    }
}

/// The event vocabulary: every event code any product writes, sorted, so
/// that an event is a `u16` index into it.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub names: Vec<String>,
}

impl Vocabulary {
    pub fn code(&self, name: &str) -> u16 {
        self.names.binary_search_by(|n| n.as_str().cmp(name)).expect("event in vocabulary") as u16
    }
}

/// Builds `count` products whose dates are anchored to `end_month` (a
/// month index), and the event vocabulary.
pub fn build(count: u32, end_month: i32) -> (Vec<Product>, Vocabulary) {
    let mut names: Vec<String> = vec!["visit".to_owned()];
    for t in &TEMPLATES {
        names.extend(t.funnel.iter().map(|(e, _)| (*e).to_owned()));
        names.extend(t.vocab.iter().map(|(e, _)| (*e).to_owned()));
    }
    names.sort();
    names.dedup();
    let vocabulary = Vocabulary { names };

    let products = (0..count as usize)
        .map(|i| {
            let template = i % TEMPLATE_COUNT;
            let t = &TEMPLATES[template];
            let copy = i / TEMPLATE_COUNT;
            // Copies launch a little later each round, so that repeated
            // templates do not all move in step.
            let launch = (t.launch - 3 * copy as i32).max(0);
            let (id, name) = if copy == 0 {
                (t.id.to_owned(), t.name.to_owned())
            } else {
                (format!("{}-{}", t.id, copy + 1), format!("{} {}", t.name, copy + 1))
            };
            Product {
                id,
                name,
                origin: t.origin,
                audience: t.audience,
                phase: t.phase,
                launch_day: month_start(end_month - launch),
                stop_day: t.stop.map_or(i32::MAX, |s| month_start(end_month - s)),
                ramp_days: f64::from(t.ramp.max(1)) * 30.44,
                reach: t.reach * REACH_SCALE[t.audience as usize],
                sessions: t.sessions * SESSION_SCALE[t.audience as usize],
                events: t.events,
                keep: t.keep,
                active: t.active,
                hr: t.hr,
                annual_cost_eur: t.cost_k.map(|k| {
                    // Odd euros and cents, like a real budget line.
                    f64::from(k * 1000 + (k * 37) % 1000) + f64::from((k * 13) % 100) / 100.0
                }),
                sponsor: t.sponsor,
                funnel: t.funnel.iter().map(|(e, p)| (vocabulary.code(e), *p)).collect(),
                vocab_cdf: t
                    .vocab
                    .iter()
                    .scan(0, |acc, (e, w)| {
                        *acc += w;
                        Some((*acc, vocabulary.code(e)))
                    })
                    .collect(),
                certifies: t.id == SKILLS_PRODUCT,
            }
        })
        .collect();
    (products, vocabulary)
}

/// `YYYY-MM-DD` of a launch day, or `DD/MM/YYYY` (both accepted in CSV):
/// exports mix them.
pub fn launch_text(day: i32, french: bool) -> String {
    let (y, m, d) = super::calendar::civil_from_days(day);
    if french { format!("{d:02}/{m:02}/{y:04}") } else { format!("{y:04}-{m:02}-{d:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portfolio_shape() {
        let (products, vocab) = build(40, super::super::calendar::month_index(2026, 10));
        let intra = products.iter().filter(|p| p.origin == Origin::Intrapreneur).count();
        assert_eq!(intra, 20);
        for phase in [
            Phase::Investigation,
            Phase::Construction,
            Phase::Acceleration,
            Phase::Consolidation,
            Phase::Transfer,
            Phase::Stopped,
        ] {
            assert!(products.iter().any(|p| p.phase == phase));
        }
        for p in &products {
            assert_eq!(p.phase == Phase::Stopped, p.stop_day != i32::MAX, "{}", p.id);
        }
        let mut ids: Vec<&str> = products.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 40);
        assert!(vocab.names.windows(2).all(|w| w[0] < w[1]));
        let (more, _) = build(85, super::super::calendar::month_index(2026, 10));
        assert_eq!(more[84].id, "recrutement-simplifie-3");
    }
}
