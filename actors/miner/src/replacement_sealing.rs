//! FIP-0067 replacement sealing counters (`shared/spec/replacement-sealing.md`): the schedule
//! taken from the policy, the `DeactivationProgress` arithmetic, the old-sector counters kept in
//! the state, their lazy initialization from the partitions' expiration queues, deactivation
//! counting, the status getter's shape, block-production eligibility and the migration helper.
//!
//! Lazy initialization counts every live sector whose expiration is past the threshold: it relies
//! on running before any sector is activated or terminated at or after the start epoch, so the
//! activation paths, `TerminateSectors` and the deadline cron call
//! `State::initialize_old_sector_counters` first.

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::MethodNum;

use crate::{ExpirationQueue, SectorOnChainInfo, State};

/// FRC-42 number of `GetReplacementSealingStatus`.
pub const GET_REPLACEMENT_SEALING_STATUS_METHOD: MethodNum = 2241975722;

/// `[initial, deactivated]`: how many old sectors the miner had when the timeline started, and
/// how many of them it has deactivated since.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OldSectorCounters {
    pub initial: u64,
    pub deactivated: u64,
}

/// The return of `GetReplacementSealingStatus` once the counters exist.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplacementSealingStatus {
    pub start_epoch: ChainEpoch,
    pub initial: u64,
    pub deactivated: u64,
    /// `DeactivationProgress(initial, deactivated)`, in epochs after the start.
    pub progress: ChainEpoch,
    pub on_schedule: bool,
    /// How many epochs the miner is behind its schedule; 0 when on schedule.
    pub behind_by: ChainEpoch,
}

/// The FIP's timeline, present only when the policy sets a start epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplacementSchedule {
    pub start_epoch: ChainEpoch,
    pub grace_period: ChainEpoch,
    pub deactivation_target: ChainEpoch,
}

impl ReplacementSchedule {
    /// The policy's schedule, or `None` while the mechanism is dormant.
    pub fn from_policy(policy: &Policy) -> Option<Self> {
        policy
            .replacement_sealing_start_epoch
            .map(|start_epoch| ReplacementSchedule {
                start_epoch,
                grace_period: policy.replacement_sealing_grace_period,
                deactivation_target: policy.replacement_sealing_deactivation_target,
            })
    }

    /// `StartEpoch + DeactivationTarget`: sectors expiring at or before it are never old.
    pub fn threshold(&self) -> ChainEpoch {
        self.start_epoch.saturating_add(self.deactivation_target)
    }

    /// Whether the timeline has started at `epoch`.
    pub fn started(&self, epoch: ChainEpoch) -> bool {
        epoch >= self.start_epoch
    }

    /// An old sector: activated before the start, expiring after the threshold.
    pub fn is_old(&self, sector: &SectorOnChainInfo) -> bool {
        sector.activation < self.start_epoch && sector.expiration > self.threshold()
    }

    /// `DeactivationProgress`: the target when there were no old sectors, else the grace period
    /// plus the deactivated share of the rest of the target, rounded down, never past the target.
    pub fn progress(&self, counters: &OldSectorCounters) -> ChainEpoch {
        if counters.initial == 0 {
            return self.deactivation_target;
        }
        let span = i128::from(self.deactivation_target) - i128::from(self.grace_period);
        let earned = span * i128::from(counters.deactivated) / i128::from(counters.initial);
        let progress = i128::from(self.grace_period) + earned;
        // The cap also bounds the value, so the conversion back cannot fail.
        ChainEpoch::try_from(progress.min(i128::from(self.deactivation_target)))
            .unwrap_or(self.deactivation_target)
    }

    /// How many epochs behind schedule the miner is at `epoch`: 0 when on schedule.
    pub fn behind_by(&self, counters: &OldSectorCounters, epoch: ChainEpoch) -> ChainEpoch {
        let progress = self.progress(counters);
        if progress >= self.deactivation_target {
            return 0;
        }
        let due = self.start_epoch.saturating_add(progress);
        if due >= epoch {
            0
        } else {
            epoch - due
        }
    }

    pub fn status(
        &self,
        counters: &OldSectorCounters,
        epoch: ChainEpoch,
    ) -> ReplacementSealingStatus {
        let behind_by = self.behind_by(counters, epoch);
        ReplacementSealingStatus {
            start_epoch: self.start_epoch,
            initial: counters.initial,
            deactivated: counters.deactivated,
            progress: self.progress(counters),
            on_schedule: behind_by == 0,
            behind_by,
        }
    }

    /// Counts the miner's old sectors from its partitions' expiration queues. An on-time entry
    /// quantized at least one unit past the threshold holds only sectors expiring after it; an
    /// entry at or before the threshold holds none. Only the sectors whose expiration the queue
    /// does not pin down are loaded: those of the one entry per partition that straddles the
    /// threshold, and faulty sectors queued early at their fault expiration.
    pub fn count_old_sectors<BS: Blockstore>(
        &self,
        policy: &Policy,
        store: &BS,
        st: &State,
    ) -> Result<u64, ActorError> {
        let threshold = self.threshold();
        let mut count: u64 = 0;
        let mut uncertain = BitField::new();
        st.load_deadlines(store)?
            .for_each(store, |dl_idx, deadline| {
                let quant = st.quant_spec_for_deadline(policy, dl_idx);
                deadline.for_each(store, |_, partition| {
                    let queue = ExpirationQueue::new(store, &partition.expirations_epochs, quant)?;
                    for (epoch, set) in queue.entries()? {
                        uncertain |= &set.early_sectors;
                        if epoch <= threshold {
                            continue;
                        }
                        if epoch - quant.unit >= threshold {
                            count += set.on_time_sectors.len();
                        } else {
                            uncertain |= &set.on_time_sectors;
                        }
                    }
                    Ok(())
                })
            })?;
        let loaded = st.load_sector_infos(store, &uncertain)?;
        Ok(count + loaded.iter().filter(|s| s.expiration > threshold).count() as u64)
    }
}

