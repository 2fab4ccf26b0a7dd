//! DeclareFaults and DeclareFaultsRecovered: power removed at once for new faults, fault
//! expirations scheduled, recoveries recorded after fee debt is repaid, and each rejection
//! (caller, limits, fault cutoff, unknown partition or sector, debt, consensus fault).

mod harness;

use fil_actor_miner::{ExpirationQueue, FaultDeclaration, PowerPair, RecoveryDeclaration};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::expect_abort;
use fvm_ipld_bitfield::BitField;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::maint::*;
use harness::*;
use num_traits::Zero;

/// The deadline the test sectors live in.
const DL: u64 = 5;

fn fault(deadline: u64, partition: u64, sectors: &[u64]) -> FaultDeclaration {
    FaultDeclaration {
        deadline,
        partition,
        sectors: bf(sectors),
    }
}

fn recovery(deadline: u64, partition: u64, sectors: &[u64]) -> RecoveryDeclaration {
    RecoveryDeclaration {
        deadline,
        partition,
        sectors: bf(sectors),
    }
}

/// A miner with proven CC sectors 1, 2 and 3 in partition 0 of deadline `DL`, at the start of
/// the next proving period (deadline `DL` opens `DL` windows later). Returns the period start.
fn setup() -> (
    ActorHarness,
    fil_actors_runtime::test_utils::MockRuntime,
    ChainEpoch,
) {
    let h = ActorHarness::default();
    let rt = h.setup();
    let expiration = START_EPOCH + 400 * EPOCHS_IN_DAY;
    h.put_proven_sectors(
        &rt,
        DL,
        (1..=3)
            .map(|n| cc_sector(n, START_EPOCH, expiration))
            .collect(),
    );
    let next_period = h.deadline_info(&rt, 0).next_period_start();
    rt.set_epoch(next_period);
    (h, rt, next_period)
}

#[test]
fn fault_removes_power_and_schedules_termination_at_max_age() {
    let (h, rt, _) = setup();
    let target = h.deadline_info(&rt, DL);
    h.declare_faults(
        &rt,
        WORKER,
        vec![fault(DL, 0, &[1, 2])],
        -sector_power(2, 1),
    )
    .unwrap();

    let p = h.partition(&rt, DL, 0);
    assert_eq!(p.faults, bf(&[1, 2]));
    assert_eq!(p.faulty_power, sector_power(2, 1));
    assert_eq!(p.live_power, sector_power(3, 1));
    assert_eq!(h.deadline(&rt, DL).faulty_power, sector_power(2, 1));

    // The faults terminate early at the end of the deadline `fault_max_age` later (42 days).
    let fault_expiration = target.last() + 42 * EPOCHS_IN_DAY;
    let quant = h.state(&rt).quant_spec_for_deadline(&rt.policy, DL);
    let entries = ExpirationQueue::new(&rt.store, &p.expirations_epochs, quant)
        .unwrap()
        .entries()
        .unwrap();
    let (epoch, set) = &entries[0];
    assert_eq!(*epoch, fault_expiration);
    assert_eq!(set.early_sectors, bf(&[1, 2]));
    assert_eq!(set.faulty_power, sector_power(2, 1));
    assert_eq!(set.active_power, PowerPair::zero());
    // Sector 3 keeps its on-time expiration.
    let (_, last) = entries.last().unwrap();
    assert_eq!(last.on_time_sectors, bf(&[3]));
    // The deadline indexes the partition at the fault expiration.
    let index = fil_actor_miner::BitFieldQueue::new(
        &rt.store,
        &h.deadline(&rt, DL).expirations_epochs,
        quant,
    )
    .unwrap()
    .entries()
    .unwrap();
    assert!(index.contains(&(fault_expiration, bf(&[0]))));
    h.check_state(&rt);
}

#[test]
fn repeated_and_empty_declarations_change_no_power() {
    let (h, rt, _) = setup();
    h.declare_faults(&rt, OWNER, vec![fault(DL, 0, &[1])], -sector_power(1, 1))
        .unwrap();
    // Sector 1 is already faulty: only sector 2 loses power.
    h.declare_faults(
        &rt,
        CONTROL_1,
        vec![fault(DL, 0, &[1, 2])],
        -sector_power(1, 1),
    )
    .unwrap();
    // Nothing new: no power update is sent.
    h.declare_faults(
        &rt,
        CONTROL_2,
        vec![fault(DL, 0, &[1, 2])],
        PowerPair::zero(),
    )
    .unwrap();
    h.declare_faults(&rt, WORKER, vec![], PowerPair::zero())
        .unwrap();
    assert_eq!(h.partition(&rt, DL, 0).faults, bf(&[1, 2]));
    h.check_state(&rt);
}

