//! Cron: `OnDeferredCronEvent`, the power actor's callbacks. At the end of each proving
//! deadline: the FIP-0067 census and enforcement (the deadline faulted or terminated when the
//! miner is far behind its replacement schedule), a due worker change, expired pre-commitments
//! (deposit forfeited), missed PoSts (faults), on-time and fault-driven expirations, the
//! continued-fault fee, the FIP-0100 daily fee, debt repayment, vesting, power and pledge
//! updates, then re-enrolment while the miner still holds funds. Early terminations left by a
//! bounded batch get their own callback.

use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, FilterEstimate, STORAGE_POWER_ACTOR_ADDR};
use fvm_shared::econ::TokenAmount;
use num_traits::Zero;

use super::termination::{process_early_terminations, schedule_early_termination_work};
use super::{
    burn_funds, enroll_proving_deadline_cron, notify_pledge_changed, process_pending_worker,
    request_update_power,
};
use crate::emit::{self, FeeApplied, FeeType};
use crate::{
    daily_proof_fee_payable, expected_reward_for_power, pledge_penalty_for_continued_fault, Actor,
    CronEventPayload, DeferredCronEventParams, PowerPair, State,
    CRON_EVENT_PROCESS_EARLY_TERMINATIONS, CRON_EVENT_PROVING_DEADLINE,
    OLD_SECTOR_CENSUS_BLOCKS_PER_CRON,
};

impl Actor {
    /// Power actor only. Dispatches on the payload's event type; an unknown type does nothing
    /// (v18 only logs it).
    pub fn on_deferred_cron_event(
        rt: &impl Runtime,
        params: DeferredCronEventParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&STORAGE_POWER_ACTOR_ADDR))?;
        let payload: CronEventPayload = fvm_ipld_encoding::from_slice(&params.event_payload)
            .map_err(|e| {
                actor_error!(illegal_state;
                    "failed to unmarshal miner cron payload into expected structure: {}", e)
            })?;
        match payload.event_type {
            CRON_EVENT_PROVING_DEADLINE => handle_proving_deadline(
                rt,
                &params.reward_smoothed,
                &params.quality_adj_power_smoothed,
            )?,
            CRON_EVENT_PROCESS_EARLY_TERMINATIONS => {
                let more = process_early_terminations(
                    rt,
                    &params.reward_smoothed,
                    &params.quality_adj_power_smoothed,
                )?;
                if more {
                    schedule_early_termination_work(rt)?;
                }
            }
            _ => {}
        }
        let state: State = rt.state()?;
        state.check_balance_invariants(&rt.current_balance())
    }
}

/// The fees one deadline's end applied, reported once the state is committed.
struct DeadlineFees {
    deadline: u64,
    precommits_expired: u64,
    precommit_deposit: TokenAmount,
    faulty_sectors: u64,
    continued_fault: TokenAmount,
    fee_paying_sectors: u64,
    daily_fee: TokenAmount,
    daily_fee_capped: bool,
}

impl DeadlineFees {
    fn emit(self, rt: &impl Runtime) -> Result<(), ActorError> {
        emit::fee_applied(
            rt,
            FeeApplied::new(FeeType::PrecommitExpired, self.precommit_deposit)
                .sectors(self.precommits_expired),
        )?;
        emit::fee_applied(
            rt,
            FeeApplied::new(FeeType::ContinuedFault, self.continued_fault)
                .deadline(self.deadline)
                .sectors(self.faulty_sectors),
        )?;
        emit::fee_applied(
            rt,
            FeeApplied::new(FeeType::DailyProof, self.daily_fee)
                .deadline(self.deadline)
                .sectors(self.fee_paying_sectors)
                .limit_applied(self.daily_fee_capped),
        )
    }
}

