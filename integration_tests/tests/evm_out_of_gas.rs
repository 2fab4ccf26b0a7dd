//! Gas on the real FVM (the native VM meters none): a contract's CALL with a gas argument gives
//! the callee that much FVM gas; a callee that burns more runs out (`SYS_OUT_OF_GAS`), its CALL
//! returns false and the caller goes on; one that fits succeeds; `GAS` reports FVM gas left,
//! below the message's gas limit.

use alloy_primitives::{Address as EthAddress, U256};
use alloy_sol_types::SolCall;
use fil_actors_integration_tests::contracts::Opcodes as O;
use fil_actors_integration_tests::evm::{deploy, initcode, invoke, return_data};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use test_vm::genesis::genesis;
use test_vm::{chain, FvmVM, VM};

#[test]
fn a_call_with_too_little_gas_runs_out_and_the_caller_goes_on() {
    let mut vm = FvmVM::new().unwrap();
    vm.set_invariant_checks(true);
    let vm: &mut dyn VM = &mut vm;
    let g = genesis(vm, &[TokenAmount::from_whole(1_000)]).unwrap();
    let (alice, _) = g.accounts[0];
    let code = initcode("Opcodes").unwrap();
    let zero = TokenAmount::from_atto(0);
    let a = deploy(vm, alice, &code, zero.clone()).unwrap();
    let b = deploy(vm, alice, &code, zero.clone()).unwrap();
    let gas = 50_000_000;
    for (rounds, fits) in [(10u64, true), (1_000_000, false)] {
        let burn = O::burnCall {
            rounds: U256::from(rounds),
        };
        let calldata = O::callWithGasCall {
            target: EthAddress::from(b.eth),
            gasLimit: U256::from(gas),
            data: burn.abi_encode().into(),
        }
        .abi_encode();
        let ret = invoke(vm, alice, a.address(), &calldata, zero.clone()).unwrap();
        assert_eq!(ret.code, ExitCode::OK, "{:?}", ret.failure);
        let out = O::callWithGasCall::abi_decode_returns(&return_data(&ret).unwrap()).unwrap();
        assert_eq!(out.ok, fits, "{rounds} rounds");
        let left = out.left;
        assert!(
            left > U256::ZERO && left < U256::from(chain::GAS_LIMIT),
            "GAS reported {left}"
        );
        let callee = ret
            .trace
            .flatten()
            .into_iter()
            .find(|t| vm.resolve(&t.to).unwrap() == Some(b.id))
            .cloned()
            .expect("the callee was invoked");
        let expected = if fits {
            ExitCode::OK
        } else {
            ExitCode::SYS_OUT_OF_GAS
        };
        assert_eq!(callee.code, expected, "{rounds} rounds");
        // A callee that fits uses less than its limit; one that runs out has used all of it.
        let used = callee.gas.unwrap();
        assert_eq!(
            used >= gas,
            !fits,
            "{rounds} rounds: the callee used {used} of {gas}"
        );
    }
}
