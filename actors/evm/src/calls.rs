//! CALL, STATICCALL and DELEGATECALL as FVM sends, by v18's rules.
//!
//! - A call to a precompile address runs the precompile (`precompiles`); a failing precompile
//!   makes the call fail with no return data.
//! - CALL and STATICCALL send `InvokeContract` with the call data as a raw IPLD block, the
//!   value, and the gas the contract passes (at most 63/64 of what is left); STATICCALL sends
//!   read-only. Solidity's `transfer` pattern gets a fixed gas allowance, and a plain transfer
//!   to an address with no actor yet is a bare send (which creates a placeholder).
//! - DELEGATECALL asks an EVM contract for its bytecode and sends `InvokeContractDelegate` to
//!   this very contract, which runs that code on its own storage with the delegating frame's
//!   caller and value. Delegating to an account or nothing succeeds with no data; to a native
//!   actor it fails.
//!
//! The callee's return block is handed back to the contract as bytes: a CBOR byte string is
//! unwrapped, anything else is passed on as it is.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{BytesDe, IPLD_RAW};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ErrorNumber;
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

/// The gas a Solidity `transfer` or `send` gets: it passes 2300 Ethereum gas, far too little
/// for an FVM send, so v18 gives such calls a fixed allowance.
pub const TRANSFER_GAS_LIMIT: u64 = 2_000_000;

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
    mut gas: u64,
    static_call: bool,
) -> Result<(bool, Option<IpldBlock>), ActorError> {
    let dst = to.to_fil_address();
    let flags = if static_call {
        SendFlags::READ_ONLY
    } else {
        SendFlags::default()
    };
    let params = if input.is_empty() {
        None
    } else {
        Some(IpldBlock {
            codec: IPLD_RAW,
            data: input.to_vec(),
        })
    };

    // Solidity's `transfer`/`send`: no gas with value, or the 2300 stipend without.
    if (gas == 0 && value.is_positive()) || (gas == 2300 && value.is_zero()) {
        match system.rt.resolve_address(&dst) {
            Some(id) => {
                if system.rt.get_actor_code_cid(&id).is_none() {
                    // An ID that names no actor: no send could succeed.
                    return Ok((false, None));
                }
                gas = TRANSFER_GAS_LIMIT;
            }
            // Nothing there, and nothing may be created: the EVM calls that success.
            None if static_call || system.readonly => return Ok((true, None)),
            None => {
                // A bare send creates the placeholder at the address.
                return Ok(
                    match system.send(&dst, METHOD_SEND, None, value, None, flags)? {
                        Ok(r) if r.exit_code.is_success() => (true, r.return_data),
                        Ok(r) => (false, r.return_data),
                        Err(_) => (false, None),
                    },
                );
            }
        }
    }

    let gas = effective_gas_limit(system.rt, gas);
    match system.send(
        &dst,
        Method::InvokeContract as u64,
        params,
        value,
        Some(gas),
        flags,
    )? {
        Ok(r) => Ok((r.exit_code.is_success(), r.return_data)),
        Err(e) => Ok((
            match e.0 {
                // No actor at the address: the EVM calls that success.
                ErrorNumber::NotFound => true,
                // Creating a placeholder while read-only: success with nothing done, as the
                // EVM would (value is zero here, checked by the instruction).
                ErrorNumber::ReadOnly => static_call || system.readonly,
                _ => false,
            },
            None,
        )),
    }
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
