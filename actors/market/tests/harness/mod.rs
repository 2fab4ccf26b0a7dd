//! Shared set-up for the market's unit tests on the mock runtime: a market with two providers
//! (miners with an owner, a worker and a control address) and three clients, deal proposals
//! with valid piece CIDs, one helper per method (caller, expected sends and events, call), the
//! FIP-0083 deal events built by hand from the seed's table, and `check_state` running the
//! state invariants. Each test binary uses a subset of it.
#![allow(dead_code)]

use cid::multihash::Multihash;
use cid::Cid;
use fil_actor_market::ext::miner::{
    GetControlAddressesReturn, IsControllingAddressParam, IsControllingAddressReturn,
};
use fil_actor_market::ext::verifreg::{AllocationRequest, AllocationRequests, AllocationsResponse};
use fil_actor_market::testing::check_state_invariants;
use fil_actor_market::{
    ext, Actor, ClientDealProposal, DealProposal, DealState, Label, MarketNotifyDealParams, Method,
    PublishStorageDealsParams, PublishStorageDealsReturn, State,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, ExpectedSend, MockRuntime};
use fil_actors_runtime::{
    ActorError, BatchReturn, FilterEstimate, Type, BURNT_FUNDS_ACTOR_ADDR, CRON_ACTOR_ADDR,
    DATACAP_TOKEN_ACTOR_ADDR, REWARD_ACTOR_ADDR, STORAGE_MARKET_ACTOR_ADDR,
    STORAGE_POWER_ACTOR_ADDR, SYSTEM_ACTOR_ADDR, VERIFIED_REGISTRY_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::commcid::{FIL_COMMITMENT_UNSEALED, SHA2_256_TRUNC254_PADDED};
use fvm_shared::crypto::signature::Signature;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::{ActorEvent, Entry, Flags};
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::StoragePower;
use fvm_shared::sys::SendFlags;
use fvm_shared::{ActorID, MethodNum, METHOD_SEND};
use multihash_codetable::{Code, MultihashDigest};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const PROVIDER: Address = Address::new_id(1000);
pub const OWNER: Address = Address::new_id(100);
pub const WORKER: Address = Address::new_id(101);
pub const CONTROL: Address = Address::new_id(102);
pub const CLIENT: Address = Address::new_id(110);
pub const CLIENT2: Address = Address::new_id(111);
pub const CLIENT3: Address = Address::new_id(112);
/// A second provider, with its own owner and worker.
pub const PROVIDER2: Address = Address::new_id(2000);
pub const OWNER2: Address = Address::new_id(200);
pub const WORKER2: Address = Address::new_id(201);
/// An account that is no one's address.
pub const STRANGER: Address = Address::new_id(120);

/// The first deal's start epoch; deals last `DURATION`.
pub const START: ChainEpoch = 10_000;
/// 200 days: within the 180..1278-day bounds.
pub const DURATION: ChainEpoch = 200 * 2880;
pub const PIECE_SIZE: u64 = 2048;
/// The network figures the mocked reward and power actors report.
pub const BASELINE_POWER: u64 = 1 << 50;
pub const NETWORK_RAW_POWER: u64 = 1 << 40;
/// The first allocation ID the mocked verified registry hands out.
pub const FIRST_ALLOCATION_ID: u64 = 500;

pub fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

/// A piece CID (CommP) made from `seed`.
pub fn piece_cid(seed: u8) -> Cid {
    let hash = Multihash::wrap(SHA2_256_TRUNC254_PADDED, &[seed; 32]).unwrap();
    Cid::new_v1(FIL_COMMITMENT_UNSEALED, hash)
}

/// A runtime at the market's address, with the accounts and miners of the harness known and
/// the market constructed.
pub fn setup() -> MockRuntime {
    let rt = new_runtime();
    construct(&rt);
    rt
}

pub fn new_runtime() -> MockRuntime {
    let rt = MockRuntime::new(STORAGE_MARKET_ACTOR_ADDR);
    rt.set_circulating_supply(TokenAmount::from_whole(1_000_000));
    for a in [
        OWNER, WORKER, CONTROL, CLIENT, CLIENT2, CLIENT3, OWNER2, WORKER2, STRANGER,
    ] {
        set_code(&rt, a, Type::Account);
    }
    set_code(&rt, PROVIDER, Type::Miner);
    set_code(&rt, PROVIDER2, Type::Miner);
    rt
}

pub fn set_code(rt: &MockRuntime, a: Address, t: Type) {
    rt.actor_code_cids
        .borrow_mut()
        .insert(a.id().unwrap(), builtin_code_cid(t));
}

pub fn construct(rt: &MockRuntime) {
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt.call::<Actor>(Method::Constructor as u64, None).unwrap();
    assert!(ret.is_none());
    rt.verify();
}

pub fn state(rt: &MockRuntime) -> State {
    rt.get_state()
}

/// Runs the invariant checks at the runtime's epoch and balance; any violation fails the test.
pub fn check_state(rt: &MockRuntime) {
    let (_, acc) = check_state_invariants(
        &rt.policy,
        &state(rt),
        &rt.store,
        &rt.balance.borrow(),
        rt.epoch.get(),
    );
    acc.assert_empty();
}

pub fn as_account(rt: &MockRuntime, a: Address) {
    rt.set_caller(builtin_code_cid(Type::Account), a);
}

pub fn as_miner(rt: &MockRuntime, a: Address) {
    rt.set_caller(builtin_code_cid(Type::Miner), a);
}

pub fn block<T: Serialize>(v: &T) -> Option<IpldBlock> {
    IpldBlock::serialize_cbor(v).unwrap()
}

/// Decodes a method's return.
pub fn ret<T: DeserializeOwned>(r: Option<IpldBlock>) -> T {
    r.expect("a return value").deserialize().unwrap()
}

/// Calls `method` with `params` (a failed call leaves the expectations reset).
pub fn call<P: Serialize>(
    rt: &MockRuntime,
    method: MethodNum,
    params: &P,
) -> Result<Option<IpldBlock>, ActorError> {
    let r = rt.call::<Actor>(method, block(params));
    if r.is_err() {
        rt.reset();
    } else {
        rt.verify();
    }
    r
}

// --- events, built by hand from FIP-0083's tables ---

fn entry<T: Serialize + ?Sized>(key: &str, value: &T) -> Entry {
    Entry {
        flags: Flags::FLAG_INDEXED_ALL,
        key: key.to_string(),
        codec: 0x51,
        value: to_vec(value).unwrap(),
    }
}

/// `deal-published`, `deal-activated`, `deal-terminated` or `deal-completed`: `$type`, `id`,
/// `client`, `provider`, each indexed by key and value (0x03), values CBOR (0x51).
pub fn deal_event(event_type: &str, id: DealID, client: Address, provider: Address) -> ActorEvent {
    ActorEvent {
        entries: vec![
            entry("$type", event_type),
            entry("id", &id),
            entry("client", &client.id().unwrap()),
            entry("provider", &provider.id().unwrap()),
        ],
    }
}

// --- proposals ---

/// An unverified deal of `client` with PROVIDER, starting at START for DURATION, at 10 atto
/// per epoch, with provider and client collateral of 1000 and 500.
pub fn proposal(client: Address, seed: u8) -> DealProposal {
    DealProposal {
        piece_cid: piece_cid(seed),
        piece_size: PaddedPieceSize(PIECE_SIZE),
        verified_deal: false,
        client,
        provider: PROVIDER,
        label: Label::String(format!("deal {}", seed)),
        start_epoch: START,
        end_epoch: START + DURATION,
        storage_price_per_epoch: atto(10),
        provider_collateral: atto(1000),
        client_collateral: atto(500),
    }
}

/// The same proposal, verified.
pub fn verified(mut p: DealProposal) -> DealProposal {
    p.verified_deal = true;
    p
}

/// A proposal with a signature that names it.
pub fn signed(p: DealProposal) -> ClientDealProposal {
    let sig = format!("signature of {}", p.label_text());
    ClientDealProposal {
        proposal: p,
        client_signature: Signature::new_secp256k1(sig.into_bytes()),
    }
}

trait LabelText {
    fn label_text(&self) -> String;
}

impl LabelText for DealProposal {
    fn label_text(&self) -> String {
        match &self.label {
            Label::String(s) => s.clone(),
            Label::Bytes(b) => format!("{:?}", b),
        }
    }
}

/// The proposal as the market stores it (ID addresses) and its CID, computed by the test.
pub fn stored_cid(p: &DealProposal) -> Cid {
    Cid::new_v1(
        fvm_ipld_encoding::DAG_CBOR,
        Code::Blake2b256.digest(&to_vec(p).unwrap()),
    )
}

/// What a client must have available for a deal: its collateral and the whole fee.
pub fn client_requirement(p: &DealProposal) -> TokenAmount {
    &p.client_collateral + &p.storage_price_per_epoch * (p.end_epoch - p.start_epoch)
}

// --- escrow ---

/// The owner, worker and control addresses the mocked miners report.
pub fn control_addresses(miner: Address) -> GetControlAddressesReturn {
    if miner == PROVIDER {
        GetControlAddressesReturn {
            owner: OWNER,
            worker: WORKER,
            control_addresses: vec![CONTROL],
        }
    } else {
        GetControlAddressesReturn {
            owner: OWNER2,
            worker: WORKER2,
            control_addresses: vec![],
        }
    }
}

pub fn expect_control_addresses(rt: &MockRuntime, miner: Address) {
    rt.expect_send_simple(
        miner,
        ext::miner::CONTROL_ADDRESSES_METHOD,
        None,
        TokenAmount::default(),
        block(&control_addresses(miner)),
        ExitCode::OK,
    );
}

/// `depositor` adds `amount` to the escrow of `for_addr`.
pub fn add_balance(rt: &MockRuntime, depositor: Address, for_addr: Address, amount: TokenAmount) {
    as_account(rt, depositor);
    rt.set_received(amount);
    rt.expect_validate_caller_any();
    if for_addr == PROVIDER || for_addr == PROVIDER2 {
        expect_control_addresses(rt, for_addr);
    }
    call(rt, Method::AddBalance as u64, &for_addr).unwrap();
}

/// The escrow and locked amounts of `a`, read from the state.
pub fn balances(rt: &MockRuntime, a: Address) -> (TokenAmount, TokenAmount) {
    let st = state(rt);
    (
        st.load_escrow_table(&rt.store).unwrap().get(&a).unwrap(),
        st.load_locked_table(&rt.store).unwrap().get(&a).unwrap(),
    )
}

// --- publication ---

/// What the mocked client account answers to `AuthenticateMessage`.
#[derive(Clone, Copy, Debug)]
pub enum Auth {
    Valid,
    /// The account says the signature is not the client's.
    Forged,
    /// The account aborts (a signature that does not even parse).
    Aborts,
}

pub fn expect_authenticate(rt: &MockRuntime, deal: &ClientDealProposal, auth: Auth) {
    let params = ext::account::AuthenticateMessageParams {
        signature: deal.client_signature.bytes.clone(),
        message: to_vec(&deal.proposal).unwrap(),
    };
    let (ret, code) = match auth {
        Auth::Valid => (block(&true), ExitCode::OK),
        Auth::Forged => (block(&false), ExitCode::OK),
        Auth::Aborts => (None, ExitCode::USR_ILLEGAL_ARGUMENT),
    };
    rt.expect_send(ExpectedSend {
        to: deal.proposal.client,
        method: ext::account::AUTHENTICATE_MESSAGE_METHOD,
        params: block(&params),
        value: TokenAmount::default(),
        gas_limit: None,
        flags: SendFlags::READ_ONLY,
        return_data: ret,
        exit_code: code,
        send_error: None,
    });
}

/// The caller check and the network queries every publication starts with.
pub fn expect_publish_prelude(rt: &MockRuntime, caller: Address, controlling: bool) {
    as_account(rt, caller);
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        PROVIDER,
        ext::miner::IS_CONTROLLING_ADDRESS_EXPORTED,
        block(&IsControllingAddressParam { address: caller }),
        TokenAmount::default(),
        block(&IsControllingAddressReturn {
            is_controlling: controlling,
        }),
        ExitCode::OK,
    );
    if !controlling {
        return;
    }
    expect_network_queries(rt);
}

