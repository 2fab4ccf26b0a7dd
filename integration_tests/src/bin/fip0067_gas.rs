//! Real-FVM gas of the FIP-0067 old-sector census (`make gas`), on miners of 10,000 and 100,000
//! 32 GiB sectors under the test network's timeline (start at epoch 700,000, threshold 959,200).
//!
//! Each miner holds its sectors in the 48 deadlines (one partition of up to 2,349 sectors each),
//! with expirations spread over 1,000 proving periods after the start: every partition has
//! about 1,000 expiration-queue entries, 91% of them past the threshold, which is the census's
//! worst case (a partition filled over a short time has a few entries). Every figure is the gas
//! of the same step on two twins of the miner: one whose census has to run, and one whose
//! counters are already set, so the difference is what the census costs.
//!
//! - `TerminateSectors`: the provider's first termination after the start epoch (it begins the
//!   census, which reads nothing).
//! - The deadline crons from the first at or after the start until the census is complete: the
//!   miner's `OnDeferredCronEvent` call in each cron tick, paired with the same cron of the twin.

use std::process::ExitCode;

use anyhow::{ensure, Context};
use fil_actor_miner::{
    Method as MinerMethod, OldSectorCounters, OldSectors, State as MinerState,
    TerminateSectorsParams, TerminationDeclaration, OLD_SECTOR_CENSUS_BLOCKS_PER_CRON,
};
use fil_actors_integration_tests::miner::{policy, worker_message, MinerAddrs};
use fil_actors_integration_tests::sectors::{
    census_miner, miner_cron_gas, run_deadline_cron, turn_on_deadline_cron, CENSUS_SEAL_PROOF,
};
use fil_actors_runtime::runtime::policy::TEST_REPLACEMENT_SEALING_START;
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_bitfield::BitField;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use test_vm::{actor_state, put_cbor, FvmVM, MessageResult, StoreRef, VM};

const START: ChainEpoch = TEST_REPLACEMENT_SEALING_START;
/// Distinct expiration periods of the sectors.
const SPREAD: u64 = 1_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fip0067_gas failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// [`census_miner`] on the real FVM; with `preset`, its counters are already set to its count.
fn build(sectors: u64, preset: bool) -> anyhow::Result<(FvmVM, MinerAddrs, u64)> {
    let mut vm = FvmVM::new()?;
    // The cross-actor checks would read every sector at every step.
    vm.set_invariant_checks(false);
    let (m, old) = census_miner(&mut vm, sectors, SPREAD)?;
    if preset {
        let mut actor = vm.actor(m.miner_id)?.context("the miner exists")?;
        let mut st: MinerState = actor_state(&vm, m.miner_id)?;
        st.old_sectors = Some(OldSectors::Counters(OldSectorCounters {
            initial: old,
            deactivated: 0,
        }));
        actor.state = put_cbor(vm.store(), &st)?;
        vm.set_actor(m.miner_id, actor)?;
    }
    Ok((vm, m, old))
}

fn gas(r: &MessageResult) -> anyhow::Result<u64> {
    ensure!(
        r.code.is_success(),
        "message failed with {}: {:?}",
        r.code,
        r.failure
    );
    r.gas_used.context("the FVM reports gas")
}

/// The first epoch at or after the start at which deadline 0 is not the current deadline (so it
/// may be terminated in).
fn termination_epoch(vm: &FvmVM, m: &MinerAddrs, policy: &Policy) -> anyhow::Result<ChainEpoch> {
    let st: MinerState = actor_state(vm, m.miner_id)?;
    let mut at = START;
    while st.deadline_info(policy, at).index != policy.wpost_period_deadlines / 2 {
        at += policy.wpost_challenge_window;
    }
    Ok(at)
}

/// The gas of the first `TerminateSectors` after the start: sector 0, in deadline 0.
fn first_termination(vm: &mut FvmVM, m: &MinerAddrs) -> anyhow::Result<u64> {
    let policy = policy()?;
    let at = termination_epoch(vm, m, &policy)?;
    vm.advance_epoch(at)?;
    let params = TerminateSectorsParams {
        terminations: vec![TerminationDeclaration {
            deadline: 0,
            partition: 0,
            sectors: BitField::try_from_bits([0u64])?,
        }],
    };
    gas(&vm.apply(&worker_message(m, MinerMethod::TerminateSectors, &params)?)?)
}

