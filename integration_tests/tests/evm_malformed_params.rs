//! Malformed parameters to every method of the EVM actor and of the EAM, on both engines, each
//! with the network's exit code: parameters missing where a method takes some
//! `USR_ILLEGAL_ARGUMENT` (16), CBOR of the wrong shape `USR_SERIALIZATION` (21), a well-formed
//! call from a caller the method does not accept `USR_FORBIDDEN` (18), a reserved or unknown
//! method number `USR_UNHANDLED_MESSAGE` (22); a contract's own answer to call data it does not
//! know is a revert (33). No failed message changes the contract's state or creates an actor.

use cid::Cid;
use fil_actor_eam::{Create2Params, CreateParams, Method as EamMethod};
use fil_actor_evm::{
    ConstructorParams, DelegateCallParams, EthAddress, GetStorageAtParams, Method as EvmMethod,
    Word, EVM_CONTRACT_REVERTED,
};
use fil_actors_integration_tests::evm::{deploy, initcode};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_runtime::{EAM_ACTOR_ADDR, INIT_ACTOR_ID};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesSer, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use serde::Serialize;
use test_vm::genesis::genesis;
use test_vm::{Msg, VM};

const MISSING: ExitCode = ExitCode::USR_ILLEGAL_ARGUMENT;
const SHAPE: ExitCode = ExitCode::USR_SERIALIZATION;
const FORBIDDEN: ExitCode = ExitCode::USR_FORBIDDEN;
const UNHANDLED: ExitCode = ExitCode::USR_UNHANDLED_MESSAGE;

/// Parameters of one message: none, or a CBOR value.
fn params<T: Serialize>(v: &T) -> Option<IpldBlock> {
    IpldBlock::serialize_cbor(v).unwrap()
}

#[derive(Debug, PartialEq)]
struct Outcome {
    codes: Vec<(String, ExitCode)>,
    root: Cid,
}

