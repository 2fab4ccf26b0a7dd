//! Invariant checks over a whole market state, for tests and the test VM. Within the market:
//! proposals are well formed and carry ID addresses, deal IDs are below `next_id`, every deal
//! state and pending allocation belongs to a proposal, a proposal not activated is pending,
//! escrow covers what is locked, each participant's locked amount is exactly what its deals
//! require (collaterals and unpaid fees) and the three locked totals add up, the escrow total
//! fits in the actor's balance, deals not yet visited by cron are queued, and the
//! provider-sector index agrees with the deal states.
//!
//! What needs other actors (an active deal's sector is live at its provider, allocations exist
//! at the registry) is the cross-actor check's job: `StateSummary` gives it the deals, the
//! index and the balances.

use std::collections::{BTreeMap, BTreeSet};

use cid::Cid;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::SectorNumber;
use fvm_shared::ActorID;
use multihash_codetable::{Code, MultihashDigest};
use num_traits::Zero;

use crate::ext::verifreg::AllocationID;
use crate::policy::next_update_epoch;
use crate::{
    deal_cid_from_digest, is_piece_cid, load_sector_deals, DealProposal, DealState, State,
};

/// One deal as the state has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealSummary {
    pub proposal: DealProposal,
    /// The deal's state, once activated.
    pub state: Option<DealState>,
}

/// What the market state holds, for checks that span actors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateSummary {
    pub deals: BTreeMap<DealID, DealSummary>,
    /// Pending allocations: allocation ID to deal ID.
    pub alloc_id_to_deal_id: BTreeMap<AllocationID, DealID>,
    /// The provider-sector index.
    pub provider_sectors: BTreeMap<ActorID, BTreeMap<SectorNumber, Vec<DealID>>>,
    pub escrow: BTreeMap<Address, TokenAmount>,
    pub locked: BTreeMap<Address, TokenAmount>,
    pub pending_proposal_count: u64,
    pub deal_op_count: u64,
}

/// Checks every invariant of `state` with the actor's `balance` at `current_epoch`.
pub fn check_state_invariants<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    balance: &TokenAmount,
    current_epoch: ChainEpoch,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    let mut summary = StateSummary::default();
    for (name, total) in [
        (
            "client locked collateral",
            &state.total_client_locked_collateral,
        ),
        (
            "provider locked collateral",
            &state.total_provider_locked_collateral,
        ),
        ("client storage fee", &state.total_client_storage_fee),
    ] {
        acc.require(
            !total.is_negative(),
            format!("negative total {}: {}", name, total),
        );
    }

    let proposal_cids = check_proposals(state, store, &mut summary, &acc);
    check_deal_states(state, store, current_epoch, &mut summary, &acc);
    check_pending(state, store, &proposal_cids, &mut summary, &acc);
    check_balances(state, store, balance, &mut summary, &acc);
    check_deal_ops(policy, state, store, &mut summary, &acc);
    check_provider_sectors(state, store, current_epoch, &mut summary, &acc);
    (summary, acc)
}

/// Proposals: shape, ID addresses, IDs below `next_id`. Returns each proposal's CID.
fn check_proposals<BS: Blockstore>(
    state: &State,
    store: &BS,
    summary: &mut StateSummary,
    acc: &MessageAccumulator,
) -> BTreeMap<DealID, Cid> {
    let mut cids = BTreeMap::new();
    let proposals = match state.load_proposals(store) {
        Ok(p) => p,
        Err(e) => {
            acc.add(format!("error loading proposals: {}", e.msg()));
            return cids;
        }
    };
    let walk = proposals.for_each(|id, p| {
        let acc = acc.with_prefix(format!("deal {}: ", id));
        acc.require(
            id < state.next_id,
            format!("id not below next id {}", state.next_id),
        );
        acc.require(
            p.client.protocol() == Protocol::ID,
            format!("client {} is not an ID address", p.client),
        );
        acc.require(
            p.provider.protocol() == Protocol::ID,
            format!("provider {} is not an ID address", p.provider),
        );
        acc.require(
            is_piece_cid(&p.piece_cid),
            format!("piece CID {} is not a piece commitment", p.piece_cid),
        );
        acc.require(
            p.end_epoch > p.start_epoch,
            format!("end {} not after start {}", p.end_epoch, p.start_epoch),
        );
        match proposal_cid(p) {
            Ok(c) => {
                cids.insert(id, c);
            }
            Err(e) => acc.add(format!("cannot take CID: {}", e)),
        }
        summary.deals.insert(
            id,
            DealSummary {
                proposal: p.clone(),
                state: None,
            },
        );
        Ok(())
    });
    acc.require_no_error(walk, "error iterating proposals");
    cids
}

