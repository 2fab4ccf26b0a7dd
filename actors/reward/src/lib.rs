//! The reward actor (`fil_actor_reward`), singleton at ID 2.
//!
//! It holds the FIL reserved for block rewards and mints them on two schedules: simple minting
//! (330M FIL, halving every six years) and baseline minting (770M FIL, released as the network's
//! cumulative power keeps up with a baseline that doubles every year). Each epoch the power
//! actor reports the network's raw-byte power (`UpdateNetworkKPI`) and the next epoch's reward
//! is computed; the system actor pays each block's producer (`AwardBlockReward`); miners read
//! the smoothed reward estimate (`ThisEpochReward`). This file holds the method table only.

use fil_actors_runtime::{actor_dispatch, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod award;
mod constructor;
mod epoch;
mod expneg;
pub mod ext;
pub mod logic;
mod state;
pub mod testing;
mod types;

pub use award::{EXPECTED_LEADERS_PER_EPOCH, PENALTY_MULTIPLIER};
pub use expneg::expneg;
pub use state::*;
pub use types::*;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The reward actor's methods. v18 exports none of them (FIP-0050).
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    AwardBlockReward = 2,
    ThisEpochReward = 3,
    UpdateNetworkKPI = 4,
}

/// The reward actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "reward"
    }

    actor_dispatch! {
        Constructor => constructor,
        AwardBlockReward => award_block_reward,
        ThisEpochReward => this_epoch_reward,
        UpdateNetworkKPI => update_network_kpi,
    }
}
