//! The partition's expiration queue: an AMT from quantized epoch to `ExpirationSet`, the sectors
//! that leave the partition then, either "on time" (their committed expiration) or "early"
//! (faulty for too long), with their pledge, power and FIP-0100 fee. Adding, rescheduling
//! (extension, faults, recoveries), replacing, removing (termination) and popping (deadline
//! end) keep every memoized total in step with the sector sets.

use std::collections::{BTreeMap, BTreeSet};

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_amt::{Amt, ValueMut};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{SectorNumber, SectorSize};
use num_traits::Zero;

use crate::bitfield_queue::{amt_err, epoch_key};
use crate::{power_for_sector, PowerPair, QuantSpec, SectorOnChainInfo};

/// Most sectors one queue entry's bitfield is expanded to (more than any partition holds).
const ENTRY_SECTORS_MAX: u64 = 10_000;

/// The sectors expiring at one epoch, with their totals.
///
/// Active power always belongs to on-time sectors; early sectors are always faulty. A faulty
/// sector may still be on-time if its committed expiration comes before its fault expiration.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Debug, Default, PartialEq, Eq)]
pub struct ExpirationSet {
    /// Sectors reaching their committed expiration.
    pub on_time_sectors: BitField,
    /// Sectors terminated for being faulty too long.
    pub early_sectors: BitField,
    /// Pledge of the on-time sectors.
    pub on_time_pledge: TokenAmount,
    /// Power of the set's non-faulty sectors.
    pub active_power: PowerPair,
    /// Power of the set's faulty sectors.
    pub faulty_power: PowerPair,
    /// FIP-0100: daily fee of the set's sectors, deducted from the deadline's fee when they
    /// expire. Sets written before FIP-0100 have five fields and decode with zero.
    #[serde(default)]
    pub fee_deduction: TokenAmount,
}

impl ExpirationSet {
    pub fn empty() -> Self {
        Default::default()
    }

    /// Adds sectors and totals.
    pub fn add(
        &mut self,
        on_time_sectors: &BitField,
        early_sectors: &BitField,
        on_time_pledge: &TokenAmount,
        active_power: &PowerPair,
        faulty_power: &PowerPair,
        fee_deduction: &TokenAmount,
    ) -> Result<(), ActorError> {
        self.on_time_sectors |= on_time_sectors;
        self.early_sectors |= early_sectors;
        self.on_time_pledge += on_time_pledge;
        self.active_power += active_power;
        self.faulty_power += faulty_power;
        self.fee_deduction += fee_deduction;
        self.validate_state()
    }

    /// Removes sectors and totals; the sectors must be in the set and no total may go negative.
    pub fn remove(
        &mut self,
        on_time_sectors: &BitField,
        early_sectors: &BitField,
        on_time_pledge: &TokenAmount,
        active_power: &PowerPair,
        faulty_power: &PowerPair,
        fee_deduction: &TokenAmount,
    ) -> Result<(), ActorError> {
        if !self.on_time_sectors.contains_all(on_time_sectors) {
            return Err(
                actor_error!(illegal_state; "removing on-time sectors {:?} not contained in {:?}", on_time_sectors, self.on_time_sectors),
            );
        }
        if !self.early_sectors.contains_all(early_sectors) {
            return Err(
                actor_error!(illegal_state; "removing early sectors {:?} not contained in {:?}", early_sectors, self.early_sectors),
            );
        }
        self.on_time_sectors -= on_time_sectors;
        self.early_sectors -= early_sectors;
        self.on_time_pledge -= on_time_pledge;
        self.active_power -= active_power;
        self.faulty_power -= faulty_power;
        self.fee_deduction -= fee_deduction;
        self.validate_state()
    }

    /// Whether no sector is in the set (the totals are then expected to be zero).
    pub fn is_empty(&self) -> bool {
        self.on_time_sectors.is_empty() && self.early_sectors.is_empty()
    }

    /// The number of sectors in the set.
    pub fn len(&self) -> u64 {
        self.on_time_sectors.len() + self.early_sectors.len()
    }

    /// Fails if any total is negative.
    pub fn validate_state(&self) -> Result<(), ActorError> {
        let negative = if self.on_time_pledge.is_negative() {
            Some("pledge")
        } else if self.active_power.is_negative() {
            Some("active power")
        } else if self.faulty_power.is_negative() {
            Some("faulty power")
        } else if self.fee_deduction.is_negative() {
            Some("fee deduction")
        } else {
            None
        };
        match negative {
            Some(what) => Err(
                actor_error!(illegal_state; "expiration set left with negative {}: {:?}", what, self),
            ),
            None => Ok(()),
        }
    }
}

