//! The native VM's CommD against the proofs library the FVM's Filecoin kernel calls. The kernel
//! hands the library a list of pieces already aligned and zero-padded to fill the sector; here the
//! same layouts are given to the library explicitly, and to the native VM as the bare pieces.

use filecoin_proofs_api::{PieceInfo as ProofsPiece, RegisteredSealProof as ProofsSeal};
use fvm_shared::commcid;
use fvm_shared::piece::{zero_piece_commitment, PaddedPieceSize, PieceInfo};
use fvm_shared::sector::RegisteredSealProof;
use test_vm::native::comm_d::compute_unsealed_sector_cid;

/// A data piece with a commitment derived from `seed` (a valid field element).
fn piece(size: u64, seed: u8) -> PieceInfo {
    let mut commitment = [0u8; 32];
    for (i, byte) in commitment.iter_mut().enumerate() {
        *byte = seed.wrapping_mul(31).wrapping_add(i as u8);
    }
    commitment[31] &= 0b0011_1111;
    PieceInfo {
        size: PaddedPieceSize(size),
        cid: commcid::piece_commitment_v1_to_cid(&commitment).unwrap(),
    }
}

fn as_proofs(p: &PieceInfo) -> ProofsPiece {
    ProofsPiece {
        commitment: commcid::cid_to_piece_commitment_v1(&p.cid).unwrap(),
        size: filecoin_proofs_api::UnpaddedBytesAmount(p.size.unpadded().0),
    }
}

fn zero(size: u64) -> ProofsPiece {
    ProofsPiece {
        commitment: zero_piece_commitment(PaddedPieceSize(size)),
        size: filecoin_proofs_api::UnpaddedBytesAmount(PaddedPieceSize(size).unpadded().0),
    }
}

/// Asserts the native CommD of `pieces` equals the library's CommD of `layout`.
fn check(
    proof: RegisteredSealProof,
    library: ProofsSeal,
    pieces: &[PieceInfo],
    layout: &[ProofsPiece],
) {
    let native = compute_unsealed_sector_cid(proof, pieces).unwrap();
    let expected = filecoin_proofs_api::seal::compute_comm_d(library, layout).unwrap();
    assert_eq!(
        native,
        commcid::data_commitment_v1_to_cid(&expected).unwrap()
    );
}

const KIB2: (RegisteredSealProof, ProofsSeal) = (
    RegisteredSealProof::StackedDRG2KiBV1P1,
    ProofsSeal::StackedDrg2KiBV1_1,
);

#[test]
fn empty_sector() {
    let (proof, library) = KIB2;
    check(proof, library, &[], &[zero(2048)]);
}

#[test]
fn one_piece_filling_the_sector() {
    let (proof, library) = KIB2;
    let p = piece(2048, 9);
    check(proof, library, std::slice::from_ref(&p), &[as_proofs(&p)]);
}

#[test]
fn misaligned_pieces_with_gaps_and_a_zero_tail() {
    let (proof, library) = KIB2;
    let (a, b, c) = (piece(128, 1), piece(512, 2), piece(256, 3));
    // a at 0, zeros 128..512, b at 512, c at 1024, zeros 1280..2048.
    let layout = [
        as_proofs(&a),
        zero(128),
        zero(256),
        as_proofs(&b),
        as_proofs(&c),
        zero(256),
        zero(512),
    ];
    check(proof, library, &[a, b, c], &layout);
}

#[test]
fn thirty_two_gib_sector_with_two_small_pieces() {
    let proof = RegisteredSealProof::StackedDRG32GiBV1P1;
    let library = ProofsSeal::StackedDrg32GiBV1_1;
    let (a, b) = (piece(1 << 20, 4), piece(1 << 30, 5));
    let mut layout = vec![as_proofs(&a)];
    // Zeros from 1 MiB up to 1 GiB, where b starts.
    let mut at = 1u64 << 20;
    while at < 1 << 30 {
        layout.push(zero(at));
        at *= 2;
    }
    layout.push(as_proofs(&b));
    // b ends at 2 GiB; zeros fill up to 32 GiB.
    let mut end = 2u64 << 30;
    while end < 32 << 30 {
        layout.push(zero(end));
        end *= 2;
    }
    check(proof, library, &[a, b], &layout);
}
