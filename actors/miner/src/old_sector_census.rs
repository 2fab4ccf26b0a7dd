//! FIP-0067's count of a miner's old sectors (`shared/spec/replacement-sealing.md`), done by the
//! deadline cron a bounded slice at a time over a snapshot of the miner as the timeline started.
//!
//! Why a snapshot: counting every partition's expiration queue can take tens of thousands of
//! block reads on a large miner, far more than one cron should spend, so the count is spread over
//! as many crons as it needs. Meanwhile the miner keeps changing. The census starts before any
//! sector is activated or terminated at or after the start epoch, by recording the CIDs of the
//! miner's `deadlines` and `sectors` (immutable blocks, kept reachable by the state that links
//! them); it then counts exactly the old sectors live at that moment, whatever happens after:
//! sectors activated later are not in the snapshot, and compaction only renumbers partitions of
//! the live state. Terminations during the census are still counted as deactivations at once
//! (`State::record_old_sector_deactivations`), since every old sector terminated after the start
//! is in the snapshot.
//!
//! What is read, per partition: its expiration queue's entries, in epoch order. An entry at
//! epoch `e` (quantized, one quantum `u` after the previous grid point) holds two kinds of
//! sectors. On-time sectors expire at their committed expiration, which lies in `(e - u, e]`.
//! Early sectors are faulty ones queued at their fault expiration, which lies in `(e - u, e]`,
//! because their committed expiration comes later. So an entry with `e - u` at or past the
//! threshold holds only old sectors, and counts without loading them; an entry at or before the
//! threshold holds no old on-time sector. Only the on-time sectors of the one entry per partition
//! that straddles the threshold, and the early sectors of entries not past it, have their infos
//! loaded, a few at a time, so that no entry can exceed a cron's budget. The work is bounded by
//! partitions, queue entries and the sectors whose expiration the queue does not pin down, not
//! by sectors.

use cid::Cid;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::CborStore;
use fvm_shared::clock::ChainEpoch;

use crate::bitfield_queue::amt_err;
use crate::{
    Deadlines, ExpirationQueue, Partition, QuantSpec, ReplacementSchedule, SectorOnChainInfo,
    Sectors, State,
};

/// Block reads one queue entry costs at most: its leaf and the interior nodes above it that no
/// earlier entry shared (queue keys are epochs a proving period apart, so in an AMT of width 16
/// nearly every entry has a leaf and a first-level node of its own).
const BLOCKS_PER_ENTRY: u64 = 3;
/// Sector infos loaded for one block read of the budget: a block of the sectors AMT holds 32,
/// but decoding them costs about eight block reads' worth of gas on the reference FVM.
const SECTORS_PER_BLOCK: u64 = 4;

/// The census under way: the snapshot, the cursor and the counts so far.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Debug, PartialEq, Eq)]
pub struct OldSectorCensus {
    /// Old sectors terminated since the census began (all of them are in the snapshot).
    pub deactivated: u64,
    /// Old sectors counted so far.
    pub counted: u64,
    /// The miner's `deadlines` as the census began.
    pub deadlines: Cid,
    /// The miner's `sectors` as the census began.
    pub sectors: Cid,
    /// The deadline the cursor is in.
    pub next_deadline: u64,
    /// The partition of that deadline the cursor is in.
    pub next_partition: u64,
    /// The last expiration-queue key of that partition whose entry is counted (0 before the
    /// first).
    pub last_epoch: ChainEpoch,
    /// How far the entry after `last_epoch` is counted: 0 not at all; `k > 0` its sectors that
    /// count without loading are counted, and of those to load, the ones numbered below `k - 1`.
    pub entry_progress: u64,
}

/// Where a slice of the census stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CensusProgress {
    /// Every partition of the snapshot is counted.
    Complete,
    /// The budget ran out; the cursor marks where to go on.
    Paused,
}

/// The budget of one slice, in estimated block reads; `None` counts everything at once. A slice
/// always moves the cursor at least one step, however small the budget, so the census ends.
struct Budget {
    limit: Option<u64>,
    used: u64,
    moved: bool,
}

impl Budget {
    fn exhausted(&self) -> bool {
        self.moved && self.limit.is_some_and(|limit| self.used >= limit)
    }
}

impl OldSectorCensus {
    /// A census of `st` as it is now, nothing counted.
    pub fn begin(st: &State) -> Self {
        OldSectorCensus {
            deactivated: 0,
            counted: 0,
            deadlines: st.deadlines,
            sectors: st.sectors,
            next_deadline: 0,
            next_partition: 0,
            last_epoch: 0,
            entry_progress: 0,
        }
    }

