//! Byte compatibility with the network's v18 miner state, checked against ChainSafe's
//! independent v18 decoding (`fil_actor_miner_state` 27.2): every structure, populated with
//! non-default values (options set and unset), encodes here, decodes there, and re-encodes to the
//! same bytes; and the same operations run by both implementations on one store produce the
//! same CIDs (empty and populated state roots, deadlines through a sector lifecycle).

use cid::Cid;
use fil_actor_miner::*;
use fil_actor_miner_state::v18 as cs;
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::{from_slice, to_vec, BytesDe, CborStore};
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{PoStProof, RegisteredPoStProof, RegisteredSealProof, SectorSize};
use multihash_codetable::{Code, MultihashDigest};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn cid(seed: &str) -> Cid {
    Cid::new_v1(
        fvm_ipld_encoding::DAG_CBOR,
        Code::Blake2b256.digest(seed.as_bytes()),
    )
}

fn atto(n: u64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

fn bf(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

fn power(raw: u64, qa: u64) -> PowerPair {
    PowerPair::new(BigInt::from(raw), BigInt::from(qa))
}

/// Ours -> bytes -> theirs -> bytes must be identical, and ours decodes back to itself.
fn assert_compatible<Theirs, Ours>(ours: &Ours)
where
    Theirs: Serialize + DeserializeOwned,
    Ours: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = to_vec(ours).unwrap();
    let theirs: Theirs = from_slice(&bytes).unwrap();
    assert_eq!(
        to_vec(&theirs).unwrap(),
        bytes,
        "re-encoded by ChainSafe v18: {:?}",
        ours
    );
    let back: Ours = from_slice(&bytes).unwrap();
    assert_eq!(&back, ours);
}

/// Our state's encoding cut back to v18's 15 fields. While FIP-0067 has not begun for the miner
/// it is v18's array of 15 as it stands; once begun, `old_sectors` follows as a 16th element.
fn v18_fields(ours: &State) -> Vec<u8> {
    let bytes = to_vec(ours).unwrap();
    let Some(old_sectors) = &ours.old_sectors else {
        assert_eq!(
            bytes[0], 0x8f,
            "a dormant miner's state is v18's array of 15"
        );
        return bytes;
    };
    assert_eq!(bytes[0], 0x90, "our state is an array of 16");
    let tail = to_vec(old_sectors).unwrap();
    assert!(bytes.ends_with(&tail), "old_sectors is the last field");
    let mut v18 = vec![0x8f];
    v18.extend_from_slice(&bytes[1..bytes.len() - tail.len()]);
    v18
}

/// Our state with its v18 fields decoded and re-encoded by ChainSafe, byte for byte; a v18
/// state (15 fields) decodes here without `old_sectors`.
fn assert_state_compatible(ours: &State) {
    let v18 = v18_fields(ours);
    let theirs: cs::State = from_slice(&v18).unwrap();
    assert_eq!(to_vec(&theirs).unwrap(), v18);
    let from_v18: State = from_slice(&v18).unwrap();
    assert_eq!(
        from_v18,
        State {
            old_sectors: None,
            ..ours.clone()
        }
    );
    let back: State = from_slice(&to_vec(ours).unwrap()).unwrap();
    assert_eq!(&back, ours);
}

/// Decodes our value as theirs (for feeding their operations).
fn as_theirs<T: DeserializeOwned>(ours: &impl Serialize) -> T {
    from_slice(&to_vec(ours).unwrap()).unwrap()
}

fn miner_info(all_set: bool) -> MinerInfo {
    let mut info = MinerInfo::new(
        1000,
        1001,
        vec![1002, 1003],
        b"peer-id".to_vec(),
        vec![BytesDe(b"/ip4/1.2.3.4".to_vec()), BytesDe(vec![0, 1])],
        RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
    )
    .unwrap();
    info.consensus_fault_elapsed = 12345;
    info.beneficiary = Address::new_id(1004);
    info.beneficiary_term = BeneficiaryTerm::new(atto(1_000_000), atto(10), 777_777);
    if all_set {
        info.pending_worker_key = Some(WorkerKeyChange {
            new_worker: Address::new_id(1005),
            effective_at: 900,
        });
        info.pending_owner_address = Some(Address::new_id(1006));
        let mut change = PendingBeneficiaryChange::new(Address::new_id(1007), atto(55), 99_999);
        change.approved_by_nominee = true;
        info.pending_beneficiary_term = Some(change);
    }
    info
}

fn sector(n: u64, expiration: i64, all_set: bool) -> SectorOnChainInfo {
    let mut flags = SectorOnChainInfoFlags::empty();
    flags.insert(SectorOnChainInfoFlags::SIMPLE_QA_POWER);
    SectorOnChainInfo {
        sector_number: n,
        seal_proof: RegisteredSealProof::StackedDRG32GiBV1P1,
        sealed_cid: cid(&format!("commr {}", n)),
        deprecated_deal_ids: if all_set { vec![7, 8] } else { vec![] },
        activation: 100,
        expiration,
        deal_weight: BigInt::from(3u64 << 40),
        verified_deal_weight: BigInt::from(if n.is_multiple_of(2) { 5u64 << 40 } else { 0 }),
        initial_pledge: atto(1_000 + n),
        expected_day_reward: all_set.then(|| atto(11)),
        expected_storage_pledge: all_set.then(|| atto(12)),
        power_base_epoch: 150,
        replaced_day_reward: all_set.then(|| atto(13)),
        sector_key_cid: all_set.then(|| cid("key")),
        flags,
        daily_fee: atto(40 + n),
    }
}

fn precommit(n: u64, commd: bool) -> SectorPreCommitOnChainInfo {
    SectorPreCommitOnChainInfo {
        info: SectorPreCommitInfo {
            seal_proof: RegisteredSealProof::StackedDRG32GiBV1P1_Feat_SyntheticPoRep,
            sector_number: n,
            sealed_cid: cid(&format!("pc {}", n)),
            seal_rand_epoch: 42,
            deal_ids: vec![1, 2, 3],
            expiration: 600_000,
            unsealed_cid: if commd {
                CompactCommD::of(cid("commd"))
            } else {
                CompactCommD::empty()
            },
        },
        pre_commit_deposit: atto(5_000 + n),
        pre_commit_epoch: 77,
    }
}

#[test]
fn structures_round_trip_through_chainsafe_v18() {
    let store = MemoryBlockstore::new();
    for all_set in [true, false] {
        assert_compatible::<cs::MinerInfo, _>(&miner_info(all_set));
        assert_compatible::<cs::SectorOnChainInfo, _>(&sector(9, 500_000, all_set));
        assert_compatible::<cs::SectorPreCommitOnChainInfo, _>(&precommit(3, all_set));
    }
    assert_compatible::<cs::SectorPreCommitInfo, _>(&precommit(4, true).info);
    assert_compatible::<cs::CompactCommD, _>(&CompactCommD::empty());
    assert_compatible::<cs::WorkerKeyChange, _>(&WorkerKeyChange {
        new_worker: Address::new_id(5),
        effective_at: -3,
    });
    assert_compatible::<cs::BeneficiaryTerm, _>(&BeneficiaryTerm::new(atto(1), atto(2), 3));
    assert_compatible::<cs::PendingBeneficiaryChange, _>(&PendingBeneficiaryChange::new(
        Address::new_id(8),
        atto(9),
        10,
    ));
    assert_compatible::<cs::PowerPair, _>(&power(32 << 30, 320 << 30));
    assert_compatible::<cs::VestingFund, _>(&VestingFund {
        epoch: 1440,
        amount: atto(77),
    });

    let mut vesting = VestingFunds::new();
    assert_compatible::<cs::VestingFunds, _>(&vesting);
    vesting
        .add_locked_funds(&store, 100, &atto(1_000_000), 0, &REWARD_VESTING_SPEC)
        .unwrap();
    assert_compatible::<cs::VestingFunds, _>(&vesting);
    let theirs: cs::VestingFunds = as_theirs(&vesting);
    let their_list: Vec<(i64, TokenAmount)> = theirs
        .load(&store)
        .unwrap()
        .into_iter()
        .map(|f| (f.epoch, f.amount))
        .collect();
    let our_list: Vec<(i64, TokenAmount)> = vesting
        .load(&store)
        .unwrap()
        .into_iter()
        .map(|f| (f.epoch, f.amount))
        .collect();
    assert_eq!(their_list, our_list);
    assert_eq!(our_list.len(), 180);

    let set = ExpirationSet {
        on_time_sectors: bf(&[1, 2, 5]),
        early_sectors: bf(&[9]),
        on_time_pledge: atto(300),
        active_power: power(2, 20),
        faulty_power: power(1, 1),
        fee_deduction: atto(17),
    };
    assert_compatible::<cs::ExpirationSet, _>(&set);

    let partition = Partition {
        sectors: bf(&[1, 2, 3, 4, 5, 9]),
        unproven: bf(&[4]),
        faults: bf(&[2, 9]),
        recoveries: bf(&[2]),
        terminated: bf(&[3]),
        expirations_epochs: cid("exp"),
        early_terminated: cid("early"),
        live_power: power(5, 50),
        unproven_power: power(1, 10),
        faulty_power: power(2, 20),
        recovering_power: power(1, 10),
    };
    assert_compatible::<cs::Partition, _>(&partition);

    let deadline = Deadline {
        partitions: cid("p"),
        expirations_epochs: cid("e"),
        partitions_posted: bf(&[0, 2]),
        early_terminations: bf(&[1]),
        live_sectors: 10,
        total_sectors: 12,
        faulty_power: power(3, 30),
        optimistic_post_submissions: cid("o"),
        sectors_snapshot: cid("s"),
        partitions_snapshot: cid("ps"),
        optimistic_post_submissions_snapshot: cid("os"),
        live_power: power(10, 100),
        daily_fee: atto(999),
    };
    assert_compatible::<cs::Deadline, _>(&deadline);
    assert_compatible::<cs::Deadlines, _>(&Deadlines::new(&Policy::mainnet(), cid("d")));
    assert_compatible::<cs::WindowedPoSt, _>(&WindowedPoSt {
        partitions: bf(&[0, 1]),
        proofs: vec![PoStProof {
            post_proof: RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
            proof_bytes: vec![1, 2, 3],
        }],
    });

    let state = State {
        info: cid("info"),
        pre_commit_deposits: atto(1),
        locked_funds: atto(1_000_000),
        vesting_funds: vesting,
        fee_debt: atto(3),
        initial_pledge: atto(4),
        pre_committed_sectors: cid("pcs"),
        pre_committed_sectors_cleanup: cid("pcc"),
        allocated_sectors: cid("alloc"),
        sectors: cid("sectors"),
        proving_period_start: 1234,
        current_deadline: 17,
        deadlines: cid("dls"),
        early_terminations: bf(&[3, 40]),
        deadline_cron_active: true,
        old_sectors: None,
    };
    assert_state_compatible(&state);
    assert_state_compatible(&State {
        vesting_funds: VestingFunds::new(),
        deadline_cron_active: false,
        ..state.clone()
    });
    // FIP-0067's counters, once set, follow v18's fields as [initial, deactivated].
    let counted = State {
        old_sectors: Some(OldSectors::Counters(OldSectorCounters {
            initial: 500,
            deactivated: 7,
        })),
        ..state
    };
    assert_state_compatible(&counted);
    assert!(to_vec(&counted)
        .unwrap()
        .ends_with(&[0x82, 0x19, 0x01, 0xf4, 0x07]));
}

#[test]
fn empty_structures_have_the_network_cids() {
    let store = MemoryBlockstore::new();
    let policy = Policy::mainnet();
    let their_policy = fil_actors_shared::v18::runtime::Policy::default();
    let info = store
        .put_cbor(&miner_info(false), Code::Blake2b256)
        .unwrap();

    let ours = State::new(&policy, &store, info, 2000, 5).unwrap();
    let theirs = cs::State::new(&their_policy, &store, info, 2000, 5).unwrap();
    // Byte for byte and so CID for CID.
    assert_eq!(to_vec(&ours).unwrap(), to_vec(&theirs).unwrap());

    let p = Partition::new(&store).unwrap();
    let tp = cs::Partition::new(&store).unwrap();
    assert_eq!(to_vec(&p).unwrap(), to_vec(&tp).unwrap());
    let d = Deadline::new(&store).unwrap();
    let td = cs::Deadline::new(&store).unwrap();
    assert_eq!(to_vec(&d).unwrap(), to_vec(&td).unwrap());
}

/// Our and ChainSafe's deadline after the same operation must be the same bytes.
fn same_deadline(ours: &Deadline, theirs: &cs::Deadline, step: &str) {
    assert_eq!(
        to_vec(ours).unwrap(),
        to_vec(theirs).unwrap(),
        "deadlines differ after {}",
        step
    );
}

#[test]
fn a_deadline_lifecycle_matches_chainsafe_v18() {
    let store = MemoryBlockstore::new();
    let their_policy = fil_actors_shared::v18::runtime::Policy::default();
    let size = SectorSize::_32GiB;
    let quant = QuantSpec {
        unit: 2880,
        offset: 59,
    };
    let their_quant = cs::QuantSpec {
        unit: 2880,
        offset: 59,
    };
    let infos: Vec<SectorOnChainInfo> = (1..=6)
        .map(|n| sector(n, 20_000 + 3000 * n as i64, n == 3))
        .collect();
    let their_infos: Vec<cs::SectorOnChainInfo> = infos.iter().map(as_theirs).collect();
    let mut sectors = Sectors::load(&store, &Sectors::flush_empty(&store).unwrap()).unwrap();
    sectors.store(infos.clone()).unwrap();
    let sectors_root = sectors.flush().unwrap();
    let their_sectors = cs::Sectors::load(&store, &sectors_root).unwrap();

    let mut ours = Deadline::new(&store).unwrap();
    let mut theirs = cs::Deadline::new(&store).unwrap();
    // Partitions of 4: sectors 1-4 and 5-6.
    ours.add_sectors(&store, 4, false, true, &infos, size, quant)
        .unwrap();
    theirs
        .add_sectors(&store, 4, false, true, &their_infos, size, their_quant)
        .unwrap();
    same_deadline(&ours, &theirs, "adding sectors");

    let post = [
        PoStPartition {
            index: 0,
            skipped: bf(&[2]),
        },
        PoStPartition {
            index: 1,
            skipped: bf(&[]),
        },
    ];
    let mut their_post: Vec<cs::PoStPartition> = post
        .iter()
        .map(|p| cs::PoStPartition {
            index: p.index,
            skipped: p.skipped.clone(),
        })
        .collect();
    ours.record_proven_sectors(&store, &sectors, size, quant, 5000, &post)
        .unwrap();
    theirs
        .record_proven_sectors(
            &store,
            &their_sectors,
            size,
            their_quant,
            5000,
            &mut their_post,
        )
        .unwrap();
    same_deadline(&ours, &theirs, "a PoSt skipping sector 2");

    let proofs = vec![PoStProof {
        post_proof: RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
        proof_bytes: vec![9],
    }];
    ours.record_post_proofs(&store, &bf(&[0, 1]), &proofs)
        .unwrap();
    theirs
        .record_post_proofs(&store, &bf(&[0, 1]), &proofs)
        .unwrap();
    same_deadline(&ours, &theirs, "recording a proof");

    ours.process_deadline_end(&store, quant, 5000, sectors_root)
        .unwrap();
    theirs
        .process_deadline_end(&store, their_quant, 5000, sectors_root)
        .unwrap();
    same_deadline(&ours, &theirs, "the deadline's end");

    let mut faults = PartitionSectorMap::default();
    faults.add(1, bf(&[5]));
    let mut their_faults = cs::PartitionSectorMap::default();
    their_faults.add(1, bf(&[5])).unwrap();
    ours.record_faults(&store, &sectors, size, quant, 9000, &mut faults)
        .unwrap();
    theirs
        .record_faults(
            &store,
            &their_sectors,
            size,
            their_quant,
            9000,
            &mut their_faults,
        )
        .unwrap();
    same_deadline(&ours, &theirs, "declaring sector 5 faulty");

    let mut recoveries = PartitionSectorMap::default();
    recoveries.add(0, bf(&[2]));
    let mut their_recoveries = cs::PartitionSectorMap::default();
    their_recoveries.add(0, bf(&[2])).unwrap();
    ours.declare_faults_recovered(&store, &sectors, size, &mut recoveries)
        .unwrap();
    theirs
        .declare_faults_recovered(&store, &their_sectors, size, &mut their_recoveries)
        .unwrap();
    same_deadline(&ours, &theirs, "declaring sector 2 recovering");

    let post = [PoStPartition {
        index: 0,
        skipped: bf(&[]),
    }];
    let mut their_post = vec![cs::PoStPartition {
        index: 0,
        skipped: bf(&[]),
    }];
    ours.record_proven_sectors(&store, &sectors, size, quant, 9000, &post)
        .unwrap();
    theirs
        .record_proven_sectors(
            &store,
            &their_sectors,
            size,
            their_quant,
            9000,
            &mut their_post,
        )
        .unwrap();
    same_deadline(&ours, &theirs, "a PoSt recovering sector 2");
    ours.process_deadline_end(&store, quant, 9000, sectors_root)
        .unwrap();
    theirs
        .process_deadline_end(&store, their_quant, 9000, sectors_root)
        .unwrap();
    same_deadline(&ours, &theirs, "a deadline end missing partition 1");

    let mut terminations = PartitionSectorMap::default();
    terminations.add(0, bf(&[1, 3]));
    let mut their_terminations = cs::PartitionSectorMap::default();
    their_terminations.add(0, bf(&[1, 3])).unwrap();
    ours.terminate_sectors(&store, &sectors, 7000, &mut terminations, size, quant)
        .unwrap();
    theirs
        .terminate_sectors(
            &their_policy,
            &store,
            &their_sectors,
            7000,
            &mut their_terminations,
            size,
            their_quant,
        )
        .unwrap();
    same_deadline(&ours, &theirs, "terminating sectors 1 and 3");

    let ours_popped = ours.pop_early_terminations(&store, 10, 1).unwrap();
    let theirs_popped = theirs.pop_early_terminations(&store, 10, 1).unwrap();
    assert_eq!(ours_popped.1, theirs_popped.1);
    same_deadline(&ours, &theirs, "popping one early termination");
    ours.pop_early_terminations(&store, 10, 10).unwrap();
    theirs.pop_early_terminations(&store, 10, 10).unwrap();

    // Sector 5 stays faulty past its fault expiration; the rest expire on time by 40,000.
    let expired = ours.pop_expired_sectors(&store, 40_000, quant).unwrap();
    let their_expired = theirs
        .pop_expired_sectors(&store, 40_000, their_quant)
        .unwrap();
    assert_eq!(to_vec(&expired).unwrap(), to_vec(&their_expired).unwrap());
    same_deadline(&ours, &theirs, "expiring sectors");
    assert_eq!(ours.live_sectors, 0);
    assert_eq!(ours.daily_fee, TokenAmount::from_atto(0));
}

#[test]
fn state_operations_match_chainsafe_v18() {
    let store = MemoryBlockstore::new();
    let policy = Policy::mainnet();
    let their_policy = fil_actors_shared::v18::runtime::Policy::default();
    let info = store.put_cbor(&miner_info(true), Code::Blake2b256).unwrap();
    let mut ours = State::new(&policy, &store, info, 1000, 0).unwrap();
    let mut theirs = cs::State::new(&their_policy, &store, info, 1000, 0).unwrap();
    let same = |ours: &State, theirs: &cs::State, step: &str| {
        assert_eq!(
            v18_fields(ours),
            to_vec(theirs).unwrap(),
            "states differ after {}",
            step
        );
    };

    ours.allocate_sector_numbers(&store, &bf(&[1, 2, 3, 10]), CollisionPolicy::DenyCollisions)
        .unwrap();
    theirs
        .allocate_sector_numbers(
            &store,
            &bf(&[1, 2, 3, 10]),
            cs::CollisionPolicy::DenyCollisions,
        )
        .unwrap();
    same(&ours, &theirs, "allocating sector numbers");

    let pcs = vec![precommit(10, true)];
    ours.put_precommitted_sectors(&store, pcs.clone()).unwrap();
    theirs
        .put_precommitted_sectors(&store, pcs.iter().map(as_theirs).collect())
        .unwrap();
    ours.add_pre_commit_clean_ups(&policy, &store, vec![(5000, 10)])
        .unwrap();
    theirs
        .add_pre_commit_clean_ups(&their_policy, &store, vec![(5000, 10)])
        .unwrap();
    ours.add_pre_commit_deposit(&atto(5010)).unwrap();
    theirs.add_pre_commit_deposit(&atto(5010)).unwrap();
    same(&ours, &theirs, "pre-committing");

    let new_sectors: Vec<SectorOnChainInfo> = (1..=3)
        .map(|n| sector(n, 600_000 + n as i64, false))
        .collect();
    ours.put_sectors(&store, new_sectors.clone()).unwrap();
    theirs
        .put_sectors(&store, new_sectors.iter().map(as_theirs).collect())
        .unwrap();
    ours.assign_sectors_to_deadlines(
        &policy,
        &store,
        1500,
        new_sectors.clone(),
        2349,
        SectorSize::_32GiB,
    )
    .unwrap();
    theirs
        .assign_sectors_to_deadlines(
            &their_policy,
            &store,
            1500,
            new_sectors.iter().map(as_theirs).collect(),
            2349,
            SectorSize::_32GiB,
        )
        .unwrap();
    same(&ours, &theirs, "assigning sectors to deadlines");

    ours.add_locked_funds(&store, 1500, &atto(1_000_000), &REWARD_VESTING_SPEC)
        .unwrap();
    theirs
        .add_locked_funds(&store, 1500, &atto(1_000_000), &cs::REWARD_VESTING_SPEC)
        .unwrap();
    ours.apply_penalty(&atto(250_000)).unwrap();
    theirs.apply_penalty(&atto(250_000)).unwrap();
    let balance = atto(2_000_000);
    let r = ours
        .repay_partial_debt_in_priority_order(&store, 20_000, &balance)
        .unwrap();
    let t = theirs
        .repay_partial_debt_in_priority_order(&store, 20_000, &balance)
        .unwrap();
    assert_eq!(r, t);
    same(&ours, &theirs, "locking funds and repaying debt");

    for epoch in [1059, 1119, 5000, 6000] {
        let a = ours.advance_deadline(&policy, &store, epoch, None).unwrap();
        let b = theirs
            .advance_deadline(&their_policy, &store, epoch)
            .unwrap();
        assert_eq!(
            (a.power_delta.raw, a.daily_fee),
            (b.power_delta.raw, b.daily_fee)
        );
        same(
            &ours,
            &theirs,
            &format!("advancing the deadline at {}", epoch),
        );
    }
    let (burnt, _) = ours
        .cleanup_expired_pre_commits(&policy, &store, 6000)
        .unwrap();
    let their_burnt = theirs
        .cleanup_expired_pre_commits(&their_policy, &store, 6000)
        .unwrap();
    assert_eq!(burnt, their_burnt);
    assert_eq!(burnt, atto(5010));
    same(&ours, &theirs, "cleaning up expired pre-commits");
}

#[test]
fn compaction_and_rescheduling_match_chainsafe_v18() {
    let store = MemoryBlockstore::new();
    let their_policy = fil_actors_shared::v18::runtime::Policy::default();
    let size = SectorSize::_32GiB;
    let quant = QuantSpec {
        unit: 2880,
        offset: 119,
    };
    let their_quant = cs::QuantSpec {
        unit: 2880,
        offset: 119,
    };
    let infos: Vec<SectorOnChainInfo> = (1..=6)
        .map(|n| sector(n, 30_000 + 1000 * n as i64, false))
        .collect();
    let their_infos: Vec<cs::SectorOnChainInfo> = infos.iter().map(as_theirs).collect();
    let mut sectors = Sectors::load(&store, &Sectors::flush_empty(&store).unwrap()).unwrap();
    sectors.store(infos.clone()).unwrap();
    let root = sectors.flush().unwrap();
    let mut their_sectors = cs::Sectors::load(&store, &root).unwrap();

    let mut ours = Deadline::new(&store).unwrap();
    let mut theirs = cs::Deadline::new(&store).unwrap();
    ours.add_sectors(&store, 2, true, true, &infos, size, quant)
        .unwrap();
    theirs
        .add_sectors(&store, 2, true, true, &their_infos, size, their_quant)
        .unwrap();

    let mut moves = PartitionSectorMap::default();
    moves.add(0, bf(&[1, 2]));
    moves.add(2, bf(&[6]));
    let mut their_moves = cs::PartitionSectorMap::default();
    their_moves.add(0, bf(&[1, 2])).unwrap();
    their_moves.add(2, bf(&[6])).unwrap();
    let moved = ours
        .reschedule_sector_expirations(&store, &sectors, 20_000, &mut moves, size, quant)
        .unwrap();
    let their_moved = theirs
        .reschedule_sector_expirations(
            &store,
            &their_sectors,
            20_000,
            &mut their_moves,
            size,
            their_quant,
        )
        .unwrap();
    assert_eq!(moved.len(), their_moved.len());
    same_deadline(&ours, &theirs, "rescheduling expirations");

    let mut terminate = PartitionSectorMap::default();
    terminate.add(1, bf(&[3]));
    let mut their_terminate = cs::PartitionSectorMap::default();
    their_terminate.add(1, bf(&[3])).unwrap();
    ours.terminate_sectors(&store, &sectors, 900, &mut terminate, size, quant)
        .unwrap();
    theirs
        .terminate_sectors(
            &their_policy,
            &store,
            &their_sectors,
            900,
            &mut their_terminate,
            size,
            their_quant,
        )
        .unwrap();
    ours.pop_early_terminations(&store, 10, 10).unwrap();
    theirs.pop_early_terminations(&store, 10, 10).unwrap();
    same_deadline(&ours, &theirs, "terminating sector 3");

    let dead = ours
        .compact_partitions(&store, &sectors, size, 2, &bf(&[1]), quant)
        .unwrap();
    let their_dead = theirs
        .compact_partitions(&store, &mut their_sectors, size, 2, &bf(&[1]), their_quant)
        .unwrap();
    assert_eq!(dead, their_dead);
    assert_eq!(dead, bf(&[3]));
    same_deadline(&ours, &theirs, "compacting partition 1");
}
