//! `BitFieldQueue`: an AMT from (quantized) epoch to a bitfield, used for the deadline's
//! partition expiration index, the partition's early-termination queue and the pre-commit
//! clean-up queue.

use cid::Cid;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_amt::Amt;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use itertools::Itertools;

use crate::QuantSpec;

/// An AMT error as an illegal-state `ActorError` naming what was being done.
pub(crate) fn amt_err(
    what: impl std::fmt::Display,
) -> impl FnOnce(fvm_ipld_amt::Error) -> ActorError {
    move |e| actor_error!(illegal_state; "{}: {}", what, e)
}

/// A queue key from an epoch; epochs before zero have no key.
pub(crate) fn epoch_key(epoch: ChainEpoch) -> Result<u64, ActorError> {
    u64::try_from(epoch).map_err(|_| actor_error!(illegal_state; "negative queue epoch {}", epoch))
}

/// Values bucketed by epoch; epochs are quantized up with `quant` before use.
pub struct BitFieldQueue<BS: Blockstore> {
    pub amt: Amt<BitField, BS>,
    quant: QuantSpec,
}

impl<BS: Blockstore> BitFieldQueue<BS> {
    /// Loads the queue at `root`.
    pub fn new(store: BS, root: &Cid, quant: QuantSpec) -> Result<Self, ActorError> {
        let amt = Amt::load(root, store)
            .map_err(amt_err(format!("failed to load bitfield queue {}", root)))?;
        Ok(BitFieldQueue { amt, quant })
    }

