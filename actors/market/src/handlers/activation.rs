//! Deals entering sectors, all called by the provider's miner:
//!
//! - `VerifyDealsForActivation`: at pre-commit, checks that each sector's deals can be activated
//!   in it and returns each sector's unsealed CID (CommD) computed from its deals.
//! - `BatchActivateDeals`: activates each sector's deals, all of a sector's or none, sectors
//!   independently, and returns FIP-0083's `BatchActivateDealsResult` (the activated deals as
//!   piece manifests, and optionally each sector's unsealed CID).
//! - `SectorContentChanged` (FIP-0076): the pieces of sectors activated or updated by
//!   `ProveCommitSectors3`/`ProveReplicaUpdates3` whose notification names a deal; each piece
//!   is accepted or refused on its own.
//!
//! An activated deal gets its state, leaves the pending allocations, joins the provider-sector
//! index, and is announced by `deal-activated`.

use std::collections::BTreeSet;

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorContext, ActorError, BatchReturnGen, Type};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PieceInfo;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber};

use super::{caller_id, deal_cid};
use crate::ext::miner::{
    PieceReturn, SectorContentChangedParams, SectorContentChangedReturn, SectorReturn,
};
use crate::{
    emit, get_proposal, ActivatedDeal, Actor, BatchActivateDealsParams, BatchActivateDealsResult,
    DealArray, DealMetaArray, DealProposal, DealState, PendingProposalsSet, SectorDealActivation,
    State, VerifyDealsForActivationParams, VerifyDealsForActivationReturn, EX_DEAL_EXPIRED,
    NO_ALLOCATION_ID,
};

