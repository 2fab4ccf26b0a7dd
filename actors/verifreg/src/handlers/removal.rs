//! `RemoveVerifiedClientDataCap`: the root key destroys datacap held by a client when two
//! different verifiers have signed a proposal to do so. Each (verifier, client) pair has a
//! proposal counter that every use advances, so a signature is good for one removal only.

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::{
    actor_error, deserialize_block, extract_send_result, ActorContext, ActorError,
    VERIFIED_REGISTRY_ACTOR_ADDR,
};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sys::SendFlags;
use num_traits::Zero;

use super::datacap::{balance, destroy};
use crate::ext::account;
use crate::state::{AddrPairKey, ProposalIdsMap};
use crate::{
    Actor, DataCap, RemoveDataCapParams, RemoveDataCapProposal, RemoveDataCapProposalID,
    RemoveDataCapRequest, RemoveDataCapReturn, State, SIGNATURE_DOMAIN_SEPARATION_REMOVE_DATA_CAP,
};
use fil_actors_runtime::resolve_to_actor_id;

impl Actor {
    /// The root key only. Destroys up to `data_cap_amount_to_remove` of the client's datacap
    /// (all of it if it holds less) when both requests carry a valid signature of their verifier
    /// over the proposal with that pair's current counter.
    pub fn remove_verified_client_data_cap(
        rt: &impl Runtime,
        params: RemoveDataCapParams,
    ) -> Result<RemoveDataCapReturn, ActorError> {
        let client = Address::new_id(resolve_to_actor_id(
            rt,
            &params.verified_client_to_remove,
            false,
        )?);
        let verifier_1 = Address::new_id(resolve_to_actor_id(
            rt,
            &params.verifier_request_1.verifier,
            true,
        )?);
        let verifier_2 = Address::new_id(resolve_to_actor_id(
            rt,
            &params.verifier_request_2.verifier,
            true,
        )?);
        if verifier_1 == verifier_2 {
            return Err(actor_error!(illegal_argument;
                "need two different verifiers to remove datacap, got {} twice", verifier_1));
        }

        // The counters advance before the signatures are checked, so that a re-entrant call
        // made while checking cannot use them again; a bad signature aborts and restores them.
        let (id_1, id_2) = rt.transaction(|st: &mut State, rt| {
            rt.validate_immediate_caller_is(std::iter::once(&st.root_key))?;
            if params.verified_client_to_remove == VERIFIED_REGISTRY_ACTOR_ADDR {
                return Err(actor_error!(illegal_argument;
                    "cannot remove datacap from the verified registry itself"));
            }
            for verifier in [verifier_1, verifier_2] {
                if st.get_verifier_cap(rt.store(), &verifier)?.is_none() {
                    return Err(actor_error!(not_found; "{} is not a verifier", verifier));
                }
            }
            let mut ids = st.load_proposal_ids(rt.store())?;
            let id_1 = use_proposal_id(&mut ids, verifier_1, client)?;
            let id_2 = use_proposal_id(&mut ids, verifier_2, client)?;
            st.remove_data_cap_proposal_ids = ids.flush()?;
            Ok((id_1, id_2))
        })?;

        let amount = &params.data_cap_amount_to_remove;
        check_request(rt, &params.verifier_request_1, id_1, amount, client)?;
        check_request(rt, &params.verifier_request_2, id_2, amount, client)?;

        let held = balance(rt, &client).context("failed to fetch balance")?;
        let removed = std::cmp::min(held, amount.clone());
        destroy(rt, &client, &removed)?;
        Ok(RemoveDataCapReturn {
            verified_client: client,
            data_cap_removed: removed,
        })
    }
}

/// Returns the pair's current counter and advances it.
fn use_proposal_id<BS: Blockstore>(
    ids: &mut ProposalIdsMap<'_, BS>,
    verifier: Address,
    client: Address,
) -> Result<RemoveDataCapProposalID, ActorError> {
    let key = AddrPairKey { verifier, client };
    let current = ids
        .get(&key)
        .with_context(|| format!("verifier {} client {}", verifier, client))?
        .copied()
        .unwrap_or(RemoveDataCapProposalID { id: 0 });
    ids.set(&key, RemoveDataCapProposalID { id: current.id + 1 })
        .with_context(|| format!("verifier {} client {}", verifier, client))?;
    Ok(current)
}

/// Asks the verifier's account to authenticate its signature over the proposal (prefixed with
/// the domain separation tag). A refusal by the account fails with the account's exit code;
/// an answer of `false` is `USR_ILLEGAL_ARGUMENT`.
fn check_request(
    rt: &impl Runtime,
    request: &RemoveDataCapRequest,
    id: RemoveDataCapProposalID,
    amount: &DataCap,
    client: Address,
) -> Result<(), ActorError> {
    let proposal = RemoveDataCapProposal {
        verified_client: client,
        data_cap_amount: amount.clone(),
        removal_proposal_id: id,
    };
    let mut message = SIGNATURE_DOMAIN_SEPARATION_REMOVE_DATA_CAP.to_vec();
    message.extend(fvm_ipld_encoding::to_vec(&proposal)?);
    let params = account::AuthenticateMessageParams {
        signature: request.signature.bytes.clone(),
        message,
    };
    let authenticated: bool = extract_send_result(rt.send(
        &request.verifier,
        account::AUTHENTICATE_MESSAGE_METHOD,
        IpldBlock::serialize_cbor(&params)?,
        TokenAmount::zero(),
        None,
        SendFlags::READ_ONLY,
    ))
    .and_then(deserialize_block)
    .with_context(|| format!("proposal authentication by {} failed", request.verifier))?;
    if !authenticated {
        return Err(actor_error!(illegal_argument;
            "proposal authentication by {} failed", request.verifier));
    }
    Ok(())
}
