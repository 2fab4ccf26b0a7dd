//! Unit tests of the power actor's constructor and its miner methods on the mock runtime:
//! CreateMiner (both numbers, value forwarding, init failures, bad parameters),
//! UpdateClaimedPower (totals, the consensus minimum in both directions, rejections) and
//! UpdatePledgeTotal (totals, rejections).

mod harness;

use fil_actor_power::{
    Actor, CreateMinerReturn, Method, State, INITIAL_QA_POWER_ESTIMATE_POSITION,
    INITIAL_QA_POWER_ESTIMATE_VELOCITY,
};
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::{builtin_code_cid, user_code_cid};
use fil_actors_runtime::{FilterEstimate, Type, EMPTY_ARR_CID, SYSTEM_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::RegisteredPoStProof;
use fvm_shared::MethodNum;
use harness::*;

#[test]
fn constructor_writes_genesis_state() {
    let rt = setup();
    let st = state(&rt);
    let zero = power(0);
    for total in [
        &st.total_raw_byte_power,
        &st.total_bytes_committed,
        &st.total_quality_adj_power,
        &st.total_qa_bytes_committed,
        &st.this_epoch_raw_byte_power,
        &st.this_epoch_quality_adj_power,
    ] {
        assert_eq!(total, &zero);
    }
    assert_eq!(st.total_pledge_collateral, TokenAmount::default());
    assert_eq!(st.this_epoch_pledge_collateral, TokenAmount::default());
    assert_eq!(
        st.this_epoch_qa_power_smoothed,
        FilterEstimate::new(
            power(INITIAL_QA_POWER_ESTIMATE_POSITION),
            power(INITIAL_QA_POWER_ESTIMATE_VELOCITY)
        )
    );
    // 750,000 GiB and 3,840 GiB per epoch.
    assert_eq!(INITIAL_QA_POWER_ESTIMATE_POSITION, 805_306_368_000_000);
    assert_eq!(INITIAL_QA_POWER_ESTIMATE_VELOCITY, 4_123_168_604_160);
    assert_eq!((st.miner_count, st.miner_above_min_power_count), (0, 0));
    assert_eq!((st.ramp_start_epoch, st.ramp_duration_epochs), (0, 0));
    assert_eq!(st.first_cron_epoch, 0);
    assert_eq!(st.proof_validation_batch, None);
    // Both HAMTs are empty: an empty HAMT node is the same block whatever its bit width.
    assert_eq!(st.claims, st.cron_event_queue);
    assert_eq!(
        st.claims.to_string(),
        "bafy2bzaceamp42wmmgr2g2ymg46euououzfyck7szknvfacqscohrvaikwfay"
    );
    assert_invariants(&rt);
}

#[test]
fn constructor_rejects_other_callers_and_second_call() {
    let rt = new_runtime();
    rt.set_caller(builtin_code_cid(Type::Account), OWNER);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        rt.call::<Actor>(Method::Constructor as MethodNum, None),
    );
    rt.verify();
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);

    construct(&rt);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "expected an empty state",
        rt.call::<Actor>(Method::Constructor as MethodNum, None),
    );
    rt.verify();
}

#[test]
fn constructor_takes_no_parameters() {
    let rt = new_runtime();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expects no arguments",
        call(&rt, Method::Constructor as MethodNum, &5u8),
    );
}

