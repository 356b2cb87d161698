//! The `jauge` binary: parse the command line, run, print the error chain
//! with its hint, exit with the code of SPEC section 1.

use std::process::ExitCode;

use clap::Parser;
use jauge::cli::Cli;
use jauge::error::{Error, Exit};

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("error: {}", chain(&err));
            let hint = err.chain().find_map(|e| e.downcast_ref::<Error>()).and_then(Error::hint);
            if let Some(hint) = hint {
                eprintln!("hint: {hint}");
            }
            let exit = err.downcast_ref::<Error>().map_or(Exit::UnusableInput, Error::exit);
            ExitCode::from(exit as u8)
        }
    }
}

/// The error and its causes, each said once: most of jauge's errors
/// already word their cause in their own message.
fn chain(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

fn run() -> anyhow::Result<Exit> {
    let cli = Cli::parse();
    jauge::commands::dispatch(cli)?;
    Ok(Exit::Success)
}
