//! Three deals' whole life on one provider, written once against the `VM` trait: a client and
//! the provider add escrow; the provider publishes three deals, the first verified (an allocation
//! made through datacap); `ProveCommitSectors3` puts the first two in sector 1 and the third in
//! sector 2, claiming the allocation; the provider settles payments mid-term; sector 1 is
//! terminated early (its deals end: paid up to then, the client refunded, the provider's
//! collateral burnt); the third deal runs to its end and its last settlement completes it; both
//! parties withdraw. Window PoSt keeps the sectors alive throughout.
//!
//! Every market and verified-registry event is compared entry by entry with events written out
//! from the FIP's tables, and every escrow, the market's balance and the client's datacap with
//! figures computed here from the deal terms.

use anyhow::{ensure, Context};
use fil_actor_market::policy::next_update_epoch;
use fil_actor_market::{
    DealQueryParams, DealSettlementSummary, GetDealActivationReturn, GetDealSectorReturn,
    GetDealTotalPriceReturn, GetDealVerifiedReturn, Method as MarketMethod,
    SettleDealPaymentsParams, SettleDealPaymentsReturn, WithdrawBalanceParams, EX_DEAL_EXPIRED,
};
use fil_actor_miner::{
    Method as MinerMethod, ProveCommitSectors3Return, SectorActivationManifest,
    State as MinerState, TerminateSectorsParams, TerminationDeclaration,
};
use fil_actors_runtime::builtin::{
    DATACAP_TOKEN_ACTOR_ID, STORAGE_MARKET_ACTOR_ADDR, STORAGE_MARKET_ACTOR_ID,
    VERIFIED_REGISTRY_ACTOR_ID,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::BatchReturn;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::from_slice;
use fvm_shared::address::Address;
use fvm_shared::clock::{ChainEpoch, EPOCH_UNDEFINED};
use fvm_shared::econ::TokenAmount;
use fvm_shared::event::StampedEvent;
use fvm_shared::piece::{PaddedPieceSize, PieceInfo};
use fvm_shared::sector::{SectorNumber, StoragePower};
use fvm_shared::{ActorID, METHOD_SEND};
use test_vm::genesis::genesis;
use test_vm::native::comm_d::compute_unsealed_sector_cid;
use test_vm::{actor_state, balance, MessageResult, Msg, StoreRef, VM};

use super::*;
use crate::check_eq;
use crate::keys::SecpKey;
use crate::miner::{
    create_miner, piece_cid, policy, precommit, precommit_info, prove_commit_params,
    worker_message, MinerAddrs,
};
use crate::post::{prove_until, tick_to};
use crate::state_log::{StateLog, WrittenState};
use crate::verified::{add_verified_client, add_verifier};

/// The sector holding the first two deals, terminated early.
pub const SECTOR_A: SectorNumber = 1;
/// The sector holding the third deal, which completes.
pub const SECTOR_B: SectorNumber = 2;
/// The client's key seed.
const CLIENT_KEY: u8 = 31;
/// Datacap the verifier may give, and gives the client (in bytes).
const VERIFIER_ALLOWANCE: u64 = 1 << 20;
const CLIENT_DATACAP: u64 = 4096;
/// Each party's escrow.
const ESCROW_MILLI: u64 = 1_000;

/// One message or tick of the scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct DealStep {
    pub label: String,
    /// The epoch it ran at.
    pub epoch: ChainEpoch,
    pub code: fvm_shared::error::ExitCode,
    pub events: Vec<StampedEvent>,
}

/// What the scenario saw, for the engines to agree on.
#[derive(Clone, Debug, PartialEq)]
pub struct DealsLifeOutcome {
    /// Each message and tick, in order.
    pub steps: Vec<DealStep>,
    /// The market's states as they changed (and the verified registry's).
    pub states: Vec<WrittenState>,
    /// The real FVM's gas of each market-facing message (its label, gas).
    pub gas: Vec<(String, Option<u64>)>,
    /// The market's own calls in those messages: the message's label, the market method
    /// number, and the call's gas (the real FVM's, its own calls included).
    pub market_calls: Vec<(String, u64, Option<u64>)>,
    /// The market's final escrow of the client and the provider.
    pub final_escrow: (Escrow, Escrow),
}

