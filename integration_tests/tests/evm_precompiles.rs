//! The curve precompiles `evm_opcodes` leaves out, on both engines, called by a contract's
//! STATICCALL: BN254 pairings that hold and fail by bilinearity (EIP-197), and BLS12-381's
//! multi-scalar multiplications, pairing and maps to the curve (EIP-2537). Expected points are
//! computed by `blst`, another BLS12-381 implementation than the EVM actor's (arkworks, through
//! revm); pairings are checked by identities that hold whatever the implementation. Each
//! precompile also refuses a malformed input (the call fails with no output), and the address
//! v18 leaves empty among Filecoin's precompiles (`0xfe00..04`) answers as an address with no
//! code: success, no output.

use alloy_primitives::{Address as EthAddress, U256};
use blst::{
    blst_fp, blst_fp2, blst_fp_from_bendian, blst_map_to_g1, blst_map_to_g2, blst_p1,
    blst_p1_add_or_double, blst_p1_cneg, blst_p1_generator, blst_p1_mult, blst_p1_serialize,
    blst_p2, blst_p2_generator, blst_p2_mult, blst_p2_serialize,
};
use fil_actors_integration_tests::contracts::Opcodes as O;
use fil_actors_integration_tests::evm::{deploy, initcode, precompile, sol_call_ok, word};
use fil_actors_integration_tests::on_both_engines;
use fvm_shared::econ::TokenAmount;
use test_vm::genesis::genesis;
use test_vm::VM;

/// The address of precompile `index` in the range `prefix` opens.
fn at(prefix: u8, index: u16) -> EthAddress {
    EthAddress::from(precompile(prefix, index))
}

// BN254 (EIP-196/197): coordinates as 32-byte words; a G2 point as x's imaginary and real
// parts, then y's.

/// BN254's base field modulus.
const BN254_P: &str = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";
/// BN254's G2 generator, in the precompile's order: x.im, x.re, y.im, y.re.
const BN254_G2: [&str; 4] = [
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2",
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed",
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b",
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa",
];
/// 2·G1 (EIP-196's generator (1, 2) doubled).
const BN254_TWO_G1: [&str; 2] = [
    "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3",
    "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4",
];

fn hex_word(s: &str) -> U256 {
    U256::from_str_radix(s, 16).unwrap()
}

/// A BN254 G1 point from its coordinates.
fn bn_g1(x: U256, y: U256) -> Vec<u8> {
    [x.to_be_bytes::<32>(), y.to_be_bytes::<32>()].concat()
}

/// The BN254 G2 generator's encoding.
fn bn_g2() -> Vec<u8> {
    BN254_G2
        .iter()
        .flat_map(|c| hex_word(c).to_be_bytes::<32>())
        .collect()
}

/// The pairing precompile's input for `(G1, G2)` pairs.
fn pairs(points: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    points
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()].concat())
        .collect()
}

// BLS12-381 (EIP-2537): a base field element as 64 bytes (16 zeros, then 48 big-endian); a G1
// point as x, y; a G2 point as x.c0, x.c1, y.c0, y.c1; a scalar as a 32-byte word.

/// A 48-byte field element in the precompile's 64-byte encoding.
fn fp64(fp: &[u8]) -> Vec<u8> {
    [&[0u8; 16][..], fp].concat()
}

/// `k`·G1 in the precompile's encoding (`blst` computes it).
fn bls_g1(k: u64) -> Vec<u8> {
    g1_bytes(&g1_mul(k))
}

fn g1_mul(k: u64) -> blst_p1 {
    let mut out = blst_p1::default();
    let scalar = k.to_le_bytes();
    // SAFETY: blst reads the generator, the 8 scalar bytes (64 bits) and writes `out`.
    unsafe { blst_p1_mult(&mut out, blst_p1_generator(), scalar.as_ptr(), 64) };
    out
}

fn g1_bytes(p: &blst_p1) -> Vec<u8> {
    let mut raw = [0u8; 96];
    // SAFETY: blst writes the 96-byte uncompressed encoding (x, y big-endian).
    unsafe { blst_p1_serialize(raw.as_mut_ptr(), p) };
    [fp64(&raw[..48]), fp64(&raw[48..])].concat()
}

/// `k`·G2 in the precompile's encoding.
fn bls_g2(k: u64) -> Vec<u8> {
    let mut out = blst_p2::default();
    let scalar = k.to_le_bytes();
    // SAFETY: as `g1_mul`, on G2.
    unsafe { blst_p2_mult(&mut out, blst_p2_generator(), scalar.as_ptr(), 64) };
    g2_bytes(&out)
}

