//! Opcode classes the interpreter serves as Ethereum defines them (arithmetic and bit
//! operations, hashing, memory and MCOPY, return data), each result stated from Ethereum's
//! rules; plus InvokeContractDelegate running code on the contract's own storage.

mod common;

use common::*;
use fil_actor_evm::{
    DelegateCallParams, EvmContractActor, Method, EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS,
};
use fil_actors_runtime::test_utils::*;
use fil_actors_runtime::Type;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::BytesDe;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use multihash_codetable::{Code, MultihashDigest};

/// Runs `code` (which must leave one word on the stack) and returns that word.
fn eval(code: Asm) -> Vec<u8> {
    let rt = deploy(&code.return_top().build());
    invoke(&rt, &[]).unwrap()
}

fn neg(n: u64) -> Vec<u8> {
    // Two's complement of n as a word.
    let mut w = vec![0xffu8; 32];
    w[24..].copy_from_slice(&(n.wrapping_neg()).to_be_bytes());
    w
}

#[test]
fn arithmetic_and_bits() {
    // 7 - 10 wraps to -3.
    assert_eq!(eval(Asm::new().push_u64(10).push_u64(7).op(0x03)), neg(3));
    // SDIV(-9, 2) = -4 (truncates toward zero).
    assert_eq!(eval(Asm::new().push_u64(2).push(&neg(9)).op(0x05)), neg(4));
    // DIV by zero is zero.
    assert_eq!(eval(Asm::new().push_u64(0).push_u64(9).op(0x04)), word(0));
    // EXP(3, 5) = 243.
    assert_eq!(eval(Asm::new().push_u64(5).push_u64(3).op(0x0a)), word(243));
    // ADDMOD(10, 10, 8) = 4; MULMOD(10, 10, 8) = 4.
    assert_eq!(
        eval(Asm::new().push_u64(8).push_u64(10).push_u64(10).op(0x08)),
        word(4)
    );
    assert_eq!(
        eval(Asm::new().push_u64(8).push_u64(10).push_u64(10).op(0x09)),
        word(4)
    );
    // SIGNEXTEND(0, 0xff) = -1.
    assert_eq!(eval(Asm::new().push_u64(0xff).push_u64(0).op(0x0b)), neg(1));
    // SHL(4, 1) = 16; SHR(4, 0x100) = 16; SAR(4, -32) = -2.
    assert_eq!(eval(Asm::new().push_u64(1).push_u64(4).op(0x1b)), word(16));
    assert_eq!(
        eval(Asm::new().push_u64(0x100).push_u64(4).op(0x1c)),
        word(16)
    );
    assert_eq!(eval(Asm::new().push(&neg(32)).push_u64(4).op(0x1d)), neg(2));
    // BYTE(31, 0xabcd) = 0xcd.
    assert_eq!(
        eval(Asm::new().push_u64(0xabcd).push_u64(31).op(0x1a)),
        word(0xcd)
    );
    // SLT(-1, 0) = 1; LT(-1, 0) = 0.
    assert_eq!(eval(Asm::new().push_u64(0).push(&neg(1)).op(0x12)), word(1));
    assert_eq!(eval(Asm::new().push_u64(0).push(&neg(1)).op(0x10)), word(0));
    // NOT(0) is all ones.
    assert_eq!(eval(Asm::new().push_u64(0).op(0x19)), neg(1));
}

#[test]
fn keccak_and_memory() {
    // KECCAK256 of the 3 bytes "abc" stored at memory 29..32.
    let code = Asm::new()
        .push(b"abc")
        .push_u64(0)
        .op(op::MSTORE)
        .push_u64(3)
        .push_u64(29)
        .op(0x20);
    assert_eq!(eval(code), Code::Keccak256.digest(b"abc").digest().to_vec());
    // MSIZE after touching byte 40 is 64 (memory grows by words).
    let code = Asm::new().push_u64(1).push_u64(40).op(0x53).op(0x59);
    assert_eq!(eval(code), word(64));
}

#[test]
fn mcopy_copies_overlapping_regions() {
    // Memory 0..32 = 0x0102..20; MCOPY(dest 1, src 0, len 31) shifts it right by one byte.
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = i as u8 + 1;
    }
    let code = Asm::new()
        .push(&bytes)
        .push_u64(0)
        .op(op::MSTORE)
        .push_u64(31)
        .push_u64(0)
        .push_u64(1)
        .op(op::MCOPY)
        .push_u64(0)
        .op(op::MLOAD);
    let mut expected = vec![1u8];
    expected.extend(&bytes[..31]);
    assert_eq!(eval(code), expected);
}

#[test]
fn returndatacopy_past_the_end_is_an_illegal_memory_access() {
    let code = Asm::new()
        .push_u64(1)
        .push_u64(0)
        .push_u64(0)
        .op(op::RETURNDATACOPY)
        .op(op::STOP)
        .build();
    let rt = deploy(&code);
    expect_code(invoke(&rt, &[]), EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS);
}

#[test]
fn invoke_contract_delegate_runs_code_on_own_storage() {
    // The contract's own code does nothing; the delegated code stores CALLVALUE at slot
    // CALLER-as-number and returns CALLER.
    let rt = deploy(&[op::STOP]);
    let delegated = Asm::new()
        .op(op::CALLVALUE)
        .push_u64(1)
        .op(op::SSTORE)
        .op(op::CALLER)
        .return_top()
        .build();
    let code = rt
        .store
        .put(
            Code::Blake2b256,
            &fvm_ipld_blockstore::Block::new(fvm_ipld_encoding::IPLD_RAW, delegated.as_slice()),
        )
        .unwrap();
    let caller = fil_actor_evm::EthAddress([0x77; 20]);
    let params = DelegateCallParams {
        code,
        input: vec![],
        caller,
        value: TokenAmount::from_atto(9),
    };
    rt.set_caller(builtin_code_cid(Type::EVM), Address::new_id(CONTRACT_ID));
    rt.expect_validate_caller_addr(vec![Address::new_id(CONTRACT_ID)]);
    let out = rt
        .call::<EvmContractActor>(
            Method::InvokeContractDelegate as u64,
            IpldBlock::serialize_dag_cbor(&params).unwrap(),
        )
        .unwrap()
        .unwrap()
        .deserialize::<BytesDe>()
        .unwrap()
        .0;
    rt.verify();
    let mut expected = vec![0u8; 12];
    expected.extend(caller.0);
    assert_eq!(out, expected);
    // The value of the delegating frame was stored in this contract.
    let slots = fil_actor_evm::storage::Slots::load(&state(&rt).contract_state, &rt.store).unwrap();
    assert_eq!(
        slots.get(&fil_actor_evm::Word::from_u64(1)).unwrap(),
        fil_actor_evm::Word::from_u64(9)
    );
    check_state(&rt);
}
