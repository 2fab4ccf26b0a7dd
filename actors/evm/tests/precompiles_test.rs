//! Every precompile on the mock runtime: Ethereum's 0x01..0x09 (ecrecover through the
//! syscall, hashes, identity, modexp, bn254, blake2f), BLS12-381's 0x0b..0x11, P-256 at 0x100,
//! and Filecoin's resolve_address, lookup_delegated_address, call_actor_id (DELEGATECALL only,
//! the read-only flag, codecs 0 and CBOR, reserved methods), the disabled 0xfe00..04 and
//! get_beacon_randomness. Expected values come from published vectors, independent hashing
//! (blake2f's example is BLAKE2b-512), or the group laws.

mod common;

use common::*;
use fil_actors_runtime::test_utils::*;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CBOR;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sys::SendFlags;
use multihash_codetable::{Code, MultihashDigest};

fn precompile(prefix: u8, index: u16) -> [u8; 20] {
    let mut a = [0u8; 20];
    a[0] = prefix;
    a[18..].copy_from_slice(&index.to_be_bytes());
    a
}

/// Calls `to` by `kind` with the call data as input; returns [success, return data...].
fn proxy(kind: u8, to: [u8; 20]) -> Vec<u8> {
    let mut a = Asm::new()
        .op(op::CALLDATASIZE)
        .op(op::PUSH0)
        .op(op::PUSH0)
        .op(op::CALLDATACOPY)
        .op(op::PUSH0)
        .op(op::PUSH0)
        .op(op::CALLDATASIZE)
        .op(op::PUSH0);
    if kind == op::CALL {
        a = a.op(op::PUSH0);
    }
    a.push(&to)
        .push_u64(100_000)
        .op(kind)
        .op(op::PUSH0)
        .op(op::MSTORE)
        .op(op::RETURNDATASIZE)
        .op(op::PUSH0)
        .push_u64(32)
        .op(op::RETURNDATACOPY)
        .op(op::RETURNDATASIZE)
        .push_u64(32)
        .op(op::ADD)
        .op(op::PUSH0)
        .op(op::RETURN)
        .build()
}

fn ok(data: &[u8]) -> Vec<u8> {
    let mut v = word(1);
    v.extend_from_slice(data);
    v
}

fn failed() -> Vec<u8> {
    word(0)
}

#[test]
fn hashes_and_identity() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 4)));
    assert_eq!(invoke(&rt, b"hello").unwrap(), ok(b"hello"));
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 2)));
    assert_eq!(
        invoke(&rt, b"abc").unwrap(),
        ok(Code::Sha2_256.digest(b"abc").digest())
    );
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 3)));
    let mut padded = vec![0u8; 12];
    padded.extend(Code::Ripemd160.digest(b"abc").digest());
    assert_eq!(invoke(&rt, b"abc").unwrap(), ok(&padded));
    // An unused address of the ranges answers like an empty account.
    let rt = deploy(&proxy(op::STATICCALL, precompile(0xfe, 4)));
    assert_eq!(invoke(&rt, b"x").unwrap(), ok(&[]));
}

#[test]
fn ecrecover_refuses_bad_v_without_failing() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 1)));
    let mut input = vec![0u8; 32];
    input.extend(word(29));
    input.extend(word(1));
    input.extend(word(1));
    assert_eq!(invoke(&rt, &input).unwrap(), ok(&[]));
}

#[test]
fn resolve_and_lookup_addresses() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0xfe, 1)));
    let f4 = origin_eth().to_fil_address();
    assert_eq!(invoke(&rt, &f4.to_bytes()).unwrap(), ok(&word(ORIGIN_ID)));
    // Unknown: empty; unparseable: failure.
    let unknown = Address::new_delegated(10, &[9u8; 20]).unwrap();
    assert_eq!(invoke(&rt, &unknown.to_bytes()).unwrap(), ok(&[]));
    assert_eq!(invoke(&rt, &[0x09, 0x01]).unwrap(), failed());

    let rt = deploy(&proxy(op::STATICCALL, precompile(0xfe, 2)));
    assert_eq!(invoke(&rt, &word(ORIGIN_ID)).unwrap(), ok(&f4.to_bytes()));
    assert_eq!(invoke(&rt, &word(4444)).unwrap(), ok(&[]));
    // An ID wider than 64 bits is invalid input.
    let mut wide = word(1);
    wide[0] = 1;
    assert_eq!(invoke(&rt, &wide).unwrap(), failed());
}

