//! ProveCommitSectors3 (FIP-0076) and CheckSectorProven: proofs in batches and aggregates,
//! pieces with CommD checks, verified claims and FIP-0109 notifications, pledge and daily fee,
//! partial failures and every rejection.

mod harness;

use fil_actor_miner::emit::sector_data_event;
use fil_actor_miner::ext::verifreg::{ClaimAllocationsReturn, SectorClaimSummary};
use fil_actor_miner::{
    CheckSectorProvenParams, CompactCommD, DataActivationNotification, Method, PieceReturn,
    ProveCommitSectors3Params, ProveCommitSectors3Return, SectorActivationManifest,
    SectorContentChangedReturn, SectorPreCommitOnChainInfo, SectorReturn, VerifiedAllocationKey,
    ERR_NOTIFICATION_RECEIVER_ABORTED, ERR_NOTIFICATION_REJECTED, MAX_SECTOR_NUMBER,
};
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::MockRuntime;
use fil_actors_runtime::{BatchReturn, FailCode, STORAGE_MARKET_ACTOR_ADDR};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{
    AggregateSealVerifyInfo, AggregateSealVerifyProofAndInfos, RegisteredAggregateProof,
    SectorNumber,
};
use harness::commit::*;
use harness::*;

/// A contract that takes notifications (FIP-0109: any actor may be notified).
const CONTRACT: Address = Address::new_id(5000);

/// Pre-commits `numbers` at epoch 200 (with `commd` as their CommD) in a miner funded with
/// 1,000 FIL spare, then moves to the first epoch they may be proven.
fn precommitted(
    h: &ActorHarness,
    numbers: &[SectorNumber],
    commd: CompactCommD,
) -> (MockRuntime, Vec<SectorPreCommitOnChainInfo>) {
    let rt = h.setup();
    rt.set_epoch(200);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance + TokenAmount::from_whole(1000));
    let expiration = h.min_expiration(&rt, 0);
    let pcs = h.precommit_sectors(
        &rt,
        numbers
            .iter()
            .map(|&n| {
                let mut pc = h.precommit_info(&rt, n, expiration);
                pc.unsealed_cid = commd.clone();
                pc
            })
            .collect(),
    );
    rt.set_epoch(200 + rt.policy.pre_commit_challenge_delay + 1);
    (rt, pcs)
}

fn empty(n: SectorNumber) -> SectorActivationManifest {
    SectorActivationManifest {
        sector_number: n,
        pieces: vec![],
    }
}

fn params(
    activations: Vec<SectorActivationManifest>,
    proofs: Vec<RawBytes>,
) -> ProveCommitSectors3Params {
    ProveCommitSectors3Params {
        sector_activations: activations,
        sector_proofs: proofs,
        aggregate_proof: RawBytes::default(),
        aggregate_proof_type: None,
        require_activation_success: true,
        require_notification_success: true,
    }
}

/// Calls ProveCommitSectors3 from the worker with only the caller expectation (for rejections
/// before anything is asked).
fn call_pcs3(
    h: &ActorHarness,
    rt: &MockRuntime,
    params: ProveCommitSectors3Params,
) -> Result<ProveCommitSectors3Return, fil_actors_runtime::ActorError> {
    as_caller(rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(rt));
    let res = call(rt, Method::ProveCommitSectors3, Some(&params)).map(|r| r.unwrap());
    finish(rt, res)
}

