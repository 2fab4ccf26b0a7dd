//! FIP-0067 `ReplaceSector(old, new)` (`shared/spec/replacement-sealing.md`, "Enforcement"), on
//! the handlers: the success case (the old sector terminated without a termination fee, its power
//! and pledge released, counted as deactivated, `sector-terminated` written out entry by entry,
//! the market told if it held deals, the new sector marked as used), and every refusal with its
//! exit code and message, leaving the state as it was.

mod harness;

use fil_actor_miner::{
    FaultDeclaration, OldSectorCounters, OldSectors, SectorOnChainInfo, SectorOnChainInfoFlags,
    TerminationDeclaration,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::{expect_abort, MockRuntime};
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber};
use harness::lifecycle::sector_event;
use harness::post::{bitfield, make_sector, power, CronConfig, TerminationBatch};
use harness::*;

const START: ChainEpoch = START_EPOCH + 10 * EPOCHS_IN_DAY;
const GRACE: ChainEpoch = 5 * EPOCHS_IN_DAY;
const TARGET: ChainEpoch = 100 * EPOCHS_IN_DAY;
const THRESHOLD: ChainEpoch = START + TARGET;
const EXPIRATION: ChainEpoch = START_EPOCH + 500 * EPOCHS_IN_DAY;
/// Old sectors 1 and 2 (2 with deals), and 5 expiring before the threshold (not old).
const OLD_DL: u64 = 20;
/// Sectors 10, 11 and 12 activated at the start; 13 sealed as 64 GiB.
const NEW_DL: u64 = 30;

fn sector(n: SectorNumber, activation: ChainEpoch, expiration: ChainEpoch) -> SectorOnChainInfo {
    make_sector(
        n,
        activation,
        expiration,
        TokenAmount::from_whole(1),
        TokenAmount::from_atto(100),
    )
}

fn counters(initial: u64, deactivated: u64) -> Option<OldSectors> {
    Some(OldSectors::Counters(OldSectorCounters {
        initial,
        deactivated,
    }))
}

/// The miner, at an epoch after the start where both deadlines are mutable, its counters
/// initialized (`[2, 0]`) unless `dormant`.
fn miner(dormant: bool) -> (ActorHarness, MockRuntime) {
    let h = ActorHarness::default();
    let mut rt = h.setup_with_policy(Default::default(), TokenAmount::from_whole(100));
    rt.policy.replacement_sealing_grace_period = GRACE;
    rt.policy.replacement_sealing_deactivation_target = TARGET;
    rt.policy.replacement_sealing_start_epoch = (!dormant).then_some(START);
    let mut with_deals = sector(2, START_EPOCH, EXPIRATION);
    with_deals.deal_weight = BigInt::from(1u64 << 40);
    h.put_sectors(
        &rt,
        OLD_DL,
        &[
            sector(1, START_EPOCH, EXPIRATION),
            with_deals,
            sector(5, START_EPOCH, THRESHOLD),
        ],
        true,
    );
    // The cron of the deadline ten after the new sectors' one, after the start, counts.
    rt.set_epoch(START);
    let dl = h.deadline_at(&rt, NEW_DL + 10);
    rt.set_epoch(dl.last());
    h.on_deadline_cron(&rt, CronConfig::default());
    rt.set_epoch(dl.last() + 1);
    let expected = if dormant { None } else { counters(2, 0) };
    assert_eq!(h.state(&rt).old_sectors, expected);
    // Sealed after the start.
    h.put_sectors(
        &rt,
        NEW_DL,
        &[
            sector(10, START, EXPIRATION),
            sector(11, START, EXPIRATION),
            sector(12, START, EXPIRATION),
            SectorOnChainInfo {
                seal_proof: RegisteredSealProof::StackedDRG64GiBV1P1,
                ..sector(13, START, EXPIRATION)
            },
        ],
        true,
    );
    (h, rt)
}

/// ReplaceSector of `old` by `new` from the worker, expected to fail with `code` and `msg`
/// and change nothing.
fn refused(
    h: &ActorHarness,
    rt: &MockRuntime,
    caller: fvm_shared::address::Address,
    old: SectorNumber,
    new: SectorNumber,
    code: ExitCode,
    msg: &str,
) {
    let before = h.state(rt);
    let balance = rt.balance.borrow().clone();
    expect_abort(
        code,
        msg,
        h.replace_sector(
            rt,
            caller,
            old,
            new,
            -power(1),
            -TokenAmount::from_whole(1),
            &[],
            vec![sector_event("sector-terminated", old)],
        ),
    );
    assert_eq!(h.state(rt), before);
    assert_eq!(*rt.balance.borrow(), balance);
}

