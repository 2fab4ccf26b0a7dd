//! The multisig's constructor on the mock runtime: the state it writes, signer resolution, the
//! lock of the initial value, and every refusal with v18's exit code (leaving no state).

mod harness;

use fil_actor_multisig::{ConstructorParams, Method, PendingTxnMap, State, TxnID, SIGNERS_MAX};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, ExpectedSend};
use fil_actors_runtime::{Type, EMPTY_ARR_CID, SYSTEM_ACTOR_ADDR};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sys::SendFlags;
use fvm_shared::{MethodNum, METHOD_SEND};
use harness::*;

fn empty_pending_root(rt: &fil_actors_runtime::test_utils::MockRuntime) -> cid::Cid {
    PendingTxnMap::flush_empty(&rt.store).unwrap()
}

#[test]
fn method_numbers_match_v18() {
    let numbers = [
        (Method::Constructor, 1),
        (Method::Propose, 2),
        (Method::Approve, 3),
        (Method::Cancel, 4),
        (Method::AddSigner, 5),
        (Method::RemoveSigner, 6),
        (Method::SwapSigner, 7),
        (Method::ChangeNumApprovalsThreshold, 8),
        (Method::LockBalance, 9),
        // FRC-42 hash of "Receive".
        (Method::UniversalReceiverHook, 3726118371),
    ];
    for (method, number) in numbers {
        assert_eq!(method as u64, number, "{:?}", method);
    }
}

#[test]
fn construct_three_signers_two_approvals() {
    let rt = new_runtime();
    let ret = construct_with(&rt, &params(&[ANNE, BOB, CHUCK], 2), TokenAmount::default());
    assert_eq!(ret, Ok(None));
    assert_eq!(
        state(&rt),
        State {
            signers: vec![ANNE, BOB, CHUCK],
            num_approvals_threshold: 2,
            next_tx_id: TxnID(0),
            initial_balance: TokenAmount::default(),
            start_epoch: 0,
            unlock_duration: 0,
            pending_txs: empty_pending_root(&rt),
        }
    );
    assert_invariants(&rt);
}

#[test]
fn key_addresses_are_stored_as_ids() {
    let rt = new_runtime();
    let anne_key = Address::new_secp256k1(&[7; 65]).unwrap();
    let bob_key = Address::new_bls(&[8; 48]).unwrap();
    rt.add_id_address(anne_key, ANNE.id().unwrap());
    rt.add_id_address(bob_key, BOB.id().unwrap());
    construct_with(
        &rt,
        &params(&[bob_key, anne_key], 1),
        TokenAmount::default(),
    )
    .unwrap();
    assert_eq!(state(&rt).signers, vec![BOB, ANNE]);
    assert_invariants(&rt);
}

#[test]
fn construct_with_a_lock_locks_the_value_received() {
    let rt = new_runtime();
    let p = ConstructorParams {
        unlock_duration: 100,
        start_epoch: 7,
        ..params(&[ANNE, BOB], 1)
    };
    construct_with(&rt, &p, atto(5_000)).unwrap();
    let st = state(&rt);
    assert_eq!(
        (st.initial_balance, st.start_epoch, st.unlock_duration),
        (atto(5_000), 7, 100)
    );
    assert_invariants(&rt);
}

#[test]
fn without_a_duration_nothing_is_locked() {
    // The start epoch is ignored without a duration, and the value stays free.
    let rt = new_runtime();
    let p = ConstructorParams {
        start_epoch: 50,
        ..params(&[ANNE], 1)
    };
    construct_with(&rt, &p, atto(5_000)).unwrap();
    let st = state(&rt);
    assert_eq!(
        (st.initial_balance, st.start_epoch, st.unlock_duration),
        (TokenAmount::default(), 0, 0)
    );
    assert_invariants(&rt);
}

#[test]
fn the_maximum_number_of_signers() {
    let rt = new_runtime();
    let signers: Vec<Address> = (0..SIGNERS_MAX as u64)
        .map(|i| Address::new_id(5_000 + i))
        .collect();
    for s in &signers {
        rt.actor_code_cids
            .borrow_mut()
            .insert(s.id().unwrap(), builtin_code_cid(Type::Account));
    }
    construct_with(&rt, &params(&signers, 256), TokenAmount::default()).unwrap();
    assert_eq!(state(&rt).signers, signers);
    assert_invariants(&rt);
}

