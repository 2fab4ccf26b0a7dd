//! `Partition`: a group of at most one Window PoSt partition's worth of sectors within a
//! deadline, with the subsets that are unproven, faulty, recovering and terminated, its
//! expiration queue, its queue of early terminations awaiting fees, and memoized powers. Every
//! transition (add, fault, recover, PoSt, terminate, expire, replace) keeps them consistent.

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::SectorSize;

use crate::{
    power_for_sectors, select_sectors, BitFieldQueue, ExpirationQueue, ExpirationSet, PowerPair,
    QuantSpec, SectorOnChainInfo, Sectors, TerminationResult, NO_QUANTIZATION,
};

pub const PARTITION_EXPIRATION_AMT_BITWIDTH: u32 = 4;
pub const PARTITION_EARLY_TERMINATION_ARRAY_AMT_BITWIDTH: u32 = 3;

/// A partition, in v18's field order.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// Every sector of the partition: live (incl. faulty and unproven) and terminated.
    pub sectors: BitField,
    /// Sectors added but not yet proven by a Window PoSt; never faulty.
    pub unproven: BitField,
    /// Faulty sectors (declared or detected, not yet recovered); disjoint from terminated.
    pub faults: BitField,
    /// Faulty sectors declared recovering, to be confirmed by the next PoSt.
    pub recoveries: BitField,
    /// Terminated sectors not yet removed by compaction.
    pub terminated: BitField,
    /// Quantized epoch -> `ExpirationSet` (AMT, bit width 4).
    pub expirations_epochs: Cid,
    /// Termination epoch -> sectors terminated early whose fees are pending (AMT, bit width 3,
    /// not quantized).
    pub early_terminated: Cid,
    /// Power of live sectors (incl. faulty and unproven).
    pub live_power: PowerPair,
    /// Power of unproven sectors.
    pub unproven_power: PowerPair,
    /// Power of faulty sectors.
    pub faulty_power: PowerPair,
    /// Power of recovering sectors.
    pub recovering_power: PowerPair,
}

impl Partition {
    pub fn new<BS: Blockstore>(store: &BS) -> Result<Self, ActorError> {
        Ok(Partition {
            sectors: BitField::new(),
            unproven: BitField::new(),
            faults: BitField::new(),
            recoveries: BitField::new(),
            terminated: BitField::new(),
            expirations_epochs: BitFieldQueue::flush_empty(
                store,
                PARTITION_EXPIRATION_AMT_BITWIDTH,
            )?,
            early_terminated: BitFieldQueue::flush_empty(
                store,
                PARTITION_EARLY_TERMINATION_ARRAY_AMT_BITWIDTH,
            )?,
            live_power: PowerPair::zero(),
            unproven_power: PowerPair::zero(),
            faulty_power: PowerPair::zero(),
            recovering_power: PowerPair::zero(),
        })
    }

    /// Sectors not terminated.
    pub fn live_sectors(&self) -> BitField {
        &self.sectors - &self.terminated
    }

    /// Sectors contributing power: live, not faulty, not unproven.
    pub fn active_sectors(&self) -> BitField {
        &(&self.live_sectors() - &self.faults) - &self.unproven
    }

    /// Power of the active sectors.
    pub fn active_power(&self) -> PowerPair {
        &(&self.live_power - &self.faulty_power) - &self.unproven_power
    }

