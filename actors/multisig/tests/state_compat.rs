//! Byte compatibility of the multisig's state and messages with the network's v18 layouts, using
//! ChainSafe's independent v18 decoding (`fil_actor_multisig_state`) as the oracle. Values cross
//! between the two only as CBOR bytes; the pending-transaction HAMT is checked by rebuilding the
//! same content with the oracle's own map (its key encoding and HAMT parameters) and comparing
//! root CIDs, and by reading our root with it.

mod harness;

use fil_actor_multisig::{
    compute_proposal_hash, AddSignerParams, ApproveReturn, ChangeNumApprovalsThresholdParams,
    ConstructorParams, LockBalanceParams, Method, ProposalHashData, ProposeParams, ProposeReturn,
    RemoveSignerParams, State, SwapSignerParams, Transaction, TxnID, TxnIDParams, SIGNERS_MAX,
};
use fil_actor_multisig_state::v18 as oracle;
use fvm_ipld_encoding::{from_slice, to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use harness::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Encodes `ours`, decodes it as the oracle's type, re-encodes that, and checks the bytes match;
/// then decodes the oracle's bytes back as ours and checks again.
fn round_trip<Ours, Theirs>(ours: &Ours) -> Vec<u8>
where
    Ours: Serialize + DeserializeOwned,
    Theirs: Serialize + DeserializeOwned,
{
    let bytes = to_vec(ours).unwrap();
    let theirs: Theirs = from_slice(&bytes).unwrap();
    let their_bytes = to_vec(&theirs).unwrap();
    assert_eq!(their_bytes, bytes, "{}", std::any::type_name::<Ours>());
    let back: Ours = from_slice(&their_bytes).unwrap();
    assert_eq!(to_vec(&back).unwrap(), bytes);
    bytes
}

fn convert<From: Serialize, To: DeserializeOwned>(value: &From) -> To {
    from_slice(&to_vec(value).unwrap()).unwrap()
}

/// A multisig driven through its methods into a state with everything set: four signers, a
/// lock, and pending transactions with gaps in their numbers, several approvals and params.
fn populated() -> fil_actors_runtime::test_utils::MockRuntime {
    let rt = new_runtime();
    let p = ConstructorParams {
        unlock_duration: 1_000,
        start_epoch: 17,
        ..params(&[ANNE, BOB, CHUCK, DINAH], 3)
    };
    construct_with(&rt, &p, atto(9_000_000)).unwrap();
    for i in 0..40 {
        let proposer = [ANNE, BOB, CHUCK, DINAH][i % 4];
        let proposal = ProposeParams {
            to: PAYEE,
            value: atto(i as i64 * 1_001),
            method: i as u64 % 3,
            params: RawBytes::new(if i % 2 == 0 {
                vec![]
            } else {
                vec![0x81, i as u8]
            }),
        };
        let id = propose_ok(&rt, proposer, &proposal);
        if i % 5 == 0 {
            cancel_with(&rt, proposer, id, vec![]).unwrap();
        } else if i % 3 == 0 {
            let other = [BOB, CHUCK, DINAH, ANNE][i % 4];
            approve_with(&rt, other, id, vec![], None).unwrap();
        }
    }
    assert_invariants(&rt);
    rt
}

#[test]
fn populated_state_is_byte_identical() {
    let rt = populated();
    let st = state(&rt);
    let bytes = round_trip::<State, oracle::State>(&st);
    // A 7-field tuple.
    assert_eq!(bytes[0], 0x87);
    let theirs: oracle::State = from_slice(&bytes).unwrap();
    assert_eq!(theirs.next_tx_id, oracle::TxnID(40));
    assert_eq!(theirs.num_approvals_threshold, 3);
    assert_eq!(theirs.unlock_duration, 1_000);
}

#[test]
fn pending_transactions_hamt_is_the_oracles() {
    let rt = populated();
    let st = state(&rt);
    let ours = pending(&rt);
    assert_eq!(ours.len(), 32);

    // The same entries inserted in the oracle's map give the same root.
    let mut rebuilt = oracle::PendingTxnMap::empty(&rt.store, oracle::PENDING_TXN_CONFIG, "oracle");
    for (id, txn) in &ours {
        rebuilt
            .set(
                &oracle::TxnID(id.0),
                convert::<Transaction, oracle::Transaction>(txn),
            )
            .unwrap();
    }
    assert_eq!(rebuilt.flush().unwrap(), st.pending_txs);

    // And the oracle reads our root entry for entry.
    let theirs = oracle::PendingTxnMap::load(
        &rt.store,
        &st.pending_txs,
        oracle::PENDING_TXN_CONFIG,
        "oracle",
    )
    .unwrap();
    let mut read = Vec::new();
    theirs
        .for_each(|id, txn| {
            read.push((
                TxnID(id.0),
                convert::<oracle::Transaction, Transaction>(txn),
            ));
            Ok(())
        })
        .unwrap();
    read.sort_by_key(|(id, _)| *id);
    assert_eq!(read, ours);
}

#[test]
fn states_after_signer_changes_are_byte_identical() {
    let rt = populated();
    call_as_self(
        &rt,
        Method::RemoveSigner,
        &RemoveSignerParams {
            signer: BOB,
            decrease: true,
        },
    )
    .unwrap();
    call_as_self(
        &rt,
        Method::SwapSigner,
        &SwapSignerParams {
            from: ANNE,
            to: EVE,
        },
    )
    .unwrap();
    assert_invariants(&rt);
    let st = state(&rt);
    round_trip::<State, oracle::State>(&st);
    let theirs: oracle::State = convert(&st);
    let oracle_pending = oracle::PendingTxnMap::load(
        &rt.store,
        &theirs.pending_txs,
        oracle::PENDING_TXN_CONFIG,
        "o",
    )
    .unwrap();
    let mut count = 0;
    oracle_pending
        .for_each(|_, txn| {
            assert!(!txn.approved.contains(&convert(&ANNE)));
            assert!(!txn.approved.contains(&convert(&BOB)));
            count += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(count, pending(&rt).len());
}

#[test]
fn the_purge_matches_the_oracles() {
    // The oracle's own purge of a signer's approvals, run on the same state, gives our root.
    let rt = populated();
    let mut theirs: oracle::State = convert(&state(&rt));
    theirs.purge_approvals(&rt.store, &convert(&CHUCK)).unwrap();
    call_as_self(
        &rt,
        Method::RemoveSigner,
        &RemoveSignerParams {
            signer: CHUCK,
            decrease: false,
        },
    )
    .unwrap();
    assert_eq!(state(&rt).pending_txs, theirs.pending_txs);
}

#[test]
fn vesting_matches_the_oracle() {
    for (initial, duration) in [(1_001i64, 100i64), (9_000_000, 1_000), (7, 3), (0, 10)] {
        let rt = new_runtime();
        let p = ConstructorParams {
            unlock_duration: duration,
            start_epoch: 5,
            ..params(&[ANNE], 1)
        };
        construct_with(&rt, &p, atto(initial)).unwrap();
        let ours = state(&rt);
        let theirs: oracle::State = convert(&ours);
        for elapsed in -2..duration + 2 {
            assert_eq!(
                to_vec(&ours.amount_locked(elapsed)).unwrap(),
                to_vec(&theirs.amount_locked(elapsed)).unwrap(),
                "initial {} duration {} elapsed {}",
                initial,
                duration,
                elapsed
            );
        }
        assert_invariants(&rt);
    }
}

#[test]
fn message_layouts() {
    round_trip::<ConstructorParams, oracle::ConstructorParams>(&ConstructorParams {
        signers: vec![ANNE, Address::new_secp256k1(&[1; 65]).unwrap()],
        num_approvals_threshold: 2,
        unlock_duration: 10,
        start_epoch: -3,
    });
    let propose = ProposeParams {
        to: Address::new_actor(b"receiver"),
        value: atto(123_456_789),
        method: 3844450837,
        params: RawBytes::new(vec![0x82, 0x01, 0x02]),
    };
    round_trip::<ProposeParams, oracle::ProposeParams>(&propose);
    round_trip::<ProposeReturn, oracle::ProposeReturn>(&ProposeReturn {
        txn_id: TxnID(7),
        applied: true,
        code: ExitCode::USR_FORBIDDEN,
        ret: RawBytes::new(vec![0x01]),
    });
    let txn_id = round_trip::<TxnIDParams, oracle::TxnIDParams>(&TxnIDParams {
        id: TxnID(-1),
        proposal_hash: vec![0xab; 32],
    });
    // [ -1, bytes(32) ]
    assert_eq!(&txn_id[..4], &[0x82, 0x20, 0x58, 0x20]);
    round_trip::<ApproveReturn, oracle::ApproveReturn>(&ApproveReturn {
        applied: false,
        code: ExitCode::OK,
        ret: RawBytes::default(),
    });
    round_trip::<AddSignerParams, oracle::AddSignerParams>(&AddSignerParams {
        signer: CHUCK,
        increase: true,
    });
    round_trip::<RemoveSignerParams, oracle::RemoveSignerParams>(&RemoveSignerParams {
        signer: CHUCK,
        decrease: false,
    });
    round_trip::<SwapSignerParams, oracle::SwapSignerParams>(&SwapSignerParams {
        from: ANNE,
        to: Address::new_bls(&[2; 48]).unwrap(),
    });
    round_trip::<ChangeNumApprovalsThresholdParams, oracle::ChangeNumApprovalsThresholdParams>(
        &ChangeNumApprovalsThresholdParams { new_threshold: 4 },
    );
    round_trip::<LockBalanceParams, oracle::LockBalanceParams>(&LockBalanceParams {
        start_epoch: 100,
        unlock_duration: 2_880,
        amount: atto(1 << 60),
    });
}

#[test]
fn proposal_hashes_match_the_oracle() {
    let rt = new_runtime();
    for (approved, params) in [(vec![ANNE, BOB], vec![0x81, 0x05]), (vec![], vec![])] {
        let txn = Transaction {
            to: PAYEE,
            value: atto(77),
            method: 2,
            params: RawBytes::new(params),
            approved,
        };
        let theirs: oracle::Transaction = convert(&txn);
        let ours_data = ProposalHashData {
            requester: txn.approved.first(),
            to: &txn.to,
            value: &txn.value,
            method: &txn.method,
            params: &txn.params,
        };
        let their_data = oracle::ProposalHashData {
            requester: theirs.approved.first(),
            to: &theirs.to,
            value: &theirs.value,
            method: &theirs.method,
            params: &theirs.params,
        };
        let bytes = to_vec(&ours_data).unwrap();
        assert_eq!(bytes, to_vec(&their_data).unwrap());
        let expected: [u8; 32] = blake2b(&bytes);
        assert_eq!(compute_proposal_hash(&txn, &rt).unwrap(), expected);
    }
}

fn blake2b(data: &[u8]) -> [u8; 32] {
    use fil_actors_runtime::runtime::Primitives;
    // The mock's BLAKE2b-256 is the multihash library's, independent of the actor.
    new_runtime().hash_blake2b(data)
}

#[test]
fn method_numbers_and_limits_match_the_oracle() {
    let pairs = [
        (Method::Constructor, oracle::Method::Constructor),
        (Method::Propose, oracle::Method::Propose),
        (Method::Approve, oracle::Method::Approve),
        (Method::Cancel, oracle::Method::Cancel),
        (Method::AddSigner, oracle::Method::AddSigner),
        (Method::RemoveSigner, oracle::Method::RemoveSigner),
        (Method::SwapSigner, oracle::Method::SwapSigner),
        (
            Method::ChangeNumApprovalsThreshold,
            oracle::Method::ChangeNumApprovalsThreshold,
        ),
        (Method::LockBalance, oracle::Method::LockBalance),
        (
            Method::UniversalReceiverHook,
            oracle::Method::UniversalReceiverHook,
        ),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours as u64, theirs as u64, "{:?}", ours);
    }
    assert_eq!(SIGNERS_MAX, oracle::SIGNERS_MAX);
}
