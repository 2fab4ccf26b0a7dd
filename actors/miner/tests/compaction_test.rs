//! CompactPartitions and CompactSectorNumbers: dead sectors removed and live ones repacked with
//! power and fees unchanged, the compaction window, the partition limit and layout
//! preconditions, and masking sector numbers.

mod harness;

use fil_actor_miner::{CollisionPolicy, PartitionSectorMap, PowerPair, Sectors, MAX_SECTOR_NUMBER};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::MockRuntime;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::CborStore;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::maint::*;
use harness::*;

const DL: u64 = 5;

/// A miner with proven CC sectors 1 to 4 in partition 0 of deadline `DL`, at the start of the
/// next proving period, when that deadline may be compacted.
fn setup() -> (ActorHarness, MockRuntime) {
    let h = ActorHarness::default();
    let rt = h.setup();
    let expiration = START_EPOCH + 400 * EPOCHS_IN_DAY;
    h.put_proven_sectors(
        &rt,
        DL,
        (1..=4)
            .map(|n| cc_sector(n, START_EPOCH, expiration))
            .collect(),
    );
    rt.set_epoch(h.deadline_info(&rt, 0).next_period_start());
    (h, rt)
}

/// Terminates `sectors` of partition 0 of `DL` in state; unless `keep_pending`, their early
/// terminations are then processed (popped and their pledge released) as cron would.
fn terminate(h: &ActorHarness, rt: &MockRuntime, sectors: &[u64], keep_pending: bool) {
    let store = &rt.store;
    let mut st = h.state(rt);
    let mut deadlines = st.load_deadlines(store).unwrap();
    let mut deadline = deadlines.load_deadline(store, DL).unwrap();
    let quant = st.quant_spec_for_deadline(&rt.policy, DL);
    let mut pm = PartitionSectorMap::default();
    pm.add_values(0, sectors).unwrap();
    let infos = Sectors::load(store, &st.sectors).unwrap();
    deadline
        .terminate_sectors(
            store,
            &infos,
            rt.epoch.get(),
            &mut pm,
            h.info(rt).sector_size,
            quant,
        )
        .unwrap();
    deadlines
        .update_deadline(&rt.policy, store, DL, &deadline)
        .unwrap();
    st.save_deadlines(store, deadlines).unwrap();
    st.early_terminations.set(DL);
    if !keep_pending {
        let (result, more) = st
            .pop_early_terminations(&rt.policy, store, 100, 100)
            .unwrap();
        assert!(!more);
        assert_eq!(result.sectors_processed, sectors.len() as u64);
        let pledge = TokenAmount::from_atto(1000) * sectors.len() as u64;
        st.add_initial_pledge(&-pledge).unwrap();
    }
    rt.replace_state(&st);
}

#[test]
fn compaction_removes_dead_sectors_and_keeps_power_and_fees() {
    let (h, rt) = setup();
    terminate(&h, &rt, &[2], false);
    let before = h.deadline(&rt, DL);
    assert_eq!((before.live_sectors, before.total_sectors), (3, 4));

    h.compact_partitions(&rt, WORKER, DL, bf(&[0])).unwrap();
    let dl = h.deadline(&rt, DL);
    assert_eq!((dl.live_sectors, dl.total_sectors), (3, 3));
    assert_eq!(dl.live_power, sector_power(3, 1));
    assert_eq!(dl.live_power, before.live_power);
    assert_eq!(dl.daily_fee, TokenAmount::from_atto(30));
    let p = h.partition(&rt, DL, 0);
    assert_eq!(p.sectors, bf(&[1, 3, 4]));
    assert!(p.terminated.is_empty());
    assert!(p.unproven.is_empty());
    let st = h.state(&rt);
    assert!(st.get_sector(&rt.store, 2).unwrap().is_none());
    assert!(st.get_sector(&rt.store, 3).unwrap().is_some());
    h.check_state(&rt);
}

