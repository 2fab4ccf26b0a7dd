//! Proposals on the mock runtime: `Propose`, `Approve` and `Cancel`, the threshold that sends
//! the message, the proposal hash, the outcome of a failed message, and every refusal with v18's
//! exit code and the state left as it was.

mod harness;

use fil_actor_multisig::{
    ApproveReturn, ChangeNumApprovalsThresholdParams, Method, ProposeParams, ProposeReturn,
    Transaction, TxnID,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, user_code_cid};
use fil_actors_runtime::Type;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use harness::*;

fn pending_payment(value: i64, approved: &[fvm_shared::address::Address]) -> Transaction {
    Transaction {
        to: PAYEE,
        value: atto(value),
        method: 0,
        params: RawBytes::default(),
        approved: approved.to_vec(),
    }
}

// --- Propose ---

#[test]
fn a_proposal_waits_for_more_approvals() {
    let rt = setup(&[ANNE, BOB, CHUCK], 2, atto(1_000));
    let ret: ProposeReturn = decode(propose_with(&rt, ANNE, &payment(atto(300)), None).unwrap());
    assert_eq!(
        ret,
        ProposeReturn {
            txn_id: TxnID(0),
            applied: false,
            code: ExitCode::OK,
            ret: RawBytes::default(),
        }
    );
    assert_eq!(
        pending(&rt),
        vec![(TxnID(0), pending_payment(300, &[ANNE]))]
    );
    assert_eq!(state(&rt).next_tx_id, TxnID(1));
    assert_eq!(*rt.balance.borrow(), atto(1_000));
    assert_invariants(&rt);
}

#[test]
fn proposals_are_numbered_in_order_and_numbers_are_not_reused() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    assert_eq!(propose_ok(&rt, ANNE, &payment(atto(1))), TxnID(0));
    assert_eq!(propose_ok(&rt, BOB, &payment(atto(2))), TxnID(1));
    cancel_with(&rt, BOB, TxnID(1), vec![]).unwrap();
    assert_eq!(propose_ok(&rt, ANNE, &payment(atto(3))), TxnID(2));
    assert_eq!(
        pending(&rt),
        vec![
            (TxnID(0), pending_payment(1, &[ANNE])),
            (TxnID(2), pending_payment(3, &[ANNE])),
        ]
    );
    assert_invariants(&rt);
}

#[test]
fn with_a_threshold_of_one_the_proposal_is_sent_at_once() {
    let rt = setup(&[ANNE, BOB], 1, atto(1_000));
    let p = ProposeParams {
        to: PAYEE,
        value: atto(400),
        method: 42,
        params: RawBytes::new(vec![0x82, 0x01, 0x02]),
    };
    let answer = IpldBlock::serialize_cbor(&"done").unwrap();
    let ret: ProposeReturn = decode(
        propose_with(
            &rt,
            BOB,
            &p,
            Some(Send {
                exit_code: ExitCode::OK,
                return_data: answer.clone(),
            }),
        )
        .unwrap(),
    );
    assert_eq!(
        ret,
        ProposeReturn {
            txn_id: TxnID(0),
            applied: true,
            code: ExitCode::OK,
            ret: RawBytes::new(answer.unwrap().data),
        }
    );
    assert_eq!(pending(&rt), vec![]);
    assert_eq!(state(&rt).next_tx_id, TxnID(1));
    assert_eq!(*rt.balance.borrow(), atto(600));
    assert_invariants(&rt);
}

#[test]
fn a_failed_message_is_reported_and_the_proposal_is_gone() {
    // The message's failure does not fail the proposal: its code and return are reported.
    let rt = setup(&[ANNE], 1, atto(1_000));
    let refusal = IpldBlock::serialize_cbor(&7u64).unwrap();
    let ret: ProposeReturn = decode(
        propose_with(
            &rt,
            ANNE,
            &payment(atto(250)),
            Some(Send {
                exit_code: ExitCode::USR_ILLEGAL_ARGUMENT,
                return_data: refusal.clone(),
            }),
        )
        .unwrap(),
    );
    assert_eq!(
        ret,
        ProposeReturn {
            txn_id: TxnID(0),
            applied: true,
            code: ExitCode::USR_ILLEGAL_ARGUMENT,
            ret: RawBytes::new(refusal.unwrap().data),
        }
    );
    assert_eq!(pending(&rt), vec![]);
    assert_eq!(*rt.balance.borrow(), atto(1_000));
    assert_invariants(&rt);
}

