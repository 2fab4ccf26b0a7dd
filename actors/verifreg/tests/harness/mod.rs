//! Shared set-up for the verified registry's unit tests: a mock runtime at the registry's
//! address with a root key, verifiers, clients and miners known to it; one helper per method
//! that sets the caller and the expected sends and events; and the expected FIP-0083 events,
//! written entry by entry from the seed's tables. Each test binary uses a subset of it.
#![allow(dead_code)]

use cid::Cid;
use fil_actor_verifreg::ext::datacap::{
    BurnParams, DestroyParams, FRC46TokenReceived, MintParams, TransferParams,
    UniversalReceiverParams,
};
use fil_actor_verifreg::testing::check_state_invariants;
use fil_actor_verifreg::{
    Actor, Allocation, AllocationRequest, AllocationRequests, AllocationsResponse, Claim,
    ClaimExtensionRequest, Method, State, VerifierParams,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, ExpectedSend, MockRuntime};
use fil_actors_runtime::{
    ActorError, Type, DATACAP_TOKEN_ACTOR_ADDR, STORAGE_MARKET_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
    VERIFIED_REGISTRY_ACTOR_ADDR, VERIFIED_REGISTRY_ACTOR_ID,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::bigint::bigint_ser::BigIntSer;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::{ActorEvent, Entry, Flags};
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sys::SendFlags;
use fvm_shared::{ActorID, MethodNum};
use multihash_codetable::{Code, MultihashDigest};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const ROOT: Address = Address::new_id(101);
pub const VERIFIER: Address = Address::new_id(201);
pub const VERIFIER2: Address = Address::new_id(202);
pub const CLIENT: Address = Address::new_id(301);
pub const CLIENT2: Address = Address::new_id(302);
pub const PROVIDER: Address = Address::new_id(401);
pub const PROVIDER2: Address = Address::new_id(402);

pub const MINT_METHOD: MethodNum = fil_actors_runtime::method_hash!("Mint");
pub const DESTROY_METHOD: MethodNum = fil_actors_runtime::method_hash!("Destroy");
pub const BALANCE_METHOD: MethodNum = fil_actors_runtime::method_hash!("Balance");
pub const TRANSFER_METHOD: MethodNum = fil_actors_runtime::method_hash!("Transfer");
pub const BURN_METHOD: MethodNum = fil_actors_runtime::method_hash!("Burn");
pub const AUTHENTICATE_METHOD: MethodNum = fil_actors_runtime::method_hash!("AuthenticateMessage");
/// FRC-42 hash of "FRC46", the FRC-46 asset type.
pub const FRC46_TOKEN_TYPE: u32 = fil_actors_runtime::method_hash!("FRC46") as u32;

/// The test network's smallest allocation (`Policy::testing`: small deals), in bytes.
pub const MIN_SIZE: u64 = 256;
pub const EPOCHS_IN_DAY: i64 = 2880;
/// A year of 365.25 days of 30-second epochs.
pub const EPOCHS_IN_YEAR: i64 = 1_051_897;
pub const MIN_TERM: i64 = 180 * EPOCHS_IN_DAY;
pub const MAX_TERM: i64 = 5 * EPOCHS_IN_YEAR;
pub const MAX_EXPIRATION: i64 = 60 * EPOCHS_IN_DAY;

pub fn id(address: &Address) -> ActorID {
    address.id().unwrap()
}

pub fn dc(n: i64) -> BigInt {
    BigInt::from(n)
}

/// `bytes` of datacap as token amounts (10^18 atto per byte).
pub fn tokens(bytes: i64) -> TokenAmount {
    TokenAmount::from_whole(bytes)
}

/// A piece CID made from `n`.
pub fn piece(n: u8) -> Cid {
    Cid::new_v1(0xf101, Code::Sha2_256.digest(&[n]))
}

/// A runtime with the registry constructed with ROOT as its root key.
pub fn setup() -> MockRuntime {
    let rt = new_runtime();
    construct(&rt, ROOT).unwrap();
    rt.verify();
    rt
}

/// A runtime at the registry's address, with the test's actors given code.
pub fn new_runtime() -> MockRuntime {
    let rt = MockRuntime::new(VERIFIED_REGISTRY_ACTOR_ADDR);
    let mut codes = rt.actor_code_cids.borrow_mut();
    for account in [ROOT, VERIFIER, VERIFIER2, CLIENT, CLIENT2] {
        codes.insert(id(&account), builtin_code_cid(Type::Account));
    }
    for miner in [PROVIDER, PROVIDER2] {
        codes.insert(id(&miner), builtin_code_cid(Type::Miner));
    }
    drop(codes);
    rt
}

pub fn construct(rt: &MockRuntime, root: Address) -> Result<(), ActorError> {
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    call(rt, Method::Constructor, &root)
}

pub fn state(rt: &MockRuntime) -> State {
    rt.get_state()
}

/// Checks the registry's invariants at the current epoch.
pub fn assert_invariants(rt: &MockRuntime) {
    let (_, acc) = check_state_invariants(&rt.policy, &state(rt), &rt.store, rt.epoch.get());
    acc.assert_empty();
}

/// Calls `method` with CBOR `params` and decodes the return (`()` for none).
pub fn call<P: Serialize, R: DeserializeOwned>(
    rt: &MockRuntime,
    method: Method,
    params: &P,
) -> Result<R, ActorError> {
    let ret = rt.call::<Actor>(
        method as MethodNum,
        IpldBlock::serialize_cbor(params).unwrap(),
    )?;
    Ok(match ret {
        Some(block) => block.deserialize().unwrap(),
        None => fvm_ipld_encoding::from_slice(&[0xf6]).unwrap(),
    })
}

pub fn caller(rt: &MockRuntime, typ: Type, who: Address) {
    rt.set_caller(builtin_code_cid(typ), who);
}

// --- expected sends ---

fn datacap_send(
    method: MethodNum,
    params: Option<IpldBlock>,
    flags: SendFlags,
    ret: Option<IpldBlock>,
) -> ExpectedSend {
    ExpectedSend {
        to: DATACAP_TOKEN_ACTOR_ADDR,
        method,
        params,
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags,
        return_data: ret,
        exit_code: ExitCode::OK,
        send_error: None,
    }
}

/// The registry asks the token for `who`'s balance (read-only) and is told `bytes`.
pub fn expect_balance(rt: &MockRuntime, who: Address, bytes: i64) {
    rt.expect_send(datacap_send(
        BALANCE_METHOD,
        IpldBlock::serialize_cbor(&who).unwrap(),
        SendFlags::READ_ONLY,
        IpldBlock::serialize_cbor(&tokens(bytes)).unwrap(),
    ));
}

/// The registry mints `bytes` to `client` with the market as operator.
pub fn expect_mint(rt: &MockRuntime, client: Address, bytes: i64) {
    let params = MintParams {
        to: client,
        amount: tokens(bytes),
        operators: vec![STORAGE_MARKET_ACTOR_ADDR],
    };
    rt.expect_send(datacap_send(
        MINT_METHOD,
        IpldBlock::serialize_cbor(&params).unwrap(),
        SendFlags::default(),
        None,
    ));
}

pub fn expect_burn(rt: &MockRuntime, bytes: i64) {
    let params = BurnParams {
        amount: tokens(bytes),
    };
    rt.expect_send(datacap_send(
        BURN_METHOD,
        IpldBlock::serialize_cbor(&params).unwrap(),
        SendFlags::default(),
        None,
    ));
}

pub fn expect_destroy(rt: &MockRuntime, owner: Address, bytes: i64) {
    let params = DestroyParams {
        owner,
        amount: tokens(bytes),
    };
    rt.expect_send(datacap_send(
        DESTROY_METHOD,
        IpldBlock::serialize_cbor(&params).unwrap(),
        SendFlags::default(),
        None,
    ));
}

pub fn expect_transfer(rt: &MockRuntime, to: Address, bytes: i64) {
    let params = TransferParams {
        to,
        amount: tokens(bytes),
        operator_data: RawBytes::default(),
    };
    rt.expect_send(datacap_send(
        TRANSFER_METHOD,
        IpldBlock::serialize_cbor(&params).unwrap(),
        SendFlags::default(),
        None,
    ));
}

// --- expected events, entry by entry (FIP-0083's tables; values are CBOR) ---

fn entry<T: Serialize + ?Sized>(flags: Flags, key: &str, value: &T) -> Entry {
    Entry {
        flags,
        key: key.to_string(),
        codec: 0x51,
        value: to_vec(value).unwrap(),
    }
}

const KEY_AND_VALUE: Flags = Flags::FLAG_INDEXED_ALL;
const KEY: Flags = Flags::FLAG_INDEXED_KEY;

/// `verifier-balance`: `$type`, `verifier` (key and value), `balance` (key), and, when a client
/// was added, v18's extra `client` (key and value).
pub fn verifier_balance_event(
    verifier: Address,
    balance: i64,
    client: Option<Address>,
) -> ActorEvent {
    let mut entries = vec![
        entry(KEY_AND_VALUE, "$type", "verifier-balance"),
        entry(KEY_AND_VALUE, "verifier", &id(&verifier)),
        entry(KEY, "balance", &BigIntSer(&dc(balance))),
    ];
    if let Some(client) = client {
        entries.push(entry(KEY_AND_VALUE, "client", &id(&client)));
    }
    ActorEvent { entries }
}

/// `allocation` or `allocation-removed`.
pub fn allocation_event(event_type: &str, alloc_id: u64, alloc: &Allocation) -> ActorEvent {
    ActorEvent {
        entries: vec![
            entry(KEY_AND_VALUE, "$type", event_type),
            entry(KEY_AND_VALUE, "id", &alloc_id),
            entry(KEY_AND_VALUE, "client", &alloc.client),
            entry(KEY_AND_VALUE, "provider", &alloc.provider),
            entry(KEY_AND_VALUE, "piece-cid", &alloc.data),
            entry(KEY, "piece-size", &alloc.size.0),
            entry(KEY, "term-min", &alloc.term_min),
            entry(KEY, "term-max", &alloc.term_max),
            entry(KEY, "expiration", &alloc.expiration),
        ],
    }
}

/// `claim`, `claim-updated` or `claim-removed`.
pub fn claim_event(event_type: &str, claim_id: u64, claim: &Claim) -> ActorEvent {
    ActorEvent {
        entries: vec![
            entry(KEY_AND_VALUE, "$type", event_type),
            entry(KEY_AND_VALUE, "id", &claim_id),
            entry(KEY_AND_VALUE, "client", &claim.client),
            entry(KEY_AND_VALUE, "provider", &claim.provider),
            entry(KEY_AND_VALUE, "piece-cid", &claim.data),
            entry(KEY, "piece-size", &claim.size.0),
            entry(KEY, "term-min", &claim.term_min),
            entry(KEY, "term-max", &claim.term_max),
            entry(KEY, "term-start", &claim.term_start),
            entry(KEY_AND_VALUE, "sector", &claim.sector),
        ],
    }
}

// --- method helpers ---

/// The root key adds `verifier` with `allowance`; the verifier holds no datacap.
pub fn add_verifier(rt: &MockRuntime, verifier: Address, allowance: i64) {
    caller(rt, Type::Account, ROOT);
    expect_balance(rt, verifier, 0);
    rt.expect_validate_caller_addr(vec![ROOT]);
    rt.expect_emitted_event(verifier_balance_event(verifier, allowance, None));
    let params = VerifierParams {
        address: verifier,
        allowance: dc(allowance),
    };
    call::<_, ()>(rt, Method::AddVerifier, &params).unwrap();
    rt.verify();
}

/// `verifier` makes `client` a verified client with `allowance`, leaving itself `remaining`.
pub fn add_client(
    rt: &MockRuntime,
    verifier: Address,
    client: Address,
    allowance: i64,
    remaining: i64,
) {
    caller(rt, Type::Account, verifier);
    rt.expect_validate_caller_any();
    rt.expect_emitted_event(verifier_balance_event(verifier, remaining, Some(client)));
    expect_mint(rt, client, allowance);
    let params = VerifierParams {
        address: client,
        allowance: dc(allowance),
    };
    call::<_, ()>(rt, Method::AddVerifiedClient, &params).unwrap();
    rt.verify();
}

/// A valid allocation request of `size` bytes for `provider`, expiring 30 days from `now`.
pub fn alloc_request(provider: Address, n: u8, size: u64, now: ChainEpoch) -> AllocationRequest {
    AllocationRequest {
        provider: id(&provider),
        data: piece(n),
        size: PaddedPieceSize(size),
        term_min: MIN_TERM,
        term_max: MIN_TERM + 90 * EPOCHS_IN_DAY,
        expiration: now + 30 * EPOCHS_IN_DAY,
    }
}

pub fn allocation_of(client: Address, req: &AllocationRequest) -> Allocation {
    Allocation {
        client: id(&client),
        provider: req.provider,
        data: req.data,
        size: req.size,
        term_min: req.term_min,
        term_max: req.term_max,
        expiration: req.expiration,
    }
}

/// The hook's parameters for a transfer of `amount` from `client` with `operator_data`.
pub fn hook_params(
    client: Address,
    amount: TokenAmount,
    operator_data: RawBytes,
) -> UniversalReceiverParams {
    let payload = FRC46TokenReceived {
        from: id(&client),
        to: VERIFIED_REGISTRY_ACTOR_ID,
        operator: id(&client),
        amount,
        operator_data,
        token_data: RawBytes::default(),
    };
    UniversalReceiverParams {
        type_: FRC46_TOKEN_TYPE,
        payload: RawBytes::serialize(payload).unwrap(),
    }
}

/// Calls the receiver hook as the datacap token would for `client`'s transfer of `bytes` with
/// these requests. The caller sets the expected burn and events.
pub fn receive(
    rt: &MockRuntime,
    client: Address,
    bytes: i64,
    requests: &AllocationRequests,
) -> Result<AllocationsResponse, ActorError> {
    caller(rt, Type::DataCap, DATACAP_TOKEN_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![DATACAP_TOKEN_ACTOR_ADDR]);
    let params = hook_params(
        client,
        tokens(bytes),
        RawBytes::serialize(requests).unwrap(),
    );
    let ret = call(rt, Method::UniversalReceiverHook, &params);
    rt.verify();
    ret
}

/// `client` allocates the requests (all valid, no extensions); returns their IDs.
pub fn allocate(rt: &MockRuntime, client: Address, reqs: Vec<AllocationRequest>) -> Vec<u64> {
    let first = state(rt).next_allocation_id;
    let total: u64 = reqs.iter().map(|r| r.size.0).sum();
    for (i, req) in reqs.iter().enumerate() {
        rt.expect_emitted_event(allocation_event(
            "allocation",
            first + i as u64,
            &allocation_of(client, req),
        ));
    }
    let requests = AllocationRequests {
        allocations: reqs,
        extensions: vec![],
    };
    let ret = receive(rt, client, total as i64, &requests).unwrap();
    ret.new_allocations
}

/// A claim extension request.
pub fn extension(provider: Address, claim: u64, term_max: ChainEpoch) -> ClaimExtensionRequest {
    ClaimExtensionRequest {
        provider: id(&provider),
        claim,
        term_max,
    }
}

/// The claim a provider's claim of `alloc` in `sector` at `now` makes.
pub fn claim_of(alloc: &Allocation, sector: u64, now: ChainEpoch) -> Claim {
    Claim {
        provider: alloc.provider,
        client: alloc.client,
        data: alloc.data,
        size: alloc.size,
        term_min: alloc.term_min,
        term_max: alloc.term_max,
        term_start: now,
        sector,
    }
}

/// The claim of allocation `alloc_id` in one sector, as the miner sends it.
pub fn sector_claim(
    sector: u64,
    expiry: ChainEpoch,
    claims: &[(u64, &Allocation)],
) -> fil_actor_verifreg::SectorAllocationClaims {
    fil_actor_verifreg::SectorAllocationClaims {
        sector,
        expiry,
        claims: claims
            .iter()
            .map(|(alloc_id, alloc)| fil_actor_verifreg::AllocationClaim {
                client: alloc.client,
                allocation_id: *alloc_id,
                data: alloc.data,
                size: alloc.size,
            })
            .collect(),
    }
}

/// `provider` claims the sectors; the caller sets the expected events and burn.
pub fn claim_allocations(
    rt: &MockRuntime,
    provider: Address,
    sectors: Vec<fil_actor_verifreg::SectorAllocationClaims>,
    all_or_nothing: bool,
) -> Result<fil_actor_verifreg::ClaimAllocationsReturn, ActorError> {
    caller(rt, Type::Miner, provider);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    let params = fil_actor_verifreg::ClaimAllocationsParams {
        sectors,
        all_or_nothing,
    };
    let ret = call(rt, Method::ClaimAllocations, &params);
    rt.verify();
    ret
}

/// CLIENT allocates one piece of `size` to PROVIDER at the current epoch and PROVIDER claims it
/// in `sector`, which expires `lifetime` epochs from now. Returns the claim's ID and the claim.
pub fn allocate_and_claim(
    rt: &MockRuntime,
    n: u8,
    size: u64,
    sector: u64,
    lifetime: i64,
) -> (u64, Claim) {
    let now = rt.epoch.get();
    let req = alloc_request(PROVIDER, n, size, now);
    let ids = allocate(rt, CLIENT, vec![req.clone()]);
    let alloc = allocation_of(CLIENT, &req);
    let claim = claim_of(&alloc, sector, now);
    rt.expect_emitted_event(claim_event("claim", ids[0], &claim));
    expect_burn(rt, size as i64);
    claim_allocations(
        rt,
        PROVIDER,
        vec![sector_claim(sector, now + lifetime, &[(ids[0], &alloc)])],
        false,
    )
    .unwrap();
    (ids[0], claim)
}
