//! The Ethereum precompiles whose arithmetic this actor computes in WASM: modexp (EIP-198),
//! bn254 add, mul and pairing (EIP-196/197), blake2f (EIP-152), the BLS12-381 operations
//! (EIP-2537) and P-256 verification (RIP-7212). The math is `revm-precompile`'s (pure-Rust
//! backends); this file only maps inputs and results. Ethereum gas is not charged (the FVM
//! charges for the WASM executed): the limit passed only rejects inputs whose Ethereum price
//! overflows 64 bits, which no real computation could finish anyway.

use revm_precompile::{blake2, bls12_381, bn254, modexp, secp256r1, EthPrecompileResult};

use super::{PrecompileError, PrecompileResult};

/// See the module comment: one below the saturated price of an absurd input.
const GAS_LIMIT: u64 = u64::MAX - 1;

fn result(r: EthPrecompileResult) -> PrecompileResult {
    r.map(|out| out.bytes.to_vec())
        .map_err(|_| PrecompileError::InvalidInput)
}

/// Which arithmetic precompile to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    ModExp,
    Bn254Add,
    Bn254Mul,
    Bn254Pairing,
    Blake2F,
    Bls12G1Add,
    Bls12G1Msm,
    Bls12G2Add,
    Bls12G2Msm,
    Bls12Pairing,
    Bls12MapFpToG1,
    Bls12MapFp2ToG2,
    P256Verify,
}

pub fn run(which: Curve, input: &[u8]) -> PrecompileResult {
    result(match which {
        Curve::ModExp => modexp::berlin_run(input, GAS_LIMIT),
        Curve::Bn254Add => bn254::run_add(input, 0, GAS_LIMIT),
        Curve::Bn254Mul => bn254::run_mul(input, 0, GAS_LIMIT),
        Curve::Bn254Pairing => bn254::run_pair(input, 0, 0, GAS_LIMIT),
        Curve::Blake2F => blake2::run(input, GAS_LIMIT),
        Curve::Bls12G1Add => bls12_381::g1_add::g1_add(input, GAS_LIMIT),
        Curve::Bls12G1Msm => bls12_381::g1_msm::g1_msm(input, GAS_LIMIT),
        Curve::Bls12G2Add => bls12_381::g2_add::g2_add(input, GAS_LIMIT),
        Curve::Bls12G2Msm => bls12_381::g2_msm::g2_msm(input, GAS_LIMIT),
        Curve::Bls12Pairing => bls12_381::pairing::pairing(input, GAS_LIMIT),
        Curve::Bls12MapFpToG1 => bls12_381::map_fp_to_g1::map_fp_to_g1(input, GAS_LIMIT),
        Curve::Bls12MapFp2ToG2 => bls12_381::map_fp2_to_g2::map_fp2_to_g2(input, GAS_LIMIT),
        Curve::P256Verify => secp256r1::p256_verify(input, GAS_LIMIT),
    })
}
