//! The proof rules of the `testing-fake-proofs` network (compatibility.md, "Fake proofs"), as pure
//! functions so the FVM runtime and the native test VM apply exactly the same rules.
//!
//! A seal, aggregate or replica-update proof is well-formed when it has at least one byte; a
//! Window PoSt is valid iff it carries exactly one proof whose bytes are the SHA-256 of the PoSt
//! randomness (last byte's top two bits cleared) followed by the CBOR of each challenged sector's
//! `SectorInfo`, in order. No consensus fault is ever found.

use anyhow::{anyhow, bail};
use fvm_ipld_encoding::to_vec;
use fvm_shared::sector::{
    AggregateSealVerifyProofAndInfos, ReplicaUpdateInfo, SealVerifyInfo, SectorInfo,
    WindowPoStVerifyInfo,
};
use sha2::{Digest, Sha256};

pub fn verify_seal(info: &SealVerifyInfo) -> bool {
    !info.proof.is_empty()
}

pub fn batch_verify_seals(batch: &[SealVerifyInfo]) -> Vec<bool> {
    batch.iter().map(verify_seal).collect()
}

pub fn verify_aggregate_seals(aggregate: &AggregateSealVerifyProofAndInfos) -> anyhow::Result<()> {
    if aggregate.proof.is_empty() {
        bail!("fake aggregate proof is empty");
    }
    if aggregate.infos.is_empty() {
        bail!("fake aggregate proof covers no sectors");
    }
    Ok(())
}

pub fn verify_replica_update(info: &ReplicaUpdateInfo) -> anyhow::Result<()> {
    if info.proof.is_empty() {
        bail!("fake replica update proof is empty");
    }
    Ok(())
}

/// The one proof a fake Window PoSt must carry for these challenged sectors.
pub fn window_post_proof_bytes(
    randomness: &[u8],
    challenged_sectors: &[SectorInfo],
) -> anyhow::Result<Vec<u8>> {
    let mut randomness = randomness.to_vec();
    if randomness.len() != 32 {
        bail!(
            "PoSt randomness has {} bytes, expected 32",
            randomness.len()
        );
    }
    randomness[31] &= 0x3f;
    let mut hasher = Sha256::new();
    hasher.update(&randomness);
    for sector in challenged_sectors {
        hasher.update(to_vec(sector)?);
    }
    Ok(hasher.finalize().to_vec())
}

pub fn verify_post(info: &WindowPoStVerifyInfo) -> anyhow::Result<()> {
    let [proof] = info.proofs.as_slice() else {
        bail!(
            "fake Window PoSt must carry exactly one proof, got {}",
            info.proofs.len()
        );
    };
    let expected = window_post_proof_bytes(&info.randomness.0, &info.challenged_sectors)?;
    if proof.proof_bytes != expected {
        return Err(anyhow!(
            "fake Window PoSt proof does not match the challenged sectors"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cid::Cid;
    use fvm_shared::randomness::Randomness;
    use fvm_shared::sector::{PoStProof, RegisteredPoStProof, RegisteredSealProof};

    fn sectors() -> Vec<SectorInfo> {
        (1..=2)
            .map(|n| SectorInfo {
                proof: RegisteredSealProof::StackedDRG2KiBV1P1,
                sector_number: n,
                sealed_cid: Cid::default(),
            })
            .collect()
    }

    fn post(randomness: Vec<u8>, proofs: Vec<Vec<u8>>) -> WindowPoStVerifyInfo {
        WindowPoStVerifyInfo {
            randomness: Randomness(randomness),
            proofs: proofs
                .into_iter()
                .map(|proof_bytes| PoStProof {
                    post_proof: RegisteredPoStProof::StackedDRGWindow2KiBV1P1,
                    proof_bytes,
                })
                .collect(),
            challenged_sectors: sectors(),
            prover: 1000,
        }
    }

    #[test]
    fn window_post_accepts_only_the_expected_digest() {
        let randomness = vec![0xff; 32];
        let good = window_post_proof_bytes(&randomness, &sectors()).unwrap();
        // The top two bits of the last randomness byte do not matter.
        let mut cleared = randomness.clone();
        cleared[31] = 0x3f;
        assert_eq!(window_post_proof_bytes(&cleared, &sectors()).unwrap(), good);
        // Which is SHA-256 over the cleared randomness and each sector's CBOR.
        let mut h = Sha256::new();
        h.update(&cleared);
        for s in sectors() {
            h.update(to_vec(&s).unwrap());
        }
        assert_eq!(good, h.finalize().to_vec());

        assert!(verify_post(&post(randomness.clone(), vec![good.clone()])).is_ok());
        let mut bad = good.clone();
        bad[0] ^= 1;
        assert!(verify_post(&post(randomness.clone(), vec![bad])).is_err());
        assert!(verify_post(&post(randomness.clone(), vec![good.clone(), good.clone()])).is_err());
        assert!(verify_post(&post(randomness, vec![])).is_err());
        assert!(verify_post(&post(vec![0; 31], vec![good])).is_err());
    }

    #[test]
    fn seals_need_proof_bytes() {
        let mut info = SealVerifyInfo {
            registered_proof: RegisteredSealProof::StackedDRG2KiBV1P1,
            sector_id: fvm_shared::sector::SectorID {
                miner: 1000,
                number: 1,
            },
            deal_ids: vec![],
            randomness: Randomness(vec![0; 32]),
            interactive_randomness: Randomness(vec![0; 32]),
            proof: vec![1, 2, 3],
            sealed_cid: Cid::default(),
            unsealed_cid: Cid::default(),
        };
        let good = info.clone();
        info.proof.clear();
        assert_eq!(batch_verify_seals(&[good, info]), vec![true, false]);
    }
}
