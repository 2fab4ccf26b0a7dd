//! Opcode classes on both engines, each asserted by Ethereum's and the FEVM's rules: arithmetic
//! and bit operations, memory, storage and transient storage (kept and cleared between
//! transactions), logs as FIP-0049 events, block and transaction data, precompiles (Ethereum's
//! hashes, identity, MODEXP, ECRECOVER, BN254 addition, multiplication and pairing, BLAKE2 F,
//! BLS12-381 additions, P-256; Filecoin's address lookups and beacon randomness; the rest are in
//! `evm_precompiles`), the code of other addresses (EXTCODESIZE, EXTCODEHASH, EXTCODECOPY of a
//! contract, an account, a precompile, a native actor, nothing, a dead contract), calls of
//! every kind with value and with revert data, value sent by bare sends (a new address, an
//! account, an ID with no actor), SELFDESTRUCT leaving a tombstone (a dead contract
//! answers nothing), and the exceptional halts (stack and memory limits included) with the EVM
//! actor's exit codes. ChainSafe's v18
//! decoder reads every contract state written (transient data and tombstone included).

use alloy_primitives::{Address as EthAddress, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolError};
use cid::Cid;
use fil_actor_evm::{
    EVM_CONTRACT_BAD_JUMPDEST, EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS,
    EVM_CONTRACT_INVALID_INSTRUCTION, EVM_CONTRACT_STACK_OVERFLOW, EVM_CONTRACT_STACK_UNDERFLOW,
    EVM_CONTRACT_UNDEFINED_INSTRUCTION,
};
use fil_actors_integration_tests::contracts::Opcodes as O;
use fil_actors_integration_tests::evm::{
    deploy, f4, initcode, invoke, invoke_ok, keccak, log_entries, masked_id, precompile,
    return_data, sol_call_ok, word, Contract,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::state_log::StateLog;
use fil_actors_runtime::builtin::Type;
use fvm_ipld_encoding::IPLD_RAW;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::{Entry, Flags};
use test_vm::genesis::genesis;
use test_vm::{balance, chain, VM};

fn zero() -> TokenAmount {
    TokenAmount::from_atto(0)
}

fn hex32(s: &str) -> [u8; 32] {
    let mut w = [0u8; 32];
    let b = hex::decode(s).unwrap();
    w[32 - b.len()..].copy_from_slice(&b);
    w
}

/// `n` as an unsigned word.
fn uint(n: u64) -> U256 {
    U256::from(n)
}

/// `-n` as a two's-complement word.
fn neg(n: u64) -> U256 {
    U256::ZERO.wrapping_sub(U256::from(n))
}

/// Init code that deploys `runtime` (at most 32 bytes) as the contract's code.
fn deploying(runtime: &[u8]) -> Vec<u8> {
    let n = runtime.len() as u8;
    let mut code = vec![0x5f + n];
    code.extend_from_slice(runtime);
    code.extend([0x60, 0x00, 0x52, 0x60, n, 0x60, 32 - n, 0xf3]);
    code
}

fn entry(key: &str, value: Vec<u8>) -> Entry {
    Entry {
        flags: Flags::FLAG_INDEXED_ALL,
        key: key.into(),
        codec: IPLD_RAW,
        value,
    }
}

#[derive(Debug, PartialEq)]
struct Outcome {
    codes: Vec<ExitCode>,
    root: Cid,
}

fn call<C: SolCall>(vm: &mut dyn VM, from: Address, c: &Contract, call: &C) -> C::Return {
    sol_call_ok(vm, from, c.address(), call).unwrap()
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let g = genesis(vm, &[TokenAmount::from_whole(1_000)]).unwrap();
    let (alice, alice_id) = g.accounts[0];
    let code = initcode("Opcodes").unwrap();
    let a = deploy(vm, alice, &code, zero()).unwrap();
    let b = deploy(vm, alice, &code, zero()).unwrap();
    let mut log = StateLog::default();
    log.watch(a.id);
    log.watch(b.id);

    // Arithmetic and bit operations.
    let got = call(vm, alice, &a, &O::arithmeticCall {});
    let expected = [
        uint(1),
        U256::MAX - uint(1),
        uint(0),
        neg(3),
        neg(1),
        uint(3),
        uint(9),
        uint(0),
        neg(128),
        neg(4),
        uint(0x123),
        uint(0x12),
        uint(1),
        uint(0),
    ];
    assert_eq!(got, expected, "{}", vm.name());

    // Memory: MSTORE8 and MCOPY.
    let out = call(vm, alice, &a, &O::memoryOpsCall {});
    assert_eq!((out.word, out.copied), (uint(0xab), uint(0xab)));

    // Storage kept across transactions, transient storage only within one.
    let out = call(
        vm,
        alice,
        &a,
        &O::storeBothCall {
            key: uint(5),
            value: uint(9),
        },
    );
    assert_eq!((out.stored, out.tvalue), (uint(9), uint(9)));
    log.record(vm).unwrap();
    let out = call(vm, alice, &a, &O::loadBothCall { key: uint(5) });
    assert_eq!((out.stored, out.tvalue), (uint(9), uint(0)));

    // LOG0 to LOG4 and a Solidity event, as FIP-0049 events: topics t1..t4, data d (none when
    // the data is empty).
    let ret = invoke(vm, alice, a.address(), &O::logsCall {}.abi_encode(), zero()).unwrap();
    assert_eq!(ret.code, ExitCode::OK);
    let t = word;
    let expected = vec![
        vec![entry("d", vec![0xaa])],
        vec![entry("t1", t(1)), entry("d", vec![0xaa])],
        vec![entry("t1", t(1)), entry("t2", t(2)), entry("d", vec![0xaa])],
        vec![
            entry("t1", t(1)),
            entry("t2", t(2)),
            entry("t3", t(3)),
            entry("d", vec![0xaa]),
        ],
        vec![
            entry("t1", t(1)),
            entry("t2", t(2)),
            entry("t3", t(3)),
            entry("t4", t(4)),
        ],
        log_entries(&O::Logged {
            a: uint(5),
            b: uint(6),
            c: uint(7),
            data: Bytes::from_static(&[0xbe, 0xef]),
        }),
    ];
    let got: Vec<Vec<Entry>> = ret.events.iter().map(|e| e.event.entries.clone()).collect();
    assert_eq!(got, expected, "{}", vm.name());
    assert!(ret.events.iter().all(|e| e.emitter == a.id));

    // Block and transaction data: the epoch, its timestamp, a zero base fee (the test chain's),
    // the FEVM's block gas limit, no coinbase, the origin's masked ID.
    let out = call(vm, alice, &a, &O::blockDataCall {});
    let epoch = vm.epoch();
    assert_eq!(
        (
            out.number,
            out.timestamp,
            out.basefee,
            out.gaslimit,
            out.coinbase,
            out.origin
        ),
        (
            uint(epoch as u64),
            uint(chain::timestamp(epoch)),
            uint(0),
            uint(10_000_000_000),
            EthAddress::ZERO,
            EthAddress::from(masked_id(alice_id)),
        )
    );

    // Precompiles: SHA-256 and RIPEMD-160 of "abc" (their standard test vectors), identity,
    // MODEXP 3^5 mod 7.
    let out = call(vm, alice, &a, &O::precompilesCall {});
    assert_eq!(
        out.sha,
        B256::from(hex32(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        ))
    );
    assert_eq!(
        out.ripemd.to_vec(),
        hex::decode("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc").unwrap()
    );
    assert_eq!(out.identity.to_vec(), vec![0xc0, 0xff, 0xee]);
    assert_eq!(out.modexp, uint(5));

    // ECRECOVER of a signature made here with a secp256k1 key (the signer is the Keccak-256 of
    // its public key, last 20 bytes), and BN254's G + G = 2G (EIP-196's generator (1, 2)).
    let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
    let digest = keccak(b"opcode suite");
    let (signature, recovery) = key.sign_prehash_recoverable(&digest).unwrap();
    let public = key.verifying_key().to_encoded_point(false);
    let signer: [u8; 20] = keccak(&public.as_bytes()[1..])[12..].try_into().unwrap();
    let rs = signature.to_bytes();
    let out = call(
        vm,
        alice,
        &a,
        &O::curvesCall {
            digest: B256::from(digest),
            v: 27 + recovery.to_byte(),
            r: B256::from_slice(&rs[..32]),
            s: B256::from_slice(&rs[32..]),
            points: [uint(1), uint(2), uint(1), uint(2)],
        },
    );
    assert_eq!(out.signer, EthAddress::from(signer), "{}", vm.name());
    assert_eq!(
        (out.x, out.y),
        (
            U256::from_be_bytes(hex32(
                "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
            )),
            U256::from_be_bytes(hex32(
                "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4"
            ))
        )
    );

    // Filecoin's precompiles: the f4 address of contract b resolves to its ID; b's ID looks up
    // its f4 address.
    let b_f4 = f4(&b.eth).to_bytes();
    let out = call(
        vm,
        alice,
        &a,
        &O::filecoinAddressesCall {
            filAddress: b_f4.clone().into(),
            actorId: b.id,
        },
    );
    assert_eq!(out.resolved.to_vec(), word(b.id));
    assert_eq!(out.delegated.to_vec(), b_f4);

    // EXTCODESIZE, EXTCODEHASH and EXTCODECOPY by v18's rules: a contract shows its runtime code
    // (part of its init code) and that code's Keccak-256; an account and a precompile exist
    // with no code (the hash of nothing); a native actor (the power actor, f04) shows one
    // INVALID byte; where nothing exists the hash is zero.
    let code_of = |vm: &mut dyn VM, target: EthAddress| {
        let out = call(vm, alice, &a, &O::codeOfCall { target });
        (out.size, out.hash, out.code.to_vec())
    };
    let (size, hash, runtime) = code_of(vm, EthAddress::from(b.eth));
    assert_eq!(size, uint(runtime.len() as u64), "{}", vm.name());
    assert_eq!(hash, B256::from(keccak(&runtime)));
    assert!(code.windows(runtime.len()).any(|w| w == runtime.as_slice()));
    let nothing = B256::from(keccak(&[]));
    assert_eq!(
        code_of(vm, EthAddress::from(masked_id(alice_id))),
        (uint(0), nothing, vec![]),
        "{}",
        vm.name()
    );
    assert_eq!(
        code_of(vm, EthAddress::from(precompile(0, 2))),
        (uint(0), nothing, vec![])
    );
    assert_eq!(
        code_of(vm, EthAddress::from(masked_id(4))),
        (uint(1), B256::from(keccak(&[0xfe])), vec![0xfe]),
        "{}",
        vm.name()
    );
    assert_eq!(
        code_of(vm, EthAddress::from([0x5a; 20])),
        (uint(0), B256::ZERO, vec![])
    );

    // BLAKE2 F (EIP-152's test vector 5: 12 rounds over "abc"), Filecoin's beacon randomness of
    // the previous epoch (the chain's digest), and an epoch in the future refused.
    let raw = |vm: &mut dyn VM, target: [u8; 20], input: &[u8]| {
        let out = call(
            vm,
            alice,
            &a,
            &O::staticcallRawCall {
                target: EthAddress::from(target),
                input: input.to_vec().into(),
            },
        );
        (out.ok, out.out.to_vec())
    };
    let mut blake = hex::decode("0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b616263").unwrap();
    blake.resize(4 + 64 + 128, 0);
    blake.extend(hex::decode("03000000000000000000000000000000").unwrap());
    blake.push(1);
    assert_eq!(
        raw(vm, precompile(0, 9), &blake),
        (true, hex::decode("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923").unwrap()),
        "{}",
        vm.name()
    );
    // BN254: 2·G by multiplication equals G + G above; a pairing check of no pairs holds
    // (EIP-197). BLS12-381 (EIP-2537): the point at infinity plus itself, in G1 and in G2.
    let two_g = [
        hex32("030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"),
        hex32("15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4"),
    ]
    .concat();
    let mul = [word(1), word(2), word(2)].concat();
    assert_eq!(
        raw(vm, precompile(0, 7), &mul),
        (true, two_g),
        "{}",
        vm.name()
    );
    assert_eq!(raw(vm, precompile(0, 8), &[]), (true, word(1)));
    assert_eq!(
        raw(vm, precompile(0, 0x0b), &[0; 256]),
        (true, vec![0; 128]),
        "{}",
        vm.name()
    );
    assert_eq!(
        raw(vm, precompile(0, 0x0d), &[0; 512]),
        (true, vec![0; 256]),
        "{}",
        vm.name()
    );

    // P-256 verification (RIP-7212): a signature made here verifies (a word 1); over another
    // digest it does not (no output).
    let p256_key = p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap();
    let digest = keccak(b"p256");
    let signature: p256::ecdsa::Signature =
        p256::ecdsa::signature::hazmat::PrehashSigner::sign_prehash(&p256_key, &digest).unwrap();
    let point = p256_key.verifying_key().to_encoded_point(false);
    let mut input = digest.to_vec();
    input.extend_from_slice(&signature.to_bytes());
    input.extend_from_slice(&point.as_bytes()[1..]);
    assert_eq!(
        raw(vm, precompile(0, 0x100), &input),
        (true, word(1)),
        "{}",
        vm.name()
    );
    input[0] ^= 1;
    assert_eq!(
        raw(vm, precompile(0, 0x100), &input),
        (true, vec![]),
        "{}",
        vm.name()
    );

    let now = vm.epoch() + 10;
    vm.advance_epoch(now).unwrap();
    let previous = now - 1;
    assert_eq!(
        raw(vm, precompile(0xfe, 6), &word(previous as u64)),
        (true, chain::beacon_randomness(previous).to_vec()),
        "{}",
        vm.name()
    );
    let future = vm.epoch() + 1;
    assert_eq!(
        raw(vm, precompile(0xfe, 6), &word(future as u64)),
        (false, vec![])
    );

    // Calls: CALL with value, CALL reverting with data, STATICCALL of a writer (refused),
    // DELEGATECALL of a writer (writes the caller's storage).
    let ret = invoke(
        vm,
        alice,
        a.address(),
        &O::callsCall {
            other: EthAddress::from(b.eth),
        }
        .abi_encode(),
        TokenAmount::from_atto(100),
    )
    .unwrap();
    assert_eq!(ret.code, ExitCode::OK, "{}: {:?}", vm.name(), ret.failure);
    let out = O::callsCall::abi_decode_returns(&return_data(&ret).unwrap()).unwrap();
    let refused = O::Refused {
        code: uint(7),
        why: "no".into(),
    }
    .abi_encode();
    assert_eq!(
        (
            out.valueOk,
            out.otherBalance,
            out.revertOk,
            out.revertData.to_vec()
        ),
        (true, uint(100), false, refused)
    );
    assert!(!out.staticOk, "{}: STATICCALL cannot write", vm.name());
    assert_eq!((out.delegateOk, out.ownWrites), (true, uint(1)));
    assert_eq!(balance(vm, b.id).unwrap(), TokenAmount::from_atto(100));
    assert_eq!(balance(vm, a.id).unwrap(), zero());
    log.record(vm).unwrap();

    // Value in a CALL with no data, by v18's rules: to a new Ethereum address, a bare send that
    // creates a placeholder holding it; to a key account, a bare send even with gas (method 0,
    // the account is not invoked); to an ID with no actor, a failed send (the value stays with
    // the contract); no value to another new address, a success that creates nothing.
    let pay = |vm: &mut dyn VM, to: [u8; 20], gas: u64, value: u64| {
        let call = O::payCall {
            to: EthAddress::from(to),
            gasLimit: uint(gas),
        };
        let ret = invoke(
            vm,
            alice,
            a.address(),
            &call.abi_encode(),
            TokenAmount::from_atto(value),
        )
        .unwrap();
        assert_eq!(ret.code, ExitCode::OK, "{}: {:?}", vm.name(), ret.failure);
        let ok = O::payCall::abi_decode_returns(&return_data(&ret).unwrap()).unwrap();
        (ok, ret)
    };
    let fresh = [0xab; 20];
    assert!(pay(vm, fresh, 0, 5).0, "{}", vm.name());
    let placeholder = vm.resolve(&f4(&fresh)).unwrap().unwrap();
    let code = vm.actor(placeholder).unwrap().unwrap().code;
    assert_eq!(
        test_vm::code_types(vm.codes()).get(&code),
        Some(&Type::Placeholder)
    );
    assert_eq!(balance(vm, placeholder).unwrap(), TokenAmount::from_atto(5));
    let alice_before = balance(vm, alice_id).unwrap();
    let (ok, ret) = pay(vm, masked_id(alice_id), 100_000, 3);
    assert!(ok, "{}", vm.name());
    let to_alice: Vec<_> = ret
        .trace
        .flatten()
        .into_iter()
        .filter(|t| t.to == Address::new_id(alice_id))
        .map(|t| (t.method, t.value.clone()))
        .collect();
    assert_eq!(
        to_alice,
        vec![(0, TokenAmount::from_atto(3))],
        "{}",
        vm.name()
    );
    assert_eq!(balance(vm, alice_id).unwrap(), alice_before);
    assert!(!pay(vm, masked_id(9_999), 0, 1).0, "{}", vm.name());
    assert_eq!(balance(vm, a.id).unwrap(), TokenAmount::from_atto(1));
    let untouched = [0xcd; 20];
    assert!(pay(vm, untouched, 100_000, 0).0, "{}", vm.name());
    assert_eq!(vm.resolve(&f4(&untouched)).unwrap(), None);
    log.record(vm).unwrap();

    // SELFDESTRUCT pays the balance to the beneficiary and leaves a tombstone: after the
    // transaction, the contract has no code and a call answers nothing.
    let before = balance(vm, alice_id).unwrap();
    let ret = invoke(
        vm,
        alice,
        b.address(),
        &O::destroyCall {
            beneficiary: EthAddress::from(masked_id(alice_id)),
        }
        .abi_encode(),
        zero(),
    )
    .unwrap();
    assert_eq!(ret.code, ExitCode::OK, "{}: {:?}", vm.name(), ret.failure);
    assert_eq!(balance(vm, b.id).unwrap(), zero());
    assert_eq!(
        balance(vm, alice_id).unwrap(),
        before + TokenAmount::from_atto(100)
    );
    let out = invoke_ok(vm, alice, b.address(), &O::depositCall {}.abi_encode()).unwrap();
    assert_eq!(
        out,
        Vec::<u8>::new(),
        "{}: a dead contract runs no code",
        vm.name()
    );
    // A dead contract has no code, and the hash of nothing.
    assert_eq!(
        code_of(vm, EthAddress::from(b.eth)),
        (uint(0), nothing, vec![]),
        "{}",
        vm.name()
    );
    log.record(vm).unwrap();
    let st: fil_actor_evm_state::v18::State = test_vm::actor_state(vm, b.id).unwrap();
    let tomb = st
        .tombstone
        .expect("a self-destructed contract has a tombstone");
    assert_eq!(tomb.origin, alice_id);

    // Exceptional halts: INVALID, an undefined opcode, a stack underflow, a bad jump, a loop
    // pushing past the 1,024-item stack, MLOAD beyond the 32-bit memory the FEVM addresses.
    let mut codes = vec![];
    for (runtime, expected) in [
        (vec![0xfe], EVM_CONTRACT_INVALID_INSTRUCTION),
        (vec![0x0c], EVM_CONTRACT_UNDEFINED_INSTRUCTION),
        // CALLCODE and the blob opcodes (BLOBHASH, BLOBBASEFEE): not in the FEVM.
        (vec![0xf2], EVM_CONTRACT_UNDEFINED_INSTRUCTION),
        (vec![0x49], EVM_CONTRACT_UNDEFINED_INSTRUCTION),
        (vec![0x4a], EVM_CONTRACT_UNDEFINED_INSTRUCTION),
        (vec![0x01], EVM_CONTRACT_STACK_UNDERFLOW),
        (vec![0x60, 0x00, 0x56], EVM_CONTRACT_BAD_JUMPDEST),
        (
            vec![0x5b, 0x60, 0x00, 0x60, 0x00, 0x56],
            EVM_CONTRACT_STACK_OVERFLOW,
        ),
        (
            vec![0x64, 0xff, 0xff, 0xff, 0xff, 0xff, 0x51],
            EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS,
        ),
    ] {
        let c = deploy(vm, alice, &deploying(&runtime), zero()).unwrap();
        let ret = invoke(vm, alice, c.address(), &[], zero()).unwrap();
        assert_eq!(ret.code, expected, "{}: runtime {runtime:02x?}", vm.name());
        codes.push(ret.code);
    }

    let (counts, _) = crate::v18_decoders::check_written_states(vm, &log.states, |_| Type::EVM);
    assert_eq!(counts.len(), 1);
    Outcome {
        codes,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn opcode_classes_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(native, fvm);
}
