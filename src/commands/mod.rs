//! One module per subcommand. Each turns its arguments into settings, calls
//! the library stages in order and prints what a user needs; the checks
//! `run` and `validate` share (a month with data) are here.

pub mod generate;
pub mod init;
pub mod kpis;
pub mod run;
pub mod validate;

use crate::cli::{Cli, Command};
use crate::config::{InputKind, Settings};
use crate::error::{Error, Result};
use crate::ingest::{self, Dataset};
use crate::progress::{Stages, Verbosity};
use crate::tz;

pub fn dispatch(cli: Cli) -> Result<()> {
    let verbosity = Verbosity { quiet: cli.quiet, verbose: cli.verbose };
    match cli.command {
        Command::Run(args) => run::run(&args, verbosity),
        Command::Validate(args) => validate::validate(&args, verbosity),
        Command::Init(args) => init::init(&args, verbosity),
        Command::Generate(args) => generate::generate(&args, verbosity),
        Command::Kpis => {
            print!("{}", kpis::listing());
            Ok(())
        }
    }
}

/// Loads and validates the inputs, then holds the month asked for to the
/// data: a month after the latest accepted usage timestamp would report
/// zeros as if nothing had happened.
fn load(settings: &Settings, stages: &mut Stages, what: &str) -> Result<Dataset> {
    let mut ds = stages.run("load", what, || ingest::load(settings))?;
    // Known once the inputs are: what the roll-outs leave out (SPEC 6).
    let left_out = crate::kpi::rollout_left_out(&ds, settings);
    ds.warnings.extend(left_out);
    if let Some(month) = settings.month {
        check_month(settings, &ds, month)?;
    }
    Ok(ds)
}

fn check_month(settings: &Settings, ds: &Dataset, month: i32) -> Result<()> {
    let latest = ds.latest.iter().find(|(kind, _)| *kind == InputKind::Usage).and_then(|(_, day)| *day);
    match latest {
        Some(day) if month > tz::month_start(day) => Err(Error::usage(
            format!("the month {} is after the usage data", tz::format_month(month)),
            format!(
                "the latest accepted usage timestamp is on {}: report on {} or an earlier month, \
                 or leave out --month and --as-of for the latest complete month",
                tz::format_day(day),
                tz::format_month(tz::month_start(day))
            ),
        )),
        Some(_) => Ok(()),
        None => Err(Error::Input {
            file: settings.input(InputKind::Usage).map_or_else(String::new, |i| i.pattern.clone()),
            column: None,
            row: None,
            message: "no usage row was accepted, so there is nothing to report".to_owned(),
            hint: Some("see the rejected rows with `jauge validate --rejects rejects.csv`".to_owned()),
        }),
    }
}
