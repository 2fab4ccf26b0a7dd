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
//! # The EVM is not in this bundle
//!
//! This bundle does not implement the EVM actor yet (its manifest slot holds a module that
//! aborts every call). The three create methods therefore do everything v18 does up to the
//! deployment itself — caller checks, parameter decoding, caller address resolution, address
//! derivation, and the refusal of reserved addresses, each with v18's exit code — and then,
//! where v18 would ask the init actor to deploy the EVM code (`Exec4`), they abort with
//! **`USR_UNHANDLED_MESSAGE` (22)** and the message "EVM actor is not implemented in this
//! bundle", naming the address the contract would have received. Nothing is deployed, no value
//! moves and no state changes.
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
pub use create::EVM_NOT_IMPLEMENTED;
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
