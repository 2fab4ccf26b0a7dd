//! Escrow methods: `AddBalance` (anyone deposits for a client or a provider), `WithdrawBalance`
//! (a client for itself, a provider's owner or worker for the provider; funds go to the client or
//! the owner, and only what deals have not locked), and `GetBalance`.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, extract_send_result, ActorError};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::METHOD_SEND;

use super::escrow_address;
use crate::{
    Actor, AddBalanceParams, GetBalanceParams, GetBalanceReturn, State, WithdrawBalanceParams,
    WithdrawBalanceReturn,
};

impl Actor {
    /// Adds the value received to the escrow of a client or provider. The value must be
    /// positive; any caller may deposit for anyone.
    pub fn add_balance(rt: &impl Runtime, params: AddBalanceParams) -> Result<(), ActorError> {
        let value = rt.message().value_received();
        // v18 checks the value before the caller.
        if !value.is_positive() {
            return Err(actor_error!(illegal_argument;
                "balance to add must be greater than zero was: {}", value));
        }
        rt.validate_immediate_caller_accept_any()?;
        let escrow = escrow_address(rt, &params.provider_or_client)?;
        rt.transaction(|st: &mut State, rt| {
            st.add_balance_to_escrow_table(rt.store(), &escrow.nominal, &value)
        })
    }

    /// Withdraws up to `amount` of the participant's available escrow; returns what was sent.
    pub fn withdraw_balance(
        rt: &impl Runtime,
        params: WithdrawBalanceParams,
    ) -> Result<WithdrawBalanceReturn, ActorError> {
        if params.amount.is_negative() {
            return Err(actor_error!(illegal_argument; "negative amount: {}", params.amount));
        }
        let escrow = escrow_address(rt, &params.provider_or_client)?;
        rt.validate_immediate_caller_is(&escrow.approved)?;
        let amount_withdrawn = rt.transaction(|st: &mut State, rt| {
            st.withdraw_balance_from_escrow_table(rt.store(), &escrow.nominal, &params.amount)
        })?;
        extract_send_result(rt.send_simple(
            &escrow.recipient,
            METHOD_SEND,
            None,
            amount_withdrawn.clone(),
        ))?;
        Ok(WithdrawBalanceReturn { amount_withdrawn })
    }

    /// The escrow and locked amounts of an address (zero for one the market has never seen).
    pub fn get_balance(
        rt: &impl Runtime,
        params: GetBalanceParams,
    ) -> Result<GetBalanceReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let id = rt.resolve_address(&params.account).ok_or_else(
            || actor_error!(illegal_argument; "failed to resolve address {}", params.account),
        )?;
        let account = Address::new_id(id);
        let st: State = rt.state()?;
        let balance: TokenAmount = st.load_escrow_table(rt.store())?.get(&account)?;
        let locked = st.load_locked_table(rt.store())?.get(&account)?;
        Ok(GetBalanceReturn { balance, locked })
    }
}
