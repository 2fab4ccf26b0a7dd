//! Unit tests of the EAM on the mock runtime: the constructor, the caller rules and parameter
//! handling of the create methods, the deployment (init's Exec4, or Resurrect over a dead
//! contract), and the address derivation against published Ethereum vectors.

use fil_actor_eam::ext::evm::ConstructorParams as EvmConstructorParams;
use fil_actor_eam::ext::init::{Exec4Params, Exec4Return, EXEC4_METHOD};
use fil_actor_eam::{
    compute_address_create, compute_address_create2, rlp_create_preimage, Create2Params,
    CreateExternalParams, CreateParams, EamActor, EthAddress, Method, Return,
};
use fil_actors_runtime::runtime::Primitives;
use fil_actors_runtime::test_utils::{
    builtin_code_cid, expect_code, user_code_cid, ExpectedSend, MockRuntime,
};
use fil_actors_runtime::{
    ActorError, Type, EAM_ACTOR_ADDR, EMPTY_ARR_CID, FIRST_EXPORTED_METHOD_NUMBER,
    SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{to_vec, RawBytes, CBOR};
use fvm_shared::address::Address;
use fvm_shared::crypto::hash::SupportedHashes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::sys::SendFlags;
use fvm_shared::MethodNum;

fn eth(hex_str: &str) -> EthAddress {
    let bytes = hex::decode(hex_str.trim_start_matches("0x")).unwrap();
    EthAddress(bytes.try_into().unwrap())
}

fn bytes32(hex_str: &str) -> [u8; 32] {
    hex::decode(hex_str).unwrap().try_into().unwrap()
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

fn eam_runtime() -> MockRuntime {
    MockRuntime::new(EAM_ACTOR_ADDR)
}

/// Expects the init actor's `Exec4` of an EVM actor at `new_address`, constructed with
/// `creator` and `initcode` and given `value`; the init actor answers with ID `id`. Returns
/// what the create method must return.
fn expect_deploy(
    rt: &MockRuntime,
    creator: &EthAddress,
    new_address: &EthAddress,
    initcode: &[u8],
    value: TokenAmount,
    id: u64,
) -> Return {
    let constructor_params = RawBytes::serialize(EvmConstructorParams {
        creator: *creator,
        initcode: RawBytes::new(initcode.to_vec()),
    })
    .unwrap();
    let params = Exec4Params {
        code_cid: builtin_code_cid(Type::EVM),
        constructor_params,
        subaddress: RawBytes::new(new_address.0.to_vec()),
    };
    let robust = Address::new_actor(b"robust");
    rt.expect_send(ExpectedSend {
        to: fil_actors_runtime::INIT_ACTOR_ADDR,
        method: EXEC4_METHOD,
        params: cbor(&params),
        value,
        gas_limit: None,
        flags: SendFlags::default(),
        return_data: cbor(&Exec4Return {
            id_address: Address::new_id(id),
            robust_address: robust,
        }),
        exit_code: ExitCode::OK,
        send_error: None,
    });
    Return {
        actor_id: id,
        robust_address: Some(robust),
        eth_address: *new_address,
    }
}

fn returned(ret: Result<Option<IpldBlock>, ActorError>) -> Return {
    ret.expect("create succeeds")
        .expect("create returns a block")
        .deserialize()
        .unwrap()
}

const CONTRACT_ID: u64 = 1200;
/// The sender of the well-known CREATE example (nonce 0 deploys to 0xcd234a47...).
const SENDER: &str = "6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0";

fn with_f4(rt: &MockRuntime, id: u64, namespace: u64, subaddress: &[u8]) {
    rt.set_delegated_address(id, Address::new_delegated(namespace, subaddress).unwrap());
}

// --- method numbers ---

#[test]
fn method_numbers_match_v18() {
    assert_eq!(Method::Constructor as u64, 1);
    assert_eq!(Method::Create as u64, 2);
    assert_eq!(Method::Create2 as u64, 3);
    assert_eq!(Method::CreateExternal as u64, 4);
    assert_eq!(EXEC4_METHOD, 3);
}

// --- Constructor ---

#[test]
fn construct_at_id_10_by_system() {
    let rt = eam_runtime();
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt.call::<EamActor>(Method::Constructor as MethodNum, None);
    rt.verify();
    assert_eq!(ret, Ok(None));
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID, "the EAM keeps no state");
}

#[test]
fn construct_elsewhere_is_forbidden() {
    let rt = MockRuntime::new(Address::new_id(11));
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    // The location is checked before the caller.
    let err = expect_code(
        rt.call::<EamActor>(Method::Constructor as MethodNum, None),
        ExitCode::USR_FORBIDDEN,
    );
    assert_eq!(
        err.msg(),
        "the Ethereum Address Manager must be deployed at ID 10, was deployed at 11"
    );
}

#[test]
fn construct_by_other_callers_is_forbidden() {
    for (code, addr) in [
        (builtin_code_cid(Type::Init), Address::new_id(1)),
        (user_code_cid("contract"), Address::new_id(2000)),
    ] {
        let rt = eam_runtime();
        rt.set_caller(code, addr);
        rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
        expect_code(
            rt.call::<EamActor>(Method::Constructor as MethodNum, None),
            ExitCode::USR_FORBIDDEN,
        );
        rt.verify();
    }
}

// --- dispatch ---

#[test]
fn unknown_methods_are_unhandled_for_any_caller() {
    // v18 applies no internal-API restriction to the EAM: an unknown number is unhandled
    // whoever calls it.
    let rt = eam_runtime();
    for code in [user_code_cid("contract"), builtin_code_cid(Type::Account)] {
        rt.set_caller(code, Address::new_id(2000));
        for method in [
            5,
            FIRST_EXPORTED_METHOD_NUMBER,
            fil_actors_runtime::method_hash!("Receive"),
        ] {
            let err = expect_code(
                rt.call::<EamActor>(method, None),
                ExitCode::USR_UNHANDLED_MESSAGE,
            );
            assert_eq!(err.msg(), format!("invalid method: {}", method));
        }
    }
}

// --- Create ---

fn evm_caller(rt: &MockRuntime, eth_address: &EthAddress) {
    rt.set_caller(builtin_code_cid(Type::EVM), Address::new_id(CONTRACT_ID));
    with_f4(rt, CONTRACT_ID, 10, &eth_address.0);
}

fn call_create(rt: &MockRuntime, params: &CreateParams) -> Result<Option<IpldBlock>, ActorError> {
    rt.expect_validate_caller_type(vec![Type::EVM]);
    let ret = rt.call::<EamActor>(Method::Create as MethodNum, cbor(params));
    rt.verify();
    ret
}

#[test]
fn create_from_evm_deploys_at_the_create_address() {
    let rt = eam_runtime();
    let creator = eth(SENDER);
    evm_caller(&rt, &creator);
    rt.set_received(TokenAmount::from_atto(500));
    let params = CreateParams {
        initcode: vec![0x60, 0x00],
        nonce: 0,
    };
    // The well-known CREATE address of this sender at nonce 0.
    let expected = eth("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d");
    let want = expect_deploy(
        &rt,
        &creator,
        &expected,
        &[0x60, 0x00],
        TokenAmount::from_atto(500),
        1300,
    );
    assert_eq!(returned(call_create(&rt, &params)), want);
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

#[test]
fn create_uses_the_nonce_passed() {
    let rt = eam_runtime();
    let creator = eth(SENDER);
    evm_caller(&rt, &creator);
    let params = CreateParams {
        initcode: vec![],
        nonce: 3,
    };
    let expected = eth("fffd933a0bc612844eaf0c6fe3e5b8e9b6c1d19c");
    let want = expect_deploy(
        &rt,
        &creator,
        &expected,
        &[],
        TokenAmount::from_atto(0),
        1301,
    );
    assert_eq!(returned(call_create(&rt, &params)), want);
}

#[test]
fn create_only_from_evm_contracts() {
    for code in [
        builtin_code_cid(Type::EthAccount),
        builtin_code_cid(Type::Account),
        builtin_code_cid(Type::Multisig),
        user_code_cid("contract"),
    ] {
        let rt = eam_runtime();
        rt.set_caller(code, Address::new_id(CONTRACT_ID));
        with_f4(&rt, CONTRACT_ID, 10, &eth(SENDER).0);
        let params = CreateParams {
            initcode: vec![],
            nonce: 0,
        };
        expect_code(call_create(&rt, &params), ExitCode::USR_FORBIDDEN);
    }
}

#[test]
fn create_from_evm_without_eth_address_is_forbidden() {
    // No f4 address at all.
    let rt = eam_runtime();
    rt.set_caller(builtin_code_cid(Type::EVM), Address::new_id(CONTRACT_ID));
    let params = CreateParams {
        initcode: vec![],
        nonce: 0,
    };
    let err = expect_code(call_create(&rt, &params), ExitCode::USR_FORBIDDEN);
    assert_eq!(err.msg(), "caller f01200 doesn't have an eth address");

    // An f4 address in another namespace.
    let rt = eam_runtime();
    rt.set_caller(builtin_code_cid(Type::EVM), Address::new_id(CONTRACT_ID));
    with_f4(&rt, CONTRACT_ID, 32, &eth(SENDER).0);
    let err = expect_code(call_create(&rt, &params), ExitCode::USR_FORBIDDEN);
    assert_eq!(err.msg(), "caller f01200 doesn't have an eth address");

    // An EAM-namespace subaddress that is not 20 bytes.
    let rt = eam_runtime();
    rt.set_caller(builtin_code_cid(Type::EVM), Address::new_id(CONTRACT_ID));
    with_f4(&rt, CONTRACT_ID, 10, &[0xab; 8]);
    let err = expect_code(call_create(&rt, &params), ExitCode::USR_FORBIDDEN);
    assert_eq!(
        err.msg(),
        "caller's eth address isn't valid: f01200 has a 8-byte subaddress"
    );
}

#[test]
fn create_with_undecodable_params() {
    let rt = eam_runtime();
    evm_caller(&rt, &eth(SENDER));
    // [text "a", 0]: the init code must be a byte string.
    let ret = rt.call::<EamActor>(
        Method::Create as MethodNum,
        raw_block(&[0x82, 0x61, b'a', 0x00]),
    );
    expect_code(ret, ExitCode::USR_SERIALIZATION);
}

// --- Create2 ---

fn call_create2(rt: &MockRuntime, params: &Create2Params) -> Result<Option<IpldBlock>, ActorError> {
    rt.expect_validate_caller_type(vec![Type::EVM]);
    let ret = rt.call::<EamActor>(Method::Create2 as MethodNum, cbor(params));
    rt.verify();
    ret
}

#[test]
fn create2_from_evm_deploys_at_the_eip1014_address() {
    let rt = eam_runtime();
    let creator = eth("deadbeef00000000000000000000000000000000");
    evm_caller(&rt, &creator);
    let params = Create2Params {
        initcode: vec![0x00],
        salt: bytes32("000000000000000000000000feed000000000000000000000000000000000000"),
    };
    // EIP-1014, example 2.
    let expected = eth("d04116cdd17bebe565eb2422f2497e06cc1c9833");
    let want = expect_deploy(
        &rt,
        &creator,
        &expected,
        &[0x00],
        TokenAmount::from_atto(0),
        1302,
    );
    assert_eq!(returned(call_create2(&rt, &params)), want);
}

#[test]
fn create2_only_from_evm_contracts() {
    let rt = eam_runtime();
    rt.set_caller(
        builtin_code_cid(Type::EthAccount),
        Address::new_id(CONTRACT_ID),
    );
    with_f4(&rt, CONTRACT_ID, 10, &eth(SENDER).0);
    let params = Create2Params {
        initcode: vec![],
        salt: [0; 32],
    };
    expect_code(call_create2(&rt, &params), ExitCode::USR_FORBIDDEN);
}

#[test]
fn create2_from_evm_without_eth_address_is_forbidden() {
    let rt = eam_runtime();
    rt.set_caller(builtin_code_cid(Type::EVM), Address::new_id(CONTRACT_ID));
    let params = Create2Params {
        initcode: vec![],
        salt: [0; 32],
    };
    let err = expect_code(call_create2(&rt, &params), ExitCode::USR_FORBIDDEN);
    assert_eq!(err.msg(), "caller f01200 doesn't have an eth address");
}

#[test]
fn create2_salt_must_be_32_bytes() {
    let rt = eam_runtime();
    evm_caller(&rt, &eth(SENDER));
    // [h'', h'00 x 31']
    let mut data = vec![0x82, 0x40, 0x58, 0x1f];
    data.extend_from_slice(&[0u8; 31]);
    let ret = rt.call::<EamActor>(Method::Create2 as MethodNum, raw_block(&data));
    expect_code(ret, ExitCode::USR_SERIALIZATION);
}

// --- CreateExternal ---

fn call_create_external(
    rt: &MockRuntime,
    initcode: &[u8],
) -> Result<Option<IpldBlock>, ActorError> {
    rt.expect_validate_caller_addr(vec![rt.origin.get()]);
    let ret = rt.call::<EamActor>(
        Method::CreateExternal as MethodNum,
        cbor(&CreateExternalParams(initcode.to_vec())),
    );
    rt.verify();
    ret
}

const SENDER_ID: u64 = 1001;

fn top_level_caller(rt: &MockRuntime, typ: Type) {
    rt.set_caller(builtin_code_cid(typ), Address::new_id(SENDER_ID));
    rt.set_origin(Address::new_id(SENDER_ID));
}

#[test]
fn create_external_from_eth_account_uses_the_message_nonce() {
    let rt = eam_runtime();
    top_level_caller(&rt, Type::EthAccount);
    let sender = eth(SENDER);
    with_f4(&rt, SENDER_ID, 10, &sender.0);
    rt.nonce.set(1);
    let expected = eth("343c43a37d37dff08ae8c4a11544c718abb4fcf8");
    let want = expect_deploy(
        &rt,
        &sender,
        &expected,
        &[0xfe; 4],
        TokenAmount::from_atto(0),
        1303,
    );
    assert_eq!(returned(call_create_external(&rt, &[0xfe; 4])), want);
}

fn expect_pubkey_address_send(rt: &MockRuntime, ret: Option<IpldBlock>, code: ExitCode) {
    rt.expect_send(ExpectedSend {
        to: Address::new_id(SENDER_ID),
        method: 2,
        params: None,
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags: SendFlags::READ_ONLY,
        return_data: ret,
        exit_code: code,
        send_error: None,
    });
}

#[test]
fn create_external_from_account_derives_from_its_key_address() {
    let rt = eam_runtime();
    top_level_caller(&rt, Type::Account);
    let key_address = Address::new_bls(&[0x42; 48]).unwrap();
    expect_pubkey_address_send(&rt, cbor(&key_address), ExitCode::OK);
    rt.nonce.set(9);

    // The stable address is the tail of keccak-256 over the key address bytes; the creator is
    // the account's ID in Ethereum form.
    let digest = rt.hash(SupportedHashes::Keccak256, &key_address.to_bytes());
    let stable = EthAddress(digest[12..32].try_into().unwrap());
    let expected = compute_address_create(&rt, &stable, 9).unwrap();
    let creator = eth("ff000000000000000000000000000000000003e9");
    assert_eq!(creator, EthAddress::from_id(SENDER_ID));
    let want = expect_deploy(
        &rt,
        &creator,
        &expected,
        &[0x00],
        TokenAmount::from_atto(0),
        1304,
    );
    assert_eq!(returned(call_create_external(&rt, &[0x00])), want);
}

#[test]
fn create_external_fails_when_the_account_does_not_answer() {
    // The account aborts: its exit code is passed on.
    let rt = eam_runtime();
    top_level_caller(&rt, Type::Account);
    expect_pubkey_address_send(&rt, None, ExitCode::USR_ILLEGAL_STATE);
    let err = expect_code(call_create_external(&rt, &[]), ExitCode::USR_ILLEGAL_STATE);
    assert_eq!(
        err.msg(),
        "failed to retrieve the key address of account f01001"
    );

    // The send itself fails.
    let rt = eam_runtime();
    top_level_caller(&rt, Type::Account);
    rt.expect_send(ExpectedSend {
        to: Address::new_id(SENDER_ID),
        method: 2,
        params: None,
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags: SendFlags::READ_ONLY,
        return_data: None,
        exit_code: ExitCode::OK,
        send_error: Some(ErrorNumber::NotFound),
    });
    expect_code(
        call_create_external(&rt, &[]),
        ExitCode::USR_ASSERTION_FAILED,
    );

    // The account answers with something that is not an address.
    let rt = eam_runtime();
    top_level_caller(&rt, Type::Account);
    expect_pubkey_address_send(&rt, cbor(&7u64), ExitCode::OK);
    expect_code(call_create_external(&rt, &[]), ExitCode::USR_SERIALIZATION);
}

#[test]
fn create_external_only_from_the_top_level_sender() {
    let rt = eam_runtime();
    rt.set_caller(
        builtin_code_cid(Type::EthAccount),
        Address::new_id(SENDER_ID),
    );
    rt.set_origin(Address::new_id(SENDER_ID + 1));
    with_f4(&rt, SENDER_ID, 10, &eth(SENDER).0);
    expect_code(call_create_external(&rt, &[]), ExitCode::USR_FORBIDDEN);
}

#[test]
fn create_external_only_from_accounts() {
    let rt = eam_runtime();
    top_level_caller(&rt, Type::Multisig);
    let err = expect_code(call_create_external(&rt, &[]), ExitCode::USR_FORBIDDEN);
    assert_eq!(err.msg(), "disallowed caller type multisig");

    let rt = eam_runtime();
    top_level_caller(&rt, Type::EVM);
    let err = expect_code(call_create_external(&rt, &[]), ExitCode::USR_FORBIDDEN);
    assert_eq!(err.msg(), "disallowed caller type evm");

    let rt = eam_runtime();
    let code = user_code_cid("contract");
    rt.set_caller(code, Address::new_id(SENDER_ID));
    rt.set_origin(Address::new_id(SENDER_ID));
    let err = expect_code(call_create_external(&rt, &[]), ExitCode::USR_FORBIDDEN);
    assert_eq!(err.msg(), format!("disallowed caller code {}", code));
}

#[test]
fn create_external_from_eth_account_without_eth_address_is_forbidden() {
    let rt = eam_runtime();
    top_level_caller(&rt, Type::EthAccount);
    let err = expect_code(call_create_external(&rt, &[]), ExitCode::USR_FORBIDDEN);
    assert_eq!(err.msg(), "caller f01001 doesn't have an eth address");
}

#[test]
fn create_external_with_undecodable_params() {
    let rt = eam_runtime();
    top_level_caller(&rt, Type::EthAccount);
    // An array where a byte string belongs.
    let ret = rt.call::<EamActor>(
        Method::CreateExternal as MethodNum,
        raw_block(&[0x81, 0x00]),
    );
    expect_code(ret, ExitCode::USR_SERIALIZATION);
}

// --- address derivation ---

#[test]
fn rlp_preimage_encodes_sender_and_nonce() {
    let sender = EthAddress([0x11; 20]);
    let expect = |nonce_item: &[u8]| {
        let mut v = vec![0xc0 + 21 + nonce_item.len() as u8, 0x94];
        v.extend_from_slice(&[0x11; 20]);
        v.extend_from_slice(nonce_item);
        v
    };
    assert_eq!(rlp_create_preimage(&sender, 0), expect(&[0x80]));
    assert_eq!(rlp_create_preimage(&sender, 1), expect(&[0x01]));
    assert_eq!(rlp_create_preimage(&sender, 0x7f), expect(&[0x7f]));
    assert_eq!(rlp_create_preimage(&sender, 0x80), expect(&[0x81, 0x80]));
    assert_eq!(
        rlp_create_preimage(&sender, 0x0100),
        expect(&[0x82, 0x01, 0x00])
    );
    assert_eq!(
        rlp_create_preimage(&sender, u64::MAX),
        expect(&[0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    );
    assert_eq!(rlp_create_preimage(&sender, 0).len(), 23);
    assert_eq!(rlp_create_preimage(&sender, u64::MAX)[0], 0xde);
}

#[test]
fn create_addresses_match_ethereum_vectors() {
    let rt = eam_runtime();
    let vectors = [
        (SENDER, 0u64, "cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"),
        (SENDER, 1, "343c43a37d37dff08ae8c4a11544c718abb4fcf8"),
        (SENDER, 2, "f778b86fa74e846c4f0a1fbd1335fe81c00a0c91"),
        (SENDER, 3, "fffd933a0bc612844eaf0c6fe3e5b8e9b6c1d19c"),
        // The first contract of the default development account of Hardhat and Anvil.
        (
            "f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            0,
            "5fbdb2315678afecb367f032d93f642f64180aa3",
        ),
        // Nonces of two bytes and more.
        (
            "0000000000000000000000000000000000000000",
            200,
            "a6b14387c1356b443061155e9c3e17f72c1777e5",
        ),
        (
            "7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b",
            12345,
            "809a9ab0471e78ee5100e96ca4d0828d1b97e2ba",
        ),
    ];
    for (sender, nonce, expected) in vectors {
        assert_eq!(
            compute_address_create(&rt, &eth(sender), nonce).unwrap(),
            eth(expected),
            "sender {} nonce {}",
            sender,
            nonce
        );
    }
}

#[test]
fn create2_addresses_match_eip1014_examples() {
    let rt = eam_runtime();
    let zero32 = "0000000000000000000000000000000000000000000000000000000000000000";
    let cafebabe = "00000000000000000000000000000000000000000000000000000000cafebabe";
    let vectors = [
        ("0000000000000000000000000000000000000000", zero32, "00", "4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38"),
        ("deadbeef00000000000000000000000000000000", zero32, "00", "b928f69bb1d91cd65274e3c79d8986362984fda3"),
        (
            "deadbeef00000000000000000000000000000000",
            "000000000000000000000000feed000000000000000000000000000000000000",
            "00",
            "d04116cdd17bebe565eb2422f2497e06cc1c9833",
        ),
        ("0000000000000000000000000000000000000000", zero32, "deadbeef", "70f2b2914a2a4b783faefb75f459a580616fcb5e"),
        ("00000000000000000000000000000000deadbeef", cafebabe, "deadbeef", "60f3f640a8508fc6a86d45df051962668e1e8ac7"),
        (
            "00000000000000000000000000000000deadbeef",
            cafebabe,
            "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
            "1d8bfdc5d46dc4f61d6b6115972536ebe6a8854c",
        ),
        ("0000000000000000000000000000000000000000", zero32, "", "e33c0c7f7df4809055c3eba6c09cfe4baf1bd9e0"),
    ];
    for (i, (sender, salt, initcode, expected)) in vectors.into_iter().enumerate() {
        let initcode = hex::decode(initcode).unwrap();
        assert_eq!(
            compute_address_create2(&rt, &eth(sender), &bytes32(salt), &initcode).unwrap(),
            eth(expected),
            "EIP-1014 example {}",
            i
        );
    }
}

#[test]
fn eth_address_forms() {
    assert_eq!(
        EthAddress::from_id(0x0102),
        eth("ff00000000000000000000000000000000000102")
    );
    assert!(EthAddress::from_id(0).is_id());
    assert!(EthAddress([0; 20]).is_null());
    assert!(eth("0000000000000000000000000000000000000001").is_precompile());
    assert!(eth("fe000000000000000000000000000000000000ff").is_precompile());
    // The 0xfe range spans only the last byte.
    assert!(!eth("fe00000000000000000000000000000000000100").is_precompile());
    assert!(!eth("fe00000000000000000000000000000000000100").is_reserved());
    // An ID form needs all eleven zero bytes.
    assert!(!eth("ff00000000000000000001000000000000000001").is_id());
    assert!(!eth(SENDER).is_reserved());
    for reserved in [
        "0000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000009",
        "fe00000000000000000000000000000000000001",
        "ff0000000000000000000000ffffffffffffffff",
    ] {
        assert!(eth(reserved).is_reserved(), "{}", reserved);
    }
    assert_eq!(eth(SENDER).to_string(), format!("0x{}", SENDER));
}

// --- encodings ---

#[test]
fn params_and_return_encodings_are_byte_exact() {
    let create = CreateParams {
        initcode: vec![0xfe],
        nonce: 1,
    };
    assert_eq!(to_vec(&create).unwrap(), vec![0x82, 0x41, 0xfe, 0x01]);

    let create2 = Create2Params {
        initcode: vec![],
        salt: [0x07; 32],
    };
    let mut expected = vec![0x82, 0x40, 0x58, 0x20];
    expected.extend_from_slice(&[0x07; 32]);
    assert_eq!(to_vec(&create2).unwrap(), expected);

    assert_eq!(
        to_vec(&CreateExternalParams(vec![1, 2])).unwrap(),
        vec![0x42, 0x01, 0x02]
    );

    let ret = Return {
        actor_id: 1001,
        robust_address: None,
        eth_address: EthAddress([0xaa; 20]),
    };
    let mut expected = vec![0x83, 0x19, 0x03, 0xe9, 0xf6, 0x54];
    expected.extend_from_slice(&[0xaa; 20]);
    assert_eq!(to_vec(&ret).unwrap(), expected);
    assert_eq!(
        fvm_ipld_encoding::from_slice::<Return>(&expected).unwrap(),
        ret
    );

    let with_robust = Return {
        actor_id: 7,
        robust_address: Some(Address::new_id(5)),
        eth_address: EthAddress([0; 20]),
    };
    let mut expected = vec![0x83, 0x07, 0x42, 0x00, 0x05, 0x54];
    expected.extend_from_slice(&[0; 20]);
    assert_eq!(to_vec(&with_robust).unwrap(), expected);
}

#[test]
fn outbound_encodings_are_byte_exact() {
    let evm = EvmConstructorParams {
        creator: EthAddress([0x01; 20]),
        initcode: RawBytes::new(vec![0x60]),
    };
    let mut expected = vec![0x82, 0x54];
    expected.extend_from_slice(&[0x01; 20]);
    expected.extend_from_slice(&[0x41, 0x60]);
    assert_eq!(to_vec(&evm).unwrap(), expected);

    let ret = Exec4Return {
        id_address: Address::new_id(1),
        robust_address: Address::new_id(2),
    };
    assert_eq!(
        to_vec(&ret).unwrap(),
        vec![0x82, 0x42, 0x00, 0x01, 0x42, 0x00, 0x02]
    );

    let code = builtin_code_cid(Type::EVM);
    let params = Exec4Params {
        code_cid: code,
        constructor_params: RawBytes::new(vec![0x80]),
        subaddress: RawBytes::new(vec![0x02; 20]),
    };
    let encoded = to_vec(&params).unwrap();
    let cid_bytes = code.to_bytes();
    // [tag 42 (h'00' ++ cid), h'80', h'02 x 20']
    let mut expected = vec![0x83, 0xd8, 0x2a, 0x58, (cid_bytes.len() + 1) as u8, 0x00];
    expected.extend_from_slice(&cid_bytes);
    expected.extend_from_slice(&[0x41, 0x80, 0x54]);
    expected.extend_from_slice(&[0x02; 20]);
    assert_eq!(encoded, expected);
}

// --- deployment ---

#[test]
fn create_over_a_dead_contract_resurrects_it() {
    let rt = eam_runtime();
    let creator = eth(SENDER);
    evm_caller(&rt, &creator);
    let expected = eth("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d");
    // An EVM actor (ID 1400) already holds the address.
    with_f4(&rt, 1400, 10, &expected.0);
    rt.actor_code_cids
        .borrow_mut()
        .insert(1400, builtin_code_cid(Type::EVM));
    let constructor_params = RawBytes::serialize(EvmConstructorParams {
        creator,
        initcode: RawBytes::new(vec![0x60, 0x00]),
    })
    .unwrap();
    rt.expect_send(ExpectedSend {
        to: Address::new_id(1400),
        method: 2,
        params: raw_block(&constructor_params),
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags: SendFlags::default(),
        return_data: None,
        exit_code: ExitCode::OK,
        send_error: None,
    });
    let params = CreateParams {
        initcode: vec![0x60, 0x00],
        nonce: 0,
    };
    assert_eq!(
        returned(call_create(&rt, &params)),
        Return {
            actor_id: 1400,
            robust_address: None,
            eth_address: expected
        }
    );
}

#[test]
fn a_failed_deployment_aborts_with_the_callee_exit_code() {
    let rt = eam_runtime();
    let creator = eth(SENDER);
    evm_caller(&rt, &creator);
    let expected = eth("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d");
    let constructor_params = RawBytes::serialize(EvmConstructorParams {
        creator,
        initcode: RawBytes::new(vec![0xfd]),
    })
    .unwrap();
    rt.expect_send(ExpectedSend {
        to: fil_actors_runtime::INIT_ACTOR_ADDR,
        method: EXEC4_METHOD,
        params: cbor(&Exec4Params {
            code_cid: builtin_code_cid(Type::EVM),
            constructor_params,
            subaddress: RawBytes::new(expected.0.to_vec()),
        }),
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags: SendFlags::default(),
        return_data: None,
        // The EVM constructor reverted.
        exit_code: ExitCode::new(33),
        send_error: None,
    });
    let params = CreateParams {
        initcode: vec![0xfd],
        nonce: 0,
    };
    expect_code(call_create(&rt, &params), ExitCode::new(33));
}