fn milli(n: u64) -> TokenAmount {
    TokenAmount::from_nano(n * 1_000_000)
}

/// The three deals' terms, from the start epoch: piece, size, verified, duration in days, price
/// per epoch (nanoFIL), provider and client collateral (milliFIL).
fn all_terms(start: ChainEpoch) -> [Terms; 3] {
    let t = |seed: u8, size: u64, verified: bool, days: i64, nano: u64, pc: u64, cc: u64| Terms {
        piece_cid: piece_cid(seed),
        piece_size: size,
        verified,
        start,
        end: start + days * EPOCHS_IN_DAY,
        price_per_epoch: TokenAmount::from_nano(nano),
        provider_collateral: milli(pc),
        client_collateral: milli(cc),
    };
    [
        t(40, 1024, true, 200, 1, 100, 10),
        t(41, 1024, false, 190, 3, 200, 20),
        t(42, 2048, false, 180, 5, 300, 30),
    ]
}

/// The scenario under way.
struct DealsLife<'a> {
    vm: &'a mut dyn VM,
    m: MinerAddrs,
    client: ActorID,
    provider: ActorID,
    out: DealsLifeOutcome,
    log: StateLog,
}

/// The parties and the deals once activated (steps 1 to 3 of the life).
pub struct ActivatedDeals {
    pub owner: Address,
    pub key: SecpKey,
    pub client_addr: Address,
    pub client: ActorID,
    pub terms: [Terms; 3],
    /// Each party's escrow deposit.
    pub deposit: TokenAmount,
    /// The market's balance before the deposits.
    pub market_start: TokenAmount,
}

impl DealsLife<'_> {
    /// Notes a message or tick, and the states it wrote.
    fn note(&mut self, label: &str, r: &MessageResult) -> anyhow::Result<()> {
        record(self.vm, &mut self.out, &mut self.log, label, r)
    }

    /// Notes a market-facing message, requires it to succeed and keeps its gas.
    fn step(&mut self, label: &str, r: MessageResult) -> anyhow::Result<MessageResult> {
        ensure_ok(&r, label)?;
        self.out.gas.push((label.to_string(), r.gas_used));
        for call in r.trace.flatten() {
            if call.to == STORAGE_MARKET_ACTOR_ADDR {
                self.out
                    .market_calls
                    .push((label.to_string(), call.method, call.gas));
            }
        }
        self.note(label, &r)?;
        Ok(r)
    }

    fn escrow_of(&self, id: ActorID) -> anyhow::Result<Escrow> {
        escrow(self.vm, id)
    }

    fn check_escrow(
        &self,
        what: &str,
        client: (&TokenAmount, &TokenAmount),
        provider: (&TokenAmount, &TokenAmount),
    ) -> anyhow::Result<()> {
        let e = |(balance, locked): (&TokenAmount, &TokenAmount)| Escrow {
            balance: balance.clone(),
            locked: locked.clone(),
        };
        check_eq(
            &format!("{what}: client escrow"),
            self.escrow_of(self.client)?,
            e(client),
        )?;
        check_eq(
            &format!("{what}: provider escrow"),
            self.escrow_of(self.provider)?,
            e(provider),
        )
    }

    /// Window PoSt of deadline `d` in every window that ends before `until`, then the chain
    /// moved to `until`. Every tick must succeed and the market emit nothing in it.
    fn prove_until(&mut self, d: u64, until: ChainEpoch) -> anyhow::Result<()> {
        let (out, log) = (&mut self.out, &mut self.log);
        prove_until(self.vm, &self.m, d, until, &mut |vm, label, r| {
            if label.starts_with("tick") {
                check_quiet(label, &r)?;
            }
            record(vm, out, log, label, &r)
        })
    }

    /// The chain moved to `to`; the market must emit nothing in the tick.
    fn tick(&mut self, to: ChainEpoch) -> anyhow::Result<()> {
        let (out, log) = (&mut self.out, &mut self.log);
        tick_to(self.vm, to, &mut |vm, label, r| {
            check_quiet(label, &r)?;
            record(vm, out, log, label, &r)
        })
    }

    /// `from` calls getter `method` of the market for a deal; it must succeed.
    fn query<R: serde::de::DeserializeOwned>(
        &mut self,
        from: Address,
        method: MarketMethod,
        params: DealQueryParams,
    ) -> anyhow::Result<R> {
        let r = call_market(
            self.vm,
            from,
            method,
            Some(&params),
            TokenAmount::from_atto(0),
        )?;
        ensure_ok(&r, &format!("{method:?} of deal {}", params.id))?;
        self.note(&format!("{method:?} of deal {}", params.id), &r)?;
        r.ret_as()
    }

    fn settle(
        &mut self,
        label: &str,
        deals: &[u64],
    ) -> anyhow::Result<(SettleDealPaymentsReturn, MessageResult)> {
        let params = SettleDealPaymentsParams {
            deal_ids: BitField::try_from_bits(deals.iter().copied())?,
        };
        let r = call_market(
            self.vm,
            self.m.worker,
            MarketMethod::SettleDealPaymentsExported,
            Some(&params),
            TokenAmount::from_atto(0),
        )?;
        let r = self.step(label, r)?;
        Ok((r.ret_as()?, r))
    }

    /// The deadline and partition of `sector`.
    fn location(&self, sector: SectorNumber) -> anyhow::Result<(u64, u64)> {
        let st: MinerState = actor_state(self.vm, self.m.miner_id)?;
        Ok(st.find_sector(&StoreRef(self.vm.store()), sector)?)
    }
}