    fn queue<'s, BS: Blockstore>(
        &self,
        store: &'s BS,
        quant: QuantSpec,
    ) -> Result<ExpirationQueue<&'s BS>, ActorError> {
        ExpirationQueue::new(store, &self.expirations_epochs, quant)
    }

    /// Adds new live sectors (proven or not) and schedules their expirations. Returns their
    /// power and daily fee.
    pub fn add_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        proven: bool,
        sectors: &[SectorOnChainInfo],
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<(PowerPair, TokenAmount), ActorError> {
        let mut queue = self.queue(store, quant)?;
        let (numbers, power, _, fee) = queue.add_active_sectors(sectors, sector_size)?;
        self.expirations_epochs = queue.flush()?;
        if self.sectors.contains_any(&numbers) {
            return Err(
                actor_error!(illegal_argument; "not all added sectors are new: {:?}", &self.sectors & &numbers),
            );
        }
        self.sectors |= &numbers;
        self.live_power += &power;
        if !proven {
            self.unproven |= &numbers;
            self.unproven_power += &power;
        }
        self.validate_state()?;
        Ok((power, fee))
    }

    /// Marks non-faulty sectors faulty, rescheduling them to expire by `fault_expiration`.
    /// Returns the change of active power and the new faulty power.
    pub fn add_faults<BS: Blockstore>(
        &mut self,
        store: &BS,
        sector_numbers: &BitField,
        sectors: &[SectorOnChainInfo],
        fault_expiration: ChainEpoch,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<(PowerPair, PowerPair), ActorError> {
        let mut queue = self.queue(store, quant)?;
        let new_faulty_power =
            queue.reschedule_as_faults(fault_expiration, sectors, sector_size)?;
        self.expirations_epochs = queue.flush()?;

        self.faults |= sector_numbers;
        self.faulty_power += &new_faulty_power;

        // Unproven sectors never had active power, so their loss does not reduce it.
        let unproven = sector_numbers & &self.unproven;
        self.unproven -= &unproven;
        let mut power_delta = -&new_faulty_power;
        let unproven_infos = select_sectors(sectors, &unproven)?;
        if !unproven_infos.is_empty() {
            let unproven_power = power_for_sectors(sector_size, &unproven_infos);
            self.unproven_power -= &unproven_power;
            power_delta += &unproven_power;
        }
        self.validate_state()?;
        Ok((power_delta, new_faulty_power))
    }

    /// Declares sectors faulty: terminated and already faulty ones are ignored, recovering ones
    /// stop recovering. Returns the new faults, the change of active power and the new faulty
    /// power.
    pub fn record_faults<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_numbers: &BitField,
        fault_expiration: ChainEpoch,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<(BitField, PowerPair, PowerPair), ActorError> {
        self.validate_contains(sector_numbers, "fault declaration")?;
        let retracted = &self.recoveries & sector_numbers;
        let new_faults = &(&(sector_numbers - &retracted) - &self.terminated) - &self.faults;

        let new_fault_infos = sectors.load_sectors(&new_faults)?;
        let (power_delta, new_faulty_power) = if new_fault_infos.is_empty() {
            (PowerPair::zero(), PowerPair::zero())
        } else {
            self.add_faults(
                store,
                &new_faults,
                &new_fault_infos,
                fault_expiration,
                sector_size,
                quant,
            )?
        };

        let retracted_infos = sectors.load_sectors(&retracted)?;
        if !retracted_infos.is_empty() {
            self.remove_recoveries(
                &retracted,
                &power_for_sectors(sector_size, &retracted_infos),
            );
        }
        self.validate_state()?;
        Ok((new_faults, power_delta, new_faulty_power))
    }

    /// Confirms the declared recoveries (at a successful PoSt): they stop being faulty and go
    /// back to their committed expiration. Returns the recovered power.
    pub fn recover_faults<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<PowerPair, ActorError> {
        let recovered = sectors.load_sectors(&self.recoveries)?;
        let mut queue = self.queue(store, quant)?;
        let power = queue.reschedule_recovered(recovered, sector_size)?;
        self.expirations_epochs = queue.flush()?;

        self.faults -= &self.recoveries;
        self.recoveries = BitField::new();
        self.faulty_power -= &power;
        self.recovering_power -= &power;
        self.validate_state()?;
        Ok(power)
    }

    /// Marks every unproven sector proven; returns their power, now active.
    pub fn activate_unproven(&mut self) -> PowerPair {
        self.unproven = BitField::new();
        std::mem::take(&mut self.unproven_power)
    }

    /// Declares faulty sectors recovering; others and those already recovering are ignored.
    pub fn declare_faults_recovered<BS: Blockstore>(
        &mut self,
        sectors: &Sectors<'_, BS>,
        sector_size: SectorSize,
        sector_numbers: &BitField,
    ) -> Result<(), ActorError> {
        self.validate_contains(sector_numbers, "recovery declaration")?;
        let recoveries = &(sector_numbers & &self.faults) - &self.recoveries;
        let infos = sectors.load_sectors(&recoveries)?;
        self.recoveries |= &recoveries;
        self.recovering_power += &power_for_sectors(sector_size, &infos);
        self.validate_state()
    }

    /// Stops sectors recovering (they stay faulty).
    pub fn remove_recoveries(&mut self, sector_numbers: &BitField, power: &PowerPair) {
        if sector_numbers.is_empty() {
            return;
        }
        self.recoveries -= sector_numbers;
        self.recovering_power -= power;
    }

    /// Moves the active sectors among `sector_numbers` to expire at `new_expiration`, skipping
    /// any absent, terminated or faulty. Returns the infos of those moved.
    pub fn reschedule_expirations<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        new_expiration: ChainEpoch,
        sector_numbers: &BitField,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<Vec<SectorOnChainInfo>, ActorError> {
        let active = &(&(sector_numbers & &self.sectors) - &self.terminated) - &self.faults;
        let infos = sectors.load_sectors(&active)?;
        let mut queue = self.queue(store, quant)?;
        queue.reschedule_expirations(new_expiration, &infos, sector_size)?;
        self.expirations_epochs = queue.flush()?;
        self.validate_state()?;
        Ok(infos)
    }

    /// Replaces active sectors with new infos (a change of power, expiration or fee). Returns
    /// the power, pledge and fee deltas.
    pub fn replace_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        old_sectors: &[SectorOnChainInfo],
        new_sectors: &[SectorOnChainInfo],
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<(PowerPair, TokenAmount, TokenAmount), ActorError> {
        let mut queue = self.queue(store, quant)?;
        let (old_numbers, new_numbers, power_delta, pledge_delta, fee_delta) =
            queue.replace_sectors(old_sectors, new_sectors, sector_size)?;
        self.expirations_epochs = queue.flush()?;
        let active = self.active_sectors();
        if !active.contains_all(&old_numbers) {
            return Err(
                actor_error!(illegal_state; "refusing to replace inactive sectors in {:?} (active: {:?})", old_numbers, active),
            );
        }
        self.sectors -= &old_numbers;
        self.sectors |= &new_numbers;
        self.live_power += &power_delta;
        self.validate_state()?;
        Ok((power_delta, pledge_delta, fee_delta))
    }

    /// Queues sectors terminated early at `epoch` for fee processing.
    pub fn record_early_termination<BS: Blockstore>(
        &mut self,
        store: &BS,
        epoch: ChainEpoch,
        sectors: &BitField,
    ) -> Result<(), ActorError> {
        let mut queue = BitFieldQueue::new(store, &self.early_terminated, NO_QUANTIZATION)?;
        queue.add_to_queue(epoch, sectors)?;
        self.early_terminated = queue.flush()?;
        Ok(())
    }

    /// Terminates live sectors at `epoch`: they leave the queue, faults and recoveries, and
    /// are queued as early terminations. Returns what was removed (with unproven power taken
    /// out of its active power) and the removed unproven power.
    #[allow(clippy::too_many_arguments)]
    pub fn terminate_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        epoch: ChainEpoch,
        sector_numbers: &BitField,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<(ExpirationSet, PowerPair), ActorError> {
        let (removed, unproven_power) =
            self.remove_live_sectors(store, sectors, sector_numbers, sector_size, quant)?;
        let removed_sectors = &removed.on_time_sectors | &removed.early_sectors;
        self.record_early_termination(store, epoch, &removed_sectors)?;
        Ok((removed, unproven_power))
    }

    /// FIP-0067: terminates live sectors replaced by newly sealed ones, as `terminate_sectors`
    /// does but without queueing them for a termination fee (a replaced sector pays none).
    pub fn terminate_replaced_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_numbers: &BitField,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<(ExpirationSet, PowerPair), ActorError> {
        self.remove_live_sectors(store, sectors, sector_numbers, sector_size, quant)
    }

    /// Takes live sectors out of the queue, faults, recoveries and unproven sectors and marks
    /// them terminated. Returns what was removed (with unproven power taken out of its active
    /// power) and the removed unproven power.
    fn remove_live_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_numbers: &BitField,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<(ExpirationSet, PowerPair), ActorError> {
        let live = self.live_sectors();
        if !live.contains_all(sector_numbers) {
            return Err(
                actor_error!(illegal_argument; "can only terminate live sectors, not {:?}", sector_numbers - &live),
            );
        }
        let infos = sectors.load_sectors(sector_numbers)?;
        let mut queue = self.queue(store, quant)?;
        let (mut removed, removed_recovering) =
            queue.remove_sectors(&infos, &self.faults, &self.recoveries, sector_size)?;
        self.expirations_epochs = queue.flush()?;

        let removed_sectors = &removed.on_time_sectors | &removed.early_sectors;
        let unproven = &removed_sectors & &self.unproven;
        self.faults -= &removed_sectors;
        self.recoveries -= &removed_sectors;
        self.terminated |= &removed_sectors;
        self.live_power -= &removed.active_power;
        self.live_power -= &removed.faulty_power;
        self.faulty_power -= &removed.faulty_power;
        self.recovering_power -= &removed_recovering;
        self.unproven -= &unproven;

        let unproven_power = power_for_sectors(sector_size, &select_sectors(&infos, &unproven)?);
        self.unproven_power -= &unproven_power;
        removed.active_power -= &unproven_power;
        self.validate_state()?;
        Ok((removed, unproven_power))
    }

    /// Terminates every sector expiring (on time or early) at or before `until`, queueing the
    /// early ones for fees. Must run after the deadline's proofs are processed. Returns the
    /// expired set.
    pub fn pop_expired_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        until: ChainEpoch,
        quant: QuantSpec,
    ) -> Result<ExpirationSet, ActorError> {
        if !self.unproven.is_empty() {
            return Err(
                actor_error!(illegal_state; "cannot pop expired sectors from a partition with unproven sectors"),
            );
        }
        let mut queue = self.queue(store, quant)?;
        let popped = queue.pop_until(until)?;
        self.expirations_epochs = queue.flush()?;

        let expired = &popped.on_time_sectors | &popped.early_sectors;
        // At deadline end recoveries were either proven or dropped by the missed PoSt.
        if !self.recoveries.is_empty() {
            return Err(
                actor_error!(illegal_state; "unexpected recoveries while processing expirations"),
            );
        }
        if !self.recovering_power.is_zero() {
            return Err(
                actor_error!(illegal_state; "unexpected recovering power while processing expirations"),
            );
        }
        if self.terminated.contains_any(&expired) {
            return Err(actor_error!(illegal_state; "expiring sectors already terminated"));
        }
        self.terminated |= &expired;
        self.faults -= &expired;
        self.live_power -= &(&popped.active_power + &popped.faulty_power);
        self.faulty_power -= &popped.faulty_power;
        self.record_early_termination(store, until, &popped.early_sectors)?;
        self.validate_state()?;
        Ok(popped)
    }

    /// A missed PoSt: every live sector becomes faulty (rescheduled to expire by
    /// `fault_expiration`) and recoveries are dropped. Returns the change of active power,
    /// the power to penalize (new faults plus failed recoveries) and the new faulty power.
    pub fn record_missed_post<BS: Blockstore>(
        &mut self,
        store: &BS,
        fault_expiration: ChainEpoch,
        quant: QuantSpec,
    ) -> Result<(PowerPair, PowerPair, PowerPair), ActorError> {
        let mut queue = self.queue(store, quant)?;
        queue.reschedule_all_as_faults(fault_expiration)?;
        self.expirations_epochs = queue.flush()?;

        let new_faulty_power = &self.live_power - &self.faulty_power;
        let penalized_power = &self.recovering_power + &new_faulty_power;
        // Unproven power was never active, so it is not lost.
        let power_delta = &self.unproven_power - &new_faulty_power;

        self.faults = self.live_sectors();
        self.recoveries = BitField::new();
        self.unproven = BitField::new();
        self.faulty_power = self.live_power.clone();
        self.recovering_power = PowerPair::zero();
        self.unproven_power = PowerPair::zero();
        self.validate_state()?;
        Ok((power_delta, penalized_power, new_faulty_power))
    }

    /// Pops up to `max_sectors` early terminations, oldest first. Returns them (counting this
    /// partition as processed) and whether more remain.
    pub fn pop_early_terminations<BS: Blockstore>(
        &mut self,
        store: &BS,
        max_sectors: u64,
    ) -> Result<(TerminationResult, bool), ActorError> {
        let mut queue = BitFieldQueue::new(store, &self.early_terminated, NO_QUANTIZATION)?;
        let mut result = TerminationResult {
            partitions_processed: 1,
            ..Default::default()
        };
        let mut done_keys = Vec::new();
        let mut rest = None;
        for (epoch, sectors) in queue.entries()? {
            let limit = max_sectors - result.sectors_processed;
            let count = sectors.len();
            let taken = if limit < count {
                let taken = sectors.slice(0, limit).ok_or_else(
                    || actor_error!(illegal_state; "expected more early terminations at {}", epoch),
                )?;
                rest = Some((epoch, &sectors - &taken));
                result.sectors_processed += limit;
                taken
            } else {
                done_keys.push(epoch as u64);
                result.sectors_processed += count;
                sectors
            };
            result.sectors.insert(epoch, taken);
            if result.sectors_processed >= max_sectors {
                break;
            }
        }
        queue.amt.batch_delete(done_keys, true).map_err(
            |e| actor_error!(illegal_state; "failed to remove early terminations: {}", e),
        )?;
        if let Some((epoch, sectors)) = rest {
            queue.amt.set(epoch as u64, sectors).map_err(
                |e| actor_error!(illegal_state; "failed to update early terminations: {}", e),
            )?;
        }
        self.early_terminated = queue.flush()?;
        self.validate_state()?;
        let has_more = queue.amt.count() > 0;
        Ok((result, has_more))
    }

    /// Records the sectors a PoSt skipped: new ones become faulty, recovering ones stop
    /// recovering. Returns the change of active power, the new faulty power, the retracted
    /// recovery power, and whether there are new faults.
    pub fn record_skipped_faults<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_size: SectorSize,
        quant: QuantSpec,
        fault_expiration: ChainEpoch,
        skipped: &BitField,
    ) -> Result<(PowerPair, PowerPair, PowerPair, bool), ActorError> {
        if skipped.is_empty() {
            return Ok((
                PowerPair::zero(),
                PowerPair::zero(),
                PowerPair::zero(),
                false,
            ));
        }
        if !self.sectors.contains_all(skipped) {
            return Err(
                actor_error!(illegal_argument; "skipped faults contains sectors outside partition: {:?}", skipped - &self.sectors),
            );
        }
        let retracted = &self.recoveries & skipped;
        let retracted_power = power_for_sectors(sector_size, &sectors.load_sectors(&retracted)?);
        let new_faults = &(skipped - &self.terminated) - &self.faults;
        let new_fault_infos = sectors.load_sectors(&new_faults)?;
        let (power_delta, new_faulty_power) = self.add_faults(
            store,
            &new_faults,
            &new_fault_infos,
            fault_expiration,
            sector_size,
            quant,
        )?;
        self.remove_recoveries(&retracted, &retracted_power);
        self.validate_state()?;
        Ok((
            power_delta,
            new_faulty_power,
            retracted_power,
            !new_fault_infos.is_empty(),
        ))
    }

    fn validate_contains(&self, sector_numbers: &BitField, what: &str) -> Result<(), ActorError> {
        if self.sectors.contains_all(sector_numbers) {
            Ok(())
        } else {
            Err(
                actor_error!(illegal_argument; "failed {}: sectors {:?} not assigned to the partition", what, sector_numbers - &self.sectors),
            )
        }
    }

    /// Fails if a power is negative or exceeds the power that contains it.
    pub fn validate_power_state(&self) -> Result<(), ActorError> {
        let problem = if self.live_power.is_negative() {
            "negative live power"
        } else if self.unproven_power.is_negative() {
            "negative unproven power"
        } else if self.faulty_power.is_negative() {
            "negative faulty power"
        } else if self.recovering_power.is_negative() {
            "negative recovering power"
        } else if self.unproven_power.raw > self.live_power.raw {
            "unproven power above live power"
        } else if self.faulty_power.raw > self.live_power.raw {
            "faulty power above live power"
        } else if self.recovering_power.raw > self.faulty_power.raw {
            "recovering power above faulty power"
        } else {
            return Ok(());
        };
        Err(actor_error!(illegal_state; "partition left with {}", problem))
    }

    /// Fails if the sector sets do not nest: unproven and faulty disjoint from terminated, all
    /// within sectors, recoveries within faults.
    pub fn validate_bf_state(&self) -> Result<(), ActorError> {
        let unproven_or_faulty = &self.unproven | &self.faults;
        if self.terminated.contains_any(&unproven_or_faulty) {
            return Err(
                actor_error!(illegal_state; "partition left with terminated sectors in multiple states"),
            );
        }
        if !self
            .sectors
            .contains_all(&(&unproven_or_faulty | &self.terminated))
        {
            return Err(actor_error!(illegal_state; "partition left with invalid sector state"));
        }
        if !self.faults.contains_all(&self.recoveries) {
            return Err(actor_error!(illegal_state; "partition left with invalid recovery state"));
        }
        Ok(())
    }

    pub fn validate_state(&self) -> Result<(), ActorError> {
        self.validate_power_state()?;
        self.validate_bf_state()
    }
}
