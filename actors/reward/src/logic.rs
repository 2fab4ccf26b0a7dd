//! The minting functions, in Q.128 fixed point: the baseline power's exponential growth, the
//! effective network time `theta` at which the cumulative baseline matches the cumulative
//! realized power, and the reward minted between two values of theta (baseline minting) plus
//! the epoch's share of the exponentially decaying simple minting.
//!
//! Every constant and rounding is the network's (v18 uses the same minting as v8).

use std::sync::LazyLock;

use fil_actors_runtime::util::math::PRECISION;
use fvm_shared::bigint::{BigInt, Integer};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::StoragePower;

use crate::expneg::expneg;

/// floor(e^(ln(2) / epochs_in_year) * 2^128) with a 365-day year: the per-epoch factor that
/// doubles the baseline power every year.
pub static BASELINE_EXPONENT: LazyLock<StoragePower> = LazyLock::new(|| {
    "340282591298641078465964189926313473653"
        .parse()
        .expect("built-in decimal literal")
});

/// The baseline power at the effective network time zero: 2.5057116798121726 EiB.
pub static BASELINE_INITIAL_VALUE: LazyLock<StoragePower> =
    LazyLock::new(|| StoragePower::from(2_888_888_880_000_000_000u128));

/// The baseline power one epoch before genesis, `BASELINE_INITIAL_VALUE / BASELINE_EXPONENT`
/// (Q.0), so that the first epoch's update lands on (one byte below) the initial value.
pub static INIT_BASELINE_POWER: LazyLock<StoragePower> = LazyLock::new(|| {
    ((&*BASELINE_INITIAL_VALUE << (2 * PRECISION)) / &*BASELINE_EXPONENT) >> PRECISION
});

/// Total FIL minted on the simple (exponential decay) schedule: 330M.
pub static SIMPLE_TOTAL: LazyLock<TokenAmount> =
    LazyLock::new(|| TokenAmount::from_whole(330_000_000));

/// Total FIL minted on the baseline schedule: 770M.
pub static BASELINE_TOTAL: LazyLock<TokenAmount> =
    LazyLock::new(|| TokenAmount::from_whole(770_000_000));

/// floor((e^lambda - 1) * 2^128).
static EXP_LAM_SUB_ONE: LazyLock<BigInt> =
    LazyLock::new(|| BigInt::from(37396273494747879394193016954629u128));

/// floor(lambda * 2^128), lambda = ln(2) / (6 * epochs_in_year): minting halves every six years.
static LAMBDA: LazyLock<BigInt> =
    LazyLock::new(|| BigInt::from(37396271439864487274534522888786u128));

/// `BaselinePower(t)` from `BaselinePower(t - 1)`: one multiplication by the exponent.
pub fn baseline_power_from_prev(prev_power: &StoragePower) -> StoragePower {
    (prev_power * &*BASELINE_EXPONENT) >> PRECISION
}

/// The fractional effective network time theta (Q.128), from its ceiling
/// `effective_network_time`, by linear interpolation between the cumulative baseline at the
/// floor and at the ceiling: `ent - (cumsum_baseline - cumsum_realized) / baseline(ent)`.
/// Zero while the effective network time is zero. The baseline power is never zero (it starts
/// at `BASELINE_INITIAL_VALUE` and only grows).
pub fn compute_r_theta(
    effective_network_time: ChainEpoch,
    baseline_power_at_effective_network_time: &StoragePower,
    cumsum_realized: &BigInt,
    cumsum_baseline: &BigInt,
) -> BigInt {
    if effective_network_time == 0 {
        return BigInt::default();
    }
    let reward_theta = BigInt::from(effective_network_time) << PRECISION;
    let diff = ((cumsum_baseline - cumsum_realized) << PRECISION)
        .div_floor(baseline_power_at_effective_network_time);
    reward_theta - diff
}

/// The reward for all of an epoch's winners: the simple minting of `epoch`,
/// `simple_total * (e^lambda - 1) * e^(-lambda * epoch)`, plus the baseline minting between
/// `prev_theta` and `curr_theta` (both Q.128), rounded down to attoFIL.
pub fn compute_reward(
    epoch: ChainEpoch,
    prev_theta: &BigInt,
    curr_theta: &BigInt,
    simple_total: &TokenAmount,
    baseline_total: &TokenAmount,
) -> TokenAmount {
    let simple_reward =
        ((simple_total.atto() * &*EXP_LAM_SUB_ONE) * expneg(&(&*LAMBDA * epoch))) >> PRECISION;
    let baseline_reward = compute_baseline_supply(curr_theta, baseline_total.atto())
        - compute_baseline_supply(prev_theta, baseline_total.atto());
    TokenAmount::from_atto((simple_reward + baseline_reward) >> PRECISION)
}

/// The baseline supply minted by effective network time theta (Q.128), in Q.128:
/// `baseline_total * (1 - e^(-lambda * theta))`.
fn compute_baseline_supply(theta: &BigInt, baseline_total: &BigInt) -> BigInt {
    let theta_lambda = (theta * &*LAMBDA) >> PRECISION;
    let one = BigInt::from(1) << PRECISION;
    (one - expneg(&theta_lambda)) * baseline_total
}
