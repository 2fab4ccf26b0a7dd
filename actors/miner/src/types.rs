//! Parameter types of the miner's methods that the state model already works with.

use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::tuple::*;

/// One partition proven by a Window PoSt.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct PoStPartition {
    /// The partition's index in its deadline.
    pub index: u64,
    /// Sectors the proof skipped that were not already declared faulty.
    pub skipped: BitField,
}
