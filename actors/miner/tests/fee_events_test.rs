//! The `fee-applied` event (draft FIP "Miner actor fee application events"): its nine test
//! cases under their names, plus `block-penalty` from ApplyRewards and the reserved
//! `sector-prove-deadline`. Each expected event is written out entry by entry
//! (`harness::lifecycle::fee_applied_event`) and its amount reconciled with the change in the
//! miner's fee accounting: debt grown plus what left the balance (burnt, or paid to a reporter
//! out of the penalty). The event reports accrual, so a fee only partly paid is reported whole.

mod harness;

use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::{
    consensus_fault_penalty, daily_proof_fee, daily_proof_fee_payable, expected_reward_for_power,
    max_prove_commit_duration, pledge_penalty_for_invalid_windowpost,
    reward_for_consensus_slash_report, reward_for_disputed_window_post, DeadlineInfo,
    SectorOnChainInfo, TerminationDeclaration, CRON_EVENT_PROVING_DEADLINE,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::MockRuntime;
use fil_actors_runtime::REWARD_ACTOR_ADDR;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::SectorSize;
use harness::lifecycle::*;
use harness::post::*;
use harness::*;

const DL: u64 = 5;

fn atto(n: i64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

/// Asserts `fee`'s event is exactly the entries written out by hand, and returns it.
fn checked(
    fee: FeeApplied,
    fee_type: &str,
    deadline: Option<u64>,
    sectors: Option<u64>,
    limit_applied: bool,
) -> FeeApplied {
    assert_eq!(
        fee.event().unwrap(),
        fee_applied_event(fee_type, &fee.amount, deadline, sectors, limit_applied)
    );
    fee
}

/// The FIP-0100 daily fee of one 32 GiB sector without deals.
fn sector_daily_fee(h: &ActorHarness) -> TokenAmount {
    daily_proof_fee(&h.circulating_supply, &power(1).qa)
}

/// Sectors 1..=n activated now, expiring in 300 days, 1 FIL pledge, the FIP-0100 daily fee.
fn sectors(h: &ActorHarness, rt: &MockRuntime, n: u64) -> Vec<SectorOnChainInfo> {
    (1..=n)
        .map(|i| {
            make_sector(
                i,
                rt.epoch.get(),
                rt.epoch.get() + 300 * EPOCHS_IN_DAY,
                TokenAmount::from_whole(1),
                sector_daily_fee(h),
            )
        })
        .collect()
}

/// A miner without vesting funds, with `spare` unlocked, holding two proven sectors in `DL`;
/// at `DL`'s opening.
fn miner(spare: TokenAmount) -> (ActorHarness, MockRuntime, Vec<SectorOnChainInfo>) {
    miner_holding(spare, 2, |_| {})
}

/// [`miner`] with `n` sectors, changed by `edit` before they are proven.
fn miner_holding(
    spare: TokenAmount,
    n: u64,
    edit: impl FnOnce(&mut [SectorOnChainInfo]),
) -> (ActorHarness, MockRuntime, Vec<SectorOnChainInfo>) {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, spare);
    let mut s = sectors(&h, &rt, n);
    edit(&mut s);
    h.put_sectors(&rt, DL, &s, true);
    rt.set_epoch(h.deadline_at(&rt, DL).open);
    (h, rt, s)
}

/// The daily fee of the two sectors at `DL`, checked against its entries.
fn daily_two(h: &ActorHarness) -> FeeApplied {
    checked(
        FeeApplied::new(FeeType::DailyProof, sector_daily_fee(h) * 2)
            .deadline(DL)
            .sectors(2),
        "daily-proof",
        Some(DL),
        Some(2),
        false,
    )
}

/// Runs the crons up to `DL`'s next opening (charging nothing), then `DL`'s cron after a PoSt
/// (or none) expecting `cfg`; returns the fees `DL`'s cron applied according to the fee
/// accounting.
fn close_deadline(h: &ActorHarness, rt: &MockRuntime, post: bool, cfg: CronConfig) -> TokenAmount {
    let dl = h.deadline_at(rt, DL);
    h.walk_deadlines(rt, dl.open, |_| CronConfig::default());
    if post {
        h.post_partitions(rt, &dl, &[0], PoStConfig::default());
    }
    let before = h.fee_ledger(rt);
    h.advance_deadline(rt, cfg);
    before.applied_until(&h.fee_ledger(rt))
}

#[test]
fn daily_proof_fee_test() {
    let (h, rt, _) = miner(TokenAmount::from_whole(1));
    // FIP-0100: 5.56e-15 of the circulating supply per 32 GiB of QA power, per day (161,817
    // per 10^30 per byte): 1e27 * 161,817 * 2^35 / 10^30 atto for the harness's 1e9 FIL.
    let fee = sector_daily_fee(&h);
    assert_eq!(fee, atto(5_559_989_783_494));
    let daily = daily_two(&h);
    assert_eq!(daily.amount, &fee * 2);
    let applied = close_deadline(
        &h,
        &rt,
        true,
        CronConfig {
            burnt: daily.amount.clone(),
            fee_events: vec![daily.clone()],
            ..Default::default()
        },
    );
    assert_eq!(applied, daily.amount);
    assert_eq!(h.state(&rt).fee_debt, atto(0));

    // Accrual, not payment: with only a third of it available, the whole fee is reported, a
    // third burnt and the rest left as debt.
    let third = daily.amount.div_floor(3);
    rt.set_balance(h.state(&rt).initial_pledge + &third);
    let applied = close_deadline(
        &h,
        &rt,
        true,
        CronConfig {
            burnt: third.clone(),
            fee_events: vec![daily.clone()],
            ..Default::default()
        },
    );
    assert_eq!(applied, daily.amount);
    assert_eq!(h.state(&rt).fee_debt, &daily.amount - &third);
    h.check_state(&rt);
}

#[test]
fn daily_proof_sectors_count_only_sectors_charged() {
    // Three sectors in the deadline; sector 2 was onboarded before FIP-0100 and never extended,
    // so it carries no daily fee: the event counts the two that pay.
    let (h, rt, _) = miner_holding(TokenAmount::from_whole(1), 3, |s| s[1].daily_fee = atto(0));
    let amount = sector_daily_fee(&h) * 2;
    let fee = checked(
        FeeApplied::new(FeeType::DailyProof, amount.clone())
            .deadline(DL)
            .sectors(2),
        "daily-proof",
        Some(DL),
        Some(2),
        false,
    );
    let applied = close_deadline(
        &h,
        &rt,
        true,
        CronConfig {
            burnt: amount.clone(),
            fee_events: vec![fee],
            ..Default::default()
        },
    );
    assert_eq!(applied, amount);
    h.check_state(&rt);
}

#[test]
fn continued_fault_penalty_test() {
    let (h, rt, _) = miner(TokenAmount::from_whole(10));
    let daily = daily_two(&h);
    // The missed PoSt detects the faults: no penalty yet.
    close_deadline(
        &h,
        &rt,
        false,
        CronConfig {
            power_delta: -power(2),
            burnt: daily.amount.clone(),
            fee_events: vec![daily.clone()],
            ..Default::default()
        },
    );
    // A period later they are still faulty: 3.51 days (10,108 epochs) of the expected reward
    // of their power, 2^36 of the network's 2^50 bytes at 1e19 atto per epoch.
    let ff = h.continued_fault_fee(&power(2).qa);
    assert_eq!(
        ff,
        TokenAmount::from_atto(BigInt::from(10u64.pow(19)) * 10108 / 16384)
    );
    let fault = checked(
        FeeApplied::new(FeeType::ContinuedFault, ff.clone())
            .deadline(DL)
            .sectors(2),
        "continued-fault",
        Some(DL),
        Some(2),
        false,
    );
    let applied = close_deadline(
        &h,
        &rt,
        false,
        CronConfig {
            burnt: &ff + &daily.amount,
            fee_events: vec![fault, daily.clone()],
            ..Default::default()
        },
    );
    assert_eq!(applied, &ff + &daily.amount);
    assert_eq!(h.state(&rt).fee_debt, atto(0));
    h.check_state(&rt);
}

#[test]
fn fee_cap_test() {
    let big_fee = TokenAmount::from_whole(1000);
    let (h, rt, _) = miner_holding(TokenAmount::from_whole(1), 1, |s| {
        s[0].daily_fee = big_fee.clone()
    });
    // Half the expected day reward of one sector: 2^35 of 2^50 bytes at 1e19 atto per epoch
    // for 2,880 epochs, halved.
    let day_reward = expected_reward_for_power(
        &h.reward_smoothed,
        &h.qa_power_smoothed,
        &power(1).qa,
        EPOCHS_IN_DAY,
    );
    let cap = daily_proof_fee_payable(&big_fee, &day_reward);
    assert_eq!(cap, atto(439_453_125_000_000_000));
    let fee = checked(
        FeeApplied::new(FeeType::DailyProof, cap.clone())
            .deadline(DL)
            .sectors(1)
            .limit_applied(true),
        "daily-proof",
        Some(DL),
        Some(1),
        true,
    );
    let applied = close_deadline(
        &h,
        &rt,
        true,
        CronConfig {
            burnt: cap.clone(),
            fee_events: vec![fee],
            ..Default::default()
        },
    );
    assert_eq!(applied, cap);
    h.check_state(&rt);
}

#[test]
fn consensus_fault_test() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, TokenAmount::from_whole(20));
    // Five times a fifth of this epoch's 10 FIL reward estimate.
    let penalty = consensus_fault_penalty(h.this_epoch_reward());
    assert_eq!(penalty, TokenAmount::from_whole(10));
    let reward = reward_for_consensus_slash_report(&h.this_epoch_reward());
    let fee = checked(
        FeeApplied::new(FeeType::ConsensusFault, penalty.clone()),
        "consensus-fault",
        None,
        None,
        false,
    );
    let before = h.fee_ledger(&rt);
    h.report_consensus_fault(
        &rt,
        MINER,
        rt.epoch.get() - 1,
        fee.amount.clone(),
        reward.clone(),
        &penalty - &reward,
        atto(0),
    )
    .unwrap();
    // The reporter's reward is paid out of the penalty; the rest is burnt.
    assert_eq!(before.applied_until(&h.fee_ledger(&rt)), penalty);
    h.check_state(&rt);
}

