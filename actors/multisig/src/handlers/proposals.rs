//! The life of a proposal: `Propose` stores a message with the proposer's approval, `Approve`
//! adds approvals, and the approval that reaches the threshold sends the message and removes the
//! proposal; `Cancel` withdraws it. Approvals and cancellations may name the proposal hash, so a
//! signer acts only on the proposal they reviewed.
//!
//! A sent message that fails does not fail the approval: its exit code and return are reported
//! in the return value (`applied` is true either way), and the proposal is gone.

use fil_actors_runtime::actor_error::abort_exit_code;
use fil_actors_runtime::runtime::{Primitives, Runtime};
use fil_actors_runtime::{actor_error, extract_send_result, ActorError};
use fvm_ipld_encoding::{to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;

use crate::{
    Actor, ApproveReturn, PendingTxnMap, ProposalHashData, ProposeParams, ProposeReturn, State,
    Transaction, TxnID, TxnIDParams,
};

const PENDING: &str = "pending transactions";

/// What came of an approval: whether the message was sent, and if so its exit code and return.
struct Outcome {
    applied: bool,
    code: ExitCode,
    ret: RawBytes,
}

impl Outcome {
    fn pending() -> Self {
        Outcome {
            applied: false,
            code: ExitCode::OK,
            ret: RawBytes::default(),
        }
    }
}

impl Actor {
    /// A signer proposes a message. The proposal counts as the proposer's approval, so with a
    /// threshold of 1 the message is sent at once.
    pub fn propose(rt: &impl Runtime, params: ProposeParams) -> Result<ProposeReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let proposer = rt.message().caller();
        if params.value.is_negative() {
            return Err(actor_error!(illegal_argument;
                "proposed value {} is negative", params.value));
        }
        let (txn_id, txn, st) = rt.transaction(|st: &mut State, rt| {
            require_signer(st, &proposer)?;
            let id = st.next_tx_id;
            st.next_tx_id = TxnID(id.0.checked_add(1).ok_or_else(
                || actor_error!(illegal_state; "transaction number {} cannot be followed", id),
            )?);
            let txn = Transaction {
                to: params.to,
                value: params.value,
                method: params.method,
                params: params.params,
                approved: vec![proposer],
            };
            let mut pending = PendingTxnMap::load(rt.store(), &st.pending_txs, PENDING)?;
            pending.set(&id, txn.clone())?;
            st.pending_txs = pending.flush()?;
            Ok((id, txn, st.clone()))
        })?;
        let outcome = execute_if_approved(rt, &st, txn_id, &txn)?;
        Ok(ProposeReturn {
            txn_id,
            applied: outcome.applied,
            code: outcome.code,
            ret: outcome.ret,
        })
    }

    /// A signer approves a pending proposal. A proposal that already has enough approvals
    /// (the threshold was lowered after it was made) is sent without adding one; otherwise the
    /// caller's approval is added, once, and the message sent if that reaches the threshold.
    pub fn approve(rt: &impl Runtime, params: TxnIDParams) -> Result<ApproveReturn, ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let approver = rt.message().caller();
        let st: State = rt.state()?;
        require_signer(&st, &approver)?;
        let pending = PendingTxnMap::load(rt.store(), &st.pending_txs, PENDING)?;
        let txn = pending
            .get(&params.id)?
            .ok_or_else(
                || actor_error!(not_found; "no such transaction {} for approval", params.id),
            )?
            .clone();
        if !params.proposal_hash.is_empty()
            && params.proposal_hash != compute_proposal_hash(&txn, rt)?
        {
            return Err(actor_error!(illegal_argument;
                "proposal hash {:02x?} does not match transaction {} (the hash names the proposer \
                 by ID address)", params.proposal_hash, params.id));
        }

        let mut outcome = execute_if_approved(rt, &st, params.id, &txn)?;
        if !outcome.applied {
            outcome = add_approval(rt, params.id, txn, approver)?;
        }
        Ok(ApproveReturn {
            applied: outcome.applied,
            code: outcome.code,
            ret: outcome.ret,
        })
    }

    /// The proposer withdraws a pending proposal. Only the signer who proposed it may, and a
    /// wrong proposal hash is `USR_ILLEGAL_STATE`, as in v18.
    pub fn cancel(rt: &impl Runtime, params: TxnIDParams) -> Result<(), ActorError> {
        rt.validate_immediate_caller_accept_any()?;
        let caller = rt.message().caller();
        rt.transaction(|st: &mut State, rt| {
            require_signer(st, &caller)?;
            let mut pending = PendingTxnMap::load(rt.store(), &st.pending_txs, PENDING)?;
            let txn = pending.delete(&params.id)?.ok_or_else(
                || actor_error!(not_found; "no such transaction {} to cancel", params.id),
            )?;
            if txn.approved.first() != Some(&caller) {
                return Err(actor_error!(forbidden;
                    "{} cannot cancel transaction {}, proposed by another signer",
                    caller, params.id));
            }
            let hash = compute_proposal_hash(&txn, rt)?;
            if !params.proposal_hash.is_empty() && params.proposal_hash != hash {
                return Err(actor_error!(illegal_state;
                    "proposal hash {:02x?} does not match transaction {}",
                    params.proposal_hash, params.id));
            }
            st.pending_txs = pending.flush()?;
            Ok(())
        })
    }
}

