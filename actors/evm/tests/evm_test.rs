//! The EVM actor's methods on the mock runtime: construction, invocation, storage, transient
//! storage, logs as events, the interpreter's exit codes, the read-only flag, the getters,
//! `handle_filecoin_method`, and malformed parameters to every method.

mod common;

use cid::Cid;
use common::*;
use fil_actor_evm::{
    abi, BytecodeHash, DelegateCallParams, EvmContractActor, GetStorageAtParams, Method, Word,
    EVM_CONTRACT_BAD_JUMPDEST, EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS,
    EVM_CONTRACT_INVALID_INSTRUCTION, EVM_CONTRACT_REVERTED, EVM_CONTRACT_STACK_OVERFLOW,
    EVM_CONTRACT_STACK_UNDERFLOW, EVM_CONTRACT_UNDEFINED_INSTRUCTION,
};
use fil_actors_runtime::test_utils::*;
use fil_actors_runtime::{Type, EAM_ACTOR_ADDR, SYSTEM_ACTOR_ADDR};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesDe, CBOR, IPLD_RAW};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::{ActorEvent, Entry, Flags};
use multihash_codetable::{Code, MultihashDigest};

/// Stores calldata word 0 at the slot given by calldata word 1, then returns SLOAD(slot).
fn store_and_load() -> Vec<u8> {
    Asm::new()
        .push_u64(0)
        .op(op::CALLDATALOAD)
        .push_u64(32)
        .op(op::CALLDATALOAD)
        .op(op::SSTORE)
        .push_u64(32)
        .op(op::CALLDATALOAD)
        .op(op::SLOAD)
        .return_top()
        .build()
}

fn keccak(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(Code::Keccak256.digest(data).digest());
    out
}

#[test]
fn constructor_stores_the_returned_bytecode() {
    let runtime = store_and_load();
    let rt = deploy(&runtime);
    let st = state(&rt);
    assert_eq!(st.bytecode_hash, BytecodeHash(keccak(&runtime)));
    assert_eq!(rt.store.get(&st.bytecode).unwrap().unwrap(), runtime);
    assert_eq!(st.bytecode.codec(), IPLD_RAW);
    assert_eq!(st.nonce, 1);
    assert_eq!(st.tombstone, None);
    let transient = st.transient_data.expect("flushed with transient data");
    assert_eq!(transient.transient_data_lifespan.origin, ORIGIN_ID);
    assert_eq!(transient.transient_data_lifespan.nonce, 7);
    check_state(&rt);

    // Both getters answer any caller.
    rt.set_caller(user_code_cid("x"), Address::new_id(5000));
    rt.expect_validate_caller_any();
    let got = rt
        .call::<EvmContractActor>(Method::GetBytecode as u64, None)
        .unwrap()
        .unwrap();
    assert_eq!(got.deserialize::<Option<Cid>>().unwrap(), Some(st.bytecode));
    rt.expect_validate_caller_any();
    let got = rt
        .call::<EvmContractActor>(Method::GetBytecodeHash as u64, None)
        .unwrap()
        .unwrap();
    assert_eq!(got.deserialize::<BytecodeHash>().unwrap(), st.bytecode_hash);
}

#[test]
fn empty_init_code_makes_a_contract_without_code() {
    let rt = new_runtime();
    construct(&rt, &[]).unwrap();
    let st = state(&rt);
    assert_eq!(st.bytecode_hash, BytecodeHash::EMPTY);
    assert_eq!(
        rt.store.get(&st.bytecode).unwrap().unwrap(),
        Vec::<u8>::new()
    );
    // Calling it returns nothing.
    assert_eq!(invoke(&rt, &[1, 2, 3]).unwrap(), Vec::<u8>::new());
    check_state(&rt);
}

