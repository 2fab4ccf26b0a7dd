//! The EVM actor's vocabulary: Ethereum addresses, 256-bit words as v18 encodes them, bytecode
//! hashes, and the parameter and return types of its methods (v18 encodings).

use std::fmt;

use cid::Cid;
use fil_actors_runtime::EAM_ACTOR_ID;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::{strict_bytes, RawBytes};
use fvm_shared::address::{Address, Payload};
use fvm_shared::bigint::{BigInt, Sign};
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A 20-byte Ethereum address, encoded as a CBOR byte string.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[serde(transparent)]
pub struct EthAddress(#[serde(with = "strict_bytes")] pub [u8; 20]);

impl EthAddress {
    /// The all-zero address.
    pub const NULL: EthAddress = EthAddress([0; 20]);

    /// The Ethereum form of an actor ID ("masked ID"): `0xff`, eleven zero bytes, the ID.
    pub fn from_id(id: ActorID) -> EthAddress {
        let mut bytes = [0u8; 20];
        bytes[0] = 0xff;
        bytes[12..].copy_from_slice(&id.to_be_bytes());
        EthAddress(bytes)
    }

    /// The actor ID of a masked-ID address.
    pub fn as_id(&self) -> Option<ActorID> {
        if self.0[0] != 0xff || self.0[1..12].iter().any(|b| *b != 0) {
            return None;
        }
        let mut id = [0u8; 8];
        id.copy_from_slice(&self.0[12..]);
        Some(u64::from_be_bytes(id))
    }

    /// The low 20 bytes of a word, as the EVM reads an address off the stack.
    pub fn from_word(word: &[u8; 32]) -> EthAddress {
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&word[12..]);
        EthAddress(bytes)
    }

    /// The address as a word (left-padded with zeros).
    pub fn to_word(self) -> [u8; 32] {
        let mut word = [0u8; 32];
        word[12..].copy_from_slice(&self.0);
        word
    }

    /// The Filecoin address this Ethereum address stands for: an ID address for a masked ID,
    /// otherwise the f4 address in the EAM's namespace.
    pub fn to_fil_address(self) -> Address {
        match self.as_id() {
            Some(id) => Address::new_id(id),
            None => {
                Address::new_delegated(EAM_ACTOR_ID, &self.0).unwrap_or_else(|_| Address::new_id(0))
            }
        }
    }

    /// The Ethereum address of an f4 address in the EAM's namespace, if it is one.
    pub fn from_delegated(address: &Address) -> Option<EthAddress> {
        match address.payload() {
            Payload::Delegated(d) if d.namespace() == EAM_ACTOR_ID => {
                <[u8; 20]>::try_from(d.subaddress()).ok().map(EthAddress)
            }
            _ => None,
        }
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

impl fmt::Debug for EthAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A 256-bit EVM word, big-endian. v18 encodes it as a CBOR byte string without leading zero
/// bytes (zero is the empty string), and decodes any string of at most 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Word(pub [u8; 32]);

impl Word {
    pub const ZERO: Word = Word([0; 32]);

    pub fn from_u64(n: u64) -> Word {
        let mut w = [0u8; 32];
        w[24..].copy_from_slice(&n.to_be_bytes());
        Word(w)
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|b| *b == 0)
    }

    /// The value as bytes without leading zeros.
    pub fn significant_bytes(&self) -> &[u8] {
        let first = self.0.iter().position(|b| *b != 0).unwrap_or(32);
        &self.0[first..]
    }

    /// The word from at most 32 big-endian bytes.
    pub fn from_be_slice(bytes: &[u8]) -> Option<Word> {
        if bytes.len() > 32 {
            return None;
        }
        let mut w = [0u8; 32];
        w[32 - bytes.len()..].copy_from_slice(bytes);
        Some(Word(w))
    }
}

impl fmt::Debug for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        for b in self.significant_bytes() {
            write!(f, "{:02x}", b)?;
        }
        Ok(())
    }
}

impl Serialize for Word {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.significant_bytes())
    }
}

