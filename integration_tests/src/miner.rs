//! A storage provider's steps as messages, written once for every scenario and the demo: a BLS
//! worker account, a miner created through the power actor, pre-commitments, prove-commitments
//! with fake seal proofs and direct data onboarding pieces, and the worker's other messages,
//! each asserting that the message succeeded.

use anyhow::{anyhow, ensure, Context};
use cid::multihash::Multihash;
use cid::Cid;
use fil_actor_miner::{
    max_prove_commit_duration, CompactCommD, Method as MinerMethod, PieceActivationManifest,
    PreCommitSectorBatchParams2, ProveCommitSectors3Params, SectorActivationManifest,
    SectorPreCommitInfo, State,
};
use fil_actor_power::{CreateMinerParams, CreateMinerReturn, Method as PowerMethod};
use fil_actors_runtime::builtin::{BURNT_FUNDS_ACTOR_ID, STORAGE_POWER_ACTOR_ADDR};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_encoding::{BytesDe, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::commcid::{
    piece_commitment_v1_to_cid, FIL_COMMITMENT_SEALED, POSEIDON_BLS12_381_A1_FC1,
};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::{RegisteredPoStProof, RegisteredSealProof, SectorNumber};
use fvm_shared::{ActorID, METHOD_SEND};
use serde::Serialize;
use test_vm::{actor_state, balance, bundle, walk_to, MessageResult, Msg, VM};

/// The proofs of the test bundle's 2 KiB sectors.
pub const SEAL_PROOF: RegisteredSealProof = RegisteredSealProof::StackedDRG2KiBV1P1;
pub const POST_PROOF: RegisteredPoStProof = RegisteredPoStProof::StackedDRGWindow2KiBV1P1;

/// The policy of the network the test bundle was built for.
pub fn policy() -> anyhow::Result<Policy> {
    Ok(bundle()?.policy.clone())
}

/// The key address of BLS account `i` (a fixed fake key; the test VM checks no signatures).
pub fn bls_address(i: u8) -> Address {
    Address::new_bls(&[i; 48]).expect("48 bytes make a BLS address")
}

/// A sealed-sector commitment (CommR) CID, distinct per `seed`.
pub fn sealed_cid(seed: u8) -> Cid {
    let digest =
        Multihash::wrap(POSEIDON_BLS12_381_A1_FC1, &[seed; 32]).expect("32 bytes fit a multihash");
    Cid::new_v1(FIL_COMMITMENT_SEALED, digest)
}

/// A piece commitment (CommP) CID (fil-commitment-unsealed, sha2-256-trunc254-padded),
/// distinct per `seed`; the last byte's top two bits are clear, so it is a field element as a
/// real CommP is.
pub fn piece_cid(seed: u8) -> Cid {
    let mut commitment = [seed; 32];
    commitment[31] &= 0x3f;
    piece_commitment_v1_to_cid(&commitment).expect("32 bytes make a piece commitment")
}

/// A piece for direct data onboarding (FIP-0076): no verified allocation, no notification.
pub fn ddo_piece(cid: Cid, size: u64) -> PieceActivationManifest {
    PieceActivationManifest {
        cid,
        size: PaddedPieceSize(size),
        verified_allocation_key: None,
        notify: vec![],
    }
}

/// `ProveCommitSectors3` for `activations`, one non-empty fake seal proof per sector, every
/// activation required to succeed.
pub fn prove_commit_params(
    activations: Vec<SectorActivationManifest>,
) -> ProveCommitSectors3Params {
    let sector_proofs = activations
        .iter()
        .map(|a| RawBytes::new(vec![0xc0, a.sector_number as u8]))
        .collect();
    ProveCommitSectors3Params {
        sector_activations: activations,
        sector_proofs,
        aggregate_proof: RawBytes::default(),
        aggregate_proof_type: None,
        require_activation_success: true,
        require_notification_success: true,
    }
}

/// The worker's message calling `method` of the miner with `params`.
pub fn worker_message<P: Serialize>(
    m: &MinerAddrs,
    method: MinerMethod,
    params: &P,
) -> anyhow::Result<Msg> {
    Msg::new(m.worker, m.miner, method as u64).params(params)
}

/// Applies `msg` and requires exit code 0.
pub fn apply_ok(vm: &mut dyn VM, msg: &Msg) -> anyhow::Result<MessageResult> {
    let result = vm.apply(msg)?;
    ensure!(
        result.code == ExitCode::OK,
        "message {} -> {} method {} failed with {}: {}",
        msg.from,
        msg.to,
        msg.method,
        result.code,
        result.failure.clone().unwrap_or_default()
    );
    Ok(result)
}

/// A miner and the accounts that run it.
#[derive(Clone, Copy, Debug)]
pub struct MinerAddrs {
    pub owner: Address,
    /// The worker's BLS key address.
    pub worker: Address,
    pub miner: Address,
    pub miner_id: ActorID,
}

/// Creates the worker's BLS account with a transfer from `owner`, then a miner through the
/// power actor, sending `deposit` with `CreateMiner` (FIP-0077).
pub fn create_miner(
    vm: &mut dyn VM,
    owner: Address,
    worker_seed: u8,
    deposit: TokenAmount,
) -> anyhow::Result<MinerAddrs> {
    Ok(create_miner_traced(vm, owner, worker_seed, deposit)?.0)
}

/// [`create_miner`], also returning the result of the `CreateMiner` message.
pub fn create_miner_traced(
    vm: &mut dyn VM,
    owner: Address,
    worker_seed: u8,
    deposit: TokenAmount,
) -> anyhow::Result<(MinerAddrs, MessageResult)> {
    create_miner_proving(vm, owner, worker_seed, deposit, POST_PROOF)
}

/// [`create_miner_traced`] for a miner proving with `post_proof` (its sector size and partition
/// size follow from it).
pub fn create_miner_proving(
    vm: &mut dyn VM,
    owner: Address,
    worker_seed: u8,
    deposit: TokenAmount,
    post_proof: RegisteredPoStProof,
) -> anyhow::Result<(MinerAddrs, MessageResult)> {
    let worker = bls_address(worker_seed);
    apply_ok(
        vm,
        &Msg::new(owner, worker, METHOD_SEND).value(TokenAmount::from_whole(10)),
    )?;
    let params = CreateMinerParams {
        owner,
        worker,
        window_post_proof_type: post_proof,
        peer: b"12D3KooW-test-peer".to_vec(),
        multiaddrs: vec![BytesDe(b"/ip4/127.0.0.1/tcp/1234".to_vec())],
    };
    let result = apply_ok(
        vm,
        &Msg::new(
            owner,
            STORAGE_POWER_ACTOR_ADDR,
            PowerMethod::CreateMiner as u64,
        )
        .params(&params)?
        .value(deposit),
    )?;
    let ret: CreateMinerReturn = result.ret_as()?;
    let miner_id = ret
        .id_address
        .id()
        .context("CreateMiner returns an ID address")?;
    let m = MinerAddrs {
        owner,
        worker,
        miner: ret.id_address,
        miner_id,
    };
    Ok((m, result))
}

/// A pre-commitment of a sector without deal IDs, sealed at the previous epoch.
pub fn precommit_info(
    vm: &dyn VM,
    sector_number: SectorNumber,
    expiration: ChainEpoch,
    unsealed: Option<Cid>,
) -> SectorPreCommitInfo {
    SectorPreCommitInfo {
        seal_proof: SEAL_PROOF,
        sector_number,
        sealed_cid: sealed_cid(sector_number as u8),
        seal_rand_epoch: vm.epoch() - 1,
        deal_ids: vec![],
        expiration,
        unsealed_cid: CompactCommD::new(unsealed),
    }
}

/// The worker pre-commits `sectors`, sending `value` to cover the deposits.
pub fn precommit(
    vm: &mut dyn VM,
    m: &MinerAddrs,
    sectors: Vec<SectorPreCommitInfo>,
    value: TokenAmount,
) -> anyhow::Result<MessageResult> {
    apply_ok(
        vm,
        &Msg::new(m.worker, m.miner, MinerMethod::PreCommitSectorBatch2 as u64)
            .params(&PreCommitSectorBatchParams2 { sectors })?
            .value(value),
    )
}

/// The prove-commit window of the test bundle's seal proof.
pub fn max_prove_commit_window(policy: &Policy) -> anyhow::Result<ChainEpoch> {
    max_prove_commit_duration(policy, SEAL_PROOF)
        .ok_or_else(|| anyhow!("no prove-commit window for {SEAL_PROOF:?}"))
}

/// An expiration a pre-commitment made now may declare: the minimum lifetime after the latest
/// possible activation, plus ten days.
pub fn valid_expiration(vm: &dyn VM) -> anyhow::Result<ChainEpoch> {
    let policy = policy()?;
    Ok(vm.epoch()
        + max_prove_commit_window(&policy)?
        + policy.min_sector_expiration
        + 10 * EPOCHS_IN_DAY)
}

/// A pre-commitment left to expire, and what its expiry did.
pub struct ExpiredPrecommit {
    /// The pre-commit message.
    pub precommit: MessageResult,
    /// The deposit the pre-commitment locked.
    pub deposit: TokenAmount,
    /// The epoch whose cron tick forfeited it, and that tick.
    pub tick_epoch: ChainEpoch,
    pub tick: MessageResult,
    /// What the burnt-funds actor gained in that tick.
    pub burnt: TokenAmount,
}

/// The worker pre-commits `sector` (no data) and never proves it: the clean-up falls due at
/// the first deadline boundary after the prove-commit window and the clean-up delay, so the VM
/// jumps past it and runs the tick of that epoch, whose miner cron forfeits the deposit.
pub fn precommit_and_let_expire(
    vm: &mut dyn VM,
    m: &MinerAddrs,
    sector: SectorNumber,
) -> anyhow::Result<ExpiredPrecommit> {
    let policy = policy()?;
    let max_prove = max_prove_commit_window(&policy)?;
    let info = precommit_info(vm, sector, valid_expiration(vm)?, None);
    let precommit = precommit(vm, m, vec![info], TokenAmount::from_whole(1))?;
    let st: State = actor_state(vm, m.miner_id)?;
    let due = st
        .quant_spec_every_deadline(&policy)
        .quantize_up(vm.epoch() + max_prove + policy.expired_pre_commit_clean_up_delay);
    // Ticks on the way keep each cron's catch-up (the reward actor's, the market's) within a
    // message's gas; the last one comes before the clean-up falls due.
    walk_to(vm, due - 1)?;
    vm.advance_epoch(due + policy.wpost_challenge_window)?;
    let burnt_before = balance(vm, BURNT_FUNDS_ACTOR_ID)?;
    let tick_epoch = vm.epoch();
    let tick = vm.advance_epoch(tick_epoch + 1)?;
    Ok(ExpiredPrecommit {
        precommit,
        deposit: st.pre_commit_deposits,
        tick_epoch,
        tick,
        burnt: balance(vm, BURNT_FUNDS_ACTOR_ID)? - burnt_before,
    })
}
