//! `fil_actor_verifreg`: the v18 verified registry actor.
//!
//! It owns the root key; the verifiers and their allowances; the counters that make signed
//! datacap-removal proposals single-use; the allocations clients make by transferring datacap to
//! the registry; and the claims miners make of those allocations when they commit the pieces
//! (which give the sectors quality-adjusted power). It governs the datacap token: it mints
//! datacap to the clients verifiers approve, burns what is claimed, destroys what the root key
//! removes and returns what expires unclaimed. Every change is announced with the FIP-0083
//! events (`emit.rs`).
//!
//! It must not depend on the datacap or miner crates: the shapes it exchanges with them are in
//! `ext.rs` (and `types.rs` for the miner's calls to it, which are its own API).
//!
//! | method | number | callers |
//! | --- | --- | --- |
//! | `Constructor` | 1 | the system actor |
//! | `AddVerifier` | 2 | the root key |
//! | `RemoveVerifier` | 3 | the root key |
//! | `AddVerifiedClient` | 4, FRC-42 | a verifier |
//! | `RemoveVerifiedClientDataCap` | 7 | the root key |
//! | `RemoveExpiredAllocations` | 8, FRC-42 | anyone |
//! | `ClaimAllocations` | 9 | miners |
//! | `GetClaims` | 10, FRC-42 | anyone |
//! | `ExtendClaimTerms` | 11, FRC-42 | a claim's client |
//! | `RemoveExpiredClaims` | 12, FRC-42 | anyone |
//! | `UniversalReceiverHook` | FRC-42 `"Receive"` | the datacap token |

use fil_actors_runtime::{actor_dispatch, method_hash, ActorCode};
use fvm_shared::METHOD_CONSTRUCTOR;
use num_derive::FromPrimitive;

pub mod emit;
pub mod expiration;
pub mod ext;
mod handlers;
mod mapmap;
mod state;
pub mod testing;
mod types;

pub use mapmap::MapMap;
pub use state::*;
pub use types::*;

/// The verified registry's methods with v18's numbers. 5 and 6 (`UseBytes`, `RestoreBytes`)
/// were retired when datacap became a token.
#[derive(FromPrimitive, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Method {
    Constructor = METHOD_CONSTRUCTOR,
    AddVerifier = 2,
    RemoveVerifier = 3,
    AddVerifiedClient = 4,
    RemoveVerifiedClientDataCap = 7,
    RemoveExpiredAllocations = 8,
    ClaimAllocations = 9,
    GetClaims = 10,
    ExtendClaimTerms = 11,
    RemoveExpiredClaims = 12,
    AddVerifiedClientExported = method_hash!("AddVerifiedClient"),
    RemoveExpiredAllocationsExported = method_hash!("RemoveExpiredAllocations"),
    GetClaimsExported = method_hash!("GetClaims"),
    ExtendClaimTermsExported = method_hash!("ExtendClaimTerms"),
    RemoveExpiredClaimsExported = method_hash!("RemoveExpiredClaims"),
    UniversalReceiverHook = method_hash!("Receive"),
}

/// The verified registry actor.
pub struct Actor;

impl ActorCode for Actor {
    type Methods = Method;

    fn name() -> &'static str {
        "VerifiedRegistry"
    }

    // Every method, in number order; an exported twin follows its internal method.
    actor_dispatch! {
        Constructor => constructor,
        AddVerifier => add_verifier,
        RemoveVerifier => remove_verifier,
        AddVerifiedClient => add_verified_client,
        AddVerifiedClientExported => add_verified_client,
        RemoveVerifiedClientDataCap => remove_verified_client_data_cap,
        RemoveExpiredAllocations => remove_expired_allocations,
        RemoveExpiredAllocationsExported => remove_expired_allocations,
        ClaimAllocations => claim_allocations,
        GetClaims => get_claims,
        GetClaimsExported => get_claims,
        ExtendClaimTerms => extend_claim_terms,
        ExtendClaimTermsExported => extend_claim_terms,
        RemoveExpiredClaims => remove_expired_claims,
        RemoveExpiredClaimsExported => remove_expired_claims,
        UniversalReceiverHook => universal_receiver_hook,
    }
}

// The WASM entry point the FVM calls for every message to the verified registry.
fil_actors_runtime::wasm_trampoline!(Actor);
