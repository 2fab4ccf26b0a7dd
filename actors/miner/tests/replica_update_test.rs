//! ProveReplicaUpdates3 (FIP-0076 snap deals): data into proven committed-capacity sectors,
//! with power, pledge, daily fee and events; partial failures and every rejection.

mod harness;

use fil_actor_miner::{
    DataActivationNotification, Method, ProveReplicaUpdates3Params, ProveReplicaUpdates3Return,
    SectorUpdateManifest, VerifiedAllocationKey,
};
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::MockRuntime;
use fil_actors_runtime::{ActorError, BatchReturn, FailCode};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredAggregateProof, RegisteredUpdateProof, SectorNumber};
use harness::commit::*;
use harness::*;

/// A miner with proven committed-capacity sectors `numbers`, at an epoch where their
/// deadlines may be modified, funded with 1,000 FIL spare.
fn with_cc_sectors(h: &ActorHarness, numbers: &[SectorNumber]) -> MockRuntime {
    let rt = h.setup();
    rt.set_epoch(200);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance + TokenAmount::from_whole(1000));
    let expiration = h.min_expiration(&rt, 0);
    h.commit_sectors(&rt, numbers, expiration);
    h.activate_unproven_sectors(&rt);
    // Move to an epoch where the sectors' deadline is neither current nor next.
    let (dl, _) = h.state(&rt).find_sector(&rt.store, numbers[0]).unwrap();
    let mut epoch = rt.epoch.get();
    loop {
        let current = h.state(&rt).deadline_info(&rt.policy, epoch).index;
        let next = (current + 1) % rt.policy.wpost_period_deadlines;
        if dl != current && dl != next {
            break;
        }
        epoch += rt.policy.wpost_challenge_window;
    }
    rt.set_epoch(epoch);
    rt
}

fn verified_piece(seed: u64, size: u64) -> fil_actor_miner::PieceActivationManifest {
    let mut p = piece(seed, size);
    p.verified_allocation_key = Some(VerifiedAllocationKey {
        client: 110,
        id: seed,
    });
    p
}

#[test]
fn update_puts_data_into_a_cc_sector() {
    let h = ActorHarness::default();
    let rt = with_cc_sectors(&h, &[1, 2]);
    let old = h.state(&rt).get_sector(&rt.store, 1).unwrap().unwrap();
    let mut plain = piece(10, 4 << 30);
    plain.notify = vec![DataActivationNotification {
        address: Address::new_id(5000),
        payload: RawBytes::new(vec![1]),
    }];
    let pieces = vec![plain, verified_piece(11, 8 << 30)];
    let update = h.update_manifest(&rt, 1, 77, pieces);
    let ret = h
        .prove_replica_updates3_from(&rt, WORKER, vec![update], &[])
        .unwrap();
    assert_eq!(ret.activation_results, BatchReturn::ok(1));

    let st = h.state(&rt);
    let new = st.get_sector(&rt.store, 1).unwrap().unwrap();
    let expected = h.expected_updated_sector(&rt, &old, sealed_cid(77), 4 << 30, 8 << 30);
    assert_eq!(new, expected);
    assert_eq!(new.sector_key_cid, Some(sealed_cid(1)));
    assert!(new.verified_deal_weight > BigInt::from(0));
    // More power, so a larger daily fee.
    assert!(new.daily_fee > old.daily_fee);
    // The other sector is untouched.
    assert_eq!(
        st.get_sector(&rt.store, 2).unwrap().unwrap().sealed_cid,
        sealed_cid(2)
    );
    h.check_state(&rt);

    // A sector with data cannot be updated again.
    let again = h.update_manifest(&rt, 1, 78, vec![]);
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    let res = finish(&rt, call_updates(&rt, vec![again], true));
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "non-zero data", res);
    h.check_state(&rt);
}