/// The CID the actor computes with the runtime's hash, computed directly.
fn proposal_cid(p: &DealProposal) -> Result<Cid, String> {
    let bytes = fvm_ipld_encoding::to_vec(p).map_err(|e| e.to_string())?;
    deal_cid_from_digest(Code::Blake2b256.digest(&bytes).digest()).map_err(|e| e.msg().to_string())
}

/// Deal states: epochs in order, a proposal for each.
fn check_deal_states<BS: Blockstore>(
    state: &State,
    store: &BS,
    current_epoch: ChainEpoch,
    summary: &mut StateSummary,
    acc: &MessageAccumulator,
) {
    let states = match state.load_deal_states(store) {
        Ok(s) => s,
        Err(e) => return acc.add(format!("error loading deal states: {}", e.msg())),
    };
    let walk = states.for_each(|id, s| {
        let acc = acc.with_prefix(format!("deal {} state: ", id));
        acc.require(
            s.sector_start_epoch >= 0,
            format!("activation epoch undefined: {:?}", s),
        );
        acc.require(
            s.sector_start_epoch <= current_epoch,
            format!("activated after current epoch {}: {:?}", current_epoch, s),
        );
        for (what, epoch) in [
            ("last updated", s.last_updated_epoch),
            ("slashed", s.slash_epoch),
        ] {
            acc.require(
                epoch == EPOCH_UNDEFINED
                    || (epoch >= s.sector_start_epoch && epoch <= current_epoch),
                format!(
                    "{} at {} outside activation..current {}: {:?}",
                    what, epoch, current_epoch, s
                ),
            );
        }
        match summary.deals.get_mut(&id) {
            Some(deal) => deal.state = Some(*s),
            None => acc.add("no proposal"),
        }
        Ok(())
    });
    acc.require_no_error(walk, "error iterating deal states");
}

/// Pending proposals and pending allocations: each belongs to a proposal not activated, and
/// every proposal not activated is pending.
fn check_pending<BS: Blockstore>(
    state: &State,
    store: &BS,
    proposal_cids: &BTreeMap<DealID, Cid>,
    summary: &mut StateSummary,
    acc: &MessageAccumulator,
) {
    let mut pending = BTreeSet::new();
    match state.load_pending_deals(store) {
        Ok(set) => acc.require_no_error(
            set.for_each(|c, _| {
                pending.insert(c);
                Ok(())
            }),
            "error iterating pending proposals",
        ),
        Err(e) => acc.add(format!("error loading pending proposals: {}", e.msg())),
    }
    summary.pending_proposal_count = pending.len() as u64;
    let known: BTreeSet<&Cid> = proposal_cids.values().collect();
    for c in &pending {
        acc.require(
            known.contains(c),
            format!("pending proposal {} has no proposal", c),
        );
    }
    for (id, deal) in &summary.deals {
        if deal.state.is_none() {
            let listed = proposal_cids.get(id).is_some_and(|c| pending.contains(c));
            acc.require(
                listed,
                format!("deal {} is neither activated nor pending", id),
            );
        }
    }

    let allocations = match state.load_pending_deal_allocation_ids(store) {
        Ok(m) => m,
        Err(e) => return acc.add(format!("error loading pending allocations: {}", e.msg())),
    };
    let walk = allocations.for_each(|deal, allocation| {
        match summary.deals.get(&deal) {
            None => acc.add(format!(
                "pending allocation {} of deal {} has no proposal",
                allocation, deal
            )),
            Some(d) => {
                acc.require(
                    d.proposal.verified_deal,
                    format!(
                        "deal {} has allocation {} but is not verified",
                        deal, allocation
                    ),
                );
                acc.require(
                    d.state.is_none(),
                    format!(
                        "deal {} is activated but has pending allocation {}",
                        deal, allocation
                    ),
                );
            }
        }
        if summary
            .alloc_id_to_deal_id
            .insert(*allocation, deal)
            .is_some()
        {
            acc.add(format!(
                "allocation {} is pending for two deals",
                allocation
            ));
        }
        Ok(())
    });
    acc.require_no_error(walk, "error iterating pending allocations");
}

