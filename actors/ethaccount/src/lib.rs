//! `fil_actor_ethaccount`: the v18 Ethereum account actor, the principal behind an Ethereum
//! externally owned account. It is known by its f4 address in the EAM's namespace (10), whose
//! 20-byte subaddress is the Ethereum address; the FVM checks its secp256k1 signatures (FIP-0055).
//!
//! Methods, as the network numbers them:
//!
//! | method | number | callers |
//! | --- | --- | --- |
//! | `Constructor` | 1 | the system actor |
//! | any exported number (>= 2^24), e.g. FRC-42 `"Receive"` | — | anyone: accepted, returns nothing |
//!
//! Unknown internal numbers are `USR_UNHANDLED_MESSAGE`; internal numbers called by a user
//! actor are `USR_FORBIDDEN`. The actor keeps no state: its state root stays the empty array.
//!
//! This file holds the method table and dispatch; the handlers are in `methods.rs`.

use fil_actors_runtime::{actor_dispatch, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod methods;

/// The Ethereum account actor's methods.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
}

/// The Ethereum account actor.
pub struct EthAccountActor;

impl ActorCode for EthAccountActor {
    type Methods = Method;

    fn name() -> &'static str {
        "ethaccount"
    }

    actor_dispatch! {
        Constructor => constructor,
        _ => fallback,
    }
}

fil_actors_runtime::wasm_trampoline!(EthAccountActor);