/// Sectors of one queue entry matched against some sector infos, with their totals.
#[derive(Clone, Default)]
struct SectorEpochSet {
    epoch: ChainEpoch,
    sectors: Vec<u64>,
    power: PowerPair,
    pledge: TokenAmount,
    daily_fee: TokenAmount,
}

impl SectorEpochSet {
    fn push(&mut self, sector_size: SectorSize, sector: &SectorOnChainInfo) {
        self.sectors.push(sector.sector_number);
        self.power += &power_for_sector(sector_size, sector);
        self.pledge += &sector.initial_pledge;
        self.daily_fee += &sector.daily_fee;
    }

    fn bitfield(&self) -> Result<BitField, ActorError> {
        bitfield_of(self.sectors.iter().copied())
    }
}

fn bitfield_of(values: impl IntoIterator<Item = u64>) -> Result<BitField, ActorError> {
    BitField::try_from_bits(values)
        .map_err(|e| actor_error!(illegal_state; "sector numbers out of range: {}", e))
}

/// The expiration queue of a partition.
pub struct ExpirationQueue<BS: Blockstore> {
    pub amt: Amt<ExpirationSet, BS>,
    pub quant: QuantSpec,
}

impl<BS: Blockstore> ExpirationQueue<BS> {
    /// Loads the queue at `root`; epochs given to its methods are quantized up with `quant`.
    pub fn new(store: BS, root: &Cid, quant: QuantSpec) -> Result<Self, ActorError> {
        let amt = Amt::load(root, store)
            .map_err(amt_err(format!("failed to load expiration queue {}", root)))?;
        Ok(ExpirationQueue { amt, quant })
    }

    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.amt
            .flush()
            .map_err(amt_err("failed to store expiration queue"))
    }

    /// Schedules new, non-faulty sectors at their (quantized) expirations. Returns their
    /// numbers, power, pledge and daily fee.
    pub fn add_active_sectors<'s>(
        &mut self,
        sectors: impl IntoIterator<Item = &'s SectorOnChainInfo>,
        sector_size: SectorSize,
    ) -> Result<(BitField, PowerPair, TokenAmount, TokenAmount), ActorError> {
        let mut numbers = Vec::new();
        let mut power = PowerPair::zero();
        let mut pledge = TokenAmount::zero();
        let mut fee = TokenAmount::zero();
        for group in group_new_sectors_by_declared_expiration(sector_size, sectors, self.quant) {
            let group_sectors = group.bitfield()?;
            self.add(
                group.epoch,
                &group_sectors,
                &BitField::new(),
                &group.power,
                &PowerPair::zero(),
                &group.pledge,
                &group.daily_fee,
            )?;
            numbers.extend(group.sectors);
            power += &group.power;
            pledge += &group.pledge;
            fee += &group.daily_fee;
        }
        Ok((bitfield_of(numbers)?, power, pledge, fee))
    }

    /// Moves non-faulty sectors to expire on time at `new_expiration`, with unchanged power,
    /// pledge and fee (an extension without a change of power).
    pub fn reschedule_expirations(
        &mut self,
        new_expiration: ChainEpoch,
        sectors: &[SectorOnChainInfo],
        sector_size: SectorSize,
    ) -> Result<(), ActorError> {
        if sectors.is_empty() {
            return Ok(());
        }
        let (numbers, power, pledge, fee) = self.remove_active_sectors(sectors, sector_size)?;
        self.add(
            new_expiration,
            &numbers,
            &BitField::new(),
            &power,
            &PowerPair::zero(),
            &pledge,
            &fee,
        )
    }

    /// Marks non-faulty sectors faulty: those expiring on time after `new_expiration` move to it
    /// as early sectors (their pledge leaves the queue); those expiring earlier stay, with
    /// their power now faulty. Returns the power of all of them.
    pub fn reschedule_as_faults(
        &mut self,
        new_expiration: ChainEpoch,
        sectors: &[SectorOnChainInfo],
        sector_size: SectorSize,
    ) -> Result<PowerPair, ActorError> {
        let fault_epoch = self.quant.quantize_up(new_expiration);
        let mut moved = Vec::new();
        let mut moved_power = PowerPair::zero();
        let mut moved_fee = TokenAmount::zero();
        let mut staying_power = PowerPair::zero();
        for (group, mut set) in self.find_sectors_by_expiration(sector_size, sectors)? {
            if group.epoch <= fault_epoch {
                set.active_power -= &group.power;
                set.faulty_power += &group.power;
                staying_power += &group.power;
            } else {
                set.on_time_sectors -= &group.bitfield()?;
                set.on_time_pledge -= &group.pledge;
                set.active_power -= &group.power;
                set.fee_deduction -= &group.daily_fee;
                moved.extend_from_slice(&group.sectors);
                moved_power += &group.power;
                moved_fee += &group.daily_fee;
            }
            set.validate_state()?;
            self.must_update_or_delete(group.epoch, set)?;
        }
        if !moved.is_empty() {
            self.add(
                new_expiration,
                &BitField::new(),
                &bitfield_of(moved)?,
                &PowerPair::zero(),
                &moved_power,
                &TokenAmount::zero(),
                &moved_fee,
            )?;
        }
        Ok(&moved_power + &staying_power)
    }

    /// Marks every sector faulty (a missed PoSt): entries up to the fault expiration keep their
    /// sectors with all power faulty; later entries are merged into the fault expiration as
    /// early sectors.
    pub fn reschedule_all_as_faults(
        &mut self,
        fault_expiration: ChainEpoch,
    ) -> Result<(), ActorError> {
        let fault_epoch = self.quant.quantize_up(fault_expiration);
        let mut staying = Vec::new();
        let mut moved_epochs = Vec::new();
        let mut moved_sectors = BitField::new();
        let mut moved_power = PowerPair::zero();
        let mut moved_fee = TokenAmount::zero();
        let mut err = None;
        self.amt
            .for_each(|key, set| {
                let epoch = key as ChainEpoch;
                if epoch <= fault_epoch {
                    let mut set = set.clone();
                    set.faulty_power += &set.active_power;
                    set.active_power = PowerPair::zero();
                    staying.push((epoch, set));
                } else if !set.early_sectors.is_empty() {
                    err = Some(actor_error!(illegal_state; "attempted to re-schedule early expirations at {} to an earlier epoch", epoch));
                } else {
                    moved_epochs.push(key);
                    moved_sectors |= &set.on_time_sectors;
                    moved_power += &set.active_power;
                    moved_power += &set.faulty_power;
                    moved_fee += &set.fee_deduction;
                }
                Ok(())
            })
            .map_err(amt_err("failed to iterate expiration queue"))?;
        if let Some(e) = err {
            return Err(e);
        }
        for (epoch, set) in staying {
            set.validate_state()?;
            self.must_update(epoch, set)?;
        }
        if moved_epochs.is_empty() {
            return Ok(());
        }
        self.add(
            fault_expiration,
            &BitField::new(),
            &moved_sectors,
            &PowerPair::zero(),
            &moved_power,
            &TokenAmount::zero(),
            &moved_fee,
        )?;
        self.amt
            .batch_delete(moved_epochs, true)
            .map_err(amt_err("failed to remove rescheduled expirations"))?;
        Ok(())
    }

    /// Recovers faulty sectors: on-time ones stay with their power active again; early ones
    /// go back to their committed expiration with their pledge. Returns the recovered power.
    pub fn reschedule_recovered(
        &mut self,
        sectors: Vec<SectorOnChainInfo>,
        sector_size: SectorSize,
    ) -> Result<PowerPair, ActorError> {
        let mut remaining: BTreeMap<SectorNumber, &SectorOnChainInfo> =
            sectors.iter().map(|s| (s.sector_number, s)).collect();
        let mut rescheduled = Vec::new();
        let mut recovered = PowerPair::zero();
        self.iter_while_mut(|set| {
            let mut active_delta = PowerPair::zero();
            let mut fee_delta = TokenAmount::zero();
            for n in set.on_time_sectors.iter() {
                if let Some(sector) = remaining.remove(&n) {
                    active_delta += &power_for_sector(sector_size, sector);
                }
            }
            let mut early_recovered = Vec::new();
            let mut early_power = PowerPair::zero();
            for n in set.early_sectors.iter() {
                if let Some(sector) = remaining.remove(&n) {
                    early_power += &power_for_sector(sector_size, sector);
                    fee_delta += &sector.daily_fee;
                    early_recovered.push(n);
                    rescheduled.push(sector);
                }
            }
            recovered += &early_power;
            if !early_recovered.is_empty() || !active_delta.is_zero() {
                set.active_power += &active_delta;
                set.faulty_power -= &active_delta;
                set.faulty_power -= &early_power;
                set.fee_deduction -= &fee_delta;
                set.early_sectors -= &bitfield_of(early_recovered)?;
                recovered += &active_delta;
            }
            set.validate_state()?;
            Ok(!remaining.is_empty())
        })?;
        if !remaining.is_empty() {
            return Err(
                actor_error!(illegal_state; "sectors not found in expiration queue: {:?}", remaining.keys().collect::<Vec<_>>()),
            );
        }
        self.add_active_sectors(rescheduled, sector_size)?;
        Ok(recovered)
    }

    /// Replaces non-faulty sectors with others (possibly the same numbers with new power or
    /// expiration). Returns the removed and added numbers and the power, pledge and fee
    /// deltas (new minus old).
    pub fn replace_sectors(
        &mut self,
        old_sectors: &[SectorOnChainInfo],
        new_sectors: &[SectorOnChainInfo],
        sector_size: SectorSize,
    ) -> Result<(BitField, BitField, PowerPair, TokenAmount, TokenAmount), ActorError> {
        let (old_numbers, old_power, old_pledge, old_fee) =
            self.remove_active_sectors(old_sectors, sector_size)?;
        let (new_numbers, new_power, new_pledge, new_fee) =
            self.add_active_sectors(new_sectors, sector_size)?;
        Ok((
            old_numbers,
            new_numbers,
            &new_power - &old_power,
            new_pledge - old_pledge,
            new_fee - old_fee,
        ))
    }

    /// Removes sectors wherever they are scheduled (terminations). `faults` and `recovering`
    /// are the partition's sets, telling faulty from active power. Returns what was removed and
    /// the power of removed recovering sectors.
    pub fn remove_sectors(
        &mut self,
        sectors: &[SectorOnChainInfo],
        faults: &BitField,
        recovering: &BitField,
        sector_size: SectorSize,
    ) -> Result<(ExpirationSet, PowerPair), ActorError> {
        let (faulty, active): (Vec<&SectorOnChainInfo>, Vec<&SectorOnChainInfo>) =
            sectors.iter().partition(|s| faults.get(s.sector_number));
        let active: Vec<SectorOnChainInfo> = active.into_iter().cloned().collect();

        // Non-faulty sectors always expire on time, where their expiration says.
        let (numbers, power, pledge, fee) = self.remove_active_sectors(&active, sector_size)?;
        let mut removed = ExpirationSet {
            on_time_sectors: numbers,
            active_power: power,
            on_time_pledge: pledge,
            fee_deduction: fee,
            ..Default::default()
        };
        let mut recovering_power = PowerPair::zero();

        // Faulty sectors are early (within the fault max age) or on time; search the queue.
        let mut remaining: BTreeSet<SectorNumber> =
            faulty.iter().map(|s| s.sector_number).collect();
        self.iter_while_mut(|set| {
            let on_time: BTreeSet<u64> = expand(&set.on_time_sectors)?;
            let early: BTreeSet<u64> = expand(&set.early_sectors)?;
            for sector in &faulty {
                let n = sector.sector_number;
                if on_time.contains(&n) {
                    set.on_time_sectors.unset(n);
                    removed.on_time_sectors.set(n);
                    set.on_time_pledge -= &sector.initial_pledge;
                    removed.on_time_pledge += &sector.initial_pledge;
                } else if early.contains(&n) {
                    set.early_sectors.unset(n);
                    removed.early_sectors.set(n);
                } else {
                    continue;
                }
                let power = power_for_sector(sector_size, sector);
                set.faulty_power -= &power;
                removed.faulty_power += &power;
                if recovering.get(n) {
                    recovering_power += &power;
                }
                set.fee_deduction -= &sector.daily_fee;
                removed.fee_deduction += &sector.daily_fee;
                remaining.remove(&n);
            }
            set.validate_state()?;
            Ok(!remaining.is_empty())
        })?;
        if !remaining.is_empty() {
            return Err(
                actor_error!(illegal_state; "sectors not found in expiration queue: {:?}", remaining),
            );
        }
        Ok((removed, recovering_power))
    }

    /// Removes and merges every entry at or before `until`.
    pub fn pop_until(&mut self, until: ChainEpoch) -> Result<ExpirationSet, ActorError> {
        let mut popped = ExpirationSet::empty();
        let mut keys = Vec::new();
        self.amt
            .for_each_while(|key, set| {
                if key as ChainEpoch > until {
                    return Ok(false);
                }
                keys.push(key);
                popped.on_time_sectors |= &set.on_time_sectors;
                popped.early_sectors |= &set.early_sectors;
                popped.on_time_pledge += &set.on_time_pledge;
                popped.active_power += &set.active_power;
                popped.faulty_power += &set.faulty_power;
                popped.fee_deduction += &set.fee_deduction;
                Ok(true)
            })
            .map_err(amt_err("failed to iterate expiration queue"))?;
        self.amt
            .batch_delete(keys, true)
            .map_err(amt_err("failed to remove popped expirations"))?;
        Ok(popped)
    }

    /// Every entry, in epoch order.
    pub fn entries(&self) -> Result<Vec<(ChainEpoch, ExpirationSet)>, ActorError> {
        let mut out = Vec::new();
        self.amt
            .for_each(|key, set| {
                out.push((key as ChainEpoch, set.clone()));
                Ok(())
            })
            .map_err(amt_err("failed to iterate expiration queue"))?;
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        raw_epoch: ChainEpoch,
        on_time_sectors: &BitField,
        early_sectors: &BitField,
        active_power: &PowerPair,
        faulty_power: &PowerPair,
        pledge: &TokenAmount,
        fee: &TokenAmount,
    ) -> Result<(), ActorError> {
        let epoch = self.quant.quantize_up(raw_epoch);
        let mut set = self.may_get(epoch)?;
        set.add(
            on_time_sectors,
            early_sectors,
            pledge,
            active_power,
            faulty_power,
            fee,
        )
        .map_err(|e| e.wrap(format!("failed to add expirations at epoch {}", epoch)))?;
        self.must_update(epoch, set)
    }

    /// Removes non-faulty sectors from the entries where they expire on time.
    fn remove_active_sectors(
        &mut self,
        sectors: &[SectorOnChainInfo],
        sector_size: SectorSize,
    ) -> Result<(BitField, PowerPair, TokenAmount, TokenAmount), ActorError> {
        let mut numbers = Vec::new();
        let mut power = PowerPair::zero();
        let mut pledge = TokenAmount::zero();
        let mut fee = TokenAmount::zero();
        for (group, mut set) in self.find_sectors_by_expiration(sector_size, sectors)? {
            let group_sectors = group.bitfield()?;
            set.remove(
                &group_sectors,
                &BitField::new(),
                &group.pledge,
                &group.power,
                &PowerPair::zero(),
                &group.daily_fee,
            )
            .map_err(|e| {
                e.wrap(format!(
                    "failed to remove expirations at epoch {}",
                    group.epoch
                ))
            })?;
            self.must_update_or_delete(group.epoch, set)?;
            numbers.extend(group.sectors);
            power += &group.power;
            pledge += &group.pledge;
            fee += &group.daily_fee;
        }
        Ok((bitfield_of(numbers)?, power, pledge, fee))
    }

    /// Visits entries in order, letting `f` change them, until `f` says stop; rewrites the
    /// changed entries and deletes those left empty.
    fn iter_while_mut(
        &mut self,
        mut f: impl FnMut(&mut ValueMut<'_, ExpirationSet>) -> Result<bool, ActorError>,
    ) -> Result<(), ActorError> {
        let mut emptied = Vec::new();
        let mut err = None;
        self.amt
            .for_each_while_mut(|key, set| match f(set) {
                Ok(keep_going) => {
                    if set.is_empty() {
                        emptied.push(key);
                    }
                    Ok(keep_going)
                }
                Err(e) => {
                    err = Some(e);
                    Ok(false)
                }
            })
            .map_err(amt_err("failed to iterate expiration queue"))?;
        if let Some(e) = err {
            return Err(e);
        }
        self.amt
            .batch_delete(emptied, true)
            .map_err(amt_err("failed to remove emptied expirations"))?;
        Ok(())
    }

    fn may_get(&self, epoch: ChainEpoch) -> Result<ExpirationSet, ActorError> {
        Ok(self
            .amt
            .get(epoch_key(epoch)?)
            .map_err(amt_err(format!(
                "failed to look up expirations at {}",
                epoch
            )))?
            .cloned()
            .unwrap_or_default())
    }

    fn must_update(&mut self, epoch: ChainEpoch, set: ExpirationSet) -> Result<(), ActorError> {
        self.amt
            .set(epoch_key(epoch)?, set)
            .map_err(amt_err(format!("failed to set expirations at {}", epoch)))
    }

    fn must_update_or_delete(
        &mut self,
        epoch: ChainEpoch,
        set: ExpirationSet,
    ) -> Result<(), ActorError> {
        if set.is_empty() {
            self.amt.delete(epoch_key(epoch)?).map_err(amt_err(format!(
                "failed to delete expirations at {}",
                epoch
            )))?;
            Ok(())
        } else {
            self.must_update(epoch, set)
        }
    }

    /// Finds where each non-faulty sector expires on time: first at its declared (quantized)
    /// expiration, then, for sectors rescheduled earlier, by walking the queue. Returns the
    /// groups with the entry they were found in, in epoch order.
    fn find_sectors_by_expiration(
        &self,
        sector_size: SectorSize,
        sectors: &[SectorOnChainInfo],
    ) -> Result<Vec<(SectorEpochSet, ExpirationSet)>, ActorError> {
        let by_number: BTreeMap<u64, &SectorOnChainInfo> =
            sectors.iter().map(|s| (s.sector_number, s)).collect();
        let mut remaining: BTreeSet<u64> = by_number.keys().copied().collect();
        let declared: BTreeSet<ChainEpoch> = sectors
            .iter()
            .map(|s| self.quant.quantize_up(s.expiration))
            .collect();

        let mut groups = Vec::new();
        for &epoch in &declared {
            let set = self.may_get(epoch)?;
            let group = group_expiration_set(sector_size, &by_number, &mut remaining, &set, epoch);
            if !group.sectors.is_empty() {
                groups.push((group, set));
            }
        }

        if !remaining.is_empty() {
            let mut err = None;
            self.amt
                .for_each_while(|key, set| {
                    let epoch = key as ChainEpoch;
                    if declared.contains(&epoch) {
                        return Ok(true);
                    }
                    // Only active sectors are grouped; one found among early sectors is a bug.
                    if let Some(n) = set.early_sectors.iter().find(|n| remaining.contains(n)) {
                        err = Some(actor_error!(illegal_state; "sector {} is scheduled early at {}, not on time", n, epoch));
                        return Ok(false);
                    }
                    let group = group_expiration_set(sector_size, &by_number, &mut remaining, set, epoch);
                    if !group.sectors.is_empty() {
                        groups.push((group, set.clone()));
                    }
                    Ok(!remaining.is_empty())
                })
                .map_err(amt_err("failed to iterate expiration queue"))?;
            if let Some(e) = err {
                return Err(e);
            }
        }
        if !remaining.is_empty() {
            return Err(
                actor_error!(illegal_state; "sectors not found in expiration queue: {:?}", remaining),
            );
        }
        groups.sort_by_key(|(g, _)| g.epoch);
        Ok(groups)
    }
}

