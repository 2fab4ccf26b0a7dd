//! The opcode interpreter: `revm-interpreter` with the FEVM's instruction table. This module and
//! its children are the only place revm's types appear; they translate between revm's words,
//! memory and results and the FEVM layer (`System`, `calls`, `lifecycle`, `contracts`,
//! `events`), which decides what every opcode that touches the chain does.
//!
//! Gas: the FVM charges for the WASM this actor executes, so Ethereum gas is not charged. The
//! interpreter runs with a zero static gas table and an unlimited gas counter, and the `GAS`
//! opcode reads the FVM's remaining gas.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use fvm_shared::error::ExitCode;
use revm_interpreter::bytecode::{opcode, Bytecode};
use revm_interpreter::interpreter::{ExtBytecode, InputsImpl, SharedMemory};
use revm_interpreter::interpreter_types::LoopControl;
use revm_interpreter::primitives::hardfork::SpecId;
use revm_interpreter::primitives::{Address, Bytes, U256};
use revm_interpreter::{
    instruction_table, CallInput, GasTable, Instruction, InstructionResult, InstructionTable,
    Interpreter, InterpreterAction,
};

use crate::execution::{Frame, Outcome};
use crate::exit_codes::*;
use crate::system::System;
use crate::types::{token_to_word, EthAddress, Word};

mod host;
mod opcodes;

use host::FevmHost;

/// The Ethereum fork whose opcodes the FEVM serves (with the exceptions in `fevm_table`).
const SPEC: SpecId = SpecId::CANCUN;

/// Memory beyond 4 GiB is not addressable (v18 takes memory offsets and sizes as 32-bit); the
/// interpreter refuses to grow past it, which ends the run with
/// `EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS` instead of overflowing its cost arithmetic.
const MEMORY_LIMIT: u64 = u32::MAX as u64;

type Wire = revm_interpreter::interpreter::EthInterpreter;

/// Runs `code` in `frame`. See the module comment.
pub(crate) fn run<RT: Runtime>(
    system: &mut System<'_, RT>,
    code: &[u8],
    frame: &Frame,
) -> Result<Outcome, ActorError> {
    let inputs = InputsImpl {
        target_address: to_address(frame.receiver),
        bytecode_address: None,
        caller_address: to_address(frame.caller),
        input: CallInput::Bytes(Bytes::copy_from_slice(&frame.input)),
        call_value: U256::from_be_bytes(token_to_word(&frame.value).0),
        depth: 0,
    };
    let bytecode = ExtBytecode::new(Bytecode::new_legacy(Bytes::copy_from_slice(code)));
    let readonly = system.readonly;
    let mut interpreter: Interpreter<Wire> = Interpreter::new(
        SharedMemory::new_with_memory_limit(MEMORY_LIMIT),
        bytecode,
        inputs,
        readonly,
        SPEC,
        u64::MAX,
    );
    let mut host = FevmHost::new(system, frame);
    let table = fevm_table();
    let gas_table: GasTable = [0; 256];

    let stop = loop {
        if let Err(result) = interpreter.step(&table, &gas_table, &mut host) {
            break result;
        }
        // A host call that failed for a reason of the chain's (not the contract's) stops the
        // run at once: the error is the invocation's.
        if host.fault.is_some() {
            break InstructionResult::FatalExternalError;
        }
    };
    if let Some(fault) = host.fault.take() {
        return Err(fault);
    }
    if interpreter.bytecode.action().is_none() {
        interpreter.halt(stop);
    }
    match interpreter.take_next_action() {
        InterpreterAction::Return(result) => outcome(result.result, result.output.to_vec()),
        InterpreterAction::NewFrame(_) => Err(ActorError::assertion_failed(
            "the interpreter asked for a frame; the FEVM makes every call itself".to_string(),
        )),
    }
}

