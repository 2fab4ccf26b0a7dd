//! Harness for the tests that walk sectors through their whole life on the handlers: a miner
//! under a chosen policy, the deadline-by-deadline walk that runs every deadline's cron in turn
//! (as the power actor calls it), Window PoSt at a deadline's opening, commit-and-first-PoSt in
//! one call, the amounts tests expect (the daily fee of sectors as stored, the continued-fault
//! and termination fees), the miner's fee accounting before and after a step, the FIP-0083 and
//! `fee-applied` events written out entry by entry, and the FIP-0067 status getter.

use cid::Cid;
use fil_actor_miner::{
    ext, pledge_penalty_for_continued_fault, pledge_penalty_for_termination, DeadlineInfo, Method,
    PoStPartition, PowerPair, ReplaceSectorParams, ReplacementSealingStatus,
    SectorActivationManifest, SectorOnChainInfo,
};
use fil_actors_runtime::runtime::Policy;
use fil_actors_runtime::test_utils::MockRuntime;
use fil_actors_runtime::{ActorError, STORAGE_MARKET_ACTOR_ADDR};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::to_vec;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::{ActorEvent, Entry, Flags};
use fvm_shared::sector::{SectorNumber, StoragePower};
use serde::Serialize;

use super::post::{power, CronConfig, PoStConfig};
use super::{
    as_caller, call, expect_pledge_update, expect_power_update, finish, ActorHarness, OTHER,
};
use fil_actor_miner::emit::{FeeApplied, FeeType};

/// The miner's fee accounting at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeLedger {
    pub fee_debt: TokenAmount,
    pub balance: TokenAmount,
}

impl FeeLedger {
    /// What the fees applied from `self` to `after` added up to: the growth of the debt plus
    /// what left the balance (burnt, or paid to a reporter out of a penalty). Valid for steps
    /// whose only outflows are fee payments.
    pub fn applied_until(&self, after: &FeeLedger) -> TokenAmount {
        (&after.fee_debt - &self.fee_debt) + (&self.balance - &after.balance)
    }
}

impl ActorHarness {
    /// A miner constructed under `policy`, its creation deposit released (so vesting moves no
    /// pledge while sectors live) and `spare` added to its balance.
    pub fn setup_with_policy(&self, policy: Policy, spare: TokenAmount) -> MockRuntime {
        let mut rt = self.new_runtime();
        rt.policy = policy;
        self.construct_and_verify(&rt);
        self.release_creation_deposit(&rt);
        self.fund(&rt, spare);
        rt
    }

    pub fn fee_ledger(&self, rt: &MockRuntime) -> FeeLedger {
        FeeLedger {
            fee_debt: self.state(rt).fee_debt,
            balance: rt.balance.borrow().clone(),
        }
    }

    /// Runs the cron of every deadline, in turn, whose last epoch is before `until`, then moves
    /// to `until`. `during` is called once inside each deadline (where it may act, e.g. submit
    /// a PoSt) and returns what that deadline's cron is expected to do.
    pub fn walk_deadlines(
        &self,
        rt: &MockRuntime,
        until: ChainEpoch,
        mut during: impl FnMut(&DeadlineInfo) -> CronConfig,
    ) {
        assert!(until >= rt.epoch.get(), "cannot walk back to {}", until);
        loop {
            let dl = self.current_deadline(rt);
            if dl.last() >= until {
                break;
            }
            let cfg = during(&dl);
            self.advance_deadline(rt, cfg);
        }
        rt.set_epoch(until);
    }

    /// Proves every partition of `dl` in `partitions` (nothing skipped) one epoch after its
    /// opening, or now if later.
    pub fn post_partitions(
        &self,
        rt: &MockRuntime,
        dl: &DeadlineInfo,
        partitions: &[u64],
        cfg: PoStConfig,
    ) {
        rt.set_epoch(std::cmp::max(rt.epoch.get(), dl.open + 1));
        let partitions = partitions
            .iter()
            .map(|&index| PoStPartition {
                index,
                skipped: BitField::new(),
            })
            .collect();
        self.submit_window_post(rt, &self.post_params(dl, partitions), cfg)
            .unwrap();
    }

