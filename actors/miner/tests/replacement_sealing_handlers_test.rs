//! FIP-0067's replacement-sealing counters through the handlers
//! (`shared/spec/replacement-sealing.md`), the start epoch set on the runtime's policy as a
//! network upgrade would (short grace period and target): the deadline cron at or after the
//! start counts them from the miner's sectors (the census), TerminateSectors begins the census
//! without counting, TerminateSectors and fault-driven
//! terminations in cron count old sectors, ExtendSectorExpiration2 refuses sectors activated
//! before the start once it has passed, the exported GetReplacementSealingStatus reports them,
//! and a dormant policy leaves them null throughout.

mod harness;

use fil_actor_miner::{
    ExpirationExtension2, ExtendSectorExpiration2Params, Method, OldSectorCounters, OldSectors,
    PowerPair, ReplacementSealingStatus, TerminationDeclaration,
    GET_REPLACEMENT_SEALING_STATUS_METHOD,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::test_utils::expect_abort;
use fil_actors_runtime::test_utils::MockRuntime;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::SectorNumber;
use harness::maint::cc_sector;
use harness::post::{bitfield, make_sector, power, CronConfig, TerminationBatch};
use harness::*;

/// The start epoch, ten days after the miner's creation.
const START: ChainEpoch = START_EPOCH + 10 * EPOCHS_IN_DAY;
const GRACE: ChainEpoch = 5 * EPOCHS_IN_DAY;
const TARGET: ChainEpoch = 100 * EPOCHS_IN_DAY;
const THRESHOLD: ChainEpoch = START + TARGET;

/// Sets the FIP-0067 schedule on the runtime's policy, or leaves it dormant.
fn start_timeline(rt: &mut MockRuntime, start: Option<ChainEpoch>) {
    rt.policy.replacement_sealing_start_epoch = start;
    rt.policy.replacement_sealing_grace_period = GRACE;
    rt.policy.replacement_sealing_deactivation_target = TARGET;
}

/// A miner with 100 FIL spare and, in a deadline ten after the one holding `START`, four
/// proven sectors activated at its creation: 1 and 2 expire after the threshold (old), 3 at
/// it and 4 before it (never old). Returns the sectors' deadline.
fn miner(start: Option<ChainEpoch>) -> (ActorHarness, MockRuntime, u64) {
    let h = ActorHarness::default();
    let mut rt = h.setup_with_policy(Default::default(), TokenAmount::from_whole(100));
    start_timeline(&mut rt, start);
    let at_start = h.state(&rt).deadline_info(&rt.policy, START).index;
    let dl = (at_start + 10) % rt.policy.wpost_period_deadlines;
    let expirations = [
        THRESHOLD + 200 * EPOCHS_IN_DAY,
        THRESHOLD + 1,
        THRESHOLD,
        START + 50 * EPOCHS_IN_DAY,
    ];
    let sectors: Vec<_> = expirations
        .iter()
        .zip(1..)
        .map(|(&expiration, n)| {
            make_sector(
                n,
                START_EPOCH,
                expiration,
                TokenAmount::from_whole(1),
                TokenAmount::from_atto(100),
            )
        })
        .collect();
    h.put_sectors(&rt, dl, &sectors, true);
    (h, rt, dl)
}

/// Runs the cron of the deadline holding `epoch` (not the sectors' one): nothing to charge.
fn cron_at(h: &ActorHarness, rt: &MockRuntime, epoch: ChainEpoch) {
    rt.set_epoch(h.state(rt).deadline_info(&rt.policy, epoch).last());
    h.on_deadline_cron(rt, CronConfig::default());
}

/// TerminateSectors of proven `numbers` of partition 0 of `dl` now, paying their fee.
fn terminate(h: &ActorHarness, rt: &MockRuntime, dl: u64, numbers: &[SectorNumber]) {
    let now = rt.epoch.get();
    let fee: TokenAmount = numbers
        .iter()
        .map(|&n| h.termination_fee(&h.sector(rt, n), now))
        .sum();
    let count = numbers.len() as u64;
    h.terminate_sectors(
        rt,
        vec![TerminationDeclaration {
            deadline: dl,
            partition: 0,
            sectors: bitfield(numbers),
        }],
        Some(TerminationBatch {
            fee: fee.clone(),
            burnt: fee,
            pledge_delta: -TokenAmount::from_whole(count as i64),
            sectors: numbers.to_vec(),
            deal_sectors: vec![],
            epoch: now,
            reschedule: false,
        }),
        -power(count),
    )
    .unwrap();
}

/// `live` sectors of `dl` miss their next PoSt and stay faulty until `fault_max_age` later,
/// when the deadline cron terminates them.
fn fault_out(h: &ActorHarness, rt: &MockRuntime, dl: u64, live: &[SectorNumber]) {
    let count = live.len() as u64;
    let info = h.deadline_at(rt, dl);
    rt.set_epoch(info.open);
    let daily = h.daily_fee_event(rt, dl, live);
    h.advance_deadline(
        rt,
        CronConfig {
            burnt: daily.amount.clone(),
            fee_events: vec![daily],
            power_delta: -power(count),
            ..Default::default()
        },
    );
    let expiry = info.last() + rt.policy.fault_max_age;
    rt.set_epoch(expiry);
    let ff = h.continued_fault_fee(&power(count).qa);
    let fee: TokenAmount = live
        .iter()
        .map(|&n| h.termination_fee(&h.sector(rt, n), expiry))
        .sum();
    h.on_deadline_cron(
        rt,
        CronConfig {
            fee_events: vec![fil_actor_miner::emit::FeeApplied::new(
                fil_actor_miner::emit::FeeType::ContinuedFault,
                ff.clone(),
            )
            .deadline(dl)
            .sectors(count)],
            burnt: ff,
            terminations: Some(TerminationBatch {
                fee: fee.clone(),
                burnt: fee,
                pledge_delta: -TokenAmount::from_whole(count as i64),
                sectors: live.to_vec(),
                deal_sectors: vec![],
                epoch: expiry,
                reschedule: false,
            }),
            ..Default::default()
        },
    );
    assert_eq!(h.partition(rt, dl, 0).live_sectors(), bitfield(&[]));
}

fn counters(initial: u64, deactivated: u64) -> Option<OldSectors> {
    Some(OldSectors::Counters(OldSectorCounters {
        initial,
        deactivated,
    }))
}

/// The getter's expected answer at `epoch` for the counters, from the FIP's arithmetic.
fn status(initial: u64, deactivated: u64, epoch: ChainEpoch) -> ReplacementSealingStatus {
    let progress = if initial == 0 {
        TARGET
    } else {
        GRACE + (TARGET - GRACE) * deactivated as i64 / initial as i64
    };
    let behind_by = if progress == TARGET {
        0
    } else {
        std::cmp::max(0, epoch - (START + progress))
    };
    ReplacementSealingStatus {
        start_epoch: START,
        initial,
        deactivated,
        progress,
        on_schedule: behind_by == 0,
        behind_by,
    }
}

#[test]
fn the_getter_is_exported_under_its_frc42_number() {
    assert_eq!(GET_REPLACEMENT_SEALING_STATUS_METHOD, 2241975722);
    assert_eq!(
        Method::GetReplacementSealingStatusExported as u64,
        2241975722
    );
}

#[test]
fn deadline_cron_initializes_the_counters_once_the_timeline_starts() {
    let (h, rt, _) = miner(Some(START));
    // A cron one period before the start leaves them null.
    cron_at(&h, &rt, START - EPOCHS_IN_DAY);
    assert!(rt.epoch.get() < START);
    assert_eq!(h.state(&rt).old_sectors, None);
    assert_eq!(h.replacement_sealing_status(&rt), None);

    // The first cron at or after the start counts the sectors activated before it that expire
    // after the threshold: 1 and 2, not 3 (at it) nor 4 (before it).
    cron_at(&h, &rt, START);
    let initialized_at = rt.epoch.get();
    assert!(initialized_at >= START);
    assert_eq!(h.state(&rt).old_sectors, counters(2, 0));
    assert_eq!(
        h.replacement_sealing_status(&rt),
        Some(status(2, 0, initialized_at))
    );
    // Set once: a later cron leaves them.
    cron_at(&h, &rt, initialized_at + 1);
    assert_eq!(h.state(&rt).old_sectors, counters(2, 0));

    // Past the grace period with nothing deactivated, the miner is behind.
    rt.set_epoch(START + GRACE + 10);
    let behind = h.replacement_sealing_status(&rt).unwrap();
    assert_eq!(behind, status(2, 0, START + GRACE + 10));
    assert_eq!((behind.on_schedule, behind.behind_by), (false, 10));
    h.check_state(&rt);
}

#[test]
fn terminations_count_old_sectors_only() {
    let (h, rt, dl) = miner(Some(START));
    cron_at(&h, &rt, START);
    rt.set_epoch(rt.epoch.get() + 1);
    // Sector 4 expires before the threshold: not old.
    terminate(&h, &rt, dl, &[4]);
    assert_eq!(h.state(&rt).old_sectors, counters(2, 0));
    // Sector 1 is old.
    terminate(&h, &rt, dl, &[1]);
    assert_eq!(h.state(&rt).old_sectors, counters(2, 1));
    let now = rt.epoch.get();
    assert_eq!(h.replacement_sealing_status(&rt), Some(status(2, 1, now)));
    assert_eq!(status(2, 1, now).progress, GRACE + (TARGET - GRACE) / 2);

    // Sectors 2 (old) and 3 (not) fault for too long and are terminated in cron.
    fault_out(&h, &rt, dl, &[2, 3]);
    assert_eq!(h.state(&rt).old_sectors, counters(2, 2));
    let done = h.replacement_sealing_status(&rt).unwrap();
    assert_eq!(done, status(2, 2, rt.epoch.get()));
    assert_eq!((done.progress, done.on_schedule), (TARGET, true));
    h.check_state(&rt);
}

#[test]
fn terminate_sectors_begins_the_census_and_the_cron_counts() {
    let (h, rt, dl) = miner(Some(START));
    // No cron has run since the start: TerminateSectors begins the census (the miner as it was
    // before the termination) and counts the old sector it terminates, reading nothing more.
    rt.set_epoch(h.state(&rt).deadline_info(&rt.policy, START).last());
    let before = h.state(&rt);
    terminate(&h, &rt, dl, &[2]);
    let Some(OldSectors::Census(census)) = h.state(&rt).old_sectors else {
        panic!("the census has begun");
    };
    assert_eq!((census.deactivated, census.counted), (1, 0));
    assert_eq!(
        (census.deadlines, census.sectors),
        (before.deadlines, before.sectors)
    );
    assert_eq!(h.replacement_sealing_status(&rt), None);
    // The next deadline cron counts 1 and 2, the sector terminated included.
    cron_at(&h, &rt, rt.epoch.get() + 1);
    assert_eq!(h.state(&rt).old_sectors, counters(2, 1));
    h.check_state(&rt);
}

#[test]
fn a_dormant_policy_leaves_the_counters_null() {
    let (h, rt, dl) = miner(None);
    cron_at(&h, &rt, START);
    rt.set_epoch(rt.epoch.get() + 1);
    terminate(&h, &rt, dl, &[1, 4]);
    assert_eq!(h.state(&rt).old_sectors, None);
    fault_out(&h, &rt, dl, &[2, 3]);
    assert_eq!(h.state(&rt).old_sectors, None);
    assert_eq!(h.replacement_sealing_status(&rt), None);
    h.check_state(&rt);
}

const EXT_DL: u64 = 5;
const EXPIRATION: ChainEpoch = START_EPOCH + 400 * EPOCHS_IN_DAY;

fn extend(
    h: &ActorHarness,
    rt: &MockRuntime,
    sector: SectorNumber,
) -> Result<(), fil_actors_runtime::ActorError> {
    let params = ExtendSectorExpiration2Params {
        extensions: vec![ExpirationExtension2 {
            deadline: EXT_DL,
            partition: 0,
            sectors: bitfield(&[sector]),
            sectors_with_claims: vec![],
            new_expiration: EXPIRATION + 100 * EPOCHS_IN_DAY,
        }],
    };
    h.extend_sectors(rt, WORKER, params, &Default::default(), PowerPair::zero())
}

/// A miner with CC sectors 1 and 2 activated at its creation in deadline `EXT_DL`, at the
/// start of the next proving period, the timeline starting (if at all) one period later.
fn extension_miner(dormant: bool) -> (ActorHarness, MockRuntime, ChainEpoch) {
    let h = ActorHarness::default();
    let mut rt = h.setup();
    h.put_proven_sectors(
        &rt,
        EXT_DL,
        vec![
            cc_sector(1, START_EPOCH, EXPIRATION),
            cc_sector(2, START_EPOCH, EXPIRATION),
        ],
    );
    let period = h.deadline_info(&rt, 0).next_period_start();
    let start = period + rt.policy.wpost_proving_period;
    start_timeline(&mut rt, (!dormant).then_some(start));
    rt.set_epoch(period);
    (h, rt, start)
}

#[test]
fn old_sectors_cannot_be_extended_once_the_timeline_starts() {
    let (h, rt, start) = extension_miner(false);
    // Before the start, extension is allowed.
    extend(&h, &rt, 1).unwrap();
    assert_eq!(
        h.sector(&rt, 1).expiration,
        EXPIRATION + 100 * EPOCHS_IN_DAY
    );

    // From the start, a sector activated before it is refused.
    rt.set_epoch(start);
    let before = h.state(&rt);
    expect_abort(
        ExitCode::USR_FORBIDDEN,
        &format!(
            "sector 2 activated at {} before the replacement sealing start {} cannot be extended",
            START_EPOCH, start
        ),
        extend(&h, &rt, 2),
    );
    assert_eq!(h.state(&rt), before);

    // A sector activated at the start may be extended.
    h.put_proven_sectors(&rt, EXT_DL, vec![cc_sector(3, start, EXPIRATION)]);
    extend(&h, &rt, 3).unwrap();
    assert_eq!(
        h.sector(&rt, 3).expiration,
        EXPIRATION + 100 * EPOCHS_IN_DAY
    );
    // Extension does not initialize the counters.
    assert_eq!(h.state(&rt).old_sectors, None);
    h.check_state(&rt);
}

#[test]
fn a_dormant_policy_allows_extending_any_sector() {
    let (h, rt, start) = extension_miner(true);
    rt.set_epoch(start);
    extend(&h, &rt, 2).unwrap();
    assert_eq!(
        h.sector(&rt, 2).expiration,
        EXPIRATION + 100 * EPOCHS_IN_DAY
    );
    assert_eq!(h.state(&rt).old_sectors, None);
    h.check_state(&rt);
}
