//! The locked balance on the mock runtime: its linear vesting (rounded up), the limit it puts on
//! what proposals may spend as epochs pass, and `LockBalance` with its refusals.

mod harness;

use fil_actor_multisig::{
    ApproveReturn, ConstructorParams, LockBalanceParams, Method, State, TxnID,
};
use fil_actors_runtime::test_utils::{expect_abort, MockRuntime};
use fil_actors_runtime::EMPTY_ARR_CID;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::*;

/// A multisig of Anne (and Bob when `threshold` is 2) created with `locked` locked over
/// `duration` epochs from `start`, holding exactly what it was created with.
fn locked_multisig(threshold: u64, locked: i64, start: i64, duration: i64) -> MockRuntime {
    let rt = new_runtime();
    let p = ConstructorParams {
        unlock_duration: duration,
        start_epoch: start,
        ..params(&[ANNE, BOB], threshold)
    };
    construct_with(&rt, &p, atto(locked)).unwrap();
    assert_eq!(*rt.balance.borrow(), atto(locked));
    rt
}

fn pay_now(rt: &MockRuntime, value: i64) {
    propose_with(rt, ANNE, &payment(atto(value)), Some(Send::ok())).unwrap();
}

fn pay_refused(rt: &MockRuntime, value: i64, fragment: &str) {
    let before = state(rt);
    let balance = rt.balance.borrow().clone();
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        fragment,
        propose_with(rt, ANNE, &payment(atto(value)), None),
    );
    assert_eq!(state(rt), before);
    assert_eq!(*rt.balance.borrow(), balance);
}

#[test]
fn the_locked_amount_vests_linearly_rounded_up() {
    let st = State {
        signers: vec![ANNE],
        num_approvals_threshold: 1,
        next_tx_id: TxnID(0),
        initial_balance: atto(1_001),
        start_epoch: 10,
        unlock_duration: 100,
        pending_txs: *EMPTY_ARR_CID,
    };
    // ceil(1001 * (100 - elapsed) / 100)
    for (elapsed, locked) in [
        (-5, 1_001),
        (0, 1_001),
        (1, 991),
        (50, 501),
        (99, 11),
        (100, 0),
        (150, 0),
    ] {
        assert_eq!(
            st.amount_locked(elapsed),
            atto(locked),
            "elapsed {}",
            elapsed
        );
    }
}

#[test]
fn spending_follows_the_vesting_schedule() {
    // 1,000 locked over 100 epochs from epoch 0.
    let rt = locked_multisig(1, 1_000, 0, 100);
    pay_refused(
        &rt,
        1,
        "balance 0.000000000000000999 after spending 0.000000000000000001 would be less than \
         the locked amount 0.000000000000001",
    );

    // At epoch 25, 750 is still locked: 250 may go, not one more.
    rt.set_epoch(25);
    pay_now(&rt, 250);
    assert_eq!(*rt.balance.borrow(), atto(750));
    pay_refused(&rt, 1, "would be less than the locked amount");

    // At epoch 26, ceil(1000 * 74 / 100) = 740 is locked.
    rt.set_epoch(26);
    pay_refused(&rt, 11, "the locked amount 0.00000000000000074");
    pay_now(&rt, 10);
    assert_eq!(*rt.balance.borrow(), atto(740));

    // From the end of the duration, everything is free.
    rt.set_epoch(100);
    pay_now(&rt, 740);
    assert_eq!(*rt.balance.borrow(), TokenAmount::default());
    assert_eq!(pending(&rt), vec![]);
    assert_invariants(&rt);
}

#[test]
fn a_lock_that_starts_later_holds_everything_until_then() {
    let rt = locked_multisig(1, 1_000, 50, 10);
    rt.set_epoch(49);
    pay_refused(&rt, 1, "the locked amount 0.000000000000001");
    rt.set_epoch(55);
    pay_now(&rt, 500);
    assert_eq!(*rt.balance.borrow(), atto(500));
    assert_invariants(&rt);
}

#[test]
fn a_proposal_without_value_is_never_blocked() {
    let rt = locked_multisig(1, 1_000, 0, 100);
    pay_now(&rt, 0);
    assert_eq!(*rt.balance.borrow(), atto(1_000));
    assert_invariants(&rt);
}

#[test]
fn an_approval_blocked_by_the_lock_succeeds_once_enough_vested() {
    let rt = locked_multisig(2, 1_000, 0, 100);
    let p = payment(atto(300));
    let id = propose_ok(&rt, ANNE, &p);
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "would be less than the locked amount",
        approve_with(&rt, BOB, id, vec![], None),
    );
    // Bob's approval was not recorded.
    assert_eq!(state(&rt), before);

    rt.set_epoch(30);
    let ret: ApproveReturn =
        decode(approve_with(&rt, BOB, id, vec![], Some((&p, Send::ok()))).unwrap());
    assert_eq!(
        ret,
        ApproveReturn {
            applied: true,
            code: ExitCode::OK,
            ret: RawBytes::default()
        }
    );
    assert_eq!(*rt.balance.borrow(), atto(700));
    assert_eq!(pending(&rt), vec![]);
    assert_invariants(&rt);
}

// --- LockBalance ---

#[test]
fn lock_balance_sets_the_schedule_even_beyond_the_balance() {
    let rt = setup(&[ANNE], 1, atto(100));
    let lock = LockBalanceParams {
        start_epoch: 20,
        unlock_duration: 40,
        amount: atto(500),
    };
    assert_eq!(call_as_self(&rt, Method::LockBalance, &lock), Ok(None));
    let st = state(&rt);
    assert_eq!(
        (st.initial_balance, st.start_epoch, st.unlock_duration),
        (atto(500), 20, 40)
    );
    // 100 held, 500 locked: nothing may be spent until enough vests.
    rt.set_epoch(20);
    pay_refused(&rt, 1, "would be less than the locked amount");
    assert_invariants(&rt);
}

#[test]
fn the_lock_is_set_once() {
    let rt = locked_multisig(1, 1_000, 0, 100);
    let before = state(&rt);
    let lock = LockBalanceParams {
        start_epoch: 0,
        unlock_duration: 1,
        amount: atto(1),
    };
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "the balance is already locked (unlock duration 100)",
        call_as_self(&rt, Method::LockBalance, &lock),
    );
    assert_eq!(state(&rt), before);

    let rt = setup(&[ANNE], 1, atto(0));
    call_as_self(&rt, Method::LockBalance, &lock).unwrap();
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "already locked",
        call_as_self(&rt, Method::LockBalance, &lock),
    );
    assert_invariants(&rt);
}

#[test]
fn lock_balance_refusals() {
    let rt = setup(&[ANNE], 1, atto(0));
    let before = state(&rt);
    for (duration, amount, fragment) in [
        (0, 1, "unlock duration 0 must be positive"),
        (-3, 1, "unlock duration -3 must be positive"),
        (10, -1, "amount to lock -0.000000000000000001 is negative"),
    ] {
        let lock = LockBalanceParams {
            start_epoch: 0,
            unlock_duration: duration,
            amount: atto(amount),
        };
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            fragment,
            call_as_self(&rt, Method::LockBalance, &lock),
        );
        assert_eq!(state(&rt), before);
    }

    // Only the multisig itself locks.
    set_account_caller(&rt, ANNE);
    rt.expect_validate_caller_addr(vec![MSIG]);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "is not one of",
        call(
            &rt,
            Method::LockBalance as u64,
            &LockBalanceParams {
                start_epoch: 0,
                unlock_duration: 10,
                amount: atto(1),
            },
        ),
    );
    rt.verify();
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