#[test]
fn compacting_nothing_changes_nothing() {
    let (h, rt) = setup();
    let before = h.state(&rt);
    h.compact_partitions(&rt, CONTROL_1, DL, BitField::new())
        .unwrap();
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn compaction_window() {
    let (h, rt) = setup();
    terminate(&h, &rt, &[2], false);
    let target = h.deadline_info(&rt, DL);
    let dispute_window = rt.policy.wpost_dispute_window;
    let forbidden = format!(
        "cannot compact deadline 5 during its challenge window, or the prior challenge window, or before {} epochs have passed since its last challenge window ended",
        dispute_window
    );
    // From one window before it opens, through its window, and for the dispute window after.
    for epoch in [
        target.open - rt.policy.wpost_challenge_window,
        target.open,
        target.close,
        target.close + dispute_window - 1,
    ] {
        rt.set_epoch(epoch);
        let res = h.compact_partitions(&rt, WORKER, DL, bf(&[0]));
        expect_abort(ExitCode::USR_FORBIDDEN, &forbidden, res);
    }
    rt.set_epoch(target.close + dispute_window);
    h.compact_partitions(&rt, WORKER, DL, bf(&[0])).unwrap();
    assert_eq!(h.deadline(&rt, DL).total_sectors, 3);
    h.check_state(&rt);
}

#[test]
fn compaction_rejections() {
    let (h, rt) = setup();
    let before = h.state(&rt);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "",
        h.compact_partitions(&rt, OTHER, DL, bf(&[0])),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid deadline 48",
        h.compact_partitions(&rt, WORKER, 48, bf(&[0])),
    );
    // 25,000 addressed sectors / 2,349 per partition: at most 10 partitions.
    let eleven = BitField::try_from_bits(0..11).unwrap();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "too many partitions 11, limit 10",
        h.compact_partitions(&rt, WORKER, DL, eleven),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "partition index 1 out of range [0, 1)",
        h.compact_partitions(&rt, WORKER, DL, bf(&[1])),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "partitions to remove exceed total 1",
        h.compact_partitions(&rt, WORKER, DL, bf(&[0, 1])),
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn partitions_with_faults_or_pending_terminations_stay() {
    let (h, rt) = setup();
    terminate(&h, &rt, &[2], true);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot remove partitions from deadline with early terminations",
        h.compact_partitions(&rt, WORKER, DL, bf(&[0])),
    );

    let (h, rt) = setup();
    let decl = fil_actor_miner::FaultDeclaration {
        deadline: DL,
        partition: 0,
        sectors: bf(&[1]),
    };
    h.declare_faults(&rt, WORKER, vec![decl], -sector_power(1, 1))
        .unwrap();
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to remove partitions from deadline 5: cannot remove partition 0: has faults",
        h.compact_partitions(&rt, WORKER, DL, bf(&[0])),
    );
    h.check_state(&rt);
}

#[test]
fn partition_with_unproven_sectors_stays() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let epoch = h.deadline_info(&rt, 0).next_period_start();
    rt.set_epoch(epoch);
    let sector = cc_sector(1, epoch, epoch + 400 * EPOCHS_IN_DAY);
    let mut st = h.state(&rt);
    st.allocate_sector_numbers(&rt.store, &bf(&[1]), CollisionPolicy::DenyCollisions)
        .unwrap();
    st.put_sectors(&rt.store, vec![sector.clone()]).unwrap();
    let info = h.info(&rt);
    st.assign_sectors_to_deadline(
        &rt.policy,
        &rt.store,
        epoch,
        vec![sector],
        info.window_post_partition_sectors,
        info.sector_size,
        DL,
    )
    .unwrap();
    rt.replace_state(&st);
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot remove partition 0: has unproven sectors",
        h.compact_partitions(&rt, WORKER, DL, bf(&[0])),
    );
    assert_eq!(h.partition(&rt, DL, 0).unproven, bf(&[1]));
    assert_eq!(
        h.deadline(&rt, DL).live_power,
        PowerPair::new((SECTOR_BYTES).into(), (SECTOR_BYTES).into(),)
    );
    h.check_state(&rt);
}

fn allocated(h: &ActorHarness, rt: &MockRuntime) -> Vec<u64> {
    let bits: BitField = rt
        .store
        .get_cbor(&h.state(rt).allocated_sectors)
        .unwrap()
        .unwrap();
    bits.iter().collect()
}

#[test]
fn masking_sector_numbers_allocates_them() {
    let (h, rt) = setup();
    assert_eq!(allocated(&h, &rt), vec![1, 2, 3, 4]);
    // Overlapping the allocated numbers is allowed.
    h.compact_sector_numbers(&rt, OWNER, bf(&[3, 4, 5, 6, 7, 100]))
        .unwrap();
    assert_eq!(allocated(&h, &rt), vec![1, 2, 3, 4, 5, 6, 7, 100]);
    // The largest sector number may be masked.
    h.compact_sector_numbers(&rt, CONTROL_2, bf(&[MAX_SECTOR_NUMBER]))
        .unwrap();
    assert_eq!(
        allocated(&h, &rt),
        vec![1, 2, 3, 4, 5, 6, 7, 100, MAX_SECTOR_NUMBER]
    );
    h.check_state(&rt);
}

#[test]
fn masking_rejections() {
    let (h, rt) = setup();
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "",
        h.compact_sector_numbers(&rt, OTHER, bf(&[5])),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid mask bitfield",
        h.compact_sector_numbers(&rt, WORKER, BitField::new()),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        &format!(
            "sector number {} greater than maximum {}",
            MAX_SECTOR_NUMBER + 1,
            MAX_SECTOR_NUMBER
        ),
        h.compact_sector_numbers(&rt, WORKER, bf(&[5, MAX_SECTOR_NUMBER + 1])),
    );
    assert_eq!(allocated(&h, &rt), vec![1, 2, 3, 4]);
    h.check_state(&rt);
}