#[test]
fn update_without_pieces_keeps_the_sector_empty() {
    let h = ActorHarness::default();
    let rt = with_cc_sectors(&h, &[1]);
    let old = h.state(&rt).get_sector(&rt.store, 1).unwrap().unwrap();
    let update = h.update_manifest(&rt, 1, 50, vec![]);
    h.prove_replica_updates3_from(&rt, WORKER, vec![update], &[])
        .unwrap();
    let new = h.state(&rt).get_sector(&rt.store, 1).unwrap().unwrap();
    assert_eq!(new.sealed_cid, sealed_cid(50));
    assert_eq!(new.initial_pledge, old.initial_pledge);
    assert_eq!(new.daily_fee, old.daily_fee);
    h.check_state(&rt);
}

#[test]
fn invalid_proof_fails_only_its_update() {
    let h = ActorHarness::default();
    let rt = with_cc_sectors(&h, &[1, 2]);
    let updates = vec![
        h.update_manifest(&rt, 1, 61, vec![piece(1, 1 << 30)]),
        h.update_manifest(&rt, 2, 62, vec![piece(2, 1 << 30)]),
    ];
    let ret = h
        .prove_replica_updates3_from(&rt, WORKER, updates, &[1])
        .unwrap();
    assert_eq!(
        ret.activation_results,
        BatchReturn {
            success_count: 1,
            fail_codes: vec![FailCode {
                idx: 0,
                code: ExitCode::USR_ILLEGAL_ARGUMENT
            }],
        }
    );
    let st = h.state(&rt);
    assert_eq!(
        st.get_sector(&rt.store, 1).unwrap().unwrap().sealed_cid,
        sealed_cid(1)
    );
    assert_eq!(
        st.get_sector(&rt.store, 2).unwrap().unwrap().sealed_cid,
        sealed_cid(62)
    );
    h.check_state(&rt);
}

fn params(updates: Vec<SectorUpdateManifest>, require: bool) -> ProveReplicaUpdates3Params {
    ProveReplicaUpdates3Params {
        sector_proofs: updates
            .iter()
            .map(|u| RawBytes::new(vec![u.sector as u8]))
            .collect(),
        sector_updates: updates,
        aggregate_proof: RawBytes::default(),
        update_proofs_type: RegisteredUpdateProof::StackedDRG32GiBV1,
        aggregate_proof_type: None,
        require_activation_success: require,
        require_notification_success: true,
    }
}

fn call_updates(
    rt: &MockRuntime,
    updates: Vec<SectorUpdateManifest>,
    require: bool,
) -> Result<ProveReplicaUpdates3Return, ActorError> {
    call_params(rt, &params(updates, require))
}

fn call_params(
    rt: &MockRuntime,
    params: &ProveReplicaUpdates3Params,
) -> Result<ProveReplicaUpdates3Return, ActorError> {
    call(rt, Method::ProveReplicaUpdates3, Some(params)).map(|r| r.unwrap())
}

