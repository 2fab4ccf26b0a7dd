//! `fil_actor_account`: the v18 account actor, the on-chain principal behind an f1 (secp256k1)
//! or f3 (BLS) key.
//!
//! Methods, as the network numbers them:
//!
//! | method | number | callers |
//! | --- | --- | --- |
//! | `Constructor` | 1 | the system actor |
//! | `PubkeyAddress` | 2 | any built-in actor (internal number) |
//! | `AuthenticateMessage` | FRC-42 `"AuthenticateMessage"` (2643134072) | anyone |
//! | any other exported number (>= 2^24), e.g. FRC-42 `"Receive"` | — | anyone: accepted, returns nothing (FIP-0050) |
//!
//! v18 has no dedicated `UniversalReceiverHook` handler on the account: the exported-method
//! fallback accepts `Receive` along with every other exported number, so value and tokens sent
//! by EVM contracts and other user actors always arrive. Unknown internal numbers are
//! `USR_UNHANDLED_MESSAGE`; internal numbers called by a user actor are `USR_FORBIDDEN`.
//!
//! This file holds the method table and dispatch; the handlers are in `methods.rs`.

use fil_actors_runtime::{actor_dispatch, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod methods;
pub mod state;
pub mod testing;
pub mod types;

pub use state::State;
pub use types::*;

/// The account actor's methods.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    PubkeyAddress = 2,
    // Number 3 was the internal `AuthenticateMessage`, removed in v10 (FIP-0050).
    AuthenticateMessageExported = fil_actors_runtime::method_hash!("AuthenticateMessage"),
}

/// The account actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "account"
    }

    actor_dispatch! {
        Constructor => constructor,
        PubkeyAddress => pubkey_address,
        AuthenticateMessageExported => authenticate_message,
        _ => fallback,
    }
}

// The WASM entry point the FVM calls for every message to an account.
fil_actors_runtime::wasm_trampoline!(Actor);
