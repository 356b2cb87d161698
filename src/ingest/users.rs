//! User ids to dense u32 codes, given in reading order: the first id read is
//! code 0, the next new one code 1. A chunk of usage rows is coded in one
//! batch: its integer ids are spread over `SHARDS` small maps by hash, and
//! each map is probed for all the ids it owns at once, so that a probe finds
//! its map in cache rather than in a large one in main memory, and the maps
//! are probed on every core; the ids the batch meets for the first time are
//! then coded in reading order, so the codes are those of one id at a time.
//!
//! Not responsible for reading an id from a cell: `cells::user_key` does.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::parse::UserKey;

/// Enough maps that each holds a few hundred kB at ten million users.
const SHARDS: usize = 256;

/// Marks, during a batch, an id first met in it; the other bits are its
/// index among its map's new ids.
const NEW: u64 = 1 << 63;

/// The user ids of a batch in reading order: an integer per row (a
/// placeholder where the id is a text) and the text ids by row.
#[derive(Default)]
pub struct Batch {
    pub ints: Vec<u64>,
    /// (row, id), rows ascending.
    pub texts: Vec<(usize, String)>,
}

/// User ids compared as text: one dense code per distinct id.
pub struct UserCodes {
    /// Ids coded so far: the next new id's code. The ids themselves are
    /// not kept in code order: no figure names a user.
    len: usize,
    // Integer ids, by far the most common, get maps of plain u64 keys: a
    // third of the size of the enum map, so more of it stays in cache.
    shards: Vec<FxHashMap<u64, u64>>,
    texts: FxHashMap<String, u64>,
}

impl Default for UserCodes {
    fn default() -> UserCodes {
        UserCodes { len: 0, shards: vec![FxHashMap::default(); SHARDS], texts: FxHashMap::default() }
    }
}

/// Not the bits the maps hash with, so that each map still spreads its ids.
fn shard(id: u64) -> usize {
    (id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
}

/// One map's share of a batch: its ids with their rows, what it finds for
/// each, and the rows of the ids it meets first.
struct Probe<'a> {
    map: &'a mut FxHashMap<u64, u64>,
    ids: &'a [(u64, usize)],
    found: &'a mut [u64],
    firsts: Vec<usize>,
}

impl Probe<'_> {
    fn run(&mut self) {
        for (&(id, row), out) in self.ids.iter().zip(self.found.iter_mut()) {
            let firsts = &mut self.firsts;
            *out = *self.map.entry(id).or_insert_with(|| {
                firsts.push(row);
                NEW | (firsts.len() - 1) as u64
            });
        }
    }

    /// Gives the new ids their codes, in the map and in `found`.
    fn settle(&mut self, codes: &[u32], ints: &[u64]) {
        for (row, code) in self.firsts.iter().zip(codes) {
            self.map.insert(ints[*row], u64::from(*code));
        }
        for v in self.found.iter_mut() {
            if *v & NEW != 0 {
                *v = u64::from(codes[(*v & !NEW) as usize]);
            }
        }
    }
}

impl UserCodes {
    pub fn code(&mut self, key: UserKey) -> u32 {
        if let Some(code) = self.get(&key) {
            return code;
        }
        let code = self.len as u32;
        match key {
            UserKey::Int(v) => self.shards[shard(v)].insert(v, u64::from(code)),
            UserKey::Text(t) => self.texts.insert(t, u64::from(code)),
        };
        self.len += 1;
        code
    }

    /// How many distinct ids were coded.
    pub fn count(&self) -> usize {
        self.len
    }

    pub fn get(&self, key: &UserKey) -> Option<u32> {
        let code = match key {
            UserKey::Int(v) => self.shards[shard(*v)].get(v),
            UserKey::Text(t) => self.texts.get(t.as_str()),
        };
        code.map(|c| *c as u32)
    }

