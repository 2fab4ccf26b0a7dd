//! The signer set on the mock runtime: `AddSigner`, `RemoveSigner`, `SwapSigner` and
//! `ChangeNumApprovalsThreshold`, called by the multisig itself; the approvals a departing signer
//! takes along; and every refusal with v18's exit code and the state left as it was.

mod harness;

use fil_actor_multisig::{
    AddSignerParams, ChangeNumApprovalsThresholdParams, Method, RemoveSignerParams, State,
    SwapSignerParams, Transaction, TxnID, SIGNERS_MAX,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, MockRuntime};
use fil_actors_runtime::Type;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{MethodNum, METHOD_SEND};
use harness::*;

fn add(signer: Address, increase: bool) -> AddSignerParams {
    AddSignerParams { signer, increase }
}

fn remove(signer: Address, decrease: bool) -> RemoveSignerParams {
    RemoveSignerParams { signer, decrease }
}

fn signers_and_threshold(rt: &MockRuntime) -> (Vec<Address>, u64) {
    let st: State = state(rt);
    (st.signers, st.num_approvals_threshold)
}

/// Asserts a self-call of `method` fails with `code` and `fragment`, changing nothing.
fn assert_refused<P: serde::Serialize>(
    rt: &MockRuntime,
    method: Method,
    params: &P,
    code: ExitCode,
    fragment: &str,
) {
    let before = state(rt);
    expect_abort(code, fragment, call_as_self(rt, method, params));
    assert_eq!(state(rt), before);
    assert_invariants(rt);
}

fn pending_payment(value: i64, approved: &[Address]) -> Transaction {
    Transaction {
        to: PAYEE,
        value: atto(value),
        method: METHOD_SEND,
        params: RawBytes::default(),
        approved: approved.to_vec(),
    }
}

// --- AddSigner ---

#[test]
fn add_a_signer_with_and_without_raising_the_threshold() {
    let rt = setup(&[ANNE, BOB], 2, atto(0));
    assert_eq!(
        call_as_self(&rt, Method::AddSigner, &add(CHUCK, false)),
        Ok(None)
    );
    assert_eq!(signers_and_threshold(&rt), (vec![ANNE, BOB, CHUCK], 2));
    call_as_self(&rt, Method::AddSigner, &add(DINAH, true)).unwrap();
    assert_eq!(
        signers_and_threshold(&rt),
        (vec![ANNE, BOB, CHUCK, DINAH], 3)
    );
    assert_invariants(&rt);
}

#[test]
fn a_signer_added_by_key_address_is_stored_as_its_id() {
    let rt = setup(&[ANNE], 1, atto(0));
    let chuck_key = Address::new_secp256k1(&[3; 65]).unwrap();
    rt.add_id_address(chuck_key, CHUCK.id().unwrap());
    call_as_self(&rt, Method::AddSigner, &add(chuck_key, false)).unwrap();
    assert_eq!(signers_and_threshold(&rt), (vec![ANNE, CHUCK], 1));
    assert_invariants(&rt);
}

#[test]
fn adding_an_existing_signer_is_forbidden() {
    let rt = setup(&[ANNE, BOB], 1, atto(0));
    assert_refused(
        &rt,
        Method::AddSigner,
        &add(BOB, true),
        ExitCode::USR_FORBIDDEN,
        "f0102 is already a signer",
    );
}

#[test]
fn adding_beyond_the_maximum_is_forbidden() {
    let rt = new_runtime();
    let signers: Vec<Address> = (0..SIGNERS_MAX as u64)
        .map(|i| Address::new_id(5_000 + i))
        .collect();
    for s in &signers {
        rt.actor_code_cids
            .borrow_mut()
            .insert(s.id().unwrap(), builtin_code_cid(Type::Account));
    }
    construct_with(&rt, &params(&signers, 1), TokenAmount::default()).unwrap();
    assert_refused(
        &rt,
        Method::AddSigner,
        &add(ANNE, false),
        ExitCode::USR_FORBIDDEN,
        "already has the maximum of 256 signers",
    );
}

