//! Window PoSt: `SubmitWindowedPoSt`, which records the proven partitions of the open deadline
//! and accepts the proof optimistically (verifying it at once only when it recovers faulty
//! power), and `DisputeWindowedPoSt`, by which anyone may re-verify an optimistically accepted
//! proof within the dispute window after its deadline closed; a disproven proof turns the
//! sectors it covered faulty and costs the miner a penalty, part of which rewards the disputer.

use std::cmp;

use fil_actors_runtime::runtime::{DomainSeparationTag, Runtime};
use fil_actors_runtime::{actor_error, extract_send_result, ActorContext, ActorError};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::randomness::{Randomness, RANDOMNESS_LENGTH};
use fvm_shared::sector::{PoStProof, SectorInfo, WindowPoStVerifyInfo};
use fvm_shared::METHOD_SEND;

use super::{
    burn_funds, controlling_addresses, notify_pledge_changed, request_current_epoch_block_reward,
    request_current_total_power, request_update_power,
};
use crate::emit::{self, FeeApplied, FeeType};
use crate::{
    check_sector_numbers, deadline_available_for_optimistic_post_dispute,
    load_partitions_sectors_max, pledge_penalty_for_invalid_windowpost,
    reward_for_disputed_window_post, Actor, DeadlineInfo, DisputeWindowedPoStParams,
    SectorOnChainInfo, Sectors, State, SubmitWindowedPoStParams, POSTED_PARTITIONS_MAX,
};

impl Actor {
    /// Owner, worker or control address, during the deadline's challenge window. Records the
    /// partitions as proven: skipped sectors become faulty, declared recoveries and new
    /// sectors gain power. The proof is kept for disputes rather than verified, unless it
    /// recovers power.
    pub fn submit_windowed_post(
        rt: &impl Runtime,
        params: SubmitWindowedPoStParams,
    ) -> Result<(), ActorError> {
        let current_epoch = rt.curr_epoch();
        let policy = rt.policy();
        let (proof_type, proof_size) = match params.proofs.as_slice() {
            [proof] => (proof.post_proof, proof.proof_bytes.len()),
            _ => {
                return Err(actor_error!(illegal_argument;
                    "expected exactly one proof, got {}", params.proofs.len()))
            }
        };
        if !policy.valid_post_proof_type.contains(proof_type) {
            return Err(actor_error!(illegal_argument; "proof type {:?} not allowed", proof_type));
        }
        if params.deadline >= policy.wpost_period_deadlines {
            return Err(actor_error!(illegal_argument;
                "invalid deadline {} of {}", params.deadline, policy.wpost_period_deadlines));
        }
        if params.chain_commit_rand.0.len() > RANDOMNESS_LENGTH {
            return Err(actor_error!(illegal_argument;
                "expected at most {} bytes of randomness, got {}",
                RANDOMNESS_LENGTH, params.chain_commit_rand.0.len()));
        }

        let power_delta = rt.transaction(|state: &mut State, rt| {
            let policy = rt.policy();
            let store = rt.store();
            let info = state.get_info(store)?;
            let max_proof_size = info.window_post_proof_type.proof_size().map_err(|e| {
                actor_error!(illegal_state; "failed to determine max window post proof size: {}", e)
            })?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;

            if proof_type != info.window_post_proof_type {
                return Err(actor_error!(illegal_argument;
                    "expected proof of type {:?}, got {:?}", info.window_post_proof_type, proof_type));
            }
            let max_size = max_proof_size.saturating_mul(params.partitions.len());
            if proof_size > max_size {
                return Err(actor_error!(illegal_argument;
                    "expected proof to be smaller than {} bytes", max_size));
            }
            let partition_limit = cmp::min(
                load_partitions_sectors_max(policy, info.window_post_partition_sectors),
                POSTED_PARTITIONS_MAX,
            );
            if params.partitions.len() as u64 > partition_limit {
                return Err(actor_error!(illegal_argument;
                    "too many partitions {}, limit {}", params.partitions.len(), partition_limit));
            }
            for partition in &params.partitions {
                check_sector_numbers(&partition.skipped)?;
            }

            // Only fails when cron has not run for a whole period, leaving this deadline's
            // previous missed proofs unprocessed.
            let current_deadline = state.deadline_info(policy, current_epoch);
            if !current_deadline.is_open() {
                return Err(actor_error!(illegal_state;
                    "proving period {} not yet open at {}", current_deadline.period_start, current_epoch));
            }
            if params.deadline != current_deadline.index {
                return Err(actor_error!(illegal_argument;
                    "invalid deadline {} at epoch {}, expected {}",
                    params.deadline, current_epoch, current_deadline.index));
            }
            // The proof commits to a chain ticket drawn since the deadline's challenge.
            if params.chain_commit_epoch < current_deadline.challenge {
                return Err(actor_error!(illegal_argument;
                    "expected chain commit epoch {} to be after {}",
                    params.chain_commit_epoch, current_deadline.challenge));
            }
            if params.chain_commit_epoch >= current_epoch {
                return Err(actor_error!(illegal_argument;
                    "chain commit epoch {} must be less than the current epoch {}",
                    params.chain_commit_epoch, current_epoch));
            }
            let comm_rand = rt.get_randomness_from_tickets(
                DomainSeparationTag::PoStChainCommit,
                params.chain_commit_epoch,
                &[],
            )?;
            if Randomness(comm_rand.to_vec()) != params.chain_commit_rand {
                return Err(actor_error!(illegal_argument; "post commit randomness mismatched"));
            }

            let sectors = Sectors::load(store, &state.sectors)?;
            let mut deadlines = state.load_deadlines(store)?;
            let mut deadline = deadlines.load_deadline(store, params.deadline)?;
            let fault_expiration = current_deadline.last() + policy.fault_max_age;
            let post_result = deadline
                .record_proven_sectors(
                    store,
                    &sectors,
                    info.sector_size,
                    current_deadline.quant_spec(),
                    fault_expiration,
                    &params.partitions,
                )
                .with_context(|| {
                    format!(
                        "failed to process post submission for deadline {}",
                        params.deadline
                    )
                })?;

            // Skipping every live sector proves nothing (and only earns fault fees).
            let proven = &post_result.sectors - &post_result.ignored_sectors;
            if proven.is_empty() {
                return Err(actor_error!(illegal_argument;
                    "cannot prove partitions with no active sectors"));
            }
            if post_result.recovered_power.is_zero() {
                deadline.record_post_proofs(store, &post_result.partitions, &params.proofs)?;
            } else {
                // Recovered power must not be granted on an unchecked proof.
                let infos =
                    sectors.load_for_proof(&post_result.sectors, &post_result.ignored_sectors)?;
                if !verify_windowed_post(rt, current_deadline.challenge, &infos, &params.proofs)
                    .map_err(|e| e.wrap("window post failed"))?
                {
                    return Err(actor_error!(illegal_argument; "invalid post was submitted"));
                }
            }
            deadlines.update_deadline(policy, store, params.deadline, &deadline)?;
            state.save_deadlines(store, deadlines)?;
            Ok(post_result.power_delta)
        })?;

        // Recovered power returns and new faults lose theirs now, not at the deadline's end.
        request_update_power(rt, power_delta)?;
        let state: State = rt.state()?;
        state.check_balance_invariants(&rt.current_balance())
    }

