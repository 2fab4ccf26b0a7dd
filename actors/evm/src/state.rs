//! The EVM actor's state root, field for field as v18 encodes it: bytecode CID, bytecode hash,
//! contract storage (a KAMT of words, see `storage.rs`), transient data (EIP-1153), nonce and
//! tombstone.

use cid::Cid;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::ActorID;

use crate::types::BytecodeHash;

/// Left by SELFDESTRUCT: the top-level message (origin and nonce) in which the contract died.
/// The contract keeps working until that message ends, then behaves as an empty contract
/// until the EAM resurrects it.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tombstone {
    pub origin: ActorID,
    pub nonce: u64,
}

/// The top-level message that transient storage belongs to: EIP-1153 storage lives for one
/// transaction, which on Filecoin is the message identified by its origin and nonce.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransientDataLifespan {
    pub origin: ActorID,
    pub nonce: u64,
}

/// Transient storage (a KAMT like contract storage) and the message it belongs to.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransientData {
    pub transient_data_state: Cid,
    pub transient_data_lifespan: TransientDataLifespan,
}

/// The EVM actor's state.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The runtime bytecode (an IPLD raw block), empty for a contract without code.
    pub bytecode: Cid,
    /// Keccak-256 of the bytecode.
    pub bytecode_hash: BytecodeHash,
    /// The root of the contract storage KAMT.
    pub contract_state: Cid,
    /// Transient storage, once the contract has been flushed by a message.
    pub transient_data: Option<TransientData>,
    /// The CREATE nonce: how many contracts this contract has tried to create, plus one.
    pub nonce: u64,
    /// Set by SELFDESTRUCT.
    pub tombstone: Option<Tombstone>,
}
