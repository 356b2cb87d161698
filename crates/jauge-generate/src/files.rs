//! The dataset's text companions: `jauge.toml` (a valid configuration for
//! the generated files, SPEC section 2) and `README.md`.
//!
//! Responsible for: the `[[project]]` settings a real incubator would
//! write (funnels, the outcome each audience seeks, trial endpoints, a
//! north star for every product past investigation, its target set from
//! the generated last month so that statuses vary), the `[labels]` of
//! every outcome and event code, and the dataset's description.
//!
//! Not responsible for: `truth.json` (`truth`) or any table.

use std::fmt::Write as _;

use super::calendar::month_label;
use super::catalog::{Audience, Phase, SKILLS_PRODUCT};
use super::truth::WINDOWS;
use super::world::World;

/// What the last generated month looked like, per product (parquet rows
/// only): events, distinct users, first uses.
#[derive(Debug, Clone, Default)]
pub struct LastMonth {
    pub events: Vec<u64>,
    pub active: Vec<u64>,
    pub new: Vec<u64>,
}

/// A target near `x` people or events: two significant digits, a whole
/// number, at least 1.
fn nice(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let scale = 10f64.powi(x.log10().floor() as i32 - 1);
    ((x / scale).round() * scale).round().max(1.0)
}

fn toml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// `jauge.toml` for the dataset, with paths relative to it.
/// `assigned`: each trial's (assignments, of which treatment), in
/// `world.trials` order.
pub fn config(world: &World, last: &LastMonth, assigned: &[(u64, u64)]) -> String {
    let o = &world.options;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Made by `jauge generate --users {} --products {} --end {} --months {} --seed {}`.\n\
         # Synthetic data: {} to {}. See README.md and truth.json beside this file.\n",
        o.users,
        o.products,
        month_label(world.last_month),
        o.months,
        o.seed,
        month_label(world.first_month),
        month_label(world.last_month),
    );
    s.push_str(
        "[report]\n\
         title = \"Incubateur — comité de pilotage (données synthétiques)\"\n\
         lang = \"fr\"\n\
         timezone = \"Europe/Paris\"\n\
         min_cell = 10\n\
         segments = [\"region\"]\n\n\
         [inputs]\n\
         projects = \"projects.csv\"\n\
         usage = \"usage/*\"\n\
         outcomes = \"outcomes/*\"\n\
         assignments = \"assignments.csv\"\n\
         users = \"users.csv\"\n",
    );
    let _ = writeln!(s, "rollouts = \"rollouts.csv\"\n");
    let windows: Vec<String> = WINDOWS.iter().map(i32::to_string).collect();
    let _ = writeln!(
        s,
        "[defaults]\noutcomes = [\"employment\"]\nwindows = [{}]\ncensor_outcome = \"deregistered\"",
        windows.join(", ")
    );

    let trial = |p: usize| world.trials.iter().zip(assigned).find(|(t, _)| t.product == p);
    for (p, product) in world.products.iter().enumerate() {
        let mut lines = own_lines(world, p);
        if let Some((t, &(n, _))) = trial(p) {
            lines.push("primary = { outcome = \"employment\", window = 90 }".into());
            lines.push(format!("allocation = {}", t.design.allocation));
            // The size a team would have planned: the enrolment, rounded up to 50.
            lines.push(format!("planned_n = {}", n.div_ceil(50).max(1) * 50));
        }
        if let Some(r) = world.rollouts.iter().find(|r| r.product == p) {
            lines.push(format!("rollout = {{ by = \"region\", control = \"{}\" }}", r.design.control));
        }
        lines.extend(north_star(world, last, p));
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n[[project]]\nid = \"{}\"", product.id);
        for line in lines {
            let _ = writeln!(s, "{line}");
        }
    }
    s.push_str(&labels(world));
    s
}

/// A product's funnel and outcomes: the hand-written funnels, and the
/// outcome an employer's product seeks (a hire) instead of employment.
fn own_lines(world: &World, p: usize) -> Vec<String> {
    let product = &world.products[p];
    let funnel = |steps: &[&str]| format!("funnel = {}", toml_list(steps));
    match product.id.as_str() {
        SKILLS_PRODUCT => vec![
            funnel(&["visit", "signup", "skill_submitted", "skill_validated"]),
            "funnel_window_days = 30".into(),
            format!("outcomes = {}", toml_list(&["employment", "skill_certified"])),
        ],
        "recrutement-simplifie" => vec![
            funnel(&["visit", "offer_started", "offer_published", "candidate_contacted"]),
            format!("outcomes = {}", toml_list(&["hire"])),
        ],
        "candidature-facile" => vec![funnel(&["visit", "signup", "profile_completed", "application_sent"])],
        _ if product.audience == Audience::Employers => vec![format!("outcomes = {}", toml_list(&["hire"]))],
        _ => Vec::new(),
    }
}