#[test]
fn prove_commit_activates_sectors_with_pledge_and_daily_fee() {
    let h = ActorHarness::default();
    let (rt, pcs) = precommitted(&h, &[100, 101], CompactCommD::empty());
    let before = h.state(&rt);
    let sectors = h.prove_commit_sectors3(&rt, vec![empty(100), empty(101)]);

    let st = h.state(&rt);
    let mut total_pledge = TokenAmount::from_atto(0);
    for (sector, pc) in sectors.iter().zip(&pcs) {
        assert_eq!(sector, &h.expected_sector(&rt, &pc.info, 0, 0));
        assert!(sector.daily_fee.is_positive());
        total_pledge += &sector.initial_pledge;
        assert!(st
            .get_precommitted_sector(&rt.store, pc.info.sector_number)
            .unwrap()
            .is_none());
        // Assigned to a deadline, unproven: no power until the first Window PoSt.
        let (dl, p) = st.find_sector(&rt.store, pc.info.sector_number).unwrap();
        let partition = st
            .load_deadlines(&rt.store)
            .unwrap()
            .load_deadline(&rt.store, dl)
            .unwrap()
            .load_partition(&rt.store, p)
            .unwrap();
        assert!(partition.unproven.get(pc.info.sector_number));
    }
    assert_eq!(st.pre_commit_deposits, TokenAmount::from_atto(0));
    assert_eq!(st.initial_pledge, &before.initial_pledge + &total_pledge);
    h.check_state(&rt);

    // CheckSectorProven answers for both; the harness's helper set the pledge notice.
    for n in [100, 101] {
        check_sector_proven(&rt, n).unwrap();
    }
}

fn check_sector_proven(
    rt: &MockRuntime,
    n: SectorNumber,
) -> Result<(), fil_actors_runtime::ActorError> {
    as_caller(rt, OTHER);
    rt.expect_validate_caller_any();
    let res = call::<_, ()>(
        rt,
        Method::CheckSectorProven,
        Some(&CheckSectorProvenParams { sector_number: n }),
    )
    .map(|_| ());
    finish(rt, res)
}

#[test]
fn check_sector_proven_rejections() {
    let h = ActorHarness::default();
    let (rt, _) = precommitted(&h, &[1], CompactCommD::empty());
    // Pre-committed is not proven.
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "sector 1 not proven",
        check_sector_proven(&rt, 1),
    );
    expect_abort(
        ExitCode::USR_NOT_FOUND,
        "not proven",
        check_sector_proven(&rt, 2),
    );
    for n in [MAX_SECTOR_NUMBER + 1, u64::MAX] {
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            &format!("sector number {n} greater than maximum {MAX_SECTOR_NUMBER}"),
            check_sector_proven(&rt, n),
        );
    }
    h.check_state(&rt);
}

#[test]
fn pieces_claims_and_notifications_to_any_actor() {
    let h = ActorHarness::default();
    let commd = piece_cid(999);
    let (rt, pcs) = precommitted(&h, &[5], CompactCommD::of(commd));
    let mut verified = piece(2, 1 << 30);
    verified.verified_allocation_key = Some(VerifiedAllocationKey {
        client: 110,
        id: 77,
    });
    verified.notify = vec![DataActivationNotification {
        address: CONTRACT,
        payload: RawBytes::new(vec![1, 2]),
    }];
    let mut plain = piece(1, 2 << 30);
    plain.notify = vec![
        DataActivationNotification {
            address: STORAGE_MARKET_ACTOR_ADDR,
            payload: RawBytes::new(vec![3]),
        },
        DataActivationNotification {
            address: CONTRACT,
            payload: RawBytes::new(vec![4]),
        },
    ];
    let pieces = vec![plain, verified];
    let sectors = h.prove_commit_sectors3(
        &rt,
        vec![SectorActivationManifest {
            sector_number: 5,
            pieces: pieces.clone(),
        }],
    );
    let expected = h.expected_sector(&rt, &pcs[0].info, 2 << 30, 1 << 30);
    assert_eq!(sectors[0], expected);
    assert!(expected.verified_deal_weight > BigInt::from(0));
    // Two notifications: the market (one piece) and the contract (both pieces, in order).
    let notes = notifications(&[(5, pcs[0].info.expiration, pieces.as_slice())]);
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[1].0, CONTRACT);
    assert_eq!(notes[1].1[0].added.len(), 2);
    h.check_state(&rt);
}

