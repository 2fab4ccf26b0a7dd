//! TerminateSectors: power removed at once, the FIP-0098 fee charged and the pledge released
//! for the processed batch, the market told of sectors with deals, `fee-applied` and
//! `sector-terminated` emitted; and every rejection, each leaving the state unchanged.

mod harness;

use fil_actor_miner::{
    pledge_penalty_for_continued_fault, pledge_penalty_for_termination, PowerPair,
    SectorOnChainInfo, TerminationDeclaration,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::MockRuntime;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use harness::post::*;
use harness::*;

fn declaration(deadline: u64, sectors: &[u64]) -> TerminationDeclaration {
    TerminationDeclaration {
        deadline,
        partition: 0,
        sectors: bitfield(sectors),
    }
}

/// A miner without vesting funds, with 20 FIL spare, holding proven sectors 1-3 (sector 3
/// with deals) in a deadline ten deadlines ahead (so mutable); returns that deadline.
fn setup() -> (ActorHarness, MockRuntime, u64, Vec<SectorOnChainInfo>) {
    let h = ActorHarness::default();
    let rt = h.setup();
    h.release_creation_deposit(&rt);
    h.fund(&rt, TokenAmount::from_whole(20));
    let idx = (h.current_deadline(&rt).index + 10) % rt.policy.wpost_period_deadlines;
    let activation = rt.epoch.get() - 10 * EPOCHS_IN_DAY;
    let mut sectors: Vec<_> = (1..=3)
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
    sectors[2].deal_weight = BigInt::from(1000);
    h.put_sectors(&rt, idx, &sectors, true);
    (h, rt, idx, sectors)
}

/// The FIP-0098 fee of one of the harness's 1 FIL sectors of age `age`.
fn sector_fee(h: &ActorHarness, age: i64) -> TokenAmount {
    let ff =
        pledge_penalty_for_continued_fault(&h.reward_smoothed, &h.qa_power_smoothed, &power(1).qa);
    pledge_penalty_for_termination(&TokenAmount::from_whole(1), age, &ff)
}

#[test]
fn terminating_sectors_charges_the_fee_and_releases_pledge() {
    let (h, rt, idx, _) = setup();
    let epoch = rt.epoch.get();
    let fee = sector_fee(&h, 10 * EPOCHS_IN_DAY) * 2;
    // The fee floor of 105% of the fault fee binds for a 10-day-old sector.
    let ff =
        pledge_penalty_for_continued_fault(&h.reward_smoothed, &h.qa_power_smoothed, &power(1).qa);
    assert_eq!(fee, (ff * 105).div_floor(100) * 2);
    let balance = rt.balance.borrow().clone();
    let ret = h
        .terminate_sectors(
            &rt,
            vec![declaration(idx, &[1, 3])],
            Some(TerminationBatch {
                fee: fee.clone(),
                burnt: fee.clone(),
                pledge_delta: -TokenAmount::from_whole(2),
                sectors: vec![1, 3],
                deal_sectors: vec![3],
                epoch,
                reschedule: false,
            }),
            -power(2),
        )
        .unwrap();
    assert!(ret.done);
    let st = h.state(&rt);
    assert_eq!(st.initial_pledge, TokenAmount::from_whole(1));
    assert_eq!(st.fee_debt, TokenAmount::from_atto(0));
    assert!(st.early_terminations.is_empty());
    assert_eq!(*rt.balance.borrow(), balance - fee);
    let p = h.partition(&rt, idx, 0);
    assert_eq!(p.terminated, bitfield(&[1, 3]));
    assert_eq!(p.live_power, power(1));
    let deadline = h.get_deadline(&rt, idx);
    assert_eq!(
        (deadline.live_sectors, deadline.daily_fee),
        (1, TokenAmount::from_atto(100))
    );
    h.check_state(&rt);
}

#[test]
fn a_fee_beyond_the_funds_becomes_debt() {
    let (h, rt, idx, _) = setup();
    // Take away the spare funds: only the released pledge pays.
    let balance = rt.balance.borrow().clone();
    rt.set_balance(balance - TokenAmount::from_whole(20));
    let fee = sector_fee(&h, 10 * EPOCHS_IN_DAY);
    assert!(fee > TokenAmount::from_whole(1));
    h.terminate_sectors(
        &rt,
        vec![declaration(idx, &[2])],
        Some(TerminationBatch {
            fee: fee.clone(),
            burnt: TokenAmount::from_whole(1),
            pledge_delta: -TokenAmount::from_whole(1),
            sectors: vec![2],
            deal_sectors: vec![],
            epoch: rt.epoch.get(),
            reschedule: false,
        }),
        -power(1),
    )
    .unwrap();
    assert_eq!(h.state(&rt).fee_debt, fee - TokenAmount::from_whole(1));
    h.check_state(&rt);
}

#[test]
fn an_empty_termination_only_processes_the_queue() {
    let (h, rt, _, _) = setup();
    let before = h.state(&rt);
    let ret = h
        .terminate_sectors(&rt, vec![], None, PowerPair::zero())
        .unwrap();
    assert!(ret.done);
    assert_eq!(h.state(&rt), before);
    h.check_state(&rt);
}

#[test]
fn termination_rejections() {
    let (h, rt, idx, _) = setup();
    let before = h.state(&rt);

    // Not a controlling address.
    as_caller(&rt, OTHER);
    rt.expect_validate_caller_addr(h.controlling(&rt));
    let params = fil_actor_miner::TerminateSectorsParams {
        terminations: vec![declaration(idx, &[1])],
    };
    let res = call::<_, fil_actor_miner::TerminateSectorsReturn>(
        &rt,
        fil_actor_miner::Method::TerminateSectors,
        Some(&params),
    );
    expect_abort(ExitCode::USR_FORBIDDEN, "", finish(&rt, res));

    let fail = |decls: Vec<TerminationDeclaration>, fragment: &str| {
        let res = h.terminate_sectors(&rt, decls, None, PowerPair::zero());
        expect_abort(ExitCode::USR_ILLEGAL_ARGUMENT, fragment, res);
    };
    fail(vec![declaration(48, &[1])], "invalid deadline 48");
    // More partitions than one message may address.
    let many = (0..=rt.policy.addressed_partitions_max)
        .map(|p| TerminationDeclaration {
            deadline: idx,
            partition: p,
            sectors: bitfield(&[1]),
        })
        .collect();
    fail(many, "too many partitions");
    // The current and the next deadline are immutable.
    let current = h.current_deadline(&rt).index;
    fail(
        vec![declaration(current, &[1])],
        &format!("cannot terminate sectors in immutable deadline {}", current),
    );
    let next = (current + 1) % rt.policy.wpost_period_deadlines;
    fail(
        vec![declaration(next, &[1])],
        &format!("cannot terminate sectors in immutable deadline {}", next),
    );
    // A sector not in the partition.
    fail(
        vec![declaration(idx, &[9])],
        "can only terminate live sectors",
    );
    assert_eq!(h.state(&rt), before);

    // A sector already terminated.
    let fee = sector_fee(&h, 10 * EPOCHS_IN_DAY);
    h.terminate_sectors(
        &rt,
        vec![declaration(idx, &[2])],
        Some(TerminationBatch {
            fee: fee.clone(),
            burnt: fee,
            pledge_delta: -TokenAmount::from_whole(1),
            sectors: vec![2],
            deal_sectors: vec![],
            epoch: rt.epoch.get(),
            reschedule: false,
        }),
        -power(1),
    )
    .unwrap();
    let after = h.state(&rt);
    fail(
        vec![declaration(idx, &[2])],
        "can only terminate live sectors",
    );
    assert_eq!(h.state(&rt), after);
    h.check_state(&rt);
}