#[test]
fn create_miner_records_an_empty_claim() {
    let rt = setup();
    let params = create_miner_params(PROOF);
    let value = TokenAmount::from_whole(7);
    let ret = create_miner_with(
        &rt,
        Method::CreateMiner as MethodNum,
        &params,
        1000,
        value.clone(),
        ExitCode::OK,
    )
    .unwrap();
    let ret: CreateMinerReturn = decode(ret);
    assert_eq!(ret.id_address, Address::new_id(1000));
    assert_eq!(ret.robust_address, robust_address(1000));

    let st = state(&rt);
    assert_eq!(st.miner_count, 1);
    assert_eq!(st.miner_above_min_power_count, 0);
    let claim = claim(&rt, Address::new_id(1000)).unwrap();
    assert_eq!(claim.window_post_proof_type, PROOF);
    assert_eq!(claim.raw_byte_power, power(0));
    assert_eq!(claim.quality_adj_power, power(0));
    // The deposit went to init with the Exec (checked by the send expectation: the only send,
    // as in v18), none stays here, and the network's pledge total does not count it.
    assert_eq!(*rt.balance.borrow(), TokenAmount::default());
    assert_eq!(st.total_pledge_collateral, TokenAmount::default());
    assert_invariants(&rt);
}

#[test]
fn create_miner_through_the_exported_number_from_a_contract() {
    let rt = setup();
    let params = create_miner_params(PROOF);
    // Any caller may use the exported number (FIP-0050), a user contract included.
    let contract = Address::new_id(500);
    rt.set_caller(user_code_cid("contract"), contract);
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        fil_actors_runtime::INIT_ACTOR_ADDR,
        fil_actor_power::ext::init::EXEC_METHOD,
        expected_exec_params(&params),
        TokenAmount::default(),
        IpldBlock::serialize_cbor(&fil_actor_power::ext::init::ExecReturn {
            id_address: Address::new_id(1001),
            robust_address: robust_address(1001),
        })
        .unwrap(),
        ExitCode::OK,
    );
    let ret = call(&rt, Method::CreateMinerExported as MethodNum, &params).unwrap();
    rt.verify();
    let ret: CreateMinerReturn = decode(ret);
    assert_eq!(ret.id_address, Address::new_id(1001));
    assert_eq!(state(&rt).miner_count, 1);

    // The internal number is closed to non-built-in callers.
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "must be a built-in actor",
        call(&rt, Method::CreateMiner as MethodNum, &params),
    );
    assert_eq!(state(&rt).miner_count, 1);
}

#[test]
fn create_miner_fails_with_the_miner_constructor_exit_code() {
    // A deposit below the FIP-0077 requirement makes the miner's constructor (reached through
    // init) abort; the whole creation fails with that code and records nothing.
    let rt = setup();
    let before = rt.state.get();
    let params = create_miner_params(PROOF);
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "send aborted",
        create_miner_with(
            &rt,
            Method::CreateMiner as MethodNum,
            &params,
            1000,
            TokenAmount::from_atto(1),
            ExitCode::USR_INSUFFICIENT_FUNDS,
        ),
    );
    assert_eq!(rt.state.get(), before);

    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "send aborted",
        create_miner_with(
            &rt,
            Method::CreateMiner as MethodNum,
            &params,
            1000,
            TokenAmount::default(),
            ExitCode::USR_ILLEGAL_ARGUMENT,
        ),
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn create_miner_rejects_a_malformed_init_return() {
    let rt = setup();
    let before = rt.state.get();
    let params = create_miner_params(PROOF);
    rt.set_caller(builtin_code_cid(Type::Account), OWNER);
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        fil_actors_runtime::INIT_ACTOR_ADDR,
        fil_actor_power::ext::init::EXEC_METHOD,
        expected_exec_params(&params),
        TokenAmount::default(),
        IpldBlock::serialize_cbor(&"not an exec return").unwrap(),
        ExitCode::OK,
    );
    expect_abort(
        ExitCode::USR_SERIALIZATION,
        "failed to decode return value",
        call(&rt, Method::CreateMiner as MethodNum, &params),
    );
    rt.verify();
    assert_eq!(rt.state.get(), before);
}