/// The FEVM's end of a run: a result of the interpreter becomes an outcome or v18's exit code.
fn outcome(result: InstructionResult, output: Vec<u8>) -> Result<Outcome, ActorError> {
    use InstructionResult::*;
    let (code, what) = match result {
        Stop | Return | SelfDestruct => return Ok(Outcome::Return(output)),
        Revert => return Ok(Outcome::Revert(output)),
        InvalidFEOpcode => (EVM_CONTRACT_INVALID_INSTRUCTION, "invalid instruction"),
        OpcodeNotFound | NotActivated => {
            (EVM_CONTRACT_UNDEFINED_INSTRUCTION, "undefined instruction")
        }
        StackUnderflow => (EVM_CONTRACT_STACK_UNDERFLOW, "stack underflow"),
        StackOverflow => (EVM_CONTRACT_STACK_OVERFLOW, "stack overflow"),
        InvalidJump => (EVM_CONTRACT_BAD_JUMPDEST, "bad jump destination"),
        StateChangeDuringStaticCall | CallNotAllowedInsideStatic => {
            return Err(ActorError::read_only(
                "cannot change state in a read-only context".to_string(),
            ))
        }
        // With no Ethereum gas charged, running "out of gas" can only come from memory
        // offsets and sizes too large to address.
        OutOfGas | MemoryOOG | MemoryLimitOOG | InvalidOperandOOG | OutOfOffset => {
            (EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS, "illegal memory access")
        }
        other => (
            ExitCode::USR_ASSERTION_FAILED,
            match other {
                FatalExternalError => "host failure without an error",
                _ => "unexpected interpreter result",
            },
        ),
    };
    Err(ActorError::unchecked(
        code,
        format!("EVM execution failed: {} ({:?})", what, result),
    ))
}

/// revm's instruction table with the FEVM's opcodes in place of Ethereum's where the chain is
/// involved, and v18's undefined opcodes removed.
fn fevm_table<'a, 'r, RT: Runtime>() -> InstructionTable<Wire, FevmHost<'a, 'r, RT>> {
    let mut table = instruction_table::<Wire, FevmHost<'a, 'r, RT>>();
    let fevm: [(u8, Instruction<Wire, FevmHost<'a, 'r, RT>>); 12] = [
        (opcode::GAS, Instruction::new(opcodes::gas)),
        (opcode::DIFFICULTY, Instruction::new(opcodes::prevrandao)),
        (opcode::SELFBALANCE, Instruction::new(opcodes::selfbalance)),
        (opcode::EXTCODESIZE, Instruction::new(opcodes::extcodesize)),
        (opcode::EXTCODECOPY, Instruction::new(opcodes::extcodecopy)),
        (opcode::EXTCODEHASH, Instruction::new(opcodes::extcodehash)),
        (opcode::CALL, Instruction::new(opcodes::call)),
        (opcode::STATICCALL, Instruction::new(opcodes::staticcall)),
        (
            opcode::DELEGATECALL,
            Instruction::new(opcodes::delegatecall),
        ),
        (opcode::CREATE, Instruction::new(opcodes::create)),
        (opcode::CREATE2, Instruction::new(opcodes::create2)),
        (
            opcode::SELFDESTRUCT,
            Instruction::new(opcodes::selfdestruct),
        ),
    ];
    for (op, instruction) in fevm {
        table[op as usize] = instruction;
    }
    // v18 serves neither CALLCODE nor the blob opcodes (Filecoin has no blobs).
    for op in [opcode::CALLCODE, opcode::BLOBHASH, opcode::BLOBBASEFEE] {
        table[op as usize] = Instruction::unknown();
    }
    table
}

fn to_address(a: EthAddress) -> Address {
    Address::from(a.0)
}

fn from_address(a: Address) -> EthAddress {
    EthAddress(a.into_array())
}

fn to_word(v: U256) -> Word {
    Word(v.to_be_bytes::<32>())
}

fn from_word(w: Word) -> U256 {
    U256::from_be_bytes(w.0)
}
