//! FIP-0067 enforcement on both engines, under the test network's policy (timeline from epoch
//! 700,000, 5-day grace, 90-day target; a miner with nothing deactivated is due at 714,400). A
//! miner holds old sectors 1 and 2 in deadline 3 and 3 and 4 in deadline 10; its deadline cron
//! is turned on at a chosen epoch and deadline 3 is proven in its next window. Then:
//! - 25 hours behind, deadline 3's end marks 1 and 2 faulty and the power claim drops; its next
//!   end charges the continued-fault fee; the miner catches up by terminating 3 and replacing 4
//!   with a sector sealed after the start, declares 1 and 2 recovered and the next PoSt restores
//!   their power;
//! - 8 days behind, deadline 3's end terminates 1 and 2 with the termination fee;
//! - with sectors that are not old (always on schedule), or before the start, nothing happens.
//!
//! Fee amounts are what the miner's accounting lost (burnt plus debt); events are written out
//! entry by entry.

use fil_actor_miner::{
    DeclareFaultsRecoveredParams, Method, RecoveryDeclaration, ReplaceSectorParams,
    ReplacementSealingStatus, State as MinerState, TerminateSectorsParams, TerminationDeclaration,
    GET_REPLACEMENT_SEALING_STATUS_METHOD,
};
use fil_actor_power::{Method as PowerMethod, MinerPowerParams, MinerPowerReturn};
use fil_actors_integration_tests::miner::{
    apply_ok, policy, worker_message, MinerAddrs, POST_PROOF, SEAL_PROOF,
};
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::post::{next_window, prove_next_window};
use fil_actors_integration_tests::sectors::{
    install_sectors, miner_and_stranger, run_deadline_cron, turn_on_deadline_cron,
};
use fil_actors_runtime::builtin::BURNT_FUNDS_ACTOR_ID;
use fil_actors_runtime::runtime::policy::{EPOCHS_IN_DAY, TEST_REPLACEMENT_SEALING_START};
use fil_actors_runtime::STORAGE_POWER_ACTOR_ADDR;
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::{ActorEvent, Entry, Flags, StampedEvent};
use serde::Serialize;
use test_vm::{actor_state, balance, walk_to, VM};

const START: ChainEpoch = TEST_REPLACEMENT_SEALING_START;
/// Due point with nothing deactivated: the start plus the 5-day grace period.
const DUE: ChainEpoch = START + 5 * EPOCHS_IN_DAY;
/// Expiring after the threshold (959,200): old.
const OLD: ChainEpoch = 1_100_000;
/// Expiring before it: never old.
const NOT_OLD: ChainEpoch = 800_000;
/// One 2 KiB sector's power.
const SECTOR: u64 = 2048;

fn bits(b: &[u64]) -> BitField {
    BitField::try_from_bits(b.iter().copied()).unwrap()
}

fn entry<T: Serialize + ?Sized>(flags: u64, key: &str, value: &T) -> Entry {
    Entry {
        flags: Flags::from_bits(flags).unwrap(),
        key: key.to_string(),
        codec: 0x51,
        value: fvm_ipld_encoding::to_vec(value).unwrap(),
    }
}

fn fee_applied(
    fee_type: &str,
    amount: &TokenAmount,
    deadline: Option<u64>,
    sectors: u64,
) -> ActorEvent {
    let mut entries = vec![
        entry(0x03, "$type", "fee-applied"),
        entry(0x03, "fee-type", fee_type),
        entry(0x02, "amount", amount),
    ];
    if let Some(d) = deadline {
        entries.push(entry(0x02, "deadline", &d));
    }
    entries.push(entry(0x02, "sectors", &sectors));
    ActorEvent { entries }
}

fn sector_terminated(sector: u64) -> ActorEvent {
    ActorEvent {
        entries: vec![
            entry(0x03, "$type", "sector-terminated"),
            entry(0x03, "sector", &sector),
        ],
    }
}

/// The miner's power claim, raw bytes (QA is the same for these sectors).
fn claim(vm: &mut dyn VM, reader: Address, m: &MinerAddrs) -> (BigInt, BigInt) {
    let msg = test_vm::Msg::new(
        reader,
        STORAGE_POWER_ACTOR_ADDR,
        PowerMethod::MinerPowerExported as u64,
    )
    .params(&MinerPowerParams { miner: m.miner_id })
    .unwrap();
    let r: MinerPowerReturn = apply_ok(vm, &msg).unwrap().ret_as().unwrap();
    (r.raw_byte_power, r.quality_adj_power)
}

