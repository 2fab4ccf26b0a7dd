//! Unit tests of the init actor on the mock runtime: construction, `Exec` and its creation
//! rules, `Exec4` and placeholders, caller rules, dispatch errors, failing constructors, and the
//! exact bytes of the state the FVM reads.

use fil_actor_init::testing::check_state_invariants;
use fil_actor_init::{
    Actor, AddressMap, ConstructorParams, Exec4Params, Exec4Return, ExecParams, ExecReturn, Method,
    State,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, user_code_cid, ExpectedSend, MockRuntime};
use fil_actors_runtime::{
    ActorError, Type, EAM_ACTOR_ADDR, EAM_ACTOR_ID, EMPTY_ARR_CID, INIT_ACTOR_ADDR,
    STORAGE_POWER_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{RawBytes, CBOR};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::sys::SendFlags;
use fvm_shared::{MethodNum, METHOD_CONSTRUCTOR};
use num_traits::Zero;

/// The digest of the empty HAMT node (`[h'', []]`, bytes `82 40 80`) under blake2b-256.
const EMPTY_HAMT_DIGEST: &str = "18fe6acc61a3a36b0c373c4a3a8ea64b812bf2ca9b528050909c78d408558a0c";
const EMPTY_HAMT_CID: &str = "bafy2bzaceamp42wmmgr2g2ymg46euououzfyck7szknvfacqscohrvaikwfay";

const ACCOUNT_ID: u64 = 1000;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The prefix of a CBOR tag-42 link to a DAG-CBOR blake2b-256 block, up to the digest: tag 42,
/// a 39-byte string, multibase identity 0x00, CIDv1, dag-cbor, blake2b-256, 32 bytes.
const LINK_PREFIX: [u8; 11] = [
    0xd8, 0x2a, 0x58, 0x27, 0x00, 0x01, 0x71, 0xa0, 0xe4, 0x02, 0x20,
];

fn new_runtime() -> MockRuntime {
    let rt = MockRuntime::new(INIT_ACTOR_ADDR);
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt
}

fn construct(rt: &MockRuntime) {
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let params = ConstructorParams {
        network_name: "mock".to_string(),
    };
    let ret = rt
        .call::<Actor>(
            Method::Constructor as MethodNum,
            IpldBlock::serialize_cbor(&params).unwrap(),
        )
        .unwrap();
    assert_eq!(ret, None);
    rt.verify();
}

fn constructed() -> MockRuntime {
    let rt = new_runtime();
    construct(&rt);
    rt
}

fn set_account_caller(rt: &MockRuntime) {
    rt.set_caller(builtin_code_cid(Type::Account), Address::new_id(ACCOUNT_ID));
}

fn robust(seed: &str) -> Address {
    Address::new_actor(seed.as_bytes())
}

/// The constructor parameters the tests pass through, and the block the new actor receives.
fn ctor_params() -> (RawBytes, Option<IpldBlock>) {
    let raw = RawBytes::serialize(("signer", 3u64)).unwrap();
    let block = Some(IpldBlock {
        codec: CBOR,
        data: raw.to_vec(),
    });
    (raw, block)
}

fn call_exec(
    rt: &MockRuntime,
    code: cid::Cid,
    params: RawBytes,
) -> Result<Option<IpldBlock>, ActorError> {
    let params = ExecParams {
        code_cid: code,
        constructor_params: params,
    };
    rt.call::<Actor>(
        Method::Exec as MethodNum,
        IpldBlock::serialize_cbor(&params).unwrap(),
    )
}

fn call_exec4(
    rt: &MockRuntime,
    code: cid::Cid,
    params: RawBytes,
    subaddress: &[u8],
) -> Result<Option<IpldBlock>, ActorError> {
    let params = Exec4Params {
        code_cid: code,
        constructor_params: params,
        subaddress: RawBytes::new(subaddress.to_vec()),
    };
    rt.call::<Actor>(
        Method::Exec4 as MethodNum,
        IpldBlock::serialize_cbor(&params).unwrap(),
    )
}

/// Sets up and runs a successful `Exec` of `code` creating actor `id` at `robust_addr`, with
/// `value` received, and returns what it returned.
fn exec_ok(
    rt: &MockRuntime,
    code: cid::Cid,
    robust_addr: Address,
    id: u64,
    value: u64,
) -> ExecReturn {
    let (raw, block) = ctor_params();
    *rt.new_actor_addr.borrow_mut() = Some(robust_addr);
    rt.set_received(TokenAmount::from_atto(value));
    rt.expect_validate_caller_any();
    rt.expect_create_actor(code, id, None);
    rt.expect_send_simple(
        Address::new_id(id),
        METHOD_CONSTRUCTOR,
        block,
        TokenAmount::from_atto(value),
        None,
        ExitCode::OK,
    );
    let ret = call_exec(rt, code, raw).unwrap();
    rt.verify();
    ret.unwrap().deserialize().unwrap()
}

fn address_map(rt: &MockRuntime) -> Vec<(Address, u64)> {
    let state: State = rt.get_state();
    let map = AddressMap::load(&rt.store, &state.address_map, "addresses").unwrap();
    let mut entries = vec![];
    map.for_each(|k, v| {
        entries.push((k, *v));
        Ok(())
    })
    .unwrap();
    entries.sort_by_key(|(a, id)| (*id, a.to_bytes()));
    entries
}

fn assert_invariants(rt: &MockRuntime) {
    let (_, acc) = check_state_invariants(&rt.get_state::<State>(), &rt.store);
    acc.assert_empty();
}

// --- method numbers and encodings ---

#[test]
fn method_numbers() {
    assert_eq!(Method::Constructor as MethodNum, 1);
    assert_eq!(Method::Exec as MethodNum, 2);
    assert_eq!(Method::Exec4 as MethodNum, 3);
}

#[test]
fn params_and_returns_encode_as_tuples() {
    let code = builtin_code_cid(Type::Multisig);
    let exec = ExecParams {
        code_cid: code,
        constructor_params: RawBytes::new(vec![0x01, 0x02]),
    };
    let mut expected = vec![0x82, 0xd8, 0x2a, 0x58, 0x27, 0x00];
    expected.extend(code.to_bytes());
    expected.extend([0x42, 0x01, 0x02]);
    assert_eq!(fvm_ipld_encoding::to_vec(&exec).unwrap(), expected);

    let exec4 = Exec4Params {
        code_cid: code,
        constructor_params: RawBytes::new(vec![]),
        subaddress: RawBytes::new(vec![0xaa]),
    };
    let mut expected = vec![0x83, 0xd8, 0x2a, 0x58, 0x27, 0x00];
    expected.extend(code.to_bytes());
    expected.extend([0x40, 0x41, 0xaa]);
    assert_eq!(fvm_ipld_encoding::to_vec(&exec4).unwrap(), expected);

    let ret = ExecReturn {
        id_address: Address::new_id(100),
        robust_address: Address::new_id(5),
    };
    // [h'0064', h'0005']: ID addresses are protocol byte 0 then the varint ID.
    assert_eq!(
        fvm_ipld_encoding::to_vec(&ret).unwrap(),
        vec![0x82, 0x42, 0x00, 0x64, 0x42, 0x00, 0x05]
    );

    let ctor = ConstructorParams {
        network_name: "mock".into(),
    };
    assert_eq!(
        fvm_ipld_encoding::to_vec(&ctor).unwrap(),
        vec![0x81, 0x64, b'm', b'o', b'c', b'k']
    );
}

// --- constructor ---

#[test]
fn constructor_sets_empty_map_first_id_and_name() {
    let rt = constructed();
    let state: State = rt.get_state();
    assert_eq!(state.address_map.to_string(), EMPTY_HAMT_CID);
    assert_eq!(state.next_id, 100);
    assert_eq!(state.network_name, "mock");
    assert_eq!(
        rt.store.get(&state.address_map).unwrap(),
        Some(vec![0x82, 0x40, 0x80])
    );
    assert_eq!(address_map(&rt), vec![]);
    assert_invariants(&rt);
}

#[test]
fn constructed_state_bytes_are_exact() {
    let rt = constructed();
    // [link to the empty HAMT, 100, "mock"]
    let mut expected = vec![0x83];
    expected.extend(LINK_PREFIX);
    expected.extend(unhex(EMPTY_HAMT_DIGEST));
    expected.extend([0x18, 0x64]);
    expected.extend([0x64, b'm', b'o', b'c', b'k']);
    assert_eq!(rt.store.get(&rt.state.get()).unwrap(), Some(expected));
}

#[test]
fn populated_state_bytes_are_exact() {
    let rt = constructed();
    exec_ok(&rt, builtin_code_cid(Type::Multisig), robust("a"), 100, 0);
    let state: State = rt.get_state();
    assert_ne!(state.address_map.to_string(), EMPTY_HAMT_CID);
    // [link to the one-entry HAMT, 101, "mock"]
    let mut expected = vec![0x83, 0xd8, 0x2a, 0x58, 0x27, 0x00];
    expected.extend(state.address_map.to_bytes());
    expected.extend([0x18, 0x65]);
    expected.extend([0x64, b'm', b'o', b'c', b'k']);
    assert_eq!(rt.store.get(&rt.state.get()).unwrap(), Some(expected));

    // A larger ID and a longer name, encoded directly: 70000 is a 4-byte uint, the name a
    // 24-byte text string (length in a following byte).
    let state = State {
        address_map: state.address_map,
        next_id: 70_000,
        network_name: "calibrationnet-test-name".into(),
    };
    let mut expected = vec![0x83, 0xd8, 0x2a, 0x58, 0x27, 0x00];
    expected.extend(state.address_map.to_bytes());
    expected.extend([0x1a, 0x00, 0x01, 0x11, 0x70]);
    expected.extend([0x78, 0x18]);
    expected.extend(b"calibrationnet-test-name");
    let bytes = fvm_ipld_encoding::to_vec(&state).unwrap();
    assert_eq!(bytes, expected);
    assert_eq!(
        fvm_ipld_encoding::from_slice::<State>(&bytes).unwrap(),
        state
    );
}

#[test]
fn constructor_refuses_any_caller_but_the_system() {
    let rt = new_runtime();
    set_account_caller(&rt);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let params = ConstructorParams {
        network_name: "mock".to_string(),
    };
    let err = rt
        .call::<Actor>(
            Method::Constructor as MethodNum,
            IpldBlock::serialize_cbor(&params).unwrap(),
        )
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
    rt.verify();
}

#[test]
fn constructor_requires_its_parameters() {
    let rt = new_runtime();
    let err = rt
        .call::<Actor>(Method::Constructor as MethodNum, None)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    let bad = IpldBlock::serialize_cbor(&7u64).unwrap();
    let err = rt
        .call::<Actor>(Method::Constructor as MethodNum, bad)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_SERIALIZATION);
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
    rt.verify();
}

