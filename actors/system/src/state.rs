//! The system actor's state: a link to the built-in actor registry.
//!
//! The FVM decodes this state itself (its `system_actor::State`), so the layout is fixed: a CBOR
//! array of one element, the CID of the registry. The registry is a CBOR list of
//! `(name, code CID)` pairs.

use cid::Cid;
use fil_actors_runtime::{ActorError, AsActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::CborStore;
use fvm_shared::error::ExitCode;
use multihash_codetable::Code;

/// The system actor's state.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The registry of built-in actors: a CBOR list of `(name, code CID)` pairs.
    pub builtin_actors: Cid,
}

impl State {
    /// A state whose registry is the empty list, written to `store`.
    pub fn new<BS: Blockstore>(store: &BS) -> Result<Self, ActorError> {
        let builtin_actors = store
            .put_cbor(&Vec::<(String, Cid)>::new(), Code::Blake2b256)
            .context_code(
                ExitCode::USR_ILLEGAL_STATE,
                "failed to write the built-in actor registry",
            )?;
        Ok(State { builtin_actors })
    }

    /// Reads the registry: each built-in actor's manifest name and code CID.
    pub fn get_builtin_actors<BS: Blockstore>(
        &self,
        store: &BS,
    ) -> Result<Vec<(String, Cid)>, ActorError> {
        store
            .get_cbor(&self.builtin_actors)
            .context_code(
                ExitCode::USR_ILLEGAL_STATE,
                "failed to decode the built-in actor registry",
            )?
            .with_context_code(ExitCode::USR_ILLEGAL_STATE, || {
                format!("built-in actor registry {} not found", self.builtin_actors)
            })
    }
}
