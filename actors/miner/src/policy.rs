//! The miner's own policy: quality-adjusted power from deal weights, seal-proof lifetimes and
//! sealing durations, vesting schedules, the FIP-0100 daily proof fee, and the few numeric
//! parameters of v18 that the runtime `Policy` does not carry (listed first).

use std::cmp;

use cid::{Cid, Version};
use fil_actors_runtime::runtime::policy::{EPOCHS_IN_DAY, EPOCHS_IN_HOUR, EPOCHS_IN_YEAR};
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_bitfield::BitField;
use fvm_shared::bigint::{BigInt, Integer};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::commcid::{FIL_COMMITMENT_SEALED, POSEIDON_BLS12_381_A1_FC1};
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber, SectorSize, StoragePower};
use fvm_shared::version::NetworkVersion;

use crate::SectorOnChainInfo;

/// Spacetime of deals in a sector (bytes x epochs).
pub type DealWeight = BigInt;

// --- v18 parameters not (yet) in the runtime `Policy` ---

/// The largest sector number; sector numbers index an AMT, whose keys stop at 2^63 - 1.
pub const MAX_SECTOR_NUMBER: SectorNumber = i64::MAX as u64;

/// A sector number a caller passed, checked before any bitfield or AMT sees it (the bitfield
/// library panics on `u64::MAX`): above `MAX_SECTOR_NUMBER` it is `USR_ILLEGAL_ARGUMENT`, naming
/// the number.
pub fn check_sector_number(sector_number: SectorNumber) -> Result<(), ActorError> {
    if sector_number > MAX_SECTOR_NUMBER {
        return Err(actor_error!(illegal_argument;
            "sector number {} greater than maximum {}", sector_number, MAX_SECTOR_NUMBER));
    }
    Ok(())
}

/// [`check_sector_number`] for every number of a caller's bitfield (its highest decides).
pub fn check_sector_numbers(sector_numbers: &BitField) -> Result<(), ActorError> {
    sector_numbers.last().map_or(Ok(()), check_sector_number)
}
/// Most partitions one Window PoSt may prove.
pub const POSTED_PARTITIONS_MAX: u64 = 3;
/// Most sectors in one non-interactive PoRep aggregate (FIP-0090).
pub const MAX_AGGREGATED_SECTORS_NI: u64 = 65;
/// Fewest sectors in one non-interactive PoRep aggregate (FIP-0090).
pub const MIN_AGGREGATED_SECTORS_NI: u64 = 1;
/// Oldest seal randomness a non-interactive PoRep may use (FIP-0090): 180 days.
pub const MAX_PROVE_COMMIT_NI_RANDOMNESS_LOOKBACK: ChainEpoch = 180 * EPOCHS_IN_DAY;
/// The daily proof fee per byte of quality-adjusted power as a fraction of circulating supply
/// (FIP-0100): 5.56e-15 per 32 GiB, i.e. about 1.61817e-25 per byte, written 161817 / 10^30.
pub const DAILY_FEE_CIRCULATING_SUPPLY_QAP_MULTIPLIER_NUM: u64 = 161_817;
pub const DAILY_FEE_CIRCULATING_SUPPLY_QAP_MULTIPLIER_DENOM: u128 =
    1_000_000_000_000_000_000_000_000_000_000;
/// The daily fee payable is capped at 1/2 of the expected daily block reward (FIP-0100).
pub const DAILY_FEE_BLOCK_REWARD_CAP_DENOM: i64 = 2;
/// Until this network version, extending a legacy sector with no daily fee kept it fee-free
/// (FIP-0100 grace period); from it on, extensions set the fee.
pub const FIP_0100_GRACE_PERIOD_END_VERSION: NetworkVersion = NetworkVersion::V26;
/// Expected winning blocks per epoch.
pub const EXPECTED_LEADERS_PER_EPOCH: u64 = 5;

/// FIP-0067: the block reads (estimated) one deadline cron may spend on the census of old
/// sectors. Measured on the reference FVM (`make gas`), a queue entry costs about 900,000 gas
/// (three blocks and their decoding), so 120 reads keep the census's share of a cron under 1% of
/// a block's gas limit (10 billion).
pub const OLD_SECTOR_CENSUS_BLOCKS_PER_CRON: u64 = 120;
/// The power whose initial pledge a new miner locks as its creation deposit (FIP-0077): a
/// tenth of the network's minimum consensus power, so it follows the network's preset.
pub fn create_miner_deposit_power(policy: &Policy) -> StoragePower {
    &policy.minimum_consensus_power / 10
}

// --- quality-adjusted power ---

/// Fractional bits of a sector quality.
pub const SECTOR_QUALITY_PRECISION: i64 = 20;
/// Quality multiplier of space without verified deals (x10, so verified is 10x).
pub const QUALITY_BASE_MULTIPLIER: i64 = 10;
/// Quality multiplier of space holding verified deals.
pub const VERIFIED_DEAL_WEIGHT_MULTIPLIER: i64 = 100;

