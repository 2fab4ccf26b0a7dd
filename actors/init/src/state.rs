//! The init actor's state: the address map and the next ID to hand out.
//!
//! The FVM decodes this state itself (its `init_actor::State`) to resolve addresses, so the
//! layout is fixed: a CBOR array `[address_map, next_id, network_name]`, where `address_map` is
//! the root of a HAMT (bit width 5) keyed by address bytes, each value an actor ID.

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError, Map, FIRST_NON_SINGLETON_ID};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::ActorID;

/// The address map: robust (f2) and delegated (f4) addresses, and the key addresses of
/// accounts, to the IDs they stand for.
pub type AddressMap<BS> = Map<BS, Address, ActorID>;

/// The name every address map error carries.
const ADDRESS_MAP_NAME: &str = "addresses";

/// The init actor's state.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// Root of the HAMT from address bytes to actor ID.
    pub address_map: Cid,
    /// The ID the next new actor receives.
    pub next_id: ActorID,
    pub network_name: String,
}

impl State {
    /// A state with an empty address map (written to `store`), whose first ID is the first
    /// non-singleton ID.
    pub fn new<BS: Blockstore>(store: &BS, network_name: String) -> Result<Self, ActorError> {
        let address_map = AddressMap::flush_empty(store)?;
        Ok(State {
            address_map,
            next_id: FIRST_NON_SINGLETON_ID,
            network_name,
        })
    }

    /// Maps `robust_addr`, and `delegated_addr` if given, to an actor ID, and returns that ID and
    /// whether it was already assigned.
    ///
    /// Without a delegated address, a fresh ID is allocated. With one, the ID it already maps to
    /// is reused (an f4 address funded before its actor was deployed holds a placeholder); if it
    /// maps to nothing, a fresh ID is allocated and the delegated address mapped to it. The robust
    /// address must be new: an address is assigned once, even if its actor is later deleted.
    pub fn map_addresses_to_id<BS: Blockstore>(
        &mut self,
        store: &BS,
        robust_addr: &Address,
        delegated_addr: Option<&Address>,
    ) -> Result<(ActorID, bool), ActorError> {
        let mut map = AddressMap::load(store, &self.address_map, ADDRESS_MAP_NAME)?;
        let (id, existing) = match delegated_addr {
            Some(delegated) => match map.get(delegated)?.copied() {
                Some(id) => (id, true),
                None => {
                    let id = self.allocate_id()?;
                    map.set(delegated, id)?;
                    (id, false)
                }
            },
            None => (self.allocate_id()?, false),
        };
        if !map.set_if_absent(robust_addr, id)? {
            return Err(actor_error!(forbidden;
                "robust address {} is already allocated in the address map", robust_addr));
        }
        self.address_map = map.flush()?;
        Ok((id, existing))
    }

    /// The ID an address stands for: an ID address is its own ID; any other address is looked up
    /// in the map. `None` when it is not mapped.
    pub fn resolve_address<BS: Blockstore>(
        &self,
        store: &BS,
        addr: &Address,
    ) -> Result<Option<ActorID>, ActorError> {
        if let Protocol::ID = addr.protocol() {
            return Ok(addr.id().ok());
        }
        let map = AddressMap::load(store, &self.address_map, ADDRESS_MAP_NAME)?;
        Ok(map.get(addr)?.copied())
    }

    fn allocate_id(&mut self) -> Result<ActorID, ActorError> {
        let id = self.next_id;
        self.next_id = id
            .checked_add(1)
            .ok_or_else(|| actor_error!(illegal_state; "actor IDs exhausted at {}", id))?;
        Ok(id)
    }
}