pub fn expect_network_queries(rt: &MockRuntime) {
    rt.expect_send_simple(
        REWARD_ACTOR_ADDR,
        ext::reward::THIS_EPOCH_REWARD_METHOD,
        None,
        TokenAmount::default(),
        block(&ext::reward::ThisEpochRewardReturn {
            this_epoch_reward_smoothed: FilterEstimate::new(BigInt::from(1), BigInt::from(0)),
            this_epoch_baseline_power: StoragePower::from(BASELINE_POWER),
        }),
        ExitCode::OK,
    );
    rt.expect_send_simple(
        STORAGE_POWER_ACTOR_ADDR,
        ext::power::CURRENT_TOTAL_POWER_METHOD,
        None,
        TokenAmount::default(),
        block(&ext::power::CurrentTotalPowerReturn {
            raw_byte_power: StoragePower::from(NETWORK_RAW_POWER),
            quality_adj_power: StoragePower::from(NETWORK_RAW_POWER),
            pledge_collateral: TokenAmount::default(),
            quality_adj_power_smoothed: FilterEstimate::new(BigInt::from(1), BigInt::from(0)),
            ramp_start_epoch: 0,
            ramp_duration_epochs: 0,
        }),
        ExitCode::OK,
    );
}

pub fn expect_datacap_balance(rt: &MockRuntime, client: Address, balance: TokenAmount) {
    rt.expect_send_simple(
        DATACAP_TOKEN_ACTOR_ADDR,
        ext::datacap::BALANCE_OF_METHOD,
        block(&client),
        TokenAmount::default(),
        block(&balance),
        ExitCode::OK,
    );
}

