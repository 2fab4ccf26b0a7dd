//! Test support for the EVM actor: a tiny assembler for hand-written bytecode, and a contract
//! deployed on the mock runtime through its constructor, as the init actor would.

#![allow(dead_code)]

use fil_actor_evm::{
    testing::check_state_invariants, ConstructorParams, EthAddress, EvmContractActor, Method, State,
};
use fil_actors_runtime::test_utils::*;
use fil_actors_runtime::{ActorError, Type, INIT_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesDe, BytesSer, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;

pub const CONTRACT_ID: u64 = 1000;
pub const ORIGIN_ID: u64 = 100;

/// The contract's Ethereum address in tests.
pub fn contract_eth() -> EthAddress {
    EthAddress([0x11; 20])
}

/// The origin's (an Ethereum account) address in tests.
pub fn origin_eth() -> EthAddress {
    EthAddress([0x22; 20])
}

/// Opcodes used by the tests.
pub mod op {
    pub const STOP: u8 = 0x00;
    pub const ADD: u8 = 0x01;
    pub const SUB: u8 = 0x03;
    pub const LT: u8 = 0x10;
    pub const ISZERO: u8 = 0x15;
    pub const ADDRESS: u8 = 0x30;
    pub const BALANCE: u8 = 0x31;
    pub const ORIGIN: u8 = 0x32;
    pub const CALLER: u8 = 0x33;
    pub const CALLVALUE: u8 = 0x34;
    pub const CALLDATALOAD: u8 = 0x35;
    pub const CALLDATASIZE: u8 = 0x36;
    pub const CALLDATACOPY: u8 = 0x37;
    pub const CODECOPY: u8 = 0x39;
    pub const GASPRICE: u8 = 0x3a;
    pub const EXTCODESIZE: u8 = 0x3b;
    pub const EXTCODECOPY: u8 = 0x3c;
    pub const RETURNDATASIZE: u8 = 0x3d;
    pub const RETURNDATACOPY: u8 = 0x3e;
    pub const EXTCODEHASH: u8 = 0x3f;
    pub const BLOCKHASH: u8 = 0x40;
    pub const COINBASE: u8 = 0x41;
    pub const TIMESTAMP: u8 = 0x42;
    pub const NUMBER: u8 = 0x43;
    pub const PREVRANDAO: u8 = 0x44;
    pub const GASLIMIT: u8 = 0x45;
    pub const CHAINID: u8 = 0x46;
    pub const SELFBALANCE: u8 = 0x47;
    pub const BASEFEE: u8 = 0x48;
    pub const BLOBHASH: u8 = 0x49;
    pub const BLOBBASEFEE: u8 = 0x4a;
    pub const POP: u8 = 0x50;
    pub const MLOAD: u8 = 0x51;
    pub const MSTORE: u8 = 0x52;
    pub const SLOAD: u8 = 0x54;
    pub const SSTORE: u8 = 0x55;
    pub const JUMP: u8 = 0x56;
    pub const JUMPI: u8 = 0x57;
    pub const GAS: u8 = 0x5a;
    pub const JUMPDEST: u8 = 0x5b;
    pub const TLOAD: u8 = 0x5c;
    pub const TSTORE: u8 = 0x5d;
    pub const MCOPY: u8 = 0x5e;
    pub const PUSH0: u8 = 0x5f;
    pub const DUP1: u8 = 0x80;
    pub const SWAP1: u8 = 0x90;
    pub const LOG0: u8 = 0xa0;
    pub const LOG2: u8 = 0xa2;
    pub const CREATE: u8 = 0xf0;
    pub const CALL: u8 = 0xf1;
    pub const CALLCODE: u8 = 0xf2;
    pub const RETURN: u8 = 0xf3;
    pub const DELEGATECALL: u8 = 0xf4;
    pub const CREATE2: u8 = 0xf5;
    pub const STATICCALL: u8 = 0xfa;
    pub const REVERT: u8 = 0xfd;
    pub const INVALID: u8 = 0xfe;
    pub const SELFDESTRUCT: u8 = 0xff;
}

/// Bytecode under construction.
#[derive(Default, Clone)]
pub struct Asm(pub Vec<u8>);

impl Asm {
    pub fn new() -> Self {
        Asm(Vec::new())
    }
    pub fn op(mut self, o: u8) -> Self {
        self.0.push(o);
        self
    }
    pub fn ops(mut self, os: &[u8]) -> Self {
        self.0.extend_from_slice(os);
        self
    }
    /// The shortest PUSH of `bytes` (PUSH0 for nothing).
    pub fn push(mut self, bytes: &[u8]) -> Self {
        let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        let b = &bytes[first..];
        if b.is_empty() {
            self.0.push(op::PUSH0);
        } else {
            self.0.push(0x5f + b.len() as u8);
            self.0.extend_from_slice(b);
        }
        self
    }
    pub fn push_u64(self, n: u64) -> Self {
        self.push(&n.to_be_bytes())
    }
    /// Returns the 32-byte word on top of the stack.
    pub fn return_top(self) -> Self {
        self.push_u64(0)
            .op(op::MSTORE)
            .push_u64(32)
            .push_u64(0)
            .op(op::RETURN)
    }
    pub fn build(self) -> Vec<u8> {
        self.0
    }
}

/// Init code that returns `runtime` as the contract's bytecode.
pub fn deployer(runtime: &[u8]) -> Vec<u8> {
    // PUSH2 len PUSH1 offset PUSH0 CODECOPY PUSH2 len PUSH0 RETURN: 12 bytes.
    let len = (runtime.len() as u16).to_be_bytes();
    let mut code = vec![
        0x61, len[0], len[1], 0x60, 12, 0x5f, 0x39, 0x61, len[0], len[1], 0x5f, 0xf3,
    ];
    code.extend_from_slice(runtime);
    code
}

/// A mock runtime with the contract's addresses set up and the origin an Ethereum account.
pub fn new_runtime() -> MockRuntime {
    let rt = MockRuntime::new(Address::new_id(CONTRACT_ID));
    rt.set_delegated_address(CONTRACT_ID, contract_eth().to_fil_address());
    rt.set_delegated_address(ORIGIN_ID, origin_eth().to_fil_address());
    rt.actor_code_cids
        .borrow_mut()
        .insert(ORIGIN_ID, builtin_code_cid(Type::EthAccount));
    rt.set_origin(Address::new_id(ORIGIN_ID));
    rt.nonce.set(7);
    rt
}

/// Runs the constructor with `initcode`, as the init actor.
pub fn construct(rt: &MockRuntime, initcode: &[u8]) -> Result<(), ActorError> {
    rt.set_caller(builtin_code_cid(Type::Init), INIT_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![INIT_ACTOR_ADDR]);
    let params = ConstructorParams {
        creator: origin_eth(),
        initcode: RawBytes::new(initcode.to_vec()),
    };
    let r = rt.call::<EvmContractActor>(
        Method::Constructor as u64,
        IpldBlock::serialize_cbor(&params).unwrap(),
    );
    rt.verify();
    r.map(|_| ())
}

/// A new runtime with a contract whose bytecode is `runtime`.
pub fn deploy(runtime: &[u8]) -> MockRuntime {
    let rt = new_runtime();
    construct(&rt, &deployer(runtime)).expect("constructor");
    rt
}

/// Calls `InvokeContract` from the origin (an Ethereum account) with `input`.
pub fn invoke(rt: &MockRuntime, input: &[u8]) -> Result<Vec<u8>, ActorError> {
    invoke_with_value(rt, input, TokenAmount::from_atto(0))
}

pub fn invoke_with_value(
    rt: &MockRuntime,
    input: &[u8],
    value: TokenAmount,
) -> Result<Vec<u8>, ActorError> {
    rt.set_caller(
        builtin_code_cid(Type::EthAccount),
        Address::new_id(ORIGIN_ID),
    );
    rt.set_received(value);
    rt.expect_validate_caller_any();
    let r = rt.call::<EvmContractActor>(
        Method::InvokeContract as u64,
        IpldBlock::serialize_cbor(&BytesSer(input)).unwrap(),
    );
    rt.verify();
    r.map(|b| {
        b.expect("InvokeContract returns a block")
            .deserialize::<BytesDe>()
            .unwrap()
            .0
    })
}

/// A word holding `n`.
pub fn word(n: u64) -> Vec<u8> {
    let mut w = vec![0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

pub fn state(rt: &MockRuntime) -> State {
    rt.get_state()
}

/// The actor's invariants hold.
pub fn check_state(rt: &MockRuntime) {
    check_state_invariants(&state(rt), &rt.store).assert_empty();
}
