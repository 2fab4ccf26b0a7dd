//! What the payment channel sends to other actors, declared here rather than taken from their
//! crates: the authentication of a voucher's signature by the signer's own actor (FIP-0044).

pub mod account {
    use fvm_ipld_encoding::strict_bytes;
    use fvm_ipld_encoding::tuple::*;

    /// FRC-42 `"AuthenticateMessage"`, exported by accounts (and by any actor that can sign).
    pub const AUTHENTICATE_MESSAGE_METHOD: u64 =
        fil_actors_runtime::method_hash!("AuthenticateMessage");

    /// The signature bytes without their type prefix (the signer's actor knows its key type),
    /// and the signed message.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct AuthenticateMessageParams {
        #[serde(with = "strict_bytes")]
        pub signature: Vec<u8>,
        #[serde(with = "strict_bytes")]
        pub message: Vec<u8>,
    }
}
