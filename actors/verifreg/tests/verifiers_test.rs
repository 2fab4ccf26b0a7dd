//! The root key, verifiers and verified clients: construction, `AddVerifier`,
//! `RemoveVerifier`, `AddVerifiedClient`, with their caller rules, exit codes, the
//! `verifier-balance` events and the state after the fact.

mod harness;

use fil_actor_verifreg::{Method, State, VerifierParams};
use fil_actors_runtime::test_utils::{expect_abort, expect_code, ExpectedSend};
use fil_actors_runtime::{Type, EMPTY_ARR_CID, STORAGE_MARKET_ACTOR_ADDR, SYSTEM_ACTOR_ADDR};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sys::SendFlags;
use fvm_shared::METHOD_SEND;
use harness::*;

fn verifier_cap(rt: &fil_actors_runtime::test_utils::MockRuntime, who: Address) -> Option<i64> {
    state(rt)
        .get_verifier_cap(&rt.store, &who)
        .unwrap()
        .map(|c| i64::try_from(c).unwrap())
}

/// Every method number against ChainSafe's independent v18 table.
#[test]
fn method_numbers_are_v18s() {
    use fil_actor_verifreg_state::v18::Method as V18;
    let pairs = [
        (Method::Constructor, V18::Constructor as u64),
        (Method::AddVerifier, V18::AddVerifier as u64),
        (Method::RemoveVerifier, V18::RemoveVerifier as u64),
        (Method::AddVerifiedClient, V18::AddVerifiedClient as u64),
        (
            Method::RemoveVerifiedClientDataCap,
            V18::RemoveVerifiedClientDataCap as u64,
        ),
        (
            Method::RemoveExpiredAllocations,
            V18::RemoveExpiredAllocations as u64,
        ),
        (Method::ClaimAllocations, V18::ClaimAllocations as u64),
        (Method::GetClaims, V18::GetClaims as u64),
        (Method::ExtendClaimTerms, V18::ExtendClaimTerms as u64),
        (Method::RemoveExpiredClaims, V18::RemoveExpiredClaims as u64),
        (
            Method::AddVerifiedClientExported,
            V18::AddVerifiedClientExported as u64,
        ),
        (
            Method::RemoveExpiredAllocationsExported,
            V18::RemoveExpiredAllocationsExported as u64,
        ),
        (Method::GetClaimsExported, V18::GetClaimsExported as u64),
        (
            Method::ExtendClaimTermsExported,
            V18::ExtendClaimTermsExported as u64,
        ),
        (
            Method::RemoveExpiredClaimsExported,
            V18::RemoveExpiredClaimsExported as u64,
        ),
        (
            Method::UniversalReceiverHook,
            V18::UniversalReceiverHook as u64,
        ),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours as u64, theirs, "{:?}", ours);
    }
    assert_eq!(Method::AddVerifier as u64, 2);
    assert_eq!(Method::RemoveExpiredClaims as u64, 12);
}

#[test]
fn constructor_stores_the_root_as_an_id_address() {
    let rt = new_runtime();
    let root_key = Address::new_secp256k1(&[1; 65]).unwrap();
    rt.add_id_address(root_key, id(&ROOT));
    construct(&rt, root_key).unwrap();
    rt.verify();
    let st = state(&rt);
    let empty = fil_actors_runtime::Map::<_, u64, u64>::flush_empty(&rt.store).unwrap();
    assert_eq!(
        st,
        State {
            root_key: ROOT,
            verifiers: empty,
            remove_data_cap_proposal_ids: empty,
            allocations: empty,
            next_allocation_id: 1,
            claims: empty,
        }
    );
    assert_invariants(&rt);
}

#[test]
fn constructor_is_for_the_system_actor_and_needs_a_resolvable_root() {
    let rt = new_runtime();
    caller(&rt, Type::Account, ROOT);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_code(
        call::<_, ()>(&rt, Method::Constructor, &ROOT),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
    let unknown = Address::new_secp256k1(&[2; 65]).unwrap();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must resolve",
        construct(&rt, unknown),
    );
    rt.verify();
    assert_eq!(rt.state.get(), *EMPTY_ARR_CID);
}

