//! What the market sends to, and receives from, other actors, declared here instead of
//! depending on their crates: method numbers and the v18 shapes of the messages and returns.

use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;

/// Account actors: authenticating a client's signature over a deal proposal.
pub mod account {
    use super::*;
    use fvm_ipld_encoding::strict_bytes;

    pub const AUTHENTICATE_MESSAGE_METHOD: u64 =
        fil_actors_runtime::method_hash!("AuthenticateMessage");

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct AuthenticateMessageParams {
        #[serde(with = "strict_bytes")]
        pub signature: Vec<u8>,
        #[serde(with = "strict_bytes")]
        pub message: Vec<u8>,
    }
}

/// Storage miners: who controls a provider, and the FIP-0076 notification of sector content.
pub mod miner {
    use super::*;
    use cid::Cid;
    use fvm_ipld_encoding::RawBytes;
    use fvm_shared::clock::ChainEpoch;
    use fvm_shared::piece::PaddedPieceSize;
    use fvm_shared::sector::SectorNumber;

    pub const CONTROL_ADDRESSES_METHOD: u64 = 2;
    pub const IS_CONTROLLING_ADDRESS_EXPORTED: u64 =
        fil_actors_runtime::method_hash!("IsControllingAddress");
    pub const SECTOR_CONTENT_CHANGED: u64 =
        fil_actors_runtime::method_hash!("SectorContentChanged");

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct GetControlAddressesReturn {
        pub owner: Address,
        pub worker: Address,
        pub control_addresses: Vec<Address>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    #[serde(transparent)]
    pub struct IsControllingAddressParam {
        pub address: Address,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    #[serde(transparent)]
    pub struct IsControllingAddressReturn {
        pub is_controlling: bool,
    }

    /// The pieces added to sectors, grouped by sector.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    #[serde(transparent)]
    pub struct SectorContentChangedParams {
        pub sectors: Vec<SectorChanges>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct SectorChanges {
        pub sector: SectorNumber,
        /// The sector's commitment lasts at least until this epoch.
        pub minimum_commitment_epoch: ChainEpoch,
        pub added: Vec<PieceChange>,
    }

    /// A piece, with the payload its notification carries (for the market, the deal ID).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct PieceChange {
        pub data: Cid,
        pub size: PaddedPieceSize,
        pub payload: RawBytes,
    }

    /// Per sector, in the request's order, whether each piece was accepted.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    #[serde(transparent)]
    pub struct SectorContentChangedReturn {
        pub sectors: Vec<SectorReturn>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    #[serde(transparent)]
    pub struct SectorReturn {
        pub added: Vec<PieceReturn>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    #[serde(transparent)]
    pub struct PieceReturn {
        pub accepted: bool,
    }
}

/// The verified registry: allocations requested through a datacap transfer.
pub mod verifreg {
    use super::*;
    use cid::Cid;
    use fil_actors_runtime::BatchReturn;
    use fvm_shared::clock::ChainEpoch;
    use fvm_shared::piece::PaddedPieceSize;
    use fvm_shared::ActorID;

    pub type AllocationID = u64;
    pub type ClaimID = u64;

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct AllocationRequest {
        pub provider: ActorID,
        pub data: Cid,
        pub size: PaddedPieceSize,
        pub term_min: ChainEpoch,
        pub term_max: ChainEpoch,
        pub expiration: ChainEpoch,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct ClaimExtensionRequest {
        pub provider: ActorID,
        pub claim: ClaimID,
        pub term_max: ChainEpoch,
    }

    /// The operator data of a datacap transfer to the registry.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct AllocationRequests {
        pub allocations: Vec<AllocationRequest>,
        pub extensions: Vec<ClaimExtensionRequest>,
    }

    /// The registry's answer, returned as the transfer's recipient data.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct AllocationsResponse {
        pub allocation_results: BatchReturn,
        pub extension_results: BatchReturn,
        pub new_allocations: Vec<AllocationID>,
    }
}

/// The datacap token (FRC-46): a client's balance, and transfers to the registry.
pub mod datacap {
    use super::*;
    use fvm_ipld_encoding::RawBytes;

    /// Takes the owner's address, returns its balance.
    pub const BALANCE_OF_METHOD: u64 = fil_actors_runtime::method_hash!("Balance");
    pub const TRANSFER_FROM_METHOD: u64 = fil_actors_runtime::method_hash!("TransferFrom");

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct TransferFromParams {
        pub from: Address,
        pub to: Address,
        pub amount: TokenAmount,
        pub operator_data: RawBytes,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct TransferFromReturn {
        pub from_balance: TokenAmount,
        pub to_balance: TokenAmount,
        pub allowance: TokenAmount,
        pub recipient_data: RawBytes,
    }
}

/// The reward actor: the network's baseline power.
pub mod reward {
    use super::*;
    use fil_actors_runtime::FilterEstimate;
    use fvm_shared::bigint::bigint_ser;
    use fvm_shared::sector::StoragePower;

    pub const THIS_EPOCH_REWARD_METHOD: u64 = 3;

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct ThisEpochRewardReturn {
        pub this_epoch_reward_smoothed: FilterEstimate,
        #[serde(with = "bigint_ser")]
        pub this_epoch_baseline_power: StoragePower,
    }
}

/// The power actor: the network's raw power.
pub mod power {
    use super::*;
    use fil_actors_runtime::FilterEstimate;
    use fvm_shared::bigint::bigint_ser;
    use fvm_shared::sector::StoragePower;

    pub const CURRENT_TOTAL_POWER_METHOD: u64 = 9;

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct CurrentTotalPowerReturn {
        #[serde(with = "bigint_ser")]
        pub raw_byte_power: StoragePower,
        #[serde(with = "bigint_ser")]
        pub quality_adj_power: StoragePower,
        pub pledge_collateral: TokenAmount,
        pub quality_adj_power_smoothed: FilterEstimate,
        pub ramp_start_epoch: i64,
        pub ramp_duration_epochs: u64,
    }
}
