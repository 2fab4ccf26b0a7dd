//! Expiration extension: `ExtendSectorExpiration2` moves sectors' expirations later. Sectors
//! with verified claims list them, to keep (each claim's maximum term must cover the new
//! expiration) or to drop (only near the end of the sector's life, which lowers its power).
//! The power weighting restarts at the current epoch; the pledge is not recomputed, and a
//! sector that predates FIP-0100 gets its daily fee once the grace period is over.

use std::collections::BTreeMap;

use fil_actors_runtime::runtime::{Policy, Runtime};
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorContext, ActorError,
    VERIFIED_REGISTRY_ACTOR_ADDR,
};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::bigint::{BigInt, Integer};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{SectorNumber, SectorSize};
use fvm_shared::version::NetworkVersion;
use fvm_shared::ActorID;
use num_traits::{Signed, Zero};

use super::{
    controlling_addresses, notify_pledge_changed, request_update_power, validate_expiration,
};
use crate::ext::verifreg::{self, ClaimID};
use crate::{
    check_old_sector_extension, check_sector_number, check_sector_numbers, daily_proof_fee,
    daily_proof_fee_adjust, qa_power_for_sector, qa_power_for_weight, Actor, ExpirationExtension2,
    ExtendSectorExpiration2Params, PowerPair, SectorOnChainInfo, SectorOnChainInfoFlags, Sectors,
    State, FIP_0100_GRACE_PERIOD_END_VERSION,
};

/// Verified space of a sector's claims, in bytes, as its declaration accounts for it.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
struct ClaimSpace {
    /// All the claims listed (kept and dropped): must equal the sector's verified space.
    listed: u64,
    /// The claims kept: the sector's verified space after the extension.
    maintained: u64,
}

/// One declaration once its claims are checked: every sector it extends, with or without
/// claims.
struct Extension {
    deadline: u64,
    partition: u64,
    sectors: BitField,
    new_expiration: ChainEpoch,
}

/// What the chain state contributes to a sector's new terms.
struct ExtensionContext<'a> {
    policy: &'a Policy,
    network_version: NetworkVersion,
    curr_epoch: ChainEpoch,
    circulating_supply: &'a TokenAmount,
    sector_size: SectorSize,
    claim_space: &'a BTreeMap<SectorNumber, ClaimSpace>,
}

impl Actor {
    /// Owner, worker or control address. Extends the declared sectors to their declaration's
    /// new expiration. Not limited to mutable deadlines: the partitions keep their sectors.
    pub fn extend_sector_expiration2(
        rt: &impl Runtime,
        params: ExtendSectorExpiration2Params,
    ) -> Result<(), ActorError> {
        let (extensions, claim_space) = validate_extension_declarations(rt, params.extensions)?;
        let circulating_supply = rt.total_fil_circ_supply();
        let (power_delta, pledge_delta) = rt.transaction(|state: &mut State, rt| {
            let info = state.get_info(rt.store())?;
            rt.validate_immediate_caller_is(&controlling_addresses(&info))?;
            let ctx = ExtensionContext {
                policy: rt.policy(),
                network_version: rt.network_version(),
                curr_epoch: rt.curr_epoch(),
                circulating_supply: &circulating_supply,
                sector_size: info.sector_size,
                claim_space: &claim_space,
            };
            extend_in_state(rt, state, &ctx, &extensions)
        })?;
        // The power changes only when claims are dropped.
        request_update_power(rt, power_delta)?;
        // Pledge is not recomputed at extension, so this is zero unless that ever changes.
        notify_pledge_changed(rt, &pledge_delta)
    }
}