/// Turns the miner's deadline cron on with a pre-commitment just before the start, then runs the
/// chain deadline by deadline from the first cron at or after the start: the gas of each of the
/// miner's crons, until `done` holds after one or `crons` have run.
fn crons_from_start(
    vm: &mut FvmVM,
    m: &MinerAddrs,
    crons: Option<usize>,
    done: impl Fn(&FvmVM) -> anyhow::Result<bool>,
) -> anyhow::Result<Vec<u64>> {
    turn_on_deadline_cron(
        vm,
        m,
        CENSUS_SEAL_PROOF,
        1_000_000,
        TokenAmount::from_whole(4_000),
    )?;
    let mut out = Vec::new();
    loop {
        let tick = run_deadline_cron(vm, m.miner_id)?;
        let Some(g) = miner_cron_gas(&tick, m.miner_id)? else {
            continue;
        };
        if vm.last_tick() < START {
            continue;
        }
        out.push(g);
        if crons.is_some_and(|n| out.len() >= n) || done(vm)? {
            return Ok(out);
        }
    }
}

fn counters(vm: &FvmVM, m: &MinerAddrs) -> anyhow::Result<Option<OldSectorCounters>> {
    let st: MinerState = actor_state(vm, m.miner_id)?;
    Ok(st.old_sector_counters().copied())
}

/// The census's cost on a miner of `sectors`: how many crons it takes on the census twin, and
/// the census's share (census twin minus preset twin) of each of the first `measured` crons (all
/// of them when `None`). The number of crons is exact either way: the census is counted on to its
/// end through the miner's state API after the measured crons.
fn census(sectors: u64, measured: Option<usize>) -> anyhow::Result<(u64, usize, Vec<i64>)> {
    let (mut census, m, old) = build(sectors, false)?;
    let (mut preset, mp, _) = build(sectors, true)?;
    let c_census = crons_from_start(&mut census, &m, measured, |vm| {
        Ok(counters(vm, &m)?.is_some())
    })?;
    let c_preset = crons_from_start(&mut preset, &mp, Some(c_census.len()), |_| Ok(false))?;
    let shares = c_census
        .iter()
        .zip(&c_preset)
        .map(|(a, b)| *a as i64 - *b as i64)
        .collect();

    // The rest of the census, slice by slice as the cron would run it.
    let policy = policy()?;
    let mut st: MinerState = actor_state(&census, m.miner_id)?;
    let store = StoreRef(census.store());
    let mut crons = c_census.len();
    while st.old_sector_counters().is_none() {
        st.advance_old_sector_census(&policy, &store, Some(OLD_SECTOR_CENSUS_BLOCKS_PER_CRON))?;
        crons += 1;
    }
    let got = st.old_sector_counters().copied().unwrap_or_default();
    ensure!(
        got.initial == old,
        "counted {} old sectors, expected {old}",
        got.initial
    );
    Ok((old, crons, shares))
}

fn run() -> anyhow::Result<()> {
    println!("FIP-0067 old-sector census on the real FVM (32 GiB sectors in 48 partitions, expirations over {SPREAD} proving periods)");
    println!();
    println!("| sectors | old | first TerminateSectors: census twin | preset twin | difference | crons to count | crons measured | census share of a cron: max | mean |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    // The census of the larger miner takes over a thousand crons; its first two proving periods
    // are run on the FVM.
    for (sectors, measured) in [(10_000u64, None), (100_000, Some(96))] {
        let (mut twin, m, _) = build(sectors, false)?;
        let (mut preset, mp, _) = build(sectors, true)?;
        let t_census = first_termination(&mut twin, &m)?;
        let t_preset = first_termination(&mut preset, &mp)?;
        let (old, crons, shares) = census(sectors, measured)?;
        println!(
            "| {sectors} | {old} | {t_census} | {t_preset} | {} | {crons} | {} | {} | {} |",
            t_census as i64 - t_preset as i64,
            shares.len(),
            shares.iter().max().copied().unwrap_or_default(),
            shares.iter().sum::<i64>() / shares.len().max(1) as i64,
        );
    }
    Ok(())
}
