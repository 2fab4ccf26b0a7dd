//! Unit tests of the reward actor on the mock runtime: construction, AwardBlockReward (the
//! amounts paid and penalised, the balance cap, the burn when the miner fails, every
//! rejection), ThisEpochReward, UpdateNetworkKPI (null rounds, smoothing, rejections), the
//! method table and the state invariant checks.

use fil_actor_reward::ext::miner::{ApplyRewardParams, APPLY_REWARDS_METHOD};
use fil_actor_reward::logic::BASELINE_INITIAL_VALUE;
use fil_actor_reward::testing::check_state_invariants;
use fil_actor_reward::{
    Actor, AwardBlockRewardParams, ConstructorParams, Method, State, ThisEpochRewardReturn,
    UpdateNetworkKPIParams, EXPECTED_LEADERS_PER_EPOCH, PENALTY_MULTIPLIER,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, user_code_cid, MockRuntime};
use fil_actors_runtime::util::smoothing::smooth;
use fil_actors_runtime::{
    ActorError, Type, BURNT_FUNDS_ACTOR_ADDR, EMPTY_ARR_CID, REWARD_ACTOR_ADDR,
    STORAGE_POWER_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::bigint::bigint_ser::BigIntDe;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::StoragePower;
use fvm_shared::{MethodNum, METHOD_SEND};

/// The epoch-0 reward with no power (TestSimpleReward.golden, x = 0).
const EPOCH_ZERO_REWARD: u128 = 36_266_264_293_777_134_739;
const MINER: Address = Address::new_id(1000);

fn call_with<P: serde::Serialize>(
    rt: &MockRuntime,
    method: Method,
    params: &P,
) -> Result<Option<IpldBlock>, ActorError> {
    rt.call::<Actor>(
        method as MethodNum,
        IpldBlock::serialize_cbor(params).unwrap(),
    )
}

fn constructor_params(power: i64) -> ConstructorParams {
    ConstructorParams {
        power: Some(BigIntDe(StoragePower::from(power))),
    }
}

fn construct(rt: &MockRuntime, power: i64) -> Result<Option<IpldBlock>, ActorError> {
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let result = call_with(rt, Method::Constructor, &constructor_params(power));
    rt.verify();
    result
}

/// A reward actor constructed with `power`, holding `balance`, with the miner known.
fn setup(power: i64, balance: TokenAmount) -> MockRuntime {
    let rt = MockRuntime::new(REWARD_ACTOR_ADDR);
    assert_eq!(construct(&rt, power).unwrap(), None);
    rt.set_balance(balance);
    rt.set_address_actor_type(MINER, builtin_code_cid(Type::Miner));
    rt
}

fn state(rt: &MockRuntime) -> State {
    rt.get_state()
}

fn award_params(
    penalty: TokenAmount,
    gas_reward: TokenAmount,
    win_count: i64,
) -> AwardBlockRewardParams {
    AwardBlockRewardParams {
        miner: MINER,
        penalty,
        gas_reward,
        win_count,
    }
}

fn expect_apply_rewards(
    rt: &MockRuntime,
    reward: &TokenAmount,
    penalty: &TokenAmount,
    code: ExitCode,
) {
    let params = ApplyRewardParams {
        reward: reward.clone(),
        penalty: penalty.clone(),
    };
    rt.expect_send_simple(
        MINER,
        APPLY_REWARDS_METHOD,
        IpldBlock::serialize_cbor(&params).unwrap(),
        reward.clone(),
        None,
        code,
    );
}

fn award(rt: &MockRuntime, params: &AwardBlockRewardParams) -> Result<(), ActorError> {
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let result = call_with(rt, Method::AwardBlockReward, params);
    rt.verify();
    result.map(|ret| assert_eq!(ret, None))
}

fn update_kpi(rt: &MockRuntime, epoch: ChainEpoch, power: i64) -> Result<(), ActorError> {
    rt.set_epoch(epoch);
    rt.set_caller(builtin_code_cid(Type::Power), STORAGE_POWER_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![STORAGE_POWER_ACTOR_ADDR]);
    let params = UpdateNetworkKPIParams {
        curr_realized_power: Some(BigIntDe(StoragePower::from(power))),
    };
    let result = call_with(rt, Method::UpdateNetworkKPI, &params);
    rt.verify();
    result.map(|ret| assert_eq!(ret, None))
}

#[test]
fn method_numbers_and_unhandled_methods() {
    assert_eq!(Method::Constructor as MethodNum, 1);
    assert_eq!(Method::AwardBlockReward as MethodNum, 2);
    assert_eq!(Method::ThisEpochReward as MethodNum, 3);
    assert_eq!(Method::UpdateNetworkKPI as MethodNum, 4);
    assert_eq!(PENALTY_MULTIPLIER, 3);
    assert_eq!(EXPECTED_LEADERS_PER_EPOCH, 5);
    let rt = setup(0, TokenAmount::default());
    for method in [0, 5, fil_actors_runtime::method_hash!("ThisEpochReward")] {
        expect_abort(
            ExitCode::USR_UNHANDLED_MESSAGE,
            "invalid method",
            rt.call::<Actor>(method, None),
        );
    }
}

#[test]
fn construct_with_zero_power() {
    let rt = setup(0, TokenAmount::default());
    let st = state(&rt);
    assert_eq!(st.epoch, 0);
    assert_eq!(
        st.this_epoch_reward,
        TokenAmount::from_atto(EPOCH_ZERO_REWARD)
    );
    assert_eq!(st.this_epoch_baseline_power, &*BASELINE_INITIAL_VALUE - 1);
    assert_eq!(st.effective_baseline_power, *BASELINE_INITIAL_VALUE);
    assert_eq!(st.total_storage_power_reward, TokenAmount::default());
    // The smoothed estimate starts at the genesis position and velocity (not yet updated).
    assert_eq!(
        st.this_epoch_reward_smoothed,
        fil_actors_runtime::FilterEstimate::new(
            36_266_260_308_195_979_333u128.into(),
            (-109_897_758_509i64).into()
        )
    );
}

#[test]
fn construct_with_less_and_more_power_than_baseline() {
    // Some power below the baseline: the realized sum moves theta, minting some baseline reward.
    let rt = setup(1 << 39, TokenAmount::default());
    let st = state(&rt);
    assert_eq!(st.cumsum_realized, StoragePower::from(1u64 << 39));
    assert_eq!(st.effective_network_time, 1);
    assert!(st.this_epoch_reward > TokenAmount::from_atto(EPOCH_ZERO_REWARD));

    // At and above the baseline the realized power is capped: same reward.
    let at = MockRuntime::new(REWARD_ACTOR_ADDR);
    let initial = BASELINE_INITIAL_VALUE.clone();
    let twice = &initial * 2;
    for power in [initial, twice] {
        at.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
        at.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
        at.state.set(*EMPTY_ARR_CID);
        call_with(
            &at,
            Method::Constructor,
            &ConstructorParams {
                power: Some(BigIntDe(power)),
            },
        )
        .unwrap();
        at.verify();
        assert_eq!(state(&at).cumsum_realized, &*BASELINE_INITIAL_VALUE - 1);
    }
}

#[test]
fn constructor_rejections() {
    let rt = MockRuntime::new(REWARD_ACTOR_ADDR);
    rt.set_caller(builtin_code_cid(Type::Account), Address::new_id(100));
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        call_with(&rt, Method::Constructor, &constructor_params(0)),
    );
    rt.verify();

    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "should not be nil",
        call_with(&rt, Method::Constructor, &ConstructorParams { power: None }),
    );
    rt.verify();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expects arguments",
        rt.call::<Actor>(Method::Constructor as MethodNum, None),
    );
    expect_abort(
        ExitCode::USR_SERIALIZATION,
        "failed to decode parameters",
        call_with(&rt, Method::Constructor, &"power"),
    );
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

