//! Where new sectors go: each sector is assigned to the mutable deadline that best keeps
//! partition counts low after compaction, then before it, then fills open partitions (the
//! fullest first, for runs of sector numbers), then has the fewest live sectors, then the lowest
//! index.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};

use crate::{Deadline, SectorOnChainInfo};

/// A candidate deadline's sector counts.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    index: usize,
    live_sectors: u64,
    total_sectors: u64,
    partition_size: u64,
}

impl Candidate {
    fn partitions_after_assignment(&self) -> u64 {
        (self.total_sectors + 1).div_ceil(self.partition_size)
    }

    fn compact_partitions_after_assignment(&self) -> u64 {
        (self.live_sectors + 1).div_ceil(self.partition_size)
    }

    fn is_full_now(&self) -> bool {
        self.total_sectors.is_multiple_of(self.partition_size)
    }

    fn max_partitions_reached(&self, max_partitions: u64) -> bool {
        self.total_sectors >= self.partition_size * max_partitions
    }

    /// `Less` means "assign here first".
    fn preference(&self, other: &Self) -> Ordering {
        self.compact_partitions_after_assignment()
            .cmp(&other.compact_partitions_after_assignment())
            .then_with(|| {
                self.partitions_after_assignment()
                    .cmp(&other.partitions_after_assignment())
            })
            .then_with(|| self.is_full_now().cmp(&other.is_full_now()))
            .then_with(|| {
                if !self.is_full_now() && !other.is_full_now() {
                    // Both have an open partition: fill the fuller one.
                    other.total_sectors.cmp(&self.total_sectors)
                } else {
                    Ordering::Equal
                }
            })
            .then_with(|| self.live_sectors.cmp(&other.live_sectors))
            .then_with(|| self.index.cmp(&other.index))
    }
}

// The heap pops its greatest element, so the order is the reverse of the preference.
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        other.preference(self)
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

/// Assigns `sectors`, in order, to the deadlines given as `Some` (the mutable ones). Returns
/// the sectors per deadline index. Fails (`USR_ILLEGAL_STATE`, as v18) when every candidate has
/// `max_partitions` full partitions, or there is no candidate.
pub fn assign_deadlines(
    policy: &Policy,
    max_partitions: u64,
    partition_size: u64,
    deadlines: &[Option<Deadline>],
    sectors: Vec<SectorOnChainInfo>,
) -> Result<Vec<Vec<SectorOnChainInfo>>, ActorError> {
    let mut heap: BinaryHeap<Candidate> = deadlines
        .iter()
        .enumerate()
        .filter_map(|(index, d)| {
            d.as_ref().map(|d| Candidate {
                index,
                live_sectors: d.live_sectors,
                total_sectors: d.total_sectors,
                partition_size,
            })
        })
        .collect();
    let mut assigned = vec![Vec::new(); policy.wpost_period_deadlines as usize];
    for sector in sectors {
        let mut best = heap
            .peek_mut()
            .ok_or_else(|| actor_error!(illegal_state; "no deadline is open for new sectors"))?;
        if best.max_partitions_reached(max_partitions) {
            return Err(
                actor_error!(illegal_state; "max partitions limit {} reached for all deadlines", max_partitions),
            );
        }
        assigned[best.index].push(sector);
        best.live_sectors += 1;
        best.total_sectors += 1;
    }
    Ok(assigned)
}
