//! The cron actor's constructor: called once, by the system actor, at genesis.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorError, SYSTEM_ACTOR_ADDR};

use crate::{Actor, ConstructorParams, State};

impl Actor {
    /// Records the entries to call every epoch.
    pub fn constructor(rt: &impl Runtime, params: ConstructorParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        rt.create(&State {
            entries: params.entries,
        })
    }
}
