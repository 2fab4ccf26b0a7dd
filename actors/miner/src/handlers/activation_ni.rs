//! `ProveCommitSectorsNI` (FIP-0090): non-interactive PoRep. Sectors are committed in one
//! message without a pre-commitment, proven by one aggregate, and placed in the deadline the
//! miner chooses. They hold no data: zero CommD, raw power only, no pieces in their events.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, ActorError, BatchReturn, BatchReturnGen};
use fvm_ipld_bitfield::BitField;
use fvm_shared::bigint::BigInt;
use fvm_shared::error::ExitCode;
use fvm_shared::randomness::Randomness;
use fvm_shared::sector::{RegisteredAggregateProof, RegisteredSealProof};
use num_traits::Zero;

use super::activation_data::NetworkPledgeInputs;
use super::seal_proofs::{
    miner_id, seal_entropy, seal_randomness, validate_seal_aggregate_proof, verify_aggregate_seal,
    SectorSealProofInput,
};
use super::{
    burn_funds, consensus_fault_active, controlling_addresses, enroll_proving_deadline_cron,
    notify_pledge_changed, validate_expiration,
};
use crate::{
    can_prove_commit_ni_seal_proof, check_sector_number, daily_proof_fee, deadline_is_mutable,
    emit, is_sealed_sector, raw_power_for_sector, Actor, CollisionPolicy, CompactCommD, DealWeight,
    ProveCommitSectorsNIParams, ProveCommitSectorsNIReturn, SectorNIActivationInfo,
    SectorOnChainInfo, SectorOnChainInfoFlags, State, MAX_AGGREGATED_SECTORS_NI,
    MAX_PROVE_COMMIT_NI_RANDOMNESS_LOOKBACK, MIN_AGGREGATED_SECTORS_NI,
};

/// The interactive randomness of a non-interactive proof: a fixed value, as the proofs expect.
const NI_INTERACTIVE_RANDOMNESS: [u8; 32] = [1u8; 32];

impl Actor {
    /// Control addresses only. Invalid sectors fail individually (or abort with
    /// `require_activation_success`); the valid ones become sectors activated now with the
    /// pledge and daily fee of raw power, assigned unproven to `proving_deadline`, which must
    /// not be the current or next deadline. Fee debt is repaid first.
    pub fn prove_commit_sectors_ni(
        rt: &impl Runtime,
        params: ProveCommitSectorsNIParams,
    ) -> Result<ProveCommitSectorsNIReturn, ActorError> {
        let policy = rt.policy();
        let curr_epoch = rt.curr_epoch();
        let state: State = rt.state()?;
        let store = rt.store();
        let info = state.get_info(store)?;

        validate_seal_aggregate_proof(
            &params.aggregate_proof,
            params.sectors.len() as u64,
            (MIN_AGGREGATED_SECTORS_NI, MAX_AGGREGATED_SECTORS_NI),
            policy.max_aggregated_proof_size,
        )?;
        rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
        if params.proving_deadline >= policy.wpost_period_deadlines {
            return Err(actor_error!(illegal_argument;
                "proving deadline index {} invalid", params.proving_deadline));
        }
        if !deadline_is_mutable(
            policy,
            state.current_proving_period_start(policy, curr_epoch),
            params.proving_deadline,
            curr_epoch,
        ) {
            return Err(actor_error!(forbidden;
                "proving deadline {} must not be the current or next deadline",
                params.proving_deadline));
        }
        if consensus_fault_active(&info, curr_epoch) {
            return Err(actor_error!(forbidden;
                "ProveCommitSectorsNI not allowed during active consensus fault"));
        }
        if !can_prove_commit_ni_seal_proof(policy, params.seal_proof_type) {
            return Err(actor_error!(illegal_argument;
                "unsupported seal proof type {}", i64::from(params.seal_proof_type)));
        }
        if params.aggregate_proof_type != RegisteredAggregateProof::SnarkPackV2 {
            return Err(actor_error!(illegal_argument; "aggregate proof type must be SnarkPackV2"));
        }

        let (validation_batch, proof_inputs, sector_numbers) = validate_ni_sectors(
            rt,
            &params.sectors,
            params.seal_proof_type,
            params.require_activation_success,
        )?;
        let valid = validation_batch.successes(&params.sectors);
        let Some(first) = valid.first() else {
            return Err(actor_error!(illegal_argument; "no valid NI commits specified"));
        };
        verify_aggregate_seal(
            rt,
            &proof_inputs,
            first.sealer_id,
            params.seal_proof_type,
            params.aggregate_proof_type,
            &params.aggregate_proof,
        )?;

        // Without data, quality-adjusted power is raw power: one pledge and fee fit all.
        let power = raw_power_for_sector(info.sector_size);
        let pledge_inputs = NetworkPledgeInputs::request(rt)?;
        let pledge = pledge_inputs.initial_pledge(&power);
        let daily_fee = daily_proof_fee(&rt.total_fil_circ_supply(), &power);
        let new_sectors: Vec<SectorOnChainInfo> = valid
            .iter()
            .map(|s| SectorOnChainInfo {
                sector_number: s.sector_number,
                seal_proof: params.seal_proof_type,
                sealed_cid: s.sealed_cid,
                deprecated_deal_ids: vec![],
                activation: curr_epoch,
                expiration: s.expiration,
                deal_weight: DealWeight::zero(),
                verified_deal_weight: DealWeight::zero(),
                initial_pledge: pledge.clone(),
                expected_day_reward: None,
                expected_storage_pledge: None,
                power_base_epoch: curr_epoch,
                replaced_day_reward: None,
                sector_key_cid: None,
                flags: SectorOnChainInfoFlags::SIMPLE_QA_POWER,
                daily_fee: daily_fee.clone(),
            })
            .collect();
        let total_pledge = &pledge * BigInt::from(new_sectors.len());

        let (needs_cron, fee_to_burn, state) = rt.transaction(|state: &mut State, rt| {
            // FIP-0067: the census begins before the first sector activated at or after the
            // start joins, so it never counts one.
            state.begin_old_sector_census(rt.policy(), rt.curr_epoch());
            let unlocked = state.get_unlocked_balance(&rt.current_balance())?;
            if unlocked < total_pledge {
                return Err(actor_error!(insufficient_funds;
                    "insufficient funds for aggregate initial pledge requirement {}, available: {}",
                    total_pledge, unlocked));
            }
            let needs_cron = !state.deadline_cron_active;
            state.deadline_cron_active = true;
            state.allocate_sector_numbers(
                store,
                &sector_numbers,
                CollisionPolicy::DenyCollisions,
            )?;
            state.put_sectors(store, new_sectors.clone())?;
            state.assign_sectors_to_deadline(
                policy,
                store,
                curr_epoch,
                new_sectors,
                info.window_post_partition_sectors,
                info.sector_size,
                params.proving_deadline,
            )?;
            state.add_initial_pledge(&total_pledge)?;
            let fee_to_burn = state.repay_debts(&rt.current_balance())?;
            Ok((needs_cron, fee_to_burn, state.clone()))
        })?;

        burn_funds(rt, fee_to_burn)?;
        notify_pledge_changed(rt, &total_pledge)?;
        state.check_balance_invariants(&rt.current_balance())?;
        // FIP-0083: no data, so a null CommD and no pieces.
        for sector in &valid {
            emit::sector_activated(rt, sector.sector_number, None, &[])?;
        }
        if needs_cron {
            enroll_proving_deadline_cron(rt, &state, curr_epoch)?;
        }
        Ok(ProveCommitSectorsNIReturn {
            activation_results: validation_batch,
        })
    }
}

