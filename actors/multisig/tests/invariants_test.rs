//! The multisig's invariant checks report each broken invariant of a hand-made state, and
//! summarise a sound one.

mod harness;

use fil_actor_multisig::testing::{check_state_invariants, StateSummary};
use fil_actor_multisig::{PendingTxnMap, State, Transaction, TxnID};
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use harness::*;

fn txn(value: i64, approved: &[Address]) -> Transaction {
    Transaction {
        to: PAYEE,
        value: atto(value),
        method: 0,
        params: RawBytes::default(),
        approved: approved.to_vec(),
    }
}

fn state_with(
    store: &MemoryBlockstore,
    signers: Vec<Address>,
    txns: &[(i64, Transaction)],
) -> State {
    let mut map = PendingTxnMap::empty(store, "pending");
    for (id, t) in txns {
        map.set(&TxnID(*id), t.clone()).unwrap();
    }
    State {
        signers,
        num_approvals_threshold: 2,
        next_tx_id: TxnID(3),
        initial_balance: atto(10),
        start_epoch: 0,
        unlock_duration: 5,
        pending_txs: map.flush().unwrap(),
    }
}

#[test]
fn a_sound_state_is_summarised() {
    let store = MemoryBlockstore::new();
    let st = state_with(
        &store,
        vec![ANNE, BOB],
        &[(2, txn(1, &[BOB])), (0, txn(5, &[ANNE, BOB]))],
    );
    let (summary, acc) = check_state_invariants(&st, &store);
    acc.assert_empty();
    assert_eq!(
        summary,
        StateSummary {
            signers: vec![ANNE, BOB],
            threshold: 2,
            pending: vec![TxnID(0), TxnID(2)],
        }
    );
}

#[test]
fn every_broken_invariant_is_reported() {
    let store = MemoryBlockstore::new();
    let key = Address::new_secp256k1(&[1; 65]).unwrap();
    let mut st = state_with(&store, vec![ANNE, ANNE, key], &[(3, txn(-1, &[EVE, EVE]))]);
    st.num_approvals_threshold = 4;
    st.unlock_duration = -1;
    let (_, acc) = check_state_invariants(&st, &store);
    acc.assert_expected(&[
        "duplicate signer f0101",
        &format!("signer {} is not an ID address", key),
        "threshold 4 is not between 1 and the 3 signers",
        "unlock duration -1 is negative",
        "transaction 3: number is not in [0, 3)",
        "transaction 3: value -0.000000000000000001 is negative",
        "transaction 3: approver f0105 is not a signer",
        "transaction 3: approver f0105 is not a signer",
        "transaction 3: f0105 approved twice",
    ]);

    let st = state_with(&store, vec![ANNE, BOB], &[(1, txn(1, &[]))]);
    let (_, acc) = check_state_invariants(&st, &store);
    acc.assert_expected(&["transaction 1: no approvals"]);
}
