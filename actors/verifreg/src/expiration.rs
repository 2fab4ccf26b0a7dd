//! Finding and checking expired allocations and claims, shared by `RemoveExpiredAllocations`
//! and `RemoveExpiredClaims`: an allocation expires at its `expiration`, a claim at
//! `term_start + term_max`; either may be removed from that epoch on.

use fil_actors_runtime::{ActorError, BatchReturn, BatchReturnGen};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::mapmap::MapMap;
use crate::{Allocation, Claim};

/// Something that can be removed once its expiration epoch is reached.
pub trait Expires {
    fn expiration(&self) -> ChainEpoch;
}

impl Expires for Allocation {
    fn expiration(&self) -> ChainEpoch {
        self.expiration
    }
}

impl Expires for Claim {
    fn expiration(&self) -> ChainEpoch {
        self.term_start + self.term_max
    }
}

/// The IDs of `owner`'s entries that have expired at `curr_epoch`.
pub fn find_expired<BS, T>(
    collection: &mut MapMap<'_, BS, T>,
    owner: ActorID,
    curr_epoch: ChainEpoch,
) -> Result<Vec<u64>, ActorError>
where
    BS: Blockstore,
    T: Expires + Serialize + DeserializeOwned + PartialEq,
{
    let mut found = Vec::new();
    collection.for_each_in(owner, |id, entry| {
        if curr_epoch >= entry.expiration() {
            found.push(id);
        }
        Ok(())
    })?;
    Ok(found)
}

/// One result per candidate: success if `owner` has it and it has expired, `USR_FORBIDDEN` if
/// it has not expired yet, `USR_NOT_FOUND` if `owner` has no such entry.
pub fn check_expired<BS, T>(
    collection: &mut MapMap<'_, BS, T>,
    candidates: &[u64],
    owner: ActorID,
    curr_epoch: ChainEpoch,
) -> Result<BatchReturn, ActorError>
where
    BS: Blockstore,
    T: Expires + Serialize + DeserializeOwned + PartialEq,
{
    let mut results = BatchReturnGen::new(candidates.len());
    for id in candidates {
        match collection.get(owner, *id)? {
            Some(entry) if curr_epoch >= entry.expiration() => results.add_success(),
            Some(_) => results.add_fail(ExitCode::USR_FORBIDDEN),
            None => results.add_fail(ExitCode::USR_NOT_FOUND),
        };
    }
    Ok(results.generate())
}
