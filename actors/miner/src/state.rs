//! The miner's root `State` (v18 layout) and its operations: sector number allocation,
//! pre-commitments and their clean-up, sector infos, placement of sectors in deadlines,
//! early-termination processing, the deadline cron's advance, and funds: deposits, pledge,
//! vesting, fee debt and the order in which debt is repaid.

use cid::Cid;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorContext, ActorError};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::CborStore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{SectorNumber, SectorSize};
use multihash_codetable::Code;
use num_traits::Zero;
use serde::ser::SerializeTuple;
use serde::{Serialize, Serializer};

use crate::{
    assign_deadlines, deadline_is_mutable, load_precommits, BitFieldQueue, Deadline,
    DeadlineEnforcement, DeadlineInfo, DeadlineSectorMap, Deadlines, MinerInfo, OldSectors,
    PowerPair, PreCommitMap, QuantSpec, SectorOnChainInfo, SectorPreCommitOnChainInfo, Sectors,
    TerminationResult, VestingFunds, MAX_SECTOR_NUMBER,
};

/// Bit width of the pre-commit clean-up queue.
pub const PRECOMMIT_EXPIRY_AMT_BITWIDTH: u32 = 6;

/// The miner's state root, in v18's field order.
///
/// Invariant: balance >= pre_commit_deposits + locked_funds + initial_pledge. A balance below
/// that plus the fee debt means the miner is in debt and may not withdraw.
///
/// Encoding: v18's 15-element array while `old_sectors` is absent, byte for byte, so every
/// decoder written for v18 reads the miner; a 16-element array once FIP-0067 has begun for it.
/// Both lengths decode (a 16th element of null too, as earlier states of this bundle wrote it).
#[derive(Deserialize_tuple, Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// CID of the `MinerInfo`.
    pub info: Cid,
    /// Total deposits of the pending pre-commitments.
    pub pre_commit_deposits: TokenAmount,
    /// Total of the vesting table.
    pub locked_funds: TokenAmount,
    /// The vesting table (head inline, tail linked).
    pub vesting_funds: VestingFunds,
    /// Fees and penalties not yet paid.
    pub fee_debt: TokenAmount,
    /// Total initial pledge of the live sectors.
    pub initial_pledge: TokenAmount,
    /// Sector number -> `SectorPreCommitOnChainInfo` (HAMT).
    pub pre_committed_sectors: Cid,
    /// Quantized epoch -> pre-commitments to clean up then (AMT of bitfields, bit width 6).
    pub pre_committed_sectors_cleanup: Cid,
    /// CID of the bitfield of sector numbers ever allocated (never reused).
    pub allocated_sectors: Cid,
    /// Sector number -> `SectorOnChainInfo` (AMT, bit width 5); sectors leave at compaction.
    pub sectors: Cid,
    /// The first epoch of the current proving period (may be ahead of the chain for a new
    /// miner); advanced by the deadline cron.
    pub proving_period_start: ChainEpoch,
    /// The deadline of the period not yet processed by cron.
    pub current_deadline: u64,
    /// CID of the `Deadlines`.
    pub deadlines: Cid,
    /// Deadlines with early terminations pending fees.
    pub early_terminations: BitField,
    /// Whether the deadline cron is scheduled.
    pub deadline_cron_active: bool,
    /// FIP-0067: the census of old sectors, then their counters; absent until the timeline
    /// starts for this miner. Appended after v18's fields, which keep their positions and
    /// encodings, and left out of the bytes while absent.
    #[serde(default)]
    pub old_sectors: Option<OldSectors>,
}

impl Serialize for State {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = if self.old_sectors.is_some() { 16 } else { 15 };
        let mut t = serializer.serialize_tuple(len)?;
        t.serialize_element(&self.info)?;
        t.serialize_element(&self.pre_commit_deposits)?;
        t.serialize_element(&self.locked_funds)?;
        t.serialize_element(&self.vesting_funds)?;
        t.serialize_element(&self.fee_debt)?;
        t.serialize_element(&self.initial_pledge)?;
        t.serialize_element(&self.pre_committed_sectors)?;
        t.serialize_element(&self.pre_committed_sectors_cleanup)?;
        t.serialize_element(&self.allocated_sectors)?;
        t.serialize_element(&self.sectors)?;
        t.serialize_element(&self.proving_period_start)?;
        t.serialize_element(&self.current_deadline)?;
        t.serialize_element(&self.deadlines)?;
        t.serialize_element(&self.early_terminations)?;
        t.serialize_element(&self.deadline_cron_active)?;
        if let Some(old_sectors) = &self.old_sectors {
            t.serialize_element(old_sectors)?;
        }
        t.end()
    }
}