/// The allocation the test expects for a verified deal published at the runtime's epoch:
/// terms from the deal's duration plus the 90-day buffer (capped at five years), claimable
/// until the deal's start (at most 60 days from now).
pub fn expected_allocation(rt: &MockRuntime, p: &DealProposal) -> AllocationRequest {
    let duration = p.end_epoch - p.start_epoch;
    AllocationRequest {
        provider: p.provider.id().unwrap(),
        data: p.piece_cid,
        size: p.piece_size,
        term_min: duration,
        term_max: (duration + 90 * 2880).min(5 * 1051897),
        expiration: p.start_epoch.min(rt.epoch.get() + 60 * 2880),
    }
}

/// The datacap transfer of a client's verified deals; the registry answers with consecutive
/// allocation IDs from `first_id`.
pub fn expect_datacap_transfer(
    rt: &MockRuntime,
    client: Address,
    requests: Vec<AllocationRequest>,
    first_id: u64,
) {
    let total: u64 = requests.iter().map(|r| r.size.0).sum();
    let n = requests.len() as u64;
    let params = ext::datacap::TransferFromParams {
        from: client,
        to: VERIFIED_REGISTRY_ACTOR_ADDR,
        amount: TokenAmount::from_whole(total),
        operator_data: RawBytes::serialize(&AllocationRequests {
            allocations: requests,
            extensions: vec![],
        })
        .unwrap(),
    };
    let response = AllocationsResponse {
        allocation_results: BatchReturn::ok(n as u32),
        extension_results: BatchReturn::ok(0),
        new_allocations: (first_id..first_id + n).collect(),
    };
    rt.expect_send_simple(
        DATACAP_TOKEN_ACTOR_ADDR,
        ext::datacap::TRANSFER_FROM_METHOD,
        block(&params),
        TokenAmount::default(),
        block(&ext::datacap::TransferFromReturn {
            from_balance: TokenAmount::default(),
            to_balance: TokenAmount::from_whole(total),
            allowance: TokenAmount::default(),
            recipient_data: RawBytes::serialize(&response).unwrap(),
        }),
        ExitCode::OK,
    );
}