/// call_actor_id input: method, value, flags, codec, params offset, actor id, params.
fn call_actor_id_input(method: u64, flags: u64, codec: u64, params: &[u8], id: u64) -> Vec<u8> {
    let mut v = word(method);
    v.extend(word(0));
    v.extend(word(flags));
    v.extend(word(codec));
    v.extend(word(6 * 32));
    v.extend(word(id));
    v.extend(word(params.len() as u64));
    let mut p = params.to_vec();
    p.resize(params.len().div_ceil(32) * 32, 0);
    v.extend(p);
    v
}

#[test]
fn call_actor_id_through_delegatecall() {
    let rt = deploy(&proxy(op::DELEGATECALL, precompile(0xfe, 5)));
    let method = 3092458564u64; // ValidateSectorStatus
    let params = vec![0x83, 0x01, 0x01, 0x40];
    rt.expect_send(ExpectedSend {
        to: Address::new_id(1234),
        method,
        params: Some(IpldBlock {
            codec: CBOR,
            data: params.clone(),
        }),
        value: TokenAmount::from_atto(0),
        gas_limit: Some(100_000),
        flags: SendFlags::READ_ONLY,
        return_data: None,
        exit_code: ExitCode::USR_NOT_FOUND,
        send_error: None,
    });
    let out = invoke(&rt, &call_actor_id_input(method, 1, CBOR, &params, 1234)).unwrap();
    // exit code 17, codec 0, offset 0x60, length 0.
    let mut expected = word(17);
    expected.extend(word(0));
    expected.extend(word(0x60));
    expected.extend(word(0));
    assert_eq!(out, ok(&expected));

    // A CBOR answer comes back with its codec and padded data.
    rt.expect_send(ExpectedSend {
        to: Address::new_id(1234),
        method,
        params: None,
        value: TokenAmount::from_atto(0),
        gas_limit: Some(100_000),
        flags: SendFlags::default(),
        return_data: Some(IpldBlock {
            codec: CBOR,
            data: vec![0xf5],
        }),
        exit_code: ExitCode::OK,
        send_error: None,
    });
    let out = invoke(&rt, &call_actor_id_input(method, 0, 0, &[], 1234)).unwrap();
    let mut expected = word(0);
    expected.extend(word(CBOR));
    expected.extend(word(0x60));
    expected.extend(word(1));
    let mut data = vec![0xf5];
    data.resize(32, 0);
    expected.extend(data);
    assert_eq!(out, ok(&expected));
}

#[test]
fn call_actor_id_refusals() {
    let input = call_actor_id_input(3092458564, 1, CBOR, &[0x80], 1234);
    // A plain CALL or STATICCALL fails.
    for kind in [op::CALL, op::STATICCALL] {
        let rt = deploy(&proxy(kind, precompile(0xfe, 5)));
        assert_eq!(invoke(&rt, &input).unwrap(), failed());
    }
    let rt = deploy(&proxy(op::DELEGATECALL, precompile(0xfe, 5)));
    // Reserved methods, DAG-CBOR, data with codec 0, unknown flags: invalid input.
    for bad in [
        call_actor_id_input(1023, 1, CBOR, &[0x80], 1234),
        call_actor_id_input(3092458564, 1, 0x71, &[0x80], 1234),
        call_actor_id_input(3092458564, 1, 0, &[0x80], 1234),
        call_actor_id_input(3092458564, 1 << 10, CBOR, &[0x80], 1234),
    ] {
        assert_eq!(invoke(&rt, &bad).unwrap(), failed());
    }
}

fn hexw(s: &str) -> Vec<u8> {
    let v = hex::decode(s).unwrap();
    let mut w = vec![0u8; 32 - v.len()];
    w.extend(v);
    w
}

