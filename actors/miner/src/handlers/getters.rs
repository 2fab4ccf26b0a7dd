//! Read-only getters added by FIP-0098 for other actors: the most a termination could cost for
//! some power and pledge, and the miner's total initial pledge. Any caller.

use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;

use super::{request_current_epoch_block_reward, request_current_total_power};
use crate::{
    pledge_penalty_for_continued_fault, pledge_penalty_for_termination, Actor, InitialPledgeReturn,
    MaxTerminationFeeParams, MaxTerminationFeeReturn, State, TERMINATION_LIFETIME_CAP,
};

impl Actor {
    /// The termination fee of a sector with this power and pledge at the age from which the
    /// fee no longer grows, with the fault fee from the current reward and power estimates.
    pub fn max_termination_fee(
        rt: &impl Runtime,
        params: MaxTerminationFeeParams,
    ) -> Result<MaxTerminationFeeReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let reward = request_current_epoch_block_reward(rt)?;
        let power = request_current_total_power(rt)?;
        let fault_fee = pledge_penalty_for_continued_fault(
            &reward.this_epoch_reward_smoothed,
            &power.quality_adj_power_smoothed,
            &params.power,
        );
        let max_fee = pledge_penalty_for_termination(
            &params.initial_pledge,
            TERMINATION_LIFETIME_CAP * EPOCHS_IN_DAY,
            &fault_fee,
        );
        Ok(MaxTerminationFeeReturn { max_fee })
    }

    pub fn initial_pledge(rt: &impl Runtime) -> Result<InitialPledgeReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let state: State = rt.state()?;
        Ok(InitialPledgeReturn {
            initial_pledge: state.initial_pledge,
        })
    }
}