/// Applies the extensions, deadline by deadline in the order the declarations first name them.
/// Returns the changes of power and pledge.
fn extend_in_state(
    rt: &impl Runtime,
    state: &mut State,
    ctx: &ExtensionContext<'_>,
    extensions: &[Extension],
) -> Result<(PowerPair, TokenAmount), ActorError> {
    let store = rt.store();
    let mut by_deadline: Vec<(u64, Vec<&Extension>)> = Vec::new();
    for ext in extensions {
        match by_deadline.iter_mut().find(|(idx, _)| *idx == ext.deadline) {
            Some((_, decls)) => decls.push(ext),
            None => by_deadline.push((ext.deadline, vec![ext])),
        }
    }

    let mut deadlines = state.load_deadlines(store)?;
    let mut sectors = Sectors::load(store, &state.sectors)?;
    let mut power_delta = PowerPair::zero();
    let mut pledge_delta = TokenAmount::zero();
    for (deadline_idx, decls) in by_deadline {
        let mut deadline = deadlines.load_deadline(store, deadline_idx)?;
        let mut partitions = deadline.partitions_amt(store)?;
        let quant = state.quant_spec_for_deadline(ctx.policy, deadline_idx);
        let mut deadline_power = PowerPair::zero();
        let mut deadline_fee = TokenAmount::zero();
        // Partitions with a new expiration, by that epoch, for the deadline's index.
        let mut partitions_by_epoch: BTreeMap<ChainEpoch, Vec<u64>> = BTreeMap::new();
        for decl in decls {
            let mut partition = partitions
                .get(decl.partition)
                .map_err(|e| {
                    actor_error!(illegal_state;
                        "failed to load deadline {} partition {}: {}", deadline_idx, decl.partition, e)
                })?
                .cloned()
                .ok_or_else(|| {
                    actor_error!(not_found;
                        "no such deadline {} partition {}", deadline_idx, decl.partition)
                })?;
            let old_sectors = sectors
                .load_sectors(&decl.sectors)
                .context("failed to load sectors")?;
            let new_sectors = old_sectors
                .iter()
                .map(|sector| extend_sector_commitment(ctx, decl.new_expiration, sector))
                .collect::<Result<Vec<_>, _>>()?;
            sectors.store(new_sectors.clone())?;
            let (power, pledge, fee) = partition
                .replace_sectors(store, &old_sectors, &new_sectors, ctx.sector_size, quant)
                .with_context(|| {
                    format!(
                        "failed to replace sector expirations at deadline {} partition {}",
                        deadline_idx, decl.partition
                    )
                })?;
            deadline_power += &power;
            pledge_delta += &pledge;
            // Non-zero only for sectors that paid no fee before (FIP-0100).
            deadline_fee += &fee;
            partitions.set(decl.partition, partition).map_err(|e| {
                actor_error!(illegal_state;
                    "failed to store deadline {} partition {}: {}", deadline_idx, decl.partition, e)
            })?;
            partitions_by_epoch
                .entry(decl.new_expiration)
                .or_default()
                .push(decl.partition);
        }
        deadline.live_power += &deadline_power;
        deadline.daily_fee += &deadline_fee;
        power_delta += &deadline_power;
        deadline.partitions = partitions.flush().map_err(|e| {
            actor_error!(illegal_state;
                "failed to store partitions of deadline {}: {}", deadline_idx, e)
        })?;
        for (epoch, partition_idxs) in partitions_by_epoch {
            deadline.add_expiration_partitions(store, epoch, &partition_idxs, quant)?;
        }
        deadlines.update_deadline(ctx.policy, store, deadline_idx, &deadline)?;
    }
    state.sectors = sectors.flush()?;
    state.save_deadlines(store, deadlines)?;
    Ok((power_delta, pledge_delta))
}

/// Checks each declaration's deadline and, through the verified registry, the claims of its
/// sectors with verified data: they must be this miner's claims for that sector, and a claim
/// kept must allow the new expiration. Returns the declarations with all their sectors and the
/// claimed space per sector.
fn validate_extension_declarations(
    rt: &impl Runtime,
    declarations: Vec<ExpirationExtension2>,
) -> Result<(Vec<Extension>, BTreeMap<SectorNumber, ClaimSpace>), ActorError> {
    let miner =
        rt.message().receiver().id().map_err(
            |e| actor_error!(illegal_state; "miner address is not an ID address: {}", e),
        )?;
    let policy = rt.policy();
    let mut claim_space: BTreeMap<SectorNumber, ClaimSpace> = BTreeMap::new();
    let mut extensions = Vec::with_capacity(declarations.len());
    for decl in declarations {
        if decl.deadline >= policy.wpost_period_deadlines {
            return Err(actor_error!(illegal_argument;
                "deadline {} not in range 0..{}", decl.deadline, policy.wpost_period_deadlines));
        }
        check_sector_numbers(&decl.sectors)?;
        let mut sectors = decl.sectors;
        for sc in &decl.sectors_with_claims {
            check_sector_number(sc.sector_number)?;
            sectors.set(sc.sector_number);
            let claim_ids: Vec<ClaimID> = sc
                .maintain_claims
                .iter()
                .chain(&sc.drop_claims)
                .copied()
                .collect();
            let claims = get_claims(rt, miner, &claim_ids)
                .with_context(|| format!("failed to get claims for sector {}", sc.sector_number))?;
            for (i, (id, claim)) in claim_ids.iter().zip(&claims).enumerate() {
                if claim.provider != miner {
                    return Err(actor_error!(illegal_argument;
                        "failed to validate declaration sector={}, claim={}, expected claim provider to be {} but found {}",
                        sc.sector_number, id, miner, claim.provider));
                }
                if claim.sector != sc.sector_number {
                    return Err(actor_error!(illegal_argument;
                        "failed to validate declaration sector={}, claim={} expected claim sector number to be {} but found {}",
                        sc.sector_number, id, sc.sector_number, claim.sector));
                }
                let maintained = i < sc.maintain_claims.len();
                if maintained && decl.new_expiration > claim.term_start + claim.term_max {
                    return Err(actor_error!(forbidden;
                        "failed to validate declaration sector={}, claim={} claim only allows extension to {} but declared new expiration is {}",
                        sc.sector_number, id, claim.term_start + claim.term_max, decl.new_expiration));
                }
                let space = claim_space.entry(sc.sector_number).or_default();
                let overflow = || actor_error!(illegal_argument; "claimed space of sector {} overflows", sc.sector_number);
                space.listed = space
                    .listed
                    .checked_add(claim.size.0)
                    .ok_or_else(overflow)?;
                if maintained {
                    space.maintained = space
                        .maintained
                        .checked_add(claim.size.0)
                        .ok_or_else(overflow)?;
                }
            }
        }
        extensions.push(Extension {
            deadline: decl.deadline,
            partition: decl.partition,
            sectors,
            new_expiration: decl.new_expiration,
        });
    }
    Ok((extensions, claim_space))
}

