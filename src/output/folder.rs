//! The atomic output folder: a run writes into a temporary folder beside
//! `--out` and renames it into place at the end, so a failed run leaves no
//! half-written report and the previous one stays. A lock file beside
//! `--out` keeps a second run away while one writes, and the leftovers of a
//! run killed midway (its temporary folders, named with its process id)
//! are removed by the next run. `restricted/` is readable by its owner
//! only.
//!
//! Not responsible for the contents: callers hand it bytes.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::pid;

/// The folder of personal data (the rejected rows): owner-only.
const PRIVATE: &str = "restricted";

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
    /// Held until the folder is committed or dropped; the system releases
    /// it when the process dies, however it dies.
    _lock: File,
}

/// The names jauge gives the files beside `--out`.
struct Siblings {
    dir: PathBuf,
    name: String,
}

impl Siblings {
    fn of(target: &Path) -> Siblings {
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = target.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        Siblings { dir: dir.to_path_buf(), name }
    }

    fn prefix(&self, tag: &str) -> String {
        format!(".{}.jauge-{tag}-", self.name)
    }

    fn own(&self, tag: &str) -> PathBuf {
        self.dir.join(format!("{}{}", self.prefix(tag), std::process::id()))
    }

    fn lock(&self) -> PathBuf {
        self.dir.join(format!(".{}.jauge-lock", self.name))
    }
}

impl OutputFolder {
    /// Takes the lock, removes a dead run's leftovers, checks that
    /// `target` may be replaced and opens a temporary folder.
    pub fn create(target: &Path, marker: Marker) -> Result<OutputFolder> {
        let siblings = Siblings::of(target);
        // Checked before the lock too, so that a folder jauge may not
        // replace gets no lock file beside it.
        refuse_foreign(target, marker)?;
        fs::create_dir_all(&siblings.dir).map_err(|e| Error::io(&siblings.dir, e))?;
        let lock = take_lock(&siblings, target)?;
        clean_leftovers(&siblings, target, marker)?;
        refuse_foreign(target, marker)?;
        let temp = siblings.own("tmp");
        fs::create_dir(&temp).map_err(|e| Error::io(&temp, e))?;
        Ok(OutputFolder { target: target.to_path_buf(), temp, committed: false, _lock: lock })
    }

