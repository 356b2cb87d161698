//! `jauge generate`: a synthetic, deterministic dataset in the input format,
//! written through the atomic output folder.

use std::io::Write;

use crate::cli::GenerateArgs;
use crate::error::{Error, Result};
use crate::generate::{self, GenerateOptions, Sink};
use crate::output::folder::{Marker, OutputFolder};
use crate::output::parquet;
use crate::output::raw::{self, Format, RawTable};
use crate::progress::{Stages, Verbosity};

/// Writes each generated table in its format into the folder.
struct FolderSink<'a> {
    folder: &'a OutputFolder,
}

impl Sink for FolderSink<'_> {
    type Error = Error;

    fn table(&mut self, path: &str, format: Format, table: RawTable) -> Result<()> {
        let mut bytes = Vec::new();
        let io = |e| Error::io(&self.folder.path_of(path), e);
        match format {
            Format::Csv { separator, decimal_comma } => {
                raw::write_csv(&table, separator, decimal_comma, &mut bytes).map_err(io)?;
            }
            Format::Ndjson => raw::write_ndjson(&table, &mut bytes).map_err(io)?,
            Format::Parquet => bytes = parquet::to_bytes(&mut parquet::raw_frame(&table)?, path)?,
        }
        self.folder.write(path, &bytes)
    }

    fn text(&mut self, path: &str, contents: String) -> Result<()> {
        self.folder.write(path, contents.as_bytes())
    }
}

pub fn generate(args: &GenerateArgs, v: Verbosity) -> Result<()> {
    let (end_year, end_month) = parse_end(&args.end)?;
    let options = GenerateOptions {
        users: args.users,
        products: args.products,
        end_year,
        end_month,
        months: args.months,
        seed: args.seed,
    };
    options.validate().map_err(|e| Error::usage(e.to_string(), "e.g. --users 20000 --products 40 --months 14"))?;
    let folder = OutputFolder::create(&args.out, Marker::Dataset)?;
    let summary = Stages::new(v).run("generate", "generating the dataset", || {
        generate::generate(&options, &mut FolderSink { folder: &folder })
    })?;
    folder.commit()?;
    if !v.quiet {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "jauge: {} events of {} users written to {}",
            summary.events,
            summary.users,
            args.out.display()
        );
    }
    Ok(())
}

fn parse_end(s: &str) -> Result<(i32, u32)> {
    let bad = || Error::usage(format!("--end {s} is not a month"), "write it YYYY-MM, e.g. 2026-10");
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) || s.len() != 7 {
        return Err(bad());
    }
    Ok((y, m))
}
