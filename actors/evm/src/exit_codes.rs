//! The exit codes v18's EVM actor adds to the network's: a revert, and each kind of exceptional
//! halt of the interpreter.

use fvm_shared::error::ExitCode;

/// The contract executed REVERT; the revert data is the return block (CBOR bytes).
pub const EVM_CONTRACT_REVERTED: ExitCode = ExitCode::new(33);
/// INVALID (0xFE).
pub const EVM_CONTRACT_INVALID_INSTRUCTION: ExitCode = ExitCode::new(34);
/// An opcode v18 does not define (including CALLCODE and the blob opcodes).
pub const EVM_CONTRACT_UNDEFINED_INSTRUCTION: ExitCode = ExitCode::new(35);
pub const EVM_CONTRACT_STACK_UNDERFLOW: ExitCode = ExitCode::new(36);
pub const EVM_CONTRACT_STACK_OVERFLOW: ExitCode = ExitCode::new(37);
/// A memory offset or size beyond what the contract can address.
pub const EVM_CONTRACT_ILLEGAL_MEMORY_ACCESS: ExitCode = ExitCode::new(38);
/// A jump to anything but a JUMPDEST.
pub const EVM_CONTRACT_BAD_JUMPDEST: ExitCode = ExitCode::new(39);
/// SELFDESTRUCT could not pay out the contract's balance to the beneficiary.
pub const EVM_CONTRACT_SELFDESTRUCT_FAILED: ExitCode = ExitCode::new(40);
