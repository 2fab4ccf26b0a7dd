//! Shared set-up for the power actor's unit tests: a mock runtime at the power actor's address,
//! and one helper per method that sets the caller, the expectations and calls it. Each test
//! binary uses a subset of it.
#![allow(dead_code)]

use fil_actor_power::ext::{init, miner, reward};
use fil_actor_power::testing::check_state_invariants;
use fil_actor_power::{
    Actor, Claim, CreateMinerParams, CreateMinerReturn, EnrollCronEventParams, Method, State,
    UpdateClaimedPowerParams, UpdatePledgeTotalParams,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::{
    ActorError, FilterEstimate, Type, CRON_ACTOR_ADDR, INIT_ACTOR_ADDR, REWARD_ACTOR_ADDR,
    STORAGE_POWER_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesDe, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::bigint::bigint_ser::BigIntSer;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredPoStProof, StoragePower};
use fvm_shared::MethodNum;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const OWNER: Address = Address::new_id(101);
pub const WORKER: Address = Address::new_id(102);
/// The test network's minimum consensus power (`Policy::testing`): 2 KiB.
pub const MIN_POWER: i64 = 2 << 10;
pub const PROOF: RegisteredPoStProof = RegisteredPoStProof::StackedDRGWindow32GiBV1P1;

pub fn power(n: i64) -> StoragePower {
    StoragePower::from(n)
}

/// The reward estimate the mocked reward actor reports: 10 FIL per epoch, constant.
pub fn reward_smoothed() -> FilterEstimate {
    FilterEstimate::new(10_000_000_000_000_000_000u128.into(), 0.into())
}

pub fn new_runtime() -> MockRuntime {
    MockRuntime::new(STORAGE_POWER_ACTOR_ADDR)
}

/// A runtime with the power actor constructed.
pub fn setup() -> MockRuntime {
    let rt = new_runtime();
    construct(&rt);
    rt
}

pub fn construct(rt: &MockRuntime) {
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt
        .call::<Actor>(Method::Constructor as MethodNum, None)
        .unwrap();
    assert_eq!(ret, None);
    rt.verify();
}

pub fn state(rt: &MockRuntime) -> State {
    rt.get_state()
}

/// Checks the invariants of the current state.
pub fn assert_invariants(rt: &MockRuntime) {
    let (_, acc) = check_state_invariants(&rt.policy, &state(rt), &rt.store);
    acc.assert_empty();
}

pub fn call<P: Serialize>(
    rt: &MockRuntime,
    method: MethodNum,
    params: &P,
) -> Result<Option<IpldBlock>, ActorError> {
    rt.call::<Actor>(method, IpldBlock::serialize_cbor(params).unwrap())
}

pub fn decode<T: DeserializeOwned>(ret: Option<IpldBlock>) -> T {
    ret.expect("a return value").deserialize().unwrap()
}

pub fn create_miner_params(proof: RegisteredPoStProof) -> CreateMinerParams {
    CreateMinerParams {
        owner: OWNER,
        worker: WORKER,
        window_post_proof_type: proof,
        peer: b"miner peer".to_vec(),
        multiaddrs: vec![BytesDe(b"/ip4/1.2.3.4".to_vec())],
    }
}

/// The `Exec` the power actor must send to init for `params`.
pub fn expected_exec_params(params: &CreateMinerParams) -> Option<IpldBlock> {
    let constructor_params = miner::MinerConstructorParams {
        owner: params.owner,
        worker: params.worker,
        control_addresses: vec![],
        window_post_proof_type: params.window_post_proof_type,
        peer_id: params.peer.clone(),
        multi_addresses: params.multiaddrs.clone(),
    };
    IpldBlock::serialize_cbor(&init::ExecParams {
        code_cid: builtin_code_cid(Type::Miner),
        constructor_params: RawBytes::serialize(constructor_params).unwrap(),
    })
    .unwrap()
}

pub fn robust_address(id: u64) -> Address {
    Address::new_actor(format!("miner {}", id).as_bytes())
}

/// Calls `method` (CreateMiner or its exported number) from the owner's account with `value`,
/// init creating the miner at ID `miner_id` with `init_code`.
pub fn create_miner_with(
    rt: &MockRuntime,
    method: MethodNum,
    params: &CreateMinerParams,
    miner_id: u64,
    value: TokenAmount,
    init_code: ExitCode,
) -> Result<Option<IpldBlock>, ActorError> {
    rt.set_caller(builtin_code_cid(Type::Account), OWNER);
    rt.set_received(value.clone());
    rt.expect_validate_caller_any();
    let exec_return = init::ExecReturn {
        id_address: Address::new_id(miner_id),
        robust_address: robust_address(miner_id),
    };
    rt.expect_send_simple(
        INIT_ACTOR_ADDR,
        init::EXEC_METHOD,
        expected_exec_params(params),
        value.clone(),
        IpldBlock::serialize_cbor(&exec_return).unwrap(),
        init_code,
    );
    let result = call(rt, method, params);
    rt.verify();
    rt.set_received(TokenAmount::default());
    result
}

/// Creates a miner at `miner_id` with the default proof type, and records its code.
pub fn create_miner(rt: &MockRuntime, miner_id: u64) -> Address {
    create_miner_of_type(rt, miner_id, PROOF)
}

pub fn create_miner_of_type(
    rt: &MockRuntime,
    miner_id: u64,
    proof: RegisteredPoStProof,
) -> Address {
    let params = create_miner_params(proof);
    let ret = create_miner_with(
        rt,
        Method::CreateMiner as MethodNum,
        &params,
        miner_id,
        TokenAmount::default(),
        ExitCode::OK,
    )
    .unwrap();
    let ret: CreateMinerReturn = decode(ret);
    assert_eq!(ret.id_address, Address::new_id(miner_id));
    rt.set_address_actor_type(ret.id_address, builtin_code_cid(Type::Miner));
    ret.id_address
}

pub fn set_miner_caller(rt: &MockRuntime, miner: Address) {
    rt.set_caller(builtin_code_cid(Type::Miner), miner);
}

pub fn update_claimed_power(
    rt: &MockRuntime,
    miner: Address,
    raw: i64,
    qa: i64,
) -> Result<(), ActorError> {
    set_miner_caller(rt, miner);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    let params = UpdateClaimedPowerParams {
        raw_byte_delta: power(raw),
        quality_adjusted_delta: power(qa),
    };
    let result = call(rt, Method::UpdateClaimedPower as MethodNum, &params);
    rt.verify();
    result.map(|ret| assert_eq!(ret, None))
}

pub fn update_pledge_total(
    rt: &MockRuntime,
    miner: Address,
    delta: TokenAmount,
) -> Result<(), ActorError> {
    set_miner_caller(rt, miner);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    let params = UpdatePledgeTotalParams {
        pledge_delta: delta,
    };
    let result = call(rt, Method::UpdatePledgeTotal as MethodNum, &params);
    rt.verify();
    result.map(|ret| assert_eq!(ret, None))
}

pub fn enroll_cron_event(
    rt: &MockRuntime,
    miner: Address,
    epoch: ChainEpoch,
    payload: &[u8],
) -> Result<(), ActorError> {
    set_miner_caller(rt, miner);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    let params = EnrollCronEventParams {
        event_epoch: epoch,
        payload: RawBytes::new(payload.to_vec()),
    };
    let result = call(rt, Method::EnrollCronEvent as MethodNum, &params);
    rt.verify();
    result.map(|ret| assert_eq!(ret, None))
}

pub fn claim(rt: &MockRuntime, miner: Address) -> Option<Claim> {
    state(rt).get_claim(&rt.store, &miner).unwrap()
}

/// Expects the tick's first send: `ThisEpochReward`, answered with `reward_smoothed()`.
pub fn expect_this_epoch_reward(rt: &MockRuntime, exit_code: ExitCode) {
    let ret = reward::ThisEpochRewardReturn {
        this_epoch_reward_smoothed: reward_smoothed(),
        this_epoch_baseline_power: power(1 << 50),
    };
    rt.expect_send_simple(
        REWARD_ACTOR_ADDR,
        reward::THIS_EPOCH_REWARD_METHOD,
        None,
        TokenAmount::default(),
        IpldBlock::serialize_cbor(&ret).unwrap(),
        exit_code,
    );
}

/// Expects a miner's `OnDeferredCronEvent` with `payload` and the estimates of this tick.
pub fn expect_deferred_cron_event(
    rt: &MockRuntime,
    miner_addr: Address,
    payload: &[u8],
    qa_power_smoothed: &FilterEstimate,
    exit_code: ExitCode,
) {
    let params = miner::DeferredCronEventParams {
        event_payload: payload.to_vec(),
        reward_smoothed: reward_smoothed(),
        quality_adj_power_smoothed: qa_power_smoothed.clone(),
    };
    rt.expect_send_simple(
        miner_addr,
        miner::ON_DEFERRED_CRON_EVENT_METHOD,
        IpldBlock::serialize_cbor(&params).unwrap(),
        TokenAmount::default(),
        None,
        exit_code,
    );
}

/// Expects the tick's last send: `UpdateNetworkKPI` with `raw_power`.
pub fn expect_update_network_kpi(rt: &MockRuntime, raw_power: &StoragePower, exit_code: ExitCode) {
    rt.expect_send_simple(
        REWARD_ACTOR_ADDR,
        reward::UPDATE_NETWORK_KPI_METHOD,
        IpldBlock::serialize_cbor(&BigIntSer(raw_power)).unwrap(),
        TokenAmount::default(),
        None,
        exit_code,
    );
}

/// Calls `OnEpochTickEnd` from cron at `epoch`; the caller sets the sends it expects.
pub fn call_tick(rt: &MockRuntime, epoch: ChainEpoch) -> Result<(), ActorError> {
    rt.set_epoch(epoch);
    rt.set_caller(builtin_code_cid(Type::Cron), CRON_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![CRON_ACTOR_ADDR]);
    let result = rt.call::<Actor>(Method::OnEpochTickEnd as MethodNum, None);
    rt.verify();
    result.map(|ret| assert_eq!(ret, None))
}

/// A tick at `epoch` with no due events: reward read, then the KPI sent with the power the
/// state will freeze.
pub fn tick_without_events(rt: &MockRuntime, epoch: ChainEpoch) {
    expect_this_epoch_reward(rt, ExitCode::OK);
    let (raw, _) = state(rt).current_total_power();
    expect_update_network_kpi(rt, &raw, ExitCode::OK);
    call_tick(rt, epoch).unwrap();
}