/// The notification of a published deal to its client, answered with `code`.
pub fn expect_notify(rt: &MockRuntime, stored: &DealProposal, id: DealID, code: ExitCode) {
    rt.expect_send_simple(
        stored.client,
        fil_actor_market::MARKET_NOTIFY_DEAL_METHOD,
        block(&MarketNotifyDealParams {
            proposal: to_vec(stored).unwrap(),
            deal_id: id,
        }),
        TokenAmount::default(),
        None,
        code,
    );
}

/// Publishes deals that are all valid, by the worker: every signature authenticated, each
/// verified client's datacap ample (one balance query and one transfer per client, in client
/// order). Returns the new deal IDs, checking the return, the notifications and the
/// `deal-published` events.
pub fn publish_deals(rt: &MockRuntime, deals: &[ClientDealProposal]) -> Vec<DealID> {
    expect_publish_prelude(rt, WORKER, true);
    for d in deals {
        expect_authenticate(rt, d, Auth::Valid);
    }
    // One balance query per verified client, at its first verified deal.
    let mut queried = std::collections::BTreeSet::new();
    for d in deals.iter().filter(|d| d.proposal.verified_deal) {
        if queried.insert(d.proposal.client) {
            expect_datacap_balance(rt, d.proposal.client, TokenAmount::from_whole(1u64 << 40));
        }
    }
    let mut verified_clients: Vec<Address> = deals
        .iter()
        .filter(|d| d.proposal.verified_deal)
        .map(|d| d.proposal.client)
        .collect();
    verified_clients.sort_by_key(|a| a.id().unwrap());
    verified_clients.dedup();
    let mut next_alloc = FIRST_ALLOCATION_ID;
    for c in verified_clients {
        let reqs: Vec<AllocationRequest> = deals
            .iter()
            .filter(|d| d.proposal.verified_deal && d.proposal.client == c)
            .map(|d| expected_allocation(rt, &d.proposal))
            .collect();
        let n = reqs.len() as u64;
        expect_datacap_transfer(rt, c, reqs, next_alloc);
        next_alloc += n;
    }
    let first_id = state(rt).next_id;
    let ids: Vec<DealID> = (first_id..first_id + deals.len() as u64).collect();
    for (d, id) in deals.iter().zip(&ids) {
        expect_notify(rt, &d.proposal, *id, ExitCode::OK);
        rt.expect_emitted_event(deal_event(
            "deal-published",
            *id,
            d.proposal.client,
            d.proposal.provider,
        ));
    }
    let r: PublishStorageDealsReturn = ret(call(
        rt,
        Method::PublishStorageDeals as u64,
        &PublishStorageDealsParams {
            deals: deals.to_vec(),
        },
    )
    .unwrap());
    assert_eq!(r.ids, ids);
    assert_eq!(
        r.valid_deals.iter().collect::<Vec<u64>>(),
        (0..deals.len() as u64).collect::<Vec<_>>()
    );
    ids
}

