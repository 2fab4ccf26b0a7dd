//! The EAM's constructor: the actor keeps no state, and exists only at its singleton ID.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, EAM_ACTOR_ID, SYSTEM_ACTOR_ADDR};

use crate::EamActor;

impl EamActor {
    /// Checks that the EAM is being deployed at ID 10 (its f4 namespace is its ID, so anywhere
    /// else it would manage the wrong namespace), then that the system actor is the caller. As
    /// in v18 the location is checked first.
    pub fn constructor(rt: &impl Runtime) -> Result<(), ActorError> {
        let receiver = rt.message().receiver();
        let actor_id = rt.resolve_address(&receiver).ok_or_else(
            || actor_error!(assertion_failed; "receiver {} does not resolve to an ID", receiver),
        )?;
        if actor_id != EAM_ACTOR_ID {
            return Err(actor_error!(forbidden;
                "the Ethereum Address Manager must be deployed at ID {}, was deployed at {}",
                EAM_ACTOR_ID, actor_id));
        }
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))
    }
}
