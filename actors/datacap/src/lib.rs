//! `fil_actor_datacap`: the v18 datacap actor, the FRC-46 fungible token that stands for
//! verified-storage allowance (DataCap, symbol `DCAP`).
//!
//! The token logic is the ecosystem's `frc46_token` library; this crate owns the state that
//! wraps it (with the verified registry as governor), the adapter that lets the library run on
//! the project's `Runtime` (`token_runtime.rs`), and v18's rules on top of the standard:
//!
//! - only the governor (the verified registry) mints and destroys datacap;
//! - datacap moves only to or from the governor: `Transfer` succeeds when the sender or the
//!   recipient is the governor, `TransferFrom` only when the recipient is the governor;
//! - amounts are whole units (granularity 10^18), so one token is one byte of verified data.
//!
//! Every method except the constructor is exported (FRC-42 numbers), callable by any actor.
//! The crate must not depend on the verified registry's crate: the registry is reached only
//! through the FRC-46 receiver hook the library calls.

// The token library's error type is large (it carries addresses and amounts for its messages);
// the handlers only pass it through to `ActorError`, as the library itself allows.
#![allow(clippy::result_large_err)]

use fil_actors_runtime::{actor_dispatch, method_hash, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod handlers;
mod state;
pub mod testing;
mod token_runtime;
mod types;

pub use state::State;
pub use types::*;

/// The datacap actor's methods with v18's numbers. v10 retired the internal numbers 2 to 21:
/// every token method is reached by its FRC-42 number.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    MintExported = method_hash!("Mint"),
    DestroyExported = method_hash!("Destroy"),
    NameExported = method_hash!("Name"),
    SymbolExported = method_hash!("Symbol"),
    GranularityExported = method_hash!("Granularity"),
    TotalSupplyExported = method_hash!("TotalSupply"),
    BalanceExported = method_hash!("Balance"),
    TransferExported = method_hash!("Transfer"),
    TransferFromExported = method_hash!("TransferFrom"),
    IncreaseAllowanceExported = method_hash!("IncreaseAllowance"),
    DecreaseAllowanceExported = method_hash!("DecreaseAllowance"),
    RevokeAllowanceExported = method_hash!("RevokeAllowance"),
    BurnExported = method_hash!("Burn"),
    BurnFromExported = method_hash!("BurnFrom"),
    AllowanceExported = method_hash!("Allowance"),
}

/// The datacap actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "DataCap"
    }

    actor_dispatch! {
        Constructor => constructor,
        MintExported => mint,
        DestroyExported => destroy,
        NameExported => name,
        SymbolExported => symbol,
        GranularityExported => granularity,
        TotalSupplyExported => total_supply,
        BalanceExported => balance,
        TransferExported => transfer,
        TransferFromExported => transfer_from,
        IncreaseAllowanceExported => increase_allowance,
        DecreaseAllowanceExported => decrease_allowance,
        RevokeAllowanceExported => revoke_allowance,
        BurnExported => burn,
        BurnFromExported => burn_from,
        AllowanceExported => allowance,
    }
}

// The WASM entry point the FVM calls for every message to the datacap actor.
fil_actors_runtime::wasm_trampoline!(Actor);
