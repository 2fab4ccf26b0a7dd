//! FIP-0067 enforcement in the deadline cron (`shared/spec/replacement-sealing.md`,
//! "Enforcement"), on the handlers: a miner with four old sectors (1 and 2 in deadline `DL`, 3
//! and 4 in `DL2`) and nothing deactivated is due at `START + GRACE`; the start epoch is placed so
//! that the end of `DL`'s occurrence under test (`at`) is a chosen number of epochs past that.
//! Behind by 2,880 the deadline is untouched, by 2,881 it is faulted as by a missed PoSt (power
//! removed, continued-fault fees from its next end), by 20,160 still only faulted, by 20,161
//! terminated with termination fees; a dormant timeline and a miner on schedule are never
//! touched; recoveries are refused while behind and work again once the miner has caught up.
//! Fees come from the test's own arithmetic with the harness's network estimates; every event is
//! compared with one written out entry by entry.

mod harness;

use fil_actor_miner::emit::{sector_terminated_event, FeeApplied, FeeType};
use fil_actor_miner::{
    DeadlineInfo, OldSectorCounters, OldSectors, RecoveryDeclaration, TerminationDeclaration,
    DEADLINE_FAULT_THRESHOLD, DEADLINE_TERMINATION_THRESHOLD,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::{expect_abort, MockRuntime};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::SectorNumber;
use harness::lifecycle::{fee_applied_event, sector_event};
use harness::post::{bitfield, make_sector, power, CronConfig, PoStConfig, TerminationBatch};
use harness::*;

const GRACE: ChainEpoch = 5 * EPOCHS_IN_DAY;
const TARGET: ChainEpoch = 100 * EPOCHS_IN_DAY;
/// The deadline under test, holding old sectors 1 and 2.
const DL: u64 = 20;
/// The deadline of old sectors 3 and 4, terminated to catch up.
const DL2: u64 = 30;
const EXPIRATION: ChainEpoch = START_EPOCH + 500 * EPOCHS_IN_DAY;
/// Each sector's daily fee (far under the FIP-0100 cap).
const DAILY_FEE: u64 = 100;

/// The harness's estimates: 10^19 attoFIL per epoch over 2^50 bytes of QA power, flat. One
/// 32 GiB sector earns 10^19 / 2^15 = 305,175,781,250,000 attoFIL an epoch; the continued-fault
/// fee is that over 3.51 days, 10,108 epochs.
const FAULT_FEE_PER_SECTOR: u64 = 3_084_716_796_875_000_000;
/// The FIP-0098 fee of a sector pledging 1 FIL: 105% of its continued-fault fee (above 8.5% and
/// 2% of the pledge).
const TERMINATION_FEE_PER_SECTOR: u64 = 3_238_952_636_718_750_000;

fn atto(amount: u64) -> TokenAmount {
    TokenAmount::from_atto(amount)
}

/// A `fee-applied` event, checked against the one written out entry by entry.
fn fee(
    fee_type: FeeType,
    name: &str,
    amount: TokenAmount,
    deadline: Option<u64>,
    sectors: u64,
) -> FeeApplied {
    let mut fee = FeeApplied::new(fee_type, amount.clone()).sectors(sectors);
    if let Some(d) = deadline {
        fee = fee.deadline(d);
    }
    assert_eq!(
        fee.event().unwrap(),
        fee_applied_event(name, &amount, deadline, Some(sectors), false)
    );
    fee
}

fn daily(sectors: u64) -> FeeApplied {
    fee(
        FeeType::DailyProof,
        "daily-proof",
        atto(DAILY_FEE * sectors),
        Some(DL),
        sectors,
    )
}

fn continued_fault(sectors: u64) -> FeeApplied {
    fee(
        FeeType::ContinuedFault,
        "continued-fault",
        atto(FAULT_FEE_PER_SECTOR * sectors),
        Some(DL),
        sectors,
    )
}

/// A batch of terminations of 1 FIL sectors at `epoch`, its events checked entry by entry.
fn terminated(sectors: &[SectorNumber], epoch: ChainEpoch) -> TerminationBatch {
    let n = sectors.len() as u64;
    let amount = atto(TERMINATION_FEE_PER_SECTOR * n);
    fee(FeeType::Termination, "termination", amount.clone(), None, n);
    for &s in sectors {
        assert_eq!(
            sector_terminated_event(s).unwrap(),
            sector_event("sector-terminated", s)
        );
    }
    TerminationBatch {
        fee: amount.clone(),
        burnt: amount,
        pledge_delta: -TokenAmount::from_whole(n as i64),
        sectors: sectors.to_vec(),
        deal_sectors: vec![],
        epoch,
        reschedule: false,
    }
}

fn counters(initial: u64, deactivated: u64) -> Option<OldSectors> {
    Some(OldSectors::Counters(OldSectorCounters {
        initial,
        deactivated,
    }))
}

struct Fixture {
    h: ActorHarness,
    rt: MockRuntime,
    /// The occurrence of `DL` whose end is checked.
    at: DeadlineInfo,
}

/// The miner, its timeline started (unless `behind` is `None`: dormant) so that at `at.last()`
/// it is `behind` epochs past its due point, and its counters initialized by the cron of the
/// first other deadline at or after the start.
fn miner(behind: Option<ChainEpoch>) -> Fixture {
    let h = ActorHarness::default();
    let mut rt = h.setup_with_policy(Default::default(), TokenAmount::from_whole(100));
    let sectors = |numbers: [SectorNumber; 2]| {
        numbers
            .iter()
            .map(|&n| {
                make_sector(
                    n,
                    START_EPOCH,
                    EXPIRATION,
                    TokenAmount::from_whole(1),
                    atto(DAILY_FEE),
                )
            })
            .collect::<Vec<_>>()
    };
    h.put_sectors(&rt, DL, &sectors([1, 2]), true);
    h.put_sectors(&rt, DL2, &sectors([3, 4]), true);
    rt.set_epoch(START_EPOCH + 40 * EPOCHS_IN_DAY);
    let at = h.deadline_at(&rt, DL);
    rt.policy.replacement_sealing_grace_period = GRACE;
    rt.policy.replacement_sealing_deactivation_target = TARGET;
    rt.policy.replacement_sealing_start_epoch = behind.map(|b| at.last() - GRACE - b);
    let mut init = rt
        .policy
        .replacement_sealing_start_epoch
        .unwrap_or(at.open - 600)
        - 1;
    loop {
        let dl = h.state(&rt).deadline_info(&rt.policy, init + 1);
        init = dl.last();
        if dl.index != DL && dl.index != DL2 {
            break;
        }
    }
    rt.set_epoch(init);
    h.on_deadline_cron(&rt, CronConfig::default());
    let expected = behind.and(counters(4, 0));
    assert_eq!(h.state(&rt).old_sectors, expected);
    Fixture { h, rt, at }
}

impl Fixture {
    /// Proves `DL`'s partition in its window (no recovery: nothing changes), then runs its cron.
    fn prove_and_close(&self, cfg: CronConfig) {
        self.h
            .post_partitions(&self.rt, &self.at, &[0], PoStConfig::default());
        self.close(cfg);
    }

    fn close(&self, cfg: CronConfig) {
        self.rt.set_epoch(self.at.last());
        self.h.on_deadline_cron(&self.rt, cfg);
    }

    fn behind_by(&self) -> ChainEpoch {
        self.h
            .replacement_sealing_status(&self.rt)
            .unwrap()
            .behind_by
    }

    /// `DL`'s next occurrence.
    fn next(&mut self) {
        let period = self.rt.policy.wpost_proving_period;
        self.at = DeadlineInfo::new(
            &self.rt.policy,
            self.at.period_start + period,
            DL,
            self.at.period_start + period,
        );
    }

    fn faults(&self) -> fvm_ipld_bitfield::BitField {
        self.h.partition(&self.rt, DL, 0).faults
    }

    fn declare_recovery(&self) -> Result<(), fil_actors_runtime::ActorError> {
        self.h.declare_recoveries(
            &self.rt,
            WORKER,
            vec![RecoveryDeclaration {
                deadline: DL,
                partition: 0,
                sectors: bitfield(&[1, 2]),
            }],
            TokenAmount::from_atto(0),
        )
    }
}

fn untouched() -> CronConfig {
    let fee = daily(2);
    CronConfig {
        burnt: fee.amount.clone(),
        fee_events: vec![fee],
        ..Default::default()
    }
}

fn faulted() -> CronConfig {
    CronConfig {
        power_delta: -power(2),
        ..untouched()
    }
}

#[test]
fn the_harness_fees_are_the_tests_arithmetic() {
    let h = ActorHarness::default();
    assert_eq!(10u64.pow(19) / (1 << 15), 305_175_781_250_000);
    assert_eq!(
        FAULT_FEE_PER_SECTOR,
        305_175_781_250_000 * (EPOCHS_IN_DAY as u64 * 351 / 100)
    );
    assert_eq!(TERMINATION_FEE_PER_SECTOR, FAULT_FEE_PER_SECTOR / 100 * 105);
    assert_eq!(
        h.continued_fault_fee(&power(1).qa),
        atto(FAULT_FEE_PER_SECTOR)
    );
    assert_eq!(
        (DEADLINE_FAULT_THRESHOLD, DEADLINE_TERMINATION_THRESHOLD),
        (2_880, 20_160)
    );
}

#[test]
fn behind_by_2880_the_deadline_is_untouched() {
    let f = miner(Some(2_880));
    f.rt.set_epoch(f.at.last());
    assert_eq!(f.behind_by(), 2_880);
    f.prove_and_close(untouched());
    assert_eq!(f.faults(), bitfield(&[]));
    assert_eq!(f.h.state(&f.rt).old_sectors, counters(4, 0));
    f.h.check_state(&f.rt);
}

#[test]
fn behind_by_2881_the_deadline_is_faulted_and_pays_from_its_next_end() {
    let mut f = miner(Some(2_881));
    f.rt.set_epoch(f.at.last());
    assert_eq!(f.behind_by(), 2_881);
    // Proven on time, yet every sector becomes faulty and loses its power; new faults pay no
    // fee at this end, the daily fee still applies to the live sectors.
    f.prove_and_close(faulted());
    assert_eq!(f.faults(), bitfield(&[1, 2]));
    assert_eq!(f.h.deadline(&f.rt, DL).faulty_power, power(2));
    // Sectors 3 and 4 of another deadline are not touched by this deadline's cron.
    assert_eq!(f.h.partition(&f.rt, DL2, 0).faults, bitfield(&[]));

    // The next end of the deadline charges the continued-fault fee for both.
    f.next();
    let (ff, df) = (continued_fault(2), daily(2));
    f.close(CronConfig {
        burnt: &ff.amount + &df.amount,
        fee_events: vec![ff, df],
        ..Default::default()
    });
    assert_eq!(f.faults(), bitfield(&[1, 2]));
    f.h.check_state(&f.rt);
}

#[test]
fn behind_by_20160_the_deadline_is_faulted_not_terminated() {
    let f = miner(Some(20_160));
    f.rt.set_epoch(f.at.last());
    assert_eq!(f.behind_by(), 20_160);
    f.prove_and_close(faulted());
    assert_eq!(f.faults(), bitfield(&[1, 2]));
    assert_eq!(f.h.partition(&f.rt, DL, 0).terminated, bitfield(&[]));
    assert_eq!(f.h.state(&f.rt).old_sectors, counters(4, 0));
    f.h.check_state(&f.rt);
}

#[test]
fn behind_by_20161_the_deadline_is_terminated_with_termination_fees() {
    let f = miner(Some(20_161));
    f.rt.set_epoch(f.at.last());
    assert_eq!(f.behind_by(), 20_161);
    let end = f.at.last();
    // Power of the proven sectors goes; nothing live is left to pay the daily fee; the
    // termination batch runs in the same message, each sector paying the FIP-0098 fee.
    f.prove_and_close(CronConfig {
        power_delta: -power(2),
        terminations: Some(terminated(&[1, 2], end)),
        ..Default::default()
    });
    let p = f.h.partition(&f.rt, DL, 0);
    assert_eq!(p.terminated, bitfield(&[1, 2]));
    assert_eq!(p.faults, bitfield(&[]));
    assert_eq!(f.h.state(&f.rt).early_terminations, bitfield(&[]));
    // Both were old: two of four deactivated puts the miner back on schedule.
    assert_eq!(f.h.state(&f.rt).old_sectors, counters(4, 2));
    assert_eq!(f.behind_by(), 0);
    f.h.check_state(&f.rt);
}

#[test]
fn a_terminated_deadline_that_was_faulty_pays_its_continued_fault_fee_too() {
    // Faulted 17,282 behind; its next end, a period (2,880 epochs) later, is 20,162 behind.
    let mut f = miner(Some(17_282));
    f.prove_and_close(faulted());
    f.next();
    let end = f.at.last();
    f.rt.set_epoch(end);
    assert_eq!(f.behind_by(), 20_162);
    let ff = continued_fault(2);
    f.close(CronConfig {
        burnt: ff.amount.clone(),
        fee_events: vec![ff],
        terminations: Some(terminated(&[1, 2], end)),
        ..Default::default()
    });
    assert_eq!(f.h.partition(&f.rt, DL, 0).terminated, bitfield(&[1, 2]));
    assert_eq!(f.h.state(&f.rt).old_sectors, counters(4, 2));
    f.h.check_state(&f.rt);
}

#[test]
fn a_dormant_timeline_never_touches_the_deadline() {
    let f = miner(None);
    assert_eq!(f.h.replacement_sealing_status(&f.rt), None);
    f.prove_and_close(untouched());
    assert_eq!(f.faults(), bitfield(&[]));
    assert_eq!(f.h.state(&f.rt).old_sectors, None);
    // Recoveries are not refused (nothing to recover here: the declaration changes nothing).
    f.rt.set_epoch(f.at.last() + 1);
    f.declare_recovery().unwrap();
    f.h.check_state(&f.rt);
}

#[test]
fn a_miner_that_caught_up_is_never_touched() {
    // It would be 20,161 behind, but terminates sectors 3 and 4 first: 2 of 4 deactivated put
    // its due point at START + 5 days + 95 days / 2.
    let f = miner(Some(20_161));
    let now = f.h.deadline_at(&f.rt, DL2 + 10).open;
    f.rt.set_epoch(now);
    f.h.terminate_sectors(
        &f.rt,
        vec![TerminationDeclaration {
            deadline: DL2,
            partition: 0,
            sectors: bitfield(&[3, 4]),
        }],
        Some(terminated(&[3, 4], now)),
        -power(2),
    )
    .unwrap();
    assert_eq!(f.h.state(&f.rt).old_sectors, counters(4, 2));
    f.rt.set_epoch(f.at.last());
    let status = f.h.replacement_sealing_status(&f.rt).unwrap();
    assert_eq!(status.progress, GRACE + (TARGET - GRACE) * 2 / 4);
    assert!(status.on_schedule);
    f.prove_and_close(untouched());
    assert_eq!(f.faults(), bitfield(&[]));
    f.h.check_state(&f.rt);
}

#[test]
fn recoveries_are_refused_while_behind_and_work_once_on_schedule() {
    let mut f = miner(Some(2_881));
    f.prove_and_close(faulted());
    let now = f.at.last() + 1;
    f.rt.set_epoch(now);
    assert_eq!(f.behind_by(), 2_882);
    let before = f.h.state(&f.rt);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        "recovery not allowed 2882 epochs behind the replacement sealing schedule",
        f.declare_recovery(),
    );
    assert_eq!(f.h.state(&f.rt), before);

    // Catching up by terminating the old sectors of another deadline.
    f.h.terminate_sectors(
        &f.rt,
        vec![TerminationDeclaration {
            deadline: DL2,
            partition: 0,
            sectors: bitfield(&[3, 4]),
        }],
        Some(terminated(&[3, 4], now)),
        -power(2),
    )
    .unwrap();
    assert_eq!(f.behind_by(), 0);
    f.declare_recovery().unwrap();
    assert_eq!(f.h.partition(&f.rt, DL, 0).recoveries, bitfield(&[1, 2]));

    // The ordinary path: the next PoSt proves them back to power; their deadline's end finds
    // nothing faulty (no continued-fault fee) and charges the daily fee.
    f.next();
    let sectors = vec![f.h.sector(&f.rt, 1), f.h.sector(&f.rt, 2)];
    f.h.post_partitions(
        &f.rt,
        &f.at,
        &[0],
        PoStConfig {
            verify: Some((sectors, true)),
            power_delta: power(2),
        },
    );
    f.close(untouched());
    assert_eq!(f.faults(), bitfield(&[]));
    f.h.check_state(&f.rt);
}
