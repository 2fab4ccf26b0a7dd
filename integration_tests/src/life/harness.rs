//! The harness of a storage provider's life (`super`): the record of each step both engines
//! must agree on, the gas of each message to the miner, and the steps' building blocks, each
//! asserting its exact outcome (calls, cron ticks with their events, Window PoSt of a deadline,
//! the power claim and sector status as an ordinary account reads them, network figures).

use std::collections::BTreeMap;

use cid::Cid;
use fil_actor_miner::emit::{FeeApplied, FeeType};
use fil_actor_miner::ext::power::{CurrentTotalPowerReturn, CURRENT_TOTAL_POWER_METHOD};
use fil_actor_miner::ext::reward::{ThisEpochRewardReturn, THIS_EPOCH_REWARD_METHOD};
use fil_actor_miner::{
    daily_proof_fee_payable, expected_reward_for_power, initial_pledge_for_power,
    pledge_penalty_for_continued_fault, DeadlineInfo, Method as MinerMethod, SectorLocation,
    SectorOnChainInfo, SectorStatusCode, Sectors, State as MinerState,
};
use fil_actor_power::{Method as PowerMethod, MinerPowerParams, MinerPowerReturn};
use fil_actors_runtime::builtin::{
    BURNT_FUNDS_ACTOR_ID, REWARD_ACTOR_ADDR, STORAGE_POWER_ACTOR_ADDR,
};
use fil_actors_runtime::runtime::policy::EPOCHS_IN_DAY;
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_bitfield::BitField;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::{ActorEvent, StampedEvent};
use fvm_shared::sector::{SectorNumber, SectorSize, StoragePower};
use fvm_shared::ActorID;
use serde::Serialize;
use test_vm::{actor_state, balance, chain, MessageResult, Msg, StoreRef, VM};

pub(super) use crate::check_eq;
pub(super) use crate::fil;
use crate::miner::{apply_ok, worker_message, MinerAddrs};
use crate::post::{next_window, window_post_params};
use crate::sector_status::{Answer, Relayed, StatusRead, StatusReader};
use crate::state_log::StateLog;
pub use crate::state_log::WrittenState;

/// Carries the direct-data piece; extended later.
pub const DDO_SECTOR: SectorNumber = 100;
/// Declared faulty, recovered, then terminated early.
pub const FAULTY_SECTOR: SectorNumber = 101;
/// Committed capacity, kept to the end.
pub const KEPT_SECTOR: SectorNumber = 102;
/// Committed with the shortest lifetime allowed: expires on time.
pub const EXPIRING_SECTOR: SectorNumber = 103;
pub const SECTORS: [SectorNumber; 4] = [DDO_SECTOR, FAULTY_SECTOR, KEPT_SECTOR, EXPIRING_SECTOR];
/// Where the contract that reads sector status (the relay) is deployed.
pub const READER_RELAY_ID: ActorID = 5000;
/// The direct-data piece fills half of the 2 KiB sector.
pub(super) const PIECE_SIZE: u64 = 1024;
pub(super) const SECTOR_SIZE: SectorSize = SectorSize::_2KiB;

/// What one step left behind: the part of the life both engines must agree on.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub label: String,
    pub epoch: ChainEpoch,
    /// The exit codes of the step's messages and cron ticks, in order.
    pub codes: Vec<ExitCode>,
    /// Their events, in order.
    pub events: Vec<StampedEvent>,
    pub miner_balance: TokenAmount,
    pub burnt: TokenAmount,
    /// The power actor's claim for the miner: raw bytes, quality-adjusted.
    pub claim: (StoragePower, StoragePower),
    /// Every sector's status read by a non-miner account (milestones only).
    pub statuses: Vec<StatusRead>,
    /// `ValidateSectorStatus` and `GetSectorExpiration` with locations made stale by
    /// compaction (the compaction step only).
    pub stale: Vec<(Answer<bool>, Answer<ChainEpoch>)>,
    pub root: Cid,
}

/// The gas one message to the miner used (the native engine measures none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GasUse {
    pub method: String,
    pub gas: Option<u64>,
    /// The `$type` of each event the message emitted, and its `OnActorEvent` gas.
    pub events: Vec<(String, u64)>,
}

/// The record of a whole life: its steps, and the gas of every message to the miner.
pub struct LifeOutcome {
    pub steps: Vec<Step>,
    pub gas: Vec<GasUse>,
    /// Every state the life wrote for the actors it touches, in order, each once.
    pub states: Vec<WrittenState>,
}

/// What a status read of a sector must answer.
#[derive(Clone, Copy, Debug)]
pub(super) enum Expect {
    Dead,
    Active(ChainEpoch),
    Faulty(ChainEpoch),
}

