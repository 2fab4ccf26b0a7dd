//! The market's state root (v18's 13 fields, in v18's order) and its deal collections: the
//! proposals and deal states (AMTs of bit widths 5 and 6), the set of pending proposal CIDs, and
//! the verified allocations of deals not yet activated (HAMTs of bit width 5).
//!
//! The other collections have their own modules: the escrow and locked tables with the fund
//! movements (`escrow.rs`), the deal-ops queue (`deal_ops.rs`), the provider-sector index
//! (`provider_sectors.rs`), and deal payments and endings (`settlement.rs`).

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError, Array, Map};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;

use crate::balance_table::BalanceTable;
use crate::ext::verifreg::AllocationID;
use crate::{DealProposal, DealState, EX_DEAL_EXPIRED};

/// Bit width of the proposals AMT.
pub const PROPOSALS_AMT_BITWIDTH: u32 = 5;
/// Bit width of the deal states AMT.
pub const STATES_AMT_BITWIDTH: u32 = 6;

/// Proposals by deal ID.
pub type DealArray<BS> = Array<BS, DealProposal>;
/// Deal states by deal ID.
pub type DealMetaArray<BS> = Array<BS, DealState>;
/// CIDs of proposals published and not yet activated or timed out. v18's sets are HAMTs whose
/// values are CBOR null (the unit value), which the runtime's `Set` does not write.
pub type PendingProposalsSet<BS> = Map<BS, Cid, ()>;
/// Verified allocation IDs by deal ID, for deals not yet activated.
pub type PendingAllocationsMap<BS> = Map<BS, DealID, AllocationID>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    /// Proposals of deals published and not yet finished: AMT of `DealProposal`.
    pub proposals: Cid,
    /// States of activated deals: AMT of `DealState`. Its keys are a subset of the proposals'.
    pub states: Cid,
    /// Proposals not yet activated or timed out, by CID, so a proposal is published once.
    pub pending_proposals: Cid,
    /// Funds held for each participant, locked or not.
    pub escrow_table: Cid,
    /// The locked part of each participant's escrow.
    pub locked_table: Cid,
    /// The next deal ID to hand out.
    pub next_id: DealID,
    /// Deal IDs by the epoch cron visits them: HAMT of epoch to a set of deal IDs.
    pub deal_ops_by_epoch: Cid,
    /// The last epoch cron processed.
    pub last_cron: ChainEpoch,
    /// Sum of the client collateral locked in deals.
    pub total_client_locked_collateral: TokenAmount,
    /// Sum of the provider collateral locked in deals.
    pub total_provider_locked_collateral: TokenAmount,
    /// Sum of the storage fees locked and not yet paid.
    pub total_client_storage_fee: TokenAmount,
    /// Verified allocation IDs of deals not yet activated.
    pub pending_deal_allocation_ids: Cid,
    /// Deals by provider and sector: HAMT of provider ID to a HAMT of sector number to deal IDs.
    pub provider_sectors: Cid,
}

impl State {
    /// The state of a new market: every collection empty, cron never run.
    pub fn new<BS: Blockstore>(store: &BS) -> Result<Self, ActorError> {
        let empty_map = Map::<_, u64, u64>::flush_empty(store)?;
        let empty_balances = BalanceTable::empty(store, "balance table").flush()?;
        Ok(State {
            proposals: DealArray::flush_empty(store, PROPOSALS_AMT_BITWIDTH)?,
            states: DealMetaArray::flush_empty(store, STATES_AMT_BITWIDTH)?,
            pending_proposals: empty_map,
            escrow_table: empty_balances,
            locked_table: empty_balances,
            next_id: 0,
            deal_ops_by_epoch: empty_map,
            last_cron: EPOCH_UNDEFINED,
            total_client_locked_collateral: TokenAmount::default(),
            total_provider_locked_collateral: TokenAmount::default(),
            total_client_storage_fee: TokenAmount::default(),
            pending_deal_allocation_ids: empty_map,
            provider_sectors: empty_map,
        })
    }

    /// Everything locked: both collaterals and the unpaid storage fees.
    pub fn total_locked(&self) -> TokenAmount {
        &self.total_client_locked_collateral
            + &self.total_provider_locked_collateral
            + &self.total_client_storage_fee
    }

