//! `Deadline`: the partitions due at one of the 48 deadlines of a proving period, the index of
//! which partitions have sectors expiring when, which have early terminations, sector counts,
//! memoized live and faulty power and FIP-0100 daily fee, and the snapshots kept for disputes.
//! This file owns adding sectors, faults and recoveries, terminations, expiry, compaction and
//! the end-of-deadline processing; Window PoSt records live in `deadline_post.rs`.

use std::cmp;
use std::collections::BTreeSet;

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorContext, ActorError};
use fvm_ipld_amt::Amt;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::SectorSize;
use num_traits::Zero;

use crate::bitfield_queue::amt_err;
use crate::{
    BitFieldQueue, ExpirationSet, Partition, PartitionSectorMap, PowerPair, QuantSpec,
    SectorOnChainInfo, Sectors, TerminationResult, SECTORS_AMT_BITWIDTH,
};

pub const DEADLINE_PARTITIONS_AMT_BITWIDTH: u32 = 3;
pub const DEADLINE_EXPIRATIONS_AMT_BITWIDTH: u32 = 5;
pub const DEADLINE_OPTIMISTIC_POST_SUBMISSIONS_AMT_BITWIDTH: u32 = 2;

/// A deadline, in v18's field order.
#[derive(Debug, Clone, Serialize_tuple, Deserialize_tuple, PartialEq, Eq)]
pub struct Deadline {
    /// Partition index -> `Partition` (AMT, bit width 3); indexes are 0, 1, 2, ...
    pub partitions: Cid,
    /// Quantized epoch -> partitions that may have sectors expiring then (on time or early).
    /// An entry stays until its epoch even if the sectors recover.
    pub expirations_epochs: Cid,
    /// Partitions proven (optimistically or verified) in the current challenge window.
    pub partitions_posted: BitField,
    /// Partitions with early terminations pending fees.
    pub early_terminations: BitField,
    /// Sectors not terminated (incl. faulty).
    pub live_sectors: u64,
    /// All sectors, incl. terminated ones not yet compacted away.
    pub total_sectors: u64,
    /// Sum of the partitions' faulty power.
    pub faulty_power: PowerPair,
    /// Index -> `WindowedPoSt` accepted optimistically in the current window (bit width 2).
    pub optimistic_post_submissions: Cid,
    /// The sectors AMT at the end of the previous window, kept while its proofs are disputable.
    pub sectors_snapshot: Cid,
    /// The partitions at the end of the previous window.
    pub partitions_snapshot: Cid,
    /// The optimistic proofs of the previous window, minus those successfully disputed.
    pub optimistic_post_submissions_snapshot: Cid,
    /// FIP-0100: power of all live sectors (active, faulty and unproven), used to cap the fee.
    pub live_power: PowerPair,
    /// FIP-0100: the daily fee of the deadline's live sectors.
    pub daily_fee: TokenAmount,
}

/// Creates an empty AMT of `bit_width` and returns its root.
pub(crate) fn empty_amt<BS: Blockstore>(store: &BS, bit_width: u32) -> Result<Cid, ActorError> {
    BitFieldQueue::flush_empty(store, bit_width)
}

impl Deadline {
    pub fn new<BS: Blockstore>(store: &BS) -> Result<Self, ActorError> {
        let partitions = empty_amt(store, DEADLINE_PARTITIONS_AMT_BITWIDTH)?;
        let proofs = empty_amt(store, DEADLINE_OPTIMISTIC_POST_SUBMISSIONS_AMT_BITWIDTH)?;
        Ok(Deadline {
            partitions,
            expirations_epochs: empty_amt(store, DEADLINE_EXPIRATIONS_AMT_BITWIDTH)?,
            partitions_posted: BitField::new(),
            early_terminations: BitField::new(),
            live_sectors: 0,
            total_sectors: 0,
            faulty_power: PowerPair::zero(),
            optimistic_post_submissions: proofs,
            sectors_snapshot: empty_amt(store, SECTORS_AMT_BITWIDTH)?,
            partitions_snapshot: partitions,
            optimistic_post_submissions_snapshot: proofs,
            live_power: PowerPair::zero(),
            daily_fee: TokenAmount::zero(),
        })
    }

