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
    #[error("{file}: {message}")]
    Config { file: String, message: String, hint: Option<String> },
    /// An input file cannot be used at all (missing, unreadable, a required
    /// column absent).
    #[error("{file}{}: {message}", location(.column, .row))]
    Input { file: String, column: Option<String>, row: Option<u64>, message: String, hint: Option<String> },
    /// The command line asks for something impossible.
    #[error("{message}")]
    Usage { message: String, hint: Option<String> },
    /// The system's message is part of this one and not a source: the
    /// error chain would print it twice.
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    /// The temporary folder where large usage inputs are spilled cannot be
    /// written.
    #[error("{path}: cannot spill usage events to disk: {error}")]
    Spill { path: String, error: std::io::Error },
    #[error("{context}: {source}")]
    Polars {
        context: String,
        #[source]
        source: polars::error::PolarsError,
    },
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
            Error::Io { .. } => Some("check that the file exists, is complete and may be read by this user"),
            Error::Spill { .. } => Some(
                "large usage inputs are spilled to the temporary folder, about 24 bytes per event; \
                 set TMPDIR to a folder with room",
            ),
            _ => None,
        }
    }

    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Usage { message: message.into(), hint: Some(hint.into()) }
    }

    pub fn config(file: &Path, message: impl Into<String>, hint: Option<&str>) -> Error {
        Error::Config { file: file.display().to_string(), message: message.into(), hint: hint.map(str::to_owned) }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.display().to_string(), error: source }
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
