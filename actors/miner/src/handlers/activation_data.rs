//! Data activation shared by every path that puts pieces into a sector (FIP-0076): the CommD
//! computed from a piece manifest, verified allocations claimed from the verified registry in
//! one batch grouped by sector, and the network figures that price a sector's pledge and daily
//! fee when it gains power.

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorContext, ActorError, AsActorError,
    BatchReturn, FilterEstimate, VERIFIED_REGISTRY_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PieceInfo;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber, StoragePower};
use num_traits::Zero;

use super::{request_current_epoch_block_reward, request_current_total_power};
use crate::{ext, initial_pledge_for_power, CompactCommD, PieceActivationManifest};

/// The pieces to activate in one sector.
pub(crate) struct SectorPiecesActivationInput {
    pub piece_manifests: Vec<PieceActivationManifest>,
    pub sector_expiry: ChainEpoch,
    pub sector_number: SectorNumber,
    pub sector_type: RegisteredSealProof,
    /// A CommD the pieces must produce (the pre-committed one), if any.
    pub expected_commd: Option<CompactCommD>,
}

/// The space a sector's activated data occupies, by kind.
#[derive(Clone, Debug, Default)]
pub(crate) struct DataActivationOutput {
    /// Bytes of pieces without a verified allocation.
    pub unverified_space: BigInt,
    /// Bytes of verified allocations claimed.
    pub verified_space: BigInt,
}

/// Checks each sector's pieces against its expected CommD (which any mismatch fails
/// outright), then claims the verified allocations of all sectors in one call to the verified
/// registry. Sectors succeed or fail as a whole; with `all_or_nothing` a failed claim aborts.
/// Returns which sectors succeeded and, for each success in order, its data's space.
pub(crate) fn activate_sectors_pieces(
    rt: &impl Runtime,
    inputs: &[SectorPiecesActivationInput],
    all_or_nothing: bool,
) -> Result<(BatchReturn, Vec<DataActivationOutput>), ActorError> {
    let mut sector_claims = Vec::with_capacity(inputs.len());
    for input in inputs {
        if let Some(declared) = &input.expected_commd {
            let computed = unsealed_cid_from_pieces(rt, &input.piece_manifests, input.sector_type)?
                .get_cid(input.sector_type)?;
            // A declared zero CommD may be compact or spelled out: compare full CIDs.
            let declared = declared.get_cid(input.sector_type)?;
            if declared != computed {
                return Err(actor_error!(illegal_argument;
                    "unsealed CID does not match pieces for sector {}, computed {} declared {}",
                    input.sector_number, computed, declared));
            }
        }
        sector_claims.push(ext::verifreg::SectorAllocationClaims {
            sector: input.sector_number,
            expiry: input.sector_expiry,
            claims: input
                .piece_manifests
                .iter()
                .filter_map(|piece| {
                    piece.verified_allocation_key.as_ref().map(|key| {
                        ext::verifreg::AllocationClaim {
                            client: key.client,
                            allocation_id: key.id,
                            data: piece.cid,
                            size: piece.size,
                        }
                    })
                })
                .collect(),
        });
    }

    let claimed = batch_claim_allocations(rt, sector_claims, all_or_nothing)?;
    if all_or_nothing
        && !claimed.sector_results.all_ok()
        && claimed.sector_results.success_count != 0
    {
        return Err(actor_error!(illegal_state;
            "claim allocations partially succeeded for an all-or-nothing request: {:?}",
            claimed.sector_results));
    }
    let succeeded = claimed.sector_results.successes(inputs);
    let outputs = succeeded
        .iter()
        .zip(&claimed.sector_claims)
        .map(|(input, claim)| DataActivationOutput {
            unverified_space: input
                .piece_manifests
                .iter()
                .filter(|p| p.verified_allocation_key.is_none())
                .map(|p| BigInt::from(p.size.0))
                .sum(),
            verified_space: claim.claimed_space.clone(),
        })
        .collect();
    Ok((claimed.sector_results, outputs))
}

