//! SubmitWindowedPoSt (optimistic acceptance, skipped faults, first proofs, verified
//! recoveries) and DisputeWindowedPoSt (faults, penalty, the disputer's reward and the
//! `window-post-dispute` fee), with every rejection leaving the state unchanged.

mod harness;

use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::{
    pledge_penalty_for_invalid_windowpost, reward_for_disputed_window_post, DeadlineInfo, Method,
    PoStPartition, PowerPair, SectorOnChainInfo, SubmitWindowedPoStParams,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::MockRuntime;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::randomness::Randomness;
use fvm_shared::sector::{PoStProof, RegisteredPoStProof, SectorSize};
use harness::post::*;
use harness::*;

const DL: u64 = 7;
const FEE: i64 = 100;

fn partition(index: u64, skipped: &[u64]) -> PoStPartition {
    PoStPartition {
        index,
        skipped: bitfield(skipped),
    }
}

/// A miner without vesting funds and with 100 FIL spare, holding sectors 1 and 2 in `DL`
/// (proven or not), at one epoch past `DL`'s opening.
fn setup(
    proven: bool,
) -> (
    ActorHarness,
    MockRuntime,
    DeadlineInfo,
    Vec<SectorOnChainInfo>,
) {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, TokenAmount::from_whole(100));
    let activation = rt.epoch.get();
    let sectors: Vec<_> = (1..=2)
        .map(|n| {
            make_sector(
                n,
                activation,
                activation + 300 * EPOCHS_IN_DAY,
                TokenAmount::from_whole(1),
                TokenAmount::from_atto(FEE),
            )
        })
        .collect();
    h.put_sectors(&rt, DL, &sectors, proven);
    let dl = h.deadline_at(&rt, DL);
    rt.set_epoch(dl.open + 1);
    (h, rt, dl, sectors)
}

fn daily(sectors: u64) -> FeeApplied {
    FeeApplied::new(
        FeeType::DailyProof,
        TokenAmount::from_atto(FEE * sectors as i64),
    )
    .deadline(DL)
    .sectors(sectors)
}

#[test]
fn a_post_is_accepted_optimistically() {
    let (h, rt, dl, _) = setup(true);
    h.submit_window_post(
        &rt,
        &h.post_params(&dl, vec![partition(0, &[])]),
        PoStConfig::default(),
    )
    .unwrap();
    let deadline = h.get_deadline(&rt, DL);
    assert_eq!(deadline.partitions_posted, bitfield(&[0]));
    assert_eq!(
        deadline.optimistic_proofs_amt(&rt.store).unwrap().count(),
        1
    );
    assert!(h.partition(&rt, DL, 0).faults.is_empty());
    h.check_state(&rt);
}

#[test]
fn the_first_post_activates_new_sectors() {
    let (h, rt, dl, _) = setup(false);
    h.submit_window_post(
        &rt,
        &h.post_params(&dl, vec![partition(0, &[])]),
        PoStConfig {
            power_delta: power(2),
            ..Default::default()
        },
    )
    .unwrap();
    let p = h.partition(&rt, DL, 0);
    assert!(p.unproven.is_empty());
    assert_eq!(p.active_power(), power(2));
    h.check_state(&rt);
}

#[test]
fn skipped_sectors_become_faulty() {
    let (h, rt, dl, _) = setup(true);
    h.submit_window_post(
        &rt,
        &h.post_params(&dl, vec![partition(0, &[2])]),
        PoStConfig {
            power_delta: -power(1),
            ..Default::default()
        },
    )
    .unwrap();
    let p = h.partition(&rt, DL, 0);
    assert_eq!(p.faults, bitfield(&[2]));
    assert_eq!(p.faulty_power, power(1));
    assert_eq!(h.get_deadline(&rt, DL).faulty_power, power(1));
    h.check_state(&rt);
}

/// Both sectors missed a PoSt and were then declared recovering; at the next occurrence of
/// `DL`, one epoch past its opening.
fn recovering() -> (
    ActorHarness,
    MockRuntime,
    DeadlineInfo,
    Vec<SectorOnChainInfo>,
) {
    let (h, rt, _, sectors) = setup(true);
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily(2)],
            power_delta: -power(2),
            burnt: TokenAmount::from_atto(2 * FEE),
            ..Default::default()
        },
    );
    h.edit_deadline(&rt, DL, |deadline, st| {
        let all = fil_actor_miner::Sectors::load(&rt.store, &st.sectors).unwrap();
        let mut map = fil_actor_miner::PartitionSectorMap::default();
        map.add(0, bitfield(&[1, 2]));
        deadline
            .declare_faults_recovered(&rt.store, &all, SectorSize::_32GiB, &mut map)
            .unwrap();
    });
    let dl = h.deadline_at(&rt, DL);
    rt.set_epoch(dl.open + 1);
    (h, rt, dl, sectors)
}

