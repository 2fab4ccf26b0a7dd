//! Pre-committed sectors: `SectorPreCommitInfo` as declared by the miner, the on-chain record
//! with its deposit, `CompactCommD` (an unsealed CID where "none" means all-zero data), and the
//! HAMT of pre-commitments keyed by sector number.

use cid::multihash::Multihash;
use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError, Map};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::commcid::{FIL_COMMITMENT_UNSEALED, SHA2_256_TRUNC254_PADDED};
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber};
use serde::{Deserialize, Serialize};

/// The pre-commitments HAMT (bit width 5, keys are sector numbers as unsigned varints).
pub type PreCommitMap<BS> = Map<BS, SectorNumber, SectorPreCommitOnChainInfo>;

/// An unsealed sector CID (CommD), with `None` standing for a sector of zeros.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, Clone, Default)]
#[serde(transparent)]
pub struct CompactCommD(pub Option<Cid>);

impl CompactCommD {
    pub fn new(commd: Option<Cid>) -> Self {
        CompactCommD(commd)
    }

    /// The CommD of a sector holding no data.
    pub fn empty() -> Self {
        CompactCommD(None)
    }

    pub fn of(c: Cid) -> Self {
        CompactCommD(Some(c))
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_none()
    }

    /// The full CID: the stored one, or the CommD of zeros for the proof's sector size.
    pub fn get_cid(&self, seal_proof: RegisteredSealProof) -> Result<Cid, ActorError> {
        match self.0 {
            Some(c) => Ok(c),
            None => zero_commd(seal_proof),
        }
    }
}

/// The piece commitment of an all-zero sector, per sector size (2 KiB, 8 MiB, 512 MiB, 32 GiB,
/// 64 GiB): the root of the zero-padded Merkle tree of that size.
const ZERO_COMMD_HASHES: [[u8; 32]; 5] = [
    [
        0xfc, 0x7e, 0x92, 0x82, 0x96, 0xe5, 0x16, 0xfa, 0xad, 0xe9, 0x86, 0xb2, 0x8f, 0x92, 0xd4,
        0x4a, 0x4f, 0x24, 0xb9, 0x35, 0x48, 0x52, 0x23, 0x37, 0x6a, 0x79, 0x90, 0x27, 0xbc, 0x18,
        0xf8, 0x33,
    ],
    [
        0x65, 0xf2, 0x9e, 0x5d, 0x98, 0xd2, 0x46, 0xc3, 0x8b, 0x38, 0x8c, 0xfc, 0x06, 0xdb, 0x1f,
        0x6b, 0x02, 0x13, 0x03, 0xc5, 0xa2, 0x89, 0x00, 0x0b, 0xdc, 0xe8, 0x32, 0xa9, 0xc3, 0xec,
        0x42, 0x1c,
    ],
    [
        0x39, 0x56, 0x0e, 0x7b, 0x13, 0xa9, 0x3b, 0x07, 0xa2, 0x43, 0xfd, 0x27, 0x20, 0xff, 0xa7,
        0xcb, 0x3e, 0x1d, 0x2e, 0x50, 0x5a, 0xb3, 0x62, 0x9e, 0x79, 0xf4, 0x63, 0x13, 0x51, 0x2c,
        0xda, 0x06,
    ],
    [
        0x07, 0x7e, 0x5f, 0xde, 0x35, 0xc5, 0x0a, 0x93, 0x03, 0xa5, 0x50, 0x09, 0xe3, 0x49, 0x8a,
        0x4e, 0xbe, 0xdf, 0xf3, 0x9c, 0x42, 0xb7, 0x10, 0xb7, 0x30, 0xd8, 0xec, 0x7a, 0xc7, 0xaf,
        0xa6, 0x3e,
    ],
    [
        0xe6, 0x40, 0x05, 0xa6, 0xbf, 0xe3, 0x77, 0x79, 0x53, 0xb8, 0xad, 0x6e, 0xf9, 0x3f, 0x0f,
        0xca, 0x10, 0x49, 0xb2, 0x04, 0x16, 0x54, 0xf2, 0xa4, 0x11, 0xf7, 0x70, 0x27, 0x99, 0xce,
        0xce, 0x02,
    ],
];