fn expand(bitfield: &BitField) -> Result<BTreeSet<u64>, ActorError> {
    Ok(bitfield
        .bounded_iter(ENTRY_SECTORS_MAX)
        .ok_or_else(|| actor_error!(illegal_state; "too many sectors in one expiration entry"))?
        .collect())
}

/// New sectors grouped by quantized expiration, in epoch order (sector order kept within).
fn group_new_sectors_by_declared_expiration<'s>(
    sector_size: SectorSize,
    sectors: impl IntoIterator<Item = &'s SectorOnChainInfo>,
    quant: QuantSpec,
) -> Vec<SectorEpochSet> {
    let mut by_epoch: BTreeMap<ChainEpoch, SectorEpochSet> = BTreeMap::new();
    for sector in sectors {
        let epoch = quant.quantize_up(sector.expiration);
        by_epoch
            .entry(epoch)
            .or_insert_with(|| SectorEpochSet {
                epoch,
                ..Default::default()
            })
            .push(sector_size, sector);
    }
    by_epoch.into_values().collect()
}

/// The sectors of `remaining` that expire on time in `set`, taken out of `remaining`.
fn group_expiration_set(
    sector_size: SectorSize,
    by_number: &BTreeMap<u64, &SectorOnChainInfo>,
    remaining: &mut BTreeSet<u64>,
    set: &ExpirationSet,
    epoch: ChainEpoch,
) -> SectorEpochSet {
    let mut group = SectorEpochSet {
        epoch,
        ..Default::default()
    };
    for n in set.on_time_sectors.iter() {
        if remaining.remove(&n) {
            if let Some(sector) = by_number.get(&n) {
                group.push(sector_size, sector);
            }
        }
    }
    group
}
