//! Activation of pre-committed sectors: `ProveCommitSectors3` (FIP-0076) verifies seal proofs,
//! one per sector or one aggregate, activates each sector's pieces and turns the pre-commitments
//! into sectors with their pledge (FIP-0081) and daily fee (FIP-0100); and `CheckSectorProven`.
//! New sectors join a deadline unproven: their power counts from their first Window PoSt.

use fil_actors_runtime::runtime::{DomainSeparationTag, Runtime};
use fil_actors_runtime::{
    actor_error, ActorContext, ActorError, AsActorError, BatchReturn, BatchReturnGen,
};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::randomness::Randomness;
use fvm_shared::sector::RegisteredAggregateProof;
use num_traits::Zero;

use super::activation_data::{
    activate_sectors_pieces, DataActivationOutput, NetworkPledgeInputs, SectorPiecesActivationInput,
};
use super::notifications::{notify_data_consumers, ActivationNotifications};
use super::seal_proofs::{
    miner_id, seal_entropy, seal_randomness, validate_seal_aggregate_proof, validate_seal_proofs,
    verify_aggregate_seal, SectorSealProofInput,
};
use super::{controlling_addresses, notify_pledge_changed};
use crate::{
    check_sector_number, daily_proof_fee, emit, max_prove_commit_duration, qa_power_for_weight,
    Actor, CheckSectorProvenParams, MinerInfo, ProveCommitSectors3Params,
    ProveCommitSectors3Return, SectorActivationManifest, SectorOnChainInfo, SectorOnChainInfoFlags,
    SectorPreCommitOnChainInfo, State,
};

impl Actor {
    /// Control addresses only. Every named sector must be pre-committed. Pre-commitments that
    /// are too late, or that name deals, fail (or abort the message with
    /// `require_activation_success`); so do sectors whose proof is invalid or whose pieces do not
    /// produce the pre-committed CommD or cannot claim their allocations. Returns which sectors
    /// were activated.
    pub fn prove_commit_sectors3(
        rt: &impl Runtime,
        params: ProveCommitSectors3Params,
    ) -> Result<ProveCommitSectors3Return, ActorError> {
        let state: State = rt.state()?;
        let store = rt.store();
        let policy = rt.policy();
        let miner = miner_id(rt)?;
        let info = state.get_info(store)?;
        rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
        for activation in &params.sector_activations {
            check_sector_number(activation.sector_number)?;
        }

        let precommits = state
            .get_precommitted_sectors(
                store,
                params.sector_activations.iter().map(|a| a.sector_number),
            )
            .context("loading precommits")?;
        let Some(first) = precommits.first() else {
            return Err(actor_error!(illegal_argument; "no sectors to prove"));
        };
        let seal_proof = first.info.seal_proof;
        if params.sector_proofs.is_empty() == params.aggregate_proof.is_empty() {
            return Err(actor_error!(illegal_argument;
                "exactly one of sector proofs or aggregate proof must be non-empty"));
        }
        if !params.sector_proofs.is_empty() {
            if params.aggregate_proof_type.is_some() {
                return Err(actor_error!(illegal_argument;
                    "aggregate proof type must be null with batched proofs"));
            }
            if params.sector_activations.len() != params.sector_proofs.len() {
                return Err(actor_error!(illegal_argument;
                    "mismatched lengths: {} sector activations, {} proofs",
                    params.sector_activations.len(), params.sector_proofs.len()));
            }
            validate_seal_proofs(seal_proof, &params.sector_proofs)?;
        } else {
            if params.aggregate_proof_type != Some(RegisteredAggregateProof::SnarkPackV2) {
                return Err(
                    actor_error!(illegal_argument; "aggregate proof type must be SnarkPackV2"),
                );
            }
            validate_seal_aggregate_proof(
                &params.aggregate_proof,
                params.sector_activations.len() as u64,
                (policy.min_aggregated_sectors, policy.max_aggregated_sectors),
                policy.max_aggregated_proof_size,
            )?;
        }

        let (validation_batch, proof_inputs) =
            validate_precommits(rt, &precommits, params.require_activation_success)?;
        if validation_batch.success_count == 0 {
            return Err(actor_error!(illegal_argument; "no valid precommits specified"));
        }
        let eligible: Vec<(&SectorActivationManifest, &SectorPreCommitOnChainInfo)> =
            validation_batch
                .successes(&params.sector_activations)
                .into_iter()
                .zip(validation_batch.successes(&precommits))
                .collect();

        // Verify the seal proofs: each valid sector's own, or one aggregate over all.
        let mut proven_gen = BatchReturnGen::new(eligible.len());
        let mut proven = Vec::with_capacity(eligible.len());
        if !params.sector_proofs.is_empty() {
            let inputs: Vec<_> = validation_batch
                .successes(&proof_inputs)
                .into_iter()
                .zip(validation_batch.successes(&params.sector_proofs))
                .map(|(input, proof)| input.to_seal_verify_info(miner, proof))
                .collect();
            let verified = rt
                .batch_verify_seals(&inputs)
                .context_code(ExitCode::USR_ILLEGAL_ARGUMENT, "failed to batch verify")?;
            if verified.len() != eligible.len() {
                return Err(actor_error!(illegal_state;
                    "batch verification returned {} results for {} proofs",
                    verified.len(), eligible.len()));
            }
            for (ok, (activation, precommit)) in verified.iter().zip(&eligible) {
                if *ok {
                    proven.push((*activation, *precommit));
                    proven_gen.add_success();
                } else {
                    if params.require_activation_success {
                        return Err(actor_error!(illegal_argument;
                            "invalid proof for sector {} while requiring activation success",
                            precommit.info.sector_number));
                    }
                    proven_gen.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
                }
            }
        } else {
            verify_aggregate_seal(
                rt,
                &proof_inputs,
                miner,
                seal_proof,
                RegisteredAggregateProof::SnarkPackV2,
                &params.aggregate_proof,
            )?;
            proven = eligible;
            for _ in &proven {
                proven_gen.add_success();
            }
        }
        let proven_batch = proven_gen.generate();
        if proven_batch.success_count == 0 {
            return Err(actor_error!(illegal_argument; "no valid proofs specified"));
        }

        // Activate the data, checking each sector's pieces against its pre-committed CommD.
        let data_inputs: Vec<SectorPiecesActivationInput> = proven
            .iter()
            .map(|(activation, precommit)| SectorPiecesActivationInput {
                piece_manifests: activation.pieces.clone(),
                sector_expiry: precommit.info.expiration,
                sector_number: precommit.info.sector_number,
                sector_type: precommit.info.seal_proof,
                expected_commd: Some(precommit.info.unsealed_cid.clone()),
            })
            .collect();
        let (data_batch, data_outputs) =
            activate_sectors_pieces(rt, &data_inputs, params.require_activation_success)?;
        if data_batch.success_count == 0 {
            return Err(actor_error!(illegal_argument; "all data activations failed"));
        }
        let activated = data_batch.successes(&proven);

        let pledge_inputs = NetworkPledgeInputs::request(rt)?;
        let activated_precommits: Vec<&SectorPreCommitOnChainInfo> =
            activated.iter().map(|(_, precommit)| *precommit).collect();
        activate_new_sector_infos(
            rt,
            &activated_precommits,
            &data_outputs,
            &pledge_inputs,
            &info,
        )?;

        // FIP-0083 events, then the FIP-0076 notifications.
        let mut notifications = Vec::with_capacity(activated.len());
        for (activation, precommit) in &activated {
            emit::sector_activated(
                rt,
                precommit.info.sector_number,
                precommit.info.unsealed_cid.0.as_ref(),
                &activation.pieces,
            )?;
            notifications.push(ActivationNotifications {
                sector_number: activation.sector_number,
                sector_expiration: precommit.info.expiration,
                pieces: &activation.pieces,
            });
        }
        notify_data_consumers(rt, &notifications, params.require_notification_success)?;

        Ok(ProveCommitSectors3Return {
            activation_results: validation_batch.stack(&proven_batch).stack(&data_batch),
        })
    }

