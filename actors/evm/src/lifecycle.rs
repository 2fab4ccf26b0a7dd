//! CREATE, CREATE2 and SELFDESTRUCT by v18's rules. Contracts are created by the EAM, which
//! derives the new address and asks the init actor to deploy; any failure of the creation is
//! a zero pushed to the creator, as in the EVM (the nonce stays spent). SELFDESTRUCT pays the
//! whole balance to the beneficiary and leaves a tombstone (see `state::Tombstone`).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{deserialize_block, extract_send_result, ActorError, EAM_ACTOR_ADDR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sys::SendFlags;
use fvm_shared::METHOD_SEND;
use serde::Serialize;

use crate::exit_codes::EVM_CONTRACT_SELFDESTRUCT_FAILED;
use crate::ext::eam;
use crate::system::System;
use crate::types::EthAddress;

/// CREATE: the new contract's address, or `None` when the creation failed.
pub fn create<RT: Runtime>(
    system: &mut System<'_, RT>,
    value: TokenAmount,
    initcode: &[u8],
) -> Result<Option<EthAddress>, ActorError> {
    if value > system.rt.current_balance() {
        return Ok(None);
    }
    let nonce = system.increment_nonce()?;
    let params = eam::CreateParams {
        initcode: initcode.to_vec(),
        nonce,
    };
    create_through_eam(system, eam::CREATE_METHOD, &params, value)
}

/// CREATE2 (EIP-1014): the new contract's address, or `None` when the creation failed.
pub fn create2<RT: Runtime>(
    system: &mut System<'_, RT>,
    value: TokenAmount,
    initcode: &[u8],
    salt: [u8; 32],
) -> Result<Option<EthAddress>, ActorError> {
    if value > system.rt.current_balance() {
        return Ok(None);
    }
    system.increment_nonce()?;
    let params = eam::Create2Params {
        initcode: initcode.to_vec(),
        salt,
    };
    create_through_eam(system, eam::CREATE2_METHOD, &params, value)
}

fn create_through_eam<RT: Runtime>(
    system: &mut System<'_, RT>,
    method: u64,
    params: &impl Serialize,
    value: TokenAmount,
) -> Result<Option<EthAddress>, ActorError> {
    let params = IpldBlock::serialize_cbor(params).map_err(|e| {
        ActorError::serialization(format!("failed to encode create parameters: {}", e))
    })?;
    match system.send(
        &EAM_ACTOR_ADDR,
        method,
        params,
        value,
        None,
        SendFlags::default(),
    )? {
        Ok(r) if r.exit_code.is_success() => {
            let ret: eam::CreateReturn = deserialize_block(r.return_data)?;
            Ok(Some(ret.eth_address))
        }
        _ => Ok(None),
    }
}

/// SELFDESTRUCT: pays out the balance and leaves a tombstone. A payout the beneficiary cannot
/// receive aborts the invocation with `EVM_CONTRACT_SELFDESTRUCT_FAILED`.
pub fn selfdestruct<RT: Runtime>(
    system: &mut System<'_, RT>,
    beneficiary: &EthAddress,
) -> Result<(), ActorError> {
    let to = beneficiary.to_fil_address();
    let balance = system.rt.current_balance();
    extract_send_result(system.rt.send_simple(&to, METHOD_SEND, None, balance)).map_err(|e| {
        ActorError::unchecked(
            EVM_CONTRACT_SELFDESTRUCT_FAILED,
            format!(
                "failed to transfer funds to beneficiary {} on SELFDESTRUCT: {}",
                to,
                e.msg()
            ),
        )
    })?;
    system.mark_selfdestructed()
}