/// Escrow and locked tables: each participant's locked amount is what its deals require and
/// is covered by its escrow; the locked totals add up; the escrow fits in the balance.
fn check_balances<BS: Blockstore>(
    state: &State,
    store: &BS,
    balance: &TokenAmount,
    summary: &mut StateSummary,
    acc: &MessageAccumulator,
) {
    for (name, table, out) in [
        (
            "escrow",
            state.load_escrow_table(store),
            &mut summary.escrow,
        ),
        (
            "locked",
            state.load_locked_table(store),
            &mut summary.locked,
        ),
    ] {
        match table {
            Ok(t) => acc.require_no_error(
                t.for_each(|addr, amount| {
                    out.insert(addr, amount.clone());
                    Ok(())
                }),
                format!("error iterating {} table", name),
            ),
            Err(e) => acc.add(format!("error loading {} table: {}", name, e.msg())),
        }
    }

    let mut required = BTreeMap::<Address, TokenAmount>::new();
    let (mut client_collateral, mut provider_collateral, mut storage_fee) = (
        TokenAmount::zero(),
        TokenAmount::zero(),
        TokenAmount::zero(),
    );
    for deal in summary.deals.values() {
        let p = &deal.proposal;
        let unpaid = unpaid_fee(p, deal.state.as_ref());
        *required.entry(p.client).or_default() += &p.client_collateral + &unpaid;
        *required.entry(p.provider).or_default() += &p.provider_collateral;
        client_collateral += &p.client_collateral;
        provider_collateral += &p.provider_collateral;
        storage_fee += unpaid;
    }
    acc.require(
        client_collateral == state.total_client_locked_collateral,
        format!(
            "total client locked collateral {} is not the deals' {}",
            state.total_client_locked_collateral, client_collateral
        ),
    );
    acc.require(
        provider_collateral == state.total_provider_locked_collateral,
        format!(
            "total provider locked collateral {} is not the deals' {}",
            state.total_provider_locked_collateral, provider_collateral
        ),
    );
    acc.require(
        storage_fee == state.total_client_storage_fee,
        format!(
            "total client storage fee {} is not the deals' unpaid fees {}",
            state.total_client_storage_fee, storage_fee
        ),
    );

    let mut locked_total = TokenAmount::zero();
    for (addr, locked) in &summary.locked {
        locked_total += locked;
        let escrow = summary.escrow.get(addr).cloned().unwrap_or_default();
        acc.require(
            &escrow >= locked,
            format!(
                "locked {} of {} exceeds its escrow {}",
                locked, addr, escrow
            ),
        );
    }
    let participants: BTreeSet<&Address> = summary.locked.keys().chain(required.keys()).collect();
    for addr in participants {
        let locked = summary.locked.get(addr).cloned().unwrap_or_default();
        let needed = required.get(addr).cloned().unwrap_or_default();
        acc.require(
            locked == needed,
            format!(
                "locked {} of {} is not what its deals require, {}",
                locked, addr, needed
            ),
        );
    }
    acc.require(
        locked_total == state.total_locked(),
        format!(
            "locked table total {} is not the sum of the locked totals {}",
            locked_total,
            state.total_locked()
        ),
    );
    let escrow_total: TokenAmount = summary.escrow.values().sum();
    acc.require(
        &escrow_total <= balance,
        format!(
            "escrow total {} exceeds the actor balance {}",
            escrow_total, balance
        ),
    );
}

/// The storage fee a deal has not paid yet: all of it until paid past its start, then what
/// remains after the last payment.
fn unpaid_fee(p: &DealProposal, state: Option<&DealState>) -> TokenAmount {
    let paid_to = match state {
        Some(s) if s.last_updated_epoch > p.start_epoch => s.last_updated_epoch.min(p.end_epoch),
        _ => p.start_epoch,
    };
    &p.storage_price_per_epoch * (p.end_epoch - paid_to)
}

