//! Verified data's whole life on one engine, written once against the `VM` trait: the root key
//! adds a verifier; the verifier adds a client; the client transfers datacap to the registry with
//! allocation requests for two pieces to one provider; the provider commits a sector holding one
//! piece with `ProveCommitSectors3` (the allocation is claimed, the sector has verified power once
//! proven); the client extends the claim's term; the other allocation expires and is removed (its
//! datacap back to the client); the sector is terminated, and the claim, once expired, removed;
//! last, the root key removes the verifier.
//!
//! Every step asserts its exit code, its events entry by entry (`super::events`), the datacap
//! balances and supply, and the power, from figures computed here. The record of each step is
//! what the two engines must agree on; the real FVM's gas of every message and of each call it
//! made to the registry or the token is kept for `verified_gas`.

use anyhow::{ensure, Context};
use cid::Cid;
use fil_actor_datacap::TransferReturn;
use fil_actor_miner::emit::{
    sector_data_event, sector_precommitted_event, sector_terminated_event, FeeApplied, FeeType,
};
use fil_actor_miner::{
    max_prove_commit_duration, Method as MinerMethod, PieceActivationManifest,
    ProveCommitSectors3Return, SectorActivationManifest, State as MinerState,
    TerminateSectorsParams, TerminateSectorsReturn, TerminationDeclaration, VerifiedAllocationKey,
};
use fil_actor_verifreg::{
    Allocation, AllocationRequest, AllocationRequests, AllocationsResponse, Claim, ClaimTerm,
    ExtendClaimTermsParams, Method as VerifregMethod, RemoveExpiredAllocationsParams,
    RemoveExpiredAllocationsReturn, RemoveExpiredClaimsParams, RemoveExpiredClaimsReturn,
};
use fil_actors_runtime::builtin::{
    BURNT_FUNDS_ACTOR_ID, DATACAP_TOKEN_ACTOR_ID, STORAGE_POWER_ACTOR_ID,
    VERIFIED_REGISTRY_ACTOR_ADDR, VERIFIED_REGISTRY_ACTOR_ID,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::BatchReturn;
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;
use fvm_shared::piece::{PaddedPieceSize, PieceInfo};
use fvm_shared::sector::{SectorNumber, StoragePower};
use fvm_shared::{ActorID, MethodNum};
use serde::Serialize;
use test_vm::genesis::genesis;
use test_vm::native::comm_d::compute_unsealed_sector_cid;
use test_vm::{actor_state, balance, walk_to, MessageResult, Msg, StoreRef, VM};

use super::{
    add_verified_client_traced, add_verifier_traced, datacap_balance, datacap_supply,
    datacap_tokens, events, registry, remove_verifier_traced, transfer_to_registry_msg,
    verifier_allowance,
};
use crate::check_eq;
use crate::fil;
use crate::miner::{
    apply_ok, create_miner, piece_cid, policy, precommit, precommit_info, prove_commit_params,
    MinerAddrs, POST_PROOF, SEAL_PROOF,
};
use crate::post::prove_next_window;
use crate::sectors::run_deadline_cron;
use crate::state_log::{StateLog, WrittenState};

/// The verifier's allowance from the root key: 1 MiB.
pub const VERIFIER_ALLOWANCE: u64 = 1 << 20;
/// Each piece fills a 2 KiB sector.
pub const PIECE_SIZE: u64 = 2048;
/// The datacap the verifier gives the client: four pieces' worth.
pub const CLIENT_DATACAP: u64 = 4 * PIECE_SIZE;
/// The sector that holds the first piece.
pub const SECTOR: SectorNumber = 100;
/// How long after the transfer the allocations may be claimed.
pub const ALLOCATION_WINDOW: ChainEpoch = 3 * EPOCHS_IN_DAY;
/// How much the client extends the claim's maximum term by.
pub const TERM_EXTENSION: ChainEpoch = 30 * EPOCHS_IN_DAY;

/// One message of the life: what the engines must agree on.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub label: String,
    pub code: ExitCode,
    pub events: Vec<StampedEvent>,
}

