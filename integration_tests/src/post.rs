//! Window PoSt as a storage provider builds it on the test network: the chain commitment and the
//! challenge drawn from the randomness both engines serve (`test_vm::chain`), and the one fake
//! proof the `testing-fake-proofs` verifier accepts for the challenged sectors
//! (`fake_proofs::window_post_proof_bytes`).

use anyhow::{ensure, Context};
use fil_actor_miner::{
    DeadlineInfo, Method as MinerMethod, PoStPartition, Sectors, State as MinerState,
    SubmitWindowedPoStParams,
};
use fil_actors_runtime::runtime::fake_proofs::window_post_proof_bytes;
use fil_actors_runtime::runtime::randomness::draw_randomness;
use fil_actors_runtime::runtime::DomainSeparationTag;
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::randomness::{Randomness, RANDOMNESS_LENGTH};
use fvm_shared::sector::{PoStProof, RegisteredPoStProof, SectorInfo};
use multihash_codetable::{Code, MultihashDigest};
use test_vm::{actor_state, chain, MessageResult, StoreRef, VM};

use crate::miner::{apply_ok, policy, worker_message, MinerAddrs, POST_PROOF};
use crate::sectors::run_deadline_cron;

fn blake2b(data: &[u8]) -> [u8; RANDOMNESS_LENGTH] {
    let mut out = [0u8; RANDOMNESS_LENGTH];
    out.copy_from_slice(Code::Blake2b256.digest(data).digest());
    out
}

/// The ticket randomness a PoSt commits to at `epoch` (no entropy), as the miner draws it.
pub fn post_chain_commit_rand(epoch: ChainEpoch) -> Randomness {
    Randomness(
        draw_randomness(
            blake2b,
            &chain::chain_randomness(epoch),
            DomainSeparationTag::PoStChainCommit,
            epoch,
            &[],
        )
        .to_vec(),
    )
}

/// The beacon randomness a deadline's sectors are challenged with, personalized with the miner's
/// address.
pub fn post_challenge_rand(miner: &Address, challenge: ChainEpoch) -> anyhow::Result<Vec<u8>> {
    let entropy = fvm_ipld_encoding::to_vec(miner).context("encoding the miner's address")?;
    Ok(draw_randomness(
        blake2b,
        &chain::beacon_randomness(challenge),
        DomainSeparationTag::WindowedPoStChallengeSeed,
        challenge,
        &entropy,
    )
    .to_vec())
}

/// Deadline `d`'s challenge window now or, if it has passed, in the next proving period.
pub fn next_window(vm: &dyn VM, m: &MinerAddrs, d: u64) -> anyhow::Result<DeadlineInfo> {
    let policy = policy()?;
    let st: MinerState = actor_state(vm, m.miner_id)?;
    let epoch = vm.epoch();
    Ok(DeadlineInfo::new(
        &policy,
        st.current_proving_period_start(&policy, epoch),
        d,
        epoch,
    )
    .next_not_elapsed())
}

/// Runs the miner's deadline crons up to deadline `d`'s next window and submits the Window PoSt
/// of [`window_post_params`] from the worker, its proof of type `post_proof` (the miner's).
/// Returns the submission's result, which must succeed.
pub fn prove_next_window(
    vm: &mut dyn VM,
    m: &MinerAddrs,
    d: u64,
    post_proof: RegisteredPoStProof,
) -> anyhow::Result<MessageResult> {
    let dl = next_window(vm, m, d)?;
    while vm.epoch() < dl.open {
        let tick = run_deadline_cron(vm, m.miner_id)?;
        ensure!(
            tick.code.is_success(),
            "cron tick failed with {}",
            tick.code
        );
    }
    let mut params = window_post_params(vm, m, &dl)?;
    for proof in &mut params.proofs {
        proof.post_proof = post_proof;
    }
    apply_ok(
        vm,
        &worker_message(m, MinerMethod::SubmitWindowedPoSt, &params)?,
    )
}

