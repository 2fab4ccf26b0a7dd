//! The cron actor (`fil_actor_cron`), singleton at ID 3.
//!
//! At the end of every epoch the system calls `EpochTick`, and cron calls each of its entries
//! (set once, at genesis: the power actor's `OnEpochTickEnd` and the market's
//! `CronTick`) in order. This file holds the method table only.

use fil_actors_runtime::{actor_dispatch, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod constructor;
mod state;
mod tick;
mod types;

pub use state::{Entry, State};
pub use types::*;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The cron actor's methods.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    EpochTick = 2,
}

/// The cron actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "cron"
    }

    actor_dispatch! {
        Constructor => constructor,
        EpochTick => epoch_tick,
    }
}