#[test]
fn a_receiver_exiting_with_a_system_code_is_reported_as_a_user_code() {
    // As v18 does for every send result: a broken receiver is USR_UNSPECIFIED, any other
    // system code USR_ASSERTION_FAILED.
    for (receiver_code, reported) in [
        (ExitCode::SYS_ILLEGAL_INSTRUCTION, ExitCode::USR_UNSPECIFIED),
        (ExitCode::SYS_MISSING_RETURN, ExitCode::USR_UNSPECIFIED),
        (ExitCode::SYS_OUT_OF_GAS, ExitCode::USR_ASSERTION_FAILED),
    ] {
        let rt = setup(&[ANNE], 1, atto(1_000));
        let ret: ProposeReturn = decode(
            propose_with(
                &rt,
                ANNE,
                &payment(atto(1)),
                Some(Send {
                    exit_code: receiver_code,
                    return_data: None,
                }),
            )
            .unwrap(),
        );
        assert_eq!(
            (ret.applied, ret.code),
            (true, reported),
            "{}",
            receiver_code
        );
        assert_invariants(&rt);
    }
}

#[test]
fn a_proposal_by_a_non_signer_fails_and_changes_nothing() {
    let rt = setup(&[ANNE, BOB], 1, atto(1_000));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "f0105 is not a signer",
        propose_with(&rt, EVE, &payment(atto(10)), None),
    );
    assert_eq!(state(&rt), before);
    assert_eq!(*rt.balance.borrow(), atto(1_000));
    assert_invariants(&rt);
}

#[test]
fn a_negative_value_is_refused() {
    let rt = setup(&[ANNE], 1, atto(1_000));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "proposed value -0.000000000000000001 is negative",
        propose_with(&rt, ANNE, &payment(atto(-1)), None),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn a_proposal_that_would_overspend_is_refused_whole() {
    // Applied at once, the payment exceeds the balance: the message fails and the proposal is
    // not even stored.
    let rt = setup(&[ANNE], 1, atto(100));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "current balance 0.0000000000000001 is less than amount to spend 0.000000000000000101",
        propose_with(&rt, ANNE, &payment(atto(101)), None),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn contracts_cannot_reach_the_internal_methods() {
    // v18 exports none of the numbered methods: an EVM contract (or any user actor) is refused
    // before the multisig runs, signer or not.
    let rt = setup(&[ANNE], 1, atto(100));
    let before = state(&rt);
    for (code, name) in [
        (builtin_code_cid(Type::EVM), "evm"),
        (user_code_cid("wallet"), "user"),
    ] {
        rt.set_caller(code, ANNE);
        for method in [Method::Propose, Method::Approve, Method::Cancel] {
            expect_abort(
                ExitCode::USR_FORBIDDEN,
                "must be a built-in actor",
                rt.call::<fil_actor_multisig::Actor>(
                    method as MethodNum,
                    IpldBlock::serialize_cbor(&payment(atto(1))).unwrap(),
                ),
            );
        }
        assert_eq!(state(&rt), before, "{}", name);
    }
    assert_invariants(&rt);
}

// --- Approve ---

#[test]
fn the_approval_that_reaches_the_threshold_sends_the_message() {
    let rt = setup(&[ANNE, BOB, CHUCK], 3, atto(1_000));
    let p = payment(atto(700));
    let id = propose_ok(&rt, ANNE, &p);

    let ret: ApproveReturn = decode(approve_with(&rt, CHUCK, id, vec![], None).unwrap());
    assert_eq!(
        ret,
        ApproveReturn {
            applied: false,
            code: ExitCode::OK,
            ret: RawBytes::default()
        }
    );
    assert_eq!(
        pending(&rt),
        vec![(id, pending_payment(700, &[ANNE, CHUCK]))]
    );
    assert_eq!(*rt.balance.borrow(), atto(1_000));
    assert_invariants(&rt);

    approve_and_apply(&rt, BOB, id, &p);
    assert_eq!(pending(&rt), vec![]);
    assert_eq!(*rt.balance.borrow(), atto(300));
    assert_invariants(&rt);
}

#[test]
fn approval_returns_what_the_message_returned() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    let p = payment(atto(5));
    let id = propose_ok(&rt, ANNE, &p);
    let answer = IpldBlock::serialize_cbor(&(1u8, "x")).unwrap();
    let ret: ApproveReturn = decode(
        approve_with(
            &rt,
            BOB,
            id,
            vec![],
            Some((
                &p,
                Send {
                    exit_code: ExitCode::USR_NOT_FOUND,
                    return_data: answer.clone(),
                },
            )),
        )
        .unwrap(),
    );
    assert_eq!(
        ret,
        ApproveReturn {
            applied: true,
            code: ExitCode::USR_NOT_FOUND,
            ret: RawBytes::new(answer.unwrap().data),
        }
    );
    assert_eq!(pending(&rt), vec![]);
    assert_invariants(&rt);
}

#[test]
fn approval_with_the_right_hash() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    let p = payment(atto(5));
    let id = propose_ok(&rt, ANNE, &p);
    let hash = hash_of(&rt, &pending_payment(5, &[ANNE]));
    approve_with(&rt, BOB, id, hash, Some((&p, Send::ok()))).unwrap();
    assert_eq!(pending(&rt), vec![]);
    assert_invariants(&rt);
}

