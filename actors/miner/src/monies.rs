//! Token arithmetic of the miner: expected block reward of some power ("BR"), the pre-commit
//! deposit, the initial pledge with the FIP-0081 ramp, the FIP-0098 termination fee, the
//! continued-fault fee, penalties for disputed proofs and consensus faults, and how much of a
//! block reward is locked for vesting.

use std::cmp;

use fil_actors_runtime::math::PRECISION;
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::smoothing::extrapolated_cum_sum_of_ratio;
use fil_actors_runtime::FilterEstimate;
use fvm_shared::bigint::{BigInt, Integer};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::StoragePower;
use num_traits::Zero;

use crate::{VestSpec, EXPECTED_LEADERS_PER_EPOCH, REWARD_VESTING_SPEC};

/// Days of expected reward a pre-commit deposit covers.
pub const PRE_COMMIT_DEPOSIT_FACTOR: i64 = 20;
/// Days of expected reward the storage part of the initial pledge covers.
pub const INITIAL_PLEDGE_FACTOR: i64 = 20;
pub const PRE_COMMIT_DEPOSIT_PROJECTION_PERIOD: ChainEpoch =
    PRE_COMMIT_DEPOSIT_FACTOR * EPOCHS_IN_DAY;
pub const INITIAL_PLEDGE_PROJECTION_PERIOD: ChainEpoch = INITIAL_PLEDGE_FACTOR * EPOCHS_IN_DAY;

/// The consensus pledge targets locking 30% of circulating supply.
pub const LOCK_TARGET_FACTOR_NUM: u64 = 3;
pub const LOCK_TARGET_FACTOR_DENOM: u64 = 10;

/// FIP-0081: once the ramp has run its course, 30% (per mille) of the consensus pledge uses the
/// "simple" share (network QA power) instead of the baseline-capped share.
pub const FIP_0081_ACTIVATION_PERMILLE: u64 = 300;
/// Fixed-point factor of the FIP-0081 gamma (three decimal places).
pub const GAMMA_FIXED_POINT_FACTOR: u64 = 1000;

/// Three quarters of each block reward is locked and vests (FIP-0004).
pub const LOCKED_REWARD_FACTOR_NUM: u64 = 3;
pub const LOCKED_REWARD_FACTOR_DENOM: u64 = 4;

/// FIP-0098: the termination fee is 8.5% of the initial pledge ...
pub const TERM_FEE_PLEDGE_MULTIPLE_NUM: u64 = 85;
pub const TERM_FEE_PLEDGE_MULTIPLE_DENOM: u64 = 1000;
/// ... scaled down linearly for sectors younger than 140 days ...
pub const TERMINATION_LIFETIME_CAP: ChainEpoch = 140;
/// ... but never less than 2% of the initial pledge ...
pub const TERM_FEE_MIN_PLEDGE_MULTIPLE_NUM: u64 = 2;
pub const TERM_FEE_MIN_PLEDGE_MULTIPLE_DENOM: u64 = 100;
/// ... nor less than 105% of the sector's fault fee.
pub const TERM_FEE_MAX_FAULT_FEE_MULTIPLE_NUM: u64 = 105;
pub const TERM_FEE_MAX_FAULT_FEE_MULTIPLE_DENOM: u64 = 100;

/// The continued-fault fee ("FF") is 3.51 days of expected reward.
pub const CONTINUED_FAULT_FACTOR_NUM: i64 = 351;
pub const CONTINUED_FAULT_FACTOR_DENOM: i64 = 100;
pub const CONTINUED_FAULT_PROJECTION_PERIOD: ChainEpoch =
    (EPOCHS_IN_DAY * CONTINUED_FAULT_FACTOR_NUM) / CONTINUED_FAULT_FACTOR_DENOM;