impl Actor {
    pub fn verify_deals_for_activation(
        rt: &impl Runtime,
        params: VerifyDealsForActivationParams,
    ) -> Result<VerifyDealsForActivationReturn, ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::Miner))?;
        let miner = rt.message().caller();
        let curr_epoch = rt.curr_epoch();
        let st: State = rt.state()?;
        let proposals = st.load_proposals(rt.store())?;

        let mut unsealed_cids = Vec::with_capacity(params.sectors.len());
        for sector in &params.sectors {
            let sector_proposals = get_proposals(&proposals, &sector.deal_ids, st.next_id)?;
            let sector_size = sector.sector_type.sector_size().map_err(|e| {
                actor_error!(illegal_argument; "sector {} size unknown: {}", sector.sector_number, e)
            })?;
            let mut deal_space = BigInt::from(0);
            for (id, proposal) in &sector_proposals {
                validate_deal_can_activate(proposal, &miner, sector.sector_expiry, curr_epoch)
                    .with_context(|| {
                        format!(
                            "failed to validate deal proposals for activation: cannot activate deal {}",
                            id
                        )
                    })?;
                deal_space += proposal.piece_size.0;
            }
            if deal_space > BigInt::from(sector_size as u64) {
                return Err(actor_error!(illegal_argument;
                    "deals too large to fit in sector {} > {}", deal_space, sector_size as u64));
            }
            unsealed_cids.push(if sector_proposals.is_empty() {
                None
            } else {
                let pieces = sector_proposals.iter().map(|(_, p)| p);
                Some(compute_data_commitment(rt, pieces, sector.sector_type)?)
            });
        }
        Ok(VerifyDealsForActivationReturn { unsealed_cids })
    }

    pub fn batch_activate_deals(
        rt: &impl Runtime,
        params: BatchActivateDealsParams,
    ) -> Result<BatchActivateDealsResult, ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::Miner))?;
        let miner = rt.message().caller();
        let miner_id = caller_id(&miner)?;
        let curr_epoch = rt.curr_epoch();

        rt.transaction(|st: &mut State, rt| {
            let checker = ActivationCheck::load(st, rt.store(), miner, curr_epoch)?;
            let mut allocations = st.load_pending_deal_allocation_ids(rt.store())?;
            let mut results = BatchReturnGen::new(params.sectors.len());
            let mut activations = Vec::new();
            let mut new_states: Vec<(DealID, DealState)> = Vec::new();
            let mut sector_deals: Vec<(SectorNumber, Vec<DealID>)> = Vec::new();
            let mut activated_ids = BTreeSet::<DealID>::new();

            'sector: for sector in &params.sectors {
                let distinct: BTreeSet<&DealID> = sector.deal_ids.iter().collect();
                if distinct.len() != sector.deal_ids.len() {
                    results.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
                    continue;
                }
                // Every deal of the sector must be ready, or none is activated.
                let mut proposals = Vec::with_capacity(sector.deal_ids.len());
                for &id in &sector.deal_ids {
                    if activated_ids.contains(&id) {
                        results.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
                        continue 'sector;
                    }
                    match checker.preactivate(rt, id, sector.sector_expiry)? {
                        Ok(proposal) => proposals.push(proposal),
                        Err(e) => {
                            results.add_fail(e.exit_code());
                            continue 'sector;
                        }
                    }
                }

                let mut activated = Vec::with_capacity(proposals.len());
                for (&id, proposal) in sector.deal_ids.iter().zip(&proposals) {
                    activated_ids.insert(id);
                    let allocation_id = allocations.delete(&id)?.unwrap_or(NO_ALLOCATION_ID);
                    activated.push(ActivatedDeal {
                        client: proposal.client_id()?,
                        allocation_id,
                        data: proposal.piece_cid,
                        size: proposal.piece_size,
                    });
                    new_states.push((id, DealState::activated(sector.sector_number, curr_epoch)));
                }
                let unsealed_cid = if params.compute_cid && !proposals.is_empty() {
                    Some(compute_data_commitment(rt, &proposals, sector.sector_type)?)
                } else {
                    None
                };
                sector_deals.push((sector.sector_number, sector.deal_ids.clone()));
                activations.push(SectorDealActivation {
                    activated,
                    unsealed_cid,
                });
                for (&id, proposal) in sector.deal_ids.iter().zip(&proposals) {
                    emit::deal_activated(rt, id, proposal.client_id()?, miner_id)?;
                }
                results.add_success();
            }

            st.put_deal_states(rt.store(), &new_states)?;
            st.put_sector_deal_ids(rt.store(), miner_id, &sector_deals)?;
            st.pending_deal_allocation_ids = allocations.flush()?;
            Ok(BatchActivateDealsResult {
                activation_results: results.generate(),
                activations,
            })
        })
    }

    pub fn sector_content_changed(
        rt: &impl Runtime,
        params: SectorContentChangedParams,
    ) -> Result<SectorContentChangedReturn, ActorError> {
        rt.validate_immediate_caller_type(std::iter::once(&Type::Miner))?;
        let miner = rt.message().caller();
        let miner_id = caller_id(&miner)?;
        let curr_epoch = rt.curr_epoch();

        rt.transaction(|st: &mut State, rt| {
            let checker = ActivationCheck::load(st, rt.store(), miner, curr_epoch)?;
            let mut allocations = st.load_pending_deal_allocation_ids(rt.store())?;
            let mut new_states: Vec<(DealID, DealState)> = Vec::new();
            let mut sector_deals: Vec<(SectorNumber, Vec<DealID>)> = Vec::new();
            let mut activated_ids = BTreeSet::<DealID>::new();
            let mut sectors_ret = Vec::with_capacity(params.sectors.len());

            for sector in &params.sectors {
                let mut deal_ids = Vec::new();
                let mut added = Vec::with_capacity(sector.added.len());
                for piece in &sector.added {
                    // A piece whose payload is not a deal ID, or names a deal that cannot be
                    // activated with this piece in this sector, is refused.
                    let Ok(id) = piece.payload.deserialize::<DealID>() else {
                        added.push(PieceReturn { accepted: false });
                        continue;
                    };
                    if activated_ids.contains(&id) {
                        added.push(PieceReturn { accepted: false });
                        continue;
                    }
                    let proposal =
                        match checker.preactivate(rt, id, sector.minimum_commitment_epoch)? {
                            Ok(p) => p,
                            Err(_) => {
                                added.push(PieceReturn { accepted: false });
                                continue;
                            }
                        };
                    if piece.data != proposal.piece_cid || piece.size != proposal.piece_size {
                        added.push(PieceReturn { accepted: false });
                        continue;
                    }

                    activated_ids.insert(id);
                    emit::deal_activated(rt, id, proposal.client_id()?, miner_id)?;
                    allocations.delete(&id)?;
                    new_states.push((id, DealState::activated(sector.sector, curr_epoch)));
                    deal_ids.push(id);
                    added.push(PieceReturn { accepted: true });
                }
                sector_deals.push((sector.sector, deal_ids));
                sectors_ret.push(SectorReturn { added });
            }

            st.put_deal_states(rt.store(), &new_states)?;
            st.put_sector_deal_ids(rt.store(), miner_id, &sector_deals)?;
            st.pending_deal_allocation_ids = allocations.flush()?;
            Ok(SectorContentChangedReturn {
                sectors: sectors_ret,
            })
        })
    }
}