#[test]
fn the_root_adds_and_removes_verifiers() {
    let rt = setup();
    add_verifier(&rt, VERIFIER, 10_000);
    add_verifier(&rt, VERIFIER2, 5_000);
    // Adding again replaces the allowance.
    add_verifier(&rt, VERIFIER, 7_000);
    assert_eq!(verifier_cap(&rt, VERIFIER), Some(7_000));
    assert_eq!(verifier_cap(&rt, VERIFIER2), Some(5_000));
    assert_invariants(&rt);

    caller(&rt, Type::Account, ROOT);
    rt.expect_validate_caller_addr(vec![ROOT]);
    rt.expect_emitted_event(verifier_balance_event(VERIFIER, 0, None));
    call::<_, ()>(&rt, Method::RemoveVerifier, &VERIFIER).unwrap();
    rt.verify();
    assert_eq!(verifier_cap(&rt, VERIFIER), None);
    assert_eq!(verifier_cap(&rt, VERIFIER2), Some(5_000));
    assert_invariants(&rt);
}

#[test]
fn add_verifier_refusals_change_nothing() {
    let rt = setup();
    add_verifier(&rt, VERIFIER2, 5_000);
    let before = state(&rt);
    let params = |address, allowance| VerifierParams {
        address,
        allowance: dc(allowance),
    };

    // Below the minimum allocation size, checked before anything else.
    caller(&rt, Type::Account, ROOT);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "below the minimum allocation size",
        call::<_, ()>(
            &rt,
            Method::AddVerifier,
            &params(VERIFIER, MIN_SIZE as i64 - 1),
        ),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "below the minimum",
        call::<_, ()>(&rt, Method::AddVerifier, &params(VERIFIER, -1)),
    );
    // Not the root key.
    caller(&rt, Type::Account, VERIFIER2);
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_code(
        call::<_, ()>(&rt, Method::AddVerifier, &params(VERIFIER, 1000)),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
    // The root itself.
    caller(&rt, Type::Account, ROOT);
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot be a verifier",
        call::<_, ()>(&rt, Method::AddVerifier, &params(ROOT, 1000)),
    );
    rt.verify();
    // A client holding datacap.
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_balance(&rt, CLIENT, 1);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot become a verifier",
        call::<_, ()>(&rt, Method::AddVerifier, &params(CLIENT, 1000)),
    );
    rt.verify();
    // An ID address of no actor.
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "no code for address",
        call::<_, ()>(
            &rt,
            Method::AddVerifier,
            &params(Address::new_id(999), 1000),
        ),
    );
    // A key address that cannot become an account: the registry tries by sending it nothing.
    let unknown = Address::new_secp256k1(&[3; 65]).unwrap();
    rt.expect_send_simple(
        unknown,
        METHOD_SEND,
        None,
        TokenAmount::from_atto(0),
        None,
        ExitCode::OK,
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to resolve or initialize",
        call::<_, ()>(&rt, Method::AddVerifier, &params(unknown, 1000)),
    );
    rt.verify();
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn remove_verifier_refusals_change_nothing() {
    let rt = setup();
    add_verifier(&rt, VERIFIER, 5_000);
    let before = state(&rt);
    caller(&rt, Type::Account, VERIFIER);
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_code(
        call::<_, ()>(&rt, Method::RemoveVerifier, &VERIFIER),
        ExitCode::USR_FORBIDDEN,
    );
    caller(&rt, Type::Account, ROOT);
    rt.expect_validate_caller_addr(vec![ROOT]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "not found",
        call::<_, ()>(&rt, Method::RemoveVerifier, &VERIFIER2),
    );
    rt.verify();
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}

