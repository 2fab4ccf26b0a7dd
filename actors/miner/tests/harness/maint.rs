//! Harness helpers for faults, recoveries, expiration extension, compaction and the FIP-0098
//! getters: proven sectors placed in state directly (as if committed and proven earlier), state
//! accessors, and one helper per method that sets every mock expectation (caller validation,
//! the verified registry's claims, power and pledge updates, burns).

use std::collections::BTreeMap;

use fil_actor_miner::ext::verifreg::{Claim, ClaimID, GetClaimsParams, GetClaimsReturn};
use fil_actor_miner::{
    ext, power_for_sectors, CollisionPolicy, CompactPartitionsParams, CompactSectorNumbersParams,
    Deadline, DeadlineInfo, DeclareFaultsParams, DeclareFaultsRecoveredParams,
    ExtendSectorExpiration2Params, FaultDeclaration, InitialPledgeReturn, MaxTerminationFeeParams,
    MaxTerminationFeeReturn, Method, Partition, PowerPair, RecoveryDeclaration, SectorOnChainInfo,
    SectorOnChainInfoFlags,
};
use fil_actors_runtime::test_utils::MockRuntime;
use fil_actors_runtime::{ActorError, BatchReturnGen, VERIFIED_REGISTRY_ACTOR_ADDR};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sector::{RegisteredSealProof, SectorNumber};

use super::{
    as_caller, call, call_unit, expect_burn, expect_power_update, finish, getter, ActorHarness,
    MINER, OTHER,
};

/// The seal proof of the harness's 32 GiB sectors.
pub const SEAL_PROOF: RegisteredSealProof = RegisteredSealProof::StackedDRG32GiBV1P1;
/// The size of those sectors, in bytes.
pub const SECTOR_BYTES: u64 = 32 << 30;