/// The collections an activation reads, loaded once for a whole batch.
struct ActivationCheck<BS: Blockstore> {
    proposals: DealArray<BS>,
    states: DealMetaArray<BS>,
    pending: PendingProposalsSet<BS>,
    next_id: DealID,
    provider: Address,
    curr_epoch: ChainEpoch,
}

impl<'bs, BS: Blockstore> ActivationCheck<&'bs BS> {
    fn load(
        st: &State,
        store: &'bs BS,
        provider: Address,
        curr_epoch: ChainEpoch,
    ) -> Result<Self, ActorError> {
        Ok(ActivationCheck {
            proposals: st.load_proposals(store)?,
            states: st.load_deal_states(store)?,
            pending: st.load_pending_deals(store)?,
            next_id: st.next_id,
            provider,
            curr_epoch,
        })
    }

    /// Whether deal `id` can be activated now in a sector committed until `sector_expiry`.
    /// The outer error aborts the message (broken state); the inner one fails only this deal.
    fn preactivate(
        &self,
        rt: &impl Runtime,
        id: DealID,
        sector_expiry: ChainEpoch,
    ) -> Result<Result<DealProposal, ActorError>, ActorError> {
        let proposal = match get_proposal(&self.proposals, id, self.next_id) {
            Ok(p) => p,
            Err(e)
                if e.exit_code() == ExitCode::USR_NOT_FOUND || e.exit_code() == EX_DEAL_EXPIRED =>
            {
                return Ok(Err(e))
            }
            Err(e) => return Err(e),
        };
        if let Err(e) =
            validate_deal_can_activate(&proposal, &self.provider, sector_expiry, self.curr_epoch)
        {
            return Ok(Err(e.wrap(format!("cannot activate deal {}", id))));
        }
        if self.states.get(id)?.is_some() {
            return Ok(Err(
                actor_error!(illegal_argument; "deal {} already activated", id),
            ));
        }
        // A proposal without a state is pending; anything else is a broken invariant, which
        // still fails only this deal, as in v18.
        let cid = deal_cid(rt, &proposal)?;
        if !self.pending.contains_key(&cid)? {
            return Ok(Err(
                actor_error!(illegal_state; "deal {} is not in pending set", cid),
            ));
        }
        Ok(Ok(proposal))
    }
}

/// The proposals of a sector's deals; a deal named twice is refused.
fn get_proposals<BS: Blockstore>(
    proposals: &DealArray<BS>,
    ids: &[DealID],
    next_id: DealID,
) -> Result<Vec<(DealID, DealProposal)>, ActorError> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .map(|&id| {
            if !seen.insert(id) {
                return Err(actor_error!(illegal_argument; "duplicate deal ID {} in sector", id));
            }
            Ok((id, get_proposal(proposals, id, next_id)?))
        })
        .collect()
}

/// A deal can enter a sector of its own provider, before its start epoch, if the sector lasts
/// at least until the deal's end.
fn validate_deal_can_activate(
    proposal: &DealProposal,
    miner: &Address,
    sector_expiry: ChainEpoch,
    curr_epoch: ChainEpoch,
) -> Result<(), ActorError> {
    if &proposal.provider != miner {
        return Err(actor_error!(forbidden;
            "proposal has provider {}, must be {}", proposal.provider, miner));
    }
    if curr_epoch > proposal.start_epoch {
        // The code of a proposal already cleaned up from state.
        return Err(ActorError::unchecked(
            EX_DEAL_EXPIRED,
            format!(
                "proposal start epoch {} has already elapsed at {}",
                proposal.start_epoch, curr_epoch
            ),
        ));
    }
    if proposal.end_epoch > sector_expiry {
        return Err(actor_error!(illegal_argument;
            "proposal expiration {} exceeds sector expiration {}", proposal.end_epoch, sector_expiry));
    }
    Ok(())
}

/// The unsealed CID of a sector holding these deals' pieces, in order.
fn compute_data_commitment<'a>(
    rt: &impl Runtime,
    proposals: impl IntoIterator<Item = &'a DealProposal>,
    sector_type: RegisteredSealProof,
) -> Result<Cid, ActorError> {
    let pieces: Vec<PieceInfo> = proposals
        .into_iter()
        .map(|p| PieceInfo {
            cid: p.piece_cid,
            size: p.piece_size,
        })
        .collect();
    rt.compute_unsealed_sector_cid(sector_type, &pieces)
        .map_err(|e| actor_error!(illegal_argument; "failed to compute unsealed sector CID: {}", e))
}