/// The north star a product's team steers by, its target set from the
/// generated last month so that statuses vary: a few products are behind,
/// most on track. None for a product in investigation (it has not chosen
/// one yet) or stopped.
fn north_star(world: &World, last: &LastMonth, p: usize) -> Option<String> {
    let product = &world.products[p];
    let count = |v: &Vec<u64>| v.get(p).copied().unwrap_or(0) as f64;
    let star = |kpi: &str, target: f64| format!("north_star = {{ kpi = \"{kpi}\", target = {target} }}");
    let line = match product.id.as_str() {
        SKILLS_PRODUCT => "north_star = { kpi = \"outcome_rate:skill_certified:90\", target = 0.4 }".to_owned(),
        "coach-entretien" => star("active_users", nice(1.1 * count(&last.active))),
        "alerte-offres" => star("new_users", nice(0.7 * count(&last.new))),
        "recrutement-simplifie" => star("active_users", nice(0.9 * count(&last.active))),
        "dossier-unique" => star("events", nice(1.08 * count(&last.events))),
        "candidature-facile" => star("new_users", nice(1.5 * count(&last.new))),
        "simulateur-droits" => {
            let (cost, active) = (product.annual_cost_eur?, count(&last.active));
            if active == 0.0 {
                return None;
            }
            let target = (cost / 12.0 / active * 0.9 * 100.0).round() / 100.0;
            format!("north_star = {{ kpi = \"cost_per_active_user\", target = {target}, direction = \"lower\" }}")
        }
        _ if matches!(product.phase, Phase::Investigation | Phase::Stopped) => return None,
        // A young product grows by its newcomers; an established one keeps its users.
        _ if matches!(product.phase, Phase::Construction) && count(&last.new) >= 20.0 => {
            star("new_users", nice(0.9 * count(&last.new)))
        }
        _ if count(&last.active) > 0.0 => star("active_users", nice(0.9 * count(&last.active))),
        _ => return None,
    };
    Some(line)
}

/// Words for every outcome and event code the dataset writes.
const WORDS: [(&str, &str, &str); 35] = [
    ("alert_created", "Alerte créée", "Alert created"),
    ("application_sent", "Candidature envoyée", "Application sent"),
    ("appointment_booked", "Rendez-vous pris", "Appointment booked"),
    ("candidate_contacted", "Candidat contacté", "Candidate contacted"),
    ("candidate_viewed", "Profil de candidat consulté", "Candidate viewed"),
    ("case_opened", "Dossier ouvert", "Case opened"),
    ("case_updated", "Dossier mis à jour", "Case updated"),
    ("contact_requested", "Contact demandé", "Contact requested"),
    ("dashboard_viewed", "Tableau de bord consulté", "Dashboard viewed"),
    ("deregistered", "Sortie des listes", "Left the register"),
    ("document_downloaded", "Document téléchargé", "Document downloaded"),
    ("draft_generated", "Brouillon rédigé", "Draft generated"),
    ("employment", "Retour à l’emploi", "Return to work"),
    ("exercise_completed", "Exercice terminé", "Exercise completed"),
    ("form_submitted", "Formulaire envoyé", "Form submitted"),
    ("hire", "Embauche", "Hire"),
    ("map_viewed", "Carte consultée", "Map viewed"),
    ("message_sent", "Message envoyé", "Message sent"),
    ("note_added", "Note ajoutée", "Note added"),
    ("offer_published", "Offre publiée", "Job offer published"),
    ("offer_started", "Offre commencée", "Job offer started"),
    ("offer_updated", "Offre mise à jour", "Job offer updated"),
    ("offer_viewed", "Offre consultée", "Job offer viewed"),
    ("profile_completed", "Profil complété", "Profile completed"),
    ("quiz_completed", "Quiz terminé", "Quiz completed"),
    ("report_exported", "Rapport exporté", "Report exported"),
    ("search", "Recherche", "Search"),
    ("signup", "Inscription", "Sign-up"),
    ("simulation_run", "Simulation faite", "Simulation run"),
    ("skill_certified", "Compétence certifiée", "Skill certified"),
    ("skill_submitted", "Compétence déposée", "Skill submitted"),
    ("skill_validated", "Compétence validée", "Skill validated"),
    ("training_viewed", "Formation consultée", "Training viewed"),
    ("video_watched", "Vidéo regardée", "Video watched"),
    ("visit", "Visite", "Visit"),
];

const OUTCOMES: [&str; 4] = ["deregistered", "employment", "hire", "skill_certified"];

/// `[labels.outcomes]` and `[labels.events]` for the codes of `world`.
fn labels(world: &World) -> String {
    let line = |code: &str| {
        WORDS.iter().find(|w| w.0 == code).map(|(c, fr, en)| format!("{c} = {{ fr = \"{fr}\", en = \"{en}\" }}\n"))
    };
    let mut s = String::from("\n[labels.outcomes]\n");
    s.extend(OUTCOMES.iter().filter_map(|c| line(c)));
    s.push_str("\n[labels.events]\n");
    s.extend(world.vocabulary.names.iter().filter_map(|c| line(c)));
    s
}

