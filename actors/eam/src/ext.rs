//! What the EAM sends to other actors, declared here rather than taken from their crates.
//!
//! A contract is deployed by the init actor's `Exec4` with the EVM's constructor parameters,
//! or, over a dead contract, by the EVM's own `Resurrect`.

pub mod account {
    /// The account's internal `PubkeyAddress` method.
    pub const PUBKEY_ADDRESS_METHOD: u64 = 2;
}

pub mod init {
    use cid::Cid;
    use fvm_ipld_encoding::tuple::*;
    use fvm_ipld_encoding::RawBytes;
    use fvm_shared::address::Address;

    /// The init actor's internal `Exec4` method: deploy an actor with an f4 address.
    pub const EXEC4_METHOD: u64 = 3;

    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct Exec4Params {
        pub code_cid: Cid,
        pub constructor_params: RawBytes,
        /// The subaddress in the caller's (the EAM's) namespace: the 20-byte Ethereum address.
        pub subaddress: RawBytes,
    }

    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct Exec4Return {
        pub id_address: Address,
        pub robust_address: Address,
    }
}

pub mod evm {
    use fvm_ipld_encoding::tuple::*;
    use fvm_ipld_encoding::RawBytes;

    use crate::EthAddress;

    /// The EVM actor's `Resurrect` method (same parameters as its constructor).
    pub const RESURRECT_METHOD: u64 = 2;

    /// The EVM actor's constructor parameters.
    #[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
    pub struct ConstructorParams {
        /// The Ethereum address of the creator, as the EAM resolved it.
        pub creator: EthAddress,
        pub initcode: RawBytes,
    }
}
