//! Read-only methods: `CurrentTotalPower` (for miners) and the FRC-42 exported getters any
//! actor may call (FIP-0050).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_shared::address::Address;

use crate::{
    Actor, CurrentTotalPowerReturn, MinerConsensusCountReturn, MinerCountReturn, MinerPowerParams,
    MinerPowerReturn, MinerRawPowerParams, MinerRawPowerReturn, NetworkRawPowerReturn, State,
};

impl Actor {
    /// The totals and pledge frozen at the end of the previous epoch (so every message of an
    /// epoch sees the same values), the smoothed QA power, and the FIP-0081 ramp.
    pub fn current_total_power(rt: &impl Runtime) -> Result<CurrentTotalPowerReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        Ok(CurrentTotalPowerReturn {
            raw_byte_power: st.this_epoch_raw_byte_power,
            quality_adj_power: st.this_epoch_quality_adj_power,
            pledge_collateral: st.this_epoch_pledge_collateral,
            quality_adj_power_smoothed: st.this_epoch_qa_power_smoothed,
            ramp_start_epoch: st.ramp_start_epoch,
            ramp_duration_epochs: st.ramp_duration_epochs,
        })
    }

    /// The network's raw-byte power frozen for this epoch.
    pub fn network_raw_power(rt: &impl Runtime) -> Result<NetworkRawPowerReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        Ok(NetworkRawPowerReturn {
            raw_byte_power: st.this_epoch_raw_byte_power,
        })
    }

    /// A miner's raw-byte power and whether it counts towards consensus; `USR_ILLEGAL_ARGUMENT`
    /// for an actor with no claim.
    pub fn miner_raw_power(
        rt: &impl Runtime,
        params: MinerRawPowerParams,
    ) -> Result<MinerRawPowerReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        let (raw_byte_power, meets_consensus_minimum) =
            st.miner_nominal_power_meets_consensus_minimum(rt.policy(), rt.store(), params.miner)?;
        Ok(MinerRawPowerReturn {
            raw_byte_power,
            meets_consensus_minimum,
        })
    }

    /// How many miners exist.
    pub fn miner_count(rt: &impl Runtime) -> Result<MinerCountReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        Ok(MinerCountReturn {
            miner_count: st.miner_count,
        })
    }

    /// How many miners meet the minimum consensus power.
    pub fn miner_consensus_count(
        rt: &impl Runtime,
    ) -> Result<MinerConsensusCountReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        Ok(MinerConsensusCountReturn {
            miner_consensus_count: st.miner_above_min_power_count,
        })
    }

    /// A miner's claimed raw-byte and quality-adjusted power; `USR_NOT_FOUND` for an actor with
    /// no claim.
    pub fn miner_power(
        rt: &impl Runtime,
        params: MinerPowerParams,
    ) -> Result<MinerPowerReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        let claim = st
            .get_claim(rt.store(), &Address::new_id(params.miner))?
            .ok_or_else(|| actor_error!(not_found; "miner {} not found", params.miner))?;
        Ok(MinerPowerReturn {
            raw_byte_power: claim.raw_byte_power,
            quality_adj_power: claim.quality_adj_power,
        })
    }
}