/// The proposal and state of deal `id`.
pub fn deal(rt: &MockRuntime, id: DealID) -> (Option<DealProposal>, Option<DealState>) {
    let st = state(rt);
    (
        st.find_proposal(&rt.store, id).unwrap(),
        st.find_deal_state(&rt.store, id).unwrap(),
    )
}

// --- activation and what follows ---

/// The notification of pieces to the market, as `ProveCommitSectors3` sends it.
pub fn piece_change(p: &DealProposal, id: DealID) -> ext::miner::PieceChange {
    ext::miner::PieceChange {
        data: p.piece_cid,
        size: p.piece_size,
        payload: RawBytes::serialize(id).unwrap(),
    }
}

/// Activates deals in sectors of PROVIDER by `SectorContentChanged`, every piece accepted;
/// expects one `deal-activated` per deal.
pub fn activate(
    rt: &MockRuntime,
    sectors: &[(u64, Vec<(DealID, DealProposal)>)],
    expiry: ChainEpoch,
) {
    as_miner(rt, PROVIDER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    let params = ext::miner::SectorContentChangedParams {
        sectors: sectors
            .iter()
            .map(|(sector, deals)| ext::miner::SectorChanges {
                sector: *sector,
                minimum_commitment_epoch: expiry,
                added: deals.iter().map(|(id, p)| piece_change(p, *id)).collect(),
            })
            .collect(),
    };
    for (_, deals) in sectors {
        for (id, p) in deals {
            rt.expect_emitted_event(deal_event("deal-activated", *id, p.client, p.provider));
        }
    }
    let r: ext::miner::SectorContentChangedReturn = ret(call(
        rt,
        fil_actor_market::ext::miner::SECTOR_CONTENT_CHANGED,
        &params,
    )
    .unwrap());
    for (sector, (_, deals)) in r.sectors.iter().zip(sectors) {
        assert_eq!(sector.added.len(), deals.len());
        assert!(sector.added.iter().all(|p| p.accepted));
    }
}

pub fn expect_burn(rt: &MockRuntime, amount: TokenAmount) {
    rt.expect_send_simple(
        BURNT_FUNDS_ACTOR_ADDR,
        METHOD_SEND,
        None,
        amount,
        None,
        ExitCode::OK,
    );
}

/// A cron tick at the runtime's epoch.
pub fn cron_tick(rt: &MockRuntime) -> Result<Option<IpldBlock>, ActorError> {
    rt.set_caller(builtin_code_cid(Type::Cron), CRON_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![CRON_ACTOR_ADDR]);
    let r = rt.call::<Actor>(Method::CronTick as u64, None);
    if r.is_err() {
        rt.reset();
    } else {
        rt.verify();
    }
    r
}

/// The provider-sector index of `provider`, sector by sector.
pub fn sector_index(rt: &MockRuntime, provider: ActorID) -> Vec<(u64, Vec<DealID>)> {
    let st = state(rt);
    let providers = st.load_provider_sectors(&rt.store).unwrap();
    let sectors = fil_actor_market::load_sector_deals(&rt.store, &providers, provider).unwrap();
    let mut out = vec![];
    sectors
        .for_each(|s, d| {
            out.push((s, d.clone()));
            Ok(())
        })
        .unwrap();
    out.sort();
    out
}