/// Each invalid update aborts the message when activation success is required, and otherwise
/// fails alone (here: all fail, so nothing is left to prove).
#[test]
fn invalid_updates() {
    let h = ActorHarness::default();
    let rt = with_cc_sectors(&h, &[1, 2]);
    let before = h.state(&rt);
    let good = h.update_manifest(&rt, 1, 70, vec![]);
    let with = |f: &dyn Fn(&mut SectorUpdateManifest)| {
        let mut u = good.clone();
        f(&mut u);
        u
    };
    let current = h.state(&rt).deadline_info(&rt.policy, rt.epoch.get()).index;
    let illegal = ExitCode::USR_ILLEGAL_ARGUMENT;
    // A missing partition keeps its own code when it aborts the message.
    let cases: Vec<(Vec<SectorUpdateManifest>, ExitCode, &str)> = vec![
        (
            vec![good.clone(), good.clone()],
            illegal,
            "skipping duplicate sector 1",
        ),
        (
            vec![with(&|u| u.deadline = 48)],
            illegal,
            "deadline 48 not in range",
        ),
        (
            vec![with(&|u| u.new_sealed_cid = piece_cid(1))],
            illegal,
            "new sealed CID had wrong prefix",
        ),
        (
            vec![with(&|u| u.deadline = current)],
            illegal,
            "immutable deadline",
        ),
        (
            vec![with(&|u| u.partition = 5)],
            ExitCode::USR_NOT_FOUND,
            "no partition 5",
        ),
    ];
    for (updates, code, fragment) in cases {
        let dup = updates.len() == 2;
        for require in [true, false] {
            as_caller(&rt, WORKER);
            rt.expect_validate_caller_addr(h.controlling(&rt));
            if dup && !require {
                // The first copy is valid and proven; the duplicate fails validation.
                rt.expect_replica_verify(
                    fvm_shared::sector::ReplicaUpdateInfo {
                        update_proof_type: RegisteredUpdateProof::StackedDRG32GiBV1,
                        old_sealed_cid: sealed_cid(1),
                        new_sealed_cid: sealed_cid(70),
                        new_unsealed_cid: update_commd(&good),
                        proof: vec![1],
                    },
                    Err("bad".into()),
                );
            }
            let res = finish(&rt, call_updates(&rt, updates.clone(), require));
            if require {
                expect_abort(code, fragment, res);
            } else {
                expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "no valid updates", res);
            }
            assert_eq!(h.state(&rt), before);
        }
    }

    // The proof type must be the sector's.
    let mut p = params(vec![good.clone()], true);
    p.update_proofs_type = RegisteredUpdateProof::StackedDRG64GiBV1;
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "expected proof type",
        finish(&rt, call_params(&rt, &p)),
    );
    // An oversized proof.
    let mut p = params(vec![good.clone()], true);
    p.sector_proofs = vec![RawBytes::new(vec![0; 4097])];
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "update proof is too large (4097)",
        finish(&rt, call_params(&rt, &p)),
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn unproven_sector_cannot_be_updated() {
    let h = ActorHarness::default();
    let rt = h.setup();
    rt.set_epoch(200);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance + TokenAmount::from_whole(1000));
    let expiration = h.min_expiration(&rt, 0);
    h.commit_sectors(&rt, &[1], expiration);
    let update = h.update_manifest(&rt, 1, 70, vec![]);
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    let res = finish(&rt, call_updates(&rt, vec![update], true));
    // Either immutable (if its deadline is current or next) or not yet active.
    let err = res.unwrap_err();
    assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(
        err.msg().contains("isn't active") || err.msg().contains("immutable deadline"),
        "{}",
        err.msg()
    );
    h.check_state(&rt);
}

#[test]
fn parameter_rejections() {
    let h = ActorHarness::default();
    let rt = with_cc_sectors(&h, &[1]);
    let before = h.state(&rt);
    let good = h.update_manifest(&rt, 1, 70, vec![]);
    let try_params = |p: ProveReplicaUpdates3Params, caller: Address| {
        as_caller(&rt, caller);
        rt.expect_validate_caller_addr(h.controlling(&rt));
        finish(&rt, call_params(&rt, &p))
    };

    let mut both = params(vec![good.clone()], true);
    both.aggregate_proof = RawBytes::new(vec![1]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "exactly one of",
        try_params(both, WORKER),
    );
    let mut neither = params(vec![good.clone()], true);
    neither.sector_proofs = vec![];
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "exactly one of",
        try_params(neither, WORKER),
    );
    let mut typed = params(vec![good.clone()], true);
    typed.aggregate_proof_type = Some(RegisteredAggregateProof::SnarkPackV2);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must be empty",
        try_params(typed, WORKER),
    );
    let mut untyped = params(vec![good.clone()], true);
    untyped.sector_proofs = vec![];
    untyped.aggregate_proof = RawBytes::new(vec![1]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must be specified",
        try_params(untyped.clone(), WORKER),
    );
    untyped.aggregate_proof_type = Some(RegisteredAggregateProof::SnarkPackV2);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "not yet supported",
        try_params(untyped, WORKER),
    );
    let mut mismatched = params(vec![good.clone()], true);
    mismatched.sector_proofs.push(RawBytes::new(vec![2]));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "mismatched lengths",
        try_params(mismatched, WORKER),
    );
    let missing = h.update_manifest(&rt, 1, 70, vec![]);
    let missing = SectorUpdateManifest {
        sector: 9,
        ..missing
    };
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "sector 9 not found",
        try_params(params(vec![missing], true), WORKER),
    );
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "",
        try_params(params(vec![good], true), OTHER),
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}
