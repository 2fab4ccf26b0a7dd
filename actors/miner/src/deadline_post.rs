//! The Window PoSt side of a `Deadline`: recording proven partitions (with skipped faults and
//! confirmed recoveries), keeping optimistically accepted proofs and taking them back for a
//! dispute, gathering what a dispute needs from the snapshots, and moving sectors' expirations
//! (used when sectors are replaced).

use fil_actors_runtime::{actor_error, ActorContext, ActorError};
use fvm_ipld_amt::Amt;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::sector::{PoStProof, SectorSize};

use crate::bitfield_queue::amt_err;
use crate::{
    Deadline, PartitionSectorMap, PoStPartition, PowerPair, QuantSpec, SectorOnChainInfo, Sectors,
};

/// A Window PoSt accepted without verification.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Debug, PartialEq, Eq)]
pub struct WindowedPoSt {
    /// The partitions it proved.
    pub partitions: BitField,
    /// One proof per distinct proof type among the sectors (usually one).
    pub proofs: Vec<PoStProof>,
}

/// What a Window PoSt changed, and what its proof must cover.
#[derive(Debug, Clone, PartialEq)]
pub struct PoStResult {
    /// Change of active power.
    pub power_delta: PowerPair,
    pub new_faulty_power: PowerPair,
    pub retracted_recovery_power: PowerPair,
    pub recovered_power: PowerPair,
    /// Every sector of the proven partitions.
    pub sectors: BitField,
    /// The subset the proof does not cover (faulty and terminated).
    pub ignored_sectors: BitField,
    /// The partitions proven.
    pub partitions: BitField,
}

/// What a dispute of an optimistic PoSt needs from the partition snapshots.
#[derive(Debug, Clone)]
pub struct DisputeInfo {
    pub all_sector_nos: BitField,
    pub ignored_sector_nos: BitField,
    /// The sectors that were active, to be marked faulty if the dispute succeeds.
    pub disputed_sectors: PartitionSectorMap,
    pub disputed_power: PowerPair,
}

