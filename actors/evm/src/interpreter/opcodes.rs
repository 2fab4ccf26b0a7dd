//! The FEVM's own opcodes, in place of revm's: each reads its operands off revm's stack and
//! memory, asks the FEVM layer (`calls`, `lifecycle`, `contracts`), and writes the answer back.
//! The rules live in those modules; this file only translates.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use revm_interpreter::interpreter_types::{LoopControl, ReturnData, RuntimeFlag};
use revm_interpreter::primitives::{Bytes, U256};
use revm_interpreter::{InstructionContext, InstructionResult, InterpreterAction};

use super::host::FevmHost;
use super::{from_word, to_word, Wire};
use crate::calls::{self, CallKind};
use crate::contracts;
use crate::lifecycle;
use crate::types::{token_to_word, word_to_token, EthAddress};

type Ctx<'c, 'a, 'r, RT> = InstructionContext<'c, FevmHost<'a, 'r, RT>, Wire>;
type Step = Result<(), InstructionResult>;

/// Pops `N` words, or fails with a stack underflow.
fn pop<const N: usize, RT: Runtime>(
    ctx: &mut Ctx<'_, '_, '_, RT>,
) -> Result<[U256; N], InstructionResult> {
    ctx.interpreter
        .stack
        .popn::<N>()
        .ok_or(InstructionResult::StackUnderflow)
}

fn push<RT: Runtime>(ctx: &mut Ctx<'_, '_, '_, RT>, v: U256) -> Step {
    if ctx.interpreter.stack.push(v) {
        Ok(())
    } else {
        Err(InstructionResult::StackOverflow)
    }
}

/// Keeps a chain failure in the host and stops the run.
fn fail<T, RT: Runtime>(
    ctx: &mut Ctx<'_, '_, '_, RT>,
    e: ActorError,
) -> Result<T, InstructionResult> {
    ctx.host.fail(e);
    Err(InstructionResult::FatalExternalError)
}

fn address(word: U256) -> EthAddress {
    EthAddress::from_word(&to_word(word).0)
}

fn saturate_u64(v: U256) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// The memory region `[offset, offset + len)`, grown to fit; `None` for an empty region
/// (whose offset is ignored, as in Ethereum).
fn region<RT: Runtime>(
    ctx: &mut Ctx<'_, '_, '_, RT>,
    offset: U256,
    len: U256,
) -> Result<Option<(usize, usize)>, InstructionResult> {
    let len = usize::try_from(len).map_err(|_| InstructionResult::InvalidOperandOOG)?;
    if len == 0 {
        return Ok(None);
    }
    let offset = usize::try_from(offset).map_err(|_| InstructionResult::InvalidOperandOOG)?;
    let gas_params = revm_interpreter::Host::gas_params(&*ctx.host).clone();
    ctx.interpreter.resize_memory(&gas_params, offset, len)?;
    Ok(Some((offset, len)))
}

fn read_region<RT: Runtime>(ctx: &Ctx<'_, '_, '_, RT>, r: Option<(usize, usize)>) -> Vec<u8> {
    match r {
        Some((offset, len)) => ctx.interpreter.memory.slice_len(offset, len).to_vec(),
        None => Vec::new(),
    }
}

/// GAS: the FVM gas left to this invocation.
pub(super) fn gas<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    let left = ctx.host.system.rt.gas_available();
    push(&mut ctx, U256::from(left))
}

/// SELFBALANCE: this actor's balance, including the value it just received.
pub(super) fn selfbalance<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    let balance = ctx.host.system.rt.current_balance();
    push(&mut ctx, from_word(token_to_word(&balance)))
}

/// PREVRANDAO: beacon randomness of the current epoch (v18: the EVM PREVRANDAO tag).
pub(super) fn prevrandao<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    match ctx.host.system.prevrandao() {
        Ok(r) => push(&mut ctx, U256::from_be_bytes(r)),
        Err(e) => fail(&mut ctx, e),
    }
}

pub(super) fn extcodesize<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    let [a] = pop::<1, RT>(&mut ctx)?;
    match contracts::code_size(ctx.host.system, &address(a)) {
        Ok(n) => push(&mut ctx, U256::from(n)),
        Err(e) => fail(&mut ctx, e),
    }
}

pub(super) fn extcodehash<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    let [a] = pop::<1, RT>(&mut ctx)?;
    match contracts::code_hash(ctx.host.system, &address(a)) {
        Ok(h) => push(&mut ctx, from_word(h)),
        Err(e) => fail(&mut ctx, e),
    }
}