/// The end of the last epoch of a proving deadline.
fn handle_proving_deadline(
    rt: &impl Runtime,
    reward_smoothed: &FilterEstimate,
    quality_adj_power_smoothed: &FilterEstimate,
) -> Result<(), ActorError> {
    let curr_epoch = rt.curr_epoch();
    let mut had_early_terminations = false;
    let mut power_delta = PowerPair::zero();
    let mut pledge_delta = TokenAmount::zero();
    let mut to_burn = TokenAmount::zero();
    let mut continue_cron = false;

    let (state, fees) = rt.transaction(|state: &mut State, rt| {
        let policy = rt.policy();
        let store = rt.store();
        // FIP-0067: the census of old sectors begins before this deadline's expirations and
        // terminations, and counts on by a bounded slice each deadline until it is complete.
        state.begin_old_sector_census(policy, curr_epoch);
        state.advance_old_sector_census(policy, store, Some(OLD_SECTOR_CENSUS_BLOCKS_PER_CRON))?;
        let mut info = state.get_info(store)?;
        process_pending_worker(rt, state, &mut info)?;

        // Unproven pre-commitments forfeit their deposit.
        let (deposit_to_burn, precommits_expired) =
            state.cleanup_expired_pre_commits(policy, store, curr_epoch)?;
        state.apply_penalty(&deposit_to_burn)?;

        // A callback is already scheduled if terminations were queued before.
        had_early_terminations = !state.early_terminations.is_empty();

        let deadline = state.deadline_info(policy, curr_epoch).index;
        // FIP-0067: a miner far behind its deactivation schedule has this deadline faulted or
        // terminated.
        let enforcement = state.deadline_enforcement(policy, curr_epoch);
        let result = state.advance_deadline(policy, store, curr_epoch, enforcement)?;
        power_delta += &result.power_delta;
        pledge_delta += &result.pledge_delta;

        // Faults detected now pay nothing yet; sectors faulty before this deadline's end and
        // still faulty pay the continued-fault fee.
        let continued_fault = pledge_penalty_for_continued_fault(
            reward_smoothed,
            quality_adj_power_smoothed,
            &result.previously_faulty_power.qa,
        );
        state.apply_penalty(&continued_fault)?;

        // FIP-0100: the deadline's daily fee, capped at half the expected day reward of its
        // live power. Sectors expired just now no longer pay; those added this period do.
        let mut daily_fee = TokenAmount::zero();
        let mut daily_fee_capped = false;
        if result.daily_fee.is_positive() {
            let day_reward = expected_reward_for_power(
                reward_smoothed,
                quality_adj_power_smoothed,
                &result.live_power.qa,
                EPOCHS_IN_DAY,
            );
            daily_fee = daily_proof_fee_payable(&result.daily_fee, &day_reward);
            daily_fee_capped = daily_fee < result.daily_fee;
            state.apply_penalty(&daily_fee)?;
        }

        let (burn, total_unlocked) =
            state.repay_partial_debt_in_priority_order(store, curr_epoch, &rt.current_balance())?;
        to_burn = burn;
        pledge_delta -= total_unlocked;
        // Paying debt vested what was due; this catches the rest.
        pledge_delta -= state.unlock_vested_funds(store, curr_epoch)?;

        continue_cron = state.continue_deadline_cron();
        if !continue_cron {
            state.deadline_cron_active = false;
        }
        let fees = DeadlineFees {
            deadline,
            precommits_expired,
            precommit_deposit: deposit_to_burn,
            faulty_sectors: result.previously_faulty_sectors,
            continued_fault,
            fee_paying_sectors: result.fee_paying_sectors,
            daily_fee,
            daily_fee_capped,
        };
        Ok((state.clone(), fees))
    })?;
    fees.emit(rt)?;

    request_update_power(rt, power_delta)?;
    burn_funds(rt, to_burn)?;
    notify_pledge_changed(rt, &pledge_delta)?;

    if continue_cron {
        enroll_proving_deadline_cron(rt, &state, curr_epoch + 1)?;
    }

    // New early terminations (faults that lasted too long): process a batch now and leave the
    // rest to a callback. With terminations queued before, a callback already handles them.
    if !had_early_terminations
        && !state.early_terminations.is_empty()
        && process_early_terminations(rt, reward_smoothed, quality_adj_power_smoothed)?
    {
        schedule_early_termination_work(rt)?;
    }
    Ok(())
}
