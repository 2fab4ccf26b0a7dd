//! The deal-ops queue: which deals cron visits at which epoch. A HAMT keyed by epoch whose values
//! are the roots of HAMT sets of deal IDs (both of bit width 5, v18's set-multimap). A deal is
//! queued once, at publication, for its first visit at or after its start epoch.

use std::collections::BTreeMap;

use cid::Cid;
use fil_actors_runtime::{ActorError, Map};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::deal::DealID;

use crate::State;

/// A set of deal IDs: a HAMT whose values are CBOR null, as v18's sets.
type DealSet<BS> = Map<BS, DealID, ()>;

/// Epoch to the root of a set of deal IDs.
pub struct DealOpsByEpoch<BS: Blockstore> {
    outer: Map<BS, ChainEpoch, Cid>,
}

impl<BS: Blockstore + Clone> DealOpsByEpoch<BS> {
    pub fn load(store: BS, root: &Cid) -> Result<Self, ActorError> {
        Ok(DealOpsByEpoch {
            outer: Map::load(store, root, "deal ops")?,
        })
    }

    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.outer.flush()
    }

    /// The set of deals queued at `epoch`, if any.
    fn set_at(&self, store: BS, epoch: ChainEpoch) -> Result<Option<DealSet<BS>>, ActorError> {
        match self.outer.get(&epoch)? {
            Some(root) => Ok(Some(DealSet::load(store, root, "deal ops at epoch")?)),
            None => Ok(None),
        }
    }

    /// Adds deals to the set at `epoch`.
    pub fn put_many(
        &mut self,
        store: BS,
        epoch: ChainEpoch,
        deals: &[DealID],
    ) -> Result<(), ActorError> {
        let mut set = match self.set_at(store.clone(), epoch)? {
            Some(set) => set,
            None => DealSet::empty(store, "deal ops at epoch"),
        };
        for deal in deals {
            set.set(deal, ())?;
        }
        let root = set.flush()?;
        self.outer.set(&epoch, root)?;
        Ok(())
    }

    /// The deals queued at `epoch`, in the set's (key-hash) order.
    pub fn deals_at(&self, store: BS, epoch: ChainEpoch) -> Result<Vec<DealID>, ActorError> {
        let mut deals = Vec::new();
        if let Some(set) = self.set_at(store, epoch)? {
            set.for_each(|deal, _| {
                deals.push(deal);
                Ok(())
            })?;
        }
        Ok(deals)
    }

    /// Drops every deal queued at `epoch`.
    pub fn remove_all(&mut self, epoch: ChainEpoch) -> Result<(), ActorError> {
        self.outer.delete(&epoch)?;
        Ok(())
    }

    /// Visits every epoch with its deals.
    pub fn for_each<F>(&self, store: BS, mut f: F) -> Result<(), ActorError>
    where
        F: FnMut(ChainEpoch, Vec<DealID>) -> Result<(), ActorError>,
    {
        let mut epochs = Vec::new();
        self.outer.for_each(|epoch, _| {
            epochs.push(epoch);
            Ok(())
        })?;
        for epoch in epochs {
            f(epoch, self.deals_at(store.clone(), epoch)?)?;
        }
        Ok(())
    }
}

impl State {
    pub fn load_deal_ops<BS: Blockstore + Clone>(
        &self,
        store: BS,
    ) -> Result<DealOpsByEpoch<BS>, ActorError> {
        DealOpsByEpoch::load(store, &self.deal_ops_by_epoch)
    }

    /// Queues each deal at its epoch, in order.
    pub fn put_deals_by_epoch<BS: Blockstore>(
        &mut self,
        store: &BS,
        deals: &[(ChainEpoch, DealID)],
    ) -> Result<(), ActorError> {
        let mut ops = self.load_deal_ops(store)?;
        for (epoch, deal) in deals {
            ops.put_many(store, *epoch, &[*deal])?;
        }
        self.deal_ops_by_epoch = ops.flush()?;
        Ok(())
    }

    /// Queues groups of deals, epoch by epoch.
    pub fn put_batch_deals_by_epoch<BS: Blockstore>(
        &mut self,
        store: &BS,
        deals: &BTreeMap<ChainEpoch, Vec<DealID>>,
    ) -> Result<(), ActorError> {
        let mut ops = self.load_deal_ops(store)?;
        for (epoch, ids) in deals {
            ops.put_many(store, *epoch, ids)?;
        }
        self.deal_ops_by_epoch = ops.flush()?;
        Ok(())
    }

    pub fn get_deals_for_epoch<BS: Blockstore>(
        &self,
        store: &BS,
        epoch: ChainEpoch,
    ) -> Result<Vec<DealID>, ActorError> {
        self.load_deal_ops(store)?.deals_at(store, epoch)
    }

    pub fn remove_deals_by_epoch<BS: Blockstore>(
        &mut self,
        store: &BS,
        epochs: &[ChainEpoch],
    ) -> Result<(), ActorError> {
        let mut ops = self.load_deal_ops(store)?;
        for epoch in epochs {
            ops.remove_all(*epoch)?;
        }
        self.deal_ops_by_epoch = ops.flush()?;
        Ok(())
    }
}