    /// The root of an empty queue with `bit_width`.
    pub fn flush_empty(store: BS, bit_width: u32) -> Result<Cid, ActorError> {
        Amt::<BitField, BS>::new_with_bit_width(store, bit_width)
            .flush()
            .map_err(amt_err("failed to store empty bitfield queue"))
    }

    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.amt
            .flush()
            .map_err(amt_err("failed to store bitfield queue"))
    }

    /// Adds `values` to the entry of `raw_epoch` (quantized).
    pub fn add_to_queue(
        &mut self,
        raw_epoch: ChainEpoch,
        values: &BitField,
    ) -> Result<(), ActorError> {
        if values.is_empty() {
            return Ok(());
        }
        let epoch = epoch_key(self.quant.quantize_up(raw_epoch))?;
        let prior = self
            .amt
            .get(epoch)
            .map_err(amt_err(format!("failed to look up queue epoch {}", epoch)))?
            .cloned()
            .unwrap_or_default();
        self.amt
            .set(epoch, &prior | values)
            .map_err(amt_err(format!("failed to set queue epoch {}", epoch)))
    }

    pub fn add_to_queue_values(
        &mut self,
        epoch: ChainEpoch,
        values: impl IntoIterator<Item = u64>,
    ) -> Result<(), ActorError> {
        let values = BitField::try_from_bits(values)
            .map_err(|e| actor_error!(illegal_argument; "queue values out of range: {}", e))?;
        self.add_to_queue(epoch, &values)
    }

    /// Adds many `(epoch, value)` pairs, writing each quantized entry once.
    pub fn add_many_to_queue_values(
        &mut self,
        values: impl IntoIterator<Item = (ChainEpoch, u64)>,
    ) -> Result<(), ActorError> {
        let mut quantized: Vec<(ChainEpoch, u64)> = values
            .into_iter()
            .map(|(e, v)| (self.quant.quantize_up(e), v))
            .collect();
        quantized.sort_unstable();
        quantized.dedup();
        for (epoch, group) in &quantized.into_iter().chunk_by(|(e, _)| *e) {
            self.add_to_queue_values(epoch, group.map(|(_, v)| v))?;
        }
        Ok(())
    }

    /// Removes the values in `to_cut` from every entry and shifts the values above each removed
    /// one down (see `BitField::cut`), deleting entries left empty. Used when partitions are
    /// removed from a deadline and the later ones renumbered.
    pub fn cut(&mut self, to_cut: &BitField) -> Result<(), ActorError> {
        let mut emptied = Vec::new();
        self.amt
            .for_each_mut(|epoch, bitfield| {
                let cut = bitfield.cut(to_cut);
                if cut.is_empty() {
                    emptied.push(epoch);
                } else {
                    **bitfield = cut;
                }
                Ok(())
            })
            .map_err(amt_err("failed to cut from bitfield queue"))?;
        self.amt.batch_delete(emptied, true).map_err(amt_err(
            "failed to remove emptied entries from bitfield queue",
        ))?;
        Ok(())
    }

    /// Removes and returns the union of every entry at or before `until`, and whether anything
    /// was removed.
    pub fn pop_until(&mut self, until: ChainEpoch) -> Result<(BitField, bool), ActorError> {
        let mut popped = BitField::new();
        let mut keys = Vec::new();
        self.amt
            .for_each_while(|epoch, bitfield| {
                if epoch as ChainEpoch > until {
                    return Ok(false);
                }
                keys.push(epoch);
                popped |= bitfield;
                Ok(true)
            })
            .map_err(amt_err("failed to iterate bitfield queue"))?;
        if keys.is_empty() {
            return Ok((BitField::new(), false));
        }
        self.amt.batch_delete(keys, true).map_err(amt_err(
            "failed to remove popped entries from bitfield queue",
        ))?;
        Ok((popped, true))
    }

    /// Every entry, in epoch order.
    pub fn entries(&self) -> Result<Vec<(ChainEpoch, BitField)>, ActorError> {
        let mut out = Vec::new();
        self.amt
            .for_each(|epoch, bitfield| {
                out.push((epoch as ChainEpoch, bitfield.clone()));
                Ok(())
            })
            .map_err(amt_err("failed to iterate bitfield queue"))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NO_QUANTIZATION;
    use fvm_ipld_blockstore::MemoryBlockstore;

    fn bf(bits: &[u64]) -> BitField {
        BitField::try_from_bits(bits.iter().copied()).unwrap()
    }

    fn queue(store: &MemoryBlockstore, quant: QuantSpec) -> BitFieldQueue<&MemoryBlockstore> {
        let root = BitFieldQueue::flush_empty(store, 3).unwrap();
        BitFieldQueue::new(store, &root, quant).unwrap()
    }

    #[test]
    fn adds_merge_per_quantized_epoch() {
        let store = MemoryBlockstore::new();
        let mut q = queue(&store, QuantSpec { unit: 5, offset: 3 });
        q.add_to_queue(4, &bf(&[1, 2])).unwrap(); // -> 8
        q.add_to_queue(8, &bf(&[3])).unwrap(); // -> 8
        q.add_to_queue(9, &bf(&[])).unwrap(); // nothing
        q.add_many_to_queue_values([(10, 7), (13, 6), (1, 9), (13, 6)])
            .unwrap(); // 13, 13, 3
        assert_eq!(
            q.entries().unwrap(),
            vec![(3, bf(&[9])), (8, bf(&[1, 2, 3])), (13, bf(&[6, 7]))]
        );
    }

    #[test]
    fn pop_until_takes_the_prefix() {
        let store = MemoryBlockstore::new();
        let mut q = queue(&store, NO_QUANTIZATION);
        q.add_many_to_queue_values([(1, 1), (2, 2), (3, 3), (5, 5)])
            .unwrap();
        assert_eq!(q.pop_until(0).unwrap(), (BitField::new(), false));
        assert_eq!(q.pop_until(3).unwrap(), (bf(&[1, 2, 3]), true));
        assert_eq!(q.entries().unwrap(), vec![(5, bf(&[5]))]);
        let root = q.flush().unwrap();
        let mut again = BitFieldQueue::new(&store, &root, NO_QUANTIZATION).unwrap();
        assert_eq!(again.pop_until(10).unwrap(), (bf(&[5]), true));
        assert!(again.entries().unwrap().is_empty());
    }

    #[test]
    fn cut_renumbers_and_drops_empty_entries() {
        let store = MemoryBlockstore::new();
        let mut q = queue(&store, NO_QUANTIZATION);
        q.add_to_queue(1, &bf(&[0, 2, 4])).unwrap();
        q.add_to_queue(2, &bf(&[1])).unwrap();
        q.add_to_queue(3, &bf(&[5])).unwrap();
        // Removing partitions 1 and 3: 2 -> 1, 4 -> 2, 5 -> 3.
        q.cut(&bf(&[1, 3])).unwrap();
        assert_eq!(
            q.entries().unwrap(),
            vec![(1, bf(&[0, 1, 2])), (3, bf(&[3]))]
        );
    }

    #[test]
    fn negative_epochs_are_refused() {
        let store = MemoryBlockstore::new();
        let mut q = queue(&store, NO_QUANTIZATION);
        let err = q.add_to_queue(-1, &bf(&[1])).unwrap_err();
        assert_eq!(err.msg(), "negative queue epoch -1");
    }
}