// --- Exec ---

#[test]
fn exec_creates_a_multisig_for_an_account() {
    let rt = constructed();
    set_account_caller(&rt);
    let ret = exec_ok(
        &rt,
        builtin_code_cid(Type::Multisig),
        robust("msig"),
        100,
        250,
    );
    assert_eq!(
        ret,
        ExecReturn {
            id_address: Address::new_id(100),
            robust_address: robust("msig")
        }
    );

    let state: State = rt.get_state();
    assert_eq!(state.next_id, 101);
    assert_eq!(state.network_name, "mock");
    assert_eq!(address_map(&rt), vec![(robust("msig"), 100)]);
    assert_eq!(
        state.resolve_address(&rt.store, &robust("msig")).unwrap(),
        Some(100)
    );
    assert_eq!(
        state
            .resolve_address(&rt.store, &Address::new_id(7))
            .unwrap(),
        Some(7)
    );
    assert_eq!(
        state.resolve_address(&rt.store, &robust("other")).unwrap(),
        None
    );
    assert_invariants(&rt);
}

#[test]
fn exec_allocates_sequential_ids() {
    let rt = constructed();
    set_account_caller(&rt);
    let first = exec_ok(
        &rt,
        builtin_code_cid(Type::PaymentChannel),
        robust("p1"),
        100,
        0,
    );
    let second = exec_ok(
        &rt,
        builtin_code_cid(Type::PaymentChannel),
        robust("p2"),
        101,
        0,
    );
    let third = exec_ok(&rt, builtin_code_cid(Type::Multisig), robust("m1"), 102, 0);
    assert_eq!(first.id_address, Address::new_id(100));
    assert_eq!(second.id_address, Address::new_id(101));
    assert_eq!(third.id_address, Address::new_id(102));
    assert_eq!(third.robust_address, robust("m1"));

    let state: State = rt.get_state();
    assert_eq!(state.next_id, 103);
    assert_eq!(
        address_map(&rt),
        vec![
            (robust("p1"), 100),
            (robust("p2"), 101),
            (robust("m1"), 102)
        ]
    );
    assert_invariants(&rt);
}