pub fn bf(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

/// The power of `sectors` harness sectors whose quality-adjusted power is `qa_multiple` times
/// their size.
pub fn sector_power(sectors: u64, qa_multiple: u64) -> PowerPair {
    PowerPair::new(
        BigInt::from(sectors * SECTOR_BYTES),
        BigInt::from(sectors * SECTOR_BYTES * qa_multiple),
    )
}

/// A proven committed-capacity sector (simple QA power, no data), with an initial pledge of
/// 1,000 atto and a daily fee of 10 atto.
pub fn cc_sector(
    number: SectorNumber,
    activation: ChainEpoch,
    expiration: ChainEpoch,
) -> SectorOnChainInfo {
    SectorOnChainInfo {
        sector_number: number,
        seal_proof: SEAL_PROOF,
        activation,
        expiration,
        power_base_epoch: activation,
        initial_pledge: TokenAmount::from_atto(1000),
        flags: SectorOnChainInfoFlags::SIMPLE_QA_POWER,
        daily_fee: TokenAmount::from_atto(10),
        ..Default::default()
    }
}

/// Like `cc_sector`, but all its space holds verified data (ten times the QA power).
pub fn verified_sector(
    number: SectorNumber,
    activation: ChainEpoch,
    expiration: ChainEpoch,
) -> SectorOnChainInfo {
    SectorOnChainInfo {
        verified_deal_weight: BigInt::from(SECTOR_BYTES) * (expiration - activation),
        ..cc_sector(number, activation, expiration)
    }
}

/// This miner's claim `id` on all of `sector`'s space, allowing terms up to `term_max` from
/// the sector's activation.
pub fn full_claim(sector: &SectorOnChainInfo, term_max: ChainEpoch) -> Claim {
    Claim {
        provider: MINER.id().unwrap(),
        client: 200,
        data: Default::default(),
        size: fvm_shared::piece::PaddedPieceSize(SECTOR_BYTES),
        term_min: 180 * 2880,
        term_max,
        term_start: sector.activation,
        sector: sector.sector_number,
    }
}

impl ActorHarness {
    // --- state set-up and accessors ---

    /// Places `sectors` in deadline `deadline_idx` as proven sectors (as if committed and
    /// proven earlier): numbers allocated, infos stored, pledge locked and added to the
    /// balance, fees added to the deadline, the deadline cron running.
    pub fn put_proven_sectors(
        &self,
        rt: &MockRuntime,
        deadline_idx: u64,
        sectors: Vec<SectorOnChainInfo>,
    ) {
        let store = &rt.store;
        let mut st = self.state(rt);
        let info = self.info(rt);
        let numbers = bf(&sectors.iter().map(|s| s.sector_number).collect::<Vec<_>>());
        st.allocate_sector_numbers(store, &numbers, CollisionPolicy::DenyCollisions)
            .unwrap();
        st.put_sectors(store, sectors.clone()).unwrap();
        let mut deadlines = st.load_deadlines(store).unwrap();
        let mut deadline = deadlines.load_deadline(store, deadline_idx).unwrap();
        let quant = st.quant_spec_for_deadline(&rt.policy, deadline_idx);
        deadline
            .add_sectors(
                store,
                info.window_post_partition_sectors,
                true,
                true,
                &sectors,
                info.sector_size,
                quant,
            )
            .unwrap();
        deadlines
            .update_deadline(&rt.policy, store, deadline_idx, &deadline)
            .unwrap();
        st.save_deadlines(store, deadlines).unwrap();
        let pledge: TokenAmount = sectors.iter().map(|s| &s.initial_pledge).sum();
        st.add_initial_pledge(&pledge).unwrap();
        st.deadline_cron_active = true;
        rt.replace_state(&st);
        let balance = rt.balance.borrow().clone();
        rt.set_balance(balance + pledge);
    }

    pub fn deadline(&self, rt: &MockRuntime, deadline_idx: u64) -> Deadline {
        self.state(rt)
            .load_deadlines(&rt.store)
            .unwrap()
            .load_deadline(&rt.store, deadline_idx)
            .unwrap()
    }

    pub fn partition(&self, rt: &MockRuntime, deadline_idx: u64, partition_idx: u64) -> Partition {
        self.deadline(rt, deadline_idx)
            .load_partition(&rt.store, partition_idx)
            .unwrap()
    }

    pub fn sector(&self, rt: &MockRuntime, number: SectorNumber) -> SectorOnChainInfo {
        self.state(rt)
            .get_sector(&rt.store, number)
            .unwrap()
            .unwrap()
    }

    /// The power of the sectors `numbers` as they are in state.
    pub fn power_of(&self, rt: &MockRuntime, numbers: &[SectorNumber]) -> PowerPair {
        let infos: Vec<_> = numbers.iter().map(|n| self.sector(rt, *n)).collect();
        power_for_sectors(self.info(rt).sector_size, &infos)
    }

    /// Deadline `deadline_idx` of the proving period current at the runtime's epoch.
    pub fn deadline_info(&self, rt: &MockRuntime, deadline_idx: u64) -> DeadlineInfo {
        let epoch = rt.epoch.get();
        let period_start = self
            .state(rt)
            .current_proving_period_start(&rt.policy, epoch);
        DeadlineInfo::new(&rt.policy, period_start, deadline_idx, epoch)
    }

    // --- methods ---

    /// DeclareFaults from `caller`, expecting the power update `power_delta` (the power of the
    /// sectors newly faulty, negated).
    pub fn declare_faults(
        &self,
        rt: &MockRuntime,
        caller: Address,
        faults: Vec<FaultDeclaration>,
        power_delta: PowerPair,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        expect_power_update(rt, &power_delta);
        let params = DeclareFaultsParams { faults };
        finish(rt, call_unit(rt, Method::DeclareFaults, Some(&params)))
    }

    /// DeclareFaultsRecovered from `caller`, expecting `fee_to_burn` (the fee debt repaid) to be
    /// burnt.
    pub fn declare_recoveries(
        &self,
        rt: &MockRuntime,
        caller: Address,
        recoveries: Vec<RecoveryDeclaration>,
        fee_to_burn: TokenAmount,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        expect_burn(rt, &fee_to_burn);
        let params = DeclareFaultsRecoveredParams { recoveries };
        finish(
            rt,
            call_unit(rt, Method::DeclareFaultsRecovered, Some(&params)),
        )
    }

    /// ExtendSectorExpiration2 from `caller`. The verified registry answers each sector's
    /// claim query from `claims` (an id it lacks fails); expects the power update
    /// `power_delta`. Pledge never changes on extension.
    pub fn extend_sectors(
        &self,
        rt: &MockRuntime,
        caller: Address,
        params: ExtendSectorExpiration2Params,
        claims: &BTreeMap<ClaimID, Claim>,
        power_delta: PowerPair,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        for sc in params
            .extensions
            .iter()
            .flat_map(|e| &e.sectors_with_claims)
        {
            let ids: Vec<ClaimID> = sc
                .maintain_claims
                .iter()
                .chain(&sc.drop_claims)
                .copied()
                .collect();
            expect_get_claims(rt, &ids, claims);
        }
        rt.expect_validate_caller_addr(self.controlling(rt));
        expect_power_update(rt, &power_delta);
        finish(
            rt,
            call_unit(rt, Method::ExtendSectorExpiration2, Some(&params)),
        )
    }

    pub fn compact_partitions(
        &self,
        rt: &MockRuntime,
        caller: Address,
        deadline: u64,
        partitions: BitField,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        let params = CompactPartitionsParams {
            deadline,
            partitions,
        };
        finish(rt, call_unit(rt, Method::CompactPartitions, Some(&params)))
    }

    pub fn compact_sector_numbers(
        &self,
        rt: &MockRuntime,
        caller: Address,
        mask_sector_numbers: BitField,
    ) -> Result<(), ActorError> {
        as_caller(rt, caller);
        rt.expect_validate_caller_addr(self.controlling(rt));
        let params = CompactSectorNumbersParams {
            mask_sector_numbers,
        };
        finish(
            rt,
            call_unit(rt, Method::CompactSectorNumbers, Some(&params)),
        )
    }

    /// MaxTerminationFee from any caller, answering the reward and power queries with the
    /// harness's network figures.
    pub fn max_termination_fee(
        &self,
        rt: &MockRuntime,
        params: MaxTerminationFeeParams,
    ) -> MaxTerminationFeeReturn {
        as_caller(rt, OTHER);
        rt.expect_validate_caller_any();
        self.expect_deposit_queries(rt);
        let ret = call(rt, Method::MaxTerminationFeeExported, Some(&params))
            .unwrap()
            .unwrap();
        rt.verify();
        ret
    }

    pub fn initial_pledge(&self, rt: &MockRuntime) -> InitialPledgeReturn {
        getter(rt, Method::InitialPledgeExported)
    }
}

/// Expects a GetClaims query for `ids`, answered with those found in `claims`.
fn expect_get_claims(rt: &MockRuntime, ids: &[ClaimID], claims: &BTreeMap<ClaimID, Claim>) {
    let mut batch = BatchReturnGen::new(ids.len());
    let mut found = Vec::new();
    for id in ids {
        match claims.get(id) {
            Some(c) => {
                batch.add_success();
                found.push(c.clone());
            }
            None => {
                batch.add_fail(ExitCode::USR_NOT_FOUND);
            }
        }
    }
    let ret = GetClaimsReturn {
        batch_info: batch.generate(),
        claims: found,
    };
    rt.expect_send_simple(
        VERIFIED_REGISTRY_ACTOR_ADDR,
        ext::verifreg::GET_CLAIMS_METHOD,
        IpldBlock::serialize_cbor(&GetClaimsParams {
            provider: MINER.id().unwrap(),
            claim_ids: ids.to_vec(),
        })
        .unwrap(),
        TokenAmount::from_atto(0),
        IpldBlock::serialize_cbor(&ret).unwrap(),
        ExitCode::OK,
    );
}
