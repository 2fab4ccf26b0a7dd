//! The storage market as its users drive it: escrow added by clients and providers, deal
//! proposals signed by the client's key (both engines verify the signature for real), published
//! by the provider's worker, and pieces that name deals for `ProveCommitSectors3`. The FIP-0083
//! events the market and the verified registry emit are written out here entry by entry, from
//! the FIP's tables, for the scenarios to compare with what the engines return.

use anyhow::ensure;
use cid::Cid;
use fil_actor_market::{
    AddBalanceParams, BalanceTable, ClientDealProposal, DealProposal, Label, Method,
    PublishStorageDealsParams, State as MarketState,
};
use fil_actor_miner::{DataActivationNotification, PieceActivationManifest, VerifiedAllocationKey};
use fil_actors_runtime::builtin::{STORAGE_MARKET_ACTOR_ADDR, STORAGE_MARKET_ACTOR_ID};
use fvm_ipld_encoding::{to_vec, RawBytes, CBOR};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::event::{ActorEvent, Entry, Flags, StampedEvent};
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::{ActorID, MethodNum};
use serde::Serialize;
use test_vm::{actor_state, MessageResult, Msg, StoreRef, VM};

use crate::keys::SecpKey;
use crate::miner::apply_ok;

/// `from` calls `method` of the market with `params` (if any) and `value`.
pub fn call_market<P: Serialize>(
    vm: &mut dyn VM,
    from: Address,
    method: Method,
    params: Option<&P>,
    value: TokenAmount,
) -> anyhow::Result<MessageResult> {
    let mut msg = Msg::new(from, STORAGE_MARKET_ACTOR_ADDR, method as MethodNum).value(value);
    if let Some(params) = params {
        msg = msg.params(params)?;
    }
    vm.apply(&msg)
}

/// `from` adds `amount` to the escrow of `owner` (a client, or a provider's miner); it must
/// succeed.
pub fn add_balance(
    vm: &mut dyn VM,
    from: Address,
    owner: Address,
    amount: TokenAmount,
) -> anyhow::Result<MessageResult> {
    let params = AddBalanceParams {
        provider_or_client: owner,
    };
    let msg = Msg::new(
        from,
        STORAGE_MARKET_ACTOR_ADDR,
        Method::AddBalance as MethodNum,
    )
    .params(&params)?
    .value(amount);
    apply_ok(vm, &msg)
}

/// The terms of a deal a client proposes.
#[derive(Clone, Debug)]
pub struct Terms {
    pub piece_cid: Cid,
    pub piece_size: u64,
    pub verified: bool,
    pub start: ChainEpoch,
    pub end: ChainEpoch,
    pub price_per_epoch: TokenAmount,
    pub provider_collateral: TokenAmount,
    pub client_collateral: TokenAmount,
}

/// The proposal of `terms` between `client` and `provider`, labelled `label`.
pub fn proposal(client: Address, provider: Address, terms: &Terms, label: &str) -> DealProposal {
    DealProposal {
        piece_cid: terms.piece_cid,
        piece_size: PaddedPieceSize(terms.piece_size),
        verified_deal: terms.verified,
        client,
        provider,
        label: Label::String(label.to_string()),
        start_epoch: terms.start,
        end_epoch: terms.end,
        storage_price_per_epoch: terms.price_per_epoch.clone(),
        provider_collateral: terms.provider_collateral.clone(),
        client_collateral: terms.client_collateral.clone(),
    }
}

/// `proposal` signed by `key` over its CBOR encoding, as a client's wallet signs it.
pub fn signed_proposal(
    proposal: DealProposal,
    key: &SecpKey,
) -> anyhow::Result<ClientDealProposal> {
    let client_signature = key.sign(&to_vec(&proposal)?)?;
    Ok(ClientDealProposal {
        proposal,
        client_signature,
    })
}

/// The provider's `worker` publishes `deals`; returns the message's result, whatever its exit
/// code.
pub fn publish(
    vm: &mut dyn VM,
    worker: Address,
    deals: Vec<ClientDealProposal>,
) -> anyhow::Result<MessageResult> {
    let params = PublishStorageDealsParams { deals };
    call_market(
        vm,
        worker,
        Method::PublishStorageDeals,
        Some(&params),
        TokenAmount::from_atto(0),
    )
}