#[test]
fn a_verifier_mints_datacap_to_clients_from_its_allowance() {
    let rt = setup();
    add_verifier(&rt, VERIFIER, 10_000);
    add_client(&rt, VERIFIER, CLIENT, 3_000, 7_000);
    add_client(&rt, VERIFIER, CLIENT2, 7_000, 0);
    // The exported number does the same; a verifier at zero still is one.
    assert_eq!(verifier_cap(&rt, VERIFIER), Some(0));
    add_verifier(&rt, VERIFIER2, 1_000);
    caller(&rt, Type::Account, VERIFIER2);
    rt.expect_validate_caller_any();
    rt.expect_emitted_event(verifier_balance_event(VERIFIER2, 600, Some(CLIENT)));
    expect_mint(&rt, CLIENT, 400);
    let params = VerifierParams {
        address: CLIENT,
        allowance: dc(400),
    };
    call::<_, ()>(&rt, Method::AddVerifiedClientExported, &params).unwrap();
    rt.verify();
    assert_eq!(verifier_cap(&rt, VERIFIER2), Some(600));
    assert_invariants(&rt);
}

#[test]
fn a_client_given_by_key_address_is_resolved_and_minted_to_by_id() {
    let rt = setup();
    add_verifier(&rt, VERIFIER, 10_000);
    let key = Address::new_bls(&[4; 48]).unwrap();
    rt.add_id_address(key, id(&CLIENT));
    caller(&rt, Type::Account, VERIFIER);
    rt.expect_validate_caller_any();
    rt.expect_emitted_event(verifier_balance_event(VERIFIER, 9_000, Some(CLIENT)));
    expect_mint(&rt, CLIENT, 1_000);
    let params = VerifierParams {
        address: key,
        allowance: dc(1_000),
    };
    call::<_, ()>(&rt, Method::AddVerifiedClient, &params).unwrap();
    rt.verify();
    assert_invariants(&rt);
}

#[test]
fn add_verified_client_refusals_change_nothing() {
    let rt = setup();
    add_verifier(&rt, VERIFIER, 1_000);
    add_verifier(&rt, VERIFIER2, 1_000);
    let before = state(&rt);
    let params = |address, allowance| VerifierParams {
        address,
        allowance: dc(allowance),
    };
    let cases: Vec<(Address, Address, i64, ExitCode, &str)> = vec![
        (
            VERIFIER,
            CLIENT,
            MIN_SIZE as i64 - 1,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "below the minimum",
        ),
        (
            VERIFIER,
            ROOT,
            500,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "cannot be a client",
        ),
        (
            CLIENT2,
            CLIENT,
            500,
            ExitCode::USR_NOT_FOUND,
            "is not a verifier",
        ),
        (
            VERIFIER,
            VERIFIER2,
            500,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "cannot be added as a verified client",
        ),
        (
            VERIFIER,
            CLIENT,
            1_001,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "exceeds verifier",
        ),
        (
            VERIFIER,
            Address::new_id(999),
            500,
            ExitCode::USR_NOT_FOUND,
            "no code for address",
        ),
    ];
    for (verifier, client, allowance, code, fragment) in cases {
        caller(&rt, Type::Account, verifier);
        rt.expect_validate_caller_any();
        expect_abort(
            code,
            fragment,
            call::<_, ()>(&rt, Method::AddVerifiedClient, &params(client, allowance)),
        );
        rt.verify();
    }
    // The token refusing the mint undoes the verifier's spending.
    caller(&rt, Type::Account, VERIFIER);
    rt.expect_validate_caller_any();
    rt.expect_emitted_event(verifier_balance_event(VERIFIER, 500, Some(CLIENT)));
    rt.expect_send(ExpectedSend {
        to: fil_actors_runtime::DATACAP_TOKEN_ACTOR_ADDR,
        method: MINT_METHOD,
        params: fvm_ipld_encoding::ipld_block::IpldBlock::serialize_cbor(
            &fil_actor_verifreg::ext::datacap::MintParams {
                to: CLIENT,
                amount: tokens(500),
                operators: vec![STORAGE_MARKET_ACTOR_ADDR],
            },
        )
        .unwrap(),
        value: TokenAmount::from_atto(0),
        gas_limit: None,
        flags: SendFlags::default(),
        return_data: None,
        exit_code: ExitCode::USR_FORBIDDEN,
        send_error: None,
    });
    expect_code(
        call::<_, ()>(&rt, Method::AddVerifiedClient, &params(CLIENT, 500)),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
    assert_eq!(state(&rt), before);
    assert_invariants(&rt);
}
