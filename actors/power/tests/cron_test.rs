//! Unit tests of the power actor's cron methods on the mock runtime: EnrollCronEvent (queue
//! order, first cron epoch, rejections) and OnEpochTickEnd (the order of its sends, due and
//! future events, failing miners, unknown miners, the frozen totals and smoothed estimate, and
//! its rejections).

mod harness;

use fil_actor_power::{Actor, CronEvent, CronEventQueue, Method};
use fil_actors_runtime::test_utils::builtin_code_cid;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::{FilterEstimate, Type, CRON_ACTOR_ADDR, SYSTEM_ACTOR_ADDR};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use harness::*;

fn queued(rt: &fil_actors_runtime::test_utils::MockRuntime, epoch: ChainEpoch) -> Vec<CronEvent> {
    CronEventQueue::load(&rt.store, &state(rt).cron_event_queue)
        .unwrap()
        .events_at(epoch)
        .unwrap()
}

fn event(miner: Address, payload: &[u8]) -> CronEvent {
    CronEvent {
        miner_addr: miner,
        callback_payload: RawBytes::new(payload.to_vec()),
    }
}

fn big(text: &str) -> BigInt {
    text.parse().unwrap()
}

#[test]
fn enrolled_events_queue_by_epoch_in_enrolment_order() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    let m2 = create_miner(&rt, 1001);
    enroll_cron_event(&rt, m1, 5, b"a").unwrap();
    enroll_cron_event(&rt, m2, 3, b"b").unwrap();
    enroll_cron_event(&rt, m1, 5, b"c").unwrap();

    assert_eq!(queued(&rt, 5), vec![event(m1, b"a"), event(m1, b"c")]);
    assert_eq!(queued(&rt, 3), vec![event(m2, b"b")]);
    assert_eq!(queued(&rt, 4), vec![]);
    assert_eq!(state(&rt).first_cron_epoch, 0);
    assert_invariants(&rt);
}

#[test]
fn enrolling_before_the_first_cron_epoch_pulls_it_back() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    tick_without_events(&rt, 10);
    assert_eq!(state(&rt).first_cron_epoch, 11);
    enroll_cron_event(&rt, m1, 20, b"late").unwrap();
    assert_eq!(state(&rt).first_cron_epoch, 11);
    enroll_cron_event(&rt, m1, 7, b"past").unwrap();
    assert_eq!(state(&rt).first_cron_epoch, 7);
    enroll_cron_event(&rt, m1, 0, b"zero").unwrap();
    assert_eq!(state(&rt).first_cron_epoch, 0);
    assert_invariants(&rt);
}

#[test]
fn enroll_cron_event_rejections() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    let before = rt.state.get();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cron event epoch -1 cannot be less than zero",
        enroll_cron_event(&rt, m1, -1, b"x"),
    );

    rt.set_caller(builtin_code_cid(Type::Account), OWNER);
    rt.expect_validate_caller_type(vec![Type::Miner]);
    let params = fil_actor_power::EnrollCronEventParams {
        event_epoch: 5,
        payload: RawBytes::default(),
    };
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        call(&rt, Method::EnrollCronEvent as MethodNum, &params),
    );
    rt.verify();

    set_miner_caller(&rt, m1);
    expect_abort(
        ExitCode::USR_SERIALIZATION,
        "failed to decode parameters",
        call(&rt, Method::EnrollCronEvent as MethodNum, &"epoch"),
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn tick_calls_due_miners_in_epoch_then_enrolment_order() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    let m2 = create_miner(&rt, 1001);
    enroll_cron_event(&rt, m1, 4, b"m1 at 4").unwrap();
    enroll_cron_event(&rt, m2, 2, b"m2 at 2").unwrap();
    enroll_cron_event(&rt, m2, 4, b"m2 at 4").unwrap();
    enroll_cron_event(&rt, m1, 6, b"m1 at 6").unwrap();

    // The events carry the QA estimate as it stood before this tick.
    let qa_smoothed = state(&rt).this_epoch_qa_power_smoothed;
    expect_this_epoch_reward(&rt, ExitCode::OK);
    expect_deferred_cron_event(&rt, m2, b"m2 at 2", &qa_smoothed, ExitCode::OK);
    expect_deferred_cron_event(&rt, m1, b"m1 at 4", &qa_smoothed, ExitCode::OK);
    expect_deferred_cron_event(&rt, m2, b"m2 at 4", &qa_smoothed, ExitCode::OK);
    expect_update_network_kpi(&rt, &power(0), ExitCode::OK);
    call_tick(&rt, 5).unwrap();

    let st = state(&rt);
    assert_eq!(st.first_cron_epoch, 6);
    assert_eq!(queued(&rt, 2), vec![]);
    assert_eq!(queued(&rt, 4), vec![]);
    assert_eq!(queued(&rt, 6), vec![event(m1, b"m1 at 6")]);
    assert_eq!(st.miner_count, 2);
    assert_invariants(&rt);

    // The next tick runs the remaining event, with the estimate the first tick produced.
    let qa_smoothed = st.this_epoch_qa_power_smoothed;
    expect_this_epoch_reward(&rt, ExitCode::OK);
    expect_deferred_cron_event(&rt, m1, b"m1 at 6", &qa_smoothed, ExitCode::OK);
    expect_update_network_kpi(&rt, &power(0), ExitCode::OK);
    call_tick(&rt, 6).unwrap();
    assert_eq!(queued(&rt, 6), vec![]);
    assert_eq!(state(&rt).first_cron_epoch, 7);
}