impl Deadline {
    /// The optimistic proofs AMT of the current window.
    pub fn optimistic_proofs_amt<'s, BS: Blockstore>(
        &self,
        store: &'s BS,
    ) -> Result<Amt<WindowedPoSt, &'s BS>, ActorError> {
        Amt::load(&self.optimistic_post_submissions, store)
            .map_err(amt_err("failed to load optimistic proofs"))
    }

    /// The optimistic proofs AMT of the previous window.
    pub fn optimistic_proofs_snapshot_amt<'s, BS: Blockstore>(
        &self,
        store: &'s BS,
    ) -> Result<Amt<WindowedPoSt, &'s BS>, ActorError> {
        Amt::load(&self.optimistic_post_submissions_snapshot, store)
            .map_err(amt_err("failed to load optimistic proofs snapshot"))
    }

    /// Records the partitions of a Window PoSt as proven: skipped sectors become faulty,
    /// declared recoveries are confirmed and unproven sectors activated. Does not verify the
    /// proof; the result says which sectors it must cover. A partition listed twice or already
    /// proven in this window is `USR_ILLEGAL_ARGUMENT`, an unknown one `USR_NOT_FOUND`.
    pub fn record_proven_sectors<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        sector_size: SectorSize,
        quant: QuantSpec,
        fault_expiration: ChainEpoch,
        post_partitions: &[PoStPartition],
    ) -> Result<PoStResult, ActorError> {
        let indexes = BitField::try_from_bits(post_partitions.iter().map(|p| p.index))
            .map_err(|e| actor_error!(illegal_argument; "partition index out of range: {}", e))?;
        if indexes.len() != post_partitions.len() as u64 {
            return Err(actor_error!(illegal_argument; "duplicate partitions proven"));
        }
        let already = &self.partitions_posted & &indexes;
        if !already.is_empty() {
            return Err(actor_error!(illegal_argument; "partition already proven: {:?}", already));
        }

        let mut partitions = self.partitions_amt(store)?;
        let mut all_sectors = BitField::new();
        let mut ignored = BitField::new();
        let mut new_faulty_total = PowerPair::zero();
        let mut retracted_total = PowerPair::zero();
        let mut recovered_total = PowerPair::zero();
        let mut power_delta = PowerPair::zero();
        let mut rescheduled = Vec::new();
        for post in post_partitions {
            let mut partition = partitions
                .get(post.index)
                .map_err(amt_err(format!("failed to load partition {}", post.index)))?
                .cloned()
                .ok_or_else(|| actor_error!(not_found; "no such partition {}", post.index))?;
            let (mut delta, new_faulty, retracted, has_new_faults) = partition
                .record_skipped_faults(
                    store,
                    sectors,
                    sector_size,
                    quant,
                    fault_expiration,
                    &post.skipped,
                )
                .with_context(|| {
                    format!("failed to add skipped faults to partition {}", post.index)
                })?;
            if has_new_faults {
                rescheduled.push(post.index);
            }
            let recovered = partition
                .recover_faults(store, sectors, sector_size, quant)
                .with_context(|| {
                    format!(
                        "failed to recover faulty sectors of partition {}",
                        post.index
                    )
                })?;
            delta += &partition.activate_unproven();

            // The faults now are what the proof is expected to skip.
            all_sectors |= &partition.sectors;
            ignored |= &partition.faults;
            ignored |= &partition.terminated;
            partitions
                .set(post.index, partition)
                .map_err(amt_err(format!("failed to store partition {}", post.index)))?;

            new_faulty_total += &new_faulty;
            retracted_total += &retracted;
            recovered_total += &recovered;
            power_delta += &delta;
            power_delta += &recovered;
            self.partitions_posted.set(post.index);
        }
        self.add_expiration_partitions(store, fault_expiration, &rescheduled, quant)?;
        self.faulty_power -= &recovered_total;
        self.faulty_power += &new_faulty_total;
        self.partitions = partitions
            .flush()
            .map_err(amt_err("failed to store partitions"))?;
        Ok(PoStResult {
            power_delta,
            new_faulty_power: new_faulty_total,
            retracted_recovery_power: retracted_total,
            recovered_power: recovered_total,
            sectors: all_sectors,
            ignored_sectors: ignored,
            partitions: indexes,
        })
    }

    /// Keeps an optimistically accepted proof of `partitions` for the dispute window.
    pub fn record_post_proofs<BS: Blockstore>(
        &mut self,
        store: &BS,
        partitions: &BitField,
        proofs: &[PoStProof],
    ) -> Result<(), ActorError> {
        let mut amt = self.optimistic_proofs_amt(store)?;
        let post = WindowedPoSt {
            partitions: partitions.clone(),
            proofs: proofs.to_vec(),
        };
        amt.set(amt.count(), post)
            .map_err(amt_err("failed to store proof"))?;
        self.optimistic_post_submissions =
            amt.flush().map_err(amt_err("failed to store proofs"))?;
        Ok(())
    }

    /// Takes proof `idx` out of the previous window's proofs (leaving a hole, so other indexes
    /// stay valid). `USR_ILLEGAL_ARGUMENT` if there is none.
    pub fn take_post_proofs<BS: Blockstore>(
        &mut self,
        store: &BS,
        idx: u64,
    ) -> Result<(BitField, Vec<PoStProof>), ActorError> {
        let mut amt = self.optimistic_proofs_snapshot_amt(store)?;
        let post = amt
            .delete(idx)
            .map_err(amt_err(format!("failed to retrieve proof {}", idx)))?
            .ok_or_else(|| actor_error!(illegal_argument; "proof {} not found", idx))?;
        self.optimistic_post_submissions_snapshot =
            amt.flush().map_err(amt_err("failed to store proofs"))?;
        Ok((post.partitions, post.proofs))
    }

    /// The sectors, ignored sectors, active sectors and active power of the partition
    /// snapshots a disputed proof covered.
    pub fn load_partitions_for_dispute<BS: Blockstore>(
        &self,
        store: &BS,
        partitions: BitField,
    ) -> Result<DisputeInfo, ActorError> {
        let snapshot = self.partitions_snapshot_amt(store)?;
        let mut info = DisputeInfo {
            all_sector_nos: BitField::new(),
            ignored_sector_nos: BitField::new(),
            disputed_sectors: PartitionSectorMap::default(),
            disputed_power: PowerPair::zero(),
        };
        for idx in partitions.iter() {
            let p = snapshot
                .get(idx)
                .map_err(amt_err(format!(
                    "failed to load partition snapshot {}",
                    idx
                )))?
                .ok_or_else(
                    || actor_error!(illegal_state; "failed to find partition snapshot {}", idx),
                )?;
            info.all_sector_nos |= &p.sectors;
            info.ignored_sector_nos |= &p.faults;
            info.ignored_sector_nos |= &p.terminated;
            info.ignored_sector_nos |= &p.unproven;
            info.disputed_sectors.add(idx, p.active_sectors());
            // Includes power activated at the window's end and power that has since expired.
            info.disputed_power += &p.active_power();
        }
        Ok(info)
    }

    /// Moves the active sectors among those addressed to expire at `expiration`, skipping
    /// partitions and sectors no longer there. Returns the infos of the sectors moved.
    pub fn reschedule_sector_expirations<BS: Blockstore>(
        &mut self,
        store: &BS,
        sectors: &Sectors<'_, BS>,
        expiration: ChainEpoch,
        partition_sectors: &mut PartitionSectorMap,
        sector_size: SectorSize,
        quant: QuantSpec,
    ) -> Result<Vec<SectorOnChainInfo>, ActorError> {
        let mut partitions = self.partitions_amt(store)?;
        let mut rescheduled = Vec::new();
        let mut moved: Vec<SectorOnChainInfo> = Vec::new();
        for (idx, sector_numbers) in partition_sectors.iter() {
            // A partition may have moved away by compaction; skip it.
            let Some(partition) = partitions
                .get(idx)
                .map_err(amt_err(format!("failed to load partition {}", idx)))?
            else {
                continue;
            };
            let mut partition = partition.clone();
            let infos = partition
                .reschedule_expirations(
                    store,
                    sectors,
                    expiration,
                    sector_numbers,
                    sector_size,
                    quant,
                )
                .with_context(|| {
                    format!("failed to reschedule expirations in partition {}", idx)
                })?;
            if infos.is_empty() {
                continue;
            }
            moved.extend(infos);
            rescheduled.push(idx);
            partitions
                .set(idx, partition)
                .map_err(amt_err(format!("failed to store partition {}", idx)))?;
        }
        if !rescheduled.is_empty() {
            self.partitions = partitions
                .flush()
                .map_err(amt_err("failed to store partitions"))?;
            self.add_expiration_partitions(store, expiration, &rescheduled, quant)?;
        }
        Ok(moved)
    }
}
