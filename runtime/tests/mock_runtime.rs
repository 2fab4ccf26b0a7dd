//! The mock runtime fails a test on any request it was not told to expect, and on any
//! expectation left unmet.

mod common;

use common::{Method, ToyActor};
use fil_actors_runtime::test_utils::MockRuntime;
use fil_actors_runtime::EventBuilder;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::METHOD_SEND;

fn constructed() -> MockRuntime {
    let rt = MockRuntime::new(Address::new_id(1000));
    rt.expect_validate_caller_any();
    rt.call::<ToyActor>(Method::Constructor as u64, None)
        .unwrap();
    rt.verify();
    rt
}

fn pay_params() -> Option<IpldBlock> {
    IpldBlock::serialize_cbor(&Address::new_id(5000)).unwrap()
}

#[test]
fn an_expected_send_moves_value() {
    let rt = constructed();
    rt.set_balance(TokenAmount::from_atto(25));
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        Address::new_id(5000),
        METHOD_SEND,
        None,
        TokenAmount::from_atto(10),
        None,
        ExitCode::OK,
    );
    rt.call::<ToyActor>(Method::Pay as u64, pay_params())
        .unwrap();
    assert_eq!(*rt.balance.borrow(), TokenAmount::from_atto(15));
    rt.verify();
}

#[test]
fn a_failed_send_propagates_its_exit_code_and_restores_the_balance() {
    let rt = constructed();
    rt.set_balance(TokenAmount::from_atto(25));
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        Address::new_id(5000),
        METHOD_SEND,
        None,
        TokenAmount::from_atto(10),
        None,
        ExitCode::USR_FORBIDDEN,
    );
    let err = rt
        .call::<ToyActor>(Method::Pay as u64, pay_params())
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_FORBIDDEN);
    assert_eq!(*rt.balance.borrow(), TokenAmount::from_atto(25));
    rt.verify();
}

#[test]
fn sending_more_than_the_balance_is_insufficient_funds() {
    let rt = constructed();
    rt.set_balance(TokenAmount::from_atto(3));
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        Address::new_id(5000),
        METHOD_SEND,
        None,
        TokenAmount::from_atto(10),
        None,
        ExitCode::OK,
    );
    let err = rt
        .call::<ToyActor>(Method::Pay as u64, pay_params())
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_INSUFFICIENT_FUNDS);
    rt.verify();
}

#[test]
#[should_panic(expected = "unexpected send to f05000 method 0")]
fn an_unexpected_send_fails_the_test() {
    let rt = constructed();
    rt.set_balance(TokenAmount::from_atto(25));
    rt.expect_validate_caller_any();
    let _ = rt.call::<ToyActor>(Method::Pay as u64, pay_params());
}

#[test]
#[should_panic(expected = "send (to, method, params, value, gas limit, flags)")]
fn a_send_to_the_wrong_receiver_fails_the_test() {
    let rt = constructed();
    rt.set_balance(TokenAmount::from_atto(25));
    rt.expect_validate_caller_any();
    rt.expect_send_simple(
        Address::new_id(5001),
        METHOD_SEND,
        None,
        TokenAmount::from_atto(10),
        None,
        ExitCode::OK,
    );
    let _ = rt.call::<ToyActor>(Method::Pay as u64, pay_params());
}

#[test]
#[should_panic(expected = "expectations not met: [\"send to f05000 method 0\"]")]
fn an_unmet_expectation_fails_at_verify() {
    let rt = constructed();
    rt.expect_send_simple(
        Address::new_id(5000),
        METHOD_SEND,
        None,
        TokenAmount::from_atto(10),
        None,
        ExitCode::OK,
    );
    rt.verify();
}

#[test]
#[should_panic(expected = "expectations not met at end of test: [\"emit_event x1\"]")]
fn an_unmet_expectation_fails_when_the_runtime_is_dropped() {
    let rt = constructed();
    rt.expect_emitted_event(EventBuilder::new("never").build().unwrap());
}

#[test]
fn an_expected_event_is_matched_entry_by_entry() {
    let rt = constructed();
    rt.expect_validate_caller_any();
    rt.expect_emitted_event(
        EventBuilder::new("announced")
            .field_indexed("n", &1u64)
            .build()
            .unwrap(),
    );
    rt.call::<ToyActor>(Method::Announce as u64, None).unwrap();
    rt.verify();
}

#[test]
#[should_panic(expected = "emitted event")]
fn a_different_event_fails_the_test() {
    let rt = constructed();
    rt.expect_validate_caller_any();
    rt.expect_emitted_event(
        EventBuilder::new("announced")
            .field_indexed("n", &2u64)
            .build()
            .unwrap(),
    );
    let _ = rt.call::<ToyActor>(Method::Announce as u64, None);
}

#[test]
fn events_are_refused_in_a_read_only_call() {
    let rt = constructed();
    rt.read_only.set(true);
    rt.expect_validate_caller_any();
    let err = rt
        .call::<ToyActor>(Method::Announce as u64, None)
        .unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_READ_ONLY);
    rt.verify();
}

#[test]
#[should_panic(expected = "unexpected validate_immediate_caller_accept_any")]
fn an_unexpected_caller_check_fails_the_test() {
    let rt = constructed();
    let _ = rt.call::<ToyActor>(Method::Count as u64, None);
}

#[test]
#[should_panic(expected = "method 8 of toy returned without validating its caller")]
fn a_method_that_never_validates_its_caller_fails_the_test() {
    let rt = constructed();
    let _ = rt.call::<ToyActor>(Method::NoValidation as u64, None);
}

#[test]
#[should_panic(expected = "unexpected validate_immediate_caller_accept_any")]
fn validating_the_caller_twice_fails_the_test() {
    let rt = constructed();
    rt.expect_validate_caller_any();
    let _ = rt.call::<ToyActor>(Method::ValidateTwice as u64, None);
}
