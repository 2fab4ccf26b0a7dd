//! FIP-0076 data notifications: after sectors are activated or updated, each actor named in a
//! piece's `notify` list receives one `SectorContentChanged` message listing its pieces, grouped
//! by sector. FIP-0109 lets any actor be named, not only the built-in market. Notifications are
//! fire-and-forget unless the caller requires their success.

use std::collections::BTreeMap;

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{ActorError, AsActorError, SendError};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::SectorNumber;
use fvm_shared::sys::SendFlags;
use num_traits::Zero;

use crate::{
    PieceActivationManifest, PieceChange, SectorChanges, SectorContentChangedParams,
    SectorContentChangedReturn, ERR_NOTIFICATION_RECEIVER_ABORTED, ERR_NOTIFICATION_REJECTED,
    ERR_NOTIFICATION_RESPONSE_INVALID, ERR_NOTIFICATION_SEND_FAILED, SECTOR_CONTENT_CHANGED,
};

/// One activated sector and its pieces, in manifest order.
pub(crate) struct ActivationNotifications<'a> {
    pub sector_number: SectorNumber,
    /// Sent as the sector's minimum commitment epoch.
    pub sector_expiration: ChainEpoch,
    pub pieces: &'a [PieceActivationManifest],
}

/// Sends one notification per receiver (in address order), each listing that receiver's
/// sectors in number order and their pieces in manifest order. With `require_success`, any
/// failure to send, abort, malformed response or rejected piece aborts the whole message.
pub(crate) fn notify_data_consumers(
    rt: &impl Runtime,
    activations: &[ActivationNotifications],
    require_success: bool,
) -> Result<(), ActorError> {
    let mut by_receiver = BTreeMap::<Address, BTreeMap<SectorNumber, Vec<PieceChange>>>::new();
    let mut expirations = BTreeMap::<SectorNumber, ChainEpoch>::new();
    for activation in activations {
        expirations.insert(activation.sector_number, activation.sector_expiration);
        for piece in activation.pieces {
            for notification in &piece.notify {
                by_receiver
                    .entry(notification.address)
                    .or_default()
                    .entry(activation.sector_number)
                    .or_default()
                    .push(PieceChange {
                        data: piece.cid,
                        size: piece.size,
                        payload: notification.payload.clone(),
                    });
            }
        }
    }

    for (receiver, sectors) in by_receiver {
        let changes: Vec<SectorChanges> = sectors
            .into_iter()
            .map(|(sector, added)| SectorChanges {
                sector,
                minimum_commitment_epoch: expirations.get(&sector).copied().unwrap_or_default(),
                added,
            })
            .collect();
        let response = send_notification(rt, &receiver, &changes);
        if require_success {
            validate_notification_response(&receiver, &changes, &response?)?;
        }
    }
    Ok(())
}

/// Sends one notification, turning a send failure, an abort or a missing or undecodable return
/// into the miner's notification exit codes.
fn send_notification(
    rt: &impl Runtime,
    receiver: &Address,
    changes: &[SectorChanges],
) -> Result<SectorContentChangedReturn, ActorError> {
    let params = SectorContentChangedParams {
        sectors: changes.to_vec(),
    };
    let response = rt
        .send(
            receiver,
            SECTOR_CONTENT_CHANGED,
            IpldBlock::serialize_cbor(&params)?,
            TokenAmount::zero(),
            None,
            SendFlags::default(),
        )
        .map_err(|SendError(e)| {
            ActorError::unchecked(ERR_NOTIFICATION_SEND_FAILED, format!("send error {}", e))
        })?;
    if !response.exit_code.is_success() {
        return Err(ActorError::unchecked(
            ERR_NOTIFICATION_RECEIVER_ABORTED,
            format!("receiver aborted with {}", response.exit_code),
        ));
    }
    response
        .return_data
        .ok_or_else(|| {
            ActorError::unchecked(ERR_NOTIFICATION_RESPONSE_INVALID, "no return data".into())
        })?
        .deserialize()
        .context_code(
            ERR_NOTIFICATION_RESPONSE_INVALID,
            "invalid return data serialization",
        )
}

/// The response must have the request's shape, and accept every piece.
fn validate_notification_response(
    receiver: &Address,
    request: &[SectorChanges],
    response: &SectorContentChangedReturn,
) -> Result<(), ActorError> {
    if response.sectors.len() != request.len() {
        return Err(ActorError::unchecked(
            ERR_NOTIFICATION_RESPONSE_INVALID,
            format!(
                "sector change response from {} has {} sectors, expected {}",
                receiver,
                response.sectors.len(),
                request.len()
            ),
        ));
    }
    for (sector_req, sector_resp) in request.iter().zip(&response.sectors) {
        if sector_resp.added.len() != sector_req.added.len() {
            return Err(ActorError::unchecked(
                ERR_NOTIFICATION_RESPONSE_INVALID,
                format!(
                    "sector change response mismatched pieces for sector {}",
                    sector_req.sector
                ),
            ));
        }
        for (piece_req, piece_resp) in sector_req.added.iter().zip(&sector_resp.added) {
            if !piece_resp.accepted {
                return Err(ActorError::unchecked(
                    ERR_NOTIFICATION_REJECTED,
                    format!(
                        "sector change rejected by {} for sector {} piece {} payload {:?}",
                        receiver, sector_req.sector, piece_req.data, piece_req.payload
                    ),
                ));
            }
        }
    }
    Ok(())
}