#[test]
fn tick_skips_events_of_miners_without_a_claim() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    // Enrolment does not check the claim; the tick drops the event of an unknown miner.
    let stranger = Address::new_id(3000);
    enroll_cron_event(&rt, stranger, 1, b"nobody").unwrap();
    enroll_cron_event(&rt, m1, 1, b"m1").unwrap();
    let qa_smoothed = state(&rt).this_epoch_qa_power_smoothed;
    expect_this_epoch_reward(&rt, ExitCode::OK);
    expect_deferred_cron_event(&rt, m1, b"m1", &qa_smoothed, ExitCode::OK);
    expect_update_network_kpi(&rt, &power(0), ExitCode::OK);
    call_tick(&rt, 1).unwrap();
    assert_eq!(queued(&rt, 1), vec![]);
    assert_invariants(&rt);
}

#[test]
fn a_failing_miner_loses_its_claim_and_the_tick_goes_on() {
    let rt = setup();
    let miners: Vec<Address> = (0..5).map(|i| create_miner(&rt, 1000 + i)).collect();
    for miner in &miners {
        update_claimed_power(&rt, *miner, MIN_POWER, 2 * MIN_POWER).unwrap();
    }
    update_pledge_total(&rt, miners[1], TokenAmount::from_whole(3)).unwrap();
    enroll_cron_event(&rt, miners[1], 3, b"fails").unwrap();
    enroll_cron_event(&rt, miners[2], 3, b"works").unwrap();
    assert_eq!(state(&rt).miner_above_min_power_count, 5);

    let qa_smoothed = state(&rt).this_epoch_qa_power_smoothed;
    expect_this_epoch_reward(&rt, ExitCode::OK);
    expect_deferred_cron_event(
        &rt,
        miners[1],
        b"fails",
        &qa_smoothed,
        ExitCode::USR_ILLEGAL_STATE,
    );
    expect_deferred_cron_event(&rt, miners[2], b"works", &qa_smoothed, ExitCode::OK);
    // The KPI reports the power after the failed miner's removal: four miners at the minimum.
    expect_update_network_kpi(&rt, &power(4 * MIN_POWER), ExitCode::OK);
    call_tick(&rt, 3).unwrap();

    let st = state(&rt);
    assert_eq!(claim(&rt, miners[1]), None);
    assert_eq!(st.miner_count, 4);
    assert_eq!(st.miner_above_min_power_count, 4);
    assert_eq!(st.total_raw_byte_power, power(4 * MIN_POWER));
    assert_eq!(st.total_quality_adj_power, power(8 * MIN_POWER));
    assert_eq!(st.total_bytes_committed, power(4 * MIN_POWER));
    assert_eq!(st.this_epoch_raw_byte_power, power(4 * MIN_POWER));
    assert_eq!(st.this_epoch_quality_adj_power, power(8 * MIN_POWER));
    // Its pledge stays in the total (the miner still holds it).
    assert_eq!(st.total_pledge_collateral, TokenAmount::from_whole(3));
    assert_invariants(&rt);

    // The frozen miner can no longer change the totals.
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "no claim for actor",
        update_claimed_power(&rt, miners[1], 1, 1),
    );
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "unknown miner",
        update_pledge_total(&rt, miners[1], TokenAmount::from_whole(1)),
    );
}

