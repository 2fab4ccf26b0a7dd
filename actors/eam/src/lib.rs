//! `fil_actor_eam`: the v18 Ethereum Address Manager (EAM), the singleton at ID 10 that owns the
//! f4 namespace 10 and assigns Ethereum addresses to new EVM contracts (FIP-0055).
//!
//! Methods, as the network numbers them (v18 keeps the EAM's methods at small numbers and does
//! not apply the internal-API restriction to them, because EVM contracts call `Create` and
//! `Create2` directly):
//!
//! | method | number | callers |
//! | --- | --- | --- |
//! | `Constructor` | 1 | the system actor, and only at ID 10 |
//! | `Create` | 2 | EVM contracts (the CREATE opcode) |
//! | `Create2` | 3 | EVM contracts (the CREATE2 opcode) |
//! | `CreateExternal` | 4 | the top-level sender, which must be an account or an Ethereum account |
//!
//! Each create method checks its caller, derives the new address (CREATE: the creator and a
//! nonce; CREATE2: EIP-1014; external: the sender's address and message nonce), refuses
//! reserved addresses, then deploys the EVM actor there with the value received: through the
//! init actor (`Exec4`), or by resurrecting a dead contract at that address. A failed
//! deployment aborts with the callee's exit code.
//!
//! This file holds the method table and dispatch; the handlers are in `constructor.rs` and
//! `create.rs`, the address derivation in `address.rs`.

use fil_actors_runtime::{actor_dispatch_unrestricted, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

pub mod address;
mod constructor;
mod create;
pub mod ext;
pub mod types;

pub use address::{compute_address_create, compute_address_create2, rlp_create_preimage};
pub use types::*;

/// The EAM's methods.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    Create = 2,
    Create2 = 3,
    CreateExternal = 4,
}

/// The Ethereum Address Manager.
pub struct EamActor;

impl ActorCode for EamActor {
    type Methods = Method;

    fn name() -> &'static str {
        "eam"
    }

    // v18 does not apply the internal-API restriction to the EAM: each method checks its
    // callers itself.
    actor_dispatch_unrestricted! {
        Constructor => constructor,
        Create => create,
        Create2 => create2,
        CreateExternal => create_external,
    }
}

// The WASM entry point the FVM calls for every message to the EAM.
fil_actors_runtime::wasm_trampoline!(EamActor);
