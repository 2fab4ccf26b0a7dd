//! Termination: `TerminateSectors`, and the processing of early terminations it shares with the
//! deadline cron: the FIP-0098 termination fee, the release of the sectors' pledge, the
//! market's notice for sectors with deals, and the `termination` fee and `sector-terminated`
//! events. Processing is bounded per message; what remains is picked up by a cron callback.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, extract_send_result, ActorContext, ActorError, FilterEstimate,
    STORAGE_MARKET_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use num_traits::Zero;

use super::{
    burn_funds, controlling_addresses, enroll_cron_event, notify_pledge_changed,
    request_current_epoch_block_reward, request_current_total_power, request_update_power,
};
use crate::emit::{self, FeeApplied, FeeType};
use crate::{
    deadline_is_mutable, ext, pledge_penalty_for_continued_fault, pledge_penalty_for_termination,
    qa_power_for_sector, Actor, CronEventPayload, DeadlineSectorMap, PowerPair, Sectors, State,
    TerminateSectorsParams, TerminateSectorsReturn, CRON_EVENT_PROCESS_EARLY_TERMINATIONS,
};

impl Actor {
    /// Owner, worker or control address. Terminates live sectors now, before their
    /// expiration: they lose their power at once and are queued as early terminations, of
    /// which one bounded batch is processed in this message (fees, pledge, deal terminations)
    /// and the rest by cron. Sectors of the current or next deadline cannot be terminated.
    /// Returns whether the queue was emptied.
    pub fn terminate_sectors(
        rt: &impl Runtime,
        params: TerminateSectorsParams,
    ) -> Result<TerminateSectorsReturn, ActorError> {
        // Pre-committed sectors cannot be terminated: they expire and forfeit their deposit.
        let policy = rt.policy();
        let mut to_process = DeadlineSectorMap::new();
        for term in params.terminations {
            to_process
                .add(policy, term.deadline, term.partition, term.sectors)
                .map_err(|e| {
                    actor_error!(illegal_argument;
                        "failed to process deadline {}, partition {}: {}",
                        term.deadline, term.partition, e.msg())
                })?;
        }
        to_process
            .check(policy.addressed_partitions_max, policy.addressed_sectors_max)
            .map_err(
                |e| actor_error!(illegal_argument; "cannot process requested parameters: {}", e.msg()),
            )?;

        let (had_early_terminations, power_delta) = rt.transaction(|state: &mut State, rt| {
            let had_early_terminations = !state.early_terminations.is_empty();
            let info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;

            let store = rt.store();
            let policy = rt.policy();
            let curr_epoch = rt.curr_epoch();
            // FIP-0067: the census of old sectors begins before any termination it must count.
            state.begin_old_sector_census(policy, curr_epoch);
            let mut deadlines = state.load_deadlines(store)?;
            let sectors = Sectors::load(store, &state.sectors)?;
            let mut power_delta = PowerPair::zero();
            let period_start = state.current_proving_period_start(policy, curr_epoch);
            for (deadline_idx, partition_sectors) in to_process.iter() {
                // A deadline being proven, or about to be, must not change.
                if !deadline_is_mutable(policy, period_start, deadline_idx, curr_epoch) {
                    return Err(actor_error!(illegal_argument;
                        "cannot terminate sectors in immutable deadline {}", deadline_idx));
                }
                let quant = state.quant_spec_for_deadline(policy, deadline_idx);
                let mut deadline = deadlines.load_deadline(store, deadline_idx)?;
                let removed_power = deadline
                    .terminate_sectors(
                        store,
                        &sectors,
                        curr_epoch,
                        partition_sectors,
                        info.sector_size,
                        quant,
                    )
                    .with_context(|| {
                        format!("failed to terminate sectors in deadline {}", deadline_idx)
                    })?;
                state.early_terminations.set(deadline_idx);
                power_delta -= &removed_power;
                deadlines.update_deadline(policy, store, deadline_idx, &deadline)?;
            }
            state.save_deadlines(store, deadlines)?;
            Ok((had_early_terminations, power_delta))
        })?;

        let epoch_reward = request_current_epoch_block_reward(rt)?;
        let power_total = request_current_total_power(rt)?;
        let more = process_early_terminations(
            rt,
            &epoch_reward.this_epoch_reward_smoothed,
            &power_total.quality_adj_power_smoothed,
        )?;
        // A callback is already scheduled if the queue was not empty before this message.
        if more && !had_early_terminations {
            schedule_early_termination_work(rt)?;
        }
        let state: State = rt.state()?;
        state.check_balance_invariants(&rt.current_balance())?;
        request_update_power(rt, power_delta)?;
        Ok(TerminateSectorsReturn { done: !more })
    }
}

