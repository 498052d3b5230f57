//! Packet identifier allocation for the client's own packets (PUBLISH QoS 1
//! and 2, SUBSCRIBE, UNSUBSCRIBE) [MQTT-2.3.1-2]: identifiers 1..=65535,
//! handed out in turn, skipping those still in use, until every one is in
//! use.
//!
//! The server's identifiers (of the PUBLISH packets it sends) are a separate
//! space and are not tracked here.

use super::super::Pid;

/// Number of 64-bit words to hold one bit per `u16` value.
const WORDS: usize = 1 << 10;

/// A set of packet identifiers, one bit each (8 KB, whatever it holds):
/// cheaper in code than a `BTreeSet` and constant time.
#[derive(Clone)]
pub(crate) struct PidSet {
    bits: Box<[u64]>,
    len: u32,
}

impl PidSet {
    pub(crate) fn new() -> Self {
        Self {
            bits: vec![0; WORDS].into_boxed_slice(),
            len: 0,
        }
    }

    fn slot(&self, pid: Pid) -> (usize, u64) {
        let id = pid.get();
        (usize::from(id >> 6), 1u64 << (id & 63))
    }

    /// Whether `pid` is in the set.
    pub(crate) fn contains(&self, pid: Pid) -> bool {
        let (word, bit) = self.slot(pid);
        self.bits.get(word).is_some_and(|w| w & bit != 0)
    }

    /// Adds `pid`; `false` if it was already in the set.
    pub(crate) fn insert(&mut self, pid: Pid) -> bool {
        let (word, bit) = self.slot(pid);
        match self.bits.get_mut(word) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                self.len += 1;
                true
            }
            _ => false,
        }
    }

    /// Removes `pid`; `false` if it was not in the set.
    pub(crate) fn remove(&mut self, pid: Pid) -> bool {
        let (word, bit) = self.slot(pid);
        match self.bits.get_mut(word) {
            Some(w) if *w & bit != 0 => {
                *w &= !bit;
                self.len -= 1;
                true
            }
            _ => false,
        }
    }

    /// Empties the set.
    pub(crate) fn clear(&mut self) {
        self.bits.fill(0);
        self.len = 0;
    }

    /// How many identifiers the set holds.
    pub(crate) fn len(&self) -> u32 {
        self.len
    }
}

/// Lists the identifiers, as a `BTreeSet` would.
impl std::fmt::Debug for PidSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(
                (1..=u16::MAX)
                    .filter_map(Pid::new)
                    .filter(|p| self.contains(*p)),
            )
            .finish()
    }
}

/// Values by packet identifier, in identifier order, for the few requests
/// that wait for an answer (SUBSCRIBE, UNSUBSCRIBE): a sorted `Vec`, which
/// costs the page's wasm less code than a `BTreeMap` per value type.
#[derive(Clone)]
pub(crate) struct PidMap<V> {
    entries: Vec<(Pid, V)>,
}

impl<V> Default for PidMap<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<V> PidMap<V> {
    fn find(&self, pid: Pid) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&pid, |(p, _)| *p)
    }

    /// Puts `value` under `pid`, in place of any value there.
    pub(crate) fn insert(&mut self, pid: Pid, value: V) {
        match self.find(pid) {
            Ok(i) => self.entries[i].1 = value,
            Err(i) => self.entries.insert(i, (pid, value)),
        }
    }

    /// The value under `pid`.
    pub(crate) fn get(&self, pid: &Pid) -> Option<&V> {
        self.find(*pid).ok().map(|i| &self.entries[i].1)
    }

    /// Takes the value under `pid` out.
    pub(crate) fn remove(&mut self, pid: &Pid) -> Option<V> {
        self.find(*pid).ok().map(|i| self.entries.remove(i).1)
    }

    /// How many values there are.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The identifiers, in order.
    #[cfg(test)]
    pub(crate) fn keys(&self) -> impl Iterator<Item = &Pid> {
        self.entries.iter().map(|(p, _)| p)
    }
}

impl<V> IntoIterator for PidMap<V> {
    type Item = (Pid, V);
    type IntoIter = std::vec::IntoIter<(Pid, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// As a `BTreeMap` would show it.
impl<V: std::fmt::Debug> std::fmt::Debug for PidMap<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(p, v)| (p, v)))
            .finish()
    }
}

/// The identifiers in use and where the next search starts.
#[derive(Clone)]
pub(crate) struct PidPool {
    used: PidSet,
    next: u16,
}

impl PidPool {
    pub(crate) fn new() -> Self {
        Self {
            used: PidSet::new(),
            next: 1,
        }
    }

    /// How many identifiers are in use.
    pub(crate) fn in_use(&self) -> u32 {
        self.used.len()
    }

