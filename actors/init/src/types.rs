//! Parameters and return values of the init actor's methods, as CBOR tuples.

use cid::Cid;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;

/// `Constructor` parameters.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct ConstructorParams {
    /// The name of the network, recorded in state for the node to read.
    pub network_name: String,
}

/// `Exec` parameters: which code to instantiate and what to pass its constructor.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct ExecParams {
    pub code_cid: Cid,
    /// Sent as-is (a CBOR block, or no block when empty) to the new actor's constructor.
    pub constructor_params: RawBytes,
}

/// `Exec` and `Exec4` return value: the new actor's addresses.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct ExecReturn {
    /// The ID address allocated to the new actor.
    pub id_address: Address,
    /// The re-org-stable (f2) address, derived from the creating message.
    pub robust_address: Address,
}

/// `Exec4` parameters: as `Exec`, plus the sub-address of the new actor's f4 address in the
/// caller's namespace.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct Exec4Params {
    pub code_cid: Cid,
    pub constructor_params: RawBytes,
    pub subaddress: RawBytes,
}

/// `Exec4` returns the same pair as `Exec`.
pub type Exec4Return = ExecReturn;