#[test]
fn aggregate_proof_covers_all_precommits() {
    let h = ActorHarness::default();
    let numbers = [10, 11, 12, 13];
    let (rt, pcs) = precommitted(&h, &numbers, CompactCommD::empty());
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    for pc in &pcs {
        h.expect_seal_randomness(&rt, pc);
    }
    rt.expect_aggregate_verify_seals(
        AggregateSealVerifyProofAndInfos {
            miner: MINER.id().unwrap(),
            seal_proof: SEAL_PROOF,
            aggregate_proof: RegisteredAggregateProof::SnarkPackV2,
            proof: vec![0xaa; 64],
            infos: pcs
                .iter()
                .map(|pc| {
                    let svi = h.seal_verify_info(pc, &[]);
                    AggregateSealVerifyInfo {
                        sector_number: pc.info.sector_number,
                        randomness: svi.randomness,
                        interactive_randomness: svi.interactive_randomness,
                        sealed_cid: svi.sealed_cid,
                        unsealed_cid: svi.unsealed_cid,
                    }
                })
                .collect(),
        },
        Ok(()),
    );
    h.expect_deposit_queries(&rt);
    let pledge = h.expected_sector(&rt, &pcs[0].info, 0, 0).initial_pledge * 4;
    expect_pledge_update(&rt, &pledge);
    for pc in &pcs {
        rt.expect_emitted_event(
            sector_data_event("sector-activated", pc.info.sector_number, None, &[]).unwrap(),
        );
    }
    let mut p = params(numbers.iter().map(|&n| empty(n)).collect(), vec![]);
    p.aggregate_proof = RawBytes::new(vec![0xaa; 64]);
    p.aggregate_proof_type = Some(RegisteredAggregateProof::SnarkPackV2);
    let ret: ProveCommitSectors3Return = finish(
        &rt,
        call(&rt, Method::ProveCommitSectors3, Some(&p)).map(|r| r.unwrap()),
    )
    .unwrap();
    assert_eq!(ret.activation_results, BatchReturn::ok(4));
    assert_eq!(h.state(&rt).initial_pledge, pledge);
    h.check_state(&rt);
}

#[test]
fn invalid_proof_fails_only_its_sector_without_require_success() {
    let h = ActorHarness::default();
    let (rt, pcs) = precommitted(&h, &[1, 2, 3], CompactCommD::empty());
    let ret = h
        .prove_commit_sectors3_from(&rt, WORKER, vec![empty(1), empty(2), empty(3)], &[2])
        .unwrap();
    assert_eq!(
        ret.activation_results,
        BatchReturn {
            success_count: 2,
            fail_codes: vec![FailCode {
                idx: 1,
                code: ExitCode::USR_ILLEGAL_ARGUMENT
            }],
        }
    );
    let st = h.state(&rt);
    assert!(st.get_sector(&rt.store, 1).unwrap().is_some());
    assert!(st.get_sector(&rt.store, 2).unwrap().is_none());
    // The failed sector keeps its pre-commitment and deposit.
    assert!(st.get_precommitted_sector(&rt.store, 2).unwrap().is_some());
    assert_eq!(st.pre_commit_deposits, pcs[1].pre_commit_deposit);
    h.check_state(&rt);
}

#[test]
fn invalid_proof_aborts_when_activation_success_is_required() {
    let h = ActorHarness::default();
    let (rt, pcs) = precommitted(&h, &[1, 2], CompactCommD::empty());
    let before = h.state(&rt);
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    for pc in &pcs {
        h.expect_seal_randomness(&rt, pc);
    }
    let proofs = vec![RawBytes::new(vec![1]), RawBytes::new(vec![2])];
    rt.expect_batch_verify_seals(
        vec![
            h.seal_verify_info(&pcs[0], &[1]),
            h.seal_verify_info(&pcs[1], &[2]),
        ],
        vec![true, false],
    );
    let res = finish(
        &rt,
        call::<_, ProveCommitSectors3Return>(
            &rt,
            Method::ProveCommitSectors3,
            Some(&params(vec![empty(1), empty(2)], proofs)),
        ),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid proof for sector 2",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn late_precommit_fails_validation() {
    let h = ActorHarness::default();
    let (rt, pcs) = precommitted(&h, &[1], CompactCommD::empty());
    let msd = fil_actor_miner::max_prove_commit_duration(&rt.policy, SEAL_PROOF).unwrap();
    rt.set_epoch(pcs[0].pre_commit_epoch + msd + 1);
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    h.expect_seal_randomness(&rt, &pcs[0]);
    let mut p = params(vec![empty(1)], vec![RawBytes::new(vec![1])]);
    p.require_activation_success = false;
    let res = finish(
        &rt,
        call::<_, ProveCommitSectors3Return>(&rt, Method::ProveCommitSectors3, Some(&p)),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "no valid precommits specified",
        res,
    );

    // With activation success required it is the invalid pre-commit that aborts.
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    h.expect_seal_randomness(&rt, &pcs[0]);
    p.require_activation_success = true;
    let res = finish(
        &rt,
        call::<_, ProveCommitSectors3Return>(&rt, Method::ProveCommitSectors3, Some(&p)),
    );
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "invalid pre-commit 0", res);
    h.check_state(&rt);
}

