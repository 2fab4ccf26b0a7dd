//! `AwardBlockReward`: the system actor pays each block's producer its share of the epoch's
//! reward plus the block's gas reward, less the block's penalty.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, extract_send_result, ActorError, BURNT_FUNDS_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::METHOD_SEND;

use crate::ext::miner;
use crate::{Actor, AwardBlockRewardParams, State};

/// A block's penalty is taken at this multiple of the amount the system reports.
pub const PENALTY_MULTIPLIER: u64 = 3;

/// The expected number of election wins per epoch: the epoch's reward is per win, divided among
/// this many.
pub const EXPECTED_LEADERS_PER_EPOCH: u64 = 5;

impl Actor {
    /// Pays `gas_reward + this_epoch_reward * win_count / 5` (at most the actor's balance) to the
    /// miner through its `ApplyRewards`, which also takes the penalty (at most the total
    /// reward). If the miner's call fails the whole amount is burnt instead, and the block
    /// reward still counts as paid.
    pub fn award_block_reward(
        rt: &impl Runtime,
        params: AwardBlockRewardParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let prior_balance = rt.current_balance();
        if params.penalty.is_negative() {
            return Err(actor_error!(illegal_argument; "negative penalty {}", params.penalty));
        }
        if params.gas_reward.is_negative() {
            return Err(
                actor_error!(illegal_argument; "negative gas reward {}", params.gas_reward),
            );
        }
        if prior_balance < params.gas_reward {
            return Err(actor_error!(illegal_state;
                "actor current balance {} insufficient to pay gas reward {}",
                prior_balance, params.gas_reward));
        }
        if params.win_count <= 0 {
            return Err(actor_error!(illegal_argument; "invalid win count {}", params.win_count));
        }
        let miner_id = rt.resolve_address(&params.miner).ok_or_else(
            || actor_error!(not_found; "failed to resolve given owner address {}", params.miner),
        )?;
        let penalty = &params.penalty * PENALTY_MULTIPLIER;

        let total_reward = rt.transaction(|st: &mut State, rt| {
            let mut block_reward =
                (&st.this_epoch_reward * params.win_count).div_floor(EXPECTED_LEADERS_PER_EPOCH);
            let mut total_reward = &params.gas_reward + &block_reward;
            let balance = rt.current_balance();
            if total_reward > balance {
                log::warn!(
                    "reward actor balance {} below total reward {}, paying out the rest of the balance",
                    balance,
                    total_reward
                );
                total_reward = balance;
                // Non-negative: the balance covers the gas reward (checked above).
                block_reward = &total_reward - &params.gas_reward;
            }
            st.total_storage_power_reward += block_reward;
            Ok(total_reward)
        })?;

        let penalty = std::cmp::min(penalty, total_reward.clone());
        let reward_params = miner::ApplyRewardParams {
            reward: total_reward.clone(),
            penalty,
        };
        // A miner that cannot take its reward is the miner's problem, not the block's.
        let applied = extract_send_result(rt.send_simple(
            &Address::new_id(miner_id),
            miner::APPLY_REWARDS_METHOD,
            IpldBlock::serialize_cbor(&reward_params)?,
            total_reward.clone(),
        ));
        if let Err(e) = applied {
            log::error!(
                "failed to send ApplyRewards to miner {} with funds {}: code {}: {}",
                miner_id,
                total_reward,
                e.exit_code(),
                e.msg()
            );
            burn(rt, total_reward);
        }
        Ok(())
    }
}

/// Sends `amount` to the burnt funds actor, logging (not failing) if that fails.
fn burn(rt: &impl Runtime, amount: TokenAmount) {
    let burnt = extract_send_result(rt.send_simple(
        &BURNT_FUNDS_ACTOR_ADDR,
        METHOD_SEND,
        None,
        amount.clone(),
    ));
    if let Err(e) = burnt {
        log::error!(
            "failed to burn unsent reward {}: code {}: {}",
            amount,
            e.exit_code(),
            e.msg()
        );
    }
}
