//! Sectors walked through their whole life on the handlers, every deadline's cron run in turn:
//! pre-commit, ProveCommitSectors3, the first Window PoSt, daily fees over the proving periods
//! and on-time expiry; and fault, recovery, a missed PoSt, termination and compaction. Power,
//! pledge, balance, fee debt, events and partitions are checked at every step.

mod harness;

use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::{FaultDeclaration, PowerPair, RecoveryDeclaration, TerminationDeclaration};
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::test_utils::expect_abort;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::post::{bitfield, power, CronConfig, PoStConfig, TerminationBatch};
use harness::*;

fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

#[test]
fn sector_lives_from_precommit_to_on_time_expiry() {
    let h = ActorHarness::default();
    let spare = TokenAmount::from_whole(1000);
    let rt = h.setup_with_policy(Policy::default(), spare.clone());
    let mut balance = spare;

    // Pre-commit: the deposits are held, nothing is sent but the queries and cron enrolment.
    let expiration = h.min_expiration(&rt, 0);
    let precommits = [1, 2]
        .iter()
        .map(|&n| h.precommit_info(&rt, n, expiration))
        .collect();
    h.precommit_sectors(&rt, precommits);
    let st = h.state(&rt);
    let deposit = h.precommit_deposit();
    assert_eq!(st.pre_commit_deposits, &deposit * 2);
    assert!(st.deadline_cron_active);
    assert_eq!(*rt.balance.borrow(), balance);
    assert_eq!(
        h.get_available_balance(&rt).available_balance,
        &balance - &deposit * 2
    );
    h.check_state(&rt);

    // The deadline crons before the challenge delay ends charge nothing and re-enroll.
    let prove_at = rt.epoch.get() + rt.policy.pre_commit_challenge_delay + 1;
    h.walk_deadlines(&rt, prove_at, |_| CronConfig::default());
    let pcs: Vec<_> = [1, 2]
        .iter()
        .map(|&n| {
            h.state(&rt)
                .get_precommitted_sector(&rt.store, n)
                .unwrap()
                .unwrap()
        })
        .collect();

    // ProveCommitSectors3: pledge locked from the released deposits, no power until proven.
    let sectors = h.prove_commit_sectors3(
        &rt,
        [1, 2]
            .iter()
            .map(|&n| fil_actor_miner::SectorActivationManifest {
                sector_number: n,
                pieces: vec![],
            })
            .collect(),
    );
    for (sector, pc) in sectors.iter().zip(&pcs) {
        assert_eq!(sector, &h.expected_sector(&rt, &pc.info, 0, 0));
    }
    let pledge: TokenAmount = sectors.iter().map(|s| s.initial_pledge.clone()).sum();
    let st = h.state(&rt);
    assert_eq!(st.pre_commit_deposits, atto(0));
    assert_eq!(st.initial_pledge, pledge);
    assert_eq!(*rt.balance.borrow(), balance);
    let (dl_idx, p_idx) = st.find_sector(&rt.store, 1).unwrap();
    assert_eq!(st.find_sector(&rt.store, 2).unwrap(), (dl_idx, p_idx));
    assert_eq!(p_idx, 0);
    let p = h.partition(&rt, dl_idx, 0);
    assert_eq!(p.unproven, bitfield(&[1, 2]));
    assert_eq!(p.live_power, power(2));
    assert_eq!(p.active_power(), PowerPair::zero());
    h.check_state(&rt);

    // Every deadline's cron until the sectors expire. Their deadline's window gets a PoSt (the
    // first one gains their power) and its cron charges their daily fee; the cron of the
    // deadline holding their (quantized) expiration releases power and pledge, and charges
    // nothing.
    let daily_fee = h.daily_fee_of(&rt, &[1, 2]);
    assert_eq!(daily_fee, &sectors[0].daily_fee * 2);
    assert!(daily_fee.is_positive());
    let expiry = h
        .state(&rt)
        .quant_spec_for_deadline(&rt.policy, dl_idx)
        .quantize_up(expiration);
    let mut periods_charged = 0;
    let mut first_post_end = None;
    h.walk_deadlines(&rt, expiry + 1, |dl| {
        if dl.index != dl_idx {
            return CronConfig::default();
        }
        let proven = first_post_end.is_some();
        let gained = if proven { PowerPair::zero() } else { power(2) };
        h.post_partitions(
            &rt,
            dl,
            &[0],
            PoStConfig {
                power_delta: gained,
                ..Default::default()
            },
        );
        if !proven {
            let p = h.partition(&rt, dl_idx, 0);
            assert!(p.unproven.is_empty());
            assert_eq!(p.active_power(), power(2));
            first_post_end = Some(dl.last());
        }
        if dl.last() == expiry {
            // Expiring on time is not an early termination: no `sector-terminated` event
            // (FIP-0083), and expired sectors pay no daily fee.
            return CronConfig {
                power_delta: -power(2),
                pledge_delta: -pledge.clone(),
                // Nothing is held any more: the cron stops.
                continue_cron: false,
                ..Default::default()
            };
        }
        periods_charged += 1;
        CronConfig {
            fee_events: vec![FeeApplied::new(FeeType::DailyProof, daily_fee.clone())
                .deadline(dl_idx)
                .sectors(2)],
            burnt: daily_fee.clone(),
            ..Default::default()
        }
    });
    // One charge per proving period from the first PoSt to the one before expiry: over 180
    // days.
    let charged_span = expiry - first_post_end.unwrap();
    assert_eq!(
        periods_charged,
        charged_span / rt.policy.wpost_proving_period
    );
    assert!(periods_charged > 180);
    balance -= &daily_fee * periods_charged;
    assert_eq!(*rt.balance.borrow(), balance);
    let st = h.state(&rt);
    assert_eq!(st.fee_debt, atto(0));
    assert_eq!(st.initial_pledge, atto(0));
    assert!(!st.deadline_cron_active);
    assert_eq!(h.get_available_balance(&rt).available_balance, balance);
    let p = h.partition(&rt, dl_idx, 0);
    assert!(p.live_sectors().is_empty());
    assert_eq!(p.terminated, bitfield(&[1, 2]));
    assert_eq!(p.live_power, PowerPair::zero());
    let deadline = h.get_deadline(&rt, dl_idx);
    assert_eq!((deadline.live_sectors, deadline.daily_fee), (0, atto(0)));
    h.check_state(&rt);
}

