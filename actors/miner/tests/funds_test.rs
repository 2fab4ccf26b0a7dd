//! Funds: withdrawals, fee debt repayment and block rewards with penalties.

mod harness;

use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::REWARD_ACTOR_ADDR;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::*;

fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

#[test]
fn owner_withdraws_available_balance_only() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let balance = rt.balance.borrow().clone();
    rt.set_balance(&balance + atto(100));
    let ret = h
        .withdraw_balance(&rt, OWNER, atto(60), atto(60), atto(0))
        .unwrap();
    assert_eq!(ret.amount_withdrawn, atto(60));
    // Asking for more than is available pays out what is.
    let ret = h
        .withdraw_balance(&rt, OWNER, atto(1000), atto(40), atto(0))
        .unwrap();
    assert_eq!(ret.amount_withdrawn, atto(40));
    assert_eq!(*rt.balance.borrow(), balance);
    h.check_state(&rt);
}

#[test]
fn withdraw_rejections() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let res = h.withdraw_balance(&rt, OWNER, atto(-1), atto(0), atto(0));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "negative fund requested",
        res,
    );
    let res = h.withdraw_balance(&rt, WORKER, atto(1), atto(0), atto(0));
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    // Fee debt beyond the unlocked balance blocks withdrawal.
    let mut st = h.state(&rt);
    st.fee_debt = atto(10);
    rt.replace_state(&st);
    let res = h.withdraw_balance(&rt, OWNER, atto(1), atto(0), atto(0));
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "can not repay fee debt",
        res,
    );
    h.check_state(&rt);
}

#[test]
fn apply_rewards_locks_three_quarters() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let locked_before = h.state(&rt).locked_funds;
    h.apply_rewards(
        &rt,
        REWARD_ACTOR_ADDR,
        atto(100),
        atto(0),
        atto(75),
        atto(0),
    )
    .unwrap();
    let st = h.state(&rt);
    assert_eq!(st.locked_funds, &locked_before + atto(75));
    assert_eq!(h.get_available_balance(&rt).available_balance, atto(25));
    h.check_state(&rt);
}

#[test]
fn apply_rewards_penalty_repaid_from_vesting_and_balance() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let locked_before = h.state(&rt).locked_funds;
    // 75 locked; the 40 penalty unlocks 40 of unvested funds and burns 40.
    h.apply_rewards(
        &rt,
        REWARD_ACTOR_ADDR,
        atto(100),
        atto(40),
        atto(35),
        atto(40),
    )
    .unwrap();
    let st = h.state(&rt);
    assert_eq!(st.fee_debt, atto(0));
    assert_eq!(st.locked_funds, &locked_before + atto(35));
    h.check_state(&rt);
}

#[test]
fn apply_rewards_penalty_beyond_funds_is_reported_whole_and_left_as_debt() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let locked_before = h.state(&rt).locked_funds;
    // All locked funds (the deposit and the 75 just locked) and the 25 unlocked pay part of
    // the penalty; 900 is left as debt. The event reports the whole penalty.
    let penalty = &locked_before + atto(1000);
    h.apply_rewards(
        &rt,
        REWARD_ACTOR_ADDR,
        atto(100),
        penalty,
        -locked_before.clone(),
        &locked_before + atto(100),
    )
    .unwrap();
    let st = h.state(&rt);
    assert_eq!(st.fee_debt, atto(900));
    assert_eq!(st.locked_funds, atto(0));
    h.check_state(&rt);
}

#[test]
fn apply_rewards_rejections() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let res = h.apply_rewards(&rt, OWNER, atto(100), atto(0), atto(0), atto(0));
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    let res = h.apply_rewards(&rt, REWARD_ACTOR_ADDR, atto(-1), atto(0), atto(0), atto(0));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "negative amount of funds",
        res,
    );
    let res = h.apply_rewards(&rt, REWARD_ACTOR_ADDR, atto(1), atto(-1), atto(0), atto(0));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "penalize a negative amount",
        res,
    );
    h.check_state(&rt);
}

#[test]
fn repay_debt_unlocks_vesting_then_burns() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let mut st = h.state(&rt);
    let locked_before = st.locked_funds.clone();
    st.fee_debt = atto(50);
    rt.replace_state(&st);
    h.repay_debt(&rt, CONTROL_2, atto(50), atto(50)).unwrap();
    let st = h.state(&rt);
    assert_eq!(st.fee_debt, atto(0));
    assert_eq!(st.locked_funds, locked_before - atto(50));

    let res = h.repay_debt(&rt, OTHER, atto(0), atto(0));
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    h.check_state(&rt);
}
