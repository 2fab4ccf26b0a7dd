//! Invariant checks over the datacap state, for tests and the cross-actor state checks: the
//! governor is an ID address, and the token library's own invariants hold (supply equals the
//! sum of balances, no negative or non-whole balances, no zero or self allowances stored).
//! Whether the registry's allocations add up to its datacap balance spans both actors and is
//! checked with the summary this returns.

use std::collections::HashMap;

use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::Protocol;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::{State, DATACAP_GRANULARITY};

/// What the datacap state says, for checks that span actors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateSummary {
    /// Every non-zero balance, by holder.
    pub balances: HashMap<ActorID, TokenAmount>,
    /// Every non-zero allowance, by owner then operator.
    pub allowances: HashMap<ActorID, HashMap<ActorID, TokenAmount>>,
    pub total_supply: TokenAmount,
}

/// Checks the datacap state's invariants; every violation is recorded, none stops the check.
pub fn check_state_invariants<BS: Blockstore>(
    state: &State,
    store: &BS,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    acc.require(
        state.governor.protocol() == Protocol::ID,
        format!("governor {} is not an ID address", state.governor),
    );
    let (token, errors) = state.token.check_invariants(store, DATACAP_GRANULARITY);
    for e in errors {
        acc.add(format!("token: {}", e));
    }
    let summary = StateSummary {
        balances: token.balance_map.unwrap_or_default(),
        allowances: token.allowance_map.unwrap_or_default(),
        total_supply: token.total_supply,
    };
    (summary, acc)
}
