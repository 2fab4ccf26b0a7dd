//! The parameters and returns of the market's methods, in v18's encodings (a single-field
//! struct marked transparent encodes as its field), the market's own exit codes, and the
//! notification the market sends a client for each published deal.

use cid::Cid;
use fil_actors_runtime::BatchReturn;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::strict_bytes;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber};
use fvm_shared::ActorID;

use crate::ext::verifreg::AllocationID;
use crate::{ClientDealProposal, Label};

/// Information about a deal is no longer available: it finished and was removed (or, for
/// activation, its start epoch has passed).
pub const EX_DEAL_EXPIRED: ExitCode = ExitCode::new(32);
/// Information about a deal's activation is not available yet: it was never activated.
pub const EX_DEAL_NOT_ACTIVATED: ExitCode = ExitCode::new(33);

/// The allocation ID of a deal without verified data.
pub const NO_ALLOCATION_ID: AllocationID = 0;

/// FRC-42 number of the notification a client receives for each of its published deals.
pub const MARKET_NOTIFY_DEAL_METHOD: u64 = fil_actors_runtime::method_hash!("MarketNotifyDeal");

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct AddBalanceParams {
    pub provider_or_client: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct WithdrawBalanceParams {
    pub provider_or_client: Address,
    pub amount: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct WithdrawBalanceReturn {
    pub amount_withdrawn: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetBalanceParams {
    pub account: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetBalanceReturn {
    pub balance: TokenAmount,
    pub locked: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct PublishStorageDealsParams {
    pub deals: Vec<ClientDealProposal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct PublishStorageDealsReturn {
    /// The IDs of the deals published, in the order of the valid inputs.
    pub ids: Vec<DealID>,
    /// Which inputs (by index) were valid and published.
    pub valid_deals: BitField,
}

/// What a client receives for each deal published for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct MarketNotifyDealParams {
    /// The proposal as stored (ID addresses), CBOR-encoded.
    #[serde(with = "strict_bytes")]
    pub proposal: Vec<u8>,
    pub deal_id: DealID,
}

/// One sector's deals, as the miner names them before or at activation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SectorDeals {
    pub sector_number: SectorNumber,
    pub sector_type: RegisteredSealProof,
    pub sector_expiry: ChainEpoch,
    pub deal_ids: Vec<DealID>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct VerifyDealsForActivationParams {
    pub sectors: Vec<SectorDeals>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct VerifyDealsForActivationReturn {
    /// Per sector, the CommD computed from its deals (none for a sector without deals).
    pub unsealed_cids: Vec<Option<Cid>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct BatchActivateDealsParams {
    /// Each sector's deals activate, or fail, together; sectors are independent.
    pub sectors: Vec<SectorDeals>,
    /// Whether to compute each sector's unsealed CID from its deals.
    pub compute_cid: bool,
}

/// A deal activated, as FIP-0083 describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ActivatedDeal {
    pub client: ActorID,
    /// `NO_ALLOCATION_ID` for a deal without verified data.
    pub allocation_id: AllocationID,
    pub data: Cid,
    pub size: PaddedPieceSize,
}

/// One sector's activated deals and, when requested, its unsealed CID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SectorDealActivation {
    pub activated: Vec<ActivatedDeal>,
    /// None when the sector has no deals or the computation was not requested.
    pub unsealed_cid: Option<Cid>,
}

/// FIP-0083's `BatchActivateDealsResult`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct BatchActivateDealsResult {
    /// Per sector, whether its deals were activated.
    pub activation_results: BatchReturn,
    /// For the sectors activated, in order.
    pub activations: Vec<SectorDealActivation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct OnMinerSectorsTerminateParams {
    pub epoch: ChainEpoch,
    pub sectors: BitField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct SettleDealPaymentsParams {
    pub deal_ids: BitField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SettleDealPaymentsReturn {
    /// Per deal, whether it settled.
    pub results: BatchReturn,
    /// For the deals settled, in order.
    pub settlements: Vec<DealSettlementSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DealSettlementSummary {
    /// Paid from client to provider by this settlement.
    pub payment: TokenAmount,
    /// Whether the deal was settled for the last time.
    pub completed: bool,
}

/// The parameter of every deal getter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct DealQueryParams {
    pub id: DealID,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetDealDataCommitmentReturn {
    pub data: Cid,
    pub size: PaddedPieceSize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetDealClientReturn {
    pub client: ActorID,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetDealProviderReturn {
    pub provider: ActorID,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetDealLabelReturn {
    pub label: Label,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetDealTermReturn {
    /// The first epoch of the deal.
    pub start: ChainEpoch,
    /// Its length in epochs.
    pub duration: ChainEpoch,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetDealTotalPriceReturn {
    pub total_price: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetDealClientCollateralReturn {
    pub collateral: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetDealProviderCollateralReturn {
    pub collateral: TokenAmount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetDealVerifiedReturn {
    pub verified: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetDealActivationReturn {
    /// The epoch the deal was activated, or -1.
    pub activated: ChainEpoch,
    /// The epoch it was terminated, or -1.
    pub terminated: ChainEpoch,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
#[serde(transparent)]
pub struct GetDealSectorReturn {
    pub sector: SectorNumber,
}
