//! Invariant checks over the reward actor's state, for tests and the cross-actor state checks.

use fil_actors_runtime::MessageAccumulator;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use num_traits::Signed;

use crate::State;

/// What the reward state says, for checks that span actors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSummary {
    pub total_storage_power_reward: TokenAmount,
}

/// Checks the reward state against the epoch of the last tipset (`prior_epoch`) and the actor's
/// balance: the reward was computed for the next epoch, the effective network time never runs
/// ahead of the chain, the realized sum never exceeds the baseline sum, and what was paid plus
/// what is left covers the whole storage mining allocation (it can exceed it: anyone may send
/// funds to the reward actor).
pub fn check_state_invariants(
    state: &State,
    prior_epoch: ChainEpoch,
    balance: &TokenAmount,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    let allocation = &state.simple_total + &state.baseline_total;
    let accounted = &state.total_storage_power_reward + balance;
    acc.require(
        accounted >= allocation,
        format!(
            "reward paid {} + balance {} is below the storage mining allocation {}",
            state.total_storage_power_reward, balance, allocation
        ),
    );
    acc.require(
        state.epoch == prior_epoch + 1,
        format!(
            "reward state epoch {} is not the prior epoch {} + 1",
            state.epoch, prior_epoch
        ),
    );
    acc.require(
        state.effective_network_time <= state.epoch,
        format!(
            "effective network time {} is after the state epoch {}",
            state.effective_network_time, state.epoch
        ),
    );
    acc.require(
        state.cumsum_realized <= state.cumsum_baseline,
        format!(
            "cumulative realized power {} exceeds cumulative baseline {}",
            state.cumsum_realized, state.cumsum_baseline
        ),
    );
    acc.require(
        !state.cumsum_realized.is_negative(),
        format!(
            "cumulative realized power {} is negative",
            state.cumsum_realized
        ),
    );
    let summary = StateSummary {
        total_storage_power_reward: state.total_storage_power_reward.clone(),
    };
    (summary, acc)
}
