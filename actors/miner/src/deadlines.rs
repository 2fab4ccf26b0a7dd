//! `Deadlines`: the CIDs of the 48 deadlines of the proving period (one CBOR list behind the
//! state root), with loading, storing and the search for the deadline and partition holding a
//! sector.

use cid::Cid;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::{actor_error, ActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::CborStore;
use fvm_shared::sector::SectorNumber;
use multihash_codetable::Code;

use crate::bitfield_queue::amt_err;
use crate::{Deadline, Partition};

/// One CID per deadline, in index order.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    pub due: Vec<Cid>,
}

impl Deadlines {
    /// Every deadline set to `empty_deadline`.
    pub fn new(policy: &Policy, empty_deadline: Cid) -> Self {
        Deadlines {
            due: vec![empty_deadline; policy.wpost_period_deadlines as usize],
        }
    }

    /// Deadline `idx`; `USR_ILLEGAL_ARGUMENT` for an index past the last.
    pub fn load_deadline<BS: Blockstore>(
        &self,
        store: &BS,
        idx: u64,
    ) -> Result<Deadline, ActorError> {
        let cid = self
            .due
            .get(idx as usize)
            .ok_or_else(|| actor_error!(illegal_argument; "invalid deadline index {} of {}", idx, self.due.len()))?;
        store
            .get_cbor(cid)
            .map_err(|e| actor_error!(illegal_state; "failed to load deadline {}: {}", idx, e))?
            .ok_or_else(|| actor_error!(illegal_state; "deadline {} not found at {}", idx, cid))
    }

    /// Visits every deadline in index order.
    pub fn for_each<BS: Blockstore>(
        &self,
        store: &BS,
        mut f: impl FnMut(u64, Deadline) -> Result<(), ActorError>,
    ) -> Result<(), ActorError> {
        for idx in 0..self.due.len() as u64 {
            f(idx, self.load_deadline(store, idx)?)?;
        }
        Ok(())
    }

    /// Validates and stores deadline `idx`.
    pub fn update_deadline<BS: Blockstore>(
        &mut self,
        policy: &Policy,
        store: &BS,
        idx: u64,
        deadline: &Deadline,
    ) -> Result<(), ActorError> {
        let slot = match self.due.get_mut(idx as usize) {
            Some(slot) if idx < policy.wpost_period_deadlines => slot,
            _ => return Err(actor_error!(illegal_argument; "invalid deadline {}", idx)),
        };
        deadline.validate_state()?;
        *slot = store
            .put_cbor(deadline, Code::Blake2b256)
            .map_err(|e| actor_error!(illegal_state; "failed to store deadline {}: {}", idx, e))?;
        Ok(())
    }

    /// The deadline and partition indexes of the partition holding `sector_number`, and that
    /// partition; `USR_NOT_FOUND` if none does.
    pub fn find_sector_partition<BS: Blockstore>(
        &self,
        store: &BS,
        sector_number: SectorNumber,
    ) -> Result<(u64, u64, Partition), ActorError> {
        for dl_idx in 0..self.due.len() as u64 {
            let deadline = self.load_deadline(store, dl_idx)?;
            let mut found = None;
            deadline
                .partitions_amt(store)?
                .for_each_while(|p_idx, partition| {
                    if partition.sectors.get(sector_number) {
                        found = Some((p_idx, partition.clone()));
                        return Ok(false);
                    }
                    Ok(true)
                })
                .map_err(amt_err("failed to iterate partitions"))?;
            if let Some((p_idx, partition)) = found {
                return Ok((dl_idx, p_idx, partition));
            }
        }
        Err(actor_error!(not_found; "sector {} not due at any deadline", sector_number))
    }
}