/// Notes a message or tick of the life, and the states it wrote.
fn record(
    vm: &dyn VM,
    out: &mut DealsLifeOutcome,
    log: &mut StateLog,
    label: &str,
    r: &MessageResult,
) -> anyhow::Result<()> {
    out.steps.push(DealStep {
        label: label.to_string(),
        epoch: vm.epoch(),
        code: r.code,
        events: r.events.clone(),
    });
    log.record(vm)
}

/// A cron tick in which neither the market nor the verified registry may emit anything.
fn check_quiet(label: &str, r: &MessageResult) -> anyhow::Result<()> {
    check_eq(
        &format!("{label}: market and registry events"),
        [
            events_of(r, STORAGE_MARKET_ACTOR_ID),
            events_of(r, VERIFIED_REGISTRY_ACTOR_ID),
        ]
        .concat(),
        vec![],
    )
}

/// The datacap `id` holds, in bytes (one whole token per byte).
fn datacap_of(vm: &dyn VM, id: ActorID) -> anyhow::Result<TokenAmount> {
    let st: fil_actor_datacap::State = actor_state(vm, DATACAP_TOKEN_ACTOR_ID)?;
    Ok(st.balance(&StoreRef(vm.store()), id)?)
}

/// The verified registry's `allocation` or `claim` event of the first deal's piece.
#[allow(clippy::too_many_arguments)]
fn registry_event(
    event_type: &str,
    id: u64,
    client: ActorID,
    provider: ActorID,
    terms: &Terms,
    term_max: ChainEpoch,
    last: (&str, i64),
    sector: Option<SectorNumber>,
) -> anyhow::Result<StampedEvent> {
    let mut entries = vec![
        entry("id", &id, true)?,
        entry("client", &client, true)?,
        entry("provider", &provider, true)?,
        entry("piece-cid", &terms.piece_cid, true)?,
        entry("piece-size", &terms.piece_size, false)?,
        entry("term-min", &(terms.end - terms.start), false)?,
        entry("term-max", &term_max, false)?,
        entry(last.0, &last.1, false)?,
    ];
    if let Some(sector) = sector {
        entries.push(entry("sector", &sector, true)?);
    }
    event(VERIFIED_REGISTRY_ACTOR_ID, event_type, entries)
}