#[test]
fn termination_fee_test() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, TokenAmount::from_whole(20));
    let mut s = sectors(&h, &rt, 3);
    for sector in &mut s {
        sector.initial_pledge = TokenAmount::from_whole(100);
    }
    rt.set_epoch(rt.epoch.get() + 150 * EPOCHS_IN_DAY);
    let idx = (h.current_deadline(&rt).index + 10) % rt.policy.wpost_period_deadlines;
    h.put_sectors(&rt, idx, &s, true);
    // FIP-0098 for a sector older than 140 days: 8.5% of its pledge, above both floors.
    let fee = h.termination_fee(&s[0], rt.epoch.get());
    assert_eq!(fee, TokenAmount::from_nano(8_500_000_000u64));
    let total = &fee * 2;
    let expected = checked(
        FeeApplied::new(FeeType::Termination, total.clone()).sectors(2),
        "termination",
        None,
        Some(2),
        false,
    );
    let before = h.fee_ledger(&rt);
    h.terminate_sectors(
        &rt,
        vec![TerminationDeclaration {
            deadline: idx,
            partition: 0,
            sectors: bitfield(&[1, 3]),
        }],
        Some(TerminationBatch {
            fee: expected.amount.clone(),
            burnt: total.clone(),
            pledge_delta: -TokenAmount::from_whole(200),
            sectors: vec![1, 3],
            deal_sectors: vec![],
            epoch: rt.epoch.get(),
            reschedule: false,
        }),
        -power(2),
    )
    .unwrap();
    assert_eq!(before.applied_until(&h.fee_ledger(&rt)), total);
    h.check_state(&rt);
}

