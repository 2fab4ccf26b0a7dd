//! Invariant checks over the init actor's state, for tests and the cross-actor state checks.

use std::collections::HashMap;

use fil_actors_runtime::{MessageAccumulator, FIRST_NON_SINGLETON_ID};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::ActorID;

use crate::{AddressMap, State};

/// What the init state says, for checks that span actors.
#[derive(Debug, Default, Clone)]
pub struct StateSummary {
    /// Every mapped address and its ID.
    pub ids_by_address: HashMap<Address, ActorID>,
    pub next_id: ActorID,
}

/// Checks that no key is an ID address, that every mapped ID was handed out by this actor
/// (at least the first non-singleton ID, below `next_id`), and that no ID has two robust or
/// two delegated addresses.
pub fn check_state_invariants<BS: Blockstore>(
    state: &State,
    store: &BS,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    let mut summary = StateSummary {
        next_id: state.next_id,
        ..Default::default()
    };
    acc.require(
        state.next_id >= FIRST_NON_SINGLETON_ID,
        format!(
            "next ID {} is below the first non-singleton ID",
            state.next_id
        ),
    );

    let map = match AddressMap::load(store, &state.address_map, "addresses") {
        Ok(map) => map,
        Err(e) => {
            acc.add(format!("error loading address map: {}", e));
            return (summary, acc);
        }
    };
    let mut robust_by_id: HashMap<ActorID, Address> = HashMap::new();
    let mut delegated_by_id: HashMap<ActorID, Address> = HashMap::new();
    let walk = map.for_each(|addr, id| {
        let id = *id;
        acc.require(
            addr.protocol() != Protocol::ID,
            format!("ID address {} is a key", addr),
        );
        acc.require(
            id >= FIRST_NON_SINGLETON_ID,
            format!("address {} maps to singleton ID {}", addr, id),
        );
        acc.require(
            id < state.next_id,
            format!(
                "address {} maps to ID {} not yet allocated (next {})",
                addr, id, state.next_id
            ),
        );
        let seen = match addr.protocol() {
            Protocol::Actor => Some(&mut robust_by_id),
            Protocol::Delegated => Some(&mut delegated_by_id),
            _ => None,
        };
        if let Some(seen) = seen {
            if let Some(other) = seen.insert(id, addr) {
                acc.add(format!(
                    "ID {} has two addresses of one kind: {} and {}",
                    id, other, addr
                ));
            }
        }
        summary.ids_by_address.insert(addr, id);
        Ok(())
    });
    acc.require_no_error(walk, "error iterating address map");
    (summary, acc)
}