    /// The sum of the FIP-0100 daily fees of `numbers` as stored.
    pub fn daily_fee_of(&self, rt: &MockRuntime, numbers: &[SectorNumber]) -> TokenAmount {
        let st = self.state(rt);
        numbers
            .iter()
            .map(|&n| st.get_sector(&rt.store, n).unwrap().unwrap().daily_fee)
            .sum()
    }

    /// The `daily-proof` fee of `numbers` in deadline `deadline`, when under the cap.
    pub fn daily_fee_event(
        &self,
        rt: &MockRuntime,
        deadline: u64,
        numbers: &[SectorNumber],
    ) -> FeeApplied {
        FeeApplied::new(FeeType::DailyProof, self.daily_fee_of(rt, numbers))
            .deadline(deadline)
            .sectors(numbers.len() as u64)
    }

    /// The continued-fault fee of `qa` faulty power at the harness's network estimates.
    pub fn continued_fault_fee(&self, qa: &StoragePower) -> TokenAmount {
        pledge_penalty_for_continued_fault(&self.reward_smoothed, &self.qa_power_smoothed, qa)
    }

    /// The FIP-0098 fee of `sector` (no deals, so its QA power is its size) terminated at
    /// `epoch`.
    pub fn termination_fee(&self, sector: &SectorOnChainInfo, epoch: ChainEpoch) -> TokenAmount {
        pledge_penalty_for_termination(
            &sector.initial_pledge,
            epoch - sector.activation,
            &self.continued_fault_fee(&power(1).qa),
        )
    }

    /// Pre-commits `numbers` without data now, runs the deadline crons until they may be
    /// proven, and proves them with ProveCommitSectors3. Returns the sectors as stored.
    pub fn precommit_and_prove(
        &self,
        rt: &MockRuntime,
        numbers: &[SectorNumber],
        expiration: ChainEpoch,
    ) -> Vec<SectorOnChainInfo> {
        let precommits = numbers
            .iter()
            .map(|&n| self.precommit_info(rt, n, expiration))
            .collect();
        self.precommit_sectors(rt, precommits);
        let prove_at = rt.epoch.get() + rt.policy.pre_commit_challenge_delay + 1;
        self.walk_deadlines(rt, prove_at, |_| CronConfig::default());
        self.prove_commit_sectors3(
            rt,
            numbers
                .iter()
                .map(|&n| SectorActivationManifest {
                    sector_number: n,
                    pieces: vec![],
                })
                .collect(),
        )
    }

    /// `precommit_and_prove`, then their deadline's first Window PoSt (gaining their power) and
    /// its cron (charging their daily fee). Ends at the first epoch after that deadline; returns
    /// its index.
    pub fn commit_and_prove(
        &self,
        rt: &MockRuntime,
        numbers: &[SectorNumber],
        expiration: ChainEpoch,
    ) -> u64 {
        self.precommit_and_prove(rt, numbers, expiration);
        let (idx, _) = self.state(rt).find_sector(&rt.store, numbers[0]).unwrap();
        let first = self.deadline_at(rt, idx);
        self.walk_deadlines(rt, first.open, |_| CronConfig::default());
        self.post_partitions(
            rt,
            &first,
            &[0],
            PoStConfig {
                power_delta: power(numbers.len() as u64),
                ..Default::default()
            },
        );
        let fee = self.daily_fee_event(rt, idx, numbers);
        self.advance_deadline(
            rt,
            CronConfig {
                burnt: fee.amount.clone(),
                fee_events: vec![fee],
                ..Default::default()
            },
        );
        idx
    }