/// The real FVM's gas of a message of the life, and of each call it made to the verified
/// registry or the datacap token (`None` on the native VM).
#[derive(Clone, Debug, PartialEq)]
pub struct GasUse {
    pub label: String,
    pub gas: Option<u64>,
    /// `(actor, method number, gas)` of each call to the registry or the token, depth first.
    pub calls: Vec<(ActorID, MethodNum, Option<u64>)>,
    /// The FVM's `OnActorEvent` charge of each event the message emitted.
    pub event_gas: Vec<u64>,
}

/// What the life recorded.
#[derive(Clone, Debug)]
pub struct VerifiedOutcome {
    pub steps: Vec<Step>,
    pub gas: Vec<GasUse>,
    /// Every state the registry and the token held, for the v18 decoders.
    pub states: Vec<WrittenState>,
    /// The state root at the end.
    pub root: Cid,
}

struct Walk<'v> {
    vm: &'v mut dyn VM,
    log: StateLog,
    steps: Vec<Step>,
    gas: Vec<GasUse>,
}

impl Walk<'_> {
    /// Records a message's result under `label`; it must have succeeded.
    fn note(&mut self, label: &str, r: &MessageResult) -> anyhow::Result<()> {
        ensure!(
            r.code.is_success(),
            "{label} failed with {}: {:?}",
            r.code,
            r.failure
        );
        self.steps.push(Step {
            label: label.to_string(),
            code: r.code,
            events: r.events.clone(),
        });
        let calls = r
            .trace
            .flatten()
            .into_iter()
            .filter(|t| {
                matches!(
                    t.to.id(),
                    Ok(VERIFIED_REGISTRY_ACTOR_ID) | Ok(DATACAP_TOKEN_ACTOR_ID)
                )
            })
            .map(|t| (t.to.id().unwrap_or_default(), t.method, t.gas))
            .collect();
        self.gas.push(GasUse {
            label: label.to_string(),
            gas: r.gas_used,
            calls,
            event_gas: r.event_gas.clone(),
        });
        self.log.record(self.vm)
    }

    /// Applies `msg` and records it under `label`.
    fn send(&mut self, label: &str, msg: &Msg) -> anyhow::Result<MessageResult> {
        let r = apply_ok(self.vm, msg)?;
        self.note(label, &r)?;
        Ok(r)
    }

    /// The datacap of `holder`, the supply, checked against the expected whole bytes.
    fn expect_datacap(
        &self,
        what: &str,
        holders: &[(ActorID, u64)],
        supply: u64,
    ) -> anyhow::Result<()> {
        for &(holder, bytes) in holders {
            check_eq(
                &format!("{what}: datacap of {holder}"),
                datacap_balance(self.vm, holder)?,
                datacap_tokens(bytes),
            )?;
        }
        check_eq(
            &format!("{what}: datacap supply"),
            datacap_supply(self.vm)?,
            datacap_tokens(supply),
        )
    }

    /// The power actor's claim for the miner: raw and quality-adjusted bytes.
    fn expect_power(&self, what: &str, miner: &Address, raw: u64, qa: u64) -> anyhow::Result<()> {
        let st: fil_actor_power::State = actor_state(self.vm, STORAGE_POWER_ACTOR_ID)?;
        let claim = st
            .get_claim(&StoreRef(self.vm.store()), miner)?
            .context("the miner has a power claim")?;
        check_eq(
            &format!("{what}: raw and quality-adjusted power"),
            (claim.raw_byte_power, claim.quality_adj_power),
            (StoragePower::from(raw), StoragePower::from(qa)),
        )
    }

    /// The client's allocations and the provider's claims in the registry's state.
    fn expect_registry(
        &self,
        what: &str,
        client: ActorID,
        allocations: &[(u64, &Allocation)],
        provider: ActorID,
        claims: &[(u64, &Claim)],
    ) -> anyhow::Result<()> {
        let st = registry(self.vm)?;
        let store = StoreRef(self.vm.store());
        let mut stored_allocs = Vec::new();
        st.load_allocs(&store)?.for_each_in(client, |id, a| {
            stored_allocs.push((id, a.clone()));
            Ok(())
        })?;
        stored_allocs.sort_by_key(|(id, _)| *id);
        let expected: Vec<(u64, Allocation)> = allocations
            .iter()
            .map(|(id, a)| (*id, (*a).clone()))
            .collect();
        check_eq(&format!("{what}: allocations"), stored_allocs, expected)?;
        let mut stored_claims = Vec::new();
        st.load_claims(&store)?.for_each_in(provider, |id, c| {
            stored_claims.push((id, c.clone()));
            Ok(())
        })?;
        stored_claims.sort_by_key(|(id, _)| *id);
        let expected: Vec<(u64, Claim)> =
            claims.iter().map(|(id, c)| (*id, (*c).clone())).collect();
        check_eq(&format!("{what}: claims"), stored_claims, expected)
    }
}

