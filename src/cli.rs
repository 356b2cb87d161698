//! The command line, as clap derive structs. No logic: the commands read
//! these through `config::Settings`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "jauge", version, about = "Measures the impact of an incubator's digital products")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more about each stage (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The monthly batch: load, validate, compute, write every output.
    Run(RunArgs),
    /// Load and validate only; print the reconciliation table and examples
    /// of each reject reason.
    Validate(ValidateArgs),
    /// Write a commented jauge.toml with every key, its default and its
    /// allowed values, ready to edit.
    Init(InitArgs),
    /// Write a synthetic, deterministic dataset in the input format.
    Generate(GenerateArgs),
    /// List every KPI with its one-line definition.
    Kpis,
}

#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// The configuration file.
    #[arg(long, default_value = "jauge.toml")]
    pub config: PathBuf,
    /// The reporting month (YYYY-MM); default: the latest complete month of the usage data.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// The data cut-off, a local date inside the month (default: its last day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The output folder (default: reports/<YYYY-MM>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The earlier run to compare with (default: the previous month's
    /// folder beside --out, when it holds a jauge report).
    #[arg(long)]
    pub previous: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Write every rejected row to this CSV file, for a spreadsheet (UTF-8
    /// with BOM, `;`); it holds personal data.
    #[arg(long, value_name = "FILE.csv")]
    pub rejects: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// The folder to write jauge.toml into (default: the current folder).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// The folder to write the dataset into.
    #[arg(long)]
    pub out: PathBuf,
    /// Number of users.
    #[arg(long, default_value_t = 20_000)]
    pub users: u64,
    /// Number of products.
    #[arg(long, default_value_t = 40)]
    pub products: u32,
    /// The last month of data (YYYY-MM).
    #[arg(long, default_value = "2026-10", value_name = "YYYY-MM")]
    pub end: String,
    /// Number of months of data.
    #[arg(long, default_value_t = 14)]
    pub months: u32,
    /// Seed of the random generator.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
