//! Creating actors: `Exec` (any caller, for the types it may create) and `Exec4` (the EAM, for
//! actors with an f4 address in its namespace, FIP-0055).

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, extract_send_result, ActorContext, ActorError, Type, EAM_ACTOR_ADDR,
};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::{ActorID, METHOD_CONSTRUCTOR};

use crate::{Actor, Exec4Params, Exec4Return, ExecParams, ExecReturn, State};

impl Actor {
    /// Creates an actor of a built-in type the caller may create (see `can_exec`), allocates it
    /// an ID and a robust address, and runs its constructor with the value received.
    pub fn exec(rt: &impl Runtime, params: ExecParams) -> Result<ExecReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let caller_id = caller_id(rt)?;
        let caller_code = rt.get_actor_code_cid(&caller_id).ok_or_else(
            || actor_error!(illegal_state; "no code for caller {}", rt.message().caller()),
        )?;
        if !can_exec(rt, &caller_code, &params.code_cid) {
            return Err(actor_error!(forbidden;
                "caller {} with code {} cannot exec actor code {}",
                rt.message().caller(), caller_code, params.code_cid));
        }

        let robust_address = rt.new_actor_address()?;
        let (id, existing) = rt.transaction(|st: &mut State, rt| {
            st.map_addresses_to_id(rt.store(), &robust_address, None)
                .context("failed to allocate an actor ID")
        })?;
        if existing {
            // Unreachable without a delegated address; kept so a change elsewhere cannot make
            // Exec deploy over a live actor.
            return Err(actor_error!(forbidden; "cannot exec over existing actor {}", id));
        }

        rt.create_actor(params.code_cid, id, None)?;
        construct(rt, id, params.constructor_params)?;
        Ok(ExecReturn {
            id_address: Address::new_id(id),
            robust_address,
        })
    }

    /// Creates an actor whose delegated address is `f4{caller}{subaddress}`: only the EAM may
    /// call it. If that address already belongs to a placeholder (funds sent before deployment),
    /// the new actor takes the placeholder's ID.
    pub fn exec4(rt: &impl Runtime, params: Exec4Params) -> Result<Exec4Return, ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&EAM_ACTOR_ADDR))?;
        let namespace = caller_id(rt)?;
        let delegated_address = Address::new_delegated(namespace, params.subaddress.bytes())
            .map_err(|e| {
                actor_error!(illegal_argument;
                    "invalid delegated address in namespace {}: {}", namespace, e)
            })?;

        let robust_address = rt.new_actor_address()?;
        let (id, existing) = rt.transaction(|st: &mut State, rt| {
            st.map_addresses_to_id(rt.store(), &robust_address, Some(&delegated_address))
                .context("failed to map addresses to an actor ID")
        })?;
        if existing {
            // Deploying over an f4 address already in use is allowed only onto a placeholder,
            // and never onto an actor that has since been deleted.
            let code = rt.get_actor_code_cid(&id).ok_or_else(|| {
                actor_error!(forbidden; "cannot redeploy deleted actor {} at {}", id, delegated_address)
            })?;
            let placeholder = rt.get_code_cid_for_type(Type::Placeholder);
            if code != placeholder {
                return Err(actor_error!(forbidden;
                    "cannot replace existing non-placeholder actor {} with code {}", id, code));
            }
        }

        rt.create_actor(params.code_cid, id, Some(delegated_address))?;
        construct(rt, id, params.constructor_params)?;
        Ok(ExecReturn {
            id_address: Address::new_id(id),
            robust_address,
        })
    }
}

/// Whether a caller with code `caller` may create an actor with code `exec` through `Exec`:
/// anyone may create multisigs and payment channels, only the power actor may create miners,
/// and nothing else (in particular no non-built-in code) may be created this way.
fn can_exec(rt: &impl Runtime, caller: &Cid, exec: &Cid) -> bool {
    match rt.resolve_builtin_actor_type(exec) {
        Some(Type::Multisig) | Some(Type::PaymentChannel) => true,
        Some(Type::Miner) => rt.resolve_builtin_actor_type(caller) == Some(Type::Power),
        _ => false,
    }
}

/// The immediate caller's ID. The FVM always reports the caller as an ID address.
fn caller_id(rt: &impl Runtime) -> Result<ActorID, ActorError> {
    let caller = rt.message().caller();
    caller
        .id()
        .map_err(|_| actor_error!(assertion_failed; "caller {} is not an ID address", caller))
}

/// Runs the new actor's constructor with the value this call received; a failing constructor
/// aborts the whole call with its exit code.
fn construct(rt: &impl Runtime, id: ActorID, params: RawBytes) -> Result<(), ActorError> {
    extract_send_result(rt.send_simple(
        &Address::new_id(id),
        METHOD_CONSTRUCTOR,
        params.into(),
        rt.message().value_received(),
    ))
    .with_context(|| format!("constructor of actor {} failed", id))?;
    Ok(())
}
