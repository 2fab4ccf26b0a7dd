//! The system actor's constructor: called once, by the system itself, at genesis.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorContext, ActorError, SYSTEM_ACTOR_ADDR};

use crate::{Actor, State};

impl Actor {
    /// Writes the initial state: an empty built-in actor registry. Only the system actor (the
    /// FVM acting at genesis) may call it.
    pub fn constructor(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let state = State::new(rt.store()).context("failed to construct system actor state")?;
        rt.create(&state)
    }
}