/// The market's state.
pub fn market_state(vm: &dyn VM) -> anyhow::Result<MarketState> {
    actor_state(vm, STORAGE_MARKET_ACTOR_ID)
}

/// An escrow account: its balance and the part of it locked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escrow {
    pub balance: TokenAmount,
    pub locked: TokenAmount,
}

/// The escrow of the actor `id`, read from the market's balance tables.
pub fn escrow(vm: &dyn VM, id: ActorID) -> anyhow::Result<Escrow> {
    let st = market_state(vm)?;
    let store = StoreRef(vm.store());
    let addr = Address::new_id(id);
    let balance = BalanceTable::load(&store, &st.escrow_table, "escrow")?.get(&addr)?;
    let locked = BalanceTable::load(&store, &st.locked_table, "locked")?.get(&addr)?;
    Ok(Escrow { balance, locked })
}

/// A piece of a sector that names deal `deal` to the market (and the verified allocation
/// `allocation` of `client`, for a verified deal).
pub fn deal_piece(
    cid: Cid,
    size: u64,
    deal: DealID,
    allocation: Option<(ActorID, u64)>,
) -> anyhow::Result<PieceActivationManifest> {
    Ok(PieceActivationManifest {
        cid,
        size: PaddedPieceSize(size),
        verified_allocation_key: allocation
            .map(|(client, id)| VerifiedAllocationKey { client, id }),
        notify: vec![DataActivationNotification {
            address: STORAGE_MARKET_ACTOR_ADDR,
            payload: RawBytes::serialize(deal)?,
        }],
    })
}

/// An event entry: `key`, `value` in CBOR, indexed by key and value when `value_indexed`, by key
/// only otherwise (the FIP's "Index Key + Value" and "Index Key").
pub fn entry<T: Serialize + ?Sized>(
    key: &str,
    value: &T,
    value_indexed: bool,
) -> anyhow::Result<Entry> {
    let flags = if value_indexed {
        Flags::FLAG_INDEXED_ALL
    } else {
        Flags::FLAG_INDEXED_KEY
    };
    Ok(Entry {
        flags,
        key: key.to_string(),
        codec: CBOR,
        value: to_vec(value)?,
    })
}

/// The event `$type` emitted by `emitter` with `entries` after the type.
pub fn event(
    emitter: ActorID,
    event_type: &str,
    entries: Vec<Entry>,
) -> anyhow::Result<StampedEvent> {
    let mut all = vec![entry("$type", event_type, true)?];
    all.extend(entries);
    Ok(StampedEvent::new(emitter, ActorEvent { entries: all }))
}

/// A market deal event (`deal-published`, `deal-activated`, `deal-terminated`,
/// `deal-completed`): the deal's ID, client and provider, all indexed.
pub fn deal_event(
    event_type: &str,
    deal: DealID,
    client: ActorID,
    provider: ActorID,
) -> anyhow::Result<StampedEvent> {
    event(
        STORAGE_MARKET_ACTOR_ID,
        event_type,
        vec![
            entry("id", &deal, true)?,
            entry("client", &client, true)?,
            entry("provider", &provider, true)?,
        ],
    )
}

/// The events `emitter` emitted in `result`, in order.
pub fn events_of(result: &MessageResult, emitter: ActorID) -> Vec<StampedEvent> {
    result
        .events
        .iter()
        .filter(|e| e.emitter == emitter)
        .cloned()
        .collect()
}

/// Requires `result` to have exit code 0.
pub fn ensure_ok(result: &MessageResult, what: &str) -> anyhow::Result<()> {
    ensure!(
        result.code.is_success(),
        "{what} failed with {}: {:?}",
        result.code,
        result.failure
    );
    Ok(())
}

mod deals_life;
pub use deals_life::{
    activated_deals, deals_life, ActivatedDeals, DealStep, DealsLifeOutcome, SECTOR_A, SECTOR_B,
};