#[test]
fn constructor_refusals() {
    // Only the init actor.
    let rt = new_runtime();
    rt.set_caller(builtin_code_cid(Type::EAM), EAM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![fil_actors_runtime::INIT_ACTOR_ADDR]);
    let params = fil_actor_evm::ConstructorParams {
        creator: origin_eth(),
        initcode: vec![].into(),
    };
    expect_code(
        rt.call::<EvmContractActor>(1, IpldBlock::serialize_cbor(&params).unwrap()),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();

    // A contract without an f4 address was not deployed by the EAM.
    let rt = MockRuntimeForNoF4::new();
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "doesn't have an eth address",
        construct(&rt, &[]),
    );

    // Init code that reverts: the revert data comes back with EVM_CONTRACT_REVERTED.
    let rt = new_runtime();
    let init = Asm::new().push_u64(0xabcd).return_top().build();
    let mut revert = init.clone();
    *revert.last_mut().unwrap() = op::REVERT;
    let err = expect_code(construct(&rt, &revert), EVM_CONTRACT_REVERTED);
    let data = err.data().unwrap().deserialize::<BytesDe>().unwrap().0;
    assert_eq!(data, word(0xabcd));
    assert_eq!(rt.state.get(), *fil_actors_runtime::EMPTY_ARR_CID);

    // Code starting with 0xEF (EIP-3541) and code over 24 KiB are refused.
    let rt = new_runtime();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "EIP-3541",
        construct(&rt, &deployer(&[0xef])),
    );
    let rt = new_runtime();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "24577",
        construct(&rt, &deployer(&vec![0u8; 24 * 1024 + 1])),
    );
    // A second construction over existing state.
    let rt = deploy(&[op::STOP]);
    expect_code(construct(&rt, &[]), ExitCode::USR_ILLEGAL_STATE);
}

/// A runtime whose contract has no f4 address.
struct MockRuntimeForNoF4;
impl MockRuntimeForNoF4 {
    #[allow(clippy::new_ret_no_self)]
    fn new() -> MockRuntime {
        let rt = MockRuntime::new(Address::new_id(CONTRACT_ID));
        rt.set_origin(Address::new_id(ORIGIN_ID));
        rt
    }
}