#[test]
fn the_old_sector_goes_without_fee_and_counts_as_deactivated() {
    let (h, rt) = miner(false);
    let balance = rt.balance.borrow().clone();
    let pledge = h.state(&rt).initial_pledge;
    h.replace_sector(
        &rt,
        WORKER,
        1,
        10,
        -power(1),
        -TokenAmount::from_whole(1),
        &[],
        vec![sector_event("sector-terminated", 1)],
    )
    .unwrap();
    let st = h.state(&rt);
    assert_eq!(st.old_sectors, counters(2, 1));
    // No fee: nothing burnt, no debt, nothing queued for a termination fee.
    assert_eq!(*rt.balance.borrow(), balance);
    assert_eq!(st.fee_debt, TokenAmount::from_atto(0));
    assert_eq!(st.early_terminations, bitfield(&[]));
    assert_eq!(h.deadline(&rt, OLD_DL).early_terminations, bitfield(&[]));
    assert_eq!(st.initial_pledge, pledge - TokenAmount::from_whole(1));
    let p = h.partition(&rt, OLD_DL, 0);
    assert_eq!(p.terminated, bitfield(&[1]));
    assert_eq!(p.live_power, power(2));
    assert_eq!(h.deadline(&rt, OLD_DL).live_sectors, 2);
    assert_eq!(
        h.deadline(&rt, OLD_DL).daily_fee,
        TokenAmount::from_atto(200)
    );
    assert!(h
        .sector(&rt, 10)
        .flags
        .contains(SectorOnChainInfoFlags::REPLACES_OLD_SECTOR));
    assert_eq!(
        h.sector(&rt, 10).flags,
        SectorOnChainInfoFlags::from_bits_retain(0x2)
    );

    // The owner may call too; an old sector with deals has the market told.
    h.replace_sector(
        &rt,
        OWNER,
        2,
        11,
        -power(1),
        -TokenAmount::from_whole(1),
        &[2],
        vec![sector_event("sector-terminated", 2)],
    )
    .unwrap();
    assert_eq!(h.state(&rt).old_sectors, counters(2, 2));
    let status = h.replacement_sealing_status(&rt).unwrap();
    assert_eq!((status.progress, status.on_schedule), (TARGET, true));
    h.check_state(&rt);
}

#[test]
fn a_faulty_old_sector_may_be_replaced_and_had_no_power_to_lose() {
    let (h, rt) = miner(false);
    h.declare_faults(
        &rt,
        WORKER,
        vec![FaultDeclaration {
            deadline: OLD_DL,
            partition: 0,
            sectors: bitfield(&[1]),
        }],
        -power(1),
    )
    .unwrap();
    h.replace_sector(
        &rt,
        WORKER,
        1,
        10,
        power(0),
        -TokenAmount::from_whole(1),
        &[],
        vec![sector_event("sector-terminated", 1)],
    )
    .unwrap();
    let p = h.partition(&rt, OLD_DL, 0);
    assert_eq!((p.faults, p.terminated), (bitfield(&[]), bitfield(&[1])));
    assert_eq!(p.faulty_power, power(0));
    assert_eq!(h.state(&rt).old_sectors, counters(2, 1));
    h.check_state(&rt);
}

#[test]
fn refused_while_dormant_and_before_the_start() {
    let (h, rt) = miner(true);
    refused(
        &h,
        &rt,
        WORKER,
        1,
        10,
        ExitCode::USR_FORBIDDEN,
        "replacement sealing has not started at epoch",
    );
    let (h, rt) = miner(false);
    rt.set_epoch(START - 1);
    refused(
        &h,
        &rt,
        WORKER,
        1,
        10,
        ExitCode::USR_FORBIDDEN,
        &format!("replacement sealing has not started at epoch {}", START - 1),
    );
}

#[test]
fn refused_to_others_than_the_owner_and_worker() {
    let (h, rt) = miner(false);
    for caller in [CONTROL_1, OTHER] {
        refused(&h, &rt, caller, 1, 10, ExitCode::USR_FORBIDDEN, "caller");
    }
}

