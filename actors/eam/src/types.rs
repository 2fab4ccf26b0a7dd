//! The EAM's parameter and return types, and `EthAddress` with the reserved ranges the EAM
//! never assigns.

use std::fmt;

use fvm_ipld_encoding::strict_bytes;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

/// A 20-byte Ethereum address, encoded as a CBOR byte string.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(transparent)]
pub struct EthAddress(#[serde(with = "strict_bytes")] pub [u8; 20]);

impl EthAddress {
    /// The Ethereum form of an actor ID: `0xff`, eleven zero bytes, the ID in big-endian.
    pub fn from_id(id: ActorID) -> EthAddress {
        let mut bytes = [0u8; 20];
        bytes[0] = 0xff;
        bytes[12..].copy_from_slice(&id.to_be_bytes());
        EthAddress(bytes)
    }

    /// The all-zero address.
    pub fn is_null(&self) -> bool {
        self.0 == [0u8; 20]
    }

    /// An address in a precompile range: `0x00` (Ethereum precompiles) or `0xfe` (Filecoin
    /// precompiles) followed by 18 zero bytes and any last byte. The EAM cannot know which
    /// precompiles the EVM defines, so it reserves the whole range.
    pub fn is_precompile(&self) -> bool {
        (self.0[0] == 0x00 || self.0[0] == 0xfe) && self.0[1..19].iter().all(|b| *b == 0)
    }

    /// An ID address in Ethereum form (`0xff` followed by eleven zero bytes).
    pub fn is_id(&self) -> bool {
        self.0[0] == 0xff && self.0[1..12].iter().all(|b| *b == 0)
    }

    /// Reserved addresses are never assigned to a new contract.
    pub fn is_reserved(&self) -> bool {
        self.is_precompile() || self.is_id() || self.is_null()
    }
}

impl fmt::Display for EthAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        for b in self.0 {
            write!(f, "{:02x}", b)?;
        }
        Ok(())
    }
}

/// `Create` parameters: the contract's init code and the creating contract's nonce.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct CreateParams {
    #[serde(with = "strict_bytes")]
    pub initcode: Vec<u8>,
    pub nonce: u64,
}

/// `Create2` parameters: the contract's init code and a 32-byte salt.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct Create2Params {
    #[serde(with = "strict_bytes")]
    pub initcode: Vec<u8>,
    #[serde(with = "strict_bytes")]
    pub salt: [u8; 32],
}

/// `CreateExternal` parameters: the init code alone, as a CBOR byte string.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(transparent)]
pub struct CreateExternalParams(#[serde(with = "strict_bytes")] pub Vec<u8>);

/// What the create methods return: the new actor's ID, its robust (f2) address when newly
/// created, and its Ethereum address.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct Return {
    pub actor_id: ActorID,
    pub robust_address: Option<Address>,
    pub eth_address: EthAddress,
}

pub type CreateReturn = Return;
pub type Create2Return = Return;
pub type CreateExternalReturn = Return;
