//! The constructor: the system actor creates the market, with every collection empty, at
//! genesis.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorError, SYSTEM_ACTOR_ADDR};

use crate::{Actor, State};

impl Actor {
    pub fn constructor(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let st = State::new(rt.store())?;
        rt.create(&st)
    }
}