/// Claims the allocations, one group per sector (empty groups included, so results line up
/// with sectors). When no sector claims anything the registry is not called and every sector
/// succeeds with no verified space.
pub(crate) fn batch_claim_allocations(
    rt: &impl Runtime,
    sectors: Vec<ext::verifreg::SectorAllocationClaims>,
    all_or_nothing: bool,
) -> Result<ext::verifreg::ClaimAllocationsReturn, ActorError> {
    let count = sectors.len();
    if sectors.iter().all(|s| s.claims.is_empty()) {
        return Ok(ext::verifreg::ClaimAllocationsReturn {
            sector_results: BatchReturn::ok(count as u32),
            sector_claims: vec![Default::default(); count],
        });
    }
    let ret: ext::verifreg::ClaimAllocationsReturn = deserialize_block(
        extract_send_result(rt.send_simple(
            &VERIFIED_REGISTRY_ACTOR_ADDR,
            ext::verifreg::CLAIM_ALLOCATIONS_METHOD,
            IpldBlock::serialize_cbor(&ext::verifreg::ClaimAllocationsParams {
                sectors,
                all_or_nothing,
            })?,
            TokenAmount::zero(),
        ))
        .context("error claiming allocations on batch")?,
    )?;
    if ret.sector_results.size() != count
        || ret.sector_claims.len() != ret.sector_results.success_count as usize
    {
        return Err(actor_error!(illegal_state;
            "claim allocations returned {} results and {} claims for {} sectors",
            ret.sector_results.size(), ret.sector_claims.len(), count));
    }
    Ok(ret)
}

/// The CommD of a sector holding `pieces` in order, zero-padded: computed by the runtime, or
/// the compact zero CommD when there are no pieces.
pub(crate) fn unsealed_cid_from_pieces(
    rt: &impl Runtime,
    pieces: &[PieceActivationManifest],
    sector_type: RegisteredSealProof,
) -> Result<CompactCommD, ActorError> {
    if pieces.is_empty() {
        return Ok(CompactCommD::empty());
    }
    let infos: Vec<PieceInfo> = pieces
        .iter()
        .map(|p| PieceInfo {
            cid: p.cid,
            size: p.size,
        })
        .collect();
    let computed: Cid = rt
        .compute_unsealed_sector_cid(sector_type, &infos)
        .context_code(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "failed to compute unsealed sector CID",
        )?;
    Ok(CompactCommD::of(computed))
}

/// The network figures a sector's initial pledge (FIP-0081) and daily fee (FIP-0100) are
/// computed from, queried once per message.
pub(crate) struct NetworkPledgeInputs {
    pub network_qap: FilterEstimate,
    pub network_baseline: StoragePower,
    pub circulating_supply: TokenAmount,
    pub epoch_reward: FilterEstimate,
    pub epochs_since_ramp_start: i64,
    pub ramp_duration_epochs: u64,
}

impl NetworkPledgeInputs {
    /// Asks the reward actor, then the power actor.
    pub fn request(rt: &impl Runtime) -> Result<Self, ActorError> {
        let reward = request_current_epoch_block_reward(rt)?;
        let power = request_current_total_power(rt)?;
        Ok(NetworkPledgeInputs {
            network_qap: power.quality_adj_power_smoothed,
            network_baseline: reward.this_epoch_baseline_power,
            circulating_supply: rt.total_fil_circ_supply(),
            epoch_reward: reward.this_epoch_reward_smoothed,
            epochs_since_ramp_start: rt.curr_epoch() - power.ramp_start_epoch,
            ramp_duration_epochs: power.ramp_duration_epochs,
        })
    }

    /// The initial pledge of `qa_power` at these figures.
    pub fn initial_pledge(&self, qa_power: &StoragePower) -> TokenAmount {
        initial_pledge_for_power(
            qa_power,
            &self.network_baseline,
            &self.epoch_reward,
            &self.network_qap,
            &self.circulating_supply,
            self.epochs_since_ramp_start,
            self.ramp_duration_epochs,
        )
    }
}
