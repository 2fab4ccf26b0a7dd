//! `Map`: a HAMT keyed by a typed key, with the network's parameters (bit width 5, the v18
//! `Config`) and errors that name the map.

use std::marker::PhantomData;

use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_hamt::{BytesKey, Config, Hamt};
use fvm_shared::address::Address;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::ActorError;

/// The HAMT bit width every built-in actor uses.
pub const HAMT_BIT_WIDTH: u32 = 5;

/// The parameters of every HAMT in the built-in actors' state.
pub const DEFAULT_HAMT_CONFIG: Config = Config {
    bit_width: HAMT_BIT_WIDTH,
    min_data_depth: 0,
    max_array_width: 3,
};

/// How a key type is written as HAMT key bytes.
pub trait MapKey: Sized {
    fn from_bytes(b: &[u8]) -> Result<Self, String>;
    fn to_bytes(&self) -> Result<Vec<u8>, String>;
}

impl MapKey for Vec<u8> {
    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        Ok(b.to_vec())
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(self.clone())
    }
}

impl MapKey for String {
    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        String::from_utf8(b.to_vec()).map_err(|e| e.to_string())
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(self.as_bytes().to_vec())
    }
}

/// Unsigned LEB128, as the network keys IDs and deal/allocation numbers.
impl MapKey for u64 {
    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        decode_uvarint(b)
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(encode_uvarint(*self))
    }
}

/// Zig-zag LEB128, as the network keys epochs.
impl MapKey for i64 {
    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        let z = decode_uvarint(b)?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(encode_uvarint(((*self << 1) ^ (*self >> 63)) as u64))
    }
}

impl MapKey for Address {
    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        Address::from_bytes(b).map_err(|e| e.to_string())
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(Address::to_bytes(*self))
    }
}

impl MapKey for Cid {
    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        Cid::try_from(b).map_err(|e| e.to_string())
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(Cid::to_bytes(self))
    }
}

fn encode_uvarint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

fn decode_uvarint(b: &[u8]) -> Result<u64, String> {
    let mut value: u64 = 0;
    for (i, byte) in b.iter().enumerate() {
        if i >= 10 || (i == 9 && *byte > 1) {
            return Err(format!("varint overflows 64 bits: {:?}", b));
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            if i + 1 != b.len() {
                return Err(format!("trailing bytes after varint: {:?}", b));
            }
            if i > 0 && *byte == 0 {
                return Err(format!("varint is not minimal: {:?}", b));
            }
            return Ok(value);
        }
    }
    Err(format!("truncated varint: {:?}", b))
}

/// A HAMT of `K` to `V`. `name` appears in every error message.
pub struct Map<BS, K, V>
where
    BS: Blockstore,
{
    hamt: Hamt<BS, V, BytesKey>,
    name: &'static str,
    key_type: PhantomData<K>,
}