/// The average quality of a sector over `duration`, with `SECTOR_QUALITY_PRECISION` fractional
/// bits: 1 for no verified data up to 10 for all verified.
pub fn quality_for_weight(
    size: SectorSize,
    duration: ChainEpoch,
    verified_weight: &DealWeight,
) -> BigInt {
    let spacetime = BigInt::from(size as u64) * BigInt::from(duration);
    let weighted = (&spacetime - verified_weight) * QUALITY_BASE_MULTIPLIER
        + verified_weight * VERIFIED_DEAL_WEIGHT_MULTIPLIER;
    (weighted << SECTOR_QUALITY_PRECISION)
        .div_floor(&spacetime)
        .div_floor(&BigInt::from(QUALITY_BASE_MULTIPLIER))
}

/// The most quality-adjusted power a sector of `size` can have (all verified).
pub fn qa_power_max(size: SectorSize) -> StoragePower {
    (BigInt::from(size as u64) * VERIFIED_DEAL_WEIGHT_MULTIPLIER)
        .div_floor(&BigInt::from(QUALITY_BASE_MULTIPLIER))
}

/// Quality-adjusted power of a sector of `size` with `verified_weight` over `duration`.
pub fn qa_power_for_weight(
    size: SectorSize,
    duration: ChainEpoch,
    verified_weight: &DealWeight,
) -> StoragePower {
    (BigInt::from(size as u64) * quality_for_weight(size, duration, verified_weight))
        >> SECTOR_QUALITY_PRECISION
}

/// Quality-adjusted power of a sector, weighted over its life since its power base epoch.
pub fn qa_power_for_sector(size: SectorSize, sector: &SectorOnChainInfo) -> StoragePower {
    qa_power_for_weight(
        size,
        sector.expiration - sector.power_base_epoch,
        &sector.verified_deal_weight,
    )
}

/// Raw power of a sector: its size.
pub fn raw_power_for_sector(size: SectorSize) -> StoragePower {
    BigInt::from(size as u64)
}

// --- proofs, sealing and lifetimes ---

/// Whether `c` has the prefix of a sealed sector CID (CommR).
pub fn is_sealed_sector(c: &Cid) -> bool {
    c.version() == Version::V1
        && c.codec() == FIL_COMMITMENT_SEALED
        && c.hash().code() == POSEIDON_BLS12_381_A1_FC1
        && c.hash().size() == 32
}

/// Whether new sectors may be pre-committed with `proof`.
pub fn can_pre_commit_seal_proof(policy: &Policy, proof: RegisteredSealProof) -> bool {
    policy.valid_pre_commit_proof_type.contains(proof)
}

/// Whether sectors may be committed non-interactively with `proof` (FIP-0090).
pub fn can_prove_commit_ni_seal_proof(policy: &Policy, proof: RegisteredSealProof) -> bool {
    policy.valid_prove_commit_ni_proof_type.contains(proof)
}

/// The longest time from pre-commit to prove-commit for a seal proof, or `None` for a proof
/// that cannot be pre-committed.
pub fn max_prove_commit_duration(
    policy: &Policy,
    proof: RegisteredSealProof,
) -> Option<ChainEpoch> {
    use RegisteredSealProof::*;
    match proof {
        StackedDRG2KiBV1 | StackedDRG8MiBV1 | StackedDRG512MiBV1 | StackedDRG32GiBV1
        | StackedDRG64GiBV1 => Some(EPOCHS_IN_DAY + policy.pre_commit_challenge_delay),
        StackedDRG2KiBV1P1
        | StackedDRG8MiBV1P1
        | StackedDRG512MiBV1P1
        | StackedDRG32GiBV1P1
        | StackedDRG64GiBV1P1
        | StackedDRG2KiBV1P1_Feat_SyntheticPoRep
        | StackedDRG8MiBV1P1_Feat_SyntheticPoRep
        | StackedDRG512MiBV1P1_Feat_SyntheticPoRep
        | StackedDRG32GiBV1P1_Feat_SyntheticPoRep
        | StackedDRG64GiBV1P1_Feat_SyntheticPoRep => {
            Some(30 * EPOCHS_IN_DAY + policy.pre_commit_challenge_delay)
        }
        _ => None,
    }
}

