//! FIP-0067 enforcement (`shared/spec/replacement-sealing.md`, "Enforcement"): what the deadline
//! cron does to the deadline it processes when the miner is behind its deactivation schedule
//! (faults past 24 hours, termination past 7 days), the rule that recoveries wait until the
//! miner is back on schedule, and `ReplaceSector`'s rules and state change. Everything here
//! reads the same `behind_by` the status getter reports, and does nothing while the timeline is
//! dormant, before it starts, or until the miner's counters are initialized.

use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber, SectorSize};
use fvm_shared::MethodNum;

use crate::{
    check_sector_number, deadline_is_mutable, PartitionSectorMap, PowerPair, ReplaceSectorParams,
    ReplacementSchedule, SectorOnChainInfo, SectorOnChainInfoFlags, Sectors, State,
};

/// FRC-42 number of `ReplaceSector`.
pub const REPLACE_SECTOR_METHOD: MethodNum = 1276408552;

/// Behind by more than this (24 hours), the processed deadline is marked faulty.
pub const DEADLINE_FAULT_THRESHOLD: ChainEpoch = EPOCHS_IN_DAY;
/// Behind by more than this (7 days), the processed deadline is terminated.
pub const DEADLINE_TERMINATION_THRESHOLD: ChainEpoch = 7 * EPOCHS_IN_DAY;

/// What the deadline cron does to the deadline it processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineEnforcement {
    /// Every non-faulty live sector becomes faulty, as by a missed Window PoSt.
    Fault,
    /// Every live sector is terminated, with the ordinary termination fee.
    Terminate,
}

impl DeadlineEnforcement {
    /// The action for a miner `behind_by` epochs behind schedule, if any.
    pub fn for_behind_by(behind_by: ChainEpoch) -> Option<Self> {
        if behind_by > DEADLINE_TERMINATION_THRESHOLD {
            Some(DeadlineEnforcement::Terminate)
        } else if behind_by > DEADLINE_FAULT_THRESHOLD {
            Some(DeadlineEnforcement::Fault)
        } else {
            None
        }
    }
}

/// What `ReplaceSector` changed, for the calls and event that follow the transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplacedSector {
    /// The old sector, now terminated.
    pub old: SectorOnChainInfo,
    /// The active power the old sector took with it.
    pub power_lost: PowerPair,
}

/// The sector size of a seal proof, or `USR_ILLEGAL_ARGUMENT` naming the sector.
fn sector_size_of(sector: &SectorOnChainInfo) -> Result<SectorSize, ActorError> {
    sector.seal_proof.sector_size().map_err(|e| {
        actor_error!(illegal_argument;
            "sector {} has seal proof {:?} of no known size: {}",
            sector.sector_number, sector.seal_proof, e)
    })
}

/// Whether the policy lets new sectors be sealed with `proof` (interactively or not).
fn proof_allowed(policy: &Policy, proof: RegisteredSealProof) -> bool {
    policy.valid_pre_commit_proof_type.contains(proof)
        || policy.valid_prove_commit_ni_proof_type.contains(proof)
}

impl State {
    /// The enforcement the deadline cron applies at `epoch`, from the miner's counters.
    pub fn deadline_enforcement(
        &self,
        policy: &Policy,
        epoch: ChainEpoch,
    ) -> Option<DeadlineEnforcement> {
        self.replacement_sealing_status(policy, epoch)
            .and_then(|status| DeadlineEnforcement::for_behind_by(status.behind_by))
    }

    /// FIP-0067: a faulted deadline can be recovered only once the miner is back on schedule,
    /// so recoveries are `USR_FORBIDDEN` while it is behind.
    pub fn check_recoveries_allowed(
        &self,
        policy: &Policy,
        epoch: ChainEpoch,
    ) -> Result<(), ActorError> {
        match self.replacement_sealing_status(policy, epoch) {
            Some(status) if !status.on_schedule => Err(actor_error!(forbidden;
                "recovery not allowed {} epochs behind the replacement sealing schedule",
                status.behind_by)),
            _ => Ok(()),
        }
    }

