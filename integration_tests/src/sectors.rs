//! Sectors written straight into a miner's state through the miner's own state API, for
//! scenarios that read a miner rather than grow one (sector status from contracts, its gas on
//! large miners, FIP-0067's census). The sectors are committed but not yet proven by a Window
//! PoSt, so they carry no power and the power actor's claim stays consistent; installing them
//! schedules no cron, which `turn_on_deadline_cron` does when a scenario needs it.

use std::ops::RangeInclusive;

use anyhow::anyhow;
use fil_actor_miner::{
    CollisionPolicy, Method as MinerMethod, PreCommitSectorBatchParams2, SectorOnChainInfo, State,
};
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredPoStProof, RegisteredSealProof, SectorNumber};
use fvm_shared::{ActorID, METHOD_SEND};
use test_vm::genesis::genesis;
use test_vm::{actor_state, get_cbor, put_cbor, walk_to, MessageResult, Msg, StoreRef, VM};

use crate::miner::{
    apply_ok, create_miner, create_miner_proving, policy, precommit_info, sealed_cid,
    valid_expiration, MinerAddrs, SEAL_PROOF,
};

/// Adds sectors `numbers` to deadline `deadline` of the miner at `miner_id`, activated now and
/// expiring at the deadline's first quantized epoch at or after `expiration`, which it returns.
pub fn install_sectors(
    vm: &mut dyn VM,
    miner_id: ActorID,
    deadline: u64,
    numbers: RangeInclusive<u64>,
    expiration: ChainEpoch,
) -> anyhow::Result<ChainEpoch> {
    let sectors: Vec<(u64, ChainEpoch)> = numbers.map(|n| (n, expiration)).collect();
    let expirations = install_sectors_expiring(vm, miner_id, deadline, SEAL_PROOF, &sectors)?;
    expirations
        .first()
        .copied()
        .ok_or_else(|| anyhow!("no sector to install"))
}

/// Adds each `(number, expiration)` of `sectors` to deadline `deadline` of the miner at
/// `miner_id`, sealed with `seal_proof` (which must match the miner's sector size), activated now
/// and expiring at the deadline's first quantized epoch at or after the given one. Returns those
/// quantized expirations, in order.
pub fn install_sectors_expiring(
    vm: &mut dyn VM,
    miner_id: ActorID,
    deadline: u64,
    seal_proof: RegisteredSealProof,
    sectors: &[(u64, ChainEpoch)],
) -> anyhow::Result<Vec<ChainEpoch>> {
    let policy = policy()?;
    let actor = vm
        .actor(miner_id)?
        .ok_or_else(|| anyhow!("no actor {miner_id}"))?;
    let activation = vm.epoch();
    let (state, expirations) = {
        let store = StoreRef(vm.store());
        let mut st: State = get_cbor(vm.store(), &actor.state)?;
        let info = st.get_info(&store)?;
        let quant = st.quant_spec_for_deadline(&policy, deadline);
        let infos: Vec<SectorOnChainInfo> = sectors
            .iter()
            .map(|&(n, expiration)| SectorOnChainInfo {
                sector_number: n,
                seal_proof,
                sealed_cid: sealed_cid(n as u8),
                activation,
                expiration: quant.quantize_up(expiration),
                power_base_epoch: activation,
                ..Default::default()
            })
            .collect();
        let bits = BitField::try_from_bits(sectors.iter().map(|&(n, _)| n))?;
        st.allocate_sector_numbers(&store, &bits, CollisionPolicy::DenyCollisions)?;
        st.put_sectors(&store, infos.clone())?;
        let mut deadlines = st.load_deadlines(&store)?;
        let mut dl = deadlines.load_deadline(&store, deadline)?;
        dl.add_sectors(
            &store,
            info.window_post_partition_sectors,
            false,
            true,
            &infos,
            info.sector_size,
            quant,
        )?;
        deadlines.update_deadline(&policy, &store, deadline, &dl)?;
        st.save_deadlines(&store, deadlines)?;
        let expirations = infos.iter().map(|s| s.expiration).collect();
        (put_cbor(vm.store(), &st)?, expirations)
    };
    vm.set_actor(miner_id, test_vm::ActorState { state, ..actor })?;
    Ok(expirations)
}

/// A miner of `count` 32 GiB sectors for FIP-0067's census, on a fresh network: sectors
/// `0..count` activated shortly before the timeline's start, spread evenly over the 48 deadlines
/// (one partition each up to 2,349 sectors), sector `n` expiring `1 + n % spread` proving periods
/// after the start (off the period boundaries), so a partition has up to `spread` queue entries.
/// The worker holds 5,000 FIL for a 32 GiB pre-commit deposit. Returns the miner and how many of
/// its sectors are old (expiring after the threshold, as recorded).
pub fn census_miner(vm: &mut dyn VM, count: u64, spread: u64) -> anyhow::Result<(MinerAddrs, u64)> {
    let policy = policy()?;
    let start = policy
        .replacement_sealing_start_epoch
        .ok_or_else(|| anyhow!("the test network starts the FIP-0067 timeline"))?;
    let g = genesis(vm, &[TokenAmount::from_whole(10_000)])?;
    let (owner, _) = g.accounts[0];
    let (m, _) = create_miner_proving(
        vm,
        owner,
        1,
        TokenAmount::from_whole(10),
        RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
    )?;
    apply_ok(
        vm,
        &Msg::new(owner, m.worker, METHOD_SEND).value(TokenAmount::from_whole(5_000)),
    )?;
    walk_to(vm, start - 3 * policy.wpost_challenge_window)?;
    let per_deadline = count.div_ceil(policy.wpost_period_deadlines);
    let threshold = start + policy.replacement_sealing_deactivation_target;
    let mut old = 0;
    for dl in 0..policy.wpost_period_deadlines {
        let layout: Vec<(u64, ChainEpoch)> = (dl * per_deadline
            ..((dl + 1) * per_deadline).min(count))
            .map(|n| {
                let periods = 1 + (n % spread) as i64;
                (
                    n,
                    start + periods * policy.wpost_proving_period + (n % 97) as i64,
                )
            })
            .collect();
        if !layout.is_empty() {
            let recorded =
                install_sectors_expiring(vm, m.miner_id, dl, CENSUS_SEAL_PROOF, &layout)?;
            old += recorded.iter().filter(|&&e| e > threshold).count() as u64;
        }
    }
    Ok((m, old))
}