/// The claims with `ids` of this miner, from the verified registry; `USR_ILLEGAL_ARGUMENT` if
/// any is missing.
fn get_claims(
    rt: &impl Runtime,
    miner: ActorID,
    ids: &[ClaimID],
) -> Result<Vec<verifreg::Claim>, ActorError> {
    let params = verifreg::GetClaimsParams {
        provider: miner,
        claim_ids: ids.to_vec(),
    };
    let ret: verifreg::GetClaimsReturn = deserialize_block(extract_send_result(rt.send_simple(
        &VERIFIED_REGISTRY_ACTOR_ADDR,
        verifreg::GET_CLAIMS_METHOD,
        IpldBlock::serialize_cbor(&params)?,
        TokenAmount::zero(),
    ))?)?;
    if (ret.batch_info.success_count as usize) < ids.len() {
        return Err(actor_error!(illegal_argument; "invalid claims"));
    }
    Ok(ret.claims)
}

/// Whether `sector` may be extended to `new_expiration` now. Every rule on which sectors may be
/// extended at all belongs here.
fn check_sector_extendable(
    policy: &Policy,
    curr_epoch: ChainEpoch,
    new_expiration: ChainEpoch,
    sector: &SectorOnChainInfo,
) -> Result<(), ActorError> {
    // Every seal proof type may be extended in v18. A sector past its expiration whose deadline
    // has not yet ended is still in state, but is no longer extendable.
    if sector.expiration < curr_epoch {
        return Err(actor_error!(forbidden;
            "cannot extend expiration for expired sector {} at {}", sector.sector_number, sector.expiration));
    }
    if new_expiration < sector.expiration {
        return Err(actor_error!(illegal_argument;
            "cannot reduce sector {} expiration to {} from {}",
            sector.sector_number, new_expiration, sector.expiration));
    }
    check_old_sector_extension(policy, sector, curr_epoch)?;
    validate_expiration(
        policy,
        curr_epoch,
        sector.activation,
        new_expiration,
        sector.seal_proof,
    )
}

/// The sector's info once extended to `new_expiration`.
fn extend_sector_commitment(
    ctx: &ExtensionContext<'_>,
    new_expiration: ChainEpoch,
    sector: &SectorOnChainInfo,
) -> Result<SectorOnChainInfo, ActorError> {
    check_sector_extendable(ctx.policy, ctx.curr_epoch, new_expiration, sector)?;
    let mut new_sector = if sector
        .flags
        .contains(SectorOnChainInfoFlags::SIMPLE_QA_POWER)
    {
        extend_simple_qap_sector(ctx, new_expiration, sector)?
    } else {
        extend_non_simple_qap_sector(ctx.curr_epoch, new_expiration, sector)?
    };
    let new_qa_power = qa_power_for_weight(
        ctx.sector_size,
        new_sector.expiration - new_sector.power_base_epoch,
        &new_sector.verified_deal_weight,
    );
    if new_sector.daily_fee.is_zero() {
        // FIP-0100: a sector from before the daily fee kept paying none when extended during
        // the grace period; afterwards it takes the fee of its new power.
        if ctx.network_version >= FIP_0100_GRACE_PERIOD_END_VERSION {
            new_sector.daily_fee = daily_proof_fee(ctx.circulating_supply, &new_qa_power);
        }
    } else {
        let old_qa_power = qa_power_for_sector(ctx.sector_size, sector);
        new_sector.daily_fee =
            daily_proof_fee_adjust(&sector.daily_fee, &old_qa_power, &new_qa_power);
    }
    Ok(new_sector)
}

