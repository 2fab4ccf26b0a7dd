//! Claims: made when a miner claims allocations for the sectors that hold their pieces
//! (`ClaimAllocations`, which burns the claimed datacap), read with `GetClaims`, extended by
//! their client with `ExtendClaimTerms` (up to the policy's maximum term, with no new datacap),
//! and removed once expired by `RemoveExpiredClaims`.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorContext, ActorError, BatchReturnGen, Type};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use num_traits::Zero;

use super::datacap::burn;
use crate::{
    emit, expiration, Actor, Allocation, AllocationClaim, Claim, ClaimAllocationsParams,
    ClaimAllocationsReturn, ClaimID, DataCap, ExtendClaimTermsParams, ExtendClaimTermsReturn,
    GetClaimsParams, GetClaimsReturn, RemoveExpiredClaimsParams, RemoveExpiredClaimsReturn,
    SectorClaimSummary, State,
};

/// The caller, as an actor ID (the runtime always reports callers by ID).
fn caller_id(rt: &impl Runtime) -> Result<ActorID, ActorError> {
    let caller = rt.message().caller();
    caller
        .id()
        .map_err(|_| actor_error!(assertion_failed; "caller {} is not an ID address", caller))
}

impl Actor {
    /// Miners only. Claims allocations sector by sector: every allocation of a sector must be
    /// for this provider, client, piece and size, unexpired, and the sector's remaining life
    /// must lie within the allocation's term range; otherwise the whole sector fails
    /// (`USR_NOT_FOUND` for a missing allocation, `USR_FORBIDDEN` for a mismatch) and the others
    /// go on, unless `all_or_nothing`, when any failure aborts with `USR_ILLEGAL_ARGUMENT`. The
    /// claimed datacap is burnt from the registry's balance.
    pub fn claim_allocations(
        rt: &impl Runtime,
        params: ClaimAllocationsParams,
    ) -> Result<ClaimAllocationsReturn, ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::Miner))?;
        let provider = caller_id(rt)?;
        if params.sectors.is_empty() {
            return Err(actor_error!(illegal_argument; "claim allocations called with no claims"));
        }
        let curr_epoch = rt.curr_epoch();
        let (sector_results, sector_claims, new_claims) = rt
            .transaction(|st: &mut State, rt| {
                let mut claims = st.load_claims(rt.store())?;
                let mut allocs = st.load_allocs(rt.store())?;
                let mut results = BatchReturnGen::new(params.sectors.len());
                let mut sector_claims = Vec::new();
                let mut new_claims = Vec::<(ClaimID, Claim)>::new();
                'sectors: for sector in &params.sectors {
                    // Check every allocation of the sector before changing anything.
                    let mut sector_new = Vec::with_capacity(sector.claims.len());
                    for claim in &sector.claims {
                        let Some(alloc) = allocs.get(claim.client, claim.allocation_id)? else {
                            results.add_fail(ExitCode::USR_NOT_FOUND);
                            continue 'sectors;
                        };
                        if !can_claim(claim, provider, alloc, curr_epoch, sector.expiry) {
                            results.add_fail(ExitCode::USR_FORBIDDEN);
                            continue 'sectors;
                        }
                        sector_new.push((
                            claim.allocation_id,
                            Claim {
                                provider,
                                client: alloc.client,
                                data: alloc.data,
                                size: alloc.size,
                                term_min: alloc.term_min,
                                term_max: alloc.term_max,
                                term_start: curr_epoch,
                                sector: sector.sector,
                            },
                        ));
                    }
                    let mut claimed_space = DataCap::zero();
                    for (id, claim) in sector_new {
                        if !claims.put_if_absent(provider, id, claim.clone())? {
                            return Err(
                                actor_error!(illegal_argument; "claim {} already exists", id),
                            );
                        }
                        allocs.remove(claim.client, id)?;
                        claimed_space += DataCap::from(claim.size.0);
                        new_claims.push((id, claim));
                    }
                    sector_claims.push(SectorClaimSummary { claimed_space });
                    results.add_success();
                }
                let results = results.generate();
                if params.all_or_nothing && !results.all_ok() {
                    return Err(actor_error!(illegal_argument;
                        "claim failed with all-or-nothing: {:?}", results.fail_codes));
                }
                st.save_allocs(&mut allocs)?;
                st.save_claims(&mut claims)?;
                Ok((results, sector_claims, new_claims))
            })
            .context("state transaction failed")?;

        let mut total_claimed = DataCap::zero();
        for (id, claim) in &new_claims {
            emit::claim(rt, *id, claim)?;
            total_claimed += DataCap::from(claim.size.0);
        }
        burn(rt, &total_claimed)?;
        Ok(ClaimAllocationsReturn {
            sector_results,
            sector_claims,
        })
    }

    /// Any caller. The provider's claims with the given IDs; a missing one fails with
    /// `USR_NOT_FOUND` and is left out of `claims`.
    pub fn get_claims(
        rt: &impl Runtime,
        params: GetClaimsParams,
    ) -> Result<GetClaimsReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        let mut stored = st.load_claims(rt.store())?;
        let mut batch = BatchReturnGen::new(params.claim_ids.len());
        let mut claims = Vec::new();
        for id in &params.claim_ids {
            match stored.get(params.provider, *id)? {
                Some(claim) => {
                    batch.add_success();
                    claims.push(claim.clone());
                }
                None => {
                    batch.add_fail(ExitCode::USR_NOT_FOUND);
                }
            }
        }
        Ok(GetClaimsReturn {
            batch_info: batch.generate(),
            claims,
        })
    }

    /// A claim's client (any caller; per claim, another caller fails with `USR_FORBIDDEN`).
    /// Raises each claim's maximum term up to the policy's maximum term, even for an expired
    /// claim; lowering it, or going past the policy's maximum, fails with
    /// `USR_ILLEGAL_ARGUMENT`; a missing claim with `USR_NOT_FOUND`.
    pub fn extend_claim_terms(
        rt: &impl Runtime,
        params: ExtendClaimTermsParams,
    ) -> Result<ExtendClaimTermsReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let caller = caller_id(rt)?;
        let term_limit = rt.policy().maximum_verified_allocation_term;
        let (results, updated) = rt
            .transaction(|st: &mut State, rt| {
                let mut claims = st.load_claims(rt.store())?;
                let mut results = BatchReturnGen::new(params.terms.len());
                let mut updated = Vec::<(ClaimID, Claim)>::new();
                for term in &params.terms {
                    if term.term_max > term_limit {
                        results.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
                        continue;
                    }
                    let Some(claim) = claims.get(term.provider, term.claim_id)? else {
                        results.add_fail(ExitCode::USR_NOT_FOUND);
                        continue;
                    };
                    if claim.client != caller {
                        results.add_fail(ExitCode::USR_FORBIDDEN);
                        continue;
                    }
                    if term.term_max < claim.term_max {
                        results.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
                        continue;
                    }
                    let extended = Claim {
                        term_max: term.term_max,
                        ..claim.clone()
                    };
                    claims.put(term.provider, term.claim_id, extended.clone())?;
                    updated.push((term.claim_id, extended));
                    results.add_success();
                }
                st.save_claims(&mut claims)?;
                Ok((results.generate(), updated))
            })
            .context("state transaction failed")?;
        for (id, claim) in &updated {
            emit::claim_updated(rt, *id, claim)?;
        }
        Ok(results)
    }

    /// Any caller. Removes the provider's claims that have expired (those named, or all of them
    /// when none are named); a named claim not yet expired fails with `USR_FORBIDDEN`, one the
    /// provider does not have with `USR_NOT_FOUND`.
    pub fn remove_expired_claims(
        rt: &impl Runtime,
        params: RemoveExpiredClaimsParams,
    ) -> Result<RemoveExpiredClaimsReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let curr_epoch = rt.curr_epoch();
        let (considered, results, removed) = rt
            .transaction(|st: &mut State, rt| {
                let mut claims = st.load_claims(rt.store())?;
                let (considered, results) = if params.claim_ids.is_empty() {
                    let found = expiration::find_expired(&mut claims, params.provider, curr_epoch)?;
                    let results = fil_actors_runtime::BatchReturn::ok(found.len() as u32);
                    (found, results)
                } else {
                    let results = expiration::check_expired(
                        &mut claims,
                        &params.claim_ids,
                        params.provider,
                        curr_epoch,
                    )?;
                    (params.claim_ids.clone(), results)
                };
                let mut removed = Vec::<(ClaimID, Claim)>::new();
                for id in results.successes(&considered) {
                    let claim = claims.remove(params.provider, *id)?.ok_or_else(|| {
                        actor_error!(assertion_failed;
                            "claim {} of provider {} named twice", id, params.provider)
                    })?;
                    removed.push((*id, claim));
                }
                st.save_claims(&mut claims)?;
                Ok((considered, results, removed))
            })
            .context("state transaction failed")?;
        for (id, claim) in &removed {
            emit::claim_removed(rt, *id, claim)?;
        }
        Ok(RemoveExpiredClaimsReturn {
            considered,
            results,
        })
    }
}

/// Whether `claim` may claim `alloc` for a sector expiring at `sector_expiry`.
fn can_claim(
    claim: &AllocationClaim,
    provider: ActorID,
    alloc: &Allocation,
    curr_epoch: ChainEpoch,
    sector_expiry: ChainEpoch,
) -> bool {
    let sector_lifetime = sector_expiry.saturating_sub(curr_epoch);
    provider == alloc.provider
        && claim.client == alloc.client
        && claim.data == alloc.data
        && claim.size == alloc.size
        && curr_epoch <= alloc.expiration
        && sector_lifetime >= alloc.term_min
        && sector_lifetime <= alloc.term_max
}