fn g2_bytes(p: &blst_p2) -> Vec<u8> {
    let mut raw = [0u8; 192];
    // SAFETY: blst writes the 192-byte uncompressed encoding, which puts each coordinate's c1
    // before its c0 (x.c1, x.c0, y.c1, y.c0).
    unsafe { blst_p2_serialize(raw.as_mut_ptr(), p) };
    [&raw[48..96], &raw[..48], &raw[144..], &raw[96..144]]
        .iter()
        .flat_map(|c| fp64(c))
        .collect()
}

/// -G1.
fn bls_minus_g1() -> Vec<u8> {
    let mut p = g1_mul(1);
    // SAFETY: negates `p` in place.
    unsafe { blst_p1_cneg(&mut p, true) };
    g1_bytes(&p)
}

/// A field element from 48 big-endian bytes (below the modulus).
fn fp(bytes: &[u8; 48]) -> blst_fp {
    let mut out = blst_fp::default();
    // SAFETY: blst reads 48 bytes.
    unsafe { blst_fp_from_bendian(&mut out, bytes.as_ptr()) };
    out
}

/// EIP-2537's map of a field element to G1 (the simplified SWU map, its isogeny, and the
/// cofactor cleared), by `blst`.
fn map_to_g1(u: &[u8; 48]) -> Vec<u8> {
    let mut out = blst_p1::default();
    // SAFETY: one field element in, no second one (null), `out` written.
    unsafe { blst_map_to_g1(&mut out, &fp(u), std::ptr::null()) };
    g1_bytes(&out)
}

/// The same for an element `c0 + c1·u` of the quadratic extension, to G2.
fn map_to_g2(c0: &[u8; 48], c1: &[u8; 48]) -> Vec<u8> {
    let mut out = blst_p2::default();
    let u = blst_fp2 {
        fp: [fp(c0), fp(c1)],
    };
    // SAFETY: as `map_to_g1`.
    unsafe { blst_map_to_g2(&mut out, &u, std::ptr::null()) };
    g2_bytes(&out)
}

/// 48 bytes below the BLS12-381 modulus (whose first byte is 0x1a): `lead`, then `fill`.
fn element(lead: u8, fill: u8) -> [u8; 48] {
    let mut e = [fill; 48];
    e[0] = lead;
    e
}

/// What each call answered: (success, output).
type Answers = Vec<(bool, Vec<u8>)>;