    /// Hands out the next deal ID.
    pub fn generate_storage_deal_id(&mut self) -> DealID {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    // --- proposals ---

    pub fn load_proposals<BS: Blockstore>(&self, store: BS) -> Result<DealArray<BS>, ActorError> {
        DealArray::load(store, &self.proposals, "deal proposals")
    }

    /// The proposal of deal `id`; `EX_DEAL_EXPIRED` for an ID handed out and since removed,
    /// `USR_NOT_FOUND` for one never handed out.
    pub fn get_proposal<BS: Blockstore>(
        &self,
        store: &BS,
        id: DealID,
    ) -> Result<DealProposal, ActorError> {
        get_proposal(&self.load_proposals(store)?, id, self.next_id)
    }

    pub fn find_proposal<BS: Blockstore>(
        &self,
        store: &BS,
        id: DealID,
    ) -> Result<Option<DealProposal>, ActorError> {
        Ok(self.load_proposals(store)?.get(id)?.cloned())
    }

    pub fn put_deal_proposals<BS: Blockstore>(
        &mut self,
        store: &BS,
        proposals: &[(DealID, DealProposal)],
    ) -> Result<(), ActorError> {
        let mut array = self.load_proposals(store)?;
        for (id, proposal) in proposals {
            array.set(*id, proposal.clone())?;
        }
        self.proposals = array.flush()?;
        Ok(())
    }

    pub fn remove_proposal<BS: Blockstore>(
        &mut self,
        store: &BS,
        id: DealID,
    ) -> Result<Option<DealProposal>, ActorError> {
        let mut array = self.load_proposals(store)?;
        let removed = array.delete(id)?;
        self.proposals = array.flush()?;
        Ok(removed)
    }

    // --- deal states ---

    pub fn load_deal_states<BS: Blockstore>(
        &self,
        store: BS,
    ) -> Result<DealMetaArray<BS>, ActorError> {
        DealMetaArray::load(store, &self.states, "deal states")
    }

    pub fn find_deal_state<BS: Blockstore>(
        &self,
        store: &BS,
        id: DealID,
    ) -> Result<Option<DealState>, ActorError> {
        Ok(self.load_deal_states(store)?.get(id)?.copied())
    }

    pub fn put_deal_states<BS: Blockstore>(
        &mut self,
        store: &BS,
        states: &[(DealID, DealState)],
    ) -> Result<(), ActorError> {
        let mut array = self.load_deal_states(store)?;
        for (id, state) in states {
            array.set(*id, *state)?;
        }
        self.states = array.flush()?;
        Ok(())
    }

    pub fn remove_deal_state<BS: Blockstore>(
        &mut self,
        store: &BS,
        id: DealID,
    ) -> Result<Option<DealState>, ActorError> {
        let mut array = self.load_deal_states(store)?;
        let removed = array.delete(id)?;
        self.states = array.flush()?;
        Ok(removed)
    }

    /// Removes a finished deal's proposal and state, both of which must exist.
    pub fn remove_completed_deal<BS: Blockstore>(
        &mut self,
        store: &BS,
        id: DealID,
    ) -> Result<(), ActorError> {
        if self.remove_deal_state(store, id)?.is_none() {
            return Err(actor_error!(illegal_state;
                "failed to delete deal {} state: does not exist", id));
        }
        if self.remove_proposal(store, id)?.is_none() {
            return Err(actor_error!(illegal_state;
                "failed to delete deal {} proposal: does not exist", id));
        }
        Ok(())
    }

    // --- pending proposals ---

    pub fn load_pending_deals<BS: Blockstore>(
        &self,
        store: BS,
    ) -> Result<PendingProposalsSet<BS>, ActorError> {
        PendingProposalsSet::load(store, &self.pending_proposals, "pending proposals")
    }

    pub fn has_pending_deal<BS: Blockstore>(
        &self,
        store: &BS,
        proposal_cid: &Cid,
    ) -> Result<bool, ActorError> {
        self.load_pending_deals(store)?.contains_key(proposal_cid)
    }

    pub fn put_pending_deals<BS: Blockstore>(
        &mut self,
        store: &BS,
        proposal_cids: &[Cid],
    ) -> Result<(), ActorError> {
        let mut set = self.load_pending_deals(store)?;
        for c in proposal_cids {
            set.set(c, ())?;
        }
        self.pending_proposals = set.flush()?;
        Ok(())
    }

    /// Removes a pending proposal; returns whether it was there.
    pub fn remove_pending_deal<BS: Blockstore>(
        &mut self,
        store: &BS,
        proposal_cid: &Cid,
    ) -> Result<bool, ActorError> {
        let mut set = self.load_pending_deals(store)?;
        let removed = set.delete(proposal_cid)?.is_some();
        self.pending_proposals = set.flush()?;
        Ok(removed)
    }

    // --- allocations of pending verified deals ---

    pub fn load_pending_deal_allocation_ids<BS: Blockstore>(
        &self,
        store: BS,
    ) -> Result<PendingAllocationsMap<BS>, ActorError> {
        PendingAllocationsMap::load(
            store,
            &self.pending_deal_allocation_ids,
            "pending deal allocations",
        )
    }

    pub fn put_pending_deal_allocation_ids<BS: Blockstore>(
        &mut self,
        store: &BS,
        allocations: &[(DealID, AllocationID)],
    ) -> Result<(), ActorError> {
        let mut map = self.load_pending_deal_allocation_ids(store)?;
        for (deal, allocation) in allocations {
            map.set(deal, *allocation)?;
        }
        self.pending_deal_allocation_ids = map.flush()?;
        Ok(())
    }

    pub fn remove_pending_deal_allocation_id<BS: Blockstore>(
        &mut self,
        store: &BS,
        deal: DealID,
    ) -> Result<Option<AllocationID>, ActorError> {
        let mut map = self.load_pending_deal_allocation_ids(store)?;
        let removed = map.delete(&deal)?;
        self.pending_deal_allocation_ids = map.flush()?;
        Ok(removed)
    }
}

/// The proposal of deal `id` in `proposals`, with the exit code that tells a removed deal
/// (`EX_DEAL_EXPIRED`) from one never published (`USR_NOT_FOUND`).
pub fn get_proposal<BS: Blockstore>(
    proposals: &DealArray<BS>,
    id: DealID,
    next_id: DealID,
) -> Result<DealProposal, ActorError> {
    match proposals.get(id)? {
        Some(p) => Ok(p.clone()),
        None if id < next_id => Err(ActorError::unchecked(
            EX_DEAL_EXPIRED,
            format!("deal {} expired", id),
        )),
        None => Err(ActorError::not_found(format!("no such deal {}", id))),
    }
}
