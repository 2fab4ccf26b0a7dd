//! Filecoin's precompiles (v18):
//!
//! - `0xfe00..01` resolve_address: a Filecoin address (its bytes) to its actor ID as a word,
//!   or empty output when it resolves to nothing; unparseable bytes are invalid input.
//! - `0xfe00..02` lookup_delegated_address: an actor ID (a word) to the bytes of its f4
//!   address, or empty output.
//! - `0xfe00..03` call_actor and `0xfe00..05` call_actor_id: call any actor's method (above
//!   the EVM's reserved 1023) with CBOR (0x51) or no parameters, with value and send flags (bit
//!   0: read-only), only through DELEGATECALL. Input (Solidity ABI, no selector):
//!   `uint64 method, uint256 value, uint64 flags, uint64 codec, bytes params, bytes address`
//!   (call_actor) or `..., bytes params, uint64 actor_id` (call_actor_id). Output:
//!   `int256 exit_code, uint64 codec, bytes return_data`, where the exit code is the callee's
//!   (0 on success) or, negated, the error number of a send the FVM refused.
//! - `0xfe00..06` get_beacon_randomness (FIP-0095): an epoch (a word) to the 32-byte digest of
//!   the drand beacon entry at that epoch; an epoch that is not a valid past epoch is invalid
//!   input.

use fil_actors_runtime::runtime::Runtime;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CBOR;
use fvm_shared::address::Address;
use fvm_shared::sys::SendFlags;

use super::{PrecompileContext, PrecompileError, PrecompileResult};
use crate::abi::Reader;
use crate::calls::CallKind;
use crate::system::System;
use crate::types::{word_to_token, Word};
use crate::EVM_MAX_RESERVED_METHOD;

pub fn resolve_address(rt: &impl Runtime, input: &[u8]) -> PrecompileResult {
    let address = Address::from_bytes(input).map_err(|_| PrecompileError::InvalidInput)?;
    Ok(rt
        .resolve_address(&address)
        .map(|id| Word::from_u64(id).0.to_vec())
        .unwrap_or_default())
}

pub fn lookup_delegated_address(rt: &impl Runtime, input: &[u8]) -> PrecompileResult {
    let id = Reader::new(input)
        .u64()
        .map_err(|_| PrecompileError::InvalidInput)?;
    Ok(rt
        .lookup_delegated_address(id)
        .map(|a| a.to_bytes())
        .unwrap_or_default())
}

pub fn get_beacon_randomness(rt: &impl Runtime, input: &[u8]) -> PrecompileResult {
    let epoch = Reader::new(input).u64().map_err(invalid)?;
    let epoch = i64::try_from(epoch).map_err(|_| PrecompileError::InvalidInput)?;
    if epoch > rt.curr_epoch() {
        return Err(PrecompileError::InvalidInput);
    }
    rt.get_beacon_digest(epoch)
        .map(|d| d.to_vec())
        .map_err(|_| PrecompileError::InvalidInput)
}

/// call_actor (`by_id` false) and call_actor_id (`by_id` true).
pub fn call_actor<RT: Runtime>(
    system: &mut System<'_, RT>,
    input: &[u8],
    ctx: &PrecompileContext,
    by_id: bool,
) -> PrecompileResult {
    if ctx.kind != CallKind::DelegateCall {
        return Err(PrecompileError::CallForbidden);
    }
    let mut r = Reader::new(input);
    let method = r.u64().map_err(invalid)?;
    let value = word_to_token(&Word(r.word()));
    let flags =
        SendFlags::from_bits(r.u64().map_err(invalid)?).ok_or(PrecompileError::InvalidInput)?;
    let codec = r.u64().map_err(invalid)?;
    let params_offset = r.u32().map_err(invalid)? as usize;
    let id_or_address_offset = r.u64().map_err(invalid)?;

    r.seek(params_offset);
    let params_len = r.u32().map_err(invalid)? as usize;
    let params = r.read_padded(params_len);

    let to = if by_id {
        Address::new_id(id_or_address_offset)
    } else {
        let offset =
            usize::try_from(id_or_address_offset).map_err(|_| PrecompileError::InvalidInput)?;
        r.seek(offset);
        let len = r.u32().map_err(invalid)? as usize;
        Address::from_bytes(&r.read_padded(len)).map_err(|_| PrecompileError::InvalidInput)?
    };

    if method <= EVM_MAX_RESERVED_METHOD {
        return Err(PrecompileError::InvalidInput);
    }
    let params = match codec {
        CBOR => Some(IpldBlock {
            codec,
            data: params,
        }),
        0 if params.is_empty() => None,
        _ => return Err(PrecompileError::InvalidInput),
    };

    let result = system
        .send(&to, method, params, value, Some(ctx.gas_limit), flags)
        .map_err(PrecompileError::Actor)?;
    let (exit_code, block) = match result {
        Ok(response) => (
            signed_word(i64::from(response.exit_code.value())),
            response.return_data,
        ),
        Err(e) => (signed_word(-(e.0 as i64)), None),
    };
    let block = block.unwrap_or(IpldBlock {
        codec: 0,
        data: Vec::new(),
    });

    let mut out = Vec::with_capacity(4 * 32 + block.data.len() + 31);
    out.extend_from_slice(&exit_code);
    out.extend_from_slice(&Word::from_u64(block.codec).0);
    out.extend_from_slice(&Word::from_u64(3 * 32).0);
    out.extend_from_slice(&Word::from_u64(block.data.len() as u64).0);
    out.extend_from_slice(&block.data);
    let rem = out.len() % 32;
    if rem != 0 {
        out.resize(out.len() + 32 - rem, 0);
    }
    Ok(out)
}

fn invalid(_: crate::abi::OutOfRange) -> PrecompileError {
    PrecompileError::InvalidInput
}

/// A signed integer as a two's-complement word.
fn signed_word(n: i64) -> [u8; 32] {
    let fill = if n < 0 { 0xff } else { 0x00 };
    let mut w = [fill; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}
