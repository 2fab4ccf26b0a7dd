//! The multisig's method handlers, one module per topic: construction, the life of a proposal,
//! the signer set and threshold, the balance lock, and what arrives from outside.

mod constructor;
mod lock;
mod proposals;
mod receive;
mod signers;

pub use proposals::compute_proposal_hash;

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;

/// Methods that change the multisig are called by the multisig, through an approved proposal.
fn validate_caller_is_self(rt: &impl Runtime) -> Result<(), ActorError> {
    let receiver = rt.message().receiver();
    rt.validate_immediate_caller_is(std::iter::once(&receiver))
}