#[test]
fn award_pays_the_win_share_and_gas_reward() {
    let rt = setup(0, TokenAmount::from_whole(1_000));
    let gas = TokenAmount::from_atto(7_000);
    // 2 wins of 5 expected: 2/5 of the epoch reward, rounded down.
    let block_reward = TokenAmount::from_atto(EPOCH_ZERO_REWARD * 2 / 5);
    assert_eq!(
        block_reward,
        TokenAmount::from_atto(14_506_505_717_510_853_895u128)
    );
    let total = &block_reward + &gas;
    expect_apply_rewards(&rt, &total, &TokenAmount::default(), ExitCode::OK);
    award(&rt, &award_params(TokenAmount::default(), gas, 2)).unwrap();
    assert_eq!(state(&rt).total_storage_power_reward, block_reward);
    assert_eq!(*rt.balance.borrow(), TokenAmount::from_whole(1_000) - total);
}

#[test]
fn award_takes_three_times_the_penalty_capped_at_the_reward() {
    let rt = setup(0, TokenAmount::from_whole(1_000));
    let block_reward = TokenAmount::from_atto(EPOCH_ZERO_REWARD / 5);
    let penalty = TokenAmount::from_atto(1_000);
    expect_apply_rewards(&rt, &block_reward, &(&penalty * 3), ExitCode::OK);
    award(&rt, &award_params(penalty, TokenAmount::default(), 1)).unwrap();

    // A penalty above the reward is capped at the reward.
    let total = &block_reward + TokenAmount::from_atto(10);
    expect_apply_rewards(&rt, &total, &total, ExitCode::OK);
    award(
        &rt,
        &award_params(TokenAmount::from_whole(100), TokenAmount::from_atto(10), 1),
    )
    .unwrap();
    assert_eq!(state(&rt).total_storage_power_reward, &block_reward * 2);
}