    /// Anyone. Re-verifies an optimistically accepted proof of the deadline's last window;
    /// if it is invalid, the sectors it covered become faulty and the miner is charged the
    /// invalid-PoSt penalty plus the disputer's reward (paid from what is burnt).
    pub fn dispute_windowed_post(
        rt: &impl Runtime,
        params: DisputeWindowedPoStParams,
    ) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let reporter = rt.message().caller();
        let policy = rt.policy();
        if params.deadline >= policy.wpost_period_deadlines {
            return Err(actor_error!(illegal_argument;
                "invalid deadline {} of {}", params.deadline, policy.wpost_period_deadlines));
        }
        let current_epoch = rt.curr_epoch();
        // Estimates now, not at submission.
        let epoch_reward = request_current_epoch_block_reward(rt)?;
        let power_total = request_current_total_power(rt)?;

        let (pledge_delta, to_burn, to_reward, power_delta, fee) =
            rt.transaction(|state: &mut State, rt| {
                let policy = rt.policy();
                let store = rt.store();
                let dl_info = state.deadline_info(policy, current_epoch);
                if !deadline_available_for_optimistic_post_dispute(
                    policy,
                    dl_info.period_start,
                    params.deadline,
                    current_epoch,
                ) {
                    return Err(actor_error!(forbidden;
                        "can only dispute window posts during the dispute window ({} epochs after the challenge window closes)",
                        policy.wpost_dispute_window));
                }
                let info = state.get_info(store)?;
                // The disputed deadline's last occurrence: this period's if it came already.
                let period_start = if dl_info.index < params.deadline {
                    dl_info.period_start - policy.wpost_proving_period
                } else {
                    dl_info.period_start
                };
                let target = DeadlineInfo::new(policy, period_start, params.deadline, current_epoch);

                let mut deadlines = state.load_deadlines(store)?;
                let mut deadline = deadlines.load_deadline(store, params.deadline)?;
                // Taking the proof out means it cannot be disputed twice.
                let (partitions, proofs) = deadline
                    .take_post_proofs(store, params.post_index)
                    .context("failed to load proof for dispute")?;
                let mut dispute = deadline
                    .load_partitions_for_dispute(store, partitions)
                    .context("failed to load partition for dispute")?;
                let snapshot = Sectors::load(store, &deadline.sectors_snapshot)?;
                let infos =
                    snapshot.load_for_proof(&dispute.all_sector_nos, &dispute.ignored_sector_nos)?;
                if verify_windowed_post(rt, target.challenge, &infos, &proofs)? {
                    return Err(actor_error!(illegal_argument; "failed to dispute valid post"));
                }

                // No compaction is allowed in the dispute window, so every partition is there;
                // sectors terminated since are skipped.
                let fault_expiration = target.last() + policy.fault_max_age;
                let power_delta = deadline
                    .record_faults(
                        store,
                        &snapshot,
                        info.sector_size,
                        target.quant_spec(),
                        fault_expiration,
                        &mut dispute.disputed_sectors,
                    )
                    .context("failed to declare faults")?;
                deadlines.update_deadline(policy, store, params.deadline, &deadline)?;
                state.save_deadlines(store, deadlines)?;

                // The penalty counts power that may since have expired or terminated. The
                // reward is added on top so the miner cannot recoup it by disputing itself.
                let reward_target = reward_for_disputed_window_post();
                let penalty = pledge_penalty_for_invalid_windowpost(
                    &epoch_reward.this_epoch_reward_smoothed,
                    &power_total.quality_adj_power_smoothed,
                    &dispute.disputed_power.qa,
                ) + &reward_target;
                state.apply_penalty(&penalty)?;
                let (burn, total_unlocked) = state.repay_partial_debt_in_priority_order(
                    store,
                    current_epoch,
                    &rt.current_balance(),
                )?;
                let to_reward = cmp::min(burn.clone(), reward_target);
                let fee = FeeApplied::new(FeeType::WindowPostDispute, penalty)
                    .deadline(params.deadline)
                    .sectors(dispute.all_sector_nos.len());
                Ok((-total_unlocked, burn - &to_reward, to_reward, power_delta, fee))
            })?;
        emit::fee_applied(rt, fee)?;

