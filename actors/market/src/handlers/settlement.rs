//! `SettleDealPayments` (FIP-0074): anyone (in practice the provider) settles deals: each is
//! paid up to now; a deal past its end completes (`deal-completed`) and is removed, with its
//! collateral unlocked; a deal not activated by its start epoch times out, its provider's
//! collateral burnt. Deals fail or succeed one by one.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, BatchReturnGen};
use fvm_shared::clock::EPOCH_UNDEFINED;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;

use super::{burn, deal_cid};
use crate::{
    emit, Actor, DealSettlementSummary, DealState, LoadDealState, ProviderSectorDeals,
    SettleDealPaymentsParams, SettleDealPaymentsReturn, State, EX_DEAL_EXPIRED,
};

impl Actor {
    pub fn settle_deal_payments(
        rt: &impl Runtime,
        params: SettleDealPaymentsParams,
    ) -> Result<SettleDealPaymentsReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let curr_epoch = rt.curr_epoch();

        let (results, settlements, slashed) = rt.transaction(|st: &mut State, rt| {
            let mut results = BatchReturnGen::new(params.deal_ids.len() as usize);
            let mut settlements = Vec::new();
            let mut total_slashed = TokenAmount::default();
            let mut new_states: Vec<(DealID, DealState)> = Vec::new();
            let mut to_unindex = ProviderSectorDeals::new();

            for id in params.deal_ids.iter() {
                // A deal not found here is reported as finished, whether it ever existed or not.
                let Ok(proposal) = st.get_proposal(rt.store(), id) else {
                    results.add_fail(EX_DEAL_EXPIRED);
                    continue;
                };
                let cid = match deal_cid(rt, &proposal) {
                    Ok(cid) => cid,
                    Err(e) => {
                        results.add_fail(e.exit_code());
                        continue;
                    }
                };
                let loaded = match st.get_active_deal_or_process_timeout(
                    rt.store(),
                    curr_epoch,
                    id,
                    &proposal,
                    &cid,
                ) {
                    Ok(loaded) => loaded,
                    Err(e) => {
                        results.add_fail(e.exit_code());
                        continue;
                    }
                };
                let mut state = match loaded {
                    LoadDealState::TooEarly => {
                        // Not active yet: a zero settlement.
                        settlements.push(DealSettlementSummary {
                            payment: TokenAmount::default(),
                            completed: false,
                        });
                        results.add_success();
                        continue;
                    }
                    LoadDealState::ProposalExpired(penalty) => {
                        total_slashed += penalty;
                        results.add_fail(EX_DEAL_EXPIRED);
                        continue;
                    }
                    LoadDealState::Loaded(state) => state,
                };
                // Only the old asynchronous termination marked deals; they are cron's to end.
                if state.slash_epoch != EPOCH_UNDEFINED {
                    return Err(actor_error!(illegal_argument;
                        "deal {} is marked for termination and cannot be settled", id));
                }
                let update =
                    match st.process_deal_update(rt.store(), &state, &proposal, &cid, curr_epoch) {
                        Ok(update) => update,
                        Err(e) => {
                            results.add_fail(e.exit_code());
                            continue;
                        }
                    };

                if update.remove {
                    st.remove_completed_deal(rt.store(), id)?;
                    to_unindex
                        .entry(proposal.provider_id()?)
                        .or_default()
                        .entry(state.sector_number)
                        .or_default()
                        .push(id);
                    if !update.completed {
                        emit::deal_terminated(
                            rt,
                            id,
                            proposal.client_id()?,
                            proposal.provider_id()?,
                        )?;
                    }
                } else {
                    state.last_updated_epoch = curr_epoch;
                    new_states.push((id, state));
                }
                settlements.push(DealSettlementSummary {
                    payment: update.payment,
                    completed: update.remove,
                });
                results.add_success();
                if update.completed {
                    emit::deal_completed(rt, id, proposal.client_id()?, proposal.provider_id()?)?;
                }
            }

            st.put_deal_states(rt.store(), &new_states)?;
            st.remove_sector_deal_ids(rt.store(), &to_unindex)?;
            Ok((results.generate(), settlements, total_slashed))
        })?;
        burn(rt, slashed)?;
        Ok(SettleDealPaymentsReturn {
            results,
            settlements,
        })
    }
}