#[test]
fn expired_precommit_test() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, TokenAmount::from_whole(1000));
    let expiration = h.min_expiration(&rt, 0);
    let precommitted_at = rt.epoch.get();
    h.precommit_sectors(
        &rt,
        vec![
            h.precommit_info(&rt, 1, expiration),
            h.precommit_info(&rt, 2, expiration),
        ],
    );
    let deposits = h.precommit_deposit() * 2;
    assert_eq!(h.state(&rt).pre_commit_deposits, deposits);
    // Never proven: cleaned up by the deadline cron once the longest proving time and the
    // clean-up delay have passed.
    let cleanup = precommitted_at
        + max_prove_commit_duration(&rt.policy, harness::commit::SEAL_PROOF).unwrap()
        + rt.policy.expired_pre_commit_clean_up_delay;
    rt.set_epoch(cleanup);
    rt.set_epoch(h.current_deadline(&rt).last() + rt.policy.wpost_challenge_window);
    let fee = checked(
        FeeApplied::new(FeeType::PrecommitExpired, deposits.clone()).sectors(2),
        "precommit-expired",
        None,
        Some(2),
        false,
    );
    let before = h.fee_ledger(&rt);
    h.on_deadline_cron(
        &rt,
        CronConfig {
            burnt: deposits.clone(),
            fee_events: vec![fee],
            // Nothing is held any more: the cron stops.
            continue_cron: false,
            ..Default::default()
        },
    );
    assert_eq!(before.applied_until(&h.fee_ledger(&rt)), deposits);
    let st = h.state(&rt);
    assert_eq!(st.pre_commit_deposits, atto(0));
    assert!(st.get_precommitted_sector(&rt.store, 1).unwrap().is_none());
    h.check_state(&rt);
}