fn zero_commd(seal_proof: RegisteredSealProof) -> Result<Cid, ActorError> {
    use RegisteredSealProof::*;
    let size_index = match seal_proof {
        StackedDRG2KiBV1
        | StackedDRG2KiBV1P1
        | StackedDRG2KiBV1P1_Feat_SyntheticPoRep
        | StackedDRG2KiBV1P2_Feat_NiPoRep => 0,
        StackedDRG8MiBV1
        | StackedDRG8MiBV1P1
        | StackedDRG8MiBV1P1_Feat_SyntheticPoRep
        | StackedDRG8MiBV1P2_Feat_NiPoRep => 1,
        StackedDRG512MiBV1
        | StackedDRG512MiBV1P1
        | StackedDRG512MiBV1P1_Feat_SyntheticPoRep
        | StackedDRG512MiBV1P2_Feat_NiPoRep => 2,
        StackedDRG32GiBV1
        | StackedDRG32GiBV1P1
        | StackedDRG32GiBV1P1_Feat_SyntheticPoRep
        | StackedDRG32GiBV1P2_Feat_NiPoRep => 3,
        StackedDRG64GiBV1
        | StackedDRG64GiBV1P1
        | StackedDRG64GiBV1P1_Feat_SyntheticPoRep
        | StackedDRG64GiBV1P2_Feat_NiPoRep => 4,
        other => return Err(actor_error!(illegal_argument; "unknown seal proof {:?}", other)),
    };
    let hash = Multihash::wrap(SHA2_256_TRUNC254_PADDED, &ZERO_COMMD_HASHES[size_index])
        .map_err(|e| actor_error!(assertion_failed; "zero CommD digest invalid: {}", e))?;
    Ok(Cid::new_v1(FIL_COMMITMENT_UNSEALED, hash))
}

/// What a miner declares when pre-committing a sector.
#[derive(Debug, Default, PartialEq, Eq, Clone, Serialize_tuple, Deserialize_tuple)]
pub struct SectorPreCommitInfo {
    pub seal_proof: RegisteredSealProof,
    pub sector_number: SectorNumber,
    /// CommR.
    pub sealed_cid: Cid,
    pub seal_rand_epoch: ChainEpoch,
    pub deal_ids: Vec<DealID>,
    pub expiration: ChainEpoch,
    /// CommD.
    pub unsealed_cid: CompactCommD,
}

/// A pre-commitment as stored: the declaration, its deposit and when it was made.
#[derive(Debug, PartialEq, Eq, Clone, Serialize_tuple, Deserialize_tuple)]
pub struct SectorPreCommitOnChainInfo {
    pub info: SectorPreCommitInfo,
    pub pre_commit_deposit: TokenAmount,
    pub pre_commit_epoch: ChainEpoch,
}

/// Loads the pre-commitments HAMT at `root`.
pub fn load_precommits<BS: Blockstore>(
    store: BS,
    root: &Cid,
) -> Result<PreCommitMap<BS>, ActorError> {
    PreCommitMap::load(store, root, "precommits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_commd_of_32gib() {
        let c = CompactCommD::empty()
            .get_cid(RegisteredSealProof::StackedDRG32GiBV1P1)
            .unwrap();
        // The well-known CommD of an empty 32 GiB sector.
        assert_eq!(
            c.to_string(),
            "baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq"
        );
        let given = CompactCommD::of(c);
        assert!(!given.is_zero());
        assert_eq!(
            given
                .get_cid(RegisteredSealProof::StackedDRG2KiBV1P1)
                .unwrap(),
            c
        );
        assert!(CompactCommD::empty()
            .get_cid(RegisteredSealProof::Invalid(3))
            .is_err());
        // None encodes as CBOR null.
        assert_eq!(
            fvm_ipld_encoding::to_vec(&CompactCommD::empty()).unwrap(),
            vec![0xf6]
        );
    }
}