    /// The partitions AMT.
    pub fn partitions_amt<'s, BS: Blockstore>(
        &self,
        store: &'s BS,
    ) -> Result<Amt<Partition, &'s BS>, ActorError> {
        Amt::load(&self.partitions, store).map_err(amt_err(format!(
            "failed to load partitions {}",
            self.partitions
        )))
    }

    /// The partitions snapshot AMT.
    pub fn partitions_snapshot_amt<'s, BS: Blockstore>(
        &self,
        store: &'s BS,
    ) -> Result<Amt<Partition, &'s BS>, ActorError> {
        Amt::load(&self.partitions_snapshot, store).map_err(amt_err(format!(
            "failed to load partitions snapshot {}",
            self.partitions_snapshot
        )))
    }

    /// The partition at `partition_idx`, or `USR_NOT_FOUND`.
    pub fn load_partition<BS: Blockstore>(
        &self,
        store: &BS,
        partition_idx: u64,
    ) -> Result<Partition, ActorError> {
        self.partitions_amt(store)?
            .get(partition_idx)
            .map_err(amt_err(format!(
                "failed to look up partition {}",
                partition_idx
            )))?
            .cloned()
            .ok_or_else(|| actor_error!(not_found; "no partition {}", partition_idx))
    }

    /// The snapshot of partition `partition_idx`, or `USR_NOT_FOUND`.
    pub fn load_partition_snapshot<BS: Blockstore>(
        &self,
        store: &BS,
        partition_idx: u64,
    ) -> Result<Partition, ActorError> {
        self.partitions_snapshot_amt(store)?
            .get(partition_idx)
            .map_err(amt_err(format!(
                "failed to look up partition snapshot {}",
                partition_idx
            )))?
            .cloned()
            .ok_or_else(|| actor_error!(not_found; "no partition snapshot {}", partition_idx))
    }

    /// Visits every partition in index order.
    pub fn for_each<BS: Blockstore>(
        &self,
        store: &BS,
        mut f: impl FnMut(u64, &Partition) -> Result<(), ActorError>,
    ) -> Result<(), ActorError> {
        let mut err = None;
        self.partitions_amt(store)?
            .for_each_while(|i, p| match f(i, p) {
                Ok(()) => Ok(true),
                Err(e) => {
                    err = Some(e);
                    Ok(false)
                }
            })
            .map_err(amt_err("failed to iterate partitions"))?;
        err.map_or(Ok(()), Err)
    }

    /// Records that `partitions` may have sectors expiring at `expiration_epoch`.
    pub fn add_expiration_partitions<BS: Blockstore>(
        &mut self,
        store: &BS,
        expiration_epoch: ChainEpoch,
        partitions: &[u64],
        quant: QuantSpec,
    ) -> Result<(), ActorError> {
        if partitions.is_empty() {
            return Ok(());
        }
        let mut queue = BitFieldQueue::new(store, &self.expirations_epochs, quant)?;
        queue.add_to_queue_values(expiration_epoch, partitions.iter().copied())?;
        self.expirations_epochs = queue.flush()?;
        Ok(())
    }

    /// Terminates every sector of the deadline expiring at or before `until`. Returns them.
    pub fn pop_expired_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        until: ChainEpoch,
        quant: QuantSpec,
    ) -> Result<ExpirationSet, ActorError> {
        let (expired_partitions, modified) = self.pop_expired_partitions(store, until, quant)?;
        if !modified {
            return Ok(ExpirationSet::empty());
        }
        let mut partitions = self.partitions_amt(store)?;
        let mut all = ExpirationSet::empty();
        let mut with_early = Vec::new();
        for idx in expired_partitions.iter() {
            let mut partition = partitions
                .get(idx)
                .map_err(amt_err(format!("failed to load partition {}", idx)))?
                .cloned()
                .ok_or_else(|| actor_error!(illegal_state; "missing expected partition {}", idx))?;
            let expired = partition
                .pop_expired_sectors(store, until, quant)
                .with_context(|| format!("failed to pop expired sectors from partition {}", idx))?;
            if !expired.early_sectors.is_empty() {
                with_early.push(idx);
            }
            all.add(
                &expired.on_time_sectors,
                &expired.early_sectors,
                &expired.on_time_pledge,
                &expired.active_power,
                &expired.faulty_power,
                &expired.fee_deduction,
            )?;
            partitions
                .set(idx, partition)
                .map_err(amt_err(format!("failed to store partition {}", idx)))?;
        }
        self.partitions = partitions
            .flush()
            .map_err(amt_err("failed to store partitions"))?;
        self.early_terminations |= &BitField::try_from_bits(with_early)
            .map_err(|e| actor_error!(illegal_state; "partition index out of range: {}", e))?;
        self.live_sectors -= all.len();
        self.faulty_power -= &all.faulty_power;
        self.live_power -= &all.faulty_power;
        self.live_power -= &all.active_power;
        self.daily_fee -= &all.fee_deduction;
        Ok(all)
    }

    /// Adds sectors (assumed non-faulty), filling the last partition first and opening new ones
    /// of `partition_size`. The caller makes sure the deadline is not being proven. `new_fees`
    /// says whether the sectors' fees are new to the deadline (not when sectors only move).
    /// Returns the power and fee added.
    #[allow(clippy::too_many_arguments)]
    pub fn add_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        partition_size: u64,
        proven: bool,
        new_fees: bool,
        mut sectors: &[SectorOnChainInfo],
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<(PowerPair, TokenAmount), ActorError> {
        let mut total_power = PowerPair::zero();
        let mut total_fee = TokenAmount::zero();
        if sectors.is_empty() {
            return Ok((total_power, total_fee));
        }
        self.live_sectors += sectors.len() as u64;
        self.total_sectors += sectors.len() as u64;

        let mut partitions = self.partitions_amt(store)?;
        let mut expirations = Vec::with_capacity(sectors.len());
        let mut idx = partitions.count().saturating_sub(1);
        while !sectors.is_empty() {
            let mut partition = match partitions
                .get(idx)
                .map_err(amt_err(format!("failed to load partition {}", idx)))?
            {
                Some(p) => p.clone(),
                None => Partition::new(store)?,
            };
            let count = partition.sectors.len();
            if count < partition_size {
                let take = cmp::min(partition_size - count, sectors.len() as u64) as usize;
                let (these, rest) = sectors.split_at(take);
                sectors = rest;
                let (power, fee) =
                    partition.add_sectors(store, proven, these, sector_size, quant)?;
                total_power += &power;
                if new_fees {
                    total_fee += &fee;
                }
                partitions
                    .set(idx, partition)
                    .map_err(amt_err(format!("failed to store partition {}", idx)))?;
                expirations.extend(these.iter().map(|s| (s.expiration, idx)));
            }
            idx += 1;
        }
        self.partitions = partitions
            .flush()
            .map_err(amt_err("failed to store partitions"))?;

        let mut queue = BitFieldQueue::new(store, &self.expirations_epochs, quant)?;
        queue.add_many_to_queue_values(expirations)?;
        self.expirations_epochs = queue.flush()?;
        self.daily_fee += &total_fee;
        self.live_power += &total_power;
        Ok((total_power, total_fee))
    }

    /// Pops early terminations from the partitions that have them, within the limits. Returns
    /// them and whether more remain.
    pub fn pop_early_terminations<BS: Blockstore>(
        &mut self,
        store: &BS,
        max_partitions: u64,
        max_sectors: u64,
    ) -> Result<(TerminationResult, bool), ActorError> {
        let mut partitions = self.partitions_amt(store)?;
        let mut finished = Vec::new();
        let mut result = TerminationResult::new();
        for idx in self.early_terminations.iter() {
            let Some(partition) = partitions
                .get(idx)
                .map_err(amt_err(format!("failed to load partition {}", idx)))?
            else {
                finished.push(idx);
                continue;
            };
            let mut partition = partition.clone();
            let (popped, more) = partition
                .pop_early_terminations(store, max_sectors - result.sectors_processed)
                .with_context(|| {
                    format!("failed to pop early terminations from partition {}", idx)
                })?;
            result += popped;
            if !more {
                finished.push(idx);
            }
            partitions
                .set(idx, partition)
                .map_err(amt_err(format!("failed to store partition {}", idx)))?;
            if !result.below_limit(max_partitions, max_sectors) {
                break;
            }
        }
        for idx in finished {
            self.early_terminations.unset(idx);
        }
        self.partitions = partitions
            .flush()
            .map_err(amt_err("failed to store partitions"))?;
        Ok((result, !self.early_terminations.is_empty()))
    }

    /// Pops the partitions indexed as having expirations at or before `until`.
    pub fn pop_expired_partitions<BS: Blockstore>(
        &mut self,
        store: &BS,
        until: ChainEpoch,
        quant: QuantSpec,
    ) -> Result<(BitField, bool), ActorError> {
        let mut queue = BitFieldQueue::new(store, &self.expirations_epochs, quant)?;
        let (popped, modified) = queue.pop_until(until)?;
        if modified {
            self.expirations_epochs = queue.flush()?;
        }
        Ok((popped, modified))
    }

    /// Terminates the addressed sectors at `epoch`, queueing them for their termination fee.
    /// Returns the active power lost.
    #[allow(clippy::too_many_arguments)]
    pub fn terminate_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        epoch: ChainEpoch,
        partition_sectors: &mut PartitionSectorMap,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<PowerPair, ActorError> {
        self.remove_sectors(
            store,
            sectors,
            Some(epoch),
            partition_sectors,
            sector_size,
            quant,
        )
    }

    /// FIP-0067 deadline termination: terminates every live sector of the deadline at `epoch`,
    /// queueing them for their termination fee. Returns the active power lost.
    pub fn terminate_all_live_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        epoch: ChainEpoch,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<PowerPair, ActorError> {
        let mut live = PartitionSectorMap::default();
        self.for_each(store, |idx, partition| {
            let numbers = partition.live_sectors();
            if !numbers.is_empty() {
                live.add(idx, numbers);
            }
            Ok(())
        })?;
        self.terminate_sectors(store, sectors, epoch, &mut live, sector_size, quant)
    }

    /// FIP-0067 `ReplaceSector`: terminates the addressed sectors without a termination fee.
    /// Returns the active power lost.
    pub fn terminate_replaced_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        partition_sectors: &mut PartitionSectorMap,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<PowerPair, ActorError> {
        self.remove_sectors(store, sectors, None, partition_sectors, sector_size, quant)
    }

    /// Terminates the addressed sectors, queued for their fee as terminated at `fee_epoch` if
    /// given. Returns the active power lost.
    fn remove_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        fee_epoch: Option<ChainEpoch>,
        partition_sectors: &mut PartitionSectorMap,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<PowerPair, ActorError> {
        let mut partitions = self.partitions_amt(store)?;
        let mut power_lost = PowerPair::zero();
        for (idx, sector_numbers) in partition_sectors.iter() {
            let mut partition = partitions
                .get(idx)
                .map_err(amt_err(format!("failed to load partition {}", idx)))?
                .cloned()
                .ok_or_else(|| actor_error!(not_found; "failed to find partition {}", idx))?;
            let (removed, removed_unproven) = match fee_epoch {
                Some(epoch) => partition.terminate_sectors(
                    store,
                    sectors,
                    epoch,
                    sector_numbers,
                    sector_size,
                    quant,
                ),
                None => partition.terminate_replaced_sectors(
                    store,
                    sectors,
                    sector_numbers,
                    sector_size,
                    quant,
                ),
            }
            .with_context(|| format!("failed to terminate sectors in partition {}", idx))?;
            partitions
                .set(idx, partition)
                .map_err(amt_err(format!("failed to store partition {}", idx)))?;
            if !removed.is_empty() {
                if fee_epoch.is_some() {
                    self.early_terminations.set(idx);
                }
                self.live_sectors -= removed.len();
            }
            self.faulty_power -= &removed.faulty_power;
            self.live_power -= &removed.active_power;
            self.live_power -= &removed.faulty_power;
            self.live_power -= &removed_unproven;
            self.daily_fee -= &removed.fee_deduction;
            power_lost += &removed.active_power;
        }
        self.partitions = partitions
            .flush()
            .map_err(amt_err("failed to store partitions"))?;
        Ok(power_lost)
    }

    /// Removes the partitions in `to_remove` (which must have no faults or unproven sectors,
    /// and the deadline no pending early terminations), renumbers the rest, and re-adds their
    /// live sectors as proven sectors in fresh partitions. Returns the dead sectors removed,
    /// whose infos the caller deletes. Fees are unchanged: the moved sectors keep theirs.
    #[allow(clippy::too_many_arguments)]
    pub fn compact_partitions<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_size: SectorSize,
        partition_size: u64,
        to_remove: &BitField,
        quant: QuantSpec,
    ) -> Result<BitField, ActorError> {
        let old = self.partitions_amt(store)?;
        let count = old.count();
        let to_remove: BTreeSet<u64> = to_remove
            .bounded_iter(count)
            .ok_or_else(
                || actor_error!(illegal_argument; "partitions to remove exceed total {}", count),
            )?
            .collect();
        match to_remove.last() {
            None => return Ok(BitField::new()),
            Some(&max) if max >= count => {
                return Err(
                    actor_error!(illegal_argument; "partition index {} out of range [0, {})", max, count),
                );
            }
            Some(_) => {}
        }
        if !self.early_terminations.is_empty() {
            return Err(
                actor_error!(illegal_argument; "cannot remove partitions from deadline with early terminations"),
            );
        }

        let mut kept: Amt<Partition, &BS> =
            Amt::new_with_bit_width(store, DEADLINE_PARTITIONS_AMT_BITWIDTH);
        let mut dead = BitField::new();
        let mut live = BitField::new();
        let mut removed_power = PowerPair::zero();
        let mut err = None;
        old.for_each_while(|idx, partition| {
            if !to_remove.contains(&idx) {
                kept.set(kept.count(), partition.clone())?;
                return Ok(true);
            }
            if !partition.faults.is_empty() {
                err = Some(actor_error!(illegal_argument; "cannot remove partition {}: has faults", idx));
                return Ok(false);
            }
            if !partition.unproven.is_empty() {
                err = Some(actor_error!(illegal_argument; "cannot remove partition {}: has unproven sectors", idx));
                return Ok(false);
            }
            dead |= &partition.terminated;
            live |= &partition.live_sectors();
            removed_power += &partition.live_power;
            Ok(true)
        })
        .map_err(amt_err("failed to iterate partitions"))?;
        if let Some(e) = err {
            return Err(e);
        }
        self.partitions = kept
            .flush()
            .map_err(amt_err("failed to store compacted partitions"))?;

        self.live_sectors -= live.len();
        self.total_sectors -= live.len() + dead.len();
        // No faults in removed partitions, so faulty power is unchanged.
        self.live_power -= &removed_power;

        let mut queue = BitFieldQueue::new(store, &self.expirations_epochs, quant)?;
        let removed_bits = BitField::try_from_bits(to_remove.iter().copied())
            .map_err(|e| actor_error!(illegal_argument; "partition index out of range: {}", e))?;
        queue.cut(&removed_bits)?;
        self.expirations_epochs = queue.flush()?;

        let live_infos = sectors.load_sectors(&live)?;
        let (added_power, added_fee) = self
            .add_sectors(
                store,
                partition_size,
                true,
                false,
                &live_infos,
                sector_size,
                quant,
            )
            .context("failed to add back moved sectors")?;
        if !added_fee.is_zero() {
            return Err(
                actor_error!(illegal_state; "unexpected fee when adding back moved sectors: {}", added_fee),
            );
        }
        if removed_power != added_power {
            return Err(
                actor_error!(illegal_state; "power changed when compacting partitions: was {:?}, is now {:?}", removed_power, added_power),
            );
        }
        Ok(dead)
    }

    /// Declares faults in the addressed partitions. Returns the change of active power.
    pub fn record_faults<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_size: SectorSize,
        quant: QuantSpec,
        fault_expiration: ChainEpoch,
        partition_sectors: &mut PartitionSectorMap,
    ) -> Result<PowerPair, ActorError> {
        let mut partitions = self.partitions_amt(store)?;
        let mut with_faults = Vec::new();
        let mut power_delta = PowerPair::zero();
        for (idx, sector_numbers) in partition_sectors.iter() {
            let mut partition = partitions
                .get(idx)
                .map_err(amt_err(format!("failed to load partition {}", idx)))?
                .cloned()
                .ok_or_else(|| actor_error!(not_found; "no such partition {}", idx))?;
            let (new_faults, delta, new_faulty_power) = partition
                .record_faults(
                    store,
                    sectors,
                    sector_numbers,
                    fault_expiration,
                    sector_size,
                    quant,
                )
                .with_context(|| format!("failed to declare faults in partition {}", idx))?;
            self.faulty_power += &new_faulty_power;
            power_delta += &delta;
            if !new_faults.is_empty() {
                with_faults.push(idx);
            }
            partitions
                .set(idx, partition)
                .map_err(amt_err(format!("failed to store partition {}", idx)))?;
        }
        self.partitions = partitions
            .flush()
            .map_err(amt_err("failed to store partitions"))?;
        self.add_expiration_partitions(store, fault_expiration, &with_faults, quant)?;
        Ok(power_delta)
    }

    /// Declares recoveries in the addressed partitions; power returns at the next PoSt.
    pub fn declare_faults_recovered<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_size: SectorSize,
        partition_sectors: &mut PartitionSectorMap,
    ) -> Result<(), ActorError> {
        let mut partitions = self.partitions_amt(store)?;
        for (idx, sector_numbers) in partition_sectors.iter() {
            let mut partition = partitions
                .get(idx)
                .map_err(amt_err(format!("failed to load partition {}", idx)))?
                .cloned()
                .ok_or_else(|| actor_error!(not_found; "no such partition {}", idx))?;
            partition
                .declare_faults_recovered(sectors, sector_size, sector_numbers)
                .with_context(|| format!("failed to add recoveries to partition {}", idx))?;
            partitions
                .set(idx, partition)
                .map_err(amt_err(format!("failed to store partition {}", idx)))?;
        }
        self.partitions = partitions
            .flush()
            .map_err(amt_err("failed to store partitions"))?;
        Ok(())
    }

    /// At the end of the deadline's window: every partition not proven loses its power to
    /// faults (and its recoveries), the proofs and partitions are snapshotted for disputes and
    /// the window's records reset. `sectors` is the miner's sectors AMT root, snapshotted when
    /// there is a proof to dispute. Returns the change of active power and the power to
    /// penalize.
    pub fn process_deadline_end<BS: Blockstore>(
        &mut self,
        store: &BS,
        quant: QuantSpec,
        fault_expiration: ChainEpoch,
        sectors: Cid,
    ) -> Result<(PowerPair, PowerPair), ActorError> {
        let mut partitions = self.partitions_amt(store)?;
        let mut detected_any = false;
        let mut rescheduled = Vec::new();
        let mut power_delta = PowerPair::zero();
        let mut penalized = PowerPair::zero();
        for idx in 0..partitions.count() {
            if self.partitions_posted.get(idx) {
                continue;
            }
            let mut partition = partitions
                .get(idx)
                .map_err(amt_err(format!("failed to load partition {}", idx)))?
                .cloned()
                .ok_or_else(|| actor_error!(illegal_state; "no partition {}", idx))?;
            // Nothing to do when all is already faulty and nothing was to recover.
            if partition.recovering_power.is_zero()
                && partition.faulty_power == partition.live_power
            {
                continue;
            }
            detected_any = true;
            let (delta, part_penalized, new_faulty) = partition
                .record_missed_post(store, fault_expiration, quant)
                .with_context(|| format!("failed to record missed PoSt for partition {}", idx))?;
            if !new_faulty.is_zero() {
                rescheduled.push(idx);
            }
            partitions
                .set(idx, partition)
                .map_err(amt_err(format!("failed to store partition {}", idx)))?;
            self.faulty_power += &new_faulty;
            power_delta += &delta;
            penalized += &part_penalized;
        }
        if detected_any {
            self.partitions = partitions
                .flush()
                .map_err(amt_err("failed to store partitions"))?;
        }
        self.add_expiration_partitions(store, fault_expiration, &rescheduled, quant)?;

        self.partitions_posted = BitField::new();
        self.partitions_snapshot = self.partitions;
        self.optimistic_post_submissions_snapshot = self.optimistic_post_submissions;
        self.optimistic_post_submissions =
            empty_amt(store, DEADLINE_OPTIMISTIC_POST_SUBMISSIONS_AMT_BITWIDTH)?;
        // The sectors are only worth keeping when there is a proof that may be disputed.
        self.sectors_snapshot =
            if self.optimistic_post_submissions != self.optimistic_post_submissions_snapshot {
                sectors
            } else {
                empty_amt(store, SECTORS_AMT_BITWIDTH)?
            };
        Ok((power_delta, penalized))
    }

    /// The number of faulty sectors over all partitions (zero, without loading any, when the
    /// deadline has no faulty power).
    /// How many of the deadline's live sectors carry a FIP-0100 daily fee (sectors onboarded
    /// before FIP-0100 and never extended since pay none). Loads their infos from `sectors`.
    pub fn count_fee_paying_sectors<BS: Blockstore>(
        &self,
        store: &BS,
        sectors: &Cid,
    ) -> Result<u64, ActorError> {
        let mut live = BitField::new();
        self.for_each(store, |_, partition| {
            live |= &partition.live_sectors();
            Ok(())
        })?;
        let infos = Sectors::load(store, sectors)?.load_sectors(&live)?;
        Ok(infos.iter().filter(|s| s.daily_fee.is_positive()).count() as u64)
    }

    pub fn count_faults<BS: Blockstore>(&self, store: &BS) -> Result<u64, ActorError> {
        let mut count = 0;
        if !self.faulty_power.is_zero() {
            self.for_each(store, |_, partition| {
                count += partition.faults.len();
                Ok(())
            })?;
        }
        Ok(count)
    }

    /// Fails if more sectors are live than exist, or faulty power is negative.
    pub fn validate_state(&self) -> Result<(), ActorError> {
        if self.live_sectors > self.total_sectors {
            return Err(
                actor_error!(illegal_state; "deadline left with more live sectors than total"),
            );
        }
        if self.faulty_power.is_negative() {
            return Err(actor_error!(illegal_state; "deadline left with negative faulty power"));
        }
        Ok(())
    }

    /// Whether the deadline's end needs processing: it has live sectors, or proofs or
    /// snapshots that are not yet cleared.
    pub fn is_live(&self) -> bool {
        self.live_sectors > 0
            || !self.partitions_posted.is_empty()
            || self.partitions != self.partitions_snapshot
            || self.optimistic_post_submissions != self.optimistic_post_submissions_snapshot
    }
}