/// The epochs from the sector's power base to its expiration (positive in a consistent state).
fn weighted_duration(sector: &SectorOnChainInfo) -> Result<ChainEpoch, ActorError> {
    let duration = sector.expiration - sector.power_base_epoch;
    if duration <= 0 {
        return Err(actor_error!(illegal_state;
            "sector {} power base epoch {} not before expiration {}",
            sector.sector_number, sector.power_base_epoch, sector.expiration));
    }
    Ok(duration)
}

/// A sector with FIP-0045 simple QA power: its unverified weight keeps the same space over the
/// new duration; its verified space is that of the claims kept, which must account for all of
/// its current verified space. Dropping claims is only allowed in the last
/// `end_of_life_claim_drop_period` epochs of the sector's life.
fn extend_simple_qap_sector(
    ctx: &ExtensionContext<'_>,
    new_expiration: ChainEpoch,
    sector: &SectorOnChainInfo,
) -> Result<SectorOnChainInfo, ActorError> {
    let old_duration = weighted_duration(sector)?;
    let remaining = sector.expiration - ctx.curr_epoch;
    let mut new_sector = sector.clone();
    new_sector.expiration = new_expiration;
    new_sector.power_base_epoch = ctx.curr_epoch;
    let new_duration = new_expiration - ctx.curr_epoch;

    if sector.deal_weight.is_positive() {
        // The space is unchanged, so is the power: only the remaining spacetime is kept.
        new_sector.deal_weight =
            (&sector.deal_weight * remaining).div_floor(&BigInt::from(old_duration));
    }
    if sector.verified_deal_weight.is_positive() {
        let old_space = sector
            .verified_deal_weight
            .div_floor(&BigInt::from(old_duration));
        let space = ctx.claim_space.get(&sector.sector_number).ok_or_else(|| {
            actor_error!(illegal_argument;
                "claim missing from declaration for sector {} with non-zero verified deal weight {}",
                sector.sector_number, sector.verified_deal_weight)
        })?;
        if BigInt::from(space.listed) != old_space {
            return Err(actor_error!(illegal_argument;
                "declared verified deal space in claims ({}) does not match verified deal space ({}) for sector {}",
                space.listed, old_space, sector.sector_number));
        }
        if space.maintained != space.listed && remaining > ctx.policy.end_of_life_claim_drop_period
        {
            return Err(actor_error!(forbidden;
                "attempt to drop claims with {} epochs > end of life claim drop period {} remaining",
                remaining, ctx.policy.end_of_life_claim_drop_period));
        }
        new_sector.verified_deal_weight = BigInt::from(space.maintained) * new_duration;
        // FIP-0098 retired the reward projections.
        new_sector.expected_day_reward = None;
        new_sector.expected_storage_pledge = None;
        new_sector.replaced_day_reward = None;
    }
    Ok(new_sector)
}

/// A sector with deal weights from the market (before FIP-0045): the spacetime already spent
/// is removed from both weights, which then stretch over the new duration.
fn extend_non_simple_qap_sector(
    curr_epoch: ChainEpoch,
    new_expiration: ChainEpoch,
    sector: &SectorOnChainInfo,
) -> Result<SectorOnChainInfo, ActorError> {
    let old_duration = BigInt::from(weighted_duration(sector)?);
    let remaining = sector.expiration - curr_epoch;
    let mut new_sector = sector.clone();
    new_sector.deal_weight = (&sector.deal_weight * remaining).div_floor(&old_duration);
    new_sector.verified_deal_weight =
        (&sector.verified_deal_weight * remaining).div_floor(&old_duration);
    new_sector.expiration = new_expiration;
    new_sector.power_base_epoch = curr_epoch;
    new_sector.expected_day_reward = None;
    new_sector.replaced_day_reward = None;
    new_sector.expected_storage_pledge = None;
    Ok(new_sector)
}
