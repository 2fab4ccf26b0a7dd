//! `PreCommitSectorBatch2`: the miner declares sectors it has sealed (CommR, CommD, seal
//! randomness, expiration), locks a deposit for each from its available balance, and has a
//! clean-up scheduled for any it fails to prove in time. The first pre-commit of an idle miner
//! starts its deadline cron.

use cid::Cid;
use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorError, STORAGE_MARKET_ACTOR_ADDR,
};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::commcid::{FIL_COMMITMENT_UNSEALED, SHA2_256_TRUNC254_PADDED};
use fvm_shared::econ::TokenAmount;
use num_traits::Zero;

use super::{
    burn_funds, consensus_fault_active, controlling_addresses, enroll_proving_deadline_cron,
    request_current_epoch_block_reward, request_current_total_power, validate_expiration,
};
use crate::{
    can_pre_commit_seal_proof, check_sector_number, emit, ext, is_sealed_sector,
    max_prove_commit_duration, pre_commit_deposit_for_power, qa_power_max, sector_deals_max, Actor,
    CollisionPolicy, PreCommitSectorBatchParams2, SectorPreCommitInfo, SectorPreCommitOnChainInfo,
    State,
};

impl Actor {
    /// Control addresses only. Checks every declaration before asking the reward, power and
    /// (only when deals are named) market actors anything, then records the pre-commitments
    /// with a deposit of 20 days' expected reward of a fully verified sector each. Fee debt is
    /// repaid first; the deposits must fit in the balance still available before that.
    pub fn pre_commit_sector_batch2(
        rt: &impl Runtime,
        params: PreCommitSectorBatchParams2,
    ) -> Result<(), ActorError> {
        let curr_epoch = rt.curr_epoch();
        let sectors = params.sectors;
        if sectors.is_empty() {
            return Err(actor_error!(illegal_argument; "batch empty"));
        }
        let sector_numbers = check_precommits(rt, &sectors)?;

        let reward = request_current_epoch_block_reward(rt)?;
        let power = request_current_total_power(rt)?;
        let computed_commds = verify_deals(rt, &sectors)?;

        let (fee_to_burn, needs_cron, state) = rt.transaction(|state: &mut State, rt| {
            let policy = rt.policy();
            let store = rt.store();
            // The available balance already nets out the fee debt, so it is taken before the
            // debt is repaid.
            let available = state.get_available_balance(&rt.current_balance())?;
            let fee_to_burn = state.repay_debts(&rt.current_balance())?;
            let info = state.get_info(store)?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            if consensus_fault_active(&info, curr_epoch) {
                return Err(
                    actor_error!(forbidden; "pre-commit not allowed during active consensus fault"),
                );
            }

            let deal_count_max = sector_deals_max(policy, info.sector_size);
            // Every sector pays the deposit of the most power a sector of its size can have.
            let deposit = pre_commit_deposit_for_power(
                &reward.this_epoch_reward_smoothed,
                &power.quality_adj_power_smoothed,
                &qa_power_max(info.sector_size),
            );
            let mut total_deposit = TokenAmount::zero();
            let mut on_chain = Vec::with_capacity(sectors.len());
            let mut clean_ups = Vec::with_capacity(sectors.len());
            for (precommit, computed) in sectors.iter().zip(&computed_commds) {
                let sector_post_proof = precommit.seal_proof.registered_window_post_proof().map_err(
                    |e| actor_error!(illegal_argument;
                        "failed to look up Window PoSt proof type for seal proof {:?}: {}",
                        precommit.seal_proof, e),
                )?;
                if sector_post_proof != info.window_post_proof_type {
                    return Err(actor_error!(illegal_argument;
                        "sector Window PoSt proof type {:?} must match miner Window PoSt proof type {:?} (seal proof type {:?})",
                        sector_post_proof, info.window_post_proof_type, precommit.seal_proof));
                }
                if precommit.deal_ids.len() as u64 > deal_count_max {
                    return Err(actor_error!(illegal_argument;
                        "too many deals for sector {} > {}", precommit.deal_ids.len(), deal_count_max));
                }
                // The market computes a CommD only for sectors with deals; a declared empty
                // CommD stands for the zero CommD of the sector's size.
                if let Some(computed) = computed {
                    let declared = precommit.unsealed_cid.get_cid(precommit.seal_proof)?;
                    if declared != *computed {
                        return Err(actor_error!(illegal_argument;
                            "computed {} and passed {} CommDs not equal for sector {}",
                            computed, declared, precommit.sector_number));
                    }
                }
                let msd = max_prove_commit_duration(policy, precommit.seal_proof).ok_or_else(
                    || actor_error!(illegal_argument;
                        "no max seal duration set for proof type {:?}", precommit.seal_proof),
                )?;
                // The clean-up comes strictly after the proving deadline, so a proof landing on
                // the last allowed epoch still finds its pre-commitment.
                clean_ups.push((
                    curr_epoch + msd + policy.expired_pre_commit_clean_up_delay,
                    precommit.sector_number,
                ));
                total_deposit += &deposit;
                on_chain.push(SectorPreCommitOnChainInfo {
                    info: precommit.clone(),
                    pre_commit_deposit: deposit.clone(),
                    pre_commit_epoch: curr_epoch,
                });
            }

            if available < total_deposit {
                return Err(actor_error!(insufficient_funds;
                    "insufficient funds {} for pre-commit deposit: {}", available, total_deposit));
            }
            state.add_pre_commit_deposit(&total_deposit)?;
            state.allocate_sector_numbers(
                store,
                &sector_numbers,
                CollisionPolicy::DenyCollisions,
            )?;
            state.put_precommitted_sectors(store, on_chain)?;
            state.add_pre_commit_clean_ups(policy, store, clean_ups)?;
            // FIP-0083: one event per sector, in sector number order.
            for sector in sector_numbers.iter() {
                emit::sector_precommitted(rt, sector)?;
            }
            let needs_cron = !state.deadline_cron_active;
            state.deadline_cron_active = true;
            Ok((fee_to_burn, needs_cron, state.clone()))
        })?;

        burn_funds(rt, fee_to_burn)?;
        state.check_balance_invariants(&rt.current_balance())?;
        if needs_cron {
            enroll_proving_deadline_cron(rt, &state, curr_epoch)?;
        }
        Ok(())
    }
}

