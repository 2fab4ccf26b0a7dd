//! The unsealed sector CID (CommD) of a sector from its pieces, for the native VM's
//! `compute_unsealed_sector_cid`. The FVM's Filecoin kernel places each piece at the next offset
//! that is a multiple of its own size, fills the gaps and the rest of the sector with zero pieces,
//! and takes the root of the binary SHA-256 (truncated to 254 bits) Merkle tree over the whole
//! sector. The native VM must give the same CID, because the miner records it and reports it in
//! the FIP-0083 `sector-activated` and `sector-updated` events.

use anyhow::{anyhow, bail};
use cid::Cid;
use fvm_shared::commcid::{self, Commitment};
use fvm_shared::piece::{zero_piece_commitment, PaddedPieceSize, PieceInfo};
use fvm_shared::sector::RegisteredSealProof;
use multihash_codetable::{Code, MultihashDigest};

/// The unsealed CID of a sector of `proof`'s size holding `pieces` in order.
pub fn compute_unsealed_sector_cid(
    proof: RegisteredSealProof,
    pieces: &[PieceInfo],
) -> anyhow::Result<Cid> {
    let sector_size = proof
        .sector_size()
        .map_err(|e| anyhow!("no sector size for {proof:?}: {e}"))? as u64;
    let mut tree = SubtreeStack::default();
    for (i, piece) in pieces.iter().enumerate() {
        let size = piece.size;
        size.validate()
            .map_err(|e| anyhow!("piece {i} has size {}: {e}", size.0))?;
        let commitment = commcid::cid_to_piece_commitment_v1(&piece.cid)
            .map_err(|e| anyhow!("piece {i} has CID {}: {e}", piece.cid))?;
        tree.align_to(size.0);
        tree.push(size.0, commitment);
        if tree.len() > sector_size {
            bail!(
                "pieces up to {i} need {} bytes, more than the {sector_size}-byte sector",
                tree.len()
            );
        }
    }
    let comm_d = tree.finish(sector_size);
    commcid::data_commitment_v1_to_cid(&comm_d).map_err(|e| anyhow!("CommD to CID: {e}"))
}

/// The roots of the complete subtrees laid down so far, from the sector's start: sizes strictly
/// decrease towards the top, so the filled length is always a multiple of the top's size.
#[derive(Default)]
struct SubtreeStack(Vec<(u64, Commitment)>);

impl SubtreeStack {
    /// Bytes (padded) laid down so far.
    fn len(&self) -> u64 {
        self.0.iter().map(|(size, _)| size).sum()
    }

    /// Pushes a subtree and merges equal neighbours.
    fn push(&mut self, size: u64, commitment: Commitment) {
        self.0.push((size, commitment));
        while let [.., (left_size, left), (right_size, right)] = self.0.as_slice() {
            if left_size != right_size {
                break;
            }
            let merged = (left_size * 2, node_hash(left, right));
            self.0.truncate(self.0.len() - 2);
            self.0.push(merged);
        }
    }

    /// Adds zero pieces until the filled length is a multiple of `size`.
    fn align_to(&mut self, size: u64) {
        while let Some(&(top, _)) = self.0.last() {
            if top >= size {
                break;
            }
            self.push(top, zero_piece_commitment(PaddedPieceSize(top)));
        }
    }

    /// Fills the rest of the sector with zero pieces and returns the root.
    fn finish(mut self, sector_size: u64) -> Commitment {
        loop {
            match self.0.as_slice() {
                [] => return zero_piece_commitment(PaddedPieceSize(sector_size)),
                [(size, root)] if *size >= sector_size => return *root,
                [.., (top, _)] => {
                    let top = *top;
                    self.push(top, zero_piece_commitment(PaddedPieceSize(top)));
                }
            }
        }
    }
}