#[test]
fn approval_with_a_wrong_hash_is_refused() {
    // The hash names the proposer: a hash computed with another proposer, or another value,
    // does not match.
    let rt = setup(&[ANNE, BOB, CHUCK], 3, atto(1_000));
    let id = propose_ok(&rt, ANNE, &payment(atto(5)));
    let before = state(&rt);
    for wrong in [
        hash_of(&rt, &pending_payment(5, &[BOB])),
        hash_of(&rt, &pending_payment(6, &[ANNE])),
        vec![1, 2, 3],
    ] {
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "does not match transaction 0",
            approve_with(&rt, BOB, id, wrong, None),
        );
        assert_eq!(state(&rt), before);
    }
    assert_invariants(&rt);
}

#[test]
fn a_signer_approves_only_once() {
    let rt = setup(&[ANNE, BOB, CHUCK], 3, atto(1_000));
    let id = propose_ok(&rt, ANNE, &payment(atto(5)));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "f0101 already approved transaction 0",
        approve_with(&rt, ANNE, id, vec![], None),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn approving_a_missing_transaction_is_not_found() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    propose_ok(&rt, ANNE, &payment(atto(5)));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "no such transaction 1 for approval",
        approve_with(&rt, BOB, TxnID(1), vec![], None),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn a_non_signer_cannot_approve() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    let id = propose_ok(&rt, ANNE, &payment(atto(5)));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "f0105 is not a signer",
        approve_with(&rt, EVE, id, vec![], None),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn a_lowered_threshold_lets_any_signer_send_an_approved_proposal() {
    // Two of three approved when three were needed; once the threshold is two, the next
    // approval sends the message without being recorded, even from a signer who approved.
    let rt = setup(&[ANNE, BOB, CHUCK], 3, atto(1_000));
    let p = payment(atto(10));
    let id = propose_ok(&rt, ANNE, &p);
    approve_with(&rt, BOB, id, vec![], None).unwrap();
    call_as_self(
        &rt,
        Method::ChangeNumApprovalsThreshold,
        &ChangeNumApprovalsThresholdParams { new_threshold: 2 },
    )
    .unwrap();
    approve_and_apply(&rt, ANNE, id, &p);
    assert_eq!(pending(&rt), vec![]);
    assert_eq!(*rt.balance.borrow(), atto(990));
    assert_invariants(&rt);
}

// --- Cancel ---

#[test]
fn the_proposer_cancels_with_or_without_the_hash() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    let first = propose_ok(&rt, ANNE, &payment(atto(5)));
    let second = propose_ok(&rt, ANNE, &payment(atto(6)));
    cancel_with(&rt, ANNE, first, vec![]).unwrap();
    assert_eq!(pending(&rt), vec![(second, pending_payment(6, &[ANNE]))]);
    let hash = hash_of(&rt, &pending_payment(6, &[ANNE]));
    assert_eq!(cancel_with(&rt, ANNE, second, hash), Ok(None));
    assert_eq!(pending(&rt), vec![]);
    assert_eq!(state(&rt).next_tx_id, TxnID(2));
    assert_invariants(&rt);
}

#[test]
fn a_cancelled_proposal_cannot_be_approved() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    let id = propose_ok(&rt, ANNE, &payment(atto(5)));
    cancel_with(&rt, ANNE, id, vec![]).unwrap();
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "no such transaction 0 for approval",
        approve_with(&rt, BOB, id, vec![], None),
    );
    assert_eq!(state(&rt), before);
    assert_eq!(*rt.balance.borrow(), atto(1_000));
    assert_invariants(&rt);
}

#[test]
fn cancel_with_a_wrong_hash_is_an_illegal_state() {
    // v18's code for this case differs from Approve's (USR_ILLEGAL_ARGUMENT).
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    let id = propose_ok(&rt, ANNE, &payment(atto(5)));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "does not match transaction 0",
        cancel_with(&rt, ANNE, id, hash_of(&rt, &pending_payment(4, &[ANNE]))),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn only_the_proposer_cancels() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    let id = propose_ok(&rt, ANNE, &payment(atto(5)));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "proposed by another signer",
        cancel_with(&rt, BOB, id, vec![]),
    );
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "f0105 is not a signer",
        cancel_with(&rt, EVE, id, vec![]),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn cancelling_a_missing_transaction_is_not_found() {
    let rt = setup(&[ANNE, BOB], 2, atto(1_000));
    let before = state(&rt);
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "no such transaction 3 to cancel",
        cancel_with(&rt, ANNE, TxnID(3), vec![]),
    );
    assert_eq!(state(&rt), before);
    assert_eq!(*rt.balance.borrow(), TokenAmount::from_atto(1_000));
    assert_invariants(&rt);
}