/// Whether allocating sector numbers already allocated is an error.
#[derive(PartialEq, Eq, Debug, Clone, Copy)]
pub enum CollisionPolicy {
    AllowCollisions,
    DenyCollisions,
}

/// What the deadline cron changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdvanceDeadlineResult {
    /// Pledge released by on-time expirations (negative or zero).
    pub pledge_delta: TokenAmount,
    pub power_delta: PowerPair,
    /// Faulty power before this deadline's processing (incl. recovering).
    pub previously_faulty_power: PowerPair,
    /// How many sectors that faulty power is (the continued-fault fee's sector count).
    pub previously_faulty_sectors: u64,
    /// Power of new faults and failed recoveries.
    pub detected_faulty_power: PowerPair,
    /// Faulty power after detection, before expirations. Failed recoveries count in both
    /// previous and detected, so this is not their sum.
    pub total_faulty_power: PowerPair,
    /// FIP-0100: the deadline's daily fee after expirations.
    pub daily_fee: TokenAmount,
    /// FIP-0100: the deadline's live power after expirations.
    pub live_power: PowerPair,
    /// How many of the deadline's live sectors after expirations pay a daily fee (counted only
    /// when the deadline's daily fee is positive).
    pub fee_paying_sectors: u64,
}

fn put<BS: Blockstore, T: Serialize>(store: &BS, value: &T, what: &str) -> Result<Cid, ActorError> {
    store
        .put_cbor(value, Code::Blake2b256)
        .map_err(|e| actor_error!(illegal_state; "failed to store {}: {}", what, e))
}

impl State {
    /// A new miner's state, with empty collections and the given period start and deadline.
    pub fn new<BS: Blockstore>(
        policy: &Policy,
        store: &BS,
        info: Cid,
        period_start: ChainEpoch,
        deadline_idx: u64,
    ) -> Result<Self, ActorError> {
        let empty_deadline = put(store, &Deadline::new(store)?, "empty deadline")?;
        Ok(State {
            info,
            pre_commit_deposits: TokenAmount::zero(),
            locked_funds: TokenAmount::zero(),
            vesting_funds: VestingFunds::new(),
            fee_debt: TokenAmount::zero(),
            initial_pledge: TokenAmount::zero(),
            pre_committed_sectors: PreCommitMap::flush_empty(store)?,
            pre_committed_sectors_cleanup: BitFieldQueue::flush_empty(
                store,
                PRECOMMIT_EXPIRY_AMT_BITWIDTH,
            )?,
            allocated_sectors: put(store, &BitField::new(), "empty bitfield")?,
            sectors: Sectors::flush_empty(store)?,
            proving_period_start: period_start,
            current_deadline: deadline_idx,
            deadlines: put(
                store,
                &Deadlines::new(policy, empty_deadline),
                "empty deadlines",
            )?,
            early_terminations: BitField::new(),
            deadline_cron_active: false,
            old_sectors: None,
        })
    }

    // --- info ---

    pub fn get_info<BS: Blockstore>(&self, store: &BS) -> Result<MinerInfo, ActorError> {
        store
            .get_cbor(&self.info)
            .map_err(
                |e| actor_error!(illegal_state; "failed to load miner info {}: {}", self.info, e),
            )?
            .ok_or_else(|| actor_error!(not_found; "miner info {} not found", self.info))
    }

    pub fn save_info<BS: Blockstore>(
        &mut self,
        store: &BS,
        info: &MinerInfo,
    ) -> Result<(), ActorError> {
        self.info = put(store, info, "miner info")?;
        Ok(())
    }

    // --- deadline arithmetic ---

    /// The current deadline as the epoch and the period offset say (right even when the
    /// deadline cron is not running).
    pub fn deadline_info(&self, policy: &Policy, current_epoch: ChainEpoch) -> DeadlineInfo {
        DeadlineInfo::from_offset_and_epoch(policy, self.proving_period_start, current_epoch)
    }

    /// The deadline the state records as current (stale when the cron is not running).
    pub fn recorded_deadline_info(
        &self,
        policy: &Policy,
        current_epoch: ChainEpoch,
    ) -> DeadlineInfo {
        DeadlineInfo::new(
            policy,
            self.proving_period_start,
            self.current_deadline,
            current_epoch,
        )
    }

