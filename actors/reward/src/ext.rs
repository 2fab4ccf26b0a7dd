//! What the reward actor sends to the miner actor, declared here instead of depending on its
//! crate.

pub mod miner {
    use fvm_ipld_encoding::tuple::*;
    use fvm_shared::econ::TokenAmount;
    use fvm_shared::MethodNum;

    pub const APPLY_REWARDS_METHOD: MethodNum = 14;

    /// `ApplyRewards` parameters: the reward sent as value with the call, and the penalty the
    /// miner must pay out of it (or out of its balance).
    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct ApplyRewardParams {
        pub reward: TokenAmount,
        pub penalty: TokenAmount,
    }
}