#[test]
fn fault_declaration_rejections() {
    let (h, rt, _) = setup();
    let before = h.state(&rt);
    let res = h.declare_faults(&rt, OTHER, vec![fault(DL, 0, &[1])], PowerPair::zero());
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);

    let res = h.declare_faults(&rt, WORKER, vec![fault(48, 0, &[1])], PowerPair::zero());
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to process deadline 48, partition 0: invalid deadline 48",
        res,
    );

    // 3,001 partitions addressed, one more than `addressed_partitions_max`.
    let many: Vec<_> = (0..3001).map(|p| fault(DL, p, &[1])).collect();
    let res = h.declare_faults(&rt, WORKER, many, PowerPair::zero());
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot process requested parameters: too many partitions 3001, max 3000",
        res,
    );

    // 25,001 sectors, one more than `addressed_sectors_max`.
    let sectors = BitField::try_from_bits(0..25_001).unwrap();
    let decl = FaultDeclaration {
        deadline: DL,
        partition: 0,
        sectors,
    };
    let res = h.declare_faults(&rt, WORKER, vec![decl], PowerPair::zero());
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot process requested parameters: too many sectors 25001, max 25000",
        res,
    );

    let res = h.declare_faults(&rt, WORKER, vec![fault(DL, 1, &[1])], PowerPair::zero());
    expect_abort(ExitCode::USR_NOT_FOUND, "no such partition 1", res);

    let res = h.declare_faults(&rt, WORKER, vec![fault(DL, 0, &[1, 9])], PowerPair::zero());
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to declare faults for deadline 5",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn faults_are_refused_from_the_fault_cutoff_until_the_deadline_closes() {
    let (h, rt, _) = setup();
    let target = h.deadline_info(&rt, DL);
    // The cutoff is `fault_declaration_cutoff` (70) epochs before the deadline opens.
    assert_eq!(target.fault_cutoff, target.open - 70);
    for epoch in [target.fault_cutoff, target.open, target.last()] {
        rt.set_epoch(epoch);
        let res = h.declare_faults(&rt, WORKER, vec![fault(DL, 0, &[1])], PowerPair::zero());
        expect_abort(
            ExitCode::USR_ILLEGAL_ARGUMENT,
            "failed fault declaration at deadline 5: late fault or recovery declaration",
            res,
        );
    }
    rt.set_epoch(target.fault_cutoff - 1);
    h.declare_faults(&rt, WORKER, vec![fault(DL, 0, &[1])], -sector_power(1, 1))
        .unwrap();

    // Once the deadline has closed, a declaration is for its next occurrence.
    rt.set_epoch(target.close);
    h.declare_faults(&rt, WORKER, vec![fault(DL, 0, &[2])], -sector_power(1, 1))
        .unwrap();
    let p = h.partition(&rt, DL, 0);
    let quant = h.state(&rt).quant_spec_for_deadline(&rt.policy, DL);
    let entries = ExpirationQueue::new(&rt.store, &p.expirations_epochs, quant)
        .unwrap()
        .entries()
        .unwrap();
    let next_last = target.last() + rt.policy.wpost_proving_period;
    assert_eq!(entries[0].0, target.last() + rt.policy.fault_max_age);
    assert_eq!(entries[0].1.early_sectors, bf(&[1]));
    assert_eq!(entries[1].0, next_last + rt.policy.fault_max_age);
    assert_eq!(entries[1].1.early_sectors, bf(&[2]));
    h.check_state(&rt);
}

#[test]
fn recovery_marks_faulty_sectors_recovering_without_power() {
    let (h, rt, _) = setup();
    h.declare_faults(
        &rt,
        WORKER,
        vec![fault(DL, 0, &[1, 2])],
        -sector_power(2, 1),
    )
    .unwrap();
    // Sector 3 is not faulty and is ignored.
    h.declare_recoveries(
        &rt,
        OWNER,
        vec![recovery(DL, 0, &[1, 3])],
        TokenAmount::zero(),
    )
    .unwrap();
    let p = h.partition(&rt, DL, 0);
    assert_eq!(p.recoveries, bf(&[1]));
    assert_eq!(p.recovering_power, sector_power(1, 1));
    assert_eq!(p.faults, bf(&[1, 2]));
    assert_eq!(p.faulty_power, sector_power(2, 1));

    // Declaring a recovering sector faulty again retracts the recovery, with no power change.
    h.declare_faults(&rt, WORKER, vec![fault(DL, 0, &[1])], PowerPair::zero())
        .unwrap();
    let p = h.partition(&rt, DL, 0);
    assert!(p.recoveries.is_empty());
    assert_eq!(p.recovering_power, PowerPair::zero());
    h.check_state(&rt);
}

