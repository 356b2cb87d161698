//! jauge measures the impact of a public-sector incubator's digital
//! products: the monthly batch reads the usage and outcome exports, checks
//! every row, computes KPIs per product and cohort and impact estimates with
//! their intervals, applies disclosure control and writes parquet tables,
//! charts and the steering committee's report.
//!
//! Data flows one way: `config` → `ingest` → `kpi` → `privacy` → `output`.

pub mod charts;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod format;
pub mod ingest;
pub mod kpi;
pub mod output;
pub mod pid;
pub mod privacy;
pub mod progress;
pub mod registry;
pub mod report;
pub mod revisions;
pub mod stats;
pub mod tables;
#[cfg(test)]
mod testing;
pub mod tz;
