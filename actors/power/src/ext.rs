//! What the power actor sends to other actors, declared here instead of depending on their
//! crates: the init actor's `Exec` (to create miners), the miner's constructor parameters and
//! `OnDeferredCronEvent`, and the reward actor's `ThisEpochReward` and `UpdateNetworkKPI`.

pub mod init {
    use cid::Cid;
    use fvm_ipld_encoding::tuple::*;
    use fvm_ipld_encoding::RawBytes;
    use fvm_shared::address::Address;
    use fvm_shared::MethodNum;

    pub const EXEC_METHOD: MethodNum = 2;

    /// `Exec` parameters: the code to instantiate and its constructor's parameters.
    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct ExecParams {
        pub code_cid: Cid,
        pub constructor_params: RawBytes,
    }

    /// `Exec` return: the new actor's ID and robust addresses.
    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct ExecReturn {
        pub id_address: Address,
        pub robust_address: Address,
    }
}

pub mod miner {
    use fil_actors_runtime::FilterEstimate;
    use fvm_ipld_encoding::tuple::*;
    use fvm_ipld_encoding::{strict_bytes, BytesDe};
    use fvm_shared::address::Address;
    use fvm_shared::sector::RegisteredPoStProof;
    use fvm_shared::MethodNum;

    pub const ON_DEFERRED_CRON_EVENT_METHOD: MethodNum = 12;
    /// The miner constructor's parameters, passed through init's `Exec`. The FIP-0077 creation
    /// deposit travels as the value of the call, not as a field: the miner computes and locks it.
    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct MinerConstructorParams {
        pub owner: Address,
        pub worker: Address,
        pub control_addresses: Vec<Address>,
        pub window_post_proof_type: RegisteredPoStProof,
        #[serde(with = "strict_bytes")]
        pub peer_id: Vec<u8>,
        pub multi_addresses: Vec<BytesDe>,
    }

    /// `OnDeferredCronEvent` parameters: the payload the miner enrolled, and this epoch's
    /// reward and quality-adjusted power estimates.
    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct DeferredCronEventParams {
        #[serde(with = "strict_bytes")]
        pub event_payload: Vec<u8>,
        pub reward_smoothed: FilterEstimate,
        pub quality_adj_power_smoothed: FilterEstimate,
    }
}

pub mod reward {
    use fil_actors_runtime::FilterEstimate;
    use fvm_ipld_encoding::tuple::*;
    use fvm_shared::bigint::bigint_ser;
    use fvm_shared::sector::StoragePower;
    use fvm_shared::MethodNum;

    pub const THIS_EPOCH_REWARD_METHOD: MethodNum = 3;
    pub const UPDATE_NETWORK_KPI_METHOD: MethodNum = 4;

    /// `ThisEpochReward` return.
    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct ThisEpochRewardReturn {
        pub this_epoch_reward_smoothed: FilterEstimate,
        #[serde(with = "bigint_ser")]
        pub this_epoch_baseline_power: StoragePower,
    }
}
