//! Parameters and return values of the reward actor's methods.

use fil_actors_runtime::FilterEstimate;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::bigint::bigint_ser::{self, BigIntDe};
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::StoragePower;
use serde::{Deserialize, Serialize};

/// `Constructor` parameters: the network's raw-byte power at genesis, a bare big integer (CBOR
/// null is refused).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(transparent)]
pub struct ConstructorParams {
    pub power: Option<BigIntDe>,
}

/// `AwardBlockReward` parameters, sent by the system actor for each block.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct AwardBlockRewardParams {
    /// The block's producer.
    pub miner: Address,
    /// The penalty for the block's invalid messages, before `PENALTY_MULTIPLIER`.
    pub penalty: TokenAmount,
    /// The gas premiums of the block's messages.
    pub gas_reward: TokenAmount,
    /// How many election wins the block claims.
    pub win_count: i64,
}

/// `ThisEpochReward` return.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct ThisEpochRewardReturn {
    pub this_epoch_reward_smoothed: FilterEstimate,
    #[serde(with = "bigint_ser")]
    pub this_epoch_baseline_power: StoragePower,
}

/// `UpdateNetworkKPI` parameters: the network's raw-byte power this epoch, a bare big integer
/// (CBOR null is refused).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(transparent)]
pub struct UpdateNetworkKPIParams {
    pub curr_realized_power: Option<BigIntDe>,
}
