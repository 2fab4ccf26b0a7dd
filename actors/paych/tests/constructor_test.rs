//! The payment channel's constructor on the mock runtime: the state it writes, the resolution of
//! both parties, and every refusal with v18's exit code (leaving no state).

mod harness;

use fil_actor_paych::{
    ConstructorParams, LaneStates, Method, State, ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED,
    LANE_STATES_AMT_BITWIDTH,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, MockRuntime};
use fil_actors_runtime::{Type, EMPTY_ARR_CID};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{MethodNum, METHOD_SEND};
use harness::*;

#[test]
fn method_numbers_and_codes_match_v18() {
    assert_eq!(Method::Constructor as u64, 1);
    assert_eq!(Method::UpdateChannelState as u64, 2);
    assert_eq!(Method::Settle as u64, 3);
    assert_eq!(Method::Collect as u64, 4);
    assert_eq!(ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED.value(), 32);
    assert_eq!(
        fil_actor_paych::ext::account::AUTHENTICATE_MESSAGE_METHOD,
        2643134072
    );
    assert_eq!(fil_actor_paych::SETTLE_DELAY, 1_440);
}

#[test]
fn construct_a_channel() {
    let rt = new_runtime();
    let ret = construct_with(
        &rt,
        &ConstructorParams {
            from: PAYER,
            to: PAYEE,
        },
    );
    assert_eq!(ret, Ok(None));
    assert_eq!(
        state(&rt),
        State {
            from: PAYER,
            to: PAYEE,
            to_send: TokenAmount::default(),
            settling_at: 0,
            min_settle_height: 0,
            lane_states: LaneStates::flush_empty(&rt.store, LANE_STATES_AMT_BITWIDTH).unwrap(),
        }
    );
    assert_eq!(lanes(&rt), vec![]);
    assert_invariants(&rt);
}

#[test]
fn parties_are_stored_as_ids_and_need_not_be_accounts() {
    // Since v10 a party may be any actor: here the payer is a multisig and the payee an EVM
    // contract named by its f4 address.
    let rt = new_runtime();
    let contract = Address::new_delegated(10, &[0xaa; 20]).unwrap();
    rt.set_delegated_address(EVE.id().unwrap(), contract);
    rt.actor_code_cids
        .borrow_mut()
        .insert(EVE.id().unwrap(), builtin_code_cid(Type::EVM));
    rt.actor_code_cids
        .borrow_mut()
        .insert(PAYER.id().unwrap(), builtin_code_cid(Type::Multisig));
    construct_with(
        &rt,
        &ConstructorParams {
            from: PAYER,
            to: contract,
        },
    )
    .unwrap();
    let st = state(&rt);
    assert_eq!((st.from, st.to), (PAYER, EVE));
    assert_invariants(&rt);
}

fn assert_refused(rt: &MockRuntime, params: &ConstructorParams, code: ExitCode, fragment: &str) {
    expect_abort(code, fragment, construct_with(rt, params));
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

#[test]
fn a_party_without_an_actor_is_not_found() {
    let rt = new_runtime();
    assert_refused(
        &rt,
        &ConstructorParams {
            from: Address::new_id(555),
            to: PAYEE,
        },
        ExitCode::USR_NOT_FOUND,
        "no code for address f0555",
    );
}

#[test]
fn the_payee_is_resolved_first() {
    // An unknown key address is sent zero value to create it; here it still does not resolve,
    // and the payer (which has no actor) is never looked at.
    let rt = new_runtime();
    let stranger = Address::new_secp256k1(&[4; 65]).unwrap();
    rt.expect_send_simple(
        stranger,
        METHOD_SEND,
        None,
        TokenAmount::default(),
        None,
        ExitCode::OK,
    );
    assert_refused(
        &rt,
        &ConstructorParams {
            from: Address::new_id(555),
            to: stranger,
        },
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to resolve or initialize address",
    );
}

#[test]
fn only_the_init_actor_constructs() {
    let rt = new_runtime();
    for code in [
        builtin_code_cid(Type::Account),
        builtin_code_cid(Type::System),
        builtin_code_cid(Type::Multisig),
    ] {
        rt.set_caller(code, Address::new_id(1));
        rt.expect_validate_caller_type(vec![Type::Init]);
        expect_abort(
            ExitCode::USR_FORBIDDEN,
            "is not one of",
            call(
                &rt,
                Method::Constructor as MethodNum,
                &ConstructorParams {
                    from: PAYER,
                    to: PAYEE,
                },
            ),
        );
        rt.verify();
        assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
    }
}