/// The deal-ops queue: every deal whose first cron visit is still ahead is queued for it.
fn check_deal_ops<BS: Blockstore>(
    policy: &Policy,
    state: &State,
    store: &BS,
    summary: &mut StateSummary,
    acc: &MessageAccumulator,
) {
    let mut queued = BTreeMap::<ChainEpoch, BTreeSet<DealID>>::new();
    match state.load_deal_ops(store) {
        Ok(ops) => acc.require_no_error(
            ops.for_each(store, |epoch, deals| {
                summary.deal_op_count += deals.len() as u64;
                queued.insert(epoch, deals.into_iter().collect());
                Ok(())
            }),
            "error iterating deal ops",
        ),
        Err(e) => return acc.add(format!("error loading deal ops: {}", e.msg())),
    }
    for (epoch, deals) in &queued {
        acc.require(
            *epoch > state.last_cron,
            format!(
                "deal ops at epoch {} not after last cron {}",
                epoch, state.last_cron
            ),
        );
        for id in deals {
            acc.require(
                *id < state.next_id,
                format!("deal op at {} for deal {} never published", epoch, id),
            );
        }
    }
    for (id, deal) in &summary.deals {
        let first = next_update_epoch(*id, policy.deal_updates_interval, deal.proposal.start_epoch);
        if first > state.last_cron {
            let listed = queued.get(&first).is_some_and(|d| d.contains(id));
            acc.require(
                listed,
                format!("deal {} not queued for its first visit at {}", id, first),
            );
        }
    }
}

/// The provider-sector index: each entry is an activated deal of that provider in that sector,
/// listed once; each activated deal still running is listed.
fn check_provider_sectors<BS: Blockstore>(
    state: &State,
    store: &BS,
    current_epoch: ChainEpoch,
    summary: &mut StateSummary,
    acc: &MessageAccumulator,
) {
    let providers = match state.load_provider_sectors(store) {
        Ok(p) => p,
        Err(e) => return acc.add(format!("error loading provider sectors: {}", e.msg())),
    };
    let mut providers_seen = Vec::new();
    acc.require_no_error(
        providers.for_each(|provider, _| {
            providers_seen.push(provider);
            Ok(())
        }),
        "error iterating provider sectors",
    );
    for provider in providers_seen {
        let sectors = match load_sector_deals(store, &providers, provider) {
            Ok(s) => s,
            Err(e) => {
                acc.add(format!(
                    "error loading sectors of provider {}: {}",
                    provider,
                    e.msg()
                ));
                continue;
            }
        };
        let entry = summary.provider_sectors.entry(provider).or_default();
        acc.require_no_error(
            sectors.for_each(|sector, deals| {
                entry.insert(sector, deals.clone());
                Ok(())
            }),
            format!("error iterating sectors of provider {}", provider),
        );
        acc.require(
            !entry.is_empty(),
            format!("provider {} has an empty sector index", provider),
        );
    }

    let mut indexed = BTreeSet::<DealID>::new();
    for (provider, sectors) in &summary.provider_sectors {
        for (sector, deals) in sectors {
            let acc = acc.with_prefix(format!("provider {} sector {}: ", provider, sector));
            acc.require(
                deals.windows(2).all(|w| w[0] < w[1]),
                format!("deals {:?} not sorted and distinct", deals),
            );
            for id in deals {
                acc.require(indexed.insert(*id), format!("deal {} indexed twice", id));
                let Some(deal) = summary.deals.get(id) else {
                    acc.add(format!("deal {} has no proposal", id));
                    continue;
                };
                acc.require(
                    deal.proposal.provider == Address::new_id(*provider),
                    format!("deal {} is of provider {}", id, deal.proposal.provider),
                );
                match &deal.state {
                    Some(s) => acc.require(
                        s.sector_number == *sector,
                        format!("deal {} is in sector {}", id, s.sector_number),
                    ),
                    None => acc.add(format!("deal {} is not activated", id)),
                }
            }
        }
    }
    for (id, deal) in &summary.deals {
        if let Some(s) = &deal.state {
            let running =
                deal.proposal.end_epoch > current_epoch && s.slash_epoch == EPOCH_UNDEFINED;
            acc.require(
                !running || indexed.contains(id),
                format!("active deal {} missing from the provider-sector index", id),
            );
        }
    }
}
