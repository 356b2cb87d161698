//! The errors a user reads: each names the file, the column and the row when
//! there is one, and carries a `hint` when we know the remedy.
//!
//! Not responsible for rejected rows: those are data, kept in
//! `restricted/rejects.parquet`, not errors.

use std::path::Path;

/// The exit codes of SPEC section 1, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    UnusableInput = 1,
    Usage = 2,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The config file is unreadable, malformed or inconsistent.
    #[error("{file}{}: {message}", line.map_or_else(String::new, |l| format!(", line {l}")))]
    Config { file: String, line: Option<usize>, message: String, hint: Option<String> },
    /// An input file cannot be used at all (missing, unreadable, a required
    /// column absent).
    #[error("{file}{}: {message}", location(.column, .row))]
    Input { file: String, column: Option<String>, row: Option<u64>, message: String, hint: Option<String> },
    /// The command line asks for something impossible.
    #[error("{message}")]
    Usage { message: String, hint: Option<String> },
    /// A file or folder cannot be read or written. The cause is worded in
    /// the message and not chained as a source, so it prints once.
    #[error("{path}: {}", describe_io(.cause))]
    Io { path: String, cause: std::io::Error },
    /// The temporary folder where large usage inputs are spilled cannot be
    /// written.
    #[error("{path}: cannot spill usage events to disk: {}", describe_io(.source))]
    Spill { path: String, source: std::io::Error },
    /// An output could not be made (its encoder refused the figures).
    #[error("{file}: {message}")]
    Output { file: String, message: String },
    #[error("{context}: {source}")]
    Polars { context: String, source: polars::error::PolarsError },
}

/// An I/O error in words, without the OS's error number.
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match e.kind() {
        K::NotFound => "no such file or folder",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "it already exists",
        K::StorageFull => "the disk is full",
        K::ReadOnlyFilesystem => "the file system is read-only",
        K::IsADirectory => "it is a folder, not a file",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::DirectoryNotEmpty => "the folder is not empty",
        K::InvalidData => "its bytes are not valid",
        K::UnexpectedEof => "it ends too early",
        _ => return e.to_string(),
    };
    words.to_owned()
}

/// What to do about an I/O error, by its kind.
fn io_hint(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => {
            "check the path: paths in the config are relative to the config file, --out to the current folder"
        }
        K::PermissionDenied => "check who may read and write this file or folder, or choose another one",
        K::StorageFull => "free some space on that disk, or write elsewhere (--out, TMPDIR)",
        K::ReadOnlyFilesystem => "write elsewhere: choose another --out folder",
        _ => "check that the path exists and that jauge may read and write it",
    }
}

fn location(column: &Option<String>, row: &Option<u64>) -> String {
    let mut s = String::new();
    if let Some(row) = row {
        s.push_str(&format!(", row {row}"));
    }
    if let Some(column) = column {
        s.push_str(&format!(", column `{column}`"));
    }
    s
}

impl Error {
    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage { .. } => Exit::Usage,
            _ => Exit::UnusableInput,
        }
    }

    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Config { hint, .. } | Error::Input { hint, .. } | Error::Usage { hint, .. } => hint.as_deref(),
            Error::Spill { .. } => Some(
                "large usage inputs are spilled to the temporary folder, about 24 bytes per event; \
                 set TMPDIR to a folder with room",
            ),
            Error::Io { cause, .. } => Some(io_hint(cause)),
            Error::Output { .. } => Some("an output figure is out of its format's range; report it with the manifest"),
            Error::Polars { .. } => None,
        }
    }

    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Usage { message: message.into(), hint: Some(hint.into()) }
    }

    pub fn config(file: &Path, message: impl Into<String>, hint: Option<&str>) -> Error {
        Error::Config {
            file: file.display().to_string(),
            line: None,
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.display().to_string(), cause: source }
    }

    pub fn polars(context: impl Into<String>, source: polars::error::PolarsError) -> Error {
        Error::Polars { context: context.into(), source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_says_its_message_once_with_a_hint() {
        let source = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
        let err = Error::io(Path::new("usage.csv"), source);
        assert!(err.hint().is_some());
        let printed = format!("{:#}", anyhow::Error::from(err));
        assert_eq!(printed, "usage.csv: permission denied");
    }
}