/// Asserts that construction failed with `code` and a message naming `fragment`, and left the
/// actor without state.
fn assert_refused(
    rt: &fil_actors_runtime::test_utils::MockRuntime,
    p: &ConstructorParams,
    code: ExitCode,
    fragment: &str,
) {
    expect_abort(
        code,
        fragment,
        construct_with(rt, p, TokenAmount::default()),
    );
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

#[test]
fn refuses_no_signers() {
    let rt = new_runtime();
    assert_refused(
        &rt,
        &params(&[], 1),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "at least one signer",
    );
}

#[test]
fn refuses_too_many_signers_before_resolving_any() {
    // None of these IDs has an actor: the count is checked first.
    let rt = new_runtime();
    let signers: Vec<Address> = (0..=SIGNERS_MAX as u64)
        .map(|i| Address::new_id(5_000 + i))
        .collect();
    assert_refused(
        &rt,
        &params(&signers, 1),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "257 signers given, at most 256",
    );
}

#[test]
fn refuses_duplicate_signers_also_through_another_address() {
    let rt = new_runtime();
    assert_refused(
        &rt,
        &params(&[ANNE, BOB, ANNE], 1),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "duplicate signer f0101",
    );
    let anne_key = Address::new_secp256k1(&[7; 65]).unwrap();
    rt.add_id_address(anne_key, ANNE.id().unwrap());
    assert_refused(
        &rt,
        &params(&[ANNE, anne_key], 1),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "(ID 101)",
    );
}

#[test]
fn refuses_a_signer_id_without_an_actor() {
    let rt = new_runtime();
    assert_refused(
        &rt,
        &params(&[ANNE, Address::new_id(999)], 1),
        ExitCode::USR_NOT_FOUND,
        "no code for address f0999",
    );
}

#[test]
fn an_unknown_key_address_is_sent_zero_value_first() {
    // v18 sends nothing to a key address to create its account, then resolves it again; here
    // the address still resolves to nothing.
    let rt = new_runtime();
    let stranger = Address::new_secp256k1(&[9; 65]).unwrap();
    rt.expect_send_simple(
        stranger,
        METHOD_SEND,
        None,
        TokenAmount::default(),
        None,
        ExitCode::OK,
    );
    assert_refused(
        &rt,
        &params(&[ANNE, stranger], 1),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to resolve or initialize address",
    );
}

#[test]
fn a_failed_creation_send_keeps_its_exit_code() {
    let rt = new_runtime();
    let stranger = Address::new_bls(&[3; 48]).unwrap();
    rt.expect_send(ExpectedSend {
        to: stranger,
        method: METHOD_SEND,
        params: None,
        value: TokenAmount::default(),
        gas_limit: None,
        flags: SendFlags::default(),
        return_data: None,
        exit_code: ExitCode::USR_FORBIDDEN,
        send_error: None,
    });
    assert_refused(
        &rt,
        &params(&[stranger], 1),
        ExitCode::USR_FORBIDDEN,
        "failed to send zero value",
    );
}

#[test]
fn refuses_a_threshold_above_the_signers() {
    let rt = new_runtime();
    assert_refused(
        &rt,
        &params(&[ANNE, BOB], 3),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "threshold 3 exceeds the 2 signers",
    );
}

#[test]
fn refuses_a_zero_threshold() {
    let rt = new_runtime();
    assert_refused(
        &rt,
        &params(&[ANNE, BOB], 0),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "threshold must be at least 1",
    );
}

#[test]
fn refuses_a_negative_unlock_duration() {
    let rt = new_runtime();
    let p = ConstructorParams {
        unlock_duration: -1,
        ..params(&[ANNE], 1)
    };
    assert_refused(
        &rt,
        &p,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "unlock duration -1 is negative",
    );
}

#[test]
fn only_the_init_actor_constructs() {
    let rt = new_runtime();
    for (code, caller) in [
        (builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR),
        (builtin_code_cid(Type::Account), ANNE),
    ] {
        rt.set_caller(code, caller);
        rt.expect_validate_caller_addr(vec![fil_actors_runtime::INIT_ACTOR_ADDR]);
        expect_abort(
            ExitCode::USR_FORBIDDEN,
            "is not one of",
            call(&rt, Method::Constructor as MethodNum, &params(&[ANNE], 1)),
        );
        rt.verify();
        assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
    }
}