/// An invalid optimistic Window PoSt costs FF plus two days of expected reward, plus a base.
pub const INVALID_WINDOW_POST_PROJECTION_PERIOD: ChainEpoch =
    CONTINUED_FAULT_PROJECTION_PERIOD + 2 * EPOCHS_IN_DAY;
/// The lower bound of the pre-FIP-0098 termination penalty: 3.5 days of expected reward.
pub const TERMINATION_PENALTY_LOWER_BOUND_PROJECTIONS_PERIOD: ChainEpoch =
    (EPOCHS_IN_DAY * 35) / 10;
/// A consensus fault costs 5 times the reward of one winning block.
pub const CONSENSUS_FAULT_FACTOR: u64 = 5;

/// The initial pledge never exceeds 1 FIL per 32 GiB of quality-adjusted power.
pub fn initial_pledge_max_per_byte() -> TokenAmount {
    TokenAmount::from_whole(1).div_floor(32i64 << 30)
}

/// Paid to whoever successfully disputes a Window PoSt.
pub fn base_reward_for_disputed_window_post() -> TokenAmount {
    TokenAmount::from_whole(4)
}

/// Added to the penalty of a successfully disputed Window PoSt.
pub fn base_penalty_for_disputed_window_post() -> TokenAmount {
    TokenAmount::from_whole(20)
}

/// The reward for disputing a Window PoSt (today the base, whatever the power).
pub fn reward_for_disputed_window_post() -> TokenAmount {
    base_reward_for_disputed_window_post()
}

/// "BR(t)": the reward `qa_sector_power` is expected to earn over `projection_duration`,
/// from the smoothed reward and network power estimates. With no network power, the whole
/// per-epoch reward estimate. Never negative.
pub fn expected_reward_for_power(
    reward_estimate: &FilterEstimate,
    network_qa_power_estimate: &FilterEstimate,
    qa_sector_power: &StoragePower,
    projection_duration: ChainEpoch,
) -> TokenAmount {
    if network_qa_power_estimate.estimate().is_zero() {
        return TokenAmount::from_atto(reward_estimate.estimate());
    }
    let ratio_sum = extrapolated_cum_sum_of_ratio(
        projection_duration,
        0,
        reward_estimate,
        network_qa_power_estimate,
    );
    let br = (qa_sector_power * ratio_sum) >> PRECISION;
    TokenAmount::from_atto(cmp::max(br, BigInt::zero()))
}

/// BR(t), but at least one attoFIL, so deposits and pledges are always positive and a non-zero
/// balance can stand for "this miner has activity".
pub fn expected_reward_for_power_clamped_at_atto_fil(
    reward_estimate: &FilterEstimate,
    network_qa_power_estimate: &FilterEstimate,
    qa_sector_power: &StoragePower,
    projection_duration: ChainEpoch,
) -> TokenAmount {
    let br = expected_reward_for_power(
        reward_estimate,
        network_qa_power_estimate,
        qa_sector_power,
        projection_duration,
    );
    if br.is_positive() {
        br
    } else {
        TokenAmount::from_atto(1)
    }
}

/// The fee for a sector staying faulty another proving period: BR over 3.51 days.
pub fn pledge_penalty_for_continued_fault(
    reward_estimate: &FilterEstimate,
    network_qa_power_estimate: &FilterEstimate,
    qa_sector_power: &StoragePower,
) -> TokenAmount {
    expected_reward_for_power(
        reward_estimate,
        network_qa_power_estimate,
        qa_sector_power,
        CONTINUED_FAULT_PROJECTION_PERIOD,
    )
}

/// BR over 3.5 days, the historical lower bound of a termination penalty.
pub fn pledge_penalty_for_termination_lower_bound(
    reward_estimate: &FilterEstimate,
    network_qa_power_estimate: &FilterEstimate,
    qa_sector_power: &StoragePower,
) -> TokenAmount {
    expected_reward_for_power(
        reward_estimate,
        network_qa_power_estimate,
        qa_sector_power,
        TERMINATION_PENALTY_LOWER_BOUND_PROJECTIONS_PERIOD,
    )
}

