//! `MapMap`: a HAMT of HAMTs, as v18 keeps allocations (client, then allocation ID) and claims
//! (provider, then claim ID). Both levels use the network's HAMT parameters and LEB128 keys. An
//! inner map that becomes empty is removed from the outer one, so every stored inner map has an
//! entry; inner maps are loaded once, cached, and written back on `flush`.

use std::collections::BTreeMap;

use cid::Cid;
use fil_actors_runtime::{ActorError, Map};
use fvm_ipld_blockstore::Blockstore;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub struct MapMap<'bs, BS: Blockstore, V> {
    outer: Map<&'bs BS, u64, Cid>,
    inner: BTreeMap<u64, Map<&'bs BS, u64, V>>,
    store: &'bs BS,
    name: &'static str,
}

impl<'bs, BS, V> MapMap<'bs, BS, V>
where
    BS: Blockstore,
    V: Serialize + DeserializeOwned + PartialEq,
{
    /// The root of an empty map of maps (an empty HAMT).
    pub fn flush_empty(store: &BS) -> Result<Cid, ActorError> {
        Map::<_, u64, Cid>::flush_empty(store)
    }

    pub fn load(store: &'bs BS, root: &Cid, name: &'static str) -> Result<Self, ActorError> {
        Ok(MapMap {
            outer: Map::load(store, root, name)?,
            inner: BTreeMap::new(),
            store,
            name,
        })
    }

    /// The inner map of `outer_key`, loaded once (empty if the key has none).
    fn inner(&mut self, outer_key: u64) -> Result<&mut Map<&'bs BS, u64, V>, ActorError> {
        if !self.inner.contains_key(&outer_key) {
            let map = match self.outer.get(&outer_key)? {
                Some(root) => Map::load(self.store, root, self.name)?,
                None => Map::empty(self.store, self.name),
            };
            self.inner.insert(outer_key, map);
        }
        self.inner.get_mut(&outer_key).ok_or_else(|| {
            ActorError::illegal_state(format!("inner map {} of {} lost", outer_key, self.name))
        })
    }

    pub fn get(&mut self, outer_key: u64, inner_key: u64) -> Result<Option<&V>, ActorError> {
        self.inner(outer_key)?.get(&inner_key)
    }

    /// Sets a value, returning the one it replaced.
    pub fn put(
        &mut self,
        outer_key: u64,
        inner_key: u64,
        value: V,
    ) -> Result<Option<V>, ActorError> {
        self.inner(outer_key)?.set(&inner_key, value)
    }

    /// Sets a value only if absent; returns whether it was set.
    pub fn put_if_absent(
        &mut self,
        outer_key: u64,
        inner_key: u64,
        value: V,
    ) -> Result<bool, ActorError> {
        self.inner(outer_key)?.set_if_absent(&inner_key, value)
    }

    pub fn remove(&mut self, outer_key: u64, inner_key: u64) -> Result<Option<V>, ActorError> {
        self.inner(outer_key)?.delete(&inner_key)
    }

    /// Visits every entry under `outer_key`.
    pub fn for_each_in<F>(&mut self, outer_key: u64, f: F) -> Result<(), ActorError>
    where
        F: FnMut(u64, &V) -> Result<(), ActorError>,
    {
        self.inner(outer_key)?.for_each(f)
    }

    /// Visits every stored entry, as (outer key, inner key, value). Reads the stored maps only:
    /// call it on a freshly loaded map.
    pub fn for_each<F>(&self, mut f: F) -> Result<(), ActorError>
    where
        F: FnMut(u64, u64, &V) -> Result<(), ActorError>,
    {
        self.outer.for_each(|outer_key, root| {
            let inner: Map<&BS, u64, V> = Map::load(self.store, root, self.name)?;
            inner.for_each(|inner_key, value| f(outer_key, inner_key, value))
        })
    }

    /// Writes every changed inner map and returns the new root; empty inner maps are removed.
    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        for (outer_key, map) in self.inner.iter_mut() {
            if map.is_empty() {
                self.outer.delete(outer_key)?;
            } else {
                let root = map.flush()?;
                self.outer.set(outer_key, root)?;
            }
        }
        self.outer.flush()
    }
}
