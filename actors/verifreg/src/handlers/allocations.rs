//! Allocations: made when a client transfers datacap to the registry (the FRC-46 receiver hook,
//! whose operator data carries allocation requests and claim extension requests), and removed
//! once expired by `RemoveExpiredAllocations`, which returns their datacap to the client.
//!
//! The datacap of a new allocation stays with the registry until the allocation is claimed
//! (then burnt) or removed (then returned). The datacap paying for a claim extension is burnt
//! at once.

use fil_actors_runtime::runtime::{Policy, Runtime};
use fil_actors_runtime::{
    actor_error, ActorContext, ActorError, AsActorError, BatchReturn, Type,
    DATACAP_TOKEN_ACTOR_ADDR,
};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use num_traits::Zero;

use super::datacap::{burn, tokens_to_datacap, transfer};
use crate::ext::datacap::{FRC46TokenReceived, UniversalReceiverParams, FRC46_TOKEN_TYPE};
use crate::{
    emit, expiration, Actor, Allocation, AllocationID, AllocationRequest, AllocationRequests,
    AllocationsResponse, Claim, ClaimExtensionRequest, ClaimID, DataCap,
    RemoveExpiredAllocationsParams, RemoveExpiredAllocationsReturn, State,
};

impl Actor {
    /// The datacap token only, when datacap is transferred to the registry. The sender is the
    /// client. Every request must be valid and the amount received must equal the new
    /// allocations' sizes plus the extended claims' sizes exactly, or the transfer is refused
    /// (partial success is not supported, though the response has room for it).
    pub fn universal_receiver_hook(
        rt: &impl Runtime,
        params: UniversalReceiverParams,
    ) -> Result<AllocationsResponse, ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&DATACAP_TOKEN_ACTOR_ADDR))?;
        let receiver = rt.message().receiver();
        let my_id = receiver.id().map_err(
            |_| actor_error!(assertion_failed; "receiver {} is not an ID address", receiver),
        )?;
        let curr_epoch = rt.curr_epoch();
        let received = tokens_received(&params, my_id)?;
        let client = received.from;
        let requests: AllocationRequests = received.operator_data.deserialize().map_err(
            |e| actor_error!(serialization; "failed to decode allocation requests: {}", e),
        )?;

        let mut datacap_total = DataCap::zero();
        let mut new_allocs = Vec::with_capacity(requests.allocations.len());
        for req in &requests.allocations {
            validate_new_allocation(req, rt.policy(), curr_epoch)?;
            // A provider that is no miner could never claim: refuse rather than lock datacap.
            check_miner_id(rt, req.provider)?;
            new_allocs.push(Allocation {
                client,
                provider: req.provider,
                data: req.data,
                size: req.size,
                term_min: req.term_min,
                term_max: req.term_max,
                expiration: req.expiration,
            });
            datacap_total += DataCap::from(req.size.0);
        }

        let st: State = rt.state()?;
        let mut claims = st.load_claims(rt.store())?;
        let mut updated_claims = Vec::<(ClaimID, Claim)>::with_capacity(requests.extensions.len());
        let mut extension_total = DataCap::zero();
        for req in &requests.extensions {
            // Any client may pay to extend any claim; the claim keeps its original client.
            let claim = claims
                .get(req.provider, req.claim)?
                .with_context_code(ExitCode::USR_NOT_FOUND, || {
                    format!("no claim {} for provider {}", req.claim, req.provider)
                })?;
            validate_claim_extension(req, claim, rt.policy(), curr_epoch)?;
            updated_claims.push((
                req.claim,
                Claim {
                    term_max: req.term_max,
                    ..claim.clone()
                },
            ));
            datacap_total += DataCap::from(claim.size.0);
            extension_total += DataCap::from(claim.size.0);
        }

        // No change is given: the amount must match exactly.
        let received_datacap = tokens_to_datacap(&received.amount);
        if datacap_total != received_datacap {
            return Err(actor_error!(illegal_argument;
                "total allocation size {} must match data cap amount received {}",
                datacap_total, received_datacap));
        }

        burn(rt, &extension_total)?;

        let allocation_results = BatchReturn::ok(new_allocs.len() as u32);
        let extension_results = BatchReturn::ok(updated_claims.len() as u32);
        let ids = rt.transaction(|st: &mut State, rt| {
            let ids = st.insert_allocations(rt.store(), client, new_allocs.clone())?;
            st.put_claims(rt.store(), &updated_claims)?;
            Ok(ids)
        })?;
        for (id, alloc) in ids.iter().zip(&new_allocs) {
            emit::allocation(rt, *id, alloc)?;
        }
        for (id, claim) in &updated_claims {
            emit::claim_updated(rt, *id, claim)?;
        }
        Ok(AllocationsResponse {
            allocation_results,
            extension_results,
            new_allocations: ids,
        })
    }

    /// Any caller. Removes the client's allocations that have expired (those named, or all of
    /// them when none are named) and transfers their datacap back to the client. A named
    /// allocation that is not expired fails with `USR_FORBIDDEN`, one the client does not have
    /// with `USR_NOT_FOUND`; neither fails the call.
    pub fn remove_expired_allocations(
        rt: &impl Runtime,
        params: RemoveExpiredAllocationsParams,
    ) -> Result<RemoveExpiredAllocationsReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let curr_epoch = rt.curr_epoch();
        let (considered, results, removed) = rt
            .transaction(|st: &mut State, rt| {
                let mut allocs = st.load_allocs(rt.store())?;
                let (considered, results) = if params.allocation_ids.is_empty() {
                    let found = expiration::find_expired(&mut allocs, params.client, curr_epoch)?;
                    let results = BatchReturn::ok(found.len() as u32);
                    (found, results)
                } else {
                    let results = expiration::check_expired(
                        &mut allocs,
                        &params.allocation_ids,
                        params.client,
                        curr_epoch,
                    )?;
                    (params.allocation_ids.clone(), results)
                };
                let mut removed = Vec::<(AllocationID, Allocation)>::new();
                for id in results.successes(&considered) {
                    let alloc = allocs.remove(params.client, *id)?.ok_or_else(|| {
                        actor_error!(assertion_failed;
                            "allocation {} of client {} named twice", id, params.client)
                    })?;
                    removed.push((*id, alloc));
                }
                st.save_allocs(&mut allocs)?;
                Ok((considered, results, removed))
            })
            .context("state transaction failed")?;

        let mut recovered = DataCap::zero();
        for (id, alloc) in &removed {
            emit::allocation_removed(rt, *id, alloc)?;
            recovered += DataCap::from(alloc.size.0);
        }
        transfer(rt, params.client, &recovered).with_context(|| {
            format!(
                "failed to return recovered datacap {} to client {}",
                recovered, params.client
            )
        })?;
        Ok(RemoveExpiredAllocationsReturn {
            considered,
            results,
            datacap_recovered: recovered,
        })
    }
}

