//! Real secp256k1 keys for the scenarios that need signatures both engines verify (the native VM
//! and the FVM check them with the same library): a key's address, and signatures as a Filecoin
//! wallet makes them (the BLAKE2b-256 digest of the message, signed, with the recovery byte).

use anyhow::{anyhow, Context};
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use k256::ecdsa::SigningKey;
use multihash_codetable::{Code, MultihashDigest};

/// The BLAKE2b-256 digest of `data`.
pub fn blake2b_256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(Code::Blake2b256.digest(data).digest());
    out
}

/// A secp256k1 key pair.
pub struct SecpKey {
    key: SigningKey,
}

impl SecpKey {
    /// The key whose secret scalar is 32 bytes of `seed` (any seed from 1 to 255 is a valid
    /// scalar).
    pub fn from_seed(seed: u8) -> anyhow::Result<Self> {
        let key = SigningKey::from_slice(&[seed; 32])
            .map_err(|e| anyhow!("seed {seed} is not a secp256k1 secret key: {e}"))?;
        Ok(SecpKey { key })
    }

    /// The key's secp256k1 (f1) address: the hash of the uncompressed public key.
    pub fn address(&self) -> anyhow::Result<Address> {
        let public = self.key.verifying_key().to_encoded_point(false);
        Address::new_secp256k1(public.as_bytes()).context("deriving the key's address")
    }

    /// Signs `message`: 64 bytes of signature, then the recovery id.
    pub fn sign(&self, message: &[u8]) -> anyhow::Result<Signature> {
        let (signature, recovery) = self
            .key
            .sign_prehash_recoverable(&blake2b_256(message))
            .map_err(|e| anyhow!("signing failed: {e}"))?;
        let mut bytes = signature.to_bytes().to_vec();
        bytes.push(recovery.to_byte());
        Ok(Signature::new_secp256k1(bytes))
    }
}
