//! Unit tests of the account actor on the mock runtime: every method's success path, every
//! rejection with its exit code, and the byte-exact encodings of state, params and returns.

use fil_actor_account::testing::check_state_invariants;
use fil_actor_account::{Actor, AuthenticateMessageParams, Method, State};
use fil_actors_runtime::test_utils::{
    builtin_code_cid, expect_code, user_code_cid, ExpectedVerifySig, MockRuntime,
};
use fil_actors_runtime::{
    ActorError, Type, EMPTY_ARR_CID, FIRST_EXPORTED_METHOD_NUMBER, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{to_vec, CBOR};
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;

const ACCOUNT_ID: u64 = 100;

fn secp_address() -> Address {
    let mut bytes = vec![0x01];
    bytes.extend_from_slice(&[0x11; 20]);
    Address::from_bytes(&bytes).unwrap()
}

fn bls_address() -> Address {
    Address::new_bls(&[0x22; 48]).unwrap()
}

fn cbor<T: serde::Serialize>(v: &T) -> Option<IpldBlock> {
    IpldBlock::serialize_cbor(v).unwrap()
}

fn raw_block(data: &[u8]) -> Option<IpldBlock> {
    Some(IpldBlock {
        codec: CBOR,
        data: data.to_vec(),
    })
}

fn new_runtime() -> MockRuntime {
    MockRuntime::new(Address::new_id(ACCOUNT_ID))
}

fn construct(rt: &MockRuntime, address: Address) -> Result<Option<IpldBlock>, ActorError> {
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt.call::<Actor>(Method::Constructor as MethodNum, cbor(&address));
    rt.verify();
    ret
}

fn constructed(address: Address) -> MockRuntime {
    let rt = new_runtime();
    assert_eq!(construct(&rt, address), Ok(None));
    rt
}

// --- method numbers ---

#[test]
fn method_numbers_match_v18() {
    assert_eq!(Method::Constructor as u64, 1);
    assert_eq!(Method::PubkeyAddress as u64, 2);
    // FRC-42 hash of "AuthenticateMessage", as published for FIP-0050.
    assert_eq!(Method::AuthenticateMessageExported as u64, 2643134072);
    assert_eq!(fil_actors_runtime::method_hash!("Receive"), 3726118371);
}

// --- Constructor ---

#[test]
fn construct_with_secp_address() {
    let rt = constructed(secp_address());
    let st: State = rt.get_state();
    assert_eq!(
        st,
        State {
            address: secp_address()
        }
    );
    let (summary, acc) = check_state_invariants(&st, &Address::new_id(ACCOUNT_ID));
    acc.assert_empty();
    assert_eq!(summary.pubkey_address, secp_address());
}

#[test]
fn construct_with_bls_address() {
    let rt = constructed(bls_address());
    let st: State = rt.get_state();
    assert_eq!(
        st,
        State {
            address: bls_address()
        }
    );
    check_state_invariants(&st, &Address::new_id(ACCOUNT_ID))
        .1
        .assert_empty();
}

#[test]
fn construct_rejects_non_key_addresses() {
    let rejected = [
        Address::new_id(1234),
        Address::new_actor(b"some actor"),
        Address::new_delegated(10, &[0x33; 20]).unwrap(),
    ];
    for address in rejected {
        let rt = new_runtime();
        let err = expect_code(construct(&rt, address), ExitCode::USR_ILLEGAL_ARGUMENT);
        assert!(
            err.msg().contains(&address.to_string()),
            "message: {}",
            err.msg()
        );
        assert_eq!(rt.state.get(), *EMPTY_ARR_CID, "state must stay empty");
    }
}

#[test]
fn construct_only_by_system() {
    let rt = new_runtime();
    rt.set_caller(builtin_code_cid(Type::Init), Address::new_id(1));
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt.call::<Actor>(Method::Constructor as MethodNum, cbor(&secp_address()));
    expect_code(ret, ExitCode::USR_FORBIDDEN);
    rt.verify();
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

#[test]
fn construct_by_user_actor_is_forbidden_before_validation() {
    // Method 1 is internal: a user actor is refused by the internal-API restriction.
    let rt = new_runtime();
    rt.set_caller(user_code_cid("contract"), Address::new_id(2000));
    let ret = rt.call::<Actor>(Method::Constructor as MethodNum, cbor(&secp_address()));
    expect_code(ret, ExitCode::USR_FORBIDDEN);
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

#[test]
fn construct_with_undecodable_params() {
    let rt = new_runtime();
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    // A CBOR unsigned integer is not an address (a byte string).
    let ret = rt.call::<Actor>(Method::Constructor as MethodNum, raw_block(&[0x05]));
    expect_code(ret, ExitCode::USR_SERIALIZATION);
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

// --- PubkeyAddress ---

#[test]
fn pubkey_address_returns_the_key_address() {
    let rt = constructed(secp_address());
    rt.set_caller(builtin_code_cid(Type::EAM), Address::new_id(10));
    rt.expect_validate_caller_any();
    let ret = rt
        .call::<Actor>(Method::PubkeyAddress as MethodNum, None)
        .unwrap();
    rt.verify();
    let block = ret.expect("a return block");
    // CBOR byte string of 21 bytes: protocol 1 then the 20-byte payload.
    let mut expected = vec![0x55, 0x01];
    expected.extend_from_slice(&[0x11; 20]);
    assert_eq!(block.data, expected);
    assert_eq!(block.deserialize::<Address>().unwrap(), secp_address());
}

#[test]
fn pubkey_address_by_bls_account() {
    let rt = constructed(bls_address());
    rt.set_caller(builtin_code_cid(Type::Market), Address::new_id(5));
    rt.expect_validate_caller_any();
    let ret = rt
        .call::<Actor>(Method::PubkeyAddress as MethodNum, None)
        .unwrap();
    rt.verify();
    assert_eq!(
        ret.unwrap().deserialize::<Address>().unwrap(),
        bls_address()
    );
}

#[test]
fn pubkey_address_is_internal() {
    let rt = constructed(secp_address());
    for code in [user_code_cid("contract"), builtin_code_cid(Type::EVM)] {
        rt.set_caller(code, Address::new_id(2000));
        let ret = rt.call::<Actor>(Method::PubkeyAddress as MethodNum, None);
        expect_code(ret, ExitCode::USR_FORBIDDEN);
    }
}

// --- AuthenticateMessage ---

fn authenticate(
    rt: &MockRuntime,
    signature: Signature,
    signer: Address,
    result: Result<(), String>,
) -> Result<Option<IpldBlock>, ActorError> {
    let params = AuthenticateMessageParams {
        signature: signature.bytes.clone(),
        message: b"proposal bytes".to_vec(),
    };
    rt.expect_validate_caller_any();
    rt.expect_verify_signature(ExpectedVerifySig {
        signature,
        signer,
        plaintext: b"proposal bytes".to_vec(),
        result,
    });
    let ret = rt.call::<Actor>(
        Method::AuthenticateMessageExported as MethodNum,
        cbor(&params),
    );
    rt.verify();
    ret
}

#[test]
fn authenticate_secp_signature() {
    let rt = constructed(secp_address());
    // Exported: a user actor may call it.
    rt.set_caller(user_code_cid("contract"), Address::new_id(2000));
    let sig = Signature::new_secp256k1(vec![7; 65]);
    let ret = authenticate(&rt, sig, secp_address(), Ok(()))
        .unwrap()
        .unwrap();
    assert_eq!(ret.data, vec![0xf5], "returns CBOR true");
    assert!(ret.deserialize::<bool>().unwrap());
}

#[test]
fn authenticate_bls_signature() {
    let rt = constructed(bls_address());
    rt.set_caller(builtin_code_cid(Type::Market), Address::new_id(5));
    let sig = Signature::new_bls(vec![9; 96]);
    let ret = authenticate(&rt, sig, bls_address(), Ok(()))
        .unwrap()
        .unwrap();
    assert_eq!(ret.data, vec![0xf5]);
}

#[test]
fn authenticate_rejects_bad_signature() {
    let rt = constructed(secp_address());
    rt.set_caller(builtin_code_cid(Type::PaymentChannel), Address::new_id(300));
    let sig = Signature::new_secp256k1(vec![1; 65]);
    let err = expect_code(
        authenticate(&rt, sig, secp_address(), Err("bad signature".into())),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    assert!(
        err.msg().contains("bad signature"),
        "message: {}",
        err.msg()
    );
    assert!(
        err.msg().contains(&secp_address().to_string()),
        "message: {}",
        err.msg()
    );
}

#[test]
fn authenticate_with_undecodable_params() {
    let rt = constructed(secp_address());
    rt.set_caller(user_code_cid("contract"), Address::new_id(2000));
    // A two-element array of text strings: strict bytes refuse strings.
    let ret = rt.call::<Actor>(
        Method::AuthenticateMessageExported as MethodNum,
        raw_block(&[0x82, 0x61, b'a', 0x61, b'b']),
    );
    expect_code(ret, ExitCode::USR_SERIALIZATION);
}

#[test]
fn authenticate_params_encoding() {
    let params = AuthenticateMessageParams {
        signature: vec![1, 2, 3],
        message: vec![4, 5],
    };
    let bytes = to_vec(&params).unwrap();
    assert_eq!(bytes, vec![0x82, 0x43, 1, 2, 3, 0x42, 4, 5]);
    assert_eq!(
        fvm_ipld_encoding::from_slice::<AuthenticateMessageParams>(&bytes).unwrap(),
        params
    );
}

// --- fallback ---

#[test]
fn exported_methods_without_handler_are_accepted() {
    let rt = constructed(secp_address());
    rt.set_caller(user_code_cid("contract"), Address::new_id(2000));
    let numbers = [
        FIRST_EXPORTED_METHOD_NUMBER,
        fil_actors_runtime::method_hash!("Receive"),
        fil_actors_runtime::method_hash!("InvokeEVM"),
        u64::MAX,
    ];
    let state_before = rt.state.get();
    for method in numbers {
        rt.expect_validate_caller_any();
        let ret = rt.call::<Actor>(method, raw_block(&[0x82, 0x01, 0x02]));
        rt.verify();
        assert_eq!(ret, Ok(None), "method {}", method);
    }
    assert_eq!(
        rt.state.get(),
        state_before,
        "the fallback changes no state"
    );
}

#[test]
fn unknown_internal_method_from_builtin_is_unhandled() {
    let rt = constructed(secp_address());
    rt.set_caller(builtin_code_cid(Type::Miner), Address::new_id(1000));
    for method in [3, FIRST_EXPORTED_METHOD_NUMBER - 1] {
        rt.expect_validate_caller_any();
        let err = expect_code(
            rt.call::<Actor>(method, None),
            ExitCode::USR_UNHANDLED_MESSAGE,
        );
        rt.verify();
        assert_eq!(err.msg(), format!("invalid method: {}", method));
    }
}

#[test]
fn unknown_internal_method_from_user_is_forbidden() {
    let rt = constructed(secp_address());
    rt.set_caller(user_code_cid("contract"), Address::new_id(2000));
    expect_code(rt.call::<Actor>(3, None), ExitCode::USR_FORBIDDEN);
}

// --- state encoding and invariants ---

#[test]
fn state_encoding_is_byte_exact() {
    let secp = to_vec(&State {
        address: secp_address(),
    })
    .unwrap();
    let mut expected = vec![0x81, 0x55, 0x01];
    expected.extend_from_slice(&[0x11; 20]);
    assert_eq!(secp, expected);

    let bls = to_vec(&State {
        address: bls_address(),
    })
    .unwrap();
    let mut expected = vec![0x81, 0x58, 0x31, 0x03];
    expected.extend_from_slice(&[0x22; 48]);
    assert_eq!(bls, expected);
    assert_eq!(
        fvm_ipld_encoding::from_slice::<State>(&bls).unwrap(),
        State {
            address: bls_address()
        }
    );
}

#[test]
fn constructed_state_cid_is_the_cid_of_the_expected_bytes() {
    use multihash_codetable::{Code, MultihashDigest};
    let rt = constructed(secp_address());
    let mut expected = vec![0x81, 0x55, 0x01];
    expected.extend_from_slice(&[0x11; 20]);
    let cid = cid::Cid::new_v1(
        fvm_ipld_encoding::DAG_CBOR,
        Code::Blake2b256.digest(&expected),
    );
    assert_eq!(rt.state.get(), cid);
}

#[test]
fn invariants_flag_non_key_address_outside_singletons() {
    let st = State {
        address: Address::new_id(5),
    };
    let (_, acc) = check_state_invariants(&st, &Address::new_id(ACCOUNT_ID));
    assert_eq!(
        acc.messages(),
        vec!["account f0100 has address f05 that is neither secp256k1 nor BLS".to_string()]
    );
    // Singletons (such as burnt funds at 99) are exempt.
    check_state_invariants(&st, &Address::new_id(99))
        .1
        .assert_empty();
}
