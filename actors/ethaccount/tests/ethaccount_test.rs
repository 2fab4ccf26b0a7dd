//! Unit tests of the Ethereum account actor on the mock runtime: construction and its
//! rejections, and the exported-method fallback.

use fil_actor_ethaccount::{EthAccountActor, Method};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_code, user_code_cid, MockRuntime};
use fil_actors_runtime::{
    ActorError, Type, EMPTY_ARR_CID, FIRST_EXPORTED_METHOD_NUMBER, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CBOR;
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;

const ETH_ACCOUNT_ID: u64 = 1000;
const ETH_ADDRESS: [u8; 20] = [
    0x6a, 0xc7, 0xea, 0x33, 0xf8, 0x83, 0x1e, 0xa9, 0xdc, 0xc5, 0x33, 0x93, 0xaa, 0xa8, 0x8b, 0x25,
    0xa7, 0x85, 0xdb, 0xf0,
];

fn new_runtime() -> MockRuntime {
    MockRuntime::new(Address::new_id(ETH_ACCOUNT_ID))
}

fn with_f4(rt: &MockRuntime, namespace: u64, subaddress: &[u8]) {
    rt.set_delegated_address(
        ETH_ACCOUNT_ID,
        Address::new_delegated(namespace, subaddress).unwrap(),
    );
}

fn construct(rt: &MockRuntime) -> Result<Option<IpldBlock>, ActorError> {
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt.call::<EthAccountActor>(Method::Constructor as MethodNum, None);
    rt.verify();
    ret
}

#[test]
fn method_numbers_match_v18() {
    assert_eq!(Method::Constructor as u64, 1);
}

// --- Constructor ---

#[test]
fn construct_with_eam_f4_address() {
    let rt = new_runtime();
    with_f4(&rt, 10, &ETH_ADDRESS);
    assert_eq!(construct(&rt), Ok(None));
    assert_eq!(
        rt.state.get(),
        *EMPTY_ARR_CID,
        "an Ethereum account keeps no state"
    );
}

#[test]
fn construct_checks_only_the_namespace() {
    // v18 checks the namespace alone: the EAM and the FVM are the ones that refuse reserved
    // (0xff00..00<id>) or non-20-byte Ethereum addresses when they are assigned.
    let mut id_form = [0u8; 20];
    id_form[0] = 0xff;
    id_form[19] = 0x64;
    for subaddress in [&id_form[..], &[0xab; 8][..]] {
        let rt = new_runtime();
        with_f4(&rt, 10, subaddress);
        assert_eq!(construct(&rt), Ok(None));
    }
}

#[test]
fn construct_without_delegated_address() {
    let rt = new_runtime();
    let err = expect_code(construct(&rt), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(
        err.msg(),
        "receiver f01000 must have a predictable (f4) address"
    );
}

#[test]
fn construct_with_f4_address_outside_the_eam_namespace() {
    let rt = new_runtime();
    with_f4(&rt, 32, &ETH_ADDRESS);
    let err = expect_code(construct(&rt), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(
        err.msg()
            .starts_with("invalid target for EthAccount creation"),
        "{}",
        err.msg()
    );
}

#[test]
fn construct_only_by_system() {
    let rt = new_runtime();
    with_f4(&rt, 10, &ETH_ADDRESS);
    rt.set_caller(builtin_code_cid(Type::Init), Address::new_id(1));
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt.call::<EthAccountActor>(Method::Constructor as MethodNum, None);
    expect_code(ret, ExitCode::USR_FORBIDDEN);
    rt.verify();
}

#[test]
fn construct_by_user_actor_is_forbidden() {
    let rt = new_runtime();
    with_f4(&rt, 10, &ETH_ADDRESS);
    rt.set_caller(user_code_cid("contract"), Address::new_id(2000));
    let ret = rt.call::<EthAccountActor>(Method::Constructor as MethodNum, None);
    expect_code(ret, ExitCode::USR_FORBIDDEN);
}

// --- fallback ---

#[test]
fn exported_methods_are_accepted_from_anyone() {
    let rt = new_runtime();
    with_f4(&rt, 10, &ETH_ADDRESS);
    let callers = [
        user_code_cid("contract"),
        builtin_code_cid(Type::EVM),
        builtin_code_cid(Type::Placeholder),
        builtin_code_cid(Type::Account),
    ];
    let methods = [
        FIRST_EXPORTED_METHOD_NUMBER,
        fil_actors_runtime::method_hash!("Receive"),
        fil_actors_runtime::method_hash!("InvokeEVM"),
    ];
    for code in callers {
        rt.set_caller(code, Address::new_id(2000));
        for method in methods {
            for params in [
                None,
                Some(IpldBlock {
                    codec: CBOR,
                    data: vec![0x82, 0x00, 0x40],
                }),
            ] {
                rt.expect_validate_caller_any();
                let ret = rt.call::<EthAccountActor>(method, params);
                rt.verify();
                assert_eq!(ret, Ok(None), "method {}", method);
            }
        }
    }
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

#[test]
fn unknown_internal_method_from_builtin_is_unhandled() {
    let rt = new_runtime();
    rt.set_caller(builtin_code_cid(Type::Multisig), Address::new_id(300));
    for method in [2, 3, FIRST_EXPORTED_METHOD_NUMBER - 1] {
        rt.expect_validate_caller_any();
        let err = expect_code(
            rt.call::<EthAccountActor>(method, None),
            ExitCode::USR_UNHANDLED_MESSAGE,
        );
        rt.verify();
        assert_eq!(err.msg(), format!("invalid method: {}", method));
    }
}

#[test]
fn internal_method_from_user_or_evm_is_forbidden() {
    let rt = new_runtime();
    for code in [user_code_cid("contract"), builtin_code_cid(Type::EVM)] {
        rt.set_caller(code, Address::new_id(2000));
        expect_code(rt.call::<EthAccountActor>(2, None), ExitCode::USR_FORBIDDEN);
    }
}
