//! `TerminationResult`: early-terminated sectors popped from partitions for fee processing,
//! grouped by termination epoch, with counts used to bound the work of one message or cron.

use std::collections::BTreeMap;
use std::ops::AddAssign;

use fvm_ipld_bitfield::BitField;
use fvm_shared::clock::ChainEpoch;

#[derive(Default, Debug, Clone, PartialEq)]
pub struct TerminationResult {
    /// Termination epoch to the sectors terminated then.
    pub sectors: BTreeMap<ChainEpoch, BitField>,
    pub partitions_processed: u64,
    pub sectors_processed: u64,
}

impl AddAssign for TerminationResult {
    fn add_assign(&mut self, rhs: Self) {
        self.partitions_processed += rhs.partitions_processed;
        self.sectors_processed += rhs.sectors_processed;
        for (epoch, sectors) in rhs.sectors {
            *self.sectors.entry(epoch).or_default() |= &sectors;
        }
    }
}

impl TerminationResult {
    pub fn new() -> Self {
        Default::default()
    }

    /// Whether both counts are still under their limits.
    pub fn below_limit(&self, partition_limit: u64, sector_limit: u64) -> bool {
        self.partitions_processed < partition_limit && self.sectors_processed < sector_limit
    }

    pub fn is_empty(&self) -> bool {
        self.sectors_processed == 0
    }

    /// The sectors by epoch, in epoch order.
    pub fn iter(&self) -> impl Iterator<Item = (ChainEpoch, &BitField)> {
        self.sectors.iter().map(|(e, s)| (*e, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bf(bits: &[u64]) -> BitField {
        BitField::try_from_bits(bits.iter().copied()).unwrap()
    }

    #[test]
    fn merging_and_limits() {
        let mut a = TerminationResult {
            sectors: BTreeMap::from([(5, bf(&[1, 2]))]),
            partitions_processed: 1,
            sectors_processed: 2,
        };
        a += TerminationResult {
            sectors: BTreeMap::from([(5, bf(&[3])), (7, bf(&[9]))]),
            partitions_processed: 2,
            sectors_processed: 2,
        };
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![(5, &bf(&[1, 2, 3])), (7, &bf(&[9]))]
        );
        assert_eq!((a.partitions_processed, a.sectors_processed), (3, 4));
        assert!(a.below_limit(4, 5));
        assert!(!a.below_limit(3, 5));
        assert!(!a.below_limit(4, 4));
        assert!(!a.is_empty());
        assert!(TerminationResult::new().is_empty());
    }
}