#[test]
fn sectors_fault_recover_miss_a_post_terminate_and_are_compacted() {
    let h = ActorHarness::default();
    let spare = TokenAmount::from_whole(1000);
    let rt = h.setup_with_policy(Policy::default(), spare);
    let expiration = h.min_expiration(&rt, 0);
    let dl_idx = h.commit_and_prove(&rt, &[1, 2, 3], expiration);
    let sectors: Vec<_> = (1..=3).map(|n| h.sector(&rt, n)).collect();
    let pledge_each = sectors[0].initial_pledge.clone();
    assert!(sectors.iter().all(|s| s.initial_pledge == pledge_each));
    let daily_3 = h.daily_fee_event(&rt, dl_idx, &[1, 2, 3]);
    let daily_fee = daily_3.amount.clone();
    let partition = |faults: &[u64], faulty: u64, live: u64| {
        let p = h.partition(&rt, dl_idx, 0);
        assert_eq!(p.faults, bitfield(faults));
        assert_eq!(p.faulty_power, power(faulty));
        assert_eq!(p.live_power, power(live));
        assert_eq!(h.get_deadline(&rt, dl_idx).faulty_power, power(faulty));
        p
    };
    partition(&[], 0, 3);
    let mut ledger = h.fee_ledger(&rt);
    assert_eq!(ledger.fee_debt, atto(0));
    let next = |h: &ActorHarness| h.deadline_at(&rt, dl_idx);

    // 1. DeclareFaults for sectors 1 and 2, well before the fault cutoff: their power goes.
    h.declare_faults(
        &rt,
        WORKER,
        vec![FaultDeclaration {
            deadline: dl_idx,
            partition: 0,
            sectors: bitfield(&[1, 2]),
        }],
        -power(2),
    )
    .unwrap();
    partition(&[1, 2], 2, 3);
    assert_eq!(h.fee_ledger(&rt), ledger);
    h.check_state(&rt);

    // 2. The next PoSt proves sector 3; the deadline's end charges the declared faults'
    // continued-fault fee and the daily fee of all three (faulty sectors still pay it).
    let dl = next(&h);
    h.walk_deadlines(&rt, dl.open, |_| CronConfig::default());
    h.post_partitions(&rt, &dl, &[0], PoStConfig::default());
    let ff_2 = h.continued_fault_fee(&power(2).qa);
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![
                FeeApplied::new(FeeType::ContinuedFault, ff_2.clone())
                    .deadline(dl_idx)
                    .sectors(2),
                daily_3.clone(),
            ],
            burnt: &ff_2 + &daily_fee,
            ..Default::default()
        },
    );
    let after = h.fee_ledger(&rt);
    assert_eq!(ledger.applied_until(&after), &ff_2 + &daily_fee);
    assert_eq!(after.fee_debt, atto(0));
    ledger = after;
    partition(&[1, 2], 2, 3);
    h.check_state(&rt);

    // 3. DeclareFaultsRecovered: no debt to repay, so nothing is burnt; power returns only
    // with a proof.
    h.declare_recoveries(
        &rt,
        CONTROL_1,
        vec![RecoveryDeclaration {
            deadline: dl_idx,
            partition: 0,
            sectors: bitfield(&[1, 2]),
        }],
        atto(0),
    )
    .unwrap();
    let p = partition(&[1, 2], 2, 3);
    assert_eq!(p.recoveries, bitfield(&[1, 2]));
    assert_eq!(p.recovering_power, power(2));
    h.check_state(&rt);

    // 4. A PoSt covering the recoveries is verified at once and restores their power; the
    // deadline's end charges only the daily fee.
    let dl = next(&h);
    h.walk_deadlines(&rt, dl.open, |_| CronConfig::default());
    h.post_partitions(
        &rt,
        &dl,
        &[0],
        PoStConfig {
            verify: Some((sectors.clone(), true)),
            power_delta: power(2),
        },
    );
    let p = partition(&[], 0, 3);
    assert!(p.recoveries.is_empty());
    assert_eq!(p.active_power(), power(3));
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily_3.clone()],
            burnt: daily_fee.clone(),
            ..Default::default()
        },
    );
    let after = h.fee_ledger(&rt);
    assert_eq!(ledger.applied_until(&after), daily_fee);
    ledger = after;
    h.check_state(&rt);

    // 5. No PoSt this period: the deadline's end detects all three faulty and takes their
    // power, charging no penalty for it (only the daily fee).
    let dl = next(&h);
    h.walk_deadlines(&rt, dl.open, |_| CronConfig::default());
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily_3.clone()],
            power_delta: -power(3),
            burnt: daily_fee.clone(),
            ..Default::default()
        },
    );
    assert_eq!(ledger.applied_until(&h.fee_ledger(&rt)), daily_fee);
    ledger = h.fee_ledger(&rt);
    partition(&[1, 2, 3], 3, 3);
    h.check_state(&rt);

    // 6. Still no PoSt: now they pay the continued-fault fee.
    let dl = next(&h);
    h.walk_deadlines(&rt, dl.open, |_| CronConfig::default());
    let ff_3 = h.continued_fault_fee(&power(3).qa);
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![
                FeeApplied::new(FeeType::ContinuedFault, ff_3.clone())
                    .deadline(dl_idx)
                    .sectors(3),
                daily_3.clone(),
            ],
            burnt: &ff_3 + &daily_fee,
            ..Default::default()
        },
    );
    assert_eq!(ledger.applied_until(&h.fee_ledger(&rt)), &ff_3 + &daily_fee);
    ledger = h.fee_ledger(&rt);
    partition(&[1, 2, 3], 3, 3);
    h.check_state(&rt);

    // 7. TerminateSectors 1 and 2 (their deadline is mutable again): faulty, so no power
    // changes; their termination fee is charged (one `termination` event for the batch, one
    // `sector-terminated` per sector) and their pledge released.
    let now = rt.epoch.get();
    let fee = h.termination_fee(&sectors[0], now) + h.termination_fee(&sectors[1], now);
    let ret = h
        .terminate_sectors(
            &rt,
            vec![TerminationDeclaration {
                deadline: dl_idx,
                partition: 0,
                sectors: bitfield(&[1, 2]),
            }],
            Some(TerminationBatch {
                fee: fee.clone(),
                burnt: fee.clone(),
                pledge_delta: -&pledge_each * 2,
                sectors: vec![1, 2],
                deal_sectors: vec![],
                epoch: now,
                reschedule: false,
            }),
            PowerPair::zero(),
        )
        .unwrap();
    assert!(ret.done);
    assert_eq!(ledger.applied_until(&h.fee_ledger(&rt)), fee);
    let st = h.state(&rt);
    assert_eq!(st.fee_debt, atto(0));
    assert_eq!(st.initial_pledge, pledge_each.clone());
    assert!(st.early_terminations.is_empty());
    let p = partition(&[3], 1, 1);
    assert_eq!(p.terminated, bitfield(&[1, 2]));
    assert_eq!(p.live_sectors(), bitfield(&[3]));
    h.check_state(&rt);
    // 8. A partition with faults cannot be compacted.
    let compact_at = dl.close + rt.policy.wpost_dispute_window;
    h.walk_deadlines(&rt, compact_at, |_| CronConfig::default());
    let before = h.state(&rt);
    let res = h.compact_partitions(&rt, WORKER, dl_idx, bitfield(&[0]));
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "cannot remove partition 0: has faults",
        res,
    );
    assert_eq!(h.state(&rt), before);

    // 9. Sector 3 recovers: its proof is verified over the partition's sectors, each
    // terminated one replaced by the first provable sector (3). One sector pays the daily fee.
    h.declare_recoveries(
        &rt,
        OWNER,
        vec![RecoveryDeclaration {
            deadline: dl_idx,
            partition: 0,
            sectors: bitfield(&[3]),
        }],
        atto(0),
    )
    .unwrap();
    let dl = next(&h);
    h.walk_deadlines(&rt, dl.open, |_| CronConfig::default());
    h.post_partitions(
        &rt,
        &dl,
        &[0],
        PoStConfig {
            verify: Some((vec![sectors[2].clone(); 3], true)),
            power_delta: power(1),
        },
    );
    let daily_1 = h.daily_fee_event(&rt, dl_idx, &[3]);
    h.advance_deadline(
        &rt,
        CronConfig {
            burnt: daily_1.amount.clone(),
            fee_events: vec![daily_1.clone()],
            ..Default::default()
        },
    );
    assert_eq!(
        ledger.applied_until(&h.fee_ledger(&rt)),
        &fee + &daily_1.amount
    );
    ledger = h.fee_ledger(&rt);
    partition(&[], 0, 1);
    h.check_state(&rt);

    // 10. Once the dispute window after that proof has passed, CompactPartitions drops the
    // terminated sectors; sector 3 keeps its power and fee.
    let compact_at = dl.close + rt.policy.wpost_dispute_window;
    h.walk_deadlines(&rt, compact_at, |_| CronConfig::default());
    let live_before = h.get_deadline(&rt, dl_idx).live_power;
    h.compact_partitions(&rt, WORKER, dl_idx, bitfield(&[0]))
        .unwrap();
    let p = partition(&[], 0, 1);
    assert_eq!(p.sectors, bitfield(&[3]));
    assert!(p.terminated.is_empty());
    assert_eq!(p.active_power(), power(1));
    let deadline = h.get_deadline(&rt, dl_idx);
    assert_eq!((deadline.live_sectors, deadline.total_sectors), (1, 1));
    assert_eq!(deadline.live_power, live_before);
    assert_eq!(deadline.daily_fee, daily_1.amount);
    let st = h.state(&rt);
    assert!(st.get_sector(&rt.store, 1).unwrap().is_none());
    assert!(st.get_sector(&rt.store, 2).unwrap().is_none());
    assert_eq!(st.get_sector(&rt.store, 3).unwrap().unwrap(), sectors[2]);
    assert_eq!(st.initial_pledge, pledge_each);
    assert_eq!(h.fee_ledger(&rt), ledger);
    h.check_state(&rt);
}