#[test]
fn a_new_signer_must_have_an_actor() {
    let rt = setup(&[ANNE], 1, atto(0));
    assert_refused(
        &rt,
        Method::AddSigner,
        &add(Address::new_id(777), false),
        ExitCode::USR_NOT_FOUND,
        "no code for address f0777",
    );
}

// --- RemoveSigner ---

#[test]
fn remove_a_signer_keeping_the_threshold() {
    let rt = setup(&[ANNE, BOB, CHUCK], 2, atto(0));
    assert_eq!(
        call_as_self(&rt, Method::RemoveSigner, &remove(BOB, false)),
        Ok(None)
    );
    assert_eq!(signers_and_threshold(&rt), (vec![ANNE, CHUCK], 2));
    assert_invariants(&rt);
}

#[test]
fn remove_a_signer_lowering_the_threshold() {
    let rt = setup(&[ANNE, BOB, CHUCK], 3, atto(0));
    call_as_self(&rt, Method::RemoveSigner, &remove(ANNE, true)).unwrap();
    assert_eq!(signers_and_threshold(&rt), (vec![BOB, CHUCK], 2));
    assert_invariants(&rt);
}

#[test]
fn a_removed_signer_takes_their_approvals_along() {
    // Transaction 0 has only Anne's approval and disappears; transaction 1 keeps Bob's.
    let rt = setup(&[ANNE, BOB, CHUCK], 3, atto(1_000));
    let only_anne = propose_ok(&rt, ANNE, &payment(atto(1)));
    let bob_and_anne = propose_ok(&rt, BOB, &payment(atto(2)));
    approve_with(&rt, ANNE, bob_and_anne, vec![], None).unwrap();
    let only_chuck = propose_ok(&rt, CHUCK, &payment(atto(3)));
    assert_eq!(only_anne, TxnID(0));

    call_as_self(&rt, Method::RemoveSigner, &remove(ANNE, true)).unwrap();
    assert_eq!(
        pending(&rt),
        vec![
            (bob_and_anne, pending_payment(2, &[BOB])),
            (only_chuck, pending_payment(3, &[CHUCK])),
        ]
    );
    assert_eq!(signers_and_threshold(&rt), (vec![BOB, CHUCK], 2));
    assert_invariants(&rt);
}

#[test]
fn removing_a_non_signer_is_forbidden() {
    let rt = setup(&[ANNE, BOB], 1, atto(0));
    assert_refused(
        &rt,
        Method::RemoveSigner,
        &remove(EVE, false),
        ExitCode::USR_FORBIDDEN,
        "f0105 is not a signer",
    );
}

#[test]
fn the_only_signer_stays() {
    let rt = setup(&[ANNE], 1, atto(0));
    assert_refused(
        &rt,
        Method::RemoveSigner,
        &remove(ANNE, true),
        ExitCode::USR_FORBIDDEN,
        "the only signer",
    );
}

#[test]
fn removal_cannot_leave_fewer_signers_than_the_threshold() {
    let rt = setup(&[ANNE, BOB], 2, atto(0));
    assert_refused(
        &rt,
        Method::RemoveSigner,
        &remove(BOB, false),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "would leave 1 signers, below the threshold 2",
    );
}

#[test]
fn the_threshold_cannot_drop_below_one() {
    let rt = setup(&[ANNE, BOB], 1, atto(0));
    assert_refused(
        &rt,
        Method::RemoveSigner,
        &remove(BOB, true),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot decrease the threshold below 1",
    );
}

#[test]
fn removing_an_unknown_key_address_tries_to_create_it_first() {
    let rt = setup(&[ANNE, BOB], 1, atto(0));
    let stranger = Address::new_secp256k1(&[5; 65]).unwrap();
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
        Method::RemoveSigner,
        &remove(stranger, false),
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to resolve or initialize address",
    );
}

// --- SwapSigner ---