#[test]
fn exec_by_any_builtin_caller_may_create_multisigs_and_payment_channels() {
    let rt = constructed();
    // A multisig creating a payment channel, and a miner creating a multisig.
    rt.set_caller(builtin_code_cid(Type::Multisig), Address::new_id(2000));
    exec_ok(
        &rt,
        builtin_code_cid(Type::PaymentChannel),
        robust("x"),
        100,
        0,
    );
    rt.set_caller(builtin_code_cid(Type::Miner), Address::new_id(2001));
    exec_ok(&rt, builtin_code_cid(Type::Multisig), robust("y"), 101, 0);
    assert_eq!(rt.get_state::<State>().next_id, 102);
}

#[test]
fn exec_with_empty_constructor_params_sends_no_block() {
    let rt = constructed();
    set_account_caller(&rt);
    let code = builtin_code_cid(Type::PaymentChannel);
    *rt.new_actor_addr.borrow_mut() = Some(robust("empty"));
    rt.expect_validate_caller_any();
    rt.expect_create_actor(code, 100, None);
    rt.expect_send_simple(
        Address::new_id(100),
        METHOD_CONSTRUCTOR,
        None,
        TokenAmount::zero(),
        None,
        ExitCode::OK,
    );
    let ret: ExecReturn = call_exec(&rt, code, RawBytes::default())
        .unwrap()
        .unwrap()
        .deserialize()
        .unwrap();
    assert_eq!(ret.id_address, Address::new_id(100));
    rt.verify();
}

