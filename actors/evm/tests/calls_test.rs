//! Calls, creates and SELFDESTRUCT on the mock runtime: each instruction's FVM send (receiver,
//! method, parameters, value, gas, flags) and what the contract sees of the answer; the
//! tombstone and resurrection; EXTCODE* by actor type.

mod common;

use cid::Cid;
use common::*;
use fil_actor_evm::{
    BytecodeHash, ConstructorParams, DelegateCallParams, EthAddress, EvmContractActor, Method,
    EVM_CONTRACT_REVERTED, EVM_CONTRACT_SELFDESTRUCT_FAILED,
};
use fil_actors_runtime::test_utils::*;
use fil_actors_runtime::{Type, EAM_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::{strict_bytes, BytesSer, RawBytes, IPLD_RAW};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::sys::SendFlags;
use fvm_shared::METHOD_SEND;

const CALLEE_ID: u64 = 2000;

fn callee_eth() -> EthAddress {
    EthAddress([0x33; 20])
}

/// Makes the callee an EVM contract at `CALLEE_ID`, so calls to it invoke it.
fn evm_callee(rt: &MockRuntime) {
    rt.set_delegated_address(CALLEE_ID, callee_eth().to_fil_address());
    rt.actor_code_cids
        .borrow_mut()
        .insert(CALLEE_ID, builtin_code_cid(Type::EVM));
}

fn addr_bytes(a: EthAddress) -> Vec<u8> {
    a.0.to_vec()
}

#[allow(clippy::too_many_arguments)]
fn send(
    rt: &MockRuntime,
    to: Address,
    method: u64,
    params: Option<IpldBlock>,
    value: TokenAmount,
    gas_limit: Option<u64>,
    flags: SendFlags,
    return_data: Option<IpldBlock>,
    exit_code: ExitCode,
    send_error: Option<ErrorNumber>,
) {
    rt.expect_send(ExpectedSend {
        to,
        method,
        params,
        value,
        gas_limit,
        flags,
        return_data,
        exit_code,
        send_error,
    });
}

/// Calls `to` with `kind`, gas 100000, value `value` (CALL only), the word 0x42 as input and
/// 32 bytes of output; returns [output word, success, RETURNDATASIZE].
fn caller_code(kind: u8, to: &[u8], value: u64) -> Vec<u8> {
    let mut a = Asm::new()
        .push_u64(0x42)
        .push_u64(0)
        .op(op::MSTORE)
        .push_u64(32)
        .push_u64(0)
        .push_u64(32)
        .push_u64(0);
    if kind == op::CALL {
        a = a.push_u64(value);
    }
    a.push(to)
        .push_u64(100_000)
        .op(kind)
        .push_u64(32)
        .op(op::MSTORE)
        .op(op::RETURNDATASIZE)
        .push_u64(64)
        .op(op::MSTORE)
        .push_u64(96)
        .push_u64(0)
        .op(op::RETURN)
        .build()
}

fn cbor_bytes(b: &[u8]) -> Option<IpldBlock> {
    IpldBlock::serialize_cbor(&BytesSer(b)).unwrap()
}

fn raw(b: &[u8]) -> Option<IpldBlock> {
    Some(IpldBlock {
        codec: IPLD_RAW,
        data: b.to_vec(),
    })
}

fn out3(a: Vec<u8>, success: u64, size: u64) -> Vec<u8> {
    let mut v = a;
    v.extend(word(success));
    v.extend(word(size));
    v
}

#[test]
fn call_sends_invoke_contract_with_the_call_data_raw() {
    let rt = deploy(&caller_code(op::CALL, &addr_bytes(callee_eth()), 5));
    evm_callee(&rt);
    rt.set_balance(TokenAmount::from_atto(100));
    send(
        &rt,
        callee_eth().to_fil_address(),
        Method::InvokeContract as u64,
        raw(&word(0x42)),
        TokenAmount::from_atto(5),
        Some(100_000),
        SendFlags::default(),
        cbor_bytes(&word(0x77)),
        ExitCode::OK,
        None,
    );
    assert_eq!(invoke(&rt, &[]).unwrap(), out3(word(0x77), 1, 32));
    assert_eq!(*rt.balance.borrow(), TokenAmount::from_atto(95));
    check_state(&rt);
}

#[test]
fn staticcall_is_read_only_and_gas_is_capped_at_63_64() {
    let rt = deploy(&caller_code(op::STATICCALL, &addr_bytes(callee_eth()), 0));
    evm_callee(&rt);
    rt.gas_available.set(64_000);
    send(
        &rt,
        callee_eth().to_fil_address(),
        Method::InvokeContract as u64,
        raw(&word(0x42)),
        TokenAmount::from_atto(0),
        Some(63_000),
        SendFlags::READ_ONLY,
        None,
        ExitCode::OK,
        None,
    );
    // No return block: the output region keeps what was there (the input word).
    assert_eq!(invoke(&rt, &[]).unwrap(), out3(word(0x42), 1, 0));
}

#[test]
fn a_failing_callee_is_a_failed_call_with_its_revert_data() {
    let rt = deploy(&caller_code(op::CALL, &addr_bytes(callee_eth()), 0));
    evm_callee(&rt);
    send(
        &rt,
        callee_eth().to_fil_address(),
        Method::InvokeContract as u64,
        raw(&word(0x42)),
        TokenAmount::from_atto(0),
        Some(100_000),
        SendFlags::default(),
        cbor_bytes(&[9, 9]),
        EVM_CONTRACT_REVERTED,
        None,
    );
    let mut expected = vec![9, 9];
    expected.extend(&word(0x42)[2..]);
    assert_eq!(invoke(&rt, &[]).unwrap(), out3(expected, 0, 2));

    // A receiver that does not exist, and no value: success with nothing sent, as in the EVM.
    let rt = deploy(&caller_code(op::CALL, &addr_bytes(callee_eth()), 0));
    assert_eq!(invoke(&rt, &[]).unwrap(), out3(word(0x42), 1, 0));

    // Not enough funds: failure.
    let rt = deploy(&caller_code(op::CALL, &addr_bytes(callee_eth()), 5));
    evm_callee(&rt);
    send(
        &rt,
        callee_eth().to_fil_address(),
        Method::InvokeContract as u64,
        raw(&word(0x42)),
        TokenAmount::from_atto(5),
        Some(100_000),
        SendFlags::default(),
        None,
        ExitCode::OK,
        None,
    );
    assert_eq!(invoke(&rt, &[]).unwrap(), out3(word(0x42), 0, 0));
}

#[test]
fn delegatecall_runs_the_callee_code_in_this_contract() {
    let rt = deploy(&caller_code(op::DELEGATECALL, &addr_bytes(callee_eth()), 0));
    rt.set_delegated_address(CALLEE_ID, callee_eth().to_fil_address());
    rt.actor_code_cids
        .borrow_mut()
        .insert(CALLEE_ID, builtin_code_cid(Type::EVM));
    let code = Cid::default();
    send(
        &rt,
        Address::new_id(CALLEE_ID),
        Method::GetBytecode as u64,
        None,
        TokenAmount::from_atto(0),
        None,
        SendFlags::READ_ONLY,
        IpldBlock::serialize_dag_cbor(&Some(code)).unwrap(),
        ExitCode::OK,
        None,
    );
    let params = DelegateCallParams {
        code,
        input: word(0x42),
        caller: origin_eth(),
        value: TokenAmount::from_atto(0),
    };
    send(
        &rt,
        Address::new_id(CONTRACT_ID),
        Method::InvokeContractDelegate as u64,
        IpldBlock::serialize_dag_cbor(&params).unwrap(),
        TokenAmount::from_atto(0),
        Some(100_000),
        SendFlags::default(),
        cbor_bytes(&word(0x55)),
        ExitCode::OK,
        None,
    );
    assert_eq!(invoke(&rt, &[]).unwrap(), out3(word(0x55), 1, 32));

    // To an account: success with nothing; to a native actor: failure.
    let rt = deploy(&caller_code(op::DELEGATECALL, &EthAddress::from_id(7).0, 0));
    rt.actor_code_cids
        .borrow_mut()
        .insert(7, builtin_code_cid(Type::DataCap));
    assert_eq!(invoke(&rt, &[]).unwrap(), out3(word(0x42), 0, 0));
    let rt = deploy(&caller_code(op::DELEGATECALL, &EthAddress::from_id(8).0, 0));
    rt.actor_code_cids
        .borrow_mut()
        .insert(8, builtin_code_cid(Type::Account));
    assert_eq!(invoke(&rt, &[]).unwrap(), out3(word(0x42), 1, 0));
}

#[derive(Serialize_tuple, Deserialize_tuple)]
struct CreateParams {
    #[serde(with = "strict_bytes")]
    initcode: Vec<u8>,
    nonce: u64,
}

#[derive(Serialize_tuple, Deserialize_tuple)]
struct Create2Params {
    #[serde(with = "strict_bytes")]
    initcode: Vec<u8>,
    #[serde(with = "strict_bytes")]
    salt: [u8; 32],
}

#[derive(Serialize_tuple, Deserialize_tuple)]
struct CreateReturn {
    actor_id: u64,
    robust_address: Option<Address>,
    eth_address: EthAddress,
}

/// CREATE (or CREATE2 with salt 9) of the 2-byte init code 0x6000 with value 3; returns the
/// pushed address.
fn creator_code(create2: bool) -> Vec<u8> {
    let mut a = Asm::new().push(&[0x60, 0x00]).push_u64(0).op(op::MSTORE);
    if create2 {
        a = a.push_u64(9);
    }
    a.push_u64(2)
        .push_u64(30)
        .push_u64(3)
        .op(if create2 { op::CREATE2 } else { op::CREATE })
        .return_top()
        .build()
}

#[test]
fn create_goes_through_the_eam_and_spends_the_nonce() {
    let rt = deploy(&creator_code(false));
    rt.set_balance(TokenAmount::from_atto(10));
    let created = EthAddress([0x44; 20]);
    send(
        &rt,
        EAM_ACTOR_ADDR,
        2,
        IpldBlock::serialize_cbor(&CreateParams {
            initcode: vec![0x60, 0x00],
            nonce: 1,
        })
        .unwrap(),
        TokenAmount::from_atto(3),
        None,
        SendFlags::default(),
        IpldBlock::serialize_cbor(&CreateReturn {
            actor_id: 3000,
            robust_address: None,
            eth_address: created,
        })
        .unwrap(),
        ExitCode::OK,
        None,
    );
    let mut expected = vec![0u8; 12];
    expected.extend(created.0);
    assert_eq!(invoke(&rt, &[]).unwrap(), expected);
    assert_eq!(state(&rt).nonce, 2);

    // A failed creation pushes zero; the nonce stays spent.
    send(
        &rt,
        EAM_ACTOR_ADDR,
        2,
        IpldBlock::serialize_cbor(&CreateParams {
            initcode: vec![0x60, 0x00],
            nonce: 2,
        })
        .unwrap(),
        TokenAmount::from_atto(3),
        None,
        SendFlags::default(),
        None,
        ExitCode::USR_FORBIDDEN,
        None,
    );
    assert_eq!(invoke(&rt, &[]).unwrap(), word(0));
    assert_eq!(state(&rt).nonce, 3);

    // Value beyond the balance: zero, nothing sent, nonce unchanged.
    rt.set_balance(TokenAmount::from_atto(2));
    assert_eq!(invoke(&rt, &[]).unwrap(), word(0));
    assert_eq!(state(&rt).nonce, 3);
    check_state(&rt);
}

#[test]
fn create2_sends_the_salt() {
    let rt = deploy(&creator_code(true));
    rt.set_balance(TokenAmount::from_atto(10));
    let created = EthAddress([0x45; 20]);
    let mut salt = [0u8; 32];
    salt[31] = 9;
    send(
        &rt,
        EAM_ACTOR_ADDR,
        3,
        IpldBlock::serialize_cbor(&Create2Params {
            initcode: vec![0x60, 0x00],
            salt,
        })
        .unwrap(),
        TokenAmount::from_atto(3),
        None,
        SendFlags::default(),
        IpldBlock::serialize_cbor(&CreateReturn {
            actor_id: 3001,
            robust_address: None,
            eth_address: created,
        })
        .unwrap(),
        ExitCode::OK,
        None,
    );
    let mut expected = vec![0u8; 12];
    expected.extend(created.0);
    assert_eq!(invoke(&rt, &[]).unwrap(), expected);
    assert_eq!(state(&rt).nonce, 2);
}

#[test]
fn selfdestruct_pays_out_leaves_a_tombstone_and_allows_resurrection() {
    let beneficiary = EthAddress::from_id(555);
    let rt = deploy(&Asm::new().push(&beneficiary.0).op(op::SELFDESTRUCT).build());
    rt.set_balance(TokenAmount::from_atto(40));
    send(
        &rt,
        Address::new_id(555),
        METHOD_SEND,
        None,
        TokenAmount::from_atto(40),
        None,
        SendFlags::default(),
        None,
        ExitCode::OK,
        None,
    );
    assert_eq!(invoke(&rt, &[]).unwrap(), Vec::<u8>::new());
    let st = state(&rt);
    let tomb = st.tombstone.expect("tombstone");
    assert_eq!((tomb.origin, tomb.nonce), (ORIGIN_ID, 7));

    // Still alive in the same message.
    rt.expect_validate_caller_any();
    let got = rt
        .call::<EvmContractActor>(Method::GetBytecode as u64, None)
        .unwrap()
        .unwrap();
    assert_eq!(got.deserialize::<Option<Cid>>().unwrap(), Some(st.bytecode));

    // Dead in the next one.
    rt.nonce.set(8);
    rt.expect_validate_caller_any();
    let got = rt
        .call::<EvmContractActor>(Method::GetBytecode as u64, None)
        .unwrap()
        .unwrap();
    assert_eq!(got.deserialize::<Option<Cid>>().unwrap(), None);
    rt.expect_validate_caller_any();
    let got = rt
        .call::<EvmContractActor>(Method::GetBytecodeHash as u64, None)
        .unwrap()
        .unwrap();
    assert_eq!(
        got.deserialize::<BytecodeHash>().unwrap(),
        BytecodeHash::EMPTY
    );
    assert_eq!(invoke(&rt, &[1]).unwrap(), Vec::<u8>::new());

    // The EAM resurrects it with new code.
    rt.set_caller(builtin_code_cid(Type::EAM), EAM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
    let params = ConstructorParams {
        creator: origin_eth(),
        initcode: RawBytes::new(deployer(&[op::STOP])),
    };
    rt.call::<EvmContractActor>(
        Method::Resurrect as u64,
        IpldBlock::serialize_cbor(&params).unwrap(),
    )
    .unwrap();
    rt.verify();
    let st = state(&rt);
    assert_eq!(st.tombstone, None);
    assert_eq!(st.nonce, 1);
    check_state(&rt);

    // Resurrecting a live contract is forbidden.
    rt.expect_validate_caller_addr(vec![EAM_ACTOR_ADDR]);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "can only resurrect a dead contract",
        rt.call::<EvmContractActor>(
            Method::Resurrect as u64,
            IpldBlock::serialize_cbor(&params).unwrap(),
        ),
    );
    rt.verify();
}

#[test]
fn a_payout_the_beneficiary_refuses_aborts_selfdestruct() {
    let rt = deploy(&Asm::new().push_u64(0).op(op::SELFDESTRUCT).build());
    let before = rt.state.get();
    send(
        &rt,
        Address::new_delegated(10, &[0u8; 20]).unwrap(),
        METHOD_SEND,
        None,
        TokenAmount::from_atto(0),
        None,
        SendFlags::default(),
        None,
        ExitCode::USR_FORBIDDEN,
        None,
    );
    expect_code(invoke(&rt, &[]), EVM_CONTRACT_SELFDESTRUCT_FAILED);
    assert_eq!(rt.state.get(), before);
}

#[test]
fn extcode_by_actor_type() {
    // Returns EXTCODESIZE and EXTCODEHASH of the address in calldata.
    let code = Asm::new()
        .push_u64(0)
        .op(op::CALLDATALOAD)
        .op(op::EXTCODESIZE)
        .push_u64(0)
        .op(op::MSTORE)
        .push_u64(0)
        .op(op::CALLDATALOAD)
        .op(op::EXTCODEHASH)
        .push_u64(32)
        .op(op::MSTORE)
        .push_u64(64)
        .push_u64(0)
        .op(op::RETURN)
        .build();
    let rt = deploy(&code);
    rt.actor_code_cids
        .borrow_mut()
        .insert(7, builtin_code_cid(Type::DataCap));
    rt.actor_code_cids
        .borrow_mut()
        .insert(8, builtin_code_cid(Type::Account));
    let arg = |a: EthAddress| a.to_word().to_vec();
    let both = |size: u64, hash: [u8; 32]| {
        let mut v = word(size);
        v.extend(hash);
        v
    };
    assert_eq!(
        invoke(&rt, &arg(EthAddress::from_id(7))).unwrap(),
        both(1, BytecodeHash::NATIVE_ACTOR.0)
    );
    assert_eq!(
        invoke(&rt, &arg(EthAddress::from_id(8))).unwrap(),
        both(0, BytecodeHash::EMPTY.0)
    );
    assert_eq!(
        invoke(&rt, &arg(EthAddress::from_id(9))).unwrap(),
        both(0, [0; 32])
    );
    let mut sha256 = [0u8; 20];
    sha256[19] = 2;
    assert_eq!(
        invoke(&rt, &arg(EthAddress(sha256))).unwrap(),
        both(0, BytecodeHash::EMPTY.0)
    );
}

/// CALL with gas `gas` and value `value` to `to`, no data; returns success.
fn transfer_code(to: &[u8], gas: u64, value: u64) -> Vec<u8> {
    Asm::new()
        .ops(&[op::PUSH0; 4])
        .push_u64(value)
        .push(to)
        .push_u64(gas)
        .op(op::CALL)
        .return_top()
        .build()
}

#[test]
fn transfers_and_calls_to_accounts_are_bare_sends() {
    // `payable(a).transfer(v)` (gas 0 with value) to a miner, a native actor: a bare send with
    // no gas limit, where a call would have invoked the miner.
    let rt = deploy(&transfer_code(&EthAddress::from_id(8).0, 0, 5));
    rt.actor_code_cids
        .borrow_mut()
        .insert(8, builtin_code_cid(Type::Miner));
    rt.set_balance(TokenAmount::from_atto(10));
    let bare = |rt: &MockRuntime, to: Address, value: u64, send_error: Option<ErrorNumber>| {
        send(
            rt,
            to,
            METHOD_SEND,
            None,
            TokenAmount::from_atto(value),
            None,
            SendFlags::default(),
            None,
            ExitCode::OK,
            send_error,
        )
    };
    bare(&rt, Address::new_id(8), 5, None);
    assert_eq!(invoke(&rt, &[]).unwrap(), word(1));

    // A call with gas and value to an account, an eth account or a placeholder: a bare send too.
    for (id, t) in [
        (8, Type::Account),
        (9, Type::EthAccount),
        (10, Type::Placeholder),
    ] {
        let rt = deploy(&transfer_code(&EthAddress::from_id(id).0, 100_000, 5));
        rt.actor_code_cids
            .borrow_mut()
            .insert(id, builtin_code_cid(t));
        rt.set_balance(TokenAmount::from_atto(10));
        bare(&rt, Address::new_id(id), 5, None);
        assert_eq!(invoke(&rt, &[]).unwrap(), word(1), "{t:?}");
    }

    // The 2300 stipend without value (`send` of nothing) is a bare send as well.
    let rt = deploy(&transfer_code(&EthAddress::from_id(8).0, 2300, 0));
    rt.actor_code_cids
        .borrow_mut()
        .insert(8, builtin_code_cid(Type::Miner));
    bare(&rt, Address::new_id(8), 0, None);
    assert_eq!(invoke(&rt, &[]).unwrap(), word(1));

    // Value to an ID that names no actor: the bare send fails, and so does the call.
    let rt = deploy(&transfer_code(&EthAddress::from_id(9).0, 0, 5));
    rt.set_balance(TokenAmount::from_atto(10));
    bare(&rt, Address::new_id(9), 5, Some(ErrorNumber::NotFound));
    assert_eq!(invoke(&rt, &[]).unwrap(), word(0));

    // No value to an address with no actor: success, nothing sent.
    let rt = deploy(&transfer_code(&callee_eth().0, 100_000, 0));
    assert_eq!(invoke(&rt, &[]).unwrap(), word(1));

    // Value to an address with no actor yet: a bare send, which creates the placeholder.
    let rt = deploy(&transfer_code(&callee_eth().0, 0, 5));
    rt.set_balance(TokenAmount::from_atto(10));
    bare(&rt, callee_eth().to_fil_address(), 5, None);
    assert_eq!(invoke(&rt, &[]).unwrap(), word(1));
}
