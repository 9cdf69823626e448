//! The anchor pass: every occurrence of every anchor literal in a file, found in one forward pass.
//!
//! Aho-Corasick builds the automaton; this module copies its transitions into one dense table and
//! walks it with a loop of a few instructions per byte. `AhoCorasick::find_overlapping_iter` runs
//! the same automaton through a generic loop that keeps its state in a struct and checks bounds at
//! each step, about 19 instructions a byte; this loop needs under 8. The table keeps the automaton's
//! order of matches (by end offset, then the automaton's order within a state), so the hits are
//! exactly those of the overlapping search.
//!
//! The haystack is walked as four interleaved parts: a DFA step waits on the load of the previous
//! step, and independent walks let the processor overlap them.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};

/// A dense DFA over the anchor literals.
pub(crate) struct Anchors {
    /// Byte → equivalence class.
    classes: [u8; 256],
    /// `trans[(state + class) & mask]` = next state. A state is its row's offset in the table,
    /// plus [`MATCH`] when it has matches. The table's length is a power of two, so masking the
    /// index keeps it in bounds without a check.
    trans: Vec<u32>,
    mask: u32,
    /// Match states come last: the row offset of the first one.
    first_match: u32,
    stride: u32,
    start: u32,
    /// For each match state (in stride units from `first_match`), its patterns in the automaton's order.
    matches: Vec<Vec<u32>>,
    /// Length of each pattern.
    lens: Vec<u32>,
    /// Longest pattern.
    max_len: usize,
}

impl std::fmt::Debug for Anchors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Anchors")
            .field("patterns", &self.lens.len())
            .field("classes", &self.stride)
            .field("table", &self.trans.len())
            .finish()
    }
}

/// One anchor occurrence: the pattern, where it starts and the offset just past its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub pattern: u32,
    pub start: usize,
    pub end: usize,
}