pub(super) fn extcodecopy<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    let [a, dest, offset, len] = pop::<4, RT>(&mut ctx)?;
    let Some((dest, len)) = region(&mut ctx, dest, len)? else {
        return Ok(());
    };
    let code = match contracts::code(ctx.host.system, &address(a)) {
        Ok(code) => code,
        Err(e) => return fail(&mut ctx, e),
    };
    let from = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(code.len());
    ctx.interpreter.memory.set_data(dest, from, len, &code);
    Ok(())
}

pub(super) fn call<RT: Runtime>(ctx: Ctx<'_, '_, '_, RT>) -> Step {
    call_generic(ctx, CallKind::Call)
}

pub(super) fn staticcall<RT: Runtime>(ctx: Ctx<'_, '_, '_, RT>) -> Step {
    call_generic(ctx, CallKind::StaticCall)
}

pub(super) fn delegatecall<RT: Runtime>(ctx: Ctx<'_, '_, '_, RT>) -> Step {
    call_generic(ctx, CallKind::DelegateCall)
}

fn call_generic<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>, kind: CallKind) -> Step {
    let [gas, to] = pop::<2, RT>(&mut ctx)?;
    let value = if kind == CallKind::Call {
        let [v] = pop::<1, RT>(&mut ctx)?;
        v
    } else {
        U256::ZERO
    };
    let [in_offset, in_len, out_offset, out_len] = pop::<4, RT>(&mut ctx)?;
    if ctx.interpreter.runtime_flag.is_static() && !value.is_zero() {
        return Err(InstructionResult::CallNotAllowedInsideStatic);
    }
    let input_region = region(&mut ctx, in_offset, in_len)?;
    let output_region = region(&mut ctx, out_offset, out_len)?;
    let input = read_region(&ctx, input_region);
    let value = word_to_token(&to_word(value));
    let frame = ctx.host.frame;
    let result = calls::call(
        ctx.host.system,
        frame,
        kind,
        saturate_u64(gas),
        address(to),
        value,
        &input,
    );
    let result = match result {
        Ok(r) => r,
        Err(e) => return fail(&mut ctx, e),
    };
    if let Some((offset, len)) = output_region {
        let n = len.min(result.return_data.len());
        ctx.interpreter.memory.set(offset, &result.return_data[..n]);
    }
    ctx.interpreter
        .return_data
        .set_buffer(Bytes::from(result.return_data));
    push(&mut ctx, U256::from(result.success as u8))
}

pub(super) fn create<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    if ctx.interpreter.runtime_flag.is_static() {
        return Err(InstructionResult::StateChangeDuringStaticCall);
    }
    let [value, offset, len] = pop::<3, RT>(&mut ctx)?;
    let r = region(&mut ctx, offset, len)?;
    let initcode = read_region(&ctx, r);
    let value = word_to_token(&to_word(value));
    match lifecycle::create(ctx.host.system, value, &initcode) {
        Ok(created) => push(
            &mut ctx,
            created.map_or(U256::ZERO, |a| from_word(crate::types::Word(a.to_word()))),
        ),
        Err(e) => fail(&mut ctx, e),
    }
}

pub(super) fn create2<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    if ctx.interpreter.runtime_flag.is_static() {
        return Err(InstructionResult::StateChangeDuringStaticCall);
    }
    let [value, offset, len, salt] = pop::<4, RT>(&mut ctx)?;
    let r = region(&mut ctx, offset, len)?;
    let initcode = read_region(&ctx, r);
    let value = word_to_token(&to_word(value));
    match lifecycle::create2(ctx.host.system, value, &initcode, to_word(salt).0) {
        Ok(created) => push(
            &mut ctx,
            created.map_or(U256::ZERO, |a| from_word(crate::types::Word(a.to_word()))),
        ),
        Err(e) => fail(&mut ctx, e),
    }
}

/// SELFDESTRUCT: funds to the beneficiary, a tombstone, and the run returns nothing.
pub(super) fn selfdestruct<RT: Runtime>(mut ctx: Ctx<'_, '_, '_, RT>) -> Step {
    if ctx.interpreter.runtime_flag.is_static() {
        return Err(InstructionResult::StateChangeDuringStaticCall);
    }
    let [beneficiary] = pop::<1, RT>(&mut ctx)?;
    if let Err(e) = lifecycle::selfdestruct(ctx.host.system, &address(beneficiary)) {
        return fail(&mut ctx, e);
    }
    let gas = ctx.interpreter.gas;
    ctx.interpreter
        .bytecode
        .set_action(InterpreterAction::new_return(
            InstructionResult::SelfDestruct,
            Bytes::new(),
            gas,
        ));
    Err(InstructionResult::SelfDestruct)
}