#[test]
fn exec_lets_the_power_actor_create_miners() {
    let rt = constructed();
    rt.set_caller(builtin_code_cid(Type::Power), STORAGE_POWER_ACTOR_ADDR);
    let ret = exec_ok(&rt, builtin_code_cid(Type::Miner), robust("miner"), 100, 10);
    assert_eq!(
        ret,
        ExecReturn {
            id_address: Address::new_id(100),
            robust_address: robust("miner")
        }
    );
    assert_eq!(address_map(&rt), vec![(robust("miner"), 100)]);
    assert_eq!(rt.get_state::<State>().next_id, 101);
}

/// Runs an `Exec` that `can_exec` refuses, and checks nothing changed.
fn assert_exec_forbidden(rt: &MockRuntime, code: cid::Cid) {
    let before = rt.state.get();
    rt.expect_validate_caller_any();
    let err = call_exec(rt, code, ctor_params().0).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN, "{}", err.msg());
    assert_eq!(rt.state.get(), before);
    rt.verify();
}

#[test]
fn exec_refuses_a_miner_not_created_by_power() {
    let rt = constructed();
    for caller_type in [
        Type::Account,
        Type::Multisig,
        Type::Miner,
        Type::System,
        Type::Market,
    ] {
        rt.set_caller(builtin_code_cid(caller_type), Address::new_id(3000));
        assert_exec_forbidden(&rt, builtin_code_cid(Type::Miner));
    }
    assert_eq!(rt.get_state::<State>().next_id, 100);
}

#[test]
fn exec_refuses_codes_that_cannot_be_created() {
    let rt = constructed();
    rt.set_caller(builtin_code_cid(Type::Power), STORAGE_POWER_ACTOR_ADDR);
    for t in [
        Type::System,
        Type::Init,
        Type::Cron,
        Type::Account,
        Type::Power,
        Type::Market,
        Type::Reward,
        Type::VerifiedRegistry,
        Type::DataCap,
        Type::Placeholder,
        Type::EVM,
        Type::EAM,
        Type::EthAccount,
    ] {
        assert_exec_forbidden(&rt, builtin_code_cid(t));
    }
    set_account_caller(&rt);
    assert_exec_forbidden(&rt, user_code_cid("contract"));
    assert_eq!(
        rt.get_state::<State>(),
        State {
            address_map: EMPTY_HAMT_CID.parse().unwrap(),
            next_id: 100,
            network_name: "mock".into(),
        }
    );
}