/// Two proven sectors of `DL` with an accepted PoSt whose deadline has closed; returns it.
fn posted_and_closed() -> (
    ActorHarness,
    MockRuntime,
    DeadlineInfo,
    Vec<SectorOnChainInfo>,
) {
    let (h, rt, s) = miner(TokenAmount::from_whole(100));
    let dl = h.deadline_at(&rt, DL);
    let daily = daily_two(&h);
    close_deadline(
        &h,
        &rt,
        true,
        CronConfig {
            burnt: daily.amount.clone(),
            fee_events: vec![daily],
            ..Default::default()
        },
    );
    (h, rt, dl, s)
}

#[test]
fn window_post_dispute_test() {
    let (h, rt, dl, s) = posted_and_closed();
    let reward = reward_for_disputed_window_post();
    // 5.51 days of the sectors' expected reward plus 20 FIL, and the disputer's 4 FIL.
    let penalty = pledge_penalty_for_invalid_windowpost(
        &h.reward_smoothed,
        &h.qa_power_smoothed,
        &power(2).qa,
    ) + &reward;
    assert_eq!(
        penalty,
        TokenAmount::from_atto(BigInt::from(10u64.pow(19)) * 15868 / 16384)
            + TokenAmount::from_whole(24)
    );
    let fee = checked(
        FeeApplied::new(FeeType::WindowPostDispute, penalty.clone())
            .deadline(DL)
            .sectors(2),
        "window-post-dispute",
        Some(DL),
        Some(2),
        false,
    );
    let before = h.fee_ledger(&rt);
    h.dispute_window_post(
        &rt,
        &dl,
        0,
        &s,
        false,
        DisputeConfig {
            fee: Some(fee),
            power_delta: -power(2),
            reward: reward.clone(),
            burnt: &penalty - &reward,
            pledge_delta: atto(0),
        },
    )
    .unwrap();
    assert_eq!(before.applied_until(&h.fee_ledger(&rt)), penalty);
    h.check_state(&rt);
}

