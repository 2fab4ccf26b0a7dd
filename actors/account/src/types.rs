//! Parameters and returns of the account actor's methods.

use fvm_ipld_encoding::strict_bytes;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;

/// `Constructor` takes the key address itself (no wrapping tuple).
pub type ConstructorParams = Address;

/// `PubkeyAddress` returns the key address itself.
pub type PubkeyAddressReturn = Address;

/// `AuthenticateMessage` parameters: the raw signature bytes (no signature-type prefix; the
/// type follows from the account's address protocol) and the signed message.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct AuthenticateMessageParams {
    #[serde(with = "strict_bytes")]
    pub signature: Vec<u8>,
    #[serde(with = "strict_bytes")]
    pub message: Vec<u8>,
}

/// `AuthenticateMessage` returns `true` on success; a bad signature aborts instead.
pub type AuthenticateMessageReturn = bool;