    /// Any caller. Succeeds iff the sector is in the sectors table (proven and not yet removed
    /// by compaction): `USR_NOT_FOUND` otherwise.
    pub fn check_sector_proven(
        rt: &impl Runtime,
        params: CheckSectorProvenParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        check_sector_number(params.sector_number)?;
        let state: State = rt.state()?;
        match state.get_sector(rt.store(), params.sector_number) {
            Err(e) => Err(actor_error!(illegal_state;
                "failed to load proven sector {}: {}", params.sector_number, e)),
            Ok(None) => Err(actor_error!(not_found; "sector {} not proven", params.sector_number)),
            Ok(Some(_)) => Ok(()),
        }
    }
}

/// Checks that each pre-commitment may be proven now: it names no deals (FIP-0076 sectors carry
/// data only as pieces) and its proving window has not closed; failing sectors are recorded in
/// the batch (or abort with `all_or_nothing`). Too early for any sector, or mixed seal proofs,
/// aborts. Returns the proof inputs of every pre-commitment, the failing ones included, since
/// an aggregate needs them all.
fn validate_precommits(
    rt: &impl Runtime,
    precommits: &[SectorPreCommitOnChainInfo],
    all_or_nothing: bool,
) -> Result<(BatchReturn, Vec<SectorSealProofInput>), ActorError> {
    let policy = rt.policy();
    let curr_epoch = rt.curr_epoch();
    let entropy = seal_entropy(rt)?;
    let mut batch = BatchReturnGen::new(precommits.len());
    let mut inputs = Vec::with_capacity(precommits.len());
    for (i, precommit) in precommits.iter().enumerate() {
        let pc = &precommit.info;
        let mut valid = pc.deal_ids.is_empty();
        let msd = max_prove_commit_duration(policy, pc.seal_proof).ok_or_else(|| {
            actor_error!(illegal_state; "no max seal duration for proof type {:?}", pc.seal_proof)
        })?;
        if curr_epoch > precommit.pre_commit_epoch + msd {
            valid = false;
        }
        if let Some(previous) = i.checked_sub(1).and_then(|p| precommits.get(p)) {
            if previous.info.seal_proof != pc.seal_proof {
                return Err(actor_error!(illegal_state;
                    "seal proof group for verification contains mismatched seal proofs {:?} and {:?}",
                    previous.info.seal_proof, pc.seal_proof));
            }
        }
        let interactive_epoch = precommit.pre_commit_epoch + policy.pre_commit_challenge_delay;
        if curr_epoch <= interactive_epoch {
            return Err(actor_error!(forbidden; "too early to prove sector {}", pc.sector_number));
        }
        let randomness = seal_randomness(rt, pc.seal_rand_epoch, &entropy)?;
        let interactive_randomness = Randomness(
            rt.get_randomness_from_beacon(
                DomainSeparationTag::InteractiveSealChallengeSeed,
                interactive_epoch,
                &entropy,
            )?
            .to_vec(),
        );
        inputs.push(SectorSealProofInput {
            registered_proof: pc.seal_proof,
            sector_number: pc.sector_number,
            randomness,
            interactive_randomness,
            sealed_cid: pc.sealed_cid,
            unsealed_cid: pc.unsealed_cid.get_cid(pc.seal_proof)?,
        });
        if valid {
            batch.add_success();
        } else {
            if all_or_nothing {
                return Err(actor_error!(illegal_argument;
                    "invalid pre-commit {} (sector {}) while requiring activation success",
                    i, pc.sector_number));
            }
            batch.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
        }
    }
    Ok((batch.generate(), inputs))
}

