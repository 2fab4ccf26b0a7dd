//! Contracts deployed on both engines: from an Ethereum account through `EAM.CreateExternal` (at
//! Ethereum's CREATE address of the sender and its nonce), from a key account (its address
//! hashed), and from a contract by CREATE and CREATE2, each at the address Ethereum's rules give,
//! with the f4 address mapped to the new actor; callers and origins seen as Ethereum addresses or
//! masked IDs; a reverting constructor and a CREATE2 collision fail with v18's exit codes; a
//! self-destructed contract is resurrected by CREATE2 at its address. The EVM actor's getters
//! answer: the bytecode, its hash, a storage slot.

use alloy_primitives::{Address as EthAddress, B256, U256};
use alloy_sol_types::SolCall;
use cid::Cid;
use fil_actor_evm::{GetStorageAtParams, Method as EvmMethod, Word, EVM_CONTRACT_REVERTED};
use fil_actors_integration_tests::contracts::{Child, Counter, Factory};
use fil_actors_integration_tests::evm::{
    create_external_message, deploy, f4, fund_eth_account, initcode, invoke, invoke_ok, keccak,
    log_entries, masked_id, return_data, sol_call_ok, Contract,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::state_log::StateLog;
use fil_actors_runtime::builtin::Type;
use fil_actors_runtime::{EAM_ACTOR_ADDR, SYSTEM_ACTOR_ADDR};
use fvm_ipld_encoding::BytesDe;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use test_vm::genesis::genesis;
use test_vm::{balance, MessageKind, Msg, VM};

/// Ethereum's well-known example: this sender's contracts at nonces 0 and 1.
const SENDER: &str = "6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0";
const SENDER_NONCE_0: &str = "cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d";
const SENDER_NONCE_1: &str = "343c43a37d37dff08ae8c4a11544c718abb4fcf8";

fn eth(hex: &str) -> [u8; 20] {
    hex::decode(hex).unwrap().try_into().unwrap()
}

/// CREATE's address: the last 20 bytes of keccak256(rlp([sender, nonce])), with the RLP written
/// out for a 20-byte string and a nonce below 2^8.
fn create_address(sender: &[u8; 20], nonce: u8) -> [u8; 20] {
    let nonce_rlp = match nonce {
        0 => vec![0x80],
        1..=0x7f => vec![nonce],
        _ => vec![0x81, nonce],
    };
    let mut rlp = vec![0xc0 + 21 + nonce_rlp.len() as u8, 0x80 + 20];
    rlp.extend_from_slice(sender);
    rlp.extend(nonce_rlp);
    keccak(&rlp)[12..].try_into().unwrap()
}

/// CREATE2's address (EIP-1014).
fn create2_address(sender: &[u8; 20], salt: &[u8; 32], initcode: &[u8]) -> [u8; 20] {
    let mut preimage = vec![0xff];
    preimage.extend_from_slice(sender);
    preimage.extend_from_slice(salt);
    preimage.extend_from_slice(&keccak(initcode));
    keccak(&preimage)[12..].try_into().unwrap()
}

#[derive(Debug, PartialEq)]
struct Outcome {
    contracts: Vec<Contract>,
    codes: Vec<ExitCode>,
    root: Cid,
}

fn code_type(vm: &dyn VM, id: u64) -> Option<Type> {
    let code = vm.actor(id).unwrap()?.code;
    vm.codes().type_of(&code)
}

/// The contract at `eth` must be an EVM actor reached by its f4 address.
fn assert_contract_at(vm: &dyn VM, eth: &[u8; 20]) -> u64 {
    let id = vm
        .resolve(&f4(eth))
        .unwrap()
        .unwrap_or_else(|| panic!("{}: no actor at 0x{}", vm.name(), hex::encode(eth)));
    assert_eq!(code_type(vm, id), Some(Type::EVM), "{}", vm.name());
    id
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let g = genesis(vm, &[TokenAmount::from_whole(10_000)]).unwrap();
    let (alice, alice_id) = g.accounts[0];
    let mut codes = vec![];
    let mut log = StateLog::default();

    // The Ethereum account exists first as a placeholder, funded at its f4 address.
    let sender = fund_eth_account(vm, alice, eth(SENDER), TokenAmount::from_whole(100)).unwrap();
    assert_eq!(code_type(vm, sender.id), Some(Type::Placeholder));

    // Its first message, a deployment at its nonce 0, makes it an Ethereum account.
    let factory = deploy(
        vm,
        sender.address,
        &initcode("Factory").unwrap(),
        TokenAmount::from_atto(0),
    )
    .unwrap();
    assert_eq!(factory.eth, eth(SENDER_NONCE_0), "{}", vm.name());
    assert_eq!(assert_contract_at(vm, &eth(SENDER_NONCE_0)), factory.id);
    let robust = factory.robust.expect("a new actor has a robust address");
    assert_eq!(vm.resolve(&robust).unwrap(), Some(factory.id));
    assert_eq!(code_type(vm, sender.id), Some(Type::EthAccount));
    assert_eq!(vm.actor(sender.id).unwrap().unwrap().sequence, 1);

    log.watch(factory.id);
    log.record(vm).unwrap();
    let counter = deploy(
        vm,
        sender.address,
        &initcode("Counter").unwrap(),
        TokenAmount::from_atto(0),
    )
    .unwrap();
    assert_eq!(counter.eth, eth(SENDER_NONCE_1));
    assert_eq!(assert_contract_at(vm, &eth(SENDER_NONCE_1)), counter.id);

    // The getters: the bytecode block (its Keccak-256 is the bytecode hash), and a storage slot
    // read by the system actor (as a node serves eth_getStorageAt): Counter's count at slot 0.
    sol_call_ok(
        vm,
        alice,
        counter.address(),
        &Counter::incrementCall { by: U256::from(5) },
    )
    .unwrap();
    let getter = |vm: &mut dyn VM, from, method: EvmMethod| {
        let msg = Msg::new(from, counter.address(), method as u64);
        let msg = if method == EvmMethod::GetStorageAt {
            msg.params(&GetStorageAtParams {
                storage_key: Word::ZERO,
            })
            .unwrap()
        } else {
            msg
        };
        let kind = if from == SYSTEM_ACTOR_ADDR {
            MessageKind::Implicit
        } else {
            MessageKind::Explicit
        };
        let ret = vm.execute(&msg, kind).unwrap();
        assert_eq!(ret.code, ExitCode::OK, "{}: {method:?}", vm.name());
        ret
    };
    let cid: Option<Cid> = getter(vm, alice, EvmMethod::GetBytecode).ret_as().unwrap();
    let bytecode = vm.store().get(&cid.unwrap()).unwrap().unwrap();
    let hash: BytesDe = getter(vm, alice, EvmMethod::GetBytecodeHash)
        .ret_as()
        .unwrap();
    assert_eq!(hash.0, keccak(&bytecode).to_vec());
    let slot: Word = getter(vm, SYSTEM_ACTOR_ADDR, EvmMethod::GetStorageAt)
        .ret_as()
        .unwrap();
    assert_eq!(slot, Word::from_u64(5), "{}", vm.name());

    // The caller and origin a contract sees: the Ethereum address of an Ethereum account, the
    // masked ID of a key account.
    let who = |vm: &mut dyn VM, from| {
        let out = sol_call_ok(vm, from, factory.address(), &Factory::whoCall {}).unwrap();
        (out.sender.0 .0, out.origin.0 .0)
    };
    assert_eq!(who(vm, sender.address), (eth(SENDER), eth(SENDER)));
    assert_eq!(who(vm, alice), (masked_id(alice_id), masked_id(alice_id)));

    // A key account deploys at CREATE(keccak256 of its address bytes, last 20; its nonce).
    let alice_nonce = vm.actor(alice_id).unwrap().unwrap().sequence;
    let alice_stable: [u8; 20] = keccak(&alice.to_bytes())[12..].try_into().unwrap();
    let by_alice = deploy(
        vm,
        alice,
        &initcode("Counter").unwrap(),
        TokenAmount::from_atto(0),
    )
    .unwrap();
    assert_eq!(
        by_alice.eth,
        create_address(&alice_stable, alice_nonce as u8)
    );
    assert_contract_at(vm, &by_alice.eth);

    // CREATE from the factory: a contract's nonce starts at 1 (EIP-161) and counts its creations.
    let child_code = initcode("Child").unwrap();
    let mut children = vec![];
    for (nonce, value) in [(1u8, 5u64), (2, 0)] {
        let ret = invoke(
            vm,
            sender.address,
            factory.address(),
            &Factory::createCall {}.abi_encode(),
            TokenAmount::from_atto(value),
        )
        .unwrap();
        codes.push(ret.code);
        let child = Factory::createCall::abi_decode_returns(&return_data(&ret).unwrap())
            .unwrap()
            .0
             .0;
        assert_eq!(child, create_address(&factory.eth, nonce), "{}", vm.name());
        let child_id = assert_contract_at(vm, &child);
        assert_eq!(
            balance(vm, child_id).unwrap(),
            TokenAmount::from_atto(value)
        );
        // `Created(address,uint256)` as a FIP-0049 event: the topic, then the data.
        assert_eq!(ret.events.len(), 1);
        assert_eq!(ret.events[0].emitter, factory.id);
        assert_eq!(
            ret.events[0].event.entries,
            log_entries(&Factory::Created {
                child: EthAddress::from(child),
                value: U256::from(value),
            })
        );
        children.push(Contract {
            id: child_id,
            eth: child,
            robust: None,
        });
    }
    log.record(vm).unwrap();
    // The child's constructor ran; its code answers.
    let child = children[0].address();
    let value = sol_call_ok(vm, alice, child, &Child::valueCall {}).unwrap();
    assert_eq!(value, U256::from(7));
    let ping = sol_call_ok(vm, alice, child, &Child::pingCall {}).unwrap();
    assert_eq!(ping, U256::from(42));

    // CREATE2 at EIP-1014's address; the same salt again collides, CREATE2 pushes zero and
    // Solidity reverts with no data.
    let salt = [0x5a; 32];
    let create2 = Factory::create2Call {
        salt: B256::from(salt),
    }
    .abi_encode();
    let ret = invoke(
        vm,
        sender.address,
        factory.address(),
        &create2,
        TokenAmount::from_atto(0),
    )
    .unwrap();
    codes.push(ret.code);
    let child = Factory::create2Call::abi_decode_returns(&return_data(&ret).unwrap())
        .unwrap()
        .0
         .0;
    assert_eq!(child, create2_address(&factory.eth, &salt, &child_code));
    children.push(Contract {
        id: assert_contract_at(vm, &child),
        eth: child,
        robust: None,
    });
    let ret = invoke(
        vm,
        sender.address,
        factory.address(),
        &create2,
        TokenAmount::from_atto(0),
    )
    .unwrap();
    assert_eq!(ret.code, EVM_CONTRACT_REVERTED, "{}", vm.name());
    assert_eq!(return_data(&ret).unwrap(), Vec::<u8>::new());
    codes.push(ret.code);

    // SELFDESTRUCT of the CREATE2 child leaves it dead; CREATE2 with the same salt then
    // resurrects the same actor with its code run again.
    let resurrected = *children.last().unwrap();
    invoke_ok(
        vm,
        sender.address,
        resurrected.address(),
        &Child::destroyCall {}.abi_encode(),
    )
    .unwrap();
    let ping = Child::pingCall {}.abi_encode();
    let out = invoke_ok(vm, alice, resurrected.address(), &ping).unwrap();
    assert_eq!(
        out,
        Vec::<u8>::new(),
        "{}: a dead contract runs no code",
        vm.name()
    );
    let ret = invoke(
        vm,
        sender.address,
        factory.address(),
        &create2,
        TokenAmount::from_atto(0),
    )
    .unwrap();
    assert_eq!(ret.code, ExitCode::OK, "{}: {:?}", vm.name(), ret.failure);
    codes.push(ret.code);
    assert_eq!(
        Factory::create2Call::abi_decode_returns(&return_data(&ret).unwrap())
            .unwrap()
            .0
             .0,
        resurrected.eth
    );
    assert_eq!(assert_contract_at(vm, &resurrected.eth), resurrected.id);
    let ping = sol_call_ok(vm, alice, resurrected.address(), &Child::pingCall {}).unwrap();
    assert_eq!(ping, U256::from(42));

    // A constructor that reverts (PUSH1 0 PUSH1 0 REVERT): the deployment fails with the EVM's
    // revert code, no actor is left at the address, and the nonce is spent.
    let nonce = vm.actor(sender.id).unwrap().unwrap().sequence;
    let doomed = create_address(&eth(SENDER), nonce as u8);
    let ret = vm
        .apply(
            &create_external_message(
                sender.address,
                &[0x60, 0x00, 0x60, 0x00, 0xfd],
                TokenAmount::from_atto(0),
            )
            .unwrap(),
        )
        .unwrap();
    assert_eq!(ret.code, EVM_CONTRACT_REVERTED, "{}", vm.name());
    codes.push(ret.code);
    assert_eq!(vm.resolve(&f4(&doomed)).unwrap(), None);
    assert_eq!(vm.actor(sender.id).unwrap().unwrap().sequence, nonce + 1);

    // Create and Create2 are for contracts only.
    let create = Msg::new(alice, EAM_ACTOR_ADDR, 2).params(&fil_actor_eam::CreateParams {
        initcode: child_code.clone(),
        nonce: 0,
    });
    let create2 = Msg::new(alice, EAM_ACTOR_ADDR, 3).params(&fil_actor_eam::Create2Params {
        initcode: child_code.clone(),
        salt,
    });
    for msg in [create.unwrap(), create2.unwrap()] {
        let ret = vm.apply(&msg).unwrap();
        assert_eq!(
            ret.code,
            ExitCode::USR_FORBIDDEN,
            "{} method {}",
            vm.name(),
            msg.method
        );
        codes.push(ret.code);
    }

    let mut contracts = vec![factory, counter, by_alice];
    contracts.extend(children);
    // ChainSafe's v18 decoders read every EVM state written.
    for c in &contracts {
        log.watch(c.id);
    }
    log.record(vm).unwrap();
    let (counts, _) = crate::v18_decoders::check_written_states(vm, &log.states, |_| Type::EVM);
    assert_eq!(counts.len(), 1);
    assert!(counts[0].1 > contracts.len(), "{}: {counts:?}", vm.name());
    Outcome {
        contracts,
        codes,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn contracts_deploy_through_the_eam_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(
        native.codes,
        vec![
            ExitCode::OK,
            ExitCode::OK,
            ExitCode::OK,
            EVM_CONTRACT_REVERTED,
            ExitCode::OK,
            EVM_CONTRACT_REVERTED,
            ExitCode::USR_FORBIDDEN,
            ExitCode::USR_FORBIDDEN
        ]
    );
    assert_eq!(native, fvm);
}
