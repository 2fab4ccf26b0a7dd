//! Invariant checks over the verified registry's state, for tests and the cross-actor state
//! checks: verifiers are ID addresses with non-negative allowances; every allocation and claim
//! is stored under its own client or provider, has an ID below the next allocation ID, and
//! stays within the policy's bounds; removal-proposal keys are pairs of ID addresses.
//!
//! What spans actors (allocations add up to the registry's datacap balance; each claim is
//! backed by a sector of its provider) is checked by the caller with the summary returned.

use std::collections::HashMap;

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::clock::ChainEpoch;
use num_traits::Signed;

use crate::{Allocation, AllocationID, Claim, ClaimID, DataCap, State};

/// What the registry's state says, for checks that span actors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateSummary {
    pub verifiers: HashMap<Address, DataCap>,
    pub allocations: HashMap<AllocationID, Allocation>,
    pub claims: HashMap<ClaimID, Claim>,
}

/// Checks the registry's invariants at `prior_epoch` (the epoch of the last message applied);
/// every violation is recorded, none stops the check.
pub fn check_state_invariants<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    prior_epoch: ChainEpoch,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    acc.require(
        state.root_key.protocol() == Protocol::ID,
        format!("root key {} is not an ID address", state.root_key),
    );
    acc.require(
        state.next_allocation_id >= 1,
        format!(
            "next allocation ID {} is the reserved 0",
            state.next_allocation_id
        ),
    );
    let summary = StateSummary {
        verifiers: check_verifiers(state, store, &acc),
        allocations: check_allocations(policy, state, store, prior_epoch, &acc),
        claims: check_claims(policy, state, store, prior_epoch, &acc),
    };
    check_proposal_ids(state, store, &acc);
    (summary, acc)
}

fn check_verifiers<BS: Blockstore>(
    state: &State,
    store: &BS,
    acc: &MessageAccumulator,
) -> HashMap<Address, DataCap> {
    let mut verifiers = HashMap::new();
    let walk = state.load_verifiers(store).and_then(|map| {
        map.for_each(|verifier, cap| {
            acc.require(
                verifier.protocol() == Protocol::ID,
                format!("verifier {} is not an ID address", verifier),
            );
            acc.require(
                !cap.0.is_negative(),
                format!("verifier {} has negative allowance {}", verifier, cap.0),
            );
            acc.require(
                verifier != state.root_key,
                format!("root key {} is a verifier", verifier),
            );
            verifiers.insert(verifier, cap.0.clone());
            Ok(())
        })
    });
    acc.require_no_error(walk, "failed to walk verifiers");
    verifiers
}

fn check_allocations<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    prior_epoch: ChainEpoch,
    acc: &MessageAccumulator,
) -> HashMap<AllocationID, Allocation> {
    let mut allocations = HashMap::new();
    let walk = state.load_allocs(store).and_then(|allocs| {
        allocs.for_each(|client, id, alloc| {
            let acc = acc.with_prefix(format!("allocation {}: ", id));
            acc.require(
                id < state.next_allocation_id,
                format!("ID is not below next {}", state.next_allocation_id),
            );
            acc.require(
                alloc.client == client,
                format!("client {} is not its key {}", alloc.client, client),
            );
            acc.require(
                DataCap::from(alloc.size.0) >= policy.minimum_verified_allocation_size,
                format!("size {} below minimum", alloc.size.0),
            );
            acc.require(
                alloc.term_min >= policy.minimum_verified_allocation_term,
                format!("term min {} below minimum", alloc.term_min),
            );
            acc.require(
                alloc.term_max <= policy.maximum_verified_allocation_term,
                format!("term max {} above maximum", alloc.term_max),
            );
            acc.require(
                alloc.term_min <= alloc.term_max,
                format!(
                    "term min {} exceeds term max {}",
                    alloc.term_min, alloc.term_max
                ),
            );
            acc.require(
                alloc.expiration <= prior_epoch + policy.maximum_verified_allocation_expiration,
                format!(
                    "expiration {} too far from {}",
                    alloc.expiration, prior_epoch
                ),
            );
            acc.require(
                allocations.insert(id, alloc.clone()).is_none(),
                "ID used twice",
            );
            Ok(())
        })
    });
    acc.require_no_error(walk, "failed to walk allocations");
    allocations
}

fn check_claims<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    prior_epoch: ChainEpoch,
    acc: &MessageAccumulator,
) -> HashMap<ClaimID, Claim> {
    let mut claims = HashMap::new();
    let walk = state.load_claims(store).and_then(|stored| {
        stored.for_each(|provider, id, claim| {
            let acc = acc.with_prefix(format!("claim {}: ", id));
            acc.require(
                id < state.next_allocation_id,
                format!("ID is not below next {}", state.next_allocation_id),
            );
            acc.require(
                claim.provider == provider,
                format!("provider {} is not its key {}", claim.provider, provider),
            );
            acc.require(
                DataCap::from(claim.size.0) >= policy.minimum_verified_allocation_size,
                format!("size {} below minimum", claim.size.0),
            );
            acc.require(
                claim.term_min >= policy.minimum_verified_allocation_term,
                format!("term min {} below minimum", claim.term_min),
            );
            // No upper bound on term max: new datacap can extend a claim without limit.
            acc.require(
                claim.term_min <= claim.term_max,
                format!(
                    "term min {} exceeds term max {}",
                    claim.term_min, claim.term_max
                ),
            );
            acc.require(
                claim.term_start <= prior_epoch,
                format!("term start {} after {}", claim.term_start, prior_epoch),
            );
            acc.require(claims.insert(id, claim.clone()).is_none(), "ID used twice");
            Ok(())
        })
    });
    acc.require_no_error(walk, "failed to walk claims");
    claims
}

fn check_proposal_ids<BS: Blockstore>(state: &State, store: &BS, acc: &MessageAccumulator) {
    let walk = state.load_proposal_ids(store).and_then(|ids| {
        ids.for_each(|key, _| {
            acc.require(
                key.client.protocol() == Protocol::ID,
                format!(
                    "removal proposal key has client {} that is not an ID address",
                    key.client
                ),
            );
            Ok(())
        })
    });
    acc.require_no_error(walk, "failed to walk removal proposal IDs");
}
