//! The per-epoch methods: `ThisEpochReward` (any caller reads the reward estimate and baseline)
//! and `UpdateNetworkKPI` (the power actor's end-of-epoch report of the network's power).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, STORAGE_POWER_ACTOR_ADDR};

use crate::{Actor, State, ThisEpochRewardReturn, UpdateNetworkKPIParams};

impl Actor {
    /// The smoothed reward estimate and this epoch's baseline power.
    pub fn this_epoch_reward(rt: &impl Runtime) -> Result<ThisEpochRewardReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        Ok(ThisEpochRewardReturn {
            this_epoch_reward_smoothed: st.this_epoch_reward_smoothed,
            this_epoch_baseline_power: st.this_epoch_baseline_power,
        })
    }

    /// Catches the state up through any null rounds to the current epoch, computes the next
    /// epoch's reward for the reported power, and smooths it over the epochs elapsed.
    pub fn update_network_kpi(
        rt: &impl Runtime,
        params: UpdateNetworkKPIParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&STORAGE_POWER_ACTOR_ADDR))?;
        let power = params
            .curr_realized_power
            .ok_or_else(|| actor_error!(illegal_argument; "realized power argument cannot be nil"))?
            .0;
        let now = rt.curr_epoch();
        rt.transaction(|st: &mut State, _| {
            let prev_epoch = st.epoch;
            while st.epoch < now {
                st.update_to_next_epoch(&power);
            }
            st.update_to_next_epoch_with_reward(&power);
            st.update_smoothed_estimates(st.epoch - prev_epoch);
            Ok(())
        })
    }
}