#[test]
fn exec_propagates_a_failing_constructor_and_leaves_state_unchanged() {
    let rt = constructed();
    set_account_caller(&rt);
    exec_ok(
        &rt,
        builtin_code_cid(Type::Multisig),
        robust("first"),
        100,
        0,
    );
    let before = rt.state.get();

    let code = builtin_code_cid(Type::Multisig);
    let (raw, block) = ctor_params();
    *rt.new_actor_addr.borrow_mut() = Some(robust("second"));
    rt.set_received(TokenAmount::from_atto(77));
    rt.expect_validate_caller_any();
    rt.expect_create_actor(code, 101, None);
    rt.expect_send_simple(
        Address::new_id(101),
        METHOD_CONSTRUCTOR,
        block,
        TokenAmount::from_atto(77),
        None,
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    let err = call_exec(&rt, code, raw).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.verify();

    assert_eq!(rt.state.get(), before);
    let state: State = rt.get_state();
    assert_eq!(state.next_id, 101);
    assert_eq!(address_map(&rt), vec![(robust("first"), 100)]);
}

#[test]
fn exec_propagates_a_send_that_never_reached_the_constructor() {
    let rt = constructed();
    set_account_caller(&rt);
    let before = rt.state.get();
    let code = builtin_code_cid(Type::PaymentChannel);
    *rt.new_actor_addr.borrow_mut() = Some(robust("p"));
    rt.expect_validate_caller_any();
    rt.expect_create_actor(code, 100, None);
    rt.expect_send(ExpectedSend {
        to: Address::new_id(100),
        method: METHOD_CONSTRUCTOR,
        params: None,
        value: TokenAmount::zero(),
        gas_limit: None,
        flags: SendFlags::default(),
        return_data: None,
        exit_code: ExitCode::OK,
        send_error: Some(ErrorNumber::NotFound),
    });
    let err = call_exec(&rt, code, RawBytes::default()).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_NOT_FOUND);
    assert_eq!(rt.state.get(), before);
    rt.verify();
}

#[test]
fn exec_refuses_a_robust_address_already_mapped() {
    let rt = constructed();
    set_account_caller(&rt);
    exec_ok(&rt, builtin_code_cid(Type::Multisig), robust("dup"), 100, 0);
    let before = rt.state.get();

    *rt.new_actor_addr.borrow_mut() = Some(robust("dup"));
    rt.expect_validate_caller_any();
    let err = call_exec(&rt, builtin_code_cid(Type::Multisig), RawBytes::default()).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert_eq!(rt.state.get(), before);
    assert_eq!(rt.get_state::<State>().next_id, 101);
    rt.verify();
}

#[test]
fn exec_requires_well_formed_parameters() {
    let rt = constructed();
    set_account_caller(&rt);
    let before = rt.state.get();
    let err = rt
        .call::<Actor>(Method::Exec as MethodNum, None)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    let bad = IpldBlock::serialize_cbor(&("not", "exec", "params")).unwrap();
    let err = rt
        .call::<Actor>(Method::Exec as MethodNum, bad)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_SERIALIZATION);
    assert_eq!(rt.state.get(), before);
    rt.verify();
}

#[test]
fn exec_is_internal_and_refuses_user_actors() {
    let rt = constructed();
    let before = rt.state.get();
    for code in [user_code_cid("contract"), builtin_code_cid(Type::EVM)] {
        rt.set_caller(code, Address::new_id(4000));
        let err =
            call_exec(&rt, builtin_code_cid(Type::Multisig), RawBytes::default()).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
        let err =
            call_exec4(&rt, builtin_code_cid(Type::EVM), RawBytes::default(), &[1]).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    }
    assert_eq!(rt.state.get(), before);
    rt.verify();
}

#[test]
fn exec_is_not_exported_in_v18() {
    let rt = constructed();
    set_account_caller(&rt);
    let params = ExecParams {
        code_cid: builtin_code_cid(Type::Multisig),
        constructor_params: RawBytes::default(),
    };
    let err = rt
        .call::<Actor>(
            fil_actors_runtime::method_hash!("Exec"),
            IpldBlock::serialize_cbor(&params).unwrap(),
        )
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_UNHANDLED_MESSAGE);
    rt.verify();
}

