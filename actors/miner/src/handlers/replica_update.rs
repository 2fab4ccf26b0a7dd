//! `ProveReplicaUpdates3` (FIP-0076 "snap deals"): committed-capacity sectors receive data. Each
//! update is proven against the CommD computed from its pieces, its pieces are activated with
//! the machinery of prove-commit, and the sector takes the new CommR, deal weights, power,
//! pledge (never lowered) and FIP-0100 daily fee.

use std::collections::BTreeMap;

use fil_actors_runtime::runtime::{Policy, Runtime};
use fil_actors_runtime::{actor_error, ActorError, BatchReturn, BatchReturnGen};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{ReplicaUpdateInfo, SectorSize};
use num_traits::Zero;

use super::activation_data::{
    activate_sectors_pieces, unsealed_cid_from_pieces, DataActivationOutput, NetworkPledgeInputs,
    SectorPiecesActivationInput,
};
use super::notifications::{notify_data_consumers, ActivationNotifications};
use super::{controlling_addresses, notify_pledge_changed, request_update_power};
use crate::{
    check_sector_number, daily_proof_fee, daily_proof_fee_adjust, deadline_is_mutable, emit,
    is_sealed_sector, qa_power_for_weight, Actor, CompactCommD, PowerPair,
    ProveReplicaUpdates3Params, ProveReplicaUpdates3Return, SectorOnChainInfo,
    SectorOnChainInfoFlags, SectorUpdateManifest, Sectors, State,
};

impl Actor {
    /// Control addresses only. Every named sector must exist. Updates that fail validation or
    /// proof, or whose data cannot be activated, fail individually (or abort with
    /// `require_activation_success`). Only per-sector proofs are accepted: v18 does not yet
    /// verify aggregated update proofs. Returns which updates succeeded.
    pub fn prove_replica_updates3(
        rt: &impl Runtime,
        params: ProveReplicaUpdates3Params,
    ) -> Result<ProveReplicaUpdates3Return, ActorError> {
        let state: State = rt.state()?;
        let store = rt.store();
        let info = state.get_info(store)?;
        rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
        check_proof_params(&params)?;
        for update in &params.sector_updates {
            check_sector_number(update.sector)?;
        }

        let sectors = Sectors::load(store, &state.sectors)?;
        let sector_infos = params
            .sector_updates
            .iter()
            .map(|u| sectors.must_get(u.sector))
            .collect::<Result<Vec<_>, _>>()?;
        let validation_batch = validate_replica_updates(rt, &state, &params, &sector_infos)?;
        let valid_updates = validation_batch.successes(&params.sector_updates);
        let valid_infos = validation_batch.successes(&sector_infos);
        let valid_proofs = validation_batch.successes(&params.sector_proofs);
        if params.sector_updates.len() != params.sector_proofs.len() {
            return Err(actor_error!(illegal_argument;
                "mismatched lengths: {} sector updates, {} proofs",
                params.sector_updates.len(), params.sector_proofs.len()));
        }

        // Verify each valid update's proof against the CommD of its pieces.
        let mut proven_gen = BatchReturnGen::new(valid_updates.len());
        let mut proven: Vec<(&SectorUpdateManifest, &SectorOnChainInfo)> = vec![];
        let mut commds: BTreeMap<u64, CompactCommD> = BTreeMap::new();
        for ((update, sector), proof) in valid_updates.iter().zip(&valid_infos).zip(valid_proofs) {
            let commd = unsealed_cid_from_pieces(rt, &update.pieces, sector.seal_proof)?;
            let verify = rt.verify_replica_update(&ReplicaUpdateInfo {
                update_proof_type: params.update_proofs_type,
                new_sealed_cid: update.new_sealed_cid,
                old_sealed_cid: sector.sealed_cid,
                new_unsealed_cid: commd.get_cid(sector.seal_proof)?,
                proof: proof.to_vec(),
            });
            commds.insert(update.sector, commd);
            match verify {
                Ok(()) => {
                    proven.push((*update, *sector));
                    proven_gen.add_success();
                }
                Err(e) => {
                    if params.require_activation_success {
                        return Err(actor_error!(illegal_argument;
                            "invalid proof for sector {} while requiring activation success: {}",
                            sector.sector_number, e));
                    }
                    proven_gen.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
                }
            }
        }
        if proven.is_empty() {
            return Err(actor_error!(illegal_argument; "no valid updates"));
        }
        let proven_batch = proven_gen.generate();

        // The CommD was computed from the pieces, so there is nothing to check it against.
        let data_inputs: Vec<SectorPiecesActivationInput> = proven
            .iter()
            .map(|(update, sector)| SectorPiecesActivationInput {
                piece_manifests: update.pieces.clone(),
                sector_expiry: sector.expiration,
                sector_number: sector.sector_number,
                sector_type: sector.seal_proof,
                expected_commd: None,
            })
            .collect();
        let (data_batch, data_outputs) =
            activate_sectors_pieces(rt, &data_inputs, params.require_activation_success)?;
        if data_batch.success_count == 0 {
            return Err(actor_error!(illegal_argument; "all data activations failed"));
        }
        let updated = data_batch.successes(&proven);

        let (power_delta, pledge_delta) =
            update_replica_states(rt, &updated, &data_outputs, info.sector_size)?;
        notify_pledge_changed(rt, &pledge_delta)?;
        request_update_power(rt, power_delta)?;

        // FIP-0083 events, then the FIP-0076 notifications.
        let mut notifications = Vec::with_capacity(updated.len());
        for (update, sector) in &updated {
            let commd = commds.get(&update.sector).and_then(|c| c.0.as_ref());
            emit::sector_updated(rt, update.sector, commd, &update.pieces)?;
            notifications.push(ActivationNotifications {
                sector_number: update.sector,
                sector_expiration: sector.expiration,
                pieces: &update.pieces,
            });
        }
        notify_data_consumers(rt, &notifications, params.require_notification_success)?;

        Ok(ProveReplicaUpdates3Return {
            activation_results: validation_batch.stack(&proven_batch).stack(&data_batch),
        })
    }
}