#[test]
fn invalid_window_post_test() {
    // `window-post-invalid` is reserved: the protocol charges nothing for an invalid PoSt.
    assert_eq!(FeeType::WindowPostInvalid.as_str(), "window-post-invalid");
    let (h, rt, s) = miner(TokenAmount::from_whole(10));
    // Sectors faulty and declared recovering, so the next PoSt is verified at once.
    let daily = daily_two(&h);
    close_deadline(
        &h,
        &rt,
        false,
        CronConfig {
            power_delta: -power(2),
            burnt: daily.amount.clone(),
            fee_events: vec![daily],
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
    let before_state = h.state(&rt);
    let before = h.fee_ledger(&rt);
    // The mock fails on any event not expected: none is.
    let res = h.submit_window_post(
        &rt,
        &h.post_params(
            &dl,
            vec![fil_actor_miner::PoStPartition {
                index: 0,
                skipped: bitfield(&[]),
            }],
        ),
        PoStConfig {
            verify: Some((s, false)),
            ..Default::default()
        },
    );
    expect_abort(
        ExitCode::USR_ILLEGAL_ARGUMENT,
        "invalid post was submitted",
        res,
    );
    assert_eq!(h.fee_ledger(&rt), before);
    assert_eq!(h.state(&rt), before_state);
    h.check_state(&rt);
}

#[test]
fn missed_post_sector_prove_deadline_charges_nothing() {
    // `sector-prove-deadline` is reserved: sectors a missed PoSt detects faulty lose their
    // power but pay no penalty at that deadline; only the daily fee is applied.
    assert_eq!(
        FeeType::SectorProveDeadline.as_str(),
        "sector-prove-deadline"
    );
    let (h, rt, _) = miner(TokenAmount::from_whole(10));
    let daily = daily_two(&h);
    let applied = close_deadline(
        &h,
        &rt,
        false,
        CronConfig {
            power_delta: -power(2),
            burnt: daily.amount.clone(),
            fee_events: vec![daily.clone()],
            ..Default::default()
        },
    );
    assert_eq!(applied, daily.amount);
    assert_eq!(h.partition(&rt, DL, 0).faults, bitfield(&[1, 2]));
    h.check_state(&rt);
}

#[test]
fn implicit_message_capture_test() {
    // At the mock level: the cron is OnDeferredCronEvent called by the power actor (an implicit
    // message from cron), and every fee it applies is emitted from it, in the order applied:
    // the expired pre-commit, the continued fault, the daily fee. (The test VM's receipts of
    // implicit messages are tested with the VM.)
    let (h, rt, _) = miner(TokenAmount::from_whole(10));
    let daily = daily_two(&h);
    close_deadline(
        &h,
        &rt,
        false,
        CronConfig {
            power_delta: -power(2),
            burnt: daily.amount.clone(),
            fee_events: vec![daily.clone()],
            ..Default::default()
        },
    );
    let next = h.deadline_at(&rt, DL);
    let deposit = atto(7_000);
    h.put_precommit(&rt, 9, deposit.clone(), next.open);
    rt.set_epoch(next.last());
    let ff = h.continued_fault_fee(&power(2).qa);
    let fees = vec![
        checked(
            FeeApplied::new(FeeType::PrecommitExpired, deposit.clone()).sectors(1),
            "precommit-expired",
            None,
            Some(1),
            false,
        ),
        checked(
            FeeApplied::new(FeeType::ContinuedFault, ff.clone())
                .deadline(DL)
                .sectors(2),
            "continued-fault",
            Some(DL),
            Some(2),
            false,
        ),
        daily.clone(),
    ];
    let before = h.fee_ledger(&rt);
    let total = &deposit + &ff + &daily.amount;
    h.cron_event(&rt, CRON_EVENT_PROVING_DEADLINE, |rt| {
        for fee in &fees {
            rt.expect_emitted_event(fee_applied_event(
                fee.fee_type.as_str(),
                &fee.amount,
                fee.deadline,
                fee.sectors,
                fee.limit_applied,
            ));
        }
        expect_burn(rt, &total);
        let next = h.state(rt).deadline_info(&rt.policy, rt.epoch.get() + 1);
        expect_enroll(rt, next.last(), CRON_EVENT_PROVING_DEADLINE);
    })
    .unwrap();
    assert_eq!(before.applied_until(&h.fee_ledger(&rt)), total);
    h.check_state(&rt);
}

#[test]
fn block_penalty_from_apply_rewards() {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, atto(1_000));
    let fee = checked(
        FeeApplied::new(FeeType::BlockPenalty, atto(400)),
        "block-penalty",
        None,
        None,
        false,
    );
    // The reward of 100 arrives with the message: 75 is locked for vesting, then the penalty
    // of 400 takes those 75 first and 325 of the unlocked balance.
    let mut before = h.fee_ledger(&rt);
    before.balance += atto(100);
    h.apply_rewards(
        &rt,
        REWARD_ACTOR_ADDR,
        atto(100),
        fee.amount.clone(),
        atto(0),
        atto(400),
    )
    .unwrap();
    assert_eq!(before.applied_until(&h.fee_ledger(&rt)), fee.amount);
    assert_eq!(h.state(&rt).locked_funds, atto(0));
    h.check_state(&rt);
}
