//! Shared set-up for the miner's unit tests on the mock runtime: a miner with an owner, a BLS
//! worker and two control addresses, its constructor with the FIP-0077 deposit queries, one
//! helper per method (caller, expectations, call), and `check_state` running the state
//! invariants. Later stages add pre-commit, prove-commit and PoSt helpers here. Each test
//! binary uses a subset of it.
#![allow(dead_code)]

pub mod lifecycle;
pub mod post;

use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::testing::check_state_invariants;
use fil_actor_miner::{
    create_miner_deposit_power, ext, initial_pledge_for_power, Actor, ApplyRewardParams,
    ChangeBeneficiaryParams, ChangeMultiaddrsParams, ChangeOwnerAddressParams, ChangePeerIDParams,
    ChangeWorkerAddressParams, CronEventPayload, GetAvailableBalanceReturn, GetBeneficiaryReturn,
    GetControlAddressesReturn, GetMultiaddrsReturn, GetOwnerReturn, GetPeerIDReturn,
    GetSectorSizeReturn, GetVestingFundsReturn, IsControllingAddressParam,
    IsControllingAddressReturn, Method, MinerConstructorParams, MinerInfo, PowerPair, State,
    WithdrawBalanceParams, WithdrawBalanceReturn,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::{
    ActorError, FilterEstimate, Type, BURNT_FUNDS_ACTOR_ADDR, INIT_ACTOR_ADDR, REWARD_ACTOR_ADDR,
    STORAGE_POWER_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesDe, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredPoStProof, StoragePower};
use fvm_shared::{MethodNum, METHOD_SEND};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod maint;

pub const MINER: Address = Address::new_id(1000);
pub const OWNER: Address = Address::new_id(100);
pub const WORKER: Address = Address::new_id(101);
pub const CONTROL_1: Address = Address::new_id(102);
pub const CONTROL_2: Address = Address::new_id(103);
/// An account that is none of the miner's addresses.
pub const OTHER: Address = Address::new_id(120);
pub const PROOF: RegisteredPoStProof = RegisteredPoStProof::StackedDRGWindow32GiBV1P1;
/// The epoch the harness constructs the miner at.
pub const START_EPOCH: ChainEpoch = 100;

/// The BLS key behind account `id` (accounts 100..=130 all have one).
pub fn bls_key(id: u64) -> Address {
    Address::new_bls(&[id as u8; 48]).unwrap()
}

/// The network the mocked reward and power actors report, and the value sent to create the
/// miner.
pub struct ActorHarness {
    pub reward_smoothed: FilterEstimate,
    pub baseline_power: StoragePower,
    pub qa_power_smoothed: FilterEstimate,
    pub circulating_supply: TokenAmount,
    pub ramp_start_epoch: i64,
    pub ramp_duration_epochs: u64,
    pub peer_id: Vec<u8>,
    pub multiaddrs: Vec<BytesDe>,
}

impl Default for ActorHarness {
    fn default() -> Self {
        ActorHarness {
            reward_smoothed: FilterEstimate::new(BigInt::from(10u64.pow(19)), BigInt::from(0)),
            baseline_power: StoragePower::from(1u64 << 50),
            qa_power_smoothed: FilterEstimate::new(BigInt::from(1u64 << 50), BigInt::from(0)),
            circulating_supply: TokenAmount::from_whole(1_000_000_000),
            ramp_start_epoch: 0,
            ramp_duration_epochs: 0,
            peer_id: b"peer".to_vec(),
            multiaddrs: vec![BytesDe(b"/ip4/1.2.3.4".to_vec())],
        }
    }
}

impl ActorHarness {
    /// A runtime at the miner's address, at `START_EPOCH`, with accounts 100..=130 known.
    pub fn new_runtime(&self) -> MockRuntime {
        let rt = MockRuntime::new(MINER);
        rt.set_epoch(START_EPOCH);
        rt.set_circulating_supply(self.circulating_supply.clone());
        for id in 100..=130 {
            rt.actor_code_cids
                .borrow_mut()
                .insert(id, builtin_code_cid(Type::Account));
        }
        rt
    }

    /// A runtime with the miner constructed, funded with exactly its creation deposit.
    pub fn setup(&self) -> MockRuntime {
        let rt = self.new_runtime();
        self.construct_and_verify(&rt);
        rt
    }

    pub fn constructor_params(&self) -> MinerConstructorParams {
        MinerConstructorParams {
            owner: OWNER,
            worker: WORKER,
            control_addresses: vec![CONTROL_1, CONTROL_2],
            window_post_proof_type: PROOF,
            peer_id: self.peer_id.clone(),
            multi_addresses: self.multiaddrs.clone(),
        }
    }

    /// FIP-0077: the deposit the miner must lock, from the harness's network figures.
    pub fn create_miner_deposit(&self, rt: &MockRuntime) -> TokenAmount {
        initial_pledge_for_power(
            &create_miner_deposit_power(&rt.policy),
            &self.baseline_power,
            &self.reward_smoothed,
            &self.qa_power_smoothed,
            &self.circulating_supply,
            rt.epoch.get() - self.ramp_start_epoch,
            self.ramp_duration_epochs,
        )
    }

    /// The reward and power queries behind the creation deposit.
    pub fn expect_deposit_queries(&self, rt: &MockRuntime) {
        self.expect_this_epoch_reward(rt);
        let power = ext::power::CurrentTotalPowerReturn {
            raw_byte_power: StoragePower::from(0),
            quality_adj_power: StoragePower::from(0),
            pledge_collateral: TokenAmount::from_atto(0),
            quality_adj_power_smoothed: self.qa_power_smoothed.clone(),
            ramp_start_epoch: self.ramp_start_epoch,
            ramp_duration_epochs: self.ramp_duration_epochs,
        };
        rt.expect_send_simple(
            STORAGE_POWER_ACTOR_ADDR,
            ext::power::CURRENT_TOTAL_POWER_METHOD,
            None,
            TokenAmount::from_atto(0),
            IpldBlock::serialize_cbor(&power).unwrap(),
            ExitCode::OK,
        );
    }

    pub fn expect_this_epoch_reward(&self, rt: &MockRuntime) {
        let ret = ext::reward::ThisEpochRewardReturn {
            this_epoch_reward_smoothed: self.reward_smoothed.clone(),
            this_epoch_baseline_power: self.baseline_power.clone(),
        };
        rt.expect_send_simple(
            REWARD_ACTOR_ADDR,
            ext::reward::THIS_EPOCH_REWARD_METHOD,
            None,
            TokenAmount::from_atto(0),
            IpldBlock::serialize_cbor(&ret).unwrap(),
            ExitCode::OK,
        );
    }

    /// Expects the account at `id` to be asked for its key address, answering its BLS key.
    pub fn expect_pubkey_query(&self, rt: &MockRuntime, id: Address) {
        rt.expect_send_simple(
            id,
            ext::account::PUBKEY_ADDRESS_METHOD,
            None,
            TokenAmount::from_atto(0),
            IpldBlock::serialize_cbor(&bls_key(id.id().unwrap())).unwrap(),
            ExitCode::OK,
        );
    }

    /// Calls the constructor from init with `value`, after setting the expectations of a
    /// construction that gets past the deposit check.
    pub fn construct(
        &self,
        rt: &MockRuntime,
        params: &MinerConstructorParams,
        value: TokenAmount,
    ) -> Result<(), ActorError> {
        rt.set_received(value);
        rt.set_caller(builtin_code_cid(Type::Init), INIT_ACTOR_ADDR);
        rt.expect_validate_caller_addr(vec![INIT_ACTOR_ADDR]);
        finish(rt, call_unit(rt, Method::Constructor, Some(params)))
    }

    /// Constructs the miner with the harness's parameters and exactly the deposit.
    pub fn construct_and_verify(&self, rt: &MockRuntime) {
        let deposit = self.create_miner_deposit(rt);
        self.expect_deposit_queries(rt);
        self.expect_pubkey_query(rt, WORKER);
        self.construct(rt, &self.constructor_params(), deposit)
            .unwrap();
        rt.verify();
    }

    // --- control and info ---

    pub fn control_addresses(&self, rt: &MockRuntime) -> GetControlAddressesReturn {
        getter(rt, Method::ControlAddresses)
    }

    pub fn get_owner(&self, rt: &MockRuntime) -> GetOwnerReturn {
        getter(rt, Method::GetOwnerExported)
    }

    pub fn get_sector_size(&self, rt: &MockRuntime) -> GetSectorSizeReturn {
        getter(rt, Method::GetSectorSizeExported)
    }

    pub fn get_available_balance(&self, rt: &MockRuntime) -> GetAvailableBalanceReturn {
        getter(rt, Method::GetAvailableBalanceExported)
    }

    pub fn get_vesting_funds(&self, rt: &MockRuntime) -> GetVestingFundsReturn {
        getter(rt, Method::GetVestingFundsExported)
    }

    pub fn get_peer_id(&self, rt: &MockRuntime) -> GetPeerIDReturn {
        getter(rt, Method::GetPeerIDExported)
    }

    pub fn get_multiaddrs(&self, rt: &MockRuntime) -> GetMultiaddrsReturn {
        getter(rt, Method::GetMultiaddrsExported)
    }

    pub fn get_beneficiary(&self, rt: &MockRuntime) -> GetBeneficiaryReturn {
        getter(rt, Method::GetBeneficiaryExported)
    }

    pub fn is_controlling_address(&self, rt: &MockRuntime, address: Address) -> bool {
        as_caller(rt, OTHER);
        rt.expect_validate_caller_any();
        let ret: IsControllingAddressReturn = call(
            rt,
            Method::IsControllingAddressExported,
            Some(&IsControllingAddressParam { address }),
        )
        .unwrap()
        .unwrap();
        rt.verify();
        ret.is_controlling
    }

    /// ChangeWorkerAddress from `caller`; the new worker's key is queried unless it is a BLS
    /// address, and the owner is the expected caller.
    pub fn change_worker_address(
        &self,
        rt: &MockRuntime,
        caller: Address,
        params: ChangeWorkerAddressParams,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        if params.new_worker.id().is_ok() {
            self.expect_pubkey_query(rt, params.new_worker);
        }
        rt.expect_validate_caller_addr(vec![self.info(rt).owner]);
        finish(
            rt,
            call_unit(rt, Method::ChangeWorkerAddress, Some(&params)),
        )
    }

    pub fn confirm_change_worker_address(
        &self,
        rt: &MockRuntime,
        caller: Address,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(vec![self.info(rt).owner]);
        finish(
            rt,
            call_unit::<()>(rt, Method::ConfirmChangeWorkerAddress, None),
        )
    }

    /// ChangeOwnerAddress from `caller`, expecting validation against `expected_callers`.
    pub fn change_owner_address(
        &self,
        rt: &MockRuntime,
        caller: Address,
        expected_caller: Address,
        new_owner: Address,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(vec![expected_caller]);
        finish(
            rt,
            call_unit(
                rt,
                Method::ChangeOwnerAddress,
                Some(&ChangeOwnerAddressParams { new_owner }),
            ),
        )
    }

    /// `method` from `caller`, a method the controlling addresses may call and that returns
    /// nothing.
    fn controlled_call<P: Serialize>(
        &self,
        rt: &MockRuntime,
        caller: Address,
        method: Method,
        params: &P,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        finish(rt, call_unit(rt, method, Some(params)))
    }

    pub fn change_peer_id(
        &self,
        rt: &MockRuntime,
        caller: Address,
        new_id: Vec<u8>,
    ) -> Result<(), ActorError> {
        self.controlled_call(
            rt,
            caller,
            Method::ChangePeerID,
            &ChangePeerIDParams { new_id },
        )
    }

    pub fn change_multiaddrs(
        &self,
        rt: &MockRuntime,
        caller: Address,
        new_multi_addrs: Vec<BytesDe>,
    ) -> Result<(), ActorError> {
        self.controlled_call(
            rt,
            caller,
            Method::ChangeMultiaddrs,
            &ChangeMultiaddrsParams { new_multi_addrs },
        )
    }

    pub fn change_beneficiary(
        &self,
        rt: &MockRuntime,
        caller: Address,
        new_beneficiary: Address,
        new_quota: TokenAmount,
        new_expiration: ChainEpoch,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_any();
        let params = ChangeBeneficiaryParams {
            new_beneficiary,
            new_quota,
            new_expiration,
        };
        finish(rt, call_unit(rt, Method::ChangeBeneficiary, Some(&params)))
    }

    // --- funds ---

    /// WithdrawBalance from `caller`, expecting the payout to the beneficiary, the burn of
    /// `fee_to_burn` and a pledge notice for `newly_vested`.
    pub fn withdraw_balance(
        &self,
        rt: &MockRuntime,
        caller: Address,
        amount_requested: TokenAmount,
        expected_withdrawn: TokenAmount,
        fee_to_burn: TokenAmount,
    ) -> Result<WithdrawBalanceReturn, ActorError> {
        as_caller(rt, caller);
        let info = self.info(rt);
        rt.expect_validate_caller_addr(vec![info.owner, info.beneficiary]);
        if expected_withdrawn.is_positive() {
            rt.expect_send_simple(
                info.beneficiary,
                METHOD_SEND,
                None,
                expected_withdrawn,
                None,
                ExitCode::OK,
            );
        }
        expect_burn(rt, &fee_to_burn);
        let res = call(
            rt,
            Method::WithdrawBalance,
            Some(&WithdrawBalanceParams { amount_requested }),
        )
        .map(|r| r.unwrap());
        finish(rt, res)
    }

    /// RepayDebt from `caller`, expecting a burn of `to_burn` and a pledge notice of
    /// `-unlocked`.
    pub fn repay_debt(
        &self,
        rt: &MockRuntime,
        caller: Address,
        unlocked: TokenAmount,
        to_burn: TokenAmount,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        expect_pledge_update(rt, &-unlocked);
        expect_burn(rt, &to_burn);
        finish(rt, call_unit::<()>(rt, Method::RepayDebt, None))
    }

    /// ApplyRewards from `caller` with the reward as value, expecting the `block-penalty`
    /// fee event for a positive penalty, a pledge notice of `pledge_delta` and a burn of
    /// `to_burn`.
    pub fn apply_rewards(
        &self,
        rt: &MockRuntime,
        caller: Address,
        reward: TokenAmount,
        penalty: TokenAmount,
        pledge_delta: TokenAmount,
        to_burn: TokenAmount,
    ) -> Result<(), ActorError> {
        rt.set_caller(builtin_code_cid(Type::Reward), caller);
        rt.set_received(reward.clone());
        rt.expect_validate_caller_addr(vec![REWARD_ACTOR_ADDR]);
        // The penalty is reported as applied, whether or not the funds cover it.
        if penalty.is_positive() {
            let fee = FeeApplied::new(FeeType::BlockPenalty, penalty.clone());
            rt.expect_emitted_event(fee.event().unwrap());
        }
        expect_pledge_update(rt, &pledge_delta);
        expect_burn(rt, &to_burn);
        let params = ApplyRewardParams { reward, penalty };
        finish(rt, call_unit(rt, Method::ApplyRewards, Some(&params)))
    }

    // --- state ---

    pub fn state(&self, rt: &MockRuntime) -> State {
        rt.get_state()
    }

    pub fn info(&self, rt: &MockRuntime) -> MinerInfo {
        self.state(rt).get_info(&rt.store).unwrap()
    }

    pub fn controlling(&self, rt: &MockRuntime) -> Vec<Address> {
        let info = self.info(rt);
        let mut addrs = info.control_addresses.clone();
        addrs.push(info.worker);
        addrs.push(info.owner);
        addrs
    }

    /// Runs the miner's state invariants against the current balance: no message allowed.
    pub fn check_state(&self, rt: &MockRuntime) {
        let (_, acc) =
            check_state_invariants(&rt.policy, &self.state(rt), &rt.store, &rt.balance.borrow());
        acc.assert_empty();
    }
}

/// Makes `caller` (an account) the immediate caller.
pub fn as_caller(rt: &MockRuntime, caller: Address) {
    rt.set_caller(builtin_code_cid(Type::Account), caller);
}

pub fn expect_burn(rt: &MockRuntime, amount: &TokenAmount) {
    if amount.is_positive() {
        rt.expect_send_simple(
            BURNT_FUNDS_ACTOR_ADDR,
            METHOD_SEND,
            None,
            amount.clone(),
            None,
            ExitCode::OK,
        );
    }
}

pub fn expect_pledge_update(rt: &MockRuntime, delta: &TokenAmount) {
    if !delta.is_zero() {
        rt.expect_send_simple(
            STORAGE_POWER_ACTOR_ADDR,
            ext::power::UPDATE_PLEDGE_TOTAL_METHOD,
            IpldBlock::serialize_cbor(delta).unwrap(),
            TokenAmount::from_atto(0),
            None,
            ExitCode::OK,
        );
    }
}

/// Expects a claimed-power update of `delta` to the power actor, if non-zero.
pub fn expect_power_update(rt: &MockRuntime, delta: &PowerPair) {
    if !delta.is_zero() {
        let params = ext::power::UpdateClaimedPowerParams {
            raw_byte_delta: delta.raw.clone(),
            quality_adjusted_delta: delta.qa.clone(),
        };
        rt.expect_send_simple(
            STORAGE_POWER_ACTOR_ADDR,
            ext::power::UPDATE_CLAIMED_POWER_METHOD,
            IpldBlock::serialize_cbor(&params).unwrap(),
            TokenAmount::from_atto(0),
            None,
            ExitCode::OK,
        );
    }
}

/// Expects the miner to enroll a cron callback of `event_type` at `epoch`.
pub fn expect_enroll(rt: &MockRuntime, epoch: ChainEpoch, event_type: i64) {
    let params = ext::power::EnrollCronEventParams {
        event_epoch: epoch,
        payload: RawBytes::serialize(CronEventPayload { event_type }).unwrap(),
    };
    rt.expect_send_simple(
        STORAGE_POWER_ACTOR_ADDR,
        ext::power::ENROLL_CRON_EVENT_METHOD,
        IpldBlock::serialize_cbor(&params).unwrap(),
        TokenAmount::from_atto(0),
        None,
        ExitCode::OK,
    );
}

/// Calls `method` with `params` and decodes its return.
pub fn call<P: Serialize, R: DeserializeOwned>(
    rt: &MockRuntime,
    method: Method,
    params: Option<&P>,
) -> Result<Option<R>, ActorError> {
    let params = params.map(|p| IpldBlock::serialize_cbor(p).unwrap().unwrap());
    let ret = rt.call::<Actor>(method as MethodNum, params)?;
    Ok(ret.map(|b| b.deserialize().unwrap()))
}

fn call_unit<P: Serialize>(
    rt: &MockRuntime,
    method: Method,
    params: Option<&P>,
) -> Result<(), ActorError> {
    let ret = rt.call::<Actor>(
        method as MethodNum,
        params.map(|p| IpldBlock::serialize_cbor(p).unwrap().unwrap()),
    )?;
    assert!(ret.is_none(), "method {:?} returned a value", method);
    Ok(())
}

/// A read-only getter called by an unrelated account.
fn getter<R: DeserializeOwned>(rt: &MockRuntime, method: Method) -> R {
    as_caller(rt, OTHER);
    rt.expect_validate_caller_any();
    let ret = call::<(), R>(rt, method, None).unwrap().unwrap();
    rt.verify();
    ret
}

/// A success must have met every expectation; a failure drops those it did not reach.
pub fn finish<T>(rt: &MockRuntime, res: Result<T, ActorError>) -> Result<T, ActorError> {
    match &res {
        Ok(_) => rt.verify(),
        Err(_) => rt.reset(),
    }
    res
}

pub mod commit;