#[test]
fn award_pays_out_the_rest_of_a_short_balance() {
    let balance = TokenAmount::from_atto(5_000_000);
    let rt = setup(0, balance.clone());
    let gas = TokenAmount::from_atto(1_000_000);
    expect_apply_rewards(&rt, &balance, &TokenAmount::default(), ExitCode::OK);
    award(&rt, &award_params(TokenAmount::default(), gas.clone(), 5)).unwrap();
    // Only what was left after the gas reward counts as block reward.
    assert_eq!(state(&rt).total_storage_power_reward, &balance - &gas);
    assert_eq!(*rt.balance.borrow(), TokenAmount::default());
}

#[test]
fn award_burns_the_reward_when_the_miner_fails() {
    let rt = setup(0, TokenAmount::from_whole(1_000));
    let block_reward = TokenAmount::from_atto(EPOCH_ZERO_REWARD * 3 / 5);
    let penalty = TokenAmount::from_atto(5);
    expect_apply_rewards(&rt, &block_reward, &(&penalty * 3), ExitCode::USR_FORBIDDEN);
    rt.expect_send_simple(
        BURNT_FUNDS_ACTOR_ADDR,
        METHOD_SEND,
        None,
        block_reward.clone(),
        None,
        ExitCode::OK,
    );
    award(&rt, &award_params(penalty, TokenAmount::default(), 3)).unwrap();
    assert_eq!(state(&rt).total_storage_power_reward, block_reward);
    assert_eq!(
        *rt.balance.borrow(),
        TokenAmount::from_whole(1_000) - block_reward
    );

    // Even a failing burn does not fail the award.
    let block_reward = TokenAmount::from_atto(EPOCH_ZERO_REWARD / 5);
    expect_apply_rewards(
        &rt,
        &block_reward,
        &TokenAmount::default(),
        ExitCode::USR_ILLEGAL_STATE,
    );
    rt.expect_send_simple(
        BURNT_FUNDS_ACTOR_ADDR,
        METHOD_SEND,
        None,
        block_reward.clone(),
        None,
        ExitCode::USR_UNSPECIFIED,
    );
    award(
        &rt,
        &award_params(TokenAmount::default(), TokenAmount::default(), 1),
    )
    .unwrap();
}