fn power(sectors: u64) -> (BigInt, BigInt) {
    let p = BigInt::from(sectors * SECTOR);
    (p.clone(), p)
}

fn status(vm: &mut dyn VM, reader: Address, m: &MinerAddrs) -> Option<ReplacementSealingStatus> {
    let msg = test_vm::Msg::new(reader, m.miner, GET_REPLACEMENT_SEALING_STATUS_METHOD);
    apply_ok(vm, &msg).unwrap().ret_as().unwrap()
}

/// What the miner's accounting has lost so far: burnt funds plus its debt.
fn fees_accounted(vm: &dyn VM, m: &MinerAddrs) -> TokenAmount {
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    balance(vm, BURNT_FUNDS_ACTOR_ID).unwrap() + st.fee_debt
}

/// Deadline 3's partition 0: faults and terminated sectors.
fn deadline_3(vm: &dyn VM, m: &MinerAddrs) -> (BitField, BitField) {
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    let store = test_vm::StoreRef(vm.store());
    let p = st
        .load_deadlines(&store)
        .unwrap()
        .load_deadline(&store, 3)
        .unwrap()
        .load_partition(&store, 0)
        .unwrap();
    (p.faults, p.terminated)
}

/// A miner with old (or not old) sectors 1 and 2 in deadline 3 and 3 and 4 in deadline 10, its
/// cron turned on two deadlines before the first end of deadline 3 at or after `end`.
fn miner(vm: &mut dyn VM, end: ChainEpoch, expiration: ChainEpoch) -> (MinerAddrs, Address) {
    let policy = policy().unwrap();
    let (m, reader) = miner_and_stranger(vm).unwrap();
    install_sectors(vm, m.miner_id, 3, 1..=2, expiration).unwrap();
    install_sectors(vm, m.miner_id, 10, 3..=4, expiration).unwrap();
    let st: MinerState = actor_state(vm, m.miner_id).unwrap();
    let mut dl = st.deadline_info(&policy, end);
    while dl.index != 3 {
        dl = st.deadline_info(&policy, dl.last() + 1);
    }
    walk_to(vm, dl.open - 2 * policy.wpost_challenge_window).unwrap();
    turn_on_deadline_cron(vm, &m, SEAL_PROOF, 30, TokenAmount::from_whole(1)).unwrap();
    (m, reader)
}

/// Runs the deadline crons up to deadline 3's window and proves it.
fn prove_deadline_3(vm: &mut dyn VM, m: &MinerAddrs) {
    prove_next_window(vm, m, 3, POST_PROOF).unwrap();
}

/// Deadline 3's end: the tick's exit code and events, and the fees it accounted.
#[derive(Debug, PartialEq)]
struct Tick {
    code: ExitCode,
    events: Vec<StampedEvent>,
    fees: TokenAmount,
}

fn end_of_deadline_3(vm: &mut dyn VM, m: &MinerAddrs) -> Tick {
    let before = fees_accounted(vm, m);
    let r = run_deadline_cron(vm, m.miner_id).unwrap();
    Tick {
        code: r.code,
        events: r.events,
        fees: fees_accounted(vm, m) - before,
    }
}

#[derive(Debug, PartialEq)]
struct FallBehind {
    miner: u64,
    proven: (BigInt, BigInt),
    behind_at_fault: ChainEpoch,
    fault: Tick,
    after_fault: ((BigInt, BigInt), (BitField, BitField)),
    refused_recovery: ExitCode,
    continued: Tick,
    termination: (ExitCode, Vec<StampedEvent>, TokenAmount),
    replacement: (ExitCode, Vec<StampedEvent>, TokenAmount),
    caught_up: Option<ReplacementSealingStatus>,
    recovery: ExitCode,
    recovered: (BigInt, BigInt),
    last: Tick,
    end: ((BigInt, BigInt), (BitField, BitField)),
}

