//! Allowances, FRC-46 as the library implements them: the caller is always the owner that
//! raises, lowers or revokes what an operator may move or burn from its datacap.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorContext, ActorError};

use crate::token_runtime::with_token;
use crate::{
    Actor, DecreaseAllowanceParams, DecreaseAllowanceReturn, IncreaseAllowanceParams,
    IncreaseAllowanceReturn, RevokeAllowanceParams, RevokeAllowanceReturn, State,
};

impl Actor {
    pub fn increase_allowance(
        rt: &impl Runtime,
        params: IncreaseAllowanceParams,
    ) -> Result<IncreaseAllowanceReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let owner = rt.message().caller();
        rt.transaction(|st: &mut State, rt| {
            with_token(rt, st, |token| {
                token.increase_allowance(&owner, &params.operator, &params.increase)
            })
        })
        .context("state transaction failed")
        .map(|new_allowance| IncreaseAllowanceReturn { new_allowance })
    }

    /// Lowers the allowance, to zero at the least.
    pub fn decrease_allowance(
        rt: &impl Runtime,
        params: DecreaseAllowanceParams,
    ) -> Result<DecreaseAllowanceReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let owner = rt.message().caller();
        rt.transaction(|st: &mut State, rt| {
            with_token(rt, st, |token| {
                token.decrease_allowance(&owner, &params.operator, &params.decrease)
            })
        })
        .context("state transaction failed")
        .map(|new_allowance| DecreaseAllowanceReturn { new_allowance })
    }

    /// Sets the allowance to zero; returns what it was.
    pub fn revoke_allowance(
        rt: &impl Runtime,
        params: RevokeAllowanceParams,
    ) -> Result<RevokeAllowanceReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let owner = rt.message().caller();
        rt.transaction(|st: &mut State, rt| {
            with_token(rt, st, |token| {
                token.revoke_allowance(&owner, &params.operator)
            })
        })
        .context("state transaction failed")
        .map(|old_allowance| RevokeAllowanceReturn { old_allowance })
    }
}
