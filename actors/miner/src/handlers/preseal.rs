//! `InternalSectorSetupForPreseal`: at genesis the system actor activates pre-committed
//! sectors without proofs, activating any market deals they name and claiming the deals'
//! verified allocations, priced with the network figures the genesis builder passes in.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorError, BatchReturn,
    STORAGE_MARKET_ACTOR_ADDR, SYSTEM_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use num_traits::Zero;

use super::activation::activate_new_sector_infos;
use super::activation_data::{batch_claim_allocations, DataActivationOutput, NetworkPledgeInputs};
use crate::ext::market::{
    BatchActivateDealsParams, BatchActivateDealsResult, SectorDealActivation, SectorDeals,
    BATCH_ACTIVATE_DEALS_METHOD, NO_ALLOCATION_ID,
};
use crate::{
    emit, ext, Actor, InternalSectorSetupForPresealParams, PieceActivationManifest,
    SectorPreCommitOnChainInfo, State,
};

impl Actor {
    /// System actor only. Pre-commitments that do not exist are skipped; the CommD was checked
    /// against the deals at pre-commit, so the market is not asked to compute it again.
    pub fn internal_sector_setup_preseal(
        rt: &impl Runtime,
        params: InternalSectorSetupForPresealParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_is(std::iter::once(&SYSTEM_ACTOR_ADDR))?;
        let state: State = rt.state()?;
        let precommits = state.find_precommitted_sectors(rt.store(), &params.sectors)?;
        let info = state.get_info(rt.store())?;

        let (batch, activations) = activate_sectors_deals(rt, &precommits)?;
        let activated = batch.successes(&precommits);
        let data: Vec<DataActivationOutput> = activations.iter().map(|a| a.space.clone()).collect();

        let pledge_inputs = NetworkPledgeInputs {
            network_qap: params.quality_adj_power_smoothed,
            network_baseline: params.reward_baseline_power,
            circulating_supply: rt.total_fil_circ_supply(),
            epoch_reward: params.reward_smoothed,
            epochs_since_ramp_start: 0,
            ramp_duration_epochs: 0,
        };
        activate_new_sector_infos(rt, &activated, &data, &pledge_inputs, &info)?;

        for (pc, activation) in activated.iter().zip(&activations) {
            emit::sector_activated(
                rt,
                pc.info.sector_number,
                pc.info.unsealed_cid.0.as_ref(),
                &activation.pieces,
            )?;
        }
        Ok(())
    }
}

/// One sector's activated deals: their space and, for its event, their pieces.
struct DealsActivation {
    space: DataActivationOutput,
    pieces: Vec<PieceActivationManifest>,
}

/// Activates the sectors' deals with the market (not called when no sector names a deal), then
/// claims the verified deals' allocations all-or-nothing. Returns which sectors the market
/// activated and, for each of those in order, its data.
fn activate_sectors_deals(
    rt: &impl Runtime,
    precommits: &[SectorPreCommitOnChainInfo],
) -> Result<(BatchReturn, Vec<DealsActivation>), ActorError> {
    let result = if precommits.iter().all(|pc| pc.info.deal_ids.is_empty()) {
        BatchActivateDealsResult {
            activation_results: BatchReturn::ok(precommits.len() as u32),
            activations: vec![
                SectorDealActivation {
                    activated: vec![],
                    unsealed_cid: None,
                };
                precommits.len()
            ],
        }
    } else {
        let params = BatchActivateDealsParams {
            sectors: precommits
                .iter()
                .map(|pc| SectorDeals {
                    sector_number: pc.info.sector_number,
                    sector_type: pc.info.seal_proof,
                    sector_expiry: pc.info.expiration,
                    deal_ids: pc.info.deal_ids.clone(),
                })
                .collect(),
            compute_cid: false,
        };
        deserialize_block(extract_send_result(rt.send_simple(
            &STORAGE_MARKET_ACTOR_ADDR,
            BATCH_ACTIVATE_DEALS_METHOD,
            IpldBlock::serialize_cbor(&params)?,
            TokenAmount::zero(),
        ))?)?
    };
    if result.activation_results.success_count == 0 {
        return Err(actor_error!(illegal_argument; "all deals failed to activate"));
    }
    let activated = result.activation_results.successes(precommits);
    if result.activation_results.size() != precommits.len()
        || result.activations.len() != activated.len()
    {
        return Err(actor_error!(illegal_state;
            "market returned {} results and {} activations for {} sectors",
            result.activation_results.size(), result.activations.len(), precommits.len()));
    }

    let claims = activated
        .iter()
        .zip(&result.activations)
        .map(|(pc, deals)| ext::verifreg::SectorAllocationClaims {
            sector: pc.info.sector_number,
            expiry: pc.info.expiration,
            claims: deals
                .activated
                .iter()
                .filter(|d| d.allocation_id != NO_ALLOCATION_ID)
                .map(|d| ext::verifreg::AllocationClaim {
                    client: d.client,
                    allocation_id: d.allocation_id,
                    data: d.data,
                    size: d.size,
                })
                .collect(),
        })
        .collect();
    let claimed = batch_claim_allocations(rt, claims, true)?;
    if !claimed.sector_results.all_ok() {
        return Err(actor_error!(illegal_argument;
            "failed to claim allocations of preseal deals: {:?}", claimed.sector_results));
    }

    let activations = result
        .activations
        .iter()
        .zip(claimed.sector_claims)
        .map(|(deals, claim)| DealsActivation {
            space: DataActivationOutput {
                unverified_space: deals
                    .activated
                    .iter()
                    .filter(|d| d.allocation_id == NO_ALLOCATION_ID)
                    .map(|d| BigInt::from(d.size.0))
                    .sum(),
                verified_space: claim.claimed_space,
            },
            pieces: deals
                .activated
                .iter()
                .map(|d| PieceActivationManifest {
                    cid: d.data,
                    size: d.size,
                    verified_allocation_key: None,
                    notify: vec![],
                })
                .collect(),
        })
        .collect();
    Ok((result.activation_results, activations))
}
