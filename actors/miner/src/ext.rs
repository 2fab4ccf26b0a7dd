//! What the miner sends to other actors, declared here instead of depending on their crates:
//! method numbers and the v18 shapes of the messages and their returns.

use cid::Cid;
use fil_actors_runtime::{BatchReturn, FilterEstimate};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::bigint::{bigint_ser, BigInt};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber, StoragePower};
use fvm_shared::ActorID;

/// Account actors: resolving a worker or control address to its key address.
pub mod account {
    pub const PUBKEY_ADDRESS_METHOD: u64 = 2;
}

/// The storage market: deals named by pre-commits (the pre-FIP-0076 path), and terminations.
pub mod market {
    use super::*;

    pub const VERIFY_DEALS_FOR_ACTIVATION_METHOD: u64 = 5;
    pub const BATCH_ACTIVATE_DEALS_METHOD: u64 = 6;
    pub const ON_MINER_SECTORS_TERMINATE_METHOD: u64 = 7;

    /// The allocation id of a deal without verified data.
    pub const NO_ALLOCATION_ID: u64 = 0;

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct SectorDeals {
        pub sector_number: SectorNumber,
        pub sector_type: RegisteredSealProof,
        pub sector_expiry: ChainEpoch,
        pub deal_ids: Vec<DealID>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct BatchActivateDealsParams {
        pub sectors: Vec<SectorDeals>,
        /// Whether the market should compute each sector's unsealed CID.
        pub compute_cid: bool,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct ActivatedDeal {
        pub client: ActorID,
        pub allocation_id: u64,
        pub data: Cid,
        pub size: PaddedPieceSize,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct SectorDealActivation {
        pub activated: Vec<ActivatedDeal>,
        pub unsealed_cid: Option<Cid>,
    }

    /// FIP-0083 names this shape.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct BatchActivateDealsResult {
        pub activation_results: BatchReturn,
        pub activations: Vec<SectorDealActivation>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct OnMinerSectorsTerminateParams {
        pub epoch: ChainEpoch,
        pub sectors: BitField,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct VerifyDealsForActivationParams {
        pub sectors: Vec<SectorDeals>,
    }

    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct VerifyDealsForActivationReturn {
        pub unsealed_cids: Vec<Option<Cid>>,
    }
}

/// The storage power actor: claimed power, pledge totals, cron enrollment, network totals.
pub mod power {
    use super::*;

    pub const UPDATE_CLAIMED_POWER_METHOD: u64 = 3;
    pub const ENROLL_CRON_EVENT_METHOD: u64 = 4;
    pub const UPDATE_PLEDGE_TOTAL_METHOD: u64 = 6;
    pub const CURRENT_TOTAL_POWER_METHOD: u64 = 9;

    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct CurrentTotalPowerReturn {
        #[serde(with = "bigint_ser")]
        pub raw_byte_power: StoragePower,
        #[serde(with = "bigint_ser")]
        pub quality_adj_power: StoragePower,
        pub pledge_collateral: TokenAmount,
        pub quality_adj_power_smoothed: FilterEstimate,
        /// FIP-0081: the pledge ramp.
        pub ramp_start_epoch: i64,
        pub ramp_duration_epochs: u64,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct EnrollCronEventParams {
        pub event_epoch: ChainEpoch,
        pub payload: RawBytes,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct UpdateClaimedPowerParams {
        #[serde(with = "bigint_ser")]
        pub raw_byte_delta: StoragePower,
        #[serde(with = "bigint_ser")]
        pub quality_adjusted_delta: StoragePower,
    }
}

/// The reward actor: this epoch's reward estimates.
pub mod reward {
    use super::*;

    pub const THIS_EPOCH_REWARD_METHOD: u64 = 3;

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct ThisEpochRewardReturn {
        pub this_epoch_reward_smoothed: FilterEstimate,
        #[serde(with = "bigint_ser")]
        pub this_epoch_baseline_power: StoragePower,
    }
}

/// The verified registry: claiming allocations at activation, reading claims at extension.
pub mod verifreg {
    use super::*;

    pub const CLAIM_ALLOCATIONS_METHOD: u64 = 9;
    pub const GET_CLAIMS_METHOD: u64 = 10;

    pub use crate::{AllocationID, ClaimID};

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct Claim {
        pub provider: ActorID,
        pub client: ActorID,
        pub data: Cid,
        pub size: PaddedPieceSize,
        pub term_min: ChainEpoch,
        pub term_max: ChainEpoch,
        pub term_start: ChainEpoch,
        pub sector: SectorNumber,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct GetClaimsParams {
        pub provider: ActorID,
        pub claim_ids: Vec<ClaimID>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct GetClaimsReturn {
        pub batch_info: BatchReturn,
        pub claims: Vec<Claim>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct SectorAllocationClaims {
        pub sector: SectorNumber,
        pub expiry: ChainEpoch,
        pub claims: Vec<AllocationClaim>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct AllocationClaim {
        pub client: ActorID,
        pub allocation_id: AllocationID,
        pub data: Cid,
        pub size: PaddedPieceSize,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct ClaimAllocationsParams {
        pub sectors: Vec<SectorAllocationClaims>,
        pub all_or_nothing: bool,
    }

    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    #[serde(transparent)]
    pub struct SectorClaimSummary {
        #[serde(with = "bigint_ser")]
        pub claimed_space: BigInt,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct ClaimAllocationsReturn {
        pub sector_results: BatchReturn,
        pub sector_claims: Vec<SectorClaimSummary>,
    }
}
