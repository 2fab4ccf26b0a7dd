//! `CronTick`: each epoch since the last tick, the deals queued for it are visited. A deal not
//! activated by its start epoch times out (its provider's collateral burnt); a newly activated
//! deal only leaves the pending set, its payments being left to `SettleDealPayments`
//! (FIP-0074). Deals activated before FIP-0074 (already paid by cron) keep being paid here and
//! re-queued one update interval later, until they complete (`deal-completed`) or, when marked
//! terminated by the old asynchronous termination, end (`deal-terminated`).

use std::collections::BTreeMap;

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, CRON_ACTOR_ADDR};
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;

use super::{burn, deal_cid};
use crate::policy::next_update_epoch;
use crate::{emit, Actor, LoadDealState, ProviderSectorDeals, State};

impl Actor {
    pub fn cron_tick(rt: &impl Runtime) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&CRON_ACTOR_ADDR))?;
        let curr_epoch = rt.curr_epoch();

        let slashed = rt.transaction(|st: &mut State, rt| {
            let mut total_slashed = TokenAmount::default();
            let mut to_unindex = ProviderSectorDeals::new();
            let mut rescheduled = BTreeMap::<ChainEpoch, Vec<DealID>>::new();
            let mut epochs_done = Vec::new();

            for epoch in (st.last_cron + 1)..=curr_epoch {
                for id in st.get_deals_for_epoch(rt.store(), epoch)? {
                    // Settled or terminated before this visit: nothing left to do.
                    let Some(proposal) = st.find_proposal(rt.store(), id)? else {
                        continue;
                    };
                    let cid = deal_cid(rt, &proposal)?;
                    let mut state = match st.get_active_deal_or_process_timeout(
                        rt.store(),
                        curr_epoch,
                        id,
                        &proposal,
                        &cid,
                    )? {
                        LoadDealState::Loaded(state) => state,
                        LoadDealState::ProposalExpired(penalty) => {
                            total_slashed += penalty;
                            continue;
                        }
                        LoadDealState::TooEarly => {
                            return Err(actor_error!(illegal_state;
                                "deal {} processed before start epoch {}", id, proposal.start_epoch));
                        }
                    };

                    if state.last_updated_epoch == EPOCH_UNDEFINED {
                        // Activated and never paid: settlement is the provider's to call.
                        if !st.remove_pending_deal(rt.store(), &cid)? {
                            return Err(actor_error!(illegal_state;
                                "failed to delete pending proposal {} of deal {}: does not exist", cid, id));
                        }
                        continue;
                    }

                    // A deal from before FIP-0074, still paid by cron.
                    let update = st.process_deal_update(rt.store(), &state, &proposal, &cid, curr_epoch)?;
                    if update.remove {
                        total_slashed += update.slashed;
                        st.remove_completed_deal(rt.store(), id)?;
                        to_unindex
                            .entry(proposal.provider_id()?)
                            .or_default()
                            .entry(state.sector_number)
                            .or_default()
                            .push(id);
                        if !update.completed {
                            emit::deal_terminated(rt, id, proposal.client_id()?, proposal.provider_id()?)?;
                        }
                    } else {
                        if !update.slashed.is_zero() {
                            return Err(actor_error!(illegal_state;
                                "continuing deal {} should not be slashed", id));
                        }
                        state.last_updated_epoch = curr_epoch;
                        st.put_deal_states(rt.store(), &[(id, state)])?;
                        let next = next_update_epoch(id, rt.policy().deal_updates_interval, curr_epoch + 1);
                        rescheduled.entry(next).or_default().push(id);
                    }
                    if update.completed {
                        emit::deal_completed(rt, id, proposal.client_id()?, proposal.provider_id()?)?;
                    }
                }
                epochs_done.push(epoch);
            }

            st.remove_sector_deal_ids(rt.store(), &to_unindex)?;
            st.remove_deals_by_epoch(rt.store(), &epochs_done)?;
            st.put_batch_deals_by_epoch(rt.store(), &rescheduled)?;
            st.last_cron = curr_epoch;
            Ok(total_slashed)
        })?;
        burn(rt, slashed)
    }
}
