//! `Transfer` and `TransferFrom`, with v18's restriction of datacap to the governor's flows:
//! a client spends datacap by transferring it to the verified registry (with allocation
//! requests in the operator data), and the registry returns it from expired allocations.
//! Every other transfer is `USR_FORBIDDEN`.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorContext, ActorError};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;

use crate::token_runtime::{with_token, PendingHook};
use crate::{Actor, State, TransferFromParams, TransferFromReturn, TransferParams, TransferReturn};

/// The ID address `to` resolves to; an address of no actor is `USR_ILLEGAL_ARGUMENT`.
fn resolve_recipient(rt: &impl Runtime, to: &Address) -> Result<Address, ActorError> {
    rt.resolve_address(to)
        .map(Address::new_id)
        .ok_or_else(|| actor_error!(illegal_argument; "recipient {} must resolve to an actor", to))
}

impl Actor {
    /// Any caller, moving its own datacap; allowed only when the caller or the recipient is the
    /// governor. The recipient's receiver hook runs after the balances change; an abort there
    /// undoes the transfer.
    pub fn transfer(
        rt: &impl Runtime,
        params: TransferParams,
    ) -> Result<TransferReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let from = rt.message().caller();
        let to = resolve_recipient(rt, &params.to)?;
        let pending = rt
            .transaction(|st: &mut State, rt| {
                if to != st.governor && from != st.governor {
                    return Err(actor_error!(forbidden;
                        "transfer not allowed from {} to {} (governor is {})", from, to, st.governor));
                }
                with_token(rt, st, |token| {
                    Ok(PendingHook::new(token.transfer(
                        &from,
                        &to,
                        &params.amount,
                        params.operator_data.clone(),
                        RawBytes::default(),
                    )?))
                })
            })
            .context("state transaction failed")?;
        let transferred = pending.call(rt)?;
        let mut st: State = rt.state()?;
        with_token(rt, &mut st, |token| token.transfer_return(transferred))
    }

    /// Any caller, moving `from`'s datacap under an allowance `from` gave it; allowed only when
    /// the recipient is the governor.
    pub fn transfer_from(
        rt: &impl Runtime,
        params: TransferFromParams,
    ) -> Result<TransferFromReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let operator = rt.message().caller();
        let to = resolve_recipient(rt, &params.to)?;
        let pending = rt
            .transaction(|st: &mut State, rt| {
                if to != st.governor {
                    return Err(actor_error!(forbidden;
                        "transfer not allowed from {} to {} (governor is {})",
                        params.from, to, st.governor));
                }
                with_token(rt, st, |token| {
                    Ok(PendingHook::new(token.transfer_from(
                        &operator,
                        &params.from,
                        &to,
                        &params.amount,
                        params.operator_data.clone(),
                        RawBytes::default(),
                    )?))
                })
            })
            .context("state transaction failed")?;
        let transferred = pending.call(rt)?;
        let mut st: State = rt.state()?;
        with_token(rt, &mut st, |token| token.transfer_from_return(transferred))
    }
}