#[test]
fn storage_round_trips_and_is_readable_by_the_system_actor() {
    let rt = deploy(&store_and_load());
    let mut input = word(0x1234);
    input.extend(word(5));
    assert_eq!(invoke(&rt, &input).unwrap(), word(0x1234));
    check_state(&rt);

    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    let ret = rt
        .call::<EvmContractActor>(
            Method::GetStorageAt as u64,
            IpldBlock::serialize_cbor(&GetStorageAtParams {
                storage_key: Word::from_u64(5),
            })
            .unwrap(),
        )
        .unwrap()
        .unwrap();
    // The value encodes without leading zeros.
    assert_eq!(ret.data, vec![0x42, 0x12, 0x34]);
    assert_eq!(ret.deserialize::<Word>().unwrap(), Word::from_u64(0x1234));

    // Writing zero deletes the slot: the storage root is the empty KAMT again.
    let empty_root = state(&deploy(&store_and_load())).contract_state;
    let mut input = word(0);
    input.extend(word(5));
    assert_eq!(invoke(&rt, &input).unwrap(), word(0));
    assert_eq!(state(&rt).contract_state, empty_root);

    // Anyone else may not read storage.
    rt.set_caller(user_code_cid("x"), Address::new_id(5000));
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_code(
        rt.call::<EvmContractActor>(
            Method::GetStorageAt as u64,
            IpldBlock::serialize_cbor(&GetStorageAtParams {
                storage_key: Word::from_u64(5),
            })
            .unwrap(),
        ),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
}

#[test]
fn frame_and_block_data() {
    // Returns CALLER, ORIGIN, ADDRESS, CALLVALUE, NUMBER, TIMESTAMP, CHAINID, BASEFEE, GASPRICE,
    // GASLIMIT, COINBASE, SELFBALANCE as 12 words.
    let mut code = Asm::new();
    for (i, o) in [
        op::CALLER,
        op::ORIGIN,
        op::ADDRESS,
        op::CALLVALUE,
        op::NUMBER,
        op::TIMESTAMP,
        op::CHAINID,
        op::BASEFEE,
        op::GASPRICE,
        op::GASLIMIT,
        op::COINBASE,
        op::SELFBALANCE,
    ]
    .iter()
    .enumerate()
    {
        code = code.op(*o).push_u64(32 * i as u64).op(op::MSTORE);
    }
    let code = code.push_u64(12 * 32).push_u64(0).op(op::RETURN).build();
    let rt = deploy(&code);
    rt.set_epoch(4321);
    rt.tipset_timestamp.set(1_700_000_000);
    *rt.base_fee.borrow_mut() = TokenAmount::from_atto(100);
    *rt.gas_premium.borrow_mut() = TokenAmount::from_atto(7);
    rt.set_balance(TokenAmount::from_atto(1000));
    let out = invoke_with_value(&rt, &[], TokenAmount::from_atto(55)).unwrap();
    let w = |i: usize| out[i * 32..(i + 1) * 32].to_vec();
    let addr = |a: fil_actor_evm::EthAddress| {
        let mut v = vec![0u8; 12];
        v.extend(a.0);
        v
    };
    assert_eq!(w(0), addr(origin_eth()));
    assert_eq!(w(1), addr(origin_eth()));
    assert_eq!(w(2), addr(contract_eth()));
    assert_eq!(w(3), word(55));
    assert_eq!(w(4), word(4321));
    assert_eq!(w(5), word(1_700_000_000));
    assert_eq!(w(6), word(0));
    assert_eq!(w(7), word(100));
    assert_eq!(w(8), word(107));
    assert_eq!(w(9), word(10_000_000_000));
    assert_eq!(w(10), word(0));
    // The balance includes the value just received.
    assert_eq!(w(11), word(1055));
}

#[test]
fn a_caller_without_f4_address_is_seen_by_masked_id() {
    let rt = deploy(&Asm::new().op(op::CALLER).return_top().build());
    rt.set_caller(user_code_cid("relay"), Address::new_id(4242));
    rt.expect_validate_caller_any();
    let out = rt
        .call::<EvmContractActor>(Method::InvokeContract as u64, None)
        .unwrap()
        .unwrap()
        .deserialize::<BytesDe>()
        .unwrap()
        .0;
    let mut expected = vec![0u8; 12];
    expected.extend(fil_actor_evm::EthAddress::from_id(4242).0);
    assert_eq!(out, expected);
}

#[test]
fn call_data_may_come_as_a_raw_block() {
    let rt = deploy(&Asm::new().op(op::CALLDATASIZE).return_top().build());
    rt.set_caller(user_code_cid("x"), Address::new_id(5000));
    rt.expect_validate_caller_any();
    let out = rt
        .call::<EvmContractActor>(
            Method::InvokeContract as u64,
            Some(IpldBlock {
                codec: IPLD_RAW,
                data: vec![1, 2, 3],
            }),
        )
        .unwrap()
        .unwrap();
    assert_eq!(out.deserialize::<BytesDe>().unwrap().0, word(3));
}

#[test]
fn exceptional_halts_take_v18_exit_codes() {
    let cases: Vec<(Vec<u8>, ExitCode)> = vec![
        (vec![op::ADD], EVM_CONTRACT_STACK_UNDERFLOW),
        (vec![op::INVALID], EVM_CONTRACT_INVALID_INSTRUCTION),
        (vec![0x0c], EVM_CONTRACT_UNDEFINED_INSTRUCTION),
        (vec![0x1e], EVM_CONTRACT_UNDEFINED_INSTRUCTION), // CLZ is after v18
        (vec![op::BLOBHASH], EVM_CONTRACT_UNDEFINED_INSTRUCTION),
        (vec![op::BLOBBASEFEE], EVM_CONTRACT_UNDEFINED_INSTRUCTION),
        (
            Asm::new().ops(&[op::PUSH0; 7]).op(op::CALLCODE).build(),
            EVM_CONTRACT_UNDEFINED_INSTRUCTION,
        ),
        (
            Asm::new().push_u64(3).op(op::JUMP).build(),
            EVM_CONTRACT_BAD_JUMPDEST,
        ),
        (
            Asm::new().push_u64(u64::MAX).op(op::MLOAD).build(),
            EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS,
        ),
        (
            // 1025 pushes: one over the stack limit.
            vec![op::PUSH0; 1025],
            EVM_CONTRACT_STACK_OVERFLOW,
        ),
    ];
    for (code, exit) in cases {
        let rt = deploy(&code);
        let before = rt.state.get();
        expect_code(invoke(&rt, &[]), exit);
        assert_eq!(rt.state.get(), before, "{:?}", code);
    }
}

#[test]
fn revert_returns_its_data_and_changes_nothing() {
    // SSTORE(1, 1) then REVERT with the word 0x99.
    let code = Asm::new()
        .push_u64(1)
        .push_u64(1)
        .op(op::SSTORE)
        .push_u64(0x99)
        .push_u64(0)
        .op(op::MSTORE)
        .push_u64(32)
        .push_u64(0)
        .op(op::REVERT)
        .build();
    let rt = deploy(&code);
    let before = rt.state.get();
    let err = expect_code(invoke(&rt, &[]), EVM_CONTRACT_REVERTED);
    assert_eq!(err.data().unwrap().codec, CBOR);
    assert_eq!(
        err.data().unwrap().deserialize::<BytesDe>().unwrap().0,
        word(0x99)
    );
    assert_eq!(rt.state.get(), before);
}

#[test]
fn nothing_is_written_under_the_read_only_flag() {
    let rt = deploy(&store_and_load());
    rt.read_only.set(true);
    let before = rt.state.get();
    let mut input = word(1);
    input.extend(word(1));
    expect_code(invoke(&rt, &input), ExitCode::USR_READ_ONLY);
    // TSTORE, LOG, CREATE, CREATE2, SELFDESTRUCT and CALL with value are refused too.
    for code in [
        Asm::new().push_u64(1).push_u64(1).op(op::TSTORE).build(),
        Asm::new().push_u64(0).push_u64(0).op(op::LOG0).build(),
        Asm::new().ops(&[op::PUSH0; 3]).op(op::CREATE).build(),
        Asm::new().ops(&[op::PUSH0; 4]).op(op::CREATE2).build(),
        Asm::new().push_u64(0).op(op::SELFDESTRUCT).build(),
        Asm::new()
            .ops(&[op::PUSH0; 4])
            .push_u64(1)
            .push_u64(0x1234)
            .op(op::PUSH0)
            .op(op::CALL)
            .build(),
    ] {
        let rt = deploy(&code);
        rt.read_only.set(true);
        let before = rt.state.get();
        expect_code(invoke(&rt, &[]), ExitCode::USR_READ_ONLY);
        assert_eq!(rt.state.get(), before);
    }
    // Reading is fine.
    let rt2 = deploy(&Asm::new().push_u64(9).op(op::SLOAD).return_top().build());
    rt2.read_only.set(true);
    assert_eq!(invoke(&rt2, &[]).unwrap(), word(0));
    assert_eq!(rt.state.get(), before);
}

#[test]
fn transient_storage_lives_for_one_message() {
    // If calldata is non-empty: TSTORE(3, 77). Always: return TLOAD(3).
    let code = Asm::new()
        .op(op::CALLDATASIZE)
        .op(op::ISZERO)
        .push_u64(10)
        .op(op::JUMPI)
        .push_u64(77)
        .push_u64(3)
        .op(op::TSTORE)
        .op(op::JUMPDEST)
        .push_u64(3)
        .op(op::TLOAD)
        .return_top()
        .build();
    assert_eq!(code[10], op::JUMPDEST);
    let rt = deploy(&code);
    assert_eq!(invoke(&rt, &[1]).unwrap(), word(77));
    // The same message (origin, nonce) still sees it.
    assert_eq!(invoke(&rt, &[]).unwrap(), word(77));
    let st = state(&rt);
    assert_eq!(st.transient_data.unwrap().transient_data_lifespan.nonce, 7);
    check_state(&rt);
    // The next message does not.
    rt.nonce.set(8);
    assert_eq!(invoke(&rt, &[]).unwrap(), word(0));
}

#[test]
fn logs_become_events() {
    // LOG2 with topics 0xaa, 0xbb and data = the word 5.
    let code = Asm::new()
        .push_u64(5)
        .push_u64(0)
        .op(op::MSTORE)
        .push_u64(0xbb)
        .push_u64(0xaa)
        .push_u64(32)
        .push_u64(0)
        .op(op::LOG2)
        .push_u64(0)
        .push_u64(0)
        .op(op::LOG0)
        .op(op::STOP)
        .build();
    let rt = deploy(&code);
    let raw = |flags, key: &str, value: Vec<u8>| Entry {
        flags,
        key: key.to_string(),
        codec: IPLD_RAW,
        value,
    };
    rt.expect_emitted_event(ActorEvent {
        entries: vec![
            raw(Flags::FLAG_INDEXED_ALL, "t1", word(0xaa)),
            raw(Flags::FLAG_INDEXED_ALL, "t2", word(0xbb)),
            raw(Flags::FLAG_INDEXED_ALL, "d", word(5)),
        ],
    });
    // LOG0 with no data is an event with no entries.
    rt.expect_emitted_event(ActorEvent { entries: vec![] });
    invoke(&rt, &[]).unwrap();
}

#[test]
fn gas_reads_the_fvm_gas_left() {
    let rt = deploy(&Asm::new().op(op::GAS).return_top().build());
    rt.gas_available.set(123_456);
    assert_eq!(invoke(&rt, &[]).unwrap(), word(123_456));
}

#[test]
fn prevrandao_is_beacon_randomness() {
    let rt = deploy(
        &Asm::new()
            .op(op::PREVRANDAO)
            .op(op::PREVRANDAO)
            .op(op::ADD)
            .return_top()
            .build(),
    );
    rt.set_epoch(50);
    rt.expect_get_randomness_from_beacon(
        fil_actors_runtime::runtime::DomainSeparationTag::EvmPrevRandao,
        50,
        vec![],
        [3u8; 32],
    );
    // Drawn once: both reads see the same value.
    let out = invoke(&rt, &[]).unwrap();
    let mut expected = [6u8; 32];
    expected[31] = 6;
    assert_eq!(out, expected.to_vec());
}

#[test]
fn unknown_frc42_methods_go_to_handle_filecoin_method() {
    // Returns its call data as the ABI answer after replacing the selector with zeros would be
    // too clever; instead the contract checks nothing and answers (0, CBOR, h'8203').
    // Return layout: exit_code, codec, offset (0x60), length, data.
    let mut answer = word(0);
    answer.extend(word(CBOR));
    answer.extend(word(0x60));
    answer.extend(word(2));
    let mut data = vec![0x82, 0x03];
    data.resize(32, 0);
    answer.extend(data);
    // Code: CODECOPY the answer (appended after the code) and return it.
    let len = answer.len() as u64;
    let head_len = 10u64;
    let mut code = Asm::new()
        .push_u64(len)
        .push_u64(head_len)
        .push_u64(0)
        .op(op::CODECOPY)
        .push_u64(len)
        .push_u64(0)
        .op(op::RETURN)
        .build();
    assert_eq!(code.len() as u64, head_len);
    code.extend(answer);
    let rt = deploy(&code);
    rt.set_caller(builtin_code_cid(Type::Miner), Address::new_id(1234));
    rt.expect_validate_caller_any();
    let method = fil_actors_runtime::method_hash!("SectorContentChanged");
    let ret = rt
        .call::<EvmContractActor>(method, IpldBlock::serialize_cbor(&5u8).unwrap())
        .unwrap();
    assert_eq!(
        ret,
        Some(IpldBlock {
            codec: CBOR,
            data: vec![0x82, 0x03]
        })
    );
}

#[test]
fn handle_filecoin_method_call_data_is_the_abi_encoding() {
    let input = abi::handle_filecoin_method_call(3844450838, CBOR, &[0xaa; 33]);
    assert_eq!(&input[..4], &[0x86, 0x8e, 0x10, 0xc4]);
    assert_eq!(&input[4..36], word(3844450838).as_slice());
    assert_eq!(&input[36..68], word(CBOR).as_slice());
    assert_eq!(&input[68..100], word(96).as_slice());
    assert_eq!(&input[100..132], word(33).as_slice());
    assert_eq!(&input[132..165], &[0xaa; 33]);
    assert_eq!(&input[165..], &[0u8; 31]);
    // The selector is keccak of the signature.
    assert_eq!(
        &keccak(b"handle_filecoin_method(uint64,uint64,bytes)")[..4],
        &abi::NATIVE_METHOD_SELECTOR
    );
}

#[test]
fn handle_filecoin_method_answers_decode_by_v18_rules() {
    fn answer_rt(answer: Vec<u8>) -> MockRuntime {
        let len = answer.len() as u64;
        let mut code = Asm::new()
            .push_u64(len)
            .push_u64(10)
            .push_u64(0)
            .op(op::CODECOPY)
            .push_u64(len)
            .push_u64(0)
            .op(op::RETURN)
            .build();
        assert_eq!(code.len(), 10);
        code.extend(answer);
        deploy(&code)
    }
    let call = |rt: &MockRuntime| {
        rt.set_caller(user_code_cid("x"), Address::new_id(5000));
        rt.expect_validate_caller_any();
        let r = rt.call::<EvmContractActor>(1 << 30, None);
        rt.verify();
        r
    };
    // A non-zero exit code is the method's exit code, with the data.
    let mut a = word(17);
    a.extend(word(0));
    a.extend(word(0x60));
    a.extend(word(0));
    expect_code(call(&answer_rt(a)), ExitCode::USR_NOT_FOUND);
    // Codec 0 with data is a serialization error, as is an unknown codec.
    let mut a = word(0);
    a.extend(word(0));
    a.extend(word(0x60));
    a.extend(word(1));
    a.extend(word(0));
    expect_code(call(&answer_rt(a)), ExitCode::USR_SERIALIZATION);
    let mut a = word(0);
    a.extend(word(0x71));
    a.extend(word(0x60));
    a.extend(word(0));
    expect_code(call(&answer_rt(a)), ExitCode::USR_SERIALIZATION);
    // An exit code wider than 32 bits.
    let mut a = word(1 << 40);
    a.extend(word(0));
    expect_code(call(&answer_rt(a)), ExitCode::USR_SERIALIZATION);
    // No output is no return.
    assert_eq!(call(&deploy(&[op::STOP])).unwrap(), None);
}

#[test]
fn malformed_parameters_get_v18_exit_codes() {
    let rt = deploy(&[op::STOP]);
    let garbage = Some(IpldBlock {
        codec: CBOR,
        data: vec![0xff, 0x00],
    });
    type SetCaller = fn(&MockRuntime);
    let no_params: [(u64, SetCaller); 4] = [
        (Method::Constructor as u64, |rt: &MockRuntime| {
            rt.set_caller(
                builtin_code_cid(Type::Init),
                fil_actors_runtime::INIT_ACTOR_ADDR,
            )
        }),
        (Method::Resurrect as u64, |rt: &MockRuntime| {
            rt.set_caller(builtin_code_cid(Type::EAM), EAM_ACTOR_ADDR)
        }),
        (Method::GetStorageAt as u64, |rt: &MockRuntime| {
            rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR)
        }),
        (Method::InvokeContractDelegate as u64, |rt: &MockRuntime| {
            rt.set_caller(builtin_code_cid(Type::EVM), Address::new_id(CONTRACT_ID))
        }),
    ];
    for (method, set_caller) in no_params {
        set_caller(&rt);
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "method expects arguments",
            rt.call::<EvmContractActor>(method, None),
        );
        expect_code(
            rt.call::<EvmContractActor>(method, garbage.clone()),
            ExitCode::USR_SERIALIZATION,
        );
    }
    // InvokeContract's call data must be a byte string.
    expect_code(
        rt.call::<EvmContractActor>(
            Method::InvokeContract as u64,
            IpldBlock::serialize_cbor(&5u64).unwrap(),
        ),
        ExitCode::USR_SERIALIZATION,
    );
    // A storage key over 32 bytes.
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    let mut long_key = vec![0x81, 0x58, 33];
    long_key.extend([1u8; 33]);
    expect_code(
        rt.call::<EvmContractActor>(
            Method::GetStorageAt as u64,
            Some(IpldBlock {
                codec: CBOR,
                data: long_key,
            }),
        ),
        ExitCode::USR_SERIALIZATION,
    );
    // Delegate call parameters with a value of the wrong type.
    rt.set_caller(builtin_code_cid(Type::EVM), Address::new_id(CONTRACT_ID));
    expect_code(
        rt.call::<EvmContractActor>(
            Method::InvokeContractDelegate as u64,
            IpldBlock::serialize_cbor(&(1u8, 2u8, 3u8, 4u8)).unwrap(),
        ),
        ExitCode::USR_SERIALIZATION,
    );
    // GetBytecode and GetBytecodeHash ignore parameters, as in v18.
    for method in [Method::GetBytecode, Method::GetBytecodeHash] {
        rt.expect_validate_caller_any();
        assert!(rt
            .call::<EvmContractActor>(method as u64, garbage.clone())
            .unwrap()
            .is_some());
        rt.verify();
    }
    // Reserved method numbers.
    for method in [7u64, 1023] {
        expect_code(
            rt.call::<EvmContractActor>(method, None),
            ExitCode::USR_UNHANDLED_MESSAGE,
        );
    }
    // InvokeContractDelegate from anyone but the contract itself.
    rt.set_caller(user_code_cid("x"), Address::new_id(5000));
    rt.expect_validate_caller_addr(vec![Address::new_id(CONTRACT_ID)]);
    let params = DelegateCallParams {
        code: state(&rt).bytecode,
        input: vec![],
        caller: origin_eth(),
        value: TokenAmount::from_atto(0),
    };
    expect_code(
        rt.call::<EvmContractActor>(
            Method::InvokeContractDelegate as u64,
            IpldBlock::serialize_dag_cbor(&params).unwrap(),
        ),
        ExitCode::USR_FORBIDDEN,
    );
    rt.verify();
}
