//! The deadline cron (OnDeferredCronEvent): missed PoSts, the FIP-0100 daily fee and its cap,
//! the continued-fault fee, expired pre-commitments, on-time and fault-driven expirations,
//! vesting, re-enrolment and the cron switching itself off, with each fee's `fee-applied`.

mod harness;

use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::{
    daily_proof_fee_payable, expected_reward_for_power, pledge_penalty_for_continued_fault,
    pledge_penalty_for_termination, PoStPartition, SectorOnChainInfo,
    CRON_EVENT_PROCESS_EARLY_TERMINATIONS, CRON_EVENT_PROVING_DEADLINE,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::STORAGE_POWER_ACTOR_ADDR;
use fvm_ipld_bitfield::BitField;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::post::*;
use harness::*;

const DL: u64 = 5;
const FEE: i64 = 1_000;

fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

/// Two sectors activated at `activation` with a daily fee of `FEE` each, expiring long after.
fn sectors(activation: ChainEpoch) -> Vec<SectorOnChainInfo> {
    (1..=2)
        .map(|n| {
            make_sector(
                n,
                activation,
                activation + 300 * EPOCHS_IN_DAY,
                TokenAmount::from_whole(1),
                atto(FEE),
            )
        })
        .collect()
}

/// A miner without vesting funds holding two proven sectors in `DL`, at `DL`'s open.
fn miner_with_sectors() -> (ActorHarness, fil_actors_runtime::test_utils::MockRuntime) {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    let s = sectors(rt.epoch.get());
    h.put_sectors(&rt, DL, &s, true);
    let dl = h.deadline_at(&rt, DL);
    rt.set_epoch(dl.open);
    (h, rt)
}

fn daily(deadline: u64, sectors: u64, amount: TokenAmount, capped: bool) -> FeeApplied {
    FeeApplied::new(FeeType::DailyProof, amount)
        .deadline(deadline)
        .sectors(sectors)
        .limit_applied(capped)
}

#[test]
fn proven_deadline_pays_the_daily_fee() {
    let (h, rt) = miner_with_sectors();
    h.fund(&rt, atto(10_000));
    let dl = h.current_deadline(&rt);
    rt.set_epoch(dl.open + 1);
    let partitions = vec![PoStPartition {
        index: 0,
        skipped: BitField::new(),
    }];
    h.submit_window_post(&rt, &h.post_params(&dl, partitions), PoStConfig::default())
        .unwrap();

    let balance = rt.balance.borrow().clone();
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily(DL, 2, atto(2 * FEE), false)],
            burnt: atto(2 * FEE),
            ..Default::default()
        },
    );
    let st = h.state(&rt);
    assert_eq!(st.fee_debt, atto(0));
    assert_eq!(*rt.balance.borrow(), balance - atto(2 * FEE));
    assert_eq!(st.current_deadline, DL + 1);
    // The proof was snapshotted for disputes and the window's records reset.
    let deadline = h.get_deadline(&rt, DL);
    assert!(deadline.partitions_posted.is_empty());
    assert_ne!(
        deadline.optimistic_post_submissions_snapshot,
        deadline.optimistic_post_submissions
    );
    assert!(h.partition(&rt, DL, 0).faults.is_empty());
    h.check_state(&rt);
}

#[test]
fn daily_fee_is_capped_at_half_the_expected_day_reward() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    let big_fee = TokenAmount::from_whole(1000);
    let s = vec![make_sector(
        1,
        rt.epoch.get(),
        rt.epoch.get() + 300 * EPOCHS_IN_DAY,
        TokenAmount::from_whole(1),
        big_fee.clone(),
    )];
    h.put_sectors(&rt, DL, &s, false);
    h.fund(&rt, TokenAmount::from_whole(1));
    let dl = h.deadline_at(&rt, DL);
    rt.set_epoch(dl.open);

    let day_reward = expected_reward_for_power(
        &h.reward_smoothed,
        &h.qa_power_smoothed,
        &power(1).qa,
        EPOCHS_IN_DAY,
    );
    // 1e19 atto per epoch shared by 2^50 bytes: 2^35 bytes earn 1e19 / 2^15 per epoch, so
    // 2880 epochs earn 878,906,250,000,000,000 and the cap is half of that.
    assert_eq!(day_reward, atto(878_906_250_000_000_000));
    let cap = daily_proof_fee_payable(&big_fee, &day_reward);
    assert_eq!(cap, atto(439_453_125_000_000_000));
    // The unproven sector misses its first PoSt: faulty, but no active power was lost.
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily(DL, 1, cap.clone(), true)],
            burnt: cap,
            ..Default::default()
        },
    );
    assert_eq!(h.partition(&rt, DL, 0).faults, bitfield(&[1]));
    h.check_state(&rt);
}

