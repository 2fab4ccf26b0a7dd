//! The invariant checker passes a healthy miner state and reports each invariant broken on
//! purpose, with its exact message.

use fil_actor_miner::testing::check_state_invariants;
use fil_actor_miner::*;
use fil_actors_runtime::runtime::Policy;
use fvm_ipld_bitfield::BitField;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::{BytesDe, CborStore};
use fvm_shared::address::Address;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::sector::{RegisteredPoStProof, RegisteredSealProof, SectorSize};
use multihash_codetable::Code;

const SIZE: SectorSize = SectorSize::_32GiB;
const RAW: u64 = 32 << 30;

fn bf(bits: &[u64]) -> BitField {
    BitField::try_from_bits(bits.iter().copied()).unwrap()
}

fn atto(n: u64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

fn sector(n: u64) -> SectorOnChainInfo {
    SectorOnChainInfo {
        sector_number: n,
        seal_proof: RegisteredSealProof::StackedDRG32GiBV1P1,
        activation: 10,
        power_base_epoch: 10,
        expiration: 600_000,
        initial_pledge: atto(100),
        daily_fee: atto(7),
        ..Default::default()
    }
}

struct Miner {
    store: MemoryBlockstore,
    policy: Policy,
    state: State,
    balance: TokenAmount,
}

/// A miner with sectors 1 and 2 in deadline 3, a pending pre-commit of sector 5, vesting
/// funds, and enough balance.
fn healthy() -> Miner {
    let store = MemoryBlockstore::new();
    let policy = Policy::mainnet();
    let info = MinerInfo::new(
        100,
        101,
        vec![102],
        vec![],
        vec![BytesDe(vec![1])],
        RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
    )
    .unwrap();
    let info_cid = store.put_cbor(&info, Code::Blake2b256).unwrap();
    let mut state = State::new(&policy, &store, info_cid, 0, 0).unwrap();
    state
        .allocate_sector_numbers(&store, &bf(&[1, 2, 5]), CollisionPolicy::DenyCollisions)
        .unwrap();
    let pc = SectorPreCommitOnChainInfo {
        info: SectorPreCommitInfo {
            sector_number: 5,
            ..Default::default()
        },
        pre_commit_deposit: atto(50),
        pre_commit_epoch: 1,
    };
    state.put_precommitted_sectors(&store, vec![pc]).unwrap();
    state
        .add_pre_commit_clean_ups(&policy, &store, vec![(3000, 5)])
        .unwrap();
    state.add_pre_commit_deposit(&atto(50)).unwrap();
    state
        .put_sectors(&store, vec![sector(1), sector(2)])
        .unwrap();
    state
        .assign_sectors_to_deadline(
            &policy,
            &store,
            1,
            vec![sector(1), sector(2)],
            2349,
            SIZE,
            3,
        )
        .unwrap();
    state.add_initial_pledge(&atto(200)).unwrap();
    state
        .add_locked_funds(&store, 1, &atto(1000), &REWARD_VESTING_SPEC)
        .unwrap();
    state.deadline_cron_active = true;
    Miner {
        store,
        policy,
        state,
        balance: atto(1250),
    }
}

fn messages(m: &Miner) -> Vec<String> {
    check_state_invariants(&m.policy, &m.state, &m.store, &m.balance)
        .1
        .messages()
}

/// Changes deadline `idx` with `f` and stores it back.
fn with_deadline(m: &mut Miner, idx: u64, f: impl FnOnce(&MemoryBlockstore, &mut Deadline)) {
    let Miner {
        store,
        policy,
        state,
        ..
    } = m;
    let mut deadlines = state.load_deadlines(store).unwrap();
    let mut deadline = deadlines.load_deadline(store, idx).unwrap();
    f(store, &mut deadline);
    deadlines
        .update_deadline(policy, store, idx, &deadline)
        .unwrap();
    state.save_deadlines(store, deadlines).unwrap();
}

/// Changes partition 0 of deadline 3 with `f` and stores it back.
fn with_partition(m: &mut Miner, f: impl FnOnce(&MemoryBlockstore, &mut Partition)) {
    with_deadline(m, 3, |store, d| {
        let mut parts = d.partitions_amt(store).unwrap();
        let mut p = parts.get(0).unwrap().unwrap().clone();
        f(store, &mut p);
        parts.set(0, p).unwrap();
        d.partitions = parts.flush().unwrap();
    });
}

fn pp(n: u64) -> PowerPair {
    PowerPair::new(BigInt::from(RAW * n), BigInt::from(RAW * n))
}

#[test]
fn a_healthy_state_passes_and_is_summarized() {
    let m = healthy();
    let (summary, acc) = check_state_invariants(&m.policy, &m.state, &m.store, &m.balance);
    acc.assert_empty();
    assert_eq!(summary.live_power, pp(2));
    // Unproven sectors are live but not active.
    assert_eq!(summary.active_power, PowerPair::zero());
    assert_eq!(summary.live_sectors, 2);
    assert!(summary.deadline_cron_active);
}

#[test]
fn funds_invariants() {
    let mut m = healthy();
    m.balance = atto(1249);
    assert_eq!(
        messages(&m),
        vec![format!(
            "balance {} is below locked funds, pre-commit deposits and initial pledge {}",
            atto(1249),
            atto(1250)
        )]
    );

    let mut m = healthy();
    m.state.locked_funds = atto(999);
    assert_eq!(
        messages(&m),
        vec![format!(
            "locked funds {} are not the vesting table's sum {}",
            atto(999),
            atto(1000)
        )]
    );

    let mut m = healthy();
    m.state.pre_commit_deposits = atto(49);
    assert_eq!(
        messages(&m),
        vec![format!(
            "pre-commit deposits {} are not the sum of deposits {}",
            atto(49),
            atto(50)
        )]
    );

    let mut m = healthy();
    m.state.fee_debt = atto(0) - atto(1);
    assert_eq!(
        messages(&m),
        vec![format!("fee debt is negative: {}", atto(0) - atto(1))]
    );

    let mut m = healthy();
    m.state.deadline_cron_active = false;
    assert_eq!(
        messages(&m),
        vec!["deadline cron inactive while deposits or pledge are held"]
    );

    let mut m = healthy();
    let mut funds = m.state.load_vesting_funds(&m.store).unwrap();
    funds[0].epoch += 1;
    let bad_epoch = funds[0].epoch;
    m.state.vesting_funds = VestingFunds(Some(VestingFundsInner {
        head: funds.remove(0),
        tail: m.store.put_cbor(&funds, Code::Blake2b256).unwrap(),
    }));
    assert_eq!(
        messages(&m),
        vec![format!(
            "vesting entry epoch {} is not quantized",
            bad_epoch
        )]
    );
}

#[test]
fn info_and_allocation_invariants() {
    let mut m = healthy();
    let mut info = m.state.get_info(&m.store).unwrap();
    info.pending_owner_address = Some(Address::new_id(100));
    info.window_post_partition_sectors = 7;
    m.state.save_info(&m.store, &info).unwrap();
    assert_eq!(
        messages(&m),
        vec![
            "pending owner f0100 is the current owner",
            "partition sectors 7 do not match 2349 of StackedDRGWindow32GiBV1P1",
        ]
    );

    // A sector info that is neither allocated nor in a partition.
    let mut m = healthy();
    m.state.put_sectors(&m.store, vec![sector(99)]).unwrap();
    assert_eq!(
        messages(&m),
        vec!["sector 99 is not allocated", "sector 99 is in no partition"]
    );

    // A pre-commitment without a clean-up epoch.
    let mut m = healthy();
    m.state
        .allocate_sector_numbers(&m.store, &bf(&[6]), CollisionPolicy::DenyCollisions)
        .unwrap();
    let pc = SectorPreCommitOnChainInfo {
        info: SectorPreCommitInfo {
            sector_number: 6,
            ..Default::default()
        },
        pre_commit_deposit: atto(0),
        pre_commit_epoch: 1,
    };
    m.state
        .put_precommitted_sectors(&m.store, vec![pc])
        .unwrap();
    assert_eq!(
        messages(&m),
        vec!["pre-committed sector 6 has no clean-up epoch"]
    );
}

#[test]
fn deadline_invariants() {
    let mut m = healthy();
    with_deadline(&mut m, 3, |_, d| {
        d.live_sectors = 1;
    });
    assert_eq!(
        messages(&m),
        vec!["deadline 3: live sectors 1 but partitions have 2"]
    );

    let mut m = healthy();
    with_deadline(&mut m, 3, |_, d| {
        d.daily_fee = atto(15);
    });
    assert_eq!(
        messages(&m),
        vec![format!(
            "deadline 3: daily fee {} but live sectors' fees sum to {}",
            atto(15),
            atto(14)
        )]
    );

    let mut m = healthy();
    with_deadline(&mut m, 3, |_, d| {
        d.faulty_power = pp(1);
    });
    assert_eq!(
        messages(&m),
        vec![format!(
            "deadline 3: faulty power {:?} but partitions have {:?}",
            pp(1),
            PowerPair::zero()
        )]
    );

    // The same sector in partitions of two deadlines.
    let mut m = healthy();
    let quant = m.state.quant_spec_for_deadline(&m.policy, 5);
    with_deadline(&mut m, 5, |store, d| {
        d.add_sectors(store, 2349, false, true, &[sector(1)], SIZE, quant)
            .unwrap();
    });
    assert_eq!(
        messages(&m),
        vec!["deadline 5: sector 1 in partition 0 is also in deadline 3 partition 0"]
    );
}

#[test]
fn partition_invariants() {
    let mut m = healthy();
    with_partition(&mut m, |_, p| p.live_power = pp(3));
    assert_eq!(
        messages(&m),
        vec![
            format!(
                "deadline 3: partition 0: live power {:?} but its sectors have {:?}",
                pp(3),
                pp(2)
            ),
            format!(
                "deadline 3: partition 0: active power {:?} but its sectors have {:?}",
                pp(1),
                PowerPair::zero()
            ),
            format!(
                "deadline 3: live power {:?} but partitions have {:?}",
                pp(2),
                pp(3)
            ),
        ]
    );

    // Sector 2 faulty in the bitfield, but neither its power nor its queue entry say so.
    let mut m = healthy();
    with_partition(&mut m, |_, p| {
        p.faults = bf(&[2]);
        p.unproven = bf(&[1]);
    });
    let exp = m
        .state
        .quant_spec_for_deadline(&m.policy, 3)
        .quantize_up(600_000);
    assert_eq!(
        messages(&m),
        vec![
            format!("deadline 3: partition 0: unproven power {:?} but its sectors have {:?}", pp(2), pp(1)),
            format!("deadline 3: partition 0: faulty power {:?} but its sectors have {:?}", PowerPair::zero(), pp(1)),
            format!("deadline 3: partition 0: expiration {}: faulty power {:?} but its sectors have {:?}", exp, PowerPair::zero(), pp(1)),
            format!("deadline 3: partition 0: expiration {}: active power {:?} but its sectors have {:?}", exp, pp(2), pp(1)),
        ]
    );

    // A live sector missing from the expiration queue.
    let mut m = healthy();
    with_partition(&mut m, |store, p| {
        let mut q = ExpirationQueue::new(
            store,
            &p.expirations_epochs,
            QuantSpec {
                unit: 2880,
                offset: 239,
            },
        )
        .unwrap();
        let (epoch, mut set) = q.entries().unwrap().remove(0);
        set.on_time_sectors = bf(&[1]);
        set.active_power = pp(1);
        set.on_time_pledge = atto(100);
        set.fee_deduction = atto(7);
        q.amt.set(epoch as u64, set).unwrap();
        p.expirations_epochs = q.flush().unwrap();
    });
    assert_eq!(
        messages(&m),
        vec!["deadline 3: partition 0: scheduled sectors [1] are not the live sectors [1, 2]"]
    );
}
