//! One module per subcommand. Each turns its arguments into settings, calls
//! the library stages in order and prints what a user needs.

pub mod generate;
pub mod init;
pub mod kpis;
pub mod run;
pub mod validate;

use crate::cli::{Cli, Command};
use crate::error::Result;
use crate::progress::Verbosity;

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