    pub fn current_proving_period_start(
        &self,
        policy: &Policy,
        current_epoch: ChainEpoch,
    ) -> ChainEpoch {
        self.deadline_info(policy, current_epoch).period_start
    }

    /// The expiration grid of deadline `deadline_idx`: its last epoch in every period.
    pub fn quant_spec_for_deadline(&self, policy: &Policy, deadline_idx: u64) -> QuantSpec {
        DeadlineInfo::new(policy, self.proving_period_start, deadline_idx, 0).quant_spec()
    }

    /// The grid of every deadline's start (pre-commit clean-ups).
    pub fn quant_spec_every_deadline(&self, policy: &Policy) -> QuantSpec {
        QuantSpec {
            unit: policy.wpost_challenge_window,
            offset: self.proving_period_start,
        }
    }

    // --- sector numbers and pre-commitments ---

    /// Marks sector numbers allocated; with `DenyCollisions`, `USR_ILLEGAL_ARGUMENT` naming
    /// those already allocated.
    pub fn allocate_sector_numbers<BS: Blockstore>(
        &mut self,
        store: &BS,
        sector_numbers: &BitField,
        policy: CollisionPolicy,
    ) -> Result<(), ActorError> {
        let prior: BitField = store
            .get_cbor(&self.allocated_sectors)
            .map_err(|e| actor_error!(illegal_state; "failed to load allocated sectors: {}", e))?
            .ok_or_else(|| actor_error!(illegal_state; "allocated sectors bitfield {} not found", self.allocated_sectors))?;
        if policy == CollisionPolicy::DenyCollisions {
            let collisions = &prior & sector_numbers;
            if !collisions.is_empty() {
                return Err(
                    actor_error!(illegal_argument; "sector numbers {:?} already allocated", collisions),
                );
            }
        }
        self.allocated_sectors = put(store, &(&prior | sector_numbers), "allocated sectors")?;
        Ok(())
    }

