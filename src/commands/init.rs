//! `jauge init [DIR]`: writes the commented `jauge.toml` of
//! `config::template`, every key with its default and allowed values, and
//! never over an existing one.

use std::path::{Path, PathBuf};

use crate::cli::InitArgs;
use crate::config::template::TEMPLATE;
use crate::error::{Error, Result};
use crate::output::folder;
use crate::progress::Verbosity;

pub fn init(args: &InitArgs, v: Verbosity) -> Result<()> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let path = dir.join("jauge.toml");
    folder::write_new(&path, TEMPLATE.as_bytes()).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::usage(
            format!("{} already exists", path.display()),
            "jauge init never replaces a config: edit that one, remove it first, or name another folder",
        ),
        _ => Error::io(&path, e),
    })?;
    if !v.quiet {
        println!("jauge: wrote {}", path.display());
        println!("  point its [inputs] at your exports, then: jauge validate --config {}", shown(&path));
    }
    Ok(())
}

fn shown(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}
