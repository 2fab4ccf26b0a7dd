//! The cron event queue: a multimap from epoch to the miners' events due then, stored as the
//! network lays it out, a HAMT (bit width 6) keyed by the epoch as a zig-zag varint whose values
//! are roots of AMTs (bit width 6) of `CronEvent`s, appended in enrolment order.

use cid::Cid;
use fil_actors_runtime::{ActorError, Array, MapKey, DEFAULT_HAMT_CONFIG};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_hamt::{BytesKey, Config, Hamt};
use fvm_shared::clock::ChainEpoch;

use crate::CronEvent;

/// Bit width of the queue's outer HAMT (epoch to events).
pub const CRON_QUEUE_HAMT_BITWIDTH: u32 = 6;
/// Bit width of each epoch's AMT of events.
pub const CRON_QUEUE_AMT_BITWIDTH: u32 = 6;

const CRON_QUEUE_CONFIG: Config = Config {
    bit_width: CRON_QUEUE_HAMT_BITWIDTH,
    ..DEFAULT_HAMT_CONFIG
};

/// The cron event queue, loaded from its root.
pub struct CronEventQueue<BS: Blockstore> {
    hamt: Hamt<BS, Cid, BytesKey>,
}

impl<BS: Blockstore> CronEventQueue<BS> {
    /// An empty queue.
    pub fn empty(store: BS) -> Self {
        CronEventQueue {
            hamt: Hamt::new_with_config(store, CRON_QUEUE_CONFIG),
        }
    }

    pub fn load(store: BS, root: &Cid) -> Result<Self, ActorError> {
        let hamt = Hamt::load_with_config(root, store, CRON_QUEUE_CONFIG).map_err(|e| {
            ActorError::illegal_state(format!("failed to load cron event queue {}: {}", root, e))
        })?;
        Ok(CronEventQueue { hamt })
    }

    /// Writes the queue and returns its root.
    pub fn flush(&mut self) -> Result<Cid, ActorError> {
        self.hamt
            .flush()
            .map_err(|e| ActorError::illegal_state(format!("failed to flush cron events: {}", e)))
    }

    /// Appends `event` to those due at `epoch`.
    pub fn add(&mut self, epoch: ChainEpoch, event: CronEvent) -> Result<(), ActorError> {
        let key = epoch_key(epoch)?;
        let mut events = match self.hamt.get(&key)? {
            Some(root) => Array::load(self.hamt.store(), root, "cron events")?,
            None => Array::empty(self.hamt.store(), CRON_QUEUE_AMT_BITWIDTH, "cron events"),
        };
        events.set(events.count(), event)?;
        let root = events.flush()?;
        self.hamt.set(key, root)?;
        Ok(())
    }

    /// The events due at `epoch`, in enrolment order.
    pub fn events_at(&self, epoch: ChainEpoch) -> Result<Vec<CronEvent>, ActorError> {
        match self.hamt.get(&epoch_key(epoch)?)? {
            Some(root) => collect_events(self.hamt.store(), root),
            None => Ok(Vec::new()),
        }
    }

    /// Removes every event due at `epoch`.
    pub fn remove_all(&mut self, epoch: ChainEpoch) -> Result<(), ActorError> {
        self.hamt.delete(&epoch_key(epoch)?)?;
        Ok(())
    }

    /// Visits every epoch that has events, with its events in enrolment order (epochs in the
    /// HAMT's order, not numerically).
    pub fn for_each<F>(&self, mut f: F) -> Result<(), ActorError>
    where
        F: FnMut(ChainEpoch, Vec<CronEvent>),
    {
        for entry in self.hamt.iter() {
            let (key, root) = entry?;
            let epoch = ChainEpoch::from_bytes(key)
                .map_err(|e| ActorError::illegal_state(format!("bad cron queue key: {}", e)))?;
            f(epoch, collect_events(self.hamt.store(), root)?);
        }
        Ok(())
    }
}

fn epoch_key(epoch: ChainEpoch) -> Result<BytesKey, ActorError> {
    epoch
        .to_bytes()
        .map(BytesKey)
        .map_err(|e| ActorError::illegal_argument(format!("bad cron epoch {}: {}", epoch, e)))
}

fn collect_events<BS: Blockstore>(store: &BS, root: &Cid) -> Result<Vec<CronEvent>, ActorError> {
    let events: Array<&BS, CronEvent> = Array::load(store, root, "cron events")?;
    let mut out = Vec::with_capacity(events.count() as usize);
    events.for_each(|_, event| {
        out.push(event.clone());
        Ok(())
    })?;
    Ok(out)
}
