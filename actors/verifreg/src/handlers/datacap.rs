//! The registry's calls to the datacap token, which it governs, and the conversion between
//! datacap in bytes (the registry's unit) and token amounts (10^18 atto per byte).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    deserialize_block, extract_send_result, ActorContext, ActorError, DATACAP_TOKEN_ACTOR_ADDR,
    STORAGE_MARKET_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sys::SendFlags;
use fvm_shared::{ActorID, MethodNum};
use num_traits::Zero;

use crate::ext::datacap::*;
use crate::DataCap;

pub(crate) fn datacap_to_tokens(amount: &DataCap) -> TokenAmount {
    TokenAmount::from_atto(amount.clone()) * TOKEN_PRECISION
}

/// Whole bytes of datacap in `amount` (any fraction of a token is dropped; the token's
/// granularity means there is none).
pub(crate) fn tokens_to_datacap(amount: &TokenAmount) -> DataCap {
    amount.atto() / TOKEN_PRECISION
}

fn send_to_datacap<P: serde::Serialize>(
    rt: &impl Runtime,
    method: MethodNum,
    params: &P,
    flags: SendFlags,
    what: &str,
) -> Result<Option<IpldBlock>, ActorError> {
    extract_send_result(rt.send(
        &DATACAP_TOKEN_ACTOR_ADDR,
        method,
        IpldBlock::serialize_cbor(params)?,
        TokenAmount::zero(),
        None,
        flags,
    ))
    .with_context(|| format!("failed to {} in the datacap token", what))
}

/// `owner`'s datacap balance, in bytes (a read-only call).
pub(crate) fn balance(rt: &impl Runtime, owner: &Address) -> Result<DataCap, ActorError> {
    let ret = send_to_datacap(
        rt,
        BALANCE_METHOD,
        owner,
        SendFlags::READ_ONLY,
        &format!("query the balance of {}", owner),
    )?;
    let tokens: TokenAmount = deserialize_block(ret)?;
    Ok(tokens_to_datacap(&tokens))
}

/// Mints `amount` bytes of datacap to a new client, with the market as its operator (so the
/// market can move it on the client's behalf).
pub(crate) fn mint(rt: &impl Runtime, to: &Address, amount: &DataCap) -> Result<(), ActorError> {
    let params = MintParams {
        to: *to,
        amount: datacap_to_tokens(amount),
        operators: vec![STORAGE_MARKET_ACTOR_ADDR],
    };
    send_to_datacap(
        rt,
        MINT_METHOD,
        &params,
        SendFlags::default(),
        &format!("mint {} to {}", amount, to),
    )?;
    Ok(())
}

/// Burns `amount` bytes of the registry's own datacap; nothing is sent for zero.
pub(crate) fn burn(rt: &impl Runtime, amount: &DataCap) -> Result<(), ActorError> {
    if amount.is_zero() {
        return Ok(());
    }
    let params = BurnParams {
        amount: datacap_to_tokens(amount),
    };
    send_to_datacap(
        rt,
        BURN_METHOD,
        &params,
        SendFlags::default(),
        &format!("burn {}", amount),
    )?;
    Ok(())
}

/// Destroys `amount` bytes of `owner`'s datacap; nothing is sent for zero.
pub(crate) fn destroy(
    rt: &impl Runtime,
    owner: &Address,
    amount: &DataCap,
) -> Result<(), ActorError> {
    if amount.is_zero() {
        return Ok(());
    }
    let params = DestroyParams {
        owner: *owner,
        amount: datacap_to_tokens(amount),
    };
    send_to_datacap(
        rt,
        DESTROY_METHOD,
        &params,
        SendFlags::default(),
        &format!("destroy {} of {}", amount, owner),
    )?;
    Ok(())
}

/// Transfers `amount` bytes of the registry's datacap back to a client (sent even for zero, as
/// v18 does).
pub(crate) fn transfer(rt: &impl Runtime, to: ActorID, amount: &DataCap) -> Result<(), ActorError> {
    let params = TransferParams {
        to: Address::new_id(to),
        amount: datacap_to_tokens(amount),
        operator_data: RawBytes::default(),
    };
    send_to_datacap(
        rt,
        TRANSFER_METHOD,
        &params,
        SendFlags::default(),
        &format!("transfer {} to {}", amount, to),
    )?;
    Ok(())
}