#[test]
fn modexp() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 5)));
    let input = |b: u8, e: u8, m: &[u8]| {
        let mut v = word(1);
        v.extend(word(1));
        v.extend(word(m.len() as u64));
        v.extend([b, e]);
        v.extend(m);
        v
    };
    // 3^5 = 243 = 34 * 7 + 5.
    assert_eq!(invoke(&rt, &input(3, 5, &[7])).unwrap(), ok(&[5]));
    // The result has the modulus' length.
    assert_eq!(invoke(&rt, &input(3, 5, &[0, 7])).unwrap(), ok(&[0, 5]));
    // Modulus zero: zero.
    assert_eq!(invoke(&rt, &input(3, 5, &[0])).unwrap(), ok(&[0]));
}

/// 2G on bn254, the curve's generator G = (1, 2) doubled.
fn bn254_2g() -> Vec<u8> {
    let mut v = hexw("030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3");
    v.extend(hexw(
        "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4",
    ));
    v
}

#[test]
fn bn254_add_mul_pairing() {
    let g = [word(1), word(2)].concat();
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 6)));
    assert_eq!(
        invoke(&rt, &[g.clone(), g.clone()].concat()).unwrap(),
        ok(&bn254_2g())
    );
    // G + infinity = G.
    assert_eq!(
        invoke(&rt, &[g.clone(), vec![0; 64]].concat()).unwrap(),
        ok(&g)
    );
    // (1, 3) is not on the curve.
    let bad = [word(1), word(3)].concat();
    assert_eq!(invoke(&rt, &[bad, g.clone()].concat()).unwrap(), failed());

    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 7)));
    assert_eq!(
        invoke(&rt, &[g.clone(), word(2)].concat()).unwrap(),
        ok(&bn254_2g())
    );

    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 8)));
    // The empty product and a pair of infinities are both 1.
    assert_eq!(invoke(&rt, &[]).unwrap(), ok(&word(1)));
    assert_eq!(invoke(&rt, &[0u8; 192]).unwrap(), ok(&word(1)));
    // Not a multiple of 192 bytes.
    assert_eq!(invoke(&rt, &[0u8; 191]).unwrap(), failed());
}

#[test]
fn blake2f_is_blake2b_compression() {
    // EIP-152's example: one final block "abc" with BLAKE2b-512's parameters gives the
    // BLAKE2b-512 digest of "abc".
    const IV: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    let mut input = 12u32.to_be_bytes().to_vec();
    for (i, h) in IV.iter().enumerate() {
        let h = if i == 0 { h ^ 0x01010040 } else { *h };
        input.extend(h.to_le_bytes());
    }
    let mut m = b"abc".to_vec();
    m.resize(128, 0);
    input.extend(m);
    input.extend(3u64.to_le_bytes());
    input.extend(0u64.to_le_bytes());
    input.push(1);
    assert_eq!(input.len(), 213);
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 9)));
    assert_eq!(
        invoke(&rt, &input).unwrap(),
        ok(Code::Blake2b512.digest(b"abc").digest())
    );
    // A final flag other than 0 or 1, and a wrong length, fail.
    let mut bad = input.clone();
    bad[212] = 2;
    assert_eq!(invoke(&rt, &bad).unwrap(), failed());
    assert_eq!(invoke(&rt, &input[..212]).unwrap(), failed());
}

/// BLS12-381's base field modulus, big-endian.
const BLS_P: &str = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";

/// A field element in EIP-2537's 64-byte encoding.
fn fp(hex_be: &str) -> Vec<u8> {
    let v = hex::decode(hex_be).unwrap();
    let mut w = vec![0u8; 64 - v.len()];
    w.extend(v);
    w
}

fn bls(rt_index: u16, input: &[u8]) -> Vec<u8> {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, rt_index)));
    invoke(&rt, input).unwrap()
}

