//! Sector numbers addressed by deadline and partition, as messages declare them (faults,
//! recoveries, terminations, extensions), with validation and counting against the limits.

use std::collections::BTreeMap;

use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_bitfield::{BitField, Validate};

use crate::check_sector_numbers;

/// Deadline index to the partitions addressed in it.
#[derive(Default, Debug)]
pub struct DeadlineSectorMap(BTreeMap<u64, PartitionSectorMap>);

impl DeadlineSectorMap {
    pub fn new() -> Self {
        Default::default()
    }

    /// Validates every bitfield and fails (`USR_ILLEGAL_ARGUMENT`) when more partitions or
    /// sectors are addressed than allowed.
    pub fn check(&mut self, max_partitions: u64, max_sectors: u64) -> Result<(), ActorError> {
        let (partitions, sectors) = self.count()?;
        if partitions > max_partitions {
            return Err(
                actor_error!(illegal_argument; "too many partitions {}, max {}", partitions, max_partitions),
            );
        }
        if sectors > max_sectors {
            return Err(
                actor_error!(illegal_argument; "too many sectors {}, max {}", sectors, max_sectors),
            );
        }
        Ok(())
    }

    /// The numbers of partitions and sectors addressed.
    pub fn count(&mut self) -> Result<(u64, u64), ActorError> {
        let mut partitions = 0u64;
        let mut sectors = 0u64;
        for (deadline, pm) in self.0.iter_mut() {
            let (p, s) = pm
                .count()
                .map_err(|e| e.wrap(format!("deadline {}", deadline)))?;
            partitions = partitions
                .checked_add(p)
                .ok_or_else(|| actor_error!(illegal_argument; "partition count overflows"))?;
            sectors = sectors
                .checked_add(s)
                .ok_or_else(|| actor_error!(illegal_argument; "sector count overflows"))?;
        }
        Ok((partitions, sectors))
    }

    /// Adds sectors at a deadline and partition; the deadline index must exist.
    pub fn add(
        &mut self,
        policy: &Policy,
        deadline_idx: u64,
        partition_idx: u64,
        sector_numbers: BitField,
    ) -> Result<(), ActorError> {
        if deadline_idx >= policy.wpost_period_deadlines {
            return Err(actor_error!(illegal_argument; "invalid deadline {}", deadline_idx));
        }
        check_sector_numbers(&sector_numbers)?;
        self.0
            .entry(deadline_idx)
            .or_default()
            .add(partition_idx, sector_numbers);
        Ok(())
    }

    pub fn add_values(
        &mut self,
        policy: &Policy,
        deadline_idx: u64,
        partition_idx: u64,
        sector_numbers: &[u64],
    ) -> Result<(), ActorError> {
        let bits = BitField::try_from_bits(sector_numbers.iter().copied())
            .map_err(|e| actor_error!(illegal_argument; "sector numbers out of range: {}", e))?;
        self.add(policy, deadline_idx, partition_idx, bits)
    }

    /// The deadlines addressed, in order.
    pub fn deadlines(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.keys().copied()
    }

    /// The deadlines with their partitions, in order.
    pub fn iter(&mut self) -> impl Iterator<Item = (u64, &mut PartitionSectorMap)> + '_ {
        self.0.iter_mut().map(|(i, pm)| (*i, pm))
    }
}

/// Partition index to the sectors addressed in it.
#[derive(Default, Debug, Clone, PartialEq)]
pub struct PartitionSectorMap(BTreeMap<u64, BitField>);

impl PartitionSectorMap {
    /// Adds sectors to a partition's set.
    pub fn add(&mut self, partition_idx: u64, sector_numbers: BitField) {
        *self.0.entry(partition_idx).or_default() |= &sector_numbers;
    }

    pub fn add_values(
        &mut self,
        partition_idx: u64,
        sector_numbers: &[u64],
    ) -> Result<(), ActorError> {
        let bits = BitField::try_from_bits(sector_numbers.iter().copied())
            .map_err(|e| actor_error!(illegal_argument; "sector numbers out of range: {}", e))?;
        self.add(partition_idx, bits);
        Ok(())
    }

    /// Validates every bitfield; the numbers of partitions and sectors.
    pub fn count(&mut self) -> Result<(u64, u64), ActorError> {
        let mut sectors = 0u64;
        for (partition, bits) in self.0.iter_mut() {
            let valid = bits.validate().map_err(|e| {
                actor_error!(illegal_argument; "invalid bitfield for partition {}: {}", partition, e)
            })?;
            sectors = sectors
                .checked_add(valid.len())
                .ok_or_else(|| actor_error!(illegal_argument; "sector count overflows"))?;
        }
        Ok((self.0.len() as u64, sectors))
    }

    /// The partitions addressed, in order.
    pub fn partitions(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.keys().copied()
    }

    /// The partitions with their sectors, in order.
    pub fn iter(&mut self) -> impl Iterator<Item = (u64, &mut BitField)> + '_ {
        self.0.iter_mut().map(|(i, b)| (*i, b))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_shared::error::ExitCode;

    #[test]
    fn counting_and_limits() {
        let p = Policy::mainnet();
        let mut m = DeadlineSectorMap::new();
        m.add_values(&p, 3, 0, &[1, 2]).unwrap();
        m.add_values(&p, 3, 0, &[2, 5]).unwrap();
        m.add_values(&p, 3, 1, &[9]).unwrap();
        m.add_values(&p, 1, 4, &[7]).unwrap();
        assert_eq!(m.count().unwrap(), (3, 5));
        assert_eq!(m.deadlines().collect::<Vec<_>>(), vec![1, 3]);
        m.check(3, 5).unwrap();
        assert_eq!(
            m.check(2, 5).unwrap_err().msg(),
            "too many partitions 3, max 2"
        );
        assert_eq!(
            m.check(3, 4).unwrap_err().msg(),
            "too many sectors 5, max 4"
        );
        let err = m.add_values(&p, 48, 0, &[1]).unwrap_err();
        assert_eq!(
            (err.exit_code(), err.msg()),
            (ExitCode::USR_ILLEGAL_ARGUMENT, "invalid deadline 48")
        );
        let (_, pm) = m.iter().nth(1).unwrap();
        assert_eq!(pm.partitions().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(pm.len(), 2);
    }
}
