//! The reward actor's state and its per-epoch update.
//!
//! Layout (a CBOR tuple, field order as v18): cumulative baseline and realized power, effective
//! network time and the baseline power there, this epoch's reward and its smoothed estimate,
//! this epoch's baseline power, the epoch, the total paid to block producers, and the simple and
//! baseline minting totals (kept in state since the historical baseline correction).

use std::sync::LazyLock;

use fil_actors_runtime::util::smoothing::smooth;
use fil_actors_runtime::FilterEstimate;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::bigint::{bigint_ser, BigInt};
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::StoragePower;

use crate::logic::{
    baseline_power_from_prev, compute_r_theta, compute_reward, BASELINE_INITIAL_VALUE,
    BASELINE_TOTAL, INIT_BASELINE_POWER, SIMPLE_TOTAL,
};

/// Power times epochs, in byte-epochs.
pub type Spacetime = BigInt;

/// Genesis position of the smoothed reward estimate: 36.266260308195979333 FIL.
pub static INITIAL_REWARD_POSITION_ESTIMATE: LazyLock<TokenAmount> =
    LazyLock::new(|| TokenAmount::from_atto(36_266_260_308_195_979_333u128));

/// Genesis velocity of the smoothed reward estimate: the change of the simple minting between
/// epochs 0 and 1, -1.09897758509e-7 FIL per epoch.
pub static INITIAL_REWARD_VELOCITY_ESTIMATE: LazyLock<TokenAmount> =
    LazyLock::new(|| TokenAmount::from_atto(-109_897_758_509i64));

/// The reward actor's state.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The cumulative baseline power the realized power must reach for the effective network
    /// time to advance.
    #[serde(with = "bigint_ser")]
    pub cumsum_baseline: Spacetime,
    /// The cumulative network raw-byte power, each epoch capped at that epoch's baseline.
    #[serde(with = "bigint_ser")]
    pub cumsum_realized: Spacetime,
    /// The ceiling of theta, where the cumulative baseline equals the cumulative realized power.
    pub effective_network_time: ChainEpoch,
    /// The baseline power at the effective network time.
    #[serde(with = "bigint_ser")]
    pub effective_baseline_power: StoragePower,
    /// The reward per win count of the epoch `epoch` (computed one epoch ahead).
    pub this_epoch_reward: TokenAmount,
    pub this_epoch_reward_smoothed: FilterEstimate,
    /// The baseline power at `epoch`.
    #[serde(with = "bigint_ser")]
    pub this_epoch_baseline_power: StoragePower,
    /// The epoch the reward was computed for.
    pub epoch: ChainEpoch,
    /// Everything paid to block producers so far (gas rewards excluded).
    pub total_storage_power_reward: TokenAmount,
    pub simple_total: TokenAmount,
    pub baseline_total: TokenAmount,
}

impl State {
    /// The genesis state, with the first epoch's reward computed for `curr_realized_power`.
    pub fn new(curr_realized_power: &StoragePower) -> State {
        let mut state = State {
            cumsum_baseline: Spacetime::default(),
            cumsum_realized: Spacetime::default(),
            effective_network_time: 0,
            effective_baseline_power: BASELINE_INITIAL_VALUE.clone(),
            this_epoch_reward: TokenAmount::default(),
            this_epoch_reward_smoothed: FilterEstimate::new(
                INITIAL_REWARD_POSITION_ESTIMATE.atto().clone(),
                INITIAL_REWARD_VELOCITY_ESTIMATE.atto().clone(),
            ),
            this_epoch_baseline_power: INIT_BASELINE_POWER.clone(),
            epoch: EPOCH_UNDEFINED,
            total_storage_power_reward: TokenAmount::default(),
            simple_total: SIMPLE_TOTAL.clone(),
            baseline_total: BASELINE_TOTAL.clone(),
        };
        state.update_to_next_epoch_with_reward(curr_realized_power);
        state
    }

    /// Advances one epoch without computing a reward (a null round): grows the baseline,
    /// accumulates the realized power capped at the baseline, and moves the effective network
    /// time forward while the realized sum exceeds the baseline sum.
    pub fn update_to_next_epoch(&mut self, curr_realized_power: &StoragePower) {
        self.epoch += 1;
        self.this_epoch_baseline_power = baseline_power_from_prev(&self.this_epoch_baseline_power);
        let capped_realized_power =
            std::cmp::min(&self.this_epoch_baseline_power, curr_realized_power);
        self.cumsum_realized += capped_realized_power;
        while self.cumsum_realized > self.cumsum_baseline {
            self.effective_network_time += 1;
            self.effective_baseline_power =
                baseline_power_from_prev(&self.effective_baseline_power);
            self.cumsum_baseline += &self.effective_baseline_power;
        }
    }

    /// Advances one epoch and computes its reward from the change of theta.
    pub fn update_to_next_epoch_with_reward(&mut self, curr_realized_power: &StoragePower) {
        let prev_theta = self.reward_theta();
        self.update_to_next_epoch(curr_realized_power);
        let curr_theta = self.reward_theta();
        self.this_epoch_reward = compute_reward(
            self.epoch,
            &prev_theta,
            &curr_theta,
            &self.simple_total,
            &self.baseline_total,
        );
    }

    /// Feeds this epoch's reward to the smoothed estimate, `delta` epochs after the last.
    pub fn update_smoothed_estimates(&mut self, delta: ChainEpoch) {
        self.this_epoch_reward_smoothed = smooth(
            &self.this_epoch_reward_smoothed,
            self.this_epoch_reward.atto(),
            delta,
        );
    }

    fn reward_theta(&self) -> BigInt {
        compute_r_theta(
            self.effective_network_time,
            &self.effective_baseline_power,
            &self.cumsum_realized,
            &self.cumsum_baseline,
        )
    }
}