    /// The code of every row of `batch`: what `code` called on each row in
    /// turn would give.
    pub fn code_batch(&mut self, batch: Batch) -> Vec<u32> {
        let (starts, spread) = spread(&batch);
        let mut found = vec![0u64; spread.len()];
        let mut probes = probes(&mut self.shards, &starts, &spread, &mut found);
        probes.par_iter_mut().for_each(Probe::run);
        let mut text_found = Vec::with_capacity(batch.texts.len());
        let mut text_firsts = Vec::new();
        for (k, (_, text)) in batch.texts.iter().enumerate() {
            let v = self.texts.entry(text.clone()).or_insert_with(|| {
                text_firsts.push(k);
                NEW | (text_firsts.len() - 1) as u64
            });
            text_found.push(*v);
        }
        // Rows, not ids, decide the order: sort the batch's new ids by the
        // row where each is first met.
        let mut new: Vec<(usize, usize)> = probes
            .iter()
            .enumerate()
            .flat_map(|(s, p)| p.firsts.iter().map(move |&row| (row, s)))
            .chain(text_firsts.iter().map(|&k| (batch.texts[k].0, SHARDS)))
            .collect();
        new.sort_unstable();
        let mut codes_of_new: Vec<Vec<u32>> = vec![Vec::new(); SHARDS + 1];
        for (_, s) in new {
            codes_of_new[s].push(self.len as u32);
            self.len += 1;
        }
        probes.par_iter_mut().zip(&codes_of_new).for_each(|(p, codes)| p.settle(codes, &batch.ints));
        let mut codes = vec![0u32; batch.ints.len()];
        for (&(_, row), v) in spread.iter().zip(&found) {
            codes[row] = *v as u32;
        }
        let text_codes = &codes_of_new[SHARDS];
        for ((row, text), v) in batch.texts.iter().zip(text_found) {
            let code = if v & NEW != 0 { text_codes[(v & !NEW) as usize] } else { v as u32 };
            self.texts.insert(text.clone(), u64::from(code));
            codes[*row] = code;
        }
        codes
    }
}

/// The integer ids of a batch with their rows, grouped by map (rows
/// ascending within each), and where each map's group starts.
fn spread(batch: &Batch) -> (Vec<usize>, Vec<(u64, usize)>) {
    let ints = || {
        let mut texts = batch.texts.iter().map(|t| t.0).peekable();
        batch.ints.iter().enumerate().filter(move |(row, _)| texts.next_if_eq(row).is_none())
    };
    let mut starts = vec![0usize; SHARDS + 1];
    for (_, id) in ints() {
        starts[shard(*id) + 1] += 1;
    }
    for s in 0..SHARDS {
        starts[s + 1] += starts[s];
    }
    let mut fill = starts.clone();
    let mut spread = vec![(0u64, 0usize); starts[SHARDS]];
    for (row, id) in ints() {
        let s = shard(*id);
        spread[fill[s]] = (*id, row);
        fill[s] += 1;
    }
    (starts, spread)
}

fn probes<'a>(
    shards: &'a mut [FxHashMap<u64, u64>],
    starts: &[usize],
    mut spread: &'a [(u64, usize)],
    mut found: &'a mut [u64],
) -> Vec<Probe<'a>> {
    let mut probes = Vec::with_capacity(SHARDS);
    for (s, map) in shards.iter_mut().enumerate() {
        let len = starts[s + 1] - starts[s];
        let (ids, rest) = spread.split_at(len);
        let (out, rest_found) = std::mem::take(&mut found).split_at_mut(len);
        probes.push(Probe { map, ids, found: out, firsts: Vec::new() });
        (spread, found) = (rest, rest_found);
    }
    probes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> UserKey {
        text.parse::<u64>().map_or_else(|_| UserKey::Text(text.to_owned()), UserKey::Int)
    }

    fn batch(ids: &[&str]) -> Batch {
        let mut b = Batch::default();
        for (row, id) in ids.iter().enumerate() {
            match key(id) {
                UserKey::Int(v) => b.ints.push(v),
                UserKey::Text(t) => {
                    b.ints.push(0);
                    b.texts.push((row, t));
                }
            }
        }
        b
    }

    #[test]
    fn a_batch_codes_as_one_id_at_a_time_would() {
        let first = ["7", "a", "3", "7", "0", "b", "a", "3000000000", "0"];
        let second = ["3", "c", "9", "a", "9", "7", "1"];
        let mut one_by_one = UserCodes::default();
        let mut batched = UserCodes::default();
        for ids in [&first[..], &second[..]] {
            let expected: Vec<u32> = ids.iter().map(|id| one_by_one.code(key(id))).collect();
            assert_eq!(batched.code_batch(batch(ids)), expected);
        }
        assert_eq!(batched.count(), one_by_one.count());
        for id in first.iter().chain(&second) {
            assert_eq!(batched.get(&key(id)), one_by_one.get(&key(id)), "{id}");
        }
        // 7 a 3 0 b 3000000000, then c 9 1.
        assert_eq!(batched.code_batch(batch(&["1", "c", "a"])), [8, 6, 1]);
        assert_eq!(batched.get(&UserKey::Int(3_000_000_000)), Some(5));
    }

    #[test]
    fn many_ids_keep_their_first_reading_order() {
        let ids: Vec<u64> = (0..50_000u64).map(|i| (i * 7919) % 20_011).collect();
        let mut batched = UserCodes::default();
        let codes = batched.code_batch(Batch { ints: ids.clone(), texts: Vec::new() });
        let mut one_by_one = UserCodes::default();
        let expected: Vec<u32> = ids.iter().map(|id| one_by_one.code(UserKey::Int(*id))).collect();
        assert_eq!(codes, expected);
    }
}