/// Exactly one of per-sector proofs or an aggregate, with an aggregate type exactly when an
/// aggregate is given; aggregates are then refused as not yet supported.
fn check_proof_params(params: &ProveReplicaUpdates3Params) -> Result<(), ActorError> {
    let exactly_one = || {
        actor_error!(illegal_argument;
            "exactly one of sector proofs or aggregate proof must be non-empty")
    };
    if !params.sector_proofs.is_empty() {
        if !params.aggregate_proof.is_empty() {
            return Err(exactly_one());
        }
        if params.aggregate_proof_type.is_some() {
            return Err(actor_error!(illegal_argument;
                "aggregate proof type must be empty when sector proofs are specified"));
        }
        return Ok(());
    }
    if params.aggregate_proof.is_empty() {
        return Err(exactly_one());
    }
    if params.aggregate_proof_type.is_none() {
        return Err(actor_error!(illegal_argument;
            "aggregate proof type must be specified when aggregate proof is specified"));
    }
    Err(actor_error!(illegal_argument; "aggregate update proofs not yet supported"))
}

/// Checks each update: a sector named once, a proof within the size limit, a valid deadline
/// that may be modified now, a well-formed new CommR, an active proven sector in the named
/// partition holding no data, and the update proof type of the sector's seal proof. A failure
/// is recorded (or aborts with `require_activation_success`).
fn validate_replica_updates(
    rt: &impl Runtime,
    state: &State,
    params: &ProveReplicaUpdates3Params,
    sector_infos: &[SectorOnChainInfo],
) -> Result<BatchReturn, ActorError> {
    let policy = rt.policy();
    let curr_epoch = rt.curr_epoch();
    let mut seen = std::collections::BTreeSet::new();
    let mut batch = BatchReturnGen::new(params.sector_updates.len());
    for (i, (update, sector)) in params.sector_updates.iter().zip(sector_infos).enumerate() {
        // Without per-sector proofs an update is checked against an empty one.
        let empty = RawBytes::default();
        let proof = params.sector_proofs.get(i).unwrap_or(&empty);
        let check = validate_replica_update(
            rt, policy, state, curr_epoch, update, sector, proof, params, &mut seen,
        );
        match check {
            Ok(()) => {
                batch.add_success();
            }
            Err(e) => {
                if params.require_activation_success {
                    return Err(e.wrap(format!(
                        "invalid update {} while requiring activation success",
                        i
                    )));
                }
                batch.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
            }
        }
    }
    Ok(batch.generate())
}