/// The FIP-0098 termination fee of a sector of age `sector_age` epochs:
/// `max(min(8.5% IP, 8.5% IP * age / 140 days), max(2% IP, 105% fault_fee))`.
pub fn pledge_penalty_for_termination(
    initial_pledge: &TokenAmount,
    sector_age: ChainEpoch,
    fault_fee: &TokenAmount,
) -> TokenAmount {
    let simple =
        (initial_pledge * TERM_FEE_PLEDGE_MULTIPLE_NUM).div_floor(TERM_FEE_PLEDGE_MULTIPLE_DENOM);
    let by_age = (&simple * sector_age).div_floor(TERMINATION_LIFETIME_CAP * EPOCHS_IN_DAY);
    let base = cmp::min(simple, by_age);
    let floor_pledge = (initial_pledge * TERM_FEE_MIN_PLEDGE_MULTIPLE_NUM)
        .div_floor(TERM_FEE_MIN_PLEDGE_MULTIPLE_DENOM);
    let floor_fault = (fault_fee * TERM_FEE_MAX_FAULT_FEE_MULTIPLE_NUM)
        .div_floor(TERM_FEE_MAX_FAULT_FEE_MULTIPLE_DENOM);
    cmp::max(base, cmp::max(floor_pledge, floor_fault))
}

/// The penalty for an optimistically accepted Window PoSt found invalid: BR over 5.51 days plus
/// the 20 FIL base.
pub fn pledge_penalty_for_invalid_windowpost(
    reward_estimate: &FilterEstimate,
    network_qa_power_estimate: &FilterEstimate,
    qa_sector_power: &StoragePower,
) -> TokenAmount {
    expected_reward_for_power(
        reward_estimate,
        network_qa_power_estimate,
        qa_sector_power,
        INVALID_WINDOW_POST_PROJECTION_PERIOD,
    ) + base_penalty_for_disputed_window_post()
}

/// The deposit to pre-commit a sector of `qa_sector_power`: BR over 20 days, at least 1 atto.
pub fn pre_commit_deposit_for_power(
    reward_estimate: &FilterEstimate,
    network_qa_power_estimate: &FilterEstimate,
    qa_sector_power: &StoragePower,
) -> TokenAmount {
    expected_reward_for_power_clamped_at_atto_fil(
        reward_estimate,
        network_qa_power_estimate,
        qa_sector_power,
        PRE_COMMIT_DEPOSIT_PROJECTION_PERIOD,
    )
}