/// What a deadline's end must charge: the sectors paying the daily fee (faulty included) and
/// those paying the continued-fault fee.
pub(super) struct DeadlineEnd {
    pub(super) live: u64,
    pub(super) faulty: u64,
}

/// The network figures a miner prices pledge and fees with, read by an ordinary account from
/// the reward and power actors' getters.
pub(super) struct Figures {
    pub(super) reward: ThisEpochRewardReturn,
    pub(super) power: CurrentTotalPowerReturn,
}

impl Figures {
    pub(super) fn query(vm: &mut dyn VM, reader: Address) -> anyhow::Result<Self> {
        let reward = apply_ok(
            vm,
            &Msg::new(reader, REWARD_ACTOR_ADDR, THIS_EPOCH_REWARD_METHOD),
        )?
        .ret_as()?;
        let power = apply_ok(
            vm,
            &Msg::new(reader, STORAGE_POWER_ACTOR_ADDR, CURRENT_TOTAL_POWER_METHOD),
        )?
        .ret_as()?;
        Ok(Figures { reward, power })
    }

    /// FIP-0081 initial pledge of `qa` at `epoch`.
    pub(super) fn pledge(&self, epoch: ChainEpoch, qa: &StoragePower) -> TokenAmount {
        initial_pledge_for_power(
            qa,
            &self.reward.this_epoch_baseline_power,
            &self.reward.this_epoch_reward_smoothed,
            &self.power.quality_adj_power_smoothed,
            &chain::circulating_supply(),
            epoch - self.power.ramp_start_epoch,
            self.power.ramp_duration_epochs,
        )
    }

    pub(super) fn continued_fault(&self, qa: &StoragePower) -> TokenAmount {
        pledge_penalty_for_continued_fault(
            &self.reward.this_epoch_reward_smoothed,
            &self.power.quality_adj_power_smoothed,
            qa,
        )
    }

    /// FIP-0100: the deadline's daily fee, capped at half the expected day reward of its live
    /// power; and whether the cap applied.
    pub(super) fn daily_fee(
        &self,
        fee: &TokenAmount,
        live_qa: &StoragePower,
    ) -> (TokenAmount, bool) {
        let day_reward = expected_reward_for_power(
            &self.reward.this_epoch_reward_smoothed,
            &self.power.quality_adj_power_smoothed,
            live_qa,
            EPOCHS_IN_DAY,
        );
        let payable = daily_proof_fee_payable(fee, &day_reward);
        let capped = &payable < fee;
        (payable, capped)
    }
}

/// The power of `n` sectors without verified data: raw and quality-adjusted alike.
pub(super) fn power_of(n: u64) -> (StoragePower, StoragePower) {
    let p = StoragePower::from(n * SECTOR_SIZE as u64);
    (p.clone(), p)
}

pub(super) fn bitfield(sectors: &[u64]) -> BitField {
    BitField::try_from_bits(sectors.iter().copied()).expect("small numbers make a bitfield")
}

/// The life under way: the engine, the miner, who reads its sectors, and the record so far.
pub(super) struct Life<'v> {
    pub(super) vm: &'v mut dyn VM,
    pub(super) policy: Policy,
    pub(super) m: MinerAddrs,
    pub(super) reader: StatusReader,
    /// Where each sector is, while it is in a partition.
    pub(super) layout: BTreeMap<SectorNumber, SectorLocation>,
    /// Every sector's daily fee (FIP-0100), all equal: 2 KiB of power each.
    pub(super) sector_fee: TokenAmount,
    pub(super) steps: Vec<Step>,
    pub(super) gas: Vec<GasUse>,
    /// The current step's exit codes and events, until the step is finished.
    pub(super) codes: Vec<ExitCode>,
    pub(super) events: Vec<StampedEvent>,
    /// The actors whose states are recorded, and what they held so far.
    pub(super) log: StateLog,
}

