//! FIP-0067 on both engines, under the test network's policy, which starts the replacement-sealing
//! timeline at epoch 700,000 (5-day grace, 90-day target): dormant before the start; at the start
//! the first termination begins the census of old sectors (reading nothing) and counts itself as
//! a deactivation; the next deadline cron counts the miner's old sectors; extending an old
//! sector is refused; the getter reports the schedule once the census is complete.

use cid::Cid;
use fil_actor_miner::emit::{sector_terminated_event, FeeApplied, FeeType};
use fil_actor_miner::{
    ExpirationExtension2, ExtendSectorExpiration2Params, Method, ReplacementSealingStatus,
    State as MinerState, TerminateSectorsParams, TerminationDeclaration,
    GET_REPLACEMENT_SEALING_STATUS_METHOD,
};
use fil_actors_integration_tests::miner::{policy, worker_message, MinerAddrs, SEAL_PROOF};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::sectors::{
    install_sectors, miner_and_stranger, run_deadline_cron, turn_on_deadline_cron,
};
use fil_actors_runtime::builtin::BURNT_FUNDS_ACTOR_ID;
use fil_actors_runtime::runtime::policy::TEST_REPLACEMENT_SEALING_START;
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;
use test_vm::{actor_state, balance, walk_to, Msg, VM};

const START: ChainEpoch = TEST_REPLACEMENT_SEALING_START;

fn bits(b: &[u64]) -> BitField {
    BitField::try_from_bits(b.iter().copied()).unwrap()
}

fn status(vm: &mut dyn VM, from: Address, m: &MinerAddrs) -> Option<ReplacementSealingStatus> {
    vm.apply(&Msg::new(
        from,
        m.miner,
        GET_REPLACEMENT_SEALING_STATUS_METHOD,
    ))
    .unwrap()
    .ret_as()
    .unwrap()
}

fn extend(vm: &mut dyn VM, m: &MinerAddrs, sector: u64, to: ChainEpoch) -> ExitCode {
    let params = ExtendSectorExpiration2Params {
        extensions: vec![ExpirationExtension2 {
            deadline: 3,
            partition: 0,
            sectors: bits(&[sector]),
            sectors_with_claims: vec![],
            new_expiration: to,
        }],
    };
    vm.apply(&worker_message(m, Method::ExtendSectorExpiration2, &params).unwrap())
        .unwrap()
        .code
}

#[derive(Debug, PartialEq)]
struct Outcome {
    before_start: Option<ReplacementSealingStatus>,
    at_epoch: ChainEpoch,
    termination: (ExitCode, Vec<StampedEvent>),
    /// What the termination cost the miner: burnt plus any debt left.
    fee_accounted: TokenAmount,
    /// The getter while the census is under way, the cron tick that completes it, and after.
    during: Option<ReplacementSealingStatus>,
    tick: (ExitCode, Vec<StampedEvent>),
    after: Option<ReplacementSealingStatus>,
    extension_after: ExitCode,
    counters: Option<(u64, u64)>,
    miner: u64,
    root: Cid,
}

fn scenario(vm: &mut dyn VM) -> Outcome {
    let policy = policy().unwrap();
    assert_eq!(policy.replacement_sealing_start_epoch, Some(START));
    let (m, reader) = miner_and_stranger(vm).unwrap();
    // Threshold = 700,000 + 259,200 = 959,200. Deadline 3 holds 1 and 2, expiring after it
    // (old); deadline 4 holds 3 and 4, expiring before it.
    let late = install_sectors(vm, m.miner_id, 3, 1..=2, 1_100_000).unwrap();
    install_sectors(vm, m.miner_id, 4, 3..=4, 800_000).unwrap();

    let before_start = status(vm, reader, &m);

    // Move to the first epoch at or after the start whose deadline leaves 3 mutable.
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    let mut at = START;
    while st.deadline_info(&policy, at).index != 20 {
        at += policy.wpost_challenge_window;
    }
    walk_to(vm, at).unwrap();
    // The installed sectors never turned the miner's deadline cron on; a pre-commitment does.
    turn_on_deadline_cron(vm, &m, SEAL_PROOF, 10, TokenAmount::from_whole(1)).unwrap();

    let params = TerminateSectorsParams {
        terminations: vec![TerminationDeclaration {
            deadline: 3,
            partition: 0,
            sectors: bits(&[1]),
        }],
    };
    let burnt_before = balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap();
    let r = vm
        .apply(&worker_message(&m, Method::TerminateSectors, &params).unwrap())
        .unwrap();
    let termination = (r.code, r.events);
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    let fee_accounted = balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap() - burnt_before + &st.fee_debt;
    let during = status(vm, reader, &m);
    // The deadline's cron counts the old sectors (this miner's census fits in one slice).
    let tick = run_deadline_cron(vm, m.miner_id).unwrap();
    let tick = (tick.code, tick.events);
    let after = status(vm, reader, &m);
    let extension_after = extend(vm, &m, 2, late + 4 * policy.wpost_proving_period);
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    Outcome {
        before_start,
        at_epoch: at,
        termination,
        fee_accounted,
        during,
        tick,
        after,
        extension_after,
        counters: st.old_sector_counters().map(|c| (c.initial, c.deactivated)),
        miner: m.miner_id,
        root: vm.state_root().unwrap(),
    }
}

#[test]
fn the_timeline_starts_under_the_test_policy_on_both_engines() {
    let (native, fvm) = on_both_engines(scenario);
    assert_eq!(native.before_start, None);
    assert_eq!(native.termination.0, ExitCode::OK);
    // The FIP-0098 fee (its floor, as the sector has no pledge), then the sector's event; the
    // amount is what the miner's accounting lost.
    assert!(native.fee_accounted.is_positive());
    let fee = FeeApplied::new(FeeType::Termination, native.fee_accounted.clone())
        .sectors(1)
        .event()
        .unwrap();
    assert_eq!(
        native.termination.1,
        vec![
            StampedEvent::new(native.miner, fee),
            StampedEvent::new(native.miner, sector_terminated_event(1).unwrap())
        ]
    );
    // The census under way: no status yet; the cron that completes it applies no fee.
    assert_eq!(native.during, None);
    assert_eq!(native.tick, (ExitCode::OK, vec![]));
    // Sectors 1 and 2 were old; terminating 1 deactivated one.
    assert_eq!(native.counters, Some((2, 1)));
    // Progress = 14,400 + (259,200 - 14,400) * 1 / 2 = 136,800 epochs after the start.
    assert_eq!(
        native.after,
        Some(ReplacementSealingStatus {
            start_epoch: START,
            initial: 2,
            deactivated: 1,
            progress: 136_800,
            on_schedule: true,
            behind_by: 0,
        })
    );
    assert!(native.at_epoch >= START && native.at_epoch < START + 2880);
    // The rule is checked before anything else about the sector (the mock-level tests show the
    // same extension allowed before the start and for sectors activated after it).
    assert_eq!(native.extension_after, ExitCode::USR_FORBIDDEN);
    assert_eq!(native, fvm);
}
