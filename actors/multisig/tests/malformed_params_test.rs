//! Malformed parameters to every multisig method, on the mock runtime: bytes that are not CBOR,
//! CBOR of the wrong shape and trailing bytes are `USR_SERIALIZATION`; missing parameters are
//! `USR_ILLEGAL_ARGUMENT`; well-formed parameters with values v18 refuses are
//! `USR_ILLEGAL_ARGUMENT`. None of them changes the state.

mod harness;

use fil_actor_multisig::{
    Actor, ChangeNumApprovalsThresholdParams, ConstructorParams, LockBalanceParams, Method,
    ProposeParams,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_code, MockRuntime};
use fil_actors_runtime::{Type, EMPTY_ARR_CID, INIT_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{to_vec, CBOR};
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use harness::*;

const ALL_METHODS: [Method; 10] = [
    Method::Constructor,
    Method::Propose,
    Method::Approve,
    Method::Cancel,
    Method::AddSigner,
    Method::RemoveSigner,
    Method::SwapSigner,
    Method::ChangeNumApprovalsThreshold,
    Method::LockBalance,
    Method::UniversalReceiverHook,
];

fn raw(data: Vec<u8>) -> Option<IpldBlock> {
    Some(IpldBlock { codec: CBOR, data })
}

/// Parameters that no method of the multisig can decode.
fn undecodable() -> Vec<(&'static str, Option<IpldBlock>)> {
    vec![
        ("not CBOR", raw(vec![0xff, 0x00])),
        ("truncated array", raw(vec![0x84, 0x01])),
        ("an integer", raw(to_vec(&7u64).unwrap())),
        ("a text string", raw(to_vec(&"params").unwrap())),
        ("a long array", raw(to_vec(&[1u8; 9]).unwrap())),
        ("an empty array", raw(vec![0x80])),
    ]
}

/// Calls `method` with `args` from the caller that would be allowed, expecting nothing of the
/// runtime (decoding fails before the caller is checked).
fn call_raw(rt: &MockRuntime, method: Method, args: Option<IpldBlock>) -> Result<(), ExitCode> {
    match method {
        Method::Constructor => rt.set_caller(builtin_code_cid(Type::Init), INIT_ACTOR_ADDR),
        Method::Propose | Method::Approve | Method::Cancel => set_account_caller(rt, ANNE),
        Method::UniversalReceiverHook => rt.set_caller(builtin_code_cid(Type::EVM), EVE),
        _ => rt.set_caller(builtin_code_cid(Type::Multisig), MSIG),
    }
    rt.call::<Actor>(method as MethodNum, args)
        .map(|_| ())
        .map_err(|e| e.exit_code())
}

#[test]
fn undecodable_parameters_are_serialization_errors() {
    let constructed = setup(&[ANNE, BOB], 2, atto(100));
    propose_ok(&constructed, ANNE, &payment(atto(1)));
    let before = state(&constructed);
    let fresh = new_runtime();
    for method in ALL_METHODS {
        let rt = if method == Method::Constructor {
            &fresh
        } else {
            &constructed
        };
        for (what, args) in undecodable() {
            assert_eq!(
                call_raw(rt, method, args),
                Err(ExitCode::USR_SERIALIZATION),
                "{:?} with {}",
                method,
                what
            );
        }
    }
    assert_eq!(fresh.state.get(), *EMPTY_ARR_CID);
    assert_eq!(state(&constructed), before);
    assert_invariants(&constructed);
}

#[test]
fn trailing_bytes_and_bad_fields_are_serialization_errors() {
    let rt = setup(&[ANNE, BOB], 2, atto(100));
    let before = state(&rt);
    let mut trailing = to_vec(&payment(atto(1))).unwrap();
    trailing.push(0x00);
    // A token amount whose sign byte is neither 0 nor 1.
    let bad_amount = vec![0x84, 0x42, 0x00, 0xc8, 0x42, 0x07, 0x01, 0x00, 0x40];
    // An address of an unknown protocol.
    let bad_address = vec![0x84, 0x42, 0x09, 0x00, 0x40, 0x00, 0x40];
    for (what, data) in [
        ("trailing byte", trailing),
        ("bad token amount", bad_amount),
        ("bad address", bad_address),
    ] {
        assert_eq!(
            call_raw(&rt, Method::Propose, raw(data)),
            Err(ExitCode::USR_SERIALIZATION),
            "{}",
            what
        );
    }
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn missing_parameters_are_illegal_arguments() {
    let constructed = setup(&[ANNE, BOB], 2, atto(100));
    let before = state(&constructed);
    let fresh = new_runtime();
    for method in ALL_METHODS {
        let rt = if method == Method::Constructor {
            &fresh
        } else {
            &constructed
        };
        assert_eq!(
            call_raw(rt, method, None),
            Err(ExitCode::USR_ILLEGAL_ARGUMENT),
            "{:?}",
            method
        );
    }
    assert_eq!(fresh.state.get(), *EMPTY_ARR_CID);
    assert_eq!(state(&constructed), before);
    assert_invariants(&constructed);
}

#[test]
fn well_formed_values_v18_refuses_are_illegal_arguments() {
    // One of each kind; each method's own tests cover the rest.
    let fresh = new_runtime();
    for bad in [
        params(&[], 1),
        params(&[ANNE], 0),
        params(&[ANNE], 2),
        ConstructorParams {
            unlock_duration: -5,
            ..params(&[ANNE], 1)
        },
    ] {
        expect_code(
            construct_with(&fresh, &bad, atto(0)),
            ExitCode::USR_ILLEGAL_ARGUMENT,
        );
    }
    assert_eq!(fresh.state.get(), *EMPTY_ARR_CID);

    let rt = setup(&[ANNE, BOB], 1, atto(100));
    let before = state(&rt);
    expect_code(
        propose_with(
            &rt,
            ANNE,
            &ProposeParams {
                value: atto(-1),
                ..payment(atto(0))
            },
            None,
        ),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    expect_code(
        call_as_self(
            &rt,
            Method::ChangeNumApprovalsThreshold,
            &ChangeNumApprovalsThresholdParams { new_threshold: 0 },
        ),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    expect_code(
        call_as_self(
            &rt,
            Method::LockBalance,
            &LockBalanceParams {
                start_epoch: 0,
                unlock_duration: -1,
                amount: atto(1),
            },
        ),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
