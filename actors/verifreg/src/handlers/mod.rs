//! The verified registry's method handlers, by topic: the root key and verifiers (construction,
//! verifiers, verified clients), datacap removal on two verifiers' word, allocations (made by a
//! datacap transfer, removed when expired), and claims (made by miners, read, extended,
//! removed when expired). Calls to the datacap token are in `datacap.rs`.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, extract_send_result, ActorContext, ActorError};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::{ActorID, METHOD_SEND};
use num_traits::Zero;

mod allocations;
mod claims;
mod datacap;
mod removal;
mod verifiers;

/// The ID of the actor at `address`. An address of no actor yet (a key address that never
/// received anything) is first given an account, by sending it nothing, as v18 does. With
/// `check_existence`, the ID must also have code (an ID address of no actor is `USR_NOT_FOUND`).
pub(crate) fn resolve_to_actor_id(
    rt: &impl Runtime,
    address: &Address,
    check_existence: bool,
) -> Result<ActorID, ActorError> {
    let id = match rt.resolve_address(address) {
        Some(id) => Some(id),
        None => {
            extract_send_result(rt.send_simple(address, METHOD_SEND, None, TokenAmount::zero()))
                .with_context(|| format!("failed to send zero balance to address {}", address))?;
            rt.resolve_address(address)
        }
    };
    let id = id.ok_or_else(
        || actor_error!(illegal_argument; "failed to resolve or initialize address {}", address),
    )?;
    if check_existence && rt.get_actor_code_cid(&id).is_none() {
        return Err(actor_error!(not_found; "no code for address {}", address));
    }
    Ok(id)
}
