//! `fil_actor_multisig`: the multisig actor of the network's v18, a wallet controlled by a group
//! of signers.
//!
//! A signer proposes a message; it is sent once `num_approvals_threshold` signers have approved
//! it (the proposer's approval counts). The group changes itself through proposals addressed to
//! the multisig: adding, removing and swapping signers, changing the threshold, locking part of
//! the balance to vest linearly over time.
//!
//! | method | number | callers |
//! | --- | --- | --- |
//! | `Constructor` | 1 | the init actor |
//! | `Propose`, `Approve`, `Cancel` | 2, 3, 4 | a signer (any built-in caller reaches the method; non-signers are `USR_FORBIDDEN`) |
//! | `AddSigner`, `RemoveSigner`, `SwapSigner`, `ChangeNumApprovalsThreshold`, `LockBalance` | 5 to 9 | the multisig itself, through an approved proposal |
//! | `UniversalReceiverHook` | FRC-42 `"Receive"` (3726118371) | anyone: accepts any asset whose parameters have the FRC-46 shape |
//! | any other exported number (>= 2^24) | — | anyone: accepted, returns nothing (FIP-0062) |
//!
//! v18 exports none of the numbered methods: user actors (EVM contracts) cannot propose or
//! approve, and reach the multisig only to pay it. The methods are in `handlers/`, the state and
//! its vesting arithmetic in `state.rs`, parameters in `types.rs`, invariant checks in
//! `testing.rs`; this file holds the method table only. The crate calls no other actor by
//! type: a proposal's message goes wherever the signers send it.

use fil_actors_runtime::{actor_dispatch, method_hash, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

mod handlers;
mod state;
pub mod testing;
mod types;

pub use handlers::compute_proposal_hash;
pub use state::*;
pub use types::*;

fil_actors_runtime::wasm_trampoline!(Actor);

/// The multisig's methods with v18's numbers.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    Propose = 2,
    Approve = 3,
    Cancel = 4,
    AddSigner = 5,
    RemoveSigner = 6,
    SwapSigner = 7,
    ChangeNumApprovalsThreshold = 8,
    LockBalance = 9,
    UniversalReceiverHook = method_hash!("Receive"),
}

/// The multisig actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "multisig"
    }

    actor_dispatch! {
        Constructor => constructor,
        Propose => propose,
        Approve => approve,
        Cancel => cancel,
        AddSigner => add_signer,
        RemoveSigner => remove_signer,
        SwapSigner => swap_signer,
        ChangeNumApprovalsThreshold => change_num_approvals_threshold,
        LockBalance => lock_balance,
        UniversalReceiverHook => universal_receiver_hook,
        _ => fallback,
    }
}
