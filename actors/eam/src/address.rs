//! Ethereum contract address derivation, as the EVM defines it and the EAM applies it:
//! CREATE (the sender and its nonce) and CREATE2 (EIP-1014: the sender, a salt and the init
//! code). Hashing goes through the runtime (`Keccak256`), as on chain.

use fil_actors_runtime::runtime::Primitives;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_shared::crypto::hash::SupportedHashes;

use crate::EthAddress;

/// The last 20 bytes of the Keccak-256 digest of `data`.
pub(crate) fn hash_20(rt: &impl Primitives, data: &[u8]) -> Result<[u8; 20], ActorError> {
    let digest = rt.hash(SupportedHashes::Keccak256, data);
    digest
        .get(12..32)
        .and_then(|tail| <[u8; 20]>::try_from(tail).ok())
        .ok_or_else(|| {
            actor_error!(assertion_failed;
                "keccak-256 digest has {} bytes, expected 32", digest.len())
        })
}

/// The RLP encoding of the two-item list `[sender, nonce]` that CREATE hashes.
///
/// The sender is a 20-byte string (`0x94` then the bytes). The nonce is an integer: zero is the
/// empty string (`0x80`), 1 to 127 is that single byte, anything larger is `0x80 + n` followed by
/// its `n` big-endian bytes without leading zeros. The whole payload is at most 30 bytes, so the
/// list header is the single byte `0xc0 + length`.
pub fn rlp_create_preimage(sender: &EthAddress, nonce: u64) -> Vec<u8> {
    let nonce_bytes = nonce.to_be_bytes();
    let significant = &nonce_bytes[nonce_bytes.iter().take_while(|b| **b == 0).count()..];
    let mut nonce_item = Vec::with_capacity(9);
    match significant {
        [] => nonce_item.push(0x80),
        [single] if *single < 0x80 => nonce_item.push(*single),
        bytes => {
            nonce_item.push(0x80 + bytes.len() as u8);
            nonce_item.extend_from_slice(bytes);
        }
    }
    let payload_len = 1 + sender.0.len() + nonce_item.len();
    let mut out = Vec::with_capacity(1 + payload_len);
    out.push(0xc0 + payload_len as u8);
    out.push(0x80 + sender.0.len() as u8);
    out.extend_from_slice(&sender.0);
    out.extend_from_slice(&nonce_item);
    out
}

/// The address CREATE gives the contract deployed by `sender` at `nonce`:
/// `keccak256(rlp([sender, nonce]))[12..]`.
pub fn compute_address_create(
    rt: &impl Primitives,
    sender: &EthAddress,
    nonce: u64,
) -> Result<EthAddress, ActorError> {
    Ok(EthAddress(hash_20(
        rt,
        &rlp_create_preimage(sender, nonce),
    )?))
}

/// The address CREATE2 gives the contract deployed by `sender` with `salt` and `initcode`
/// (EIP-1014): `keccak256(0xff ++ sender ++ salt ++ keccak256(initcode))[12..]`.
pub fn compute_address_create2(
    rt: &impl Primitives,
    sender: &EthAddress,
    salt: &[u8; 32],
    initcode: &[u8],
) -> Result<EthAddress, ActorError> {
    let inithash = rt.hash(SupportedHashes::Keccak256, initcode);
    let mut preimage = Vec::with_capacity(1 + 20 + 32 + inithash.len());
    preimage.push(0xff);
    preimage.extend_from_slice(&sender.0);
    preimage.extend_from_slice(salt);
    preimage.extend_from_slice(&inithash);
    Ok(EthAddress(hash_20(rt, &preimage)?))
}