impl<BS, K, V> Map<BS, K, V>
where
    BS: Blockstore,
    K: MapKey,
    V: Serialize + DeserializeOwned + PartialEq,
{
    /// A new empty map.
    pub fn empty(store: BS, name: &'static str) -> Self {
        Map {
            hamt: Hamt::new_with_config(store, DEFAULT_HAMT_CONFIG),
            name,
            key_type: PhantomData,
        }
    }

    /// The root of a new empty map, written to the store.
    pub fn flush_empty(store: BS) -> Result<Cid, ActorError> {
        Self::empty(store, "empty").flush()
    }

    /// Loads a map from its root.
    pub fn load(store: BS, root: &Cid, name: &'static str) -> Result<Self, ActorError> {
        Ok(Map {
            hamt: Hamt::load_with_config(root, store, DEFAULT_HAMT_CONFIG).map_err(|e| {
                ActorError::illegal_state(format!(
                    "failed to load HAMT {} at {}: {}",
                    name, root, e
                ))
            })?,
            name,
            key_type: PhantomData,
        })
    }

    /// Writes pending changes and returns the new root.
    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.hamt.flush().map_err(|e| self.err("flush", e))
    }

    pub fn is_empty(&self) -> bool {
        self.hamt.is_empty()
    }

    pub fn get(&self, key: &K) -> Result<Option<&V>, ActorError> {
        let k = self.key(key)?;
        self.hamt.get(&k).map_err(|e| self.err("get", e))
    }

    pub fn contains_key(&self, key: &K) -> Result<bool, ActorError> {
        let k = self.key(key)?;
        self.hamt.contains_key(&k).map_err(|e| self.err("get", e))
    }

    /// Sets a value, returning the one it replaced.
    pub fn set(&mut self, key: &K, value: V) -> Result<Option<V>, ActorError> {
        let k = self.key(key)?;
        self.hamt.set(k, value).map_err(|e| self.err("set", e))
    }

    /// Sets a value only if the key is absent; returns whether it was set.
    pub fn set_if_absent(&mut self, key: &K, value: V) -> Result<bool, ActorError> {
        let k = self.key(key)?;
        self.hamt
            .set_if_absent(k, value)
            .map_err(|e| self.err("set", e))
    }

    /// Removes a key, returning its value.
    pub fn delete(&mut self, key: &K) -> Result<Option<V>, ActorError> {
        let k = self.key(key)?;
        Ok(self
            .hamt
            .delete(&k)
            .map_err(|e| self.err("delete", e))?
            .map(|(_, v)| v))
    }

    /// Visits every entry in key-hash order. An error from `f` stops the walk and is returned.
    pub fn for_each<F>(&self, mut f: F) -> Result<(), ActorError>
    where
        F: FnMut(K, &V) -> Result<(), ActorError>,
    {
        let mut result = Ok(());
        let walk = self.hamt.for_each(|k, v| {
            let key = K::from_bytes(k).map_err(|e| {
                ActorError::illegal_state(format!("bad key in HAMT {}: {}", self.name, e))
            });
            match key.and_then(|key| f(key, v)) {
                Ok(()) => Ok(()),
                Err(e) => {
                    result = Err(e);
                    Err(anyhow::anyhow!("stopped"))
                }
            }
        });
        result?;
        walk.map_err(|e| self.err("iterate", e))
    }

    fn key(&self, key: &K) -> Result<BytesKey, ActorError> {
        key.to_bytes().map(BytesKey).map_err(|e| {
            ActorError::illegal_argument(format!("bad key for HAMT {}: {}", self.name, e))
        })
    }

    fn err(&self, op: &str, e: fvm_ipld_hamt::Error) -> ActorError {
        ActorError::illegal_state(format!("failed to {} HAMT {}: {}", op, self.name, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;

    #[test]
    fn varint_keys() {
        assert_eq!(0u64.to_bytes().unwrap(), vec![0]);
        assert_eq!(127u64.to_bytes().unwrap(), vec![0x7f]);
        assert_eq!(128u64.to_bytes().unwrap(), vec![0x80, 0x01]);
        assert_eq!(300u64.to_bytes().unwrap(), vec![0xac, 0x02]);
        assert_eq!(u64::MAX.to_bytes().unwrap().len(), 10);
        for v in [0u64, 1, 127, 128, 300, 1 << 40, u64::MAX] {
            assert_eq!(u64::from_bytes(&v.to_bytes().unwrap()).unwrap(), v);
        }
        assert_eq!((-1i64).to_bytes().unwrap(), vec![1]);
        assert_eq!(1i64.to_bytes().unwrap(), vec![2]);
        assert_eq!((-64i64).to_bytes().unwrap(), vec![0x7f]);
        for v in [0i64, 1, -1, 63, -64, 64, i64::MAX, i64::MIN] {
            assert_eq!(i64::from_bytes(&v.to_bytes().unwrap()).unwrap(), v);
        }
        assert!(u64::from_bytes(&[]).is_err());
        assert!(u64::from_bytes(&[0x80]).is_err());
        assert!(u64::from_bytes(&[0x01, 0x02]).is_err());
        assert!(u64::from_bytes(&[0x80, 0x00]).is_err());
        assert!(u64::from_bytes(&[0xff; 11]).is_err());
    }

    #[test]
    fn set_get_delete_iterate() {
        let store = MemoryBlockstore::new();
        let mut m: Map<_, u64, String> = Map::empty(&store, "names");
        assert!(m.is_empty());
        assert_eq!(m.set(&5, "five".into()).unwrap(), None);
        assert_eq!(m.set(&5, "FIVE".into()).unwrap(), Some("five".into()));
        assert!(!m.set_if_absent(&5, "x".into()).unwrap());
        assert!(m.set_if_absent(&9, "nine".into()).unwrap());
        let root = m.flush().unwrap();

        let mut m: Map<_, u64, String> = Map::load(&store, &root, "names").unwrap();
        assert_eq!(m.get(&5).unwrap(), Some(&"FIVE".to_string()));
        assert!(m.contains_key(&9).unwrap());
        let mut seen = vec![];
        m.for_each(|k, v| {
            seen.push((k, v.clone()));
            Ok(())
        })
        .unwrap();
        seen.sort();
        assert_eq!(seen, vec![(5, "FIVE".to_string()), (9, "nine".to_string())]);
        assert_eq!(m.delete(&9).unwrap(), Some("nine".into()));
        assert_eq!(m.delete(&9).unwrap(), None);

        let stop = m
            .for_each(|_, _| Err(ActorError::forbidden("stop here")))
            .unwrap_err();
        assert_eq!(stop.msg(), "stop here");
    }

    #[test]
    fn empty_root_is_stable() {
        let store = MemoryBlockstore::new();
        let a = Map::<_, u64, u64>::flush_empty(&store).unwrap();
        let b = Map::<_, Address, String>::flush_empty(&store).unwrap();
        assert_eq!(a, b);
        // An empty HAMT node: [bitfield (empty bytes), pointers (empty array)].
        assert_eq!(
            a.to_string(),
            "bafy2bzaceamp42wmmgr2g2ymg46euououzfyck7szknvfacqscohrvaikwfay"
        );
    }

    #[test]
    fn loading_a_missing_root_names_the_map() {
        let store = MemoryBlockstore::new();
        let root = Map::<_, u64, u64>::flush_empty(MemoryBlockstore::new()).unwrap();
        let err = Map::<_, u64, u64>::load(&store, &root, "claims")
            .err()
            .unwrap();
        assert!(err.msg().contains("claims"), "{}", err.msg());
    }
}