#[test]
fn missed_post_detects_faults_and_they_pay_the_continued_fault_fee_next_time() {
    let (h, rt) = miner_with_sectors();
    h.fund(&rt, TokenAmount::from_whole(10));
    // No PoSt: both sectors become faulty and lose their power, without a penalty yet.
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily(DL, 2, atto(2 * FEE), false)],
            power_delta: -power(2),
            burnt: atto(2 * FEE),
            ..Default::default()
        },
    );
    let p = h.partition(&rt, DL, 0);
    assert_eq!(p.faults, bitfield(&[1, 2]));
    assert_eq!(p.faulty_power, power(2));

    // One period later they are still faulty: FF for their power, with the daily fee.
    let next = h.deadline_at(&rt, DL);
    rt.set_epoch(next.last());
    let ff =
        pledge_penalty_for_continued_fault(&h.reward_smoothed, &h.qa_power_smoothed, &power(2).qa);
    assert!(ff.is_positive());
    h.on_deadline_cron(
        &rt,
        CronConfig {
            fee_events: vec![
                FeeApplied::new(FeeType::ContinuedFault, ff.clone())
                    .deadline(DL)
                    .sectors(2),
                daily(DL, 2, atto(2 * FEE), false),
            ],
            burnt: ff + atto(2 * FEE),
            ..Default::default()
        },
    );
    assert_eq!(h.state(&rt).fee_debt, atto(0));
    h.check_state(&rt);
}

#[test]
fn unpaid_fees_stay_as_debt() {
    let (h, rt) = miner_with_sectors();
    // Only 500 of the 2,000 atto fee is available.
    h.fund(&rt, atto(500));
    h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily(DL, 2, atto(2 * FEE), false)],
            power_delta: -power(2),
            burnt: atto(500),
            ..Default::default()
        },
    );
    assert_eq!(h.state(&rt).fee_debt, atto(1500));
    h.check_state(&rt);
}

#[test]
fn expired_precommit_forfeits_its_deposit() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    let deposit = atto(7_000);
    let cleanup = rt.epoch.get() + 10;
    h.put_precommit(&rt, 9, deposit.clone(), cleanup);
    // The clean-up runs with the cron of the deadline holding its (quantized) epoch.
    rt.set_epoch(cleanup);
    rt.set_epoch(h.current_deadline(&rt).last() + rt.policy.wpost_challenge_window);
    h.on_deadline_cron(
        &rt,
        CronConfig {
            fee_events: vec![FeeApplied::new(FeeType::PrecommitExpired, deposit.clone()).sectors(1)],
            burnt: deposit,
            // Nothing is held any more: the cron stops.
            continue_cron: false,
            ..Default::default()
        },
    );
    let st = h.state(&rt);
    assert_eq!(st.pre_commit_deposits, atto(0));
    assert_eq!(st.get_precommitted_sector(&rt.store, 9).unwrap(), None);
    assert!(!st.deadline_cron_active);
    h.check_state(&rt);
}

#[test]
fn on_time_expiration_releases_pledge_and_power() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    let dl = h.deadline_at(&rt, DL);
    let s: Vec<_> = (1..=2)
        .map(|n| {
            make_sector(
                n,
                rt.epoch.get(),
                dl.last(),
                TokenAmount::from_whole(1),
                atto(FEE),
            )
        })
        .collect();
    h.put_sectors(&rt, DL, &s, true);
    rt.set_epoch(dl.open + 1);
    let partitions = vec![PoStPartition {
        index: 0,
        skipped: BitField::new(),
    }];
    h.submit_window_post(&rt, &h.post_params(&dl, partitions), PoStConfig::default())
        .unwrap();
    // Expired sectors pay no daily fee; with no pledge left, the cron stops.
    h.advance_deadline(
        &rt,
        CronConfig {
            power_delta: -power(2),
            pledge_delta: -TokenAmount::from_whole(2),
            continue_cron: false,
            ..Default::default()
        },
    );
    let st = h.state(&rt);
    assert_eq!(st.initial_pledge, atto(0));
    assert_eq!(h.partition(&rt, DL, 0).terminated, bitfield(&[1, 2]));
    let deadline = h.get_deadline(&rt, DL);
    assert_eq!((deadline.live_sectors, deadline.daily_fee), (0, atto(0)));
    h.check_state(&rt);
}