#[test]
fn a_recovering_post_is_verified_and_restores_power() {
    let (h, rt, dl, sectors) = recovering();
    h.submit_window_post(
        &rt,
        &h.post_params(&dl, vec![partition(0, &[])]),
        PoStConfig {
            verify: Some((sectors, true)),
            power_delta: power(2),
        },
    )
    .unwrap();
    let p = h.partition(&rt, DL, 0);
    assert!(p.faults.is_empty() && p.recoveries.is_empty());
    assert_eq!(p.active_power(), power(2));
    // Verified proofs are not kept for disputes.
    let deadline = h.get_deadline(&rt, DL);
    assert_eq!(
        deadline.optimistic_proofs_amt(&rt.store).unwrap().count(),
        0
    );
    h.check_state(&rt);
}

#[test]
fn an_invalid_recovering_post_is_rejected() {
    let (h, rt, dl, sectors) = recovering();
    let before = h.state(&rt);
    let res = h.submit_window_post(
        &rt,
        &h.post_params(&dl, vec![partition(0, &[])]),
        PoStConfig {
            verify: Some((sectors, false)),
            power_delta: PowerPair::zero(),
        },
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid post was submitted",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn submission_rejections() {
    let (h, rt, dl, _) = setup(true);
    let before = h.state(&rt);
    let good = h.post_params(&dl, vec![partition(0, &[])]);

    as_caller(&rt, OTHER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    let res = call::<_, ()>(&rt, Method::SubmitWindowedPoSt, Some(&good));
    expect_abort(ExitCode::USR_FORBIDDEN, "", finish(&rt, res));

    let fail = |code: ExitCode, fragment: &str, edit: &dyn Fn(&mut SubmitWindowedPoStParams)| {
        let mut params = good.clone();
        edit(&mut params);
        let res = h.submit_window_post(&rt, &params, PoStConfig::default());
        expect_abort(code, fragment, res);
    };
    let arg = ExitCode::USR_ILLEGAL_ARGUMENT;
    fail(arg, "expected exactly one proof, got 2", &|p| {
        p.proofs.push(p.proofs[0].clone())
    });
    fail(arg, "expected exactly one proof, got 0", &|p| {
        p.proofs.clear()
    });
    fail(arg, "not allowed", &|p| {
        p.proofs[0].post_proof = RegisteredPoStProof::StackedDRGWinning32GiBV1
    });
    fail(arg, "expected proof of type", &|p| {
        p.proofs[0].post_proof = RegisteredPoStProof::StackedDRGWindow2KiBV1P1
    });
    fail(arg, "invalid deadline 48 of 48", &|p| p.deadline = 48);
    fail(
        arg,
        "expected at most 32 bytes of randomness, got 33",
        &|p| p.chain_commit_rand = Randomness(vec![7; 33]),
    );
    let max = PROOF.proof_size().unwrap();
    fail(
        arg,
        &format!("expected proof to be smaller than {} bytes", max),
        &|p| {
            p.proofs[0] = PoStProof {
                post_proof: PROOF,
                proof_bytes: vec![1; max + 1],
            }
        },
    );
    fail(arg, "too many partitions 4, limit 3", &|p| {
        p.partitions = (0..4).map(|i| partition(i, &[])).collect()
    });
    fail(
        arg,
        &format!("invalid deadline {} at epoch", DL + 1),
        &|p| p.deadline = DL + 1,
    );
    fail(arg, "expected chain commit epoch", &|p| {
        p.chain_commit_epoch = dl.challenge - 1
    });
    fail(arg, "must be less than the current epoch", &|p| {
        p.chain_commit_epoch = dl.open + 1
    });
    fail(arg, "post commit randomness mismatched", &|p| {
        p.chain_commit_rand = Randomness(vec![8; 32])
    });
    fail(ExitCode::USR_NOT_FOUND, "no such partition 1", &|p| {
        p.partitions = vec![partition(1, &[])]
    });
    fail(arg, "duplicate partitions proven", &|p| {
        p.partitions = vec![partition(0, &[]), partition(0, &[])]
    });
    fail(
        arg,
        "cannot prove partitions with no active sectors",
        &|p| p.partitions = vec![partition(0, &[1, 2])],
    );
    fail(
        arg,
        "skipped faults contains sectors outside partition",
        &|p| p.partitions = vec![partition(0, &[5])],
    );
    assert_eq!(h.state(&rt), before);

    // A partition proves once per window.
    h.submit_window_post(&rt, &good, PoStConfig::default())
        .unwrap();
    let after = h.state(&rt);
    fail(arg, "partition already proven", &|_| {});
    assert_eq!(h.state(&rt), after);
    h.check_state(&rt);
}

/// A proof accepted for both sectors of `DL` and the deadline's end processed; returns the
/// deadline the proof was for, at the first epoch after it.
fn posted_and_closed() -> (
    ActorHarness,
    MockRuntime,
    DeadlineInfo,
    Vec<SectorOnChainInfo>,
) {
    let (h, rt, dl, sectors) = setup(true);
    h.submit_window_post(
        &rt,
        &h.post_params(&dl, vec![partition(0, &[])]),
        PoStConfig::default(),
    )
    .unwrap();
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily(2)],
            burnt: TokenAmount::from_atto(2 * FEE),
            ..Default::default()
        },
    );
    (h, rt, dl, sectors)
}