    /// Writes one file; `relative` may hold `/`. Files under `restricted/`
    /// are readable by their owner only.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.temp.join(relative);
        let private = relative.starts_with(&format!("{PRIVATE}/"));
        if let Some(parent) = path.parent() {
            create_dirs(parent, private).map_err(|e| Error::io(&self.path_of(relative), e))?;
        }
        write_file(&path, bytes, private).map_err(|e| Error::io(&self.path_of(relative), e))
    }

    /// Where a file will be once committed, for messages.
    pub fn path_of(&self, relative: &str) -> PathBuf {
        self.target.join(relative)
    }

    /// Puts the new folder in place of the old one.
    pub fn commit(mut self) -> Result<()> {
        let old = Siblings::of(&self.target).own("old");
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

fn refuse_foreign(target: &Path, marker: Marker) -> Result<()> {
    let empty = fs::read_dir(target).map(|mut d| d.next().is_none()).unwrap_or(false);
    if target.exists() && !empty && !marker.holds(target) {
        return Err(Error::usage(
            format!("{} exists and does not hold {}", target.display(), marker.file()),
            "choose another --out folder, or remove this one: jauge only replaces its own output",
        ));
    }
    Ok(())
}

/// The lock file is left in place: deleting it would let a run that opened
/// it just before lock a file no one else sees.
fn take_lock(siblings: &Siblings, target: &Path) -> Result<File> {
    let path = siblings.lock();
    let file =
        fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(Error::usage(
            format!("another run is writing {}", target.display()),
            "wait for it to end, or choose another --out folder",
        )),
        Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// Removes the temporary folders of runs that no longer exist. A previous
/// report put aside by a run killed before its new one came in is put
/// back instead, so it is never lost.
fn clean_leftovers(siblings: &Siblings, target: &Path, marker: Marker) -> Result<()> {
    let Ok(entries) = fs::read_dir(&siblings.dir) else { return Ok(()) };
    let mut leftovers: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        for (tag, old) in [("tmp", false), ("old", true)] {
            let dead = |pid| pid == std::process::id() || !pid::alive(pid);
            if pid::owner(&name, &siblings.prefix(tag)).is_some_and(dead) {
                leftovers.push((entry.path(), old));
            }
        }
    }
    leftovers.sort();
    for (path, old) in leftovers {
        if old && !target.exists() && marker.holds(&path) {
            fs::rename(&path, target).map_err(|e| Error::io(&path, e))?;
        } else {
            fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn create_dirs(dir: &Path, private: bool) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().recursive(true).mode(if private { 0o700 } else { 0o777 }).create(dir)
}

#[cfg(not(unix))]
fn create_dirs(dir: &Path, _private: bool) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn write_file(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mode = if private { 0o600 } else { 0o666 };
    let mut file = fs::OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_file(path: &Path, bytes: &[u8], _private: bool) -> std::io::Result<()> {
    fs::write(path, bytes)
}

/// Writes a file that must not exist yet (`jauge init`): an existing one
/// is left untouched and the error is of kind `AlreadyExists`.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)
}

/// Writes a whole file in place of any earlier one, through a temporary
/// sibling renamed at the end (`jauge validate --rejects`), so a reader
/// never sees half of it. With `private`, it is readable by its owner
/// only.
pub fn replace_file(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    let siblings = Siblings::of(path);
    let temp = siblings.own("tmp");
    if let Err(e) = write_file(&temp, bytes, private).and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test that starts a process shares, for an instant, every open
    /// file of this one with the child, lock files included: so these
    /// tests, which take locks, run one at a time.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn scratch(name: &str) -> (PathBuf, std::sync::MutexGuard<'static, ()>) {
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = std::env::temp_dir().join(format!("jauge-folder-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        (dir, turn)
    }

    #[test]
    fn a_dropped_folder_leaves_nothing_and_keeps_the_previous_one() {
        let (dir, _turn) = scratch("drop");
        let target = dir.join("out");
        let first = OutputFolder::create(&target, Marker::Report).unwrap();
        first.write("manifest.json", br#"{"engine":"jauge"}"#).unwrap();
        first.commit().unwrap();
        let second = OutputFolder::create(&target, Marker::Report).unwrap();
        second.write("half.parquet", b"x").unwrap();
        drop(second);
        assert_eq!(names(&dir), [".out.jauge-lock", "out"]);
        assert!(target.join("manifest.json").is_file());
        assert!(!target.join("half.parquet").exists());
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
        let (dir, _turn) = scratch("lock");
        let target = dir.join("out");
        let first = OutputFolder::create(&target, Marker::Report).unwrap();
        let err = OutputFolder::create(&target, Marker::Report).err().unwrap();
        assert_eq!(err.exit(), crate::error::Exit::Usage);
        assert!(err.to_string().contains("another run is writing"), "{err}");
        drop(first);
        assert!(OutputFolder::create(&target, Marker::Report).is_ok(), "the lock goes with its holder");
    }

    /// Linux caps process ids at 2^22, so this one is never alive.
    const DEAD: u32 = 4_194_305;

    #[test]
    fn a_dead_runs_folders_go_and_a_live_runs_stay() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let (dir, _turn) = scratch("leftovers");
        let mut live = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let live_tmp = format!(".out.jauge-tmp-{}", live.id());
        for name in [format!(".out.jauge-tmp-{DEAD}"), format!(".out.jauge-old-{DEAD}"), live_tmp.clone()] {
            fs::create_dir_all(dir.join(&name).join(PRIVATE)).unwrap();
            fs::write(dir.join(&name).join("restricted/rejects.parquet"), b"x").unwrap();
        }
        fs::create_dir(dir.join("out")).unwrap();
        let folder = OutputFolder::create(&dir.join("out"), Marker::Report).unwrap();
        let own = format!(".out.jauge-tmp-{}", std::process::id());
        let mut expected = vec![".out.jauge-lock".to_owned(), live_tmp, own, "out".to_owned()];
        expected.sort();
        assert_eq!(names(&dir), expected);
        drop(folder);
        live.kill().unwrap();
        live.wait().unwrap();
    }

    #[test]
    fn a_report_put_aside_by_a_killed_run_is_put_back() {
        let (dir, _turn) = scratch("put-back");
        let old = dir.join(format!(".out.jauge-old-{DEAD}"));
        fs::create_dir(&old).unwrap();
        fs::write(old.join("manifest.json"), br#"{"engine":"jauge"}"#).unwrap();
        if !cfg!(target_os = "linux") {
            return;
        }
        drop(OutputFolder::create(&dir.join("out"), Marker::Report).unwrap());
        assert_eq!(names(&dir), [".out.jauge-lock", "out"]);
        assert!(dir.join("out/manifest.json").is_file());
    }

    #[cfg(unix)]
    #[test]
    fn restricted_files_are_the_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, _turn) = scratch("private");
        let target = dir.join("out");
        let folder = OutputFolder::create(&target, Marker::Report).unwrap();
        folder.write("restricted/rejects.parquet", b"x").unwrap();
        folder.write("kpis.parquet", b"x").unwrap();
        folder.commit().unwrap();
        let mode = |p: &str| fs::metadata(target.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("restricted"), 0o700);
        assert_eq!(mode("restricted/rejects.parquet"), 0o600);
        assert_ne!(mode("kpis.parquet") & 0o044, 0, "the tables stay readable by the team");
    }

    #[test]
    fn a_foreign_folder_is_refused() {
        let (dir, _turn) = scratch("foreign");
        fs::write(dir.join("thesis.docx"), b"precious").unwrap();
        let err = OutputFolder::create(&dir, Marker::Report).err().unwrap();
        assert_eq!(err.exit(), crate::error::Exit::Usage);
        assert!(dir.join("thesis.docx").is_file());
        let lock = Siblings::of(&dir).lock();
        assert!(!lock.exists(), "no lock file beside a folder jauge may not replace");
    }
}