fn scenario(vm: &mut dyn VM) -> Answers {
    let g = genesis(vm, &[TokenAmount::from_whole(1_000)]).unwrap();
    let (alice, _) = g.accounts[0];
    let c = deploy(
        vm,
        alice,
        &initcode("Opcodes").unwrap(),
        TokenAmount::from_atto(0),
    )
    .unwrap();
    let mut answers = Answers::new();
    let mut raw = |vm: &mut dyn VM, target: EthAddress, input: Vec<u8>| {
        let out = sol_call_ok(
            vm,
            alice,
            c.address(),
            &O::staticcallRawCall {
                target,
                input: input.into(),
            },
        )
        .unwrap();
        let answer = (out.ok, out.out.to_vec());
        answers.push(answer.clone());
        answer
    };
    let (holds, fails) = ((true, word(1)), (true, word(0)));
    let refused = (false, vec![]);

    // BN254 pairing: e(G1, G2)·e(-G1, G2) = 1 and e(2·G1, G2)·e(-G1, G2)² = 1 by bilinearity;
    // e(G1, G2) alone is not 1 (the pairing is non-degenerate). -G1 is (1, p - 2).
    let p = hex_word(BN254_P);
    let g1 = bn_g1(U256::from(1), U256::from(2));
    let minus_g1 = bn_g1(U256::from(1), p - U256::from(2));
    let two_g1 = bn_g1(hex_word(BN254_TWO_G1[0]), hex_word(BN254_TWO_G1[1]));
    let bn_pairing = at(0, 0x08);
    let input = pairs(&[(g1.clone(), bn_g2()), (minus_g1.clone(), bn_g2())]);
    assert_eq!(raw(vm, bn_pairing, input), holds, "{}", vm.name());
    let input = pairs(&[
        (two_g1, bn_g2()),
        (minus_g1.clone(), bn_g2()),
        (minus_g1, bn_g2()),
    ]);
    assert_eq!(raw(vm, bn_pairing, input), holds, "{}", vm.name());
    let input = pairs(&[(g1.clone(), bn_g2())]);
    assert_eq!(raw(vm, bn_pairing, input.clone()), fails, "{}", vm.name());
    // A length that is not a whole number of pairs, and a G1 point off the curve (1, 3).
    assert_eq!(raw(vm, bn_pairing, input[..191].to_vec()), refused);
    let off_curve = bn_g1(U256::from(1), U256::from(3));
    assert_eq!(raw(vm, bn_pairing, pairs(&[(off_curve, bn_g2())])), refused);

    // BLS12-381 G1 MSM: 2·G1, and 3·G1 + 5·(2·G1) = 13·G1.
    let g1_msm = at(0, 0x0c);
    let input = [bls_g1(1), word(2)].concat();
    assert_eq!(raw(vm, g1_msm, input), (true, bls_g1(2)), "{}", vm.name());
    let input = [bls_g1(1), word(3), bls_g1(2), word(5)].concat();
    assert_eq!(raw(vm, g1_msm, input), (true, bls_g1(13)), "{}", vm.name());
    // No pairs, and a pair one byte short.
    assert_eq!(raw(vm, g1_msm, vec![]), refused);
    let input = [bls_g1(1), word(2)].concat();
    assert_eq!(raw(vm, g1_msm, input[..159].to_vec()), refused);

    // G2 MSM: 7·G2 + 4·(3·G2) = 19·G2.
    let g2_msm = at(0, 0x0e);
    let input = [bls_g2(1), word(7), bls_g2(3), word(4)].concat();
    assert_eq!(raw(vm, g2_msm, input), (true, bls_g2(19)), "{}", vm.name());

    // BLS12-381 pairing: e(G1, G2)·e(-G1, G2) = 1, e(2·G1, 3·G2)·e(-G1, 6·G2) = 1; e(G1, G2)
    // alone is not; a G1 point whose y is off by one is off the curve.
    let bls_pairing = at(0, 0x0f);
    let input = pairs(&[(bls_g1(1), bls_g2(1)), (bls_minus_g1(), bls_g2(1))]);
    assert_eq!(raw(vm, bls_pairing, input), holds, "{}", vm.name());
    let input = pairs(&[(bls_g1(2), bls_g2(3)), (bls_minus_g1(), bls_g2(6))]);
    assert_eq!(raw(vm, bls_pairing, input), holds, "{}", vm.name());
    let input = pairs(&[(bls_g1(1), bls_g2(1))]);
    assert_eq!(raw(vm, bls_pairing, input), fails, "{}", vm.name());
    let mut off_curve = bls_g1(1);
    off_curve[127] ^= 1;
    let input = pairs(&[(off_curve, bls_g2(1))]);
    assert_eq!(raw(vm, bls_pairing, input), refused);

    // Maps to the curve: a field element to G1, an element of the extension to G2; an element
    // equal to or above the modulus (all ones) is refused.
    let map_g1 = at(0, 0x10);
    let u = element(0x05, 0x3c);
    assert_eq!(
        raw(vm, map_g1, fp64(&u)),
        (true, map_to_g1(&u)),
        "{}",
        vm.name()
    );
    assert_eq!(raw(vm, map_g1, fp64(&[0xff; 48])), refused);
    let map_g2 = at(0, 0x11);
    let (c0, c1) = (element(0x11, 0x7e), element(0x02, 0xa5));
    let input = [fp64(&c0), fp64(&c1)].concat();
    assert_eq!(
        raw(vm, map_g2, input),
        (true, map_to_g2(&c0, &c1)),
        "{}",
        vm.name()
    );

    // 0xfe00..04 has no precompile in v18: a call there is a call to an address with no code.
    assert_eq!(raw(vm, at(0xfe, 0x04), word(1)), (true, vec![]));
    answers
}

#[test]
fn curve_precompiles_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(native, fvm);
}

#[test]
fn blst_agrees_with_the_g2_generator_and_the_group_law() {
    // The encoding helpers, checked against the standard G2 generator's x (EIP-2537 lists it:
    // x.c0 starts 0x024aa2b2, x.c1 0x13e02b60) and against 2·G1 = G1 + G1.
    let g2 = bls_g2(1);
    assert_eq!(&g2[16..20], &[0x02, 0x4a, 0xa2, 0xb2]);
    assert_eq!(&g2[80..84], &[0x13, 0xe0, 0x2b, 0x60]);
    let mut sum = blst_p1::default();
    let g = g1_mul(1);
    // SAFETY: adds two points into `sum`.
    unsafe { blst_p1_add_or_double(&mut sum, &g, &g) };
    assert_eq!(g1_bytes(&sum), bls_g1(2));
}
