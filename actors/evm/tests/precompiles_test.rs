//! The precompiles reachable on the mock runtime: identity, sha256, ripemd160, and Filecoin's
//! resolve_address, lookup_delegated_address, call_actor_id (DELEGATECALL only, the read-only
//! flag, codecs 0 and CBOR, reserved methods) and the disabled 0xfe00..04.

mod common;

use common::*;
use fil_actors_runtime::test_utils::*;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CBOR;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sys::SendFlags;
use multihash_codetable::{Code, MultihashDigest};

fn precompile(prefix: u8, index: u16) -> [u8; 20] {
    let mut a = [0u8; 20];
    a[0] = prefix;
    a[18..].copy_from_slice(&index.to_be_bytes());
    a
}

/// Calls `to` by `kind` with the call data as input; returns [success, return data...].
fn proxy(kind: u8, to: [u8; 20]) -> Vec<u8> {
    let mut a = Asm::new()
        .op(op::CALLDATASIZE)
        .op(op::PUSH0)
        .op(op::PUSH0)
        .op(op::CALLDATACOPY)
        .op(op::PUSH0)
        .op(op::PUSH0)
        .op(op::CALLDATASIZE)
        .op(op::PUSH0);
    if kind == op::CALL {
        a = a.op(op::PUSH0);
    }
    a.push(&to)
        .push_u64(100_000)
        .op(kind)
        .op(op::PUSH0)
        .op(op::MSTORE)
        .op(op::RETURNDATASIZE)
        .op(op::PUSH0)
        .push_u64(32)
        .op(op::RETURNDATACOPY)
        .op(op::RETURNDATASIZE)
        .push_u64(32)
        .op(op::ADD)
        .op(op::PUSH0)
        .op(op::RETURN)
        .build()
}

fn ok(data: &[u8]) -> Vec<u8> {
    let mut v = word(1);
    v.extend_from_slice(data);
    v
}

fn failed() -> Vec<u8> {
    word(0)
}

#[test]
fn hashes_and_identity() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 4)));
    assert_eq!(invoke(&rt, b"hello").unwrap(), ok(b"hello"));
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 2)));
    assert_eq!(
        invoke(&rt, b"abc").unwrap(),
        ok(Code::Sha2_256.digest(b"abc").digest())
    );
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 3)));
    let mut padded = vec![0u8; 12];
    padded.extend(Code::Ripemd160.digest(b"abc").digest());
    assert_eq!(invoke(&rt, b"abc").unwrap(), ok(&padded));
    // An unused address of the ranges answers like an empty account.
    let rt = deploy(&proxy(op::STATICCALL, precompile(0xfe, 4)));
    assert_eq!(invoke(&rt, b"x").unwrap(), ok(&[]));
}

#[test]
fn ecrecover_refuses_bad_v_without_failing() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 1)));
    let mut input = vec![0u8; 32];
    input.extend(word(29));
    input.extend(word(1));
    input.extend(word(1));
    assert_eq!(invoke(&rt, &input).unwrap(), ok(&[]));
}

#[test]
fn resolve_and_lookup_addresses() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0xfe, 1)));
    let f4 = origin_eth().to_fil_address();
    assert_eq!(invoke(&rt, &f4.to_bytes()).unwrap(), ok(&word(ORIGIN_ID)));
    // Unknown: empty; unparseable: failure.
    let unknown = Address::new_delegated(10, &[9u8; 20]).unwrap();
    assert_eq!(invoke(&rt, &unknown.to_bytes()).unwrap(), ok(&[]));
    assert_eq!(invoke(&rt, &[0x09, 0x01]).unwrap(), failed());

    let rt = deploy(&proxy(op::STATICCALL, precompile(0xfe, 2)));
    assert_eq!(invoke(&rt, &word(ORIGIN_ID)).unwrap(), ok(&f4.to_bytes()));
    assert_eq!(invoke(&rt, &word(4444)).unwrap(), ok(&[]));
    // An ID wider than 64 bits is invalid input.
    let mut wide = word(1);
    wide[0] = 1;
    assert_eq!(invoke(&rt, &wide).unwrap(), failed());
}

/// call_actor_id input: method, value, flags, codec, params offset, actor id, params.
fn call_actor_id_input(method: u64, flags: u64, codec: u64, params: &[u8], id: u64) -> Vec<u8> {
    let mut v = word(method);
    v.extend(word(0));
    v.extend(word(flags));
    v.extend(word(codec));
    v.extend(word(6 * 32));
    v.extend(word(id));
    v.extend(word(params.len() as u64));
    let mut p = params.to_vec();
    p.resize(params.len().div_ceil(32) * 32, 0);
    v.extend(p);
    v
}

#[test]
fn call_actor_id_through_delegatecall() {
    let rt = deploy(&proxy(op::DELEGATECALL, precompile(0xfe, 5)));
    let method = 3092458564u64; // ValidateSectorStatus
    let params = vec![0x83, 0x01, 0x01, 0x40];
    rt.expect_send(ExpectedSend {
        to: Address::new_id(1234),
        method,
        params: Some(IpldBlock {
            codec: CBOR,
            data: params.clone(),
        }),
        value: TokenAmount::from_atto(0),
        gas_limit: Some(100_000),
        flags: SendFlags::READ_ONLY,
        return_data: None,
        exit_code: ExitCode::USR_NOT_FOUND,
        send_error: None,
    });
    let out = invoke(&rt, &call_actor_id_input(method, 1, CBOR, &params, 1234)).unwrap();
    // exit code 17, codec 0, offset 0x60, length 0.
    let mut expected = word(17);
    expected.extend(word(0));
    expected.extend(word(0x60));
    expected.extend(word(0));
    assert_eq!(out, ok(&expected));

    // A CBOR answer comes back with its codec and padded data.
    rt.expect_send(ExpectedSend {
        to: Address::new_id(1234),
        method,
        params: None,
        value: TokenAmount::from_atto(0),
        gas_limit: Some(100_000),
        flags: SendFlags::default(),
        return_data: Some(IpldBlock {
            codec: CBOR,
            data: vec![0xf5],
        }),
        exit_code: ExitCode::OK,
        send_error: None,
    });
    let out = invoke(&rt, &call_actor_id_input(method, 0, 0, &[], 1234)).unwrap();
    let mut expected = word(0);
    expected.extend(word(CBOR));
    expected.extend(word(0x60));
    expected.extend(word(1));
    let mut data = vec![0xf5];
    data.resize(32, 0);
    expected.extend(data);
    assert_eq!(out, ok(&expected));
}

#[test]
fn call_actor_id_refusals() {
    let input = call_actor_id_input(3092458564, 1, CBOR, &[0x80], 1234);
    // A plain CALL or STATICCALL fails.
    for kind in [op::CALL, op::STATICCALL] {
        let rt = deploy(&proxy(kind, precompile(0xfe, 5)));
        assert_eq!(invoke(&rt, &input).unwrap(), failed());
    }
    let rt = deploy(&proxy(op::DELEGATECALL, precompile(0xfe, 5)));
    // Reserved methods, DAG-CBOR, data with codec 0, unknown flags: invalid input.
    for bad in [
        call_actor_id_input(1023, 1, CBOR, &[0x80], 1234),
        call_actor_id_input(3092458564, 1, 0x71, &[0x80], 1234),
        call_actor_id_input(3092458564, 1, 0, &[0x80], 1234),
        call_actor_id_input(3092458564, 1 << 10, CBOR, &[0x80], 1234),
    ] {
        assert_eq!(invoke(&rt, &bad).unwrap(), failed());
    }
}
