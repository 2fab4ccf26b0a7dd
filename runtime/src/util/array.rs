//! `Array`: an AMT with an explicit bit width (each state structure of the network fixes its
//! own) and errors that name the array.

use cid::Cid;
use fvm_ipld_amt::Amt;
use fvm_ipld_blockstore::Blockstore;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::ActorError;

/// An AMT of `V`. `name` appears in every error message.
pub struct Array<BS: Blockstore, V> {
    amt: Amt<V, BS>,
    name: &'static str,
}

impl<BS, V> Array<BS, V>
where
    BS: Blockstore,
    V: Serialize + DeserializeOwned,
{
    pub fn empty(store: BS, bit_width: u32, name: &'static str) -> Self {
        Array {
            amt: Amt::new_with_bit_width(store, bit_width),
            name,
        }
    }

    /// The root of a new empty array, written to the store.
    pub fn flush_empty(store: BS, bit_width: u32) -> Result<Cid, ActorError> {
        Self::empty(store, bit_width, "empty").flush()
    }

    /// Loads an array; the bit width is read from the root.
    pub fn load(store: BS, root: &Cid, name: &'static str) -> Result<Self, ActorError> {
        Ok(Array {
            amt: Amt::load(root, store).map_err(|e| {
                ActorError::illegal_state(format!("failed to load AMT {} at {}: {}", name, root, e))
            })?,
            name,
        })
    }

    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.amt.flush().map_err(|e| self.err("flush", e))
    }

    /// How many entries are set.
    pub fn count(&self) -> u64 {
        self.amt.count()
    }

    pub fn get(&self, index: u64) -> Result<Option<&V>, ActorError> {
        self.amt.get(index).map_err(|e| self.err("get", e))
    }

    pub fn set(&mut self, index: u64, value: V) -> Result<(), ActorError> {
        self.amt.set(index, value).map_err(|e| self.err("set", e))
    }

    pub fn delete(&mut self, index: u64) -> Result<Option<V>, ActorError> {
        self.amt.delete(index).map_err(|e| self.err("delete", e))
    }

    /// Visits every entry in index order. An error from `f` stops the walk and is returned.
    pub fn for_each<F>(&self, mut f: F) -> Result<(), ActorError>
    where
        F: FnMut(u64, &V) -> Result<(), ActorError>,
    {
        let mut result = Ok(());
        let walk = self.amt.for_each_while(|i, v| match f(i, v) {
            Ok(()) => Ok(true),
            Err(e) => {
                result = Err(e);
                Ok(false)
            }
        });
        result?;
        walk.map_err(|e| self.err("iterate", e))
    }

    fn err(&self, op: &str, e: fvm_ipld_amt::Error) -> ActorError {
        ActorError::illegal_state(format!("failed to {} AMT {}: {}", op, self.name, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;

    #[test]
    fn set_get_delete_iterate() {
        let store = MemoryBlockstore::new();
        let mut a: Array<_, String> = Array::empty(&store, 5, "sectors");
        a.set(3, "three".into()).unwrap();
        a.set(100, "hundred".into()).unwrap();
        let root = a.flush().unwrap();
        let mut a: Array<_, String> = Array::load(&store, &root, "sectors").unwrap();
        assert_eq!(a.count(), 2);
        assert_eq!(a.get(3).unwrap(), Some(&"three".to_string()));
        assert_eq!(a.get(4).unwrap(), None);
        let mut seen = vec![];
        a.for_each(|i, v| {
            seen.push((i, v.clone()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![(3, "three".to_string()), (100, "hundred".to_string())]
        );
        let mut visited = 0;
        let err = a
            .for_each(|_, _| {
                visited += 1;
                Err(ActorError::not_found("stop"))
            })
            .unwrap_err();
        assert_eq!((visited, err.msg()), (1, "stop"));
        assert_eq!(a.delete(3).unwrap(), Some("three".into()));
        assert_eq!(a.count(), 1);
    }

    #[test]
    fn bit_width_changes_the_root() {
        let store = MemoryBlockstore::new();
        let a = Array::<_, u64>::flush_empty(&store, 3).unwrap();
        let b = Array::<_, u64>::flush_empty(&store, 5).unwrap();
        assert_ne!(a, b);
    }
}
