//! Harness for the proving side of the miner: sectors written straight into state (so these
//! tests do not depend on the commit methods), the deadline cron with every send it makes
//! (power, burn, pledge, re-enrolment, early terminations and the market's notice), Window
//! PoSt submission and dispute, TerminateSectors and ReportConsensusFault. Each helper sets
//! the mock expectations of one call from a config of expected values, so a test names the
//! amounts it expects and the helper checks the sends and events match exactly.

use fil_actor_miner::emit::{self, FeeApplied, FeeType};
use fil_actor_miner::{
    ext, CronEventPayload, DeadlineInfo, DeferredCronEventParams, DisputeWindowedPoStParams,
    Method, PoStPartition, PowerPair, ReportConsensusFaultParams, SectorOnChainInfo,
    SubmitWindowedPoStParams, TerminateSectorsParams, TerminateSectorsReturn,
    TerminationDeclaration, CRON_EVENT_PROCESS_EARLY_TERMINATIONS, CRON_EVENT_PROVING_DEADLINE,
};
use fil_actors_runtime::runtime::DomainSeparationTag;
use fil_actors_runtime::test_utils::{builtin_code_cid, ExpectedVerifyConsensusFault, MockRuntime};
use fil_actors_runtime::{ActorError, Type, STORAGE_MARKET_ACTOR_ADDR, STORAGE_POWER_ACTOR_ADDR};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::commcid::replica_commitment_v1_to_cid;
use fvm_shared::consensus::{ConsensusFault, ConsensusFaultType};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::ActorEvent;
use fvm_shared::randomness::Randomness;
use fvm_shared::sector::{
    PoStProof, RegisteredSealProof, SectorInfo, SectorNumber, WindowPoStVerifyInfo,
};
use fvm_shared::METHOD_SEND;

use super::*;

/// The seal proof of the harness's sectors (its PoSt type is the miner's).
pub const SEAL_PROOF: RegisteredSealProof = RegisteredSealProof::StackedDRG32GiBV1P1;
/// The chain randomness the mock hands out for a PoSt's chain commitment.
pub const COMMIT_RAND: [u8; 32] = [7; 32];
/// The beacon randomness the mock hands out for a PoSt's challenge.
pub const CHALLENGE_RAND: [u8; 32] = [9; 32];

/// A sector of the harness's type, sealed as `number`, activated at `activation`.
pub fn make_sector(
    number: SectorNumber,
    activation: ChainEpoch,
    expiration: ChainEpoch,
    initial_pledge: TokenAmount,
    daily_fee: TokenAmount,
) -> SectorOnChainInfo {
    SectorOnChainInfo {
        sector_number: number,
        seal_proof: SEAL_PROOF,
        sealed_cid: replica_commitment_v1_to_cid(&[number as u8 + 1; 32]).unwrap(),
        activation,
        expiration,
        initial_pledge,
        power_base_epoch: activation,
        daily_fee,
        ..Default::default()
    }
}

/// The power of `n` of the harness's sectors (32 GiB, no deals: raw and QA alike).
pub fn power(n: u64) -> PowerPair {
    let p = BigInt::from(n) * BigInt::from(32u64 << 30);
    PowerPair::new(p.clone(), p)
}