#[test]
fn award_resolves_the_miner_address() {
    let rt = setup(0, TokenAmount::from_whole(1_000));
    let robust = Address::new_actor(b"miner robust");
    rt.add_id_address(robust, MINER.id().unwrap());
    let block_reward = TokenAmount::from_atto(EPOCH_ZERO_REWARD / 5);
    expect_apply_rewards(&rt, &block_reward, &TokenAmount::default(), ExitCode::OK);
    let params = AwardBlockRewardParams {
        miner: robust,
        penalty: TokenAmount::default(),
        gas_reward: TokenAmount::default(),
        win_count: 1,
    };
    award(&rt, &params).unwrap();
}

#[test]
fn award_rejections_change_nothing() {
    let rt = setup(0, TokenAmount::from_atto(100));
    let before = rt.state.get();
    let cases = [
        (
            award_params(TokenAmount::from_atto(-1), TokenAmount::default(), 1),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "negative penalty -0.000000000000000001",
        ),
        (
            award_params(TokenAmount::default(), TokenAmount::from_atto(-1), 1),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "negative gas reward",
        ),
        (
            award_params(TokenAmount::default(), TokenAmount::from_atto(101), 1),
            ExitCode::USR_ILLEGAL_STATE,
            "insufficient to pay gas reward",
        ),
        (
            award_params(TokenAmount::default(), TokenAmount::default(), 0),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "invalid win count 0",
        ),
        (
            award_params(TokenAmount::default(), TokenAmount::default(), -2),
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "invalid win count -2",
        ),
        (
            AwardBlockRewardParams {
                miner: Address::new_actor(b"nobody"),
                penalty: TokenAmount::default(),
                gas_reward: TokenAmount::default(),
                win_count: 1,
            },
            ExitCode::USR_NOT_FOUND,
            "failed to resolve given owner address",
        ),
    ];
    for (params, code, fragment) in cases {
        expect_abort(code, fragment, award(&rt, &params));
        assert_eq!(rt.state.get(), before);
    }

    rt.set_caller(builtin_code_cid(Type::Miner), MINER);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        call_with(
            &rt,
            Method::AwardBlockReward,
            &award_params(TokenAmount::default(), TokenAmount::default(), 1),
        ),
    );
    rt.verify();
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    expect_abort(
        ExitCode::USR_SERIALIZATION,
        "failed to decode parameters",
        call_with(&rt, Method::AwardBlockReward, &(1u8, 2u8)),
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn this_epoch_reward_is_open_to_any_caller() {
    let rt = setup(0, TokenAmount::default());
    rt.set_caller(user_code_cid("contract"), Address::new_id(700));
    // Internal method: a user contract is refused before validation.
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "must be a built-in actor",
        rt.call::<Actor>(Method::ThisEpochReward as MethodNum, None),
    );
    rt.set_caller(builtin_code_cid(Type::Miner), MINER);
    rt.expect_validate_caller_any();
    let ret: ThisEpochRewardReturn = rt
        .call::<Actor>(Method::ThisEpochReward as MethodNum, None)
        .unwrap()
        .unwrap()
        .deserialize()
        .unwrap();
    rt.verify();
    let st = state(&rt);
    assert_eq!(
        ret.this_epoch_reward_smoothed,
        st.this_epoch_reward_smoothed
    );
    assert_eq!(ret.this_epoch_baseline_power, st.this_epoch_baseline_power);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expects no arguments",
        call_with(&rt, Method::ThisEpochReward, &1u8),
    );
}

