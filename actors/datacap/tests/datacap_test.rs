//! The datacap actor's methods on the mock runtime: construction, the token's metadata, the
//! governor's mint and destroy, v18's transfer restrictions, allowances and burns, with each
//! method's caller rule, exit codes and the state after the fact.

mod harness;

use fil_actor_datacap::{
    Actor, BurnFromParams, BurnFromReturn, BurnParams, BurnReturn, DecreaseAllowanceParams,
    DestroyParams, IncreaseAllowanceParams, Method, MintParams, RevokeAllowanceParams,
    TransferFromParams, TransferFromReturn, TransferParams, TransferReturn, DATACAP_GRANULARITY,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, expect_code, MockRuntime};
use fil_actors_runtime::{
    Type, DATACAP_TOKEN_ACTOR_ADDR, DATACAP_TOKEN_ACTOR_ID, SYSTEM_ACTOR_ADDR,
    VERIFIED_REGISTRY_ACTOR_ID,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{MethodNum, METHOD_SEND};
use harness::*;

/// 10^21 whole tokens, the allowance a mint grants each operator.
fn infinite() -> TokenAmount {
    TokenAmount::from_whole(1_000_000_000_000_000_000_000i128)
}

/// ALICE holds 100 tokens, with the market-like OPERATOR able to spend them.
fn setup_with_alice() -> MockRuntime {
    let rt = setup();
    mint(&rt, ALICE, tokens(100), vec![OPERATOR]).unwrap();
    rt
}

/// Asserts the state is exactly what it was, and its invariants hold.
fn assert_unchanged(rt: &MockRuntime, before: &fil_actor_datacap::State) {
    assert_eq!(&state(rt), before);
    assert_invariants(rt);
}

#[test]
fn constructor_records_the_governor_and_an_empty_token() {
    let rt = setup();
    let st = state(&rt);
    assert_eq!(st.governor, GOVERNOR);
    assert_eq!(st.token.supply, TokenAmount::from_atto(0));
    // The token library's default HAMT bit width, as v18 keeps it.
    assert_eq!(st.token.hamt_bit_width, 3);
    assert_eq!(supply(&rt), TokenAmount::from_atto(0));
    assert_invariants(&rt);
}

#[test]
fn constructor_is_for_the_system_actor_and_needs_a_resolvable_governor() {
    let rt = MockRuntime::new(DATACAP_TOKEN_ACTOR_ADDR);
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_code(
        call::<_, ()>(&rt, Method::Constructor, &GOVERNOR),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();

    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let unknown = Address::new_secp256k1(&[7; 65]).unwrap();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to resolve governor",
        call::<_, ()>(&rt, Method::Constructor, &unknown),
    );
    rt.verify();
    assert_eq!(rt.state.get(), *fil_actors_runtime::EMPTY_ARR_CID);
}

#[test]
fn metadata() {
    let rt = setup();
    rt.expect_validate_caller_any();
    assert_eq!(
        call_bare::<String>(&rt, Method::NameExported),
        Ok("DataCap".to_string())
    );
    rt.expect_validate_caller_any();
    assert_eq!(
        call_bare::<String>(&rt, Method::SymbolExported),
        Ok("DCAP".to_string())
    );
    rt.expect_validate_caller_any();
    assert_eq!(
        call_bare::<u64>(&rt, Method::GranularityExported),
        Ok(1_000_000_000_000_000_000)
    );
    assert_eq!(DATACAP_GRANULARITY, 1_000_000_000_000_000_000);
    rt.verify();
    assert_invariants(&rt);
}

#[test]
fn mint_credits_the_recipient_and_grants_operators_an_unlimited_allowance() {
    let rt = setup();
    let ret = mint(&rt, ALICE, tokens(100), vec![OPERATOR]).unwrap();
    assert_eq!(ret.balance, tokens(100));
    assert_eq!(ret.supply, tokens(100));
    assert_eq!(ret.recipient_data, RawBytes::default());
    let ret = mint(&rt, BOB, tokens(30), vec![]).unwrap();
    assert_eq!((ret.balance, ret.supply), (tokens(30), tokens(130)));
    // A second mint to the same client adds up.
    let ret = mint(&rt, ALICE, tokens(5), vec![OPERATOR]).unwrap();
    assert_eq!((ret.balance, ret.supply), (tokens(105), tokens(135)));

    assert_eq!(balance(&rt, ALICE), tokens(105));
    assert_eq!(balance(&rt, BOB), tokens(30));
    assert_eq!(supply(&rt), tokens(135));
    assert_eq!(allowance(&rt, ALICE, OPERATOR), infinite());
    assert_eq!(allowance(&rt, BOB, OPERATOR), TokenAmount::from_atto(0));
    assert_eq!(state(&rt).balance(&rt.store, 101).unwrap(), tokens(105));
    assert_invariants(&rt);
}

#[test]
fn only_the_governor_mints() {
    let rt = setup_with_alice();
    let before = state(&rt);
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_addr(vec![GOVERNOR]);
    let params = MintParams {
        to: ALICE,
        amount: tokens(1),
        operators: vec![],
    };
    expect_code(
        call::<_, ()>(&rt, Method::MintExported, &params),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

#[test]
fn mint_refuses_negative_and_fractional_amounts() {
    let rt = setup_with_alice();
    let before = state(&rt);
    for (amount, fragment) in [
        (tokens(-1), "must be non-negative"),
        (
            TokenAmount::from_atto(1_500_000_000_000_000_000u64),
            "must be a multiple of",
        ),
    ] {
        caller_governor(&rt);
        rt.expect_validate_caller_addr(vec![GOVERNOR]);
        let params = MintParams {
            to: ALICE,
            amount,
            operators: vec![],
        };
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            fragment,
            call::<_, ()>(&rt, Method::MintExported, &params),
        );
        rt.verify();
    }
    assert_unchanged(&rt, &before);
}

#[test]
fn a_recipient_that_rejects_the_mint_undoes_it() {
    let rt = setup_with_alice();
    let before = state(&rt);
    caller_governor(&rt);
    rt.expect_validate_caller_addr(vec![GOVERNOR]);
    expect_hook(
        &rt,
        BOB,
        DATACAP_TOKEN_ACTOR_ID,
        VERIFIED_REGISTRY_ACTOR_ID,
        tokens(9),
        RawBytes::default(),
        (None, ExitCode::USR_FORBIDDEN),
    );
    let params = MintParams {
        to: BOB,
        amount: tokens(9),
        operators: vec![OPERATOR],
    };
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "receiver hook error",
        call::<_, ()>(&rt, Method::MintExported, &params),
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

#[test]
fn minting_to_a_key_address_that_cannot_become_an_account_is_not_found() {
    let rt = setup_with_alice();
    let before = state(&rt);
    let stranger = Address::new_secp256k1(&[9; 65]).unwrap();
    caller_governor(&rt);
    rt.expect_validate_caller_addr(vec![GOVERNOR]);
    // The library tries to create the account by sending it nothing.
    rt.expect_send_simple(
        stranger,
        METHOD_SEND,
        None,
        TokenAmount::from_atto(0),
        None,
        ExitCode::OK,
    );
    let params = MintParams {
        to: stranger,
        amount: tokens(1),
        operators: vec![],
    };
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "could not be initialized",
        call::<_, ()>(&rt, Method::MintExported, &params),
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

#[test]
fn an_operator_that_cannot_be_resolved_aborts_the_mint_without_a_panic() {
    let rt = setup_with_alice();
    let before = state(&rt);
    let stranger = Address::new_actor(b"no such actor");
    caller_governor(&rt);
    rt.expect_validate_caller_addr(vec![GOVERNOR]);
    rt.expect_send_simple(
        stranger,
        METHOD_SEND,
        None,
        TokenAmount::from_atto(0),
        None,
        ExitCode::OK,
    );
    let params = MintParams {
        to: ALICE,
        amount: tokens(1),
        operators: vec![stranger],
    };
    expect_code(
        call::<_, ()>(&rt, Method::MintExported, &params),
        ExitCode::USR_NOT_FOUND,
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

#[test]
fn the_governor_destroys_a_holders_datacap() {
    let rt = setup_with_alice();
    caller_governor(&rt);
    rt.expect_validate_caller_addr(vec![GOVERNOR]);
    let ret: BurnReturn = call(
        &rt,
        Method::DestroyExported,
        &DestroyParams {
            owner: ALICE,
            amount: tokens(40),
        },
    )
    .unwrap();
    rt.verify();
    assert_eq!(ret.balance, tokens(60));
    assert_eq!(balance(&rt, ALICE), tokens(60));
    assert_eq!(supply(&rt), tokens(60));
    assert_invariants(&rt);
}

#[test]
fn destroy_is_for_the_governor_and_within_the_balance() {
    let rt = setup_with_alice();
    let before = state(&rt);
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_addr(vec![GOVERNOR]);
    let params = DestroyParams {
        owner: ALICE,
        amount: tokens(1),
    };
    expect_code(
        call::<_, ()>(&rt, Method::DestroyExported, &params),
        ExitCode::USR_FORBIDDEN,
    );
    caller_governor(&rt);
    rt.expect_validate_caller_addr(vec![GOVERNOR]);
    let params = DestroyParams {
        owner: ALICE,
        amount: tokens(101),
    };
    expect_code(
        call::<_, ()>(&rt, Method::DestroyExported, &params),
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

fn transfer(
    rt: &MockRuntime,
    from: Address,
    to: Address,
    amount: TokenAmount,
    operator_data: RawBytes,
) -> Result<TransferReturn, fil_actors_runtime::ActorError> {
    call(
        rt,
        Method::TransferExported,
        &TransferParams {
            to,
            amount,
            operator_data: operator_data.clone(),
        },
    )
    .inspect(|_| assert_eq!(from, rt.caller.get()))
}

#[test]
fn a_client_transfers_to_the_governor_and_the_governor_back() {
    let rt = setup_with_alice();
    let data = RawBytes::new(vec![0x82, 0x80, 0x80]);
    let registry_answer = IpldBlock::serialize_cbor(&"allocated").unwrap();

    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    expect_hook(
        &rt,
        GOVERNOR,
        id(&ALICE),
        id(&ALICE),
        tokens(60),
        data.clone(),
        (registry_answer.clone(), ExitCode::OK),
    );
    let ret = transfer(&rt, ALICE, GOVERNOR, tokens(60), data).unwrap();
    rt.verify();
    assert_eq!(ret.from_balance, tokens(40));
    assert_eq!(ret.to_balance, tokens(60));
    assert_eq!(
        ret.recipient_data,
        RawBytes::new(registry_answer.unwrap().data)
    );

    // The governor returns 25 to the client.
    caller_governor(&rt);
    rt.expect_validate_caller_any();
    expect_hook(
        &rt,
        ALICE,
        VERIFIED_REGISTRY_ACTOR_ID,
        VERIFIED_REGISTRY_ACTOR_ID,
        tokens(25),
        RawBytes::default(),
        (None, ExitCode::OK),
    );
    let ret = transfer(&rt, GOVERNOR, ALICE, tokens(25), RawBytes::default()).unwrap();
    rt.verify();
    assert_eq!((ret.from_balance, ret.to_balance), (tokens(35), tokens(65)));
    assert_eq!(balance(&rt, GOVERNOR), tokens(35));
    assert_eq!(supply(&rt), tokens(100));
    assert_invariants(&rt);
}

#[test]
fn datacap_cannot_move_between_clients() {
    let rt = setup_with_alice();
    let before = state(&rt);
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "transfer not allowed",
        transfer(&rt, ALICE, BOB, tokens(1), RawBytes::default()),
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

#[test]
fn transfer_failures_change_nothing() {
    let rt = setup_with_alice();
    let before = state(&rt);
    let unknown = Address::new_secp256k1(&[3; 65]).unwrap();
    caller_account(&rt, ALICE);

    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must resolve",
        transfer(&rt, ALICE, unknown, tokens(1), RawBytes::default()),
    );
    rt.expect_validate_caller_any();
    expect_code(
        transfer(&rt, ALICE, GOVERNOR, tokens(101), RawBytes::default()),
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );
    rt.expect_validate_caller_any();
    expect_code(
        transfer(&rt, ALICE, GOVERNOR, tokens(-1), RawBytes::default()),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    rt.expect_validate_caller_any();
    expect_code(
        transfer(
            &rt,
            ALICE,
            GOVERNOR,
            TokenAmount::from_atto(7),
            RawBytes::default(),
        ),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    // The registry rejects the allocation requests: its exit code comes back.
    rt.expect_validate_caller_any();
    expect_hook(
        &rt,
        GOVERNOR,
        id(&ALICE),
        id(&ALICE),
        tokens(10),
        RawBytes::default(),
        (None, ExitCode::USR_ILLEGAL_ARGUMENT),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "receiver hook error",
        transfer(&rt, ALICE, GOVERNOR, tokens(10), RawBytes::default()),
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

#[test]
fn a_transfer_in_a_read_only_call_fails_without_a_panic() {
    let rt = setup_with_alice();
    let before = state(&rt);
    rt.read_only.set(true);
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    expect_code(
        transfer(&rt, ALICE, GOVERNOR, tokens(1), RawBytes::default()),
        ExitCode::USR_READ_ONLY,
    );
    rt.verify();
    rt.read_only.set(false);
    assert_unchanged(&rt, &before);
}

fn transfer_from(
    rt: &MockRuntime,
    from: Address,
    to: Address,
    amount: TokenAmount,
) -> Result<TransferFromReturn, fil_actors_runtime::ActorError> {
    call(
        rt,
        Method::TransferFromExported,
        &TransferFromParams {
            from,
            to,
            amount,
            operator_data: RawBytes::default(),
        },
    )
}

#[test]
fn an_operator_transfers_a_clients_datacap_to_the_governor_only() {
    let rt = setup_with_alice();
    // BOB gets 10 and lets OPERATOR move 4 of them.
    mint(&rt, BOB, tokens(10), vec![]).unwrap();
    caller_account(&rt, BOB);
    rt.expect_validate_caller_any();
    let new: TokenAmount = call(
        &rt,
        Method::IncreaseAllowanceExported,
        &IncreaseAllowanceParams {
            operator: OPERATOR,
            increase: tokens(4),
        },
    )
    .unwrap();
    assert_eq!(new, tokens(4));

    rt.set_caller(builtin_code_cid(Type::Market), OPERATOR);
    let before = state(&rt);
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "transfer not allowed",
        transfer_from(&rt, BOB, ALICE, tokens(1)),
    );
    rt.expect_validate_caller_any();
    expect_code(
        transfer_from(&rt, BOB, GOVERNOR, tokens(5)),
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );
    rt.verify();
    assert_unchanged(&rt, &before);

    rt.expect_validate_caller_any();
    expect_hook(
        &rt,
        GOVERNOR,
        id(&BOB),
        id(&OPERATOR),
        tokens(3),
        RawBytes::default(),
        (None, ExitCode::OK),
    );
    let ret = transfer_from(&rt, BOB, GOVERNOR, tokens(3)).unwrap();
    rt.verify();
    assert_eq!(ret.from_balance, tokens(7));
    assert_eq!(ret.to_balance, tokens(3));
    assert_eq!(ret.allowance, tokens(1));
    assert_eq!(allowance(&rt, BOB, OPERATOR), tokens(1));
    // ALICE's unlimited allowance for the operator lets it move hers too.
    rt.expect_validate_caller_any();
    expect_hook(
        &rt,
        GOVERNOR,
        id(&ALICE),
        id(&OPERATOR),
        tokens(100),
        RawBytes::default(),
        (None, ExitCode::OK),
    );
    let ret = transfer_from(&rt, ALICE, GOVERNOR, tokens(100)).unwrap();
    assert_eq!(ret.allowance, infinite() - tokens(100));
    rt.verify();
    assert_eq!(balance(&rt, GOVERNOR), tokens(103));
    assert_invariants(&rt);
}

#[test]
fn allowances_rise_fall_and_are_revoked() {
    let rt = setup_with_alice();
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    let up: TokenAmount = call(
        &rt,
        Method::IncreaseAllowanceExported,
        &IncreaseAllowanceParams {
            operator: BOB,
            increase: tokens(10),
        },
    )
    .unwrap();
    rt.expect_validate_caller_any();
    let down: TokenAmount = call(
        &rt,
        Method::DecreaseAllowanceExported,
        &DecreaseAllowanceParams {
            operator: BOB,
            decrease: tokens(3),
        },
    )
    .unwrap();
    assert_eq!((up, down), (tokens(10), tokens(7)));
    // Lowering past zero stops at zero.
    rt.expect_validate_caller_any();
    let floor: TokenAmount = call(
        &rt,
        Method::DecreaseAllowanceExported,
        &DecreaseAllowanceParams {
            operator: BOB,
            decrease: tokens(50),
        },
    )
    .unwrap();
    assert_eq!(floor, TokenAmount::from_atto(0));
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    let _: TokenAmount = call(
        &rt,
        Method::IncreaseAllowanceExported,
        &IncreaseAllowanceParams {
            operator: BOB,
            increase: tokens(2),
        },
    )
    .unwrap();
    rt.expect_validate_caller_any();
    let old: TokenAmount = call(
        &rt,
        Method::RevokeAllowanceExported,
        &RevokeAllowanceParams { operator: BOB },
    )
    .unwrap();
    assert_eq!(old, tokens(2));
    assert_eq!(allowance(&rt, ALICE, BOB), TokenAmount::from_atto(0));

    let before = state(&rt);
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "non-negative",
        call::<_, TokenAmount>(
            &rt,
            Method::IncreaseAllowanceExported,
            &IncreaseAllowanceParams {
                operator: BOB,
                increase: tokens(-1),
            },
        ),
    );
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "non-negative",
        call::<_, TokenAmount>(
            &rt,
            Method::DecreaseAllowanceExported,
            &DecreaseAllowanceParams {
                operator: BOB,
                decrease: tokens(-1),
            },
        ),
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

#[test]
fn holders_burn_their_own_datacap_and_operators_under_an_allowance() {
    let rt = setup_with_alice();
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    let ret: BurnReturn = call(
        &rt,
        Method::BurnExported,
        &BurnParams { amount: tokens(15) },
    )
    .unwrap();
    assert_eq!(ret.balance, tokens(85));

    rt.set_caller(builtin_code_cid(Type::Market), OPERATOR);
    rt.expect_validate_caller_any();
    let ret: BurnFromReturn = call(
        &rt,
        Method::BurnFromExported,
        &BurnFromParams {
            owner: ALICE,
            amount: tokens(5),
        },
    )
    .unwrap();
    assert_eq!(ret.balance, tokens(80));
    assert_eq!(ret.allowance, infinite() - tokens(5));
    rt.verify();
    assert_eq!(supply(&rt), tokens(80));

    let before = state(&rt);
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    expect_code(
        call::<_, BurnReturn>(
            &rt,
            Method::BurnExported,
            &BurnParams { amount: tokens(81) },
        ),
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );
    // BOB has no allowance over ALICE's datacap.
    caller_account(&rt, BOB);
    rt.expect_validate_caller_any();
    expect_code(
        call::<_, BurnFromReturn>(
            &rt,
            Method::BurnFromExported,
            &BurnFromParams {
                owner: ALICE,
                amount: tokens(1),
            },
        ),
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );
    // Burning from oneself through BurnFrom is refused.
    caller_account(&rt, ALICE);
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "operator cannot be the same",
        call::<_, BurnFromReturn>(
            &rt,
            Method::BurnFromExported,
            &BurnFromParams {
                owner: ALICE,
                amount: tokens(1),
            },
        ),
    );
    rt.verify();
    assert_unchanged(&rt, &before);
}

#[test]
fn an_address_of_no_actor_holds_nothing() {
    let rt = setup_with_alice();
    let unknown = Address::new_secp256k1(&[5; 65]).unwrap();
    assert_eq!(balance(&rt, unknown), TokenAmount::from_atto(0));
    assert_eq!(allowance(&rt, unknown, ALICE), TokenAmount::from_atto(0));
    assert_invariants(&rt);
}

/// Every method with parameters refuses bytes that are not its parameters' CBOR
/// (`USR_SERIALIZATION`) and a missing block (`USR_ILLEGAL_ARGUMENT`); every method without
/// parameters refuses any (`USR_ILLEGAL_ARGUMENT`). Nothing changes.
#[test]
fn malformed_parameters_to_every_method() {
    let rt = setup_with_alice();
    let before = state(&rt);
    let with_params = [
        Method::MintExported,
        Method::DestroyExported,
        Method::BalanceExported,
        Method::TransferExported,
        Method::TransferFromExported,
        Method::IncreaseAllowanceExported,
        Method::DecreaseAllowanceExported,
        Method::RevokeAllowanceExported,
        Method::BurnExported,
        Method::BurnFromExported,
        Method::AllowanceExported,
    ];
    caller_governor(&rt);
    for method in with_params {
        // A CBOR text string where a tuple or an address is expected.
        let garbage = IpldBlock::serialize_cbor(&"not the parameters").unwrap();
        expect_code(
            rt.call::<Actor>(method as MethodNum, garbage),
            ExitCode::USR_SERIALIZATION,
        );
        expect_code(
            rt.call::<Actor>(method as MethodNum, None),
            ExitCode::USR_ILLEGAL_ARGUMENT,
        );
    }
    for method in [
        Method::NameExported,
        Method::SymbolExported,
        Method::GranularityExported,
        Method::TotalSupplyExported,
    ] {
        expect_code(
            rt.call::<Actor>(
                method as MethodNum,
                IpldBlock::serialize_cbor(&1u8).unwrap(),
            ),
            ExitCode::USR_ILLEGAL_ARGUMENT,
        );
    }
    // The retired internal numbers are unknown.
    for retired in [2u64, 3, 10, 14, 21] {
        expect_code(
            rt.call::<Actor>(retired, None),
            ExitCode::USR_UNHANDLED_MESSAGE,
        );
    }
    rt.verify();
    assert_unchanged(&rt, &before);
}

/// Every method number against ChainSafe's independent v18 table.
#[test]
fn method_numbers_are_v18s() {
    use fil_actor_datacap_state::v18::Method as V18;
    let pairs = [
        (Method::Constructor, V18::Constructor as u64),
        (Method::MintExported, V18::MintExported as u64),
        (Method::DestroyExported, V18::DestroyExported as u64),
        (Method::NameExported, V18::NameExported as u64),
        (Method::SymbolExported, V18::SymbolExported as u64),
        (Method::GranularityExported, V18::GranularityExported as u64),
        (Method::TotalSupplyExported, V18::TotalSupplyExported as u64),
        (Method::BalanceExported, V18::BalanceExported as u64),
        (Method::TransferExported, V18::TransferExported as u64),
        (
            Method::TransferFromExported,
            V18::TransferFromExported as u64,
        ),
        (
            Method::IncreaseAllowanceExported,
            V18::IncreaseAllowanceExported as u64,
        ),
        (
            Method::DecreaseAllowanceExported,
            V18::DecreaseAllowanceExported as u64,
        ),
        (
            Method::RevokeAllowanceExported,
            V18::RevokeAllowanceExported as u64,
        ),
        (Method::BurnExported, V18::BurnExported as u64),
        (Method::BurnFromExported, V18::BurnFromExported as u64),
        (Method::AllowanceExported, V18::AllowanceExported as u64),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours as u64, theirs, "{:?}", ours);
    }
    assert_eq!(
        infinite(),
        *fil_actor_datacap_state::v18::INFINITE_ALLOWANCE
    );
    assert_eq!(fil_actor_datacap::infinite_allowance(), infinite());
}
