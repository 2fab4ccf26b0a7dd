//! Seal proof verification shared by the interactive (FIP-0076) and non-interactive (FIP-0090)
//! commit paths: the public inputs of each sector's proof, size limits on proofs and
//! aggregates, and the runtime's batch and aggregate verifiers.

use cid::Cid;
use fil_actors_runtime::runtime::{DomainSeparationTag, Runtime};
use fil_actors_runtime::{actor_error, ActorError, AsActorError};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::randomness::Randomness;
use fvm_shared::sector::{
    AggregateSealVerifyInfo, AggregateSealVerifyProofAndInfos, RegisteredAggregateProof,
    RegisteredSealProof, SealVerifyInfo, SectorID, SectorNumber,
};
use fvm_shared::ActorID;

/// The public inputs of one sector's seal proof.
pub(crate) struct SectorSealProofInput {
    pub registered_proof: RegisteredSealProof,
    pub sector_number: SectorNumber,
    pub randomness: Randomness,
    pub interactive_randomness: Randomness,
    /// CommR.
    pub sealed_cid: Cid,
    /// CommD.
    pub unsealed_cid: Cid,
}

impl SectorSealProofInput {
    pub fn to_seal_verify_info(&self, miner: ActorID, proof: &RawBytes) -> SealVerifyInfo {
        SealVerifyInfo {
            registered_proof: self.registered_proof,
            sector_id: SectorID {
                miner,
                number: self.sector_number,
            },
            // The proofs API ignores deal IDs.
            deal_ids: vec![],
            randomness: self.randomness.clone(),
            interactive_randomness: self.interactive_randomness.clone(),
            proof: proof.to_vec(),
            sealed_cid: self.sealed_cid,
            unsealed_cid: self.unsealed_cid,
        }
    }

    fn to_aggregate_seal_verify_info(&self) -> AggregateSealVerifyInfo {
        AggregateSealVerifyInfo {
            sector_number: self.sector_number,
            randomness: self.randomness.clone(),
            interactive_randomness: self.interactive_randomness.clone(),
            sealed_cid: self.sealed_cid,
            unsealed_cid: self.unsealed_cid,
        }
    }
}

/// The entropy seal randomness is drawn with: the miner's CBOR-encoded address.
pub(crate) fn seal_entropy(rt: &impl Runtime) -> Result<Vec<u8>, ActorError> {
    let receiver = rt.message().receiver();
    fvm_ipld_encoding::to_vec(&receiver)
        .map_err(|e| actor_error!(serialization; "failed to encode address {}: {}", receiver, e))
}

/// The ticket randomness the replica was sealed with.
pub(crate) fn seal_randomness(
    rt: &impl Runtime,
    epoch: ChainEpoch,
    entropy: &[u8],
) -> Result<Randomness, ActorError> {
    Ok(Randomness(
        rt.get_randomness_from_tickets(DomainSeparationTag::SealRandomness, epoch, entropy)?
            .to_vec(),
    ))
}

/// The miner's ID, from its receiver address.
pub(crate) fn miner_id(rt: &impl Runtime) -> Result<ActorID, ActorError> {
    let receiver = rt.message().receiver();
    receiver.id().map_err(
        |_| actor_error!(illegal_state; "runtime provided a non-ID receiver address {}", receiver),
    )
}

/// Each proof fits the seal proof type's proof size.
pub(crate) fn validate_seal_proofs(
    seal_proof: RegisteredSealProof,
    proofs: &[RawBytes],
) -> Result<(), ActorError> {
    let max_size = seal_proof.proof_size().map_err(
        |e| actor_error!(illegal_state; "failed to determine max proof size for type {:?}: {}", seal_proof, e),
    )?;
    for proof in proofs {
        if proof.len() > max_size {
            return Err(actor_error!(illegal_argument;
                "sector proof size {} exceeds max {}", proof.len(), max_size));
        }
    }
    Ok(())
}

/// An aggregate covers between `min` and `max` sectors and fits the maximum aggregate size.
pub(crate) fn validate_seal_aggregate_proof(
    proof: &RawBytes,
    sector_count: u64,
    (min, max): (u64, u64),
    max_proof_size: usize,
) -> Result<(), ActorError> {
    if sector_count > max {
        return Err(actor_error!(illegal_argument;
            "too many sectors addressed, addressed {} want <= {}", sector_count, max));
    }
    if sector_count < min {
        return Err(actor_error!(illegal_argument;
            "too few sectors addressed, addressed {} want >= {}", sector_count, min));
    }
    if proof.len() > max_proof_size {
        return Err(actor_error!(illegal_argument;
            "sector prove-commit proof of size {} exceeds max size of {}",
            proof.len(), max_proof_size));
    }
    Ok(())
}

/// Verifies one aggregate over every input, the invalid ones included: an aggregate must be
/// checked against all the proofs it was built from.
pub(crate) fn verify_aggregate_seal(
    rt: &impl Runtime,
    inputs: &[SectorSealProofInput],
    miner: ActorID,
    seal_proof: RegisteredSealProof,
    aggregate_proof: RegisteredAggregateProof,
    proof: &RawBytes,
) -> Result<(), ActorError> {
    rt.verify_aggregate_seals(&AggregateSealVerifyProofAndInfos {
        miner,
        seal_proof,
        aggregate_proof,
        proof: proof.to_vec(),
        infos: inputs
            .iter()
            .map(SectorSealProofInput::to_aggregate_seal_verify_info)
            .collect(),
    })
    .context_code(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "aggregate seal verify failed",
    )
}
