//! `resolve_to_actor_id`: turning a caller-supplied address into an actor ID the way v18's actors
//! do, creating the account behind a key address that has never received anything.

use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::{ActorID, METHOD_SEND};

use crate::runtime::Runtime;
use crate::{actor_error, extract_send_result, ActorContext, ActorError};

/// The ID behind `address`. An address the state tree does not know yet is sent zero value first:
/// for a key (f1, f3) or delegated (f4) address, the FVM creates its actor, which then resolves.
/// With `check_existence`, the ID must also have code (an ID address alone may name nothing).
///
/// Exit codes, as v18: the zero-value send's own failure; `USR_ILLEGAL_ARGUMENT` when the address
/// still does not resolve; `USR_NOT_FOUND` when an actor was required and there is none.
pub fn resolve_to_actor_id(
    rt: &impl Runtime,
    address: &Address,
    check_existence: bool,
) -> Result<ActorID, ActorError> {
    let id = match rt.resolve_address(address) {
        Some(id) => id,
        None => {
            extract_send_result(rt.send_simple(address, METHOD_SEND, None, TokenAmount::default()))
                .with_context(|| format!("failed to send zero value to address {}", address))?;
            rt.resolve_address(address).ok_or_else(|| {
                actor_error!(illegal_argument;
                    "failed to resolve or initialize address {}", address)
            })?
        }
    };
    if check_existence && rt.get_actor_code_cid(&id).is_none() {
        return Err(actor_error!(not_found; "no code for address {}", address));
    }
    Ok(id)
}