#[test]
fn too_early_to_prove() {
    let h = ActorHarness::default();
    let (rt, _) = precommitted(&h, &[1], CompactCommD::empty());
    rt.set_epoch(200 + rt.policy.pre_commit_challenge_delay);
    let res = call_pcs3(
        &h,
        &rt,
        params(vec![empty(1)], vec![RawBytes::new(vec![1])]),
    );
    expect_abort(ExitCode::USR_FORBIDDEN, "too early to prove sector 1", res);
    h.check_state(&rt);
}

#[test]
fn parameter_rejections() {
    let h = ActorHarness::default();
    let (rt, _) = precommitted(&h, &[1], CompactCommD::empty());
    let before = h.state(&rt);
    let one = || RawBytes::new(vec![1]);

    let res = call_pcs3(&h, &rt, params(vec![], vec![]));
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "no sectors to prove", res);
    let res = call_pcs3(&h, &rt, params(vec![empty(2)], vec![one()]));
    expect_abort(ExitCode::USR_NOT_FOUND, "sector 2 not found", res);
    let res = call_pcs3(
        &h,
        &rt,
        params(vec![empty(MAX_SECTOR_NUMBER + 1)], vec![one()]),
    );
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "greater than maximum", res);

    let mut both = params(vec![empty(1)], vec![one()]);
    both.aggregate_proof = one();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "exactly one of",
        call_pcs3(&h, &rt, both),
    );
    let neither = params(vec![empty(1)], vec![]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "exactly one of",
        call_pcs3(&h, &rt, neither),
    );

    let mut typed = params(vec![empty(1)], vec![one()]);
    typed.aggregate_proof_type = Some(RegisteredAggregateProof::SnarkPackV2);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must be null",
        call_pcs3(&h, &rt, typed),
    );
    let mismatched = params(vec![empty(1)], vec![one(), one()]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "mismatched lengths",
        call_pcs3(&h, &rt, mismatched),
    );
    // 1,920 bytes is the 32 GiB seal proof size.
    let big = params(vec![empty(1)], vec![RawBytes::new(vec![0; 1921])]);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "exceeds max 1920",
        call_pcs3(&h, &rt, big),
    );

    let mut agg = params(vec![empty(1)], vec![]);
    agg.aggregate_proof = one();
    agg.aggregate_proof_type = Some(RegisteredAggregateProof::SnarkPackV1);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "must be SnarkPackV2",
        call_pcs3(&h, &rt, agg.clone()),
    );
    agg.aggregate_proof_type = Some(RegisteredAggregateProof::SnarkPackV2);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "too few sectors",
        call_pcs3(&h, &rt, agg),
    );

    as_caller(&rt, OTHER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    let res = finish(
        &rt,
        call::<_, ProveCommitSectors3Return>(
            &rt,
            Method::ProveCommitSectors3,
            Some(&params(vec![empty(1)], vec![one()])),
        ),
    );
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn precommit_with_deals_cannot_be_proven_with_pieces() {
    let h = ActorHarness::default();
    let rt = h.setup();
    rt.set_epoch(200);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance + TokenAmount::from_whole(1000));
    let mut pc = h.precommit_info(&rt, 1, h.min_expiration(&rt, 0));
    pc.deal_ids = vec![9];
    h.precommit_sectors_from(&rt, WORKER, vec![pc]).unwrap();
    rt.set_epoch(211);
    let stored = h
        .state(&rt)
        .get_precommitted_sector(&rt.store, 1)
        .unwrap()
        .unwrap();
    as_caller(&rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    h.expect_seal_randomness(&rt, &stored);
    let res = finish(
        &rt,
        call::<_, ProveCommitSectors3Return>(
            &rt,
            Method::ProveCommitSectors3,
            Some(&params(vec![empty(1)], vec![RawBytes::new(vec![1])])),
        ),
    );
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "invalid pre-commit 0", res);
    h.check_state(&rt);
}

