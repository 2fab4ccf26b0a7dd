//! The power actor's state and the claim arithmetic that keeps the network totals consistent
//! with the miners' claims.
//!
//! Layout (a CBOR tuple, field order as v18): the four power totals and total pledge; the values
//! frozen for this epoch (raw, QA, pledge, smoothed QA estimate); the miner counts; the FIP-0081
//! pledge ramp; the cron event queue root and first cron epoch; the claims HAMT root (bit width
//! 5, keyed by miner address bytes); and the proof validation batch, always null since FIP-0084.

use cid::Cid;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::util::smoothing::smooth;
use fil_actors_runtime::{actor_error, ActorError, FilterEstimate, Map};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::bigint::bigint_ser;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredPoStProof, StoragePower};
use fvm_shared::ActorID;
use num_traits::Signed;

use crate::{consensus_miner_min_power, CronEventQueue, CONSENSUS_MINER_MIN_MINERS};

/// Genesis position of the smoothed QA power estimate: 750,000 GiB.
pub const INITIAL_QA_POWER_ESTIMATE_POSITION: i64 = 750_000 * (1 << 30);
/// Genesis velocity of the smoothed QA power estimate: 3,840 GiB per epoch (120 prove-commits
/// of 32 GiB).
pub const INITIAL_QA_POWER_ESTIMATE_VELOCITY: i64 = 3_840 * (1 << 30);

/// The claims map: miner address to claim.
pub type ClaimsMap<BS> = Map<BS, Address, Claim>;

const CLAIMS_NAME: &str = "claims";

/// The power actor's state.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// Raw-byte power of the miners that meet the consensus minimum.
    #[serde(with = "bigint_ser")]
    pub total_raw_byte_power: StoragePower,
    /// Raw-byte power of every miner, including those below the minimum.
    #[serde(with = "bigint_ser")]
    pub total_bytes_committed: StoragePower,
    /// Quality-adjusted power of the miners that meet the consensus minimum.
    #[serde(with = "bigint_ser")]
    pub total_quality_adj_power: StoragePower,
    /// Quality-adjusted power of every miner, including those below the minimum.
    #[serde(with = "bigint_ser")]
    pub total_qa_bytes_committed: StoragePower,
    pub total_pledge_collateral: TokenAmount,

    /// Values frozen by the previous epoch's cron tick, so that every message of an epoch sees
    /// the same totals.
    #[serde(with = "bigint_ser")]
    pub this_epoch_raw_byte_power: StoragePower,
    #[serde(with = "bigint_ser")]
    pub this_epoch_quality_adj_power: StoragePower,
    pub this_epoch_pledge_collateral: TokenAmount,
    pub this_epoch_qa_power_smoothed: FilterEstimate,

    pub miner_count: i64,
    /// How many miners meet the minimum consensus power.
    pub miner_above_min_power_count: i64,

    /// FIP-0081: the epoch the pledge ramp starts, and the epochs it takes to reach its full
    /// share. Set by the upgrade migration; zero from genesis.
    pub ramp_start_epoch: i64,
    pub ramp_duration_epochs: u64,

    /// Root of the cron event queue (see `CronEventQueue`).
    pub cron_event_queue: Cid,
    /// Every epoch from this one to the current one is scanned for events at the next tick.
    pub first_cron_epoch: ChainEpoch,
    /// Root of the claims HAMT.
    pub claims: Cid,
    /// Left from the bulk PoRep verification that FIP-0084 removed; always `None`.
    pub proof_validation_batch: Option<Cid>,
}

/// A miner's claimed power.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Sets the miner's minimum consensus power.
    pub window_post_proof_type: RegisteredPoStProof,
    #[serde(with = "bigint_ser")]
    pub raw_byte_power: StoragePower,
    #[serde(with = "bigint_ser")]
    pub quality_adj_power: StoragePower,
}

/// A miner's request to be called back at an epoch.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct CronEvent {
    pub miner_addr: Address,
    pub callback_payload: RawBytes,
}

impl State {
    /// The genesis state: no miners, empty queue and claims, and the initial QA power estimate.
    pub fn new<BS: Blockstore>(store: &BS) -> Result<State, ActorError> {
        Ok(State {
            total_raw_byte_power: StoragePower::default(),
            total_bytes_committed: StoragePower::default(),
            total_quality_adj_power: StoragePower::default(),
            total_qa_bytes_committed: StoragePower::default(),
            total_pledge_collateral: TokenAmount::default(),
            this_epoch_raw_byte_power: StoragePower::default(),
            this_epoch_quality_adj_power: StoragePower::default(),
            this_epoch_pledge_collateral: TokenAmount::default(),
            this_epoch_qa_power_smoothed: FilterEstimate::new(
                INITIAL_QA_POWER_ESTIMATE_POSITION.into(),
                INITIAL_QA_POWER_ESTIMATE_VELOCITY.into(),
            ),
            miner_count: 0,
            miner_above_min_power_count: 0,
            ramp_start_epoch: 0,
            ramp_duration_epochs: 0,
            cron_event_queue: CronEventQueue::empty(store).flush()?,
            first_cron_epoch: 0,
            claims: ClaimsMap::flush_empty(store)?,
            proof_validation_batch: None,
        })
    }