#[test]
fn bls12_381_operations() {
    use fvm_shared::bigint::BigUint;
    // A G1 point and a G2 point, from the map-to-curve precompiles.
    let p_out = bls(0x10, &fp("05"));
    assert_eq!(p_out.len(), 32 + 128);
    let p = p_out[32..].to_vec();
    let q_out = bls(0x11, &[fp("07"), fp("0b")].concat());
    assert_eq!(q_out.len(), 32 + 256);
    let q = q_out[32..].to_vec();

    // Identity laws and doubling.
    assert_eq!(bls(0x0b, &[p.clone(), vec![0; 128]].concat()), ok(&p));
    let p2 = bls(0x0b, &[p.clone(), p.clone()].concat());
    assert_eq!(bls(0x0c, &[p.clone(), word(2)].concat()), p2);
    assert_eq!(bls(0x0d, &[q.clone(), vec![0; 256]].concat()), ok(&q));
    let q2 = bls(0x0d, &[q.clone(), q.clone()].concat());
    assert_eq!(bls(0x0e, &[q.clone(), word(2)].concat()), q2);

    // e(P, Q) * e(-P, Q) = 1, with -P = (x, p - y); e(P, Q) alone is not 1.
    let modulus = BigUint::parse_bytes(BLS_P.as_bytes(), 16).unwrap();
    let y = BigUint::from_bytes_be(&p[64..128]);
    let neg_y = (&modulus - y).to_bytes_be();
    let mut neg_p = p[..64].to_vec();
    neg_p.extend(fp(&hex::encode(neg_y)));
    let pairs = [p.clone(), q.clone(), neg_p, q.clone()].concat();
    assert_eq!(bls(0x0f, &pairs), ok(&word(1)));
    assert_eq!(bls(0x0f, &[p.clone(), q.clone()].concat()), ok(&word(0)));

    // An element equal to the modulus, nonzero padding, wrong lengths, and empty MSM fail.
    assert_eq!(bls(0x10, &fp(BLS_P)), failed());
    let mut padded = fp("05");
    padded[0] = 1;
    assert_eq!(bls(0x10, &padded), failed());
    assert_eq!(bls(0x0b, &[0u8; 255]), failed());
    assert_eq!(bls(0x0c, &[]), failed());
    assert_eq!(bls(0x0f, &[]), failed());
}

#[test]
fn p256_verify() {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use p256::ecdsa::{Signature, SigningKey};
    let key = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let hash = [0x5au8; 32];
    let sig: Signature = key.sign_prehash(&hash).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let mut input = hash.to_vec();
    input.extend(sig.to_bytes());
    input.extend(point.x().unwrap());
    input.extend(point.y().unwrap());
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 0x100)));
    assert_eq!(invoke(&rt, &input).unwrap(), ok(&word(1)));
    // Another message: empty output, not a failure.
    input[0] ^= 1;
    assert_eq!(invoke(&rt, &input).unwrap(), ok(&[]));
}

#[test]
fn ecrecover_through_the_syscall() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0, 1)));
    let hash = [0x42u8; 32];
    let mut input = hash.to_vec();
    input.extend(word(28));
    input.extend(word(5));
    input.extend(word(6));
    let mut sig = vec![0u8; 65];
    sig[31] = 5;
    sig[63] = 6;
    sig[64] = 1;
    let mut public_key = [0x11u8; 65];
    public_key[0] = 4;
    rt.expect_recover_secp_public_key(ExpectedRecoverSecpPublicKey {
        hash,
        signature: sig,
        result: Ok(public_key),
    });
    let digest = Code::Keccak256.digest(&public_key[1..]);
    let mut expected = vec![0u8; 12];
    expected.extend(&digest.digest()[12..]);
    assert_eq!(invoke(&rt, &input).unwrap(), ok(&expected));
    rt.verify();
}

#[test]
fn beacon_randomness_by_epoch() {
    let rt = deploy(&proxy(op::STATICCALL, precompile(0xfe, 6)));
    rt.set_epoch(10);
    rt.beacon_digests.borrow_mut().insert(5, [9u8; 32]);
    assert_eq!(invoke(&rt, &word(5)).unwrap(), ok(&[9u8; 32]));
    // A future epoch, one the chain has no entry for, and an epoch beyond i64 fail.
    rt.beacon_digests.borrow_mut().insert(11, [1u8; 32]);
    assert_eq!(invoke(&rt, &word(11)).unwrap(), failed());
    assert_eq!(invoke(&rt, &word(4)).unwrap(), failed());
    assert_eq!(invoke(&rt, &word(u64::MAX)).unwrap(), failed());
}
