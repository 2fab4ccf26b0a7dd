//! The network's bounds on deal terms (v18): label length, duration, price, collaterals, the
//! penalty for a deal never activated, and the epoch schedule of deal updates.

use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::runtime::Policy;
use fvm_shared::bigint::{BigInt, Integer};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;
use fvm_shared::econ::TokenAmount;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::StoragePower;
use num_traits::Zero;

/// The longest a deal label may be, in bytes.
pub const DEAL_MAX_LABEL_SIZE: usize = 256;

/// The FIL the network assumes will ever exist; it caps deal prices and collaterals.
pub fn total_filecoin() -> TokenAmount {
    TokenAmount::from_whole(2_000_000_000)
}

/// Inclusive bounds on a deal's duration, whatever its size.
pub fn deal_duration_bounds(_size: PaddedPieceSize) -> (ChainEpoch, ChainEpoch) {
    (180 * EPOCHS_IN_DAY, 1278 * EPOCHS_IN_DAY)
}

/// Inclusive bounds on the price per epoch.
pub fn deal_price_per_epoch_bounds(
    _size: PaddedPieceSize,
    _duration: ChainEpoch,
) -> (TokenAmount, TokenAmount) {
    (TokenAmount::zero(), total_filecoin())
}

/// Inclusive bounds on the provider's collateral. The minimum is the provider's share of the
/// network's collateral target: `num/denom` of the circulating supply, times the deal's share of
/// the network's raw power (the largest of the baseline, the network's raw power and the deal's
/// own size).
pub fn deal_provider_collateral_bounds(
    policy: &Policy,
    size: PaddedPieceSize,
    network_raw_power: &StoragePower,
    baseline_power: &StoragePower,
    network_circulating_supply: &TokenAmount,
) -> (TokenAmount, TokenAmount) {
    let lock_target = network_circulating_supply.atto() * policy.prov_collateral_percent_supply_num;
    let deal_power = BigInt::from(size.0);
    let share_denom = network_raw_power
        .max(baseline_power)
        .max(&deal_power)
        .clone();
    let num = deal_power * lock_target;
    let denom = share_denom * policy.prov_collateral_percent_supply_denom;
    let min = if denom.is_zero() {
        BigInt::zero()
    } else {
        num.div_floor(&denom)
    };
    (TokenAmount::from_atto(min), total_filecoin())
}

/// Inclusive bounds on the client's collateral.
pub fn deal_client_collateral_bounds(
    _size: PaddedPieceSize,
    _duration: ChainEpoch,
) -> (TokenAmount, TokenAmount) {
    (TokenAmount::zero(), total_filecoin())
}

/// The provider collateral lost when a deal is not activated by its start epoch: all of it.
pub fn collateral_penalty_for_deal_activation_missed(
    provider_collateral: &TokenAmount,
) -> TokenAmount {
    provider_collateral.clone()
}

/// The first epoch at or after `earliest` on which deal `id` is updated. Each deal has a fixed
/// offset (`id` modulo `interval`) in every interval of epochs, so deals are spread evenly and
/// no epoch can be crowded on purpose.
pub fn next_update_epoch(id: DealID, interval: i64, earliest: ChainEpoch) -> ChainEpoch {
    let offset = id as i64 % interval;
    let shifted = earliest - offset;
    // Truncating division rounds negative values up, which is already the answer.
    let quotient = shifted / interval;
    if shifted % interval == 0 || shifted < 0 {
        interval * quotient + offset
    } else {
        interval * (quotient + 1) + offset
    }
}
