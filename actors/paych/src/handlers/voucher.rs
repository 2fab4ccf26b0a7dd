//! `UpdateChannelState`: redeeming a voucher. The voucher must be signed by the other party
//! (checked by that party's own actor through `AuthenticateMessage`, FIP-0044), be for this
//! channel, be within its time locks, reveal its secret and pass its extra verification; the
//! lanes then take its amount (`State::redeem`). The checks run in v18's order, so each bad
//! voucher fails with v18's exit code.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorContext, ActorError,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CBOR;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sys::SendFlags;

use super::validate_caller_is_party;
use crate::ext::account::{AuthenticateMessageParams, AUTHENTICATE_MESSAGE_METHOD};
use crate::{
    Actor, SignedVoucher, State, UpdateChannelStateParams, ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED,
    MAX_SECRET_SIZE,
};

impl Actor {
    /// Either party redeems a voucher signed by the other.
    pub fn update_channel_state(
        rt: &impl Runtime,
        params: UpdateChannelStateParams,
    ) -> Result<(), ActorError> {
        let st = validate_caller_is_party(rt)?;
        let signer = if rt.message().caller() == st.from {
            st.to
        } else {
            st.from
        };
        let sv = params.sv;
        let signature = sv
            .signature
            .as_ref()
            .ok_or_else(|| actor_error!(illegal_argument; "voucher has no signature"))?;
        if st.settling_at != 0 && rt.curr_epoch() >= st.settling_at {
            return Err(ActorError::unchecked(
                ERR_CHANNEL_STATE_UPDATE_AFTER_SETTLED,
                format!(
                    "no vouchers can be redeemed from settlement at epoch {} (now {})",
                    st.settling_at,
                    rt.curr_epoch()
                ),
            ));
        }
        if params.secret.len() > MAX_SECRET_SIZE {
            return Err(actor_error!(illegal_argument;
                "secret of {} bytes is longer than {}", params.secret.len(), MAX_SECRET_SIZE));
        }
        authenticate(rt, &signer, &signature.bytes, &sv)?;
        check_conditions(rt, &sv, &params.secret)?;
        rt.transaction(|st: &mut State, rt| st.redeem(rt.store(), sv, &rt.current_balance()))
    }
}

/// Asks the signer's actor, read-only, whether `signature` signs the voucher. An actor that
/// refuses fails the redemption with its own exit code; one that answers `false`, with
/// `USR_ILLEGAL_ARGUMENT`.
fn authenticate(
    rt: &impl Runtime,
    signer: &Address,
    signature: &[u8],
    sv: &SignedVoucher,
) -> Result<(), ActorError> {
    let message = sv.signing_bytes().map_err(
        |e| actor_error!(serialization; "failed to encode the voucher for signing: {}", e),
    )?;
    let params = IpldBlock::serialize_cbor(&AuthenticateMessageParams {
        signature: signature.to_vec(),
        message,
    })
    .map_err(|e| actor_error!(serialization; "failed to encode authentication: {}", e))?;
    let authentic: bool = extract_send_result(rt.send(
        signer,
        AUTHENTICATE_MESSAGE_METHOD,
        params,
        TokenAmount::default(),
        None,
        SendFlags::READ_ONLY,
    ))
    .and_then(deserialize_block)
    .with_context(|| format!("voucher signature authentication by {} failed", signer))?;
    if !authentic {
        return Err(actor_error!(illegal_argument;
            "{} did not authenticate the voucher's signature", signer));
    }
    Ok(())
}

/// The voucher's own conditions: this channel, the time locks, a non-negative amount, the
/// secret, and the extra verification (whose refusal keeps its exit code).
fn check_conditions(
    rt: &impl Runtime,
    sv: &SignedVoucher,
    secret: &[u8],
) -> Result<(), ActorError> {
    let channel = rt.message().receiver();
    let named = rt.resolve_address(&sv.channel_addr).ok_or_else(|| {
        actor_error!(illegal_argument;
            "voucher channel address {} does not resolve to an ID", sv.channel_addr)
    })?;
    if Address::new_id(named) != channel {
        return Err(actor_error!(illegal_argument;
            "voucher is for channel {} (ID {}), not {}", sv.channel_addr, named, channel));
    }
    let epoch = rt.curr_epoch();
    if epoch < sv.time_lock_min {
        return Err(actor_error!(illegal_argument;
            "voucher cannot be used before epoch {} (now {})", sv.time_lock_min, epoch));
    }
    if sv.time_lock_max != 0 && epoch > sv.time_lock_max {
        return Err(actor_error!(illegal_argument;
            "voucher expired at epoch {} (now {})", sv.time_lock_max, epoch));
    }
    if sv.amount.is_negative() {
        return Err(actor_error!(illegal_argument;
            "voucher amount {} is negative", sv.amount));
    }
    if !sv.secret_pre_image.is_empty() && rt.hash_blake2b(secret)[..] != sv.secret_pre_image[..] {
        return Err(actor_error!(illegal_argument;
            "secret does not hash to the voucher's pre-image"));
    }
    if let Some(extra) = &sv.extra {
        let data = Some(IpldBlock {
            codec: CBOR,
            data: extra.data.to_vec(),
        });
        extract_send_result(rt.send_simple(
            &extra.actor,
            extra.method,
            data,
            TokenAmount::default(),
        ))
        .with_context(|| {
            format!(
                "voucher verification by method {} of {} failed",
                extra.method, extra.actor
            )
        })?;
    }
    Ok(())
}