/// Turns pre-commitments into sectors activated now, with the space their data occupies: each
/// gets its deal weights, the initial pledge and FIP-0100 daily fee of its quality-adjusted
/// power, and joins a deadline unproven. The deposits are released and the pledge, which must
/// fit in the unlocked balance, is locked; the power actor hears of the pledge.
pub(crate) fn activate_new_sector_infos(
    rt: &impl Runtime,
    precommits: &[&SectorPreCommitOnChainInfo],
    data: &[DataActivationOutput],
    pledge_inputs: &NetworkPledgeInputs,
    info: &MinerInfo,
) -> Result<(), ActorError> {
    let activation = rt.curr_epoch();
    let total_pledge = rt.transaction(|state: &mut State, rt| {
        let policy = rt.policy();
        let store = rt.store();
        // FIP-0067: the census begins before the first sector activated at or after the start
        // joins, so it never counts one.
        state.begin_old_sector_census(policy, activation);
        let mut new_sectors = Vec::with_capacity(precommits.len());
        let mut sector_numbers = Vec::with_capacity(precommits.len());
        let mut deposit_to_unlock = TokenAmount::zero();
        let mut total_pledge = TokenAmount::zero();
        for (pc, space) in precommits.iter().zip(data) {
            let duration = pc.info.expiration - activation;
            // Pre-commit already checks this for the latest possible activation.
            if duration < policy.min_sector_expiration {
                return Err(actor_error!(illegal_argument;
                    "precommit {} has lifetime {} less than minimum {}",
                    pc.info.sector_number, duration, policy.min_sector_expiration));
            }
            let deal_weight = &space.unverified_space * duration;
            let verified_deal_weight = &space.verified_space * duration;
            let power = qa_power_for_weight(info.sector_size, duration, &verified_deal_weight);
            let initial_pledge = pledge_inputs.initial_pledge(&power);
            deposit_to_unlock += &pc.pre_commit_deposit;
            total_pledge += &initial_pledge;
            sector_numbers.push(pc.info.sector_number);
            new_sectors.push(SectorOnChainInfo {
                sector_number: pc.info.sector_number,
                seal_proof: pc.info.seal_proof,
                sealed_cid: pc.info.sealed_cid,
                deprecated_deal_ids: vec![],
                activation,
                expiration: pc.info.expiration,
                deal_weight,
                verified_deal_weight,
                initial_pledge,
                expected_day_reward: None,
                expected_storage_pledge: None,
                power_base_epoch: activation,
                replaced_day_reward: None,
                sector_key_cid: None,
                flags: SectorOnChainInfoFlags::SIMPLE_QA_POWER,
                daily_fee: daily_proof_fee(&pledge_inputs.circulating_supply, &power),
            });
        }

        state.put_sectors(store, new_sectors.clone())?;
        state.delete_precommitted_sectors(store, &sector_numbers)?;
        state
            .assign_sectors_to_deadlines(
                policy,
                store,
                activation,
                new_sectors,
                info.window_post_partition_sectors,
                info.sector_size,
            )
            .context("failed to assign new sectors to deadlines")?;
        // The released deposits become available to cover the pledge.
        state.add_pre_commit_deposit(&-deposit_to_unlock)?;
        let unlocked = state.get_unlocked_balance(&rt.current_balance())?;
        if unlocked < total_pledge {
            return Err(actor_error!(insufficient_funds;
                "insufficient funds for aggregate initial pledge requirement {}, available: {}",
                total_pledge, unlocked));
        }
        state.add_initial_pledge(&total_pledge)?;
        state.check_balance_invariants(&rt.current_balance())?;
        Ok(total_pledge)
    })?;
    notify_pledge_changed(rt, &total_pledge)
}
