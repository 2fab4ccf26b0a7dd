//! The reward actor's constructor: called once, by the system actor, at genesis.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, SYSTEM_ACTOR_ADDR};

use crate::{Actor, ConstructorParams, State};

impl Actor {
    /// Writes the genesis state, with the first epoch's reward computed for the genesis power.
    pub fn constructor(rt: &impl Runtime, params: ConstructorParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let power = params.power.ok_or_else(
            || actor_error!(illegal_argument; "genesis power argument should not be nil"),
        )?;
        rt.create(&State::new(&power.0))
    }
}
