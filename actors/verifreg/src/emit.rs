//! The verified registry's FIP-0083 events, each built with the runtime's `EventBuilder`:
//! `verifier-balance`, `allocation`, `allocation-removed`, `claim`, `claim-updated` and
//! `claim-removed`.
//!
//! v18 adds one entry beyond FIP-0083's table: a `verifier-balance` caused by adding a verified
//! client ends with `client` (the client's actor ID, indexed by key and value).

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorError, EventBuilder};
use fvm_shared::bigint::bigint_ser::BigIntSer;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::ActorID;

use crate::{Allocation, AllocationID, Claim, ClaimID, DataCap};

/// A verifier's allowance is now `balance` (in bytes): after it was added, after it made a
/// client (`client` names it), or, as zero, after it was removed.
pub fn verifier_balance(
    rt: &impl Runtime,
    verifier: ActorID,
    balance: &DataCap,
    client: Option<ActorID>,
) -> Result<(), ActorError> {
    let event = EventBuilder::new("verifier-balance")
        .field_indexed("verifier", &verifier)
        .field("balance", &BigIntSer(balance));
    let event = match client {
        Some(client) => event.field_indexed("client", &client),
        None => event,
    };
    rt.emit_event(&event.build()?)
}

/// A new allocation was made.
pub fn allocation(
    rt: &impl Runtime,
    id: AllocationID,
    alloc: &Allocation,
) -> Result<(), ActorError> {
    emit_allocation(rt, "allocation", id, alloc)
}

/// An expired allocation was removed (its datacap returned to the client).
pub fn allocation_removed(
    rt: &impl Runtime,
    id: AllocationID,
    alloc: &Allocation,
) -> Result<(), ActorError> {
    emit_allocation(rt, "allocation-removed", id, alloc)
}

/// An allocation was claimed.
pub fn claim(rt: &impl Runtime, id: ClaimID, claim: &Claim) -> Result<(), ActorError> {
    emit_claim(rt, "claim", id, claim)
}

/// A claim's maximum term was extended (by its client, or with new datacap).
pub fn claim_updated(rt: &impl Runtime, id: ClaimID, claim: &Claim) -> Result<(), ActorError> {
    emit_claim(rt, "claim-updated", id, claim)
}

/// An expired claim was removed.
pub fn claim_removed(rt: &impl Runtime, id: ClaimID, claim: &Claim) -> Result<(), ActorError> {
    emit_claim(rt, "claim-removed", id, claim)
}

fn emit_allocation(
    rt: &impl Runtime,
    event_type: &str,
    id: AllocationID,
    alloc: &Allocation,
) -> Result<(), ActorError> {
    let event = with_piece_and_term(
        EventBuilder::new(event_type),
        id,
        alloc.client,
        alloc.provider,
        &alloc.data,
        alloc.size.0,
        alloc.term_min,
        alloc.term_max,
    )
    .field("expiration", &alloc.expiration);
    rt.emit_event(&event.build()?)
}

fn emit_claim(
    rt: &impl Runtime,
    event_type: &str,
    id: ClaimID,
    claim: &Claim,
) -> Result<(), ActorError> {
    let event = with_piece_and_term(
        EventBuilder::new(event_type),
        id,
        claim.client,
        claim.provider,
        &claim.data,
        claim.size.0,
        claim.term_min,
        claim.term_max,
    )
    .field("term-start", &claim.term_start)
    .field_indexed("sector", &claim.sector);
    rt.emit_event(&event.build()?)
}

/// The entries allocations and claims share: who (`id`, `client`, `provider`, indexed by key and
/// value), what (`piece-cid` indexed by both, `piece-size` by key) and for how long (`term-min`,
/// `term-max`, by key).
#[allow(clippy::too_many_arguments)]
fn with_piece_and_term(
    event: EventBuilder,
    id: u64,
    client: ActorID,
    provider: ActorID,
    piece_cid: &Cid,
    piece_size: u64,
    term_min: ChainEpoch,
    term_max: ChainEpoch,
) -> EventBuilder {
    event
        .field_indexed("id", &id)
        .field_indexed("client", &client)
        .field_indexed("provider", &provider)
        .field_indexed("piece-cid", piece_cid)
        .field("piece-size", &piece_size)
        .field("term-min", &term_min)
        .field("term-max", &term_max)
}
