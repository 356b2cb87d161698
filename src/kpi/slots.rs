//! Segments without copying rows: each user adds to the `all` slot and to
//! one slot per segment variable (the slot of its value). A product's or the
//! portfolio's accumulators live in one vector indexed by slot.

use crate::ingest::Segment;

pub use crate::tables::ALL;

pub struct Slots {
    /// First slot of each segment variable.
    offsets: Vec<usize>,
    labels: Vec<String>,
}

impl Slots {
    pub fn new(segments: &[Segment]) -> Slots {
        let mut offsets = Vec::new();
        let mut labels = vec![ALL.to_owned()];
        for s in segments {
            offsets.push(labels.len());
            labels.extend(s.values.iter().map(|v| crate::tables::segment_label(&s.name, v)));
        }
        Slots { offsets, labels }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The slots a user adds to: `all` first, then its value of each variable.
    pub fn of(&self, segments: &[Segment], user: u32, out: &mut Vec<usize>) {
        out.clear();
        out.push(0);
        for (s, segment) in segments.iter().enumerate() {
            out.push(self.offsets[s] + segment.by_user[user as usize] as usize);
        }
    }

    pub fn label(&self, slot: usize) -> &str {
        &self.labels[slot]
    }
}
