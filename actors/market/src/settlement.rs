//! How a deal is paid and how it ends, as state operations shared by settlement (FIP-0074), cron
//! and termination:
//!
//! - an active deal pays the provider for the epochs since it was last paid (from its start
//!   epoch at the earliest, to its end epoch at the latest); once past its end, it completes and
//!   both collaterals are unlocked;
//! - a deal terminated early pays up to the termination epoch, unlocks the rest of the client's
//!   fee and collateral, and loses the provider's collateral (burnt by the caller);
//! - a deal not activated by its start epoch times out: the client's funds are unlocked and the
//!   provider's collateral is lost.

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorContext, ActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use num_traits::Zero;

use crate::escrow::LockReason;
use crate::policy::collateral_penalty_for_deal_activation_missed;
use crate::{DealProposal, DealState, State};

/// What a deal looks like to a settlement or cron visit.
pub enum LoadDealState {
    /// Not activated, and its start epoch is still ahead: nothing to do yet.
    TooEarly,
    /// Not activated by its start epoch: removed now, with this much provider collateral lost.
    ProposalExpired(TokenAmount),
    /// Activated.
    Loaded(DealState),
}

/// The outcome of paying a deal up to some epoch.
pub struct DealUpdate {
    /// Provider collateral lost (only for a deal marked terminated before FIP-0074).
    pub slashed: TokenAmount,
    /// Paid to the provider by this update (for a terminated deal, also the fee refunded).
    pub payment: TokenAmount,
    /// Whether the deal ran to its end.
    pub completed: bool,
    /// Whether the deal is finished and must be removed.
    pub remove: bool,
}

impl State {
    /// The state of an activated deal; for one never activated, either nothing yet (before
    /// its start epoch) or its time-out, processed now.
    pub fn get_active_deal_or_process_timeout<BS: Blockstore>(
        &mut self,
        store: &BS,
        curr_epoch: ChainEpoch,
        deal_id: DealID,
        proposal: &DealProposal,
        proposal_cid: &Cid,
    ) -> Result<LoadDealState, ActorError> {
        if let Some(state) = self.find_deal_state(store, deal_id)? {
            return Ok(LoadDealState::Loaded(state));
        }
        if curr_epoch < proposal.start_epoch {
            return Ok(LoadDealState::TooEarly);
        }
        let slashed = self.process_deal_init_timed_out(store, proposal)?;
        if self.remove_proposal(store, deal_id)?.is_none() {
            return Err(actor_error!(illegal_state;
                "failed to delete deal {} proposal {}: does not exist", deal_id, proposal_cid));
        }
        if !self.remove_pending_deal(store, proposal_cid)? {
            return Err(actor_error!(illegal_state;
                "failed to delete pending deal {}: cid {} does not exist", deal_id, proposal_cid));
        }
        self.remove_pending_deal_allocation_id(store, deal_id)?;
        Ok(LoadDealState::ProposalExpired(slashed))
    }

    /// Pays an active deal up to `epoch`, and ends it if it is past its end (or was marked
    /// terminated). The caller records the new `last_updated_epoch` or removes the deal.
    pub fn process_deal_update<BS: Blockstore>(
        &mut self,
        store: &BS,
        state: &DealState,
        deal: &DealProposal,
        proposal_cid: &Cid,
        epoch: ChainEpoch,
    ) -> Result<DealUpdate, ActorError> {
        let ever_updated = state.last_updated_epoch != EPOCH_UNDEFINED;
        let ever_slashed = state.slash_epoch != EPOCH_UNDEFINED;

        // The first update also drops the proposal from the pending set, if still there.
        if !ever_updated {
            self.remove_pending_deal(store, proposal_cid)?;
        }
        if ever_updated && state.last_updated_epoch > epoch {
            return Err(actor_error!(illegal_state;
                "deal updated at future epoch {}", state.last_updated_epoch));
        }
        // Settled before it started: a harmless no-op.
        if deal.start_epoch > epoch {
            return Ok(DealUpdate {
                slashed: TokenAmount::zero(),
                payment: TokenAmount::zero(),
                completed: false,
                remove: false,
            });
        }

        let payment_end = if ever_slashed {
            if epoch < state.slash_epoch {
                return Err(actor_error!(illegal_state;
                    "current epoch less than deal slash epoch {}", state.slash_epoch));
            }
            if state.slash_epoch > deal.end_epoch {
                return Err(actor_error!(illegal_state;
                    "deal slash epoch {} after deal end {}", state.slash_epoch, deal.end_epoch));
            }
            state.slash_epoch
        } else {
            epoch.min(deal.end_epoch)
        };
        let payment_start = if ever_updated && state.last_updated_epoch > deal.start_epoch {
            state.last_updated_epoch
        } else {
            deal.start_epoch
        };
        let elapsed_payment = &deal.storage_price_per_epoch * (payment_end - payment_start);
        if elapsed_payment.is_positive() {
            self.transfer_balance(store, &deal.client, &deal.provider, &elapsed_payment)?;
        }

        if ever_slashed {
            let refund = self.settle_termination(store, deal, state.slash_epoch)?;
            return Ok(DealUpdate {
                slashed: deal.provider_collateral.clone(),
                payment: refund + elapsed_payment,
                completed: false,
                remove: true,
            });
        }
        if epoch >= deal.end_epoch {
            self.process_deal_expired(store, deal, state)?;
            return Ok(DealUpdate {
                slashed: TokenAmount::zero(),
                payment: elapsed_payment,
                completed: true,
                remove: true,
            });
        }
        Ok(DealUpdate {
            slashed: TokenAmount::zero(),
            payment: elapsed_payment,
            completed: false,
            remove: false,
        })
    }

