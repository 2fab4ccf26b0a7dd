//! Real-FVM gas of the FIP-0067 deadline cron with enforcement, for a miner of 1,000 old 32 GiB
//! sectors, all in one deadline (one partition): the worst case of one cron, which processes one
//! deadline. Under the test network's timeline (start 700,000, due at 714,400 with nothing
//! deactivated), three twins prove the deadline in its window and then run its end:
//! - on schedule (its end before the due point): nothing enforced;
//! - 25 hours behind or more: the 1,000 sectors marked faulty;
//! - 8 days behind or more: the 1,000 sectors terminated, their termination fees and events in
//!   the same call.
//!
//! The figure is the gas of the miner's `OnDeferredCronEvent` in that tick.

use std::process::ExitCode;

use anyhow::{ensure, Context};
use fil_actor_miner::State as MinerState;
use fil_actors_integration_tests::miner::{apply_ok, create_miner_proving, policy};
use fil_actors_integration_tests::post::prove_next_window;
use fil_actors_integration_tests::sectors::{
    install_sectors_expiring, miner_cron_gas, run_deadline_cron, turn_on_deadline_cron,
    CENSUS_SEAL_PROOF,
};
use fil_actors_runtime::runtime::policy::{EPOCHS_IN_DAY, TEST_REPLACEMENT_SEALING_START};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::RegisteredPoStProof;
use fvm_shared::METHOD_SEND;
use test_vm::genesis::genesis;
use test_vm::{actor_state, walk_to, FvmVM, Msg, VM};

const START: ChainEpoch = TEST_REPLACEMENT_SEALING_START;
const DUE: ChainEpoch = START + 5 * EPOCHS_IN_DAY;
const SECTORS: u64 = 1_000;
/// The deadline holding them.
const DEADLINE: u64 = 5;
const POST_PROOF: RegisteredPoStProof = RegisteredPoStProof::StackedDRGWindow32GiBV1P1;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("enforcement_gas failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// What one twin's deadline end did.
struct End {
    behind_by: ChainEpoch,
    gas: u64,
    events: usize,
    faults: u64,
    terminated: u64,
}

/// A miner of `SECTORS` old sectors in `DEADLINE`, its cron on two deadlines before the first
/// end of that deadline at or after `end`; the deadline proven, then its end run.
fn twin(end: ChainEpoch) -> anyhow::Result<End> {
    let policy = policy()?;
    let mut vm = FvmVM::new()?;
    vm.set_invariant_checks(false);
    let g = genesis(&mut vm, &[TokenAmount::from_whole(10_000)])?;
    let (owner, _) = g.accounts[0];
    let (m, _) = create_miner_proving(&mut vm, owner, 1, TokenAmount::from_whole(10), POST_PROOF)?;
    apply_ok(
        &mut vm,
        &Msg::new(owner, m.worker, METHOD_SEND).value(TokenAmount::from_whole(5_000)),
    )?;
    let layout: Vec<(u64, ChainEpoch)> = (0..SECTORS).map(|n| (n, START + 400_000)).collect();
    install_sectors_expiring(&mut vm, m.miner_id, DEADLINE, CENSUS_SEAL_PROOF, &layout)?;

    let st: MinerState = actor_state(&vm, m.miner_id)?;
    let mut dl = st.deadline_info(&policy, end);
    while dl.index != DEADLINE {
        dl = st.deadline_info(&policy, dl.last() + 1);
    }
    walk_to(&mut vm, dl.open - 2 * policy.wpost_challenge_window)?;
    turn_on_deadline_cron(
        &mut vm,
        &m,
        CENSUS_SEAL_PROOF,
        1_000_000,
        TokenAmount::from_whole(4_000),
    )?;
    prove_next_window(&mut vm, &m, DEADLINE, POST_PROOF)?;

    let st: MinerState = actor_state(&vm, m.miner_id)?;
    let last = st.deadline_info(&policy, vm.epoch()).last();
    let behind_by = st
        .replacement_sealing_status(&policy, last)
        .map_or(0, |s| s.behind_by);
    let tick = run_deadline_cron(&mut vm, m.miner_id)?;
    let gas = miner_cron_gas(&tick, m.miner_id)?.context("the tick ran the miner's cron")?;
    let st: MinerState = actor_state(&vm, m.miner_id)?;
    let store = test_vm::StoreRef(vm.store());
    let partition = st
        .load_deadlines(&store)?
        .load_deadline(&store, DEADLINE)?
        .load_partition(&store, 0)?;
    Ok(End {
        behind_by,
        gas,
        events: tick.events.len(),
        faults: partition.faults.len(),
        terminated: partition.terminated.len(),
    })
}

/// The three twins: where the deadline's end falls, and what it must have done.
#[derive(Clone, Copy)]
enum Case {
    OnSchedule,
    Faults,
    Termination,
}

impl Case {
    fn name(self) -> &'static str {
        match self {
            Case::OnSchedule => "on schedule",
            Case::Faults => "deadline faults (> 2,880 behind)",
            Case::Termination => "deadline termination (> 20,160 behind)",
        }
    }

    fn end(self) -> ChainEpoch {
        match self {
            Case::OnSchedule => START + EPOCHS_IN_DAY,
            Case::Faults => DUE + 3_000,
            Case::Termination => DUE + 8 * EPOCHS_IN_DAY,
        }
    }

    fn check(self, e: &End) -> anyhow::Result<()> {
        let (faults, terminated) = match self {
            Case::OnSchedule => (0, 0),
            Case::Faults => (SECTORS, 0),
            Case::Termination => (0, SECTORS),
        };
        ensure!(
            (e.faults, e.terminated) == (faults, terminated),
            "{}: {} faulty and {} terminated after the cron",
            self.name(),
            e.faults,
            e.terminated
        );
        Ok(())
    }
}

fn run() -> anyhow::Result<()> {
    println!("FIP-0067 enforcement in the deadline cron on the real FVM: {SECTORS} old 32 GiB sectors in one deadline, proven in its window");
    println!();
    println!("| case | behind by at the end | miner cron gas | events | faulty after | terminated after |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for case in [Case::OnSchedule, Case::Faults, Case::Termination] {
        let e = twin(case.end())?;
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            case.name(),
            e.behind_by,
            e.gas,
            e.events,
            e.faults,
            e.terminated
        );
        case.check(&e)?;
    }
    Ok(())
}
