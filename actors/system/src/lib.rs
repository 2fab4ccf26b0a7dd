//! The system actor (`fil_actor_system`), singleton at ID 0.
//!
//! Its state holds one link: the registry of built-in actor code (`builtin_actors`), which the
//! FVM itself reads to learn which code CID is which built-in type. The constructor writes an
//! empty registry; genesis tooling fills it in. This file holds the method table only.

use fil_actors_runtime::{actor_dispatch, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod constructor;
mod state;

pub use state::State;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The system actor's methods (v18 has only the constructor).
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
}

/// The system actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "system"
    }

    actor_dispatch! {
        Constructor => constructor,
    }
}