    /// Ends a deal terminated at `state.slash_epoch`: pays what is owed up to then, and returns
    /// the provider collateral lost.
    pub fn process_slashed_deal<BS: Blockstore>(
        &mut self,
        store: &BS,
        proposal: &DealProposal,
        state: &DealState,
    ) -> Result<TokenAmount, ActorError> {
        let payment_start = proposal.start_epoch.max(state.last_updated_epoch);
        let payment_end = proposal.end_epoch.min(state.slash_epoch);
        let elapsed = (payment_end - payment_start).max(0);
        let payment = &proposal.storage_price_per_epoch * elapsed;
        if payment.is_positive() {
            self.transfer_balance(store, &proposal.client, &proposal.provider, &payment)?;
        }
        self.settle_termination(store, proposal, state.slash_epoch)?;
        Ok(proposal.provider_collateral.clone())
    }

    /// Unlocks the client's unpaid fee after `slash_epoch` and its collateral, and slashes the
    /// provider's collateral. Returns the fee unlocked.
    fn settle_termination<BS: Blockstore>(
        &mut self,
        store: &BS,
        deal: &DealProposal,
        slash_epoch: ChainEpoch,
    ) -> Result<TokenAmount, ActorError> {
        let remaining = deal_get_payment_remaining(deal, slash_epoch)?;
        self.unlock_balance(
            store,
            &deal.client,
            &remaining,
            LockReason::ClientStorageFee,
        )
        .context("unlocking client storage fee")?;
        self.unlock_balance(
            store,
            &deal.client,
            &deal.client_collateral,
            LockReason::ClientCollateral,
        )
        .context("unlocking client collateral")?;
        self.slash_balance(
            store,
            &deal.provider,
            &deal.provider_collateral,
            LockReason::ProviderCollateral,
        )
        .context("slashing balance")?;
        Ok(remaining)
    }

    /// A deal not activated by its start epoch: the client's fee and collateral are unlocked,
    /// the provider's collateral penalty is slashed and the rest unlocked. Returns the penalty.
    pub fn process_deal_init_timed_out<BS: Blockstore>(
        &mut self,
        store: &BS,
        deal: &DealProposal,
    ) -> Result<TokenAmount, ActorError> {
        self.unlock_balance(
            store,
            &deal.client,
            &deal.total_storage_fee(),
            LockReason::ClientStorageFee,
        )
        .context("unlocking client storage fee")?;
        self.unlock_balance(
            store,
            &deal.client,
            &deal.client_collateral,
            LockReason::ClientCollateral,
        )
        .context("unlocking client collateral")?;

        let penalty = collateral_penalty_for_deal_activation_missed(&deal.provider_collateral);
        let rest = &deal.provider_collateral - &penalty;
        self.slash_balance(
            store,
            &deal.provider,
            &penalty,
            LockReason::ProviderCollateral,
        )
        .context("slashing balance")?;
        self.unlock_balance(store, &deal.provider, &rest, LockReason::ProviderCollateral)
            .context("unlocking deal provider balance")?;
        Ok(penalty)
    }

    /// A deal past its end: both collaterals are unlocked (the fee was paid as it went).
    fn process_deal_expired<BS: Blockstore>(
        &mut self,
        store: &BS,
        deal: &DealProposal,
        state: &DealState,
    ) -> Result<(), ActorError> {
        if state.sector_start_epoch == EPOCH_UNDEFINED {
            return Err(actor_error!(illegal_state; "start sector epoch undefined"));
        }
        self.unlock_balance(
            store,
            &deal.provider,
            &deal.provider_collateral,
            LockReason::ProviderCollateral,
        )
        .context("unlocking deal provider balance")?;
        self.unlock_balance(
            store,
            &deal.client,
            &deal.client_collateral,
            LockReason::ClientCollateral,
        )
        .context("unlocking deal client balance")?;
        Ok(())
    }
}

/// The storage fee still owed after `slash_epoch` (from the start epoch if the deal had not
/// started).
pub fn deal_get_payment_remaining(
    deal: &DealProposal,
    slash_epoch: ChainEpoch,
) -> Result<TokenAmount, ActorError> {
    if slash_epoch > deal.end_epoch {
        return Err(actor_error!(illegal_state;
            "deal slash epoch {} after end epoch {}", slash_epoch, deal.end_epoch));
    }
    let from = slash_epoch.max(deal.start_epoch);
    Ok(&deal.storage_price_per_epoch * (deal.end_epoch - from))
}
