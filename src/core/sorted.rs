//! Small ordered collections for the engine's per-call bookkeeping: a map and a set over a sorted
//! `Vec`.
//!
//! A call has a handful of legs and requests, so a binary search over a `Vec` is as fast as a
//! B-tree, and it costs a fraction of the code: every `BTreeMap<K, V>` instantiation linked about
//! 8 KB of node-balancing code into the WebAssembly module, and the engine had four of them.
//! Iteration is in key order, as with `BTreeMap`, so the engine's output order is unchanged.

use crate::prelude::*;

use core::borrow::Borrow;
use core::fmt;

/// A map kept sorted by key.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// An empty map.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Where `key` is (`Ok`) or would be inserted (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub(crate) fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(&self.entries[i].1)
    }

    /// The value of `key`, mutably.
    pub(crate) fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(&mut self.entries[i].1)
    }

    /// The value of `key`, inserted as `V::default()` first when absent (`entry(key).or_default()`).
    pub(crate) fn or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, V::default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// The entries in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The values in key order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, mutably.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the entries for which `keep` is true.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Removes every entry.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

impl<K: Ord + fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A set kept sorted.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SortedSet<T> {
    items: Vec<T>,
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<T: Ord> SortedSet<T> {
    /// An empty set.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Whether `item` is in the set.
    pub(crate) fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items
            .binary_search_by(|t| t.borrow().cmp(item))
            .is_ok()
    }

    /// Adds `item`; false when it was there already.
    pub(crate) fn insert(&mut self, item: T) -> bool {
        match self.items.binary_search(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }

    /// Removes `item`; false when it was not there.
    pub(crate) fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.items.binary_search_by(|t| t.borrow().cmp(item)) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Removes every item.
    pub(crate) fn clear(&mut self) {
        self.items.clear();
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.items).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_keeps_its_keys_sorted_and_unique() {
        let mut map = SortedMap::new();
        *map.or_default("b".to_owned()) = 2;
        *map.or_default("a".to_owned()) = 1;
        *map.or_default("c".to_owned()) = 3;
        *map.or_default("b".to_owned()) = 20;
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [1, 20, 3]);
        assert_eq!(map.get("b"), Some(&20));
        assert_eq!(map.get("d"), None);
        *map.or_default("d".to_owned()) += 4;
        *map.or_default("a".to_owned()) += 10;
        for v in map.values_mut() {
            *v += 100;
        }
        assert_eq!(
            map.values().copied().collect::<Vec<_>>(),
            [111, 120, 103, 104]
        );
        map.retain(|k, _| k != "a" && k != "c");
        assert_eq!(format!("{map:?}"), r#"{"b": 120, "d": 104}"#);
        if let Some(v) = map.get_mut("d") {
            *v = 0;
        }
        assert_eq!(map.get("d"), Some(&0));
        map.clear();
        assert_eq!(map.get("b"), None);
    }

    #[test]
    fn the_set_reports_what_changed() {
        let mut set = SortedSet::new();
        assert!(set.insert(3_u32));
        assert!(set.insert(1));
        assert!(!set.insert(3));
        assert!(set.contains(&1) && set.contains(&3) && !set.contains(&2));
        assert_eq!(format!("{set:?}"), "{1, 3}");
        assert!(set.remove(&1));
        assert!(!set.remove(&1));
        set.clear();
        assert!(!set.contains(&3));
    }
}