fn declare_recovery(vm: &mut dyn VM, m: &MinerAddrs) -> ExitCode {
    let params = DeclareFaultsRecoveredParams {
        recoveries: vec![RecoveryDeclaration {
            deadline: 3,
            partition: 0,
            sectors: bits(&[1, 2]),
        }],
    };
    vm.apply(&worker_message(m, Method::DeclareFaultsRecovered, &params).unwrap())
        .unwrap()
        .code
}

fn fall_behind(vm: &mut dyn VM) -> FallBehind {
    // 25 hours (3,000 epochs) past the due point.
    let (m, reader) = miner(vm, DUE + 3_000, OLD);
    prove_deadline_3(vm, &m);
    let proven = claim(vm, reader, &m);
    let behind_at_fault = status(vm, reader, &m).unwrap().behind_by;
    let fault = end_of_deadline_3(vm, &m);
    let after_fault = (claim(vm, reader, &m), deadline_3(vm, &m));
    let refused_recovery = declare_recovery(vm, &m);

    // Its next end, a period later, still behind.
    let dl = next_window(vm, &m, 3).unwrap();
    while vm.epoch() < dl.open {
        assert_eq!(
            run_deadline_cron(vm, m.miner_id).unwrap().code,
            ExitCode::OK
        );
    }
    let continued = end_of_deadline_3(vm, &m);
    let before = fees_accounted(vm, &m);

    // Catching up: terminate 3, replace 4 with sector 40 sealed now.
    let termination = vm
        .apply(
            &worker_message(
                &m,
                Method::TerminateSectors,
                &TerminateSectorsParams {
                    terminations: vec![TerminationDeclaration {
                        deadline: 10,
                        partition: 0,
                        sectors: bits(&[3]),
                    }],
                },
            )
            .unwrap(),
        )
        .unwrap();
    let termination_fees = fees_accounted(vm, &m) - before;
    install_sectors(vm, m.miner_id, 12, 40..=40, OLD).unwrap();
    let before = fees_accounted(vm, &m);
    let replacement = vm
        .apply(
            &worker_message(
                &m,
                Method::ReplaceSectorExported,
                &ReplaceSectorParams {
                    old_sector: 4,
                    new_sector: 40,
                },
            )
            .unwrap(),
        )
        .unwrap();
    let replacement_fees = fees_accounted(vm, &m) - before;
    let caught_up = status(vm, reader, &m);
    let recovery = declare_recovery(vm, &m);
    prove_deadline_3(vm, &m);
    let recovered = claim(vm, reader, &m);
    let last = end_of_deadline_3(vm, &m);
    FallBehind {
        miner: m.miner_id,
        proven,
        behind_at_fault,
        fault,
        after_fault,
        refused_recovery,
        continued,
        termination: (termination.code, termination.events, termination_fees),
        replacement: (replacement.code, replacement.events, replacement_fees),
        caught_up,
        recovery,
        recovered,
        last,
        end: (claim(vm, reader, &m), deadline_3(vm, &m)),
    }
}

#[test]
fn a_miner_25_hours_behind_is_faulted_pays_catches_up_and_recovers_on_both_engines() {
    let (native, fvm) = on_both_engines(fall_behind);
    let stamped = |e: ActorEvent| StampedEvent::new(native.miner, e);
    assert_eq!(native.proven, power(2));
    // Deadline 3's first end at least 3,000 epochs (25 hours) past the due point.
    assert!(native.behind_at_fault >= 3_000 && native.behind_at_fault < 3_000 + 2_880);
    // New faults pay nothing at this end; power is gone.
    assert_eq!(
        native.fault,
        Tick {
            code: ExitCode::OK,
            events: vec![],
            fees: TokenAmount::from_atto(0)
        }
    );
    assert_eq!(native.after_fault, (power(0), (bits(&[1, 2]), bits(&[]))));
    assert_eq!(native.refused_recovery, ExitCode::USR_FORBIDDEN);
    // The next end charges the continued-fault fee for both.
    assert_eq!(native.continued.code, ExitCode::OK);
    assert!(native.continued.fees.is_positive());
    assert_eq!(
        native.continued.events,
        vec![stamped(fee_applied(
            "continued-fault",
            &native.continued.fees,
            Some(3),
            2
        ))]
    );
    // Terminating 3 pays its fee; replacing 4 pays none.
    let fee = native.termination.2.clone();
    assert!(fee.is_positive());
    assert_eq!(
        native.termination,
        (
            ExitCode::OK,
            vec![
                stamped(fee_applied("termination", &fee, None, 1)),
                stamped(sector_terminated(3))
            ],
            fee.clone()
        )
    );
    assert_eq!(
        native.replacement,
        (
            ExitCode::OK,
            vec![stamped(sector_terminated(4))],
            TokenAmount::from_atto(0)
        )
    );
    let caught_up = native.caught_up.unwrap();
    assert_eq!(
        (
            caught_up.initial,
            caught_up.deactivated,
            caught_up.on_schedule
        ),
        (4, 2, true)
    );
    // The ordinary recovery: declared, proven, power back, nothing charged at the end.
    assert_eq!(native.recovery, ExitCode::OK);
    assert_eq!(native.recovered, power(2));
    assert_eq!(
        native.last,
        Tick {
            code: ExitCode::OK,
            events: vec![],
            fees: TokenAmount::from_atto(0)
        }
    );
    assert_eq!(native.end, (power(2), (bits(&[]), bits(&[]))));
    assert_eq!(native, fvm);
}

