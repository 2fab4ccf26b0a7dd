//! Invariant checks over a payment channel's state, for tests and the cross-actor state checks.

use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::Protocol;
use fvm_shared::econ::TokenAmount;

use crate::{LaneStates, State, MAX_LANE};

/// What a channel's state says, for checks that span actors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSummary {
    /// The sum redeemed over all lanes.
    pub redeemed: TokenAmount,
    pub lanes: u64,
}

/// Checks that both parties are ID addresses, that what is owed is neither negative nor more
/// than `balance`, that a settling channel settles no earlier than its minimum settle height,
/// and that every lane has a number the network allows and a redeemed amount not negative.
pub fn check_state_invariants<BS: Blockstore>(
    state: &State,
    store: &BS,
    balance: &TokenAmount,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    let mut summary = StateSummary {
        redeemed: TokenAmount::default(),
        lanes: 0,
    };
    for (role, address) in [("from", state.from), ("to", state.to)] {
        acc.require(
            address.protocol() == Protocol::ID,
            format!("{} address {} is not an ID address", role, address),
        );
    }
    acc.require(
        !state.to_send.is_negative(),
        format!("amount owed {} is negative", state.to_send),
    );
    acc.require(
        &state.to_send <= balance,
        format!(
            "amount owed {} is more than the balance {}",
            state.to_send, balance
        ),
    );
    acc.require(
        state.settling_at == 0 || state.settling_at >= state.min_settle_height,
        format!(
            "settling at epoch {}, before the minimum settle height {}",
            state.settling_at, state.min_settle_height
        ),
    );

    let lanes = match LaneStates::load(store, &state.lane_states, "lane states") {
        Ok(lanes) => lanes,
        Err(e) => {
            acc.add(format!("error loading lane states: {}", e));
            return (summary, acc);
        }
    };
    let walk = lanes.for_each(|id, lane| {
        acc.require(id <= MAX_LANE, format!("lane {} is above the maximum", id));
        acc.require(
            !lane.redeemed.is_negative(),
            format!("lane {} redeemed {}, a negative amount", id, lane.redeemed),
        );
        summary.redeemed += &lane.redeemed;
        summary.lanes += 1;
        Ok(())
    });
    acc.require_no_error(walk, "error iterating lane states");
    (summary, acc)
}
