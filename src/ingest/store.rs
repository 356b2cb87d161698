//! Where the accepted usage events wait between reading and compute. They
//! are split by user into `PARTS` partitions, so that every figure of a user
//! (reach, retention, funnels, outcomes, the portfolio's distinct users) can
//! be computed from its partition alone. Past a budget of events held in
//! memory, the partitions are spilled to a temporary folder and, from then
//! on, only one partition is in memory at a time: memory grows with the
//! number of users, not with the number of events.
//!
//! Not responsible for what an event means: `mod.rs` settles the cut-off and
//! the duplicates of each partition, `kpi` reads them.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::EventRow;
use crate::error::{Error, Result};

/// Enough partitions that a billion events make parts of about 90 MB.
pub const PARTS: usize = 256;

pub use crate::config::DEFAULT_MEMORY_EVENTS as DEFAULT_BUDGET;

const ROW_BYTES: usize = 24;

/// Events one run can read: an event's reading order is 32 bits of its
/// packed row.
pub const MAX_EVENTS: u64 = 1 << 32;

/// The partition of a row: by user, so that a partition holds every event
/// of its users.
pub fn part_of(row: &EventRow) -> usize {
    part_of_user(row.user())
}

/// Blocks of 16 consecutive codes go to the same partition, so that the
/// per-user tables compute reads by code (segments, outcomes) are read a
/// cache line at a time rather than a line per user.
pub fn part_of_user(user: u32) -> usize {
    (user as usize / 16) % PARTS
}

/// The events as they are read, in reading order within each partition.
pub struct EventStore {
    parts: Vec<Vec<EventRow>>,
    spill: Option<Spill>,
    /// The first error met while spilling; reported by `check`, since
    /// `append` cannot fail.
    error: Option<Error>,
    held: usize,
    budget: usize,
    dir: PathBuf,
    pushed: u64,
}

/// The partitions' files and their writers, once spilled.
struct Spill {
    dir: tempfile::TempDir,
    writers: Vec<BufWriter<File>>,
}

impl EventStore {
    /// Holds up to `budget` events in memory, then spills into a new
    /// folder in `dir`.
    pub fn new(budget: usize, dir: PathBuf) -> EventStore {
        EventStore { parts: vec![Vec::new(); PARTS], spill: None, error: None, held: 0, budget, dir, pushed: 0 }
    }

    /// How many events were pushed: the next event's reading order.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// Whether `more` events can follow those already pushed.
    pub fn has_room(&self, more: usize) -> bool {
        self.pushed + more as u64 <= MAX_EVENTS
    }

    /// Adds rows already split by partition ([`part_of`]), each partition's
    /// in reading order, after those pushed before.
    pub fn append(&mut self, parts: Vec<Vec<EventRow>>) {
        self.pushed += parts.iter().map(Vec::len).sum::<usize>() as u64;
        match &mut self.spill {
            Some(spill) if self.error.is_none() => {
                if let Err(e) = spill.write(&parts) {
                    self.error = Some(e);
                }
            }
            Some(_) => {}
            None => {
                for (part, rows) in parts.into_iter().enumerate() {
                    self.held += rows.len();
                    self.parts[part].extend(rows);
                }
            }
        }
        if self.spill.is_none()
            && self.held >= self.budget
            && let Err(e) = self.spill_all()
        {
            self.error = Some(e);
            self.budget = usize::MAX;
        }
    }

    /// The first error met while spilling, if any.
    pub fn check(&mut self) -> Result<()> {
        self.error.take().map_or(Ok(()), Err)
    }

    fn spill_all(&mut self) -> Result<()> {
        let mut spill = Spill::create(&self.dir)?;
        spill.write(&self.parts)?;
        self.parts = vec![Vec::new(); PARTS];
        self.held = 0;
        self.spill = Some(spill);
        Ok(())
    }