/// The longest a sector sealed with `proof` may live, or `None` for an unknown proof.
pub fn seal_proof_sector_maximum_lifetime(proof: RegisteredSealProof) -> Option<ChainEpoch> {
    use RegisteredSealProof::*;
    match proof {
        StackedDRG2KiBV1 | StackedDRG8MiBV1 | StackedDRG512MiBV1 | StackedDRG32GiBV1
        | StackedDRG64GiBV1 => Some(540 * EPOCHS_IN_DAY),
        StackedDRG2KiBV1P1
        | StackedDRG8MiBV1P1
        | StackedDRG512MiBV1P1
        | StackedDRG32GiBV1P1
        | StackedDRG64GiBV1P1
        | StackedDRG2KiBV1P1_Feat_SyntheticPoRep
        | StackedDRG8MiBV1P1_Feat_SyntheticPoRep
        | StackedDRG512MiBV1P1_Feat_SyntheticPoRep
        | StackedDRG32GiBV1P1_Feat_SyntheticPoRep
        | StackedDRG64GiBV1P1_Feat_SyntheticPoRep
        | StackedDRG2KiBV1P2_Feat_NiPoRep
        | StackedDRG8MiBV1P2_Feat_NiPoRep
        | StackedDRG512MiBV1P2_Feat_NiPoRep
        | StackedDRG32GiBV1P2_Feat_NiPoRep
        | StackedDRG64GiBV1P2_Feat_NiPoRep => Some(5 * EPOCHS_IN_YEAR),
        _ => None,
    }
}

/// The most deals a sector of `size` may hold: at least 256.
pub fn sector_deals_max(policy: &Policy, size: SectorSize) -> u64 {
    cmp::max(256, size as u64 / policy.deal_limit_denominator)
}

/// The most partitions one message may address when it loads every sector of them.
pub fn load_partitions_sectors_max(policy: &Policy, partition_sector_count: u64) -> u64 {
    cmp::min(
        policy.addressed_sectors_max / partition_sector_count,
        policy.addressed_partitions_max,
    )
}

// --- vesting ---

/// A linear vesting schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VestSpec {
    /// Epochs before anything starts vesting.
    pub initial_delay: ChainEpoch,
    /// Epochs over which the whole amount vests, after the delay.
    pub vest_period: ChainEpoch,
    /// Epochs between two vesting steps.
    pub step_duration: ChainEpoch,
    /// Grid vesting epochs are rounded up to (bounds the table's size).
    pub quantization: ChainEpoch,
}

/// Block rewards vest linearly over 180 days, daily, on a 12-hour grid.
pub const REWARD_VESTING_SPEC: VestSpec = VestSpec {
    initial_delay: 0,
    vest_period: 180 * EPOCHS_IN_DAY,
    step_duration: EPOCHS_IN_DAY,
    quantization: 12 * EPOCHS_IN_HOUR,
};

// --- rewards for reporters and disputers ---

/// Share of the epoch reward paid to a consensus fault reporter: reward / (leaders * 4).
pub const CONSENSUS_FAULT_REPORTER_DEFAULT_SHARE: u64 = 4;

pub fn reward_for_consensus_slash_report(epoch_reward: &TokenAmount) -> TokenAmount {
    epoch_reward.div_floor(EXPECTED_LEADERS_PER_EPOCH * CONSENSUS_FAULT_REPORTER_DEFAULT_SHARE)
}

// --- FIP-0100 daily proof fee ---

/// The daily fee for `qa_power`, fixed at activation, extension or update (FIP-0100):
/// `circulating_supply * qa_power * 161817 / 10^30`, rounded down.
pub fn daily_proof_fee(circulating_supply: &TokenAmount, qa_power: &StoragePower) -> TokenAmount {
    let num = BigInt::from(DAILY_FEE_CIRCULATING_SUPPLY_QAP_MULTIPLIER_NUM)
        * circulating_supply.atto()
        * qa_power;
    TokenAmount::from_atto(num.div_floor(&BigInt::from(
        DAILY_FEE_CIRCULATING_SUPPLY_QAP_MULTIPLIER_DENOM,
    )))
}

/// Rescales a fee when a sector's quality-adjusted power changes (rounded down).
pub fn daily_proof_fee_adjust(
    daily_fee: &TokenAmount,
    old_qa_power: &StoragePower,
    new_qa_power: &StoragePower,
) -> TokenAmount {
    if old_qa_power == new_qa_power {
        return daily_fee.clone();
    }
    TokenAmount::from_atto((daily_fee.atto() * new_qa_power).div_floor(old_qa_power))
}