        request_update_power(rt, power_delta)?;
        let mut to_burn = to_burn;
        // A reporter that cannot be paid leaves the reward to be burnt.
        if to_reward.is_positive()
            && extract_send_result(rt.send_simple(&reporter, METHOD_SEND, None, to_reward.clone()))
                .is_err()
        {
            to_burn += to_reward;
        }
        burn_funds(rt, to_burn)?;
        notify_pledge_changed(rt, &pledge_delta)?;
        let state: State = rt.state()?;
        state.check_balance_invariants(&rt.current_balance())
    }
}

/// Verifies a Window PoSt over `sectors`, challenged at `challenge_epoch`. Returns whether it
/// is valid; an error only when verification could not be attempted.
fn verify_windowed_post(
    rt: &impl Runtime,
    challenge_epoch: ChainEpoch,
    sectors: &[SectorOnChainInfo],
    proofs: &[PoStProof],
) -> Result<bool, ActorError> {
    let receiver = rt.message().receiver();
    let prover = receiver.id().map_err(
        |_| actor_error!(illegal_state; "runtime provided bad receiver address {}", receiver),
    )?;
    // The challenge is drawn with the miner's address as entropy, as the prover did.
    let entropy = fvm_ipld_encoding::to_vec(&receiver).map_err(|e| {
        actor_error!(serialization; "failed to serialize address for window post challenge: {}", e)
    })?;
    let randomness = rt.get_randomness_from_beacon(
        DomainSeparationTag::WindowedPoStChallengeSeed,
        challenge_epoch,
        &entropy,
    )?;
    let info = WindowPoStVerifyInfo {
        randomness: Randomness(randomness.to_vec()),
        proofs: proofs.to_vec(),
        challenged_sectors: sectors
            .iter()
            .map(|s| SectorInfo {
                proof: s.seal_proof,
                sector_number: s.sector_number,
                sealed_cid: s.sealed_cid,
            })
            .collect(),
        prover,
    };
    Ok(rt.verify_post(&info).is_ok())
}
