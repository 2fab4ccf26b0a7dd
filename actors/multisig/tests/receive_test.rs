//! What the multisig accepts from anyone, on the mock runtime: the universal receiver hook, and
//! every exported number without a handler as a plain payment (FIP-0062), including the
//! FRC-42 names of its own methods, which v18 does not export.

mod harness;

use fil_actor_multisig::{Actor, Method, UniversalReceiverParams};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, user_code_cid};
use fil_actors_runtime::{method_hash, Type};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{RawBytes, IPLD_RAW};
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use harness::*;

const CONTRACT: Address = Address::new_id(300);

#[test]
fn the_receiver_hook_accepts_any_asset_from_anyone() {
    let rt = setup(&[ANNE, BOB], 2, atto(10));
    let before = state(&rt);
    for (code, caller) in [
        (builtin_code_cid(Type::EVM), CONTRACT),
        (builtin_code_cid(Type::DataCap), Address::new_id(7)),
        (user_code_cid("token"), Address::new_id(301)),
    ] {
        rt.set_caller(code, caller);
        rt.set_received(atto(5));
        rt.expect_validate_caller_any();
        let hook = UniversalReceiverParams {
            type_: 0x85223bdf,
            payload: RawBytes::new(vec![0x83, 0x01, 0x02, 0x03]),
        };
        assert_eq!(
            call(&rt, Method::UniversalReceiverHook as MethodNum, &hook),
            Ok(None)
        );
        rt.verify();
        assert_eq!(state(&rt), before);
    }
    assert_eq!(*rt.balance.borrow(), atto(25));
    assert_invariants(&rt);
}

#[test]
fn exported_numbers_without_a_handler_are_payments() {
    // InvokeEVM is what contracts use for a plain transfer; the parameters are not read, so
    // even bytes that are not CBOR are accepted.
    let rt = setup(&[ANNE, BOB], 2, atto(10));
    let before = state(&rt);
    for (method, args) in [
        (
            method_hash!("InvokeEVM"),
            Some(IpldBlock {
                codec: IPLD_RAW,
                data: vec![0xde, 0xad],
            }),
        ),
        (fil_actors_runtime::FIRST_EXPORTED_METHOD_NUMBER, None),
        (u64::MAX, IpldBlock::serialize_cbor(&"anything").unwrap()),
    ] {
        rt.set_caller(builtin_code_cid(Type::EVM), CONTRACT);
        rt.set_received(atto(1));
        rt.expect_validate_caller_any();
        assert_eq!(
            rt.call::<Actor>(method, args),
            Ok(None),
            "method {}",
            method
        );
        rt.verify();
        assert_eq!(state(&rt), before);
    }
    assert_eq!(*rt.balance.borrow(), atto(13));
    assert_invariants(&rt);
}

#[test]
fn the_frc42_names_of_its_methods_do_nothing() {
    // v18 exports no multisig method: "Propose" by FRC-42 number is a payment like any other,
    // and no proposal is made, even by a signer.
    let rt = setup(&[ANNE], 1, atto(10));
    let before = state(&rt);
    for name_hash in [
        method_hash!("Propose"),
        method_hash!("Approve"),
        method_hash!("AddSigner"),
        method_hash!("LockBalance"),
    ] {
        set_account_caller(&rt, ANNE);
        rt.expect_validate_caller_any();
        assert_eq!(call(&rt, name_hash, &payment(atto(5))), Ok(None));
        rt.verify();
    }
    assert_eq!(state(&rt), before);
    assert_eq!(*rt.balance.borrow(), atto(10));
    assert_invariants(&rt);
}

#[test]
fn unknown_internal_numbers_are_unhandled_or_forbidden() {
    let rt = setup(&[ANNE], 1, atto(10));
    let before = state(&rt);
    set_account_caller(&rt, ANNE);
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_UNHANDLED_MESSAGE,
        "invalid method: 10",
        rt.call::<Actor>(10, None),
    );
    rt.verify();
    // A contract is refused before the actor runs.
    rt.set_caller(builtin_code_cid(Type::EVM), CONTRACT);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "must be a built-in actor",
        rt.call::<Actor>(10, None),
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
