//! CALL, STATICCALL and DELEGATECALL as FVM sends, by v18's rules.
//!
//! - A call to a precompile address runs the precompile (`precompiles`); a failing precompile
//!   makes the call fail with no return data.
//! - CALL and STATICCALL send `InvokeContract` with the call data as a raw IPLD block, the
//!   value, and the gas the contract passes (at most 63/64 of what is left); STATICCALL sends
//!   read-only. A call to an address with no actor succeeds when it carries no value. A call to
//!   an account, an eth account, a placeholder or an address with no actor (which the send
//!   creates as a placeholder), and Solidity's `transfer` and `send` (no call data; gas 0 with
//!   value, 2300 without), are bare sends (method 0) with no gas limit.
//! - DELEGATECALL asks an EVM contract for its bytecode and sends `InvokeContractDelegate` to
//!   this very contract, which runs that code on its own storage with the delegating frame's
//!   caller and value. Delegating to an account or nothing succeeds with no data; to a native
//!   actor it fails.
//!
//! The callee's return block is handed back to the contract as bytes: a CBOR byte string is
//! unwrapped, anything else is passed on as it is.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use fil_actors_runtime::Type;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesDe, IPLD_RAW};
use fvm_shared::econ::TokenAmount;
use fvm_shared::sys::SendFlags;
use fvm_shared::METHOD_SEND;

use crate::contracts::{bytecode_cid, contract_type, ContractType};
use crate::execution::Frame;
use crate::precompiles::{self, PrecompileContext, PrecompileError};
use crate::system::System;
use crate::types::{DelegateCallParams, EthAddress};
use crate::Method;

/// The kind of call instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    Call,
    StaticCall,
    DelegateCall,
}

/// What a call instruction pushes (success) and leaves in the return data buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResult {
    pub success: bool,
    pub return_data: Vec<u8>,
}

/// At most 63/64 of the gas left, as EIP-150 keeps back for the caller.
pub fn effective_gas_limit(rt: &impl Runtime, requested: u64) -> u64 {
    let reserve = rt.gas_available().saturating_mul(63) / 64;
    requested.min(reserve)
}

/// Runs one call instruction. An `Err` aborts the whole invocation (this actor's state could
/// not be written or re-read); everything the callee does is reported in the `CallResult`.
pub fn call<RT: Runtime>(
    system: &mut System<'_, RT>,
    frame: &Frame,
    kind: CallKind,
    gas: u64,
    to: EthAddress,
    value: TokenAmount,
    input: &[u8],
) -> Result<CallResult, ActorError> {
    if precompiles::is_reserved(&to) {
        let ctx = PrecompileContext {
            kind,
            gas_limit: effective_gas_limit(system.rt, gas),
            value,
        };
        return Ok(match precompiles::call(system, &to, input, ctx) {
            Ok(return_data) => CallResult {
                success: true,
                return_data,
            },
            Err(PrecompileError::Actor(e)) => return Err(e),
            Err(_) => CallResult {
                success: false,
                return_data: Vec::new(),
            },
        });
    }
    let (success, block) = match kind {
        CallKind::Call | CallKind::StaticCall => {
            call_contract(system, &to, value, input, gas, kind == CallKind::StaticCall)?
        }
        CallKind::DelegateCall => delegate_call(system, frame, &to, input, gas)?,
    };
    Ok(CallResult {
        success,
        return_data: return_bytes(block),
    })
}

/// The callee's return block as bytes.
fn return_bytes(block: Option<IpldBlock>) -> Vec<u8> {
    match block {
        None => Vec::new(),
        Some(b) => b.deserialize::<BytesDe>().map(|d| d.0).unwrap_or(b.data),
    }
}

fn call_contract<RT: Runtime>(
    system: &mut System<'_, RT>,
    to: &EthAddress,
    value: TokenAmount,
    input: &[u8],
    gas: u64,
    static_call: bool,
) -> Result<(bool, Option<IpldBlock>), ActorError> {
    let dst = to.to_fil_address();
    let code = system
        .rt
        .resolve_address(&dst)
        .and_then(|id| system.rt.get_actor_code_cid(&id));
    if code.is_none() && value.is_zero() {
        // Nothing there and no value to create it with: the EVM calls that a success.
        return Ok((true, None));
    }
    // No code can run at an account, a placeholder or an address with no actor, nor on the gas
    // Solidity's `transfer` and `send` pass (0 with value, 2300 without): those calls are bare
    // sends, with no gas limit (only the creation of a placeholder could spend any).
    let bare_target = code.is_none_or(|c| {
        matches!(
            system.rt.resolve_builtin_actor_type(&c),
            Some(Type::Placeholder | Type::Account | Type::EthAccount)
        )
    });
    let transfer =
        input.is_empty() && ((gas == 0 && value.is_positive()) || (gas == 2300 && value.is_zero()));
    let (method, gas_limit) = if bare_target || transfer {
        (METHOD_SEND, None)
    } else {
        (
            Method::InvokeContract as u64,
            Some(effective_gas_limit(system.rt, gas)),
        )
    };
    let params = (!input.is_empty()).then(|| IpldBlock {
        codec: IPLD_RAW,
        data: input.to_vec(),
    });
    let flags = if static_call {
        SendFlags::READ_ONLY
    } else {
        SendFlags::default()
    };
    Ok(
        match system.send(&dst, method, params, value, gas_limit, flags)? {
            Ok(r) => (r.exit_code.is_success(), r.return_data),
            // A send the network refused (no such actor, out of funds): a failed call.
            Err(_) => (false, None),
        },
    )
}

fn delegate_call<RT: Runtime>(
    system: &mut System<'_, RT>,
    frame: &Frame,
    to: &EthAddress,
    input: &[u8],
    gas: u64,
) -> Result<(bool, Option<IpldBlock>), ActorError> {
    match contract_type(system.rt, to) {
        ContractType::Evm(id) => {
            let Some(code) = bytecode_cid(system, id)? else {
                return Ok((true, None));
            };
            let params = DelegateCallParams {
                code,
                input: input.to_vec(),
                caller: frame.caller,
                value: frame.value.clone(),
            };
            let params = IpldBlock::serialize_dag_cbor(&params).map_err(|e| {
                ActorError::serialization(format!("failed to encode delegate call: {}", e))
            })?;
            let receiver = system.rt.message().receiver();
            let gas = effective_gas_limit(system.rt, gas);
            Ok(
                match system.send(
                    &receiver,
                    Method::InvokeContractDelegate as u64,
                    params,
                    TokenAmount::from_atto(0),
                    Some(gas),
                    SendFlags::default(),
                )? {
                    Ok(r) => (r.exit_code.is_success(), r.return_data),
                    Err(_) => (false, None),
                },
            )
        }
        ContractType::Account | ContractType::NotFound => Ok((true, None)),
        ContractType::Native | ContractType::Precompile => Ok((false, None)),
    }
}