impl Life<'_> {
    pub(super) fn note_gas(&mut self, method: String, r: &MessageResult) {
        let types = r.events.iter().map(|e| {
            e.event
                .entries
                .first()
                .and_then(|entry| fvm_ipld_encoding::from_slice::<String>(&entry.value).ok())
                .unwrap_or_default()
        });
        self.gas.push(GasUse {
            method,
            gas: r.gas_used,
            events: types.zip(r.event_gas.iter().copied()).collect(),
        });
    }

    /// The gas of a status read, under the miner method the relay called (the figure includes
    /// the relay's own small cost, as a contract's call would).
    pub(super) fn note_relayed(&mut self, r: &Relayed) {
        self.note_gas(method_name(r.method()), &r.message);
    }

    pub(super) fn note(&mut self, r: &MessageResult) -> anyhow::Result<()> {
        self.codes.push(r.code);
        self.events.extend(r.events.iter().cloned());
        self.record_states()
    }

    /// Records each watched actor's state head when it has changed since last seen.
    pub(super) fn record_states(&mut self) -> anyhow::Result<()> {
        self.log.record(self.vm)
    }

    /// The worker calls `method`, which must succeed.
    pub(super) fn call<P: Serialize>(
        &mut self,
        method: MinerMethod,
        params: &P,
    ) -> anyhow::Result<MessageResult> {
        let r = apply_ok(self.vm, &worker_message(&self.m, method, params)?)?;
        self.note_gas(format!("{method:?}"), &r);
        self.note(&r)?;
        Ok(r)
    }

    pub(super) fn stamped(&self, events: Vec<ActorEvent>) -> Vec<StampedEvent> {
        events
            .into_iter()
            .map(|e| StampedEvent::new(self.m.miner_id, e))
            .collect()
    }

    /// Runs the current epoch's cron tick and moves to `epoch`; the tick must emit `expected`.
    pub(super) fn tick_to(
        &mut self,
        epoch: ChainEpoch,
        expected: Vec<ActorEvent>,
    ) -> anyhow::Result<()> {
        let from = self.vm.epoch();
        let tick = self.vm.advance_epoch(epoch)?;
        check_eq(
            &format!("tick at {from}: exit code"),
            tick.code,
            ExitCode::OK,
        )?;
        check_eq(
            &format!("tick at {from}: events"),
            &tick.events,
            &self.stamped(expected),
        )?;
        self.note(&tick)
    }

    pub(super) fn state(&self) -> anyhow::Result<MinerState> {
        actor_state(self.vm, self.m.miner_id)
    }

    pub(super) fn sector(&self, n: SectorNumber) -> anyhow::Result<Option<SectorOnChainInfo>> {
        let st = self.state()?;
        let store = StoreRef(self.vm.store());
        Ok(Sectors::load(&store, &st.sectors)?.get(n)?)
    }

    pub(super) fn burnt(&self) -> anyhow::Result<TokenAmount> {
        balance(self.vm, BURNT_FUNDS_ACTOR_ID)
    }

    /// The power actor's claim for the miner, through its exported getter.
    pub(super) fn claim(&mut self) -> anyhow::Result<(StoragePower, StoragePower)> {
        let r: MinerPowerReturn = apply_ok(
            self.vm,
            &Msg::new(
                self.reader.account,
                STORAGE_POWER_ACTOR_ADDR,
                PowerMethod::MinerPowerExported as u64,
            )
            .params(&MinerPowerParams {
                miner: self.m.miner_id,
            })?,
        )?
        .ret_as()?;
        Ok((r.raw_byte_power, r.quality_adj_power))
    }

    pub(super) fn expect_claim(&mut self, sectors: u64) -> anyhow::Result<()> {
        let claim = self.claim()?;
        check_eq(
            &format!("power claim at {}", self.vm.epoch()),
            claim,
            power_of(sectors),
        )
    }

    /// Reads every sector's status as a contract would and checks it against `expected`, in
    /// the order of [`SECTORS`].
    pub(super) fn read_statuses(
        &mut self,
        expected: [Expect; 4],
    ) -> anyhow::Result<Vec<StatusRead>> {
        let mut reads = Vec::with_capacity(SECTORS.len());
        for (sector, expect) in SECTORS.into_iter().zip(expected) {
            let (read, messages) = self.reader.read(self.vm, self.m.miner, sector)?;
            for r in &messages {
                self.note_relayed(r);
            }
            let location = self
                .layout
                .get(&sector)
                .copied()
                .unwrap_or(SectorLocation::NONE);
            let (status, validates, expiration) = match expect {
                Expect::Dead => (
                    SectorStatusCode::Dead,
                    [Ok(true), Ok(false), Ok(false)],
                    Err(ExitCode::USR_FORBIDDEN),
                ),
                // FIP-0112: exactly one code holds; a faulty sector is live but not active.
                Expect::Active(e) => (
                    SectorStatusCode::Active,
                    [Ok(false), Ok(true), Ok(false)],
                    Ok(e),
                ),
                Expect::Faulty(e) => (
                    SectorStatusCode::Faulty,
                    [Ok(false), Ok(false), Ok(true)],
                    Ok(e),
                ),
            };
            let want = StatusRead {
                sector,
                status,
                location,
                validates,
                expiration,
            };
            check_eq(
                &format!("status of sector {sector} at {}", self.vm.epoch()),
                &read,
                &want,
            )?;
            reads.push(read);
        }
        Ok(reads)
    }

    /// Closes the step: records what both engines must agree on.
    pub(super) fn finish(
        &mut self,
        label: impl Into<String>,
        statuses: Vec<StatusRead>,
        stale: Vec<(Answer<bool>, Answer<ChainEpoch>)>,
    ) -> anyhow::Result<()> {
        let claim = self.claim()?;
        let step = Step {
            label: label.into(),
            epoch: self.vm.epoch(),
            codes: std::mem::take(&mut self.codes),
            events: std::mem::take(&mut self.events),
            miner_balance: balance(self.vm, self.m.miner_id)?,
            burnt: self.burnt()?,
            claim,
            statuses,
            stale,
            root: self.vm.state_root()?,
        };
        self.steps.push(step);
        Ok(())
    }

    /// The sectors (live or dead) of deadline `d`'s partition 0.
    pub(super) fn first_partition_sectors(&self, d: u64) -> anyhow::Result<Vec<SectorNumber>> {
        let st = self.state()?;
        let store = StoreRef(self.vm.store());
        let partition = st
            .load_deadlines(&store)?
            .load_deadline(&store, d)?
            .load_partition(&store, 0)?;
        Ok(partition.sectors.iter().collect())
    }

    /// The next window of deadline `d` that has not closed.
    pub(super) fn next_window(&self, d: u64) -> anyhow::Result<DeadlineInfo> {
        next_window(self.vm, &self.m, d)
    }

    /// Proves deadline `d` at the last epoch of its next window (the power claim must then
    /// count `power_after` sectors), then ends the deadline with that epoch's cron tick, which
    /// must apply exactly the fees of `end`, paid to the burnt-funds actor.
    pub(super) fn prove_deadline(
        &mut self,
        d: u64,
        power_after: u64,
        end: DeadlineEnd,
    ) -> anyhow::Result<()> {
        let dl = self.next_window(d)?;
        if self.vm.epoch() < dl.last() {
            self.tick_to(dl.last(), vec![])?;
        }
        let params = window_post_params(self.vm, &self.m, &dl)?;
        let r = self.call(MinerMethod::SubmitWindowedPoSt, &params)?;
        check_eq("SubmitWindowedPoSt events", r.events.len(), 0)?;
        self.expect_claim(power_after)?;

        let figures = Figures::query(self.vm, self.reader.account)?;
        let sector_qa = StoragePower::from(SECTOR_SIZE as u64);
        let mut fees = Vec::new();
        if end.faulty > 0 {
            let fee = figures.continued_fault(&(&sector_qa * end.faulty));
            fees.push(
                FeeApplied::new(FeeType::ContinuedFault, fee)
                    .deadline(d)
                    .sectors(end.faulty),
            );
        }
        let (daily, capped) =
            figures.daily_fee(&(&self.sector_fee * end.live), &(&sector_qa * end.live));
        fees.push(
            FeeApplied::new(FeeType::DailyProof, daily)
                .deadline(d)
                .sectors(end.live)
                .limit_applied(capped),
        );
        let burnt_before = self.burnt()?;
        let events = fees
            .iter()
            .map(FeeApplied::event)
            .collect::<Result<_, _>>()?;
        self.tick_to(dl.last() + 1, events)?;
        let charged: TokenAmount = fees.iter().map(|f| f.amount.clone()).sum();
        check_eq(
            &format!("burnt by the end of deadline {d}"),
            self.burnt()? - burnt_before,
            charged,
        )
    }

    /// One proving period: each `(deadline, claim after its PoSt, its end)` of `plan` proven in
    /// the order its window comes.
    pub(super) fn prove_period(
        &mut self,
        label: &str,
        plan: Vec<(u64, u64, DeadlineEnd)>,
    ) -> anyhow::Result<()> {
        let mut timed = Vec::with_capacity(plan.len());
        for entry in plan {
            timed.push((self.next_window(entry.0)?.last(), entry));
        }
        timed.sort_by_key(|(window, _)| *window);
        for (_, (d, power_after, end)) in timed {
            self.prove_deadline(d, power_after, end)?;
            self.finish(
                format!("{label}: deadline {d} proven and ended"),
                vec![],
                vec![],
            )?;
        }
        Ok(())
    }
}

/// The name of a miner method for the gas report.
pub(super) fn method_name(method: u64) -> String {
    use fil_actor_miner::{
        GENERATE_SECTOR_STATUS_INFO_METHOD, GET_SECTOR_EXPIRATION_METHOD,
        VALIDATE_SECTOR_STATUS_METHOD,
    };
    match method {
        GENERATE_SECTOR_STATUS_INFO_METHOD => "GenerateSectorStatusInfo".to_string(),
        VALIDATE_SECTOR_STATUS_METHOD => "ValidateSectorStatus".to_string(),
        GET_SECTOR_EXPIRATION_METHOD => "GetSectorExpiration".to_string(),
        other => format!("method {other}"),
    }
}
