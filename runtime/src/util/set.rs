//! `Set`: a HAMT whose values are empty, for membership only.

use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;

use crate::{ActorError, Map, MapKey};

/// The value stored for each member of a `Set`: an empty CBOR array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct EmptyValue {}

/// A set of keys.
pub struct Set<BS: Blockstore, K>(Map<BS, K, EmptyValue>);

impl<BS: Blockstore, K: MapKey> Set<BS, K> {
    pub fn empty(store: BS, name: &'static str) -> Self {
        Set(Map::empty(store, name))
    }

    pub fn load(store: BS, root: &Cid, name: &'static str) -> Result<Self, ActorError> {
        Ok(Set(Map::load(store, root, name)?))
    }

    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.0.flush()
    }

    /// Adds a key; returns whether it was new.
    pub fn put(&mut self, key: &K) -> Result<bool, ActorError> {
        self.0.set_if_absent(key, EmptyValue {})
    }

    pub fn has(&self, key: &K) -> Result<bool, ActorError> {
        self.0.contains_key(key)
    }

    /// Removes a key; returns whether it was present.
    pub fn delete(&mut self, key: &K) -> Result<bool, ActorError> {
        Ok(self.0.delete(key)?.is_some())
    }

    pub fn for_each<F>(&self, mut f: F) -> Result<(), ActorError>
    where
        F: FnMut(K) -> Result<(), ActorError>,
    {
        self.0.for_each(|k, _| f(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;

    #[test]
    fn membership() {
        let store = MemoryBlockstore::new();
        let mut s: Set<_, u64> = Set::empty(&store, "ids");
        assert!(s.put(&3).unwrap());
        assert!(!s.put(&3).unwrap());
        let root = s.flush().unwrap();
        let mut s: Set<_, u64> = Set::load(&store, &root, "ids").unwrap();
        assert!(s.has(&3).unwrap());
        assert!(!s.has(&4).unwrap());
        let mut all = vec![];
        s.for_each(|k| {
            all.push(k);
            Ok(())
        })
        .unwrap();
        assert_eq!(all, vec![3]);
        assert!(s.delete(&3).unwrap());
        assert!(!s.delete(&3).unwrap());
        assert_eq!(
            fvm_ipld_encoding::to_vec(&EmptyValue {}).unwrap(),
            vec![0x80]
        );
    }
}