#[test]
fn recovery_repays_fee_debt_first() {
    let (h, rt, _) = setup();
    h.declare_faults(&rt, WORKER, vec![fault(DL, 0, &[1])], -sector_power(1, 1))
        .unwrap();
    let mut st = h.state(&rt);
    st.fee_debt = TokenAmount::from_atto(500);
    rt.replace_state(&st);

    // The balance covers exactly the locked funds and pledge: the debt cannot be paid.
    let res = h.declare_recoveries(
        &rt,
        WORKER,
        vec![recovery(DL, 0, &[1])],
        TokenAmount::zero(),
    );
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "unlocked balance can not repay fee debt",
        res,
    );
    // The debt is checked before the caller.
    let res = h.declare_recoveries(&rt, OTHER, vec![recovery(DL, 0, &[1])], TokenAmount::zero());
    expect_abort(
        ExitCode::USR_INSUFFICIENT_FUNDS,
        "can not repay fee debt",
        res,
    );

    let balance = rt.balance.borrow().clone();
    rt.set_balance(&balance + TokenAmount::from_atto(700));
    h.declare_recoveries(
        &rt,
        WORKER,
        vec![recovery(DL, 0, &[1])],
        TokenAmount::from_atto(500),
    )
    .unwrap();
    assert_eq!(h.state(&rt).fee_debt, TokenAmount::zero());
    assert_eq!(*rt.balance.borrow(), &balance + TokenAmount::from_atto(200));
    assert_eq!(h.partition(&rt, DL, 0).recoveries, bf(&[1]));
    h.check_state(&rt);
}

#[test]
fn recovery_rejections() {
    let (h, rt, _) = setup();
    h.declare_faults(&rt, WORKER, vec![fault(DL, 0, &[1])], -sector_power(1, 1))
        .unwrap();
    let before = h.state(&rt);

    let res = h.declare_recoveries(&rt, OTHER, vec![recovery(DL, 0, &[1])], TokenAmount::zero());
    expect_abort(ExitCode::USR_FORBIDDEN, "", res);

    let res = h.declare_recoveries(
        &rt,
        WORKER,
        vec![recovery(49, 0, &[1])],
        TokenAmount::zero(),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to process deadline 49, partition 0: invalid deadline 49",
        res,
    );

    let res = h.declare_recoveries(
        &rt,
        WORKER,
        vec![recovery(DL, 2, &[1])],
        TokenAmount::zero(),
    );
    expect_abort(ExitCode::USR_NOT_FOUND, "no such partition 2", res);

    let res = h.declare_recoveries(
        &rt,
        WORKER,
        vec![recovery(DL, 0, &[7])],
        TokenAmount::zero(),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed to declare recoveries for deadline 5",
        res,
    );

    let cutoff = h.deadline_info(&rt, DL).fault_cutoff;
    rt.set_epoch(cutoff);
    let res = h.declare_recoveries(
        &rt,
        WORKER,
        vec![recovery(DL, 0, &[1])],
        TokenAmount::zero(),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "failed recovery declaration at deadline 5: late fault or recovery declaration",
        res,
    );
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn recovery_refused_during_consensus_fault() {
    let (h, rt, period_start) = setup();
    h.declare_faults(&rt, WORKER, vec![fault(DL, 0, &[1])], -sector_power(1, 1))
        .unwrap();
    let mut st = h.state(&rt);
    let mut info = h.info(&rt);
    // The fault is active up to and including this epoch.
    info.consensus_fault_elapsed = period_start + 10;
    st.save_info(&rt.store, &info).unwrap();
    rt.replace_state(&st);

    rt.set_epoch(period_start + 10);
    let res = h.declare_recoveries(
        &rt,
        WORKER,
        vec![recovery(DL, 0, &[1])],
        TokenAmount::zero(),
    );
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "recovery not allowed during active consensus fault",
        res,
    );
    rt.set_epoch(period_start + 11);
    h.declare_recoveries(
        &rt,
        WORKER,
        vec![recovery(DL, 0, &[1])],
        TokenAmount::zero(),
    )
    .unwrap();
    h.check_state(&rt);
}