/// An inner node of the piece tree: SHA-256 of the two children with the two top bits of the
/// last byte cleared, so the value is a BLS12-381 field element.
fn node_hash(left: &Commitment, right: &Commitment) -> Commitment {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(left);
    preimage[32..].copy_from_slice(right);
    let mut node = [0u8; 32];
    node.copy_from_slice(Code::Sha2_256.digest(&preimage).digest());
    node[31] &= 0b0011_1111;
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTOR_2K: RegisteredSealProof = RegisteredSealProof::StackedDRG2KiBV1P1;

    fn piece(size: u64, fill: u8) -> PieceInfo {
        let mut commitment = [fill; 32];
        commitment[31] &= 0b0011_1111;
        PieceInfo {
            size: PaddedPieceSize(size),
            cid: commcid::piece_commitment_v1_to_cid(&commitment).unwrap(),
        }
    }

    fn comm(p: &PieceInfo) -> Commitment {
        commcid::cid_to_piece_commitment_v1(&p.cid).unwrap()
    }

    fn zero(size: u64) -> Commitment {
        zero_piece_commitment(PaddedPieceSize(size))
    }

    fn cid_of(comm_d: Commitment) -> Cid {
        commcid::data_commitment_v1_to_cid(&comm_d).unwrap()
    }

    #[test]
    fn empty_sector_is_the_zero_commitment_of_the_sector() {
        let cid = compute_unsealed_sector_cid(SECTOR_2K, &[]).unwrap();
        assert_eq!(cid, cid_of(zero(2048)));
        // The zero commitment table is itself the tree of zero nodes.
        assert_eq!(zero(256), node_hash(&zero(128), &zero(128)));
    }

    #[test]
    fn full_sector_of_two_pieces_is_their_parent() {
        let (a, b) = (piece(1024, 1), piece(1024, 2));
        let cid = compute_unsealed_sector_cid(SECTOR_2K, &[a.clone(), b.clone()]).unwrap();
        assert_eq!(cid, cid_of(node_hash(&comm(&a), &comm(&b))));
    }

    #[test]
    fn pieces_are_aligned_to_their_size_and_the_rest_zero_filled() {
        // 128 at 0, then 512 must start at 512: zeros fill 128..512; the 1024 tail is zero.
        let (a, b) = (piece(128, 3), piece(512, 4));
        let cid = compute_unsealed_sector_cid(SECTOR_2K, &[a.clone(), b.clone()]).unwrap();
        let first_256 = node_hash(&comm(&a), &zero(128));
        let first_512 = node_hash(&first_256, &zero(256));
        let first_1024 = node_hash(&first_512, &comm(&b));
        assert_eq!(cid, cid_of(node_hash(&first_1024, &zero(1024))));
    }

    #[test]
    fn a_smaller_piece_after_a_larger_one_needs_no_padding() {
        let (a, b, c) = (piece(512, 5), piece(256, 6), piece(256, 7));
        let cid =
            compute_unsealed_sector_cid(SECTOR_2K, &[a.clone(), b.clone(), c.clone()]).unwrap();
        let first_1024 = node_hash(&comm(&a), &node_hash(&comm(&b), &comm(&c)));
        assert_eq!(cid, cid_of(node_hash(&first_1024, &zero(1024))));
    }

    #[test]
    fn bad_pieces_are_errors() {
        let too_small = compute_unsealed_sector_cid(SECTOR_2K, &[piece(64, 1)]).unwrap_err();
        assert!(
            too_small.to_string().contains("piece 0 has size 64"),
            "{too_small}"
        );
        let not_power = compute_unsealed_sector_cid(SECTOR_2K, &[piece(384, 1)]).unwrap_err();
        assert!(not_power.to_string().contains("power of 2"), "{not_power}");
        let over =
            compute_unsealed_sector_cid(SECTOR_2K, &[piece(1024, 1), piece(2048, 2)]).unwrap_err();
        assert!(
            over.to_string()
                .contains("4096 bytes, more than the 2048-byte sector"),
            "{over}"
        );
        let mut wrong_cid = piece(128, 1);
        wrong_cid.cid = Cid::default();
        let wrong = compute_unsealed_sector_cid(SECTOR_2K, &[wrong_cid]).unwrap_err();
        assert!(wrong.to_string().contains("piece 0 has CID"), "{wrong}");
    }
}