    /// Applies `settle` to every partition, on every core; what it returns
    /// comes back in partition order. Partitions in memory keep the result;
    /// spilled ones stay as read, and are settled again each time one is
    /// read back: writing them settled would cost as much disk as reading
    /// them, for a sort that is a fraction of the compute.
    pub fn settle<S: Send>(
        mut self,
        settle: impl Fn(&mut Vec<EventRow>) -> S + Send + Sync + 'static,
    ) -> Result<(Events, Vec<S>)> {
        use rayon::prelude::*;
        self.check()?;
        let Some(spill) = self.spill else {
            let mut parts = self.parts;
            let settled = parts.par_iter_mut().map(&settle).collect();
            return Ok((Events { parts: Parts::Memory(parts) }, settled));
        };
        let dir = spill.dir;
        let paths: Vec<PathBuf> = (0..PARTS).map(|part| part_path(dir.path(), part)).collect();
        for (writer, path) in spill.writers.into_iter().zip(&paths) {
            writer.into_inner().map_err(|e| spill_error(path, e.into_error()))?;
        }
        let settled = paths
            .par_iter()
            .map(|path| {
                let mut rows = read_part(path)?;
                Ok(settle(&mut rows))
            })
            .collect::<Result<Vec<S>>>()?;
        let settle = Box::new(move |rows: &mut Vec<EventRow>| {
            settle(rows);
        });
        Ok((Events { parts: Parts::Disk { _dir: dir, paths, settle } }, settled))
    }
}

/// Spill folders are named `jauge-events-<pid>-<random>`: the process id
/// tells a dead run's folder from a live one's.
const SPILL_PREFIX: &str = "jauge-events-";