#[test]
fn kpi_updates_advance_one_epoch_and_smooth() {
    let rt = setup(0, TokenAmount::default());
    let genesis = state(&rt);
    update_kpi(&rt, 0, 1 << 50).unwrap();
    let st = state(&rt);
    assert_eq!(st.epoch, 1);
    assert_eq!(st.cumsum_realized, StoragePower::from(1u64 << 50));
    // The reward for epoch 1 is the state's, fed into the filter one epoch after genesis.
    let mut expected = genesis.clone();
    expected.update_to_next_epoch_with_reward(&StoragePower::from(1u64 << 50));
    expected.update_smoothed_estimates(1);
    assert_eq!(st, expected);
    assert_eq!(
        st.this_epoch_reward_smoothed,
        smooth(
            &genesis.this_epoch_reward_smoothed,
            st.this_epoch_reward.atto(),
            1
        )
    );

    for epoch in [1, 2, 3] {
        update_kpi(&rt, epoch, 1 << 50).unwrap();
        assert_eq!(state(&rt).epoch, epoch + 1);
    }
    let (_, acc) = check_state_invariants(&state(&rt), 3, &TokenAmount::from_whole(1_100_000_000));
    acc.assert_empty();
}

#[test]
fn kpi_update_catches_up_null_rounds() {
    let power = StoragePower::from(1u64 << 55);
    let rt = setup(0, TokenAmount::default());
    let mut expected = state(&rt);
    update_kpi(&rt, 5, 1 << 55).unwrap();
    // Epochs 1..=5 without reward (null rounds), then epoch 6 with reward; smoothed over 6.
    let prev = expected.epoch;
    for _ in 0..5 {
        expected.update_to_next_epoch(&power);
    }
    expected.update_to_next_epoch_with_reward(&power);
    expected.update_smoothed_estimates(expected.epoch - prev);
    assert_eq!(expected.epoch, 6);
    assert_eq!(state(&rt), expected);

    // A report for an epoch already passed still advances one epoch.
    update_kpi(&rt, 2, 1 << 55).unwrap();
    assert_eq!(state(&rt).epoch, 7);
}

#[test]
fn kpi_update_rejections() {
    let rt = setup(0, TokenAmount::default());
    let before = rt.state.get();
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![STORAGE_POWER_ACTOR_ADDR]);
    let params = UpdateNetworkKPIParams {
        curr_realized_power: Some(BigIntDe(StoragePower::from(1))),
    };
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        call_with(&rt, Method::UpdateNetworkKPI, &params),
    );
    rt.verify();

    rt.set_caller(builtin_code_cid(Type::Power), STORAGE_POWER_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![STORAGE_POWER_ACTOR_ADDR]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot be nil",
        call_with(
            &rt,
            Method::UpdateNetworkKPI,
            &UpdateNetworkKPIParams {
                curr_realized_power: None,
            },
        ),
    );
    rt.verify();
    expect_abort(
        ExitCode::USR_SERIALIZATION,
        "failed to decode parameters",
        call_with(&rt, Method::UpdateNetworkKPI, &"power"),
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn invariant_checks_report_violations() {
    let rt = setup(0, TokenAmount::default());
    let allocation = TokenAmount::from_whole(1_100_000_000);
    let (summary, acc) = check_state_invariants(&state(&rt), -1, &allocation);
    acc.assert_empty();
    assert_eq!(summary.total_storage_power_reward, TokenAmount::default());

    let mut st = state(&rt);
    st.effective_network_time = 5;
    st.cumsum_realized = StoragePower::from(-1);
    st.cumsum_baseline = StoragePower::from(-2);
    let (_, acc) = check_state_invariants(&st, 0, &TokenAmount::from_whole(1));
    assert_eq!(
        acc.messages(),
        vec![
            "reward paid 0.0 + balance 1.0 is below the storage mining allocation 1100000000.0",
            "reward state epoch 0 is not the prior epoch 0 + 1",
            "effective network time 5 is after the state epoch 0",
            "cumulative realized power -1 exceeds cumulative baseline -2",
            "cumulative realized power -1 is negative",
        ]
    );
}