    /// Counts on from the cursor until the snapshot is done or about `budget` blocks have been
    /// read (`None`: no limit). `quant` is the miner's expiration grid of a deadline.
    pub fn advance<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        schedule: &ReplacementSchedule,
        quant: impl Fn(u64) -> QuantSpec,
        budget: Option<u64>,
    ) -> Result<CensusProgress, ActorError> {
        let mut budget = Budget {
            limit: budget,
            used: 0,
            moved: false,
        };
        let deadlines: Deadlines = store
            .get_cbor(&self.deadlines)
            .map_err(
                |e| actor_error!(illegal_state; "failed to load the census's deadlines: {}", e),
            )?
            .ok_or_else(
                || actor_error!(illegal_state; "census deadlines {} not found", self.deadlines),
            )?;
        budget.used += 1;
        while self.next_deadline < policy.wpost_period_deadlines {
            if budget.exhausted() {
                return Ok(CensusProgress::Paused);
            }
            let deadline = deadlines.load_deadline(store, self.next_deadline)?;
            let partitions = deadline.partitions_amt(store)?;
            budget.used += 2;
            let quant = quant(self.next_deadline);
            // Partitions are numbered from 0 without gaps.
            while let Some(partition) = partitions
                .get(self.next_partition)
                .map_err(amt_err("failed to load a partition of the census"))?
            {
                if self.count_partition(store, schedule, quant, partition, &mut budget)?
                    == CensusProgress::Paused
                {
                    return Ok(CensusProgress::Paused);
                }
                self.next_partition += 1;
                self.last_epoch = 0;
                self.entry_progress = 0;
                budget.moved = true;
                // Checked before the next read, so a paused slice reads nothing it does not use.
                if budget.exhausted() {
                    return Ok(CensusProgress::Paused);
                }
            }
            self.next_deadline += 1;
            self.next_partition = 0;
            budget.moved = true;
        }
        Ok(CensusProgress::Complete)
    }

    /// Counts the partition under the cursor from the queue entry after `last_epoch` on.
    fn count_partition<BS: Blockstore>(
        &mut self,
        store: &BS,
        schedule: &ReplacementSchedule,
        quant: QuantSpec,
        partition: &Partition,
        budget: &mut Budget,
    ) -> Result<CensusProgress, ActorError> {
        let threshold = schedule.threshold();
        let queue = ExpirationQueue::new(store, &partition.expirations_epochs, quant)?;
        budget.used += 1;
        // `Amt::iter_from` reports wrong keys when it starts at an absent key (fvm_ipld_amt
        // 0.7.7), so a slice resumes at the last entry counted, which is present, and skips it.
        let resume_at = u64::try_from(self.last_epoch).map_err(
            |_| actor_error!(illegal_state; "census cursor at negative epoch {}", self.last_epoch),
        )?;
        let mut entries = if resume_at == 0 {
            queue.amt.iter()
        } else {
            queue
                .amt
                .iter_from(resume_at)
                .map_err(amt_err("failed to iterate an expiration queue"))?
        };
        loop {
            if budget.exhausted() {
                return Ok(CensusProgress::Paused);
            }
            let Some(entry) = entries.next() else {
                return Ok(CensusProgress::Complete);
            };
            let (key, set) = entry.map_err(amt_err("failed to load an expiration set"))?;
            if resume_at != 0 && key == resume_at {
                continue;
            }
            budget.used += BLOCKS_PER_ENTRY;
            let epoch = key as ChainEpoch;
            let past = epoch - quant.unit >= threshold;
            let (certain, uncertain) = if past {
                (
                    set.on_time_sectors.len() + set.early_sectors.len(),
                    BitField::new(),
                )
            } else if epoch > threshold {
                (0, &set.on_time_sectors | &set.early_sectors)
            } else {
                (0, set.early_sectors.clone())
            };
            if self.count_entry(store, schedule, certain, &uncertain, budget)?
                == CensusProgress::Paused
            {
                return Ok(CensusProgress::Paused);
            }
            self.last_epoch = epoch;
        }
    }

    /// Counts one entry: `certain` sectors old without loading, and those of `uncertain` that
    /// their infos show old, a budget's worth at a time from where `entry_progress` left off.
    fn count_entry<BS: Blockstore>(
        &mut self,
        store: &BS,
        schedule: &ReplacementSchedule,
        certain: u64,
        uncertain: &BitField,
        budget: &mut Budget,
    ) -> Result<CensusProgress, ActorError> {
        if self.entry_progress == 0 {
            self.counted += certain;
            self.entry_progress = 1;
            budget.moved = true;
        }
        let counted_below = self.entry_progress - 1;
        let mut pending = uncertain.iter().skip_while(|&n| n < counted_below);
        loop {
            let room = match budget.limit {
                None => u64::MAX,
                Some(limit) if budget.used < limit => (limit - budget.used) * SECTORS_PER_BLOCK,
                Some(_) if budget.moved => return Ok(CensusProgress::Paused),
                Some(_) => 1,
            };
            let chunk: Vec<u64> = pending
                .by_ref()
                .take(room.min(usize::MAX as u64) as usize)
                .collect();
            let Some(&last) = chunk.last() else {
                self.entry_progress = 0;
                return Ok(CensusProgress::Complete);
            };
            let numbers = BitField::try_from_bits(chunk.iter().copied()).map_err(
                |e| actor_error!(illegal_state; "sector numbers of an expiration set: {}", e),
            )?;
            self.counted += self.count_loaded(store, schedule, &numbers, budget)?;
            self.entry_progress = last + 2;
            budget.moved = true;
        }
    }

    /// How many of `numbers` are old, by their infos in the snapshot.
    fn count_loaded<BS: Blockstore>(
        &self,
        store: &BS,
        schedule: &ReplacementSchedule,
        numbers: &BitField,
        budget: &mut Budget,
    ) -> Result<u64, ActorError> {
        budget.used += 1 + numbers.len().div_ceil(SECTORS_PER_BLOCK);
        let infos: Vec<SectorOnChainInfo> =
            Sectors::load(store, &self.sectors)?.load_sectors(numbers)?;
        Ok(infos.iter().filter(|s| schedule.is_old(s)).count() as u64)
    }
}