/// The fee actually charged for a day: the recorded fee, capped at half of the expected daily
/// block reward of the same sectors (FIP-0100).
pub fn daily_proof_fee_payable(
    daily_fee: &TokenAmount,
    estimated_day_reward: &TokenAmount,
) -> TokenAmount {
    let cap = estimated_day_reward.div_floor(DAILY_FEE_BLOCK_REWARD_CAP_DENOM);
    cmp::min(cap, daily_fee.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SectorOnChainInfo;

    const GIB32: SectorSize = SectorSize::_32GiB;

    #[test]
    fn quality_and_power() {
        let one = BigInt::from(1) << SECTOR_QUALITY_PRECISION;
        // No verified weight: quality 1.0, power = size.
        assert_eq!(quality_for_weight(GIB32, 100, &BigInt::from(0)), one);
        assert_eq!(
            qa_power_for_weight(GIB32, 100, &BigInt::from(0)),
            BigInt::from(32u64 << 30)
        );
        // All verified: quality 10, power = 10 * size.
        let full = BigInt::from(32u64 << 30) * 100;
        assert_eq!(quality_for_weight(GIB32, 100, &full), &one * 10);
        assert_eq!(qa_power_max(GIB32), BigInt::from(320u64 << 30));
        // Half verified: 0.5 * 1 + 0.5 * 10 = 5.5.
        let half = BigInt::from(32u64 << 30) * 50;
        assert_eq!(quality_for_weight(GIB32, 100, &half), &one * 11 / 2);
        assert_eq!(
            qa_power_for_weight(GIB32, 100, &half),
            BigInt::from(176u64 << 30)
        );
        let sector = SectorOnChainInfo {
            expiration: 300,
            power_base_epoch: 200,
            verified_deal_weight: half,
            ..Default::default()
        };
        assert_eq!(
            qa_power_for_sector(GIB32, &sector),
            BigInt::from(176u64 << 30)
        );
        assert_eq!(raw_power_for_sector(GIB32), BigInt::from(32u64 << 30));
    }

    #[test]
    fn proof_durations_and_limits() {
        let p = Policy::mainnet();
        assert_eq!(
            max_prove_commit_duration(&p, RegisteredSealProof::StackedDRG32GiBV1P1),
            Some(30 * 2880 + 150)
        );
        assert_eq!(
            max_prove_commit_duration(&p, RegisteredSealProof::StackedDRG32GiBV1),
            Some(2880 + 150)
        );
        assert_eq!(
            max_prove_commit_duration(&p, RegisteredSealProof::StackedDRG32GiBV1P2_Feat_NiPoRep),
            None
        );
        assert_eq!(
            seal_proof_sector_maximum_lifetime(RegisteredSealProof::StackedDRG64GiBV1P1),
            Some(5 * 1051897)
        );
        assert_eq!(
            seal_proof_sector_maximum_lifetime(RegisteredSealProof::Invalid(99)),
            None
        );
        assert_eq!(sector_deals_max(&p, SectorSize::_2KiB), 256);
        assert_eq!(sector_deals_max(&p, SectorSize::_64GiB), 512);
        // 25000 / 2349 = 10 partitions of 32 GiB sectors.
        assert_eq!(load_partitions_sectors_max(&p, 2349), 10);
        assert!(can_pre_commit_seal_proof(
            &p,
            RegisteredSealProof::StackedDRG32GiBV1P1
        ));
        assert!(!can_pre_commit_seal_proof(
            &p,
            RegisteredSealProof::StackedDRG2KiBV1P1
        ));
        assert!(can_prove_commit_ni_seal_proof(
            &p,
            RegisteredSealProof::StackedDRG64GiBV1P2_Feat_NiPoRep
        ));
        assert_eq!(
            reward_for_consensus_slash_report(&TokenAmount::from_atto(1000)),
            TokenAmount::from_atto(50)
        );
    }

    #[test]
    fn daily_fee_examples() {
        // 1e9 FIL circulating (1e27 atto), one 32 GiB sector of plain power:
        // 1e27 * 34,359,738,368 * 161,817 / 1e30 = 34,359,738,368 * 161,817 / 1000
        // = 5,559,989,783,494,656 / 1000 = 5,559,989,783,494 attoFIL (about 0.0000056 FIL,
        // the FIP's 5.56e-15 of supply per 32 GiB).
        let cs = TokenAmount::from_whole(1_000_000_000);
        let fee = daily_proof_fee(&cs, &BigInt::from(32u64 << 30));
        assert_eq!(fee, TokenAmount::from_atto(5_559_989_783_494u64));
        // Scaling by power: ten times the power, ten times the fee (here with no rounding).
        assert_eq!(
            daily_proof_fee_adjust(
                &TokenAmount::from_atto(700),
                &BigInt::from(10),
                &BigInt::from(100)
            ),
            TokenAmount::from_atto(7000)
        );
        assert_eq!(
            daily_proof_fee_adjust(
                &TokenAmount::from_atto(10),
                &BigInt::from(3),
                &BigInt::from(2)
            ),
            TokenAmount::from_atto(6)
        );
        // The cap is half the expected daily reward.
        assert_eq!(
            daily_proof_fee_payable(&TokenAmount::from_atto(100), &TokenAmount::from_atto(150)),
            TokenAmount::from_atto(75)
        );
        assert_eq!(
            daily_proof_fee_payable(&TokenAmount::from_atto(70), &TokenAmount::from_atto(150)),
            TokenAmount::from_atto(70)
        );
    }
}
