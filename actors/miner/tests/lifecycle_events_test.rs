//! FIP-0083's sector lifecycle events on each path that causes them: `sector-precommitted`
//! (PreCommitSectorBatch2), `sector-activated` (ProveCommitSectors3 with and without data,
//! ProveCommitSectorsNI, InternalSectorSetupForPreseal), `sector-updated`
//! (ProveReplicaUpdates3) and `sector-terminated` (TerminateSectors, and faults lasting too
//! long, processed in cron). Each expected event is written out entry by entry
//! (`harness::lifecycle`) and checked equal to the one the handler's expectations use, so the
//! mock's exact match of every emitted event holds against the hand-written entries.

mod harness;

use cid::Cid;
use fil_actor_miner::emit::{
    sector_data_event, sector_precommitted_event, sector_terminated_event,
};
use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::{
    CompactCommD, InternalSectorSetupForPresealParams, Method, PieceActivationManifest,
    SectorActivationManifest, TerminationDeclaration,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::{builtin_code_cid, MockRuntime};
use fil_actors_runtime::{Type, SYSTEM_ACTOR_ADDR};
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::SectorNumber;
use harness::commit::{piece, piece_cid, sealed_cid, space, update_commd, NI_SEAL_PROOF};
use harness::lifecycle::*;
use harness::post::{bitfield, make_sector, power, CronConfig, TerminationBatch};
use harness::*;

/// A miner at epoch 200 with 1,000 FIL spare.
fn funded(h: &ActorHarness) -> MockRuntime {
    let rt = h.setup();
    rt.set_epoch(200);
    h.fund(&rt, TokenAmount::from_whole(1000));
    rt
}

/// The pieces of a manifest as (CID, size) pairs, in order.
fn listed(pieces: &[PieceActivationManifest]) -> Vec<(Cid, u64)> {
    pieces.iter().map(|p| (p.cid, p.size.0)).collect()
}

/// Asserts the lifecycle event the harness expects for a sector with `pieces` equals the
/// entries written out by hand.
fn check_data_event(
    event_type: &str,
    sector: SectorNumber,
    unsealed_cid: Option<Cid>,
    pieces: &[PieceActivationManifest],
) {
    assert_eq!(
        sector_data_event(event_type, sector, unsealed_cid.as_ref(), pieces).unwrap(),
        sector_data_entries(event_type, sector, unsealed_cid, &listed(pieces))
    );
}

#[test]
fn precommit_batch_emits_one_event_per_sector_in_number_order() {
    let h = ActorHarness::default();
    let rt = funded(&h);
    let expiration = h.min_expiration(&rt, 0);
    for n in [3, 5, 7] {
        assert_eq!(
            sector_precommitted_event(n).unwrap(),
            sector_event("sector-precommitted", n)
        );
    }
    // Declared out of order; the events follow sector number (v18 walks the allocated
    // numbers' bitfield).
    let precommits = [7, 3, 5]
        .iter()
        .map(|&n| h.precommit_info(&rt, n, expiration))
        .collect();
    h.precommit_sectors(&rt, precommits);
    assert_eq!(h.state(&rt).pre_commit_deposits, h.precommit_deposit() * 3);
    h.check_state(&rt);
}

#[test]
fn prove_commit_sectors3_emits_pieces_in_manifest_order_and_null_for_no_data() {
    let h = ActorHarness::default();
    let rt = funded(&h);
    let expiration = h.min_expiration(&rt, 0);
    let commd = piece_cid(999);
    let mut with_data = h.precommit_info(&rt, 10, expiration);
    with_data.unsealed_cid = CompactCommD::of(commd);
    let without = h.precommit_info(&rt, 11, expiration);
    h.precommit_sectors(&rt, vec![with_data, without]);
    rt.set_epoch(rt.epoch.get() + rt.policy.pre_commit_challenge_delay + 1);

    // Three pieces, not in size order: the event lists them as the manifest does.
    let pieces = vec![piece(1, 8 << 30), piece(2, 4 << 30), piece(3, 16 << 30)];
    check_data_event("sector-activated", 10, Some(commd), &pieces);
    check_data_event("sector-activated", 11, None, &[]);
    let sectors = h.prove_commit_sectors3(
        &rt,
        vec![
            SectorActivationManifest {
                sector_number: 10,
                pieces: pieces.clone(),
            },
            SectorActivationManifest {
                sector_number: 11,
                pieces: vec![],
            },
        ],
    );
    let duration = expiration - rt.epoch.get();
    assert_eq!(
        sectors[0].deal_weight,
        BigInt::from(space(&pieces).0) * duration
    );
    assert_eq!(sectors[1].deal_weight, BigInt::from(0));
    h.check_state(&rt);
}

#[test]
fn prove_commit_sectors_ni_emits_null_cid_and_no_pieces() {
    let h = ActorHarness::default();
    let rt = funded(&h);
    for n in [20, 21] {
        check_data_event("sector-activated", n, None, &[]);
    }
    let expiration = rt.epoch.get() + rt.policy.min_sector_expiration + 100;
    let sectors = h.prove_commit_sectors_ni(&rt, &[20, 21], expiration);
    assert!(sectors.iter().all(|s| s.seal_proof == NI_SEAL_PROOF));
    h.check_state(&rt);
}

#[test]
fn preseal_emits_sector_activated_per_sector() {
    let h = ActorHarness::default();
    let rt = funded(&h);
    let expiration = h.min_expiration(&rt, 0);
    let pcs = h.precommit_sectors(
        &rt,
        vec![
            h.precommit_info(&rt, 1, expiration),
            h.precommit_info(&rt, 2, expiration),
        ],
    );
    let pledge: TokenAmount = pcs
        .iter()
        .map(|pc| h.expected_sector(&rt, &pc.info, 0, 0).initial_pledge)
        .sum();
    rt.set_caller(builtin_code_cid(Type::System), SYSTEM_ACTOR_ADDR);
    rt.expect_validate_caller_addr(vec![SYSTEM_ACTOR_ADDR]);
    expect_pledge_update(&rt, &pledge);
    for n in [1, 2] {
        rt.expect_emitted_event(sector_data_entries("sector-activated", n, None, &[]));
    }
    let params = InternalSectorSetupForPresealParams {
        sectors: vec![1, 2],
        reward_smoothed: h.reward_smoothed.clone(),
        reward_baseline_power: h.baseline_power.clone(),
        quality_adj_power_smoothed: h.qa_power_smoothed.clone(),
    };
    let res = call::<_, ()>(&rt, Method::InternalSectorSetupForPreseal, Some(&params));
    finish(&rt, res).unwrap();
    assert_eq!(h.state(&rt).initial_pledge, pledge);
    h.check_state(&rt);
}

#[test]
fn prove_replica_updates3_emits_each_updated_sector_with_its_pieces() {
    let h = ActorHarness::default();
    let rt = funded(&h);
    let expiration = h.min_expiration(&rt, 0);
    h.commit_sectors(&rt, &[1, 2], expiration);
    h.activate_unproven_sectors(&rt);
    // Move on until the sectors' deadline is neither the current nor the next one.
    let (dl, _) = h.state(&rt).find_sector(&rt.store, 1).unwrap();
    while {
        let current = h.current_deadline(&rt).index;
        dl == current || dl == (current + 1) % rt.policy.wpost_period_deadlines
    } {
        rt.set_epoch(rt.epoch.get() + rt.policy.wpost_challenge_window);
    }
    let updates = vec![
        h.update_manifest(&rt, 1, 71, vec![piece(10, 4 << 30), piece(11, 8 << 30)]),
        h.update_manifest(&rt, 2, 72, vec![piece(12, 16 << 30)]),
    ];
    for u in &updates {
        check_data_event("sector-updated", u.sector, Some(update_commd(u)), &u.pieces);
    }
    h.prove_replica_updates3_from(&rt, WORKER, updates, &[])
        .unwrap();
    let updated = h.sector(&rt, 1);
    assert_eq!(updated.sealed_cid, sealed_cid(71));
    assert_eq!(
        updated.deal_weight,
        BigInt::from(12u64 << 30) * (expiration - rt.epoch.get())
    );
    h.check_state(&rt);
}

/// A miner without vesting funds holding proven sectors 1 to 3 in deadline `idx`, activated
/// at its start, 1 FIL pledge and a daily fee of 100 atto each.
fn with_sectors(
    idx: impl Fn(&ActorHarness, &MockRuntime) -> u64,
) -> (ActorHarness, MockRuntime, u64) {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, TokenAmount::from_whole(20));
    let idx = idx(&h, &rt);
    let activation = rt.epoch.get();
    let sectors: Vec<_> = (1..=3)
        .map(|n| {
            make_sector(
                n,
                activation,
                activation + 300 * EPOCHS_IN_DAY,
                TokenAmount::from_whole(1),
                TokenAmount::from_atto(100),
            )
        })
        .collect();
    h.put_sectors(&rt, idx, &sectors, true);
    (h, rt, idx)
}

