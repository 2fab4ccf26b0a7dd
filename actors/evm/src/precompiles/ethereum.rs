//! Ethereum's precompiles, computed by the FVM's syscalls where it has them (hashes, secp256k1
//! recovery), as v18 does.

use fil_actors_runtime::runtime::Runtime;
use fvm_shared::crypto::hash::SupportedHashes;
use fvm_shared::crypto::signature::SECP_SIG_LEN;

use super::PrecompileResult;
use crate::abi::Reader;

/// The order of secp256k1's group: r and s must be below it.
const SECP256K1_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// 0x01 ecrecover: `hash, v, r, s` (one word each) to the signer's address as a word. A
/// signature that does not recover gives empty output, not a failure (as in Ethereum).
pub fn ec_recover(rt: &impl Runtime, input: &[u8]) -> PrecompileResult {
    let mut r = Reader::new(input);
    let hash = r.word();
    let v = r.word();
    let sig_r = r.word();
    let sig_s = r.word();
    let recovery_id = match (v[..31].iter().all(|b| *b == 0), v[31]) {
        (true, 27) => 0u8,
        (true, 28) => 1u8,
        _ => return Ok(Vec::new()),
    };
    let in_range = |x: &[u8; 32]| *x != [0u8; 32] && *x < SECP256K1_ORDER;
    if !in_range(&sig_r) || !in_range(&sig_s) {
        return Ok(Vec::new());
    }
    let mut sig = [0u8; SECP_SIG_LEN];
    sig[..32].copy_from_slice(&sig_r);
    sig[32..64].copy_from_slice(&sig_s);
    sig[64] = recovery_id;
    let Ok(public_key) = rt.recover_secp_public_key(&hash, &sig) else {
        return Ok(Vec::new());
    };
    // The address is the last 20 bytes of keccak-256 of the key without its 0x04 prefix.
    let digest = rt.hash(SupportedHashes::Keccak256, &public_key[1..]);
    let mut out = vec![0u8; 32];
    out[12..].copy_from_slice(&digest[12..32]);
    Ok(out)
}

/// 0x02 sha256.
pub fn sha256(rt: &impl Runtime, input: &[u8]) -> PrecompileResult {
    Ok(rt.hash(SupportedHashes::Sha2_256, input))
}

/// 0x03 ripemd160: the 20-byte digest left-padded to a word.
pub fn ripemd160(rt: &impl Runtime, input: &[u8]) -> PrecompileResult {
    let digest = rt.hash(SupportedHashes::Ripemd160, input);
    let mut out = vec![0u8; 32usize.saturating_sub(digest.len())];
    out.extend_from_slice(&digest);
    Ok(out)
}