#[test]
fn faults_lasting_too_long_terminate_early_in_cron() {
    let (h, rt) = miner_with_sectors();
    let activation = rt.epoch.get();
    h.fund(&rt, TokenAmount::from_whole(20));
    let first = h.advance_deadline(
        &rt,
        CronConfig {
            fee_events: vec![daily(DL, 2, atto(2 * FEE), false)],
            power_delta: -power(2),
            burnt: atto(2 * FEE),
            ..Default::default()
        },
    );
    // The sectors were rescheduled to expire fault_max_age after that deadline.
    let fault_expiry = first.open - 1 + rt.policy.fault_max_age;
    rt.set_epoch(fault_expiry);
    assert_eq!(h.current_deadline(&rt).index, DL);

    let ff =
        pledge_penalty_for_continued_fault(&h.reward_smoothed, &h.qa_power_smoothed, &power(2).qa);
    let sector_ff =
        pledge_penalty_for_continued_fault(&h.reward_smoothed, &h.qa_power_smoothed, &power(1).qa);
    let term_fee = pledge_penalty_for_termination(
        &TokenAmount::from_whole(1),
        fault_expiry - activation,
        &sector_ff,
    ) * 2;
    h.on_deadline_cron(
        &rt,
        CronConfig {
            fee_events: vec![FeeApplied::new(FeeType::ContinuedFault, ff.clone())
                .deadline(DL)
                .sectors(2)],
            burnt: ff,
            // The early expiries keep their pledge to pay the termination fee, so the cron
            // is re-enrolled before the terminations are processed (as v18 does); the next
            // deadline's cron finds nothing held and stops.
            terminations: Some(TerminationBatch {
                fee: term_fee.clone(),
                burnt: term_fee.clone(),
                pledge_delta: -TokenAmount::from_whole(2),
                sectors: vec![1, 2],
                deal_sectors: vec![],
                epoch: fault_expiry,
                reschedule: false,
            }),
            ..Default::default()
        },
    );
    let st = h.state(&rt);
    assert_eq!(st.initial_pledge, atto(0));
    assert!(st.early_terminations.is_empty());
    assert_eq!(h.partition(&rt, DL, 0).terminated, bitfield(&[1, 2]));
    h.check_state(&rt);
    rt.set_epoch(h.current_deadline(&rt).next_open());
    rt.set_epoch(h.current_deadline(&rt).last());
    h.on_deadline_cron(
        &rt,
        CronConfig {
            continue_cron: false,
            ..Default::default()
        },
    );
    assert!(!h.state(&rt).deadline_cron_active);
    h.check_state(&rt);
}

#[test]
fn creation_deposit_vests_and_the_idle_cron_stops() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let deposit = h.state(&rt).locked_funds;
    assert!(deposit.is_positive());
    // A young miner with only locked funds keeps its cron going.
    rt.set_epoch(h.current_deadline(&rt).last());
    h.on_deadline_cron(&rt, CronConfig::default());
    assert_eq!(h.state(&rt).locked_funds, deposit);
    // 181 days later everything has vested: released, and the cron stops.
    rt.set_epoch(rt.epoch.get() + 181 * EPOCHS_IN_DAY);
    h.on_deadline_cron(
        &rt,
        CronConfig {
            pledge_delta: -deposit,
            continue_cron: false,
            ..Default::default()
        },
    );
    let st = h.state(&rt);
    assert_eq!(st.locked_funds, atto(0));
    assert!(!st.deadline_cron_active);
    h.check_state(&rt);
}