    /// ReplaceSector (FIP-0067) from `caller`, expecting on success the power update
    /// `power_delta`, the pledge notice `pledge_delta`, the market told at the current epoch that
    /// `deal_sectors` terminated, and `events` (entry by entry). A failure drops what it did not
    /// reach.
    #[allow(clippy::too_many_arguments)]
    pub fn replace_sector(
        &self,
        rt: &MockRuntime,
        caller: Address,
        old_sector: SectorNumber,
        new_sector: SectorNumber,
        power_delta: PowerPair,
        pledge_delta: TokenAmount,
        deal_sectors: &[SectorNumber],
        events: Vec<ActorEvent>,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        let info = self.info(rt);
        rt.expect_validate_caller_addr(vec![info.owner, info.worker]);
        expect_power_update(rt, &power_delta);
        expect_pledge_update(rt, &pledge_delta);
        if !deal_sectors.is_empty() {
            let params = ext::market::OnMinerSectorsTerminateParams {
                epoch: rt.epoch.get(),
                sectors: BitField::try_from_bits(deal_sectors.iter().copied()).unwrap(),
            };
            rt.expect_send_simple(
                STORAGE_MARKET_ACTOR_ADDR,
                ext::market::ON_MINER_SECTORS_TERMINATE_METHOD,
                IpldBlock::serialize_cbor(&params).unwrap(),
                TokenAmount::from_atto(0),
                None,
                ExitCode::OK,
            );
        }
        for event in events {
            rt.expect_emitted_event(event);
        }
        let params = ReplaceSectorParams {
            old_sector,
            new_sector,
        };
        let res = call::<_, ()>(rt, Method::ReplaceSectorExported, Some(&params)).map(|_| ());
        finish(rt, res)
    }

    /// GetReplacementSealingStatus (FIP-0067) from an unrelated account: `None` while dormant or
    /// before the counters exist.
    pub fn replacement_sealing_status(&self, rt: &MockRuntime) -> Option<ReplacementSealingStatus> {
        as_caller(rt, OTHER);
        rt.expect_validate_caller_any();
        let ret = call::<(), Option<ReplacementSealingStatus>>(
            rt,
            Method::GetReplacementSealingStatusExported,
            None,
        )
        .unwrap()
        .flatten();
        rt.verify();
        ret
    }
}

// --- events written out entry by entry (shared/spec/events.md) ---

/// Index key and value.
const KEY_VALUE: u64 = 0x03;
/// Index key only.
const KEY: u64 = 0x01;
/// Index value only.
const VALUE: u64 = 0x02;

/// One entry: `flags`, `key` and the CBOR (codec 0x51) encoding of `value`.
pub fn entry<T: Serialize + ?Sized>(flags: u64, key: &str, value: &T) -> Entry {
    Entry {
        flags: Flags::from_bits(flags).unwrap(),
        key: key.to_string(),
        codec: 0x51,
        value: to_vec(value).unwrap(),
    }
}

/// The `fee-applied` event: `$type`, `fee-type` (both indexed key and value), then `amount`,
/// and the optional `deadline`, `sectors` and `limit-applied` (indexed value), in that order.
pub fn fee_applied_event(
    fee_type: &str,
    amount: &TokenAmount,
    deadline: Option<u64>,
    sectors: Option<u64>,
    limit_applied: bool,
) -> ActorEvent {
    let mut entries = vec![
        entry(KEY_VALUE, "$type", "fee-applied"),
        entry(KEY_VALUE, "fee-type", fee_type),
        entry(VALUE, "amount", amount),
    ];
    if let Some(d) = deadline {
        entries.push(entry(VALUE, "deadline", &d));
    }
    if let Some(n) = sectors {
        entries.push(entry(VALUE, "sectors", &n));
    }
    if limit_applied {
        entries.push(entry(VALUE, "limit-applied", &true));
    }
    ActorEvent { entries }
}

/// `sector-precommitted` or `sector-terminated`: `$type` and `sector`.
pub fn sector_event(event_type: &str, sector: SectorNumber) -> ActorEvent {
    ActorEvent {
        entries: vec![
            entry(KEY_VALUE, "$type", event_type),
            entry(KEY_VALUE, "sector", &sector),
        ],
    }
}

/// `sector-activated` or `sector-updated`: `$type`, `sector`, `unsealed-cid` (null for a
/// sector without data), then `piece-cid` (indexed key and value) and `piece-size` (indexed
/// key) per piece, in manifest order.
pub fn sector_data_entries(
    event_type: &str,
    sector: SectorNumber,
    unsealed_cid: Option<Cid>,
    pieces: &[(Cid, u64)],
) -> ActorEvent {
    let mut entries = vec![
        entry(KEY_VALUE, "$type", event_type),
        entry(KEY_VALUE, "sector", &sector),
        entry(KEY_VALUE, "unsealed-cid", &unsealed_cid),
    ];
    for (cid, size) in pieces {
        entries.push(entry(KEY_VALUE, "piece-cid", cid));
        entries.push(entry(KEY, "piece-size", size));
    }
    ActorEvent { entries }
}
