//! The market in the whole-tree check: its own invariants (from its crate's `testing` module:
//! escrow covers what is locked, each participant's locked funds are exactly what its deals
//! require and the locked totals add up, the escrow total fits in the actor's balance), and what
//! spans the market and the miners:
//!
//! - each deal still running (activated, not terminated, its end after the last cron tick) is
//!   in a live sector of its provider (a sector in a partition and not terminated) that does not
//!   expire before the deal ends;
//! - the provider-sector index names miners, and each indexed sector is live at its miner unless
//!   all its deals have ended (a sector expires no earlier than its deals' end, and the market
//!   keeps the entry until their last settlement).
//!
//! A sector expires in the cron tick of an epoch at or after its expiration, which is at or after
//! its deals' end, so a deal ending after the last tick cannot have lost its sector by expiry.

use std::collections::BTreeMap;

use cid::Cid;
use fil_actors_runtime::builtin::{Type, STORAGE_MARKET_ACTOR_ID};
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::sector::SectorNumber;
use fvm_shared::ActorID;

use crate::{constructed, decode_state, ActorTable};

/// A miner's live sectors and their expirations.
type LiveSectors = BTreeMap<SectorNumber, ChainEpoch>;

pub(crate) fn check_market<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    policy: &Policy,
    last_tick: ChainEpoch,
    epoch: ChainEpoch,
    acc: &MessageAccumulator,
) {
    let Some(actor) = constructed(
        actors,
        code_types,
        STORAGE_MARKET_ACTOR_ID,
        Type::Market,
        acc,
    ) else {
        return;
    };
    let Some(state) = decode_state::<_, fil_actor_market::State>(store, actor, acc) else {
        return;
    };
    // The market's own bounds on activation and update epochs hold at the current epoch.
    let (summary, own) = fil_actor_market::testing::check_state_invariants(
        policy,
        &state,
        store,
        &actor.balance,
        epoch,
    );
    for msg in own.messages() {
        acc.add(msg);
    }

    let mut miners: BTreeMap<ActorID, Option<LiveSectors>> = BTreeMap::new();
    let mut live_at = |provider: ActorID| -> Option<LiveSectors> {
        miners
            .entry(provider)
            .or_insert_with(|| live_sectors(store, actors, code_types, provider, acc))
            .clone()
    };

    for (id, deal) in &summary.deals {
        let Some(ds) = &deal.state else {
            continue;
        };
        if ds.slash_epoch != EPOCH_UNDEFINED || deal.proposal.end_epoch <= last_tick {
            continue;
        }
        let Ok(provider) = deal.proposal.provider.id() else {
            continue; // The market's own check reports a non-ID provider.
        };
        let Some(live) = live_at(provider) else {
            acc.add(format!("deal {id}: provider {provider} is not a miner"));
            continue;
        };
        match live.get(&ds.sector_number) {
            None => acc.add(format!(
                "deal {id}: sector {} of provider {provider} is not live",
                ds.sector_number
            )),
            Some(expiration) => acc.require(
                *expiration >= deal.proposal.end_epoch,
                format!(
                    "deal {id}: sector {} expires at {expiration}, before the deal's end {}",
                    ds.sector_number, deal.proposal.end_epoch
                ),
            ),
        }
    }

    for (provider, sectors) in &summary.provider_sectors {
        let Some(live) = live_at(*provider) else {
            acc.add(format!("provider-sector index: {provider} is not a miner"));
            continue;
        };
        for (sector, deals) in sectors {
            let running = deals.iter().any(|id| {
                summary
                    .deals
                    .get(id)
                    .is_some_and(|d| d.proposal.end_epoch > last_tick)
            });
            acc.require(
                !running || live.contains_key(sector),
                format!(
                    "provider-sector index: sector {sector} of miner {provider} holds running deals {deals:?} but is not live"
                ),
            );
        }
    }
}

/// The live sectors of miner `id` (each partition's sectors less its terminated ones) with their
/// expirations; `None` if `id` is not a miner. Errors reading the miner are the miner check's.
fn live_sectors<BS: Blockstore>(
    store: &BS,
    actors: &ActorTable,
    code_types: &BTreeMap<Cid, Type>,
    id: ActorID,
    acc: &MessageAccumulator,
) -> Option<LiveSectors> {
    let actor = actors.get(&id)?;
    if code_types.get(&actor.code) != Some(&Type::Miner) {
        return None;
    }
    let quiet = MessageAccumulator::default();
    let st = decode_state::<_, fil_actor_miner::State>(store, actor, &quiet)?;
    let mut live = LiveSectors::new();
    let mut read = || -> Result<(), fil_actors_runtime::ActorError> {
        let deadlines = st.load_deadlines(store)?;
        let sectors = fil_actor_miner::Sectors::load(store, &st.sectors)?;
        for d in 0..deadlines.due.len() as u64 {
            let deadline = deadlines.load_deadline(store, d)?;
            deadline.for_each(store, |_, partition| {
                for n in (&partition.sectors - &partition.terminated).iter() {
                    if let Some(info) = sectors.get(n)? {
                        live.insert(n, info.expiration);
                    }
                }
                Ok(())
            })?;
        }
        Ok(())
    };
    if let Err(e) = read() {
        acc.add(format!("miner {id}: cannot read its sectors: {}", e.msg()));
    }
    Some(live)
}