/// The initial pledge of `qa_power`: storage pledge (BR over 20 days, at least 1 atto) plus
/// consensus pledge (30% of circulating supply times the sector's share of power), capped at
/// 1 FIL per 32 GiB.
///
/// FIP-0081: the share is a mix of `qa_power / max(baseline, network QAP)` with weight gamma and
/// `qa_power / network QAP` with weight 1 - gamma; gamma falls linearly from 1.0 to 0.7 over
/// the ramp (`epochs_since_ramp_start` out of `ramp_duration_epochs`) and stays there.
#[allow(clippy::too_many_arguments)]
pub fn initial_pledge_for_power(
    qa_power: &StoragePower,
    baseline_power: &StoragePower,
    reward_estimate: &FilterEstimate,
    network_qa_power_estimate: &FilterEstimate,
    circulating_supply: &TokenAmount,
    epochs_since_ramp_start: i64,
    ramp_duration_epochs: u64,
) -> TokenAmount {
    let storage_pledge = expected_reward_for_power_clamped_at_atto_fil(
        reward_estimate,
        network_qa_power_estimate,
        qa_power,
        INITIAL_PLEDGE_PROJECTION_PERIOD,
    );

    let skew = if epochs_since_ramp_start < 0 {
        0
    } else if ramp_duration_epochs == 0 || epochs_since_ramp_start >= ramp_duration_epochs as i64 {
        FIP_0081_ACTIVATION_PERMILLE
    } else {
        (epochs_since_ramp_start * FIP_0081_ACTIVATION_PERMILLE as i64
            / ramp_duration_epochs as i64) as u64
    };
    let gamma = GAMMA_FIXED_POINT_FACTOR - skew;

    let network_qa_power = network_qa_power_estimate.estimate();
    let lock_target_num = circulating_supply.atto() * LOCK_TARGET_FACTOR_NUM;
    let share_num = lock_target_num * qa_power;
    let baseline_denom = cmp::max(cmp::max(&network_qa_power, baseline_power), qa_power)
        * LOCK_TARGET_FACTOR_DENOM
        * GAMMA_FIXED_POINT_FACTOR;
    let simple_denom =
        cmp::max(&network_qa_power, qa_power) * LOCK_TARGET_FACTOR_DENOM * GAMMA_FIXED_POINT_FACTOR;
    let consensus_baseline = (&share_num * gamma).div_floor(&baseline_denom);
    let consensus_simple =
        (&share_num * (GAMMA_FIXED_POINT_FACTOR - gamma)).div_floor(&simple_denom);

    let nominal = storage_pledge + TokenAmount::from_atto(consensus_baseline + consensus_simple);
    let cap = TokenAmount::from_atto(initial_pledge_max_per_byte().atto() * qa_power);
    cmp::min(nominal, cap)
}

/// The penalty for a consensus fault: 5 block rewards' worth of this epoch's reward per leader.
pub fn consensus_fault_penalty(this_epoch_reward: TokenAmount) -> TokenAmount {
    (this_epoch_reward * CONSENSUS_FAULT_FACTOR).div_floor(EXPECTED_LEADERS_PER_EPOCH)
}