/// Checks each sector: a number in range and equal to its sealing number, this miner as
/// sealer, a well-formed CommR, a valid expiration from now, and seal randomness no older than
/// the FIP-0090 lookback. Failures are recorded (or abort with `all_or_nothing`); a duplicate
/// number or randomness from the future aborts. Returns the proof inputs of every sector, the
/// failing ones included, and the numbers to allocate.
fn validate_ni_sectors(
    rt: &impl Runtime,
    sectors: &[SectorNIActivationInfo],
    seal_proof: RegisteredSealProof,
    all_or_nothing: bool,
) -> Result<(BatchReturn, Vec<SectorSealProofInput>, BitField), ActorError> {
    let policy = rt.policy();
    let miner = miner_id(rt)?;
    let curr_epoch = rt.curr_epoch();
    let challenge_earliest = curr_epoch - MAX_PROVE_COMMIT_NI_RANDOMNESS_LOOKBACK;
    let unsealed_cid = CompactCommD::empty().get_cid(seal_proof)?;
    let entropy = seal_entropy(rt)?;
    let mut batch = BatchReturnGen::new(sectors.len());
    let mut inputs = Vec::with_capacity(sectors.len());
    let mut sector_numbers = BitField::new();
    for (i, sector) in sectors.iter().enumerate() {
        check_sector_number(sector.sector_number)?;
        if sector_numbers.get(sector.sector_number) {
            return Err(actor_error!(illegal_argument;
                "duplicate sector number {}", sector.sector_number));
        }
        sector_numbers.set(sector.sector_number);
        let mut valid = validate_expiration(
            policy,
            curr_epoch,
            curr_epoch,
            sector.expiration,
            seal_proof,
        )
        .is_ok();
        valid &= sector.sealer_id == miner;
        valid &= sector.sector_number == sector.sealing_number;
        valid &= is_sealed_sector(&sector.sealed_cid);
        if sector.seal_rand_epoch >= curr_epoch {
            // The randomness of the future is not available.
            return Err(actor_error!(illegal_argument;
                "seal challenge epoch {} must be before now {}", sector.seal_rand_epoch, curr_epoch));
        }
        valid &= sector.seal_rand_epoch >= challenge_earliest;

        inputs.push(SectorSealProofInput {
            registered_proof: seal_proof,
            sector_number: sector.sealing_number,
            randomness: seal_randomness(rt, sector.seal_rand_epoch, &entropy)?,
            interactive_randomness: Randomness(NI_INTERACTIVE_RANDOMNESS.to_vec()),
            sealed_cid: sector.sealed_cid,
            unsealed_cid,
        });
        if valid {
            batch.add_success();
        } else {
            if all_or_nothing {
                return Err(actor_error!(illegal_argument;
                    "invalid NI commit {} (sector {}) while requiring activation success",
                    i, sector.sector_number));
            }
            batch.add_fail(ExitCode::USR_ILLEGAL_ARGUMENT);
        }
    }
    Ok((batch.generate(), inputs, sector_numbers))
}
