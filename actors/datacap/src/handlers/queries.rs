//! Read-only queries, open to any caller: the token's name, symbol and granularity, the total
//! supply, a holder's balance and an allowance. None creates an account for an unknown address:
//! such an address simply holds nothing.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;

use crate::token_runtime::with_token;
use crate::{
    Actor, BalanceParams, BalanceReturn, GetAllowanceParams, GetAllowanceReturn, GranularityReturn,
    NameReturn, State, SymbolReturn, TotalSupplyReturn, DATACAP_GRANULARITY,
};

impl Actor {
    pub fn name(rt: &impl Runtime) -> Result<NameReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        Ok(NameReturn {
            name: "DataCap".to_string(),
        })
    }

    pub fn symbol(rt: &impl Runtime) -> Result<SymbolReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        Ok(SymbolReturn {
            symbol: "DCAP".to_string(),
        })
    }

    pub fn granularity(rt: &impl Runtime) -> Result<GranularityReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        Ok(GranularityReturn {
            granularity: DATACAP_GRANULARITY,
        })
    }

    pub fn total_supply(rt: &impl Runtime) -> Result<TotalSupplyReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        Ok(TotalSupplyReturn {
            supply: st.token.supply,
        })
    }

    pub fn balance(rt: &impl Runtime, params: BalanceParams) -> Result<BalanceReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let mut st: State = rt.state()?;
        with_token(rt, &mut st, |token| token.balance_of(&params.address))
            .map(|balance| BalanceReturn { balance })
    }

    pub fn allowance(
        rt: &impl Runtime,
        params: GetAllowanceParams,
    ) -> Result<GetAllowanceReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let mut st: State = rt.state()?;
        with_token(rt, &mut st, |token| {
            token.allowance(&params.owner, &params.operator)
        })
        .map(|allowance| GetAllowanceReturn { allowance })
    }
}