#[test]
fn refused_for_an_old_sector_missing_dead_not_old_or_in_an_immutable_deadline() {
    let (h, rt) = miner(false);
    refused(
        &h,
        &rt,
        WORKER,
        99,
        10,
        ExitCode::USR_NOT_FOUND,
        "old sector 99 not found",
    );
    refused(
        &h,
        &rt,
        WORKER,
        1 << 63,
        10,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "sector number 9223372036854775808 greater than maximum",
    );
    refused(
        &h,
        &rt,
        WORKER,
        5,
        10,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        &format!(
            "sector 5 is not old: activated at {}, expiring at {} (start {}, threshold {})",
            START_EPOCH,
            h.sector(&rt, 5).expiration,
            START,
            THRESHOLD
        ),
    );
    // A new sector (10) is not old either.
    refused(
        &h,
        &rt,
        WORKER,
        10,
        11,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "sector 10 is not old",
    );

    // Terminated: by TerminateSectors.
    let now = rt.epoch.get();
    let fee = h.termination_fee(&h.sector(&rt, 1), now);
    h.terminate_sectors(
        &rt,
        vec![TerminationDeclaration {
            deadline: OLD_DL,
            partition: 0,
            sectors: bitfield(&[1]),
        }],
        Some(TerminationBatch {
            fee: fee.clone(),
            burnt: fee,
            pledge_delta: -TokenAmount::from_whole(1),
            sectors: vec![1],
            deal_sectors: vec![],
            epoch: now,
            reschedule: false,
        }),
        -power(1),
    )
    .unwrap();
    refused(
        &h,
        &rt,
        WORKER,
        1,
        10,
        ExitCode::USR_NOT_FOUND,
        "old sector 1 is terminated",
    );

    // The old sector's deadline being proven.
    rt.set_epoch(h.deadline_at(&rt, OLD_DL).open);
    refused(
        &h,
        &rt,
        WORKER,
        2,
        10,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        &format!("cannot replace sector 2 in immutable deadline {}", OLD_DL),
    );
}

#[test]
fn refused_for_a_new_sector_missing_dead_faulty_old_of_another_size_or_proof_or_used() {
    let (h, mut rt) = miner(false);
    let (h, rt) = (&h, &mut rt);
    refused(
        h,
        rt,
        WORKER,
        1,
        99,
        ExitCode::USR_NOT_FOUND,
        "new sector 99 not found",
    );
    refused(
        h,
        rt,
        WORKER,
        1,
        1 << 63,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "sector number 9223372036854775808 greater than maximum",
    );
    // Activated before the start: an old sector cannot replace another.
    refused(
        h,
        rt,
        WORKER,
        1,
        5,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        &format!(
            "sector 5 activated at {} before the replacement sealing start {} cannot replace another",
            START_EPOCH, START
        ),
    );
    refused(
        h,
        rt,
        WORKER,
        1,
        13,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "sector 13 of proof StackedDRG64GiBV1P1 cannot replace sector 1 of proof StackedDRG32GiBV1P1: sizes differ",
    );

    // Faulty.
    h.declare_faults(
        rt,
        WORKER,
        vec![FaultDeclaration {
            deadline: NEW_DL,
            partition: 0,
            sectors: bitfield(&[12]),
        }],
        -power(1),
    )
    .unwrap();
    refused(
        h,
        rt,
        WORKER,
        1,
        12,
        ExitCode::USR_FORBIDDEN,
        &format!("sector 12 of partition 0, deadline {} is faulty", NEW_DL),
    );

    // Used once already.
    h.replace_sector(
        rt,
        WORKER,
        1,
        10,
        -power(1),
        -TokenAmount::from_whole(1),
        &[],
        vec![sector_event("sector-terminated", 1)],
    )
    .unwrap();
    refused(
        h,
        rt,
        WORKER,
        2,
        10,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "sector 10 already replaced an old sector",
    );

    // Terminated.
    let now = rt.epoch.get();
    let fee = h.termination_fee(&h.sector(rt, 11), now);
    h.terminate_sectors(
        rt,
        vec![TerminationDeclaration {
            deadline: NEW_DL,
            partition: 0,
            sectors: bitfield(&[11]),
        }],
        Some(TerminationBatch {
            fee: fee.clone(),
            burnt: fee,
            pledge_delta: -TokenAmount::from_whole(1),
            sectors: vec![11],
            deal_sectors: vec![],
            epoch: now,
            reschedule: false,
        }),
        -power(1),
    )
    .unwrap();
    refused(
        h,
        rt,
        WORKER,
        2,
        11,
        ExitCode::USR_NOT_FOUND,
        &format!(
            "sector 11 of partition 0, deadline {} is terminated",
            NEW_DL
        ),
    );

    // A proof the policy no longer allows (as after a PoRep flaw).
    h.put_sectors(rt, NEW_DL, &[sector(14, START, EXPIRATION)], true);
    rt.policy.valid_pre_commit_proof_type = Default::default();
    rt.policy.valid_prove_commit_ni_proof_type = Default::default();
    refused(
        h,
        rt,
        WORKER,
        2,
        14,
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "sector 14 is sealed with proof StackedDRG32GiBV1P1, which the policy no longer allows",
    );
    h.check_state(rt);
}