/// The FRC-46 payload of the hook, which must be a token transfer to this actor.
fn tokens_received(
    params: &UniversalReceiverParams,
    my_id: ActorID,
) -> Result<FRC46TokenReceived, ActorError> {
    if params.type_ != FRC46_TOKEN_TYPE {
        return Err(actor_error!(illegal_argument;
            "invalid token type {}, expected {} (FRC-46)", params.type_, FRC46_TOKEN_TYPE));
    }
    let payload: FRC46TokenReceived = params.payload.deserialize().map_err(
        |e| actor_error!(serialization; "failed to decode receiver hook payload: {}", e),
    )?;
    if payload.to != my_id {
        return Err(actor_error!(illegal_argument;
            "token receiver expected to be {}, was {}", my_id, payload.to));
    }
    Ok(payload)
}

/// An allocation request within the policy's bounds: size at least the minimum, term minimum
/// at least the policy's, term maximum at most the policy's and not below the term minimum,
/// expiration not in the past and at most the policy's maximum from now.
fn validate_new_allocation(
    req: &AllocationRequest,
    policy: &Policy,
    curr_epoch: ChainEpoch,
) -> Result<(), ActorError> {
    if DataCap::from(req.size.0) < policy.minimum_verified_allocation_size {
        return Err(actor_error!(illegal_argument;
            "allocation size {} below minimum {}", req.size.0, policy.minimum_verified_allocation_size));
    }
    if req.term_min < policy.minimum_verified_allocation_term {
        return Err(actor_error!(illegal_argument;
            "allocation term min {} below limit {}", req.term_min, policy.minimum_verified_allocation_term));
    }
    if req.term_max > policy.maximum_verified_allocation_term {
        return Err(actor_error!(illegal_argument;
            "allocation term max {} above limit {}", req.term_max, policy.maximum_verified_allocation_term));
    }
    if req.term_min > req.term_max {
        return Err(actor_error!(illegal_argument;
            "allocation term min {} exceeds term max {}", req.term_min, req.term_max));
    }
    if req.expiration < curr_epoch {
        return Err(actor_error!(illegal_argument;
            "allocation expiration epoch {} has passed current epoch {}", req.expiration, curr_epoch));
    }
    let max_expiration = curr_epoch + policy.maximum_verified_allocation_expiration;
    if req.expiration > max_expiration {
        return Err(actor_error!(illegal_argument;
            "allocation expiration {} exceeds maximum {}", req.expiration, max_expiration));
    }
    Ok(())
}

/// A claim extension: the new maximum term may reach at most the policy's maximum term from
/// now, must exceed the current one, and the claim must not have expired (an expired claim
/// cannot be revived with new datacap).
fn validate_claim_extension(
    req: &ClaimExtensionRequest,
    claim: &Claim,
    policy: &Policy,
    curr_epoch: ChainEpoch,
) -> Result<(), ActorError> {
    let term_limit = curr_epoch + policy.maximum_verified_allocation_term - claim.term_start;
    if req.term_max > term_limit {
        return Err(actor_error!(illegal_argument;
            "term_max {} for claim {} exceeds maximum {} at current epoch {}",
            req.term_max, req.claim, term_limit, curr_epoch));
    }
    if req.term_max <= claim.term_max {
        return Err(actor_error!(illegal_argument;
            "term_max {} for claim {} is not larger than existing term max {}",
            req.term_max, req.claim, claim.term_max));
    }
    let claim_expiration = claim.term_start + claim.term_max;
    if curr_epoch > claim_expiration {
        return Err(actor_error!(forbidden;
            "claim {} expired at {}, current epoch {}", req.claim, claim_expiration, curr_epoch));
    }
    Ok(())
}

/// `USR_ILLEGAL_ARGUMENT` unless `id` is a miner actor.
fn check_miner_id(rt: &impl Runtime, id: ActorID) -> Result<(), ActorError> {
    let code = rt
        .get_actor_code_cid(&id)
        .with_context_code(ExitCode::USR_ILLEGAL_ARGUMENT, || {
            format!("no code CID for provider {}", id)
        })?;
    match rt.resolve_builtin_actor_type(&code) {
        Some(Type::Miner) => Ok(()),
        other => Err(actor_error!(illegal_argument;
            "allocation provider {} must be a miner actor, was {:?}", id, other)),
    }
}