/// Why a miner may not produce blocks, in the order a node checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ineligibility {
    /// Fees and penalties are owed.
    FeeDebt,
    /// A consensus fault was reported and its ineligibility period has not elapsed.
    ConsensusFault,
    /// FIP-0067: the miner is behind its replacement-sealing schedule.
    BehindReplacementSchedule,
}

/// The migration helper: the counters a network would write in an upgrade that starts the
/// timeline at the policy's start epoch, for a miner state taken just before it. `None` while
/// the policy keeps the mechanism dormant. It agrees with the lazy initialization.
pub fn migrate_old_sector_counters<BS: Blockstore>(
    policy: &Policy,
    store: &BS,
    st: &State,
) -> Result<Option<OldSectorCounters>, ActorError> {
    let Some(schedule) = ReplacementSchedule::from_policy(policy) else {
        return Ok(None);
    };
    Ok(Some(OldSectorCounters {
        initial: schedule.count_old_sectors(policy, store, st)?,
        deactivated: 0,
    }))
}

/// FIP-0067: from the start epoch on, a sector activated before it may not be extended, so the
/// set of old sectors only shrinks. `USR_FORBIDDEN` names the sector.
pub fn check_old_sector_extension(
    policy: &Policy,
    sector: &SectorOnChainInfo,
    epoch: ChainEpoch,
) -> Result<(), ActorError> {
    match ReplacementSchedule::from_policy(policy) {
        Some(s) if s.started(epoch) && sector.activation < s.start_epoch => Err(actor_error!(
            forbidden;
            "sector {} activated at {} before the replacement sealing start {} cannot be extended",
            sector.sector_number, sector.activation, s.start_epoch
        )),
        _ => Ok(()),
    }
}

impl State {
    /// Sets the counters the first time the miner acts at or after the start epoch; a no-op
    /// while dormant, before the start, or once set. Returns whether it initialized them.
    pub fn initialize_old_sector_counters<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        epoch: ChainEpoch,
    ) -> Result<bool, ActorError> {
        let Some(schedule) = ReplacementSchedule::from_policy(policy) else {
            return Ok(false);
        };
        if self.old_sectors.is_some() || !schedule.started(epoch) {
            return Ok(false);
        }
        self.old_sectors = Some(OldSectorCounters {
            initial: schedule.count_old_sectors(policy, store, self)?,
            deactivated: 0,
        });
        Ok(true)
    }

    /// Counts the old sectors among `terminated`, sectors terminated early at `terminated_at`,
    /// towards `deactivated`, never beyond `initial`. Terminations before the start epoch are
    /// not counted: the counters are initialized before any termination at or after it, so
    /// those sectors were never in `initial`. A no-op before initialization.
    pub fn record_old_sector_deactivations(
        &mut self,
        policy: &Policy,
        terminated_at: ChainEpoch,
        terminated: &[SectorOnChainInfo],
    ) {
        let (Some(schedule), Some(counters)) = (
            ReplacementSchedule::from_policy(policy),
            self.old_sectors.as_mut(),
        ) else {
            return;
        };
        if !schedule.started(terminated_at) {
            return;
        }
        let old = terminated.iter().filter(|s| schedule.is_old(s)).count() as u64;
        counters.deactivated = counters
            .deactivated
            .saturating_add(old)
            .min(counters.initial);
    }

    /// The getter's answer: `None` while dormant or before initialization.
    pub fn replacement_sealing_status(
        &self,
        policy: &Policy,
        epoch: ChainEpoch,
    ) -> Option<ReplacementSealingStatus> {
        let schedule = ReplacementSchedule::from_policy(policy)?;
        self.old_sectors
            .as_ref()
            .map(|counters| schedule.status(counters, epoch))
    }

    /// The first reason the miner may not produce blocks at `epoch`, or `None` if it may: fee
    /// debt, an unexpired consensus fault, or (FIP-0067) being behind schedule.
    pub fn block_production_ineligibility<BS: Blockstore>(
        &self,
        policy: &Policy,
        store: &BS,
        epoch: ChainEpoch,
    ) -> Result<Option<Ineligibility>, ActorError> {
        if self.fee_debt.is_positive() {
            return Ok(Some(Ineligibility::FeeDebt));
        }
        if epoch <= self.get_info(store)?.consensus_fault_elapsed {
            return Ok(Some(Ineligibility::ConsensusFault));
        }
        let behind = self
            .replacement_sealing_status(policy, epoch)
            .is_some_and(|status| !status.on_schedule);
        Ok(behind.then_some(Ineligibility::BehindReplacementSchedule))
    }
}