#[test]
fn terminate_sectors_emits_sector_terminated_per_sector() {
    let (h, rt, idx) = with_sectors(|h, rt| {
        (h.current_deadline(rt).index + 10) % rt.policy.wpost_period_deadlines
    });
    for n in [1, 3] {
        assert_eq!(
            sector_terminated_event(n).unwrap(),
            sector_event("sector-terminated", n)
        );
    }
    let now = rt.epoch.get();
    let sector = h.sector(&rt, 1);
    let fee = h.termination_fee(&sector, now) * 2;
    h.terminate_sectors(
        &rt,
        vec![TerminationDeclaration {
            deadline: idx,
            partition: 0,
            sectors: bitfield(&[1, 3]),
        }],
        Some(TerminationBatch {
            fee: fee.clone(),
            burnt: fee,
            pledge_delta: -TokenAmount::from_whole(2),
            sectors: vec![1, 3],
            deal_sectors: vec![],
            epoch: now,
            reschedule: false,
        }),
        -power(2),
    )
    .unwrap();
    assert_eq!(h.partition(&rt, idx, 0).terminated, bitfield(&[1, 3]));
    h.check_state(&rt);
}

#[test]
fn faults_lasting_too_long_emit_sector_terminated_from_cron() {
    const DL: u64 = 5;
    let (h, rt, _) = with_sectors(|_, _| DL);
    let activation = rt.epoch.get();
    // The missed PoSt makes all three faulty; they are scheduled to terminate
    // `fault_max_age` after that deadline's end.
    let dl = h.deadline_at(&rt, DL);
    h.walk_deadlines(&rt, dl.open, |_| CronConfig::default());
    let daily = FeeApplied::new(FeeType::DailyProof, TokenAmount::from_atto(300))
        .deadline(DL)
        .sectors(3);
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily],
            power_delta: -power(3),
            burnt: TokenAmount::from_atto(300),
            ..Default::default()
        },
    );
    let fault_expiry = dl.last() + rt.policy.fault_max_age;
    rt.set_epoch(fault_expiry);
    assert_eq!(h.current_deadline(&rt).index, DL);

    for n in 1..=3 {
        assert_eq!(
            sector_terminated_event(n).unwrap(),
            sector_event("sector-terminated", n)
        );
    }
    let ff = h.continued_fault_fee(&power(3).qa);
    let fee = h.termination_fee(&h.sector(&rt, 1), fault_expiry) * 3;
    assert_eq!(
        fault_expiry - activation,
        dl.last() - activation + 42 * EPOCHS_IN_DAY
    );
    h.on_deadline_cron(
        &rt,
        CronConfig {
            // Terminated sectors no longer pay the daily fee.
            fee_events: vec![FeeApplied::new(FeeType::ContinuedFault, ff.clone())
                .deadline(DL)
                .sectors(3)],
            burnt: ff,
            terminations: Some(TerminationBatch {
                fee: fee.clone(),
                burnt: fee,
                pledge_delta: -TokenAmount::from_whole(3),
                sectors: vec![1, 2, 3],
                deal_sectors: vec![],
                epoch: fault_expiry,
                reschedule: false,
            }),
            ..Default::default()
        },
    );
    let p = h.partition(&rt, DL, 0);
    assert_eq!(p.terminated, bitfield(&[1, 2, 3]));
    assert!(h.state(&rt).early_terminations.is_empty());
    h.check_state(&rt);
}