/// The message from `from` calling `method` of the registry with `params`.
fn registry_msg<P: Serialize>(
    from: Address,
    method: VerifregMethod,
    params: &P,
) -> anyhow::Result<Msg> {
    Msg::new(from, VERIFIED_REGISTRY_ACTOR_ADDR, method as MethodNum).params(params)
}

/// The sector's deadline and partition in the miner's state.
fn location(vm: &dyn VM, m: &MinerAddrs, sector: SectorNumber) -> anyhow::Result<(u64, u64)> {
    let st: MinerState = actor_state(vm, m.miner_id)?;
    Ok(st.find_sector(&StoreRef(vm.store()), sector)?)
}

/// The longest term a claim of the life may have: the sector's lifetime (see [`verified_life`])
/// plus a day, so the sector fits between the minimum and maximum terms.
fn sector_lifetime(policy: &Policy) -> anyhow::Result<ChainEpoch> {
    let max_prove = max_prove_commit_duration(policy, SEAL_PROOF)
        .context("2 KiB sectors have a prove-commit window")?;
    Ok(max_prove + policy.min_sector_expiration + EPOCHS_IN_DAY
        - policy.pre_commit_challenge_delay
        - 1)
}

/// The whole life on `vm`, from genesis. Fails at the first value that is not the expected one.
pub fn verified_life(vm: &mut dyn VM) -> anyhow::Result<VerifiedOutcome> {
    let policy = policy()?;
    let g = genesis(vm, &[fil(100), fil(100), fil(10_000)])?;
    let (verifier, verifier_id) = g.accounts[0];
    let (client, client_id) = g.accounts[1];
    let (owner, _) = g.accounts[2];
    let mut w = Walk {
        vm,
        log: StateLog::default(),
        steps: Vec::new(),
        gas: Vec::new(),
    };
    w.log.watch(VERIFIED_REGISTRY_ACTOR_ID);
    w.log.watch(DATACAP_TOKEN_ACTOR_ID);
    w.log.record(w.vm)?;
    w.expect_datacap("genesis", &[(client_id, 0)], 0)?;

    // 1. The root key adds the verifier: one verifier-balance event with its allowance.
    let allowance = StoragePower::from(VERIFIER_ALLOWANCE);
    let r = add_verifier_traced(w.vm, &verifier, &allowance)?;
    w.note("AddVerifier (root key approval)", &r)?;
    check_eq(
        "AddVerifier events",
        r.events.clone(),
        vec![events::verifier_balance(verifier_id, &allowance, None)],
    )?;
    check_eq(
        "verifier allowance",
        verifier_allowance(w.vm, verifier_id)?,
        Some(allowance.clone()),
    )?;

    // 2. The verifier adds the client: its allowance drops by the client's datacap, which is
    // minted to the client; v18's event names the client.
    let r = add_verified_client_traced(
        w.vm,
        &verifier,
        &client,
        &StoragePower::from(CLIENT_DATACAP),
    )?;
    w.note("AddVerifiedClient", &r)?;
    let remaining = StoragePower::from(VERIFIER_ALLOWANCE - CLIENT_DATACAP);
    check_eq(
        "AddVerifiedClient events",
        r.events.clone(),
        vec![events::verifier_balance(
            verifier_id,
            &remaining,
            Some(client_id),
        )],
    )?;
    check_eq(
        "verifier allowance after the client",
        verifier_allowance(w.vm, verifier_id)?,
        Some(remaining),
    )?;
    w.expect_datacap(
        "client added",
        &[(client_id, CLIENT_DATACAP), (VERIFIED_REGISTRY_ACTOR_ID, 0)],
        CLIENT_DATACAP,
    )?;

    // 3. The provider's miner, then the client's transfer of two pieces' datacap with a request
    // for each piece.
    let m = create_miner(w.vm, owner, 1, fil(10))?;
    let provider = m.miner_id;
    let t0 = w.vm.epoch();
    let term_min = policy.minimum_verified_allocation_term;
    let lifetime = sector_lifetime(&policy)?;
    let term_max = lifetime + EPOCHS_IN_DAY;
    let expiration = t0 + ALLOCATION_WINDOW;
    let pieces = [piece_cid(1), piece_cid(2)];
    let requests = AllocationRequests {
        allocations: pieces
            .iter()
            .map(|&data| AllocationRequest {
                provider,
                data,
                size: PaddedPieceSize(PIECE_SIZE),
                term_min,
                term_max,
                expiration,
            })
            .collect(),
        extensions: vec![],
    };
    let allocs: Vec<Allocation> = pieces
        .iter()
        .map(|&data| Allocation {
            client: client_id,
            provider,
            data,
            size: PaddedPieceSize(PIECE_SIZE),
            term_min,
            term_max,
            expiration,
        })
        .collect();
    let r = w.send(
        "Transfer (datacap to the registry, two allocations)",
        &transfer_to_registry_msg(&client, 2 * PIECE_SIZE, &requests)?,
    )?;
    let ret: TransferReturn = r.ret_as()?;
    check_eq(
        "transfer balances",
        (ret.from_balance.clone(), ret.to_balance.clone()),
        (
            datacap_tokens(CLIENT_DATACAP - 2 * PIECE_SIZE),
            datacap_tokens(2 * PIECE_SIZE),
        ),
    )?;
    let response: AllocationsResponse = ret.recipient_data.deserialize()?;
    check_eq(
        "allocations response",
        response,
        AllocationsResponse {
            allocation_results: BatchReturn::ok(2),
            extension_results: BatchReturn::ok(0),
            new_allocations: vec![1, 2],
        },
    )?;
    check_eq(
        "allocation events",
        r.events.clone(),
        vec![
            events::allocation("allocation", 1, &allocs[0]),
            events::allocation("allocation", 2, &allocs[1]),
        ],
    )?;
    w.expect_registry(
        "allocated",
        client_id,
        &[(1, &allocs[0]), (2, &allocs[1])],
        provider,
        &[],
    )?;
    w.expect_datacap(
        "allocated",
        &[
            (client_id, CLIENT_DATACAP - 2 * PIECE_SIZE),
            (VERIFIED_REGISTRY_ACTOR_ID, 2 * PIECE_SIZE),
        ],
        CLIENT_DATACAP,
    )?;

    // 4. The provider pre-commits the sector for the first piece, which fills it: its CommD.
    let comm_d = compute_unsealed_sector_cid(
        SEAL_PROOF,
        &[PieceInfo {
            cid: pieces[0],
            size: PaddedPieceSize(PIECE_SIZE),
        }],
    )?;
    let precommit_epoch = w.vm.epoch();
    let activation = precommit_epoch + policy.pre_commit_challenge_delay + 1;
    let sector_expiration = activation + lifetime;
    let info = precommit_info(w.vm, SECTOR, sector_expiration, Some(comm_d));
    let r = precommit(w.vm, &m, vec![info], fil(1))?;
    w.note("PreCommitSectorBatch2", &r)?;
    check_eq(
        "pre-commit events",
        r.events.clone(),
        vec![StampedEvent::new(
            provider,
            sector_precommitted_event(SECTOR)?,
        )],
    )?;

    // 5. ProveCommitSectors3 with the piece and its allocation: the registry turns allocation 1
    // into claim 1 (burning its datacap), then the miner announces the sector.
    w.vm.advance_epoch(activation)?;
    let manifest = SectorActivationManifest {
        sector_number: SECTOR,
        pieces: vec![PieceActivationManifest {
            cid: pieces[0],
            size: PaddedPieceSize(PIECE_SIZE),
            verified_allocation_key: Some(VerifiedAllocationKey {
                client: client_id,
                id: 1,
            }),
            notify: vec![],
        }],
    };
    let r = w.send(
        "ProveCommitSectors3 (claims allocation 1)",
        &Msg::new(
            m.worker,
            m.miner,
            MinerMethod::ProveCommitSectors3 as MethodNum,
        )
        .params(&prove_commit_params(vec![manifest.clone()]))?,
    )?;
    let ret: ProveCommitSectors3Return = r.ret_as()?;
    check_eq(
        "activation results",
        ret.activation_results,
        BatchReturn::ok(1),
    )?;
    let mut claim = Claim {
        provider,
        client: client_id,
        data: pieces[0],
        size: PaddedPieceSize(PIECE_SIZE),
        term_min,
        term_max,
        term_start: activation,
        sector: SECTOR,
    };
    check_eq(
        "activation events",
        r.events.clone(),
        vec![
            events::claim("claim", 1, &claim),
            StampedEvent::new(
                provider,
                sector_data_event("sector-activated", SECTOR, Some(&comm_d), &manifest.pieces)?,
            ),
        ],
    )?;
    w.expect_registry(
        "claimed",
        client_id,
        &[(2, &allocs[1])],
        provider,
        &[(1, &claim)],
    )?;
    w.expect_datacap(
        "claimed",
        &[
            (client_id, CLIENT_DATACAP - 2 * PIECE_SIZE),
            (VERIFIED_REGISTRY_ACTOR_ID, PIECE_SIZE),
        ],
        CLIENT_DATACAP - PIECE_SIZE,
    )?;
    let st: MinerState = actor_state(w.vm, provider)?;
    let sector = st
        .get_sector(&StoreRef(w.vm.store()), SECTOR)?
        .context("the sector is activated")?;
    check_eq(
        "sector weights",
        (
            sector.deal_weight.clone(),
            sector.verified_deal_weight.clone(),
        ),
        (
            BigInt::from(0),
            BigInt::from(PIECE_SIZE) * (sector_expiration - activation),
        ),
    )?;
    // No power before the sector's first Window PoSt.
    w.expect_power("activated", &m.miner, 0, 0)?;

    // 6. The first Window PoSt brings the sector's power: all of it verified, ten times its
    // raw bytes.
    let (deadline, partition) = location(w.vm, &m, SECTOR)?;
    let r = prove_next_window(w.vm, &m, deadline, POST_PROOF)?;
    w.note("SubmitWindowedPoSt", &r)?;
    w.expect_power("proven", &m.miner, PIECE_SIZE, 10 * PIECE_SIZE)?;

    // 7. The client extends the claim's maximum term, with no new datacap.
    let extended = term_max + TERM_EXTENSION;
    let r = w.send(
        "ExtendClaimTerms",
        &registry_msg(
            client,
            VerifregMethod::ExtendClaimTermsExported,
            &ExtendClaimTermsParams {
                terms: vec![ClaimTerm {
                    provider,
                    claim_id: 1,
                    term_max: extended,
                }],
            },
        )?,
    )?;
    check_eq(
        "extension results",
        r.ret_as::<BatchReturn>()?,
        BatchReturn::ok(1),
    )?;
    claim.term_max = extended;
    check_eq(
        "claim-updated event",
        r.events.clone(),
        vec![events::claim("claim-updated", 1, &claim)],
    )?;
    w.expect_registry(
        "extended",
        client_id,
        &[(2, &allocs[1])],
        provider,
        &[(1, &claim)],
    )?;

    // 8. The provider keeps proving until the other allocation has expired; anyone may then
    // remove it, and its datacap goes back to the client.
    while w.vm.epoch() < expiration {
        // Out of the window just proven, then on to the next period's.
        let tick = run_deadline_cron(w.vm, provider)?;
        ensure!(
            tick.code.is_success(),
            "cron tick failed with {}",
            tick.code
        );
        let r = prove_next_window(w.vm, &m, deadline, POST_PROOF)?;
        w.note("SubmitWindowedPoSt", &r)?;
    }
    let r = w.send(
        "RemoveExpiredAllocations",
        &registry_msg(
            client,
            VerifregMethod::RemoveExpiredAllocationsExported,
            &RemoveExpiredAllocationsParams {
                client: client_id,
                allocation_ids: vec![],
            },
        )?,
    )?;
    check_eq(
        "removal return",
        r.ret_as::<RemoveExpiredAllocationsReturn>()?,
        RemoveExpiredAllocationsReturn {
            considered: vec![2],
            results: BatchReturn::ok(1),
            datacap_recovered: StoragePower::from(PIECE_SIZE),
        },
    )?;
    check_eq(
        "allocation-removed event",
        r.events.clone(),
        vec![events::allocation("allocation-removed", 2, &allocs[1])],
    )?;
    w.expect_registry(
        "allocation removed",
        client_id,
        &[],
        provider,
        &[(1, &claim)],
    )?;
    w.expect_datacap(
        "allocation removed",
        &[
            (client_id, CLIENT_DATACAP - PIECE_SIZE),
            (VERIFIED_REGISTRY_ACTOR_ID, 0),
        ],
        CLIENT_DATACAP - PIECE_SIZE,
    )?;
    w.expect_power("still proven", &m.miner, PIECE_SIZE, 10 * PIECE_SIZE)?;

    // 9. Once its deadline has closed (a deadline open for proofs is immutable), the provider
    // terminates the sector: its power goes, the claim stays until it expires.
    let tick = run_deadline_cron(w.vm, provider)?;
    ensure!(
        tick.code.is_success(),
        "cron tick failed with {}",
        tick.code
    );
    let burnt_before = balance(w.vm, BURNT_FUNDS_ACTOR_ID)?;
    let mut sectors = BitField::new();
    sectors.set(SECTOR);
    let r = w.send(
        "TerminateSectors",
        &Msg::new(
            m.worker,
            m.miner,
            MinerMethod::TerminateSectors as MethodNum,
        )
        .params(&TerminateSectorsParams {
            terminations: vec![TerminationDeclaration {
                deadline,
                partition,
                sectors,
            }],
        })?,
    )?;
    ensure!(
        r.ret_as::<TerminateSectorsReturn>()?.done,
        "the termination was processed in the message"
    );
    let fee = balance(w.vm, BURNT_FUNDS_ACTOR_ID)? - burnt_before;
    ensure!(fee.is_positive(), "the termination fee is positive");
    check_eq(
        "termination events",
        r.events.clone(),
        vec![
            StampedEvent::new(
                provider,
                FeeApplied::new(FeeType::Termination, fee)
                    .sectors(1)
                    .event()?,
            ),
            StampedEvent::new(provider, sector_terminated_event(SECTOR)?),
        ],
    )?;
    w.expect_power("terminated", &m.miner, 0, 0)?;
    w.expect_registry("terminated", client_id, &[], provider, &[(1, &claim)])?;

    // 10. Once the claim has expired (term start plus its extended maximum term), anyone
    // removes it.
    walk_to(w.vm, activation + extended)?;
    let r = w.send(
        "RemoveExpiredClaims",
        &registry_msg(
            client,
            VerifregMethod::RemoveExpiredClaimsExported,
            &RemoveExpiredClaimsParams {
                provider,
                claim_ids: vec![],
            },
        )?,
    )?;
    check_eq(
        "claim removal return",
        r.ret_as::<RemoveExpiredClaimsReturn>()?,
        RemoveExpiredClaimsReturn {
            considered: vec![1],
            results: BatchReturn::ok(1),
        },
    )?;
    check_eq(
        "claim-removed event",
        r.events.clone(),
        vec![events::claim("claim-removed", 1, &claim)],
    )?;
    w.expect_registry("claim removed", client_id, &[], provider, &[])?;

    // 11. The root key removes the verifier: its balance is announced as zero; the client it
    // made keeps its datacap.
    let r = remove_verifier_traced(w.vm, &verifier)?;
    w.note("RemoveVerifier (root key approval)", &r)?;
    check_eq(
        "RemoveVerifier events",
        r.events.clone(),
        vec![events::verifier_balance(
            verifier_id,
            &StoragePower::from(0),
            None,
        )],
    )?;
    check_eq(
        "verifier removed",
        verifier_allowance(w.vm, verifier_id)?,
        None,
    )?;
    w.expect_datacap(
        "the end",
        &[
            (client_id, CLIENT_DATACAP - PIECE_SIZE),
            (VERIFIED_REGISTRY_ACTOR_ID, 0),
        ],
        CLIENT_DATACAP - PIECE_SIZE,
    )?;
    let root = w.vm.state_root()?;
    Ok(VerifiedOutcome {
        steps: w.steps,
        gas: w.gas,
        states: w.log.states,
        root,
    })
}
