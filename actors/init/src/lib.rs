//! The init actor (`fil_actor_init`), singleton at ID 1.
//!
//! The init actor hands out actor IDs and keeps the map from robust (f2) and delegated (f4)
//! addresses to them; the FVM reads that map itself to resolve addresses. It is the only actor
//! that creates other actors: `Exec` for multisigs, payment channels and (from the power actor)
//! miners, `Exec4` for the EAM's f4-addressed actors (FIP-0048, FIP-0055). This file holds the
//! method table only.

use fil_actors_runtime::{actor_dispatch, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod constructor;
mod exec;
mod state;
pub mod testing;
mod types;

pub use state::{AddressMap, State};
pub use types::*;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The init actor's methods. v18 exports none of them (FIP-0050): user actors cannot call
/// `Exec`, and `Exec4` is reserved to the EAM.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    Exec = 2,
    Exec4 = 3,
}

/// The init actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "init"
    }

    actor_dispatch! {
        Constructor => constructor,
        Exec => exec,
        Exec4 => exec4,
    }
}
