//! Replacement sealing (FIP-0067): the exported, read-only `GetReplacementSealingStatus`, and the
//! exported `ReplaceSector`, which terminates an old sector without a fee in exchange for one
//! sealed after the start (its rules in `replacement_enforcement.rs`).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_bitfield::BitField;

use super::termination::request_terminate_deals;
use super::{notify_pledge_changed, request_update_power};
use crate::{emit, Actor, ReplaceSectorParams, ReplacementSealingStatus, State};

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

    /// Owner or worker, once the timeline has started. Terminates `old_sector` now without a
    /// termination fee, counting it as deactivated and releasing its pledge, because
    /// `new_sector` (sealed after the start) replaces it; the market is told if it held deals,
    /// and `sector-terminated` is emitted for it.
    pub fn replace_sector(
        rt: &impl Runtime,
        params: ReplaceSectorParams,
    ) -> Result<(), ActorError> {
        let replaced = rt.transaction(|state: &mut State, rt| {
            let info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&[info.owner, info.worker])?;
            let replaced =
                state.replace_sector(rt.policy(), rt.store(), rt.curr_epoch(), &params)?;
            // Nothing below moves funds: the balance can be checked against this state.
            state.check_balance_invariants(&rt.current_balance())?;
            Ok(replaced)
        })?;
        let old = &replaced.old;
        request_update_power(rt, -replaced.power_lost)?;
        notify_pledge_changed(rt, &-old.initial_pledge.clone())?;
        if old.holds_deals() {
            let with_data = BitField::try_from_bits([old.sector_number])
                .map_err(|e| actor_error!(illegal_state; "sector {}: {}", old.sector_number, e))?;
            request_terminate_deals(rt, rt.curr_epoch(), &with_data)?;
        }
        emit::sector_terminated(rt, old.sector_number)
    }
}