/// The BLAKE2b-256 digest of a transaction's proposer (its first approver) and message.
pub fn compute_proposal_hash(
    txn: &Transaction,
    primitives: &impl Primitives,
) -> Result<[u8; 32], ActorError> {
    let data = ProposalHashData {
        requester: txn.approved.first(),
        to: &txn.to,
        value: &txn.value,
        method: &txn.method,
        params: &txn.params,
    };
    let bytes = to_vec(&data).map_err(
        |e| actor_error!(illegal_state; "failed to encode the proposal hash data: {}", e),
    )?;
    Ok(primitives.hash_blake2b(&bytes))
}

fn require_signer(st: &State, address: &Address) -> Result<(), ActorError> {
    if st.is_signer(address) {
        Ok(())
    } else {
        Err(actor_error!(forbidden; "{} is not a signer", address))
    }
}

/// Records `approver`'s approval of a proposal, then sends it if that reaches the threshold.
fn add_approval(
    rt: &impl Runtime,
    id: TxnID,
    mut txn: Transaction,
    approver: Address,
) -> Result<Outcome, ActorError> {
    if txn.approved.contains(&approver) {
        return Err(actor_error!(forbidden;
            "{} already approved transaction {}", approver, id));
    }
    txn.approved.push(approver);
    let st = rt.transaction(|st: &mut State, rt| {
        let mut pending = PendingTxnMap::load(rt.store(), &st.pending_txs, PENDING)?;
        pending.set(&id, txn.clone())?;
        st.pending_txs = pending.flush()?;
        Ok(st.clone())
    })?;
    execute_if_approved(rt, &st, id, &txn)
}

/// Sends the proposal's message if it has `st`'s threshold of approvals and the unlocked balance
/// covers its value (`USR_INSUFFICIENT_FUNDS` otherwise, failing the approval), then removes the
/// proposal. The message may have removed it already (a removed signer's only approval).
fn execute_if_approved(
    rt: &impl Runtime,
    st: &State,
    id: TxnID,
    txn: &Transaction,
) -> Result<Outcome, ActorError> {
    if (txn.approved.len() as u64) < st.num_approvals_threshold {
        return Ok(Outcome::pending());
    }
    st.check_available(&rt.current_balance(), &txn.value, rt.curr_epoch())?;
    let sent = extract_send_result(rt.send_simple(
        &txn.to,
        txn.method,
        txn.params.clone().into(),
        txn.value.clone(),
    ));
    let (code, ret) = match sent {
        Ok(block) => (ExitCode::OK, block.map(|b| b.data).unwrap_or_default()),
        Err(mut e) => (
            abort_exit_code(e.exit_code()),
            e.take_data().map(|b| b.data).unwrap_or_default(),
        ),
    };
    rt.transaction(|st: &mut State, rt| {
        let mut pending = PendingTxnMap::load(rt.store(), &st.pending_txs, PENDING)?;
        pending.delete(&id)?;
        st.pending_txs = pending.flush()?;
        Ok(())
    })?;
    Ok(Outcome {
        applied: true,
        code,
        ret: RawBytes::new(ret),
    })
}