#[allow(clippy::too_many_arguments)]
fn validate_replica_update(
    rt: &impl Runtime,
    policy: &Policy,
    state: &State,
    curr_epoch: ChainEpoch,
    update: &SectorUpdateManifest,
    sector: &SectorOnChainInfo,
    proof: &RawBytes,
    params: &ProveReplicaUpdates3Params,
    seen: &mut std::collections::BTreeSet<u64>,
) -> Result<(), ActorError> {
    let n = update.sector;
    if !seen.insert(n) {
        return Err(actor_error!(illegal_argument; "skipping duplicate sector {}", n));
    }
    if proof.len() > policy.max_replica_update_proof_size {
        return Err(actor_error!(illegal_argument;
            "update proof is too large ({}), skipping sector {}", proof.len(), n));
    }
    if update.deadline >= policy.wpost_period_deadlines {
        return Err(actor_error!(illegal_argument;
            "deadline {} not in range 0..{}, skipping sector {}",
            update.deadline, policy.wpost_period_deadlines, n));
    }
    if !is_sealed_sector(&update.new_sealed_cid) {
        return Err(actor_error!(illegal_argument;
            "new sealed CID had wrong prefix {}, skipping sector {}", update.new_sealed_cid, n));
    }
    if !deadline_is_mutable(
        policy,
        state.current_proving_period_start(policy, curr_epoch),
        update.deadline,
        curr_epoch,
    ) {
        return Err(actor_error!(illegal_argument;
            "cannot upgrade sectors in immutable deadline {}, skipping sector {}",
            update.deadline, n));
    }
    if !state.check_sector_active(rt.store(), update.deadline, update.partition, n, true)? {
        return Err(actor_error!(illegal_argument; "sector isn't active, skipping sector {}", n));
    }
    if !(&sector.deal_weight + &sector.verified_deal_weight).is_zero() {
        return Err(actor_error!(illegal_argument;
            "cannot update sector with non-zero data, skipping sector {}", n));
    }
    let expected = sector.seal_proof.registered_update_proof().map_err(
        |e| actor_error!(illegal_state; "couldn't load update proof type of sector {}: {}", n, e),
    )?;
    if params.update_proofs_type != expected {
        return Err(actor_error!(illegal_argument;
            "expected proof type {}, was {}",
            i64::from(expected), i64::from(params.update_proofs_type)));
    }
    Ok(())
}