    /// Stores pre-commitments; fails if one exists for the same sector number.
    pub fn put_precommitted_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        precommits: Vec<SectorPreCommitOnChainInfo>,
    ) -> Result<(), ActorError> {
        let mut map = load_precommits(store, &self.pre_committed_sectors)?;
        for pc in precommits {
            let n = pc.info.sector_number;
            if !map.set_if_absent(&n, pc)? {
                return Err(actor_error!(illegal_state; "sector {} already pre-committed", n));
            }
        }
        self.pre_committed_sectors = map.flush()?;
        Ok(())
    }

    pub fn get_precommitted_sector<BS: Blockstore>(
        &self,
        store: &BS,
        sector_number: SectorNumber,
    ) -> Result<Option<SectorPreCommitOnChainInfo>, ActorError> {
        Ok(load_precommits(store, &self.pre_committed_sectors)?
            .get(&sector_number)?
            .cloned())
    }

    /// The pre-commitments of `sector_numbers` that exist, skipping the others.
    pub fn find_precommitted_sectors<BS: Blockstore>(
        &self,
        store: &BS,
        sector_numbers: &[SectorNumber],
    ) -> Result<Vec<SectorPreCommitOnChainInfo>, ActorError> {
        let map = load_precommits(store, &self.pre_committed_sectors)?;
        let mut out = Vec::with_capacity(sector_numbers.len());
        for n in sector_numbers {
            if let Some(pc) = map.get(n)? {
                out.push(pc.clone());
            }
        }
        Ok(out)
    }

    /// The pre-commitments of `sector_numbers`, all of which must exist: a number above the
    /// maximum is `USR_ILLEGAL_ARGUMENT`, a missing one `USR_NOT_FOUND`.
    pub fn get_precommitted_sectors<BS: Blockstore>(
        &self,
        store: &BS,
        sector_numbers: impl IntoIterator<Item = SectorNumber>,
    ) -> Result<Vec<SectorPreCommitOnChainInfo>, ActorError> {
        let map = load_precommits(store, &self.pre_committed_sectors)?;
        sector_numbers
            .into_iter()
            .map(|n| {
                if n > MAX_SECTOR_NUMBER {
                    return Err(
                        actor_error!(illegal_argument; "sector number {} greater than maximum", n),
                    );
                }
                map.get(&n)?
                    .cloned()
                    .ok_or_else(|| actor_error!(not_found; "sector {} not found", n))
            })
            .collect()
    }

    /// Deletes pre-commitments; fails if one is absent.
    pub fn delete_precommitted_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sector_numbers: &[SectorNumber],
    ) -> Result<(), ActorError> {
        let mut map: PreCommitMap<&BS> = load_precommits(store, &self.pre_committed_sectors)?;
        for n in sector_numbers {
            if map.delete(n)?.is_none() {
                return Err(actor_error!(illegal_state; "sector {} not pre-committed", n));
            }
        }
        self.pre_committed_sectors = map.flush()?;
        Ok(())
    }

    /// Schedules pre-commitments for clean-up at (epoch, sector number) pairs.
    pub fn add_pre_commit_clean_ups<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        cleanup_events: Vec<(ChainEpoch, u64)>,
    ) -> Result<(), ActorError> {
        let mut queue = BitFieldQueue::new(
            store,
            &self.pre_committed_sectors_cleanup,
            self.quant_spec_every_deadline(policy),
        )?;
        queue.add_many_to_queue_values(cleanup_events)?;
        self.pre_committed_sectors_cleanup = queue.flush()?;
        Ok(())
    }

    /// Removes the pre-commitments whose clean-up is due and that were never proven. Returns
    /// their deposits, to burn, and how many expired (for the `precommit-expired` fee event).
    pub fn cleanup_expired_pre_commits<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        current_epoch: ChainEpoch,
    ) -> Result<(TokenAmount, u64), ActorError> {
        let mut queue = BitFieldQueue::new(
            store,
            &self.pre_committed_sectors_cleanup,
            self.quant_spec_every_deadline(policy),
        )?;
        let (due, modified) = queue.pop_until(current_epoch)?;
        if modified {
            self.pre_committed_sectors_cleanup = queue.flush()?;
        }
        let map = load_precommits(store, &self.pre_committed_sectors)?;
        let mut to_delete = Vec::new();
        let mut deposit_to_burn = TokenAmount::zero();
        for n in due.iter() {
            // Proven ones are already gone.
            if let Some(pc) = map.get(&n)? {
                to_delete.push(n);
                deposit_to_burn += &pc.pre_commit_deposit;
            }
        }
        if !to_delete.is_empty() {
            self.delete_precommitted_sectors(store, &to_delete)?;
        }
        self.pre_commit_deposits -= &deposit_to_burn;
        if self.pre_commit_deposits.is_negative() {
            return Err(
                actor_error!(illegal_state; "pre-commit clean up caused negative deposits: {}", self.pre_commit_deposits),
            );
        }
        Ok((deposit_to_burn, to_delete.len() as u64))
    }

    // --- sectors ---

    pub fn has_sector_number<BS: Blockstore>(
        &self,
        store: &BS,
        sector_number: SectorNumber,
    ) -> Result<bool, ActorError> {
        Ok(Sectors::load(store, &self.sectors)?
            .get(sector_number)?
            .is_some())
    }

    pub fn put_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        new_sectors: Vec<SectorOnChainInfo>,
    ) -> Result<(), ActorError> {
        let mut sectors = Sectors::load(store, &self.sectors)?;
        sectors.store(new_sectors)?;
        self.sectors = sectors.flush()?;
        Ok(())
    }

    pub fn get_sector<BS: Blockstore>(
        &self,
        store: &BS,
        sector_number: SectorNumber,
    ) -> Result<Option<SectorOnChainInfo>, ActorError> {
        Sectors::load(store, &self.sectors)?.get(sector_number)
    }

    /// Deletes sector infos (after compaction removed their dead sectors).
    pub fn delete_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sector_numbers: &BitField,
    ) -> Result<(), ActorError> {
        let mut sectors = Sectors::load(store, &self.sectors)?;
        sectors.delete_sectors(sector_numbers)?;
        self.sectors = sectors.flush()?;
        Ok(())
    }

    pub fn for_each_sector<BS: Blockstore>(
        &self,
        store: &BS,
        mut f: impl FnMut(&SectorOnChainInfo) -> Result<(), ActorError>,
    ) -> Result<(), ActorError> {
        Sectors::load(store, &self.sectors)?
            .amt
            .for_each(|_, s| f(s))
    }

    /// The infos of `sectors`; `USR_NOT_FOUND` for a missing one.
    pub fn load_sector_infos<BS: Blockstore>(
        &self,
        store: &BS,
        sectors: &BitField,
    ) -> Result<Vec<SectorOnChainInfo>, ActorError> {
        Sectors::load(store, &self.sectors)?.load_sectors(sectors)
    }

    /// The deadline and partition holding a sector.
    pub fn find_sector<BS: Blockstore>(
        &self,
        store: &BS,
        sector_number: SectorNumber,
    ) -> Result<(u64, u64), ActorError> {
        let (deadline, partition, _) = self
            .load_deadlines(store)?
            .find_sector_partition(store, sector_number)?;
        Ok((deadline, partition))
    }

    /// Reschedules the addressed sectors to expire at the end of their deadline's next
    /// occurrence, skipping any not found, faulty or terminated. Returns the infos moved.
    pub fn reschedule_sector_expirations<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        current_epoch: ChainEpoch,
        sector_size: SectorSize,
        mut deadline_sectors: DeadlineSectorMap,
    ) -> Result<Vec<SectorOnChainInfo>, ActorError> {
        let mut deadlines = self.load_deadlines(store)?;
        let sectors = Sectors::load(store, &self.sectors)?;
        let period_start = self.current_proving_period_start(policy, current_epoch);
        let mut moved = Vec::new();
        for (dl_idx, partition_sectors) in deadline_sectors.iter() {
            let info =
                DeadlineInfo::new(policy, period_start, dl_idx, current_epoch).next_not_elapsed();
            let mut deadline = deadlines.load_deadline(store, dl_idx)?;
            moved.extend(deadline.reschedule_sector_expirations(
                store,
                &sectors,
                info.last(),
                partition_sectors,
                sector_size,
                info.quant_spec(),
            )?);
            deadlines.update_deadline(policy, store, dl_idx, &deadline)?;
        }
        self.save_deadlines(store, deadlines)?;
        Ok(moved)
    }

    /// Assigns new (unproven) sectors to the mutable deadlines (see `assign_deadlines`).
    pub fn assign_sectors_to_deadlines<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        current_epoch: ChainEpoch,
        mut sectors: Vec<SectorOnChainInfo>,
        partition_size: u64,
        sector_size: SectorSize,
    ) -> Result<(), ActorError> {
        let mut deadlines = self.load_deadlines(store)?;
        // Sorted numbers make runs in the partitions' bitfields.
        sectors.sort_by_key(|s| s.sector_number);
        let period_start = self.current_proving_period_start(policy, current_epoch);
        let mut candidates: Vec<Option<Deadline>> =
            vec![None; policy.wpost_period_deadlines as usize];
        deadlines.for_each(store, |idx, deadline| {
            if deadline_is_mutable(policy, period_start, idx, current_epoch) {
                candidates[idx as usize] = Some(deadline);
            }
            Ok(())
        })?;
        let assigned = assign_deadlines(
            policy,
            policy.max_partitions_per_deadline,
            partition_size,
            &candidates,
            sectors,
        )?;
        for (idx, these) in assigned.into_iter().enumerate() {
            if these.is_empty() {
                continue;
            }
            let Some(deadline) = candidates[idx].as_mut() else {
                return Err(
                    actor_error!(illegal_state; "sectors assigned to immutable deadline {}", idx),
                );
            };
            let quant = self.quant_spec_for_deadline(policy, idx as u64);
            // Not proven yet, so the power is not active; the fees are new.
            deadline.add_sectors(
                store,
                partition_size,
                false,
                true,
                &these,
                sector_size,
                quant,
            )?;
            deadlines.update_deadline(policy, store, idx as u64, deadline)?;
        }
        self.save_deadlines(store, deadlines)
    }

    /// Assigns new (unproven) sectors to a chosen deadline, which must be mutable
    /// (`USR_ILLEGAL_ARGUMENT` otherwise).
    #[allow(clippy::too_many_arguments)]
    pub fn assign_sectors_to_deadline<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        current_epoch: ChainEpoch,
        mut sectors: Vec<SectorOnChainInfo>,
        partition_size: u64,
        sector_size: SectorSize,
        deadline_idx: u64,
    ) -> Result<(), ActorError> {
        let mut deadlines = self.load_deadlines(store)?;
        let mut deadline = deadlines.load_deadline(store, deadline_idx)?;
        sectors.sort_by_key(|s| s.sector_number);
        let period_start = self.current_proving_period_start(policy, current_epoch);
        if !deadline_is_mutable(policy, period_start, deadline_idx, current_epoch) {
            return Err(
                actor_error!(illegal_argument; "proving deadline {} must not be the current or next deadline", deadline_idx),
            );
        }
        let quant = self.quant_spec_for_deadline(policy, deadline_idx);
        deadline
            .add_sectors(
                store,
                partition_size,
                false,
                true,
                &sectors,
                sector_size,
                quant,
            )
            .with_context(|| format!("failed to add sectors to deadline {}", deadline_idx))?;
        deadlines.update_deadline(policy, store, deadline_idx, &deadline)?;
        self.save_deadlines(store, deadlines)
    }

    /// Pops early terminations from the deadlines that have them, within the limits. Returns
    /// them and whether more remain.
    pub fn pop_early_terminations<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        max_partitions: u64,
        max_sectors: u64,
    ) -> Result<(TerminationResult, bool), ActorError> {
        if self.early_terminations.is_empty() {
            return Ok((TerminationResult::new(), false));
        }
        let mut deadlines = self.load_deadlines(store)?;
        let mut result = TerminationResult::new();
        let mut finished = Vec::new();
        for idx in self.early_terminations.iter() {
            let mut deadline = deadlines.load_deadline(store, idx)?;
            let (popped, more) = deadline
                .pop_early_terminations(
                    store,
                    max_partitions - result.partitions_processed,
                    max_sectors - result.sectors_processed,
                )
                .with_context(|| {
                    format!("failed to pop early terminations for deadline {}", idx)
                })?;
            result += popped;
            if !more {
                finished.push(idx);
            }
            deadlines.update_deadline(policy, store, idx, &deadline)?;
            if !result.below_limit(max_partitions, max_sectors) {
                break;
            }
        }
        for idx in finished {
            self.early_terminations.unset(idx);
        }
        self.save_deadlines(store, deadlines)?;
        Ok((result, !self.early_terminations.is_empty()))
    }

    /// Whether a sector in the given partition is active (not faulty, not terminated, and
    /// proven if `require_proven`); `USR_NOT_FOUND` if not in the partition.
    pub fn check_sector_active<BS: Blockstore>(
        &self,
        store: &BS,
        deadline_idx: u64,
        partition_idx: u64,
        sector_number: SectorNumber,
        require_proven: bool,
    ) -> Result<bool, ActorError> {
        let partition = self
            .load_deadlines(store)?
            .load_deadline(store, deadline_idx)?
            .load_partition(store, partition_idx)?;
        if !partition.sectors.get(sector_number) {
            return Err(
                actor_error!(not_found; "sector {} not a member of partition {}, deadline {}", sector_number, partition_idx, deadline_idx),
            );
        }
        let inactive = partition.faults.get(sector_number)
            || partition.terminated.get(sector_number)
            || (require_proven && partition.unproven.get(sector_number));
        Ok(!inactive)
    }

    /// Fails unless the sector is in the partition (`USR_NOT_FOUND`), not faulty
    /// (`USR_FORBIDDEN`) and not terminated (`USR_NOT_FOUND`).
    pub fn check_sector_health<BS: Blockstore>(
        &self,
        store: &BS,
        deadline_idx: u64,
        partition_idx: u64,
        sector_number: SectorNumber,
    ) -> Result<(), ActorError> {
        let partition = self
            .load_deadlines(store)?
            .load_deadline(store, deadline_idx)?
            .load_partition(store, partition_idx)?;
        if !partition.sectors.get(sector_number) {
            return Err(
                actor_error!(not_found; "sector {} not a member of partition {}, deadline {}", sector_number, partition_idx, deadline_idx),
            );
        }
        if partition.faults.get(sector_number) {
            return Err(
                actor_error!(forbidden; "sector {} of partition {}, deadline {} is faulty", sector_number, partition_idx, deadline_idx),
            );
        }
        if partition.terminated.get(sector_number) {
            return Err(
                actor_error!(not_found; "sector {} of partition {}, deadline {} is terminated", sector_number, partition_idx, deadline_idx),
            );
        }
        Ok(())
    }

    pub fn load_deadlines<BS: Blockstore>(&self, store: &BS) -> Result<Deadlines, ActorError> {
        store
            .get_cbor(&self.deadlines)
            .map_err(|e| actor_error!(illegal_state; "failed to load deadlines {}: {}", self.deadlines, e))?
            .ok_or_else(|| actor_error!(illegal_state; "failed to load deadlines {}", self.deadlines))
    }

    pub fn save_deadlines<BS: Blockstore>(
        &mut self,
        store: &BS,
        deadlines: Deadlines,
    ) -> Result<(), ActorError> {
        self.deadlines = put(store, &deadlines, "deadlines")?;
        Ok(())
    }

    /// Whether the deadline cron must keep running: while any deposit, pledge or locked funds
    /// remain.
    pub fn continue_deadline_cron(&self) -> bool {
        !self.pre_commit_deposits.is_zero()
            || !self.initial_pledge.is_zero()
            || !self.locked_funds.is_zero()
    }

    /// Processes the end of the current deadline: applies the FIP-0067 `enforcement` if any,
    /// detects missed proofs, expires sectors, releases on-time pledge and moves to the next
    /// deadline. Does nothing before the period has started.
    pub fn advance_deadline<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        current_epoch: ChainEpoch,
        enforcement: Option<DeadlineEnforcement>,
    ) -> Result<AdvanceDeadlineResult, ActorError> {
        let dl_info = self.deadline_info(policy, current_epoch);
        if !dl_info.period_started() {
            return Ok(AdvanceDeadlineResult::default());
        }
        self.current_deadline = (dl_info.index + 1) % policy.wpost_period_deadlines;
        if self.current_deadline == 0 {
            self.proving_period_start = dl_info.period_start + policy.wpost_proving_period;
        }

        let mut deadlines = self.load_deadlines(store)?;
        let mut deadline = deadlines.load_deadline(store, dl_info.index)?;
        let previously_faulty_power = deadline.faulty_power.clone();
        let previously_faulty_sectors = deadline.count_faults(store)?;
        if !deadline.is_live() {
            return Ok(AdvanceDeadlineResult {
                previously_faulty_power,
                previously_faulty_sectors,
                total_faulty_power: deadline.faulty_power,
                ..Default::default()
            });
        }

        let quant = dl_info.quant_spec();
        let mut power_delta = PowerPair::zero();
        match enforcement {
            // Terminated now, at the ordinary fee (charged when the queue is processed); the
            // deadline's end then finds nothing live to fault.
            Some(DeadlineEnforcement::Terminate) => {
                let sector_size = self.get_info(store)?.sector_size;
                let sectors = Sectors::load(store, &self.sectors)?;
                power_delta -= &deadline.terminate_all_live_sectors(
                    store,
                    &sectors,
                    current_epoch,
                    sector_size,
                    quant,
                )?;
                if !deadline.early_terminations.is_empty() {
                    self.early_terminations.set(dl_info.index);
                }
            }
            // As if no partition had been proven: every live sector not yet faulty is detected
            // faulty at the deadline's end, and declared recoveries are dropped.
            Some(DeadlineEnforcement::Fault) => deadline.partitions_posted = BitField::new(),
            None => {}
        }
        let fault_expiration = dl_info.last() + policy.fault_max_age;
        let (detected_delta, detected_faulty_power) =
            deadline.process_deadline_end(store, quant, fault_expiration, self.sectors)?;
        power_delta += &detected_delta;
        let total_faulty_power = deadline.faulty_power.clone();

        let expired = deadline.pop_expired_sectors(store, dl_info.last(), quant)?;
        // On-time expirations release their pledge; early ones keep it to pay termination fees.
        self.add_initial_pledge(&-expired.on_time_pledge.clone())?;
        // Faulty power was already lost.
        power_delta -= &expired.active_power;
        if !expired.early_sectors.is_empty() {
            self.early_terminations.set(dl_info.index);
        }
        deadlines.update_deadline(policy, store, dl_info.index, &deadline)?;
        self.save_deadlines(store, deadlines)?;
        // Only the fee-applied event needs the count, and it is emitted only for a positive fee.
        let fee_paying_sectors = if deadline.daily_fee.is_positive() {
            deadline.count_fee_paying_sectors(store, &self.sectors)?
        } else {
            0
        };

        Ok(AdvanceDeadlineResult {
            pledge_delta: -expired.on_time_pledge,
            power_delta,
            previously_faulty_power,
            previously_faulty_sectors,
            detected_faulty_power,
            total_faulty_power,
            daily_fee: deadline.daily_fee,
            live_power: deadline.live_power,
            fee_paying_sectors,
        })
    }
}