#[test]
fn create_miner_with_an_unknown_proof_type_fails_after_exec() {
    let rt = setup();
    let before = rt.state.get();
    let params = create_miner_params(RegisteredPoStProof::Invalid(99));
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "unsupported PoSt proof type 99",
        create_miner_with(
            &rt,
            Method::CreateMiner as MethodNum,
            &params,
            1000,
            TokenAmount::default(),
            ExitCode::OK,
        ),
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn create_miner_rejects_malformed_parameters() {
    let rt = setup();
    rt.set_caller(builtin_code_cid(Type::Account), OWNER);
    expect_abort(
        ExitCode::USR_SERIALIZATION,
        "failed to decode parameters",
        call(&rt, Method::CreateMiner as MethodNum, &(1u8, 2u8)),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expects arguments",
        rt.call::<Actor>(Method::CreateMiner as MethodNum, None),
    );
}

#[test]
fn a_network_without_minimum_counts_new_miners_as_above_it() {
    let mut rt = new_runtime();
    rt.policy.minimum_consensus_power = power(0);
    construct(&rt);
    create_miner(&rt, 1000);
    let st = state(&rt);
    assert_eq!((st.miner_count, st.miner_above_min_power_count), (1, 1));
    assert_invariants(&rt);
}

#[test]
fn claimed_power_below_minimum_counts_only_as_committed() {
    let rt = setup();
    let miner = create_miner(&rt, 1000);
    update_claimed_power(&rt, miner, 1024, 2048).unwrap();

    let st = state(&rt);
    assert_eq!(st.total_bytes_committed, power(1024));
    assert_eq!(st.total_qa_bytes_committed, power(2048));
    assert_eq!(st.total_raw_byte_power, power(0));
    assert_eq!(st.total_quality_adj_power, power(0));
    assert_eq!(st.miner_above_min_power_count, 0);
    let c = claim(&rt, miner).unwrap();
    assert_eq!(
        (c.raw_byte_power, c.quality_adj_power),
        (power(1024), power(2048))
    );
    // With fewer than four miners at the minimum, the committed totals are the current ones.
    assert_eq!(st.current_total_power(), (power(1024), power(2048)));
    assert_invariants(&rt);
}

#[test]
fn crossing_the_minimum_moves_the_whole_claim_into_and_out_of_the_totals() {
    let rt = setup();
    let miner = create_miner(&rt, 1000);
    update_claimed_power(&rt, miner, 1024, 1536).unwrap();
    // Up across the minimum: the whole new claim joins the consensus totals.
    update_claimed_power(&rt, miner, 1024, 1536).unwrap();
    let st = state(&rt);
    assert_eq!(st.miner_above_min_power_count, 1);
    assert_eq!(st.total_raw_byte_power, power(2048));
    assert_eq!(st.total_quality_adj_power, power(3072));
    assert_invariants(&rt);

    // Above, staying above: deltas apply to both.
    update_claimed_power(&rt, miner, 4096, 8192).unwrap();
    let st = state(&rt);
    assert_eq!(st.total_raw_byte_power, power(6144));
    assert_eq!(st.total_quality_adj_power, power(11264));
    assert_eq!(st.total_bytes_committed, power(6144));
    assert_invariants(&rt);

    // Down below the minimum: the whole old claim leaves the consensus totals.
    update_claimed_power(&rt, miner, -5120, -10240).unwrap();
    let st = state(&rt);
    assert_eq!(st.miner_above_min_power_count, 0);
    assert_eq!(st.total_raw_byte_power, power(0));
    assert_eq!(st.total_quality_adj_power, power(0));
    assert_eq!(st.total_bytes_committed, power(1024));
    assert_eq!(st.total_qa_bytes_committed, power(1024));
    assert_invariants(&rt);
}

#[test]
fn consensus_totals_apply_once_four_miners_meet_the_minimum() {
    let rt = setup();
    let miners: Vec<Address> = (0..5).map(|i| create_miner(&rt, 1000 + i)).collect();
    for miner in &miners[..3] {
        update_claimed_power(&rt, *miner, MIN_POWER, MIN_POWER).unwrap();
    }
    update_claimed_power(&rt, miners[4], 1, 1).unwrap();
    let st = state(&rt);
    assert_eq!(st.miner_above_min_power_count, 3);
    // Three at the minimum: everyone's committed power still counts.
    assert_eq!(
        st.current_total_power(),
        (power(3 * MIN_POWER + 1), power(3 * MIN_POWER + 1))
    );

    update_claimed_power(&rt, miners[3], MIN_POWER, 2 * MIN_POWER).unwrap();
    let st = state(&rt);
    assert_eq!(st.miner_above_min_power_count, 4);
    assert_eq!(
        st.current_total_power(),
        (power(4 * MIN_POWER), power(5 * MIN_POWER))
    );
    assert_eq!(st.total_bytes_committed, power(4 * MIN_POWER + 1));
    assert_invariants(&rt);
}

#[test]
fn update_claimed_power_rejections() {
    let rt = setup();
    let miner = create_miner(&rt, 1000);
    update_claimed_power(&rt, miner, 100, 100).unwrap();
    let before = rt.state.get();

    // Not a miner.
    rt.set_caller(builtin_code_cid(Type::Account), OWNER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    let params = fil_actor_power::UpdateClaimedPowerParams {
        raw_byte_delta: power(1),
        quality_adjusted_delta: power(1),
    };
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        call(&rt, Method::UpdateClaimedPower as MethodNum, &params),
    );
    rt.verify();

    // A miner the power actor did not create.
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "no claim for actor f02000",
        update_claimed_power(&rt, Address::new_id(2000), 1, 1),
    );
    // A claim would go negative.
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "negative claimed raw byte power -1",
        update_claimed_power(&rt, miner, -101, 0),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "negative claimed quality adjusted power -1",
        update_claimed_power(&rt, miner, 0, -101),
    );
    assert_eq!(rt.state.get(), before);

    // Malformed parameters.
    set_miner_caller(&rt, miner);
    expect_abort(
        ExitCode::USR_SERIALIZATION,
        "failed to decode parameters",
        call(&rt, Method::UpdateClaimedPower as MethodNum, &7u8),
    );
}

