//! The states a scenario's actors wrote, recorded as they change so that the v18 decoders can
//! read every one of them afterwards.

use cid::Cid;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::ActorID;
use test_vm::VM;

/// A state an actor held after a message or a cron tick, and the epoch it was first seen.
#[derive(Clone, Debug, PartialEq)]
pub struct WrittenState {
    pub actor: ActorID,
    pub head: Cid,
    pub epoch: ChainEpoch,
}

/// The actors watched and the states they held so far.
#[derive(Clone, Debug, Default)]
pub struct StateLog {
    watched: Vec<ActorID>,
    pub states: Vec<WrittenState>,
}

impl StateLog {
    /// Watches `actor` from now on; its state is recorded at the next [`StateLog::record`].
    pub fn watch(&mut self, actor: ActorID) {
        if !self.watched.contains(&actor) {
            self.watched.push(actor);
        }
    }

    /// Records each watched actor's state head when it has changed since last seen. An actor
    /// that no longer exists (a collected payment channel) records nothing.
    pub fn record(&mut self, vm: &dyn VM) -> anyhow::Result<()> {
        for &actor in &self.watched {
            let Some(state) = vm.actor(actor)? else {
                continue;
            };
            let last = self.states.iter().rev().find(|s| s.actor == actor);
            if last.map(|s| s.head) != Some(state.state) {
                self.states.push(WrittenState {
                    actor,
                    head: state.state,
                    epoch: vm.epoch(),
                });
            }
        }
        Ok(())
    }
}
