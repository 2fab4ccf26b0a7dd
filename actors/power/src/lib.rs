//! The storage power actor (`fil_actor_power`), singleton at ID 4.
//!
//! It creates miners (through the init actor), keeps each miner's claimed raw-byte and
//! quality-adjusted power and the network totals, tracks the network's total pledge, and once
//! per epoch (called by cron) runs the miners' deferred cron events, freezes the totals for the
//! next epoch, smooths the quality-adjusted power estimate and reports the raw-byte power to the
//! reward actor. This file holds the method table only.

use fil_actors_runtime::{actor_dispatch, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod constructor;
mod cron;
mod cron_queue;
pub mod ext;
mod getters;
mod miners;
mod policy;
mod state;
pub mod testing;
mod types;

pub use cron_queue::{CronEventQueue, CRON_QUEUE_AMT_BITWIDTH, CRON_QUEUE_HAMT_BITWIDTH};
pub use policy::*;
pub use state::*;
pub use types::*;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The power actor's methods. Numbers 7 (`OnConsensusFault`, removed in v2) and 8
/// (`SubmitPoRepForBulkVerify`, removed by FIP-0084) are gone and answer
/// `USR_UNHANDLED_MESSAGE`. The `*Exported` numbers are FRC-42 hashes callable by any actor
/// (FIP-0050).
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    CreateMiner = 2,
    UpdateClaimedPower = 3,
    EnrollCronEvent = 4,
    OnEpochTickEnd = 5,
    UpdatePledgeTotal = 6,
    CurrentTotalPower = 9,
    CreateMinerExported = fil_actors_runtime::method_hash!("CreateMiner"),
    NetworkRawPowerExported = fil_actors_runtime::method_hash!("NetworkRawPower"),
    MinerRawPowerExported = fil_actors_runtime::method_hash!("MinerRawPower"),
    MinerCountExported = fil_actors_runtime::method_hash!("MinerCount"),
    MinerConsensusCountExported = fil_actors_runtime::method_hash!("MinerConsensusCount"),
    MinerPowerExported = fil_actors_runtime::method_hash!("MinerPower"),
}

/// The storage power actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "storagepower"
    }

    actor_dispatch! {
        Constructor => constructor,
        CreateMiner => create_miner,
        CreateMinerExported => create_miner,
        UpdateClaimedPower => update_claimed_power,
        EnrollCronEvent => enroll_cron_event,
        OnEpochTickEnd => on_epoch_tick_end,
        UpdatePledgeTotal => update_pledge_total,
        CurrentTotalPower => current_total_power,
        NetworkRawPowerExported => network_raw_power,
        MinerRawPowerExported => miner_raw_power,
        MinerCountExported => miner_count,
        MinerConsensusCountExported => miner_consensus_count,
        MinerPowerExported => miner_power,
    }
}
