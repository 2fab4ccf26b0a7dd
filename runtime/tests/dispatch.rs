//! Dispatch rules: FRC-42 exported versus internal numbers, unknown methods, parameter decoding,
//! return encoding, and transaction rollback, on the mock runtime.

mod common;

use common::{Method, ToyActor, ToyState};
use fil_actors_runtime::test_utils::{builtin_code_cid, user_code_cid, MockRuntime};
use fil_actors_runtime::{Type, FIRST_EXPORTED_METHOD_NUMBER};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;

fn constructed() -> MockRuntime {
    let rt = MockRuntime::new(Address::new_id(1000));
    rt.expect_validate_caller_any();
    rt.call::<ToyActor>(Method::Constructor as u64, None)
        .unwrap();
    rt.verify();
    rt
}

fn params(n: u64) -> Option<IpldBlock> {
    IpldBlock::serialize_cbor(&n).unwrap()
}

#[test]
fn exported_number_is_the_frc42_hash_and_is_open_to_user_callers() {
    assert_eq!(
        Method::CountExported as u64,
        frc42_dispatch::method_hash!("Count")
    );
    assert!(Method::CountExported as u64 >= FIRST_EXPORTED_METHOD_NUMBER);
    let rt = constructed();
    rt.set_caller(user_code_cid("contract"), Address::new_id(2000));
    rt.expect_validate_caller_any();
    let ret = rt
        .call::<ToyActor>(Method::CountExported as u64, None)
        .unwrap();
    assert_eq!(ret, params(0));
    rt.verify();
}

#[test]
fn internal_numbers_are_refused_to_user_actors_and_the_evm() {
    let rt = constructed();
    for code in [user_code_cid("contract"), builtin_code_cid(Type::EVM)] {
        rt.set_caller(code, Address::new_id(2000));
        let err = rt.call::<ToyActor>(Method::Count as u64, None).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
        assert_eq!(
            err.msg(),
            "caller f02000 of internal method 3 must be a built-in actor"
        );
    }
    // A caller with no code at all.
    rt.caller.set(Address::new_id(3000));
    let err = rt.call::<ToyActor>(Method::Count as u64, None).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert_eq!(err.msg(), "no code for caller f03000 of method 3");
    rt.verify();
}

#[test]
fn internal_numbers_are_open_to_built_in_callers() {
    let rt = constructed();
    for t in [
        Type::Account,
        Type::Multisig,
        Type::Miner,
        Type::EthAccount,
        Type::Placeholder,
    ] {
        rt.set_caller(builtin_code_cid(t), Address::new_id(2000));
        rt.expect_validate_caller_any();
        assert_eq!(
            rt.call::<ToyActor>(Method::Count as u64, None).unwrap(),
            params(0)
        );
    }
    rt.verify();
}

#[test]
fn unknown_methods_are_unhandled() {
    let rt = constructed();
    for method in [99u64, FIRST_EXPORTED_METHOD_NUMBER + 1] {
        let err = rt.call::<ToyActor>(method, None).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_UNHANDLED_MESSAGE);
        assert_eq!(err.msg(), format!("invalid method: {}", method));
    }
    rt.verify();
}

#[test]
fn parameters_are_decoded_or_refused() {
    let rt = constructed();
    // Missing parameters.
    let err = rt.call::<ToyActor>(Method::Add as u64, None).unwrap_err();
    assert_eq!(
        (err.exit_code(), err.msg()),
        (ExitCode::USR_ILLEGAL_ARGUMENT, "method expects arguments")
    );
    // Malformed CBOR.
    let bad = Some(IpldBlock {
        codec: fvm_ipld_encoding::CBOR,
        data: vec![0xff],
    });
    let err = rt.call::<ToyActor>(Method::Add as u64, bad).unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_SERIALIZATION);
    // The wrong type (a string where a number is expected).
    let err = rt
        .call::<ToyActor>(
            Method::Add as u64,
            IpldBlock::serialize_cbor("five").unwrap(),
        )
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_SERIALIZATION);
    // Parameters for a method that takes none.
    let err = rt
        .call::<ToyActor>(Method::Count as u64, params(1))
        .unwrap_err();
    assert_eq!(
        (err.exit_code(), err.msg()),
        (
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "method expects no arguments"
        )
    );
    rt.verify();
}

#[test]
fn unit_returns_no_block_and_values_return_cbor() {
    let rt = constructed();
    rt.expect_validate_caller_any();
    assert_eq!(
        rt.call::<ToyActor>(Method::Add as u64, params(5)).unwrap(),
        None
    );
    rt.expect_validate_caller_any();
    let ret = rt
        .call::<ToyActor>(Method::Count as u64, None)
        .unwrap()
        .unwrap();
    assert_eq!(ret.codec, fvm_ipld_encoding::CBOR);
    assert_eq!(ret.data, vec![0x05]);
    rt.verify();
}

#[test]
fn a_failing_transaction_closure_leaves_state_untouched() {
    let rt = constructed();
    rt.expect_validate_caller_any();
    rt.call::<ToyActor>(Method::Add as u64, params(2)).unwrap();
    let root = rt.state.get();
    rt.expect_validate_caller_any();
    let ret = rt
        .call::<ToyActor>(Method::FailedTransaction as u64, None)
        .unwrap();
    assert_eq!(ret, params(2));
    assert_eq!(rt.state.get(), root);
    rt.verify();
}

#[test]
fn a_failed_message_changes_nothing() {
    let rt = constructed();
    let root = rt.state.get();
    rt.expect_validate_caller_any();
    let err = rt
        .call::<ToyActor>(Method::AddThenFail as u64, params(7))
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_STATE);
    assert_eq!(rt.state.get(), root);
    assert_eq!(rt.get_state::<ToyState>(), ToyState { count: 0 });
    // Overflow is refused with the value named.
    rt.replace_state(&ToyState { count: u64::MAX });
    rt.expect_validate_caller_any();
    let err = rt
        .call::<ToyActor>(Method::Add as u64, params(1))
        .unwrap_err();
    assert_eq!(
        (err.exit_code(), err.msg()),
        (ExitCode::USR_ILLEGAL_ARGUMENT, "adding 1 overflows")
    );
    rt.verify();
}

#[test]
fn constructing_twice_is_an_illegal_state() {
    let rt = constructed();
    rt.expect_validate_caller_any();
    let err = rt
        .call::<ToyActor>(Method::Constructor as u64, None)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_STATE);
    rt.verify();
}