impl<'de> Deserialize<'de> for Word {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Word;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a byte string of at most 32 bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Word, E> {
                Word::from_be_slice(v)
                    .ok_or_else(|| E::custom(format!("word of {} bytes exceeds 32 bytes", v.len())))
            }
        }
        d.deserialize_bytes(Visitor)
    }
}

/// A token amount as an EVM word (CALLVALUE, BALANCE). Amounts are never negative and never
/// exceed 256 bits on chain; should one, its low 256 bits are taken, as the EVM would.
pub fn token_to_word(amount: &TokenAmount) -> Word {
    let (_, bytes) = amount.atto().to_bytes_be();
    let tail = &bytes[bytes.len().saturating_sub(32)..];
    let mut w = [0u8; 32];
    w[32 - tail.len()..].copy_from_slice(tail);
    Word(w)
}

/// A word as a token amount (the value operand of CALL and CREATE).
pub fn word_to_token(word: &Word) -> TokenAmount {
    TokenAmount::from_atto(BigInt::from_bytes_be(Sign::Plus, &word.0))
}

/// The Keccak-256 digest of a contract's bytecode, a 32-byte CBOR byte string.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(transparent)]
pub struct BytecodeHash(#[serde(with = "strict_bytes")] pub [u8; 32]);

impl BytecodeHash {
    /// Keccak-256 of no bytes: the hash of a contract without code.
    pub const EMPTY: BytecodeHash = BytecodeHash([
        0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03,
        0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85,
        0xa4, 0x70,
    ]);

    /// Keccak-256 of `[0xfe]`: what EXTCODEHASH answers for a native (non-EVM) actor, whose
    /// "code" the EVM sees as the single invalid instruction.
    pub const NATIVE_ACTOR: BytecodeHash = BytecodeHash([
        0xbc, 0xc9, 0x0f, 0x2d, 0x6d, 0xad, 0xa5, 0xb1, 0x8e, 0x15, 0x5c, 0x17, 0xa1, 0xc0, 0xa5,
        0x59, 0x20, 0xaa, 0xe9, 0x4f, 0x39, 0x85, 0x7d, 0x39, 0xd0, 0xd8, 0xed, 0x07, 0xae, 0x8f,
        0x22, 0x8b,
    ]);
}

impl fmt::Debug for BytecodeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BytecodeHash(")?;
        for b in self.0 {
            write!(f, "{:02x}", b)?;
        }
        f.write_str(")")
    }
}

/// `Constructor` and `Resurrect` parameters: the creator's Ethereum address (as the EAM
/// resolved it) and the init code to run.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct ConstructorParams {
    pub creator: EthAddress,
    pub initcode: RawBytes,
}

pub type ResurrectParams = ConstructorParams;

/// `InvokeContractDelegate` parameters: the code to run in this contract's context, the call
/// data, and the caller and value of the frame that made the DELEGATECALL.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct DelegateCallParams {
    pub code: Cid,
    #[serde(with = "strict_bytes")]
    pub input: Vec<u8>,
    pub caller: EthAddress,
    pub value: TokenAmount,
}

/// `GetStorageAt` parameters.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct GetStorageAtParams {
    pub storage_key: Word,
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_encoding::{from_slice, to_vec};

    #[test]
    fn words_encode_without_leading_zeros() {
        assert_eq!(to_vec(&Word::ZERO).unwrap(), vec![0x40]);
        assert_eq!(to_vec(&Word::from_u64(0x0102)).unwrap(), vec![0x42, 1, 2]);
        assert_eq!(from_slice::<Word>(&[0x41, 7]).unwrap(), Word::from_u64(7));
        let mut long = vec![0x58, 33];
        long.extend([1u8; 33]);
        assert!(from_slice::<Word>(&long).is_err());
    }

    #[test]
    fn masked_ids_round_trip() {
        let a = EthAddress::from_id(1234);
        assert_eq!(a.as_id(), Some(1234));
        assert_eq!(a.to_fil_address(), Address::new_id(1234));
        let mut not_id = a;
        not_id.0[5] = 1;
        assert_eq!(not_id.as_id(), None);
        assert_eq!(
            EthAddress::from_delegated(&not_id.to_fil_address()),
            Some(not_id)
        );
    }
}