/// Processes one bounded batch of the queued early terminations: charges each sector's
/// FIP-0098 termination fee (with the current reward and power estimates, not those at
/// termination), releases its pledge, repays debt, burns, and tells the market which of the
/// sectors held deals. Emits `fee-applied` (`termination`) for the batch and
/// `sector-terminated` for each sector processed: every early termination, by
/// `TerminateSectors` or by faults lasting too long, passes through here exactly once.
/// Returns whether terminations remain queued.
pub(crate) fn process_early_terminations(
    rt: &impl Runtime,
    reward_smoothed: &FilterEstimate,
    quality_adj_power_smoothed: &FilterEstimate,
) -> Result<bool, ActorError> {
    let mut terminated = Vec::new();
    let mut with_data = Vec::new();
    let (processed, more, fee, to_burn, pledge_delta) =
        rt.transaction(|state: &mut State, rt| {
            let store = rt.store();
            let policy = rt.policy();
            let (result, more) = state.pop_early_terminations(
                policy,
                store,
                policy.addressed_partitions_max,
                policy.addressed_sectors_max,
            )?;
            // The cron callback may find the queue already emptied by a TerminateSectors.
            if result.is_empty() {
                return Ok((
                    0,
                    more,
                    TokenAmount::zero(),
                    TokenAmount::zero(),
                    TokenAmount::zero(),
                ));
            }
            let info = state.get_info(store)?;
            let sectors = Sectors::load(store, &state.sectors)?;
            let mut total_pledge = TokenAmount::zero();
            let mut fee = TokenAmount::zero();
            let mut by_epoch = Vec::new();
            for (epoch, sector_numbers) in result.iter() {
                let loaded = sectors.load_sectors(sector_numbers)?;
                for sector in &loaded {
                    total_pledge += &sector.initial_pledge;
                    let power = qa_power_for_sector(info.sector_size, sector);
                    let fault_fee = pledge_penalty_for_continued_fault(
                        reward_smoothed,
                        quality_adj_power_smoothed,
                        &power,
                    );
                    fee += pledge_penalty_for_termination(
                        &sector.initial_pledge,
                        epoch - sector.activation,
                        &fault_fee,
                    );
                    if sector.holds_deals() {
                        with_data.push(sector.sector_number);
                    }
                    terminated.push(sector.sector_number);
                }
                by_epoch.push((epoch, loaded));
            }
            // FIP-0067: early terminations deactivate old sectors.
            for (epoch, loaded) in &by_epoch {
                state.record_old_sector_deactivations(policy, *epoch, loaded);
            }
            state.apply_penalty(&fee)?;
            let mut pledge_delta = -total_pledge;
            state.add_initial_pledge(&pledge_delta)?;
            // The released pledge pays the fee first.
            let (to_burn, total_unlocked) = state.repay_partial_debt_in_priority_order(
                store,
                rt.curr_epoch(),
                &rt.current_balance(),
            )?;
            pledge_delta -= total_unlocked;
            Ok((result.sectors_processed, more, fee, to_burn, pledge_delta))
        })?;
    if processed == 0 {
        return Ok(more);
    }

    burn_funds(rt, to_burn)?;
    notify_pledge_changed(rt, &pledge_delta)?;
    let with_data = BitField::try_from_bits(with_data)
        .map_err(|e| actor_error!(illegal_state; "invalid sector number: {}", e))?;
    request_terminate_deals(rt, rt.curr_epoch(), &with_data)?;

    emit::fee_applied(
        rt,
        FeeApplied::new(FeeType::Termination, fee).sectors(processed),
    )?;
    for sector in terminated {
        emit::sector_terminated(rt, sector)?;
    }
    Ok(more)
}

/// Asks cron to continue processing early terminations at the next epoch.
pub(crate) fn schedule_early_termination_work(rt: &impl Runtime) -> Result<(), ActorError> {
    enroll_cron_event(
        rt,
        rt.curr_epoch() + 1,
        CronEventPayload {
            event_type: CRON_EVENT_PROCESS_EARLY_TERMINATIONS,
        },
    )
}

/// Tells the market that sectors holding deals terminated at `epoch`. In cron (the system
/// actor as origin) a failure is ignored, so a broken market cannot stall this miner's cron.
pub(crate) fn request_terminate_deals(
    rt: &impl Runtime,
    epoch: ChainEpoch,
    sectors: &BitField,
) -> Result<(), ActorError> {
    if sectors.is_empty() {
        return Ok(());
    }
    let params = ext::market::OnMinerSectorsTerminateParams {
        epoch,
        sectors: sectors.clone(),
    };
    let res = extract_send_result(rt.send_simple(
        &STORAGE_MARKET_ACTOR_ADDR,
        ext::market::ON_MINER_SECTORS_TERMINATE_METHOD,
        IpldBlock::serialize_cbor(&params)?,
        TokenAmount::zero(),
    ));
    match res {
        Err(_) if rt.message().origin() == SYSTEM_ACTOR_ADDR => Ok(()),
        other => other.map(|_| ()),
    }
}
