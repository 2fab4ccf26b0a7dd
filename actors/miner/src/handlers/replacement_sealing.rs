//! Replacement sealing (FIP-0067): the exported, read-only `GetReplacementSealingStatus`.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;

use crate::{Actor, ReplacementSealingStatus, State};

impl Actor {
    /// The miner's schedule position: CBOR null while the mechanism is dormant or before the
    /// counters are initialized, else `[start_epoch, initial, deactivated, progress,
    /// on_schedule, behind_by]`.
    pub fn get_replacement_sealing_status(
        rt: &impl Runtime,
    ) -> Result<Option<ReplacementSealingStatus>, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let st: State = rt.state()?;
        Ok(st.replacement_sealing_status(rt.policy(), rt.curr_epoch()))
    }
}
