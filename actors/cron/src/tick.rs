//! `EpochTick`: the implicit last message of every epoch, sent by the system actor.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{extract_send_result, ActorError, SYSTEM_ACTOR_ADDR};
use fvm_shared::econ::TokenAmount;

use crate::{Actor, State};

impl Actor {
    /// Calls every entry in order, with no parameters and no value. A failing entry is logged
    /// and skipped: one actor's failure must not stop the others' end-of-epoch work.
    pub fn epoch_tick(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let state: State = rt.state()?;
        for entry in &state.entries {
            let result = extract_send_result(rt.send_simple(
                &entry.receiver,
                entry.method_num,
                None,
                TokenAmount::default(),
            ));
            if let Err(e) = result {
                log::error!(
                    "cron entry {} method {} failed with code {}: {}",
                    entry.receiver,
                    entry.method_num,
                    e.exit_code(),
                    e.msg()
                );
            }
        }
        Ok(())
    }
}