#[test]
fn unknown_methods_are_unhandled() {
    let rt = constructed();
    set_account_caller(&rt);
    for method in [0, 4, 5, fil_actors_runtime::method_hash!("Exec4")] {
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

// --- Exec4 ---

fn set_eam_caller(rt: &MockRuntime) {
    rt.set_caller(builtin_code_cid(Type::EAM), EAM_ACTOR_ADDR);
}

#[test]
fn exec4_creates_an_actor_with_an_f4_address() {
    let rt = constructed();
    set_eam_caller(&rt);
    let code = builtin_code_cid(Type::EVM);
    let sub = [0xab; 20];
    let f4 = Address::new_delegated(EAM_ACTOR_ID, &sub).unwrap();
    let (raw, block) = ctor_params();
    *rt.new_actor_addr.borrow_mut() = Some(robust("evm"));
    rt.set_received(TokenAmount::from_atto(5));
    rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
    rt.expect_create_actor(code, 100, Some(f4));
    rt.expect_send_simple(
        Address::new_id(100),
        METHOD_CONSTRUCTOR,
        block,
        TokenAmount::from_atto(5),
        None,
        ExitCode::OK,
    );
    let ret: Exec4Return = call_exec4(&rt, code, raw, &sub)
        .unwrap()
        .unwrap()
        .deserialize()
        .unwrap();
    rt.verify();
    assert_eq!(
        ret,
        ExecReturn {
            id_address: Address::new_id(100),
            robust_address: robust("evm")
        }
    );

    let state: State = rt.get_state();
    assert_eq!(state.next_id, 101);
    assert_eq!(state.network_name, "mock");
    let mut expected = vec![(robust("evm"), 100), (f4, 100)];
    expected.sort_by_key(|(a, id)| (*id, a.to_bytes()));
    assert_eq!(address_map(&rt), expected);
    assert_eq!(state.resolve_address(&rt.store, &f4).unwrap(), Some(100));
    assert_invariants(&rt);
}

/// Maps `f4` to ID 100 as the FVM does when value reaches an unused f4 address, and records
/// `code` (if any) as the code of actor 100.
fn premap_f4(rt: &MockRuntime, f4: Address, code: Option<cid::Cid>) {
    let mut state: State = rt.get_state();
    let mut map = AddressMap::load(&rt.store, &state.address_map, "addresses").unwrap();
    map.set(&f4, 100).unwrap();
    state.address_map = map.flush().unwrap();
    state.next_id = 101;
    rt.replace_state(&state);
    if let Some(code) = code {
        rt.actor_code_cids.borrow_mut().insert(100, code);
    }
}

#[test]
fn exec4_deploys_over_a_placeholder() {
    let rt = constructed();
    let sub = [0x01; 20];
    let f4 = Address::new_delegated(EAM_ACTOR_ID, &sub).unwrap();
    premap_f4(&rt, f4, Some(builtin_code_cid(Type::Placeholder)));

    set_eam_caller(&rt);
    let code = builtin_code_cid(Type::EVM);
    *rt.new_actor_addr.borrow_mut() = Some(robust("deploy"));
    rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
    rt.expect_create_actor(code, 100, Some(f4));
    rt.expect_send_simple(
        Address::new_id(100),
        METHOD_CONSTRUCTOR,
        None,
        TokenAmount::zero(),
        None,
        ExitCode::OK,
    );
    let ret: Exec4Return = call_exec4(&rt, code, RawBytes::default(), &sub)
        .unwrap()
        .unwrap()
        .deserialize()
        .unwrap();
    rt.verify();
    assert_eq!(
        ret,
        ExecReturn {
            id_address: Address::new_id(100),
            robust_address: robust("deploy")
        }
    );

    // The placeholder's ID is reused: no new ID is allocated.
    let state: State = rt.get_state();
    assert_eq!(state.next_id, 101);
    let mut expected = vec![(robust("deploy"), 100), (f4, 100)];
    expected.sort_by_key(|(a, id)| (*id, a.to_bytes()));
    assert_eq!(address_map(&rt), expected);
    assert_invariants(&rt);
}

#[test]
fn exec4_refuses_to_replace_a_live_non_placeholder_actor() {
    let rt = constructed();
    let sub = [0x02; 20];
    let f4 = Address::new_delegated(EAM_ACTOR_ID, &sub).unwrap();
    premap_f4(&rt, f4, Some(builtin_code_cid(Type::EVM)));
    let before = rt.state.get();

    set_eam_caller(&rt);
    *rt.new_actor_addr.borrow_mut() = Some(robust("again"));
    rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
    let err = call_exec4(&rt, builtin_code_cid(Type::EVM), RawBytes::default(), &sub).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert_eq!(rt.state.get(), before);
    rt.verify();
}

#[test]
fn exec4_refuses_to_redeploy_a_deleted_actor() {
    let rt = constructed();
    let sub = [0x03; 20];
    let f4 = Address::new_delegated(EAM_ACTOR_ID, &sub).unwrap();
    premap_f4(&rt, f4, None);
    let before = rt.state.get();

    set_eam_caller(&rt);
    *rt.new_actor_addr.borrow_mut() = Some(robust("gone"));
    rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
    let err = call_exec4(&rt, builtin_code_cid(Type::EVM), RawBytes::default(), &sub).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert_eq!(rt.state.get(), before);
    rt.verify();
}

#[test]
fn exec4_refuses_callers_other_than_the_eam() {
    let rt = constructed();
    let before = rt.state.get();
    for (t, addr) in [
        (Type::Account, Address::new_id(ACCOUNT_ID)),
        (Type::System, SYSTEM_ACTOR_ADDR),
        (Type::Power, STORAGE_POWER_ACTOR_ADDR),
    ] {
        rt.set_caller(builtin_code_cid(t), addr);
        rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
        let err = call_exec4(
            &rt,
            builtin_code_cid(Type::EVM),
            RawBytes::default(),
            &[7; 20],
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
        rt.verify();
    }
    assert_eq!(rt.state.get(), before);
}

#[test]
fn exec4_refuses_an_oversized_subaddress() {
    let rt = constructed();
    set_eam_caller(&rt);
    let before = rt.state.get();
    rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
    // Sub-addresses are at most 54 bytes.
    let err = call_exec4(
        &rt,
        builtin_code_cid(Type::EVM),
        RawBytes::default(),
        &[0; 55],
    )
    .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(rt.state.get(), before);
    rt.verify();
}

#[test]
fn exec4_propagates_a_failing_constructor_and_leaves_state_unchanged() {
    let rt = constructed();
    set_eam_caller(&rt);
    let before = rt.state.get();
    let code = builtin_code_cid(Type::EVM);
    let sub = [0x04; 20];
    let f4 = Address::new_delegated(EAM_ACTOR_ID, &sub).unwrap();
    *rt.new_actor_addr.borrow_mut() = Some(robust("fails"));
    rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
    rt.expect_create_actor(code, 100, Some(f4));
    rt.expect_send_simple(
        Address::new_id(100),
        METHOD_CONSTRUCTOR,
        None,
        TokenAmount::zero(),
        None,
        ExitCode::new(33),
    );
    let err = call_exec4(&rt, code, RawBytes::default(), &sub).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::new(33));
    assert_eq!(rt.state.get(), before);
    assert_eq!(address_map(&rt), vec![]);
    rt.verify();
}

#[test]
fn exec4_requires_well_formed_parameters() {
    let rt = constructed();
    set_eam_caller(&rt);
    let err = rt
        .call::<Actor>(Method::Exec4 as MethodNum, None)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    // Exec parameters (two fields) are not Exec4 parameters (three).
    let exec = ExecParams {
        code_cid: builtin_code_cid(Type::EVM),
        constructor_params: RawBytes::default(),
    };
    let err = rt
        .call::<Actor>(
            Method::Exec4 as MethodNum,
            IpldBlock::serialize_cbor(&exec).unwrap(),
        )
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_SERIALIZATION);
    rt.verify();
}

// --- invariants ---

#[test]
fn invariant_checks_report_broken_maps() {
    let rt = constructed();
    let mut state: State = rt.get_state();
    let mut map = AddressMap::load(&rt.store, &state.address_map, "addresses").unwrap();
    map.set(&robust("a"), 100).unwrap();
    map.set(&robust("b"), 100).unwrap();
    map.set(&robust("c"), 5).unwrap();
    map.set(&robust("d"), 200).unwrap();
    state.address_map = map.flush().unwrap();
    state.next_id = 101;
    let (summary, acc) = check_state_invariants(&state, &rt.store);
    assert_eq!(summary.next_id, 101);
    assert_eq!(summary.ids_by_address.len(), 4);
    let mut msgs = acc.messages();
    msgs.sort();
    assert_eq!(msgs.len(), 3, "{:?}", msgs);
    assert!(
        msgs.iter().any(|m| m.contains("singleton ID 5")),
        "{:?}",
        msgs
    );
    assert!(
        msgs.iter().any(|m| m.contains("ID 200 not yet allocated")),
        "{:?}",
        msgs
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("ID 100 has two addresses")),
        "{:?}",
        msgs
    );
}