#[derive(Debug, PartialEq)]
struct OneEnd {
    miner: u64,
    proven: (BigInt, BigInt),
    status: Option<ReplacementSealingStatus>,
    end: Tick,
    after: ((BigInt, BigInt), (BitField, BitField)),
    status_after: Option<ReplacementSealingStatus>,
}

/// The miner's cron on from `from`, deadline 3 proven and ended once.
fn one_end(vm: &mut dyn VM, from: ChainEpoch, expiration: ChainEpoch) -> OneEnd {
    let (m, reader) = miner(vm, from, expiration);
    prove_deadline_3(vm, &m);
    let proven = claim(vm, reader, &m);
    let status_before = status(vm, reader, &m);
    let end = end_of_deadline_3(vm, &m);
    let after = (claim(vm, reader, &m), deadline_3(vm, &m));
    let status_after = status(vm, reader, &m);
    OneEnd {
        miner: m.miner_id,
        proven,
        status: status_before,
        end,
        after,
        status_after,
    }
}

#[test]
fn a_miner_8_days_behind_loses_the_deadline_with_termination_fees_on_both_engines() {
    let (native, fvm) = on_both_engines(|vm| one_end(vm, DUE + 8 * EPOCHS_IN_DAY, OLD));
    let stamped = |e: ActorEvent| StampedEvent::new(native.miner, e);
    assert_eq!(native.proven, power(2));
    assert!(native.status.unwrap().behind_by > 20_160);
    assert_eq!(native.end.code, ExitCode::OK);
    assert!(native.end.fees.is_positive());
    assert_eq!(
        native.end.events,
        vec![
            stamped(fee_applied("termination", &native.end.fees, None, 2)),
            stamped(sector_terminated(1)),
            stamped(sector_terminated(2)),
        ]
    );
    assert_eq!(native.after, (power(0), (bits(&[]), bits(&[1, 2]))));
    // Two of four old sectors deactivated: back on schedule.
    let after = native.status_after.unwrap();
    assert_eq!(
        (after.initial, after.deactivated, after.on_schedule),
        (4, 2, true)
    );
    assert_eq!(native, fvm);
}

#[test]
fn a_miner_on_schedule_and_a_miner_before_the_start_are_untouched_on_both_engines() {
    let untouched = |native: &OneEnd| {
        assert_eq!(native.proven, power(2));
        assert_eq!(
            native.end,
            Tick {
                code: ExitCode::OK,
                events: vec![],
                fees: TokenAmount::from_atto(0)
            }
        );
        assert_eq!(native.after, (power(2), (bits(&[]), bits(&[]))));
    };
    // Sectors that are not old: no old sectors, always on schedule, 25 hours past the due point.
    let (native, fvm) = on_both_engines(|vm| one_end(vm, DUE + 3_000, NOT_OLD));
    untouched(&native);
    let s = native.status.unwrap();
    assert_eq!((s.initial, s.on_schedule, s.behind_by), (0, true, 0));
    assert_eq!(native, fvm);
    // Old sectors before the start: the timeline has not begun.
    let (native, fvm) = on_both_engines(|vm| one_end(vm, START - 2 * EPOCHS_IN_DAY, OLD));
    untouched(&native);
    assert_eq!((native.status, native.status_after), (None, None));
    assert_eq!(native, fvm);
}