/// Expectations up to (and including) the batch proof verification of valid proofs.
fn expect_proven(h: &ActorHarness, rt: &MockRuntime, pcs: &[SectorPreCommitOnChainInfo]) {
    as_caller(rt, WORKER);
    rt.expect_validate_caller_addr(h.controlling(rt));
    for pc in pcs {
        h.expect_seal_randomness(rt, pc);
    }
    rt.expect_batch_verify_seals(
        pcs.iter()
            .map(|pc| h.seal_verify_info(pc, &[pc.info.sector_number as u8]))
            .collect(),
        vec![true; pcs.len()],
    );
}

#[test]
fn pieces_must_produce_the_precommitted_commd() {
    let h = ActorHarness::default();
    let (rt, pcs) = precommitted(&h, &[1], CompactCommD::of(piece_cid(500)));
    let before = h.state(&rt);
    expect_proven(&h, &rt, &pcs);
    let pieces = vec![piece(1, 1 << 30)];
    expect_commd(&rt, &pieces, piece_cid(501));
    let res = finish(
        &rt,
        call::<_, ProveCommitSectors3Return>(
            &rt,
            Method::ProveCommitSectors3,
            Some(&params(
                vec![SectorActivationManifest {
                    sector_number: 1,
                    pieces,
                }],
                vec![RawBytes::new(vec![1])],
            )),
        ),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "unsealed CID does not match pieces for sector 1",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn failed_claim_fails_its_sector() {
    let h = ActorHarness::default();
    let commd = piece_cid(500);
    let (rt, pcs) = precommitted(&h, &[1, 2], CompactCommD::of(commd));
    expect_proven(&h, &rt, &pcs);
    let mut verified = piece(1, 1 << 30);
    verified.verified_allocation_key = Some(VerifiedAllocationKey { client: 110, id: 3 });
    let pieces = vec![verified];
    expect_commd(&rt, &pieces, commd);
    expect_commd(&rt, &pieces, commd);
    let expiry = pcs[0].info.expiration;
    expect_claim_allocations(
        &rt,
        allocation_claims(&[
            (1, expiry, pieces.as_slice()),
            (2, expiry, pieces.as_slice()),
        ]),
        false,
        ClaimAllocationsReturn {
            sector_results: BatchReturn {
                success_count: 1,
                fail_codes: vec![FailCode {
                    idx: 0,
                    code: ExitCode::USR_NOT_FOUND,
                }],
            },
            sector_claims: vec![SectorClaimSummary {
                claimed_space: BigInt::from(1u64 << 30),
            }],
        },
    );
    h.expect_deposit_queries(&rt);
    let sector2 = h.expected_sector(&rt, &pcs[1].info, 0, 1 << 30);
    expect_pledge_update(&rt, &sector2.initial_pledge);
    rt.expect_emitted_event(
        sector_data_event("sector-activated", 2, Some(&commd), &pieces).unwrap(),
    );
    let manifest = |n| SectorActivationManifest {
        sector_number: n,
        pieces: pieces.clone(),
    };
    let mut p = params(
        vec![manifest(1), manifest(2)],
        vec![RawBytes::new(vec![1]), RawBytes::new(vec![2])],
    );
    p.require_activation_success = false;
    let ret: ProveCommitSectors3Return = finish(
        &rt,
        call(&rt, Method::ProveCommitSectors3, Some(&p)).map(|r| r.unwrap()),
    )
    .unwrap();
    assert_eq!(
        ret.activation_results,
        BatchReturn {
            success_count: 1,
            fail_codes: vec![FailCode {
                idx: 0,
                code: ExitCode::USR_NOT_FOUND
            }],
        }
    );
    assert_eq!(
        h.state(&rt).get_sector(&rt.store, 2).unwrap().unwrap(),
        sector2
    );
    h.check_state(&rt);
}

/// One sector with one piece notifying the contract, whose answer is `ret` with `exit_code`.
fn prove_with_notification(
    require: bool,
    ret: SectorContentChangedReturn,
    exit_code: ExitCode,
) -> (
    ActorHarness,
    MockRuntime,
    Result<ProveCommitSectors3Return, fil_actors_runtime::ActorError>,
) {
    let h = ActorHarness::default();
    let commd = piece_cid(500);
    let (rt, pcs) = precommitted(&h, &[1], CompactCommD::of(commd));
    expect_proven(&h, &rt, &pcs);
    let mut p1 = piece(1, 1 << 30);
    p1.notify = vec![DataActivationNotification {
        address: CONTRACT,
        payload: RawBytes::new(vec![7]),
    }];
    let pieces = vec![p1];
    expect_commd(&rt, &pieces, commd);
    h.expect_deposit_queries(&rt);
    let sector = h.expected_sector(&rt, &pcs[0].info, 1 << 30, 0);
    expect_pledge_update(&rt, &sector.initial_pledge);
    rt.expect_emitted_event(
        sector_data_event("sector-activated", 1, Some(&commd), &pieces).unwrap(),
    );
    let changes = notifications(&[(1, pcs[0].info.expiration, pieces.as_slice())])
        .remove(0)
        .1;
    expect_notification(&rt, CONTRACT, changes, &ret, exit_code);
    let mut p = params(
        vec![SectorActivationManifest {
            sector_number: 1,
            pieces,
        }],
        vec![RawBytes::new(vec![1])],
    );
    p.require_notification_success = require;
    let res = finish(
        &rt,
        call(&rt, Method::ProveCommitSectors3, Some(&p)).map(|r| r.unwrap()),
    );
    (h, rt, res)
}

fn rejecting() -> SectorContentChangedReturn {
    SectorContentChangedReturn {
        sectors: vec![SectorReturn {
            added: vec![PieceReturn { accepted: false }],
        }],
    }
}

#[test]
fn rejected_notification_aborts_only_when_required() {
    let (h, rt, res) = prove_with_notification(true, rejecting(), ExitCode::OK);
    expect_abort(
        ERR_NOTIFICATION_REJECTED,
        "rejected by f05000 for sector 1",
        res,
    );
    h.check_state(&rt);

    let (h, rt, res) = prove_with_notification(false, rejecting(), ExitCode::OK);
    assert_eq!(res.unwrap().activation_results, BatchReturn::ok(1));
    assert!(h.state(&rt).get_sector(&rt.store, 1).unwrap().is_some());
    h.check_state(&rt);
}

#[test]
fn aborting_receiver_fails_a_required_notification() {
    let ok = SectorContentChangedReturn {
        sectors: vec![SectorReturn {
            added: vec![PieceReturn { accepted: true }],
        }],
    };
    let (h, rt, res) = prove_with_notification(true, ok, ExitCode::USR_ILLEGAL_STATE);
    expect_abort(ERR_NOTIFICATION_RECEIVER_ABORTED, "receiver aborted", res);
    h.check_state(&rt);
}

#[test]
fn pledge_must_fit_the_unlocked_balance() {
    // A reward low enough that the released deposit (20 days' reward of a fully verified
    // sector) is below the pledge, whose consensus share is capped at 1 FIL per 32 GiB.
    let h = ActorHarness {
        reward_smoothed: fil_actors_runtime::FilterEstimate::new(
            BigInt::from(10u64.pow(16)),
            BigInt::from(0),
        ),
        ..Default::default()
    };
    let rt = h.setup();
    rt.set_epoch(200);
    let balance = rt.balance.borrow().clone();
    rt.set_balance(&balance + h.precommit_deposit());
    let pc = h.precommit_info(&rt, 1, h.min_expiration(&rt, 0));
    let pcs = h.precommit_sectors(&rt, vec![pc]);
    rt.set_epoch(211);
    let before = h.state(&rt);
    expect_proven(&h, &rt, &pcs);
    h.expect_deposit_queries(&rt);
    let res = finish(
        &rt,
        call::<_, ProveCommitSectors3Return>(
            &rt,
            Method::ProveCommitSectors3,
            Some(&params(vec![empty(1)], vec![RawBytes::new(vec![1])])),
        ),
    );
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "initial pledge requirement",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}
