//! Invariant checks over a multisig's state, for tests and the cross-actor state checks.

use std::collections::BTreeSet;

use fil_actors_runtime::MessageAccumulator;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::address::{Address, Protocol};

use crate::{PendingTxnMap, State, TxnID, SIGNERS_MAX};

/// What a multisig's state says, for checks that span actors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSummary {
    pub signers: Vec<Address>,
    pub threshold: u64,
    /// The pending transactions' numbers, in ascending order.
    pub pending: Vec<TxnID>,
}

/// Checks that the signers are distinct ID addresses, no more than `SIGNERS_MAX`; that the
/// threshold is between 1 and the number of signers; that the lock is not negative; and that
/// every pending transaction has a number below `next_tx_id`, a value not negative, and a
/// non-empty list of distinct approvers who are all signers.
pub fn check_state_invariants<BS: Blockstore>(
    state: &State,
    store: &BS,
) -> (StateSummary, MessageAccumulator) {
    let acc = MessageAccumulator::default();
    let mut summary = StateSummary {
        signers: state.signers.clone(),
        threshold: state.num_approvals_threshold,
        pending: Vec::new(),
    };

    let mut distinct = BTreeSet::new();
    for signer in &state.signers {
        acc.require(
            signer.protocol() == Protocol::ID,
            format!("signer {} is not an ID address", signer),
        );
        acc.require(
            distinct.insert(*signer),
            format!("duplicate signer {}", signer),
        );
    }
    acc.require(
        state.signers.len() <= SIGNERS_MAX,
        format!(
            "{} signers, more than the maximum {}",
            state.signers.len(),
            SIGNERS_MAX
        ),
    );
    acc.require(
        state.num_approvals_threshold >= 1
            && state.num_approvals_threshold <= state.signers.len() as u64,
        format!(
            "threshold {} is not between 1 and the {} signers",
            state.num_approvals_threshold,
            state.signers.len()
        ),
    );
    acc.require(
        state.unlock_duration >= 0,
        format!("unlock duration {} is negative", state.unlock_duration),
    );
    acc.require(
        !state.initial_balance.is_negative(),
        format!("locked balance {} is negative", state.initial_balance),
    );

    let pending = match PendingTxnMap::load(store, &state.pending_txs, "pending transactions") {
        Ok(map) => map,
        Err(e) => {
            acc.add(format!("error loading pending transactions: {}", e));
            return (summary, acc);
        }
    };
    let walk = pending.for_each(|id, txn| {
        let acc = acc.with_prefix(format!("transaction {}: ", id));
        acc.require(
            id.0 >= 0 && id < state.next_tx_id,
            format!("number is not in [0, {})", state.next_tx_id),
        );
        acc.require(
            !txn.value.is_negative(),
            format!("value {} is negative", txn.value),
        );
        acc.require(!txn.approved.is_empty(), "no approvals");
        let mut approvers = BTreeSet::new();
        for approver in &txn.approved {
            acc.require(
                state.is_signer(approver),
                format!("approver {} is not a signer", approver),
            );
            acc.require(
                approvers.insert(*approver),
                format!("{} approved twice", approver),
            );
        }
        summary.pending.push(id);
        Ok(())
    });
    acc.require_no_error(walk, "error iterating pending transactions");
    summary.pending.sort();
    (summary, acc)
}
