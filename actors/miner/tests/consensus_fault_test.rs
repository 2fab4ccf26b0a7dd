//! ReportConsensusFault: the penalty (five block rewards) and `consensus-fault` fee event, the
//! reporter's reward out of what is burnt, debt when funds fall short, the ineligibility
//! period, and the rejections.

mod harness;

use fil_actor_miner::{consensus_fault_penalty, reward_for_consensus_slash_report, Method};
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::ExpectedVerifyConsensusFault;
use fvm_shared::address::Address;
use fvm_shared::consensus::ConsensusFault;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::*;

fn whole(n: i64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

#[test]
fn penalty_and_reporter_reward() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, whole(20));
    // This epoch's reward estimate is 10 FIL: the penalty is 5 rewards of a fifth of it and
    // the reporter's share a twentieth.
    let epoch_reward = h.this_epoch_reward();
    assert_eq!(epoch_reward, whole(10));
    let penalty = consensus_fault_penalty(epoch_reward.clone());
    let reward = reward_for_consensus_slash_report(&epoch_reward);
    assert_eq!(
        (penalty.clone(), reward.clone()),
        (whole(10), TokenAmount::from_nano(500_000_000))
    );
    h.report_consensus_fault(
        &rt,
        MINER,
        START_EPOCH - 1,
        penalty.clone(),
        reward.clone(),
        &penalty - &reward,
        TokenAmount::from_atto(0),
    )
    .unwrap();
    assert_eq!(*rt.balance.borrow(), whole(10));
    let info = h.info(&rt);
    assert_eq!(
        info.consensus_fault_elapsed,
        START_EPOCH + rt.policy.consensus_fault_ineligibility_duration
    );
    assert_eq!(h.state(&rt).fee_debt, TokenAmount::from_atto(0));

    // The same fault, reported again, predates the new ineligibility end.
    let before = h.state(&rt);
    let res = h.report_consensus_fault(
        &rt,
        MINER,
        START_EPOCH - 1,
        penalty,
        reward,
        TokenAmount::from_atto(0),
        TokenAmount::from_atto(0),
    );
    expect_abort(ExitCode::USR_FORBIDDEN, "is too old", res);
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn locked_funds_pay_first_and_a_shortfall_becomes_debt() {
    let h = ActorHarness::default();
    let rt = h.setup();
    // The balance is exactly the vesting creation deposit.
    let locked = h.state(&rt).locked_funds;
    assert!(locked < whole(10));
    let penalty = whole(10);
    let reward = std::cmp::min(locked.clone(), TokenAmount::from_nano(500_000_000));
    h.report_consensus_fault(
        &rt,
        MINER,
        START_EPOCH - 1,
        penalty.clone(),
        reward.clone(),
        &locked - &reward,
        -locked.clone(),
    )
    .unwrap();
    let st = h.state(&rt);
    assert_eq!(st.locked_funds, TokenAmount::from_atto(0));
    assert_eq!(st.fee_debt, penalty - &locked);
    assert_eq!(*rt.balance.borrow(), TokenAmount::from_atto(0));
    h.check_state(&rt);
}

/// A report whose verification answers `result`, expected to fail with `fragment`.
fn rejected(h: &ActorHarness, result: Result<Option<ConsensusFault>, String>, fragment: &str) {
    let rt = h.setup();
    let before = h.state(&rt);
    as_caller(&rt, OTHER);
    rt.expect_validate_caller_any();
    let params = fil_actor_miner::ReportConsensusFaultParams {
        header1: vec![1],
        header2: vec![2],
        header_extra: vec![],
    };
    rt.expect_verify_consensus_fault(ExpectedVerifyConsensusFault {
        h1: vec![1],
        h2: vec![2],
        extra: vec![],
        result,
    });
    let res = call::<_, ()>(&rt, Method::ReportConsensusFault, Some(&params));
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, fragment, finish(&rt, res));
    assert_eq!(h.state(&rt), before);
}

#[test]
fn report_rejections() {
    let h = ActorHarness::default();
    rejected(&h, Ok(None), "No consensus fault found");
    rejected(
        &h,
        Err("bad headers".to_string()),
        "fault not verified: bad headers",
    );

    let rt = h.setup();
    let before = h.state(&rt);
    let zero = TokenAmount::from_atto(0);
    let other_miner = Address::new_id(2000);
    let res = h.report_consensus_fault(
        &rt,
        other_miner,
        START_EPOCH - 1,
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "fault by f02000 reported to miner f01000",
        res,
    );
    let res = h.report_consensus_fault(
        &rt,
        MINER,
        START_EPOCH,
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero,
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid fault epoch 100 ahead of current 100",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}
