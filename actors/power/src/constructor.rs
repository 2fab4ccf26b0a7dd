//! The power actor's constructor: called once, by the system actor, at genesis.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorContext, ActorError, SYSTEM_ACTOR_ADDR};

use crate::{Actor, State};

impl Actor {
    /// Writes the genesis state: no miners, no power, the initial QA power estimate.
    pub fn constructor(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let state = State::new(rt.store()).context("failed to create power actor state")?;
        rt.create(&state)
    }
}
