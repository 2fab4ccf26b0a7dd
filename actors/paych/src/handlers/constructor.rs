//! `Constructor`: the two parties, resolved to IDs (a key address never seen before gets its
//! account created), and no lanes.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{resolve_to_actor_id, ActorError};
use fvm_shared::address::Address;

use crate::{Actor, ConstructorParams, LaneStates, State, LANE_STATES_AMT_BITWIDTH};

impl Actor {
    /// Only the init actor constructs a channel (through `Exec`, on the payer's behalf). Each
    /// party must have an actor; since v10 it need not be an account.
    pub fn constructor(rt: &impl Runtime, params: ConstructorParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&fil_actors_runtime::Type::Init))?;
        let to = Address::new_id(resolve_to_actor_id(rt, &params.to, true)?);
        let from = Address::new_id(resolve_to_actor_id(rt, &params.from, true)?);
        let lanes = LaneStates::flush_empty(rt.store(), LANE_STATES_AMT_BITWIDTH)?;
        rt.create(&State::new(from, to, lanes))
    }
}