#[test]
fn swap_replaces_a_signer_at_the_end_and_drops_their_approvals() {
    let rt = setup(&[ANNE, BOB, CHUCK], 2, atto(1_000));
    let id = propose_ok(&rt, ANNE, &payment(atto(9)));
    let kept = propose_ok(&rt, CHUCK, &payment(atto(8)));
    let swap = SwapSignerParams {
        from: ANNE,
        to: DINAH,
    };
    assert_eq!(call_as_self(&rt, Method::SwapSigner, &swap), Ok(None));
    assert_eq!(signers_and_threshold(&rt), (vec![BOB, CHUCK, DINAH], 2));
    assert_eq!(pending(&rt), vec![(kept, pending_payment(8, &[CHUCK]))]);
    assert_ne!(id, kept);
    assert_invariants(&rt);
}

#[test]
fn swap_refusals() {
    let rt = setup(&[ANNE, BOB], 1, atto(0));
    assert_refused(
        &rt,
        Method::SwapSigner,
        &SwapSignerParams {
            from: EVE,
            to: CHUCK,
        },
        ExitCode::USR_FORBIDDEN,
        "f0105 is not a signer",
    );
    assert_refused(
        &rt,
        Method::SwapSigner,
        &SwapSignerParams {
            from: ANNE,
            to: BOB,
        },
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "f0102 is already a signer",
    );
    assert_refused(
        &rt,
        Method::SwapSigner,
        &SwapSignerParams {
            from: ANNE,
            to: Address::new_id(888),
        },
        ExitCode::USR_NOT_FOUND,
        "no code for address f0888",
    );
}

// --- ChangeNumApprovalsThreshold ---

#[test]
fn change_the_threshold_within_bounds() {
    let rt = setup(&[ANNE, BOB, CHUCK], 1, atto(0));
    for threshold in [3, 2, 1] {
        let p = ChangeNumApprovalsThresholdParams {
            new_threshold: threshold,
        };
        assert_eq!(
            call_as_self(&rt, Method::ChangeNumApprovalsThreshold, &p),
            Ok(None)
        );
        assert_eq!(signers_and_threshold(&rt).1, threshold);
    }
    assert_invariants(&rt);
}

#[test]
fn a_threshold_of_zero_or_above_the_signers_is_refused() {
    let rt = setup(&[ANNE, BOB], 1, atto(0));
    for (threshold, fragment) in [
        (0, "threshold 0 is not between 1 and the 2 signers"),
        (3, "threshold 3 is not between 1 and the 2 signers"),
    ] {
        assert_refused(
            &rt,
            Method::ChangeNumApprovalsThreshold,
            &ChangeNumApprovalsThresholdParams {
                new_threshold: threshold,
            },
            ExitCode::USR_ILLEGAL_ARGUMENT,
            fragment,
        );
    }
}

// --- who may call ---

#[test]
fn only_the_multisig_itself_changes_its_signers() {
    // A signer calling directly is refused: changes go through proposals.
    let rt = setup(&[ANNE, BOB], 1, atto(0));
    let before = state(&rt);
    let calls: Vec<(Method, Option<fvm_ipld_encoding::ipld_block::IpldBlock>)> = vec![
        (Method::AddSigner, cbor(&add(CHUCK, false))),
        (Method::RemoveSigner, cbor(&remove(BOB, false))),
        (
            Method::SwapSigner,
            cbor(&SwapSignerParams {
                from: BOB,
                to: CHUCK,
            }),
        ),
        (
            Method::ChangeNumApprovalsThreshold,
            cbor(&ChangeNumApprovalsThresholdParams { new_threshold: 2 }),
        ),
    ];
    for (method, block) in calls {
        set_account_caller(&rt, ANNE);
        rt.expect_validate_caller_addr(vec![MSIG]);
        expect_abort(
            ExitCode::USR_FORBIDDEN,
            "caller f0101 is not one of",
            rt.call::<fil_actor_multisig::Actor>(method as MethodNum, block),
        );
        rt.verify();
        assert_eq!(state(&rt), before);
    }
    assert_invariants(&rt);
}

fn cbor<T: serde::Serialize>(v: &T) -> Option<fvm_ipld_encoding::ipld_block::IpldBlock> {
    fvm_ipld_encoding::ipld_block::IpldBlock::serialize_cbor(v).unwrap()
}