    /// Whether `pid` is allocated.
    #[cfg(test)]
    pub(crate) fn is_used(&self, pid: Pid) -> bool {
        self.used.contains(pid)
    }

    /// The next free identifier after the last one handed out (wrapping from
    /// 65535 to 1), or `None` when all 65,535 are in use.
    pub(crate) fn allocate(&mut self) -> Option<Pid> {
        if self.in_use() >= u32::from(u16::MAX) {
            return None;
        }
        let mut id = self.next;
        loop {
            let pid = Pid::new(id)?;
            let next = id.checked_add(1).unwrap_or(1);
            if self.used.insert(pid) {
                self.next = next;
                return Some(pid);
            }
            id = next;
        }
    }

    /// Marks `pid` free again; freeing a free identifier changes nothing.
    pub(crate) fn release(&mut self, pid: Pid) {
        self.used.remove(pid);
    }
}

impl std::fmt::Debug for PidPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PidPool")
            .field("in_use", &self.in_use())
            .field("next", &self.next)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pid(n: u16) -> Pid {
        Pid::new(n).unwrap()
    }

    #[test]
    fn a_set_counts_and_lists_its_identifiers() {
        let mut set = PidSet::new();
        assert!(set.insert(pid(65_535)));
        assert!(set.insert(pid(1)));
        assert!(!set.insert(pid(1)));
        assert_eq!(
            (set.len(), format!("{set:?}")),
            (2, "{Pid(1), Pid(65535)}".to_owned())
        );
        assert!(set.remove(pid(1)));
        assert!(!set.remove(pid(1)));
        assert!(!set.contains(pid(1)) && set.contains(pid(65_535)));
        set.clear();
        assert_eq!((set.len(), format!("{set:?}")), (0, "{}".to_owned()));
    }

    #[test]
    fn a_map_keeps_identifier_order() {
        let mut map = PidMap::default();
        map.insert(pid(7), "seven");
        map.insert(pid(2), "two");
        map.insert(pid(7), "SEVEN");
        assert_eq!((map.len(), map.get(&pid(7))), (2, Some(&"SEVEN")));
        assert_eq!(format!("{map:?}"), "{Pid(2): \"two\", Pid(7): \"SEVEN\"}");
        assert_eq!(map.remove(&pid(2)), Some("two"));
        assert_eq!((map.remove(&pid(2)), map.get(&pid(2))), (None, None));
        map.insert(pid(1), "one");
        assert_eq!(map.keys().collect::<Vec<_>>(), [&pid(1), &pid(7)]);
        assert_eq!(
            map.into_iter().collect::<Vec<_>>(),
            [(pid(1), "one"), (pid(7), "SEVEN")]
        );
    }

    #[test]
    fn identifiers_go_in_turn_and_wrap_past_65535_to_1() {
        let mut pool = PidPool::new();
        assert_eq!(pool.allocate(), Some(pid(1)));
        assert_eq!(pool.allocate(), Some(pid(2)));
        pool.release(pid(1));
        // Not reused at once: the search goes on from 3.
        assert_eq!(pool.allocate(), Some(pid(3)));
        pool.next = u16::MAX;
        assert_eq!(pool.allocate(), Some(pid(u16::MAX)));
        // 1 is free again, 2 and 3 are in use.
        assert_eq!(pool.allocate(), Some(pid(1)));
        assert_eq!(pool.allocate(), Some(pid(4)));
    }

    #[test]
    fn in_use_identifiers_are_skipped_and_exhaustion_is_none() {
        let mut pool = PidPool::new();
        for n in 1..=u16::MAX {
            assert_eq!(pool.allocate(), Some(pid(n)));
        }
        assert_eq!(pool.in_use(), 65_535);
        assert_eq!(pool.allocate(), None);
        pool.release(pid(40_000));
        pool.release(pid(40_000));
        assert_eq!(pool.in_use(), 65_534);
        assert_eq!(pool.allocate(), Some(pid(40_000)));
        assert_eq!(pool.allocate(), None);
    }

    proptest! {
        /// Whatever the sequence of allocations and releases, an identifier
        /// is never handed out twice while in use, and the count is exact.
        #[test]
        fn never_hands_out_an_identifier_in_use(ops in prop::collection::vec(any::<Option<u16>>(), 0..400)) {
            let mut pool = PidPool::new();
            let mut held = std::collections::BTreeSet::new();
            for op in ops {
                match op {
                    None => {
                        let p = pool.allocate().expect("far from 65535 in use");
                        prop_assert!(held.insert(p.get()), "{} handed out twice", p);
                    }
                    Some(n) => {
                        if let Some(&id) = held.iter().nth(usize::from(n) % held.len().max(1)) {
                            held.remove(&id);
                            pool.release(pid(id));
                        }
                    }
                }
                prop_assert_eq!(pool.in_use() as usize, held.len());
            }
        }
    }
}