/// Genesis, the parties, their escrow, and the three deals published and activated in sectors 1
/// and 2, every step checked. Returns the life so far and what it opened.
fn open(vm: &mut dyn VM) -> anyhow::Result<(DealsLife<'_>, ActivatedDeals)> {
    let policy = policy()?;
    let g = genesis(
        vm,
        &[
            TokenAmount::from_whole(10_000),
            TokenAmount::from_whole(100),
        ],
    )?;
    let (owner, _) = g.accounts[0];
    let (verifier, _) = g.accounts[1];
    let key = SecpKey::from_seed(CLIENT_KEY)?;
    let client_addr = key.address()?;
    ensure_ok(
        &vm.apply(&Msg::new(owner, client_addr, METHOD_SEND).value(TokenAmount::from_whole(100)))?,
        "funding the client",
    )?;
    let client = vm
        .resolve(&client_addr)?
        .context("the client has an actor")?;
    let m = create_miner(vm, owner, 1, TokenAmount::from_whole(10))?;
    ensure_ok(
        &vm.apply(&Msg::new(owner, m.miner, METHOD_SEND).value(TokenAmount::from_whole(100)))?,
        "funding the miner",
    )?;
    add_verifier(vm, &verifier, &StoragePower::from(VERIFIER_ALLOWANCE))?;
    add_verified_client(
        vm,
        &verifier,
        &client_addr,
        &StoragePower::from(CLIENT_DATACAP),
    )?;
    check_eq(
        "client datacap",
        datacap_of(vm, client)?,
        TokenAmount::from_whole(CLIENT_DATACAP),
    )?;

    let provider = m.miner_id;
    let mut log = StateLog::default();
    log.watch(STORAGE_MARKET_ACTOR_ID);
    log.watch(VERIFIED_REGISTRY_ACTOR_ID);
    log.record(vm)?;
    let mut life = DealsLife {
        vm,
        m,
        client,
        provider,
        out: DealsLifeOutcome {
            steps: Vec::new(),
            states: Vec::new(),
            gas: Vec::new(),
            market_calls: Vec::new(),
            final_escrow: (
                Escrow {
                    balance: TokenAmount::from_atto(0),
                    locked: TokenAmount::from_atto(0),
                },
                Escrow {
                    balance: TokenAmount::from_atto(0),
                    locked: TokenAmount::from_atto(0),
                },
            ),
        },
        log,
    };
    let market_start = balance(life.vm, STORAGE_MARKET_ACTOR_ID)?;

    // 1. Escrow: the client adds for itself, the owner for its miner.
    let deposit = milli(ESCROW_MILLI);
    let r = add_balance(life.vm, client_addr, client_addr, deposit.clone())?;
    life.step("AddBalance (client)", r)?;
    let r = add_balance(life.vm, owner, life.m.miner, deposit.clone())?;
    life.step("AddBalance (provider)", r)?;
    let zero = TokenAmount::from_atto(0);
    life.check_escrow("after AddBalance", (&deposit, &zero), (&deposit, &zero))?;
    check_eq(
        "client wallet",
        balance(life.vm, client)?,
        TokenAmount::from_whole(100) - &deposit,
    )?;

    // 2. Three deals signed by the client and published by the worker.
    let publish_epoch = life.vm.epoch();
    let start = publish_epoch + 200;
    let terms = all_terms(start);
    let deals = terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            signed_proposal(
                proposal(client_addr, life.m.miner, t, &format!("deal {i}")),
                &key,
            )
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let r = publish(life.vm, life.m.worker, deals)?;
    let r = life.step("PublishStorageDeals", r)?;
    let ret: fil_actor_market::PublishStorageDealsReturn = r.ret_as()?;
    check_eq("published IDs", ret.ids.clone(), vec![0, 1, 2])?;
    // The verified deal's allocation: claimable until the deal starts, for at least its
    // duration and at most 90 days more.
    let allocation_id = 1;
    let term_max0 = terms[0].end - terms[0].start + policy.market_default_allocation_term_buffer;
    let mut expected = vec![registry_event(
        "allocation",
        allocation_id,
        client,
        provider,
        &terms[0],
        term_max0,
        ("expiration", start),
        None,
    )?];
    for id in 0..3 {
        expected.push(deal_event("deal-published", id, client, provider)?);
    }
    check_eq("PublishStorageDeals events", r.events.clone(), expected)?;
    check_eq(
        "client datacap after publishing",
        datacap_of(life.vm, client)?,
        TokenAmount::from_whole(CLIENT_DATACAP - terms[0].piece_size),
    )?;
    let fee = |t: &Terms| &t.price_per_epoch * (t.end - t.start);
    let client_locked: TokenAmount = terms.iter().map(|t| fee(t) + &t.client_collateral).sum();
    let provider_locked: TokenAmount = terms.iter().map(|t| t.provider_collateral.clone()).sum();
    life.check_escrow(
        "after publishing",
        (&deposit, &client_locked),
        (&deposit, &provider_locked),
    )?;

    // 3. Two sectors pre-committed with their CommD, then proven with their deals' pieces.
    let info = |t: &Terms| PieceInfo {
        cid: t.piece_cid,
        size: PaddedPieceSize(t.piece_size),
    };
    let comm_d_a = compute_unsealed_sector_cid(
        crate::miner::SEAL_PROOF,
        &[info(&terms[0]), info(&terms[1])],
    )?;
    let comm_d_b = compute_unsealed_sector_cid(crate::miner::SEAL_PROOF, &[info(&terms[2])])?;
    // Each sector outlives its deals and the minimum lifetime after the latest activation the
    // pre-commitment allows (30 days for this proof).
    let expiration_a = terms[0].end + 40 * EPOCHS_IN_DAY;
    let expiration_b = terms[2].end + 40 * EPOCHS_IN_DAY;
    let infos = vec![
        precommit_info(life.vm, SECTOR_A, expiration_a, Some(comm_d_a)),
        precommit_info(life.vm, SECTOR_B, expiration_b, Some(comm_d_b)),
    ];
    let r = precommit(life.vm, &life.m, infos, TokenAmount::from_whole(1))?;
    life.note("PreCommitSectorBatch2", &r)?;
    life.tick(life.vm.epoch() + policy.pre_commit_challenge_delay + 1)?;
    let activation = life.vm.epoch();
    let piece = |i: usize, alloc: Option<(ActorID, u64)>| {
        deal_piece(terms[i].piece_cid, terms[i].piece_size, i as u64, alloc)
    };
    let activations = vec![
        SectorActivationManifest {
            sector_number: SECTOR_A,
            pieces: vec![piece(0, Some((client, allocation_id)))?, piece(1, None)?],
        },
        SectorActivationManifest {
            sector_number: SECTOR_B,
            pieces: vec![piece(2, None)?],
        },
    ];
    let r = life.vm.apply(&worker_message(
        &life.m,
        MinerMethod::ProveCommitSectors3,
        &prove_commit_params(activations),
    )?)?;
    let r = life.step("ProveCommitSectors3", r)?;
    let ret: ProveCommitSectors3Return = r.ret_as()?;
    check_eq(
        "activation results",
        ret.activation_results,
        BatchReturn::ok(2),
    )?;
    let mut expected = vec![registry_event(
        "claim",
        allocation_id,
        client,
        provider,
        &terms[0],
        term_max0,
        ("term-start", activation),
        Some(SECTOR_A),
    )?];
    for id in 0..3 {
        expected.push(deal_event("deal-activated", id, client, provider)?);
    }
    let ours = [
        events_of(&r, VERIFIED_REGISTRY_ACTOR_ID),
        events_of(&r, STORAGE_MARKET_ACTOR_ID),
    ]
    .concat();
    check_eq(
        "ProveCommitSectors3 registry and market events",
        ours,
        expected,
    )?;
    // The miner's own events: one `sector-activated` per sector (their entries are the miner's
    // scenarios' to check).
    let miner_events = events_of(&r, provider)
        .iter()
        .map(|e| {
            let value = |i: usize| &e.event.entries[i].value;
            Ok((
                from_slice::<String>(value(0))?,
                from_slice::<u64>(value(1))?,
            ))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    check_eq(
        "miner events",
        miner_events,
        vec![
            ("sector-activated".to_string(), SECTOR_A),
            ("sector-activated".to_string(), SECTOR_B),
        ],
    )?;
    // The getters a contract would call: activation, sector, verified, total price.
    let q = |id: u64| DealQueryParams { id };
    let got: GetDealActivationReturn =
        life.query(client_addr, MarketMethod::GetDealActivationExported, q(0))?;
    check_eq(
        "deal 0's activation",
        (got.activated, got.terminated),
        (activation, EPOCH_UNDEFINED),
    )?;
    let got: GetDealSectorReturn =
        life.query(client_addr, MarketMethod::GetDealSectorExported, q(2))?;
    check_eq("deal 2's sector", got.sector, SECTOR_B)?;
    let got: GetDealVerifiedReturn =
        life.query(client_addr, MarketMethod::GetDealVerifiedExported, q(0))?;
    check_eq("deal 0 verified", got.verified, true)?;
    let got: GetDealTotalPriceReturn =
        life.query(client_addr, MarketMethod::GetDealTotalPriceExported, q(1))?;
    check_eq("deal 1's total price", got.total_price, fee(&terms[1]))?;
    // Activation moves no funds.
    life.check_escrow(
        "after activation",
        (&deposit, &client_locked),
        (&deposit, &provider_locked),
    )?;

    Ok((
        life,
        ActivatedDeals {
            owner,
            key,
            client_addr,
            client,
            terms,
            deposit,
            market_start,
        },
    ))
}

/// Steps 1 to 3 of the life on `vm`: the parties, their escrow and the three deals activated
/// (sector 1 holds deals 0 and 1, sector 2 deal 2); returns the miner and what was opened.
pub fn activated_deals(vm: &mut dyn VM) -> anyhow::Result<(MinerAddrs, ActivatedDeals)> {
    let (life, opened) = open(vm)?;
    Ok((life.m, opened))
}

/// The whole life on `vm`, from genesis. Fails at the first value that is not the expected one.
pub fn deals_life(vm: &mut dyn VM) -> anyhow::Result<DealsLifeOutcome> {
    let (mut life, opened) = open(vm)?;
    let ActivatedDeals {
        owner,
        client_addr,
        client,
        terms,
        deposit,
        market_start,
        ..
    } = opened;
    let provider = life.provider;
    let zero = TokenAmount::from_atto(0);
    let start = terms[0].start;
    let fee = |t: &Terms| &t.price_per_epoch * (t.end - t.start);
    let client_locked: TokenAmount = terms.iter().map(|t| fee(t) + &t.client_collateral).sum();
    let provider_locked: TokenAmount = terms.iter().map(|t| t.provider_collateral.clone()).sum();

    // 4. Mid-term, the provider settles all three: each pays its price for every epoch since
    // its start. Before that, the market's cron visited each deal once at its first scheduled
    // update (epoch `id` of the first 30-day interval after the start), which only took it off
    // the pending set: activated deals are paid by settlement (FIP-0074), and a deal settled
    // before that visit would be paid by cron from then on, as v18 pays deals from before
    // FIP-0074.
    let first_visit = next_update_epoch(2, policy()?.deal_updates_interval, start);
    ensure!(
        first_visit < start + 100_000,
        "the cron visits the deals before the settlement"
    );
    let (deadline, partition) = life.location(SECTOR_A)?;
    check_eq("sector 2's deadline", life.location(SECTOR_B)?.0, deadline)?;
    life.prove_until(deadline, start + 100_000)?;
    let settled_at = life.vm.epoch();
    let (ret, r) = life.settle("SettleDealPayments (mid-term)", &[0, 1, 2])?;
    let paid: Vec<TokenAmount> = terms
        .iter()
        .map(|t| &t.price_per_epoch * (settled_at - t.start))
        .collect();
    check_eq("settlement results", ret.results, BatchReturn::ok(3))?;
    check_eq(
        "settlements",
        ret.settlements,
        paid.iter()
            .map(|p| DealSettlementSummary {
                payment: p.clone(),
                completed: false,
            })
            .collect(),
    )?;
    check_eq("settlement events", r.events.len(), 0)?;
    let total_paid: TokenAmount = paid.iter().sum();
    let client_balance = &deposit - &total_paid;
    let client_locked = &client_locked - &total_paid;
    let provider_balance = &deposit + &total_paid;
    life.check_escrow(
        "after settling",
        (&client_balance, &client_locked),
        (&provider_balance, &provider_locked),
    )?;

    // 5. Sector 1 terminated early: its two deals pay up to now, the client gets back the rest
    // of their fees and its collateral, the provider's collateral is burnt.
    life.prove_until(deadline, start + 150_000)?;
    let terminated_at = life.vm.epoch();
    let params = TerminateSectorsParams {
        terminations: vec![TerminationDeclaration {
            deadline,
            partition,
            sectors: BitField::try_from_bits([SECTOR_A])?,
        }],
    };
    let market_before = balance(life.vm, STORAGE_MARKET_ACTOR_ID)?;
    let r = life.vm.apply(&worker_message(
        &life.m,
        MinerMethod::TerminateSectors,
        &params,
    )?)?;
    let r = life.step("TerminateSectors (OnMinerSectorsTerminate)", r)?;
    check_eq(
        "TerminateSectors market events",
        events_of(&r, STORAGE_MARKET_ACTOR_ID),
        vec![
            deal_event("deal-terminated", 0, client, provider)?,
            deal_event("deal-terminated", 1, client, provider)?,
        ],
    )?;
    check_eq(
        "TerminateSectors registry events",
        events_of(&r, VERIFIED_REGISTRY_ACTOR_ID),
        vec![],
    )?;
    let late: TokenAmount = terms[..2]
        .iter()
        .map(|t| &t.price_per_epoch * (terminated_at - settled_at))
        .sum();
    let refunded: TokenAmount = terms[..2]
        .iter()
        .map(|t| &t.price_per_epoch * (t.end - terminated_at) + &t.client_collateral)
        .sum();
    let slashed: TokenAmount = terms[..2]
        .iter()
        .map(|t| t.provider_collateral.clone())
        .sum();
    let client_balance = &client_balance - &late;
    let client_locked = &client_locked - &late - &refunded;
    let provider_balance = &provider_balance + &late - &slashed;
    let provider_locked = &provider_locked - &slashed;
    life.check_escrow(
        "after termination",
        (&client_balance, &client_locked),
        (&provider_balance, &provider_locked),
    )?;
    // The terminated deals are gone: the getters answer that they expired.
    let r = call_market(
        life.vm,
        client_addr,
        MarketMethod::GetDealActivationExported,
        Some(&DealQueryParams { id: 0 }),
        zero.clone(),
    )?;
    life.note("GetDealActivation of a terminated deal", &r)?;
    check_eq("a terminated deal's activation", r.code, EX_DEAL_EXPIRED)?;
    check_eq(
        "market balance after termination",
        balance(life.vm, STORAGE_MARKET_ACTOR_ID)?,
        &market_before - &slashed,
    )?;

    // 6. The third deal runs to its end; the provider's settlement after it completes it.
    life.prove_until(deadline, terms[2].end + 10)?;
    let (ret, r) = life.settle("SettleDealPayments (completion)", &[2])?;
    let last = &terms[2].price_per_epoch * (terms[2].end - settled_at);
    check_eq("final settlement results", ret.results, BatchReturn::ok(1))?;
    check_eq(
        "final settlement",
        ret.settlements,
        vec![DealSettlementSummary {
            payment: last.clone(),
            completed: true,
        }],
    )?;
    check_eq(
        "final settlement events",
        r.events.clone(),
        vec![deal_event("deal-completed", 2, client, provider)?],
    )?;
    let client_balance = &client_balance - &last;
    let provider_balance = &provider_balance + &last;
    life.check_escrow(
        "after completion",
        (&client_balance, &zero),
        (&provider_balance, &zero),
    )?;

    // 7. Both withdraw everything; the client's wallet gets its escrow back.
    let withdraw = |owner: Address, amount: &TokenAmount| WithdrawBalanceParams {
        provider_or_client: owner,
        amount: amount.clone(),
    };
    let r = call_market(
        life.vm,
        client_addr,
        MarketMethod::WithdrawBalance,
        Some(&withdraw(client_addr, &client_balance)),
        zero.clone(),
    )?;
    life.step("WithdrawBalance (client)", r)?;
    let r = call_market(
        life.vm,
        owner,
        MarketMethod::WithdrawBalance,
        Some(&withdraw(life.m.miner, &provider_balance)),
        zero.clone(),
    )?;
    life.step("WithdrawBalance (provider)", r)?;
    check_eq(
        "client wallet at the end",
        balance(life.vm, client)?,
        TokenAmount::from_whole(100) - &deposit + &client_balance,
    )?;
    check_eq(
        "market balance at the end",
        balance(life.vm, STORAGE_MARKET_ACTOR_ID)?,
        market_start + &deposit * 2u64 - &client_balance - &provider_balance - &slashed,
    )?;
    life.out.final_escrow = (life.escrow_of(client)?, life.escrow_of(provider)?);
    life.out.states = life.log.states.clone();
    Ok(life.out)
}