/// The state heads of the contract and of the init actor.
fn heads(vm: &dyn VM, contract: u64) -> (Cid, Cid) {
    let head = |id| vm.actor(id).unwrap().unwrap().state;
    (head(contract), head(INIT_ACTOR_ID))
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let g = genesis(vm, &[TokenAmount::from_whole(1_000)]).unwrap();
    let (alice, _) = g.accounts[0];
    let counter = deploy(
        vm,
        alice,
        &initcode("Counter").unwrap(),
        TokenAmount::from_atto(0),
    )
    .unwrap();
    let contract = counter.address();
    let wrong = || params(&"not the method's parameters");
    let ctor = ConstructorParams {
        creator: EthAddress([1; 20]),
        initcode: RawBytes::new(vec![0x00]),
    };
    let bytecode = vm.actor(counter.id).unwrap().unwrap();
    let code: Cid = test_vm::get_cbor::<fil_actor_evm::State>(vm.store(), &bytecode.state)
        .unwrap()
        .bytecode;
    let delegate = DelegateCallParams {
        code,
        input: vec![],
        caller: EthAddress([1; 20]),
        value: TokenAmount::from_atto(0),
    };
    let storage = GetStorageAtParams {
        storage_key: Word::ZERO,
    };
    let evm = |m: EvmMethod| m as MethodNum;
    let eam = |m: EamMethod| m as MethodNum;
    let cases: Vec<(&str, Address, MethodNum, Option<IpldBlock>, ExitCode)> = vec![
        (
            "evm Constructor missing",
            contract,
            evm(EvmMethod::Constructor),
            None,
            MISSING,
        ),
        (
            "evm Constructor shape",
            contract,
            evm(EvmMethod::Constructor),
            wrong(),
            SHAPE,
        ),
        (
            "evm Constructor caller",
            contract,
            evm(EvmMethod::Constructor),
            params(&ctor),
            FORBIDDEN,
        ),
        (
            "evm Resurrect missing",
            contract,
            evm(EvmMethod::Resurrect),
            None,
            MISSING,
        ),
        (
            "evm Resurrect shape",
            contract,
            evm(EvmMethod::Resurrect),
            wrong(),
            SHAPE,
        ),
        (
            "evm Resurrect caller",
            contract,
            evm(EvmMethod::Resurrect),
            params(&ctor),
            FORBIDDEN,
        ),
        (
            "evm GetStorageAt missing",
            contract,
            evm(EvmMethod::GetStorageAt),
            None,
            MISSING,
        ),
        (
            "evm GetStorageAt shape",
            contract,
            evm(EvmMethod::GetStorageAt),
            wrong(),
            SHAPE,
        ),
        (
            "evm GetStorageAt caller",
            contract,
            evm(EvmMethod::GetStorageAt),
            params(&storage),
            FORBIDDEN,
        ),
        (
            "evm InvokeContractDelegate missing",
            contract,
            evm(EvmMethod::InvokeContractDelegate),
            None,
            MISSING,
        ),
        (
            "evm InvokeContractDelegate shape",
            contract,
            evm(EvmMethod::InvokeContractDelegate),
            wrong(),
            SHAPE,
        ),
        (
            "evm InvokeContractDelegate caller",
            contract,
            evm(EvmMethod::InvokeContractDelegate),
            params(&delegate),
            FORBIDDEN,
        ),
        (
            "evm InvokeContract shape",
            contract,
            evm(EvmMethod::InvokeContract),
            params(&7u64),
            SHAPE,
        ),
        (
            "evm InvokeContract unknown selector",
            contract,
            evm(EvmMethod::InvokeContract),
            params(&BytesSer(&[1, 2, 3, 4])),
            EVM_CONTRACT_REVERTED,
        ),
        ("evm reserved 7", contract, 7, None, UNHANDLED),
        ("evm reserved 1023", contract, 1023, None, UNHANDLED),
        (
            "evm no handle_filecoin_method",
            contract,
            1024,
            None,
            EVM_CONTRACT_REVERTED,
        ),
        (
            "eam Constructor caller",
            EAM_ACTOR_ADDR,
            eam(EamMethod::Constructor),
            None,
            FORBIDDEN,
        ),
        (
            "eam Create missing",
            EAM_ACTOR_ADDR,
            eam(EamMethod::Create),
            None,
            MISSING,
        ),
        (
            "eam Create shape",
            EAM_ACTOR_ADDR,
            eam(EamMethod::Create),
            wrong(),
            SHAPE,
        ),
        (
            "eam Create caller",
            EAM_ACTOR_ADDR,
            eam(EamMethod::Create),
            params(&CreateParams {
                initcode: vec![],
                nonce: 1,
            }),
            FORBIDDEN,
        ),
        (
            "eam Create2 missing",
            EAM_ACTOR_ADDR,
            eam(EamMethod::Create2),
            None,
            MISSING,
        ),
        (
            "eam Create2 shape",
            EAM_ACTOR_ADDR,
            eam(EamMethod::Create2),
            wrong(),
            SHAPE,
        ),
        (
            "eam Create2 caller",
            EAM_ACTOR_ADDR,
            eam(EamMethod::Create2),
            params(&Create2Params {
                initcode: vec![],
                salt: [0; 32],
            }),
            FORBIDDEN,
        ),
        (
            "eam CreateExternal missing",
            EAM_ACTOR_ADDR,
            eam(EamMethod::CreateExternal),
            None,
            MISSING,
        ),
        (
            "eam CreateExternal shape",
            EAM_ACTOR_ADDR,
            eam(EamMethod::CreateExternal),
            params(&7u64),
            SHAPE,
        ),
        ("eam unknown method", EAM_ACTOR_ADDR, 5, None, UNHANDLED),
    ];
    let mut codes = vec![];
    for (name, to, method, params, expected) in cases {
        let before = heads(vm, counter.id);
        let mut msg = Msg::new(alice, to, method);
        msg.params = params;
        let ret = vm.apply(&msg).unwrap();
        assert_eq!(
            ret.code,
            expected,
            "{}: {name}: {:?}",
            vm.name(),
            ret.failure
        );
        // The contract's state and init's (no actor created) are as they were.
        assert_eq!(heads(vm, counter.id), before, "{}: {name}", vm.name());
        codes.push((name.to_string(), ret.code));
    }
    Outcome {
        codes,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn malformed_params_to_every_evm_and_eam_method_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(native.codes.len(), 27);
    assert_eq!(native, fvm);
}
