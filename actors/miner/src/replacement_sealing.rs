//! FIP-0067 replacement sealing counters (`shared/spec/replacement-sealing.md`): the schedule
//! taken from the policy, the `DeactivationProgress` arithmetic, the old-sector counters kept in
//! the state (first as a census under way, then as `[initial, deactivated]`), deactivation
//! counting, the status getter's shape, block-production eligibility and the migration helper.
//!
//! The census (`old_sector_census.rs`) begins before any sector is activated or terminated at or
//! after the start epoch: the activation paths, `TerminateSectors` and the deadline cron call
//! `State::begin_old_sector_census` first, and only the deadline cron advances it.

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::MethodNum;
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{CensusProgress, OldSectorCensus, SectorOnChainInfo, State};

/// FRC-42 number of `GetReplacementSealingStatus`.
pub const GET_REPLACEMENT_SEALING_STATUS_METHOD: MethodNum = 2241975722;

/// `[initial, deactivated]`: how many old sectors the miner had when the timeline started, and
/// how many of them it has deactivated since.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OldSectorCounters {
    pub initial: u64,
    pub deactivated: u64,
}

/// The miner state's last field once the timeline has started for the miner: the census of its
/// old sectors while it runs, then the counters. Encoded as the census's 8-element tuple or the
/// counters' `[initial, deactivated]`, which tells them apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OldSectors {
    /// Boxed: the census is a passing phase, the counters what a miner keeps.
    Census(Box<OldSectorCensus>),
    Counters(OldSectorCounters),
}

impl Serialize for OldSectors {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OldSectors::Census(census) => census.serialize(serializer),
            OldSectors::Counters(counters) => counters.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for OldSectors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OldSectorsVisitor;

        impl<'de> Visitor<'de> for OldSectorsVisitor {
            type Value = OldSectors;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("[initial, deactivated] or an old-sector census")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OldSectors, A::Error> {
                let missing = |i| de::Error::invalid_length(i, &self);
                let first: u64 = seq.next_element()?.ok_or_else(|| missing(0))?;
                let second: u64 = seq.next_element()?.ok_or_else(|| missing(1))?;
                // The counters end here; a census goes on with its snapshot and cursor.
                let Some(deadlines) = seq.next_element()? else {
                    return Ok(OldSectors::Counters(OldSectorCounters {
                        initial: first,
                        deactivated: second,
                    }));
                };
                let census = OldSectorCensus {
                    deactivated: first,
                    counted: second,
                    deadlines,
                    sectors: seq.next_element()?.ok_or_else(|| missing(3))?,
                    next_deadline: seq.next_element()?.ok_or_else(|| missing(4))?,
                    next_partition: seq.next_element()?.ok_or_else(|| missing(5))?,
                    last_epoch: seq.next_element()?.ok_or_else(|| missing(6))?,
                    entry_progress: seq.next_element()?.ok_or_else(|| missing(7))?,
                };
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(9, &self));
                }
                Ok(OldSectors::Census(Box::new(census)))
            }
        }

        deserializer.deserialize_seq(OldSectorsVisitor)
    }
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
/// timeline at the policy's start epoch, for a miner state taken just before it, counted at once
/// (off-chain work has no gas to bound). `None` while the policy keeps the mechanism dormant. It
/// agrees with the census the deadline cron runs.
pub fn migrate_old_sector_counters<BS: Blockstore>(
    policy: &Policy,
    store: &BS,
    st: &State,
) -> Result<Option<OldSectorCounters>, ActorError> {
    let Some(schedule) = ReplacementSchedule::from_policy(policy) else {
        return Ok(None);
    };
    let mut census = OldSectorCensus::begin(st);
    census.advance(
        policy,
        store,
        &schedule,
        |dl| st.quant_spec_for_deadline(policy, dl),
        None,
    )?;
    Ok(Some(OldSectorCounters {
        initial: census.counted,
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
    /// Begins the census of old sectors the first time the miner acts at or after the start
    /// epoch, by recording what it must count (no reads); a no-op while dormant, before the
    /// start, or once begun. Returns whether it began one.
    pub fn begin_old_sector_census(&mut self, policy: &Policy, epoch: ChainEpoch) -> bool {
        let started = ReplacementSchedule::from_policy(policy).is_some_and(|s| s.started(epoch));
        if !started || self.old_sectors.is_some() {
            return false;
        }
        self.old_sectors = Some(OldSectors::Census(Box::new(OldSectorCensus::begin(self))));
        true
    }

    /// For a miner created at `epoch`: once the timeline has started it has no old sectors, so
    /// its counters are `[0, 0]` at once.
    pub fn set_counters_of_new_miner(&mut self, policy: &Policy, epoch: ChainEpoch) {
        if ReplacementSchedule::from_policy(policy).is_some_and(|s| s.started(epoch)) {
            self.old_sectors = Some(OldSectors::Counters(OldSectorCounters::default()));
        }
    }

    /// Counts on in a census under way, reading about `budget` blocks at most (`None`: all),
    /// and sets the counters once it is complete. Returns whether the counters are set.
    pub fn advance_old_sector_census<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        budget: Option<u64>,
    ) -> Result<bool, ActorError> {
        let (Some(schedule), Some(OldSectors::Census(census))) = (
            ReplacementSchedule::from_policy(policy),
            self.old_sectors.as_ref(),
        ) else {
            return Ok(self.old_sector_counters().is_some());
        };
        let mut census = census.as_ref().clone();
        let progress = census.advance(
            policy,
            store,
            &schedule,
            |dl| self.quant_spec_for_deadline(policy, dl),
            budget,
        )?;
        self.old_sectors = Some(match progress {
            CensusProgress::Paused => OldSectors::Census(Box::new(census)),
            // Every sector deactivated during the census was old at its start, so counted.
            CensusProgress::Complete => OldSectors::Counters(OldSectorCounters {
                initial: census.counted,
                deactivated: census.deactivated.min(census.counted),
            }),
        });
        Ok(progress == CensusProgress::Complete)
    }

    /// The counters, once the census is complete.
    pub fn old_sector_counters(&self) -> Option<&OldSectorCounters> {
        match &self.old_sectors {
            Some(OldSectors::Counters(counters)) => Some(counters),
            _ => None,
        }
    }

    /// Counts the old sectors among `terminated`, sectors terminated early at `terminated_at`,
    /// towards `deactivated` (in the counters never beyond `initial`). Terminations before the
    /// start epoch are not counted: the census begins before any termination at or after it, so
    /// those sectors were never in its snapshot. A no-op before the census begins.
    pub fn record_old_sector_deactivations(
        &mut self,
        policy: &Policy,
        terminated_at: ChainEpoch,
        terminated: &[SectorOnChainInfo],
    ) {
        let Some(schedule) = ReplacementSchedule::from_policy(policy) else {
            return;
        };
        if !schedule.started(terminated_at) {
            return;
        }
        let old = terminated.iter().filter(|s| schedule.is_old(s)).count() as u64;
        match self.old_sectors.as_mut() {
            None => {}
            Some(OldSectors::Census(census)) => {
                census.deactivated = census.deactivated.saturating_add(old);
            }
            Some(OldSectors::Counters(counters)) => {
                counters.deactivated = counters
                    .deactivated
                    .saturating_add(old)
                    .min(counters.initial);
            }
        }
    }

    /// The getter's answer: `None` while dormant or until the census is complete.
    pub fn replacement_sealing_status(
        &self,
        policy: &Policy,
        epoch: ChainEpoch,
    ) -> Option<ReplacementSealingStatus> {
        let schedule = ReplacementSchedule::from_policy(policy)?;
        self.old_sector_counters()
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
