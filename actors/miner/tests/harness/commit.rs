//! Harness helpers for committing sectors: commitment CIDs, pre-commit parameters, the expected
//! deposit, pledge and daily fee, and one helper per method (`precommit_sectors`,
//! `prove_commit_sectors3`, `prove_commit_sectors_ni`, `prove_replica_updates3`) that sets every
//! expectation of the success path, so lifecycle tests can walk sectors in with one call each.
//! The `*_from` variants return the result for rejection tests (expectations a failing call
//! does not reach are dropped).

use cid::multihash::Multihash;
use cid::Cid;
use fil_actor_miner::emit::{sector_data_event, sector_precommitted_event};
use fil_actor_miner::ext::verifreg::{
    AllocationClaim, ClaimAllocationsParams, ClaimAllocationsReturn, SectorAllocationClaims,
    SectorClaimSummary, CLAIM_ALLOCATIONS_METHOD,
};
use fil_actor_miner::{
    daily_proof_fee, daily_proof_fee_adjust, ext, initial_pledge_for_power,
    max_prove_commit_duration, pre_commit_deposit_for_power, qa_power_for_sector,
    qa_power_for_weight, qa_power_max, CompactCommD, Method, PieceActivationManifest, PieceChange,
    PieceReturn, PowerPair, PreCommitSectorBatchParams2, ProveCommitSectors3Params,
    ProveCommitSectors3Return, ProveCommitSectorsNIParams, ProveCommitSectorsNIReturn,
    ProveReplicaUpdates3Params, ProveReplicaUpdates3Return, SectorActivationManifest,
    SectorChanges, SectorContentChangedParams, SectorContentChangedReturn, SectorNIActivationInfo,
    SectorOnChainInfo, SectorOnChainInfoFlags, SectorPreCommitInfo, SectorPreCommitOnChainInfo,
    SectorReturn, SectorUpdateManifest, CRON_EVENT_PROVING_DEADLINE, SECTOR_CONTENT_CHANGED,
};
use fil_actors_runtime::runtime::DomainSeparationTag;
use fil_actors_runtime::test_utils::{ExpectedComputeUnsealedSectorCid, MockRuntime};
use fil_actors_runtime::{
    ActorError, BatchReturn, STORAGE_MARKET_ACTOR_ADDR, VERIFIED_REGISTRY_ACTOR_ADDR,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::commcid::{
    FIL_COMMITMENT_SEALED, FIL_COMMITMENT_UNSEALED, POSEIDON_BLS12_381_A1_FC1,
    SHA2_256_TRUNC254_PADDED,
};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::piece::{PaddedPieceSize, PieceInfo};
use fvm_shared::randomness::Randomness;
use fvm_shared::sector::{
    AggregateSealVerifyInfo, AggregateSealVerifyProofAndInfos, RegisteredAggregateProof,
    RegisteredSealProof, RegisteredUpdateProof, ReplicaUpdateInfo, SealVerifyInfo, SectorID,
    SectorNumber, SectorSize, StoragePower,
};

use super::{
    as_caller, call, expect_burn, expect_enroll, expect_pledge_update, expect_power_update, finish,
    ActorHarness, MINER, WORKER,
};

/// The seal proof matching the harness miner's Window PoSt proof type.
pub const SEAL_PROOF: RegisteredSealProof = RegisteredSealProof::StackedDRG32GiBV1P1;
pub const SECTOR_SIZE: SectorSize = SectorSize::_32GiB;
/// The non-interactive seal proof of the same size (FIP-0090).
pub const NI_SEAL_PROOF: RegisteredSealProof =
    RegisteredSealProof::StackedDRG32GiBV1P2_Feat_NiPoRep;
/// What the mocked ticket and beacon randomness return.
pub const TICKET: [u8; 32] = [7; 32];
pub const BEACON: [u8; 32] = [9; 32];

/// A well-formed CommR derived from `seed`.
pub fn sealed_cid(seed: u64) -> Cid {
    commitment(FIL_COMMITMENT_SEALED, POSEIDON_BLS12_381_A1_FC1, seed)
}

/// A well-formed CommP or CommD derived from `seed`.
pub fn piece_cid(seed: u64) -> Cid {
    commitment(FIL_COMMITMENT_UNSEALED, SHA2_256_TRUNC254_PADDED, seed)
}

fn commitment(codec: u64, hash: u64, seed: u64) -> Cid {
    let mut digest = [0xab; 32];
    digest[..8].copy_from_slice(&seed.to_be_bytes());
    Cid::new_v1(codec, Multihash::wrap(hash, &digest).unwrap())
}

/// A piece of `size` bytes (padded) with no allocation and no notifications.
pub fn piece(seed: u64, size: u64) -> PieceActivationManifest {
    PieceActivationManifest {
        cid: piece_cid(seed),
        size: PaddedPieceSize(size),
        verified_allocation_key: None,
        notify: vec![],
    }
}

/// The miner's address as seal randomness entropy.
pub fn entropy() -> Vec<u8> {
    fvm_ipld_encoding::to_vec(&MINER).unwrap()
}

/// The answer of a notified actor that accepts every piece.
pub fn accept_all(changes: &[SectorChanges]) -> SectorContentChangedReturn {
    SectorContentChangedReturn {
        sectors: changes
            .iter()
            .map(|s| SectorReturn {
                added: s
                    .added
                    .iter()
                    .map(|_| PieceReturn { accepted: true })
                    .collect(),
            })
            .collect(),
    }
}

impl ActorHarness {
    // --- expected amounts ---

    /// The deposit of one pre-commit: 20 days' reward of a fully verified sector.
    pub fn precommit_deposit(&self) -> TokenAmount {
        pre_commit_deposit_for_power(
            &self.reward_smoothed,
            &self.qa_power_smoothed,
            &qa_power_max(SECTOR_SIZE),
        )
    }

    /// The initial pledge of `qa_power` at the current epoch.
    pub fn expected_initial_pledge(
        &self,
        rt: &MockRuntime,
        qa_power: &StoragePower,
    ) -> TokenAmount {
        initial_pledge_for_power(
            qa_power,
            &self.baseline_power,
            &self.reward_smoothed,
            &self.qa_power_smoothed,
            &self.circulating_supply,
            rt.epoch.get() - self.ramp_start_epoch,
            self.ramp_duration_epochs,
        )
    }

    /// The sector activated now from `pc` holding `unverified` and `verified` bytes.
    pub fn expected_sector(
        &self,
        rt: &MockRuntime,
        pc: &SectorPreCommitInfo,
        unverified: u64,
        verified: u64,
    ) -> SectorOnChainInfo {
        let now = rt.epoch.get();
        let duration = pc.expiration - now;
        let verified_weight = BigInt::from(verified) * duration;
        let power = qa_power_for_weight(SECTOR_SIZE, duration, &verified_weight);
        SectorOnChainInfo {
            sector_number: pc.sector_number,
            seal_proof: pc.seal_proof,
            sealed_cid: pc.sealed_cid,
            deprecated_deal_ids: vec![],
            activation: now,
            expiration: pc.expiration,
            deal_weight: BigInt::from(unverified) * duration,
            verified_deal_weight: verified_weight,
            initial_pledge: self.expected_initial_pledge(rt, &power),
            expected_day_reward: None,
            expected_storage_pledge: None,
            power_base_epoch: now,
            replaced_day_reward: None,
            sector_key_cid: None,
            flags: SectorOnChainInfoFlags::SIMPLE_QA_POWER,
            daily_fee: daily_proof_fee(&self.circulating_supply, &power),
        }
    }

    // --- pre-commit ---

    /// An expiration valid for a pre-commit made now: the minimum lifetime after the latest
    /// possible activation, plus `extra`.
    pub fn min_expiration(&self, rt: &MockRuntime, extra: ChainEpoch) -> ChainEpoch {
        rt.epoch.get()
            + max_prove_commit_duration(&rt.policy, SEAL_PROOF).unwrap()
            + rt.policy.min_sector_expiration
            + extra
    }

    /// A pre-commit of `number` with no data (compact zero CommD), sealed at the previous epoch.
    pub fn precommit_info(
        &self,
        rt: &MockRuntime,
        number: SectorNumber,
        expiration: ChainEpoch,
    ) -> SectorPreCommitInfo {
        SectorPreCommitInfo {
            seal_proof: SEAL_PROOF,
            sector_number: number,
            sealed_cid: sealed_cid(number),
            seal_rand_epoch: rt.epoch.get() - 1,
            deal_ids: vec![],
            expiration,
            unsealed_cid: CompactCommD::empty(),
        }
    }

    /// PreCommitSectorBatch2 from `caller`, with the expectations of a success: the reward
    /// and power queries, the market's verification of any deals (answering the declared
    /// CommDs), the events, the burn of any fee debt and the cron enrollment of an idle miner.
    pub fn precommit_sectors_from(
        &self,
        rt: &MockRuntime,
        caller: Address,
        sectors: Vec<SectorPreCommitInfo>,
    ) -> Result<(), ActorError> {
        let declared = sectors
            .iter()
            .map(|s| Some(s.unsealed_cid.get_cid(s.seal_proof).unwrap()))
            .collect();
        self.precommit_sectors_with_market(rt, caller, sectors, declared)
    }

    /// As `precommit_sectors_from`, the market answering `market_commds` when deals are named.
    pub fn precommit_sectors_with_market(
        &self,
        rt: &MockRuntime,
        caller: Address,
        sectors: Vec<SectorPreCommitInfo>,
        market_commds: Vec<Option<Cid>>,
    ) -> Result<(), ActorError> {
        let state = self.state(rt);
        as_caller(rt, caller);
        self.expect_deposit_queries(rt);
        if sectors.iter().any(|s| !s.deal_ids.is_empty()) {
            expect_verify_deals(rt, &sectors, market_commds);
        }
        rt.expect_validate_caller_addr(self.controlling(rt));
        let mut numbers: Vec<_> = sectors.iter().map(|s| s.sector_number).collect();
        numbers.sort();
        for n in numbers {
            rt.expect_emitted_event(sector_precommitted_event(n).unwrap());
        }
        expect_burn(rt, &state.fee_debt);
        if !state.deadline_cron_active {
            let deadline = state.deadline_info(&rt.policy, rt.epoch.get());
            expect_enroll(rt, deadline.last(), CRON_EVENT_PROVING_DEADLINE);
        }
        let res = call::<_, ()>(
            rt,
            Method::PreCommitSectorBatch2,
            Some(&PreCommitSectorBatchParams2 { sectors }),
        )
        .map(|_| ());
        finish(rt, res)
    }

    /// Pre-commits `sectors` from the worker; returns their on-chain records.
    pub fn precommit_sectors(
        &self,
        rt: &MockRuntime,
        sectors: Vec<SectorPreCommitInfo>,
    ) -> Vec<SectorPreCommitOnChainInfo> {
        let numbers: Vec<_> = sectors.iter().map(|s| s.sector_number).collect();
        self.precommit_sectors_from(rt, WORKER, sectors).unwrap();
        let state = self.state(rt);
        numbers
            .into_iter()
            .map(|n| {
                state
                    .get_precommitted_sector(&rt.store, n)
                    .unwrap()
                    .unwrap()
            })
            .collect()
    }

    // --- prove-commit ---

    /// Expects the ticket and beacon randomness of proving `pc`.
    pub fn expect_seal_randomness(&self, rt: &MockRuntime, pc: &SectorPreCommitOnChainInfo) {
        rt.expect_get_randomness_from_tickets(
            DomainSeparationTag::SealRandomness,
            pc.info.seal_rand_epoch,
            entropy(),
            TICKET,
        );
        rt.expect_get_randomness_from_beacon(
            DomainSeparationTag::InteractiveSealChallengeSeed,
            pc.pre_commit_epoch + rt.policy.pre_commit_challenge_delay,
            entropy(),
            BEACON,
        );
    }

    /// The public inputs of `pc`'s seal proof.
    pub fn seal_verify_info(
        &self,
        pc: &SectorPreCommitOnChainInfo,
        proof: &[u8],
    ) -> SealVerifyInfo {
        SealVerifyInfo {
            registered_proof: pc.info.seal_proof,
            sector_id: SectorID {
                miner: MINER.id().unwrap(),
                number: pc.info.sector_number,
            },
            deal_ids: vec![],
            randomness: Randomness(TICKET.to_vec()),
            interactive_randomness: Randomness(BEACON.to_vec()),
            proof: proof.to_vec(),
            sealed_cid: pc.info.sealed_cid,
            unsealed_cid: pc.info.unsealed_cid.get_cid(pc.info.seal_proof).unwrap(),
        }
    }

    /// ProveCommitSectors3 from the worker with one valid proof per sector (`[n as u8]`), all
    /// pieces' CommDs matching, every allocation claimed in full and every notification
    /// accepted. Returns the sectors as stored.
    pub fn prove_commit_sectors3(
        &self,
        rt: &MockRuntime,
        activations: Vec<SectorActivationManifest>,
    ) -> Vec<SectorOnChainInfo> {
        let numbers: Vec<_> = activations.iter().map(|a| a.sector_number).collect();
        let ret = self
            .prove_commit_sectors3_from(rt, WORKER, activations, &[])
            .unwrap();
        assert_eq!(
            ret.activation_results,
            BatchReturn::ok(numbers.len() as u32)
        );
        let state = self.state(rt);
        numbers
            .into_iter()
            .map(|n| state.get_sector(&rt.store, n).unwrap().unwrap())
            .collect()
    }

    /// ProveCommitSectors3 from `caller` with per-sector proofs; `invalid` lists sectors whose
    /// proof the verifier rejects (they then see no further expectations). Requires
    /// activation and notification success when `invalid` is empty.
    pub fn prove_commit_sectors3_from(
        &self,
        rt: &MockRuntime,
        caller: Address,
        activations: Vec<SectorActivationManifest>,
        invalid: &[SectorNumber],
    ) -> Result<ProveCommitSectors3Return, ActorError> {
        let state = self.state(rt);
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        let precommits: Vec<_> = activations
            .iter()
            .filter_map(|a| {
                state
                    .get_precommitted_sector(&rt.store, a.sector_number)
                    .unwrap()
            })
            .collect();
        let proofs: Vec<RawBytes> = activations
            .iter()
            .map(|a| RawBytes::new(vec![a.sector_number as u8]))
            .collect();
        for pc in &precommits {
            self.expect_seal_randomness(rt, pc);
        }
        rt.expect_batch_verify_seals(
            precommits
                .iter()
                .zip(&proofs)
                .map(|(pc, p)| self.seal_verify_info(pc, p))
                .collect(),
            precommits
                .iter()
                .map(|pc| !invalid.contains(&pc.info.sector_number))
                .collect(),
        );
        let proven: Vec<_> = activations
            .iter()
            .zip(&precommits)
            .filter(|(a, _)| !invalid.contains(&a.sector_number))
            .collect();
        for (a, pc) in &proven {
            expect_commd(
                rt,
                &a.pieces,
                pc.info.unsealed_cid.get_cid(SEAL_PROOF).unwrap(),
            );
        }
        expect_claims(
            rt,
            proven
                .iter()
                .map(|(a, pc)| (a.sector_number, pc.info.expiration, a.pieces.as_slice()))
                .collect(),
            invalid.is_empty(),
        );
        self.expect_deposit_queries(rt);
        let pledge: TokenAmount = proven
            .iter()
            .map(|(a, pc)| {
                let (unverified, verified) = space(&a.pieces);
                self.expected_sector(rt, &pc.info, unverified, verified)
                    .initial_pledge
            })
            .sum();
        expect_pledge_update(rt, &pledge);
        for (a, pc) in &proven {
            rt.expect_emitted_event(
                sector_data_event(
                    "sector-activated",
                    a.sector_number,
                    pc.info.unsealed_cid.0.as_ref(),
                    &a.pieces,
                )
                .unwrap(),
            );
        }
        expect_notifications(
            rt,
            &proven
                .iter()
                .map(|(a, pc)| (a.sector_number, pc.info.expiration, a.pieces.as_slice()))
                .collect::<Vec<_>>(),
        );
        let params = ProveCommitSectors3Params {
            sector_activations: activations,
            sector_proofs: proofs,
            aggregate_proof: RawBytes::default(),
            aggregate_proof_type: None,
            require_activation_success: invalid.is_empty(),
            require_notification_success: invalid.is_empty(),
        };
        let res = call(rt, Method::ProveCommitSectors3, Some(&params)).map(|r| r.unwrap());
        finish(rt, res)
    }

    /// Pre-commits `numbers` with no data, moves past the challenge delay and proves them.
    /// Returns the sectors as stored.
    pub fn commit_sectors(
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
        rt.set_epoch(rt.epoch.get() + rt.policy.pre_commit_challenge_delay + 1);
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
}

impl ActorHarness {
    // --- non-interactive commit (FIP-0090) ---

    /// An NI activation of `number` by this miner, sealed at the previous epoch.
    pub fn ni_sector(
        &self,
        rt: &MockRuntime,
        number: SectorNumber,
        expiration: ChainEpoch,
    ) -> SectorNIActivationInfo {
        SectorNIActivationInfo {
            sealing_number: number,
            sealer_id: MINER.id().unwrap(),
            sealed_cid: sealed_cid(number),
            sector_number: number,
            seal_rand_epoch: rt.epoch.get() - 1,
            expiration,
        }
    }

    /// A deadline new sectors may be assigned to now: ten after the current one.
    pub fn mutable_deadline(&self, rt: &MockRuntime) -> u64 {
        let current = self
            .state(rt)
            .deadline_info(&rt.policy, rt.epoch.get())
            .index;
        (current + 10) % rt.policy.wpost_period_deadlines
    }

    /// ProveCommitSectorsNI from `caller` of `sectors` into `deadline` with a valid
    /// aggregate; `invalid` lists the sectors expected to fail validation.
    pub fn prove_commit_sectors_ni_from(
        &self,
        rt: &MockRuntime,
        caller: Address,
        sectors: Vec<SectorNIActivationInfo>,
        deadline: u64,
        invalid: &[SectorNumber],
    ) -> Result<ProveCommitSectorsNIReturn, ActorError> {
        let state = self.state(rt);
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        let zero_commd = CompactCommD::empty().get_cid(NI_SEAL_PROOF).unwrap();
        for s in &sectors {
            rt.expect_get_randomness_from_tickets(
                DomainSeparationTag::SealRandomness,
                s.seal_rand_epoch,
                entropy(),
                TICKET,
            );
        }
        let valid: Vec<_> = sectors
            .iter()
            .filter(|s| !invalid.contains(&s.sector_number))
            .collect();
        if let Some(first) = valid.first() {
            rt.expect_aggregate_verify_seals(
                AggregateSealVerifyProofAndInfos {
                    miner: first.sealer_id,
                    seal_proof: NI_SEAL_PROOF,
                    aggregate_proof: RegisteredAggregateProof::SnarkPackV2,
                    proof: vec![0xaa; 32],
                    infos: sectors
                        .iter()
                        .map(|s| AggregateSealVerifyInfo {
                            sector_number: s.sealing_number,
                            randomness: Randomness(TICKET.to_vec()),
                            interactive_randomness: Randomness(vec![1; 32]),
                            sealed_cid: s.sealed_cid,
                            unsealed_cid: zero_commd,
                        })
                        .collect(),
                },
                Ok(()),
            );
        }
        self.expect_deposit_queries(rt);
        let pledge =
            self.expected_initial_pledge(rt, &BigInt::from(SECTOR_SIZE as u64)) * valid.len();
        expect_burn(rt, &state.fee_debt);
        expect_pledge_update(rt, &pledge);
        for s in &valid {
            rt.expect_emitted_event(
                sector_data_event("sector-activated", s.sector_number, None, &[]).unwrap(),
            );
        }
        if !state.deadline_cron_active {
            let info = state.deadline_info(&rt.policy, rt.epoch.get());
            expect_enroll(rt, info.last(), CRON_EVENT_PROVING_DEADLINE);
        }
        let params = ProveCommitSectorsNIParams {
            sectors,
            aggregate_proof: RawBytes::new(vec![0xaa; 32]),
            seal_proof_type: NI_SEAL_PROOF,
            aggregate_proof_type: RegisteredAggregateProof::SnarkPackV2,
            proving_deadline: deadline,
            require_activation_success: invalid.is_empty(),
        };
        let res = call(rt, Method::ProveCommitSectorsNI, Some(&params)).map(|r| r.unwrap());
        finish(rt, res)
    }

    /// Commits `numbers` without data through FIP-0090 into a mutable deadline; returns the
    /// sectors as stored.
    pub fn prove_commit_sectors_ni(
        &self,
        rt: &MockRuntime,
        numbers: &[SectorNumber],
        expiration: ChainEpoch,
    ) -> Vec<SectorOnChainInfo> {
        let sectors = numbers
            .iter()
            .map(|&n| self.ni_sector(rt, n, expiration))
            .collect();
        let deadline = self.mutable_deadline(rt);
        let ret = self
            .prove_commit_sectors_ni_from(rt, WORKER, sectors, deadline, &[])
            .unwrap();
        assert_eq!(
            ret.activation_results,
            BatchReturn::ok(numbers.len() as u32)
        );
        let state = self.state(rt);
        numbers
            .iter()
            .map(|&n| state.get_sector(&rt.store, n).unwrap().unwrap())
            .collect()
    }

    /// Marks every unproven sector proven, as their first Window PoSt would (without telling
    /// the power actor). Returns the power activated.
    pub fn activate_unproven_sectors(&self, rt: &MockRuntime) -> PowerPair {
        let mut state = self.state(rt);
        let mut deadlines = state.load_deadlines(&rt.store).unwrap();
        let mut activated = PowerPair::zero();
        for idx in 0..rt.policy.wpost_period_deadlines {
            let mut deadline = deadlines.load_deadline(&rt.store, idx).unwrap();
            let mut partitions = deadline.partitions_amt(&rt.store).unwrap();
            let mut updated = vec![];
            partitions
                .for_each(|i, p| {
                    let mut p = p.clone();
                    activated += &p.activate_unproven();
                    updated.push((i, p));
                    Ok(())
                })
                .unwrap();
            for (i, p) in updated {
                partitions.set(i, p).unwrap();
            }
            deadline.partitions = partitions.flush().unwrap();
            deadlines
                .update_deadline(&rt.policy, &rt.store, idx, &deadline)
                .unwrap();
        }
        state.save_deadlines(&rt.store, deadlines).unwrap();
        rt.replace_state(&state);
        activated
    }
}

impl ActorHarness {
    // --- replica updates ---

    /// `old` after an update at the current epoch to `new_sealed_cid` with `unverified` and
    /// `verified` bytes of data.
    pub fn expected_updated_sector(
        &self,
        rt: &MockRuntime,
        old: &SectorOnChainInfo,
        new_sealed_cid: Cid,
        unverified: u64,
        verified: u64,
    ) -> SectorOnChainInfo {
        let now = rt.epoch.get();
        let duration = old.expiration - now;
        let verified_weight = BigInt::from(verified) * duration;
        let old_power = qa_power_for_weight(SECTOR_SIZE, duration, &old.verified_deal_weight);
        let power = qa_power_for_weight(SECTOR_SIZE, duration, &verified_weight);
        SectorOnChainInfo {
            sealed_cid: new_sealed_cid,
            sector_key_cid: Some(old.sector_key_cid.unwrap_or(old.sealed_cid)),
            power_base_epoch: now,
            deal_weight: BigInt::from(unverified) * duration,
            verified_deal_weight: verified_weight,
            initial_pledge: std::cmp::max(
                old.initial_pledge.clone(),
                self.expected_initial_pledge(rt, &power),
            ),
            daily_fee: daily_proof_fee_adjust(&old.daily_fee, &old_power, &power),
            flags: SectorOnChainInfoFlags::SIMPLE_QA_POWER,
            ..old.clone()
        }
    }

    /// An update of `sector` (found in state) to CommR `sealed_cid(seed)` with `pieces`.
    pub fn update_manifest(
        &self,
        rt: &MockRuntime,
        sector: SectorNumber,
        seed: u64,
        pieces: Vec<PieceActivationManifest>,
    ) -> SectorUpdateManifest {
        let (deadline, partition) = self.state(rt).find_sector(&rt.store, sector).unwrap();
        SectorUpdateManifest {
            sector,
            deadline,
            partition,
            new_sealed_cid: sealed_cid(seed),
            pieces,
        }
    }

    /// ProveReplicaUpdates3 from `caller` with one proof per update (`[n as u8]`), each
    /// piece list's CommD answered as `piece_cid(1000 + n)`, every allocation claimed and
    /// every notification accepted; `invalid` lists sectors whose proof is rejected.
    /// Requires activation and notification success when `invalid` is empty.
    pub fn prove_replica_updates3_from(
        &self,
        rt: &MockRuntime,
        caller: Address,
        updates: Vec<SectorUpdateManifest>,
        invalid: &[SectorNumber],
    ) -> Result<ProveReplicaUpdates3Return, ActorError> {
        let state = self.state(rt);
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        let olds: Vec<SectorOnChainInfo> = updates
            .iter()
            .map(|u| state.get_sector(&rt.store, u.sector).unwrap().unwrap())
            .collect();
        let proofs: Vec<RawBytes> = updates
            .iter()
            .map(|u| RawBytes::new(vec![u.sector as u8]))
            .collect();
        for ((u, old), proof) in updates.iter().zip(&olds).zip(&proofs) {
            let commd = update_commd(u);
            expect_commd(rt, &u.pieces, commd);
            rt.expect_replica_verify(
                ReplicaUpdateInfo {
                    update_proof_type: RegisteredUpdateProof::StackedDRG32GiBV1,
                    old_sealed_cid: old.sealed_cid,
                    new_sealed_cid: u.new_sealed_cid,
                    new_unsealed_cid: commd,
                    proof: proof.to_vec(),
                },
                if invalid.contains(&u.sector) {
                    Err("invalid".into())
                } else {
                    Ok(())
                },
            );
        }
        let proven: Vec<_> = updates
            .iter()
            .zip(&olds)
            .filter(|(u, _)| !invalid.contains(&u.sector))
            .collect();
        let triples: Vec<_> = proven
            .iter()
            .map(|(u, old)| (u.sector, old.expiration, u.pieces.as_slice()))
            .collect();
        expect_claims(rt, triples.clone(), invalid.is_empty());
        self.expect_deposit_queries(rt);
        let mut pledge = TokenAmount::from_atto(0);
        let mut power = BigInt::from(0);
        for (u, old) in &proven {
            let (unverified, verified) = space(&u.pieces);
            let new = self.expected_updated_sector(rt, old, u.new_sealed_cid, unverified, verified);
            pledge += &new.initial_pledge - &old.initial_pledge;
            power += qa_power_for_sector(SECTOR_SIZE, &new) - qa_power_for_sector(SECTOR_SIZE, old);
        }
        expect_pledge_update(rt, &pledge);
        expect_power_update(rt, &PowerPair::new(BigInt::from(0), power));
        for (u, _) in &proven {
            let commd = (!u.pieces.is_empty()).then(|| update_commd(u));
            rt.expect_emitted_event(
                sector_data_event("sector-updated", u.sector, commd.as_ref(), &u.pieces).unwrap(),
            );
        }
        expect_notifications(rt, &triples);
        let params = ProveReplicaUpdates3Params {
            sector_updates: updates,
            sector_proofs: proofs,
            aggregate_proof: RawBytes::default(),
            update_proofs_type: RegisteredUpdateProof::StackedDRG32GiBV1,
            aggregate_proof_type: None,
            require_activation_success: invalid.is_empty(),
            require_notification_success: invalid.is_empty(),
        };
        let res = call(rt, Method::ProveReplicaUpdates3, Some(&params)).map(|r| r.unwrap());
        finish(rt, res)
    }
}

/// The CommD the harness's mocked runtime computes for an update's pieces.
pub fn update_commd(update: &SectorUpdateManifest) -> Cid {
    if update.pieces.is_empty() {
        CompactCommD::empty().get_cid(SEAL_PROOF).unwrap()
    } else {
        piece_cid(1000 + update.sector)
    }
}

/// The unverified and verified bytes of `pieces` when every allocation is claimed in full.
pub fn space(pieces: &[PieceActivationManifest]) -> (u64, u64) {
    pieces.iter().fold((0, 0), |(u, v), p| {
        if p.verified_allocation_key.is_some() {
            (u, v + p.size.0)
        } else {
            (u + p.size.0, v)
        }
    })
}

/// Expects the CommD of `pieces` to be computed (when there are any), answering `commd`.
pub fn expect_commd(rt: &MockRuntime, pieces: &[PieceActivationManifest], commd: Cid) {
    if pieces.is_empty() {
        return;
    }
    rt.expect_compute_unsealed_sector_cid(ExpectedComputeUnsealedSectorCid {
        proof_type: SEAL_PROOF,
        pieces: pieces
            .iter()
            .map(|p| PieceInfo {
                cid: p.cid,
                size: p.size,
            })
            .collect(),
        result: Ok(commd),
    });
}

/// The claims of `sectors` (number, expiry, pieces), one group per sector.
pub fn allocation_claims(
    sectors: &[(SectorNumber, ChainEpoch, &[PieceActivationManifest])],
) -> Vec<SectorAllocationClaims> {
    sectors
        .iter()
        .map(|(n, expiry, pieces)| SectorAllocationClaims {
            sector: *n,
            expiry: *expiry,
            claims: pieces
                .iter()
                .filter_map(|p| {
                    p.verified_allocation_key.as_ref().map(|k| AllocationClaim {
                        client: k.client,
                        allocation_id: k.id,
                        data: p.cid,
                        size: p.size,
                    })
                })
                .collect(),
        })
        .collect()
}

/// Expects ClaimAllocations for the sectors' verified pieces, when there are any, with every
/// claim granted in full.
pub fn expect_claims(
    rt: &MockRuntime,
    sectors: Vec<(SectorNumber, ChainEpoch, &[PieceActivationManifest])>,
    all_or_nothing: bool,
) {
    let claims = allocation_claims(&sectors);
    if claims.iter().all(|c| c.claims.is_empty()) {
        return;
    }
    let ret = ClaimAllocationsReturn {
        sector_results: BatchReturn::ok(claims.len() as u32),
        sector_claims: sectors
            .iter()
            .map(|(_, _, pieces)| SectorClaimSummary {
                claimed_space: BigInt::from(space(pieces).1),
            })
            .collect(),
    };
    expect_claim_allocations(rt, claims, all_or_nothing, ret);
}

pub fn expect_claim_allocations(
    rt: &MockRuntime,
    sectors: Vec<SectorAllocationClaims>,
    all_or_nothing: bool,
    ret: ClaimAllocationsReturn,
) {
    rt.expect_send_simple(
        VERIFIED_REGISTRY_ACTOR_ADDR,
        CLAIM_ALLOCATIONS_METHOD,
        IpldBlock::serialize_cbor(&ClaimAllocationsParams {
            sectors,
            all_or_nothing,
        })
        .unwrap(),
        TokenAmount::from_atto(0),
        IpldBlock::serialize_cbor(&ret).unwrap(),
        ExitCode::OK,
    );
}

/// The notifications `sectors` (number, expiration, pieces) cause, per receiver in address
/// order.
pub fn notifications(
    sectors: &[(SectorNumber, ChainEpoch, &[PieceActivationManifest])],
) -> Vec<(Address, Vec<SectorChanges>)> {
    let mut by_receiver: std::collections::BTreeMap<Address, Vec<SectorChanges>> =
        Default::default();
    let mut ordered: Vec<_> = sectors.to_vec();
    ordered.sort_by_key(|s| s.0);
    for (n, expiration, pieces) in ordered {
        for p in pieces {
            for note in &p.notify {
                let changes = by_receiver.entry(note.address).or_default();
                if changes.last().map(|c| c.sector) != Some(n) {
                    changes.push(SectorChanges {
                        sector: n,
                        minimum_commitment_epoch: expiration,
                        added: vec![],
                    });
                }
                changes.last_mut().unwrap().added.push(PieceChange {
                    data: p.cid,
                    size: p.size,
                    payload: note.payload.clone(),
                });
            }
        }
    }
    by_receiver.into_iter().collect()
}

/// Expects every notification of `sectors`, each answered by accepting all pieces.
pub fn expect_notifications(
    rt: &MockRuntime,
    sectors: &[(SectorNumber, ChainEpoch, &[PieceActivationManifest])],
) {
    for (receiver, changes) in notifications(sectors) {
        let ret = accept_all(&changes);
        expect_notification(rt, receiver, changes, &ret, ExitCode::OK);
    }
}

pub fn expect_notification(
    rt: &MockRuntime,
    receiver: Address,
    changes: Vec<SectorChanges>,
    ret: &SectorContentChangedReturn,
    exit_code: ExitCode,
) {
    rt.expect_send_simple(
        receiver,
        SECTOR_CONTENT_CHANGED,
        IpldBlock::serialize_cbor(&SectorContentChangedParams { sectors: changes }).unwrap(),
        TokenAmount::from_atto(0),
        IpldBlock::serialize_cbor(ret).unwrap(),
        exit_code,
    );
}

/// Expects the market to be asked to verify the sectors' deals, answering `computed`.
pub fn expect_verify_deals(
    rt: &MockRuntime,
    sectors: &[SectorPreCommitInfo],
    computed: Vec<Option<Cid>>,
) {
    rt.expect_send_simple(
        STORAGE_MARKET_ACTOR_ADDR,
        ext::market::VERIFY_DEALS_FOR_ACTIVATION_METHOD,
        IpldBlock::serialize_cbor(&ext::market::VerifyDealsForActivationParams {
            sectors: sectors
                .iter()
                .map(|s| ext::market::SectorDeals {
                    sector_number: s.sector_number,
                    sector_type: s.seal_proof,
                    sector_expiry: s.expiration,
                    deal_ids: s.deal_ids.clone(),
                })
                .collect(),
        })
        .unwrap(),
        TokenAmount::from_atto(0),
        IpldBlock::serialize_cbor(&ext::market::VerifyDealsForActivationReturn {
            unsealed_cids: computed,
        })
        .unwrap(),
        ExitCode::OK,
    );
}
