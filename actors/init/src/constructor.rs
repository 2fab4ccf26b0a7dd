//! The init actor's constructor: called once, by the system actor, at genesis.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorContext, ActorError, SYSTEM_ACTOR_ADDR};

use crate::{Actor, ConstructorParams, State};

impl Actor {
    /// Writes the initial state: an empty address map, the first non-singleton ID, and the
    /// network name.
    pub fn constructor(rt: &impl Runtime, params: ConstructorParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let state = State::new(rt.store(), params.network_name)
            .context("failed to construct init actor state")?;
        rt.create(&state)
    }
}
