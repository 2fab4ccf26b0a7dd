//! The root key and verifiers: construction, `AddVerifier` and `RemoveVerifier` (root key
//! only), and `AddVerifiedClient`, by which a verifier spends its allowance to mint datacap to
//! a client. Verifiers, clients and the root key are distinct: a client (an actor holding
//! datacap) cannot become a verifier, nor a verifier or the root key a client.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorContext, ActorError, SYSTEM_ACTOR_ADDR};
use fvm_shared::address::Address;
use num_traits::{Signed, Zero};

use super::datacap::{balance, mint};
use crate::{
    emit, Actor, AddVerifiedClientParams, AddVerifierParams, ConstructorParams, DataCap,
    RemoveVerifierParams, State,
};
use fil_actors_runtime::resolve_to_actor_id;

/// `USR_ILLEGAL_ARGUMENT` unless `allowance` is at least the smallest allocation.
fn check_allowance(rt: &impl Runtime, allowance: &DataCap, what: &str) -> Result<(), ActorError> {
    let minimum = &rt.policy().minimum_verified_allocation_size;
    if allowance < minimum {
        return Err(actor_error!(illegal_argument;
            "allowance {} for {} is below the minimum allocation size {}", allowance, what, minimum));
    }
    Ok(())
}

/// The caller, as an actor ID (the runtime always reports callers by ID).
fn caller_id(rt: &impl Runtime) -> Result<u64, ActorError> {
    let caller = rt.message().caller();
    caller
        .id()
        .map_err(|_| actor_error!(assertion_failed; "caller {} is not an ID address", caller))
}

impl Actor {
    /// The system actor, at genesis. The root key must resolve to an actor; it is stored as
    /// its ID address.
    pub fn constructor(rt: &impl Runtime, params: ConstructorParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let root = rt.resolve_address(&params.root_key).ok_or_else(
            || actor_error!(illegal_argument; "root key {} must resolve to an actor", params.root_key),
        )?;
        let st = State::new(rt.store(), Address::new_id(root))?;
        rt.create(&st)
    }

    /// The root key only. Makes an existing actor a verifier with `allowance`, replacing any
    /// allowance it had. The root key and actors holding datacap cannot be verifiers.
    pub fn add_verifier(rt: &impl Runtime, params: AddVerifierParams) -> Result<(), ActorError> {
        check_allowance(rt, &params.allowance, "a verifier")?;
        let verifier = resolve_to_actor_id(rt, &params.address, true)?;
        let verifier_addr = Address::new_id(verifier);
        let st: State = rt.state()?;
        rt.validate_immediate_caller_is(std::iter::once(&st.root_key))?;
        if verifier_addr == st.root_key {
            return Err(
                actor_error!(illegal_argument; "root key {} cannot be a verifier", verifier_addr),
            );
        }
        let held = balance(rt, &verifier_addr)?;
        if held.is_positive() {
            return Err(actor_error!(illegal_argument;
                "verified client {} (holding {} datacap) cannot become a verifier", verifier_addr, held));
        }
        rt.transaction(|st: &mut State, rt| {
            st.put_verifier(rt.store(), &verifier_addr, &params.allowance)
                .context("failed to add verifier")
        })?;
        emit::verifier_balance(rt, verifier, &params.allowance, None)
    }

    /// The root key only. Removes a verifier (`USR_ILLEGAL_ARGUMENT` if it is none); the
    /// clients it made keep their datacap.
    pub fn remove_verifier(
        rt: &impl Runtime,
        params: RemoveVerifierParams,
    ) -> Result<(), ActorError> {
        let verifier = resolve_to_actor_id(rt, &params.verifier, false)?;
        let verifier_addr = Address::new_id(verifier);
        rt.transaction(|st: &mut State, rt| {
            rt.validate_immediate_caller_is(std::iter::once(&st.root_key))?;
            st.remove_verifier(rt.store(), &verifier_addr)
                .context("failed to remove verifier")
        })?;
        emit::verifier_balance(rt, verifier, &DataCap::zero(), None)
    }

    /// A verifier (any caller; one that is no verifier is `USR_NOT_FOUND`). Spends `allowance`
    /// of the verifier's allowance to mint as much datacap to the client, with the market as
    /// its operator.
    pub fn add_verified_client(
        rt: &impl Runtime,
        params: AddVerifiedClientParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        check_allowance(rt, &params.allowance, "a verified client")?;
        let client = resolve_to_actor_id(rt, &params.address, true)?;
        let client_addr = Address::new_id(client);
        let verifier = caller_id(rt)?;
        let verifier_addr = Address::new_id(verifier);
        let remaining = rt.transaction(|st: &mut State, rt| {
            if client_addr == st.root_key {
                return Err(
                    actor_error!(illegal_argument; "root key {} cannot be a client", client_addr),
                );
            }
            let cap = st
                .get_verifier_cap(rt.store(), &verifier_addr)?
                .ok_or_else(
                    || actor_error!(not_found; "caller {} is not a verifier", verifier_addr),
                )?;
            if st.get_verifier_cap(rt.store(), &client_addr)?.is_some() {
                return Err(actor_error!(illegal_argument;
                    "verifier {} cannot be added as a verified client", client_addr));
            }
            if cap < params.allowance {
                return Err(actor_error!(illegal_argument;
                    "allowance {} for client {} exceeds verifier {}'s remaining {}",
                    params.allowance, client_addr, verifier_addr, cap));
            }
            let remaining = cap - &params.allowance;
            st.put_verifier(rt.store(), &verifier_addr, &remaining)
                .context("failed to update verifier allowance")?;
            Ok(remaining)
        })?;
        emit::verifier_balance(rt, verifier, &remaining, Some(client))?;
        mint(rt, &client_addr, &params.allowance)
    }
}
