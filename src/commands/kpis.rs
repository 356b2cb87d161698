//! `jauge kpis`: every KPI of the registry with its one-line definition.

use crate::registry::Kpi;

pub fn listing() -> String {
    let width = Kpi::ALL.iter().map(|k| k.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for k in Kpi::ALL.map(Kpi::info) {
        out.push_str(&format!("{:width$}  {}  [{}.parquet; per {}]\n", k.name, k.definition, k.table, k.grain));
    }
    out.push_str(&format!(
        "{:width$}  north-star form of outcome_rate: the latest complete cohort's rate\n",
        "outcome_rate:<outcome>:<window>"
    ));
    out
}