#[test]
fn update_pledge_total_adds_signed_changes() {
    let rt = setup();
    let miner = create_miner(&rt, 1000);
    update_pledge_total(&rt, miner, TokenAmount::from_whole(5)).unwrap();
    update_pledge_total(&rt, miner, TokenAmount::from_whole(-2)).unwrap();
    assert_eq!(
        state(&rt).total_pledge_collateral,
        TokenAmount::from_whole(3)
    );
    // The frozen value changes only at the tick.
    assert_eq!(
        state(&rt).this_epoch_pledge_collateral,
        TokenAmount::default()
    );
    assert_invariants(&rt);
}

#[test]
fn update_pledge_total_rejections() {
    let rt = setup();
    let miner = create_miner(&rt, 1000);
    update_pledge_total(&rt, miner, TokenAmount::from_whole(1)).unwrap();
    let before = rt.state.get();

    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "unknown miner f02000",
        update_pledge_total(&rt, Address::new_id(2000), TokenAmount::from_whole(1)),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "negative total pledge collateral -0.000000000000000001",
        update_pledge_total(
            &rt,
            miner,
            TokenAmount::from_atto(-1_000_000_000_000_000_001i64),
        ),
    );
    rt.set_caller(builtin_code_cid(Type::Multisig), OWNER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        call(
            &rt,
            Method::UpdatePledgeTotal as MethodNum,
            &TokenAmount::from_whole(1),
        ),
    );
    rt.verify();
    assert_eq!(rt.state.get(), before);
}

#[test]
fn state_round_trips_through_cbor() {
    let rt = setup();
    let miner = create_miner(&rt, 1000);
    update_claimed_power(&rt, miner, 4096, 8192).unwrap();
    let st: State = state(&rt);
    let bytes = fvm_ipld_encoding::to_vec(&st).unwrap();
    let back: State = fvm_ipld_encoding::from_slice(&bytes).unwrap();
    assert_eq!(back, st);
    // A 17-field tuple.
    assert_eq!(bytes[0], 0x91);
}