/// Removes the spill folders of runs that no longer exist (killed before
/// they could remove their own).
fn remove_dead_spills(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let dead = |pid| pid != std::process::id() && !crate::pid::alive(pid);
        if crate::pid::owner(&name, SPILL_PREFIX).is_some_and(dead) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Spill {
    fn create(dir: &Path) -> Result<Spill> {
        remove_dead_spills(dir);
        let prefix = format!("{SPILL_PREFIX}{}-", std::process::id());
        let dir = tempfile::Builder::new().prefix(&prefix).tempdir_in(dir).map_err(|e| spill_error(dir, e))?;
        let writers = (0..PARTS)
            .map(|part| {
                let path = part_path(dir.path(), part);
                let file = File::create(&path).map_err(|e| spill_error(&path, e))?;
                Ok(BufWriter::with_capacity(32 << 10, file))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Spill { dir, writers })
    }

    /// Appends each partition's rows to its file, on every core; the error
    /// of the lowest-numbered partition that fails, if any.
    fn write(&mut self, parts: &[Vec<EventRow>]) -> Result<()> {
        let dir = self.dir.path();
        let written: Vec<Result<()>> = (self.writers.par_iter_mut().zip(parts).enumerate())
            .map(|(part, (writer, rows))| {
                rows.iter()
                    .try_for_each(|row| writer.write_all(&encode(row)))
                    .map_err(|e| spill_error(&part_path(dir, part), e))
            })
            .collect();
        written.into_iter().collect()
    }
}

/// What settling does to a partition read back from disk.
type Settle = dyn Fn(&mut Vec<EventRow>) + Send + Sync;

/// The settled events, partition by partition.
pub struct Events {
    parts: Parts,
}

enum Parts {
    Memory(Vec<Vec<EventRow>>),
    /// The folder is removed when the events are dropped. Each partition
    /// is read as it was spilled, then settled.
    Disk {
        _dir: tempfile::TempDir,
        paths: Vec<PathBuf>,
        settle: Box<Settle>,
    },
}

impl Events {
    /// The events, leaving none: to drop them elsewhere.
    pub fn take(&mut self) -> Events {
        std::mem::replace(self, Events { parts: Parts::Memory(vec![Vec::new(); PARTS]) })
    }

    /// Calls `each` with every partition, one at a time.
    pub fn for_each_part(&self, mut each: impl FnMut(&[EventRow])) -> Result<()> {
        match &self.parts {
            Parts::Memory(parts) => parts.iter().for_each(|p| each(p)),
            Parts::Disk { paths, settle, .. } => {
                for path in paths {
                    let mut rows = read_part(path)?;
                    settle(&mut rows);
                    each(&rows);
                }
            }
        }
        Ok(())
    }

    /// Folds the partitions on every core: they are cut into consecutive
    /// groups, each folded in partition order from `init`, and the groups'
    /// results come back in partition order, so that merging them in turn
    /// gives what one fold over every partition would.
    pub fn fold_parts<S: Send>(
        &self,
        init: impl Fn() -> S + Sync,
        each: impl Fn(&mut S, &[EventRow]) + Sync,
    ) -> Result<Vec<S>> {
        use rayon::prelude::*;
        // A few groups per thread, so that a core slowed by another program
        // leaves its share to the other.
        let groups = (4 * rayon::current_num_threads()).clamp(1, PARTS);
        (0..groups)
            .into_par_iter()
            .map(|g| {
                let mut state = init();
                for part in g * PARTS / groups..(g + 1) * PARTS / groups {
                    match &self.parts {
                        Parts::Memory(parts) => each(&mut state, &parts[part]),
                        Parts::Disk { paths, settle, .. } => {
                            let mut rows = read_part(&paths[part])?;
                            settle(&mut rows);
                            each(&mut state, &rows);
                        }
                    }
                }
                Ok(state)
            })
            .collect()
    }

    /// Whether the events went to disk.
    pub fn spilled(&self) -> bool {
        matches!(self.parts, Parts::Disk { .. })
    }
}

fn part_path(dir: &Path, part: usize) -> PathBuf {
    dir.join(format!("part-{part:03}.bin"))
}

fn spill_error(path: &Path, source: std::io::Error) -> Error {
    Error::Spill { path: path.display().to_string(), source }
}

fn encode(row: &EventRow) -> [u8; ROW_BYTES] {
    let mut bytes = [0; ROW_BYTES];
    bytes[..8].copy_from_slice(&row.key.to_le_bytes());
    bytes[8..16].copy_from_slice(&row.at.to_le_bytes());
    bytes[16..].copy_from_slice(&row.tail.to_le_bytes());
    bytes
}

fn decode(bytes: &[u8]) -> EventRow {
    let word = |i: usize| {
        let mut w = [0; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        w
    };
    EventRow { key: u64::from_le_bytes(word(0)), at: i64::from_le_bytes(word(8)), tail: u64::from_le_bytes(word(16)) }
}

fn read_part(path: &Path) -> Result<Vec<EventRow>> {
    let file = File::open(path).map_err(|e| spill_error(path, e))?;
    let len = file.metadata().map_err(|e| spill_error(path, e))?.len() as usize;
    let mut rows = Vec::with_capacity(len / ROW_BYTES);
    let mut reader = BufReader::with_capacity(ROW_BYTES << 12, file);
    let mut buf = vec![0; ROW_BYTES << 12];
    loop {
        let n = read_full(&mut reader, &mut buf).map_err(|e| spill_error(path, e))?;
        rows.extend(buf[..n].chunks_exact(ROW_BYTES).map(decode));
        if n < buf.len() {
            return Ok(rows);
        }
    }
}

/// Fills `buf` unless the reader ends first; returns the bytes read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_ends_where_the_reading_order_would_overflow_32_bits() {
        let mut store = EventStore::new(DEFAULT_BUDGET, std::env::temp_dir());
        assert!(store.has_room(0));
        store.pushed = MAX_EVENTS - 10;
        assert!(store.has_room(10));
        assert!(!store.has_room(11));
        store.pushed = MAX_EVENTS;
        assert!(!store.has_room(1));
    }

    #[test]
    fn a_spill_removes_the_folders_of_dead_runs_only() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        // Linux caps process ids at 2^22: this one is never alive.
        let dead = dir.path().join("jauge-events-4194305-x1");
        let live = dir.path().join(format!("jauge-events-{}-x2", std::process::id()));
        let foreign = dir.path().join("jauge-events-x3");
        for d in [&dead, &live, &foreign] {
            std::fs::create_dir(d).unwrap();
        }
        let mut store = EventStore::new(1, dir.path().to_path_buf());
        let mut parts = vec![Vec::new(); PARTS];
        parts[0].push(EventRow { key: 0, at: 0, tail: 0 });
        store.append(parts);
        store.check().unwrap();
        assert!(!dead.exists());
        assert!(live.exists() && foreign.exists());
    }

    #[test]
    fn a_row_survives_its_disk_encoding() {
        let row = EventRow { key: (7 << 32) | 123_456, at: -86_400_000_001, tail: (3 << 32) | u64::from(u32::MAX) };
        assert_eq!(decode(&encode(&row)), row);
    }
}
