//! Precompiled contracts: Ethereum's at `0x01`..`0x09`, BLS12-381 at `0x0b`..`0x11`, P-256
//! verification at `0x100`, and Filecoin's at `0xfe00..01`..`0xfe00..06`, each with v18's
//! encoding and failure behaviour. A precompile that fails makes the calling instruction fail
//! with no return data; an address in a precompile range with nothing behind it answers like
//! an empty account (success, no data).

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use fvm_shared::econ::TokenAmount;

use crate::calls::CallKind;
use crate::system::System;
use crate::types::EthAddress;

mod curves;
mod ethereum;
mod filecoin;

use curves::Curve;

/// Why a precompile failed (the contract only sees the failure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrecompileError {
    /// Input of the wrong shape or out of range.
    InvalidInput,
    /// The call-actor precompiles are reachable only through DELEGATECALL.
    CallForbidden,
    /// This actor failed (its state could not be written or re-read around a send): the
    /// invocation aborts.
    Actor(ActorError),
}

pub type PrecompileResult = Result<Vec<u8>, PrecompileError>;

/// The instruction that reached the precompile and what it passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecompileContext {
    pub kind: CallKind,
    /// The FVM gas the call may use (for the call-actor precompiles).
    pub gas_limit: u64,
    pub value: TokenAmount,
}

/// The first byte of Filecoin's precompile addresses.
const NATIVE_PREFIX: u8 = 0xfe;

/// The P-256 verification precompile (RIP-7212) sits at `0x100`, outside the one-byte range.
const P256_ADDRESS: EthAddress = {
    let mut a = [0u8; 20];
    a[18] = 0x01;
    EthAddress(a)
};

/// An address of a precompile range: `0x00` or `0xfe`, eighteen zeros, any last byte (the EAM
/// never deploys there), or the P-256 address.
pub fn is_reserved(address: &EthAddress) -> bool {
    let [prefix, middle @ .., _] = address.0;
    ((prefix == 0x00 || prefix == NATIVE_PREFIX) && middle == [0u8; 18]) || *address == P256_ADDRESS
}

/// The precompiles, by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precompile {
    EcRecover,
    Sha256,
    Ripemd160,
    Identity,
    Arithmetic(Curve),
    ResolveAddress,
    LookupDelegatedAddress,
    CallActor,
    CallActorId,
    GetBeaconRandomness,
}

fn identify(address: &EthAddress) -> Option<Precompile> {
    if *address == P256_ADDRESS {
        return Some(Precompile::Arithmetic(Curve::P256Verify));
    }
    let [prefix, middle @ .., index] = address.0;
    if middle != [0u8; 18] {
        return None;
    }
    Some(match (prefix, index) {
        (0x00, 0x01) => Precompile::EcRecover,
        (0x00, 0x02) => Precompile::Sha256,
        (0x00, 0x03) => Precompile::Ripemd160,
        (0x00, 0x04) => Precompile::Identity,
        (0x00, 0x05) => Precompile::Arithmetic(Curve::ModExp),
        (0x00, 0x06) => Precompile::Arithmetic(Curve::Bn254Add),
        (0x00, 0x07) => Precompile::Arithmetic(Curve::Bn254Mul),
        (0x00, 0x08) => Precompile::Arithmetic(Curve::Bn254Pairing),
        (0x00, 0x09) => Precompile::Arithmetic(Curve::Blake2F),
        // 0x0a (KZG point evaluation) has no meaning without blobs: not in v18.
        (0x00, 0x0b) => Precompile::Arithmetic(Curve::Bls12G1Add),
        (0x00, 0x0c) => Precompile::Arithmetic(Curve::Bls12G1Msm),
        (0x00, 0x0d) => Precompile::Arithmetic(Curve::Bls12G2Add),
        (0x00, 0x0e) => Precompile::Arithmetic(Curve::Bls12G2Msm),
        (0x00, 0x0f) => Precompile::Arithmetic(Curve::Bls12Pairing),
        (0x00, 0x10) => Precompile::Arithmetic(Curve::Bls12MapFpToG1),
        (0x00, 0x11) => Precompile::Arithmetic(Curve::Bls12MapFp2ToG2),
        (NATIVE_PREFIX, 0x01) => Precompile::ResolveAddress,
        (NATIVE_PREFIX, 0x02) => Precompile::LookupDelegatedAddress,
        (NATIVE_PREFIX, 0x03) => Precompile::CallActor,
        // 0xfe00..04 is disabled in v18.
        (NATIVE_PREFIX, 0x05) => Precompile::CallActorId,
        (NATIVE_PREFIX, 0x06) => Precompile::GetBeaconRandomness,
        _ => return None,
    })
}

/// An address with a precompile behind it.
pub fn is_precompile(address: &EthAddress) -> bool {
    identify(address).is_some()
}

/// Runs the precompile at `address` (which `is_reserved`).
pub fn call<RT: Runtime>(
    system: &mut System<'_, RT>,
    address: &EthAddress,
    input: &[u8],
    ctx: PrecompileContext,
) -> PrecompileResult {
    let Some(id) = identify(address) else {
        return Ok(Vec::new());
    };
    match id {
        Precompile::EcRecover => ethereum::ec_recover(system.rt, input),
        Precompile::Sha256 => ethereum::sha256(system.rt, input),
        Precompile::Ripemd160 => ethereum::ripemd160(system.rt, input),
        Precompile::Identity => Ok(input.to_vec()),
        Precompile::Arithmetic(which) => curves::run(which, input),
        Precompile::ResolveAddress => filecoin::resolve_address(system.rt, input),
        Precompile::LookupDelegatedAddress => filecoin::lookup_delegated_address(system.rt, input),
        Precompile::CallActor => filecoin::call_actor(system, input, &ctx, false),
        Precompile::CallActorId => filecoin::call_actor(system, input, &ctx, true),
        Precompile::GetBeaconRandomness => filecoin::get_beacon_randomness(system.rt, input),
    }
}
