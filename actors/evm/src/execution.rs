//! What running EVM code means to the rest of the actor, independent of the interpreter: the
//! frame a contract runs in and how the run ends. The interpreter behind `execute` can be
//! swapped without touching anything that uses these types.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use fvm_shared::econ::TokenAmount;

use crate::system::System;
use crate::types::EthAddress;

/// The frame a piece of code runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// CALLER: the Ethereum address of whoever called (or, in a DELEGATECALL, of whoever
    /// called the delegating contract).
    pub caller: EthAddress,
    /// ADDRESS: this contract.
    pub receiver: EthAddress,
    /// CALLVALUE.
    pub value: TokenAmount,
    /// The call data (empty for init code).
    pub input: Vec<u8>,
}

/// How a run ended without an exceptional halt (those are `ActorError`s with v18's EVM exit
/// codes, see `exit_codes`). SELFDESTRUCT ends a run as a `Return` of nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Return(Vec<u8>),
    Revert(Vec<u8>),
}

/// Runs `code` in `frame` against the contract held by `system`.
pub fn execute<RT: Runtime>(
    system: &mut System<'_, RT>,
    code: &[u8],
    frame: &Frame,
) -> Result<Outcome, ActorError> {
    crate::interpreter::run(system, code, frame)
}
