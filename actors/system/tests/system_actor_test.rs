//! Unit tests of the system actor on the mock runtime: construction, caller rules, dispatch
//! errors, and the exact bytes of the state the FVM reads.

use cid::Cid;
use fil_actor_system::{Actor, Method, State};
use fil_actors_runtime::test_utils::{builtin_code_cid, user_code_cid, MockRuntime};
use fil_actors_runtime::{Type, EMPTY_ARR_CID, SYSTEM_ACTOR_ADDR};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;

/// The digest of the CBOR empty array (`0x80`) under blake2b-256.
const EMPTY_ARRAY_DIGEST: &str = "45b0cfc220ceec5b7c1c62c4d4193d38e4eba48e8815729ce75f9c0ab0e4c1c0";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The bytes of a CBOR tag-42 link to a DAG-CBOR, blake2b-256 block with this digest.
fn cbor_link(digest_hex: &str) -> Vec<u8> {
    // tag 42, byte string of 39 bytes: multibase-identity 0x00, CIDv1, dag-cbor, blake2b-256
    // (varint 0xb220), digest length 32, digest.
    let mut out = vec![
        0xd8, 0x2a, 0x58, 0x27, 0x00, 0x01, 0x71, 0xa0, 0xe4, 0x02, 0x20,
    ];
    out.extend(unhex(digest_hex));
    out
}

fn new_runtime() -> MockRuntime {
    let rt = MockRuntime::new(SYSTEM_ACTOR_ADDR);
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt
}

fn construct(rt: &MockRuntime) {
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt
        .call::<Actor>(Method::Constructor as MethodNum, None)
        .unwrap();
    assert_eq!(ret, None);
    rt.verify();
}

#[test]
fn method_numbers() {
    assert_eq!(Method::Constructor as MethodNum, 1);
}

#[test]
fn constructor_writes_an_empty_registry() {
    let rt = new_runtime();
    construct(&rt);

    let state: State = rt.get_state();
    assert_eq!(state.builtin_actors, *EMPTY_ARR_CID);
    assert_eq!(
        state.builtin_actors.to_string(),
        "bafy2bzacebc3bt6cedhoyw34drrmjvazhu4oj25er2ebk4u445pzycvq4ta4a"
    );
    assert_eq!(
        state.get_builtin_actors(&rt.store).unwrap(),
        Vec::<(String, Cid)>::new()
    );
    // The registry block itself is the CBOR empty array.
    assert_eq!(
        rt.store.get(&state.builtin_actors).unwrap(),
        Some(vec![0x80])
    );
}

#[test]
fn constructed_state_bytes_are_a_one_element_array_of_the_registry_link() {
    let rt = new_runtime();
    construct(&rt);

    let mut expected = vec![0x81];
    expected.extend(cbor_link(EMPTY_ARRAY_DIGEST));
    let root = rt.state.get();
    assert_eq!(rt.store.get(&root).unwrap(), Some(expected.clone()));
    assert_eq!(
        fvm_ipld_encoding::to_vec(&rt.get_state::<State>()).unwrap(),
        expected
    );
}

#[test]
fn state_with_a_registry_round_trips_exactly() {
    let rt = new_runtime();
    construct(&rt);
    let code = builtin_code_cid(Type::Init);
    let registry = vec![("init".to_string(), code)];
    let registry_cid = fvm_ipld_encoding::CborStore::put_cbor(
        &rt.store,
        &registry,
        multihash_codetable::Code::Blake2b256,
    )
    .unwrap();
    let state = State {
        builtin_actors: registry_cid,
    };
    assert_eq!(state.get_builtin_actors(&rt.store).unwrap(), registry);

    // [link]: 0x81, then the link to the registry.
    let bytes = fvm_ipld_encoding::to_vec(&state).unwrap();
    assert_eq!(bytes[0], 0x81);
    assert_eq!(&bytes[1..5], &[0xd8, 0x2a, 0x58, 0x27]);
    assert_eq!(
        &bytes[5..],
        [&[0x00][..], &registry_cid.to_bytes()].concat().as_slice()
    );
    let decoded: State = fvm_ipld_encoding::from_slice(&bytes).unwrap();
    assert_eq!(decoded, state);
}

#[test]
fn constructor_refuses_any_caller_but_the_system() {
    for (code, caller) in [
        (builtin_code_cid(Type::Init), Address::new_id(1)),
        (builtin_code_cid(Type::Account), Address::new_id(1000)),
    ] {
        let rt = new_runtime();
        rt.set_caller(code, caller);
        rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
        let err = rt
            .call::<Actor>(Method::Constructor as MethodNum, None)
            .unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
        assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
        rt.verify();
    }
}

#[test]
fn constructor_refuses_to_run_twice() {
    let rt = new_runtime();
    construct(&rt);
    let before = rt.state.get();
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let err = rt
        .call::<Actor>(Method::Constructor as MethodNum, None)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_STATE);
    assert_eq!(rt.state.get(), before);
    rt.verify();
}

#[test]
fn constructor_takes_no_parameters() {
    let rt = new_runtime();
    let params = IpldBlock::serialize_cbor(&42u64).unwrap();
    let err = rt
        .call::<Actor>(Method::Constructor as MethodNum, params)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
    rt.verify();
}

#[test]
fn unknown_methods_are_unhandled() {
    let rt = new_runtime();
    construct(&rt);
    for method in [0, 2, 3, fil_actors_runtime::method_hash!("EpochTick")] {
        let err = rt.call::<Actor>(method, None).unwrap_err();
        assert_eq!(
            err.exit_code(),
            ExitCode::USR_UNHANDLED_MESSAGE,
            "method {}",
            method
        );
    }
    rt.verify();
}

#[test]
fn internal_methods_refuse_non_builtin_callers() {
    for code in [user_code_cid("contract"), builtin_code_cid(Type::EVM)] {
        let rt = new_runtime();
        rt.set_caller(code, Address::new_id(1000));
        let err = rt
            .call::<Actor>(Method::Constructor as MethodNum, None)
            .unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
        assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
        rt.verify();
    }
}