/// The Window PoSt of every partition of `dl` that still holds a live sector, with nothing
/// skipped. The challenged sectors are those the miner verifies against: every sector of the
/// posted partitions in number order, with the first proven sector standing in for each one
/// that is not proven (terminated, or faulty and not recovering).
pub fn window_post_params(
    vm: &dyn VM,
    m: &MinerAddrs,
    dl: &DeadlineInfo,
) -> anyhow::Result<SubmitWindowedPoStParams> {
    let st: MinerState = actor_state(vm, m.miner_id)?;
    let store = StoreRef(vm.store());
    let deadline = st.load_deadlines(&store)?.load_deadline(&store, dl.index)?;
    let mut partitions = Vec::new();
    let mut all = BitField::new();
    let mut ignored = BitField::new();
    deadline.for_each(&store, |index, partition| {
        if (&partition.sectors - &partition.terminated).is_empty() {
            return Ok(());
        }
        partitions.push(PoStPartition {
            index,
            skipped: BitField::new(),
        });
        all |= &partition.sectors;
        ignored |= &partition.terminated;
        ignored |= &(&partition.faults - &partition.recoveries);
        Ok(())
    })?;
    let challenged: Vec<SectorInfo> = Sectors::load(&store, &st.sectors)?
        .load_for_proof(&all, &ignored)?
        .iter()
        .map(|s| SectorInfo {
            proof: s.seal_proof,
            sector_number: s.sector_number,
            sealed_cid: s.sealed_cid,
        })
        .collect();
    let randomness = post_challenge_rand(&m.miner, dl.challenge)?;
    Ok(SubmitWindowedPoStParams {
        deadline: dl.index,
        partitions,
        proofs: vec![PoStProof {
            post_proof: POST_PROOF,
            proof_bytes: window_post_proof_bytes(&randomness, &challenged)?,
        }],
        chain_commit_epoch: dl.challenge,
        chain_commit_rand: post_chain_commit_rand(dl.challenge),
    })
}

/// What a caller of [`prove_until`] is shown of each message and tick: its label and result.
pub type Seen<'a> = &'a mut dyn FnMut(&mut dyn VM, &str, MessageResult) -> anyhow::Result<()>;

/// Keeps deadline `d` proven up to epoch `until`: in every challenge window of `d` that ends
/// before `until`, the chain moves to the window's last epoch, the worker submits the Window PoSt
/// of [`window_post_params`], and the chain moves one epoch on (through the deadline's cron);
/// then it moves to `until`. Every message and tick must succeed; `seen` is shown each.
pub fn prove_until(
    vm: &mut dyn VM,
    m: &MinerAddrs,
    d: u64,
    until: ChainEpoch,
    seen: Seen,
) -> anyhow::Result<()> {
    loop {
        let dl = next_window(vm, m, d)?;
        if dl.last() >= until {
            break;
        }
        if vm.epoch() < dl.last() {
            tick_to(vm, dl.last(), seen)?;
        }
        let params = window_post_params(vm, m, &dl)?;
        let r = apply_ok(
            vm,
            &worker_message(m, MinerMethod::SubmitWindowedPoSt, &params)?,
        )?;
        seen(vm, "SubmitWindowedPoSt", r)?;
        tick_to(vm, dl.last() + 1, seen)?;
    }
    if vm.epoch() < until {
        tick_to(vm, until, seen)?;
    }
    Ok(())
}

/// Moves the chain to `to` with one cron tick, which must succeed; `seen` is shown it, labelled
/// with the epoch it left.
pub fn tick_to(vm: &mut dyn VM, to: ChainEpoch, seen: Seen) -> anyhow::Result<()> {
    let from = vm.epoch();
    let r = vm.advance_epoch(to)?;
    ensure!(
        r.code.is_success(),
        "the tick at {from} failed with {}: {:?}",
        r.code,
        r.failure
    );
    seen(vm, &format!("tick at {from}"), r)
}
