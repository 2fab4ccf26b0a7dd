//! Malformed parameters to every payment channel method, on the mock runtime: bytes that are not
//! CBOR, CBOR of the wrong shape, bad fields and trailing bytes are `USR_SERIALIZATION`; missing
//! parameters (or parameters to a method that takes none) are `USR_ILLEGAL_ARGUMENT`. None of
//! them changes the state.

mod harness;

use fil_actor_paych::{Actor, Method, UpdateChannelStateParams};
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::{Type, EMPTY_ARR_CID, INIT_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{to_vec, CBOR};
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use harness::*;

fn raw(data: Vec<u8>) -> Option<IpldBlock> {
    Some(IpldBlock { codec: CBOR, data })
}

fn call_raw(rt: &MockRuntime, method: Method, args: Option<IpldBlock>) -> Result<(), ExitCode> {
    if method == Method::Constructor {
        rt.set_caller(builtin_code_cid(Type::Init), INIT_ACTOR_ADDR);
    } else {
        set_account_caller(rt, PAYEE);
    }
    rt.call::<Actor>(method as MethodNum, args)
        .map(|_| ())
        .map_err(|e| e.exit_code())
}

fn encoded_update() -> Vec<u8> {
    to_vec(&UpdateChannelStateParams {
        sv: voucher(0, 1, 10),
        secret: vec![],
    })
    .unwrap()
}

#[test]
fn undecodable_parameters_are_serialization_errors() {
    let channel = setup(atto(100));
    redeem(&channel, &voucher(0, 1, 10));
    let before = state(&channel);
    let fresh = new_runtime();
    let mut trailing = encoded_update();
    trailing.push(0x01);
    // The voucher's signature with an unknown type byte (9).
    let mut bad_signature = encoded_update();
    let at = bad_signature.len() - 1 - 66 - 2;
    assert_eq!(&bad_signature[at..at + 2], &[0x58, 0x42]);
    bad_signature[at + 2] = 0x09;
    let cases = vec![
        ("not CBOR", vec![0xff, 0x00]),
        ("truncated array", vec![0x82, 0x8b]),
        ("an integer", to_vec(&7u64).unwrap()),
        ("a text string", to_vec(&"voucher").unwrap()),
        ("an empty array", vec![0x80]),
        ("a long array", to_vec(&[1u8; 12]).unwrap()),
    ];
    for (method, rt) in [
        (Method::Constructor, &fresh),
        (Method::UpdateChannelState, &channel),
    ] {
        for (what, data) in &cases {
            assert_eq!(
                call_raw(rt, method, raw(data.clone())),
                Err(ExitCode::USR_SERIALIZATION),
                "{:?} with {}",
                method,
                what
            );
        }
    }
    for (what, data) in [
        ("trailing byte", trailing),
        ("bad signature type", bad_signature),
    ] {
        assert_eq!(
            call_raw(&channel, Method::UpdateChannelState, raw(data)),
            Err(ExitCode::USR_SERIALIZATION),
            "{}",
            what
        );
    }
    assert_eq!(fresh.state.get(), *EMPTY_ARR_CID);
    assert_eq!(state(&channel), before);
    assert_invariants(&channel);
}

#[test]
fn missing_or_unexpected_parameters_are_illegal_arguments() {
    let channel = setup(atto(100));
    let before = state(&channel);
    let fresh = new_runtime();
    assert_eq!(
        call_raw(&fresh, Method::Constructor, None),
        Err(ExitCode::USR_ILLEGAL_ARGUMENT)
    );
    assert_eq!(
        call_raw(&channel, Method::UpdateChannelState, None),
        Err(ExitCode::USR_ILLEGAL_ARGUMENT)
    );
    // Settle and Collect take none.
    for method in [Method::Settle, Method::Collect] {
        assert_eq!(
            call_raw(&channel, method, raw(vec![0x80])),
            Err(ExitCode::USR_ILLEGAL_ARGUMENT),
            "{:?}",
            method
        );
    }
    assert_eq!(fresh.state.get(), *EMPTY_ARR_CID);
    assert_eq!(state(&channel), before);
    assert_invariants(&channel);
}

#[test]
fn unknown_methods_are_unhandled() {
    let channel = setup(atto(100));
    let before = state(&channel);
    set_account_caller(&channel, PAYEE);
    assert_eq!(
        channel.call::<Actor>(5, None).map_err(|e| e.exit_code()),
        Err(ExitCode::USR_UNHANDLED_MESSAGE)
    );
    // No exported number has a handler either: v18's channel has no fallback.
    assert_eq!(
        channel
            .call::<Actor>(fil_actors_runtime::method_hash!("Receive"), None)
            .map_err(|e| e.exit_code()),
        Err(ExitCode::USR_UNHANDLED_MESSAGE)
    );
    assert_eq!(state(&channel), before);
    assert_invariants(&channel);
}