/// `README.md` of the dataset.
pub fn readme(world: &World, events: u64) -> String {
    let o = &world.options;
    let trials: Vec<String> = world
        .trials
        .iter()
        .map(|t| {
            let p = &world.products[t.product];
            format!(
                "`{}` (hazard ratio of employment if used {}, allocation {}, compliance {})",
                p.id, p.hr, t.design.allocation, t.design.compliance
            )
        })
        .collect();
    let rollouts: Vec<String> = world.rollouts.iter().map(|r| format!("`{}`", world.products[r.product].id)).collect();
    format!(
        "# Synthetic incubator dataset\n\n\
Made by `jauge generate --users {users} --products {products} --end {end} --months {months} --seed {seed}`: \
{events} usage events of {users} users on {products} products, {first} to {last} (Europe/Paris). \
The same arguments always give the same files. Everything here is invented; \
any resemblance to a real person or product is chance.\n\n\
Run `jauge run --config jauge.toml` in this folder: the default month is {last} \
(the late usage file holds events of the first days of the next month).\n\n\
## Files\n\n\
| file | format | columns |\n\
| --- | --- | --- |\n\
| `projects.csv` | CSV `;`, decimal comma | `project_id, name, origin, audience, phase, launched_on, annual_cost_eur, sponsor` |\n\
| `usage/YYYY-MM.parquet` | one part per month | `project_id` (text), `user_id` (integer), `occurred_at` (timestamp µs UTC), `event` |\n\
| `usage/late-corrections.csv` | CSV `;`, BOM | `project_id, user_id, occurred_at, event` (text timestamps) |\n\
| `outcomes/export.parquet` | parquet | `user_id` (text), `outcome`, `occurred_on` (date), `value` (monthly wage of an employment, hires of the day) |\n\
| `outcomes/late.ndjson` | NDJSON | same fields |\n\
| `assignments.csv` | CSV `,` | `project_id, user_id, arm, assigned_on` |\n\
| `users.csv` | CSV `,` | `user_id, region, age_band, user_type`: every user, product users or not |\n\
| `rollouts.csv` | CSV `,` | `project_id, unit, started_on`: the day a product opened in a region |\n\
| `jauge.toml` | | a configuration for these files |\n\
| `truth.json` | | the planted effects and the expected reconciliation of every file |\n\n\
## What is planted\n\n\
- Products: half started by intrapreneurs, half ordered by directorates or the ministry; every \
phase from investigation to transfer, some stopped during the period; launches, growth ramps, \
weekly (quiet weekends, holidays) and yearly (August dip, September peak) rhythms; retention \
that decays; funnels with drop-off.\n\
- Outcomes: job seekers find a job (median six months) or leave the register; products with an \
effect multiply the employment hazard from first use. Young job seekers use more products and \
find jobs faster, so observed outcome rates of users overstate effects.\n\
- Randomized trials among new job seekers, at registration: {trials}. One has no effect at all. \
`truth.json` gives each trial's true intention-to-treat difference for every outcome and window.\n\
- Staggered roll-outs: {rollouts} open region by region over the period, some regions never; \
after a region opens, advisers offer the product to a share of its job seekers. One has no effect, \
one's effect builds up over six months. `truth.json` → `rollouts` gives each one's true effect on \
the monthly employment rate of its regions' `users.csv` population, per event time and overall.\n\
- Defects, one row of each reject reason at least: `empty_field`, `bad_record`, `bad_timestamp`, \
`nonexistent_local_time` (the skipped March hour), `bad_date`, `bad_number`, `bad_value`, `bad_id`, \
`unknown_project`, `bad_arm`, `duplicate_key`, `double_assignment`; exact duplicates (the \
tracker firing twice, rows sent again, ids written `123.0` or as JSON integers); local times in \
the repeated October hour; rows after the cut-off; a UTC time whose Paris date is the next day; \
a date given as a timestamp. `truth.json` → `validation` lists the expected counts per file.\n",
        users = o.users,
        products = o.products,
        end = month_label(world.last_month),
        months = o.months,
        seed = o.seed,
        first = month_label(world.first_month),
        last = month_label(world.last_month),
        trials = trials.join("; "),
        rollouts = rollouts.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::nice;

    #[test]
    fn nice_targets() {
        assert_eq!(nice(1234.0), 1200.0);
        assert_eq!(nice(0.0), 1.0);
        assert_eq!(nice(87.4), 87.0);
        assert_eq!(nice(5.0), 5.0);
        assert_eq!(nice(4.5), 5.0, "a count target is whole");
    }
}
