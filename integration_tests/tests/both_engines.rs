//! One scenario on both engines (genesis, transfers, an init Exec, a cron tick): same exit codes,
//! balances and state roots; plus failures that must leave no state behind.

use cid::Cid;
use fil_actors_integration_tests::on_both_engines;
use fil_actors_runtime::builtin::{Type, INIT_ACTOR_ADDR};
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::METHOD_SEND;
use test_vm::genesis::{account_address, genesis};
use test_vm::{balance, Msg, VM};

#[derive(Serialize_tuple, Deserialize_tuple)]
struct ExecParams {
    code_cid: Cid,
    constructor_params: RawBytes,
}

#[derive(Debug, PartialEq)]
struct Outcome {
    codes: Vec<ExitCode>,
    balances: Vec<TokenAmount>,
    roots: Vec<Cid>,
}

fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let g = genesis(vm, &[fil(100), fil(50)]).unwrap();
    let (a, a_id) = g.accounts[0];
    let (b, b_id) = g.accounts[1];
    let mut codes = vec![];
    let mut roots = vec![vm.state_root().unwrap()];

    // A transfer between accounts, one to a new key address, one beyond the balance, one to
    // a missing ID.
    codes.push(
        vm.apply(&Msg::new(a, b, METHOD_SEND).value(fil(10)))
            .unwrap()
            .code,
    );
    let c = account_address(7);
    codes.push(
        vm.apply(&Msg::new(b, c, METHOD_SEND).value(fil(1)))
            .unwrap()
            .code,
    );
    codes.push(
        vm.apply(&Msg::new(a, b, METHOD_SEND).value(fil(1000)))
            .unwrap()
            .code,
    );
    codes.push(
        vm.apply(&Msg::new(a, Address::new_id(4242), METHOD_SEND).value(fil(1)))
            .unwrap()
            .code,
    );
    roots.push(vm.state_root().unwrap());

    // An init Exec of a multisig without constructor parameters: the constructor refuses them,
    // which must revert init's changes (the new ID and address).
    let exec = ExecParams {
        code_cid: vm.codes().code(Type::Multisig),
        constructor_params: RawBytes::default(),
    };
    let ret = vm
        .apply(&Msg::new(a, INIT_ACTOR_ADDR, 2).params(&exec).unwrap())
        .unwrap();
    codes.push(ret.code);
    roots.push(vm.state_root().unwrap());

    // The cron tick.
    let tick = vm.advance_epoch(1).unwrap();
    codes.push(tick.code);
    roots.push(vm.state_root().unwrap());

    let c_id = vm.resolve(&c).unwrap().expect("the new account exists");
    let balances = [a_id, b_id, c_id]
        .iter()
        .map(|id| balance(vm, *id).unwrap())
        .collect();
    Outcome {
        codes,
        balances,
        roots,
    }
}

#[test]
fn scenario_gives_the_same_codes_balances_and_roots_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(
        native.codes,
        vec![
            ExitCode::OK,
            ExitCode::OK,
            ExitCode::SYS_INSUFFICIENT_FUNDS,
            ExitCode::SYS_INVALID_RECEIVER,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            ExitCode::OK
        ]
    );
    assert_eq!(native.balances, vec![fil(90), fil(59), fil(1)]);
    assert_eq!(native, fvm);
}

#[test]
fn an_aborted_nested_call_leaves_no_state_behind() {
    let (native, fvm) = on_both_engines(|vm| {
        let g = genesis(vm, &[fil(10)]).unwrap();
        let (a, _) = g.accounts[0];
        // A transfer then a failing Exec: the root after the Exec equals the root before it,
        // apart from the sender's nonce.
        let exec = ExecParams {
            code_cid: vm.codes().code(Type::PaymentChannel),
            constructor_params: RawBytes::default(),
        };
        let init_before = vm.actor(1).unwrap().unwrap();
        let ret = vm
            .apply(&Msg::new(a, INIT_ACTOR_ADDR, 2).params(&exec).unwrap())
            .unwrap();
        let init_after = vm.actor(1).unwrap().unwrap();
        (
            ret.code,
            init_before == init_after,
            vm.state_root().unwrap(),
        )
    });
    // The payment channel's constructor refuses missing parameters.
    assert_eq!(native.0, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(native.1, "init's state must be reverted");
    assert_eq!(native, fvm);
}