    pub fn load_claims<BS: Blockstore>(&self, store: BS) -> Result<ClaimsMap<BS>, ActorError> {
        ClaimsMap::load(store, &self.claims, CLAIMS_NAME)
    }

    pub fn save_claims<BS: Blockstore>(
        &mut self,
        claims: &mut ClaimsMap<BS>,
    ) -> Result<(), ActorError> {
        self.claims = claims.flush()?;
        Ok(())
    }

    pub fn get_claim<BS: Blockstore>(
        &self,
        store: &BS,
        miner: &Address,
    ) -> Result<Option<Claim>, ActorError> {
        Ok(self.load_claims(store)?.get(miner)?.cloned())
    }

    /// The totals that count: those of the miners meeting the minimum once enough miners do,
    /// everyone's before that.
    pub fn current_total_power(&self) -> (StoragePower, StoragePower) {
        if self.miner_above_min_power_count < CONSENSUS_MINER_MIN_MINERS {
            (
                self.total_bytes_committed.clone(),
                self.total_qa_bytes_committed.clone(),
            )
        } else {
            (
                self.total_raw_byte_power.clone(),
                self.total_quality_adj_power.clone(),
            )
        }
    }

    /// Records a new miner with an empty claim. A network whose minimum is zero counts the
    /// miner as meeting it from the start.
    pub fn add_miner<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        claims: &mut ClaimsMap<BS>,
        miner: &Address,
        window_post_proof_type: RegisteredPoStProof,
    ) -> Result<(), ActorError> {
        set_claim(
            claims,
            miner,
            Claim {
                window_post_proof_type,
                raw_byte_power: StoragePower::default(),
                quality_adj_power: StoragePower::default(),
            },
        )?;
        self.miner_count += 1;
        let min_power = consensus_miner_min_power(policy, window_post_proof_type).map_err(|e| {
            e.wrap(format!(
                "failed to update power stats for new miner {}",
                miner
            ))
        })?;
        if !min_power.is_positive() {
            self.miner_above_min_power_count += 1;
        }
        Ok(())
    }

    /// Adds signed power deltas to a miner's claim and to the totals. The consensus totals
    /// change only while the miner meets the minimum: crossing it up adds the whole new claim,
    /// crossing it down removes the whole old claim.
    pub fn add_to_claim<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        claims: &mut ClaimsMap<BS>,
        miner: &Address,
        power: &StoragePower,
        qa_power: &StoragePower,
    ) -> Result<(), ActorError> {
        let old_claim = claims
            .get(miner)?
            .cloned()
            .ok_or_else(|| actor_error!(not_found; "no claim for actor {}", miner))?;

        self.total_qa_bytes_committed += qa_power;
        self.total_bytes_committed += power;

        let new_claim = Claim {
            window_post_proof_type: old_claim.window_post_proof_type,
            raw_byte_power: &old_claim.raw_byte_power + power,
            quality_adj_power: &old_claim.quality_adj_power + qa_power,
        };

        let min_power = consensus_miner_min_power(policy, old_claim.window_post_proof_type)?;
        let prev_below = old_claim.raw_byte_power < min_power;
        let still_below = new_claim.raw_byte_power < min_power;
        match (prev_below, still_below) {
            (true, false) => {
                self.miner_above_min_power_count += 1;
                self.total_quality_adj_power += &new_claim.quality_adj_power;
                self.total_raw_byte_power += &new_claim.raw_byte_power;
            }
            (false, true) => {
                self.miner_above_min_power_count -= 1;
                self.total_quality_adj_power -= &old_claim.quality_adj_power;
                self.total_raw_byte_power -= &old_claim.raw_byte_power;
            }
            (false, false) => {
                self.total_quality_adj_power += qa_power;
                self.total_raw_byte_power += power;
            }
            (true, true) => {}
        }

        if self.miner_above_min_power_count < 0 {
            return Err(actor_error!(illegal_state;
                "negative number of miners above the minimum power: {}",
                self.miner_above_min_power_count));
        }
        set_claim(claims, miner, new_claim)
    }

    /// Removes a miner's claim and its power from the totals. A miner with no claim is left as
    /// it is, without error (v18 behaves so; its caller still counts the miner as removed).
    pub fn delete_claim<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        claims: &mut ClaimsMap<BS>,
        miner: &Address,
    ) -> Result<(), ActorError> {
        let Some(claim) = claims.get(miner)?.cloned() else {
            return Ok(());
        };
        self.add_to_claim(
            policy,
            claims,
            miner,
            &-claim.raw_byte_power,
            &-claim.quality_adj_power,
        )
        .map_err(|e| e.wrap("failed to subtract miner power before deleting claim"))?;
        claims.delete(miner)?;
        Ok(())
    }

    /// `USR_FORBIDDEN` unless `miner` has a claim: only registered miners may change the totals.
    pub fn validate_miner_has_claim<BS: Blockstore>(
        &self,
        store: &BS,
        miner: &Address,
    ) -> Result<(), ActorError> {
        if !self.load_claims(store)?.contains_key(miner)? {
            return Err(actor_error!(forbidden;
                "unknown miner {} forbidden to interact with power actor", miner));
        }
        Ok(())
    }

    /// Adds to the network's total pledge; `USR_ILLEGAL_STATE` if it would become negative.
    pub fn add_pledge_total(&mut self, delta: &TokenAmount) -> Result<(), ActorError> {
        let total = &self.total_pledge_collateral + delta;
        if total.is_negative() {
            return Err(actor_error!(illegal_state;
                "negative total pledge collateral {} after adding {}", total, delta));
        }
        self.total_pledge_collateral = total;
        Ok(())
    }

    /// Queues `event` at `epoch`, pulling the first cron epoch back if needed.
    pub fn append_cron_event<BS: Blockstore>(
        &mut self,
        queue: &mut CronEventQueue<BS>,
        epoch: ChainEpoch,
        event: CronEvent,
    ) -> Result<(), ActorError> {
        if epoch < self.first_cron_epoch {
            self.first_cron_epoch = epoch;
        }
        queue
            .add(epoch, event)
            .map_err(|e| e.wrap(format!("failed to store cron event at epoch {}", epoch)))
    }

    /// Freezes the current totals and pledge for the next epoch and advances the smoothed QA
    /// power estimate by one epoch (cron runs every epoch).
    pub fn freeze_epoch_totals(&mut self) {
        let (raw_byte_power, qa_power) = self.current_total_power();
        self.this_epoch_pledge_collateral = self.total_pledge_collateral.clone();
        self.this_epoch_quality_adj_power = qa_power;
        self.this_epoch_raw_byte_power = raw_byte_power;
        self.this_epoch_qa_power_smoothed = smooth(
            &self.this_epoch_qa_power_smoothed,
            &self.this_epoch_quality_adj_power,
            1,
        );
    }

    /// A miner's raw-byte power and whether it counts towards consensus: it does when it meets
    /// the minimum, or, while fewer than `CONSENSUS_MINER_MIN_MINERS` miners do, when it is
    /// non-zero.
    pub fn miner_nominal_power_meets_consensus_minimum<BS: Blockstore>(
        &self,
        policy: &Policy,
        store: &BS,
        miner: ActorID,
    ) -> Result<(StoragePower, bool), ActorError> {
        let claim = self
            .get_claim(store, &Address::new_id(miner))?
            .ok_or_else(|| actor_error!(illegal_argument; "no claim for actor: {}", miner))?;
        let power = claim.raw_byte_power;
        let min_power = consensus_miner_min_power(policy, claim.window_post_proof_type)
            .map_err(|e| e.wrap("could not get miner min power from proof type"))?;
        let meets = if power >= min_power {
            true
        } else if self.miner_above_min_power_count >= CONSENSUS_MINER_MIN_MINERS {
            false
        } else {
            power.is_positive()
        };
        Ok((power, meets))
    }
}

/// Writes a claim, refusing negative power (`USR_ILLEGAL_STATE`).
pub fn set_claim<BS: Blockstore>(
    claims: &mut ClaimsMap<BS>,
    miner: &Address,
    claim: Claim,
) -> Result<(), ActorError> {
    if claim.raw_byte_power.is_negative() {
        return Err(actor_error!(illegal_state;
            "negative claimed raw byte power {} for {}", claim.raw_byte_power, miner));
    }
    if claim.quality_adj_power.is_negative() {
        return Err(actor_error!(illegal_state;
            "negative claimed quality adjusted power {} for {}", claim.quality_adj_power, miner));
    }
    claims.set(miner, claim)?;
    Ok(())
}
