//! The market's method handlers, one module per group (architecture.md), and what several
//! groups share: deal CIDs, the escrow address rule, the miner's control addresses, and burning.

mod activation;
mod constructor;
mod cron;
mod escrow;
mod getters;
mod publish;
mod settlement;
mod termination;

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorError, Type, BURNT_FUNDS_ACTOR_ADDR,
};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::{ActorID, METHOD_SEND};

use crate::{deal_cid_from_digest, ext, DealProposal};

/// The CID of a proposal: blake2b-256 of its CBOR encoding, hashed by the runtime.
pub(crate) fn deal_cid(rt: &impl Runtime, proposal: &DealProposal) -> Result<Cid, ActorError> {
    let bytes = fvm_ipld_encoding::to_vec(proposal)
        .map_err(|e| actor_error!(serialization; "failed to serialize deal proposal: {}", e))?;
    serialized_deal_cid(rt, &bytes)
}

/// The CID of a proposal from its CBOR encoding.
pub(crate) fn serialized_deal_cid(rt: &impl Runtime, bytes: &[u8]) -> Result<Cid, ActorError> {
    deal_cid_from_digest(&rt.hash_blake2b(bytes))
}

/// The ID of a built-in caller (a miner), which the runtime reports as an ID address.
pub(crate) fn caller_id(caller: &Address) -> Result<ActorID, ActorError> {
    caller
        .id()
        .map_err(|_| actor_error!(illegal_state; "caller {} is not an ID address", caller))
}

/// A miner's owner, worker and control addresses, as the miner reports them.
pub(crate) fn request_miner_control_addrs(
    rt: &impl Runtime,
    miner: ActorID,
) -> Result<ext::miner::GetControlAddressesReturn, ActorError> {
    deserialize_block(extract_send_result(rt.send_simple(
        &Address::new_id(miner),
        ext::miner::CONTROL_ADDRESSES_METHOD,
        None,
        TokenAmount::default(),
    ))?)
}

/// Where an escrow is held and who may move it.
pub(crate) struct EscrowAddress {
    /// The ID address the balance is held under.
    pub nominal: Address,
    /// Who receives withdrawals: the participant itself, or a miner's owner.
    pub recipient: Address,
    /// Who may withdraw: the participant itself, or a miner's owner and worker.
    pub approved: Vec<Address>,
}

/// Resolves a participant of the market. A miner's funds go to its owner, and its owner or
/// worker may withdraw them; anyone else withdraws for itself.
pub(crate) fn escrow_address(
    rt: &impl Runtime,
    addr: &Address,
) -> Result<EscrowAddress, ActorError> {
    let id = rt
        .resolve_address(addr)
        .ok_or_else(|| actor_error!(illegal_argument; "failed to resolve address {}", addr))?;
    let code = rt
        .get_actor_code_cid(&id)
        .ok_or_else(|| actor_error!(illegal_argument; "no code for address {}", id))?;
    let nominal = Address::new_id(id);
    if rt.resolve_builtin_actor_type(&code) == Some(Type::Miner) {
        let control = request_miner_control_addrs(rt, id)?;
        return Ok(EscrowAddress {
            nominal,
            recipient: control.owner,
            approved: vec![control.owner, control.worker],
        });
    }
    Ok(EscrowAddress {
        nominal,
        recipient: nominal,
        approved: vec![nominal],
    })
}

/// Sends slashed collateral to the burnt-funds actor; nothing for a zero amount.
pub(crate) fn burn(rt: &impl Runtime, amount: TokenAmount) -> Result<(), ActorError> {
    if amount.is_positive() {
        extract_send_result(rt.send_simple(&BURNT_FUNDS_ACTOR_ADDR, METHOD_SEND, None, amount))?;
    }
    Ok(())
}