/// How much of a block reward is locked (3/4), and the schedule it vests on.
pub fn locked_reward_from_reward(reward: TokenAmount) -> (TokenAmount, &'static VestSpec) {
    let locked = (reward * LOCKED_REWARD_FACTOR_NUM).div_floor(LOCKED_REWARD_FACTOR_DENOM);
    (locked, &REWARD_VESTING_SPEC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atto(n: i64) -> TokenAmount {
        TokenAmount::from_atto(n)
    }

    /// An estimate with no velocity: a constant value.
    fn constant(v: i64) -> FilterEstimate {
        FilterEstimate::new(BigInt::from(v), BigInt::zero())
    }

    #[test]
    fn projection_constants() {
        assert_eq!(CONTINUED_FAULT_PROJECTION_PERIOD, 10108); // 2880 * 3.51, rounded down
        assert_eq!(INVALID_WINDOW_POST_PROJECTION_PERIOD, 15868);
        assert_eq!(TERMINATION_PENALTY_LOWER_BOUND_PROJECTIONS_PERIOD, 10080);
        assert_eq!(PRE_COMMIT_DEPOSIT_PROJECTION_PERIOD, 57600);
        // 1e18 / 2^35, rounded down.
        assert_eq!(initial_pledge_max_per_byte(), atto(29_103_830));
    }

    #[test]
    fn expected_reward_with_constant_estimates() {
        // Reward 1024 atto/epoch, network power 2^20: a sector of 1024 bytes earns exactly
        // 1 atto per epoch (binary fractions are exact in Q.128), so 20 days' worth is 57600.
        let reward = constant(1024);
        let power = constant(1 << 20);
        let qa = BigInt::from(1024);
        assert_eq!(
            expected_reward_for_power(&reward, &power, &qa, 57600),
            atto(57600)
        );
        assert_eq!(
            pre_commit_deposit_for_power(&reward, &power, &qa),
            atto(57600)
        );
        assert_eq!(
            pledge_penalty_for_continued_fault(&reward, &power, &qa),
            atto(10108)
        );
        assert_eq!(
            pledge_penalty_for_termination_lower_bound(&reward, &power, &qa),
            atto(10080)
        );
        assert_eq!(
            pledge_penalty_for_invalid_windowpost(&reward, &power, &qa),
            atto(15868) + TokenAmount::from_whole(20)
        );
        // No network power: the whole epoch reward estimate.
        assert_eq!(
            expected_reward_for_power(&reward, &constant(0), &qa, 100),
            atto(1024)
        );
        // Zero power earns nothing, but deposits are clamped at one atto.
        assert_eq!(
            expected_reward_for_power(&reward, &power, &BigInt::zero(), 100),
            atto(0)
        );
        assert_eq!(
            pre_commit_deposit_for_power(&reward, &power, &BigInt::zero()),
            atto(1)
        );
    }

    #[test]
    fn termination_fee_fip_0098() {
        let ip = atto(1_000_000);
        let year = 365 * EPOCHS_IN_DAY;
        // Old sector: 8.5% of pledge = 85,000.
        assert_eq!(
            pledge_penalty_for_termination(&ip, year, &atto(0)),
            atto(85_000)
        );
        // 70 days old: half of 85,000 = 42,500.
        assert_eq!(
            pledge_penalty_for_termination(&ip, 70 * EPOCHS_IN_DAY, &atto(0)),
            atto(42_500)
        );
        // 1 day old: 85,000 / 140 = 607 is below the 2% floor of 20,000.
        assert_eq!(
            pledge_penalty_for_termination(&ip, EPOCHS_IN_DAY, &atto(0)),
            atto(20_000)
        );
        // A fault fee of 100,000 lifts the floor to 105,000.
        assert_eq!(
            pledge_penalty_for_termination(&ip, year, &atto(100_000)),
            atto(105_000)
        );
    }

    #[test]
    fn initial_pledge_fip_0081_ramp() {
        // As above, the storage pledge of 1024 bytes is 57,600 atto.
        // Circulating supply 409.6e9 atto: lock target 30% = 122.88e9.
        // Baseline 2^22 exceeds network power 2^20, so the baseline share is 1024 / 2^22 =
        // 1/4096 (30,000,000 atto) and the simple share 1024 / 2^20 = 1/1024 (120,000,000).
        let reward = constant(1024);
        let power = constant(1 << 20);
        let qa = BigInt::from(1024);
        let baseline = BigInt::from(1 << 22);
        let cs = atto(409_600_000_000);
        let ip = |since, ramp| {
            initial_pledge_for_power(&qa, &baseline, &reward, &power, &cs, since, ramp)
        };
        // Before the ramp: all baseline.
        assert_eq!(ip(-5, 100), atto(57_600 + 30_000_000));
        // Half-way: gamma 0.85 -> 0.85 * 30,000,000 + 0.15 * 120,000,000.
        assert_eq!(ip(50, 100), atto(57_600 + 25_500_000 + 18_000_000));
        // After it, or with a zero-length ramp: gamma 0.7.
        assert_eq!(ip(100, 100), atto(57_600 + 21_000_000 + 36_000_000));
        assert_eq!(ip(0, 0), atto(57_600 + 21_000_000 + 36_000_000));
        // The cap, 29,103,830 atto per byte, binds with a huge supply.
        let rich = TokenAmount::from_whole(1_000_000_000);
        let capped = initial_pledge_for_power(&qa, &baseline, &reward, &power, &rich, 0, 0);
        assert_eq!(capped, atto(29_103_830 * 1024));
    }

    #[test]
    fn rewards_and_consensus_fault() {
        assert_eq!(consensus_fault_penalty(atto(1000)), atto(1000));
        let (locked, spec) = locked_reward_from_reward(atto(1001));
        assert_eq!(locked, atto(750));
        assert_eq!(spec, &REWARD_VESTING_SPEC);
        assert_eq!(
            reward_for_disputed_window_post(),
            TokenAmount::from_whole(4)
        );
    }
}
