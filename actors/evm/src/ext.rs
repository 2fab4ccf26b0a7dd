//! What the EVM actor sends to other actors, declared here rather than taken from their crates.

pub mod eam {
    use fvm_ipld_encoding::strict_bytes;
    use fvm_ipld_encoding::tuple::*;
    use fvm_shared::address::Address;
    use fvm_shared::ActorID;

    use crate::types::EthAddress;

    /// The EAM's `Create` (CREATE) and `Create2` (CREATE2) methods.
    pub const CREATE_METHOD: u64 = 2;
    pub const CREATE2_METHOD: u64 = 3;

    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct CreateParams {
        #[serde(with = "strict_bytes")]
        pub initcode: Vec<u8>,
        pub nonce: u64,
    }

    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct Create2Params {
        #[serde(with = "strict_bytes")]
        pub initcode: Vec<u8>,
        #[serde(with = "strict_bytes")]
        pub salt: [u8; 32],
    }

    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct CreateReturn {
        pub actor_id: ActorID,
        pub robust_address: Option<Address>,
        pub eth_address: EthAddress,
    }
}