/// The checks that need no state: distinct sector numbers in range, an allowed seal proof,
/// well-formed commitments, seal randomness from the recent past, and an expiration valid even
/// if activation happens at the last epoch the seal proof allows. Returns the sector numbers.
fn check_precommits(
    rt: &impl Runtime,
    sectors: &[SectorPreCommitInfo],
) -> Result<BitField, ActorError> {
    let policy = rt.policy();
    let curr_epoch = rt.curr_epoch();
    let challenge_earliest = curr_epoch - policy.max_pre_commit_randomness_lookback;
    let mut sector_numbers = BitField::new();
    for precommit in sectors {
        check_sector_number(precommit.sector_number)?;
        if sector_numbers.get(precommit.sector_number) {
            return Err(actor_error!(illegal_argument;
                "duplicate sector number {}", precommit.sector_number));
        }
        sector_numbers.set(precommit.sector_number);
        if !can_pre_commit_seal_proof(policy, precommit.seal_proof) {
            return Err(actor_error!(illegal_argument;
                "unsupported seal proof type {}", i64::from(precommit.seal_proof)));
        }
        if !is_sealed_sector(&precommit.sealed_cid) {
            return Err(actor_error!(illegal_argument;
                "sealed CID {} of sector {} had wrong prefix",
                precommit.sealed_cid, precommit.sector_number));
        }
        if precommit.seal_rand_epoch >= curr_epoch {
            return Err(actor_error!(illegal_argument;
                "seal challenge epoch {} must be before now {}",
                precommit.seal_rand_epoch, curr_epoch));
        }
        if precommit.seal_rand_epoch < challenge_earliest {
            return Err(actor_error!(illegal_argument;
                "seal challenge epoch {} too old, must be after {}",
                precommit.seal_rand_epoch, challenge_earliest));
        }
        if let Some(commd) = &precommit.unsealed_cid.0 {
            if !is_unsealed_sector(commd) {
                return Err(actor_error!(illegal_argument;
                    "unsealed CID {} of sector {} had wrong prefix",
                    commd, precommit.sector_number));
            }
        }
        let max_activation = curr_epoch
            + max_prove_commit_duration(policy, precommit.seal_proof).unwrap_or_default();
        validate_expiration(
            policy,
            curr_epoch,
            max_activation,
            precommit.expiration,
            precommit.seal_proof,
        )?;
    }
    Ok(sector_numbers)
}

/// Whether `c` has the prefix of an unsealed sector CID (CommD).
fn is_unsealed_sector(c: &Cid) -> bool {
    c.version() == cid::Version::V1
        && c.codec() == FIL_COMMITMENT_UNSEALED
        && c.hash().code() == SHA2_256_TRUNC254_PADDED
        && c.hash().size() == 32
}

/// The CommD the market computes from each sector's deals (`None` for a sector without any).
/// The market is not asked at all when no sector names a deal.
fn verify_deals(
    rt: &impl Runtime,
    sectors: &[SectorPreCommitInfo],
) -> Result<Vec<Option<Cid>>, ActorError> {
    if sectors.iter().all(|s| s.deal_ids.is_empty()) {
        return Ok(vec![None; sectors.len()]);
    }
    let params = ext::market::VerifyDealsForActivationParams {
        sectors: sectors
            .iter()
            .map(|s| ext::market::SectorDeals {
                sector_number: s.sector_number,
                sector_type: s.seal_proof,
                sector_expiry: s.expiration,
                deal_ids: s.deal_ids.clone(),
            })
            .collect(),
    };
    let ret: ext::market::VerifyDealsForActivationReturn =
        deserialize_block(extract_send_result(rt.send_simple(
            &STORAGE_MARKET_ACTOR_ADDR,
            ext::market::VERIFY_DEALS_FOR_ACTIVATION_METHOD,
            IpldBlock::serialize_cbor(&params)?,
            TokenAmount::zero(),
        ))?)?;
    if ret.unsealed_cids.len() != sectors.len() {
        return Err(actor_error!(illegal_state;
            "deal weight request returned {} records, expected {}",
            ret.unsealed_cids.len(), sectors.len()));
    }
    Ok(ret.unsealed_cids)
}