/// Replaces each updated sector in its partition with its new info (grouped by deadline),
/// stores the infos and locks any increase of pledge, which must fit in the unlocked balance.
/// Returns the power and pledge deltas.
fn update_replica_states(
    rt: &impl Runtime,
    updated: &[&(&SectorUpdateManifest, &SectorOnChainInfo)],
    data: &[DataActivationOutput],
    sector_size: SectorSize,
) -> Result<(PowerPair, TokenAmount), ActorError> {
    let pledge_inputs = NetworkPledgeInputs::request(rt)?;
    let curr_epoch = rt.curr_epoch();
    let mut by_deadline = BTreeMap::<u64, Vec<(u64, &SectorOnChainInfo, SectorOnChainInfo)>>::new();
    for ((update, sector), space) in updated.iter().zip(data) {
        let new_info = update_existing_sector_info(
            sector,
            update,
            space,
            &pledge_inputs,
            sector_size,
            curr_epoch,
        )?;
        by_deadline
            .entry(update.deadline)
            .or_default()
            .push((update.partition, *sector, new_info));
    }

    rt.transaction(|state: &mut State, rt| {
        let policy = rt.policy();
        let store = rt.store();
        let mut deadlines = state.load_deadlines(store)?;
        let mut new_infos = Vec::with_capacity(updated.len());
        let mut power_delta = PowerPair::zero();
        let mut pledge_delta = TokenAmount::zero();
        for (&dl_idx, updates) in &by_deadline {
            let mut deadline = deadlines.load_deadline(store, dl_idx)?;
            let mut partitions = deadline.partitions_amt(store)?;
            let quant = state.quant_spec_for_deadline(policy, dl_idx);
            for (p_idx, old, new) in updates {
                let mut partition = partitions
                    .get(*p_idx)
                    .map_err(|e| {
                        actor_error!(illegal_state;
                        "failed to load deadline {} partition {}: {}", dl_idx, p_idx, e)
                    })?
                    .cloned()
                    .ok_or_else(|| {
                        actor_error!(not_found;
                        "no such deadline {} partition {}", dl_idx, p_idx)
                    })?;
                let (power, pledge, fee) = partition.replace_sectors(
                    store,
                    std::slice::from_ref(*old),
                    std::slice::from_ref(new),
                    sector_size,
                    quant,
                )?;
                partitions.set(*p_idx, partition).map_err(|e| {
                    actor_error!(illegal_state;
                    "failed to save deadline {} partition {}: {}", dl_idx, p_idx, e)
                })?;
                deadline.live_power += &power;
                deadline.daily_fee += &fee;
                power_delta += &power;
                pledge_delta += &pledge;
                new_infos.push(new.clone());
            }
            deadline.partitions = partitions.flush().map_err(|e| {
                actor_error!(illegal_state;
                "failed to save partitions for deadline {}: {}", dl_idx, e)
            })?;
            deadlines.update_deadline(policy, store, dl_idx, &deadline)?;
        }
        state.put_sectors(store, new_infos)?;
        state.save_deadlines(store, deadlines)?;

        let balance = rt.current_balance();
        if pledge_delta.is_positive() {
            let unlocked = state.get_unlocked_balance(&balance)?;
            if unlocked < pledge_delta {
                return Err(actor_error!(insufficient_funds;
                    "insufficient funds for aggregate initial pledge requirement {}, available: {}",
                    pledge_delta, unlocked));
            }
        }
        state.add_initial_pledge(&pledge_delta)?;
        state.check_balance_invariants(&balance)?;
        Ok((power_delta, pledge_delta))
    })
}

/// The sector after its update: the new CommR (the first CommR kept as the sector key), power
/// weighted from now on, the larger of the old and the new initial pledge, and the daily fee
/// set (for a sector from before FIP-0100) or scaled to the new power.
fn update_existing_sector_info(
    old: &SectorOnChainInfo,
    update: &SectorUpdateManifest,
    space: &DataActivationOutput,
    pledge_inputs: &NetworkPledgeInputs,
    sector_size: SectorSize,
    curr_epoch: ChainEpoch,
) -> Result<SectorOnChainInfo, ActorError> {
    let duration = old.expiration - curr_epoch;
    if duration <= 0 {
        return Err(actor_error!(illegal_state;
            "sector {} expiring at {} has no life left to update at {}",
            old.sector_number, old.expiration, curr_epoch));
    }
    let mut new = old.clone();
    new.flags.insert(SectorOnChainInfoFlags::SIMPLE_QA_POWER);
    new.sealed_cid = update.new_sealed_cid;
    new.sector_key_cid = Some(old.sector_key_cid.unwrap_or(old.sealed_cid));
    new.power_base_epoch = curr_epoch;
    new.deal_weight = &space.unverified_space * duration;
    new.verified_deal_weight = &space.verified_space * duration;
    new.expected_day_reward = None;
    new.replaced_day_reward = None;
    new.expected_storage_pledge = None;
    let new_qa_power = qa_power_for_weight(sector_size, duration, &new.verified_deal_weight);
    new.initial_pledge = std::cmp::max(
        old.initial_pledge.clone(),
        pledge_inputs.initial_pledge(&new_qa_power),
    );
    new.daily_fee = if old.daily_fee.is_zero() {
        daily_proof_fee(&pledge_inputs.circulating_supply, &new_qa_power)
    } else {
        let old_qa_power = qa_power_for_weight(sector_size, duration, &old.verified_deal_weight);
        daily_proof_fee_adjust(&old.daily_fee, &old_qa_power, &new_qa_power)
    };
    Ok(new)
}
