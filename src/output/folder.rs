//! The atomic output folder: a run writes into a temporary folder beside
//! `--out` and renames it into place at the end, so a failed run leaves no
//! half-written report and the previous one stays.
//!
//! Not responsible for the contents: callers hand it bytes.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What must be in an existing `--out` folder for jauge to replace it.
#[derive(Debug, Clone, Copy)]
pub enum Marker {
    /// A report folder: a jauge `manifest.json`.
    Report,
    /// A generated dataset: its `truth.json`.
    Dataset,
}

impl Marker {
    fn holds(self, dir: &Path) -> bool {
        match self {
            Marker::Report => fs::read_to_string(dir.join("manifest.json"))
                .ok()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                .is_some_and(|v| v.get("engine").and_then(|e| e.as_str()) == Some("jauge")),
            Marker::Dataset => dir.join("truth.json").is_file(),
        }
    }

    fn file(self) -> &'static str {
        match self {
            Marker::Report => "a jauge manifest.json",
            Marker::Dataset => "a truth.json from `jauge generate`",
        }
    }
}

pub struct OutputFolder {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.jauge-{tag}-{}", std::process::id()))
}

impl OutputFolder {
    /// Checks that `target` may be replaced and opens a temporary folder.
    pub fn create(target: &Path, marker: Marker) -> Result<OutputFolder> {
        let empty = fs::read_dir(target).map(|mut d| d.next().is_none()).unwrap_or(false);
        if target.exists() && !empty && !marker.holds(target) {
            return Err(Error::usage(
                format!("{} exists and does not hold {}", target.display(), marker.file()),
                "choose another --out folder, or remove this one: jauge only replaces its own output",
            ));
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let temp = sibling(target, "tmp");
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
        }
        fs::create_dir(&temp).map_err(|e| Error::io(&temp, e))?;
        Ok(OutputFolder { target: target.to_path_buf(), temp, committed: false })
    }

    /// Writes one file; `relative` may hold `/`.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.temp.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&path, bytes).map_err(|e| Error::io(&self.path_of(relative), e))
    }

    /// Where a file will be once committed, for messages.
    pub fn path_of(&self, relative: &str) -> PathBuf {
        self.target.join(relative)
    }

    /// Puts the new folder in place of the old one.
    pub fn commit(mut self) -> Result<()> {
        let old = sibling(&self.target, "old");
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
        }
        if let Err(e) = fs::rename(&self.temp, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(Error::io(&self.target, e));
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("jauge-folder-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_dropped_folder_leaves_nothing_and_keeps_the_previous_one() {
        let dir = scratch("drop");
        let target = dir.join("out");
        let first = OutputFolder::create(&target, Marker::Report).unwrap();
        first.write("manifest.json", br#"{"engine":"jauge"}"#).unwrap();
        first.commit().unwrap();
        let second = OutputFolder::create(&target, Marker::Report).unwrap();
        second.write("half.parquet", b"x").unwrap();
        drop(second);
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out")]);
        assert!(target.join("manifest.json").is_file());
        assert!(!target.join("half.parquet").exists());
    }

    #[test]
    fn a_foreign_folder_is_refused() {
        let dir = scratch("foreign");
        fs::write(dir.join("thesis.docx"), b"precious").unwrap();
        let err = OutputFolder::create(&dir, Marker::Report).err().unwrap();
        assert_eq!(err.exit(), crate::error::Exit::Usage);
        assert!(dir.join("thesis.docx").is_file());
    }
}
