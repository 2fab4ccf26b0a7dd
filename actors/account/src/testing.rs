//! Invariant checks over an account's state, for tests and the cross-actor state checks.

use fil_actors_runtime::{MessageAccumulator, FIRST_NON_SINGLETON_ID};
use fvm_shared::address::{Address, Protocol};

use crate::State;

/// What an account's state says, for checks that span actors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSummary {
    pub pubkey_address: Address,
}

/// Checks that an account created by the network (an ID at or above the first non-singleton
/// ID) stands for a secp256k1 or BLS key. Singleton IDs are exempt: genesis may place
/// special-purpose accounts there (the burnt-funds account, for one).
pub fn check_state_invariants(
    state: &State,
    id_address: &Address,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    if let Ok(id) = id_address.id() {
        if id >= FIRST_NON_SINGLETON_ID {
            acc.require(
                matches!(
                    state.address.protocol(),
                    Protocol::Secp256k1 | Protocol::BLS
                ),
                format!(
                    "account {} has address {} that is neither secp256k1 nor BLS",
                    id_address, state.address
                ),
            );
        }
    }
    (
        StateSummary {
            pubkey_address: state.address,
        },
        acc,
    )
}
