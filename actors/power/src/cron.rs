//! Deferred cron events: `EnrollCronEvent` (miners ask to be called back at an epoch) and
//! `OnEpochTickEnd` (cron's call at the end of every epoch, which runs the due events and
//! closes the epoch's accounting).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorError, FilterEstimate, Type,
    CRON_ACTOR_ADDR, REWARD_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::bigint::bigint_ser::BigIntSer;
use fvm_shared::econ::TokenAmount;

use crate::ext::{miner, reward};
use crate::{Actor, CronEvent, CronEventQueue, EnrollCronEventParams, State};

impl Actor {
    /// Queues a callback to the calling miner at `event_epoch` with its payload.
    pub fn enroll_cron_event(
        rt: &impl Runtime,
        params: EnrollCronEventParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::Miner))?;
        // A large negative epoch would make the next tick scan an enormous range of epochs.
        if params.event_epoch < 0 {
            return Err(actor_error!(illegal_argument;
                "cron event epoch {} cannot be less than zero", params.event_epoch));
        }
        let event = CronEvent {
            miner_addr: rt.message().caller(),
            callback_payload: params.payload,
        };
        rt.transaction(|st: &mut State, rt| {
            let mut queue = CronEventQueue::load(rt.store(), &st.cron_event_queue)?;
            st.append_cron_event(&mut queue, params.event_epoch, event)
                .map_err(|e| e.wrap("failed to enroll cron event"))?;
            st.cron_event_queue = queue.flush()?;
            Ok(())
        })
    }

    /// The end of the epoch, in v18's order: read this epoch's reward estimate from the reward
    /// actor; call every miner whose events are due (a miner whose call fails loses its claim,
    /// and the tick goes on); freeze the totals for the next epoch and smooth the QA power;
    /// report the raw-byte power to the reward actor.
    pub fn on_epoch_tick_end(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&CRON_ACTOR_ADDR))?;

        let this_epoch_reward: reward::ThisEpochRewardReturn = deserialize_block(
            extract_send_result(rt.send_simple(
                &REWARD_ACTOR_ADDR,
                reward::THIS_EPOCH_REWARD_METHOD,
                None,
                TokenAmount::default(),
            ))
            .map_err(|e| e.wrap("failed to check epoch baseline power"))?,
        )?;

        process_deferred_cron_events(rt, &this_epoch_reward.this_epoch_reward_smoothed)?;

        let raw_byte_power = rt.transaction(|st: &mut State, _| {
            st.freeze_epoch_totals();
            Ok(st.this_epoch_raw_byte_power.clone())
        })?;

        extract_send_result(rt.send_simple(
            &REWARD_ACTOR_ADDR,
            reward::UPDATE_NETWORK_KPI_METHOD,
            IpldBlock::serialize_cbor(&BigIntSer(&raw_byte_power))?,
            TokenAmount::default(),
        ))
        .map_err(|e| e.wrap("failed to update network KPI with reward actor"))?;
        Ok(())
    }
}

/// Takes every event due from the first cron epoch up to now off the queue (dropping those of
/// miners that no longer have a claim) and calls each miner's `OnDeferredCronEvent`, in epoch
/// then enrolment order, with the payload and this epoch's reward and QA power estimates.
/// A failed call is logged and its miner's claim deleted (its power removed, the miner frozen);
/// it is not retried.
fn process_deferred_cron_events(
    rt: &impl Runtime,
    reward_smoothed: &FilterEstimate,
) -> Result<(), ActorError> {
    let now = rt.curr_epoch();
    let (due, qa_power_smoothed) = rt.transaction(|st: &mut State, rt| {
        let mut queue = CronEventQueue::load(rt.store(), &st.cron_event_queue)?;
        let claims = st.load_claims(rt.store())?;
        let mut due = Vec::new();
        for epoch in st.first_cron_epoch..=now {
            let events = queue
                .events_at(epoch)
                .map_err(|e| e.wrap(format!("failed to load cron events at {}", epoch)))?;
            if events.is_empty() {
                continue;
            }
            for event in events {
                if claims.contains_key(&event.miner_addr)? {
                    due.push(event);
                } else {
                    log::debug!("skipping cron event for unknown miner {}", event.miner_addr);
                }
            }
            queue
                .remove_all(epoch)
                .map_err(|e| e.wrap(format!("failed to clear cron events at {}", epoch)))?;
        }
        st.first_cron_epoch = now + 1;
        st.cron_event_queue = queue.flush()?;
        Ok((due, st.this_epoch_qa_power_smoothed.clone()))
    })?;

    let mut failed_miners: Vec<Address> = Vec::new();
    for event in due {
        let params = miner::DeferredCronEventParams {
            event_payload: event.callback_payload.to_vec(),
            reward_smoothed: reward_smoothed.clone(),
            quality_adj_power_smoothed: qa_power_smoothed.clone(),
        };
        let result = extract_send_result(rt.send_simple(
            &event.miner_addr,
            miner::ON_DEFERRED_CRON_EVENT_METHOD,
            IpldBlock::serialize_cbor(&params)?,
            TokenAmount::default(),
        ));
        if let Err(e) = result {
            log::error!(
                "OnDeferredCronEvent failed for miner {}: code {}: {}",
                event.miner_addr,
                e.exit_code(),
                e.msg()
            );
            failed_miners.push(event.miner_addr);
        }
    }

    if failed_miners.is_empty() {
        return Ok(());
    }
    rt.transaction(|st: &mut State, rt| {
        let mut claims = st.load_claims(rt.store())?;
        for miner_addr in failed_miners {
            if let Err(e) = st.delete_claim(rt.policy(), &mut claims, &miner_addr) {
                log::error!(
                    "failed to delete claim for miner {} after its deferred cron event failed: {}",
                    miner_addr,
                    e
                );
                continue;
            }
            // As v18: counted once per failed call, even for a second failure of the same miner
            // in one tick, whose claim is already gone.
            st.miner_count -= 1;
        }
        st.save_claims(&mut claims)
    })
}
