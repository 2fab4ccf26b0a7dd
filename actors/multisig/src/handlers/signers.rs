//! The signer set and the threshold: `AddSigner`, `RemoveSigner`, `SwapSigner` and
//! `ChangeNumApprovalsThreshold`. Each is called by the multisig itself, so each change is a
//! proposal the signers approved. A signer who leaves takes their approvals with them.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{actor_error, resolve_to_actor_id, ActorContext, ActorError};
use fvm_shared::address::Address;

use super::validate_caller_is_self;
use crate::{
    Actor, AddSignerParams, ChangeNumApprovalsThresholdParams, RemoveSignerParams, State,
    SwapSignerParams, SIGNERS_MAX,
};

impl Actor {
    /// Adds a signer (an address with an actor behind it), optionally raising the threshold.
    pub fn add_signer(rt: &impl Runtime, params: AddSignerParams) -> Result<(), ActorError> {
        validate_caller_is_self(rt)?;
        let signer = Address::new_id(resolve_to_actor_id(rt, &params.signer, true)?);
        rt.transaction(|st: &mut State, _| {
            if st.signers.len() >= SIGNERS_MAX {
                return Err(actor_error!(forbidden;
                    "cannot add {}: the multisig already has the maximum of {} signers",
                    signer, SIGNERS_MAX));
            }
            if st.is_signer(&signer) {
                return Err(actor_error!(forbidden; "{} is already a signer", signer));
            }
            st.signers.push(signer);
            if params.increase {
                st.num_approvals_threshold += 1;
            }
            Ok(())
        })
    }

    /// Removes a signer and their approvals. The last signer cannot be removed, and without
    /// `decrease` the remaining signers must still reach the threshold; with it, the threshold
    /// drops by one and must stay at least 1.
    pub fn remove_signer(rt: &impl Runtime, params: RemoveSignerParams) -> Result<(), ActorError> {
        validate_caller_is_self(rt)?;
        let signer = Address::new_id(resolve_to_actor_id(rt, &params.signer, false)?);
        rt.transaction(|st: &mut State, rt| {
            if !st.is_signer(&signer) {
                return Err(actor_error!(forbidden; "{} is not a signer", signer));
            }
            if st.signers.len() == 1 {
                return Err(actor_error!(forbidden; "cannot remove {}, the only signer", signer));
            }
            let remaining = st.signers.len() as u64 - 1;
            if !params.decrease && remaining < st.num_approvals_threshold {
                return Err(actor_error!(illegal_argument;
                    "removing {} would leave {} signers, below the threshold {}, without decrease",
                    signer, remaining, st.num_approvals_threshold));
            }
            if params.decrease {
                if st.num_approvals_threshold < 2 {
                    return Err(actor_error!(illegal_argument;
                        "cannot decrease the threshold below 1 (it is {})",
                        st.num_approvals_threshold));
                }
                st.num_approvals_threshold -= 1;
            }
            st.purge_approvals(rt.store(), &signer)
                .context("failed to purge the removed signer's approvals")?;
            st.signers.retain(|s| *s != signer);
            Ok(())
        })
    }

    /// Replaces signer `from` (whose approvals are dropped) by `to`, which goes to the end of the
    /// list. `to` must have an actor and not be a signer already.
    pub fn swap_signer(rt: &impl Runtime, params: SwapSignerParams) -> Result<(), ActorError> {
        validate_caller_is_self(rt)?;
        let from = Address::new_id(resolve_to_actor_id(rt, &params.from, false)?);
        let to = Address::new_id(resolve_to_actor_id(rt, &params.to, true)?);
        rt.transaction(|st: &mut State, rt| {
            if !st.is_signer(&from) {
                return Err(actor_error!(forbidden; "{} is not a signer", from));
            }
            if st.is_signer(&to) {
                return Err(actor_error!(illegal_argument; "{} is already a signer", to));
            }
            st.signers.retain(|s| *s != from);
            st.signers.push(to);
            st.purge_approvals(rt.store(), &from)
                .context("failed to purge the swapped-out signer's approvals")
        })
    }

    /// Sets the threshold, between 1 and the number of signers.
    pub fn change_num_approvals_threshold(
        rt: &impl Runtime,
        params: ChangeNumApprovalsThresholdParams,
    ) -> Result<(), ActorError> {
        validate_caller_is_self(rt)?;
        rt.transaction(|st: &mut State, _| {
            let signers = st.signers.len() as u64;
            if params.new_threshold == 0 || params.new_threshold > signers {
                return Err(actor_error!(illegal_argument;
                    "threshold {} is not between 1 and the {} signers",
                    params.new_threshold, signers));
            }
            st.num_approvals_threshold = params.new_threshold;
            Ok(())
        })
    }
}
