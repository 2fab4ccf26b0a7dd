//! Burns: a holder burning its own datacap (`Burn`, as the verified registry does when
//! allocations are claimed or claims extended) and an operator burning a holder's datacap under
//! an allowance (`BurnFrom`). Both reduce the total supply.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorContext, ActorError};

use crate::token_runtime::with_token;
use crate::{Actor, BurnFromParams, BurnFromReturn, BurnParams, BurnReturn, State};

impl Actor {
    pub fn burn(rt: &impl Runtime, params: BurnParams) -> Result<BurnReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let owner = rt.message().caller();
        rt.transaction(|st: &mut State, rt| {
            with_token(rt, st, |token| token.burn(&owner, &params.amount))
        })
        .context("state transaction failed")
    }

    pub fn burn_from(
        rt: &impl Runtime,
        params: BurnFromParams,
    ) -> Result<BurnFromReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let operator = rt.message().caller();
        rt.transaction(|st: &mut State, rt| {
            with_token(rt, st, |token| {
                token.burn_from(&operator, &params.owner, &params.amount)
            })
        })
        .context("state transaction failed")
    }
}
