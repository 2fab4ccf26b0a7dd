//! Compaction: `CompactPartitions` rewrites some partitions of a deadline without their
//! terminated sectors, repacking the live ones into full partitions and dropping the dead
//! sectors' infos; `CompactSectorNumbers` marks unused sector numbers allocated so the
//! allocation bitfield collapses into fewer runs.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorContext, ActorError};

use super::controlling_addresses;
use crate::{
    check_sector_numbers, deadline_available_for_compaction, load_partitions_sectors_max, Actor,
    CollisionPolicy, CompactPartitionsParams, CompactSectorNumbersParams, Sectors, State,
};

impl Actor {
    /// Owner, worker or control address. Removes the listed partitions of a deadline and
    /// re-adds their live sectors in new partitions at the end. The partitions must have no
    /// faults or unproven sectors and the deadline no pending early terminations; the deadline
    /// must be neither being proven nor within the dispute window of its last proofs (so no
    /// proof can refer to the old layout). Power and fees do not change.
    pub fn compact_partitions(
        rt: &impl Runtime,
        params: CompactPartitionsParams,
    ) -> Result<(), ActorError> {
        let deadline_idx = params.deadline;
        if deadline_idx >= rt.policy().wpost_period_deadlines {
            return Err(actor_error!(illegal_argument; "invalid deadline {}", deadline_idx));
        }
        let partition_count = params.partitions.len();
        rt.transaction(|state: &mut State, rt| {
            let info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            let store = rt.store();
            let policy = rt.policy();
            let curr_epoch = rt.curr_epoch();
            if !deadline_available_for_compaction(
                policy,
                state.current_proving_period_start(policy, curr_epoch),
                deadline_idx,
                curr_epoch,
            ) {
                return Err(actor_error!(forbidden;
                    "cannot compact deadline {} during its challenge window, or the prior challenge window, or before {} epochs have passed since its last challenge window ended",
                    deadline_idx, policy.wpost_dispute_window));
            }
            let limit = load_partitions_sectors_max(policy, info.window_post_partition_sectors);
            if partition_count > limit {
                return Err(actor_error!(illegal_argument;
                    "too many partitions {}, limit {}", partition_count, limit));
            }

            let quant = state.quant_spec_for_deadline(policy, deadline_idx);
            let mut deadlines = state.load_deadlines(store)?;
            let mut deadline = deadlines.load_deadline(store, deadline_idx)?;
            let daily_fee_before = deadline.daily_fee.clone();
            let mut sectors = Sectors::load(store, &state.sectors)?;
            let dead = deadline
                .compact_partitions(
                    store,
                    &sectors,
                    info.sector_size,
                    info.window_post_partition_sectors,
                    &params.partitions,
                    quant,
                )
                .with_context(|| {
                    format!("failed to remove partitions from deadline {}", deadline_idx)
                })?;
            sectors
                .delete_sectors(&dead)
                .context("failed to delete sectors removed during partition compaction")?;
            state.sectors = sectors.flush()?;
            if deadline.daily_fee != daily_fee_before {
                return Err(actor_error!(illegal_state;
                    "unexpected daily fee change during partition compaction: {} became {}",
                    daily_fee_before, deadline.daily_fee));
            }
            deadlines.update_deadline(policy, store, deadline_idx, &deadline)?;
            state.save_deadlines(store, deadlines)
        })
    }

    /// Owner, worker or control address. Marks the masked sector numbers allocated (whether or
    /// not they already were), so they can never be used.
    pub fn compact_sector_numbers(
        rt: &impl Runtime,
        params: CompactSectorNumbersParams,
    ) -> Result<(), ActorError> {
        let mask = params.mask_sector_numbers;
        if mask.is_empty() {
            return Err(actor_error!(illegal_argument; "invalid mask bitfield"));
        }
        check_sector_numbers(&mask)?;
        rt.transaction(|state: &mut State, rt| {
            let info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            state.allocate_sector_numbers(rt.store(), &mask, CollisionPolicy::AllowCollisions)
        })
    }
}
