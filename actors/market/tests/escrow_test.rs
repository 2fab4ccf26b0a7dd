//! The constructor and the escrow methods: `AddBalance`, `WithdrawBalance` and `GetBalance`,
//! their caller rules, the miner's owner as recipient, locked funds kept back, and v18's exit
//! codes for bad values and unknown addresses.

mod harness;

use fil_actor_market::{
    GetBalanceParams, GetBalanceReturn, Method, State, WithdrawBalanceParams, WithdrawBalanceReturn,
};
use fil_actors_runtime::test_utils::{builtin_code_cid, expect_abort, expect_code};
use fil_actors_runtime::{Type, SYSTEM_ACTOR_ADDR};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::METHOD_SEND;
use harness::*;

#[test]
fn constructor_writes_the_empty_state_and_only_for_the_system_actor() {
    let rt = new_runtime();
    as_account(&rt, STRANGER);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_code(
        rt.call::<fil_actor_market::Actor>(Method::Constructor as u64, None),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
    construct(&rt);
    let st = state(&rt);
    assert_eq!(st, State::new(&rt.store).unwrap());
    assert_eq!((st.next_id, st.last_cron), (0, -1));
    check_state(&rt);
}

#[test]
fn deposits_add_up_for_clients_and_providers() {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(100));
    add_balance(&rt, STRANGER, CLIENT, atto(23));
    add_balance(&rt, OWNER, PROVIDER, atto(1000));
    // Anyone may deposit for a provider; its control addresses are asked all the same.
    add_balance(&rt, STRANGER, PROVIDER, atto(1));
    assert_eq!(balances(&rt, CLIENT), (atto(123), atto(0)));
    assert_eq!(balances(&rt, PROVIDER), (atto(1001), atto(0)));
    assert_eq!(*rt.balance.borrow(), atto(1124));
    check_state(&rt);
}

#[test]
fn deposits_by_robust_address_and_by_exported_number() {
    let rt = setup();
    let key = Address::new_secp256k1(&[7; 65]).unwrap();
    rt.add_id_address(key, CLIENT.id().unwrap());
    as_account(&rt, CLIENT);
    rt.set_received(atto(50));
    rt.expect_validate_caller_any();
    call(&rt, Method::AddBalanceExported as u64, &key).unwrap();
    assert_eq!(balances(&rt, CLIENT), (atto(50), atto(0)));
    check_state(&rt);
}

#[test]
fn a_deposit_must_be_positive_and_for_a_known_actor() {
    let rt = setup();
    let before = rt.state.get();
    // A zero deposit is refused before the caller is even checked.
    as_account(&rt, CLIENT);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "greater than zero",
        call(&rt, Method::AddBalance as u64, &CLIENT),
    );
    // An address that resolves to no actor, and an ID without code.
    let unknown = Address::new_secp256k1(&[9; 65]).unwrap();
    for (target, fragment) in [
        (unknown, "failed to resolve"),
        (Address::new_id(4242), "no code"),
    ] {
        as_account(&rt, CLIENT);
        rt.set_received(atto(5));
        rt.expect_validate_caller_any();
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            fragment,
            call(&rt, Method::AddBalance as u64, &target),
        );
    }
    assert_eq!(rt.state.get(), before);
    assert_eq!(balances(&rt, CLIENT), (atto(0), atto(0)));
    // The mock keeps the value of a failed call; the real VM returns it.
    rt.set_balance(atto(0));
    check_state(&rt);
}

fn withdraw_as(
    rt: &fil_actors_runtime::test_utils::MockRuntime,
    caller: Address,
    for_addr: Address,
    amount: TokenAmount,
    approved: Vec<Address>,
    payout: Option<(Address, TokenAmount)>,
) -> Result<Option<fvm_ipld_encoding::ipld_block::IpldBlock>, fil_actors_runtime::ActorError> {
    as_account(rt, caller);
    if for_addr == PROVIDER {
        expect_control_addresses(rt, PROVIDER);
    }
    rt.expect_validate_caller_addr(approved);
    if let Some((to, value)) = payout {
        rt.expect_send_simple(to, METHOD_SEND, None, value, None, ExitCode::OK);
    }
    call(
        rt,
        Method::WithdrawBalance as u64,
        &WithdrawBalanceParams {
            provider_or_client: for_addr,
            amount,
        },
    )
}