#[test]
fn a_successful_dispute_faults_the_sectors_and_pays_the_disputer() {
    let (h, rt, dl, sectors) = posted_and_closed();
    let reward = reward_for_disputed_window_post();
    assert_eq!(reward, TokenAmount::from_whole(4));
    let penalty = pledge_penalty_for_invalid_windowpost(
        &h.reward_smoothed,
        &h.qa_power_smoothed,
        &power(2).qa,
    ) + &reward;
    // BR over 5.51 days of 2^36 bytes with 1e19 / 2^50 per byte-epoch, plus 20 + 4 FIL.
    assert_eq!(
        penalty,
        TokenAmount::from_atto(BigInt::from(10u64.pow(19)) * 15868 / 16384)
            + TokenAmount::from_whole(24)
    );
    let balance = rt.balance.borrow().clone();
    h.dispute_window_post(
        &rt,
        &dl,
        0,
        &sectors,
        false,
        DisputeConfig {
            fee: Some(
                FeeApplied::new(FeeType::WindowPostDispute, penalty.clone())
                    .deadline(DL)
                    .sectors(2),
            ),
            power_delta: -power(2),
            reward: reward.clone(),
            burnt: &penalty - &reward,
            pledge_delta: TokenAmount::from_atto(0),
        },
    )
    .unwrap();
    assert_eq!(*rt.balance.borrow(), balance - penalty);
    let p = h.partition(&rt, DL, 0);
    assert_eq!(p.faults, bitfield(&[1, 2]));
    // The proof is gone: it cannot be disputed twice.
    let deadline = h.get_deadline(&rt, DL);
    assert_eq!(
        deadline
            .optimistic_proofs_snapshot_amt(&rt.store)
            .unwrap()
            .count(),
        0
    );
    assert_eq!(h.state(&rt).fee_debt, TokenAmount::from_atto(0));
    let res = h.dispute_window_post(&rt, &dl, 0, &sectors, false, DisputeConfig::default());
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "proof 0 not found", res);
    h.check_state(&rt);
}

#[test]
fn dispute_rejections() {
    let (h, rt, dl, sectors) = posted_and_closed();
    let before = h.state(&rt);
    let res = h.dispute_window_post(&rt, &dl, 0, &sectors, true, DisputeConfig::default());
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to dispute valid post",
        res,
    );
    let res = h.dispute_window_post(&rt, &dl, 3, &sectors, false, DisputeConfig::default());
    expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, "proof 3 not found", res);
    let mut bad = dl;
    bad.index = 48;
    let res = h.dispute_window_post(&rt, &bad, 0, &sectors, false, DisputeConfig::default());
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid deadline 48 of 48",
        res,
    );
    // After the dispute window.
    rt.set_epoch(dl.close + rt.policy.wpost_dispute_window);
    let res = h.dispute_window_post(&rt, &dl, 0, &sectors, false, DisputeConfig::default());
    expect_abort(ExitCode::USR_FORBIDDEN, "during the dispute window", res);
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn an_open_deadline_cannot_be_disputed() {
    let (h, rt, dl, sectors) = setup(true);
    h.submit_window_post(
        &rt,
        &h.post_params(&dl, vec![partition(0, &[])]),
        PoStConfig::default(),
    )
    .unwrap();
    let res = h.dispute_window_post(&rt, &dl, 0, &sectors, false, DisputeConfig::default());
    expect_abort(ExitCode::USR_FORBIDDEN, "during the dispute window", res);
    h.check_state(&rt);
}