    /// `ReplaceSector`'s rules and state change at `epoch`: `old` is terminated without a
    /// termination fee and counts as deactivated, its pledge released; `new` is marked as used.
    pub fn replace_sector<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        epoch: ChainEpoch,
        params: &ReplaceSectorParams,
    ) -> Result<ReplacedSector, ActorError> {
        let schedule = ReplacementSchedule::from_policy(policy)
            .filter(|s| s.started(epoch))
            .ok_or_else(|| {
                actor_error!(forbidden; "replacement sealing has not started at epoch {}", epoch)
            })?;
        check_sector_number(params.old_sector)?;
        check_sector_number(params.new_sector)?;
        // The census begins before the termination it must count.
        self.begin_old_sector_census(policy, epoch);

        let (old, dl_idx, partition_idx) =
            self.replaceable_old_sector(policy, store, &schedule, epoch, params.old_sector)?;
        let mut new = self.replacement_sector(policy, store, &schedule, params.new_sector)?;
        if sector_size_of(&new)? != sector_size_of(&old)? {
            return Err(actor_error!(illegal_argument;
                "sector {} of proof {:?} cannot replace sector {} of proof {:?}: sizes differ",
                new.sector_number, new.seal_proof, old.sector_number, old.seal_proof));
        }

        let sector_size = self.get_info(store)?.sector_size;
        let quant = self.quant_spec_for_deadline(policy, dl_idx);
        let mut deadlines = self.load_deadlines(store)?;
        let mut deadline = deadlines.load_deadline(store, dl_idx)?;
        let mut addressed = PartitionSectorMap::default();
        addressed.add(
            partition_idx,
            BitField::try_from_bits([old.sector_number]).map_err(
                |e| actor_error!(illegal_argument; "sector {}: {}", old.sector_number, e),
            )?,
        );
        let sectors = Sectors::load(store, &self.sectors)?;
        let power_lost = deadline.terminate_replaced_sectors(
            store,
            &sectors,
            &mut addressed,
            sector_size,
            quant,
        )?;
        deadlines.update_deadline(policy, store, dl_idx, &deadline)?;
        self.save_deadlines(store, deadlines)?;

        self.add_initial_pledge(&-old.initial_pledge.clone())?;
        self.record_old_sector_deactivations(policy, epoch, std::slice::from_ref(&old));
        new.flags
            .insert(SectorOnChainInfoFlags::REPLACES_OLD_SECTOR);
        self.put_sectors(store, vec![new])?;
        Ok(ReplacedSector { old, power_lost })
    }

    /// The old sector `number`, with its deadline and partition, if it may be replaced now:
    /// present (`USR_NOT_FOUND`), live (`USR_NOT_FOUND`), old (`USR_ILLEGAL_ARGUMENT`) and, as
    /// for `TerminateSectors`, not in the deadline being proven or the next
    /// (`USR_ILLEGAL_ARGUMENT`).
    fn replaceable_old_sector<BS: Blockstore>(
        &self,
        policy: &Policy,
        store: &BS,
        schedule: &ReplacementSchedule,
        epoch: ChainEpoch,
        number: SectorNumber,
    ) -> Result<(SectorOnChainInfo, u64, u64), ActorError> {
        let old = self
            .get_sector(store, number)?
            .ok_or_else(|| actor_error!(not_found; "old sector {} not found", number))?;
        let (dl_idx, partition_idx) = self.find_sector(store, number)?;
        let partition = self
            .load_deadlines(store)?
            .load_deadline(store, dl_idx)?
            .load_partition(store, partition_idx)?;
        if partition.terminated.get(number) {
            return Err(actor_error!(not_found; "old sector {} is terminated", number));
        }
        if !schedule.is_old(&old) {
            return Err(actor_error!(illegal_argument;
                "sector {} is not old: activated at {}, expiring at {} (start {}, threshold {})",
                number, old.activation, old.expiration, schedule.start_epoch, schedule.threshold()));
        }
        let period_start = self.current_proving_period_start(policy, epoch);
        if !deadline_is_mutable(policy, period_start, dl_idx, epoch) {
            return Err(actor_error!(illegal_argument;
                "cannot replace sector {} in immutable deadline {}", number, dl_idx));
        }
        Ok((old, dl_idx, partition_idx))
    }

    /// The new sector `number` if it may serve as a replacement: present (`USR_NOT_FOUND`),
    /// live (`USR_NOT_FOUND`) and not faulty (`USR_FORBIDDEN`), activated at or after the start,
    /// sealed with a proof the policy allows, and not used before (`USR_ILLEGAL_ARGUMENT`).
    fn replacement_sector<BS: Blockstore>(
        &self,
        policy: &Policy,
        store: &BS,
        schedule: &ReplacementSchedule,
        number: SectorNumber,
    ) -> Result<SectorOnChainInfo, ActorError> {
        let new = self
            .get_sector(store, number)?
            .ok_or_else(|| actor_error!(not_found; "new sector {} not found", number))?;
        let (dl_idx, partition_idx) = self.find_sector(store, number)?;
        self.check_sector_health(store, dl_idx, partition_idx, number)?;
        if new.activation < schedule.start_epoch {
            return Err(actor_error!(illegal_argument;
                "sector {} activated at {} before the replacement sealing start {} cannot replace another",
                number, new.activation, schedule.start_epoch));
        }
        if !proof_allowed(policy, new.seal_proof) {
            return Err(actor_error!(illegal_argument;
                "sector {} is sealed with proof {:?}, which the policy no longer allows",
                number, new.seal_proof));
        }
        if new
            .flags
            .contains(SectorOnChainInfoFlags::REPLACES_OLD_SECTOR)
        {
            return Err(actor_error!(illegal_argument;
                "sector {} already replaced an old sector", number));
        }
        Ok(new)
    }
}