/// The seal proof of [`census_miner`]'s sectors.
pub const CENSUS_SEAL_PROOF: RegisteredSealProof = RegisteredSealProof::StackedDRG32GiBV1P1;

/// Moves the miner's recorded proving period and deadline to the current epoch's, as its deadline
/// cron would have if it had been running: for a miner whose cron was off while the chain moved
/// on, so that turning the cron on does not replay every deadline it skipped.
pub fn catch_up_proving_period(vm: &mut dyn VM, miner_id: ActorID) -> anyhow::Result<()> {
    let policy = policy()?;
    let mut actor = vm
        .actor(miner_id)?
        .ok_or_else(|| anyhow!("no actor {miner_id}"))?;
    let mut st: State = get_cbor(vm.store(), &actor.state)?;
    let now = st.deadline_info(&policy, vm.epoch());
    st.proving_period_start = now.period_start;
    st.current_deadline = now.index;
    actor.state = put_cbor(vm.store(), &st)?;
    vm.set_actor(miner_id, actor)
}

/// Turns on the deadline cron of a miner whose sectors were installed (installation schedules no
/// cron): catches its proving period up to today's (no skipped deadline is replayed), then its
/// worker pre-commits sector `number` sealed with `seal_proof`, sending `deposit`, which enrolls
/// the cron at the end of the current deadline.
pub fn turn_on_deadline_cron(
    vm: &mut dyn VM,
    m: &MinerAddrs,
    seal_proof: RegisteredSealProof,
    number: SectorNumber,
    deposit: TokenAmount,
) -> anyhow::Result<()> {
    catch_up_proving_period(vm, m.miner_id)?;
    let mut info = precommit_info(vm, number, valid_expiration(vm)?, None);
    info.seal_proof = seal_proof;
    let msg = Msg::new(m.worker, m.miner, MinerMethod::PreCommitSectorBatch2 as u64)
        .params(&PreCommitSectorBatchParams2 {
            sectors: vec![info],
        })?
        .value(deposit);
    apply_ok(vm, &msg)?;
    Ok(())
}

/// Runs the chain to the last epoch of the miner's current deadline and through that epoch's
/// cron tick, which runs the miner's deadline cron. Returns the tick.
pub fn run_deadline_cron(vm: &mut dyn VM, miner_id: ActorID) -> anyhow::Result<MessageResult> {
    let policy = policy()?;
    let st: State = actor_state(vm, miner_id)?;
    let last = st.deadline_info(&policy, vm.epoch()).last();
    if vm.epoch() < last {
        vm.advance_epoch(last)?;
    }
    vm.advance_epoch(last + 1)
}

/// The real FVM's gas of the miner's `OnDeferredCronEvent` call in a cron tick, if the tick ran it
/// (`None` on the native VM, which measures no gas). Fails if the call failed.
pub fn miner_cron_gas(tick: &MessageResult, miner_id: ActorID) -> anyhow::Result<Option<u64>> {
    let call = tick.trace.flatten().into_iter().find(|t| {
        t.method == MinerMethod::OnDeferredCronEvent as u64 && t.to.id().ok() == Some(miner_id)
    });
    match call {
        None => Ok(None),
        Some(call) => {
            anyhow::ensure!(
                call.code.is_success(),
                "the miner's cron failed with {} after {:?} gas",
                call.code,
                call.gas
            );
            Ok(call.gas)
        }
    }
}

/// A fresh network with an owner (1,000 FIL) and an unrelated account (10 FIL), and a miner of
/// the owner's. Returns the miner and the unrelated account, which reads or pokes the miner.
pub fn miner_and_stranger(vm: &mut dyn VM) -> anyhow::Result<(MinerAddrs, Address)> {
    let g = genesis(
        vm,
        &[TokenAmount::from_whole(1000), TokenAmount::from_whole(10)],
    )?;
    let (owner, _) = g.accounts[0];
    let (stranger, _) = g.accounts[1];
    let m = create_miner(vm, owner, 1, TokenAmount::from_whole(10))?;
    Ok((m, stranger))
}

/// [`miner_and_stranger`] with sectors 1 to 3 in deadline 3 (partition 0 holds 1 and 2,
/// partition 1 holds 3), expiring at the returned epoch.
pub fn small_miner(vm: &mut dyn VM) -> anyhow::Result<(MinerAddrs, Address, ChainEpoch)> {
    let (m, stranger) = miner_and_stranger(vm)?;
    let expiration = install_sectors(vm, m.miner_id, 3, 1..=3, 600_000)?;
    Ok((m, stranger, expiration))
}