pub fn bitfield(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

/// What one deadline cron is expected to do, in the order it does it. The default expects
/// nothing but the re-enrolment at the next deadline's last epoch.
#[derive(Clone, Debug)]
pub struct CronConfig {
    /// The `fee-applied` events of the deadline's end, in order.
    pub fee_events: Vec<FeeApplied>,
    pub power_delta: PowerPair,
    pub burnt: TokenAmount,
    pub pledge_delta: TokenAmount,
    /// Whether the cron re-enrolls (the miner still holds deposits, pledge or locked funds).
    pub continue_cron: bool,
    /// New early terminations processed in the same message.
    pub terminations: Option<TerminationBatch>,
}

impl Default for CronConfig {
    fn default() -> Self {
        CronConfig {
            fee_events: Vec::new(),
            power_delta: PowerPair::zero(),
            burnt: TokenAmount::from_atto(0),
            pledge_delta: TokenAmount::from_atto(0),
            continue_cron: true,
            terminations: None,
        }
    }
}

/// One batch of early terminations processed: the fee charged, what is burnt, the pledge
/// change, the sectors (in order) and those with deals, and whether a callback is scheduled.
#[derive(Clone, Debug, Default)]
pub struct TerminationBatch {
    pub fee: TokenAmount,
    pub burnt: TokenAmount,
    pub pledge_delta: TokenAmount,
    pub sectors: Vec<SectorNumber>,
    pub deal_sectors: Vec<SectorNumber>,
    /// Epoch the market is told the deals terminated at (the current epoch).
    pub epoch: ChainEpoch,
    /// More remain and a callback is enrolled at the next epoch.
    pub reschedule: bool,
}

/// What a Window PoSt submission is expected to do.
#[derive(Clone, Debug, Default)]
pub struct PoStConfig {
    /// Set when the submission recovers power and is verified at once: the challenged
    /// sectors and the verifier's answer.
    pub verify: Option<(Vec<SectorOnChainInfo>, bool)>,
    pub power_delta: PowerPair,
}

/// What a successful dispute is expected to do.
#[derive(Clone, Debug, Default)]
pub struct DisputeConfig {
    pub fee: Option<FeeApplied>,
    pub power_delta: PowerPair,
    pub reward: TokenAmount,
    pub burnt: TokenAmount,
    pub pledge_delta: TokenAmount,
}

pub fn fee_event(fee: &FeeApplied) -> ActorEvent {
    fee.event().unwrap()
}

/// Expects the events of a fee application (nothing for a zero amount).
pub fn expect_fee(rt: &MockRuntime, fee: &FeeApplied) {
    if fee.amount.is_positive() {
        rt.expect_emitted_event(fee_event(fee));
    }
}

/// The sends and events of one processed batch of early terminations.
pub fn expect_termination_batch(rt: &MockRuntime, batch: &TerminationBatch) {
    expect_burn(rt, &batch.burnt);
    expect_pledge_update(rt, &batch.pledge_delta);
    if !batch.deal_sectors.is_empty() {
        let params = ext::market::OnMinerSectorsTerminateParams {
            epoch: batch.epoch,
            sectors: bitfield(&batch.deal_sectors),
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
    expect_fee(
        rt,
        &FeeApplied::new(FeeType::Termination, batch.fee.clone())
            .sectors(batch.sectors.len() as u64),
    );
    for &sector in &batch.sectors {
        rt.expect_emitted_event(emit::sector_terminated_event(sector).unwrap());
    }
    if batch.reschedule {
        expect_enroll(rt, batch.epoch + 1, CRON_EVENT_PROCESS_EARLY_TERMINATIONS);
    }
}

impl ActorHarness {
    /// The deadline the chain is in now.
    pub fn current_deadline(&self, rt: &MockRuntime) -> DeadlineInfo {
        self.state(rt).deadline_info(&rt.policy, rt.epoch.get())
    }

    /// The next occurrence of deadline `idx` that has not closed.
    pub fn deadline_at(&self, rt: &MockRuntime, idx: u64) -> DeadlineInfo {
        let st = self.state(rt);
        let start = st.current_proving_period_start(&rt.policy, rt.epoch.get());
        DeadlineInfo::new(&rt.policy, start, idx, rt.epoch.get()).next_not_elapsed()
    }

    /// Writes proven (or unproven) sectors into deadline `idx` directly: their infos, numbers,
    /// pledge (the balance grows to cover it) and the deadline's partitions. Enables the
    /// deadline cron, as activation does.
    pub fn put_sectors(
        &self,
        rt: &MockRuntime,
        idx: u64,
        sectors: &[SectorOnChainInfo],
        proven: bool,
    ) {
        let mut st = self.state(rt);
        let store = &rt.store;
        let info = st.get_info(store).unwrap();
        let numbers = bitfield(&sectors.iter().map(|s| s.sector_number).collect::<Vec<_>>());
        st.allocate_sector_numbers(
            store,
            &numbers,
            fil_actor_miner::CollisionPolicy::DenyCollisions,
        )
        .unwrap();
        st.put_sectors(store, sectors.to_vec()).unwrap();
        let mut deadlines = st.load_deadlines(store).unwrap();
        let mut deadline = deadlines.load_deadline(store, idx).unwrap();
        let quant = st.quant_spec_for_deadline(&rt.policy, idx);
        deadline
            .add_sectors(
                store,
                info.window_post_partition_sectors,
                proven,
                true,
                sectors,
                info.sector_size,
                quant,
            )
            .unwrap();
        deadlines
            .update_deadline(&rt.policy, store, idx, &deadline)
            .unwrap();
        st.save_deadlines(store, deadlines).unwrap();
        let pledge: TokenAmount = sectors.iter().map(|s| s.initial_pledge.clone()).sum();
        st.add_initial_pledge(&pledge).unwrap();
        st.deadline_cron_active = true;
        rt.replace_state(&st);
        let balance = rt.balance.borrow().clone();
        rt.set_balance(balance + pledge);
    }

    /// Empties the vesting table as if the creation deposit had vested and been withdrawn, so
    /// fees are paid from the unlocked balance and pledge notices come only from sectors.
    pub fn release_creation_deposit(&self, rt: &MockRuntime) {
        let mut st = self.state(rt);
        let balance = rt.balance.borrow().clone();
        rt.set_balance(balance - &st.locked_funds);
        st.locked_funds = TokenAmount::from_atto(0);
        st.vesting_funds = fil_actor_miner::VestingFunds::new();
        rt.replace_state(&st);
    }

    /// Adds `amount` to the miner's balance (unlocked funds).
    pub fn fund(&self, rt: &MockRuntime, amount: TokenAmount) {
        let balance = rt.balance.borrow().clone();
        rt.set_balance(balance + amount);
    }

    /// Writes a pre-commitment of sector `number` with `deposit` (added to the balance), to
    /// be cleaned up at `cleanup_epoch`.
    pub fn put_precommit(
        &self,
        rt: &MockRuntime,
        number: SectorNumber,
        deposit: TokenAmount,
        cleanup_epoch: ChainEpoch,
    ) {
        let mut st = self.state(rt);
        let precommit = fil_actor_miner::SectorPreCommitOnChainInfo {
            info: fil_actor_miner::SectorPreCommitInfo {
                seal_proof: SEAL_PROOF,
                sector_number: number,
                sealed_cid: replica_commitment_v1_to_cid(&[number as u8 + 1; 32]).unwrap(),
                seal_rand_epoch: rt.epoch.get() - 1,
                deal_ids: vec![],
                expiration: rt.epoch.get() + 200 * 2880,
                unsealed_cid: fil_actor_miner::CompactCommD::new(None),
            },
            pre_commit_deposit: deposit.clone(),
            pre_commit_epoch: rt.epoch.get(),
        };
        st.allocate_sector_numbers(
            &rt.store,
            &bitfield(&[number]),
            fil_actor_miner::CollisionPolicy::DenyCollisions,
        )
        .unwrap();
        st.put_precommitted_sectors(&rt.store, vec![precommit])
            .unwrap();
        st.add_pre_commit_deposit(&deposit).unwrap();
        st.add_pre_commit_clean_ups(&rt.policy, &rt.store, vec![(cleanup_epoch, number)])
            .unwrap();
        st.deadline_cron_active = true;
        rt.replace_state(&st);
        self.fund(rt, deposit);
    }

    /// Edits deadline `idx` of the state directly.
    pub fn edit_deadline(
        &self,
        rt: &MockRuntime,
        idx: u64,
        f: impl FnOnce(&mut fil_actor_miner::Deadline, &fil_actor_miner::State),
    ) {
        let mut st = self.state(rt);
        let mut deadlines = st.load_deadlines(&rt.store).unwrap();
        let mut deadline = deadlines.load_deadline(&rt.store, idx).unwrap();
        f(&mut deadline, &st);
        deadlines
            .update_deadline(&rt.policy, &rt.store, idx, &deadline)
            .unwrap();
        st.save_deadlines(&rt.store, deadlines).unwrap();
        rt.replace_state(&st);
    }

    pub fn get_deadline(&self, rt: &MockRuntime, idx: u64) -> fil_actor_miner::Deadline {
        let st = self.state(rt);
        st.load_deadlines(&rt.store)
            .unwrap()
            .load_deadline(&rt.store, idx)
            .unwrap()
    }

    /// Runs the deadline cron at the current epoch with `cfg`'s expectations.
    pub fn on_deadline_cron(&self, rt: &MockRuntime, cfg: CronConfig) {
        self.cron_event(rt, CRON_EVENT_PROVING_DEADLINE, |rt| {
            for fee in &cfg.fee_events {
                expect_fee(rt, fee);
            }
            expect_power_update(rt, &cfg.power_delta);
            expect_burn(rt, &cfg.burnt);
            expect_pledge_update(rt, &cfg.pledge_delta);
            if cfg.continue_cron {
                let next = self
                    .state(rt)
                    .deadline_info(&rt.policy, rt.epoch.get() + 1)
                    .last();
                expect_enroll(rt, next, CRON_EVENT_PROVING_DEADLINE);
            }
            if let Some(batch) = &cfg.terminations {
                expect_termination_batch(rt, batch);
            }
        })
        .unwrap();
    }

    /// Moves to the last epoch of the current deadline, runs its cron, and moves on to the
    /// first epoch of the next deadline, which it returns.
    pub fn advance_deadline(&self, rt: &MockRuntime, cfg: CronConfig) -> DeadlineInfo {
        let last = self.current_deadline(rt).last();
        rt.set_epoch(last);
        self.on_deadline_cron(rt, cfg);
        rt.set_epoch(last + 1);
        self.current_deadline(rt)
    }

    /// Calls OnDeferredCronEvent from the power actor with `event_type`, after `expect` set
    /// the expectations.
    pub fn cron_event(
        &self,
        rt: &MockRuntime,
        event_type: i64,
        expect: impl FnOnce(&MockRuntime),
    ) -> Result<(), ActorError> {
        rt.set_caller(builtin_code_cid(Type::Power), STORAGE_POWER_ACTOR_ADDR);
        rt.expect_validate_caller_addr(vec![STORAGE_POWER_ACTOR_ADDR]);
        expect(rt);
        let params = DeferredCronEventParams {
            event_payload: fvm_ipld_encoding::to_vec(&CronEventPayload { event_type }).unwrap(),
            reward_smoothed: self.reward_smoothed.clone(),
            quality_adj_power_smoothed: self.qa_power_smoothed.clone(),
        };
        let res = call::<_, ()>(rt, Method::OnDeferredCronEvent, Some(&params)).map(|_| ());
        finish(rt, res)
    }

    /// The PoSt parameters for deadline `dl` over `partitions`, committed to the challenge
    /// epoch's ticket.
    pub fn post_params(
        &self,
        dl: &DeadlineInfo,
        partitions: Vec<PoStPartition>,
    ) -> SubmitWindowedPoStParams {
        SubmitWindowedPoStParams {
            deadline: dl.index,
            partitions,
            proofs: vec![PoStProof {
                post_proof: PROOF,
                proof_bytes: vec![1; 8],
            }],
            chain_commit_epoch: dl.challenge,
            chain_commit_rand: Randomness(COMMIT_RAND.to_vec()),
        }
    }

    /// The proof verification a PoSt over `sectors` challenged at `challenge` asks for.
    pub fn expect_post_verification(
        &self,
        rt: &MockRuntime,
        challenge: ChainEpoch,
        proofs: Vec<PoStProof>,
        sectors: &[SectorOnChainInfo],
        valid: bool,
    ) {
        rt.expect_get_randomness_from_beacon(
            DomainSeparationTag::WindowedPoStChallengeSeed,
            challenge,
            fvm_ipld_encoding::to_vec(&MINER).unwrap(),
            CHALLENGE_RAND,
        );
        let info = WindowPoStVerifyInfo {
            randomness: Randomness(CHALLENGE_RAND.to_vec()),
            proofs,
            challenged_sectors: sectors
                .iter()
                .map(|s| SectorInfo {
                    proof: s.seal_proof,
                    sector_number: s.sector_number,
                    sealed_cid: s.sealed_cid,
                })
                .collect(),
            prover: MINER.id().unwrap(),
        };
        rt.expect_verify_post(
            info,
            if valid {
                Ok(())
            } else {
                Err("invalid".to_string())
            },
        );
    }

    /// SubmitWindowedPoSt from the worker with `params` (see `post_params`), at the current
    /// epoch. The chain commitment is looked up when the checks before it pass, so a test of
    /// an earlier rejection gets an unmet expectation dropped.
    pub fn submit_window_post(
        &self,
        rt: &MockRuntime,
        params: &SubmitWindowedPoStParams,
        cfg: PoStConfig,
    ) -> Result<(), ActorError> {
        as_caller(rt, WORKER);
        rt.expect_validate_caller_addr(self.controlling(rt));
        rt.expect_get_randomness_from_tickets(
            DomainSeparationTag::PoStChainCommit,
            params.chain_commit_epoch,
            vec![],
            COMMIT_RAND,
        );
        if let Some((sectors, valid)) = &cfg.verify {
            let challenge = self.current_deadline(rt).challenge;
            self.expect_post_verification(rt, challenge, params.proofs.clone(), sectors, *valid);
        }
        expect_power_update(rt, &cfg.power_delta);
        let res = call::<_, ()>(rt, Method::SubmitWindowedPoSt, Some(params)).map(|_| ());
        finish(rt, res)
    }

    /// DisputeWindowedPoSt from `OTHER`, expecting the reward and power queries, the proof
    /// re-verified over `sectors` (answering `valid`) and, on success, `cfg`'s outcome.
    pub fn dispute_window_post(
        &self,
        rt: &MockRuntime,
        dl: &DeadlineInfo,
        post_index: u64,
        sectors: &[SectorOnChainInfo],
        valid: bool,
        cfg: DisputeConfig,
    ) -> Result<(), ActorError> {
        as_caller(rt, OTHER);
        rt.expect_validate_caller_any();
        self.expect_network_queries(rt);
        let proofs = self.post_params(dl, vec![]).proofs;
        self.expect_post_verification(rt, dl.challenge, proofs, sectors, valid);
        if let Some(fee) = &cfg.fee {
            expect_fee(rt, fee);
        }
        expect_power_update(rt, &cfg.power_delta);
        if cfg.reward.is_positive() {
            rt.expect_send_simple(OTHER, METHOD_SEND, None, cfg.reward, None, ExitCode::OK);
        }
        expect_burn(rt, &cfg.burnt);
        expect_pledge_update(rt, &cfg.pledge_delta);
        let params = DisputeWindowedPoStParams {
            deadline: dl.index,
            post_index,
        };
        let res = call::<_, ()>(rt, Method::DisputeWindowedPoSt, Some(&params)).map(|_| ());
        finish(rt, res)
    }

    /// The reward and power queries a method makes for the network's estimates.
    pub fn expect_network_queries(&self, rt: &MockRuntime) {
        self.expect_deposit_queries(rt);
    }

    /// TerminateSectors from the worker, expecting the estimates to be queried, `batch`
    /// processed and `power_delta` removed.
    pub fn terminate_sectors(
        &self,
        rt: &MockRuntime,
        terminations: Vec<TerminationDeclaration>,
        batch: Option<TerminationBatch>,
        power_delta: PowerPair,
    ) -> Result<TerminateSectorsReturn, ActorError> {
        as_caller(rt, WORKER);
        rt.expect_validate_caller_addr(self.controlling(rt));
        self.expect_network_queries(rt);
        if let Some(batch) = &batch {
            expect_termination_batch(rt, batch);
        }
        expect_power_update(rt, &power_delta);
        let params = TerminateSectorsParams { terminations };
        let res = call(rt, Method::TerminateSectors, Some(&params)).map(|r| r.unwrap());
        finish(rt, res)
    }

    /// ReportConsensusFault from `OTHER` for a fault by `target` at `fault_epoch`, expecting
    /// the reward query, `reward` paid, `burnt` burnt and the pledge change.
    #[allow(clippy::too_many_arguments)]
    pub fn report_consensus_fault(
        &self,
        rt: &MockRuntime,
        target: Address,
        fault_epoch: ChainEpoch,
        penalty: TokenAmount,
        reward: TokenAmount,
        burnt: TokenAmount,
        pledge_delta: TokenAmount,
    ) -> Result<(), ActorError> {
        as_caller(rt, OTHER);
        rt.expect_validate_caller_any();
        let params = ReportConsensusFaultParams {
            header1: b"header one".to_vec(),
            header2: b"header two".to_vec(),
            header_extra: vec![],
        };
        rt.expect_verify_consensus_fault(ExpectedVerifyConsensusFault {
            h1: params.header1.clone(),
            h2: params.header2.clone(),
            extra: params.header_extra.clone(),
            result: Ok(Some(ConsensusFault {
                target,
                epoch: fault_epoch,
                fault_type: ConsensusFaultType::DoubleForkMining,
            })),
        });
        self.expect_this_epoch_reward(rt);
        expect_fee(rt, &FeeApplied::new(FeeType::ConsensusFault, penalty));
        rt.expect_send_simple(OTHER, METHOD_SEND, None, reward, None, ExitCode::OK);
        expect_burn(rt, &burnt);
        expect_pledge_update(rt, &pledge_delta);
        let res = call::<_, ()>(rt, Method::ReportConsensusFault, Some(&params)).map(|_| ());
        finish(rt, res)
    }

    /// The epoch reward estimate the mocked reward actor reports, as a token amount.
    pub fn this_epoch_reward(&self) -> TokenAmount {
        TokenAmount::from_atto(self.reward_smoothed.estimate())
    }
}
