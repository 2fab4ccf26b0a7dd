//! What the verified registry sends to other actors and receives from the datacap token,
//! declared here instead of depending on their crates: method numbers and v18's shapes.

use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;

/// Account actors: checking a verifier's signature on a removal proposal (FIP-0050).
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

/// The datacap token, which the registry governs: its FRC-46 methods and parameters, and the
/// FRC-46 receiver hook payload it sends the registry on a transfer.
pub mod datacap {
    use super::*;
    use fvm_ipld_encoding::RawBytes;
    use fvm_shared::econ::TokenAmount;
    use fvm_shared::ActorID;

    pub const MINT_METHOD: u64 = fil_actors_runtime::method_hash!("Mint");
    pub const DESTROY_METHOD: u64 = fil_actors_runtime::method_hash!("Destroy");
    pub const BALANCE_METHOD: u64 = fil_actors_runtime::method_hash!("Balance");
    pub const TRANSFER_METHOD: u64 = fil_actors_runtime::method_hash!("Transfer");
    pub const BURN_METHOD: u64 = fil_actors_runtime::method_hash!("Burn");

    /// The FRC-46 asset type of a `UniversalReceiverParams`.
    pub const FRC46_TOKEN_TYPE: u32 = fil_actors_runtime::method_hash!("FRC46") as u32;

    /// One datacap token (10^18 atto) per byte.
    pub const TOKEN_PRECISION: u64 = 1_000_000_000_000_000_000;

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct MintParams {
        pub to: Address,
        pub amount: TokenAmount,
        pub operators: Vec<Address>,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct DestroyParams {
        pub owner: Address,
        pub amount: TokenAmount,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct TransferParams {
        pub to: Address,
        pub amount: TokenAmount,
        pub operator_data: RawBytes,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct BurnParams {
        pub amount: TokenAmount,
    }

    /// The universal receiver hook's parameters (FRC-46 calls the recipient's `Receive`).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct UniversalReceiverParams {
        pub type_: u32,
        pub payload: RawBytes,
    }

    /// The payload of an FRC-46 receiver hook.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct FRC46TokenReceived {
        pub from: ActorID,
        pub to: ActorID,
        pub operator: ActorID,
        pub amount: TokenAmount,
        pub operator_data: RawBytes,
        pub token_data: RawBytes,
    }
}