#[test]
fn a_client_withdraws_only_what_deals_do_not_lock() {
    let rt = setup();
    let p = proposal(CLIENT, 1);
    let needed = client_requirement(&p);
    add_balance(&rt, CLIENT, CLIENT, &needed + atto(300));
    add_balance(&rt, OWNER, PROVIDER, atto(1000));
    publish_deals(&rt, &[signed(p)]);

    // Asking for more than the 300 available gets the 300.
    let r: WithdrawBalanceReturn = ret(withdraw_as(
        &rt,
        CLIENT,
        CLIENT,
        atto(1_000_000_000),
        vec![CLIENT],
        Some((CLIENT, atto(300))),
    )
    .unwrap());
    assert_eq!(r.amount_withdrawn, atto(300));
    assert_eq!(balances(&rt, CLIENT), (needed.clone(), needed.clone()));
    // Nothing is left to take: zero is sent.
    let r: WithdrawBalanceReturn = ret(withdraw_as(
        &rt,
        CLIENT,
        CLIENT,
        atto(1),
        vec![CLIENT],
        Some((CLIENT, atto(0))),
    )
    .unwrap());
    assert_eq!(r.amount_withdrawn, atto(0));
    assert_eq!(balances(&rt, CLIENT), (needed.clone(), needed));
    check_state(&rt);
}

#[test]
fn a_providers_funds_go_to_its_owner_at_the_owners_or_workers_request() {
    let rt = setup();
    add_balance(&rt, OWNER, PROVIDER, atto(1000));
    for (caller, amount) in [(OWNER, 100), (WORKER, 250)] {
        let r: WithdrawBalanceReturn = ret(withdraw_as(
            &rt,
            caller,
            PROVIDER,
            atto(amount),
            vec![OWNER, WORKER],
            Some((OWNER, atto(amount))),
        )
        .unwrap());
        assert_eq!(r.amount_withdrawn, atto(amount));
    }
    assert_eq!(balances(&rt, PROVIDER), (atto(650), atto(0)));
    assert_eq!(*rt.balance.borrow(), atto(650));
    check_state(&rt);
}

#[test]
fn withdrawals_by_anyone_else_are_forbidden() {
    let rt = setup();
    add_balance(&rt, OWNER, PROVIDER, atto(1000));
    add_balance(&rt, CLIENT, CLIENT, atto(1000));
    let before = rt.state.get();
    // A control address may publish deals but not withdraw.
    for caller in [CONTROL, STRANGER, CLIENT] {
        expect_code(
            withdraw_as(&rt, caller, PROVIDER, atto(1), vec![OWNER, WORKER], None),
            ExitCode::USR_FORBIDDEN,
        );
    }
    for caller in [STRANGER, OWNER] {
        expect_code(
            withdraw_as(&rt, caller, CLIENT, atto(1), vec![CLIENT], None),
            ExitCode::USR_FORBIDDEN,
        );
    }
    assert_eq!(rt.state.get(), before);
    assert_eq!(*rt.balance.borrow(), atto(2000));
    check_state(&rt);
}

#[test]
fn a_negative_withdrawal_or_an_unknown_participant_is_an_illegal_argument() {
    let rt = setup();
    add_balance(&rt, CLIENT, CLIENT, atto(1000));
    let before = rt.state.get();
    as_account(&rt, CLIENT);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "negative amount",
        call(
            &rt,
            Method::WithdrawBalance as u64,
            &WithdrawBalanceParams {
                provider_or_client: CLIENT,
                amount: atto(-1),
            },
        ),
    );
    let unknown = Address::new_bls(&[3; 48]).unwrap();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to resolve",
        call(
            &rt,
            Method::WithdrawBalanceExported as u64,
            &WithdrawBalanceParams {
                provider_or_client: unknown,
                amount: atto(1),
            },
        ),
    );
    assert_eq!(rt.state.get(), before);
    check_state(&rt);
}

#[test]
fn get_balance_reports_escrow_and_locked_to_anyone() {
    let rt = setup();
    let p = proposal(CLIENT, 1);
    add_balance(&rt, CLIENT, CLIENT, client_requirement(&p) + atto(5));
    add_balance(&rt, OWNER, PROVIDER, atto(1000));
    publish_deals(&rt, &[signed(p.clone())]);
    let key = Address::new_secp256k1(&[1; 65]).unwrap();
    rt.add_id_address(key, CLIENT.id().unwrap());
    for (who, expected) in [
        (
            key,
            (client_requirement(&p) + atto(5), client_requirement(&p)),
        ),
        (PROVIDER, (atto(1000), atto(1000))),
        (CLIENT3, (atto(0), atto(0))),
        (Address::new_id(9999), (atto(0), atto(0))),
    ] {
        rt.set_caller(builtin_code_cid(Type::EVM), STRANGER);
        rt.expect_validate_caller_any();
        let r: GetBalanceReturn = ret(call(
            &rt,
            Method::GetBalanceExported as u64,
            &GetBalanceParams { account: who },
        )
        .unwrap());
        assert_eq!((r.balance, r.locked), expected);
    }
    rt.expect_validate_caller_any();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to resolve",
        call(
            &rt,
            Method::GetBalanceExported as u64,
            &GetBalanceParams {
                account: Address::new_bls(&[4; 48]).unwrap(),
            },
        ),
    );
    check_state(&rt);
}
