//! The account actor's state: the key address it stands for.

use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;

/// Encoded as a one-element CBOR array holding the address bytes, as in v18.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The f1 (secp256k1) or f3 (BLS) address whose key controls this account.
    pub address: Address,
}
