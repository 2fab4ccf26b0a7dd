//! The payment channel's method handlers, one module per topic: construction, the redemption of
//! vouchers, and settlement with collection.

mod constructor;
mod settlement;
mod voucher;

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;

use crate::State;

/// The channel's parties are the only callers of its methods after construction. Returns the
/// state read to find them.
fn validate_caller_is_party(rt: &impl Runtime) -> Result<State, ActorError> {
    let st: State = rt.state()?;
    rt.validate_immediate_caller_is([st.from, st.to].iter())?;
    Ok(st)
}