#[test]
fn cron_applies_a_due_worker_change() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let new_worker = fvm_shared::address::Address::new_id(110);
    h.change_worker_address(
        &rt,
        OWNER,
        fil_actor_miner::ChangeWorkerAddressParams {
            new_worker,
            new_control_addresses: vec![],
        },
    )
    .unwrap();
    let effective = h.info(&rt).pending_worker_key.unwrap().effective_at;
    // Not yet due.
    rt.set_epoch(effective - 1);
    h.on_deadline_cron(&rt, CronConfig::default());
    assert_eq!(h.info(&rt).worker, WORKER);
    rt.set_epoch(effective);
    h.on_deadline_cron(&rt, CronConfig::default());
    let info = h.info(&rt);
    assert_eq!((info.worker, info.pending_worker_key), (new_worker, None));
    h.check_state(&rt);
}

#[test]
fn early_termination_callback_processes_the_queue() {
    let (h, rt) = miner_with_sectors();
    h.fund(&rt, TokenAmount::from_whole(10));
    let epoch = rt.epoch.get();
    // Queue sector 1 as terminated now, as a TerminateSectors over the limits would leave it.
    h.edit_deadline(&rt, DL, |deadline, st| {
        let sectors = fil_actor_miner::Sectors::load(&rt.store, &st.sectors).unwrap();
        let mut map = fil_actor_miner::PartitionSectorMap::default();
        map.add(0, bitfield(&[1]));
        deadline
            .terminate_sectors(
                &rt.store,
                &sectors,
                epoch,
                &mut map,
                fvm_shared::sector::SectorSize::_32GiB,
                st.quant_spec_for_deadline(&rt.policy, DL),
            )
            .unwrap();
    });
    let mut st = h.state(&rt);
    st.early_terminations.set(DL);
    rt.replace_state(&st);

    let sector_ff =
        pledge_penalty_for_continued_fault(&h.reward_smoothed, &h.qa_power_smoothed, &power(1).qa);
    let fee = pledge_penalty_for_termination(&TokenAmount::from_whole(1), 0, &sector_ff);
    h.cron_event(&rt, CRON_EVENT_PROCESS_EARLY_TERMINATIONS, |rt| {
        expect_termination_batch(
            rt,
            &TerminationBatch {
                fee: fee.clone(),
                burnt: fee.clone(),
                pledge_delta: -TokenAmount::from_whole(1),
                sectors: vec![1],
                deal_sectors: vec![],
                epoch,
                reschedule: false,
            },
        )
    })
    .unwrap();
    assert!(h.state(&rt).early_terminations.is_empty());
    assert_eq!(h.state(&rt).initial_pledge, TokenAmount::from_whole(1));
    // With nothing queued, the callback does nothing.
    h.cron_event(&rt, CRON_EVENT_PROCESS_EARLY_TERMINATIONS, |_| {})
        .unwrap();
    h.check_state(&rt);
}

#[test]
fn cron_rejections() {
    let h = ActorHarness::default();
    let rt = h.setup();
    let before = h.state(&rt);
    // Only the power actor calls.
    as_caller(&rt, OWNER);
    rt.expect_validate_caller_addr(vec![STORAGE_POWER_ACTOR_ADDR]);
    let params = fil_actor_miner::DeferredCronEventParams {
        event_payload: fvm_ipld_encoding::to_vec(&fil_actor_miner::CronEventPayload {
            event_type: CRON_EVENT_PROVING_DEADLINE,
        })
        .unwrap(),
        reward_smoothed: h.reward_smoothed.clone(),
        quality_adj_power_smoothed: h.qa_power_smoothed.clone(),
    };
    let res = call::<_, ()>(
        &rt,
        fil_actor_miner::Method::OnDeferredCronEvent,
        Some(&params),
    );
    expect_abort(ExitCode::USR_FORBIDDEN, "", finish(&rt, res));

    // A payload that is not a cron event payload.
    rt.set_caller(
        fil_actors_runtime::test_utils::builtin_code_cid(fil_actors_runtime::Type::Power),
        STORAGE_POWER_ACTOR_ADDR,
    );
    rt.expect_validate_caller_addr(vec![STORAGE_POWER_ACTOR_ADDR]);
    let bad = fil_actor_miner::DeferredCronEventParams {
        event_payload: vec![0xff],
        ..params
    };
    let res = call::<_, ()>(
        &rt,
        fil_actor_miner::Method::OnDeferredCronEvent,
        Some(&bad),
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_STATE,
        "failed to unmarshal miner cron payload",
        finish(&rt, res),
    );
    assert_eq!(h.state(&rt), before);

    // An unknown event type does nothing.
    h.cron_event(&rt, 7, |_| {}).unwrap();
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}
