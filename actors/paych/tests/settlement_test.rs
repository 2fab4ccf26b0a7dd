//! `Settle` and `Collect` on the mock runtime: the settlement epoch, the payments that close the
//! channel with every balance exact, and the refusals with v18's exit codes.

mod harness;

use fil_actor_paych::{Method, SETTLE_DELAY};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, MockRuntime};
use fil_actors_runtime::Type;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{MethodNum, METHOD_SEND};
use harness::*;

fn collect(rt: &MockRuntime, caller: Address) -> Result<(), ExitCode> {
    set_account_caller(rt, caller);
    rt.expect_validate_caller_addr(vec![PAYER, PAYEE]);
    let ret = rt.call::<fil_actor_paych::Actor>(Method::Collect as MethodNum, None);
    rt.verify();
    ret.map(|r| assert_eq!(r, None)).map_err(|e| e.exit_code())
}

/// Expects the two payments of a collection: `owed` to the payee, then `rest` to the payer.
fn expect_payments(rt: &MockRuntime, owed: i64, rest: i64) {
    rt.expect_send_simple(PAYEE, METHOD_SEND, None, atto(owed), None, ExitCode::OK);
    rt.expect_send_simple(PAYER, METHOD_SEND, None, atto(rest), None, ExitCode::OK);
}

// --- Settle ---

#[test]
fn settle_starts_the_delay() {
    for caller in [PAYER, PAYEE] {
        let rt = setup(atto(1_000));
        rt.set_epoch(50);
        assert_eq!(settle(&rt, caller), Ok(None));
        let st = state(&rt);
        assert_eq!(
            (st.settling_at, st.min_settle_height),
            (50 + SETTLE_DELAY, 0)
        );
        assert_invariants(&rt);
    }
}

#[test]
fn settle_waits_for_the_minimum_settle_height() {
    let rt = setup(atto(1_000));
    let mut sv = voucher(0, 1, 10);
    sv.min_settle_height = 10_000;
    redeem(&rt, &sv);
    rt.set_epoch(50);
    settle(&rt, PAYER).unwrap();
    assert_eq!(state(&rt).settling_at, 10_000);
    assert_invariants(&rt);
}

#[test]
fn a_channel_settles_once() {
    let rt = setup(atto(1_000));
    settle(&rt, PAYER).unwrap();
    let before = state(&rt);
    rt.set_epoch(3);
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "channel already settling at epoch 1440",
        settle(&rt, PAYEE),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn only_the_parties_settle() {
    let rt = setup(atto(1_000));
    let before = state(&rt);
    expect_abort(ExitCode::USR_FORBIDDEN, "is not one of", settle(&rt, EVE));
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

// --- Collect ---

#[test]
fn collect_pays_the_payee_returns_the_rest_and_deletes_the_channel() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 120));
    redeem(&rt, &voucher(1, 1, 180));
    rt.set_epoch(10);
    settle(&rt, PAYEE).unwrap();
    rt.set_epoch(10 + SETTLE_DELAY);
    // The last state the channel has; it is deleted by the collection.
    assert_invariants(&rt);
    expect_payments(&rt, 300, 700);
    rt.expect_delete_actor();
    assert_eq!(collect(&rt, PAYEE), Ok(()));
    assert_eq!(*rt.balance.borrow(), TokenAmount::default());
}

#[test]
fn collect_with_nothing_owed_returns_everything() {
    let rt = setup(atto(1_000));
    settle(&rt, PAYER).unwrap();
    rt.set_epoch(SETTLE_DELAY + 5);
    // The last state the channel has; it is deleted by the collection.
    assert_invariants(&rt);
    expect_payments(&rt, 0, 1_000);
    rt.expect_delete_actor();
    assert_eq!(collect(&rt, PAYER), Ok(()));
    assert_eq!(*rt.balance.borrow(), TokenAmount::default());
}

#[test]
fn no_collection_before_settlement_ends() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 100));
    let before = state(&rt);
    assert_eq!(collect(&rt, PAYEE), Err(ExitCode::USR_FORBIDDEN));
    rt.set_epoch(20);
    settle(&rt, PAYEE).unwrap();
    rt.set_epoch(20 + SETTLE_DELAY - 1);
    assert_eq!(collect(&rt, PAYEE), Err(ExitCode::USR_FORBIDDEN));
    assert_eq!(state(&rt).to_send, before.to_send);
    assert_eq!(*rt.balance.borrow(), atto(1_000));
    assert_invariants(&rt);
}

#[test]
fn a_failed_payment_fails_the_collection() {
    let rt = setup(atto(1_000));
    redeem(&rt, &voucher(0, 1, 100));
    settle(&rt, PAYER).unwrap();
    rt.set_epoch(SETTLE_DELAY);
    let before = state(&rt);
    rt.expect_send_simple(
        PAYEE,
        METHOD_SEND,
        None,
        atto(100),
        None,
        ExitCode::USR_FORBIDDEN,
    );
    assert_eq!(collect(&rt, PAYER), Err(ExitCode::USR_FORBIDDEN));
    assert_eq!(state(&rt), before);
    assert_eq!(*rt.balance.borrow(), atto(1_000));
    assert_invariants(&rt);
}

#[test]
fn only_the_parties_collect() {
    let rt = setup(atto(1_000));
    settle(&rt, PAYER).unwrap();
    rt.set_epoch(SETTLE_DELAY);
    let before = state(&rt);
    assert_eq!(collect(&rt, EVE), Err(ExitCode::USR_FORBIDDEN));
    rt.set_caller(builtin_code_cid(Type::EVM), PAYEE);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "must be a built-in actor",
        rt.call::<fil_actor_paych::Actor>(Method::Collect as MethodNum, None),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