#[test]
fn a_miner_failing_twice_in_one_tick_is_counted_out_twice() {
    // v18 decrements the miner count once per failed call; the second deletion finds no claim
    // and succeeds without effect, so the count drops twice. Kept for state compatibility.
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    let m2 = create_miner(&rt, 1001);
    enroll_cron_event(&rt, m1, 2, b"one").unwrap();
    enroll_cron_event(&rt, m1, 2, b"two").unwrap();
    let qa_smoothed = state(&rt).this_epoch_qa_power_smoothed;
    expect_this_epoch_reward(&rt, ExitCode::OK);
    expect_deferred_cron_event(&rt, m1, b"one", &qa_smoothed, ExitCode::USR_FORBIDDEN);
    expect_deferred_cron_event(&rt, m1, b"two", &qa_smoothed, ExitCode::USR_FORBIDDEN);
    expect_update_network_kpi(&rt, &power(0), ExitCode::OK);
    call_tick(&rt, 2).unwrap();
    let st = state(&rt);
    assert_eq!(claim(&rt, m1), None);
    assert!(claim(&rt, m2).is_some());
    assert_eq!(st.miner_count, 0);
}

#[test]
fn tick_freezes_totals_and_smooths_the_qa_power() {
    let rt = setup();
    let miners: Vec<Address> = (0..4).map(|i| create_miner(&rt, 1000 + i)).collect();
    for miner in &miners {
        update_claimed_power(&rt, *miner, 1024, 1536).unwrap();
    }
    update_pledge_total(&rt, miners[0], TokenAmount::from_whole(9)).unwrap();

    expect_this_epoch_reward(&rt, ExitCode::OK);
    expect_update_network_kpi(&rt, &power(4096), ExitCode::OK);
    call_tick(&rt, 1).unwrap();

    let st = state(&rt);
    // Below the minimum everywhere: the committed totals are frozen.
    assert_eq!(st.this_epoch_raw_byte_power, power(4096));
    assert_eq!(st.this_epoch_quality_adj_power, power(6144));
    assert_eq!(st.this_epoch_pledge_collateral, TokenAmount::from_whole(9));
    // One alpha-beta step from the genesis estimate (750,000 GiB, 3,840 GiB/epoch) observing
    // 6,144 bytes; values worked out by hand with the network's alpha and beta.
    assert_eq!(
        st.this_epoch_qa_power_smoothed,
        FilterEstimate {
            position: big("275179822530442372448506443573710697884357047049256960"),
            velocity: big("1402963348486307015549495839407631698869695241256960"),
        }
    );
    assert_invariants(&rt);
}

#[test]
fn tick_with_no_power_smooths_towards_zero() {
    let rt = setup();
    tick_without_events(&rt, 0);
    assert_eq!(
        state(&rt).this_epoch_qa_power_smoothed,
        FilterEstimate {
            position: big("275179822530440438563066443573710697884357047049256960"),
            velocity: big("1402963348486306421792721439407631698869695241256960"),
        }
    );
}

#[test]
fn tick_rejections_change_nothing() {
    let rt = setup();
    let m1 = create_miner(&rt, 1000);
    enroll_cron_event(&rt, m1, 1, b"due").unwrap();
    let before = rt.state.get();

    // Only cron may tick.
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![CRON_ACTOR_ADDR]);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        rt.call::<Actor>(Method::OnEpochTickEnd as MethodNum, None),
    );
    rt.verify();

    // The reward actor failing aborts the tick with its code.
    expect_this_epoch_reward(&rt, ExitCode::USR_ILLEGAL_STATE);
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "failed to check epoch baseline power",
        call_tick(&rt, 1),
    );
    assert_eq!(rt.state.get(), before);

    // So does a failing KPI update, after the miner was called.
    let qa_smoothed = state(&rt).this_epoch_qa_power_smoothed;
    expect_this_epoch_reward(&rt, ExitCode::OK);
    expect_deferred_cron_event(&rt, m1, b"due", &qa_smoothed, ExitCode::OK);
    expect_update_network_kpi(&rt, &power(0), ExitCode::USR_FORBIDDEN);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "failed to update network KPI with reward actor",
        call_tick(&rt, 1),
    );
    assert_eq!(rt.state.get(), before);

    // Parameters are refused.
    rt.set_caller(builtin_code_cid(Type::Cron), CRON_ACTOR_ADDR);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expects no arguments",
        call(&rt, Method::OnEpochTickEnd as MethodNum, &1u8),
    );
}