impl Anchors {
    /// The automaton over these literals (matched case-sensitively, overlapping).
    pub(crate) fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Anchors {
        let nfa = NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(patterns)
            .expect("the anchors are plain literals");
        // Byte classes: bytes that occur in no pattern all behave alike.
        let mut classes = [0u8; 256];
        let mut representative = vec![0u8];
        for p in patterns {
            for &b in p.as_ref() {
                if classes[usize::from(b)] == 0 {
                    classes[usize::from(b)] =
                        u8::try_from(representative.len()).expect("at most 255 distinct bytes");
                    representative.push(b);
                }
            }
        }
        representative[0] = (0..=255u8)
            .find(|&b| classes[usize::from(b)] == 0)
            .expect("some byte is in no anchor");
        let stride = representative.len();
        // Every reachable state, breadth first, with its transitions by class.
        let start = nfa
            .start_state(Anchored::No)
            .expect("an unanchored start state was built");
        let mut index: Vec<u32> = Vec::new();
        let mut seen = |sid: StateID, order: &mut Vec<StateID>| -> u32 {
            let i = sid.as_usize();
            if i >= index.len() {
                index.resize(i + 1, u32::MAX);
            }
            if index[i] == u32::MAX {
                index[i] = u32::try_from(order.len()).expect("fewer than 2^32 states");
                order.push(sid);
            }
            index[i]
        };
        let mut order = Vec::new();
        seen(start, &mut order);
        let mut next: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let sid = order[i];
            for &b in &representative {
                next.push(seen(nfa.next_state(Anchored::No, sid, b), &mut order));
            }
            i += 1;
        }
        // Match states last, so that a state's number alone says whether it has matches.
        let (plain, matching): (Vec<usize>, Vec<usize>) =
            (0..order.len()).partition(|&i| !nfa.is_match(order[i]));
        let mut row = vec![0u32; order.len()];
        for (r, &i) in plain.iter().chain(&matching).enumerate() {
            row[i] = u32::try_from(r * stride).expect("the table fits in 2^31 entries")
                | if nfa.is_match(order[i]) { MATCH } else { 0 };
        }
        let size = (order.len() * stride).next_power_of_two();
        assert!(
            size <= MATCH as usize,
            "the anchor automaton has too many states"
        );
        let mut trans = vec![0u32; size];
        for (i, targets) in next.chunks(stride).enumerate() {
            let at = (row[i] & !MATCH) as usize;
            for (c, &t) in targets.iter().enumerate() {
                trans[at + c] = row[t as usize];
            }
        }
        let matches = matching
            .iter()
            .map(|&i| {
                (0..nfa.match_len(order[i]))
                    .map(|k| nfa.match_pattern(order[i], k).as_u32())
                    .collect()
            })
            .collect();
        let lens: Vec<u32> = patterns
            .iter()
            .map(|p| u32::try_from(p.as_ref().len()).expect("short anchors"))
            .collect();
        let stride = u32::try_from(stride).expect("at most 256 classes");
        Anchors {
            classes,
            trans,
            mask: u32::try_from(size - 1).expect("checked above"),
            first_match: u32::try_from(plain.len()).expect("fewer than 2^32 states") * stride,
            stride,
            start: row[0],
            matches,
            max_len: lens.iter().copied().max().unwrap_or(0) as usize,
            lens,
        }
    }

    /// Every anchor occurrence in `hay`, in the order of the overlapping Aho-Corasick search: by
    /// end offset, then by the automaton's order of patterns in a state.
    pub(crate) fn find_all(&self, hay: &[u8], out: &mut Vec<Hit>) {
        out.clear();
        let len = hay.len();
        if len < 4096 {
            self.walk(hay, 0, 0, self.start, out);
            return;
        }
        // Four parts walked in step. Part k reports the anchors ending in (bound k, bound k+1];
        // it starts early by the longest anchor less one so that it sees each of them whole.
        let bound = |k: usize| len / STREAMS * k;
        let overlap = self.max_len.saturating_sub(1);
        let from: [usize; STREAMS] = std::array::from_fn(|k| bound(k).saturating_sub(overlap));
        let to: [usize; STREAMS] =
            std::array::from_fn(|k| if k + 1 == STREAMS { len } else { bound(k + 1) });
        let steps = (0..STREAMS).map(|k| to[k] - from[k]).min().unwrap_or(0);
        let parts: [&[u8]; STREAMS] = std::array::from_fn(|k| &hay[from[k]..from[k] + steps]);
        // Each part's hits are in order and the parts' ranges of end offsets follow each other, so
        // the parts' lists put end to end are in order.
        let mut found: [Vec<Hit>; STREAMS] = std::array::from_fn(|_| Vec::new());
        let mut state = [self.start; STREAMS];
        let mut i = 0;
        while i < steps {
            // The tight loop runs until some part reaches a match state.
            while i < steps {
                for k in 0..STREAMS {
                    state[k] = self.step(state[k], parts[k][i]);
                }
                i += 1;
                if state.iter().fold(0, |a, s| a | s) & MATCH != 0 {
                    break;
                }
            }
            for k in 0..STREAMS {
                let end = from[k] + i;
                if state[k] & MATCH != 0 && end > bound(k) {
                    self.emit(state[k], end, &mut found[k]);
                }
            }
        }
        for (k, hits) in found.iter_mut().enumerate() {
            self.walk(
                &hay[from[k] + steps..to[k]],
                from[k] + steps,
                bound(k),
                state[k],
                hits,
            );
            out.append(hits);
        }
    }

    /// Walks `hay` (at `offset` in the file) from `state`, reporting anchors that end after `min_end`.
    fn walk(&self, hay: &[u8], offset: usize, min_end: usize, mut state: u32, out: &mut Vec<Hit>) {
        for (i, &byte) in hay.iter().enumerate() {
            state = self.step(state, byte);
            if state & MATCH != 0 && offset + i + 1 > min_end {
                self.emit(state, offset + i + 1, out);
            }
        }
    }

    #[inline(always)]
    fn step(&self, state: u32, byte: u8) -> u32 {
        let trans = &self.trans[..=self.mask as usize];
        let class = u32::from(self.classes[usize::from(byte)]);
        trans[((state + class) & self.mask) as usize]
    }

    fn emit(&self, state: u32, end: usize, out: &mut Vec<Hit>) {
        let k = (((state & self.mask) - self.first_match) / self.stride) as usize;
        for &pattern in &self.matches[k] {
            out.push(Hit {
                pattern,
                start: end - self.lens[pattern as usize] as usize,
                end,
            });
        }
    }
}

/// The flag of match states.
const MATCH: u32 = 1 << 31;

/// Parts of a haystack walked in step.
const STREAMS: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    fn reference(patterns: &[&str], hay: &[u8]) -> Vec<Hit> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .expect("literals");
        ac.find_overlapping_iter(hay)
            .map(|m| Hit {
                pattern: m.pattern().as_u32(),
                start: m.start(),
                end: m.end(),
            })
            .collect()
    }

    #[test]
    fn same_hits_in_the_same_order_as_the_overlapping_search() {
        let patterns = [
            "he", "she", "his", "hers", "s", "ghp_", "hp_x", "password", "word",
        ];
        let anchors = Anchors::new(&patterns);
        let mut text = Vec::new();
        for i in 0..2000u32 {
            text.extend_from_slice(match i % 7 {
                0 => b"ushers ".as_slice(),
                1 => b"ghp_xyz ",
                2 => b"passwordpassword",
                3 => b"x",
                4 => b"his hers she",
                5 => b"\n",
                _ => b"sword",
            });
        }
        let mut out = Vec::new();
        for len in (0..text.len())
            .step_by(331)
            .chain(4090..4110)
            .chain([text.len()])
        {
            for start in [0, 1, 5] {
                let hay = &text[start.min(len)..len];
                anchors.find_all(hay, &mut out);
                assert_eq!(out, reference(&patterns, hay), "len {len} start {start}");
            }
        }
    }
}
