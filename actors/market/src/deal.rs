//! A storage deal as the market stores it: the proposal a client signs (`DealProposal`, with its
//! free-form `Label`), the signed proposal a provider publishes (`ClientDealProposal`), the
//! deal's activation and payment record (`DealState`), and the deal's CID, which is how the
//! market recognizes a proposal it has already seen.

use cid::multihash::Multihash;
use cid::{Cid, Version};
use fil_actors_runtime::ActorError;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::DAG_CBOR;
use fvm_shared::address::Address;
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::commcid::{FIL_COMMITMENT_UNSEALED, SHA2_256_TRUNC254_PADDED};
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::SectorNumber;
use fvm_shared::ActorID;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The multihash code of blake2b-256, the hash of a deal CID.
const BLAKE2B_256: u64 = 0xb220;

/// Whether `c` has the shape of a piece commitment (CommP): a CIDv1 with the unsealed
/// commitment codec and a 32-byte truncated SHA-256 multihash.
pub fn is_piece_cid(c: &Cid) -> bool {
    c.version() == Version::V1
        && c.codec() == FIL_COMMITMENT_UNSEALED
        && c.hash().code() == SHA2_256_TRUNC254_PADDED
        && c.hash().size() == 32
}

/// The client's label for a deal: a text string or raw bytes, encoded as that CBOR type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    String(String),
    Bytes(Vec<u8>),
}

impl Label {
    /// The label's length in bytes.
    pub fn len(&self) -> usize {
        match self {
            Label::String(s) => s.len(),
            Label::Bytes(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for Label {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Label::String(s) => serializer.serialize_str(s),
            Label::Bytes(b) => serializer.serialize_bytes(b),
        }
    }
}

/// Accepts a CBOR text or byte string; anything else is malformed.
struct LabelVisitor;

impl<'de> Visitor<'de> for LabelVisitor {
    type Value = Label;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a text string or a byte string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Label, E> {
        Ok(Label::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Label, E> {
        Ok(Label::String(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Label, E> {
        Ok(Label::Bytes(v.to_vec()))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Label, E> {
        Ok(Label::Bytes(v))
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LabelVisitor)
    }
}

/// The terms a client and a provider agree on. Payment runs linearly from `start_epoch` to
/// `end_epoch` at `storage_price_per_epoch`; both collaterals are locked for the deal's life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DealProposal {
    pub piece_cid: Cid,
    pub piece_size: PaddedPieceSize,
    pub verified_deal: bool,
    pub client: Address,
    pub provider: Address,
    pub label: Label,
    /// The deal must be in a proven sector by this epoch, or it times out.
    pub start_epoch: ChainEpoch,
    pub end_epoch: ChainEpoch,
    pub storage_price_per_epoch: TokenAmount,
    pub provider_collateral: TokenAmount,
    pub client_collateral: TokenAmount,
}

impl DealProposal {
    /// Epochs from start to end.
    pub fn duration(&self) -> ChainEpoch {
        self.end_epoch - self.start_epoch
    }

    /// What the client pays over the whole deal.
    pub fn total_storage_fee(&self) -> TokenAmount {
        &self.storage_price_per_epoch * self.duration()
    }

    /// What the client must have locked: its collateral and the whole storage fee.
    pub fn client_balance_requirement(&self) -> TokenAmount {
        &self.client_collateral + self.total_storage_fee()
    }

    /// The client's actor ID (stored proposals carry ID addresses).
    pub fn client_id(&self) -> Result<ActorID, ActorError> {
        stored_id(&self.client, "client")
    }

    /// The provider's actor ID (stored proposals carry ID addresses).
    pub fn provider_id(&self) -> Result<ActorID, ActorError> {
        stored_id(&self.provider, "provider")
    }
}

fn stored_id(addr: &Address, role: &str) -> Result<ActorID, ActorError> {
    addr.id().map_err(|_| {
        ActorError::illegal_state(format!(
            "stored deal {} {} is not an ID address",
            role, addr
        ))
    })
}

/// A proposal with the client's signature over its CBOR encoding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ClientDealProposal {
    pub proposal: DealProposal,
    pub client_signature: Signature,
}

/// A deal's record once activated. Epochs are `EPOCH_UNDEFINED` (-1) until they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DealState {
    /// The provider's sector holding the deal.
    pub sector_number: SectorNumber,
    /// The epoch the deal was activated.
    pub sector_start_epoch: ChainEpoch,
    /// The last epoch up to which payments were made.
    pub last_updated_epoch: ChainEpoch,
    /// The epoch the deal was terminated (only deals terminated before FIP-0074 carry one).
    pub slash_epoch: ChainEpoch,
}

impl DealState {
    /// A deal activated at `epoch` in `sector`, not yet paid nor terminated.
    pub fn activated(sector: SectorNumber, epoch: ChainEpoch) -> Self {
        DealState {
            sector_number: sector,
            sector_start_epoch: epoch,
            last_updated_epoch: EPOCH_UNDEFINED,
            slash_epoch: EPOCH_UNDEFINED,
        }
    }
}

/// The CID of a proposal whose CBOR encoding hashes (blake2b-256) to `digest`.
pub fn deal_cid_from_digest(digest: &[u8]) -> Result<Cid, ActorError> {
    let hash = Multihash::wrap(BLAKE2B_256, digest).map_err(|e| {
        ActorError::illegal_argument(format!("failed to take cid of proposal: {}", e))
    })?;
    Ok(Cid::new_v1(DAG_CBOR, hash))
}
